//! Signing cost of a typical CreateInstance request (20 parameters with the common ones).
//!
//! The floors are the cryptography alone over the same bytes: `rpc_v1/raw_hmac_sha1_base64`
//! (HMAC-SHA1 + base64 over the RPC string to sign) and `acs3/raw_sha256_hmac_hex` (SHA-256 of the
//! canonical request, hex, then HMAC-SHA256 of the string to sign, hex: [`acs3::hash_and_mac`]).
//! The gap between a floor and its `sign` is what canonicalization costs. After criterion, the
//! bench prints each signer's ratio to its floor measured interleaved in one run (what the
//! targets are stated in), and allocations per signature.
//!
//! `cargo bench -p ens-auth --bench signing`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ens_auth::{SigningTime, acs3, rpc_v1};

const SECRET: &str = "TestAccessKeySecret0123456789ab";
const ACCESS_KEY_ID: &str = "LTAI5tTestAccessKeyId000";
const NONCE: &str = "d4b5f7f0e6c14b4e9a3c2b1a0f9e8d7c";

mod common;
#[path = "common/measure.rs"]
mod measure;
use common::OPERATION;

fn time() -> SigningTime {
    SigningTime::from_unix_seconds(1_714_552_200)
}

fn rpc_params() -> Vec<(&'static str, String)> {
    let mut params = rpc_v1::common_params(
        "CreateInstance",
        "2017-11-10",
        ACCESS_KEY_ID,
        None,
        time(),
        NONCE,
    );
    params.extend(OPERATION.iter().map(|&(k, v)| (k, v.to_owned())));
    params
}

fn acs3_headers() -> Vec<(&'static str, String)> {
    let mut headers = acs3::standard_headers(
        "ens.aliyuncs.com",
        "CreateInstance",
        "2017-11-10",
        time(),
        NONCE,
        acs3::EMPTY_PAYLOAD_SHA256,
        None,
    );
    headers.push(("user-agent", "ens-rs/0.1.0".to_owned()));
    headers.push(("accept", "application/json".to_owned()));
    headers
}

fn rpc_sign(params: &[(&'static str, String)]) -> rpc_v1::RpcSignature {
    rpc_v1::sign(
        black_box("POST"),
        black_box(params).iter().map(|(k, v)| (*k, v.as_str())),
        black_box(SECRET),
    )
}

fn acs3_sign(headers: &[(&'static str, String)]) -> acs3::Acs3Signature {
    acs3::sign(
        black_box("POST"),
        "/",
        black_box(OPERATION).iter().copied(),
        black_box(headers).iter().map(|(k, v)| (*k, v.as_str())),
        b"",
        ACCESS_KEY_ID,
        black_box(SECRET),
    )
}

fn bench(c: &mut Criterion) {
    let params = rpc_params();
    assert_eq!(params.len(), 20);
    let string_to_sign = rpc_sign(&params).string_to_sign;
    let headers = acs3_headers();
    let canonical_request = acs3_sign(&headers).canonical_request;

    c.bench_function("rpc_v1/sign", |b| b.iter(|| rpc_sign(&params)));
    c.bench_function("rpc_v1/raw_hmac_sha1_base64", |b| {
        b.iter(|| rpc_v1::hmac_sha1_base64(black_box(SECRET), black_box(string_to_sign.as_bytes())))
    });
    c.bench_function("rpc_v1/common_params+sign", |b| {
        b.iter(|| rpc_sign(&rpc_params()))
    });

    c.bench_function("acs3/sign", |b| b.iter(|| acs3_sign(&headers)));
    c.bench_function("acs3/raw_sha256_hmac_hex", |b| {
        b.iter(|| acs3::hash_and_mac(black_box(&canonical_request), black_box(SECRET)))
    });
    c.bench_function("acs3/standard_headers+sign", |b| {
        b.iter(|| acs3_sign(&acs3_headers()))
    });

    measure::ratio(
        "rpc_v1/sign : raw_hmac_sha1_base64",
        || rpc_sign(&params),
        || rpc_v1::hmac_sha1_base64(black_box(SECRET), black_box(string_to_sign.as_bytes())),
    );
    measure::ratio(
        "acs3/sign : raw_sha256_hmac_hex",
        || acs3_sign(&headers),
        || acs3::hash_and_mac(black_box(&canonical_request), black_box(SECRET)),
    );
    measure::allocations("rpc_v1/sign", 1000, || rpc_sign(&params));
    measure::allocations(
        "rpc_v1/common_params+sign",
        1000,
        || rpc_sign(&rpc_params()),
    );
    measure::allocations("acs3/sign", 1000, || acs3_sign(&headers));
    measure::allocations("acs3/standard_headers+sign", 1000, || {
        acs3_sign(&acs3_headers())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
