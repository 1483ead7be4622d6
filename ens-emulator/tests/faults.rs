//! Fault injection, as ens-client meets it and on the wire.
#![allow(clippy::unwrap_used)]

mod support;

use ens_client::{DescribeInstancesRequest, RetryPolicy, SdkError};
use ens_emulator::{Effect, Emulator, Fault, TEST_ACCESS_KEY_ID};
use std::time::Duration;
use support::{client, control, create, raw, signed_query};

fn describe() -> DescribeInstancesRequest {
    DescribeInstancesRequest::builder().build()
}

#[tokio::test]
async fn drop_after_acting_gives_outcome_unknown_and_the_instance_exists() {
    let emu = Emulator::builder().manual_clock().start().await.unwrap();
    let id = emu.add_fault(Fault::new(Effect::CloseAfter).on("CreateInstance").times(1));
    let c = client(&emu);
    let err = c
        .send(create("cn-beijing-cmcc", "ens.sn1.small", 1))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert_eq!(emu.count("CreateInstance"), 1, "never re-sent");
    assert_eq!(emu.instances().len(), 1, "the service acted");
    let record = emu
        .requests()
        .into_iter()
        .find(|r| r.action.as_deref() == Some("CreateInstance"))
        .unwrap();
    assert_eq!(
        (record.fault, record.state_changed, record.status),
        (Some(id), true, 0)
    );
    assert_eq!(emu.faults()[0].fired, 1);
    // Spent: the next call goes through.
    c.send(create("cn-beijing-cmcc", "ens.sn1.small", 1))
        .await
        .unwrap();
    assert_eq!(emu.instances().len(), 2);
}

#[tokio::test]
async fn refusals_before_acting_are_retried_by_any_call() {
    let emu = Emulator::builder().manual_clock().start().await.unwrap();
    emu.add_fault(
        Fault::new(Effect::Error {
            status: 503,
            code: Some("ServiceUnavailable".into()),
            message: None,
        })
        .on("CreateInstance")
        .times(2),
    );
    let c = client(&emu);
    c.send(create("cn-beijing-cmcc", "ens.sn1.small", 1))
        .await
        .unwrap();
    assert_eq!(emu.count("CreateInstance"), 3, "two refusals, then done");
    assert_eq!(emu.instances().len(), 1, "refused attempts did nothing");

    // A 503 without a code (a proxy's empty body), then a reset: a read-only call retries.
    emu.add_fault(
        Fault::new(Effect::Error {
            status: 503,
            code: None,
            message: None,
        })
        .on("DescribeInstances")
        .nth(1),
    );
    emu.add_fault(Fault::new(Effect::Reset).on("DescribeInstances").nth(2));
    let answer = c.send(describe()).await.unwrap();
    assert_eq!(answer.total_count, Some(1));
    assert_eq!(emu.count("DescribeInstances"), 3);
}

#[tokio::test]
async fn spoiled_answers_after_acting() {
    let emu = Emulator::builder().manual_clock().start().await.unwrap();
    let strict = support::builder(&emu)
        .retry_policy(RetryPolicy::none())
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let c = client(&emu);
    let id = c
        .send(create("cn-beijing-cmcc", "ens.sn1.small", 1))
        .await
        .unwrap()
        .instance_ids
        .remove(0);
    emu.advance(Duration::from_secs(5));

    emu.add_fault(
        Fault::new(Effect::Respond {
            status: 502,
            body: "<html>Bad Gateway</html>".into(),
            content_type: Some("text/html".into()),
            delay_ms: 0,
        })
        .on("DescribeInstances")
        .times(1),
    );
    let err = strict.send(describe()).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::UnreadableResponse { status: 502, body, .. } if body.contains("Bad Gateway")),
        "{err:?}"
    );

    emu.add_fault(
        Fault::new(Effect::Malformed)
            .on("DescribeInstances")
            .times(1),
    );
    let err = strict.send(describe()).await.unwrap_err();
    assert!(
        matches!(err, SdkError::UnreadableResponse { status: 200, .. }),
        "{err}"
    );

    emu.add_fault(
        Fault::new(Effect::Truncated)
            .on("DescribeInstances")
            .times(1),
    );
    let err = strict.send(describe()).await.unwrap_err();
    assert!(
        matches!(
            err,
            SdkError::Dispatch {
                reached_server: true,
                ..
            } | SdkError::UnreadableResponse { .. }
        ),
        "{err:?}"
    );

    emu.add_fault(
        Fault::new(Effect::WrongContentLength { delta: 50 })
            .on("DescribeInstances")
            .times(1),
    );
    assert!(strict.send(describe()).await.is_err());

    emu.add_fault(
        Fault::new(Effect::DelayAfter { ms: 1_000 })
            .on("StopInstance")
            .times(1),
    );
    let err = support::stop(&strict, &id).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert_eq!(
        emu.instances()[0].status,
        ens_emulator::Status::Stopping,
        "stopped despite the timeout"
    );

    emu.add_fault(
        Fault::new(Effect::ErrorAfter {
            status: 500,
            code: Some("InternalError".into()),
        })
        .on("DescribeInstances")
        .times(1),
    );
    // Read-only: retried after the 500, and the retry succeeds.
    c.send(describe()).await.unwrap();

    emu.add_fault(
        Fault::new(Effect::Trickle {
            chunk: 16,
            interval_ms: 1,
        })
        .on("DescribeInstances")
        .times(1),
    );
    let answer = strict.send(describe()).await.unwrap();
    assert_eq!(answer.total_count, Some(1), "a slow body is still a body");
}

