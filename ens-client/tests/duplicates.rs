//! Never a duplicate: a call that is not read-only is sent again only when the service's own
//! answer, or the transport, proves it did nothing; everything else after the request may have
//! left is `OutcomeUnknown`. Also the retry budget and the connection cap that keep a client from
//! multiplying its load.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use ens_client::{CreateInstanceError, Error, RetryPolicy};
use support::{
    Ending, Reply, SIGNATURES, TestServer, client, create_request, created, describe_request,
    named_create_request,
};

/// The cause inside an `OutcomeUnknown`, or a panic naming what came instead.
#[track_caller]
fn outcome_unknown<E: std::fmt::Debug>(err: &Error<E>) -> &Error<E> {
    match err {
        Error::OutcomeUnknown { cause, advice, .. } => {
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
            let server = TestServer::always(answer.clone()).await;
            let c = client(&server, version).build().unwrap();
            let err = c.create_instance(create_request()).await.unwrap_err();
            let cause = outcome_unknown(&err);
            assert_eq!(cause.http_status(), Some(answer.status), "{err:?}");
            assert_eq!(server.count(), 1, "{version:?} {answer:?} was sent again");
            // A read-only call may repeat itself.
            c.send(describe_request()).await.unwrap_err();
            assert_eq!(server.count(), 4, "{version:?} {answer:?}");
        }
    }
}

