//! Helpers for the emulator's tests: ens-client pointed at an emulator, and a raw HTTP client
//! for what ens-client would never send (invalid or unsigned requests, wire-level faults).
#![allow(dead_code, clippy::unwrap_used)]

use ens_auth::{SigningTime, rpc_v1};
use ens_client::{Client, ClientBuilder, Credentials, RateLimits, RetryPolicy, SignatureVersion};
use ens_emulator::{Emulator, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A password every create request carries.
pub const PASSWORD: &str = "Edge#2024x";

/// A client builder aimed at `emulator` with the test key pair. Unpaced: the emulator's own
/// rate limits are under test here, not the client's.
pub fn builder(emulator: &Emulator) -> ClientBuilder {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET))
        .rate_limits(RateLimits::off())
}

/// A client that never retries, so each call is one request.
pub fn once(emulator: &Emulator) -> Client {
    builder(emulator)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// An ens-client client for `emulator`, signing with `version`, fast retries.
pub fn client_with(emulator: &Emulator, version: SignatureVersion) -> Client {
    builder(emulator)
        .signature_version(version)
        .retry_policy(
            RetryPolicy::new(4)
                .with_base_delay(Duration::from_millis(5))
                .with_max_delay(Duration::from_millis(20)),
        )
        .read_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// An ens-client client for `emulator` with the default signature (V3).
pub fn client(emulator: &Emulator) -> Client {
    client_with(emulator, SignatureVersion::V3)
}

/// A valid CreateInstance request.
pub fn create(
    region: &str,
    instance_type: &str,
    quantity: i64,
) -> ens_client::CreateInstanceRequest {
    ens_client::CreateInstanceRequest::builder()
        .instance_type(instance_type)
        .ens_region_id(region)
        .period(1)
        .quantity(quantity)
        .password(ens_client::types::Password::new(PASSWORD).unwrap())
        .build()
}

/// An answer read off the wire.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Raw {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn code(&self) -> String {
        self.json()["Code"].as_str().unwrap_or_default().to_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request on a fresh connection and reads the answer to the end.
pub async fn raw(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Raw> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut bytes)).await??;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("no complete answer: {text:?}"),
        )
    })?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Ok(Raw {
        status,
        headers,
        body: body.to_owned(),
    })
}

static NONCE: AtomicU64 = AtomicU64::new(1);

/// A fresh nonce for raw requests.
pub fn nonce() -> String {
    format!(
        "raw-nonce-{}-{}",
        std::process::id(),
        NONCE.fetch_add(1, Ordering::Relaxed)
    )
}

/// The query of an RPC 1.0 request signed with the test pair: `params` plus the common ones.
pub fn signed_query(action: &str, params: &[(&str, &str)]) -> String {
    signed_query_with(
        action,
        params,
        &[],
        TEST_ACCESS_KEY_ID,
        TEST_ACCESS_KEY_SECRET,
        &nonce(),
        SigningTime::now(),
    )
}

/// The same with every input chosen, and `form` pairs that go in the body but are signed too.
pub fn signed_query_with(
    action: &str,
    params: &[(&str, &str)],
    form: &[(&str, &str)],
    key: &str,
    secret: &str,
    nonce: &str,
    time: SigningTime,
) -> String {
    let mut all: Vec<(String, String)> =
        rpc_v1::common_params(action, "2017-11-10", key, None, time, nonce)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
    all.extend(
        params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let mut signed: Vec<(String, String)> = all.clone();
    signed.extend(form.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let sig = rpc_v1::sign("POST", signed, secret);
    let query = rpc_v1::sign("POST", all, secret).canonicalized_query;
    format!(
        "{query}&Signature={}",
        ens_auth::encode::encode(&sig.signature)
    )
}

/// POSTs a signed RPC 1.0 request with every parameter in the query; JSON answer.
pub async fn call(emulator: &Emulator, action: &str, params: &[(&str, &str)]) -> Raw {
    call_at(emulator.addr(), action, params).await
}

/// The same against any address.
pub async fn call_at(addr: SocketAddr, action: &str, params: &[(&str, &str)]) -> Raw {
    let target = format!("/?{}", signed_query(action, params));
    raw(addr, "POST", &target, &[], b"").await.unwrap()
}

/// GET or POST on the control API.
pub async fn control(emulator: &Emulator, method: &str, path: &str, body: &str) -> Raw {
    raw(
        emulator.addr(),
        method,
        &format!("/_emulator/{path}"),
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .await
    .unwrap()
}

/// One helper per operation that takes just `InstanceId` (a fluent call).
macro_rules! by_instance_id {
    ($($name:ident => $method:ident($response:ident, $error:ident);)*) => {$(
        #[doc = concat!("Calls `", stringify!($method), "` on instance `id`.")]
        pub async fn $name(c: &Client, id: &str) -> Result<ens_client::$response, ens_client::SdkError<ens_client::$error>> {
            c.$method().instance_id(id).send().await
        }
    )*};
}

by_instance_id! {
    stop => stop_instance(StopInstanceResponse, StopInstanceError);
    start => start_instance(StartInstanceResponse, StartInstanceError);
    reboot => reboot_instance(RebootInstanceResponse, RebootInstanceError);
    release_pre_paid => release_pre_paid_instance(ReleasePrePaidInstanceResponse, ReleasePrePaidInstanceError);
    release_post_paid => release_post_paid_instance(ReleasePostPaidInstanceResponse, ReleasePostPaidInstanceError);
}
