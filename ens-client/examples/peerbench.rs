//! The peer benchmark's Rust client (`../shared/peerbench/README.md`): CreateInstance calls per
//! second against the benchmark's nginx, with the same request, the same checks and the same JSON
//! output as the official SDKs' `bench_python.py`, so `run_all.sh` puts them side by side.
//!
//! ```sh
//! cargo build --release -p ens-client --example peerbench
//! EXTRA_BENCH='target/release/examples/peerbench --url "$PEERBENCH_URL" -n "$PEERBENCH_N" --warmup "$PEERBENCH_WARMUP" --threads "$PEERBENCH_THREADS"' \
//!   ../shared/peerbench/run_all.sh 3 15000
//! ```
//!
//! Every call builds a new request from the benchmark's parameters, validates it, signs it with a
//! fresh time and nonce, sends it over a kept-alive HTTP/1.1 connection, reads and decodes the
//! whole answer, and checks `RequestId` and the first instance id. One client per mode, created
//! before the warm-up; default settings except no retries. The sequential modes run on tokio's
//! current-thread runtime (what a program making one call at a time would use; `--worker-threads`
//! N > 0 with `--sequential-multi-thread` runs them on the multi-threaded one instead); a worker
//! of the concurrent modes is a task on a multi-threaded tokio runtime with `--worker-threads`
//! threads (default 2, the machine's cores; a mode ending in `_w<N>`, such as the default
//! `rust_acs3_x8_w1`, runs on N threads instead: on the 2-core benchmark machine one thread
//! leaves the other core to nginx).

#![allow(clippy::unwrap_used)]

use std::io::{Read as _, Write as _};
use std::time::{Duration, Instant};

use ens_client::{Client, Credentials, RetryPolicy, SignatureVersion};
use serde_json::{Value, json};

const AK_ID: &str = "LTAI5tTestAccessKeyId000";
const AK_SECRET: &str = "TestAccessKeySecret0123456789ab";
const EXPECT_REQUEST_ID: &str = "4A431388-2D4B-46F4-A96B-D4E6BD0688C1";
const EXPECT_INSTANCE_ID: &str = "i-7ecpqvkicnchxccozrp0001";

#[path = "peer_request/mod.rs"]
mod peer_request;
use peer_request::request;

/// One call: build, send, decode, check.
async fn call(client: &Client) -> Result<(), String> {
    let answer = client.send(request()).await.map_err(|e| e.to_string())?;
    let ok = answer.request_id.as_deref() == Some(EXPECT_REQUEST_ID)
        && answer.instance_ids.first().map(String::as_str) == Some(EXPECT_INSTANCE_ID);
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected answer: {answer:?}"))
    }
}

struct Args {
    url: String,
    status_url: String,
    n: usize,
    warmup: usize,
    threads: usize,
    worker_threads: usize,
    sequential_multi_thread: bool,
    modes: Vec<String>,
}

fn args() -> Args {
    let mut a = Args {
        url: "http://127.0.0.1:18080".to_owned(),
        status_url: std::env::var("PEERBENCH_STATUS_URL")
            .unwrap_or_else(|_| "http://127.0.0.1:18081/status".to_owned()),
        n: 15_000,
        warmup: 200,
        threads: 8,
        worker_threads: 2,
        sequential_multi_thread: false,
        modes: [
            "rust_acs3",
            "rust_v1",
            "rust_acs3_x8",
            "rust_v1_x8",
            "rust_acs3_x8_w1",
        ]
        .map(str::to_owned)
        .to_vec(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--url" => a.url = value(),
            "--status-url" => a.status_url = value(),
            "-n" => a.n = value().parse().unwrap_or_else(|_| usage("-n: a number")),
            "--warmup" => a.warmup = value().parse().unwrap_or_else(|_| usage("--warmup")),
            "--threads" => a.threads = value().parse().unwrap_or_else(|_| usage("--threads")),
            "--worker-threads" => {
                a.worker_threads = value()
                    .parse()
                    .unwrap_or_else(|_| usage("--worker-threads"))
            }
            "--modes" => a.modes = value().split(',').map(str::to_owned).collect(),
            "--sequential-multi-thread" => a.sequential_multi_thread = true,
            other => usage(&format!("unknown argument {other}")),
        }
    }
    if a.threads == 0 || a.n == 0 || a.worker_threads == 0 {
        usage("-n, --threads and --worker-threads must be positive");
    }
    a
}

