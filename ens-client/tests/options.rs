//! Per-call settings: `CallOptions` on the client, on a view (`with_options`) and on one call
//! (`send_with`), against ens-emulator; and the one opt-in that re-sends a call that is not
//! read-only.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ens_client::transport::{HttpRequest, HttpResponse, HttpTransport, SendFuture};
use ens_client::{
    CallOptions, Client, Credentials, RetryPolicy, SdkError, SignatureVersion, TimeoutKind,
};
use support::{
    ACCESS_KEY_ID, Effect, Fault, Reply, SECRET, SIGNATURES, answer_in_turn, client,
    create_request, describe_request, emulator_started, named_create_request, received,
};

fn timeout_of<E: std::fmt::Debug>(err: &SdkError<E>) -> (TimeoutKind, Duration) {
    match err {
        SdkError::Timeout { kind, timeout, .. } => (*kind, *timeout),
        other => panic!("not a timeout: {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_call_or_a_view_overrides_the_clients_timeouts_and_only_its_own() {
    let emu = emulator_started().await;
    // Every DescribeInstances is answered after 3 s.
    emu.add_fault(Fault::new(Effect::Delay { ms: 3000 }).on("DescribeInstances"));
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let quick = CallOptions::new()
        .attempt_timeout(Duration::from_secs(1))
        .retry_policy(RetryPolicy::none());

    let err = c.send_with(describe_request(), quick).await.unwrap_err();
    assert_eq!(
        timeout_of(&err),
        (TimeoutKind::Attempt, Duration::from_secs(1))
    );
    // A view: the generated method and every call through it.
    let view = c.with_options(quick);
    let err = view.describe_instances().send().await.unwrap_err();
    assert_eq!(
        timeout_of(&err),
        (TimeoutKind::Attempt, Duration::from_secs(1))
    );
    assert_eq!(
        view.options().get_attempt_timeout(),
        Some(Duration::from_secs(1))
    );
    // A call on the view overrides the view; what it leaves unset stays the view's.
    let err = view
        .send_with(
            describe_request(),
            CallOptions::new().operation_timeout(Duration::from_millis(500)),
        )
        .await
        .unwrap_err();
    assert_eq!(
        timeout_of(&err),
        (TimeoutKind::Operation, Duration::from_millis(500))
    );
    // The client keeps its own: the slow answer comes within its 60 s attempt timeout.
    assert_eq!(
        c.options().get_attempt_timeout(),
        Some(Duration::from_secs(60))
    );
    c.send(describe_request()).await.unwrap();
    assert_eq!(received(&emu, "DescribeInstances").len(), 4);
}

#[tokio::test]
async fn a_calls_retry_policy_and_signature_version() {
    let emu = emulator_started().await;
    let throttled = || {
        Reply::error(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
            "R-T",
        )
    };
    answer_in_turn(&emu, "DescribeInstances", [throttled(), throttled()]);
    let c = client(&emu, SignatureVersion::V3)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.send(describe_request()).await.unwrap_err();
    assert_eq!(err.code(), Some("Throttling.User"));
    let patient = CallOptions::new()
        .retry_policy(RetryPolicy::new(3).with_base_delay(Duration::from_millis(1)))
        .signature_version(SignatureVersion::RpcV1);
    c.send_with(describe_request(), patient).await.unwrap();
    let sent = received(&emu, "DescribeInstances");
    assert_eq!(
        sent.len(),
        3,
        "one by the client's policy, two by the call's"
    );
    // The client signs V3; the call asked for RPC 1.0.
    assert!(sent[0].header("authorization").is_some());
    assert!(sent[1].header("authorization").is_none() && sent[1].param("Signature").is_some());
    // A view's signature version reaches dry runs too.
    let rpc = c.with_options(CallOptions::new().signature_version(SignatureVersion::RpcV1));
    let dry = rpc.dry_run(&describe_request()).await.unwrap();
    assert_eq!(dry.signature_version(), SignatureVersion::RpcV1);
}

#[tokio::test]
async fn a_calls_body_limit() {
    let emu = emulator_started().await;
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let small = CallOptions::new().max_response_body(64);
    let err = c.send_with(describe_request(), small).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::UnreadableResponse { reason, .. } if reason.contains("64 bytes")),
        "{err:?}"
    );
    c.send(describe_request()).await.unwrap();
}

/// A transport that records the limits each request carries and answers a canned success.
#[derive(Debug, Default, Clone)]
struct Recording(Arc<Mutex<Vec<(Duration, Duration)>>>);

