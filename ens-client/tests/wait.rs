//! `Client::wait_for_instances` (DescribeInstances' spec waiters over a list of ids) against
//! ens-emulator: instances it creates and boots, and scripted DescribeInstances answers where a
//! test needs an exact sequence.
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

// On tokio's paused clock: the waiter's 1 s pauses cost no real time.
#[tokio::test(start_paused = true)]
async fn polls_until_every_instance_asked_about_is_listed_and_runs() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_in_turn(
            &emu,
            "DescribeInstances",
            [
                instances(&[("i-1", "Pending")]), // i-2 not listed yet
                instances(&[("i-1", "Running")]), // all listed are Running, but not all listed
                instances(&[("i-1", "Running"), ("i-2", "Pending")]),
                instances(&[("i-2", "Running"), ("i-1", "Running")]),
            ],
        );
        let c = client(&emu, version).build().unwrap();
        let done = c
            .wait_for_instances(["i-1", "i-2", "i-1"], "Running", &quick())
            .await
            .unwrap();
        let ids: Vec<_> = done
            .iter()
            .map(|i| i.instance_id.as_deref().unwrap())
            .collect();
        assert_eq!(
            ids,
            ["i-1", "i-2"],
            "returned once each, in the order asked"
        );
        assert!(
            done.iter()
                .all(|i| i.status.as_ref().map(|s| s.as_str()) == Some("Running"))
        );
        let received = received(&emu, "DescribeInstances");
        assert_eq!(received.len(), 4);
        assert_eq!(emu.requests().len(), 4, "nothing else was sent");
        for request in &received {
            // The spec waiter polls with the one request: every id of the group each time.
            assert_eq!(asked_ids(request), ["i-1", "i-2"]);
            assert_eq!(request.param("PageSize").as_deref(), Some("100"));
        }
    }
}

#[tokio::test]
async fn an_expired_instance_fails_the_wait_and_an_unknown_status_is_refused() {
    let emu = emulator_started().await;
    answer_always(
        &emu,
        "DescribeInstances",
        instances(&[("i-1", "Running"), ("i-2", "Expired")]),
    );
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let err = c
        .wait_for_instances(["i-1", "i-2"], "Running", &quick())
        .await
        .unwrap_err();
    let WaitError::Failed { waiter, acceptor } = &err else {
        panic!("expected the waiter's failure, got {err}");
    };
    assert_eq!(*waiter, "InstanceRunning");
    assert!(acceptor.contains("Expired"), "{acceptor}");
    assert_eq!(
        emu.count("DescribeInstances"),
        1,
        "decided at the first poll"
    );

    let err = c
        .wait_for_instances(["i-1"], "Starting", &quick())
        .await
        .unwrap_err();
    let WaitError::NoWaiter { status, waiters } = &err else {
        panic!("expected no waiter, got {err}");
    };
    assert_eq!(status, "Starting");
    assert_eq!(waiters, &["InstanceRunning", "InstanceStopped"]);
    assert_eq!(emu.count("DescribeInstances"), 1, "nothing sent");
}

#[tokio::test(start_paused = true)]
async fn stopped_is_the_instance_stopped_waiter() {
    let emu = emulator_started().await;
    answer_in_turn(
        &emu,
        "DescribeInstances",
        [
            instances(&[("i-1", "Stopping")]),
            instances(&[("i-1", "Stopped")]),
        ],
    );
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let done = c
        .wait_for_instances(["i-1"], "Stopped", &quick())
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(emu.count("DescribeInstances"), 2);
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
    // The waiter asks for at least 1 s between polls (its spec's minDelay): two polls fit.
    let options = quick().with_timeout(Duration::from_millis(1200));
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
    assert!(*waited >= Duration::from_millis(1200) && started.elapsed() < Duration::from_secs(5));
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
async fn many_instances_are_asked_in_groups_of_100_spaced_by_the_rate_limit() {
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
    // DescribeInstances is documented at 100 calls per second: the client's rate limiter leaves
    // 10 ms between calls. Stamped on arrival, the first call also carries the connection setup, so only the
    // gaps between calls on the warm connection are compared, with room for loopback jitter.
    for pair in polls.windows(2).skip(1) {
        let gap = pair[1].received_at - pair[0].received_at;
        assert!(gap >= Duration::from_millis(7), "calls {gap:?} apart");
    }
}
