//! The signed request, as data: what `send` puts on the wire, and what `dry_run` hands back.
//!
//! Both paths go through [`sign`], so a dry run shows exactly the method, URL, headers and body a
//! real call would use (with the same clock and nonce hooks), which is what makes it useful for
//! debugging a signature or reviewing a request before it creates billed resources.

use std::borrow::Cow;
use std::fmt;

use ens_auth::encode::{encode, encode_into};
use ens_auth::{Credentials, SigningTime, acs3, rpc_v1};
use ens_core::{Location, Operation, OperationSpec, Params};

use crate::client::{Client, Endpoint, SignatureVersion};
use crate::error::SdkError;

/// Shown instead of a secret.
pub(crate) const MASK: &str = "***";

/// The content type of a body of parameters, as the official SDKs send it.
const FORM: &str = "application/x-www-form-urlencoded";

/// A request signed and ready to send: method, URL with query, headers, body.
///
/// Parameters travel in the URL query, as with the official SDKs, except the few whose spec
/// puts them in the body (`application/x-www-form-urlencoded`): a password is never in a URL.
/// Every POST carries `content-length` (0 when the body is empty).
///
/// `Debug` and `Display` mask the STS token and secret request parameters (passwords); the
/// accessors return the real values, because they exist to send the request. The signature is
/// shown: it authorises only this one request, for 15 minutes, with this nonce.
#[derive(Clone)]
pub struct SignedRequest {
    pub(crate) method: &'static str,
    pub(crate) url: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
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

    /// The full URL with its query: every parameter but those sent in the body.
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

    /// The body: the parameters the spec sends in the body, form-encoded; empty for most
    /// operations.
    pub fn body(&self) -> &[u8] {
        &self.body
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

    /// The body as text with secrets masked.
    fn redacted_body(&self) -> String {
        self.redactor
            .apply(&String::from_utf8_lossy(&self.body))
            .into_owned()
    }
}

impl fmt::Display for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.redactor.apply(&self.url))?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {}", self.redactor.apply(value))?;
        }
        if !self.body.is_empty() {
            writeln!(f)?;
            writeln!(f, "{}", self.redacted_body())?;
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
            .field("body", &self.redacted_body())
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

/// Masks known secret values wherever they appear: raw, JSON-escaped, percent-encoded once or
/// twice (the RPC string to sign encodes the query again) with upper- or lower-case hex, and
/// form-encoded (`+` for a space).
///
/// Masking by value rather than by position also covers text the client did not build: the
/// service's own string to sign inside a `SignatureDoesNotMatch` message, or an answer that
/// echoes the request.
///
/// Every request has one, and most never mask anything (a successful answer's request id), so it
/// holds only the secrets themselves and builds their encoded forms when a text may hold one:
/// every form keeps the secret's runs of unreserved characters (`A-Z a-z 0-9 - _ . ~`) as they
/// are, so a text without the longest such run holds no form of that secret.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// Secret request parameters (passwords).
    values: Vec<String>,
    /// Whose AccessKey secret and STS token to mask.
    credentials: Option<Credentials>,
}

impl Redactor {
    pub(crate) fn add(&mut self, secret: &str) {
        if !secret.is_empty() {
            self.values.push(secret.to_owned());
        }
    }

    /// Every secret: the parameters', the STS token, the AccessKey secret (which is never sent,
    /// but costs nothing to guard).
    fn secrets(&self) -> impl Iterator<Item = &str> {
        let credentials = self.credentials.iter().flat_map(|c| {
            let token = c.security_token().map(|t| t.expose());
            token.into_iter().chain([c.access_key_secret().expose()])
        });
        self.values
            .iter()
            .map(String::as_str)
            .chain(credentials)
            .filter(|s| !s.is_empty())
    }

    /// Each secret in the forms to replace, longest first, so a form that contains another is
    /// masked whole.
    fn forms<'a>(secrets: impl Iterator<Item = &'a str>) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for secret in secrets {
            let once = encode(secret);
            let twice = encode(&once);
            let json = serde_json::Value::from(secret).to_string();
            let json = json[1..json.len() - 1].to_owned();
            let form = once.replace("%20", "+");
            let forms = [
                lower_hex(&twice),
                twice,
                lower_hex(&once),
                once,
                form,
                json,
                secret.to_owned(),
            ];
            for form in forms {
                if !all.contains(&form) {
                    all.push(form);
                }
            }
        }
        all.sort_by_key(|f| std::cmp::Reverse(f.len()));
        all
    }

    /// The length of the longest form of a secret.
    pub(crate) fn longest(&self) -> usize {
        Self::forms(self.secrets()).first().map_or(0, String::len)
    }

    /// `text` with every whole occurrence of a secret masked.
    pub(crate) fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut present = self.secrets().filter(|s| may_hold(text, s)).peekable();
        if present.peek().is_none() {
            return Cow::Borrowed(text);
        }
        mask(text, &Self::forms(present))
    }

    /// [`Redactor::apply`] for text cut short (the start of a longer body): a secret cut in two
    /// at the end is masked too, however little of it is left.
    pub(crate) fn apply_prefix(&self, text: &str) -> String {
        let forms = Self::forms(self.secrets());
        let mut out = mask(text, &forms).into_owned();
        let cut = forms
            .iter()
            .filter_map(|form| {
                (1..form.len())
                    .rev()
                    .filter(|&k| form.is_char_boundary(k))
                    .find(|&k| out.ends_with(&form[..k]))
            })
            .max();
        if let Some(k) = cut {
            out.truncate(out.len() - k);
            out.push_str(MASK);
        }
        out
    }
}

