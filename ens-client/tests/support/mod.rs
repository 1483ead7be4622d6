//! A local stand-in for the ENS endpoint: a minimal HTTP/1.1 server on 127.0.0.1 that checks the
//! signature of every request the way the service does (recomputing it from what it received,
//! RPC 1.0 or V3), counts requests, remembers nonces, and answers from a script.
//!
//! Each server lives at most [`LIFETIME`] and stops when dropped, so a hung test cannot leave it
//! behind.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ens_client::auth::{acs3, rpc_v1};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The AccessKeyId the server accepts.
pub const ACCESS_KEY_ID: &str = "LTAI5tTestAccessKeyId";
/// The secret the server verifies with; tests assert it never appears in any output.
pub const SECRET: &str = "FAKE-SECRET-never-print-7f3a";
/// An STS token; must never appear in any output either.
pub const TOKEN: &str = "FAKE-STS-TOKEN-never-print-91c2";

/// The instance password the requests carry; it must never show in output either.
pub const PASSWORD: &str = "Instance-Pa55word!";

/// A valid CreateInstance request with a password, as the end-to-end tests send it.
pub fn create_request() -> ens_client::CreateInstanceRequest {
    ens_client::CreateInstanceRequest::builder()
        .instance_type("ens.sn1.stiny")
        .ens_region_id("cn-hangzhou-telecom")
        .period(1)
        .quantity(2)
        .image_id("centos_7_08_64_20G_alibase_20200914")
        .password(ens_client::types::Password::new(PASSWORD).unwrap())
        .build()
}
/// How long a server lives at most.
pub const LIFETIME: Duration = Duration::from_secs(60);

/// What the server answers to one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub content_type: &'static str,
    /// Wait this long before answering (to provoke client read timeouts).
    pub delay: Duration,
    /// Close the connection instead of answering (a reset after the request was received).
    pub hang_up: bool,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            content_type: "application/json;charset=utf-8",
            delay: Duration::ZERO,
            hang_up: false,
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

    /// Reads the request, then closes the connection without a word.
    pub fn hang_up() -> Self {
        Self {
            hang_up: true,
            ..Self::json(200, "")
        }
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
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

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// The raw query string, as sent.
    pub raw_query: String,
    /// The query, percent-decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// Header names lower-cased, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The action, whichever signature carried it.
    pub fn action(&self) -> Option<&str> {
        self.param("Action").or_else(|| self.header("x-acs-action"))
    }

    /// The signature nonce, whichever signature carried it.
    pub fn nonce(&self) -> Option<&str> {
        self.param("SignatureNonce")
            .or_else(|| self.header("x-acs-signature-nonce"))
    }
}

type Handler = dyn Fn(&Received, usize) -> Reply + Send + Sync;

struct State {
    handler: Box<Handler>,
    count: AtomicUsize,
    received: Mutex<Vec<Received>>,
    nonces: Mutex<HashSet<String>>,
    handled: AtomicU64,
    handling_nanos: AtomicU64,
}

