//! Signature verification: the emulator recomputes each signature from the request as received,
//! with ens-auth's pure signers, in the service's order of checks.

use crate::errors::ApiError;
use crate::request::{HttpRequest, RpcCall};
use ens_auth::{acs3, rpc_v1};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// Which signature a request carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignatureVersion {
    /// RPC signature 1.0 (HMAC-SHA1, `Signature` parameter).
    RpcV1,
    /// Signature V3 (`ACS3-HMAC-SHA256`, `Authorization` header).
    Acs3,
}

/// An AccessKey pair the emulator accepts, and the account it belongs to.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    id: String,
    secret: String,
    account: String,
    security_token: Option<String>,
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"***")
            .field("account", &self.account)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "***"),
            )
            .finish()
    }
}

impl AccessKey {
    /// A key pair of its own account (named after the key id).
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        let id = id.into();
        Self {
            account: id.clone(),
            id,
            secret: secret.into(),
            security_token: None,
        }
    }

    /// The same key in `account` (keys of one account, like RAM users, share its resources).
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = account.into();
        self
    }

    /// The same key as STS credentials: requests must carry this token.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// The AccessKey ID.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The AccessKey secret.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The account it belongs to.
    pub fn account_id(&self) -> &str {
        &self.account
    }

    /// Reads `ID:SECRET[:ACCOUNT]`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, ':');
        let (id, secret) = (parts.next()?, parts.next()?);
        if id.is_empty() || secret.is_empty() {
            return None;
        }
        let key = Self::new(id, secret);
        Some(match parts.next() {
            Some(account) if !account.is_empty() => key.account(account),
            _ => key,
        })
    }
}

/// Who sent an authenticated request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) key_id: String,
    pub(crate) account: String,
    pub(crate) version: SignatureVersion,
}

/// Nonces seen per key, kept as long as a timestamp stays acceptable.
#[derive(Debug, Default)]
pub(crate) struct Nonces {
    seen: HashMap<String, i64>,
    inserts: u64,
}

impl Nonces {
    /// Records `nonce` for `key`; `false` if it was used within the window.
    fn record(&mut self, key: &str, nonce: &str, now_secs: i64, window_secs: i64) -> bool {
        self.inserts += 1;
        if self.inserts.is_multiple_of(1024) {
            self.seen.retain(|_, expiry| *expiry > now_secs);
        }
        let entry = format!("{key}\n{nonce}");
        match self.seen.get(&entry) {
            Some(expiry) if *expiry > now_secs => false,
            _ => {
                self.seen.insert(entry, now_secs + window_secs);
                true
            }
        }
    }
}

/// What the time checks need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimeWindow {
    pub(crate) now_secs: i64,
    pub(crate) window_secs: i64,
}

/// Which signature the request claims, from its shape.
pub(crate) fn signature_version(req: &HttpRequest, call: &RpcCall) -> Option<SignatureVersion> {
    if req
        .header("authorization")
        .is_some_and(|a| a.trim_start().starts_with(acs3::ALGORITHM))
    {
        Some(SignatureVersion::Acs3)
    } else if call.param("Signature").is_some() {
        Some(SignatureVersion::RpcV1)
    } else {
        None
    }
}

