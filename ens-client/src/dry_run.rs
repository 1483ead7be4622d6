//! The signed request, as data: what `send` puts on the wire, and what `dry_run` hands back.
//!
//! Both paths go through [`sign`], so a dry run shows exactly the method, URL and headers a real
//! call would use (with the same clock and nonce hooks), which is what makes it useful for
//! debugging a signature or reviewing a request before it creates billed resources.

use std::borrow::Cow;
use std::fmt;

use ens_auth::encode::encode;
use ens_auth::{Credentials, SigningTime, acs3, rpc_v1};
use ens_core::{Operation, OperationSpec, Params};

use crate::client::{Client, Endpoint, SignatureVersion};
use crate::error::Error;

/// Shown instead of a secret.
const MASK: &str = "***";

/// A request signed and ready to send: method, URL with query, headers, empty body.
///
/// `Debug` and `Display` mask the STS token and secret request parameters (passwords); the
/// accessors return the real values, because they exist to send the request. The signature is
/// shown: it authorises only this one request, for 15 minutes, with this nonce.
#[derive(Clone)]
pub struct SignedRequest {
    pub(crate) method: &'static str,
    pub(crate) url: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) string_to_sign: String,
    pub(crate) canonical_request: Option<String>,
    pub(crate) signature_version: SignatureVersion,
    pub(crate) redactor: Redactor,
}

impl SignedRequest {
    /// The HTTP method (`POST` for every ENS operation so far).
    pub fn method(&self) -> &str {
        self.method
    }

    /// The full URL, every parameter in its query.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers, lower-case names, in the order they are sent.
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// The value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body: always empty, parameters travel in the query as with the official SDKs.
    pub fn body(&self) -> &[u8] {
        &[]
    }

    /// The string that was signed (RPC 1.0: `POST&%2F&...`; V3: `ACS3-HMAC-SHA256\n<hash>`).
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// V3 only: the canonical request whose hash is in the string to sign.
    pub fn canonical_request(&self) -> Option<&str> {
        self.canonical_request.as_deref()
    }

    /// Which signature this request carries.
    pub fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }

    /// The string to sign with secrets masked, for error messages.
    pub(crate) fn redacted_string_to_sign(&self) -> String {
        self.redactor.apply(&self.string_to_sign).into_owned()
    }

    /// The canonical request with secrets masked, for error messages.
    pub(crate) fn redacted_canonical_request(&self) -> Option<String> {
        self.canonical_request
            .as_deref()
            .map(|c| self.redactor.apply(c).into_owned())
    }
}

impl fmt::Display for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.redactor.apply(&self.url))?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {}", self.redactor.apply(value))?;
        }
        Ok(())
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, Cow<'_, str>)> = self
            .headers
            .iter()
            .map(|(n, v)| (*n, self.redactor.apply(v)))
            .collect();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.redactor.apply(&self.url))
            .field("headers", &headers)
            .field("string_to_sign", &self.redactor.apply(&self.string_to_sign))
            .field(
                "canonical_request",
                &self
                    .canonical_request
                    .as_deref()
                    .map(|c| self.redactor.apply(c)),
            )
            .field("signature_version", &self.signature_version)
            .finish()
    }
}

/// Masks known secret values wherever they appear, raw or percent-encoded once or twice (the RPC
/// string to sign encodes the query again).
///
/// Masking by value rather than by position also covers text the client did not build, such as
/// the service's own string to sign inside a `SignatureDoesNotMatch` message.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// Each secret in the forms to replace, longest-encoded first.
    forms: Vec<String>,
}

impl Redactor {
    fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let once = encode(secret);
        let twice = encode(&once);
        for form in [twice, once, secret.to_owned()] {
            if !self.forms.contains(&form) {
                self.forms.push(form);
            }
        }
        // Longer forms first, so a form that contains another is masked whole.
        self.forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    }

    pub(crate) fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for form in &self.forms {
            if out.contains(form.as_str()) {
                out = Cow::Owned(out.replace(form.as_str(), MASK));
            }
        }
        out
    }
}

/// Whether wire name `name` matches spec pattern `wire`, where `{n}` stands for a 1-based list
/// position.
fn wire_matches(wire: &str, name: &str) -> bool {
    match wire.split_once("{n}") {
        None => wire == name,
        Some((prefix, rest)) => {
            let Some(tail) = name.strip_prefix(prefix) else {
                return false;
            };
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && wire_matches(rest, &tail[digits..])
        }
    }
}

/// The secret values of a request: parameters the spec marks secret, and the STS token.
fn redactor_for(spec: &OperationSpec, params: &Params, credentials: &Credentials) -> Redactor {
    let mut redactor = Redactor::default();
    for (name, value) in params {
        if spec
            .params
            .iter()
            .any(|p| p.secret && wire_matches(p.wire, name))
        {
            redactor.add(value);
        }
    }
    if let Some(token) = credentials.security_token() {
        redactor.add(token.expose());
    }
    redactor
}

