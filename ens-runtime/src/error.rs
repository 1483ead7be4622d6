//! What can go wrong when calling a service, as one error type per operation.
//!
//! The outer [`SdkError`] says *where* a call failed (before sending, on the way, in the answer, or
//! in the service), because that decides what the caller can safely do next: an
//! [`SdkError::InvalidRequest`] never left the process, while an [`SdkError::OutcomeUnknown`] may have
//! created billed resources. The service's own verdict is the typed operation error inside
//! [`ServiceError`].

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use ens_auth::{CredentialsError, NonceError};
use ens_core::{OperationError, Violations};

/// A boxed transport error, so the public API does not pin the HTTP library's version.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// How many bytes of an unreadable body `Display` shows; the whole body stays in the field.
const BODY_PREVIEW: usize = 512;

/// The failure of one call of an operation whose typed service error is `E`.
///
/// Every variant that concerns the service has [`SdkError::code`], [`SdkError::message`] and
/// [`SdkError::request_id`], so a caller can log those without matching; `Display` always shows
/// them (never just "service error").
///
/// # Which variant
///
/// - Nothing was sent: [`SdkError::InvalidRequest`], [`SdkError::Credentials`], [`SdkError::Nonce`], and
///   [`SdkError::Dispatch`] or [`SdkError::Timeout`] with `reached_server` /
///   `may_have_reached_server` false (the connection could not be established, or failed before
///   the first byte of the request was written, or the operation timeout ran out first).
/// - The service answered with an error code, in a 4xx/5xx answer or in a 2xx answer whose
///   `Code` is not `0` (or `200`): [`SdkError::Service`], typed by the operation.
/// - The answer could not be read (not JSON, an HTML page, empty, larger than the client's
///   body limit, a 2xx without `RequestId` or without a field every success carries):
///   [`SdkError::UnreadableResponse`] (the body kept is at most 8 KiB).
/// - For an operation that is not read-only, every failure after which the service may have
///   acted is [`SdkError::OutcomeUnknown`] after a single attempt, holding the failure as its
///   cause: a timeout or a connection lost after sending, `InternalError`, any 5xx without the
///   service's `ServiceUnavailable` or throttling code (an HTML 503 from a proxy included), a 2xx
///   answer that cannot be taken as a success. The request was not sent again; see
///   [`crate::RetryPolicy`] for what is.
/// - A call that ran out of attempts or retry budget returns the last attempt's failure.
///
/// # Secrets
///
/// No variant ever holds an AccessKey secret, an STS token or a secret request parameter
/// (passwords): everything taken from an answer (body, code, message, RequestId, HostId,
/// Recommend) is masked where it echoes one, raw, JSON-escaped or percent-encoded (either hex
/// case), also when a body cut at the size limit ends in part of one.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The request breaks rules of its spec; it was not sent.
    InvalidRequest(Violations),

    /// No credentials could be had; the request was not sent. The message lists every source
    /// that was looked at.
    Credentials {
        /// The operation.
        action: &'static str,
        /// What the credential providers found (and did not).
        source: CredentialsError,
    },

    /// No signature nonce could be generated; the request was not sent.
    Nonce {
        /// The operation.
        action: &'static str,
        /// The random generator's failure.
        source: NonceError,
    },

    /// The request could not be delivered or its answer could not be received (DNS, connection
    /// refused or reset, TLS).
    Dispatch {
        /// The operation.
        action: &'static str,
        /// The base URL the request went to.
        endpoint: String,
        /// Whether the request may have reached the service before the failure.
        reached_server: bool,
        /// The transport's error.
        source: BoxError,
    },

    /// No answer came in time, or its body came too slowly.
    Timeout {
        /// The operation.
        action: &'static str,
        /// The base URL the request went to.
        endpoint: String,
        /// Which limit ran out.
        kind: TimeoutKind,
        /// Its value (for [`TimeoutKind::StalledBody`], the window the minimum applies to).
        timeout: Duration,
        /// `false` only when nothing was sent: the connection itself timed out, or the
        /// operation timeout ran out before an attempt started.
        may_have_reached_server: bool,
        /// What expired.
        source: BoxError,
    },

    /// The service (or something in front of it) answered with a body that is not the JSON the
    /// client expects: an HTML error page, an empty body, malformed JSON.
    UnreadableResponse {
        /// The operation.
        action: &'static str,
        /// The HTTP status.
        status: u16,
        /// The body, lossily decoded as UTF-8: its first 8 KiB at most, secrets masked.
        body: String,
        /// Why it could not be read.
        reason: String,
        /// The RequestId, when the body carried one despite being unreadable otherwise.
        request_id: Option<String>,
    },

    /// A request that changes things may have reached the service, and then the call failed
    /// (timeout, 5xx, connection reset). It was deliberately sent only once: sending it again
    /// could do the change twice (for CreateInstance: create and bill duplicate instances).
    OutcomeUnknown {
        /// The operation.
        action: &'static str,
        /// What happened to the one attempt.
        cause: Box<SdkError<E>>,
        /// How to find out what the service did.
        advice: &'static str,
    },

    /// The service answered with an error code.
    Service(ServiceError<E>),
}

