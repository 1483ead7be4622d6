//! Credentials from an aliyun CLI profile, through the default chain Alibaba's tools use.
//!
//! ```text
//! cargo run -p ens-client --example profile_credentials
//! ```
//!
//! Writes a `config.json` with two profiles into a temporary home directory (yours is
//! `~/.aliyun/config.json`), selects one with `ALIBABA_CLOUD_PROFILE`, and calls a local ENS
//! (ens-emulator, in-process) with it. A profile that does not exist gives an error listing what
//! each source of the chain found. Exits non-zero if anything is not as described.

use ens_client::credentials::env::{ENV_ECS_METADATA_DISABLED, ENV_PROFILE};
use ens_client::credentials::{DefaultChain, Env};
use ens_client::{Client, DescribeInstancesRequest, SdkError};
use ens_emulator::{Emulator, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result {
    let emulator = Emulator::start().await?;
    let home = std::env::temp_dir().join(format!("ens-example-home-{}", std::process::id()));
    std::fs::create_dir_all(home.join(".aliyun"))?;
    let config = serde_json::json!({
        "current": "default",
        "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "LTAI-someone-else", "access_key_secret": "x"},
            {"name": "ens-dev", "mode": "AK", "region_id": "cn-hangzhou",
             "access_key_id": TEST_ACCESS_KEY_ID, "access_key_secret": TEST_ACCESS_KEY_SECRET}
        ]
    });
    std::fs::write(home.join(".aliyun/config.json"), config.to_string())?;
    let result = run(&emulator, &home).await;
    std::fs::remove_dir_all(&home)?;
    result
}

async fn run(emulator: &Emulator, home: &std::path::Path) -> Result {
    // In an application: `DefaultChain::builder().build()` reads the process environment and
    // `~/.aliyun/config.json` (or `.config_file(path)`). Here both are given explicitly; the
    // metadata service is off, as it is anywhere but on ECS.
    let chain = |profile: &str| {
        let env = Env::from_vars([(ENV_PROFILE, profile), (ENV_ECS_METADATA_DISABLED, "true")]);
        DefaultChain::builder()
            .env(env)
            .home_dir(Some(home.to_path_buf()))
            .build()
    };
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(chain("ens-dev"))
        .build()?;
    let page = client
        .send(DescribeInstancesRequest::builder().build())
        .await?;
    println!(
        "profile ens-dev: {} instances",
        page.total_count.unwrap_or_default()
    );

    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(chain("ens-prod"))
        .build()?;
    match client
        .send(DescribeInstancesRequest::builder().build())
        .await
    {
        Err(e @ SdkError::Credentials { .. }) => println!("profile ens-prod: {e}"),
        other => return Err(format!("expected a credentials error, got {other:?}").into()),
    }
    if emulator.count("DescribeInstances") != 1 {
        return Err("the call without credentials reached the service".into());
    }
    Ok(())
}
