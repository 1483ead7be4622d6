//! The seam between the client and HTTP: send a signed request, get back a status, headers and a
//! body to read.
//!
//! The client does everything that decides whether a call is safe and bounded *around* the
//! transport, so that every transport gets it: the attempt, operation and read timeouts, the
//! minimum body rate, the body size limit, the connection cap, and the retry rules. A transport
//! only has to say, when it fails, whether any byte of the request may have left
//! ([`TransportErrorKind`]); that is what decides whether a call that is not read-only may be
//! sent again.
//!
//! Transports here:
//! - [`HyperTransport`], the default: HTTP/1.1 over hyper and rustls, with a connection pool
//!   that proves a reused connection alive before writing to it (see its docs);
//! - [`ReqwestTransport`], for a [`::reqwest::Client`] with your own settings
//!   ([`crate::ClientBuilder::http_client`]);
//! - `ReplayTransport` (cargo feature `test-util`), canned answers for testing code that calls
//!   a service without a server.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use http_body::Body as _;

use crate::error::BoxError;

mod hyper;
#[cfg(feature = "test-util")]
mod replay;
mod reqwest;

pub use self::hyper::HyperTransport;
#[cfg(feature = "test-util")]
pub use self::replay::{RecordedRequest, ReplayEvent, ReplayTransport};
pub use self::reqwest::ReqwestTransport;

/// Sends one HTTP request and returns the answer's head with its body still to be read.
///
/// Implementations must be honest about [`TransportError::kind`]: [`TransportErrorKind::NotSent`]
/// and [`TransportErrorKind::ConnectTimeout`] promise that no byte of the request left the
/// process, and a call that creates resources is sent again on that promise.
///
/// The client bounds the call around `send` (time to the answer's head, each body read, the
/// attempt and operation, the body's size and rate), so a transport need not; it must only
/// bound connecting if it connects.
pub trait HttpTransport: fmt::Debug + Send + Sync + 'static {
    /// Sends `request`; resolves when the answer's status and headers have arrived.
    fn send(&self, request: HttpRequest) -> SendFuture<'_>;
}

/// What [`HttpTransport::send`] returns.
pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// A signed request, ready to go on the wire, handed over whole so that a transport can send its
/// buffers without copying them. Nothing in it may be changed: the signature covers the URL, the
/// body and most headers.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The full URL with its query.
    pub url: String,
    /// Header names (lower-case) and values, in the order to send them; `host` and
    /// `content-length` included.
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for most ENS calls).
    pub body: Vec<u8>,
    /// Which kept-alive connections the request may go on.
    pub reuse: ConnectionReuse,
    /// How long connecting may take, TLS included, if the transport connects
    /// ([`TransportErrorKind::ConnectTimeout`] after that): the call's connect timeout.
    pub connect_timeout: Duration,
    /// How long the answer's head may take once the request is written
    /// ([`TransportErrorKind::Timeout`] after that). The client itself cuts the exchange at the
    /// connect timeout plus this, for transports that cannot tell when writing ended.
    pub read_timeout: Duration,
}

impl fmt::Debug for HttpRequest {
    // The URL, headers and body carry tokens and passwords: only the shape is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("headers", &self.headers.len())
            .field("body_bytes", &self.body.len())
            .field("reuse", &self.reuse)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .finish_non_exhaustive()
    }
}

impl HttpRequest {
    /// The value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Which kept-alive connections a request may be sent on.
///
/// A connection that the server closes while the request is being written loses the request, and
/// the client cannot tell that apart from a server that got the request and then failed. For a
/// read-only call that costs a retry; for a call that creates resources it costs an
/// [`SdkError::OutcomeUnknown`](crate::SdkError::OutcomeUnknown). Servers close connections that stayed
/// idle for their keep-alive timeout, so such calls only take a connection used very recently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionReuse {
    /// Any connection the transport keeps (read-only calls).
    Any,
    /// Only a connection whose last request was sent at most this long ago; otherwise a new one
    /// (`Duration::ZERO`: always a new connection).
    IdleAtMost(Duration),
}

/// An answer's status and headers, with its body to read.
#[non_exhaustive]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The body, read by the client within its size and rate limits.
    pub body: ResponseBody,
}

