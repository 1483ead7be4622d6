//! The default transport: HTTP/1.1 on hyper's connection API, rustls for TLS, and a pool of kept
//! connections driven by the calls that use them.
//!
//! # Why not a general HTTP client
//!
//! A call that creates resources may be sent again only when it provably never left. A general
//! client pool hands a request to a kept connection and reports "connection closed" both when the
//! server closed that connection while it sat idle (the request never arrived: safe to send
//! again) and when the server got the request and then failed (not safe). This pool keeps the two
//! apart:
//!
//! 1. **Before** a kept connection gets a request, it is polled once: hyper then reads from the
//!    socket, and a close (FIN), a reset (RST) or unsolicited bytes that arrived while it was idle
//!    show up as the connection ending. Such a connection is dropped and another one taken; the
//!    request has not been handed over, so nothing was sent.
//! 2. hyper itself reads once more right before writing the request; a close found there gives
//!    the request back unsent, and the pool sends it on another connection.
//! 3. The socket counts the bytes of the current request that the kernel accepted. If writing
//!    fails before the first byte, nothing was sent ([`TransportErrorKind::NotSent`]).
//! 4. Whatever fails after that may have reached the server
//!    ([`TransportErrorKind::MayHaveBeenSent`]).
//!
//! What remains is a close still on its way while the request is written: the server gave up on
//! the connection less than one network delay (plus microseconds of this process's work between
//! the check and the write) before the request reached it. The server never read the request, but
//! the client cannot prove it. Servers close only connections idle for their keep-alive timeout
//! (seconds: nginx 75 s, Apache and Node.js 5 s, gunicorn 2 s), and the client measures idleness
//! from when it *sent* the last request, which is before the server's own idle clock starts. So
//! a request whose [`ConnectionReuse::IdleAtMost`] bound is below the server's timeout minus one
//! round trip can never meet that race; the client gives calls that are not read-only such a
//! bound (`ClientBuilder::reuse_for_writes`, default 250 ms) and lets read-only calls, which may
//! be sent again, take any kept connection.
//!
//! # No background tasks
//!
//! hyper's connection future is polled by the call that uses the connection (while waiting for
//! the answer and while reading its body), not by a task of its own: no task is spawned per
//! connection or request, and an answer's bytes wake the calling task directly. An idle connection
//! is not polled at all; the check before reuse (1.) reads what arrived meanwhile. Idle
//! connections past the pool's idle timeout are closed when the pool is next used.
//!
//! # Proxies
//!
//! It connects directly. [`crate::ClientBuilder::build`] picks [`super::ReqwestTransport`]
//! instead when `HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY` (less `NO_PROXY`) sends the endpoint
//! through a proxy (a loopback endpoint never is), with a connection of its own for each call
//! that is not read-only: through a proxy, a live connection to the proxy says nothing about the
//! proxy's own connection to the service.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::{
    ConnectionReuse, HttpRequest, HttpResponse, HttpTransport, ResponseBody, SendFuture,
    TransportError, TransportErrorKind,
};
use crate::error::BoxError;
use crate::time::{TimeSource, TokioTime};

/// The default transport (see the module documentation for how it keeps reuse safe).
///
/// Cheap to clone; clones share one pool. One transport may serve several clients.
#[derive(Clone)]
pub struct HyperTransport {
    pool: Arc<Pool>,
}

/// Configures a [`HyperTransport`].
#[derive(Debug, Clone)]
pub struct HyperTransportBuilder {
    connect_timeout: Duration,
    idle_timeout: Duration,
    max_idle: usize,
    time: Arc<dyn TimeSource>,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(4),
            max_idle: 64,
            time: Arc::new(TokioTime),
            tls: None,
        }
    }
}

impl HyperTransportBuilder {
    /// The longest connecting (TCP and TLS) may take (default 5 s): each request's own
    /// [`HttpRequest::connect_timeout`] (the call's connect timeout) applies up to this.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a connection is kept after its last request was sent (default 4 s, below the
    /// keep-alive timeout of most servers).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// The most idle connections kept (default 64; 0 keeps none).
    pub fn max_idle(mut self, connections: usize) -> Self {
        self.max_idle = connections;
        self
    }

