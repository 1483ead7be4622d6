//! Signature V3, `ACS3-HMAC-SHA256`: the `Authorization` header the current official SDKs send.
//!
//! Unlike RPC 1.0 it also covers the body and the headers, so the caller builds the headers first
//! (see [`standard_headers`]), passes every header it will send to [`sign`], and adds
//! [`Acs3Signature::authorization`] as the `Authorization` header. Header names are lower-cased
//! before signing, so `Host` and `host` are the same header.

use std::ops::Range;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::SigningTime;
use crate::encode::{encode_into, sorted_by_name};

/// The algorithm name, first line of the string to sign and first word of `Authorization`.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Hex SHA-256 of an empty body, the payload hash of every request whose parameters all travel in
/// the query (what the official SDKs send for ENS).
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Every stage of a V3 signature, kept so a mismatch shows where the computation diverged.
///
/// The canonical request holds the query, the header lines, the signed header names and the
/// payload hash one after the other, so those four stages are read from it
/// ([`Acs3Signature::canonical_query_string`] and the like) rather than kept as copies: a
/// signature is then four allocations fewer, which is most of what canonicalization costs
/// beside the hashes.
///
/// `Debug` masks the query values (the signer cannot know which are secret, such as passwords)
/// and the STS token header; hashes, signature and `Authorization` are shown. The fields
/// themselves hold the real strings.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Acs3Signature {
    /// Method, path, query, headers, signed header names and payload hash, one per line.
    pub canonical_request: String,
    /// `ACS3-HMAC-SHA256\n` followed by the hex SHA-256 of the canonical request.
    pub string_to_sign: String,
    /// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the plain secret.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
    /// Where the stages are in `canonical_request`.
    query: Range<usize>,
    headers: Range<usize>,
    signed_headers: Range<usize>,
    payload: Range<usize>,
}

impl Acs3Signature {
    /// Lower-case hex SHA-256 of the body.
    pub fn hashed_request_payload(&self) -> &str {
        &self.canonical_request[self.payload.clone()]
    }

    /// Query parameters sorted by name, `encode(name)=encode(value)` joined by `&`: the query
    /// to send.
    pub fn canonical_query_string(&self) -> &str {
        &self.canonical_request[self.query.clone()]
    }

    /// `name:trimmed value\n` for every signed header, sorted by lower-case name.
    pub fn canonical_headers(&self) -> &str {
        &self.canonical_request[self.headers.clone()]
    }

    /// The signed header names, sorted and joined by `;`.
    pub fn signed_headers(&self) -> &str {
        &self.canonical_request[self.signed_headers.clone()]
    }
}

/// The header whose value is the STS token.
const TOKEN_HEADER: &str = "x-acs-security-token";

/// Canonical header lines with the token's value masked.
fn mask_headers(headers: &str) -> String {
    headers
        .split('\n')
        .map(|line| match line.split_once(':') {
            Some((name, _)) if name == TOKEN_HEADER => format!("{name}:***"),
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl std::fmt::Debug for Acs3Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let query = crate::rpc_v1::mask_query(self.canonical_query_string(), "&", "=");
        // Method, path, query, header lines, signed header names, payload hash.
        let request: Vec<String> = self
            .canonical_request
            .split('\n')
            .enumerate()
            .map(|(i, line)| {
                if i == 2 {
                    query.clone()
                } else {
                    mask_headers(line)
                }
            })
            .collect();
        f.debug_struct("Acs3Signature")
            .field("hashed_request_payload", &self.hashed_request_payload())
            .field("canonical_query_string", &query)
            .field("canonical_headers", &mask_headers(self.canonical_headers()))
            .field("signed_headers", &self.signed_headers())
            .field("canonical_request", &request.join("\n"))
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature)
            .field("authorization", &self.authorization)
            .finish()
    }
}

