//! `ens-emulator --listen 127.0.0.1:PORT [--access-key ID:SECRET[:ACCOUNT]]... [--state FILE]`
//!
//! Prints `listening on http://ADDR` as its first line once it accepts connections, then serves
//! until interrupted. Every flag can also be given as an environment variable (`ENS_EMULATOR_*`).

use ens_emulator::{AccessKey, ClockMode, Emulator, Settle, Timings};
use std::io::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

const USAGE: &str =
    "usage: ens-emulator [--listen ADDR] [--access-key ID:SECRET[:ACCOUNT]]... [--state FILE]
                    [--seed N] [--boot-delay SECS] [--transition-delay SECS] [--manual-clock]
                    [--no-throttle] [--allow-remote]

  --listen ADDR           where to listen (default 127.0.0.1:0, a free port; the first line
                          printed says which); env ENS_EMULATOR_LISTEN
  --access-key ID:SECRET  accept this key pair (repeatable; ACCOUNT groups keys into one
                          account); default: the documented test pair; env ENS_EMULATOR_ACCESS_KEYS
                          (comma-separated)
  --state FILE            load the state from FILE and save it there after every change;
                          env ENS_EMULATOR_STATE
  --seed N                seed of ids and fault probabilities; env ENS_EMULATOR_SEED
  --boot-delay SECS       Pending -> Running (default 2); env ENS_EMULATOR_BOOT_DELAY
  --transition-delay SECS Stopping/Starting -> Stopped/Running (default 1)
  --manual-clock          freeze the resource clock (advance it with POST /_emulator/clock/advance)
  --no-throttle           ignore the documented rate limits
  --allow-remote          allow listening on a non-loopback address";

struct Args {
    listen: SocketAddr,
    keys: Vec<AccessKey>,
    state: Option<String>,
    seed: Option<u64>,
    boot: Option<f64>,
    transition: Option<f64>,
    manual: bool,
    throttle: bool,
    allow_remote: bool,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let env = |name: &str| {
        std::env::var(format!("ENS_EMULATOR_{name}"))
            .ok()
            .filter(|v| !v.is_empty())
    };
    let mut args = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        keys: Vec::new(),
        state: env("STATE"),
        seed: None,
        boot: None,
        transition: None,
        manual: false,
        throttle: true,
        allow_remote: false,
    };
    let number = |flag: &str, v: Option<String>| -> Result<f64, String> {
        v.ok_or_else(|| format!("{flag} needs a value"))?
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| format!("{flag} needs a non-negative number"))
    };
    let parse_key = |text: &str| {
        AccessKey::parse(text)
            .ok_or_else(|| format!("--access-key wants ID:SECRET[:ACCOUNT], got {text:?}"))
    };
    let mut listen = env("LISTEN");
    if let Some(keys) = env("ACCESS_KEYS") {
        for k in keys.split(',') {
            args.keys.push(parse_key(k.trim())?);
        }
    }
    args.seed = env("SEED")
        .map(|s| s.parse().map_err(|_| "ENS_EMULATOR_SEED is not a number"))
        .transpose()?;
    args.boot = env("BOOT_DELAY")
        .map(|s| number("ENS_EMULATOR_BOOT_DELAY", Some(s)))
        .transpose()?;
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "--listen" => listen = Some(argv.next().ok_or("--listen needs an address")?),
            "--access-key" => args.keys.push(parse_key(
                &argv.next().ok_or("--access-key needs ID:SECRET")?,
            )?),
            "--state" => args.state = Some(argv.next().ok_or("--state needs a file")?),
            "--seed" => {
                args.seed = Some(
                    argv.next()
                        .and_then(|s| s.parse().ok())
                        .ok_or("--seed needs a number")?,
                )
            }
            "--boot-delay" => args.boot = Some(number("--boot-delay", argv.next())?),
            "--transition-delay" => {
                args.transition = Some(number("--transition-delay", argv.next())?)
            }
            "--manual-clock" => args.manual = true,
            "--no-throttle" => args.throttle = false,
            "--allow-remote" => args.allow_remote = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if let Some(text) = listen {
        args.listen = text
            .parse()
            .map_err(|_| format!("--listen wants IP:PORT, got {text:?}"))?;
    }
    if !args.listen.ip().is_loopback() && !args.allow_remote {
        return Err(format!(
            "{} is not a loopback address: the control API is unauthenticated; pass --allow-remote to listen there anyway",
            args.listen
        ));
    }
    Ok(args)
}

fn main() -> std::process::ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("ens-emulator: {message}");
            }
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ens-emulator: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> std::process::ExitCode {
    let mut builder = Emulator::builder()
        .listen(args.listen)
        .throttling(args.throttle);
    for key in args.keys {
        builder = builder.access_key(key);
    }
    if let Some(state) = args.state {
        builder = builder.state_file(state);
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    if args.manual {
        builder = builder.clock(ClockMode::Manual);
    }
    let mut timings = Timings::default();
    let secs = |s: f64| Settle::After(Duration::from_secs_f64(s));
    if let Some(b) = args.boot {
        timings.boot = secs(b);
    }
    if let Some(t) = args.transition {
        (timings.start, timings.stop, timings.reboot, timings.reinit) =
            (secs(t), secs(t), secs(t), secs(t));
    }
    let emulator = match builder.timings(timings).start().await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("ens-emulator: cannot start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", emulator.endpoint());
    let keys: Vec<&str> = emulator.access_keys().iter().map(AccessKey::id).collect();
    let _ = writeln!(
        out,
        "access keys: {} (control API: {}/_emulator/info)",
        keys.join(", "),
        emulator.endpoint()
    );
    let _ = out.flush();
    drop(out);
    shutdown_signal().await;
    std::process::ExitCode::SUCCESS
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