    /// The clock idleness is measured on (default tokio's, which tests may pause).
    pub fn time_source(mut self, time: Arc<dyn TimeSource>) -> Self {
        self.time = time;
        self
    }

    /// TLS settings of your own (default: the Mozilla root certificates of `webpki-roots`, the
    /// safe default protocol versions, ALPN `http/1.1`): other roots for a private CA or a
    /// TLS-inspecting proxy, client certificates. Only HTTP/1.1 is spoken: leave ALPN empty or
    /// `http/1.1`.
    pub fn tls_config(mut self, config: Arc<rustls::ClientConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Builds the transport.
    pub fn build(self) -> HyperTransport {
        let tls = match self.tls {
            Some(config) => Some(tokio_rustls::TlsConnector::from(config)),
            None => default_tls(),
        };
        HyperTransport {
            pool: Arc::new(Pool {
                connect_timeout: self.connect_timeout,
                idle_timeout: self.idle_timeout,
                max_idle: self.max_idle,
                time: self.time,
                tls,
                idle: Mutex::new(Vec::new()),
                opened: AtomicU64::new(0),
            }),
        }
    }
}

impl HyperTransport {
    /// A transport with the defaults.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder with the defaults.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }

    /// How many connections it has opened so far.
    pub fn connections_opened(&self) -> u64 {
        self.pool.opened.load(Ordering::Relaxed)
    }

    /// How many connections are idle in the pool now.
    pub fn idle_connections(&self) -> usize {
        self.pool.lock().len()
    }
}

impl Default for HyperTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("connect_timeout", &self.pool.connect_timeout)
            .field("idle_timeout", &self.pool.idle_timeout)
            .field("max_idle", &self.pool.max_idle)
            .field("idle", &self.idle_connections())
            .field("opened", &self.connections_opened())
            .finish()
    }
}

impl HttpTransport for HyperTransport {
    fn send(&self, request: HttpRequest) -> SendFuture<'_> {
        Box::pin(self.pool.send(request))
    }
}

struct Pool {
    connect_timeout: Duration,
    idle_timeout: Duration,
    max_idle: usize,
    time: Arc<dyn TimeSource>,
    tls: Option<tokio_rustls::TlsConnector>,
    /// Idle connections, the most recently used last.
    idle: Mutex<Vec<Idle>>,
    opened: AtomicU64,
}

/// TLS with the Mozilla root certificates of `webpki-roots` and the ring provider. The ring
/// provider supports the default protocol versions; if it ever did not, plain HTTP would still
/// work and HTTPS fail with a clear error.
fn default_tls() -> Option<tokio_rustls::TlsConnector> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?;
    let mut config = config.with_root_certificates(roots).with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Some(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// Where a request goes: the pool keeps connections per origin.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    https: bool,
    host: String,
    port: u16,
}

struct Idle {
    origin: Origin,
    conn: Conn,
}

/// One HTTP/1.1 connection: hyper's request handle and the connection future that does the I/O.
struct Conn {
    sender: http1::SendRequest<Full<Bytes>>,
    driver: http1::Connection<TokioIo<Stream>, Full<Bytes>>,
    /// Bytes of the current request the kernel accepted.
    written: Arc<AtomicU64>,
    /// When the last request on it was handed over.
    sent_at: Instant,
    reused: bool,
}

/// What became of a request handed to a connection.
enum Exchange {
    Answered(hyper::Response<Incoming>),
    /// The connection ended before taking the request, which came back unsent.
    Unsent(hyper::Request<Full<Bytes>>, hyper::Error),
    Failed(BoxError),
}

