//! The client's tests run against ens-emulator, the project's local ENS: it verifies every
//! signature as the service does, carries requests out on its state, and injects the faults and
//! canned answers a test scripts (before acting: the request did nothing; after acting: it was
//! carried out and its answer is spoiled). Requests are captured as they arrived, so tests check
//! the wire too.
#![allow(dead_code, unused_imports, clippy::unwrap_used)]

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use ens_client::{ClientBuilder, Credentials, RetryPolicy, SignatureVersion};
pub use ens_emulator::{
    AccessKey, CapturedRequest, Effect, Emulator, EmulatorBuilder, Fault, IdleClose, RequestRecord,
};

/// The AccessKeyId the emulator accepts.
pub const ACCESS_KEY_ID: &str = "LTAI5tTestAccessKeyId";
/// The secret the emulator verifies with; tests assert it never appears in any output.
pub const SECRET: &str = "FAKE-SECRET-never-print-7f3a";
/// An AccessKeyId of STS credentials, which carry [`TOKEN`].
pub const STS_KEY_ID: &str = "STS.TestAccessKeyId";
/// An STS token; must never appear in any output either.
pub const TOKEN: &str = "FAKE-STS-TOKEN-never-print-91c2";

/// The instance password the requests carry; it must never show in output either.
pub const PASSWORD: &str = "Instance-Pa55word!";

/// Where the test requests create instances, and of which type (in the emulator's catalog).
pub const REGION: &str = "cn-hangzhou-telecom";
pub const INSTANCE_TYPE: &str = "ens.sn1.stiny";

/// An emulator for the client's tests: the test keys, a frozen resource clock, no rate limits
/// (tests script throttling themselves), every request captured, and stock for thousands of
/// instances.
pub fn emulator() -> EmulatorBuilder {
    Emulator::builder()
        .access_key(AccessKey::new(ACCESS_KEY_ID, SECRET))
        .access_key(AccessKey::new(STS_KEY_ID, SECRET).with_security_token(TOKEN))
        .manual_clock()
        .throttling(false)
        .capture_requests()
}

/// Starts [`emulator`] with the test stock.
pub async fn start(builder: EmulatorBuilder) -> Emulator {
    let emu = builder.start().await.unwrap();
    emu.set_stock(REGION, INSTANCE_TYPE, 100_000);
    emu
}

/// Starts the default test emulator.
pub async fn emulator_started() -> Emulator {
    start(emulator()).await
}

/// STS credentials with [`TOKEN`].
pub fn sts_credentials() -> Credentials {
    Credentials::new(STS_KEY_ID, SECRET).with_security_token(TOKEN)
}

/// A valid CreateInstance request with a password, as the end-to-end tests send it.
pub fn create_request() -> ens_client::CreateInstanceRequest {
    ens_client::CreateInstanceRequest::builder()
        .instance_type(INSTANCE_TYPE)
        .ens_region_id(REGION)
        .period(1)
        .quantity(2)
        .image_id("centos_7_08_64_20G_alibase_20200914")
        .password(ens_client::types::Password::new(PASSWORD).unwrap())
        .build()
}

/// A CreateInstance request whose `InstanceName` names the logical call, so that each arrival
/// of the call can be told apart in the emulator's log.
pub fn named_create_request(name: &str) -> ens_client::CreateInstanceRequest {
    let mut request = create_request();
    request.quantity = 1;
    request.instance_name = Some(ens_client::types::InstanceName::new(name).unwrap());
    request
}

/// A read-only request (the emulator carries DescribeInstances out).
pub fn describe_request() -> ens_client::DescribeInstancesRequest {
    ens_client::DescribeInstancesRequest::builder().build()
}

/// Runs `f` once per signature version, so every end-to-end case covers both.
pub const SIGNATURES: [SignatureVersion; 2] = [SignatureVersion::V3, SignatureVersion::RpcV1];

/// A client for `emu` with the test credentials, quick retries and a short read timeout.
pub fn client(emu: &Emulator, version: SignatureVersion) -> ClientBuilder {
    ens_client::Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(ACCESS_KEY_ID, SECRET))
        .signature_version(version)
        .read_timeout(Duration::from_secs(5))
        .retry_policy(
            RetryPolicy::new(3)
                .with_base_delay(Duration::from_millis(5))
                .with_max_delay(Duration::from_millis(20)),
        )
}