// Written by hand rather than derived: `OutcomeUnknown` holds an `SdkError<E>`, and a derived
// `Display` would require `Box<SdkError<E>>: Display` of itself, which the compiler cannot prove.
impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(violations) => write!(f, "{violations}"),
            Self::Credentials { action, source } => write!(f, "cannot sign {action}: {source}"),
            Self::Nonce { action, source } => write!(f, "cannot sign {action}: {source}"),
            Self::Dispatch {
                action,
                endpoint,
                reached_server,
                source,
            } => {
                let reached = if *reached_server {
                    "the request may have reached the service"
                } else {
                    "the request did not reach the service"
                };
                write!(
                    f,
                    "{action}: cannot reach {endpoint} ({reached}): {}",
                    chain(source.as_ref())
                )
            }
            Self::Timeout {
                action,
                endpoint,
                kind,
                timeout,
                may_have_reached_server,
                source,
            } => {
                // The rate limiter's refusal says why better than a timeout that never ran.
                if let Some(no_slot) = source.downcast_ref::<crate::ratelimit::NoSlot>() {
                    return write!(f, "{action}: not sent: {no_slot}");
                }
                let reached = match (may_have_reached_server, kind) {
                    (true, _) => "the request may have reached the service",
                    (false, TimeoutKind::Connect) => {
                        "could not connect: the request did not reach the service"
                    }
                    (false, _) => "the request was not sent",
                };
                match kind {
                    TimeoutKind::StalledBody => write!(
                        f,
                        "{action}: the answer from {endpoint} stalled: its body came slower than the client's minimum over {timeout:?} ({reached})"
                    ),
                    _ => write!(
                        f,
                        "{action}: no answer from {endpoint} within the {kind} of {timeout:?} ({reached})"
                    ),
                }
            }
            Self::UnreadableResponse {
                action,
                status,
                body,
                reason,
                request_id,
            } => {
                write!(f, "{action}: unreadable response (HTTP {status}")?;
                if let Some(id) = request_id {
                    write!(f, ", RequestId {id}")?;
                }
                write!(f, "): {reason}; body: {}", preview(body))
            }
            Self::OutcomeUnknown {
                action,
                cause,
                advice,
            } => write!(
                f,
                "the outcome of {action} is unknown: {cause}. The request may have reached the service, so it was NOT retried: repeating it could apply it twice. Before sending it again, {advice}"
            ),
            Self::Service(e) => write!(f, "{e}"),
        }
    }
}

impl<E: StdError + 'static> StdError for SdkError<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::InvalidRequest(v) => Some(v),
            Self::Credentials { source, .. } => Some(source),
            Self::Nonce { source, .. } => Some(source),
            Self::Dispatch { source, .. } | Self::Timeout { source, .. } => Some(source.as_ref()),
            Self::UnreadableResponse { .. } => None,
            Self::OutcomeUnknown { cause, .. } => Some(cause.as_ref()),
            Self::Service(e) => Some(e),
        }
    }
}

