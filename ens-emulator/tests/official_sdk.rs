//! Alibaba's official Python SDKs (Tea with ACS3 and with RPC 1.0, and the older core SDK)
//! create, describe, stop, start, reinit and release instances on the emulator.
//!
//! Needs Python 3 and PyPI, so it is opt-in:
//!
//! ```text
//! cargo test -p ens-emulator --test official_sdk -- --ignored
//! ```
//!
//! It installs the pinned SDKs into a virtual environment under Cargo's target directory (once),
//! or uses the Python named by `ENS_EMULATOR_PYTHON` if that already has them.
#![allow(clippy::unwrap_used)]

use ens_emulator::{Emulator, Settle, SignatureVersion, Timings};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The SDK versions checked (the newest when this was written).
const PINS: &[&str] = &[
    "alibabacloud-ens20171110==12.1.0",
    "alibabacloud-tea-openapi==0.4.6",
    "darabonba-core==1.0.9",
    "aliyun-python-sdk-core==2.16.1",
    "aliyun-python-sdk-ens==3.0.23",
];

fn run(cmd: &mut Command) {
    let status = cmd.status().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(status.success(), "{cmd:?} failed: {status}");
}

/// A Python with the SDKs.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("ENS_EMULATOR_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("official-sdk-venv");
    let python = venv.join("bin/python");
    let marker = venv.join(PINS.join(" ").replace(['=', ' ', '.'], "_"));
    if !marker.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
        run(Command::new(&python)
            .args(["-m", "pip", "install", "-q"])
            .args(PINS));
        std::fs::write(&marker, "").unwrap();
    }
    python
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Python 3 and PyPI: cargo test -p ens-emulator --test official_sdk -- --ignored"]
async fn official_python_sdks_drive_the_lifecycle_with_both_signatures() {
    let quick = Settle::After(Duration::from_millis(200));
    let timings = Timings {
        boot: quick,
        start: quick,
        stop: quick,
        reboot: quick,
        reinit: quick,
    };
    let emu = Emulator::builder().timings(timings).start().await.unwrap();
    let key = emu.access_keys()[0].clone();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/official_sdk.py");
    let addr = emu.addr().to_string();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python())
            .arg(script)
            .arg(addr)
            .arg(key.id())
            .arg(key.secret())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        3,
        "{stdout}"
    );
    let requests = emu.requests();
    for version in [SignatureVersion::Acs3, SignatureVersion::RpcV1] {
        assert!(
            requests
                .iter()
                .any(|r| r.signature == Some(version)
                    && r.action.as_deref() == Some("ReinitInstance")),
            "{version:?}"
        );
    }
    assert!(emu.instances().is_empty(), "everything released");
}