/// `text` with every occurrence of each of `forms` (longest first) replaced by the mask.
fn mask<'a>(text: &'a str, forms: &[String]) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    for form in forms {
        if out.contains(form.as_str()) {
            out = Cow::Owned(out.replace(form.as_str(), MASK));
        }
    }
    out
}

/// Whether `text` may hold some form of `secret`: false only when it lacks the secret's longest
/// run of unreserved characters, which every form keeps (percent-encoding, JSON escaping and
/// `+` for a space change only the other characters, and lower-case hex only the two digits
/// after a `%`).
fn may_hold(text: &str, secret: &str) -> bool {
    let anchor = secret
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
        .max_by_key(|run| run.len())
        .unwrap_or("");
    anchor.is_empty() || text.contains(anchor)
}

/// Percent-encoded text with lower-case hex digits (`%2f`), as some servers echo it.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut hex_left = 0;
    for c in encoded.chars() {
        if hex_left > 0 {
            out.push(c.to_ascii_lowercase());
            hex_left -= 1;
        } else {
            hex_left = if c == '%' { 2 } else { 0 };
            out.push(c);
        }
    }
    out
}

/// The secret values of a request: parameters the spec marks secret, the STS token and the
/// AccessKey secret.
fn redactor_for(spec: &OperationSpec, params: &Params, credentials: &Credentials) -> Redactor {
    let mut redactor = Redactor {
        values: Vec::new(),
        credentials: Some(credentials.clone()),
    };
    for (_, value) in params.secrets() {
        redactor.add(value);
    }
    // Parameters the spec calls secret, also when the map was built without marks.
    for secret in spec.params.iter().filter(|p| p.secret) {
        for (name, value) in params.iter().filter(|(name, _)| secret.matches(name)) {
            if !params.is_secret(name) {
                redactor.add(value);
            }
        }
    }
    redactor
}