/// Verifies the request's signature: missing fields, key, timestamp format and age, signature,
/// security token, then nonce (recorded once authenticated, so resent bytes are refused).
pub(crate) fn authenticate(
    req: &HttpRequest,
    call: &RpcCall,
    keys: &[AccessKey],
    nonces: &mut Nonces,
    time: TimeWindow,
) -> Result<Caller, ApiError> {
    let incomplete = |what: &str| {
        ApiError::documented("", "IncompleteSignature", None)
            .recommend(format!("ens-emulator: {what}"))
    };
    let version = signature_version(req, call).ok_or_else(|| {
        incomplete("the request is not signed: no Signature parameter (RPC 1.0) and no ACS3-HMAC-SHA256 Authorization header")
    })?;
    let (key_id, timestamp, nonce, token, claimed) = match version {
        SignatureVersion::RpcV1 => {
            for (name, want) in [
                ("SignatureMethod", "HMAC-SHA1"),
                ("SignatureVersion", "1.0"),
            ] {
                if call.param(name) != Some(want) {
                    return Err(incomplete(&format!("{name} must be {want}")));
                }
            }
            let need = |name: &str| {
                call.param(name)
                    .ok_or_else(|| incomplete(&format!("{name} is missing")))
            };
            (
                need("AccessKeyId")?.to_owned(),
                need("Timestamp")?.to_owned(),
                need("SignatureNonce")?.to_owned(),
                call.param("SecurityToken").map(str::to_owned),
                need("Signature")?.to_owned(),
            )
        }
        SignatureVersion::Acs3 => {
            let auth = parse_authorization(req.header("authorization").unwrap_or_default())
                .ok_or_else(|| incomplete("the Authorization header must be `ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...`"))?;
            let need = |name: &str| {
                req.header(name)
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| incomplete(&format!("header {name} is missing")))
            };
            (
                auth.credential,
                need("x-acs-date")?.to_owned(),
                need("x-acs-signature-nonce")?.to_owned(),
                req.header("x-acs-security-token").map(str::to_owned),
                auth.signature,
            )
        }
    };
    let key = keys
        .iter()
        .find(|k| k.id == key_id)
        .ok_or_else(|| ApiError::documented("", "InvalidAccessKeyId.NotFound", None))?;
    let sent = crate::clock::parse_iso(&timestamp).ok_or_else(|| {
        ApiError::documented("", "InvalidTimeStamp.Format", None).recommend(format!(
            "ens-emulator: {timestamp:?} is not yyyy-MM-ddTHH:mm:ssZ"
        ))
    })?;
    if (sent - time.now_secs).abs() > time.window_secs {
        return Err(ApiError::documented("", "InvalidTimeStamp.Expired", None).recommend(format!(
            "ens-emulator: the request was signed at {timestamp}, {} s from the emulator's clock (at most {} s allowed)",
            sent - time.now_secs,
            time.window_secs
        )));
    }
    let (expected, string_to_sign) = match version {
        SignatureVersion::RpcV1 => {
            let pairs = call
                .query
                .iter()
                .chain(&call.form)
                .filter(|(k, _)| k != rpc_v1::SIGNATURE_PARAM)
                .map(|(k, v)| (k.as_str(), v.as_str()));
            let sig = rpc_v1::sign(&req.method, pairs, &key.secret);
            (sig.signature, sig.string_to_sign)
        }
        SignatureVersion::Acs3 => {
            let auth = parse_authorization(req.header("authorization").unwrap_or_default())
                .ok_or_else(|| incomplete("malformed Authorization header"))?;
            let headers: Vec<(String, String)> = auth
                .signed_headers
                .iter()
                .map(|name| (name.clone(), req.header_values(name).join(",")))
                .collect();
            let path = if req.path.is_empty() {
                "/"
            } else {
                req.path.as_str()
            };
            let query = call.query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
            let headers = headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
            let sig = acs3::sign(
                &req.method,
                path,
                query,
                headers,
                &req.body,
                &key.id,
                &key.secret,
            );
            (sig.signature, sig.string_to_sign)
        }
    };
    if !constant_time_eq(expected.as_bytes(), claimed.as_bytes()) {
        let mut e = ApiError::documented("", "SignatureDoesNotMatch", None);
        e.message = format!("{} server string to sign is:{string_to_sign}", e.message);
        return Err(e.recommend("ens-emulator: the signature was recomputed from the request as received (method, query, form body, signed headers); compare the string to sign with the client's"));
    }
    match (&key.security_token, &token) {
        (None, None) => {}
        (Some(want), Some(got)) if constant_time_eq(want.as_bytes(), got.as_bytes()) => {}
        (None, Some(_)) => {
            return Err(ApiError::documented(
                "",
                "InvalidSecurityToken.Malformed",
                None,
            ));
        }
        _ => {
            return Err(ApiError::documented(
                "",
                "InvalidSecurityToken.MismatchWithAccessKey",
                None,
            ));
        }
    }
    if !nonces.record(&key.id, &nonce, time.now_secs, time.window_secs) {
        return Err(ApiError::documented("", "SignatureNonceUsed", None));
    }
    Ok(Caller {
        key_id: key.id.clone(),
        account: key.account.clone(),
        version,
    })
}

struct Authorization {
    credential: String,
    signed_headers: Vec<String>,
    signature: String,
}

/// `ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=a;b,Signature=hex`.
fn parse_authorization(value: &str) -> Option<Authorization> {
    let rest = value.trim().strip_prefix(acs3::ALGORITHM)?.trim_start();
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(v.to_owned()),
            "SignedHeaders" => {
                signed = Some(
                    v.split(';')
                        .map(|h| h.trim().to_ascii_lowercase())
                        .collect(),
                )
            }
            "Signature" => signature = Some(v.to_owned()),
            _ => {}
        }
    }
    Some(Authorization {
        credential: credential.filter(|c| !c.is_empty())?,
        signed_headers: signed?,
        signature: signature?,
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_keys_parse_and_hide_secrets() {
        let k = AccessKey::parse("LTAIid:s3cret:acct-1").expect("valid");
        assert_eq!(
            (k.id(), k.secret(), k.account_id()),
            ("LTAIid", "s3cret", "acct-1")
        );
        assert_eq!(
            AccessKey::parse("id:sec").expect("valid").account_id(),
            "id"
        );
        assert!(AccessKey::parse("nosecret").is_none());
        assert!(AccessKey::parse(":x").is_none());
        let debug = format!("{:?}", k.with_security_token("tok-123"));
        assert!(
            !debug.contains("s3cret") && !debug.contains("tok-123"),
            "{debug}"
        );
    }

    #[test]
    fn nonces_expire_after_the_window() {
        let mut n = Nonces::default();
        assert!(n.record("k", "a", 100, 900));
        assert!(!n.record("k", "a", 200, 900));
        assert!(n.record("other-key", "a", 200, 900));
        assert!(n.record("k", "a", 1001, 900));
    }

    #[test]
    fn authorization_header() {
        let a = parse_authorization(
            "ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=host;X-Acs-Date,Signature=ab12",
        )
        .expect("valid");
        assert_eq!(
            (a.credential.as_str(), a.signature.as_str()),
            ("ID", "ab12")
        );
        assert_eq!(a.signed_headers, ["host", "x-acs-date"]);
        assert!(parse_authorization("ACS3-HMAC-SHA256 Credential=ID").is_none());
        assert!(parse_authorization("Bearer x").is_none());
    }
}
