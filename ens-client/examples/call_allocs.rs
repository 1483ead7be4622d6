//! Allocations per call of the client's own work for the typical CreateInstance (the call the
//! `call_cost` bench times), counted by a wrapping global allocator:
//!
//! `cargo run --release -p ens-client --example call_allocs`

#![allow(clippy::unwrap_used)]

#[path = "../../ens-auth/benches/common/counting.rs"]
mod counting;
#[path = "../benches/typical/mod.rs"]
mod typical;

use ens_client::SignatureVersion;

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let request = typical::create_instance();
    counting::allocations("call/to_params", 1000, || request.to_params());
    counting::allocations("call/validate", 1000, || request.validate());
    counting::allocations("call/validate+to_params (Client::send)", 1000, || {
        request.validate().unwrap();
        request.to_params()
    });
    for version in [SignatureVersion::V3, SignatureVersion::RpcV1] {
        let client = typical::client(version);
        counting::allocations(&format!("call/dry_run/{version:?}"), 1000, || {
            rt.block_on(client.dry_run(&request)).unwrap()
        });
    }
}
