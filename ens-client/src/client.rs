//! The client: configuration, the send loop, and the mapping of answers to [`Error`].
//!
//! Everything that does not depend on the operation's types (signing, HTTP, retries, reading
//! answers) is in non-generic functions, so each operation adds only a thin wrapper to the
//! compiled code.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ens_auth::{CredentialsError, NonceError, ProvideCredentials, SigningTime, random_nonce};
use ens_core::{Operation, OperationError, OperationSpec, Params};
use ens_credentials::{CachedProvider, DefaultChain};
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::dry_run::{Redactor, SignedRequest, SigningContext, sign};
use crate::error::{BoxError, BuildError, Error, ServiceError, ServiceMeta, TimeoutKind};
use crate::retry::{RetryBudget, RetryPolicy, Safety, classify_answer};

/// The user agent every request carries, so Alibaba can tell this SDK's traffic apart.
pub const USER_AGENT: &str = concat!("ens-rs/", env!("CARGO_PKG_VERSION"));

/// Which request signature to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignatureVersion {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header: what the current official SDKs send,
    /// and it covers the headers too. The default.
    #[default]
    V3,
    /// RPC signature 1.0 (HMAC-SHA1) in the `Signature` query parameter, for gateways or tools
    /// that only know the classic form.
    RpcV1,
}

/// A clock for signing; injectable so tests and dry runs are reproducible.
type Clock = Arc<dyn Fn() -> SigningTime + Send + Sync>;
/// A nonce source; injectable for the same reason. The default reads the OS generator.
type NonceSource = Arc<dyn Fn() -> String + Send + Sync>;

/// Where requests go: a base URL without path, and the `host` value that is signed and sent.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// `scheme://host[:port]`, no trailing slash.
    pub(crate) base: String,
    /// `host[:port]`, exactly the `host` header sent.
    pub(crate) host: String,
}

impl Endpoint {
    /// Parses a base URL; `http://` only to loopback unless `allow_http`.
    fn parse(endpoint: &str, allow_http: bool) -> Result<Self, BuildError> {
        let invalid = |reason: &str| BuildError::InvalidEndpoint {
            endpoint: endpoint.to_owned(),
            reason: reason.to_owned(),
        };
        let url = reqwest::Url::parse(endpoint).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if !(url.path().is_empty() || url.path() == "/") || url.query().is_some() {
            return Err(invalid(
                "give only scheme, host and port: ENS requests go to /",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("credentials do not belong in the endpoint"));
        }
        let loopback = url.host_str().is_some_and(|host| {
            host.eq_ignore_ascii_case("localhost")
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        });
        if url.scheme() == "http" && !loopback && !allow_http {
            return Err(invalid(
                "http:// would send signatures, STS tokens and passwords in clear: use https://, a loopback address, or ClientBuilder::allow_http(true)",
            ));
        }
        let host = url.host_str().ok_or_else(|| invalid("no host"))?;
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(Self {
            base: format!("{}://{host}", url.scheme()),
            host,
        })
    }

    fn for_host(host: &str) -> Self {
        Self {
            base: format!("https://{host}"),
            host: host.to_owned(),
        }
    }
}

/// The host of `region`: from the service's endpoint list, else the default endpoint (which
/// serves every cn-* region).
pub fn endpoint_for_region(region: &str) -> &'static str {
    crate::ENDPOINTS
        .iter()
        .find(|(r, _)| *r == region)
        .map_or(crate::DEFAULT_ENDPOINT, |(_, host)| host)
}

/// Configures a [`Client`]. Nothing here fails or reads credentials; [`ClientBuilder::build`]
/// only checks the endpoint and sets up TLS.
///
/// Every call is bounded in time (connect, read, attempt and operation timeouts, a minimum body
/// rate) and memory (a body size limit); the defaults are on each setter. Every knob takes any
/// value without panicking: `Duration::MAX` means no limit, counts are clamped as documented.
pub struct ClientBuilder {
    credentials: Option<Arc<dyn ProvideCredentials>>,
    region: Option<String>,
    endpoint: Option<String>,
    allow_http: bool,
    limits: Limits,
    max_connections: usize,
    pool_idle_timeout: Duration,
    retry: RetryPolicy,
    signature_version: SignatureVersion,
    user_agent: String,
    clock: Option<Clock>,
    nonce: Option<NonceSource>,
}

/// The time and size limits of a call.
#[derive(Debug, Clone, Copy)]
struct Limits {
    connect_timeout: Duration,
    read_timeout: Duration,
    attempt_timeout: Duration,
    operation_timeout: Duration,
    /// At least this many bytes of body in every `min_body_window` (0: no minimum).
    min_body_bytes: u64,
    min_body_window: Duration,
    max_response_body: usize,
}

/// How many bytes of a body errors keep.
const BODY_KEPT: usize = 8 * 1024;

