//! Creates instances and waits until they run: CreateInstance only accepts the request, the
//! instances come up asynchronously.
//!
//! ```text
//! ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=... \
//!     cargo run -p ens-client --example create_and_wait
//! ```
//!
//! Without credentials it only shows the two signed requests it would send (dry run).
//! `ENS_ENDPOINT` points the client elsewhere (a local test server, say).

use ens_client::credentials::EnvProvider;
use ens_client::credentials::env::ENV_ACCESS_KEY_ID;
use ens_client::{
    Client, CreateInstanceRequest, Credentials, DescribeInstancesRequest, WaitOptions,
};
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let request = CreateInstanceRequest::builder()
        .instance_type("ens.sn1.stiny")
        .ens_region_id("cn-hangzhou-telecom")
        .period(1)
        .quantity(2)
        .image_id("centos_7_08_64_20G_alibase_20200914")
        .key_pair_name("my-key-pair")
        .build();

    let live = std::env::var_os(ENV_ACCESS_KEY_ID).is_some();
    let mut builder = Client::builder();
    builder = if live {
        builder.credentials(EnvProvider::new())
    } else {
        builder.credentials(Credentials::new("LTAI-placeholder", "placeholder-secret"))
    };
    if let Ok(endpoint) = std::env::var("ENS_ENDPOINT") {
        builder = builder.endpoint(endpoint);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("cannot build the client: {e}");
            return ExitCode::FAILURE;
        }
    };

    if !live {
        println!("{ENV_ACCESS_KEY_ID} is not set: dry run, nothing is sent.\n");
        let poll = DescribeInstancesRequest::builder()
            .instance_ids(["i-<id from CreateInstance>"])
            .page_size(100)
            .build();
        return match (client.dry_run(&request).await, client.dry_run(&poll).await) {
            (Ok(create), Ok(poll)) => {
                println!("1. create:\n{create}\n\n2. then poll until Running:\n{poll}");
                ExitCode::SUCCESS
            }
            (Err(e), _) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
            (_, Err(e)) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }

    let created = match client.send(request).await {
        Ok(created) => created,
        Err(e) => {
            // An unknown outcome says how to check; never blindly create again.
            eprintln!("CreateInstance failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "accepted, instances {:?}; waiting for Running",
        created.instance_ids
    );
    let options = WaitOptions::default().with_timeout(Duration::from_secs(900));
    match client
        .wait_for_instances(created.instance_ids, "Running", &options)
        .await
    {
        Ok(running) => {
            for instance in running {
                println!("{:?} is running", instance.instance_id);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
