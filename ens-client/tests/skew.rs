//! A wrong clock and a reused nonce: what the gateway refuses before doing anything, and what
//! the client does about it.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ens_client::auth::SigningTime;
use ens_client::time::ManualTime;
use ens_client::transport::{ReplayEvent, ReplayTransport};
use ens_client::{CallOptions, Client, Credentials, RetryPolicy};
use support::{
    ACCESS_KEY_ID, Effect, Fault, SECRET, SIGNATURES, client, describe_request, emulator,
    named_create_request, received, start,
};

/// The signing time of a captured request, V3 or RPC 1.0.
fn signed_at(request: &support::CapturedRequest) -> i64 {
    let text = request
        .header("x-acs-date")
        .map(str::to_owned)
        .or_else(|| request.param("Timestamp"))
        .expect("a signing time");
    SigningTime::parse_utc(&text).unwrap().unix_seconds()
}

#[tokio::test]
async fn a_wrong_clock_is_corrected_from_the_date_header_once_for_every_clone() {
    for (version, ahead) in SIGNATURES.into_iter().zip([3600, -7200]) {
        // The service's clock is an hour ahead of this machine's (or two behind).
        let emu = start(emulator().wall_clock_ahead(ahead)).await;
        // No retries: the correction is not one.
        let c = client(&emu, version)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        // Not read-only, and still sent again: the refusal proves nothing was done.
        let created = c.send(named_create_request("skewed")).await.unwrap();
        assert_eq!(created.instance_ids.len(), 1);
        let creates = received(&emu, "CreateInstance");
        assert_eq!(creates.len(), 2, "{version:?}: refused, then accepted");
        let now = SigningTime::now().unix_seconds();
        assert!((signed_at(&creates[0]) - now).abs() <= 5);
        assert!((signed_at(&creates[1]) - (now + ahead)).abs() <= 5);
        let counts = &emu.counts()["CreateInstance"];
        assert_eq!(counts.errors.get("InvalidTimeStamp.Expired"), Some(&1));
        assert_eq!(emu.instances().len(), 1);

        // A clone signs with the corrected clock at once.
        let clone = c.clone();
        clone.send(describe_request()).await.unwrap();
        assert_eq!(received(&emu, "DescribeInstances").len(), 1);
        // So does a view, and a dry run.
        let view = c.with_options(CallOptions::new().attempt_timeout(Duration::from_secs(9)));
        let dry = view.dry_run(&describe_request()).await.unwrap();
        let dated = dry
            .header("x-acs-date")
            .map(str::to_owned)
            .or_else(|| {
                dry.url()
                    .split('&')
                    .find_map(|p| p.strip_prefix("Timestamp="))
                    .map(|t| t.replace("%3A", ":"))
            })
            .unwrap();
        let dated = SigningTime::parse_utc(&dated).unwrap().unix_seconds();
        assert!((dated - (now + ahead)).abs() <= 5, "{version:?}");
    }
}

#[tokio::test]
async fn the_correction_is_made_once_per_call() {
    let emu = start(emulator()).await;
    // Refused for its timestamp whatever it says (the Date shows this machine's clock).
    emu.add_fault(
        Fault::new(Effect::Error {
            status: 400,
            code: Some("InvalidTimeStamp.Expired".into()),
            message: None,
        })
        .on("CreateInstance"),
    );
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let err = c.send(named_create_request("refused")).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidTimeStamp.Expired"));
    assert!(!err.is_outcome_unknown(), "{err:?}");
    assert_eq!(received(&emu, "CreateInstance").len(), 2);
    assert!(emu.instances().is_empty());
}