/// The most connections a client may be given (a semaphore's limit is far above).
const MAX_CONNECTIONS: usize = 10_000;

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            credentials: None,
            region: None,
            endpoint: None,
            allow_http: false,
            limits: Limits {
                connect_timeout: Duration::from_secs(5),
                read_timeout: Duration::from_secs(30),
                attempt_timeout: Duration::from_secs(60),
                operation_timeout: Duration::from_secs(120),
                min_body_bytes: 1024,
                min_body_window: Duration::from_secs(5),
                max_response_body: 4 * 1024 * 1024,
            },
            max_connections: 64,
            pool_idle_timeout: Duration::from_secs(4),
            retry: RetryPolicy::default(),
            signature_version: SignatureVersion::default(),
            user_agent: USER_AGENT.to_owned(),
            clock: None,
            nonce: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("allow_http", &self.allow_http)
            .field("limits", &self.limits)
            .field("max_connections", &self.max_connections)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("retry", &self.retry)
            .field("signature_version", &self.signature_version)
            .field("user_agent", &self.user_agent)
            .field("clock", &self.clock.as_ref().map(|_| "custom"))
            .field("nonce", &self.nonce.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl ClientBuilder {
    /// Where credentials come from: fixed [`ens_auth::Credentials`], or any provider of
    /// [`ens_credentials`] (a profile, a RAM role, OIDC, the ECS instance's role, ...).
    ///
    /// The provider is put behind a [`CachedProvider`] (unless it already is one, which keeps its
    /// settings): each attempt takes the cached credentials without I/O, and the provider is
    /// asked again only shortly before they expire (3 minutes ahead; keys without expiry after
    /// 15 minutes), by one caller for all concurrent ones.
    ///
    /// Default: Alibaba's default chain, [`DefaultChain`] (environment, OIDC, `~/.aliyun/config.json`,
    /// the ECS metadata service, `ALIBABA_CLOUD_CREDENTIALS_URI`), consulted only when a
    /// request is signed, so missing credentials are an [`Error::Credentials`] of that call,
    /// listing what each source found, not a failure to build.
    ///
    /// ```no_run
    /// use ens_client::Client;
    /// use ens_client::credentials::{CliConfigProvider, DefaultChain};
    ///
    /// // One profile of the aliyun CLI configuration, whatever its mode:
    /// let client = Client::builder()
    ///     .credentials(CliConfigProvider::from_default_location().with_profile("ens-prod"))
    ///     .build()?;
    /// // The default chain with its STS calls going to a regional endpoint:
    /// let client = Client::builder()
    ///     .credentials(DefaultChain::builder().sts_endpoint("https://sts.cn-hangzhou.aliyuncs.com").build())
    ///     .build()?;
    /// # Ok::<(), ens_client::BuildError>(())
    /// ```
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(CachedProvider::shared(provider));
        self
    }

    /// The region whose endpoint to call (see [`endpoint_for_region`]). ENS serves all
    /// mainland regions from one endpoint; the region of a resource is a request parameter.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A base URL to call instead of the region's endpoint, such as `https://ens.aliyuncs.com`
    /// or a local test server `http://127.0.0.1:8080`. Takes precedence over the region.
    /// `http://` is accepted only to a loopback address unless [`ClientBuilder::allow_http`].
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Accepts an `http://` endpoint on another host than loopback (default: refused). Over
    /// plain HTTP anyone on the path reads the signed requests: STS tokens, passwords, and
    /// requests they can replay for 15 minutes. For a trusted network or a TLS-terminating
    /// proxy on the same host only.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// How long to wait for a connection, TLS included (default 5 s). A connect timeout is
    /// always safe to retry: nothing was sent.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.limits.connect_timeout = timeout;
        self
    }

    /// How long to wait for each read of the answer (default 30 s; CreateInstance can be slow).
    /// A read timeout means the request may have been acted on.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.read_timeout = timeout;
        self
    }

    /// The longest one attempt may take, from sending to the end of the answer (default 60 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.limits.attempt_timeout = timeout;
        self
    }

    /// The longest a whole call may take: every attempt, the waits between them and the wait
    /// for a free connection (default 120 s). A retry that would start after it is not made.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.limits.operation_timeout = timeout;
        self
    }

    /// Stalled-stream protection: the answer's body must bring at least `bytes` in every
    /// `window` until it ends, or the attempt fails as a [`TimeoutKind::StalledBody`] timeout
    /// (default 1 KiB per 5 s; `bytes` 0 or a zero `window` turns it off). A body trickling
    /// byte by byte would otherwise hold the call until the attempt timeout.
    pub fn min_body_rate(mut self, bytes: u64, window: Duration) -> Self {
        self.limits.min_body_bytes = bytes;
        self.limits.min_body_window = window;
        self
    }

    /// The largest answer body read (default 4 MiB; DescribeInstances' largest page is far
    /// smaller). A larger body is an [`Error::UnreadableResponse`] keeping its first 8 KiB, and
    /// is never held in memory whole.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.limits.max_response_body = bytes;
        self
    }

    /// The most requests in flight to the endpoint at once, hence connections to it (default
    /// 64, clamped to 1 to 10,000). Calls beyond wait for a free one within their operation
    /// timeout.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.clamp(1, MAX_CONNECTIONS);
        self
    }

    /// How long an idle connection is kept for reuse by read-only calls (default 4 s: below the
    /// idle timeouts of common servers and load balancers, 5 s and up, so the client seldom
    /// picks a connection the server is closing). Calls that are not read-only never reuse one.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Retry attempts, backoff and budget (see [`RetryPolicy`] for what is retried).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Which signature to send (default [`SignatureVersion::V3`]).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
        self
    }

    /// Appends `suffix` to the `ens-rs/<version>` user agent, to identify an application.
    pub fn user_agent_suffix(mut self, suffix: impl AsRef<str>) -> Self {
        self.user_agent = format!("{USER_AGENT} {}", suffix.as_ref());
        self
    }

    /// Replaces the signing clock (default: the system clock). For reproducible dry runs and
    /// tests; a wrong clock makes the service reject requests as expired.
    pub fn clock(mut self, clock: impl Fn() -> SigningTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Replaces the nonce source (default: 128 random bits from the OS). The service rejects a
    /// nonce it has seen in the last 15 minutes, so a custom source must never repeat itself
    /// when talking to the real service.
    pub fn nonce(mut self, nonce: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.nonce = Some(Arc::new(nonce));
        self
    }

    /// Builds the client. Fails only on a malformed or clear-text endpoint, or if TLS cannot be
    /// set up.
    pub fn build(self) -> Result<Client, BuildError> {
        let endpoint = match (&self.endpoint, &self.region) {
            (Some(endpoint), _) => Endpoint::parse(endpoint, self.allow_http)?,
            (None, Some(region)) => Endpoint::for_host(endpoint_for_region(region)),
            (None, None) => Endpoint::for_host(crate::DEFAULT_ENDPOINT),
        };
        let http = |idle_per_host: usize| {
            reqwest::Client::builder()
                .connect_timeout(self.limits.connect_timeout)
                .read_timeout(self.limits.read_timeout)
                .pool_idle_timeout(self.pool_idle_timeout)
                .pool_max_idle_per_host(idle_per_host)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| BuildError::Http(Box::new(e)))
        };
        let credentials = self
            .credentials
            .unwrap_or_else(|| CachedProvider::shared(DefaultChain::builder().build()));
        Ok(Client {
            inner: Arc::new(Inner {
                pooled: http(self.max_connections)?,
                // No idle connections, hence no reuse: see `Inner::fresh`.
                fresh: http(0)?,
                connections: tokio::sync::Semaphore::new(self.max_connections),
                budget: RetryBudget::new(self.retry.retry_tokens()),
                credentials,
                endpoint,
                limits: self.limits,
                retry: self.retry,
                signature_version: self.signature_version,
                user_agent: self.user_agent,
                clock: self.clock,
                nonce: self.nonce,
            }),
        })
    }
}