impl HttpResponse {
    /// An answer with `status`, no headers and `body`.
    pub fn new(status: u16, body: impl Into<ResponseBody>) -> Self {
        Self {
            status,
            headers: http::HeaderMap::new(),
            body: body.into(),
        }
    }

    /// Adds a header; a name or value HTTP does not allow is left out.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::try_from(name),
            http::HeaderValue::try_from(value),
        ) {
            self.headers.append(name, value);
        }
        self
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// A body as a stream of chunks: whole in memory, or read from a connection as it comes.
pub struct ResponseBody(BodyInner);

enum BodyInner {
    Full(Option<Bytes>),
    Stream(http_body_util::combinators::UnsyncBoxBody<Bytes, BoxError>),
}

impl ResponseBody {
    /// A body with nothing in it.
    pub fn empty() -> Self {
        Self(BodyInner::Full(None))
    }

    /// A body read from `body` as it comes (trailers are ignored).
    pub fn from_stream<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        use http_body_util::BodyExt as _;
        Self(BodyInner::Stream(body.map_err(Into::into).boxed_unsync()))
    }

    /// The next chunk; `None` at the end. An error means the body was cut short.
    pub async fn chunk(&mut self) -> Option<Result<Bytes, BoxError>> {
        std::future::poll_fn(|cx| self.poll_chunk(cx)).await
    }

    /// Polls for the next chunk.
    pub fn poll_chunk(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Bytes, BoxError>>> {
        use std::task::Poll;
        match &mut self.0 {
            BodyInner::Full(bytes) => Poll::Ready(bytes.take().filter(|b| !b.is_empty()).map(Ok)),
            BodyInner::Stream(body) => loop {
                match std::task::ready!(Pin::new(&mut *body).poll_frame(cx)) {
                    None => return Poll::Ready(None),
                    Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data()
                            && !data.is_empty()
                        {
                            return Poll::Ready(Some(Ok(data)));
                        }
                    }
                }
            },
        }
    }

    /// The body's length if known up front.
    pub fn size_hint(&self) -> Option<u64> {
        match &self.0 {
            BodyInner::Full(bytes) => Some(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            BodyInner::Stream(body) => http_body::Body::size_hint(body).exact(),
        }
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody")
            .field("size_hint", &self.size_hint())
            .finish()
    }
}

impl From<Bytes> for ResponseBody {
    fn from(bytes: Bytes) -> Self {
        Self(BodyInner::Full(Some(bytes)))
    }
}

impl From<Vec<u8>> for ResponseBody {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<String> for ResponseBody {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<&'static str> for ResponseBody {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

/// Why a transport could not deliver a request or receive its answer, and what that says about
/// whether the request may have reached the server.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: BoxError,
}

/// What a [`TransportError`] says about the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No byte of the request left the process: the connection could not be established
    /// (refused, DNS, TLS), or it was found closed before anything was written. Safe to send
    /// again, whatever the request.
    NotSent,
    /// Establishing the connection took longer than the connect timeout; nothing was sent.
    ConnectTimeout,
    /// The request may have reached the server, and then the exchange failed (connection reset
    /// or closed, broken answer).
    MayHaveBeenSent,
    /// The transport's own wait for the answer ran out; the request may have reached the server.
    Timeout,
    /// The transport cannot send this request at all (a header it cannot encode, ...); nothing
    /// was sent and sending again would not help.
    Unsendable,
}

impl TransportError {
    /// An error of `kind` caused by `source`.
    pub fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    /// [`TransportErrorKind::NotSent`].
    pub fn not_sent(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::NotSent, source)
    }

    /// [`TransportErrorKind::MayHaveBeenSent`].
    pub fn may_have_been_sent(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::MayHaveBeenSent, source)
    }

    /// What the error says about the request.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached the server.
    pub fn request_may_have_left(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::MayHaveBeenSent | TransportErrorKind::Timeout
        )
    }

    /// The underlying error.
    pub fn into_source(self) -> BoxError {
        self.source
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            TransportErrorKind::NotSent => "the request was not sent",
            TransportErrorKind::ConnectTimeout => "connecting timed out",
            TransportErrorKind::MayHaveBeenSent => {
                "the connection failed once the request may have left"
            }
            TransportErrorKind::Timeout => "no answer in time",
            TransportErrorKind::Unsendable => "the request cannot be sent",
        })
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.source.as_ref())
    }
}
