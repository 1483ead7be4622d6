//! Signs a typical CreateInstance request N times, for instruction counts under callgrind,
//! which stay the same from run to run where wall-clock benchmarks on a shared VM do not:
//!
//! ```text
//! cargo build --release -p ens-auth --example sign_cost
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/sign_cost rpc 10000
//! ```
//! (`rpc`, `rpc_client_order` — the same parameters in the order the client passes them —
//! `hmac` — the raw HMAC-SHA1 + base64 over the same string to sign — `acs3`, or
//! `sha256x2` — V3's two SHA-256 passes over the same canonical request, [`acs3::hash_and_mac`];
//! subtract a run with 0 iterations and divide by N.)
//!
//! Callgrind runs the portable SHA code (valgrind hides the CPU's SHA extensions), so the floors
//! weigh more here than in wall time on a machine with those extensions.

#[path = "../benches/common/mod.rs"]
mod common;

use common::{SECRET, acs3_headers, acs3_sign, rpc_params, rpc_params_client_order, rpc_sign};
use ens_auth::{acs3, rpc_v1};
use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "rpc".into());
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let params = rpc_params();
    let in_client_order = rpc_params_client_order();
    let headers = acs3_headers();
    let to_sign = rpc_sign(&params).string_to_sign;
    let canonical_request = acs3_sign(&headers).canonical_request;
    let mut sink = 0usize;
    for _ in 0..n {
        sink += match what.as_str() {
            "rpc" => rpc_sign(&params).signature.len(),
            "rpc_client_order" => rpc_sign(&in_client_order).signature.len(),
            "hmac" => {
                rpc_v1::hmac_sha1_base64(black_box(SECRET), black_box(to_sign.as_bytes())).len()
            }
            "acs3" => acs3_sign(&headers).signature.len(),
            "sha256x2" => acs3::hash_and_mac(black_box(&canonical_request), black_box(SECRET))
                .1
                .len(),
            other => panic!("unknown mode {other}"),
        };
    }
    println!("{sink}");
}