fn usage(why: &str) -> ! {
    eprintln!(
        "{why}\nusage: peerbench [--url http://127.0.0.1:18080] [-n 15000] [--warmup 200] [--threads 8] [--worker-threads 2] [--modes rust_acs3,rust_v1,rust_acs3_x8,rust_v1_x8,rust_acs3_x8_w1] [--sequential-multi-thread] [--status-url URL|'']"
    );
    std::process::exit(2)
}

/// nginx's `stub_status`: (accepted connections, requests), or `None` without a status URL.
fn read_status(url: &str) -> Option<(u64, u64)> {
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let after = text.split("server accepts handled requests").nth(1)?;
    let numbers: Vec<u64> = after
        .split_whitespace()
        .take(3)
        .filter_map(|n| n.parse().ok())
        .collect();
    (numbers.len() == 3).then(|| (numbers[0], numbers[2]))
}

/// The counters' change over a timed phase, minus the `after` read itself.
fn status_delta(before: Option<(u64, u64)>, after: Option<(u64, u64)>) -> Value {
    match (before, after) {
        (Some(b), Some(a)) => json!({
            "server_new_connections": a.0 - b.0 - 1,
            "server_requests": a.1 - b.1 - 1,
        }),
        _ => json!({}),
    }
}

struct Phase {
    elapsed: Duration,
    latencies_ns: Vec<u64>,
    failures: usize,
    server: Value,
}

impl Phase {
    /// A timed phase that began at `started` and ends now, with the server's counters read
    /// `before` and now.
    fn ended(
        started: Instant,
        latencies_ns: Vec<u64>,
        failures: usize,
        before: Option<(u64, u64)>,
        status_url: &str,
    ) -> Self {
        let elapsed = started.elapsed();
        let after = read_status(status_url);
        Self {
            elapsed,
            latencies_ns,
            failures,
            server: status_delta(before, after),
        }
    }
}

/// `n` calls whose failure stops the benchmark (they come before anything is timed).
async fn warm_up(client: &Client, n: usize) {
    for _ in 0..n {
        call(client)
            .await
            .unwrap_or_else(|e| panic!("warm-up call failed: {e}"));
    }
}

/// Makes `n` calls one after the other, recording each one's time; the failures (the first
/// three reported).
async fn timed_calls(client: &Client, n: usize, latencies_ns: &mut Vec<u64>) -> usize {
    let mut failures = 0;
    for _ in 0..n {
        let t = Instant::now();
        if let Err(e) = call(client).await {
            failures += 1;
            if failures <= 3 {
                eprintln!("call failed: {e}");
            }
        }
        latencies_ns.push(t.elapsed().as_nanos() as u64);
    }
    failures
}

async fn sequential(client: &Client, n: usize, warmup: usize, status_url: &str) -> Phase {
    warm_up(client, warmup).await;
    let before = read_status(status_url);
    let mut latencies_ns = Vec::with_capacity(n);
    let started = Instant::now();
    let failures = timed_calls(client, n, &mut latencies_ns).await;
    Phase::ended(started, latencies_ns, failures, before, status_url)
}

async fn concurrent(
    client: &Client,
    n: usize,
    warmup: usize,
    workers: usize,
    status_url: &str,
) -> Phase {
    let warm = std::sync::Arc::new(tokio::sync::Barrier::new(workers + 1));
    let go = std::sync::Arc::new(tokio::sync::Barrier::new(workers + 1));
    let mut tasks = Vec::new();
    for w in 0..workers {
        let calls = n / workers + usize::from(w < n % workers);
        let warmup = (warmup / workers).max(1);
        let (client, warm, go) = (client.clone(), warm.clone(), go.clone());
        tasks.push(tokio::spawn(async move {
            warm_up(&client, warmup).await;
            warm.wait().await;
            go.wait().await;
            let mut latencies_ns = Vec::with_capacity(calls);
            let failures = timed_calls(&client, calls, &mut latencies_ns).await;
            (latencies_ns, failures)
        }));
    }
    warm.wait().await;
    let before = read_status(status_url);
    let started = Instant::now();
    go.wait().await;
    let mut latencies_ns = Vec::with_capacity(n);
    let mut failures = 0;
    for task in tasks {
        let (l, f) = task.await.unwrap();
        latencies_ns.extend(l);
        failures += f;
    }
    Phase::ended(started, latencies_ns, failures, before, status_url)
}

