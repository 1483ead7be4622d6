//! Client-side rate limiting against ens-emulator enforcing the documented limits, on tokio's
//! paused clock (the client's pacing and the emulator's windows both run on it, so a burst that
//! takes seconds takes none).

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use ens_client::{CallOptions, RateLimits, RetryPolicy, SdkError, TimeoutKind};
use support::{
    SIGNATURES, client, describe_request, emulator, named_create_request, received, start,
};
use tokio::time::Instant;

/// The test emulator with the documented limits on (CreateInstance: 10 calls/s per account).
async fn throttling_emulator() -> support::Emulator {
    start(emulator().throttling(true)).await
}

/// Offsets of the arrivals of `action` from the first, on the paused clock.
fn arrival_offsets(emu: &support::Emulator, action: &str) -> Vec<Duration> {
    let arrivals: Vec<Instant> = received(emu, action)
        .iter()
        .map(|r| r.received_at)
        .collect();
    arrivals.iter().map(|t| *t - arrivals[0]).collect()
}

/// The most arrivals within any one second.
fn busiest_second(offsets: &[Duration]) -> usize {
    offsets
        .iter()
        .map(|start| {
            offsets
                .iter()
                .filter(|t| **t >= *start && **t - *start < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

fn throttled(emu: &support::Emulator, action: &str) -> u64 {
    emu.counts()
        .get(action)
        .and_then(|c| c.errors.get("Throttling.User").copied())
        .unwrap_or(0)
}

/// Creates `n` instances at once through clones of `c`; the errors, by call.
async fn burst(
    c: &ens_client::Client,
    n: usize,
    options: CallOptions,
) -> BTreeMap<usize, SdkError<ens_client::CreateInstanceError>> {
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..n {
        let c = c.clone();
        calls.spawn(async move {
            let result = c
                .send_with(named_create_request(&format!("burst-{i}")), options)
                .await;
            (i, result)
        });
    }
    let mut errors = BTreeMap::new();
    while let Some(done) = calls.join_next().await {
        let (i, result) = done.unwrap();
        if let Err(e) = result {
            errors.insert(i, e);
        }
    }
    errors
}

#[tokio::test(start_paused = true)]
async fn a_burst_is_paced_to_the_documented_limit_and_never_throttled() {
    for version in SIGNATURES {
        let emu = throttling_emulator().await;
        let c = client(&emu, version).build().unwrap();
        let errors = burst(&c, 35, CallOptions::new()).await;
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(throttled(&emu, "CreateInstance"), 0);
        let offsets = arrival_offsets(&emu, "CreateInstance");
        assert_eq!(offsets.len(), 35);
        assert!(busiest_second(&offsets) <= 10, "{offsets:?}");
        // Ten at once, then ten per 1.01 s as tokens come back: done after 3 windows.
        assert_eq!(offsets.iter().filter(|t| t.is_zero()).count(), 10);
        let last = *offsets.last().unwrap();
        assert!(
            last >= Duration::from_millis(3030) && last < Duration::from_millis(3100),
            "{last:?}"
        );
        assert_eq!(c.current_rate_limit("CreateInstance"), Some(10.0));
    }
}

#[tokio::test(start_paused = true)]
async fn unpaced_the_same_burst_is_throttled() {
    let emu = throttling_emulator().await;
    let c = client(&emu, SIGNATURES[0])
        .rate_limits(RateLimits::off())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let errors = burst(&c, 35, CallOptions::new()).await;
    assert_eq!(errors.len(), 25, "{errors:?}");
    assert!(
        errors
            .values()
            .all(|e| e.code() == Some("Throttling.User") && !e.is_outcome_unknown())
    );
    assert_eq!(throttled(&emu, "CreateInstance"), 25);
}

#[tokio::test(start_paused = true)]
async fn throttling_answers_slow_the_client_below_its_limit_and_it_recovers() {
    // Another process takes half the account's quota: the service allows this client 5 a
    // second where the documented limit is 10.
    let run = |limits: RateLimits| async move {
        let emu = start(
            emulator()
                .throttling(true)
                .quota("CreateInstance", ens_emulator::Quota::per_second(5)),
        )
        .await;
        let c = client(&emu, SIGNATURES[0])
            .rate_limits(limits)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        // A steady stream: 4 calls every 0.4 s (10 a second) for 8 s.
        let mut failed = 0;
        for _ in 0..20 {
            failed += burst(&c, 4, CallOptions::new()).await.len();
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        let slowest = c.current_rate_limit("CreateInstance");
        (failed, throttled(&emu, "CreateInstance"), c, slowest)
    };
    let (fixed_failed, fixed_throttled, _, _) = run(RateLimits::documented().adaptive(false)).await;
    let (failed, adaptive_throttled, c, rate) = run(RateLimits::documented()).await;
    println!(
        "throttled: {fixed_throttled} at the documented limit, {adaptive_throttled} adaptive (rate now {rate:?})"
    );
    assert_eq!(failed as u64, adaptive_throttled);
    assert_eq!(fixed_failed as u64, fixed_throttled);
    assert!(
        fixed_throttled >= 20 && adaptive_throttled * 2 < fixed_throttled,
        "{adaptive_throttled} throttled adaptive, {fixed_throttled} at the documented limit"
    );
    assert!(rate.is_some_and(|r| r < 10.0), "{rate:?}");
    // Without throttling the rate grows back to the limit.
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(c.current_rate_limit("CreateInstance"), Some(10.0));
}

#[tokio::test(start_paused = true)]
async fn a_call_whose_slot_is_past_its_operation_timeout_fails_at_once_unsent() {
    let emu = throttling_emulator().await;
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let started = Instant::now();
    let short = CallOptions::new().operation_timeout(Duration::from_millis(1500));
    let errors = burst(&c, 30, short).await;
    // Ten at once, ten when tokens come back at 1.01 s; the last ten's slots (2.02 s) are past
    // their 1.5 s.
    assert_eq!(errors.len(), 10, "{errors:?}");
    for e in errors.values() {
        match e {
            SdkError::Timeout {
                kind: TimeoutKind::Operation,
                may_have_reached_server: false,
                ..
            } => {}
            other => panic!("not an unsent operation timeout: {other:?}"),
        }
        let text = e.to_string();
        assert!(
            text.contains("rate limit for CreateInstance") && text.contains("not sent"),
            "{text}"
        );
    }
    assert_eq!(received(&emu, "CreateInstance").len(), 20);
    assert!(started.elapsed() < Duration::from_millis(1100));
}

#[tokio::test(start_paused = true)]
async fn limits_of_ones_own_and_none() {
    let emu = start(emulator()).await;
    let c = client(&emu, SIGNATURES[0])
        .rate_limits(RateLimits::documented().limit("DescribeInstances", 2.0))
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..5 {
        c.send(describe_request()).await.unwrap();
    }
    // Two at once, two after 1.01 s, one after 2.02 s.
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(2020) && took < Duration::from_millis(2100),
        "{took:?}"
    );
    assert_eq!(c.current_rate_limit("DescribeInstances"), Some(2.0));

    let free = client(&emu, SIGNATURES[0])
        .rate_limits(RateLimits::off())
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..50 {
        free.send(describe_request()).await.unwrap();
    }
    assert!(started.elapsed() < Duration::from_millis(50));
    assert_eq!(free.current_rate_limit("DescribeInstances"), None);
}