#[tokio::test]
async fn delay_before_acting_acts_late_and_probability_is_seeded() {
    let emu = Emulator::builder().manual_clock().start().await.unwrap();
    emu.add_fault(
        Fault::new(Effect::Delay { ms: 400 })
            .on("CreateInstance")
            .times(1),
    );
    let strict = support::builder(&emu)
        .read_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = strict
        .send(create("cn-beijing-cmcc", "ens.sn1.small", 1))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    // The emulator still acts once the delay is over.
    for _ in 0..100 {
        if !emu.instances().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(emu.instances().len(), 1);

    let hits = |seed| async move {
        let emu = Emulator::builder().seed(seed).start().await.unwrap();
        emu.add_fault(
            Fault::new(Effect::Error {
                status: 503,
                code: Some("ServiceUnavailable".into()),
                message: None,
            })
            .probability(0.5),
        );
        let c = support::once(&emu);
        let mut out = Vec::new();
        for _ in 0..20 {
            out.push(c.send(describe()).await.is_ok());
        }
        out
    };
    let (a, b) = (hits(42).await, hits(42).await);
    assert_eq!(a, b, "same seed, same faults");
    assert!(a.contains(&true) && a.contains(&false), "{a:?}");
}

#[tokio::test]
async fn control_endpoint_manages_faults_and_shows_state_and_counts() {
    let emu = Emulator::builder().manual_clock().start().await.unwrap();
    assert_eq!(
        control(&emu, "GET", "health", "").await.json()["status"],
        "ok"
    );
    let info = control(&emu, "GET", "info", "").await.json();
    assert!(
        info["emulated"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "CreateInstance")
    );
    assert!(info["notEmulated"].as_array().unwrap().len() > 200);

    let added = control(&emu, "POST", "faults", r#"[{"actions":["DescribeInstances"],"trigger":{"kind":"times","n":1},"effect":{"kind":"error","status":503,"code":"ServiceUnavailable"}}]"#).await;
    let id = added.json()["ids"][0].as_u64().unwrap();
    let target = format!("/?{}", signed_query("DescribeInstances", &[]));
    let refused = raw(emu.addr(), "POST", &target, &[], b"").await.unwrap();
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (503, "ServiceUnavailable")
    );
    assert_eq!(
        refused.json()["Message"],
        "The request has failed due to a temporary failure of the server."
    );
    let faults = control(&emu, "GET", "faults", "").await.json();
    assert_eq!(
        (faults[0]["id"].as_u64(), faults[0]["fired"].as_u64()),
        (Some(id), Some(1))
    );
    assert_eq!(
        control(&emu, "DELETE", &format!("faults/{id}"), "")
            .await
            .status,
        200
    );
    assert_eq!(
        control(&emu, "DELETE", &format!("faults/{id}"), "")
            .await
            .status,
        404
    );
    assert_eq!(
        control(&emu, "POST", "faults", r#"{"effect":{"kind":"explode"}}"#)
            .await
            .status,
        400
    );

    let c = client(&emu);
    c.send(create("cn-beijing-cmcc", "ens.sn1.small", 2))
        .await
        .unwrap();
    let counters = control(&emu, "GET", "counters", "").await.json();
    assert_eq!(counters["CreateInstance"]["ok"], 1);
    assert_eq!(
        counters["DescribeInstances"]["errors"]["ServiceUnavailable"],
        1
    );
    let state = control(&emu, "GET", "state", "").await.json();
    let accounts = state["accounts"].as_object().unwrap();
    assert_eq!(
        accounts[TEST_ACCESS_KEY_ID]["instances"]
            .as_object()
            .unwrap()
            .len(),
        2
    );
    let listed = control(&emu, "GET", "instances", "").await.json();
    assert_eq!(listed[0]["status"], "Pending");
    control(&emu, "POST", "clock/advance", r#"{"seconds": 5}"#).await;
    assert_eq!(
        control(&emu, "GET", "instances", "").await.json()[0]["status"],
        "Running"
    );
    let clock = control(&emu, "GET", "clock", "").await.json();
    assert_eq!(clock["now"], "2025-01-01T00:00:05Z");
    assert_eq!(
        control(
            &emu,
            "POST",
            "stock",
            r#"{"region":"cn-beijing-cmcc","instanceType":"ens.sn1.small","count":0}"#
        )
        .await
        .status,
        200
    );
    assert_eq!(
        c.send(create("cn-beijing-cmcc", "ens.sn1.small", 1))
            .await
            .unwrap_err()
            .code(),
        Some("StockNotEnough")
    );
    let requests = control(&emu, "GET", "requests", "").await;
    assert!(
        !requests.body.contains(support::PASSWORD),
        "the log keeps no parameters"
    );
    assert_eq!(control(&emu, "POST", "reset", "").await.status, 200);
    assert!(emu.instances().is_empty() && emu.faults().is_empty() && emu.counts().is_empty());
    assert_eq!(control(&emu, "GET", "reset", "").await.status, 405);
    assert_eq!(control(&emu, "GET", "nothing", "").await.status, 404);
}