/// Which time limit a [`SdkError::Timeout`] ran into (each is set on [`crate::ClientBuilder`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection (nothing was sent).
    Connect,
    /// Waiting for the next bytes of the answer.
    Read,
    /// One attempt, from sending to the end of the answer.
    Attempt,
    /// The whole call: every attempt and the waits between them.
    Operation,
    /// The answer's body came slower than the minimum rate.
    StalledBody,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::Read => "read timeout",
            TimeoutKind::Attempt => "attempt timeout",
            TimeoutKind::Operation => "operation timeout",
            TimeoutKind::StalledBody => "minimum body rate",
        })
    }
}

/// An error with its sources, `: `-separated, so transport errors say more than "error sending
/// request".
fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}

impl<E: OperationError> SdkError<E> {
    /// The service's error code, when the service answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Service(e) => Some(e.code()),
            Self::OutcomeUnknown { cause, .. } => cause.code(),
            _ => None,
        }
    }

    /// The service's error message, when the service answered with one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Service(e) => Some(e.message()),
            Self::OutcomeUnknown { cause, .. } => cause.message(),
            _ => None,
        }
    }

    /// The RequestId the service gave this call, the one thing Alibaba support asks for.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(e) => e.request_id(),
            Self::UnreadableResponse { request_id, .. } => request_id.as_deref(),
            Self::OutcomeUnknown { cause, .. } => cause.request_id(),
            _ => None,
        }
    }

    /// The HTTP status of the answer, if one came.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Service(e) => Some(e.http_status()),
            Self::UnreadableResponse { status, .. } => Some(*status),
            Self::OutcomeUnknown { cause, .. } => cause.http_status(),
            _ => None,
        }
    }

    /// The typed service error, if the service answered with a code.
    pub fn as_service(&self) -> Option<&ServiceError<E>> {
        match self {
            Self::Service(e) => Some(e),
            Self::OutcomeUnknown { cause, .. } => cause.as_service(),
            _ => None,
        }
    }

    /// Whether the service may have acted on the request although the call failed.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Self::OutcomeUnknown { .. })
    }
}

impl<E> SdkError<E> {
    /// The same failure with the typed service error mapped by `f` (how an operation's error
    /// becomes the service-wide one); everything else is kept as it is.
    pub fn map_kind<F>(self, f: impl FnOnce(E) -> F) -> SdkError<F> {
        match self {
            Self::InvalidRequest(v) => SdkError::InvalidRequest(v),
            Self::Credentials { action, source } => SdkError::Credentials { action, source },
            Self::Nonce { action, source } => SdkError::Nonce { action, source },
            Self::Dispatch {
                action,
                endpoint,
                reached_server,
                source,
            } => SdkError::Dispatch {
                action,
                endpoint,
                reached_server,
                source,
            },
            Self::Timeout {
                action,
                endpoint,
                kind,
                timeout,
                may_have_reached_server,
                source,
            } => SdkError::Timeout {
                action,
                endpoint,
                kind,
                timeout,
                may_have_reached_server,
                source,
            },
            Self::UnreadableResponse {
                action,
                status,
                body,
                reason,
                request_id,
            } => SdkError::UnreadableResponse {
                action,
                status,
                body,
                reason,
                request_id,
            },
            Self::OutcomeUnknown {
                action,
                cause,
                advice,
            } => SdkError::OutcomeUnknown {
                action,
                cause: Box::new(cause.map_kind(f)),
                advice,
            },
            Self::Service(e) => SdkError::Service(ServiceError {
                kind: f(e.kind),
                meta: e.meta,
            }),
        }
    }
}

/// An error code from the service, with everything the answer said about it.
///
/// [`ServiceError::kind`] is the operation's typed error (match on it); the rest is what
/// support and logs need.
#[derive(Debug)]
pub struct ServiceError<E> {
    pub(crate) kind: E,
    /// Boxed so that `Result<_, SdkError<E>>` stays small on the success path.
    pub(crate) meta: Box<ServiceMeta>,
}

/// What the answer said besides the typed error.
#[derive(Debug)]
pub(crate) struct ServiceMeta {
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) host_id: Option<String>,
    pub(crate) recommend: Option<String>,
    pub(crate) http_status: u16,
    pub(crate) client_string_to_sign: Option<String>,
    /// The time the answer's `Date` header gave, if any (for correcting the signing clock).
    pub(crate) server_time: Option<ens_auth::SigningTime>,
}

