//! Requests per second of the client against a loopback server that verifies every signature,
//! one request at a time over a kept-alive connection.
//!
//! The server measures its own handling time (parse, recompute the signature, answer); the
//! summary printed at the end puts it beside the round trip, so what is left is the client's
//! share (validation, signing, HTTP, decoding) plus the loopback hop. `dry_run` is the client's
//! CPU work without any I/O.
//!
//! `cargo bench -p ens-client --bench client`

#![allow(clippy::unwrap_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ens_client::CreateInstanceRequest;
use ens_client::types::Password;
use support::{Reply, TestServer};

fn request() -> CreateInstanceRequest {
    CreateInstanceRequest::builder()
        .instance_type("ens.sn1.stiny")
        .ens_region_id("cn-hangzhou-telecom")
        .period(1)
        .quantity(1)
        .image_id("centos_7_9_x64_20G_alibase_20230718")
        .instance_name("web-01".parse().unwrap())
        .password(Password::new("Abc12345!xyz").unwrap())
        .system_disk_size(40)
        .build()
}

/// One summary row: signature version, requests, client time, server requests, server time.
type Totals = (String, u64, Duration, u64, Duration);

/// Round-trip totals per signature version, for the summary.
static TOTALS: Mutex<Vec<Totals>> = Mutex::new(Vec::new());

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("client");
    for version in support::SIGNATURES {
        let label = format!("{version:?}");
        let server = rt.block_on(TestServer::always_for(
            Duration::from_secs(3600),
            Reply::ok(
            r#"{"RequestId":"4A431388-2D4B-46F4-A96B-D4E6BD0688C1","InstanceIds":{"InstanceId":["i-7ecpqvkicnchxccozrp1"]},"Code":"0"}"#,
            ),
        ));
        let client = support::client(&server, version).build().unwrap();

        let (mut iterations, mut elapsed) = (0u64, Duration::ZERO);
        group.bench_function(format!("send_create_instance/{label}"), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(client.create_instance(request()).await.unwrap());
                    }
                    let took = start.elapsed();
                    iterations += iters;
                    elapsed += took;
                    took
                })
            });
        });
        let (handled, server_time) = server.handling();
        TOTALS
            .lock()
            .unwrap()
            .push((label.clone(), iterations, elapsed, handled, server_time));

        let req = request();
        group.bench_function(format!("dry_run_create_instance/{label}"), |b| {
            b.iter(|| black_box(client.dry_run(black_box(&req)).unwrap()));
        });
        drop(server);
    }
    group.finish();
    summary();
}

fn summary() {
    println!("\nsummary (sequential requests, one kept-alive loopback connection):");
    for (label, iterations, elapsed, handled, server_time) in TOTALS.lock().unwrap().iter() {
        if *iterations == 0 || *handled == 0 {
            continue;
        }
        let per_request = elapsed.as_secs_f64() / *iterations as f64;
        let server_per_request = server_time.as_secs_f64() / *handled as f64;
        println!(
            "  {label:6} {:8.0} req/s | round trip {:7.1} µs | server {:6.1} µs | client + loopback {:7.1} µs",
            1.0 / per_request,
            per_request * 1e6,
            server_per_request * 1e6,
            (per_request - server_per_request) * 1e6,
        );
    }
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
