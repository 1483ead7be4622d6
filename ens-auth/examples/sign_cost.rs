//! Signs a typical CreateInstance request N times, for instruction counts under callgrind,
//! which stay the same from run to run where wall-clock benchmarks on a shared VM do not:
//!
//! ```text
//! cargo build --release -p ens-auth --example sign_cost
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/sign_cost rpc 10000
//! ```
//! (`rpc`, `hmac` — the raw HMAC-SHA1 + base64 over the same string to sign — `acs3`, or
//! `sha256x2` — V3's two SHA-256 passes over the same canonical request, [`acs3::hash_and_mac`];
//! subtract a run with 0 iterations and divide by N.)
//!
//! Callgrind runs the portable SHA code (valgrind hides the CPU's SHA extensions), so the floors
//! weigh more here than in wall time on a machine with those extensions.

#[path = "../benches/common/mod.rs"]
mod common;

use ens_auth::{SigningTime, acs3, rpc_v1};
use std::hint::black_box;

const SECRET: &str = "TestAccessKeySecret0123456789ab";

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "rpc".into());
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let time = SigningTime::from_unix_seconds(1_714_552_200);
    let mut params = rpc_v1::common_params(
        "CreateInstance",
        "2017-11-10",
        "LTAI5tTestAccessKeyId000",
        None,
        time,
        "d4b5f7f0e6c14b4e9a3c2b1a0f9e8d7c",
    );
    params.extend(common::OPERATION.iter().map(|&(k, v)| (k, v.to_owned())));
    let pairs = || params.iter().map(|(k, v)| (*k, v.as_str()));
    let to_sign = rpc_v1::sign("POST", pairs(), SECRET).string_to_sign;
    let headers = acs3::standard_headers(
        "ens.aliyuncs.com",
        "CreateInstance",
        "2017-11-10",
        time,
        "d4b5f7f0e6c14b4e9a3c2b1a0f9e8d7c",
        acs3::EMPTY_PAYLOAD_SHA256,
        None,
    );
    let acs3_sign = || {
        acs3::sign(
            "POST",
            "/",
            pairs().skip(8),
            headers.iter().map(|(k, v)| (*k, v.as_str())),
            b"",
            "LTAI5tTestAccessKeyId000",
            black_box(SECRET),
        )
    };
    let canonical_request = acs3_sign().canonical_request;
    let mut sink = 0usize;
    for _ in 0..n {
        sink += match what.as_str() {
            "rpc" => rpc_v1::sign(black_box("POST"), pairs(), black_box(SECRET))
                .signature
                .len(),
            "hmac" => {
                rpc_v1::hmac_sha1_base64(black_box(SECRET), black_box(to_sign.as_bytes())).len()
            }
            "sha256x2" => acs3::hash_and_mac(black_box(&canonical_request), black_box(SECRET))
                .1
                .len(),
            "acs3" => acs3_sign().signature.len(),
            other => panic!("unknown mode {other}"),
        };
    }
    println!("{sink}");
}