impl Pool {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn send(self: &Arc<Self>, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (reuse, read_timeout) = (request.reuse, request.read_timeout);
        let connect_timeout = request.connect_timeout.min(self.connect_timeout);
        let (origin, mut message) = build(request)?;
        loop {
            let mut conn = self.checkout(&origin, reuse, connect_timeout).await?;
            conn.written.store(0, Ordering::Relaxed);
            let now = self.time.now();
            let idle_for = now.saturating_duration_since(conn.sent_at);
            conn.sent_at = now;
            let exchange = conn.exchange(message);
            let exchange = match tokio::time::timeout(read_timeout, exchange).await {
                Ok(exchange) => exchange,
                Err(_) => {
                    return Err(TransportError::new(
                        TransportErrorKind::Timeout,
                        format!("no answer within {read_timeout:?} of sending"),
                    ));
                }
            };
            match exchange {
                Exchange::Answered(response) => {
                    let (head, body) = response.into_parts();
                    let body = PooledBody {
                        body,
                        conn: Some(conn),
                        pool: Arc::clone(self),
                        origin,
                    };
                    return Ok(HttpResponse {
                        status: head.status.as_u16(),
                        headers: head.headers,
                        body: ResponseBody::from_stream(body),
                    });
                }
                Exchange::Unsent(back, e) if conn.reused => {
                    tracing::debug!(error = %e, "kept connection closed before the request was written; sending it on another");
                    message = back;
                }
                Exchange::Unsent(_, e) => return Err(TransportError::not_sent(e)),
                Exchange::Failed(e) => {
                    if conn.reused {
                        // Likely closed by the server for idleness, after a time that is the
                        // same for all its connections: the ones idle as long are dead too.
                        self.drop_idle_since(&origin, idle_for);
                    }
                    if conn.written.load(Ordering::Relaxed) == 0 {
                        return Err(TransportError::not_sent(NotWritten(e)));
                    }
                    return Err(TransportError::may_have_been_sent(e));
                }
            }
        }
    }

    /// A live connection to `origin` that `reuse` allows, kept or new.
    async fn checkout(
        &self,
        origin: &Origin,
        reuse: ConnectionReuse,
        connect_timeout: Duration,
    ) -> Result<Conn, TransportError> {
        let bound = match reuse {
            ConnectionReuse::Any => self.idle_timeout,
            ConnectionReuse::IdleAtMost(d) => d.min(self.idle_timeout),
        };
        while let Some(mut conn) = self.take_idle(origin, bound) {
            if conn.is_alive() {
                conn.reused = true;
                return Ok(conn);
            }
            tracing::debug!("kept connection was closed while idle; dropped");
        }
        self.connect(origin, connect_timeout).await
    }

    /// The most recently used idle connection to `origin` if it was last used within `bound`;
    /// closes the connections past the idle timeout on the way.
    fn take_idle(&self, origin: &Origin, bound: Duration) -> Option<Conn> {
        if bound.is_zero() {
            return None;
        }
        let now = self.time.now();
        let fresh = |c: &Conn, limit: Duration| now.saturating_duration_since(c.sent_at) <= limit;
        let mut idle = self.lock();
        let expired = idle
            .iter()
            .position(|i| fresh(&i.conn, self.idle_timeout))
            .unwrap_or(idle.len());
        // Dropped after the lock is released.
        let closed: Vec<Idle> = idle.drain(..expired).collect();
        let at = idle.iter().rposition(|i| i.origin == *origin);
        let taken = at
            .filter(|&at| fresh(&idle[at].conn, bound))
            .map(|at| idle.remove(at).conn);
        drop(idle);
        drop(closed);
        taken
    }

    /// Closes the idle connections to `origin` that have been idle for `idle_for` or longer.
    fn drop_idle_since(&self, origin: &Origin, idle_for: Duration) {
        let now = self.time.now();
        let mut idle = self.lock();
        let (stale, kept): (Vec<Idle>, Vec<Idle>) = idle.drain(..).partition(|i| {
            i.origin == *origin && now.saturating_duration_since(i.conn.sent_at) >= idle_for
        });
        *idle = kept;
        drop(idle);
        if !stale.is_empty() {
            tracing::debug!(
                closed = stale.len(),
                "a kept connection failed; closed those idle as long"
            );
        }
        drop(stale);
    }