/// Lower-case hex SHA-256 of `body`, for the `x-acs-content-sha256` header.
pub fn hash_payload(body: &[u8]) -> String {
    if body.is_empty() {
        return EMPTY_PAYLOAD_SHA256.to_owned();
    }
    crate::hex::encode(&Sha256::digest(body))
}

/// Signs a request with `ACS3-HMAC-SHA256`.
///
/// - `pathname`: the already-encoded request path (`/` for RPC-style APIs such as ENS; empty
///   means `/`).
/// - `query`: the URL query parameters, unencoded, in any order; sorted by name in byte order.
/// - `headers`: every header to sign, names in any case, values untrimmed. All given headers are
///   signed, as the official SDK does; headers with the same name are combined into one line with
///   their values joined by `,` (the HTTP meaning of a repeated header).
/// - `body`: the exact bytes sent.
pub fn sign<Q, QK, QV, H, HK, HV>(
    method: &str,
    pathname: &str,
    query: Q,
    headers: H,
    body: &[u8],
    access_key_id: &str,
    access_key_secret: &str,
) -> Acs3Signature
where
    Q: IntoIterator<Item = (QK, QV)>,
    QK: AsRef<str>,
    QV: AsRef<str>,
    H: IntoIterator<Item = (HK, HV)>,
    HK: AsRef<str>,
    HV: AsRef<str>,
{
    let query = sorted_by_name(query);
    // By lower-case name; stable, so repeated headers keep their order.
    let headers = sorted_by_name(headers.into_iter().map(|(name, value)| {
        let lowered = lower_case(name.as_ref());
        (HeaderName { lowered, name }, value)
    }));

    let pathname = if pathname.is_empty() { "/" } else { pathname };
    let query_len: usize = query
        .iter()
        .map(|(_, k, v)| k.as_ref().len() + v.as_ref().len() + 2)
        .sum();
    let headers_len: usize = headers
        .iter()
        .map(|(_, name, value)| 2 * name.as_ref().len() + value.as_ref().len() + 3)
        .sum();
    // Room for an escape in every eighth byte of the query; more is rare, and then it grows.
    let mut request = String::with_capacity(
        method.len() + pathname.len() + query_len + query_len / 4 + headers_len + 64 + 8,
    );
    request.push_str(method);
    request.push('\n');
    request.push_str(pathname);
    request.push('\n');

    let start = request.len();
    for (n, (_, k, v)) in query.iter().enumerate() {
        if n > 0 {
            request.push('&');
        }
        encode_into(&mut request, k.as_ref());
        request.push('=');
        encode_into(&mut request, v.as_ref());
    }
    let query_range = start..request.len();
    request.push('\n');

    // One line per header name, repeated headers' values joined by `,`.
    let start = request.len();
    for group in headers.chunk_by(|a, b| a.1.as_ref() == b.1.as_ref()) {
        request.push_str(group[0].1.as_ref());
        request.push(':');
        for (i, (_, _, value)) in group.iter().enumerate() {
            if i > 0 {
                request.push(',');
            }
            request.push_str(value.as_ref().trim());
        }
        request.push('\n');
    }
    let headers_range = start..request.len();
    request.push('\n');

    let start = request.len();
    for (i, group) in headers
        .chunk_by(|a, b| a.1.as_ref() == b.1.as_ref())
        .enumerate()
    {
        if i > 0 {
            request.push(';');
        }
        request.push_str(group[0].1.as_ref());
    }
    let signed_range = start..request.len();
    request.push('\n');

    let start = request.len();
    if body.is_empty() {
        request.push_str(EMPTY_PAYLOAD_SHA256);
    } else {
        crate::hex::encode_into(&mut request, &Sha256::digest(body));
    }
    let payload_range = start..request.len();

    let (string_to_sign, signature) = hash_and_mac(&request, access_key_secret);
    let signed_headers = &request[signed_range.clone()];
    let mut authorization = String::with_capacity(
        ALGORITHM.len() + 40 + access_key_id.len() + signed_headers.len() + signature.len(),
    );
    for part in [
        ALGORITHM,
        " Credential=",
        access_key_id,
        ",SignedHeaders=",
        signed_headers,
        ",Signature=",
        &signature,
    ] {
        authorization.push_str(part);
    }

    Acs3Signature {
        canonical_request: request,
        string_to_sign,
        signature,
        authorization,
        query: query_range,
        headers: headers_range,
        signed_headers: signed_range,
        payload: payload_range,
    }
}