impl<E: OperationError> ServiceError<E> {
    /// The operation's typed error, to match on.
    pub fn kind(&self) -> &E {
        &self.kind
    }

    /// Takes the typed error out.
    pub fn into_kind(self) -> E {
        self.kind
    }

    /// The code, e.g. `InvalidParameter.Image`.
    pub fn code(&self) -> &str {
        &self.meta.code
    }

    /// The message (secret request parameters masked).
    pub fn message(&self) -> &str {
        &self.meta.message
    }

    /// The RequestId, to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id.as_deref()
    }

    /// The host that answered.
    pub fn host_id(&self) -> Option<&str> {
        self.meta.host_id.as_deref()
    }

    /// The diagnosis link the service adds to many errors.
    pub fn recommend(&self) -> Option<&str> {
        self.meta.recommend.as_deref()
    }

    /// The HTTP status of the answer.
    pub fn http_status(&self) -> u16 {
        self.meta.http_status
    }

    /// For `SignatureDoesNotMatch`: the string to sign the service computed, cut from its
    /// message, to compare with [`ServiceError::client_string_to_sign`].
    pub fn server_string_to_sign(&self) -> Option<&str> {
        server_string_to_sign(&self.meta.message)
    }

    /// For `SignatureDoesNotMatch`: the string the client signed on its last attempt (secret
    /// parameters masked; for V3 followed by the canonical request it hashed).
    pub fn client_string_to_sign(&self) -> Option<&str> {
        self.meta.client_string_to_sign.as_deref()
    }
}

impl<E> fmt::Display for ServiceError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &*self.meta;
        // The service's string to sign is shown on a line of its own below, beside the client's.
        let message = match m.message.find(STRING_TO_SIGN_MARKER) {
            Some(at) if m.code == "SignatureDoesNotMatch" => m.message[..at].trim_end(),
            _ => m.message.as_str(),
        };
        write!(
            f,
            "{}: {} (RequestId: {}, HTTP {}",
            m.code,
            message,
            m.request_id.as_deref().unwrap_or("none"),
            m.http_status
        )?;
        if let Some(host) = &m.host_id {
            write!(f, ", HostId: {host}")?;
        }
        f.write_str(")")?;
        if let Some(recommend) = &m.recommend {
            write!(f, "; see {recommend}")?;
        }
        if m.code == "SignatureDoesNotMatch" {
            let server = server_string_to_sign(&m.message).unwrap_or("(not in the message)");
            let client = m.client_string_to_sign.as_deref().unwrap_or("(unknown)");
            write!(
                f,
                "\n  server string to sign: {server}\n  client string to sign: {client}\n  (when they are equal the AccessKey secret is wrong; otherwise the request was changed on its way or encoded differently)"
            )?;
        }
        Ok(())
    }
}

impl<E: StdError + 'static> StdError for ServiceError<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.kind)
    }
}

/// The service's string to sign, which Alibaba appends to the `SignatureDoesNotMatch` message.
fn server_string_to_sign(message: &str) -> Option<&str> {
    let at = message.find(STRING_TO_SIGN_MARKER)?;
    Some(message[at + STRING_TO_SIGN_MARKER.len()..].trim())
}

/// What precedes the service's string to sign in a `SignatureDoesNotMatch` message.
const STRING_TO_SIGN_MARKER: &str = "server string to sign is:";

fn preview(body: &str) -> String {
    if body.is_empty() {
        return "(empty)".to_owned();
    }
    if body.len() <= BODY_PREVIEW {
        return body.to_owned();
    }
    let mut end = BODY_PREVIEW;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes)", &body[..end], body.len())
}

/// Why a [`crate::ClientBuilder`] could not build a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The endpoint override is not an `http://` or `https://` base URL, or is `http://` to a
    /// host that is not loopback without [`crate::ClientBuilder::allow_http`].
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    InvalidEndpoint {
        /// The endpoint given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be set up (e.g. TLS initialisation).
    #[error("cannot set up the HTTP client: {0}")]
    Http(#[source] BoxError),
}