/// A running server. Dropping it stops it.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server that verifies signatures and then answers request number `n` (0-based,
    /// counting every request received) with `handler(&request, n)`.
    pub async fn start(
        handler: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::start_for(LIFETIME, handler).await
    }

    /// [`TestServer::start`] with another lifetime (benchmarks run longer than tests).
    pub async fn start_for(
        lifetime: Duration,
        handler: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            handler: Box::new(handler),
            count: AtomicUsize::new(0),
            received: Mutex::new(Vec::new()),
            nonces: Mutex::new(HashSet::new()),
            handled: AtomicU64::new(0),
            handling_nanos: AtomicU64::new(0),
        });
        let shared = state.clone();
        let task = tokio::spawn(async move {
            let _ = tokio::time::timeout(lifetime, async move {
                let mut connections = Vec::new();
                while let Ok((stream, _)) = listener.accept().await {
                    let _ = stream.set_nodelay(true);
                    connections.push(tokio::spawn(serve(stream, shared.clone())));
                }
                for c in connections {
                    c.abort();
                }
            })
            .await;
        });
        Self { addr, state, task }
    }

    /// Always answers `reply`.
    pub async fn always(reply: Reply) -> Self {
        Self::start(move |_, _| reply.clone()).await
    }

    /// Always answers `reply`, for `lifetime`.
    pub async fn always_for(lifetime: Duration, reply: Reply) -> Self {
        Self::start_for(lifetime, move |_, _| reply.clone()).await
    }

    /// The base URL to give the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests arrived (signature valid or not).
    pub fn count(&self) -> usize {
        self.state.count.load(Ordering::SeqCst)
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// Requests answered, and the server's own total time spent handling them (parse, verify
    /// the signature, answer), excluding scripted delays.
    pub fn handling(&self) -> (u64, Duration) {
        (
            self.state.handled.load(Ordering::SeqCst),
            Duration::from_nanos(self.state.handling_nanos.load(Ordering::SeqCst)),
        )
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let mut buf = Vec::with_capacity(8192);
    loop {
        let Some(request) = read_request(&mut stream, &mut buf).await else {
            return;
        };
        let started = Instant::now();
        let n = state.count.fetch_add(1, Ordering::SeqCst);
        state.received.lock().unwrap().push(request.clone());
        let reply = match verify(&request, &state) {
            Ok(()) => (state.handler)(&request, n),
            Err(reply) => reply,
        };
        let mut elapsed = started.elapsed();
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        if reply.hang_up {
            return;
        }
        let resumed = Instant::now();
        let head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n",
            reply.status,
            reason(reply.status),
            reply.content_type,
            reply.body.len()
        );
        let mut out = head.into_bytes();
        out.extend_from_slice(reply.body.as_bytes());
        if stream.write_all(&out).await.is_err() {
            return;
        }
        elapsed += resumed.elapsed();
        state.handled.fetch_add(1, Ordering::SeqCst);
        state.handling_nanos.fetch_add(
            u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
            Ordering::SeqCst,
        );
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

/// Reads one request; `None` at end of stream or on garbage.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Received> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buf.len() < body_start + length {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[body_start..body_start + length].to_vec();
    buf.drain(..body_start + length);
    let (path, raw_query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target.clone(), String::new()),
    };
    let query = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    Some(Received {
        method,
        path,
        raw_query,
        query,
        headers,
        body,
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn request_id(n: usize) -> String {
    format!("REQ-{n:04}")
}

/// Checks the request the way the service does; `Err` is the service's answer.
fn verify(r: &Received, state: &State) -> Result<(), Reply> {
    let n = state.count.load(Ordering::SeqCst);
    if r.path != "/" {
        return Err(Reply::error(
            404,
            "InvalidApi.NotFound",
            "Specified api is not found",
            &request_id(n),
        ));
    }
    let (access_key_id, computed, sent, server_string_to_sign) =
        if let Some(sent) = r.param("Signature") {
            let pairs = r.query.iter().filter(|(k, _)| k != "Signature");
            let sig = rpc_v1::sign(
                &r.method,
                pairs.map(|(k, v)| (k.as_str(), v.as_str())),
                SECRET,
            );
            let id = r.param("AccessKeyId").unwrap_or_default().to_owned();
            (id, sig.signature, sent.to_owned(), sig.string_to_sign)
        } else if let Some(auth) = r.header("authorization") {
            let Some(rest) = auth.strip_prefix("ACS3-HMAC-SHA256 ") else {
                return Err(Reply::error(
                    400,
                    "IncompleteSignature",
                    "unknown algorithm",
                    &request_id(n),
                ));
            };
            let mut id = "";
            let mut signed_headers = "";
            let mut sent = "";
            for part in rest.split(',') {
                match part.trim().split_once('=') {
                    Some(("Credential", v)) => id = v,
                    Some(("SignedHeaders", v)) => signed_headers = v,
                    Some(("Signature", v)) => sent = v,
                    _ => {}
                }
            }
            let names: Vec<&str> = signed_headers.split(';').collect();
            for required in [
                "host",
                "x-acs-action",
                "x-acs-version",
                "x-acs-date",
                "x-acs-signature-nonce",
                "x-acs-content-sha256",
            ] {
                if !names.contains(&required) {
                    return Err(Reply::error(
                        400,
                        "IncompleteSignature",
                        &format!("{required} is not signed"),
                        &request_id(n),
                    ));
                }
            }
            if r.header("x-acs-content-sha256") != Some(acs3::hash_payload(&r.body).as_str()) {
                return Err(Reply::error(
                    400,
                    "IncompleteSignature",
                    "x-acs-content-sha256 does not match the body",
                    &request_id(n),
                ));
            }
            let headers: Vec<(&str, &str)> = r
                .headers
                .iter()
                .filter(|(k, _)| names.contains(&k.as_str()))
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let sig = acs3::sign(
                &r.method,
                &r.path,
                r.query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                headers,
                &r.body,
                id,
                SECRET,
            );
            (
                id.to_owned(),
                sig.signature,
                sent.to_owned(),
                sig.string_to_sign,
            )
        } else {
            return Err(Reply::error(
                400,
                "IncompleteSignature",
                "The request signature does not conform to Aliyun standards.",
                &request_id(n),
            ));
        };
    if access_key_id != ACCESS_KEY_ID {
        return Err(Reply::error(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
            &request_id(n),
        ));
    }
    if computed != sent {
        return Err(Reply::error(
            400,
            "SignatureDoesNotMatch",
            &format!(
                "Specified signature is not matched with our calculation. server string to sign is:{server_string_to_sign}"
            ),
            &request_id(n),
        ));
    }
    let nonce = r.nonce().unwrap_or_default().to_owned();
    if !state.nonces.lock().unwrap().insert(nonce) {
        return Err(Reply::error(
            400,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
            &request_id(n),
        ));
    }
    Ok(())
}

/// Runs `f` once per signature version, so every end-to-end case covers both.
pub const SIGNATURES: [ens_client::SignatureVersion; 2] = [
    ens_client::SignatureVersion::V3,
    ens_client::SignatureVersion::RpcV1,
];

/// A client for `server` with the test credentials, quick retries and a short read timeout.
pub fn client(
    server: &TestServer,
    version: ens_client::SignatureVersion,
) -> ens_client::ClientBuilder {
    ens_client::Client::builder()
        .endpoint(server.url())
        .credentials(ens_client::Credentials::new(ACCESS_KEY_ID, SECRET))
        .signature_version(version)
        .read_timeout(Duration::from_secs(5))
        .retry_policy(
            ens_client::RetryPolicy::new(3)
                .with_base_delay(Duration::from_millis(5))
                .with_max_delay(Duration::from_millis(20)),
        )
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
