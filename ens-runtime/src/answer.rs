//! Reading answers: what the client checks itself before the operation's type is decoded, and
//! the failures an answer turns into.
//!
//! The fields the client reads (`Code`, `Message`, `RequestId`, `HostId`, `Recommend`, in either
//! spelling, and whether the fields every success carries hold something) are found in one pass
//! over the JSON that builds nothing, and the operation's type is then decoded from the same
//! bytes: no intermediate `serde_json::Value` tree per call.

use std::borrow::Cow;
use std::fmt;

use ens_core::OperationSpec;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::client::Failure;
use crate::dry_run::{Redactor, SignedRequest};
use crate::error::ServiceMeta;
use crate::retry::{Safety, classify_answer};
use crate::service::Service;

/// How many bytes of a body errors keep.
pub(crate) const BODY_KEPT: usize = 8 * 1024;

/// A 2xx answer that reads as a success, not yet decoded into the operation's type.
pub(crate) struct Accepted {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: String,
}

/// At most [`BODY_KEPT`] bytes of `body` as text, secrets masked; `cut` when `body` is only the
/// start of the answer's body.
pub(crate) fn kept_body(redactor: &Redactor, body: &[u8], cut: bool) -> String {
    // Mask only what can be kept, and enough after it that a secret across the end is whole.
    let room = BODY_KEPT.saturating_add(redactor.longest());
    let (mut body, cut) = if body.len() > room {
        (&body[..room], true)
    } else {
        (body, cut)
    };
    // A character cut in two at the end is left out, so a secret's start stays recognisable.
    if let Err(e) = std::str::from_utf8(body)
        && cut
        && e.error_len().is_none()
    {
        body = &body[..e.valid_up_to()];
    }
    let text = String::from_utf8_lossy(body);
    let mut text = if cut {
        redactor.apply_prefix(&text)
    } else {
        redactor.apply(&text).into_owned()
    };
    if text.len() > BODY_KEPT {
        let mut end = BODY_KEPT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// The fields every answer may carry, upper-case spelling first: the official SDKs accept the
/// lower-case ones too (`code`, `message`, `requestId`), and so does this.
const FIELDS: [[&str; 2]; 5] = [
    ["Code", "code"],
    ["Message", "message"],
    ["RequestId", "requestId"],
    ["HostId", "hostId"],
    ["Recommend", "recommend"],
];
const CODE: usize = 0;
const MESSAGE: usize = 1;
const REQUEST_ID: usize = 2;
const HOST_ID: usize = 3;
const RECOMMEND: usize = 4;

/// What one pass over an answer found.
#[derive(Debug, Default)]
struct Scan<'a> {
    /// Per field of [`FIELDS`] and spelling, its text: a string that is not empty, or a number.
    fields: [[Option<Cow<'a, str>>; 2]; 5],
    /// Per name of the operation's `answer_requires`, whether it holds something (bit `i`).
    filled: u64,
}

impl<'a> Scan<'a> {
    /// A field's text, upper-case spelling first.
    fn field(&self, index: usize) -> Option<&str> {
        let [upper, lower] = &self.fields[index];
        upper.as_deref().or(lower.as_deref())
    }

    /// The body as a JSON object and what it says, or why it is not one. `requires` are the
    /// names whose content is checked (at most 64: more are taken as filled).
    fn of(body: &'a [u8], requires: &[&str]) -> Result<Self, String> {
        let mut de = serde_json::Deserializer::from_slice(body);
        let scanned = ScanSeed { requires }
            .deserialize(&mut de)
            .and_then(|scan| de.end().map(|()| scan));
        match scanned {
            Ok(Some(scan)) => Ok(scan),
            Ok(None) => Err("the body is JSON but not an object".to_owned()),
            Err(_) if body.is_empty() => Err("the body is empty".to_owned()),
            Err(e) => Err(format!("the body is not JSON ({e})")),
        }
    }

    /// The first name of `requires` without content.
    fn missing<'r>(&self, requires: &'r [&'r str]) -> Option<&'r str> {
        requires
            .iter()
            .take(64)
            .enumerate()
            .find(|(i, _)| self.filled & (1 << i) == 0)
            .map(|(_, name)| *name)
    }
}

/// Scans an object; `None` for any other JSON value.
struct ScanSeed<'r> {
    requires: &'r [&'r str],
}

impl<'de> DeserializeSeed<'de> for ScanSeed<'_> {
    type Value = Option<Scan<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Scan<'de>>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScanSeed<'_> {
    type Value = Option<Scan<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Scan<'de>>, A::Error> {
        let mut scan = Scan::default();
        while let Some(Key(key)) = map.next_key()? {
            let known = FIELDS.iter().enumerate().find_map(|(i, spellings)| {
                spellings
                    .iter()
                    .position(|s| *s == key)
                    .map(|spelling| (i, spelling))
            });
            if let Some((i, spelling)) = known {
                scan.fields[i][spelling] = map.next_value_seed(TextSeed)?;
            } else if let Some(i) = self.requires.iter().take(64).position(|n| *n == key) {
                if map.next_value_seed(ContentSeed)? {
                    scan.filled |= 1 << i;
                } else {
                    scan.filled &= !(1 << i);
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Some(scan))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Scan<'de>>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Option<Scan<'de>>, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Option<Scan<'de>>, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Option<Scan<'de>>, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Option<Scan<'de>>, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Option<Scan<'de>>, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Option<Scan<'de>>, E> {
        Ok(None)
    }
}

/// An object's key, borrowed from the body when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A field's text, whichever JSON type the service used for it: a string that is not empty, or
/// a number as written by `serde_json`; anything else is no text.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Option<Cow<'de, str>>, E> {
        Ok((!s.is_empty()).then_some(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Option<Cow<'de, str>>, E> {
        Ok((!s.is_empty()).then(|| Cow::Owned(s.to_owned())))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Option<Cow<'de, str>>, E> {
        Ok(Some(Cow::Owned(n.to_string())))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Option<Cow<'de, str>>, E> {
        Ok(Some(Cow::Owned(n.to_string())))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Option<Cow<'de, str>>, E> {
        Ok(serde_json::Number::from_f64(n).map(|n| Cow::Owned(n.to_string())))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Option<Cow<'de, str>>, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Option<Cow<'de, str>>, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Cow<'de, str>>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Cow<'de, str>>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// Whether a value holds something: not null, not empty text, not an array or object with
/// nothing in it (`{"InstanceId": []}` is empty too).
struct ContentSeed;

impl<'de> DeserializeSeed<'de> for ContentSeed {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ContentSeed {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, s: &str) -> Result<bool, E> {
        Ok(!s.is_empty())
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut any = false;
        while let Some(filled) = seq.next_element_seed(ContentSeed)? {
            any |= filled;
        }
        Ok(any)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut any = false;
        while map.next_key::<IgnoredAny>()?.is_some() {
            any |= map.next_value_seed(ContentSeed)?;
        }
        Ok(any)
    }
}

/// Whether a 2xx answer's `Code` means success: the reference says `0` (an integer through the
/// SDKs, a string over HTTP); one reference gives `200` as its example.
fn is_success_code(code: &str) -> bool {
    matches!(code, "0" | "200")
}

/// The service's error `code` in an answer of `scan`, as a failure with its retry safety.
fn service_error(
    scan: &Scan<'_>,
    service: &Service,
    status: u16,
    code: &str,
    signed: &SignedRequest,
) -> (Failure, Safety) {
    let redactor = &signed.redactor;
    let masked = |i: usize| scan.field(i).map(|v| redactor.apply(v).into_owned());
    let code = redactor.apply(code).into_owned();
    let safety = classify_answer(service, status, Some(&code));
    let client_string_to_sign = (code == "SignatureDoesNotMatch").then(|| {
        let mut s = signed.redacted_string_to_sign();
        if let Some(canonical) = signed.redacted_canonical_request() {
            s.push_str("\n  client canonical request:\n");
            s.push_str(&canonical);
        }
        s
    });
    let failure = Failure::Service(Box::new(ServiceMeta {
        http_status: status,
        code,
        message: masked(MESSAGE).unwrap_or_default(),
        request_id: masked(REQUEST_ID),
        host_id: masked(HOST_ID),
        recommend: masked(RECOMMEND),
        client_string_to_sign,
        server_time: None,
    }));
    (failure, safety)
}

/// Reads a 2xx answer: a success only if it is a JSON object with a `RequestId`, no error
/// `Code`, and every field the operation's successes carry.
pub(crate) fn success_answer(
    service: &Service,
    spec: &OperationSpec,
    status: u16,
    body: Vec<u8>,
    signed: &SignedRequest,
) -> Result<Accepted, (Failure, Safety)> {
    let redactor = &signed.redactor;
    let unreadable = |reason: String, request_id: Option<String>| {
        let failure = Failure::Unreadable {
            status,
            body: kept_body(redactor, &body, false),
            reason: redactor.apply(&reason).into_owned(),
            request_id,
        };
        (failure, Safety::AnsweredUnreadable)
    };
    let scan = match Scan::of(&body, spec.answer_requires) {
        Ok(scan) => scan,
        Err(reason) => return Err(unreadable(reason, None)),
    };
    if let Some(code) = scan.field(CODE).filter(|c| !is_success_code(c)) {
        return Err(service_error(&scan, service, status, code, signed));
    }
    let Some(request_id) = scan
        .field(REQUEST_ID)
        .map(|id| redactor.apply(id).into_owned())
    else {
        return Err(unreadable(
            "the answer has no RequestId, which every answer of the service carries".to_owned(),
            None,
        ));
    };
    if let Some(missing) = scan.missing(spec.answer_requires) {
        let reason = format!(
            "the answer has no {missing}, which every successful {} carries",
            spec.action
        );
        return Err(unreadable(reason, Some(request_id)));
    }
    drop(scan);
    Ok(Accepted {
        status,
        body,
        request_id,
    })
}

/// Turns a non-2xx answer into a failure and its retry safety.
pub(crate) fn error_answer(
    service: &Service,
    status: u16,
    body: &[u8],
    signed: &SignedRequest,
) -> (Failure, Safety) {
    let redactor = &signed.redactor;
    let unreadable = |reason: String, request_id: Option<String>| {
        let failure = Failure::Unreadable {
            status,
            body: kept_body(redactor, body, false),
            reason,
            request_id,
        };
        (failure, classify_answer(service, status, None))
    };
    let scan = match Scan::of(body, &[]) {
        Ok(scan) => scan,
        Err(reason) => return unreadable(reason, None),
    };
    match scan.field(CODE) {
        Some(code) => service_error(&scan, service, status, code, signed),
        None => {
            let request_id = scan
                .field(REQUEST_ID)
                .map(|id| redactor.apply(id).into_owned());
            unreadable("the error body has no Code".to_owned(), request_id)
        }
    }
}

/// A success body that does not decode into the operation's response type: for an operation
/// that is not read-only, its outcome is unknown.
pub(crate) fn undecodable(
    spec: &OperationSpec,
    accepted: Accepted,
    reason: &str,
    redactor: &Redactor,
) -> Failure {
    let failure = Failure::Unreadable {
        status: accepted.status,
        body: kept_body(redactor, &accepted.body, false),
        reason: redactor
            .apply(&format!("the body is not the expected JSON ({reason})"))
            .into_owned(),
        request_id: Some(accepted.request_id),
    };
    if spec.read_only {
        failure
    } else {
        Failure::OutcomeUnknown(Box::new(failure))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_bodies_are_bounded_and_never_end_in_part_of_a_secret() {
        let mut r = Redactor::default();
        r.add("Pässwort-99!");
        // A secret across the end of what is kept is masked whole.
        let body = format!(
            "{}Pässwort-99!{}",
            "a".repeat(BODY_KEPT - 4),
            "b".repeat(50_000)
        );
        let kept = kept_body(&r, body.as_bytes(), false);
        assert!(
            kept.len() <= BODY_KEPT && !kept.contains("Pä"),
            "{}",
            &kept[BODY_KEPT - 10..]
        );
        // A body cut in the middle of a multi-byte character of a secret.
        let cut = "xyz Pä".as_bytes();
        let kept = kept_body(&r, &cut[..cut.len() - 1], true);
        assert_eq!(kept, "xyz ***");
    }

    #[test]
    fn success_codes() {
        assert!(is_success_code("0") && is_success_code("200"));
        assert!(!is_success_code("1") && !is_success_code("InvalidParameter"));
    }

    /// The code, the RequestId, and the first required name without content.
    type Found = (Option<String>, Option<String>, Option<&'static str>);

    /// What the scan says about `body`.
    fn scan(body: &str, requires: &[&'static str]) -> Result<Found, String> {
        let scan = Scan::of(body.as_bytes(), requires)?;
        let missing = requires
            .iter()
            .copied()
            .find(|name| Some(*name) == scan.missing(requires));
        Ok((
            scan.field(CODE).map(str::to_owned),
            scan.field(REQUEST_ID).map(str::to_owned),
            missing,
        ))
    }

    #[test]
    fn one_pass_reads_what_the_client_checks() {
        let ids = &["InstanceIds"];
        // Codes as strings or numbers, either spelling, upper-case first.
        assert_eq!(
            scan(
                r#"{"Code":0,"RequestId":"R","InstanceIds":{"InstanceId":["i-1"]}}"#,
                ids
            ),
            Ok((Some("0".into()), Some("R".into()), None))
        );
        assert_eq!(
            scan(r#"{"code":"X","Code":"Y","requestId":"r"}"#, &[]),
            Ok((Some("Y".into()), Some("r".into()), None))
        );
        assert_eq!(
            scan(r#"{"Code":200.5}"#, &[]).unwrap().0.as_deref(),
            Some("200.5")
        );
        assert_eq!(
            scan(r#"{"Code":"","RequestId":null}"#, &[]),
            Ok((None, None, None))
        );
        assert_eq!(
            scan(r#"{"Code":true,"RequestId":[1]}"#, &[]),
            Ok((None, None, None))
        );
        // Escaped text is decoded.
        assert_eq!(
            scan(r#"{"RequestId":"a\"b\u0041"}"#, &[])
                .unwrap()
                .1
                .as_deref(),
            Some("a\"bA")
        );
        // Content: empty lists and objects, nested, do not count; anything else does.
        for (body, filled) in [
            (r#"{"InstanceIds":{"InstanceId":[]}}"#, false),
            (r#"{"InstanceIds":{"InstanceId":[[],{},""]}}"#, false),
            (r#"{"InstanceIds":null}"#, false),
            (r#"{"InstanceIds":""}"#, false),
            (r#"{}"#, false),
            (r#"{"InstanceIds":{"InstanceId":["i-1"]}}"#, true),
            (r#"{"InstanceIds":["i-1"]}"#, true),
            (r#"{"InstanceIds":0}"#, true),
            (r#"{"InstanceIds":false}"#, true),
            (r#"{"InstanceIds":["i-1"],"InstanceIds":[]}"#, false),
        ] {
            let missing = scan(body, ids).unwrap().2;
            assert_eq!(missing.is_none(), filled, "{body}");
        }
        // Not an object, not JSON, trailing bytes, empty.
        for (body, reason) in [
            ("[]", "not an object"),
            ("\"x\"", "not an object"),
            ("7", "not an object"),
            (r#"{"RequestId":"R","#, "not JSON"),
            (r#"{"RequestId":"R"} x"#, "not JSON"),
            ("<html>", "not JSON"),
            ("", "empty"),
        ] {
            let err = scan(body, ids).unwrap_err();
            assert!(err.contains(reason), "{body}: {err}");
        }
    }
}
