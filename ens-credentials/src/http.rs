//! What the HTTP providers (STS, the metadata service, credentials URIs) share: a client with
//! bounded time, a bounded answer, error texts without URLs or secrets, and reading credentials
//! out of a JSON answer without ever quoting a value.

use std::fmt;
use std::time::{Duration, SystemTime};

use ens_auth::{Credentials, SigningTime};
use serde_json::{Map, Value};
use zeroize::{Zeroize, Zeroizing};

/// The largest answer read from a credentials endpoint. Real ones are around 1 KiB.
pub(crate) const MAX_ANSWER: usize = 64 * 1024;

/// An HTTP client for one kind of endpoint, with its timeouts.
#[derive(Clone)]
pub(crate) struct Http {
    /// Built once; an error (TLS could not be set up) is reported at each call.
    client: Result<reqwest::Client, String>,
    timeout: Duration,
}

impl fmt::Debug for Http {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Http")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why a request got no usable answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No connection could be made: nothing is listening there (or not in time).
    Connect(String),
    /// Anything after the connection was made.
    Other(String),
}

impl Failure {
    pub(crate) fn into_reason(self) -> String {
        match self {
            Failure::Connect(reason) | Failure::Other(reason) => reason,
        }
    }
}

/// A complete answer.
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// Wiped when dropped: it holds secrets.
    pub(crate) body: Zeroizing<Vec<u8>>,
}

impl Http {
    /// `connect_timeout` bounds the connection, `timeout` the whole exchange. `use_proxy: false`
    /// for the metadata service, which must be reached directly.
    pub(crate) fn new(connect_timeout: Duration, timeout: Duration, use_proxy: bool) -> Self {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(connect_timeout.min(timeout))
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(1);
        if !use_proxy {
            builder = builder.no_proxy();
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {}", chain(&e)));
        Self { client, timeout }
    }

    /// Starts a request (`None` when the client could not be built).
    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        url: &str,
    ) -> Result<reqwest::RequestBuilder, Failure> {
        let client = self
            .client
            .as_ref()
            .map_err(|e| Failure::Other(e.clone()))?;
        Ok(client.request(method, url).timeout(self.timeout))
    }