/// Appends `name=value` pairs, each RFC 3986-encoded, joined by `&`: the URL query and the form
/// body.
fn form_into<'a>(out: &mut String, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) {
    let start = out.len();
    for (name, value) in pairs {
        if out.len() > start {
            out.push('&');
        }
        encode_into(out, name);
        out.push('=');
        encode_into(out, value);
    }
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
    // Most operations send nothing in the body: then no parameter needs looking up.
    let has_body_params = spec.params.iter().any(|p| p.location == Location::Body);
    let in_query = |name: &str| {
        !has_body_params
            || spec
                .param(name)
                .is_none_or(|p| p.location == Location::Query)
    };
    let query = || params.iter().filter(|(name, _)| in_query(name));
    let in_body = || params.iter().filter(|(name, _)| !in_query(name));
    let mut body = String::new();
    if has_body_params {
        form_into(&mut body, in_body());
    }
    let mut url = String::new();
    let mut headers: Vec<(&'static str, String)> = Vec::with_capacity(12);
    let (string_to_sign, canonical_request) = match cx.version {
        SignatureVersion::RpcV1 => {
            let timestamp = cx.time.utc_text();
            let common = rpc_v1::common_pairs(
                spec.action,
                spec.version,
                creds.access_key_id(),
                token,
                &timestamp,
                cx.nonce,
            );
            // RPC 1.0 signs the query and body parameters together.
            let signature = rpc_v1::sign(method, params.iter().chain(common.clone()), secret);
            url.reserve(
                cx.endpoint.base.len()
                    + signature.canonicalized_query.len()
                    + 2 * signature.signature.len()
                    + 16,
            );
            url.push_str(&cx.endpoint.base);
            url.push_str("/?");
            if body.is_empty() {
                // The canonical query is every parameter, encoded as sent.
                url.push_str(&signature.canonicalized_query);
                url.push('&');
            } else {
                let mut sent: Vec<(&str, &str)> = query().chain(common).collect();
                sent.sort_by(|a, b| a.0.cmp(b.0));
                form_into(&mut url, sent);
                url.push('&');
            }
            url.push_str(rpc_v1::SIGNATURE_PARAM);
            url.push('=');
            encode_into(&mut url, &signature.signature);
            headers.push(("host", cx.endpoint.host.clone()));
            if !body.is_empty() {
                headers.push(("content-type", FORM.to_owned()));
            }
            (signature.string_to_sign, None)
        }
        SignatureVersion::V3 => {
            let payload_hash = if body.is_empty() {
                Cow::Borrowed(acs3::EMPTY_PAYLOAD_SHA256)
            } else {
                Cow::Owned(acs3::hash_payload(body.as_bytes()))
            };
            acs3::standard_headers_into(
                &mut headers,
                &cx.endpoint.host,
                spec.action,
                spec.version,
                cx.time,
                cx.nonce,
                &payload_hash,
                token,
            );
            // Signed, as the official SDKs sign it: V3 covers the body and its type.
            if !body.is_empty() {
                headers.push(("content-type", FORM.to_owned()));
            }
            let signature = acs3::sign(
                method,
                "/",
                query(),
                headers.iter().map(|(k, v)| (*k, v.as_str())),
                body.as_bytes(),
                creds.access_key_id(),
                secret,
            );
            // The canonical query is the query as sent.
            let query = signature.canonical_query_string();
            url.reserve(cx.endpoint.base.len() + 2 + query.len());
            url.push_str(&cx.endpoint.base);
            url.push('/');
            if !query.is_empty() {
                url.push('?');
                url.push_str(query);
            }
            headers.push(("authorization", signature.authorization));
            (signature.string_to_sign, Some(signature.canonical_request))
        }
    };
    headers.push(("user-agent", cx.user_agent.to_owned()));
    headers.push(("accept", "application/json".to_owned()));
    if method == "POST" {
        let length = if body.is_empty() {
            "0".to_owned()
        } else {
            body.len().to_string()
        };
        headers.push(("content-length", length));
    }
    SignedRequest {
        method,
        url,
        headers,
        body: body.into_bytes(),
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
    ) -> Result<SignedRequest, SdkError<O::Error>> {
        let params = request.checked_params().map_err(SdkError::InvalidRequest)?;
        self.sign_params(O::SPEC, &params, self.settings.signature_version)
            .await
            .map_err(|f| f.into_error(O::SPEC.action, self.endpoint()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redactor_masks_every_encoding() {
        let mut r = Redactor::default();
        r.add("p@ss w/rd\"");
        let raw = "x p@ss w/rd\" y";
        let once = format!("Password={}", encode("p@ss w/rd\""));
        let twice = encode(&once);
        let json = r#"{"Password":"p@ss w/rd\""}"#;
        let lower = "Password=p%40ss%20w%2frd%22";
        let form = "Password=p%40ss+w%2Frd%22";
        for text in [
            raw.to_owned(),
            once,
            twice,
            json.to_owned(),
            lower.to_owned(),
            form.to_owned(),
        ] {
            let masked = r.apply(&text);
            assert!(!masked.contains("ss w"), "{masked}");
            assert!(!masked.contains("p%40ss"), "{masked}");
            assert!(!masked.contains("p%2540ss"), "{masked}");
            assert!(masked.contains(MASK), "{masked}");
        }
        assert_eq!(r.apply("nothing here"), "nothing here");
        let mut empty = Redactor::default();
        empty.add("");
        assert_eq!(empty.apply("abc"), "abc");
    }

    #[test]
    fn masking_skips_texts_without_the_secret_but_never_misses_one() {
        let mut r = Redactor::default();
        r.add("Pa55-word!/é");
        r.add("!!//  ");
        // Every form of each: the second secret has no unreserved character to look for, so
        // every text is searched for all its forms.
        for text in [
            "x Pa55-word!/é y",
            "Pa55-word%21%2F%C3%A9",
            "Pa55-word%2521%252F%25C3%25A9",
            "Pa55-word%21%2f%c3%a9",
            r#"{"p":"Pa55-word!/é"}"#,
            "a !!//   b",
            "%21%21%2F%2F%20%20",
            "%21%21%2F%2F++",
        ] {
            let masked = r.apply(text);
            assert!(masked.contains(MASK), "{text} -> {masked}");
            assert!(
                !masked.contains("Pa55") && !masked.contains("!!//"),
                "{masked}"
            );
        }
        let mut plain = Redactor::default();
        plain.add("Pa55-word");
        assert!(matches!(plain.apply("RequestId 4A43"), Cow::Borrowed(_)));
        assert!(matches!(plain.apply("Pa55 word"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_secret_cut_at_the_end_is_masked() {
        let mut r = Redactor::default();
        r.add("Instance-Pa55word!");
        assert_eq!(
            r.apply_prefix(r#"{"Password":"Instance-Pa"#),
            r#"{"Password":"***"#
        );
        assert_eq!(
            r.apply_prefix("Password=Instance-Pa55word%2"),
            "Password=***"
        );
        assert_eq!(r.apply_prefix("no secret"), "no secret");
        assert_eq!(r.apply_prefix("a Instance-Pa55word! b"), "a *** b");
    }
}