/// An ENS client: signs, sends, retries when that cannot duplicate work, and decodes.
///
/// Cheap to clone (one `Arc`), and meant to be shared: all clones use one connection pool, one
/// connection limit and one retry budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    /// For read-only calls: keeps idle connections for reuse.
    pooled: reqwest::Client,
    /// For every other call: each request on a connection of its own. A pooled connection that
    /// the server closed while idle fails just like one that died after the request arrived,
    /// and such a call cannot be retried; a fresh connection that fails to open proves nothing
    /// was sent.
    fresh: reqwest::Client,
    /// One permit per request in flight: caps the connections to the endpoint.
    connections: tokio::sync::Semaphore,
    budget: RetryBudget,
    credentials: Arc<dyn ProvideCredentials>,
    endpoint: Endpoint,
    limits: Limits,
    retry: RetryPolicy,
    signature_version: SignatureVersion,
    user_agent: String,
    clock: Option<Clock>,
    nonce: Option<NonceSource>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("endpoint", &i.endpoint.base)
            .field("credentials", &i.credentials)
            .field("signature_version", &i.signature_version)
            .field("retry", &i.retry)
            .field("limits", &i.limits)
            .finish_non_exhaustive()
    }
}

/// A 2xx answer that reads as a success, not yet decoded into the operation's type.
pub(crate) struct Success {
    status: u16,
    body: Vec<u8>,
    value: serde_json::Value,
    request_id: String,
    redactor: Redactor,
}

