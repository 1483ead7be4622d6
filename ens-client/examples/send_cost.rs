//! What a whole call costs the process, beyond the request's own work (`dry_run`): heap
//! allocations per CreateInstance call, counted by a wrapping global allocator, through
//!
//! - `canned`: a transport that answers at once without looking at the request (the runtime
//!   alone: attempt loop, timers, body reading, answer checks and decoding, no HTTP), and
//! - `hyper`: the default transport against a canned HTTP/1.1 server in this process that
//!   allocates nothing per request (the runtime plus hyper, the pool and the socket);
//!
//! and, for `callgrind`, N calls of one of them (`send_cost canned 20000`), so that instruction
//! counts per call come from two runs with different N.
//!
//! It also prints how many times a call's future is polled: a call that wakes itself (a waker
//! left with a channel its own poll fills) is polled once more for nothing.
//!
//! `cargo run --release -p ens-client --example send_cost`

#![allow(clippy::unwrap_used)]

use std::alloc::System;

use ens_client::transport::{HttpRequest, HttpResponse, HttpTransport, SendFuture};
use ens_client::{Client, Credentials, RateLimits, RetryPolicy, SignatureVersion};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[path = "peer_request/mod.rs"]
mod peer_request;
use peer_request::request;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations (reallocations included) since `region` began.
fn allocations(region: &Region<'_, System>) -> u64 {
    let stats = region.change();
    (stats.allocations + stats.reallocations) as u64
}

const ANSWER: &str = r#"{"RequestId":"4A431388-2D4B-46F4-A96B-D4E6BD0688C1","InstanceIds":{"InstanceId":["i-7ecpqvkicnchxccozrp0001"]},"Code":0}"#;

/// Answers every request with the canned success.
#[derive(Debug)]
struct Canned;

impl HttpTransport for Canned {
    fn send(&self, _: HttpRequest) -> SendFuture<'_> {
        Box::pin(std::future::ready(Ok(HttpResponse::new(200, ANSWER))))
    }
}

fn builder(version: SignatureVersion) -> ens_client::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new(
            "LTAI5tTestAccessKeyId000",
            "TestAccessKeySecret0123456789ab",
        ))
        .signature_version(version)
        .retry_policy(RetryPolicy::none())
        // Unpaced: the client's own work is measured, not CreateInstance's 10 calls/s.
        .rate_limits(RateLimits::off())
}

/// A server that answers every request on a connection with the canned success, reading into
/// and writing from buffers it keeps.
async fn canned_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{ANSWER}",
        ANSWER.len()
    )
    .into_bytes();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut filled = 0;
                loop {
                    match stream.read(&mut buf[filled..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => filled += n,
                    }
                    // Requests carry no body here (POST with Content-Length: 0).
                    while let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                        if stream.write_all(&response).await.is_err() {
                            return;
                        }
                        buf.copy_within(end + 4..filled, 0);
                        filled -= end + 4;
                    }
                }
            });
        }
    });
    url
}

fn client_for(transport: &str, version: SignatureVersion, url: &str) -> Client {
    match transport {
        "canned" => builder(version).transport(Canned).build().unwrap(),
        _ => builder(version).endpoint(url).build().unwrap(),
    }
}

/// Makes `n` calls; returns how many times the calls' futures were polled in all. A call needs
/// two polls (send, then answer read); each one more is a wake-up the call caused itself.
async fn calls(client: &Client, n: usize) -> usize {
    let mut polls = 0;
    for _ in 0..n {
        let mut call = std::pin::pin!(client.send(request()));
        let answer = std::future::poll_fn(|cx| {
            polls += 1;
            call.as_mut().poll(cx)
        })
        .await
        .unwrap();
        assert_eq!(answer.instance_ids.len(), 1);
    }
    polls
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = rt.block_on(canned_server());
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [transport, n] = args.as_slice() {
        // For callgrind: N calls, nothing printed.
        let n: usize = n.parse().unwrap();
        let client = client_for(transport, SignatureVersion::V3, &url);
        rt.block_on(calls(&client, n));
        return;
    }
    const N: usize = 2000;
    for transport in ["canned", "hyper"] {
        for version in [SignatureVersion::V3, SignatureVersion::RpcV1] {
            let client = client_for(transport, version, &url);
            rt.block_on(calls(&client, 10)); // warm: connection, caches
            let region = Region::new(GLOBAL);
            let polls = rt.block_on(calls(&client, N)) as f64 / N as f64;
            let per_call = allocations(&region) as f64 / N as f64;
            let region = Region::new(GLOBAL);
            for _ in 0..N {
                rt.block_on(client.dry_run(&request())).unwrap();
            }
            let dry = allocations(&region) as f64 / N as f64;
            println!(
                "{transport:6} {version:?}: {per_call:5.1} allocations per call ({dry:4.1} of them in building, validating and signing the request, {:4.1} beyond); polled {polls:.2} times per call",
                per_call - dry
            );
        }
    }
}