/// A header name as [`sign`] holds it: the lower-case copy if the name needed one, else the
/// name itself.
struct HeaderName<K> {
    lowered: Option<String>,
    name: K,
}

impl<K: AsRef<str>> AsRef<str> for HeaderName<K> {
    fn as_ref(&self) -> &str {
        self.lowered.as_deref().unwrap_or(self.name.as_ref())
    }
}

/// `Some` lower-case copy of `name` if it has upper-case letters (the rare case), else `None`:
/// the name is used as it is.
fn lower_case(name: &str) -> Option<String> {
    name.bytes()
        .any(|b| b.is_ascii_uppercase())
        .then(|| name.to_ascii_lowercase())
}

/// The cryptographic part of a V3 signature, the floor under [`sign`]'s cost: the string to sign
/// (`ACS3-HMAC-SHA256\n` and the hex SHA-256 of `canonical_request`) and the signature (hex
/// HMAC-SHA256 of the string to sign, keyed with the plain secret).
///
/// Public so benchmarks can measure the two SHA-256 passes alone against [`sign`].
pub fn hash_and_mac(canonical_request: &str, access_key_secret: &str) -> (String, String) {
    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + 1 + 64);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    crate::hex::encode_into(
        &mut string_to_sign,
        &Sha256::digest(canonical_request.as_bytes()),
    );

    let mut mac = Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    let signature = crate::hex::encode(&mac.finalize().into_bytes());
    (string_to_sign, signature)
}

/// The headers the client sets on every V3 request, ready to be extended (`user-agent`,
/// `accept`, ...) and passed to [`sign`].
///
/// `content_sha256` is the [`hash_payload`] of the body. `x-acs-security-token` is present only
/// with STS credentials, never as an empty placeholder.
pub fn standard_headers(
    host: &str,
    action: &str,
    version: &str,
    timestamp: SigningTime,
    nonce: &str,
    content_sha256: &str,
    security_token: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut headers = Vec::with_capacity(9);
    standard_headers_into(
        &mut headers,
        host,
        action,
        version,
        timestamp,
        nonce,
        content_sha256,
        security_token,
    );
    headers
}

