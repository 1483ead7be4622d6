//! The typical CreateInstance request that the criterion bench, the callgrind driver
//! (`examples/sign_cost.rs`) and the allocation counter (`examples/sign_allocs.rs`) sign, so their
//! figures describe the same work.
#![allow(dead_code)]

use ens_auth::{SigningTime, acs3, rpc_v1};

pub const SECRET: &str = "TestAccessKeySecret0123456789ab";
pub const ACCESS_KEY_ID: &str = "LTAI5tTestAccessKeyId000";
pub const NONCE: &str = "d4b5f7f0e6c14b4e9a3c2b1a0f9e8d7c";

/// The operation's own parameters (what goes in the query for both signature versions); with
/// the 8 common ones, 20 signed parameters.
pub const OPERATION: &[(&str, &str)] = &[
    ("EnsRegionId", "cn-hangzhou-telecom"),
    ("InstanceType", "ens.sn1.stiny"),
    ("ImageId", "centos_7_9_x64_20G_alibase_20230718"),
    ("PaymentType", "Subscription"),
    ("InternetChargeType", "BandwidthByDay"),
    ("Period", "1"),
    ("Quantity", "1"),
    ("InstanceName", "web-01"),
    ("Password", "Abc12345!"),
    ("SystemDisk.Size", "40"),
    ("DataDisk.1.Size", "100"),
    ("RegionId", "cn-hangzhou"),
];

pub fn time() -> SigningTime {
    SigningTime::from_unix_seconds(1_714_552_200)
}

/// The 20 RPC 1.0 parameters in no particular order: the common ones (in the order this
/// benchmark has always used, whatever order `common_params` returns), then the operation's as
/// listed in [`OPERATION`].
pub fn rpc_params() -> Vec<(&'static str, String)> {
    const ORDER: [&str; 8] = [
        "Action",
        "Version",
        "Format",
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
    ];
    let mut params = rpc_v1::common_params(
        "CreateInstance",
        "2017-11-10",
        ACCESS_KEY_ID,
        None,
        time(),
        NONCE,
    );
    params.sort_by_key(|(k, _)| ORDER.iter().position(|o| o == k));
    params.extend(OPERATION.iter().map(|&(k, v)| (k, v.to_owned())));
    params
}

/// The same parameters in the order the client passes them to the signer: the operation's in
/// name order (as `Params` holds them), then the common ones in name order.
pub fn rpc_params_client_order() -> Vec<(&'static str, String)> {
    let mut params = rpc_params();
    let (mut common, mut operation): (Vec<_>, Vec<_>) = params
        .drain(..)
        .partition(|(k, _)| !OPERATION.iter().any(|(o, _)| o == k));
    operation.sort();
    common.sort();
    operation.extend(common);
    operation
}

/// The headers the client signs with V3.
pub fn acs3_headers() -> Vec<(&'static str, String)> {
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

/// RPC 1.0 over `params`.
pub fn rpc_sign(params: &[(&'static str, String)]) -> rpc_v1::RpcSignature {
    rpc_v1::sign(
        std::hint::black_box("POST"),
        std::hint::black_box(params)
            .iter()
            .map(|(k, v)| (*k, v.as_str())),
        std::hint::black_box(SECRET),
    )
}

/// V3 over the operation's parameters and `headers`.
pub fn acs3_sign(headers: &[(&'static str, String)]) -> acs3::Acs3Signature {
    acs3::sign(
        std::hint::black_box("POST"),
        "/",
        std::hint::black_box(OPERATION).iter().copied(),
        std::hint::black_box(headers)
            .iter()
            .map(|(k, v)| (*k, v.as_str())),
        b"",
        ACCESS_KEY_ID,
        std::hint::black_box(SECRET),
    )
}
