//! Never a hang, never unbounded memory: every call ends within its timeouts, a body that
//! trickles fails, a body too large is cut, and public knobs at their extremes neither panic nor
//! run forever. Against ens-emulator's slow, trickling and endless answers, on tokio's paused
//! clock: the minutes these tests wait for pass at once.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use ens_client::{RetryPolicy, SdkError, TimeoutKind, WaitError, WaitOptions};
use support::{
    Effect, Fault, Reply, SIGNATURES, answer_always, answer_in_turn, client, create_request,
    describe_request, emulator_started, instances, received,
};
use tokio::time::Instant;

/// The `SdkError::Timeout` inside `err` (also inside `OutcomeUnknown`).
#[track_caller]
fn timeout_kind<E: std::fmt::Debug>(err: &SdkError<E>) -> TimeoutKind {
    match err {
        SdkError::Timeout { kind, .. } => *kind,
        SdkError::OutcomeUnknown { cause, .. } => timeout_kind(cause),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_body_trickling_at_one_byte_a_second_fails_as_stalled() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        let trickle = Effect::Trickle {
            chunk: 1,
            interval_ms: 1000,
        };
        emu.add_fault(
            Fault::new(trickle)
                .on("CreateInstance")
                .on("DescribeInstances"),
        );
        let c = client(&emu, version).build().unwrap();
        let started = Instant::now();
        let err = c.send(create_request()).await.unwrap_err();
        assert!(err.is_outcome_unknown(), "{err:?}");
        assert_eq!(timeout_kind(&err), TimeoutKind::StalledBody);
        assert!(err.to_string().contains("stalled"), "{err}");
        // The default minimum: 1 KiB per 5 s.
        assert!(
            started.elapsed() <= Duration::from_secs(6),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(emu.count("CreateInstance"), 1);

        let err = c.send(describe_request()).await.unwrap_err();
        assert_eq!(timeout_kind(&err), TimeoutKind::StalledBody);
        assert_eq!(
            emu.count("DescribeInstances"),
            3,
            "a read-only call tries again"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_is_cut_at_the_attempt_timeout() {
    let emu = emulator_started().await;
    emu.add_fault(Fault::new(Effect::Delay { ms: 3_600_000 }));
    let c = client(&emu, SIGNATURES[0])
        .read_timeout(Duration::MAX)
        .attempt_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.send(create_request()).await.unwrap_err();
    assert_eq!(timeout_kind(&err), TimeoutKind::Attempt);
    assert!(err.is_outcome_unknown());
    assert_eq!(started.elapsed(), Duration::from_secs(10));
    assert!(err.to_string().contains("attempt timeout of 10s"), "{err}");
}

/// The operation timeout bounds the whole call: attempts, backoff, and waiting for a connection.
#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_every_attempt_and_wait() {
    let emu = emulator_started().await;
    answer_always(
        &emu,
        "DescribeInstances",
        Reply::error(500, "InternalError", "slow and failing", "R")
            .delayed(Duration::from_secs(50)),
    );
    let c = client(&emu, SIGNATURES[0])
        .read_timeout(Duration::MAX)
        .retry_policy(RetryPolicy::new(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.send(describe_request()).await.unwrap_err();
    assert_eq!(timeout_kind(&err), TimeoutKind::Operation, "{err:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(120), "the default");
    assert_eq!(
        emu.count("DescribeInstances"),
        3,
        "two 50 s attempts, the third cut"
    );

    // Waiting for a free connection counts too.
    let c = client(&emu, SIGNATURES[0])
        .read_timeout(Duration::MAX)
        .max_connections(1)
        .operation_timeout(Duration::from_secs(30))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let (first, second) = tokio::join!(c.send(describe_request()), c.send(describe_request()));
    let (first, second) = (first.unwrap_err(), second.unwrap_err());
    let waited = [&first, &second]
        .into_iter()
        .find(|e| {
            matches!(
                e,
                SdkError::Timeout {
                    may_have_reached_server: false,
                    ..
                }
            )
        })
        .unwrap_or_else(|| panic!("{first:?} {second:?}"));
    assert_eq!(timeout_kind(waited), TimeoutKind::Operation);
    assert!(waited.to_string().contains("was not sent"), "{waited}");
    assert_eq!(started.elapsed(), Duration::from_secs(150));
}

#[tokio::test(start_paused = true)]
async fn bodies_are_bounded_and_errors_keep_a_bounded_prefix() {
    // Larger than the default limit of 4 MiB, announced.
    let big = format!(r#"{{"RequestId":"R","Pad":"{}"}}"#, "x".repeat(5 << 20));
    let emu = emulator_started().await;
    answer_always(&emu, "DescribeInstances", Reply::ok(big));
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let err = c.send(describe_request()).await.unwrap_err();
    let SdkError::UnreadableResponse { body, reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(reason.contains("4194304 bytes"), "{reason}");
    assert!(body.len() <= 8192, "{} bytes kept", body.len());
    assert!(
        body.starts_with(r#"{"RequestId":"R","Pad":"xxx"#),
        "{body:.40}"
    );
    assert!(err.to_string().len() < 2048, "Display shows a preview");
    assert_eq!(
        emu.count("DescribeInstances"),
        1,
        "the same answer would come again"
    );

    // Endless, without a length: cut at a configured limit, for a call that creates.
    emu.add_fault(Fault::new(Effect::Endless).on("CreateInstance").times(1));
    let c = client(&emu, SIGNATURES[1])
        .max_response_body(64 * 1024)
        .build()
        .unwrap();
    let err = c.send(create_request()).await.unwrap_err();
    let SdkError::OutcomeUnknown { cause, .. } = &err else {
        panic!("{err:?}")
    };
    let SdkError::UnreadableResponse { body, reason, .. } = cause.as_ref() else {
        panic!("{err:?}")
    };
    assert!(reason.contains("65536 bytes"), "{reason}");
    assert!(body.len() <= 8192);
    // An error body keeps its prefix too.
    answer_always(
        &emu,
        "CreateInstance",
        Reply::html(400, "y".repeat(100_000)),
    );
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let err = c.send(create_request()).await.unwrap_err();
    let SdkError::UnreadableResponse { body, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(body.len(), 8192);
}

#[tokio::test(start_paused = true)]
async fn retry_knobs_at_their_extremes_end() {
    let emu = emulator_started().await;
    answer_always(
        &emu,
        "DescribeInstances",
        Reply::error(400, "Throttling", "flow control", "R"),
    );
    let c = client(&emu, SIGNATURES[0])
        .retry_policy(RetryPolicy::new(u32::MAX).with_retry_tokens(u32::MAX))
        .operation_timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .read_timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .build()
        .unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(600), c.send(describe_request())).await;
    let err = ended.expect("the call ends").unwrap_err();
    assert_eq!(err.code(), Some("Throttling"));
    assert_eq!(
        emu.count("DescribeInstances"),
        u64::from(RetryPolicy::MAX_ATTEMPTS)
    );
}

#[tokio::test(start_paused = true)]
async fn wait_for_instances_returns_at_its_own_timeout() {
    // Each DescribeInstances hangs until the client's attempt timeout, then fails.
    let emu = emulator_started().await;
    answer_always(
        &emu,
        "DescribeInstances",
        instances(&[]).delayed(Duration::from_secs(3600)),
    );
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let options = WaitOptions::default().with_timeout(Duration::from_secs(2));
    let started = Instant::now();
    let err = c
        .wait_for_instances(["i-1"], "Running", &options)
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    let WaitError::TimedOut { waited, polls, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(*waited, Duration::from_secs(2));
    assert_eq!(*polls, 1);
}

#[tokio::test(start_paused = true)]
async fn wait_options_at_their_extremes_neither_panic_nor_hang() {
    let emu = emulator_started().await;
    answer_in_turn(
        &emu,
        "DescribeInstances",
        [
            instances(&[("i-1", "Pending")]),
            instances(&[("i-1", "Pending")]),
            instances(&[("i-1", "Running")]),
        ],
    );
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let wild = WaitOptions {
        timeout: Duration::MAX,
        initial_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(3600),
        multiplier: f64::INFINITY,
    };
    let started = Instant::now();
    let done = c
        .wait_for_instances(["i-1"], "Running", &wild)
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(3601),
        "polls at 0, 1 s, 1 h 1 s"
    );
    // No longer than a day, whatever the timeout and the pauses.
    let endless = WaitOptions {
        timeout: Duration::MAX,
        initial_delay: Duration::MAX,
        max_delay: Duration::MAX,
        multiplier: f64::NAN,
    };
    let started = Instant::now();
    let err = c
        .wait_for_instances(["i-9"], "Running", &endless)
        .await
        .unwrap_err();
    assert!(matches!(err, WaitError::TimedOut { .. }), "{err}");
    assert_eq!(started.elapsed(), WaitOptions::MAX_TIMEOUT);
}

#[tokio::test(start_paused = true)]
async fn duplicate_ids_are_waited_for_once_and_reported_in_the_order_given() {
    let emu = emulator_started().await;
    answer_always(&emu, "DescribeInstances", instances(&[("i-1", "Pending")]));
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let options = WaitOptions::default().with_timeout(Duration::from_secs(30));
    let err = c
        .wait_for_instances(["i-2", "i-1", "i-2"], "Running", &options)
        .await
        .unwrap_err();
    let WaitError::TimedOut { pending, .. } = &err else {
        panic!("{err}")
    };
    let ids: Vec<&str> = pending.iter().map(|p| p.instance_id.as_str()).collect();
    assert_eq!(ids, ["i-2", "i-1"], "each once, in the order given");
    let asked = received(&emu, "DescribeInstances")[0]
        .param("InstanceIds")
        .unwrap();
    // The spec waiter's one request: each id once, in the order given.
    assert_eq!(asked, r#"["i-2","i-1"]"#);

    let emu = emulator_started().await;
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let done = c
        .wait_for_instances(Vec::<String>::new(), "Running", &options)
        .await
        .unwrap();
    assert!(done.is_empty());
    assert!(
        emu.requests().is_empty(),
        "nothing to wait for, nothing asked"
    );
}