    /// Puts a connection whose exchange ended cleanly back.
    fn checkin(&self, origin: Origin, conn: Conn) {
        if self.max_idle == 0 {
            return;
        }
        let mut idle = self.lock();
        let dropped = if idle.len() >= self.max_idle {
            Some(idle.remove(0))
        } else {
            None
        };
        idle.push(Idle { origin, conn });
        drop(idle);
        drop(dropped);
    }

    async fn connect(
        &self,
        origin: &Origin,
        connect_timeout: Duration,
    ) -> Result<Conn, TransportError> {
        let written = Arc::new(AtomicU64::new(0));
        let connecting = async {
            let tcp = tcp_connect(&origin.host, origin.port).await?;
            let _ = tcp.set_nodelay(true);
            let tcp = Counted {
                tcp,
                written: written.clone(),
            };
            let stream = if origin.https {
                let tls = self.tls.as_ref().ok_or_else(|| {
                    io::Error::other("TLS could not be set up with the ring provider")
                })?;
                let name = rustls::pki_types::ServerName::try_from(origin.host.clone())
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
                Stream::Tls(Box::new(tls.connect(name, tcp).await?))
            } else {
                Stream::Plain(tcp)
            };
            let io = TokioIo::new(stream);
            let (sender, driver) = http1::Builder::new()
                .handshake(io)
                .await
                .map_err(io::Error::other)?;
            Ok::<_, io::Error>((sender, driver))
        };
        let (sender, driver) = match tokio::time::timeout(connect_timeout, connecting).await {
            Ok(Ok(parts)) => parts,
            Ok(Err(e)) => return Err(TransportError::not_sent(ConnectError(e))),
            Err(_) => {
                return Err(TransportError::new(
                    TransportErrorKind::ConnectTimeout,
                    ConnectError(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("no connection within {connect_timeout:?}"),
                    )),
                ));
            }
        };
        self.opened.fetch_add(1, Ordering::Relaxed);
        Ok(Conn {
            sender,
            driver,
            written,
            sent_at: self.time.now(),
            reused: false,
        })
    }
}

impl Conn {
    /// Polls the connection once: a kept connection the server closed or reset while it was
    /// idle (or that received bytes nobody asked for) ends here.
    ///
    /// Polled with a no-op waker: nothing waits on the connection until [`Conn::exchange`]
    /// polls it again with the caller's, and a waker left with hyper here would only wake the
    /// caller for the request it is about to hand over itself.
    fn is_alive(&mut self) -> bool {
        if self.sender.is_closed() {
            return false;
        }
        match self.poll_driver_unwoken() {
            Poll::Ready(_) => false,
            Poll::Pending => self.sender.is_ready(),
        }
    }

    /// Polls the connection for the work it has to do without leaving a waker with it.
    fn poll_driver_unwoken(&mut self) -> Poll<hyper::Result<()>> {
        Pin::new(&mut self.driver).poll(&mut Context::from_waker(Waker::noop()))
    }

    /// Hands `message` over and drives the connection until the answer's head arrives.
    ///
    /// The answer is filled in while the connection is polled, never elsewhere, so it is looked
    /// at with a no-op waker. The connection is polled without a waker first too: hyper leaves
    /// the waker it is polled with in the answer's body channel, where taking the first chunk
    /// would wake the caller in its own poll, and the runtime would poll the call once more for
    /// nothing (on tokio's multi-threaded runtime also waking another worker to look for that
    /// work). Only when that poll brought no answer is the connection polled with the caller's
    /// waker, to wake it when bytes arrive; the socket remembers it was not readable, so that
    /// second poll costs no system call.
    async fn exchange(&mut self, message: hyper::Request<Full<Bytes>>) -> Exchange {
        let mut answer = std::pin::pin!(self.sender.try_send_request(message));
        std::future::poll_fn(|cx| {
            for with_waker in [false, true] {
                let driven = if with_waker {
                    Pin::new(&mut self.driver).poll(cx)
                } else {
                    self.poll_driver_unwoken()
                };
                let looked = answer
                    .as_mut()
                    .poll(&mut Context::from_waker(Waker::noop()));
                if let Poll::Ready(result) = looked {
                    return Poll::Ready(match result {
                        Ok(response) => Exchange::Answered(response),
                        Err(mut e) => match e.take_message() {
                            Some(back) => Exchange::Unsent(back, e.into_error()),
                            None => Exchange::Failed(Box::new(e.into_error())),
                        },
                    });
                }
                if driven.is_ready() {
                    // hyper answers every request when its connection ends; this is a guard.
                    return Poll::Ready(Exchange::Failed(
                        "the connection ended without an answer".into(),
                    ));
                }
            }
            Poll::Pending
        })
        .await
    }
}

