//! How many calls per second the emulator serves to ens-client over loopback HTTP, sequentially
//! and from 8 concurrent tasks, and how long `Emulator::start` takes.
//!
//! ```text
//! cargo run --release -p ens-emulator --example throughput [-- N]
//! ```
//!
//! Each call is a real exchange: signed (V3), verified, validated, handled, answered.

use ens_client::{
    Client, CreateInstanceRequest, Credentials, DescribeInstancesRequest, RetryPolicy,
};
use ens_emulator::{Emulator, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET};
use std::time::Instant;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000);
    let t = Instant::now();
    let emulator = Emulator::builder()
        .manual_clock()
        .throttling(false)
        .start()
        .await?;
    println!("Emulator::start: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET))
        .retry_policy(RetryPolicy::none())
        // Unpaced: the emulator's throughput is measured, not CreateInstance's 10 calls/s.
        .rate_limits(ens_client::RateLimits::off())
        .build()?;
    emulator.set_stock("cn-beijing-cmcc", "ens.sn1.small", u32::MAX);
    for _ in 0..100 {
        let r = CreateInstanceRequest::builder()
            .instance_type("ens.sn1.small")
            .ens_region_id("cn-beijing-cmcc")
            .period(1)
            .quantity(1)
            .key_pair_name("k")
            .build();
        client.send(r).await?;
    }
    let describe = || DescribeInstancesRequest::builder().page_size(10).build();

    let t = Instant::now();
    for _ in 0..n {
        client.send(describe()).await?;
    }
    let seq = n as f64 / t.elapsed().as_secs_f64();
    println!("DescribeInstances (100 instances, pages of 10), sequential: {seq:.0} calls/s");

    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..n / 8 {
                client
                    .send(describe())
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())?;
            }
            Ok::<(), String>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let par = (n / 8 * 8) as f64 / t.elapsed().as_secs_f64();
    println!("DescribeInstances, 8 concurrent tasks: {par:.0} calls/s");

    let t = Instant::now();
    for _ in 0..n / 5 {
        let r = CreateInstanceRequest::builder()
            .instance_type("ens.sn1.small")
            .ens_region_id("cn-beijing-cmcc")
            .period(1)
            .quantity(1)
            .key_pair_name("k")
            .build();
        client.send(r).await?;
    }
    println!(
        "CreateInstance, sequential: {:.0} calls/s",
        (n / 5) as f64 / t.elapsed().as_secs_f64()
    );
    Ok(())
}
