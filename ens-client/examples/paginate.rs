//! Every instance, page by page or item by item: the paginators fetch the next page only when
//! the one before is used up.
//!
//! ```text
//! cargo run -p ens-client --example paginate
//! ```
//!
//! Runs against a local ENS (ens-emulator, in-process) holding five instances, with pages of
//! two. Exits non-zero if anything is not as described.

use ens_client::types::Password;
use ens_client::{Client, CreateInstanceRequest, Credentials, DescribeInstancesRequest};
use ens_emulator::{Emulator, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result {
    let emulator = Emulator::start().await?;
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET))
        .build()?;
    let create = CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .period(1)
        .quantity(5)
        .password(Password::new("Edge#2024x")?)
        .build();
    client.send(create).await?;

    let request = || DescribeInstancesRequest::builder().page_size(2).build();
    let mut pages = client.describe_instances_pages(request());
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page?.instances.len());
    }
    println!("pages of {sizes:?}");

    let mut items = client.describe_instances_pages(request()).items();
    let mut ids = Vec::new();
    while let Some(instance) = items.next().await {
        ids.push(instance?.instance_id.unwrap_or_default());
    }
    println!("instances {ids:?}");
    if sizes != [2, 2, 1] || ids.len() != 5 || emulator.count("DescribeInstances") != 6 {
        return Err("the pages are not as described".into());
    }
    Ok(())
}