/// An answer's body that drives its connection while it is read, and puts the connection back
/// in the pool once the body has ended cleanly.
struct PooledBody {
    body: Incoming,
    conn: Option<Conn>,
    pool: Arc<Pool>,
    origin: Origin,
}

impl PooledBody {
    /// The body is complete: the connection goes back if hyper is ready for another request.
    fn finish(&mut self) {
        if let Some(mut conn) = self.conn.take()
            && conn.poll_driver_unwoken().is_pending()
            && conn.sender.is_ready()
        {
            self.pool.checkin(self.origin.clone(), conn);
        }
    }
}

impl http_body::Body for PooledBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, hyper::Error>>> {
        let this = self.get_mut();
        // As in `Conn::exchange`, the body (filled in while the connection is polled) is looked
        // at with a no-op waker, unless the connection is gone and only the body can still end.
        // The connection is polled first without a waker too: polled with the caller's, hyper
        // leaves it with the body's channel, and taking the chunk it delivered would wake the
        // caller in this very poll. Only when that poll delivered nothing is the caller's waker
        // left with the connection, to wake it when bytes arrive.
        let mut drives = 0;
        loop {
            let polled = match &this.conn {
                Some(_) => {
                    Pin::new(&mut this.body).poll_frame(&mut Context::from_waker(Waker::noop()))
                }
                None => Pin::new(&mut this.body).poll_frame(cx),
            };
            match polled {
                Poll::Ready(None) => {
                    this.finish();
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Ok(frame))) => {
                    if this.body.is_end_stream() {
                        this.finish();
                    }
                    return Poll::Ready(Some(Ok(frame)));
                }
                Poll::Ready(Some(Err(e))) => {
                    this.conn = None;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Pending if drives == 2 || this.conn.is_none() => return Poll::Pending,
                Poll::Pending => {}
            }
            drives += 1;
            if let Some(conn) = &mut this.conn {
                let ended = if drives == 1 {
                    conn.poll_driver_unwoken()
                } else {
                    Pin::new(&mut conn.driver).poll(cx)
                };
                if ended.is_ready() {
                    this.conn = None;
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The origin and hyper request of a signed request, its buffers moved, not copied.
fn build(request: HttpRequest) -> Result<(Origin, hyper::Request<Full<Bytes>>), TransportError> {
    let unsendable = |e: BoxError| TransportError::new(TransportErrorKind::Unsendable, e);
    let uri = http::Uri::from_maybe_shared(Bytes::from(request.url))
        .map_err(|e| unsendable(Box::new(e)))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(unsendable("only http and https URLs".into())),
    };
    let host = uri
        .host()
        .ok_or_else(|| unsendable("the URL has no host".into()))?;
    let origin = Origin {
        https,
        host: host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
        port: uri.port_u16().unwrap_or(if https { 443 } else { 80 }),
    };
    // HTTP/1.1 sends the path and query only (the host is a header).
    let target = uri.into_parts().path_and_query;
    let mut message = hyper::Request::new(Full::new(Bytes::from(request.body)));
    *message.method_mut() =
        http::Method::from_bytes(request.method.as_bytes()).map_err(|e| unsendable(Box::new(e)))?;
    if let Some(target) = target {
        *message.uri_mut() = http::Uri::from(target);
    }
    let headers = message.headers_mut();
    headers.reserve(request.headers.len());
    for (name, value) in request.headers {
        let value = http::HeaderValue::from_maybe_shared(Bytes::from(value))
            .map_err(|e| unsendable(Box::new(e)))?;
        headers.append(
            header_name(name).map_err(|e| unsendable(Box::new(e)))?,
            value,
        );
    }
    Ok((origin, message))
}

/// A header name without copying it. The names the signer and the client set are matched to
/// constants built at compile time: `HeaderName::from_static` at run time checks every byte and
/// looks the name up among the standard ones, about 900 instructions per header, ten headers a
/// call. Other static names that are lower-case tokens go through `from_static` still.
fn header_name(name: &'static str) -> Result<http::HeaderName, http::header::InvalidHeaderName> {
    use http::HeaderName;
    use http::header;
    const ACTION: HeaderName = HeaderName::from_static("x-acs-action");
    const VERSION: HeaderName = HeaderName::from_static("x-acs-version");
    const DATE: HeaderName = HeaderName::from_static("x-acs-date");
    const NONCE: HeaderName = HeaderName::from_static("x-acs-signature-nonce");
    const CONTENT_SHA256: HeaderName = HeaderName::from_static("x-acs-content-sha256");
    const SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-acs-security-token");
    let known = match name {
        "host" => Some(header::HOST),
        "authorization" => Some(header::AUTHORIZATION),
        "content-type" => Some(header::CONTENT_TYPE),
        "content-length" => Some(header::CONTENT_LENGTH),
        "user-agent" => Some(header::USER_AGENT),
        "accept" => Some(header::ACCEPT),
        "x-acs-action" => Some(ACTION),
        "x-acs-version" => Some(VERSION),
        "x-acs-date" => Some(DATE),
        "x-acs-signature-nonce" => Some(NONCE),
        "x-acs-content-sha256" => Some(CONTENT_SHA256),
        "x-acs-security-token" => Some(SECURITY_TOKEN),
        _ => None,
    };
    if let Some(known) = known {
        return Ok(known);
    }
    let token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if token {
        // Checked above, so this cannot panic.
        Ok(HeaderName::from_static(name))
    } else {
        HeaderName::from_bytes(name.as_bytes())
    }
}

/// Connects to the first address of `host` that answers.
async fn tcp_connect(host: &str, port: u16) -> io::Result<TcpStream> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return TcpStream::connect((ip, port)).await;
    }
    let mut last = None;
    for addr in tokio::net::lookup_host((host, port)).await? {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address"))
    }))
}

