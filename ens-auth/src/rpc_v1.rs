//! RPC signature 1.0 (`SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`).
//!
//! The signature covers every parameter sent (common ones included), so the caller first merges
//! the operation's wire parameters with [`common_params`], then calls [`sign`], then sends
//! [`RpcSignature::signed_query`]: the canonical query is already the correctly encoded wire form.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::SigningTime;
use crate::encode::{encode_into, encode_once_and_twice, sorted_by_name};

/// Name of the wire parameter that carries [`RpcSignature::signature`].
pub const SIGNATURE_PARAM: &str = "Signature";

/// Every stage of an RPC 1.0 signature, kept so a mismatch against the server or a vector shows
/// where the computation diverged.
///
/// `Debug` masks every parameter value but those of the common parameters, which are never
/// secret: the signer cannot know which operation parameters are (passwords), and the STS token
/// is among them. The fields themselves hold the real strings.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RpcSignature {
    /// Parameters sorted by name (byte order), each `encode(name)=encode(value)`, joined by `&`.
    pub canonicalized_query: String,
    /// `METHOD&%2F&` followed by the encoding of [`Self::canonicalized_query`].
    pub string_to_sign: String,
    /// Base64 (standard alphabet, padded) of HMAC-SHA1 keyed with `secret + "&"`.
    pub signature: String,
}

impl std::fmt::Debug for RpcSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The string to sign is `METHOD&%2F&` and the canonical query encoded once more.
        let masked_to_sign = match self.string_to_sign.split_once("&%2F&") {
            Some((method, query)) => format!("{method}&%2F&{}", mask_query(query, "%26", "%3D")),
            None => MASK.to_owned(),
        };
        f.debug_struct("RpcSignature")
            .field(
                "canonicalized_query",
                &mask_query(&self.canonicalized_query, "&", "="),
            )
            .field("string_to_sign", &masked_to_sign)
            .field("signature", &self.signature)
            .finish()
    }
}

/// Shown instead of a masked value.
const MASK: &str = "***";

/// The parameters whose values `Debug` of a signature shows: the common ones, none secret.
const SHOWN: &[&str] = &[
    "AccessKeyId",
    "Action",
    "Format",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// `query` (`name=value` pairs joined by `sep`, name and value split by `eq`) with the value of
/// every parameter but the [`SHOWN`] ones replaced by `***`.
pub(crate) fn mask_query(query: &str, sep: &str, eq: &str) -> String {
    query
        .split(sep)
        .map(|pair| match pair.split_once(eq) {
            Some((name, _)) if SHOWN.contains(&name) => pair.to_owned(),
            Some((name, _)) => format!("{name}{eq}{MASK}"),
            None => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(sep)
}

impl RpcSignature {
    /// The query string to send: the canonical query plus `&Signature=...`.
    ///
    /// Sending the canonical form itself guarantees the server sees exactly what was signed.
    pub fn signed_query(&self) -> String {
        let mut out = String::with_capacity(
            self.canonicalized_query.len() + 11 + crate::encode::encoded_len(&self.signature),
        );
        out.push_str(&self.canonicalized_query);
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(SIGNATURE_PARAM);
        out.push('=');
        encode_into(&mut out, &self.signature);
        out
    }
}

/// Signs a request with RPC signature 1.0.
///
/// `params` are all the wire parameters that will be sent except `Signature`; order does not
/// matter (they are sorted by name in byte order, as the server does). Parameters with equal names
/// are all kept, in their given order. `method` is used verbatim (normally `GET` or `POST`).
///
/// Allocates the sort buffer and the three result strings, each once, sized for the worst case.
pub fn sign<I, K, V>(method: &str, params: I, access_key_secret: &str) -> RpcSignature
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let pairs = sorted_by_name(params);
    let raw_len: usize = pairs
        .iter()
        .map(|(_, k, v)| k.as_ref().len() + v.as_ref().len())
        .sum();
    // One `=` per pair and one `&` between pairs.
    let separators = (2 * pairs.len()).saturating_sub(1);
    // Room for an escape in every eighth byte: more is rare, and then the buffers grow. Sizing
    // for the worst case (3 and 5 times the input) made both buffers large allocations (1 KiB
    // and up), which cost the allocator more per signature than the encoding itself.
    let escapes = raw_len / 8;
    let mut canonicalized_query = String::with_capacity(raw_len + 2 * escapes + separators);
    let mut string_to_sign = String::with_capacity(
        method.len() + 5 + canonicalized_query.capacity() + 2 * (escapes + separators),
    );
    string_to_sign.push_str(method);
    string_to_sign.push_str("&%2F&");
    for (n, (_, k, v)) in pairs.iter().enumerate() {
        if n > 0 {
            canonicalized_query.push('&');
            string_to_sign.push_str("%26");
        }
        encode_once_and_twice(&mut canonicalized_query, &mut string_to_sign, k.as_ref());
        canonicalized_query.push('=');
        string_to_sign.push_str("%3D");
        encode_once_and_twice(&mut canonicalized_query, &mut string_to_sign, v.as_ref());
    }
    let signature = hmac_sha1_base64(access_key_secret, string_to_sign.as_bytes());
    RpcSignature {
        canonicalized_query,
        string_to_sign,
        signature,
    }
}

/// Base64 of HMAC-SHA1 over `message` keyed with `secret + "&"`.
///
/// Public so the cost of the MAC alone can be measured against [`sign`]. The key is assembled on
/// the stack for secrets of ordinary length, saving an allocation per signature.
pub fn hmac_sha1_base64(secret: &str, message: &[u8]) -> String {
    let mut stack = [0u8; 128];
    let heap;
    let key: &[u8] = if secret.len() < stack.len() {
        stack[..secret.len()].copy_from_slice(secret.as_bytes());
        stack[secret.len()] = b'&';
        &stack[..=secret.len()]
    } else {
        heap = [secret.as_bytes(), b"&"].concat();
        &heap
    };
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    let digest = mac.finalize().into_bytes();
    STANDARD.encode(digest)
}

/// The common parameters every RPC 1.0 request carries, for merging with the operation's own
/// parameters before [`sign`]; in name order.
///
/// `SecurityToken` is included only when `security_token` is given (STS credentials), never as an
/// empty placeholder. `Format` is always JSON because that is the only response format the client
/// decodes.
pub fn common_params(
    action: &str,
    version: &str,
    access_key_id: &str,
    security_token: Option<&str>,
    timestamp: SigningTime,
    nonce: &str,
) -> Vec<(&'static str, String)> {
    let timestamp = timestamp.utc_text();
    let mut params = Vec::with_capacity(9);
    params.extend(
        named_common_pairs(
            action,
            version,
            access_key_id,
            security_token,
            &timestamp,
            nonce,
        )
        .map(|(name, value)| (name, value.to_owned())),
    );
    params
}

/// [`common_params`] borrowed, for passing to [`sign`] without copying: `timestamp` is the wire
/// form of the signing time ([`SigningTime::utc_text`]).
pub fn common_pairs<'a>(
    action: &'a str,
    version: &'a str,
    access_key_id: &'a str,
    security_token: Option<&'a str>,
    timestamp: &'a str,
    nonce: &'a str,
) -> impl Iterator<Item = (&'a str, &'a str)> + Clone {
    /// The names are `'static`; callers chain the pairs with others of shorter lifetimes.
    fn borrowed<'a>(pair: (&'static str, &'a str)) -> (&'a str, &'a str) {
        pair
    }
    named_common_pairs(
        action,
        version,
        access_key_id,
        security_token,
        timestamp,
        nonce,
    )
    .map(borrowed)
}

