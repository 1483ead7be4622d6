//! The client's own work per call, without the network: what `Client::dry_run` does for a
//! typical CreateInstance (validate, wire parameters, credentials from the cache, a fresh nonce
//! and time, sign, URL, headers), and its parts. Allocations per call:
//! `cargo run --release -p ens-client --example call_allocs`; instruction counts:
//! `examples/call_cost.rs`.
//!
//! `cargo bench -p ens-client --bench call_cost`

#![allow(clippy::unwrap_used)]

#[path = "typical/mod.rs"]
mod typical;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ens_client::SignatureVersion;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let request = typical::create_instance();
    let mut group = c.benchmark_group("call");
    group.bench_function("to_params", |b| b.iter(|| black_box(&request).to_params()));
    group.bench_function("validate", |b| b.iter(|| black_box(&request).validate()));
    let versions = [SignatureVersion::V3, SignatureVersion::RpcV1];
    let clients = versions.map(typical::client);
    for (client, version) in clients.iter().zip(versions) {
        let label = format!("dry_run/{version:?}");
        // One runtime entry per batch: the cost of the call, not of `block_on`.
        group.bench_function(&label, |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(client.dry_run(black_box(&request)).await.unwrap());
                    }
                    start.elapsed()
                })
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