fn percentile_us(sorted_ns: &[u64], p: f64) -> f64 {
    let at = ((p / 100.0) * (sorted_ns.len() - 1) as f64).round() as usize;
    round1(sorted_ns[at.min(sorted_ns.len() - 1)] as f64 / 1000.0)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn main() {
    let a = args();
    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(a.worker_threads)
        .enable_all()
        .build()
        .unwrap();
    let single = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut results = Vec::new();
    let mut all_ok = true;
    for mode in &a.modes {
        // `rust_<scheme>[_x8][_w<threads>]`: the signature, 8 in flight, the runtime's threads.
        let (base, runtime_threads) = match mode.rsplit_once("_w") {
            Some((base, n)) if n.parse::<usize>().is_ok_and(|n| n > 0) => {
                (base, n.parse().unwrap_or(a.worker_threads))
            }
            _ => (mode.as_str(), a.worker_threads),
        };
        let (base, workers) = match base.strip_suffix("_x8") {
            Some(base) => (base, a.threads),
            None => (base, 1),
        };
        let (version, scheme) = match base {
            "rust_acs3" => (SignatureVersion::V3, "ACS3-HMAC-SHA256"),
            "rust_v1" => (SignatureVersion::RpcV1, "RPC v1 HMAC-SHA1"),
            _ => usage(&format!("unknown mode {mode}")),
        };
        let client = Client::builder()
            .endpoint(&a.url)
            .credentials(Credentials::new(AK_ID, AK_SECRET))
            .signature_version(version)
            .retry_policy(RetryPolicy::none())
            // Unpaced: the peer benchmark measures calls per second, far above CreateInstance's
            // documented 10 (the official SDKs do not pace either).
            .rate_limits(ens_client::RateLimits::off())
            .build()
            .unwrap_or_else(|e| usage(&e.to_string()));
        let on_one_thread = workers == 1 && !a.sequential_multi_thread;
        let custom;
        let runtime = if on_one_thread {
            &single
        } else if runtime_threads == a.worker_threads {
            &multi
        } else {
            custom = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(runtime_threads)
                .enable_all()
                .build()
                .unwrap();
            &custom
        };
        let mut phase = runtime.block_on(async {
            // Fail fast (server not running) before timing anything.
            call(&client)
                .await
                .unwrap_or_else(|e| panic!("first call failed: {e}"));
            if workers == 1 {
                sequential(&client, a.n, a.warmup, &a.status_url).await
            } else {
                concurrent(&client, a.n, a.warmup, workers, &a.status_url).await
            }
        });
        phase.latencies_ns.sort_unstable();
        let secs = phase.elapsed.as_secs_f64();
        let mean_us =
            phase.latencies_ns.iter().sum::<u64>() as f64 / phase.latencies_ns.len() as f64 / 1e3;
        let worker = if on_one_thread {
            "sequential, on tokio's current-thread runtime".to_owned()
        } else if workers == 1 {
            format!("sequential, on a {runtime_threads}-worker tokio runtime")
        } else {
            format!(
                "{workers} tasks sharing one client on a {runtime_threads}-worker tokio runtime"
            )
        };
        let mut result = json!({
            "mode": mode.replace("_x8", &format!("_x{workers}")),
            "sdk": format!("ens-client {} ({scheme}), {worker}", env!("CARGO_PKG_VERSION")),
            "concurrency": workers,
            "calls": a.n,
            "verified_ok": a.n - phase.failures,
            "failed": phase.failures,
            "elapsed_s": (secs * 1e4).round() / 1e4,
            "calls_per_s": round1(a.n as f64 / secs),
            "mean_us": round1(mean_us),
            "p50_us": percentile_us(&phase.latencies_ns, 50.0),
            "p99_us": percentile_us(&phase.latencies_ns, 99.0),
            "wall_us_per_call": round1(secs * 1e6 / a.n as f64),
        });
        if let (Value::Object(r), Value::Object(s)) = (&mut result, phase.server) {
            r.extend(s);
        }
        eprintln!(
            "{:<14} conc={workers} {:>6} calls in {:7.3} s = {:>9.1} calls/s  mean {:>6.1} us  p99 {:>6.1} us  ok={}  server: {}",
            result["mode"].as_str().unwrap_or(""),
            a.n,
            secs,
            a.n as f64 / secs,
            mean_us,
            result["p99_us"],
            a.n - phase.failures,
            json!({"req": result.get("server_requests"), "new_conn": result.get("server_new_connections")}),
        );
        all_ok &= phase.failures == 0;
        results.push(result);
    }
    let doc = json!({
        "tool": "ens-client examples/peerbench.rs",
        "url": a.url,
        "params": {"n": a.n, "warmup": a.warmup, "threads": a.threads, "worker_threads": a.worker_threads, "sequential_multi_thread": a.sequential_multi_thread},
        "all_verified": all_ok,
        "results": results,
    });
    println!("{}", serde_json::to_string_pretty(&doc).unwrap());
    if !all_ok {
        std::process::exit(1);
    }
}
