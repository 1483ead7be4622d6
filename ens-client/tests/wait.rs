//! `Client::wait_for_instances` against ens-emulator: instances it creates and boots, and
//! scripted DescribeInstances answers where a test needs an exact sequence.
#![allow(clippy::unwrap_used)]

mod support;

use ens_client::{WaitError, WaitOptions};
use ens_emulator::{Settle, Timings};
use std::time::{Duration, Instant};
use support::{
    Reply, SIGNATURES, answer_always, answer_in_turn, client, emulator, emulator_started,
    instances, received, start,
};

fn asked_ids(request: &support::CapturedRequest) -> Vec<String> {
    let raw = request.param("InstanceIds").expect("InstanceIds is sent");
    ens_client::core::serde_json::from_str(&raw).expect("InstanceIds is a JSON array")
}

fn quick() -> WaitOptions {
    WaitOptions::default()
        .with_timeout(Duration::from_secs(5))
        .with_delays(Duration::from_millis(5), Duration::from_millis(20))
}

#[tokio::test]
async fn polls_until_every_instance_runs_asking_only_for_the_pending_ones() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_in_turn(
            &emu,
            "DescribeInstances",
            [
                instances(&[("i-1", "Pending")]), // i-2 not listed yet
                instances(&[("i-1", "Running"), ("i-2", "Pending")]),
                instances(&[("i-2", "Running")]),
            ],
        );
        let c = client(&emu, version).build().unwrap();
        let done = c
            .wait_for_instances(["i-1", "i-2"], "Running", &quick())
            .await
            .unwrap();
        let ids: Vec<_> = done
            .iter()
            .map(|i| i.instance_id.as_deref().unwrap())
            .collect();
        assert_eq!(ids, ["i-1", "i-2"], "returned in the order asked");
        assert!(
            done.iter()
                .all(|i| i.status.as_ref().map(|s| s.as_str()) == Some("Running"))
        );
        let received = received(&emu, "DescribeInstances");
        assert_eq!(received.len(), 3);
        assert_eq!(emu.requests().len(), 3, "nothing else was sent");
        assert_eq!(asked_ids(&received[0]), ["i-1", "i-2"]);
        assert_eq!(asked_ids(&received[1]), ["i-1", "i-2"]);
        assert_eq!(
            asked_ids(&received[2]),
            ["i-2"],
            "a finished instance is not asked again"
        );
        assert_eq!(received[0].param("PageSize").as_deref(), Some("100"));
    }
}

/// The emulator boots what it creates (Pending, then Running 300 ms later on its clock): the
/// waiter sees the transient status and returns the instances as the emulator describes them.
#[tokio::test]
async fn instances_the_emulator_creates_are_waited_for_until_they_run() {
    let boot = Timings {
        boot: Settle::After(Duration::from_millis(300)),
        ..Timings::default()
    };
    let emu = start(
        ens_emulator::Emulator::builder()
            .access_key(ens_emulator::AccessKey::new(
                support::ACCESS_KEY_ID,
                support::SECRET,
            ))
            .throttling(false)
            .capture_requests()
            .timings(boot),
    )
    .await;
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let created = c.send(support::create_request()).await.unwrap();
    assert_eq!(created.instance_ids.len(), 2);
    let done = c
        .wait_for_instances(created.instance_ids.clone(), "Running", &quick())
        .await
        .unwrap();
    let ids: Vec<_> = done.iter().filter_map(|i| i.instance_id.clone()).collect();
    assert_eq!(ids, created.instance_ids);
    assert!(
        done.iter()
            .all(|i| i.status.as_ref().map(|s| s.as_str()) == Some("Running"))
    );
    assert!(
        emu.count("DescribeInstances") >= 2,
        "the first poll saw them Pending"
    );
    assert!(
        emu.instances()
            .iter()
            .all(|i| i.status == ens_emulator::Status::Running)
    );
}

#[tokio::test]
async fn a_timeout_lists_each_pending_instance_with_its_last_status() {
    let emu = emulator_started().await;
    answer_always(&emu, "DescribeInstances", instances(&[("i-1", "Pending")]));
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let options = quick().with_timeout(Duration::from_millis(150));
    let started = Instant::now();
    let err = c
        .wait_for_instances(["i-1", "i-2"], "Running", &options)
        .await
        .unwrap_err();
    let WaitError::TimedOut {
        status,
        waited,
        polls,
        pending,
    } = &err
    else {
        panic!("expected a timeout, got {err}");
    };
    assert_eq!(status, "Running");
    assert!(*waited >= Duration::from_millis(150) && started.elapsed() < Duration::from_secs(5));
    assert!(
        *polls >= 2 && emu.count("DescribeInstances") == u64::from(*polls),
        "{polls} polls, {} calls",
        emu.count("DescribeInstances")
    );
    assert_eq!(pending.len(), 2);
    assert_eq!(pending[0].instance_id, "i-1");
    assert_eq!(pending[0].last_status.as_deref(), Some("Pending"));
    assert_eq!(pending[1].instance_id, "i-2");
    assert_eq!(pending[1].last_status, None);
    let shown = err.to_string();
    assert!(
        shown.contains("i-1 (last status Pending)") && shown.contains("i-2 (not listed yet)"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_failing_describe_ends_the_wait_with_its_typed_error() {
    let emu = emulator_started().await;
    answer_always(
        &emu,
        "DescribeInstances",
        Reply::error(400, "InvalidParameter.InstanceIds", "bad ids", "R-9"),
    );
    let c = client(&emu, SIGNATURES[1]).build().unwrap();
    let err = c
        .wait_for_instances(["i-1"], "Running", &quick())
        .await
        .unwrap_err();
    let WaitError::Describe(e) = &err else {
        panic!("expected the DescribeInstances error, got {err}")
    };
    assert_eq!(e.code(), Some("InvalidParameter.InstanceIds"));
    assert_eq!(e.request_id(), Some("R-9"));
    assert_eq!(
        emu.count("DescribeInstances"),
        1,
        "a client error is not retried"
    );
}

#[tokio::test]
async fn many_instances_are_asked_in_calls_of_100_spaced_by_the_rate_limit() {
    let emu = start(emulator()).await;
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let mut ids = Vec::new();
    for quantity in [100, 100, 50] {
        let mut request = support::create_request();
        request.quantity = quantity;
        ids.extend(c.send(request).await.unwrap().instance_ids);
    }
    assert_eq!(ids.len(), 250);
    emu.advance(Duration::from_secs(10)); // all booted
    let done = c
        .wait_for_instances(ids.clone(), "Running", &quick())
        .await
        .unwrap();
    assert_eq!(done.len(), 250);
    let polls = received(&emu, "DescribeInstances");
    let sizes: Vec<usize> = polls.iter().map(|r| asked_ids(r).len()).collect();
    assert_eq!(sizes, [100, 100, 50]);
    // DescribeInstances is documented at 100 calls per second: the client leaves 10 ms between
    // calls. Stamped on arrival, the first call also carries the connection setup, so only the
    // gaps between calls on the warm connection are compared, with room for loopback jitter.
    for pair in polls.windows(2).skip(1) {
        let gap = pair[1].received_at - pair[0].received_at;
        assert!(gap >= Duration::from_millis(7), "calls {gap:?} apart");
    }
}
