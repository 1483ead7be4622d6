//! The main job, with no account and no network: start a local ENS in-process, then create an
//! instance with ens-client, wait until it runs, describe it, stop it and release it.
//!
//! ```text
//! cargo run -p ens-emulator --example quickstart
//! ```
//!
//! Against Alibaba Cloud the same client code only needs another endpoint and real credentials.

use ens_client::types::Password;
use ens_client::{
    Client, CreateInstanceRequest, Credentials, DescribeInstancesRequest,
    ReleasePrePaidInstanceRequest, StopInstanceRequest, WaitOptions,
};
use ens_emulator::{Emulator, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET};
use std::time::{Duration, Instant};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let emulator = Emulator::start().await?; // a free port on 127.0.0.1, stopped on drop
    println!(
        "0. local ENS at {} (test key {TEST_ACCESS_KEY_ID})",
        emulator.endpoint()
    );

    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET))
        .build()?;

    let request = CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .period(1)
        .quantity(1)
        .password(Password::new("Edge#2024x")?)
        .build();
    let created = client.send(request).await?;
    let id = created.instance_ids[0].clone();
    println!(
        "1. created {id} (RequestId {})",
        created.request_id.unwrap_or_default()
    );

    let options =
        WaitOptions::default().with_delays(Duration::from_millis(500), Duration::from_secs(1));
    client
        .wait_for_instances([id.clone()], "Running", &options)
        .await?;
    println!(
        "2. {id} is Running after {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let described = client
        .send(DescribeInstancesRequest::builder().instance_id(&id).build())
        .await?;
    for i in &described.instances {
        println!(
            "3. described: {} in {} ({}, {} vCPU, {} MiB), private IP {}",
            i.instance_id.as_deref().unwrap_or("?"),
            i.ens_region_id.as_deref().unwrap_or("?"),
            i.spec_name.as_deref().unwrap_or("?"),
            i.cpu.as_deref().unwrap_or("?"),
            i.memory.unwrap_or_default(),
            i.inner_ip_address.first().map_or("?", String::as_str),
        );
    }

    client
        .send(StopInstanceRequest::builder().instance_id(&id).build())
        .await?;
    client
        .wait_for_instances([id.clone()], "Stopped", &options)
        .await?;
    println!("4. {id} is Stopped");

    client
        .send(
            ReleasePrePaidInstanceRequest::builder()
                .instance_id(&id)
                .build(),
        )
        .await?;
    let left = client
        .send(DescribeInstancesRequest::builder().build())
        .await?;
    println!(
        "5. released {id}; {} instance(s) left; {} requests in {:.1} s",
        left.total_count.unwrap_or_default(),
        emulator.counts().values().map(|c| c.total).sum::<u64>(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