/// Every request of `action` that reached the emulator, as it arrived.
pub fn received(emu: &Emulator, action: &str) -> Vec<Arc<CapturedRequest>> {
    emu.captured()
        .into_iter()
        .filter(|r| r.action().as_deref() == Some(action))
        .collect()
}

/// The RequestIds the emulator gave, in order.
pub fn request_ids(emu: &Emulator) -> Vec<String> {
    emu.requests().into_iter().map(|r| r.request_id).collect()
}

/// A canned answer: given before the request is acted on (it does nothing), after an optional
/// delay.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub content_type: &'static str,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            content_type: "application/json;charset=utf-8",
            delay: Duration::ZERO,
        }
    }

    pub fn ok(body: impl Into<String>) -> Self {
        Self::json(200, body)
    }

    /// An ENS error body.
    pub fn error(status: u16, code: &str, message: &str, request_id: &str) -> Self {
        Self::json(
            status,
            format!(
                r#"{{"RequestId":{},"HostId":"ens.aliyuncs.com","Code":{},"Message":{},"Recommend":"https://api.aliyun.com/troubleshoot?q={}"}}"#,
                quote(request_id),
                quote(code),
                quote(message),
                code
            ),
        )
    }

    pub fn html(status: u16, body: impl Into<String>) -> Self {
        Self {
            content_type: "text/html",
            ..Self::json(status, body)
        }
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    fn effect(self) -> Effect {
        Effect::Respond {
            status: self.status,
            body: self.body,
            content_type: Some(self.content_type.to_owned()),
            delay_ms: u64::try_from(self.delay.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// Answers the `n`-th request of `action` (1-based) with `reply`.
pub fn answer_nth(emu: &Emulator, action: &str, n: u64, reply: Reply) {
    emu.add_fault(Fault::new(reply.effect()).on(action).nth(n));
}

/// Answers requests 1, 2, ... of `action` with `replies`, in order; later ones are carried out.
pub fn answer_in_turn(emu: &Emulator, action: &str, replies: impl IntoIterator<Item = Reply>) {
    for (n, reply) in replies.into_iter().enumerate() {
        answer_nth(emu, action, n as u64 + 1, reply);
    }
}

/// Answers every request of `action` with `reply`.
pub fn answer_always(emu: &Emulator, action: &str, reply: Reply) {
    emu.add_fault(Fault::new(reply.effect()).on(action));
}

/// Spoils the answer of the `n`-th request of `action` (after acting) with `effect`.
pub fn spoil_nth(emu: &Emulator, action: &str, n: u64, effect: Effect) {
    emu.add_fault(Fault::new(effect).on(action).nth(n));
}

/// DescribeInstances listing `(id, status)` pairs.
pub fn instances(list: &[(&str, &str)]) -> Reply {
    let items: Vec<String> = list
        .iter()
        .map(|(id, status)| format!(r#"{{"InstanceId":"{id}","Status":"{status}"}}"#))
        .collect();
    Reply::ok(format!(
        r#"{{"RequestId":"R","Code":0,"TotalCount":{},"Instances":{{"Instance":[{}]}}}}"#,
        list.len(),
        items.join(",")
    ))
}

/// A CreateInstance success listing `ids`, canned.
pub fn created(request_id: &str, ids: &[&str]) -> Reply {
    let ids: Vec<String> = ids.iter().map(|id| quote(id)).collect();
    Reply::ok(format!(
        r#"{{"RequestId":{},"InstanceIds":{{"InstanceId":[{}]}},"Code":"0"}}"#,
        quote(request_id),
        ids.join(",")
    ))
}

/// A JSON string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Fails if the fake secret or token shows in `text`.
#[track_caller]
pub fn assert_no_secret(text: &str) {
    assert!(
        !text.contains(SECRET),
        "the AccessKey secret leaked: {text}"
    );
    assert!(!text.contains(TOKEN), "the STS token leaked: {text}");
}