/// Everything a signature depends on besides the request itself.
pub(crate) struct SigningContext<'a> {
    pub(crate) endpoint: &'a Endpoint,
    pub(crate) version: SignatureVersion,
    pub(crate) user_agent: &'a str,
    pub(crate) credentials: &'a Credentials,
    pub(crate) time: SigningTime,
    pub(crate) nonce: &'a str,
}

/// Signs `params` of operation `spec`: the one place that decides what goes on the wire.
pub(crate) fn sign(
    spec: &OperationSpec,
    params: &Params,
    cx: &SigningContext<'_>,
) -> SignedRequest {
    let creds = cx.credentials;
    let token = creds.security_token().map(|t| t.expose());
    let secret = creds.access_key_secret().expose();
    let method = spec.method;
    let mut url = String::with_capacity(cx.endpoint.base.len() + 512);
    url.push_str(&cx.endpoint.base);
    url.push('/');
    let mut headers: Vec<(&'static str, String)>;
    let (string_to_sign, canonical_request) = match cx.version {
        SignatureVersion::RpcV1 => {
            let common = rpc_v1::common_params(
                spec.action,
                spec.version,
                creds.access_key_id(),
                token,
                cx.time,
                cx.nonce,
            );
            let all = params
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .chain(common.iter().map(|(k, v)| (*k, v.as_str())));
            let signature = rpc_v1::sign(method, all, secret);
            url.push('?');
            url.push_str(&signature.signed_query());
            headers = vec![("host", cx.endpoint.host.clone())];
            (signature.string_to_sign, None)
        }
        SignatureVersion::V3 => {
            headers = acs3::standard_headers(
                &cx.endpoint.host,
                spec.action,
                spec.version,
                cx.time,
                cx.nonce,
                acs3::EMPTY_PAYLOAD_SHA256,
                token,
            );
            let signature = acs3::sign(
                method,
                "/",
                params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                headers.iter().map(|(k, v)| (*k, v.as_str())),
                b"",
                creds.access_key_id(),
                secret,
            );
            if !signature.canonical_query_string.is_empty() {
                url.push('?');
                url.push_str(&signature.canonical_query_string);
            }
            headers.push(("authorization", signature.authorization));
            (signature.string_to_sign, Some(signature.canonical_request))
        }
    };
    headers.push(("user-agent", cx.user_agent.to_owned()));
    headers.push(("accept", "application/json".to_owned()));
    SignedRequest {
        method,
        url,
        headers,
        string_to_sign,
        canonical_request,
        signature_version: cx.version,
        redactor: redactor_for(spec, params, creds),
    }
}

impl Client {
    /// Validates and signs `request` exactly as [`Client::send`] would, without sending it.
    ///
    /// For reviewing a request before it creates billed resources, and for comparing a signature
    /// with another implementation: with a fixed clock and nonce (see
    /// [`crate::ClientBuilder::clock`]) the result is reproducible. Async because signing needs
    /// credentials, which a provider may have to fetch first (nothing is sent to ENS).
    pub async fn dry_run<O: Operation>(
        &self,
        request: &O,
    ) -> Result<SignedRequest, Error<O::Error>> {
        request.validate().map_err(Error::InvalidRequest)?;
        let params = request.to_params();
        self.sign_params(O::SPEC, &params)
            .await
            .map_err(|f| f.into_error(O::SPEC.action, self.endpoint()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_patterns() {
        assert!(wire_matches("Password", "Password"));
        assert!(!wire_matches("Password", "PasswordInherit"));
        assert!(wire_matches("DataDisk.{n}.Size", "DataDisk.12.Size"));
        assert!(!wire_matches("DataDisk.{n}.Size", "DataDisk..Size"));
        assert!(!wire_matches("DataDisk.{n}.Size", "DataDisk.1.Sizes"));
        assert!(wire_matches("A.{n}.B.{n}", "A.1.B.22"));
    }

    #[test]
    fn redactor_masks_every_encoding() {
        let mut r = Redactor::default();
        r.add("p@ss w/rd");
        let raw = "x p@ss w/rd y";
        let once = format!("Password={}", encode("p@ss w/rd"));
        let twice = encode(&once);
        for text in [raw.to_owned(), once, twice] {
            let masked = r.apply(&text);
            assert!(!masked.contains("p@ss"), "{masked}");
            assert!(!masked.contains("p%40ss"), "{masked}");
            assert!(!masked.contains("p%2540ss"), "{masked}");
            assert!(masked.contains(MASK), "{masked}");
        }
        assert_eq!(r.apply("nothing here"), "nothing here");
        let mut empty = Redactor::default();
        empty.add("");
        assert_eq!(empty.apply("abc"), "abc");
    }
}
