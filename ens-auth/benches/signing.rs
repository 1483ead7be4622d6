//! Signing cost of a typical CreateInstance request (20 parameters with the common ones).
//!
//! The floors are the cryptography alone over the same bytes: `rpc_v1/raw_hmac_sha1_base64`
//! (HMAC-SHA1 + base64 over the RPC string to sign) and `acs3/raw_sha256_hmac_hex` (SHA-256 of the
//! canonical request, hex, then HMAC-SHA256 of the string to sign, hex: [`acs3::hash_and_mac`]).
//! The gap between a floor and its `sign` is what canonicalization costs. After criterion, the
//! bench prints each signer's ratio to its floor measured interleaved in one run (what the
//! targets are stated in). Allocations: `cargo run --release -p ens-auth --example sign_allocs`.
//!
//! `cargo bench -p ens-auth --bench signing`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ens_auth::{acs3, rpc_v1};

mod common;
#[path = "common/measure.rs"]
mod measure;
use common::{SECRET, acs3_headers, acs3_sign, rpc_params, rpc_params_client_order, rpc_sign};

fn bench(c: &mut Criterion) {
    let params = rpc_params();
    assert_eq!(params.len(), 20);
    let in_client_order = rpc_params_client_order();
    let string_to_sign = rpc_sign(&params).string_to_sign;
    let headers = acs3_headers();
    let canonical_request = acs3_sign(&headers).canonical_request;
    let hmac = || rpc_v1::hmac_sha1_base64(black_box(SECRET), black_box(string_to_sign.as_bytes()));
    let sha256x2 = || acs3::hash_and_mac(black_box(&canonical_request), black_box(SECRET));

    c.bench_function("rpc_v1/sign", |b| b.iter(|| rpc_sign(&params)));
    c.bench_function("rpc_v1/sign_client_order", |b| {
        b.iter(|| rpc_sign(&in_client_order))
    });
    c.bench_function("rpc_v1/raw_hmac_sha1_base64", |b| b.iter(hmac));
    c.bench_function("rpc_v1/common_params+sign", |b| {
        b.iter(|| rpc_sign(&rpc_params()))
    });

    c.bench_function("acs3/sign", |b| b.iter(|| acs3_sign(&headers)));
    c.bench_function("acs3/raw_sha256_hmac_hex", |b| b.iter(sha256x2));
    c.bench_function("acs3/standard_headers+sign", |b| {
        b.iter(|| acs3_sign(&acs3_headers()))
    });

    measure::ratio(
        "rpc_v1/sign : raw_hmac_sha1_base64",
        || rpc_sign(&params),
        hmac,
    );
    measure::ratio(
        "rpc_v1/sign_client_order : raw_hmac_sha1_base64",
        || rpc_sign(&in_client_order),
        hmac,
    );
    measure::ratio(
        "acs3/sign : raw_sha256_hmac_hex",
        || acs3_sign(&headers),
        sha256x2,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
