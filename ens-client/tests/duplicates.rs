//! Never a duplicate: a call that is not read-only is sent again only when the service's own
//! answer, or the transport, proves it did nothing; everything else after the request may have
//! left is `OutcomeUnknown`. Also the retry budget and the connection cap that keep a client from
//! multiplying its load. Against ens-emulator, which carries requests out, so a duplicate would
//! show as a second instance.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use ens_client::{CreateInstanceError, RateLimits, RetryPolicy, SdkError};
use support::{
    Effect, Fault, IdleClose, Reply, SIGNATURES, answer_always, answer_in_turn, client,
    create_request, describe_request, emulator, emulator_started, named_create_request, spoil_nth,
    start,
};

/// The cause inside an `OutcomeUnknown`, or a panic naming what came instead.
#[track_caller]
fn outcome_unknown<E: std::fmt::Debug>(err: &SdkError<E>) -> &SdkError<E> {
    match err {
        SdkError::OutcomeUnknown { cause, advice, .. } => {
            assert!(advice.contains("DescribeInstances"), "{advice}");
            cause
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
}

#[tokio::test]
async fn a_5xx_without_the_services_own_code_is_not_sent_again() {
    let answers = [
        Reply::html(
            503,
            "<html><body>503 Service Temporarily Unavailable</body></html>",
        ),
        Reply::json(503, ""),
        Reply::error(503, "Gateway.Overloaded", "not the service's code", "R-1"),
        Reply::json(503, r#"{"RequestId":"R-2"}"#),
        Reply::html(502, "<html>bad gateway</html>"),
    ];
    for version in SIGNATURES {
        for answer in &answers {
            let emu = emulator_started().await;
            answer_always(&emu, "CreateInstance", answer.clone());
            answer_always(&emu, "DescribeInstances", answer.clone());
            let c = client(&emu, version).build().unwrap();
            let err = c.send(create_request()).await.unwrap_err();
            let cause = outcome_unknown(&err);
            assert_eq!(cause.http_status(), Some(answer.status), "{err:?}");
            assert_eq!(
                emu.count("CreateInstance"),
                1,
                "{version:?} {answer:?} was sent again"
            );
            // A read-only call may repeat itself.
            c.send(describe_request()).await.unwrap_err();
            assert_eq!(emu.count("DescribeInstances"), 3, "{version:?} {answer:?}");
        }
    }
}

#[tokio::test]
async fn the_services_own_unavailable_and_throttling_codes_are_retried() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_in_turn(
            &emu,
            "CreateInstance",
            [
                Reply::error(503, "ServiceUnavailable", "temporary failure", "R-0"),
                Reply::error(200, "Throttling.User", "flow control in a 200", "R-1"),
            ],
        );
        let c = client(&emu, version).build().unwrap();
        let done = c.send(create_request()).await.unwrap();
        let ids: Vec<String> = emu.instances().into_iter().map(|i| i.id).collect();
        assert_eq!(done.instance_ids, ids);
        assert_eq!(ids.len(), 2, "created once");
        assert_eq!(emu.count("CreateInstance"), 3);
    }
}

#[tokio::test]
async fn a_2xx_that_cannot_be_taken_as_a_success_is_outcome_unknown() {
    let answers: [(Reply, &str); 8] = [
        (Reply::ok(r#"{"RequestId":"R","InstanceIds":"#), "not JSON"),
        (Reply::html(200, "<html>captive portal</html>"), "not JSON"),
        (Reply::ok(""), "empty"),
        (Reply::ok("[]"), "not an object"),
        (Reply::ok("{}"), "no RequestId"),
        (
            Reply::ok(r#"{"RequestId":"R","Code":"0"}"#),
            "no InstanceIds",
        ),
        (
            Reply::ok(r#"{"RequestId":"R","Code":0,"InstanceIds":{"InstanceId":[]}}"#),
            "no InstanceIds",
        ),
        (
            Reply::ok(r#"{"RequestId":"R","Code":0,"InstanceIds":{"InstanceId":"i-1"}}"#),
            "not the expected JSON",
        ),
    ];
    for version in SIGNATURES {
        for (answer, reason_part) in &answers {
            let emu = emulator_started().await;
            answer_always(&emu, "CreateInstance", answer.clone());
            let c = client(&emu, version).build().unwrap();
            let err = c.send(create_request()).await.unwrap_err();
            let SdkError::UnreadableResponse { status, reason, .. } = outcome_unknown(&err) else {
                panic!("{version:?} {answer:?}: {err:?}")
            };
            assert_eq!(*status, 200);
            assert!(
                reason.contains(reason_part),
                "{reason:?} lacks {reason_part:?}"
            );
            assert!(err.to_string().contains("NOT retried"), "{err}");
            assert_eq!(emu.count("CreateInstance"), 1, "{version:?} {answer:?}");
        }
    }
    // A body cut short by the server: the connection ends before the declared length.
    let emu = emulator_started().await;
    spoil_nth(
        &emu,
        "CreateInstance",
        1,
        Effect::WrongContentLength { delta: 100 },
    );
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let err = c.send(create_request()).await.unwrap_err();
    assert!(
        matches!(
            outcome_unknown(&err),
            SdkError::Dispatch {
                reached_server: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(emu.count("CreateInstance"), 1);
    assert_eq!(emu.instances().len(), 2, "the service acted, once");
}

#[tokio::test]
async fn a_2xx_carrying_an_error_code_is_the_services_typed_error() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_in_turn(
            &emu,
            "CreateInstance",
            [
                Reply::ok(
                    r#"{"RequestId":"R-0","Code":"InvalidParameter.Foo","Message":"The specified field Foo invalid."}"#,
                ),
                Reply::ok(r#"{"RequestId":"R-1","Code":1,"Message":"failed"}"#),
                Reply::ok(
                    r#"{"RequestId":"R-2","Code":"200","InstanceIds":{"InstanceId":["i-7"]}}"#,
                ),
            ],
        );
        let c = client(&emu, version).build().unwrap();
        let err = c.send(create_request()).await.unwrap_err();
        let SdkError::Service(service) = &err else {
            panic!("{err:?}")
        };
        assert!(
            matches!(service.kind(), CreateInstanceError::InvalidParameterField { field, .. } if field == "Foo"),
            "{err:?}"
        );
        assert_eq!(err.http_status(), Some(200));
        assert_eq!(err.request_id(), Some("R-0"));
        let err = c.send(create_request()).await.unwrap_err();
        assert_eq!(err.code(), Some("1"), "{err:?}");
        assert_eq!(err.message(), Some("failed"));
        // `200` is a success code too (one reference gives it as its example).
        let done = c.send(create_request()).await.unwrap();
        assert_eq!(done.instance_ids, ["i-7"]);
        assert_eq!(
            emu.count("CreateInstance"),
            3,
            "errors the service reports are not retried"
        );
    }
}

/// How many times each logical call (its `InstanceName`) arrived at the emulator.
fn arrivals(emu: &support::Emulator) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for record in emu.requests() {
        if let Some(name) = record.wire.as_ref().and_then(|w| w.param("InstanceName")) {
            *out.entry(name).or_default() += 1;
        }
    }
    out
}

/// A server that resets connections idle for 500 ms as the next request arrives on them (the
/// race a client meets when it reuses a connection just as the server gives up on it), so that
/// request never arrives. Read-only calls are retried; calls that are not read-only take only a
/// connection that sent a request within `reuse_for_writes` (250 ms), which no server closes as
/// idle: no call fails, none arrives twice. Paced by the default rate limits, so creates wait for
/// their slots and connections go idle at different times.
#[tokio::test(start_paused = true)]
async fn connections_closed_while_idle_cost_no_call() {
    for version in SIGNATURES {
        let emu =
            start(emulator().idle_close(IdleClose::OnNextRequest(Duration::from_millis(500))))
                .await;
        let c = client(&emu, version).build().unwrap();
        let mut names = Vec::new();
        for round in 0..4 {
            let mut calls = tokio::task::JoinSet::new();
            for i in 0..8 {
                let reader = c.clone();
                calls.spawn(async move { reader.send(describe_request()).await.map(|_| ()) });
                let name = format!("call-{round}-{i}");
                names.push(name.clone());
                let c = c.clone();
                calls.spawn(async move {
                    match c.send(named_create_request(&name)).await {
                        Ok(_) => Ok(()),
                        Err(e) => panic!("{name}: {e}"),
                    }
                });
            }
            while let Some(done) = calls.join_next().await {
                done.unwrap().unwrap();
            }
            // Every kept connection is now past the server's idle timeout.
            tokio::time::sleep(Duration::from_millis(600)).await;
        }
        let arrivals = arrivals(&emu);
        for name in &names {
            assert_eq!(arrivals.get(name), Some(&1), "{version:?} {name}");
        }
        assert_eq!(emu.instances().len(), names.len(), "one instance per call");
        assert!(
            emu.idle_closed() > 0,
            "{version:?}: the server closed no idle connection, the test proves nothing"
        );
    }
}

#[tokio::test]
async fn a_thousand_throttled_calls_do_not_triple_the_load() {
    let emu = emulator_started().await;
    answer_always(
        &emu,
        "DescribeInstances",
        Reply::error(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
            "R-T",
        ),
    );
    // Unpaced: the budget alone bounds the load here (the rate limiter's part is in
    // tests/ratelimit.rs).
    let c = client(&emu, SIGNATURES[0])
        .retry_policy(
            RetryPolicy::new(3)
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
        .rate_limits(RateLimits::off())
        .build()
        .unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let c = c.clone();
        calls.spawn(async move { c.send(describe_request()).await });
    }
    let mut throttled = 0;
    while let Some(done) = calls.join_next().await {
        let err = done.unwrap().unwrap_err();
        assert_eq!(err.code(), Some("Throttling.User"), "{err:?}");
        throttled += 1;
    }
    assert_eq!(throttled, 1000);
    let sent = emu.count("DescribeInstances");
    println!("1000 throttled calls sent {sent} requests");
    // 500 tokens at 5 per retry: 100 retries in all, where 3 attempts each would be 3000.
    assert!((1000..=1100).contains(&sent), "{sent} requests");
}

#[tokio::test]
async fn connections_to_the_endpoint_are_capped() {
    let emu = emulator_started().await;
    // Every request takes 5 ms, so that calls pile up.
    emu.add_fault(Fault::new(Effect::Delay { ms: 5 }));
    let c = client(&emu, SIGNATURES[0])
        .max_connections(8)
        .build()
        .unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..200 {
        let c = c.clone();
        calls.spawn(async move {
            if i % 4 == 0 {
                c.send(create_request()).await.map(|_| ()).unwrap();
            } else {
                c.send(describe_request()).await.map(|_| ()).unwrap();
            }
        });
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap();
    }
    assert_eq!(emu.requests().len(), 200);
    assert!(emu.max_in_flight() <= 8, "{} at once", emu.max_in_flight());
    // At most 8 connections in use at once; the 50 creates may open their own.
    assert!(
        emu.connections_accepted() <= 8 + 50,
        "{} connections",
        emu.connections_accepted()
    );
}
