//! Allocations per signature of the typical CreateInstance request (the one the `signing` bench
//! times), counted by a wrapping global allocator:
//!
//! `cargo run --release -p ens-auth --example sign_allocs`

#[path = "../benches/common/mod.rs"]
mod common;
#[path = "../benches/common/counting.rs"]
mod counting;

use common::{acs3_headers, acs3_sign, rpc_params, rpc_sign};

fn main() {
    let params = rpc_params();
    let headers = acs3_headers();
    counting::allocations("rpc_v1/sign", 1000, || rpc_sign(&params));
    counting::allocations(
        "rpc_v1/common_params+sign",
        1000,
        || rpc_sign(&rpc_params()),
    );
    counting::allocations("acs3/sign", 1000, || acs3_sign(&headers));
    counting::allocations("acs3/standard_headers+sign", 1000, || {
        acs3_sign(&acs3_headers())
    });
}
