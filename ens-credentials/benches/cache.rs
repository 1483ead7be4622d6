//! What asking for credentials costs per request attempt: fixed credentials, and the cache in
//! front of a provider when it holds fresh credentials (the path every attempt takes).
//!
//! `cargo bench -p ens-credentials --bench cache`

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use ens_auth::{Credentials, ProvideCredentials};
use ens_credentials::CachedProvider;

/// Both paths answer at the first poll; polling directly leaves any executor out of the number.
fn ask(provider: &dyn ProvideCredentials) -> Credentials {
    let mut future = provider.provide_credentials();
    match Pin::new(&mut future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(credentials)) => credentials,
        other => panic!("not ready at once: {other:?}"),
    }
}

fn cache(c: &mut Criterion) {
    let fixed = Credentials::new("LTAI5tBenchId", "bench-secret").with_security_token("tok");
    let expiring = fixed
        .clone()
        .with_expiry(SystemTime::now() + Duration::from_secs(3600));
    let cached = CachedProvider::new(expiring);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    runtime
        .block_on(cached.provide_credentials())
        .expect("primed");

    let mut group = c.benchmark_group("credentials");
    group.bench_function("fixed", |b| b.iter(|| black_box(ask(black_box(&fixed)))));
    group.bench_function("cache_hit", |b| {
        b.iter(|| black_box(ask(black_box(&cached))))
    });
    group.finish();
}

criterion_group!(benches, cache);
criterion_main!(benches);
