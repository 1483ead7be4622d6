//! A dry run: the exact request a call would send, signed, with its secrets masked, and nothing
//! sent. For reviewing a request (in a log, a change ticket) before sending it.
//!
//! ```text
//! cargo run -p ens-client --example dry_run
//! ```
//!
//! Runs against a local ENS (ens-emulator, in-process). Exits non-zero if anything is not as
//! described.

use ens_client::types::Password;
use ens_client::{CallOptions, Client, CreateInstanceRequest, Credentials, SignatureVersion};
use ens_emulator::{Emulator, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const PASSWORD: &str = "Edge#2024x";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result {
    let emulator = Emulator::start().await?;
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET))
        .build()?;
    let request = CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .period(1)
        .quantity(1)
        .password(Password::new(PASSWORD)?)
        .build();

    // Validated and signed as the call would be (an invalid request is refused here too).
    let signed = client.dry_run(&request).await?;
    println!("{signed}\n");
    // With the signature a view would use. Display masks secrets; the accessors (`url()`,
    // `headers()`, `body()`) hold the real values, to send the request yourself.
    let rpc = client.with_options(CallOptions::new().signature_version(SignatureVersion::RpcV1));
    let classic = rpc.dry_run(&request).await?.to_string();
    println!("RPC 1.0: {}\n", classic.lines().next().unwrap_or_default());

    let shown = format!("{signed}{classic}");
    if shown.contains(PASSWORD) || shown.contains(&PASSWORD.replace('#', "%23")) {
        return Err("the password shows in the dry run".into());
    }
    if emulator.count("CreateInstance") != 0 {
        return Err("a dry run sent something".into());
    }
    // Reviewed: send it.
    let created = client.send(request).await?;
    println!("sent: created {:?}", created.instance_ids);
    Ok(())
}