/// [`standard_headers`] appended to `headers`, which the caller may have sized for the headers
/// it adds next.
#[allow(clippy::too_many_arguments)]
pub fn standard_headers_into(
    headers: &mut Vec<(&'static str, String)>,
    host: &str,
    action: &str,
    version: &str,
    timestamp: SigningTime,
    nonce: &str,
    content_sha256: &str,
    security_token: Option<&str>,
) {
    headers.push(("host", host.to_owned()));
    headers.push(("x-acs-action", action.to_owned()));
    headers.push(("x-acs-version", version.to_owned()));
    headers.push(("x-acs-date", timestamp.utc_text().as_str().to_owned()));
    headers.push(("x-acs-signature-nonce", nonce.to_owned()));
    headers.push(("x-acs-content-sha256", content_sha256.to_owned()));
    if let Some(token) = security_token {
        headers.push(("x-acs-security-token", token.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple(headers: &[(&str, &str)]) -> Acs3Signature {
        sign(
            "POST",
            "/",
            [("B", "a b"), ("A", "*~/+")],
            headers.iter().copied(),
            b"",
            "id",
            "secret",
        )
    }

    #[test]
    fn query_is_sorted_and_rfc3986_encoded() {
        let sig = simple(&[("host", "h")]);
        assert_eq!(sig.canonical_query_string(), "A=%2A~%2F%2B&B=a%20b");
    }

    #[test]
    fn headers_are_lower_cased_trimmed_sorted_and_merged() {
        let sig = simple(&[
            ("X-Acs-Date", " 2024-05-01T08:30:00Z "),
            ("host", "ens.aliyuncs.com"),
            ("x-acs-b", "2"),
            ("x-acs-b", "1"),
        ]);
        assert_eq!(
            sig.canonical_headers(),
            "host:ens.aliyuncs.com\nx-acs-b:2,1\nx-acs-date:2024-05-01T08:30:00Z\n"
        );
        assert_eq!(sig.signed_headers(), "host;x-acs-b;x-acs-date");
        assert!(sig.authorization.starts_with(
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;x-acs-b;x-acs-date,Signature="
        ));
        assert_eq!(sig.signature.len(), 64);
        assert!(sig.authorization.ends_with(&sig.signature));
    }

    #[test]
    fn canonical_request_layout() {
        let sig = sign(
            "GET",
            "",
            Vec::<(&str, &str)>::new(),
            [("host", "h")],
            b"abc",
            "id",
            "secret",
        );
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sig.hashed_request_payload(), abc);
        assert_eq!(
            sig.canonical_request,
            format!("GET\n/\n\nhost:h\n\nhost\n{abc}")
        );
        assert!(sig.string_to_sign.starts_with("ACS3-HMAC-SHA256\n"));
        assert_eq!(sig.string_to_sign.len(), 17 + 64);
    }

    #[test]
    fn empty_payload_constant_is_the_real_hash() {
        assert_eq!(
            crate::hex::encode(&Sha256::digest(b"")),
            EMPTY_PAYLOAD_SHA256
        );
        assert_eq!(hash_payload(b""), EMPTY_PAYLOAD_SHA256);
    }

    #[test]
    fn debug_masks_query_values_and_the_token() {
        let t = SigningTime::from_unix_seconds(1_714_552_200);
        let headers = standard_headers("h", "A", "V", t, "n", EMPTY_PAYLOAD_SHA256, Some("TOK"));
        let sig = sign(
            "POST",
            "/",
            [("Password", "Pa55/word!"), ("InstanceId", "i-1")],
            headers.iter().map(|(k, v)| (*k, v.as_str())),
            b"",
            "id",
            "secret",
        );
        let shown = format!("{sig:?} {sig:#?}");
        for leak in ["TOK", "Pa55", "i-1"] {
            assert!(!shown.contains(leak), "{leak} in {shown}");
        }
        assert!(shown.contains("Password=***"), "{shown}");
        assert!(shown.contains("x-acs-security-token:***"), "{shown}");
        assert!(shown.contains(&sig.signature), "{shown}");
        assert!(sig.canonical_request.contains("x-acs-security-token:TOK"));
    }

    #[test]
    fn standard_headers_carry_security_token_only_with_sts() {
        let t = SigningTime::from_unix_seconds(1_714_552_200);
        let plain = standard_headers(
            "ens.aliyuncs.com",
            "CreateInstance",
            "2017-11-10",
            t,
            "n0",
            EMPTY_PAYLOAD_SHA256,
            None,
        );
        let names: Vec<_> = plain.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "host",
                "x-acs-action",
                "x-acs-version",
                "x-acs-date",
                "x-acs-signature-nonce",
                "x-acs-content-sha256"
            ]
        );
        assert_eq!(plain[3].1, "2024-05-01T08:30:00Z");
        let sts = standard_headers(
            "ens.aliyuncs.com",
            "CreateInstance",
            "2017-11-10",
            t,
            "n0",
            EMPTY_PAYLOAD_SHA256,
            Some("tok"),
        );
        assert_eq!(sts.len(), plain.len() + 1);
        assert!(sts.contains(&("x-acs-security-token", "tok".to_owned())));
    }
}
