//! Round trips of the client against ens-emulator on loopback, one call at a time: a read-only
//! call and CreateInstance, both on kept-alive connections (a call that is not read-only takes a
//! connection that sent a request within `reuse_for_writes`). The emulator verifies every
//! signature and answers a canned body, so a round trip is the client's work, the loopback hop
//! and the emulator's checks. `dry_run` is the client's CPU work without any I/O. For the
//! client against nginx beside the official SDKs, see `examples/peerbench.rs`.
//!
//! `cargo bench -p ens-client --bench client`

#![allow(clippy::unwrap_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use support::Reply;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(support::emulator_started());
    support::answer_always(
        &emu,
        "DescribeInstances",
        Reply::ok(r#"{"RequestId":"4A431388-2D4B-46F4-A96B-D4E6BD0688C1","Code":0}"#),
    );
    support::answer_always(
        &emu,
        "CreateInstance",
        Reply::ok(
            r#"{"RequestId":"4A431388-2D4B-46F4-A96B-D4E6BD0688C1","InstanceIds":{"InstanceId":["i-7ecpqvkicnchxccozrp1"]},"Code":"0"}"#,
        ),
    );
    let mut group = c.benchmark_group("client");
    for version in support::SIGNATURES {
        // Unpaced: the round trip is measured, not CreateInstance's 10 calls/s.
        let client = support::client(&emu, version)
            .rate_limits(ens_client::RateLimits::off())
            .build()
            .unwrap();
        let label = format!("{version:?}");
        let mut round = |name: &str, create: bool| {
            let client = client.clone();
            group.bench_function(format!("{name}/{label}"), |b| {
                b.iter_custom(|iters| {
                    rt.block_on(async {
                        let start = Instant::now();
                        for _ in 0..iters {
                            if create {
                                black_box(client.send(support::create_request()).await.unwrap());
                            } else {
                                black_box(client.send(support::describe_request()).await.unwrap());
                            }
                        }
                        start.elapsed()
                    })
                });
            });
        };
        round("send_describe_kept_alive", false);
        round("send_create_instance_kept_alive", true);
        let req = support::create_request();
        group.bench_function(format!("dry_run_create_instance/{label}"), |b| {
            b.iter(|| black_box(rt.block_on(client.dry_run(black_box(&req))).unwrap()));
        });
    }
    group.finish();
    println!(
        "connections the emulator accepted over all rounds: {}",
        emu.connections_accepted()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = bench
}
criterion_main!(benches);
