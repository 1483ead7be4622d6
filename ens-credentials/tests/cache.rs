//! The cache: handed out without I/O until shortly before expiry, refreshed once for all
//! concurrent callers, failures shared, expired answers refused.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use ens_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture, SigningTime};
use ens_credentials::{AssumeRoleProvider, CachedProvider};
use support::{Reply, SOURCE_ID, SOURCE_SECRET, STS_ID, TestClock, TestServer, sts_answer};

/// Counts calls and answers with credentials that expire `lifetime` after the test clock's
/// now (`None`: never).
#[derive(Debug)]
struct Counting {
    calls: Arc<AtomicUsize>,
    lifetime: Option<Duration>,
    clock: TestClock,
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let creds = Credentials::new(format!("id-{n}"), "secret").with_provider_name("counting");
        ProvideFuture::ready(Ok(match self.lifetime {
            Some(lifetime) => creds.with_expiry(self.clock.now() + lifetime),
            None => creds,
        }))
    }
}

fn counting(lifetime: Option<Duration>) -> (CachedProvider, Arc<AtomicUsize>, TestClock) {
    let calls = Arc::new(AtomicUsize::new(0));
    let clock = TestClock::default();
    let source = Counting {
        calls: Arc::clone(&calls),
        lifetime,
        clock: clock.clone(),
    };
    let time = clock.clone();
    let cache = CachedProvider::builder()
        .clock(move || time.now())
        .build(source);
    (cache, calls, clock)
}

#[tokio::test]
async fn static_credentials_are_read_once_and_shared() {
    let (cache, calls, clock) = counting(None);
    let first = cache.provide_credentials().await.expect("first");
    for _ in 0..1000 {
        let again = cache.provide_credentials().await.expect("cached");
        assert!(
            Credentials::ptr_eq(&first, &again),
            "one shared copy, not a clone per call"
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Keys without expiry are asked for again after the default TTL (15 minutes), so a rotated
    // key is picked up.
    clock.advance(Duration::from_secs(14 * 60));
    cache.provide_credentials().await.expect("cached");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    clock.advance(Duration::from_secs(61));
    let later = cache.provide_credentials().await.expect("refreshed");
    assert_eq!(later.access_key_id(), "id-2");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn expiring_credentials_are_refreshed_three_minutes_ahead() {
    let (cache, calls, clock) = counting(Some(Duration::from_secs(3600)));
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("1")
            .access_key_id(),
        "id-1"
    );
    clock.advance(Duration::from_secs(3600 - 181));
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("2")
            .access_key_id(),
        "id-1"
    );
    clock.advance(Duration::from_secs(2));
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("3")
            .access_key_id(),
        "id-2"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn short_lived_credentials_are_refreshed_halfway_not_at_every_call() {
    let (cache, calls, clock) = counting(Some(Duration::from_secs(60)));
    cache.provide_credentials().await.expect("1");
    clock.advance(Duration::from_secs(29));
    cache.provide_credentials().await.expect("2");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    clock.advance(Duration::from_secs(2));
    cache.provide_credentials().await.expect("3");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// A fake STS whose answers expire an hour after the test clock's now, answering slowly so
/// that concurrent callers pile up behind the refresh.
async fn slow_sts(clock: &TestClock, delay: Duration) -> TestServer {
    let clock = clock.clone();
    TestServer::start(move |_| {
        let expiration = SigningTime::from(clock.now() + Duration::from_secs(3600));
        Reply::ok(sts_answer(&expiration.to_utc_string())).after(delay)
    })
    .await
}

fn role_cache(sts: &TestServer, clock: &TestClock) -> Arc<CachedProvider> {
    let time = clock.clone();
    Arc::new(
        CachedProvider::builder().clock(move || time.now()).build(
            AssumeRoleProvider::builder(
                "acs:ram::1:role/r",
                Credentials::new(SOURCE_ID, SOURCE_SECRET),
            )
            .sts_endpoint(sts.url())
            .build(),
        ),
    )
}

async fn ask_concurrently(
    cache: &Arc<CachedProvider>,
    n: usize,
) -> Vec<Result<Credentials, CredentialsError>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let cache = Arc::clone(cache);
            tokio::spawn(async move { cache.provide_credentials().await })
        })
        .collect();
    let mut results = Vec::with_capacity(n);
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    results
}