    /// Sends `request` and reads at most [`MAX_ANSWER`] bytes of the answer.
    pub(crate) async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, Failure> {
        let mut response = request.send().await.map_err(|e| {
            if e.is_connect() {
                Failure::Connect(describe(e))
            } else {
                Failure::Other(describe(e))
            }
        })?;
        let status = response.status().as_u16();
        let mut body = Zeroizing::new(Vec::new());
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Failure::Other(describe(e)))?
        {
            if body.len() + chunk.len() > MAX_ANSWER {
                return Err(Failure::Other(format!(
                    "the answer (HTTP {status}) is larger than {} KiB",
                    MAX_ANSWER / 1024
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, body })
    }
}

/// A reqwest error as a sentence: without the URL (a query may carry a security token), with its
/// causes (reqwest's own text is often just "error sending request").
fn describe(e: reqwest::Error) -> String {
    let timeout = e.is_timeout();
    let text = chain(&e.without_url());
    if timeout && !text.contains("timed out") {
        format!("{text} (timed out)")
    } else {
        text
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// An answer's body as a JSON object. The parsed tree is wiped by [`wipe`] once read.
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, String> {
    // serde_json's syntax errors carry a position and a category, never the input.
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the answer is JSON but not an object".to_owned()),
        Err(e) => Err(format!("the answer is not JSON ({e})")),
    }
}

/// Overwrites every string in `map` (a parsed answer that held secrets) before it is dropped.
pub(crate) fn wipe(map: &mut Map<String, Value>) {
    fn wipe_value(value: &mut Value) {
        match value {
            Value::String(s) => s.zeroize(),
            Value::Array(items) => items.iter_mut().for_each(wipe_value),
            Value::Object(map) => wipe(map),
            _ => {}
        }
    }
    map.values_mut().for_each(wipe_value);
}

/// The string field `key` of `map`, `None` when absent, null or empty; an error naming the key
/// (never the value) when it has another type.
pub(crate) fn string_field<'a>(
    map: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{key}` is not a string")),
    }
}

/// Credentials from an object with `AccessKeyId`, `AccessKeySecret` and, optionally,
/// `SecurityToken` and `Expiration` (the shape STS, the metadata service and credentials URIs
/// share).
pub(crate) fn credentials_from(
    object: &Map<String, Value>,
    provider_name: &'static str,
) -> Result<Credentials, String> {
    let required = |key: &str| -> Result<&str, String> {
        string_field(object, key)?.ok_or_else(|| format!("the answer has no `{key}`"))
    };
    let mut credentials = Credentials::new(required("AccessKeyId")?, required("AccessKeySecret")?)
        .with_provider_name(provider_name);
    if let Some(token) = string_field(object, "SecurityToken")? {
        credentials = credentials.with_security_token(token);
    }
    if let Some(text) = string_field(object, "Expiration")? {
        credentials = credentials.with_expiry(parse_expiration(text)?);
    }
    Ok(credentials)
}

fn parse_expiration(text: &str) -> Result<SystemTime, String> {
    SigningTime::parse_utc(text)
        .map(SigningTime::to_system_time)
        .ok_or_else(|| {
            let shown: String = text.chars().take(40).collect();
            format!("`Expiration` {shown:?} is not a UTC time like 2024-05-01T08:30:00Z")
        })
}

/// `text` (a message from a server, which may echo what it was sent) with every secret, plain or
/// percent-encoded, replaced by `***`, and cut to a readable length.
pub(crate) fn mask(text: &str, secrets: &[&str]) -> String {
    let mut out: String = text.chars().take(500).collect();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let encoded = ens_auth::encode::encode(secret);
        for form in [secret.to_string(), lower_hex_escapes(&encoded), encoded] {
            out = out.replace(&form, "***");
        }
        // A secret cut off at the end of the shortened text.
        for len in (4..secret.len()).rev() {
            if let Some(prefix) = secret.get(..len)
                && out.ends_with(prefix)
            {
                out.truncate(out.len() - len);
                out.push_str("***");
                break;
            }
        }
    }
    out
}

/// `%2F` -> `%2f`: the other spelling of the same percent-encoding.
fn lower_hex_escapes(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut after_percent = 0;
    for c in encoded.chars() {
        if c == '%' {
            after_percent = 2;
            out.push(c);
        } else if after_percent > 0 {
            after_percent -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// What an error answer of an Alibaba Cloud service says: `Code: Message (RequestId ...)`, masked,
/// or the start of the body when it is not the usual JSON.
pub(crate) fn service_error(status: u16, body: &[u8], secrets: &[&str]) -> String {
    let mut said = match json_object(body) {
        Ok(mut map) => {
            let field = |key: &str, lower: &str| {
                string_field(&map, key)
                    .ok()
                    .flatten()
                    .or_else(|| string_field(&map, lower).ok().flatten())
                    .map(str::to_owned)
            };
            let code = field("Code", "code");
            let message = field("Message", "message");
            let request_id = field("RequestId", "requestId");
            wipe(&mut map);
            let mut text = match (code, message) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code,
                (None, Some(message)) => message,
                (None, None) => "no error code".to_owned(),
            };
            if let Some(id) = request_id {
                text.push_str(&format!(" (RequestId {id})"));
            }
            text
        }
        Err(_) => {
            let start = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
            if start.trim().is_empty() {
                "an empty body".to_owned()
            } else {
                format!("body {:?}", start.trim())
            }
        }
    };
    said = mask(&said, secrets);
    let mut text = format!("HTTP {status}, {said}");
    if said.contains("InvalidTimeStamp") || said.contains("RequestTimeTooSkewed") {
        text.push_str(" (the request's timestamp was refused: is the system clock right?)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_read_from_the_shared_shape() {
        let mut map = json_object(
            br#"{"AccessKeyId":"STS.id","AccessKeySecret":"s3cret","SecurityToken":"tok",
                 "Expiration":"2024-05-01T08:30:00Z","Code":"Success"}"#,
        )
        .expect("object");
        let c = credentials_from(&map, "test").expect("complete");
        assert_eq!(c.access_key_id(), "STS.id");
        assert_eq!(c.security_token().map(|t| t.expose()), Some("tok"));
        assert_eq!(
            c.expiry().map(SigningTime::from),
            Some(SigningTime::from_unix_seconds(1_714_552_200))
        );
        wipe(&mut map);
        assert!(
            map.values()
                .all(|v| v.as_str().is_some_and(|s| s.is_empty()))
        );
    }

    #[test]
    fn bad_answers_are_named_without_their_values() {
        let map = json_object(br#"{"AccessKeyId":"id","AccessKeySecret":12345}"#).expect("obj");
        let e = credentials_from(&map, "t").expect_err("number");
        assert_eq!(e, "`AccessKeySecret` is not a string");
        let map = json_object(br#"{"AccessKeyId":"id"}"#).expect("obj");
        assert_eq!(
            credentials_from(&map, "t").expect_err("missing"),
            "the answer has no `AccessKeySecret`"
        );
        let map = json_object(br#"{"AccessKeyId":"i","AccessKeySecret":"s","Expiration":"soon"}"#)
            .expect("obj");
        assert!(
            credentials_from(&map, "t")
                .expect_err("date")
                .contains("\"soon\"")
        );
        let e = json_object(b"{\"AccessKeySecret\": \"leak").expect_err("truncated");
        assert!(
            e.starts_with("the answer is not JSON") && !e.contains("leak"),
            "{e}"
        );
        assert_eq!(
            json_object(b"[1]").expect_err("array"),
            "the answer is JSON but not an object"
        );
    }

    #[test]
    fn masking_covers_plain_encoded_and_cut_forms() {
        let secret = "Tok/With+Chars=";
        let text = format!(
            "bad token {secret} or {} or {}",
            ens_auth::encode::encode(secret),
            "Tok%2fWith%2bChars%3d"
        );
        let masked = mask(&text, &[secret, ""]);
        assert_eq!(masked, "bad token *** or *** or ***");
        let cut = format!("{}{}", "x".repeat(490), secret);
        let masked = mask(&cut, &[secret]);
        assert!(
            masked.ends_with("***") && !masked.contains("Tok/With"),
            "{masked}"
        );
    }

    #[test]
    fn service_errors_show_code_message_and_request_id() {
        let body = br#"{"RequestId":"R-1","HostId":"sts.aliyuncs.com","Code":"NoPermission",
                        "Message":"You are not authorized, token ey.jwt.sig"}"#;
        assert_eq!(
            service_error(403, body, &["ey.jwt.sig"]),
            "HTTP 403, NoPermission: You are not authorized, token *** (RequestId R-1)"
        );
        let lower = br#"{"code":"InvalidTimeStamp.Expired","message":"too old"}"#;
        let text = service_error(400, lower, &[]);
        assert!(
            text.starts_with("HTTP 400, InvalidTimeStamp.Expired: too old"),
            "{text}"
        );
        assert!(text.contains("system clock"), "{text}");
        assert_eq!(service_error(502, b"", &[]), "HTTP 502, an empty body");
        assert_eq!(
            service_error(502, b"<html>bad gateway</html>", &[]),
            "HTTP 502, body \"<html>bad gateway</html>\""
        );
    }
}