#[tokio::test]
async fn the_services_own_unavailable_and_throttling_codes_are_retried() {
    for version in SIGNATURES {
        let server = TestServer::start(|_, n| match n {
            0 => Reply::error(503, "ServiceUnavailable", "temporary failure", "R-0"),
            1 => Reply::error(200, "Throttling.User", "flow control in a 200", "R-1"),
            _ => created("R-2", &["i-1"]),
        })
        .await;
        let c = client(&server, version).build().unwrap();
        let done = c.create_instance(create_request()).await.unwrap();
        assert_eq!(done.instance_ids, ["i-1"]);
        assert_eq!(server.count(), 3);
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
            let server = TestServer::always(answer.clone()).await;
            let c = client(&server, version).build().unwrap();
            let err = c.create_instance(create_request()).await.unwrap_err();
            let Error::UnreadableResponse { status, reason, .. } = outcome_unknown(&err) else {
                panic!("{version:?} {answer:?}: {err:?}")
            };
            assert_eq!(*status, 200);
            assert!(
                reason.contains(reason_part),
                "{reason:?} lacks {reason_part:?}"
            );
            assert!(err.to_string().contains("NOT retried"), "{err}");
            assert_eq!(server.count(), 1, "{version:?} {answer:?}");
        }
    }
    // A body cut short by the server: the connection ends before the declared length.
    let server = TestServer::always(created("R", &["i-1"]).ending(Ending::LyingLength)).await;
    let c = client(&server, SIGNATURES[0]).build().unwrap();
    let err = c.create_instance(create_request()).await.unwrap_err();
    assert!(
        matches!(
            outcome_unknown(&err),
            Error::Dispatch {
                reached_server: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_2xx_carrying_an_error_code_is_the_services_typed_error() {
    for version in SIGNATURES {
        let server = TestServer::start(|_, n| match n {
            0 => Reply::ok(
                r#"{"RequestId":"R-0","Code":"InvalidParameter.Foo","Message":"The specified field Foo invalid."}"#,
            ),
            1 => Reply::ok(r#"{"RequestId":"R-1","Code":1,"Message":"failed"}"#),
            _ => Reply::ok(r#"{"RequestId":"R-2","Code":"200","InstanceIds":{"InstanceId":["i-7"]}}"#),
        })
        .await;
        let c = client(&server, version).build().unwrap();
        let err = c.create_instance(create_request()).await.unwrap_err();
        let Error::Service(service) = &err else {
            panic!("{err:?}")
        };
        assert!(
            matches!(service.kind(), CreateInstanceError::InvalidParameterField { field, .. } if field == "Foo"),
            "{err:?}"
        );
        assert_eq!(err.http_status(), Some(200));
        assert_eq!(err.request_id(), Some("R-0"));
        let err = c.create_instance(create_request()).await.unwrap_err();
        assert_eq!(err.code(), Some("1"), "{err:?}");
        assert_eq!(err.message(), Some("failed"));
        // `200` is a success code too (one reference gives it as its example).
        let done = c.create_instance(create_request()).await.unwrap();
        assert_eq!(done.instance_ids, ["i-7"]);
        assert_eq!(
            server.count(),
            3,
            "errors the service reports are not retried"
        );
    }
}

/// A server that closes connections idle for 500 ms. The close crosses the next request on the
/// connection (the race a client meets when it reuses a connection just as the server gives up
/// on it), so that request never arrives. Calls that are not read-only never take a pooled
/// connection, and read-only ones are retried: no call fails, none arrives twice.
#[tokio::test(start_paused = true)]
async fn connections_closed_while_idle_cost_no_call() {
    for version in SIGNATURES {
        let (server, arrivals) =
            support::idle_closing_server(|_, _, n| ((), created(&format!("R-{n}"), &["i-1"])))
                .await;
        let c = client(&server, version).build().unwrap();
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
                    match c.create_instance(named_create_request(&name)).await {
                        Ok(_) => Ok(()),
                        Err(e) => panic!("{name}: {e}"),
                    }
                });
            }
            while let Some(done) = calls.join_next().await {
                done.unwrap().unwrap();
            }
            // Every pooled connection is now past the server's idle timeout.
            tokio::time::sleep(Duration::from_millis(600)).await;
        }
        let arrivals = arrivals.lock().unwrap();
        for name in &names {
            assert_eq!(
                arrivals.get(name).map(Vec::len),
                Some(1),
                "{version:?} {name}"
            );
        }
        assert!(
            server.idle_closed() > 0,
            "{version:?}: the server closed no idle connection, the test proves nothing"
        );
    }
}

#[tokio::test]
async fn a_thousand_throttled_calls_do_not_triple_the_load() {
    let server = TestServer::always(Reply::error(
        400,
        "Throttling.User",
        "Request was denied due to user flow control.",
        "R-T",
    ))
    .await;
    let c = client(&server, SIGNATURES[0])
        .retry_policy(
            RetryPolicy::new(3)
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
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
    let sent = server.count();
    println!("1000 throttled calls sent {sent} requests");
    // 500 tokens at 5 per retry: 100 retries in all, where 3 attempts each would be 3000.
    assert!((1000..=1100).contains(&sent), "{sent} requests");
}

#[tokio::test]
async fn connections_to_the_endpoint_are_capped() {
    let server = TestServer::start(|r, n| {
        let reply = if r.param("InstanceName").is_some() || r.action() == Some("CreateInstance") {
            created(&format!("R-{n}"), &["i-1"])
        } else {
            Reply::ok(r#"{"RequestId":"R","Code":0}"#)
        };
        reply.delayed(Duration::from_millis(5))
    })
    .await;
    let c = client(&server, SIGNATURES[0])
        .max_connections(8)
        .build()
        .unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..200 {
        let c = c.clone();
        calls.spawn(async move {
            if i % 4 == 0 {
                c.create_instance(create_request())
                    .await
                    .map(|_| ())
                    .unwrap();
            } else {
                c.send(describe_request()).await.map(|_| ()).unwrap();
            }
        });
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap();
    }
    assert_eq!(server.count(), 200);
    assert!(
        server.max_in_flight() <= 8,
        "{} at once",
        server.max_in_flight()
    );
    // Read-only calls share at most 8 pooled connections; the 50 others each had their own.
    assert!(
        server.connections() <= 8 + 50,
        "{} connections",
        server.connections()
    );
}