/// The common parameters in name order, as they are signed: merged with parameters that are in
/// order too (as `Params` keeps them), the signer's sort has nothing to move.
fn named_common_pairs<'a>(
    action: &'a str,
    version: &'a str,
    access_key_id: &'a str,
    security_token: Option<&'a str>,
    timestamp: &'a str,
    nonce: &'a str,
) -> impl Iterator<Item = (&'static str, &'a str)> + Clone {
    [
        Some(("AccessKeyId", access_key_id)),
        Some(("Action", action)),
        Some(("Format", "JSON")),
        security_token.map(|token| ("SecurityToken", token)),
        Some(("SignatureMethod", "HMAC-SHA1")),
        Some(("SignatureNonce", nonce)),
        Some(("SignatureVersion", "1.0")),
        Some(("Timestamp", timestamp)),
        Some(("Version", version)),
    ]
    .into_iter()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example from Alibaba's signature documentation.
    #[test]
    fn documentation_example() {
        let params = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ];
        // Order of input must not matter.
        let sig = sign("GET", params.iter().rev().copied(), "testsecret");
        assert_eq!(sig.signature, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
        assert!(
            sig.string_to_sign
                .starts_with("GET&%2F&AccessKeyId%3Dtestid%26")
        );
        assert_eq!(
            sig.signed_query(),
            format!(
                "{}&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D",
                sig.canonicalized_query
            )
        );
    }

    #[test]
    fn values_are_encoded_once_in_query_twice_in_string_to_sign() {
        let sig = sign(
            "POST",
            [("B", "a b"), ("A", "x*y~z/+"), ("C", "é"), ("D", "")],
            "s",
        );
        assert_eq!(
            sig.canonicalized_query,
            "A=x%2Ay~z%2F%2B&B=a%20b&C=%C3%A9&D="
        );
        assert_eq!(
            sig.string_to_sign,
            "POST&%2F&A%3Dx%252Ay~z%252F%252B%26B%3Da%2520b%26C%3D%25C3%25A9%26D%3D"
        );
    }

    #[test]
    fn sorting_is_byte_order_not_numeric() {
        let sig = sign(
            "GET",
            [("a.2", "2"), ("a.10", "10"), ("a.1", "1"), ("B", "b")],
            "s",
        );
        assert_eq!(sig.canonicalized_query, "B=b&a.1=1&a.10=10&a.2=2");
        // Names sharing a long prefix, and duplicates, which keep their given order.
        let sig = sign(
            "GET",
            [
                ("SignatureVersion", "1.0"),
                ("dup", "2"),
                ("SignatureMethod", "m"),
                ("dup", "1"),
                ("SignatureNonce", "n"),
                ("Signature", "x"),
            ],
            "s",
        );
        assert_eq!(
            sig.canonicalized_query,
            "Signature=x&SignatureMethod=m&SignatureNonce=n&SignatureVersion=1.0&dup=2&dup=1"
        );
    }

    #[test]
    fn accepts_maps_and_owned_pairs() {
        let map: std::collections::BTreeMap<String, String> =
            [("k".to_owned(), "v".to_owned())].into_iter().collect();
        let from_map = sign("GET", &map, "s");
        let from_vec = sign("GET", vec![("k".to_owned(), "v".to_owned())], "s");
        assert_eq!(from_map, from_vec);
        let empty = sign("GET", Vec::<(&str, &str)>::new(), "s");
        assert_eq!(empty.canonicalized_query, "");
        assert_eq!(empty.string_to_sign, "GET&%2F&");
        assert_eq!(
            empty.signed_query(),
            "Signature=".to_owned() + &crate::encode::encode(&empty.signature)
        );
    }

    #[test]
    fn long_secrets_use_the_same_key_construction() {
        let long = "x".repeat(300);
        let direct = {
            let mut mac = Hmac::<Sha1>::new_from_slice(format!("{long}&").as_bytes())
                .expect("any key length");
            mac.update(b"msg");
            STANDARD.encode(mac.finalize().into_bytes())
        };
        assert_eq!(hmac_sha1_base64(&long, b"msg"), direct);
        let edge = "y".repeat(127);
        let direct_edge = {
            let mut mac = Hmac::<Sha1>::new_from_slice(format!("{edge}&").as_bytes())
                .expect("any key length");
            mac.update(b"msg");
            STANDARD.encode(mac.finalize().into_bytes())
        };
        assert_eq!(hmac_sha1_base64(&edge, b"msg"), direct_edge);
    }

    #[test]
    fn debug_masks_operation_values_and_the_token() {
        let t = SigningTime::from_unix_seconds(1_714_552_200);
        let mut params =
            common_params("ReinitInstance", "2017-11-10", "id", Some("TOK/en"), t, "n");
        params.push(("Password", "Pa55/word!".to_owned()));
        let sig = sign("POST", params.iter().map(|(k, v)| (*k, v.as_str())), "s");
        let shown = format!("{sig:?} {sig:#?}");
        for leak in ["TOK", "Pa55", "Pa55%2Fword", "Pa55%252Fword"] {
            assert!(!shown.contains(leak), "{leak} in {shown}");
        }
        assert!(
            shown.contains("Password=***") && shown.contains("Password%3D***"),
            "{shown}"
        );
        assert!(shown.contains("Action=ReinitInstance"), "{shown}");
        assert!(shown.contains(&sig.signature), "{shown}");
        assert!(
            sig.string_to_sign.contains("Pa55%252Fword"),
            "the fields keep real values"
        );
    }

    #[test]
    fn common_params_carry_security_token_only_with_sts() {
        let t = SigningTime::from_unix_seconds(1_714_552_200);
        let plain = common_params("CreateInstance", "2017-11-10", "id", None, t, "n0");
        assert!(plain.iter().all(|(k, _)| *k != "SecurityToken"));
        let names: Vec<_> = plain.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "AccessKeyId",
                "Action",
                "Format",
                "SignatureMethod",
                "SignatureNonce",
                "SignatureVersion",
                "Timestamp",
                "Version",
            ]
        );
        let sts_names: Vec<_> =
            common_params("CreateInstance", "2017-11-10", "id", Some("t"), t, "n0")
                .into_iter()
                .map(|(k, _)| k)
                .collect();
        assert!(sts_names.is_sorted(), "{sts_names:?}");
        let get =
            |p: &[(&str, String)], k: &str| p.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
        assert_eq!(
            get(&plain, "Timestamp").as_deref(),
            Some("2024-05-01T08:30:00Z")
        );
        assert_eq!(get(&plain, "Format").as_deref(), Some("JSON"));
        assert_eq!(get(&plain, "SignatureNonce").as_deref(), Some("n0"));

        let sts = common_params("CreateInstance", "2017-11-10", "id", Some("tok"), t, "n0");
        assert_eq!(get(&sts, "SecurityToken").as_deref(), Some("tok"));
        assert_eq!(sts.len(), plain.len() + 1);
    }
}