/// A failed call, before the operation's error type is applied.
#[derive(Debug)]
pub(crate) enum Failure {
    Credentials(CredentialsError),
    Nonce(NonceError),
    Dispatch {
        reached_server: bool,
        source: BoxError,
    },
    Timeout {
        kind: TimeoutKind,
        timeout: Duration,
        may_have_reached_server: bool,
        source: BoxError,
    },
    Unreadable {
        status: u16,
        body: String,
        reason: String,
        request_id: Option<String>,
    },
    Service(Box<ServiceMeta>),
    OutcomeUnknown(Box<Failure>),
}

impl Failure {
    /// The typed error of operation `action` whose requests go to `endpoint`.
    pub(crate) fn into_error<E: OperationError>(
        self,
        action: &'static str,
        endpoint: &str,
    ) -> Error<E> {
        match self {
            Failure::Credentials(source) => Error::Credentials { action, source },
            Failure::Nonce(source) => Error::Nonce { action, source },
            Failure::Dispatch {
                reached_server,
                source,
            } => Error::Dispatch {
                action,
                endpoint: endpoint.to_owned(),
                reached_server,
                source,
            },
            Failure::Timeout {
                kind,
                timeout,
                may_have_reached_server,
                source,
            } => Error::Timeout {
                action,
                endpoint: endpoint.to_owned(),
                kind,
                timeout,
                may_have_reached_server,
                source,
            },
            Failure::Unreadable {
                status,
                body,
                reason,
                request_id,
            } => Error::UnreadableResponse {
                action,
                status,
                body,
                reason,
                request_id,
            },
            Failure::Service(meta) => Error::Service(ServiceError {
                kind: E::from_code(&meta.code, &meta.message),
                meta,
            }),
            Failure::OutcomeUnknown(cause) => Error::OutcomeUnknown {
                action,
                cause: Box::new(cause.into_error(action, endpoint)),
                advice: advice(action),
            },
        }
    }

    fn request_id(&self) -> Option<&str> {
        match self {
            Failure::Service(meta) => meta.request_id.as_deref(),
            Failure::Unreadable { request_id, .. } => request_id.as_deref(),
            Failure::OutcomeUnknown(inner) => inner.request_id(),
            _ => None,
        }
    }
}

/// How to find out what a request whose outcome is unknown did.
fn advice(action: &str) -> &'static str {
    match action {
        "CreateInstance" => {
            "list the instances with DescribeInstances (same EnsRegionId, InstanceName or creation time) and check their state: instances from this request may exist and be billed"
        }
        a if a.starts_with("Create") || a.starts_with("Run") || a.starts_with("Allocate") => {
            "check with the matching Describe operation whether the resource was created"
        }
        _ => "check the resource's state with the matching Describe operation",
    }
}

/// A limit of the client's that ran out; the source of its [`Error::Timeout`].
#[derive(Debug)]
struct Elapsed(TimeoutKind, Duration);

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the {} of {:?} ran out", self.0, self.1)
    }
}

impl std::error::Error for Elapsed {}

/// A [`Failure::Timeout`] for a limit of the client's.
fn elapsed(kind: TimeoutKind, limit: Duration, may_have_reached_server: bool) -> Failure {
    Failure::Timeout {
        kind,
        timeout: limit,
        may_have_reached_server,
        source: Box::new(Elapsed(kind, limit)),
    }
}

/// `now + d`, or `None` (no deadline) when that is beyond what the clock can hold.
fn deadline_after(d: Duration) -> Option<Instant> {
    Instant::now().checked_add(d)
}

/// Runs `f` until `deadline`, if there is one; `Err(())` when it ran out first.
async fn until<T>(deadline: Option<Instant>, f: impl Future<Output = T>) -> Result<T, ()> {
    match deadline {
        Some(at) => tokio::time::timeout_at(at, f).await.map_err(|_| ()),
        None => Ok(f.await),
    }
}

