//! Signing cost of a typical CreateInstance request (20 parameters with the common ones).
//!
//! `rpc_v1/raw_hmac_sha1_base64` is the floor: the MAC over the same string to sign. The gap
//! between it and `rpc_v1/sign` is what canonicalization costs.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ens_auth::{SigningTime, acs3, rpc_v1};

const SECRET: &str = "TestAccessKeySecret0123456789ab";
const ACCESS_KEY_ID: &str = "LTAI5tTestAccessKeyId000";
const NONCE: &str = "d4b5f7f0e6c14b4e9a3c2b1a0f9e8d7c";

mod common;
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

fn bench(c: &mut Criterion) {
    let params = rpc_params();
    assert_eq!(params.len(), 20);
    let string_to_sign =
        rpc_v1::sign("POST", params.iter().map(|(k, v)| (*k, v.as_str())), SECRET).string_to_sign;

    c.bench_function("rpc_v1/sign", |b| {
        b.iter(|| {
            rpc_v1::sign(
                black_box("POST"),
                black_box(&params).iter().map(|(k, v)| (*k, v.as_str())),
                black_box(SECRET),
            )
        })
    });
    c.bench_function("rpc_v1/raw_hmac_sha1_base64", |b| {
        b.iter(|| rpc_v1::hmac_sha1_base64(black_box(SECRET), black_box(string_to_sign.as_bytes())))
    });
    c.bench_function("rpc_v1/common_params+sign", |b| {
        b.iter(|| {
            let params = rpc_params();
            rpc_v1::sign("POST", params.iter().map(|(k, v)| (*k, v.as_str())), SECRET)
        })
    });

    let headers = acs3_headers();
    c.bench_function("acs3/sign", |b| {
        b.iter(|| {
            acs3::sign(
                black_box("POST"),
                "/",
                black_box(OPERATION).iter().copied(),
                black_box(&headers).iter().map(|(k, v)| (*k, v.as_str())),
                b"",
                ACCESS_KEY_ID,
                SECRET,
            )
        })
    });
    c.bench_function("acs3/standard_headers+sign", |b| {
        b.iter(|| {
            let headers = acs3_headers();
            acs3::sign(
                "POST",
                "/",
                black_box(OPERATION).iter().copied(),
                headers.iter().map(|(k, v)| (*k, v.as_str())),
                b"",
                ACCESS_KEY_ID,
                SECRET,
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