/// The connection could not be established; nothing was sent.
#[derive(Debug)]
struct ConnectError(io::Error);

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot connect: {}", self.0)
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Writing the request failed before its first byte was accepted: nothing was sent.
#[derive(Debug)]
struct NotWritten(BoxError);

impl fmt::Display for NotWritten {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the connection failed before any byte of the request was written")
    }
}

impl std::error::Error for NotWritten {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.0.as_ref())
    }
}

/// A TCP connection that counts the bytes the kernel accepted for writing: below TLS, so that
/// "nothing written" means no byte of the request, in clear or encrypted, left the process.
struct Counted {
    tcp: TcpStream,
    written: Arc<AtomicU64>,
}

impl Counted {
    fn count(&self, result: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        if let Poll::Ready(Ok(n)) = result {
            self.written.fetch_add(n as u64, Ordering::Relaxed);
        }
        result
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.tcp).poll_write(cx, buf);
        this.count(result)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.tcp).poll_write_vectored(cx, bufs);
        this.count(result)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

/// Plain TCP or TLS over it.
enum Stream {
    Plain(Counted),
    Tls(Box<tokio_rustls::client::TlsStream<Counted>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::header_name;

    #[test]
    fn header_names_are_the_names_given() {
        for name in [
            "host",
            "authorization",
            "content-type",
            "content-length",
            "user-agent",
            "accept",
            "x-acs-action",
            "x-acs-version",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
            "x-acs-security-token",
            "x-acs-other",
            "X-Mixed-Case",
        ] {
            let header = header_name(name).expect("a valid header name");
            assert_eq!(header.as_str(), name.to_ascii_lowercase());
        }
        assert!(header_name("bad name").is_err());
    }
}