impl Client {
    /// A builder with the defaults: default credential chain, `ens.aliyuncs.com`, V3
    /// signature, 3 attempts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint.base
    }

    /// Validates, signs and sends `request`, retrying only where that cannot do the work twice
    /// (see [`RetryPolicy`]), and decodes the answer.
    ///
    /// An invalid request is returned as [`Error::InvalidRequest`] without anything being sent.
    /// The call ends within the client's operation timeout.
    pub async fn send<O: Operation>(&self, request: O) -> Result<O::Response, Error<O::Error>> {
        request.validate().map_err(Error::InvalidRequest)?;
        let params = request.to_params();
        drop(request);
        let action = O::SPEC.action;
        let endpoint = self.inner.endpoint.base.as_str();
        let success = self
            .execute(O::SPEC, &params)
            .await
            .map_err(|f| f.into_error(action, endpoint))?;
        match serde_json::from_value::<O::Response>(success.value) {
            Ok(response) => Ok(response),
            Err(e) => Err(undecodable(
                O::SPEC,
                success.status,
                &success.body,
                &e.to_string(),
                success.request_id,
                &success.redactor,
            )
            .into_error(action, endpoint)),
        }
    }

    /// Signs `params` with current credentials (from the cache, refreshed when due), time and
    /// nonce.
    pub(crate) async fn sign_params(
        &self,
        spec: &OperationSpec,
        params: &Params,
    ) -> Result<SignedRequest, Failure> {
        let inner = &*self.inner;
        let credentials = inner
            .credentials
            .provide_credentials()
            .await
            .map_err(Failure::Credentials)?;
        let nonce = match &inner.nonce {
            Some(source) => source(),
            None => random_nonce().map_err(Failure::Nonce)?,
        };
        let time = inner.clock.as_ref().map_or_else(SigningTime::now, |c| c());
        Ok(sign(
            spec,
            params,
            &SigningContext {
                endpoint: &inner.endpoint,
                version: inner.signature_version,
                user_agent: &inner.user_agent,
                credentials: &credentials,
                time,
                nonce: &nonce,
            },
        ))
    }

    /// The attempt loop, shared by every operation.
    async fn execute(
        &self,
        spec: &'static OperationSpec,
        params: &Params,
    ) -> Result<Success, Failure> {
        let span = tracing::info_span!(
            "ens_request",
            action = spec.action,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let recorder = span.clone();
        async move {
            let inner = &*self.inner;
            let limits = inner.limits;
            let deadline = deadline_after(limits.operation_timeout);
            let mut attempt = 0u32;
            let mut last_retry_cost = None;
            loop {
                attempt += 1;
                recorder.record("attempts", attempt);
                let signed = self.sign_params(spec, params).await?;
                let (failure, safety) = match self.attempt_in_time(spec, &signed, deadline).await {
                    Ok(success) => {
                        recorder.record("request_id", success.request_id.as_str());
                        tracing::debug!(
                            status = success.status,
                            request_id = success.request_id.as_str(),
                            "ENS call succeeded"
                        );
                        inner.budget.succeeded(last_retry_cost);
                        return Ok(success);
                    }
                    Err(failed) => failed,
                };
                let request_id = failure.request_id();
                if let Some(id) = request_id {
                    recorder.record("request_id", id);
                }
                let may_retry = match safety {
                    Safety::NotActed => true,
                    Safety::MayHaveActed => spec.read_only,
                    Safety::AnsweredUnreadable | Safety::Final => false,
                };
                if may_retry && attempt < inner.retry.max_attempts() {
                    let delay = inner.retry.delay(attempt);
                    let in_time = deadline.is_none_or(|d| Instant::now() + delay < d);
                    let timed_out = matches!(failure, Failure::Timeout { .. });
                    let cost = in_time.then(|| inner.budget.withdraw(timed_out)).flatten();
                    if let Some(cost) = cost {
                        tracing::warn!(
                            attempt,
                            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            failure = failure_summary(&failure),
                            request_id,
                            "ENS call failed; retrying"
                        );
                        last_retry_cost = Some(cost);
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    tracing::warn!(
                        failure = failure_summary(&failure),
                        request_id,
                        reason = if in_time {
                            "the client's retry budget is spent"
                        } else {
                            "no time left before the operation timeout"
                        },
                        "ENS call failed; not retried"
                    );
                }
                let acted = matches!(safety, Safety::MayHaveActed | Safety::AnsweredUnreadable);
                if acted && !spec.read_only {
                    tracing::warn!(
                        failure = failure_summary(&failure),
                        request_id,
                        "ENS call may have been acted on; not retried, outcome unknown"
                    );
                    return Err(Failure::OutcomeUnknown(Box::new(failure)));
                }
                tracing::debug!(
                    failure = failure_summary(&failure),
                    request_id,
                    "ENS call failed"
                );
                return Err(failure);
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt within the attempt timeout and the operation's `deadline`, on a connection
    /// permit.
    async fn attempt_in_time(
        &self,
        spec: &OperationSpec,
        signed: &SignedRequest,
        deadline: Option<Instant>,
    ) -> Result<Success, (Failure, Safety)> {
        let limits = self.inner.limits;
        let operation_over = |reached| {
            let failure = elapsed(TimeoutKind::Operation, limits.operation_timeout, reached);
            let safety = if reached {
                Safety::MayHaveActed
            } else {
                Safety::NotActed
            };
            (failure, safety)
        };
        let Ok(permit) = until(deadline, self.inner.connections.acquire()).await else {
            return Err(operation_over(false));
        };
        let attempt_deadline = deadline_after(limits.attempt_timeout);
        let (limit, kind) = match (attempt_deadline, deadline) {
            (Some(a), Some(o)) if o < a => (Some(o), TimeoutKind::Operation),
            (None, Some(o)) => (Some(o), TimeoutKind::Operation),
            (a, _) => (a, TimeoutKind::Attempt),
        };
        let outcome = until(limit, self.attempt(spec, signed)).await;
        drop(permit);
        match outcome {
            Ok(result) => result,
            Err(()) if kind == TimeoutKind::Operation => Err(operation_over(true)),
            Err(()) => Err((
                elapsed(TimeoutKind::Attempt, limits.attempt_timeout, true),
                Safety::MayHaveActed,
            )),
        }
    }

    /// One HTTP exchange; a failure comes with whether it may be retried.
    async fn attempt(
        &self,
        spec: &OperationSpec,
        signed: &SignedRequest,
    ) -> Result<Success, (Failure, Safety)> {
        let inner = &*self.inner;
        let (http, method) = (
            if spec.read_only {
                &inner.pooled
            } else {
                &inner.fresh
            },
            if signed.method == "GET" {
                reqwest::Method::GET
            } else {
                reqwest::Method::POST
            },
        );
        let mut request = http.request(method, &signed.url);
        for (name, value) in &signed.headers {
            request = request.header(*name, value.as_str());
        }
        let response = request
            .body(signed.body.clone())
            .send()
            .await
            .map_err(|e| self.transport_failure(e))?;
        let status = response.status().as_u16();
        let success = (200..300).contains(&status);
        let body = match read_body(response, &inner.limits).await {
            Ok(body) => body,
            Err(BodyError::Transport(e)) => {
                // The service answered, so it got the request.
                let (failure, _) = self.transport_failure(e);
                return Err((reached(failure), Safety::MayHaveActed));
            }
            Err(BodyError::Stalled) => {
                let failure = elapsed(TimeoutKind::StalledBody, inner.limits.min_body_window, true);
                return Err((failure, Safety::MayHaveActed));
            }
            Err(BodyError::TooLarge(prefix)) => {
                let failure = Failure::Unreadable {
                    status,
                    body: kept_body(&signed.redactor, &prefix, true),
                    reason: format!(
                        "the body is larger than the client's limit of {} bytes (ClientBuilder::max_response_body)",
                        inner.limits.max_response_body
                    ),
                    request_id: None,
                };
                let safety = if success {
                    Safety::AnsweredUnreadable
                } else {
                    classify_answer(status, None)
                };
                return Err((failure, safety));
            }
        };
        if success {
            success_answer(spec, status, body, signed)
        } else {
            Err(error_answer(status, &body, signed))
        }
    }

    fn transport_failure(&self, e: reqwest::Error) -> (Failure, Safety) {
        let limits = &self.inner.limits;
        // The URL carries the parameters, STS tokens included.
        let e = e.without_url();
        if e.is_connect() {
            let failure = if e.is_timeout() {
                Failure::Timeout {
                    kind: TimeoutKind::Connect,
                    timeout: limits.connect_timeout,
                    may_have_reached_server: false,
                    source: Box::new(e),
                }
            } else {
                Failure::Dispatch {
                    reached_server: false,
                    source: Box::new(e),
                }
            };
            (failure, Safety::NotActed)
        } else if e.is_builder() {
            let failure = Failure::Dispatch {
                reached_server: false,
                source: Box::new(e),
            };
            (failure, Safety::Final)
        } else if e.is_timeout() {
            let failure = Failure::Timeout {
                kind: TimeoutKind::Read,
                timeout: limits.read_timeout,
                may_have_reached_server: true,
                source: Box::new(e),
            };
            (failure, Safety::MayHaveActed)
        } else {
            let failure = Failure::Dispatch {
                reached_server: true,
                source: Box::new(e),
            };
            (failure, Safety::MayHaveActed)
        }
    }
}

/// Why a body could not be read whole.
enum BodyError {
    Transport(reqwest::Error),
    /// Slower than the minimum rate.
    Stalled,
    /// Over the size limit; what came before it.
    TooLarge(Vec<u8>),
}

/// Reads the body within the size limit and the minimum rate.
async fn read_body(mut response: reqwest::Response, limits: &Limits) -> Result<Vec<u8>, BodyError> {
    let max = limits.max_response_body;
    let expected = response.content_length().unwrap_or(0);
    let mut body = Vec::with_capacity(usize::try_from(expected).unwrap_or(max).min(max));
    let guarded = limits.min_body_bytes > 0 && !limits.min_body_window.is_zero();
    let mut window_end = deadline_after(limits.min_body_window).filter(|_| guarded);
    let mut in_window = 0u64;
    loop {
        let next = match until(window_end, response.chunk()).await {
            Ok(next) => next,
            // The window ended before the next chunk: checked below.
            Err(()) => Ok(Some(Default::default())),
        };
        let chunk = match next {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(body),
            Err(e) => return Err(BodyError::Transport(e)),
        };
        if body.len().saturating_add(chunk.len()) > max {
            let room = max - body.len();
            body.extend_from_slice(&chunk[..room]);
            return Err(BodyError::TooLarge(body));
        }
        body.extend_from_slice(&chunk);
        in_window = in_window.saturating_add(chunk.len() as u64);
        if let Some(end) = window_end
            && Instant::now() >= end
        {
            if in_window < limits.min_body_bytes {
                return Err(BodyError::Stalled);
            }
            in_window = 0;
            window_end = deadline_after(limits.min_body_window);
        }
    }
}

/// At most [`BODY_KEPT`] bytes of `body` as text, secrets masked; `cut` when `body` is only the
/// start of the answer's body.
fn kept_body(redactor: &Redactor, body: &[u8], cut: bool) -> String {
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

/// Marks a transport failure as having happened after the request reached the service.
fn reached(failure: Failure) -> Failure {
    match failure {
        Failure::Dispatch { source, .. } => Failure::Dispatch {
            reached_server: true,
            source,
        },
        Failure::Timeout {
            kind,
            timeout,
            source,
            ..
        } => Failure::Timeout {
            kind,
            timeout,
            may_have_reached_server: true,
            source,
        },
        other => other,
    }
}

/// A short, secret-free description of a failure for logs.
fn failure_summary(failure: &Failure) -> String {
    match failure {
        Failure::Credentials(_) => "credentials".to_owned(),
        Failure::Nonce(_) => "nonce".to_owned(),
        Failure::Dispatch { reached_server, .. } => {
            format!("transport error (reached server: {reached_server})")
        }
        Failure::Timeout {
            kind,
            may_have_reached_server,
            ..
        } => format!("{kind} (may have reached server: {may_have_reached_server})"),
        Failure::Unreadable { status, .. } => format!("unreadable answer, HTTP {status}"),
        Failure::Service(meta) => format!("{}, HTTP {}", meta.code, meta.http_status),
        Failure::OutcomeUnknown(inner) => failure_summary(inner),
    }
}

/// The fields of an answer the client reads itself, secrets masked. The official SDKs accept
/// the lower-case spellings too (`code`, `message`, `requestId`), and so does this.
struct AnswerFields {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    host_id: Option<String>,
    recommend: Option<String>,
}

impl AnswerFields {
    fn of(value: &serde_json::Value, redactor: &Redactor) -> Self {
        let field = |upper: &str, lower: &str| {
            text_field(value, upper)
                .or_else(|| text_field(value, lower))
                .map(|v| redactor.apply(&v).into_owned())
        };
        Self {
            code: field("Code", "code"),
            message: field("Message", "message"),
            request_id: field("RequestId", "requestId"),
            host_id: field("HostId", "hostId"),
            recommend: field("Recommend", "recommend"),
        }
    }

    /// The service's error, as a failure with its retry safety.
    fn into_service(self, status: u16, code: String, signed: &SignedRequest) -> (Failure, Safety) {
        let safety = classify_answer(status, Some(&code));
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
            message: self.message.unwrap_or_default(),
            request_id: self.request_id,
            host_id: self.host_id,
            recommend: self.recommend,
            client_string_to_sign,
        }));
        (failure, safety)
    }
}

/// Reads a field of an answer, whichever JSON type the service used for it.
fn text_field(value: &serde_json::Value, name: &str) -> Option<String> {
    match value.get(name)? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether a 2xx answer's `Code` means success: the reference says `0` (an integer through the
/// SDKs, a string over HTTP); one reference gives `200` as its example.
fn is_success_code(code: &str) -> bool {
    matches!(code, "0" | "200")
}

/// Whether a field holds something: not absent, null, empty text, or an array or object with
/// nothing in it (`{"InstanceId": []}` is empty too).
fn has_content(value: Option<&serde_json::Value>) -> bool {
    match value {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::String(s)) => !s.is_empty(),
        Some(serde_json::Value::Array(items)) => items.iter().any(|v| has_content(Some(v))),
        Some(serde_json::Value::Object(map)) => map.values().any(|v| has_content(Some(v))),
        Some(_) => true,
    }
}

/// The body as a JSON object, or why not.
fn json_object(body: &[u8]) -> Result<serde_json::Value, String> {
    match serde_json::from_slice(body) {
        Ok(value @ serde_json::Value::Object(_)) => Ok(value),
        Ok(_) => Err("the body is JSON but not an object".to_owned()),
        Err(_) if body.is_empty() => Err("the body is empty".to_owned()),
        Err(e) => Err(format!("the body is not JSON ({e})")),
    }
}

/// Reads a 2xx answer: a success only if it is a JSON object with a `RequestId`, no error
/// `Code`, and every field the operation's successes carry.
fn success_answer(
    spec: &OperationSpec,
    status: u16,
    body: Vec<u8>,
    signed: &SignedRequest,
) -> Result<Success, (Failure, Safety)> {
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
    let value = json_object(&body).map_err(|reason| unreadable(reason, None))?;
    let mut fields = AnswerFields::of(&value, redactor);
    if let Some(code) = fields.code.take_if(|c| !is_success_code(c)) {
        return Err(fields.into_service(status, code, signed));
    }
    let Some(request_id) = fields.request_id else {
        return Err(unreadable(
            "the answer has no RequestId, which every answer of the service carries".to_owned(),
            None,
        ));
    };
    if let Some(missing) = spec
        .answer_requires
        .iter()
        .find(|name| !has_content(value.get(**name)))
    {
        return Err(unreadable(
            format!(
                "the answer has no {missing}, which every successful {} carries",
                spec.action
            ),
            Some(request_id),
        ));
    }
    Ok(Success {
        status,
        body,
        value,
        request_id,
        redactor: redactor.clone(),
    })
}

/// Turns a non-2xx answer into a failure and its retry safety.
fn error_answer(status: u16, body: &[u8], signed: &SignedRequest) -> (Failure, Safety) {
    let unreadable = |reason: String, request_id: Option<String>| {
        let failure = Failure::Unreadable {
            status,
            body: kept_body(&signed.redactor, body, false),
            reason,
            request_id,
        };
        (failure, classify_answer(status, None))
    };
    let value = match json_object(body) {
        Ok(value) => value,
        Err(reason) => return unreadable(reason, None),
    };
    let mut fields = AnswerFields::of(&value, &signed.redactor);
    match fields.code.take() {
        Some(code) => fields.into_service(status, code, signed),
        None => unreadable("the error body has no Code".to_owned(), fields.request_id),
    }
}

/// A success body that does not decode into the operation's response type: for an operation
/// that is not read-only, its outcome is unknown.
fn undecodable(
    spec: &OperationSpec,
    status: u16,
    body: &[u8],
    reason: &str,
    request_id: String,
    redactor: &Redactor,
) -> Failure {
    let failure = Failure::Unreadable {
        status,
        body: kept_body(redactor, body, false),
        reason: redactor
            .apply(&format!("the body is not the expected JSON ({reason})"))
            .into_owned(),
        request_id: Some(request_id),
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
    fn endpoints() {
        assert_eq!(
            endpoint_for_region("ap-southeast-1"),
            "ens.ap-southeast-1.aliyuncs.com"
        );
        assert_eq!(endpoint_for_region("cn-hangzhou"), "ens.aliyuncs.com");
        assert_eq!(endpoint_for_region("xx-nowhere-1"), crate::DEFAULT_ENDPOINT);
        let e = Endpoint::parse("http://127.0.0.1:8080", false).expect("valid");
        assert_eq!(
            (e.base.as_str(), e.host.as_str()),
            ("http://127.0.0.1:8080", "127.0.0.1:8080")
        );
        let e = Endpoint::parse("https://ens.aliyuncs.com:443/", false).expect("valid");
        assert_eq!(
            (e.base.as_str(), e.host.as_str()),
            ("https://ens.aliyuncs.com", "ens.aliyuncs.com")
        );
        for bad in [
            "ftp://x",
            "http://h/path",
            "not a url",
            "http://u:p@h",
            "http://h/?a=b",
        ] {
            assert!(Endpoint::parse(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn clear_text_only_to_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:1",
            "http://127.9.9.9",
            "http://[::1]:8",
            "http://localhost:9",
        ] {
            assert!(Endpoint::parse(ok, false).is_ok(), "{ok}");
        }
        for far in [
            "http://ens.aliyuncs.com",
            "http://10.0.0.1:80",
            "http://[fd00::1]",
        ] {
            let err = Endpoint::parse(far, false).unwrap_err().to_string();
            assert!(
                err.contains("in clear") && err.contains("allow_http"),
                "{err}"
            );
            assert!(Endpoint::parse(far, true).is_ok(), "{far}");
        }
        assert!(Endpoint::parse("https://ens.aliyuncs.com", false).is_ok());
    }

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
    fn success_codes_and_content() {
        use serde_json::json;
        assert!(is_success_code("0") && is_success_code("200"));
        assert!(!is_success_code("1") && !is_success_code("InvalidParameter"));
        assert!(!has_content(None));
        assert!(!has_content(Some(&json!({"InstanceId": []}))));
        assert!(!has_content(Some(&json!(""))));
        assert!(has_content(Some(&json!({"InstanceId": ["i-1"]}))));
        assert!(has_content(Some(&json!(["i-1"]))));
        assert!(has_content(Some(&json!(0))));
    }

    #[test]
    fn user_agent_names_the_sdk_and_version() {
        assert_eq!(USER_AGENT, format!("ens-rs/{}", env!("CARGO_PKG_VERSION")));
    }
}
