//! The optimised canonicalisation of both signers against a straightforward reference written
//! here from the documented rules, on random requests (a fixed seed, so any failure repeats):
//! names sharing long prefixes, duplicates, empty names and values, every kind of byte the
//! encoder treats differently (unreserved, reserved ASCII, `%`, multi-byte UTF-8), lengths on
//! both sides of the encoder's 16-byte blocks, and from none to 80 parameters.

use base64::Engine as _;
use ens_auth::{acs3, rpc_v1};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

#[path = "../../ens-core/tests/support/rng.rs"]
mod rng;
use rng::Rng;

/// Pieces that exercise each path of the encoder.
const PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    "9",
    "-",
    "_",
    ".",
    "~",
    " ",
    "%",
    "&",
    "=",
    "+",
    "*",
    "/",
    ":",
    "?",
    "#",
    "!",
    "'",
    "(",
    "\"",
    "\\",
    "\n",
    "\u{7f}",
    "é",
    "测试",
    "😀",
    "\u{80}",
    "abcdefgh",
    "ABCDEFGHIJKLMNOP",
    "0123456789abcdef0",
    "%2F",
    "%252F",
];

/// Name stems sharing long prefixes, so the sort's 8-byte keys tie and the full names decide.
const STEMS: &[&str] = &[
    "",
    "A",
    "a",
    "Action",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "DataDisk.",
    "DataDisk.1.Size",
    "DataDisk.10.Size",
    "DataDisk.2.Size",
    "InstanceName",
    "InstanceType",
    "é",
    "~",
    "Tag.1.Key",
];

fn text(rng: &mut Rng, max_pieces: usize) -> String {
    let n = rng.below(max_pieces + 1);
    (0..n).map(|_| rng.pick(PIECES)).collect()
}

fn request(rng: &mut Rng) -> Vec<(String, String)> {
    let n = rng.below(81);
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(n);
    for _ in 0..n {
        let name = if !pairs.is_empty() && rng.below(8) == 0 {
            // A repeated name: both values are signed, in their given order.
            pairs[rng.below(pairs.len())].0.clone()
        } else {
            format!("{}{}", rng.pick(STEMS), text(rng, 3))
        };
        let value = text(rng, 12);
        pairs.push((name, value));
    }
    pairs
}

/// RFC 3986: only `A-Z a-z 0-9 - _ . ~` literal, every other UTF-8 byte as `%XX`.
fn reference_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Sorted by name in byte order, equal names in their given order, `name=value` joined by `&`.
fn reference_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", reference_encode(k), reference_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn rpc_v1_matches_the_reference() {
    let mut rng = Rng(0x5EED_0001);
    for case in 0..1500 {
        let pairs = request(&mut rng);
        let secret = text(&mut rng, 4);
        let method = if case % 2 == 0 { "POST" } else { "GET" };
        let sig = rpc_v1::sign(method, pairs.iter().map(|(k, v)| (k, v)), &secret);

        let query = reference_query(&pairs);
        let to_sign = format!(
            "{method}&{}&{}",
            reference_encode("/"),
            reference_encode(&query)
        );
        let mut mac =
            Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).expect("any key");
        mac.update(to_sign.as_bytes());
        let signature =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());

        assert_eq!(sig.canonicalized_query, query, "case {case}: {pairs:?}");
        assert_eq!(sig.string_to_sign, to_sign, "case {case}");
        assert_eq!(sig.signature, signature, "case {case}");
        let signed = sig.signed_query();
        let expected = if query.is_empty() {
            format!("Signature={}", reference_encode(&signature))
        } else {
            format!("{query}&Signature={}", reference_encode(&signature))
        };
        assert_eq!(signed, expected, "case {case}");
    }
}

#[test]
fn acs3_matches_the_reference() {
    let mut rng = Rng(0x5EED_0002);
    let header_names = [
        "host",
        "Host",
        "x-acs-date",
        "X-Acs-Date",
        "x-acs-b",
        "accept",
        "User-Agent",
    ];
    for case in 0..1500 {
        let query = request(&mut rng);
        let headers: Vec<(String, String)> = (0..rng.below(8))
            .map(|_| {
                let name = rng.pick(&header_names).to_owned();
                let value = format!(" {} ", text(&mut rng, 5));
                (name, value)
            })
            .collect();
        let body = text(&mut rng, 3);
        let secret = text(&mut rng, 4);
        let sig = acs3::sign(
            "POST",
            "/",
            query.iter().map(|(k, v)| (k, v)),
            headers.iter().map(|(k, v)| (k, v)),
            body.as_bytes(),
            "id",
            &secret,
        );

        let canonical_query = reference_query(&query);
        // Lower-cased names, trimmed values, one line per name (values joined by `,` in their
        // given order), sorted by name.
        let mut lines: Vec<(String, Vec<String>)> = Vec::new();
        for (k, v) in &headers {
            let name = k.to_ascii_lowercase();
            match lines.iter_mut().find(|(n, _)| *n == name) {
                Some((_, values)) => values.push(v.trim().to_owned()),
                None => lines.push((name, vec![v.trim().to_owned()])),
            }
        }
        lines.sort_by(|a, b| a.0.cmp(&b.0));
        let canonical_headers: String = lines
            .iter()
            .map(|(n, values)| format!("{n}:{}\n", values.join(",")))
            .collect();
        let signed_headers = lines
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(";");
        let payload = hex(&Sha256::digest(body.as_bytes()));
        let canonical_request =
            format!("POST\n/\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload}");
        let to_sign = format!(
            "ACS3-HMAC-SHA256\n{}",
            hex(&Sha256::digest(canonical_request.as_bytes()))
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
        mac.update(to_sign.as_bytes());
        let signature = hex(&mac.finalize().into_bytes());

        assert_eq!(sig.canonical_query_string(), canonical_query, "case {case}");
        assert_eq!(sig.canonical_headers(), canonical_headers, "case {case}");
        assert_eq!(sig.signed_headers(), signed_headers, "case {case}");
        assert_eq!(sig.hashed_request_payload(), payload, "case {case}");
        assert_eq!(sig.canonical_request, canonical_request, "case {case}");
        assert_eq!(sig.string_to_sign, to_sign, "case {case}");
        assert_eq!(sig.signature, signature, "case {case}");
        assert_eq!(
            sig.authorization,
            format!(
                "ACS3-HMAC-SHA256 Credential=id,SignedHeaders={signed_headers},Signature={signature}"
            ),
            "case {case}"
        );
    }
}

#[test]
fn encode_matches_the_reference() {
    let mut rng = Rng(0x5EED_0003);
    for _ in 0..5000 {
        let s = text(&mut rng, 30);
        assert_eq!(ens_auth::encode::encode(&s), reference_encode(&s), "{s:?}");
        let mut appended = String::from("x");
        ens_auth::encode::encode_into(&mut appended, &s);
        assert_eq!(appended, format!("x{}", reference_encode(&s)));
    }
}
