//! The client's own work for one typical CreateInstance call, N times, for instruction counts
//! under callgrind (repeatable where wall time on a shared machine is not):
//!
//! ```text
//! cargo build --release -p ens-client --example call_cost
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/call_cost dry_run_v3 2000
//! ```
//! Modes: `to_params`, `validate`, `send_prep` (what `Client::send` does before signing:
//! validate, then the params), `dry_run_v3`, `dry_run_rpc` (validate, params, credentials,
//! nonce, clock, sign, URL, headers). Subtract a run with 0 iterations and divide by N.

#[path = "../benches/typical/mod.rs"]
mod typical;

use std::hint::black_box;

use ens_client::SignatureVersion;

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "dry_run_v3".into());
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let request = typical::create_instance();
    let version = match what.as_str() {
        "dry_run_rpc" => SignatureVersion::RpcV1,
        _ => SignatureVersion::V3,
    };
    let client = typical::client(version);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let mut sink = 0usize;
    rt.block_on(async {
        for _ in 0..n {
            let request = black_box(&request);
            sink += match what.as_str() {
                "to_params" => request.to_params().len(),
                "validate" => usize::from(request.validate().is_ok()),
                "send_prep" => {
                    request.validate().expect("valid");
                    request.to_params().len()
                }
                "dry_run_v3" | "dry_run_rpc" => {
                    let signed = client.dry_run(request).await.expect("signs");
                    signed.url().len()
                }
                other => panic!("unknown mode {other}"),
            };
        }
    });
    println!("{sink}");
}
