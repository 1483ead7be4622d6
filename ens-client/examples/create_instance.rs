//! Builds and validates a CreateInstance request, then either prints the signed request (no
//! credentials in the environment: a dry run with placeholder credentials) or sends it.
//!
//! ```text
//! cargo run -p ens-client --example create_instance
//! ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=... \
//!     cargo run -p ens-client --example create_instance
//! ```
//!
//! Sending creates a billed instance. `ENS_REGION_ID`, `ENS_INSTANCE_TYPE` and `ENS_IMAGE_ID`
//! override the defaults below.

use std::process::ExitCode;

use ens_client::credentials::EnvProvider;
use ens_client::credentials::env::ENV_ACCESS_KEY_ID;
use ens_client::{Client, CreateInstanceRequest, Credentials, SdkError, SignatureVersion};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let request = CreateInstanceRequest::builder()
        .instance_type(env_or("ENS_INSTANCE_TYPE", "ens.sn1.stiny"))
        .ens_region_id(env_or("ENS_REGION_ID", "cn-hangzhou-telecom"))
        .period(1)
        .quantity(1)
        .image_id(env_or(
            "ENS_IMAGE_ID",
            "centos_7_08_64_20G_alibase_20200914",
        ))
        .key_pair_name(env_or("ENS_KEY_PAIR_NAME", "my-key-pair"))
        .build();
    if let Err(violations) = request.validate() {
        eprintln!("the request is invalid, nothing was sent:\n{violations}");
        return ExitCode::FAILURE;
    }

    let have_credentials = std::env::var_os(ENV_ACCESS_KEY_ID).is_some();
    let builder = Client::builder().signature_version(SignatureVersion::V3);
    let client = if have_credentials {
        builder.credentials(EnvProvider::new()).build()
    } else {
        // Placeholder credentials: enough to show the request's shape, rejected by the service.
        builder
            .credentials(Credentials::new("LTAI-placeholder", "placeholder-secret"))
            .build()
    };
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            eprintln!("cannot build the client: {e}");
            return ExitCode::FAILURE;
        }
    };

    if !have_credentials {
        println!("{ENV_ACCESS_KEY_ID} is not set: dry run, nothing is sent.\n");
        return match client.dry_run(&request).await {
            Ok(signed) => {
                println!("{signed}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }

    match client.send(request).await {
        Ok(created) => {
            println!(
                "created {:?} (RequestId {}); creation goes on asynchronously: poll DescribeInstances",
                created.instance_ids,
                created.request_id.as_deref().unwrap_or("?")
            );
            ExitCode::SUCCESS
        }
        Err(e @ SdkError::OutcomeUnknown { .. }) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