/// The issue's done-when: 100 concurrent calls at expiry make exactly one STS refresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_sts_refresh_for_100_concurrent_calls_at_expiry() {
    let clock = TestClock::default();
    let sts = slow_sts(&clock, Duration::from_millis(200)).await;
    let cache = role_cache(&sts, &clock);
    cache.provide_credentials().await.expect("primed");
    assert_eq!(sts.count(), 1);

    clock.advance(Duration::from_secs(3600)); // the credentials have just expired
    let results = ask_concurrently(&cache, 100).await;
    let first = results[0].as_ref().expect("refreshed").clone();
    for result in &results {
        let creds = result.as_ref().expect("every caller gets credentials");
        assert_eq!(creds.access_key_id(), STS_ID);
        assert!(
            Credentials::ptr_eq(creds, &first),
            "everyone got the one refresh's result"
        );
    }
    let refreshes = sts.count() - 1;
    println!("STS refreshes for 100 concurrent calls at expiry: {refreshes}");
    assert_eq!(refreshes, 1);
}

/// In the refresh-ahead window the current credentials are still valid: one caller refreshes,
/// and nobody else waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn in_the_refresh_window_one_caller_refreshes_and_the_others_do_not_wait() {
    let clock = TestClock::default();
    let sts = slow_sts(&clock, Duration::from_millis(500)).await;
    let cache = role_cache(&sts, &clock);
    let old = cache.provide_credentials().await.expect("primed");
    clock.advance(Duration::from_secs(3600 - 60));
    let started = std::time::Instant::now();
    let results = ask_concurrently(&cache, 100).await;
    let refreshed = results
        .iter()
        .filter(|r| !Credentials::ptr_eq(r.as_ref().expect("valid"), &old))
        .count();
    assert_eq!(sts.count(), 2, "exactly one refresh");
    assert!(
        refreshed >= 1,
        "the refreshing caller got the new credentials"
    );
    assert!(refreshed < 100, "the others kept the still-valid ones");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Afterwards everyone gets the new ones, without another call.
    let now = cache.provide_credentials().await.expect("new");
    assert!(!Credentials::ptr_eq(&now, &old));
    assert_eq!(sts.count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_refresh_is_shared_by_its_waiters_and_retried_by_the_next_call() {
    let sts = TestServer::always(
        Reply::status(503, r#"{"Code":"ServiceUnavailable","Message":"busy"}"#)
            .after(Duration::from_millis(200)),
    )
    .await;
    let cache = role_cache(&sts, &TestClock::default());
    let results = ask_concurrently(&cache, 100).await;
    assert_eq!(sts.count(), 1, "one call to STS for 100 callers");
    for result in results {
        let e = result.expect_err("STS is down");
        let text = e.to_string();
        assert!(
            text.starts_with("RAM role acs:ram::1:role/r (STS AssumeRole at"),
            "{text}"
        );
        assert!(
            text.contains("HTTP 503, ServiceUnavailable: busy"),
            "{text}"
        );
    }
    cache.provide_credentials().await.expect_err("still down");
    assert_eq!(sts.count(), 2, "a failure is not cached");
}

/// Scripted answers: each call takes the next.
#[derive(Debug)]
struct Script(std::sync::Mutex<Vec<Result<Credentials, CredentialsError>>>);

impl ProvideCredentials for Script {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let next = self.0.lock().expect("lock").remove(0);
        ProvideFuture::ready(next)
    }
}

#[tokio::test]
async fn a_failed_refresh_keeps_still_valid_credentials_until_they_expire() {
    let clock = TestClock::default();
    let expiry = clock.now() + Duration::from_secs(600);
    let down = || Err(CredentialsError::failed("scripted", "down"));
    let script = Script(std::sync::Mutex::new(vec![
        Ok(Credentials::new("id", "s").with_expiry(expiry)),
        down(),
        down(),
    ]));
    let time = clock.clone();
    let cache = CachedProvider::builder()
        .clock(move || time.now())
        .build(script);
    cache.provide_credentials().await.expect("first");
    clock.advance(Duration::from_secs(500)); // in the refresh window, still valid
    assert_eq!(
        cache
            .provide_credentials()
            .await
            .expect("old ones")
            .access_key_id(),
        "id"
    );
    clock.advance(Duration::from_secs(100)); // expired now
    let e = cache
        .provide_credentials()
        .await
        .expect_err("expired, refresh failed");
    assert_eq!(e.to_string(), "scripted: down");
}

/// Credentials that arrive already expired: a wrong clock (or a stale source). Refused with an
/// error naming the provider and both times.
#[tokio::test]
async fn credentials_expired_on_arrival_point_at_the_clock() {
    let clock = TestClock::default();
    let sts = TestServer::always(Reply::ok(sts_answer("2020-01-01T00:00:00Z"))).await;
    let cache = role_cache(&sts, &clock);
    let e = cache.provide_credentials().await.expect_err("expired");
    assert!(matches!(e, CredentialsError::Expired { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.starts_with(
            "RAM role: the credentials expired at 2020-01-01T00:00:00Z, but the local clock says "
        ),
        "{text}"
    );
    assert!(text.ends_with("the system clock is probably off"), "{text}");
}

#[tokio::test]
async fn a_load_that_never_finishes_times_out() {
    #[derive(Debug)]
    struct Never;
    impl ProvideCredentials for Never {
        fn provide_credentials(&self) -> ProvideFuture<'_> {
            ProvideFuture::new(std::future::pending())
        }
    }
    let cache = CachedProvider::builder()
        .load_timeout(Duration::from_millis(100))
        .build(Never);
    let e = cache.provide_credentials().await.expect_err("timed out");
    assert_eq!(
        e.to_string(),
        "Never: loading credentials took longer than 100ms"
    );
}

#[test]
fn the_clock_is_the_system_clock_by_default() {
    let before = SystemTime::now();
    let cache = CachedProvider::new(Credentials::new("id", "s").with_expiry(before));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let e = runtime
        .block_on(cache.provide_credentials())
        .expect_err("already expired by the system clock");
    assert!(matches!(e, CredentialsError::Expired { .. }), "{e:?}");
}

#[tokio::test]
async fn shared_caches_a_provider_once_and_keeps_a_cache_as_it_is() {
    let (cache, calls, clock) = counting(None);
    let shared = CachedProvider::shared(cache);
    shared.provide_credentials().await.expect("first");
    // The given cache (with its test clock) was kept: moving its clock makes it reload.
    clock.advance(Duration::from_secs(16 * 60));
    shared.provide_credentials().await.expect("second");
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let (cache, calls, clock) = counting(None);
    let cache = Arc::new(cache);
    let shared = CachedProvider::shared(Arc::clone(&cache));
    shared.provide_credentials().await.expect("first");
    clock.advance(Duration::from_secs(16 * 60));
    shared.provide_credentials().await.expect("second");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "an Arc of a cache is used as it is"
    );

    // Anything else gets a cache in front.
    let calls = Arc::new(AtomicUsize::new(0));
    let shared = CachedProvider::shared(Counting {
        calls: Arc::clone(&calls),
        lifetime: None,
        clock: TestClock::default(),
    });
    for _ in 0..10 {
        shared.provide_credentials().await.expect("cached");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(format!("{shared:?}").starts_with("CachedProvider"));
}