impl HttpTransport for Recording {
    fn send(&self, request: HttpRequest) -> SendFuture<'_> {
        self.0
            .lock()
            .unwrap()
            .push((request.connect_timeout, request.read_timeout));
        Box::pin(std::future::ready(Ok(HttpResponse::new(
            200,
            r#"{"RequestId":"R","TotalCount":0,"Instances":{"Instance":[]}}"#,
        ))))
    }
}

#[tokio::test]
async fn connect_and_read_timeouts_reach_the_transport_per_call() {
    let recording = Recording::default();
    let c = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY_ID, SECRET))
        .transport(recording.clone())
        .call_options(CallOptions::new().connect_timeout(Duration::from_secs(2)))
        .read_timeout(Duration::from_secs(7))
        .build()
        .unwrap();
    c.send(describe_request()).await.unwrap();
    let call = CallOptions::new()
        .connect_timeout(Duration::from_millis(300))
        .read_timeout(Duration::from_secs(1));
    c.send_with(describe_request(), call).await.unwrap();
    assert_eq!(
        *recording.0.lock().unwrap(),
        [
            (Duration::from_secs(2), Duration::from_secs(7)),
            (Duration::from_millis(300), Duration::from_secs(1))
        ]
    );
}

/// Arrivals of the CreateInstance calls named `name`.
fn arrivals(emu: &support::Emulator, name: &str) -> usize {
    received(emu, "CreateInstance")
        .iter()
        .filter(|r| r.param("InstanceName").as_deref() == Some(name))
        .count()
}

fn instances_named(emu: &support::Emulator, name: &str) -> usize {
    emu.instances().iter().filter(|i| i.name == name).count()
}

/// Spoils the next CreateInstance (after it acted) with `effect`, in place of any other fault.
fn spoil_next(emu: &support::Emulator, effect: Effect) {
    emu.clear_faults();
    emu.add_fault(Fault::new(effect).on("CreateInstance").nth(1));
}

#[tokio::test]
async fn duplicates_are_sent_only_when_the_call_accepts_them() {
    let emu = emulator_started().await;
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let accept = CallOptions::new().retry_writes_accepting_duplicates(true);

    // The connection is dropped after the instance was created. By default: sent once, outcome
    // unknown.
    spoil_next(&emu, Effect::CloseAfter);
    let err = c.send(named_create_request("safe")).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(
        (arrivals(&emu, "safe"), instances_named(&emu, "safe")),
        (1, 1)
    );

    // Accepting duplicates: sent again, and the duplicate is created.
    spoil_next(&emu, Effect::CloseAfter);
    let created = c
        .send_with(named_create_request("dup"), accept)
        .await
        .unwrap();
    assert_eq!(created.instance_ids.len(), 1);
    assert_eq!(
        (arrivals(&emu, "dup"), instances_named(&emu, "dup")),
        (2, 2)
    );

    // Every attempt lost after acting: still outcome unknown, after all of them.
    emu.clear_faults();
    emu.add_fault(Fault::new(Effect::CloseAfter).on("CreateInstance"));
    let err = c
        .send_with(named_create_request("lost"), accept)
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(arrivals(&emu, "lost"), 3);

    // A 2xx that cannot be read: not sent again even when duplicates are accepted.
    spoil_next(&emu, Effect::Malformed);
    let err = c
        .send_with(named_create_request("garbled"), accept)
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(arrivals(&emu, "garbled"), 1);

    // A later attempt refused (nothing done by it) after one that may have acted: the outcome
    // of the call is still unknown.
    spoil_next(&emu, Effect::CloseAfter);
    emu.add_fault(
        Fault::new(Effect::Error {
            status: 400,
            code: Some("InvalidParameter".into()),
            message: None,
        })
        .on("CreateInstance")
        .nth(2),
    );
    let err = c
        .send_with(named_create_request("refused"), accept)
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.code(), Some("InvalidParameter"));
    assert_eq!(
        (arrivals(&emu, "refused"), instances_named(&emu, "refused")),
        (2, 1)
    );

    // The client can accept them for all its calls; a call can still refuse.
    let lenient = client(&emu, SIGNATURES[0])
        .call_options(accept)
        .build()
        .unwrap();
    spoil_next(&emu, Effect::CloseAfter);
    let err = lenient
        .send_with(
            named_create_request("strict"),
            CallOptions::new().retry_writes_accepting_duplicates(false),
        )
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(arrivals(&emu, "strict"), 1);
    emu.clear_faults();
    lenient.send(create_request()).await.unwrap();
}
