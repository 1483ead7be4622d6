//! `--state FILE`: a restart keeps the state; and the binary's command-line contract.
#![allow(clippy::unwrap_used)]

mod support;

use ens_emulator::Emulator;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use support::{call_at, client, create};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ens-emulator-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn a_restart_keeps_instances_clock_and_stock() {
    let dir = scratch("lib");
    let file = dir.join("state.json");
    let (id, now) = {
        let emu = Emulator::builder()
            .manual_clock()
            .state_file(&file)
            .start()
            .await
            .unwrap();
        let id = client(&emu)
            .send(create("cn-beijing-cmcc", "ens.sn1.small", 1))
            .await
            .unwrap()
            .instance_ids
            .remove(0);
        emu.advance(std::time::Duration::from_secs(60));
        (id, emu.now())
    };
    let emu = Emulator::builder()
        .manual_clock()
        .state_file(&file)
        .start()
        .await
        .unwrap();
    let instances = emu.instances();
    assert_eq!(instances.len(), 1);
    assert_eq!(
        (instances[0].id.as_str(), instances[0].status),
        (id.as_str(), ens_emulator::Status::Running)
    );
    assert_eq!(emu.now(), now);
    assert_eq!(emu.stock("cn-beijing-cmcc", "ens.sn1.small"), 99);
    drop(emu);

    // A file from a newer emulator is refused, never half-read.
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    state["schema"] = serde_json::json!(ens_emulator::STATE_SCHEMA + 1);
    std::fs::write(&file, state.to_string()).unwrap();
    let err = Emulator::builder()
        .state_file(&file)
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("newer"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The binary, started as the contract says; killed when dropped.
struct Running(Child, SocketAddr);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_binary(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ens-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {first:?}"));
    let addr: SocketAddr = url.parse().unwrap();
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{first}");
    Running(child, addr)
}

#[tokio::test]
async fn the_binary_prints_its_address_and_keeps_state_across_restarts() {
    let dir = scratch("bin");
    let file = dir.join("state.json");
    let state = file.to_str().unwrap();
    let id = {
        let running = start_binary(&["--listen", "127.0.0.1:0", "--state", state]);
        let made = call_at(
            running.1,
            "CreateInstance",
            &[
                ("InstanceType", "ens.sn1.small"),
                ("EnsRegionId", "cn-beijing-cmcc"),
                ("Period", "1"),
                ("Quantity", "1"),
                ("Password", support::PASSWORD),
            ],
        )
        .await;
        assert_eq!(made.status, 200, "{}", made.body);
        made.json()["InstanceIds"]["InstanceId"][0]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let running = start_binary(&["--listen", "127.0.0.1:0", "--state", state]);
    let listed = call_at(running.1, "DescribeInstances", &[("InstanceId", &id)]).await;
    assert_eq!(listed.json()["TotalCount"], 1, "{}", listed.body);
    drop(running);

    // Custom keys replace the test pair.
    let running = start_binary(&[
        "--listen",
        "127.0.0.1:0",
        "--access-key",
        "LTAIcustom:custom-secret",
    ]);
    let refused = call_at(running.1, "DescribeInstances", &[]).await;
    assert_eq!(refused.code(), "InvalidAccessKeyId.NotFound");
    drop(running);

    let bad = Command::new(env!("CARGO_BIN_EXE_ens-emulator"))
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--allow-remote"));
    std::fs::remove_dir_all(dir).unwrap();
}