#[tokio::test]
async fn without_a_date_header_nothing_is_corrected() {
    const EXPIRED: &str = r#"{"RequestId":"R","Code":"InvalidTimeStamp.Expired","Message":"Specified time stamp or date value is expired."}"#;
    let time = ManualTime::new();
    let replay = ReplayTransport::new([ReplayEvent::json(400, EXPIRED)]);
    let c = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY_ID, SECRET))
        .transport(replay.clone())
        .time_source(time.clone())
        .sleep_impl(time.clone())
        .build()
        .unwrap();
    let err = c.send(describe_request()).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidTimeStamp.Expired"));
    replay.assert_requests_match();

    // With one, the next request is signed with its time (a day ahead here).
    let ahead = SigningTime::now().unix_seconds() + 86_400;
    let date = httpdate_of(ahead);
    let replay = ReplayTransport::new([
        ReplayEvent::json(400, EXPIRED).header("date", &date),
        ReplayEvent::json(200, r#"{"RequestId":"R2","TotalCount":0}"#),
    ]);
    let c = Client::builder()
        .credentials(Credentials::new(ACCESS_KEY_ID, SECRET))
        .transport(replay.clone())
        .time_source(time.clone())
        .sleep_impl(time.clone())
        .build()
        .unwrap();
    c.send(describe_request()).await.unwrap();
    replay.assert_requests_match();
    let second = replay.requests()[1]
        .header("x-acs-date")
        .unwrap()
        .to_owned();
    let second = SigningTime::parse_utc(&second).unwrap().unix_seconds();
    assert!((second - ahead).abs() <= 5, "{second} vs {ahead}");
    assert!(time.sleeps().is_empty(), "resent at once");
}

/// `unix` as an HTTP date.
fn httpdate_of(unix: i64) -> String {
    httpdate::fmt_http_date(SigningTime::from_unix_seconds(unix).to_system_time())
}

/// A nonce source that gives `first` twice, then fresh ones.
fn repeating_once(first: &'static str) -> impl Fn() -> String + Send + Sync + 'static {
    let n = Arc::new(AtomicUsize::new(0));
    move || match n.fetch_add(1, Ordering::SeqCst) {
        0 | 1 => first.to_owned(),
        i => format!("{first}-fresh-{i}"),
    }
}

#[tokio::test]
async fn a_reused_nonce_is_retried_for_reads_and_outcome_unknown_for_writes() {
    let emu = start(emulator()).await;
    // The second read carries the first's nonce: refused, sent again with a fresh one.
    let reader = client(&emu, SIGNATURES[0])
        .nonce(repeating_once("nonce-r"))
        .build()
        .unwrap();
    reader.send(describe_request()).await.unwrap();
    reader.send(describe_request()).await.unwrap();
    let reads = received(&emu, "DescribeInstances");
    let nonces: Vec<_> = reads
        .iter()
        .map(|r| r.header("x-acs-signature-nonce").unwrap().to_owned())
        .collect();
    assert_eq!(nonces, ["nonce-r", "nonce-r", "nonce-r-fresh-2"]);

    // A create whose nonce the service saw: something may have delivered these bytes before
    // (a proxy's resend), so it is not sent again.
    let writer = client(&emu, SIGNATURES[1])
        .nonce(repeating_once("nonce-w"))
        .build()
        .unwrap();
    writer.send(named_create_request("first")).await.unwrap();
    let err = writer
        .send(named_create_request("second"))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_eq!(err.code(), Some("SignatureNonceUsed"));
    assert_eq!(received(&emu, "CreateInstance").len(), 2);
    assert_eq!(emu.instances().len(), 1);

    // Unless the call accepts duplicates.
    let writer = client(&emu, SIGNATURES[1])
        .nonce(repeating_once("nonce-d"))
        .build()
        .unwrap();
    let accept = CallOptions::new().retry_writes_accepting_duplicates(true);
    writer
        .send_with(named_create_request("third"), accept)
        .await
        .unwrap();
    let created = writer
        .send_with(named_create_request("fourth"), accept)
        .await
        .unwrap();
    assert_eq!(created.instance_ids.len(), 1);
    let fourth: Vec<_> = received(&emu, "CreateInstance")
        .iter()
        .filter(|r| r.param("InstanceName").as_deref() == Some("fourth"))
        .map(|r| r.param("SignatureNonce").unwrap())
        .collect();
    assert_eq!(fourth, ["nonce-d", "nonce-d-fresh-2"]);
}
