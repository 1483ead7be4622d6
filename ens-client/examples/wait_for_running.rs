//! Creates instances, then waits until they run: CreateInstance only accepts the request, the
//! instances boot asynchronously.
//!
//! ```text
//! cargo run -p ens-client --example wait_for_running
//! ```
//!
//! Runs against a local ENS (ens-emulator, in-process) whose instances boot in one second.
//! Exits non-zero if anything is not as described.

use std::time::Duration;

use ens_client::types::Password;
use ens_client::{
    Client, CreateInstanceRequest, Credentials, DescribeInstancesRequest, WaitOptions,
};
use ens_emulator::{Emulator, Settle, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET, Timings};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result {
    let boot = Settle::After(Duration::from_secs(1));
    let timings = Timings {
        boot,
        ..Timings::default()
    };
    let emulator = Emulator::builder().timings(timings).start().await?;
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET))
        .build()?;

    let request = CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .period(1)
        .quantity(2)
        .password(Password::new("Edge#2024x")?)
        .build();
    // On failure, an `Error::OutcomeUnknown` says how to check what was created: never send a
    // create again blindly.
    let created = client.send(request).await?;
    println!("created {:?}", created.instance_ids);

    // The spec's waiter: polls DescribeInstances until every instance asked about is Running
    // (and fails at once if one is Expired), pausing 250 ms, then longer, up to 1 s.
    let poll = DescribeInstancesRequest::builder()
        .instance_ids(created.instance_ids.clone())
        .build();
    let options = WaitOptions::default()
        .with_timeout(Duration::from_secs(60))
        .with_delays(Duration::from_millis(250), Duration::from_secs(1));
    let running = client.wait_until_instance_running(poll, &options).await?;
    for instance in &running.instances {
        println!(
            "{} is {}",
            instance.instance_id.as_deref().unwrap_or("?"),
            instance.status.as_ref().map_or("?", |s| s.as_str())
        );
    }
    let running = running
        .instances
        .iter()
        .filter(|i| i.status.as_ref().is_some_and(|s| s.as_str() == "Running"));
    if running.count() != created.instance_ids.len() {
        return Err("not every instance is running".into());
    }
    Ok(())
}
