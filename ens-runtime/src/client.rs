//! The client: configuration, the send loop, and the mapping of answers to [`SdkError`].
//!
//! Everything that does not depend on the operation's types (signing, HTTP, retries, reading
//! answers) is in non-generic functions, so each operation adds only a thin wrapper to the
//! compiled code.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ens_auth::{CredentialsError, NonceError, ProvideCredentials, SigningTime, random_nonce};
use ens_core::{Operation, OperationError, OperationSpec, Params};
use ens_credentials::{CachedProvider, DefaultChain};
use tracing::Instrument as _;

use crate::answer::{Accepted, error_answer, kept_body, success_answer, undecodable};
use crate::config::{CallOptions, Limits, Settings};
use crate::dry_run::{Redactor, SignedRequest, SigningContext, sign};
use crate::error::{BoxError, BuildError, SdkError, ServiceError, ServiceMeta, TimeoutKind};
use crate::ratelimit::{RateLimiter, RateLimits};
use crate::retry::{RetryBudget, RetryPolicy, Safety, classify_answer, is_throttling};
use crate::service::Service;
use crate::skew::{SigningClock, is_clock_skew, server_time};
use crate::time::{AsyncSleep, DeadlinePassed, TimeSource, Timer, TokioTime};
use crate::transport::{
    ConnectionReuse, HttpRequest, HttpTransport, HyperTransport, ReqwestTransport, ResponseBody,
    TransportError, TransportErrorKind,
};

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

/// A nonce source; injectable for the same reason. The default reads the OS generator.
type NonceSource = Arc<dyn Fn() -> String + Send + Sync>;

/// Where requests go: a base URL without path, and the `host` value that is signed and sent.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// `scheme://host[:port]`, no trailing slash.
    pub(crate) base: String,
    /// `host[:port]`, exactly the `host` header sent.
    pub(crate) host: String,
    /// Whether the host is this machine (`localhost` or a loopback address).
    loopback: bool,
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
            loopback,
        })
    }

    fn for_host(host: &str) -> Self {
        Self {
            base: format!("https://{host}"),
            host: host.to_owned(),
            loopback: false,
        }
    }

    /// Whether the environment's proxy variables (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, less
    /// `NO_PROXY`) send requests to this endpoint through a proxy. Never for this machine: a
    /// local emulator or test server is not meant to be reached through a proxy.
    fn proxied(&self) -> bool {
        !self.loopback
            && self.base.parse::<http::Uri>().is_ok_and(|uri| {
                hyper_util::client::proxy::matcher::Matcher::from_env()
                    .intercept(&uri)
                    .is_some()
            })
    }
}

/// How requests are sent, as configured.
enum TransportChoice {
    Custom(Arc<dyn HttpTransport>),
    Reqwest {
        pooled: Option<reqwest::Client>,
        fresh: Option<reqwest::Client>,
    },
}

/// Configures a client of service `service`, and builds it as a `C` (by default the runtime's
/// [`Client`]; a service's crate may wrap it in its own client type, `C: From<Client>`).
/// Nothing here fails or reads credentials; [`ClientBuilder::build`] only checks the endpoint
/// and sets up TLS.
///
/// Every call is bounded in time (connect, read, attempt and operation timeouts, a minimum body
/// rate) and memory (a body size limit); the defaults are on each setter. Every knob takes any
/// value without panicking: `Duration::MAX` means no limit, counts are clamped as documented.
///
/// Two kinds of settings:
///
/// - per call: timeouts, body limits, retry policy, signature version and the opt-in to
///   duplicates. Set here as the client's, overridable per call and per view; [`CallOptions`]
///   lists them with their defaults.
/// - the client's alone, shared by all its clones and views:
///
/// | setting | default |
/// |---|---|
/// | [`credentials`](Self::credentials) | Alibaba's default chain, cached |
/// | [`region`](Self::region) / [`endpoint`](Self::endpoint) | `ens.aliyuncs.com` |
/// | [`rate_limits`](Self::rate_limits) | each operation's documented limit, adaptive |
/// | retry budget ([`RetryPolicy::with_retry_tokens`]) | 500 tokens |
/// | [`max_connections`](Self::max_connections) | 64 |
/// | [`pool_idle_timeout`](Self::pool_idle_timeout) | 4 s |
/// | [`reuse_for_writes`](Self::reuse_for_writes) | 250 ms |
/// | [`allow_http`](Self::allow_http) | `false` (loopback only) |
/// | [`transport`](Self::transport) / [`http_client`](Self::http_client) | hyper, rustls, Mozilla roots |
///
/// ```no_run
/// use std::time::Duration;
/// use ens_client::{Client, RateLimits};
/// use ens_client::credentials::CliConfigProvider;
///
/// let client = Client::builder()
///     .credentials(CliConfigProvider::from_default_location().with_profile("ens-prod"))
///     .operation_timeout(Duration::from_secs(60))
///     .rate_limits(RateLimits::documented().share(0.5))
///     .build()?;
/// # Ok::<(), ens_client::BuildError>(())
/// ```
pub struct ClientBuilder<C = Client> {
    service: &'static Service,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    region: Option<String>,
    endpoint: Option<String>,
    allow_http: bool,
    settings: Settings,
    rate_limits: RateLimits,
    max_connections: usize,
    pool_idle_timeout: Duration,
    reuse_for_writes: Duration,
    user_agent: String,
    clock: Option<crate::skew::Clock>,
    nonce: Option<NonceSource>,
    transport: Option<TransportChoice>,
    time: Option<Arc<dyn TimeSource>>,
    sleep: Option<Arc<dyn AsyncSleep>>,
    client: PhantomData<fn() -> C>,
}

/// The most connections a client may be given (a semaphore's limit is far above).
const MAX_CONNECTIONS: usize = 10_000;

impl<C> ClientBuilder<C> {
    /// A builder for a client of `service`, with the defaults: the default credentials chain,
    /// the service's default endpoint, V3 signatures, 3 attempts.
    pub fn new(service: &'static Service) -> Self {
        Self {
            service,
            credentials: None,
            region: None,
            endpoint: None,
            allow_http: false,
            settings: Settings::default(),
            rate_limits: RateLimits::default(),
            max_connections: 64,
            pool_idle_timeout: Duration::from_secs(4),
            reuse_for_writes: DEFAULT_REUSE_FOR_WRITES,
            user_agent: USER_AGENT.to_owned(),
            clock: None,
            nonce: None,
            transport: None,
            time: None,
            sleep: None,
            client: PhantomData,
        }
    }
}

/// How recently a kept connection must have sent a request for a call that is not read-only to
/// use it. See [`ClientBuilder::reuse_for_writes`].
const DEFAULT_REUSE_FOR_WRITES: Duration = Duration::from_millis(250);

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let transport = match &self.transport {
            None => "default",
            Some(TransportChoice::Custom(_)) => "custom",
            Some(TransportChoice::Reqwest { .. }) => "reqwest",
        };
        f.debug_struct("ClientBuilder")
            .field("service", &self.service.name)
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("allow_http", &self.allow_http)
            .field("settings", &self.settings)
            .field("rate_limits", &self.rate_limits)
            .field("max_connections", &self.max_connections)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("reuse_for_writes", &self.reuse_for_writes)
            .field("user_agent", &self.user_agent)
            .field("clock", &self.clock.as_ref().map(|_| "custom"))
            .field("nonce", &self.nonce.as_ref().map(|_| "custom"))
            .field("transport", &transport)
            .field("time", &self.time)
            .field("sleep", &self.sleep)
            .finish()
    }
}

impl<C> ClientBuilder<C> {
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
    /// request is signed, so missing credentials are an [`SdkError::Credentials`] of that call,
    /// listing what each source found, not a failure to build.
    ///
    /// With ENS's client (`ens-client`, generated over this runtime):
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

    /// The region whose endpoint to call (see [`Service::endpoint_for_region`]). ENS serves all
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
        self.settings.limits.connect_timeout = timeout;
        self
    }

    /// How long to wait for each read of the answer (default 30 s; CreateInstance can be slow).
    /// A read timeout means the request may have been acted on.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.settings.limits.read_timeout = timeout;
        self
    }

    /// The longest one attempt may take, from sending to the end of the answer (default 60 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.settings.limits.attempt_timeout = timeout;
        self
    }

    /// The longest a whole call may take: every attempt, the waits between them and the wait
    /// for a free connection (default 120 s). A retry that would start after it is not made.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.settings.limits.operation_timeout = timeout;
        self
    }

    /// Stalled-stream protection: the answer's body must bring at least `bytes` in every
    /// `window` until it ends, or the attempt fails as a [`TimeoutKind::StalledBody`] timeout
    /// (default 1 KiB per 5 s; `bytes` 0 or a zero `window` turns it off). A body trickling
    /// byte by byte would otherwise hold the call until the attempt timeout.
    pub fn min_body_rate(mut self, bytes: u64, window: Duration) -> Self {
        self.settings.limits.min_body_bytes = bytes;
        self.settings.limits.min_body_window = window;
        self
    }

    /// The largest answer body read (default 4 MiB; DescribeInstances' largest page is far
    /// smaller). A larger body is an [`SdkError::UnreadableResponse`] keeping its first 8 KiB, and
    /// is never held in memory whole.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.settings.limits.max_response_body = bytes;
        self
    }

    /// The most requests in flight to the endpoint at once, hence connections to it (default
    /// 64, clamped to 1 to 10,000). Calls beyond wait for a free one within their operation
    /// timeout.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.clamp(1, MAX_CONNECTIONS);
        self
    }

    /// How long an idle connection is kept for reuse by read-only calls, counted from the last
    /// request sent on it (default 4 s: below the idle timeouts of common servers and load
    /// balancers, 5 s and up, so the client seldom picks a connection the server is closing, and
    /// a read-only call that does is sent again).
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// How recently a kept connection must have sent a request for a call that is not
    /// read-only to be sent on it (default 250 ms; `Duration::ZERO`: such calls always open a
    /// connection of their own, as before this setting existed).
    ///
    /// The default transport proves a kept connection alive before writing to it, so the only
    /// way such a call is lost is a server closing the connection while the request travels to
    /// it: the server never read it, but the client cannot prove that, and the call ends in
    /// [`SdkError::OutcomeUnknown`] (never in a duplicate). Servers close connections idle for their
    /// keep-alive timeout, a second or more (gunicorn 2 s, Apache and Node.js 5 s, nginx 75 s),
    /// and the idleness here is counted from when the last request was *sent*, which is before
    /// the server's idle clock starts. A bound well below every such timeout keeps that race
    /// away while a busy client keeps its connections: calls in a steady stream reuse them,
    /// sporadic ones open a new one (which against the service costs a TLS handshake on a call
    /// that takes seconds). Only the default transport measures idleness; a reqwest client
    /// without a fresh-connection client ([`ClientBuilder::http_client_for_writes`]) reuses any.
    pub fn reuse_for_writes(mut self, idle_at_most: Duration) -> Self {
        self.reuse_for_writes = idle_at_most;
        self
    }

    /// Sends requests through `transport` instead of the default [`HyperTransport`] (a shared
    /// one, a replay transport in tests, your own). The client still bounds every call around
    /// it (see [`crate::transport`]); connecting is the transport's to bound.
    pub fn transport(mut self, transport: impl HttpTransport) -> Self {
        self.transport = Some(TransportChoice::Custom(Arc::new(transport)));
        self
    }

    /// Sends requests through your [`reqwest::Client`], with its settings (proxies, TLS roots,
    /// local address, ...). The client's connect and read timeouts do not apply to it (set them
    /// on it); the attempt and operation timeouts, the body limits and the retry rules still do.
    ///
    /// reqwest cannot tell a kept connection the server closed while idle from one that failed
    /// after the request arrived. Read-only calls do not mind (they are sent again); calls that
    /// are not read-only go through [`ClientBuilder::http_client_for_writes`] if you give one,
    /// and otherwise through this client's kept connections: a server closing one just as such a
    /// call is written then ends the call in [`SdkError::OutcomeUnknown`] (never in a duplicate).
    ///
    /// ```
    /// let http = reqwest::Client::builder()
    ///     .timeout(std::time::Duration::from_secs(30))
    ///     .build()?;
    /// let no_pool = reqwest::Client::builder().pool_max_idle_per_host(0).build()?;
    /// let client = ens_client::Client::builder()
    ///     .http_client(http)
    ///     .http_client_for_writes(no_pool)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        let fresh = match self.transport.take() {
            Some(TransportChoice::Reqwest { fresh, .. }) => fresh,
            _ => None,
        };
        self.transport = Some(TransportChoice::Reqwest {
            pooled: Some(client),
            fresh,
        });
        self
    }

    /// The [`reqwest::Client`] for calls that are not read-only: build it like the one given to
    /// [`ClientBuilder::http_client`], with `.pool_max_idle_per_host(0)`, so that each such call
    /// gets a connection of its own and one that cannot be opened proves nothing was sent.
    pub fn http_client_for_writes(mut self, client: reqwest::Client) -> Self {
        let pooled = match self.transport.take() {
            Some(TransportChoice::Reqwest { pooled, .. }) => pooled,
            _ => None,
        };
        self.transport = Some(TransportChoice::Reqwest {
            pooled,
            fresh: Some(client),
        });
        self
    }

    /// The clock of deadlines, backoff and waiting (default tokio's: paused in tests that pause
    /// it). Pair it with [`ClientBuilder::sleep_impl`].
    pub fn time_source(mut self, time: impl TimeSource + 'static) -> Self {
        self.time = Some(Arc::new(time));
        self
    }

    /// How the client waits: backoff, timeouts, pauses between polls (default tokio's timer).
    pub fn sleep_impl(mut self, sleep: impl AsyncSleep + 'static) -> Self {
        self.sleep = Some(Arc::new(sleep));
        self
    }

    /// Retry attempts, backoff and budget (see [`RetryPolicy`] for what is retried).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Which signature to send (default [`SignatureVersion::V3`]).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.settings.signature_version = version;
        self
    }

    /// Sets every option `options` sets, as the client's: the timeouts, body limits, retry
    /// policy (its budget included), signature version, and
    /// [`CallOptions::retry_writes_accepting_duplicates`]. The setters of the same names set one
    /// each; whichever comes last wins. Calls override these with [`Client::send_with`] and
    /// [`Client::with_options`]; [`CallOptions`] lists every setting with its default.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ens_client::{CallOptions, Client, RetryPolicy};
    ///
    /// // A batch job that would rather wait than fail: long calls, more attempts.
    /// let client = Client::builder()
    ///     .call_options(
    ///         CallOptions::new()
    ///             .operation_timeout(Duration::from_secs(600))
    ///             .retry_policy(RetryPolicy::new(6).with_max_delay(Duration::from_secs(20))),
    ///     )
    ///     .build()?;
    /// assert_eq!(client.options().get_operation_timeout(), Some(Duration::from_secs(600)));
    /// # Ok::<(), ens_client::BuildError>(())
    /// ```
    pub fn call_options(mut self, options: CallOptions) -> Self {
        self.settings = self.settings.with(&options);
        if let Some(policy) = options.get_retry_policy() {
            self.settings.retry = policy;
        }
        self
    }

    /// The client-side rate limits (default [`RateLimits::documented`]: each operation paced to
    /// the limit its reference documents, such as CreateInstance's 10 calls/s, and slowed down
    /// further while the service throttles anyway). Shared by all clones of the client.
    /// [`RateLimits::off`] sends every call at once.
    ///
    /// A call waits for its slot within its operation timeout; when the slot would come after
    /// it, the call fails at once with an [`SdkError::Timeout`] of kind
    /// [`TimeoutKind::Operation`] that was not sent, saying so.
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = limits;
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

    /// Builds the client. Fails only on a malformed or clear-text endpoint, or if an HTTP
    /// client cannot be set up.
    ///
    /// Unless a transport was given, requests go through the default [`HyperTransport`], or
    /// through reqwest when the environment's proxy variables (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, less `NO_PROXY`) send the endpoint through a proxy (never a loopback
    /// endpoint): reqwest honours them, and calls that are not read-only then open a connection
    /// of their own each (through a proxy, a live connection to the proxy proves nothing about
    /// the proxy's connection on).
    pub fn build(self) -> Result<C, BuildError>
    where
        C: From<Client>,
    {
        let service = self.service;
        let endpoint = match (&self.endpoint, &self.region) {
            (Some(endpoint), _) => Endpoint::parse(endpoint, self.allow_http)?,
            (None, Some(region)) => Endpoint::for_host(service.endpoint_for_region(region)),
            (None, None) => Endpoint::for_host(service.default_endpoint),
        };
        let timer = Timer::new(
            self.time.unwrap_or_else(|| Arc::new(TokioTime)),
            self.sleep.unwrap_or_else(|| Arc::new(TokioTime)),
        );
        let limits = self.settings.limits;
        let reqwest_client = |idle_per_host: usize| {
            reqwest::Client::builder()
                .connect_timeout(limits.connect_timeout)
                .read_timeout(limits.read_timeout)
                .pool_idle_timeout(self.pool_idle_timeout)
                .pool_max_idle_per_host(idle_per_host)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| BuildError::Http(Box::new(e)))
        };
        let transport: Arc<dyn HttpTransport> = match self.transport {
            Some(TransportChoice::Custom(transport)) => transport,
            Some(TransportChoice::Reqwest { pooled, fresh }) => {
                let pooled = match pooled {
                    Some(client) => client,
                    None => reqwest_client(self.max_connections)?,
                };
                let transport = ReqwestTransport::new(pooled);
                Arc::new(match fresh {
                    Some(fresh) => transport.with_fresh_connections(fresh),
                    None => transport,
                })
            }
            None if endpoint.proxied() => Arc::new(
                ReqwestTransport::new(reqwest_client(self.max_connections)?)
                    .with_fresh_connections(reqwest_client(0)?),
            ),
            None => Arc::new(
                HyperTransport::builder()
                    // Each call's connect timeout applies: none of the transport's own.
                    .connect_timeout(Duration::MAX)
                    .idle_timeout(self.pool_idle_timeout)
                    .max_idle(self.max_connections)
                    .time_source(timer.time_source().clone())
                    .build(),
            ),
        };
        let credentials = self
            .credentials
            .unwrap_or_else(|| CachedProvider::shared(DefaultChain::builder().build()));
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                service,
                transport,
                timer,
                connections: tokio::sync::Semaphore::new(self.max_connections),
                budget: RetryBudget::new(self.settings.retry.retry_tokens()),
                limiter: RateLimiter::new(self.rate_limits),
                credentials,
                endpoint,
                reuse_for_writes: self.reuse_for_writes,
                user_agent: self.user_agent,
                clock: SigningClock::new(self.clock),
                nonce: self.nonce,
            }),
            settings: self.settings,
        }))
    }
}

/// The runtime's client of a service: signs, sends, retries when that cannot duplicate work, and
/// decodes. A service's crate wraps it in a client with a method per operation (ENS's:
/// `ens_client::Client`).
///
/// Cheap to clone (one `Arc`), and meant to be shared: all clones use one connection pool, one
/// connection limit and one retry budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// What calls use unless they say otherwise: the client's settings, or a view's
    /// ([`Client::with_options`]).
    pub(crate) settings: Settings,
}

struct Inner {
    service: &'static Service,
    /// Sends the requests; for calls that are not read-only only on connections that sent a
    /// request within `reuse_for_writes` (see [`ClientBuilder::reuse_for_writes`]).
    transport: Arc<dyn HttpTransport>,
    timer: Timer,
    /// One permit per request in flight: caps the connections to the endpoint.
    connections: tokio::sync::Semaphore,
    budget: RetryBudget,
    /// Paces each operation to its rate limit, adapting to throttling answers.
    limiter: RateLimiter,
    credentials: Arc<dyn ProvideCredentials>,
    endpoint: Endpoint,
    reuse_for_writes: Duration,
    user_agent: String,
    /// The signing clock, corrected from the service's `Date` after a clock-skew refusal.
    clock: SigningClock,
    nonce: Option<NonceSource>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("service", &i.service.name)
            .field("endpoint", &i.endpoint.base)
            .field("transport", &i.transport)
            .field("credentials", &i.credentials)
            .field("settings", &self.settings)
            .field("limiter", &i.limiter)
            .field("clock", &i.clock)
            .finish_non_exhaustive()
    }
}

/// A 2xx answer that reads as a success, not yet decoded into the operation's type, with what
/// masks the secrets of the request that got it.
struct Success {
    accepted: Accepted,
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
    ) -> SdkError<E> {
        match self {
            Failure::Credentials(source) => SdkError::Credentials { action, source },
            Failure::Nonce(source) => SdkError::Nonce { action, source },
            Failure::Dispatch {
                reached_server,
                source,
            } => SdkError::Dispatch {
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
            } => SdkError::Timeout {
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
            } => SdkError::UnreadableResponse {
                action,
                status,
                body,
                reason,
                request_id,
            },
            Failure::Service(meta) => SdkError::Service(ServiceError {
                kind: E::from_code(&meta.code, &meta.message),
                meta,
            }),
            Failure::OutcomeUnknown(cause) => SdkError::OutcomeUnknown {
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

/// A limit of the client's that ran out; the source of its [`SdkError::Timeout`].
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

impl Client {
    /// The base URL requests go to.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint.base
    }

    /// The service this client calls.
    pub fn service(&self) -> &'static Service {
        self.inner.service
    }

    /// The clock and sleep of deadlines and pauses, for the waiters built on the client.
    pub(crate) fn timer(&self) -> &Timer {
        &self.inner.timer
    }

    /// Validates, signs and sends `request`, retrying only where that cannot do the work twice
    /// (see [`RetryPolicy`]), and decodes the answer, with the client's settings.
    ///
    /// An invalid request is returned as [`SdkError::InvalidRequest`] without anything being sent.
    /// The call waits for its slot under the client's rate limit ([`RateLimits`]) and ends
    /// within the client's operation timeout.
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use ens_client::DescribeInstancesRequest;
    ///
    /// // A request object of any operation (a fluent call builds one, sent with send_with).
    /// let page = client.send(DescribeInstancesRequest::builder().build()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send<O: Operation>(&self, request: O) -> Result<O::Response, SdkError<O::Error>> {
        self.send_resolved(request, &self.settings).await
    }

    /// [`Client::send`] with `options` over the client's settings, for this call only: a
    /// timeout, a retry policy, a signature version of its own. What `options` leaves unset is
    /// the client's (or the view's, on a [`Client::with_options`] view); [`CallOptions`] lists
    /// every setting with its default. The rate limiter, the retry budget and the connection
    /// pool stay the client's.
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use ens_client::{CallOptions, DescribeInstancesRequest, SdkError, TimeoutKind};
    ///
    /// let quick = CallOptions::new().attempt_timeout(Duration::from_secs(2));
    /// match client.send_with(DescribeInstancesRequest::builder().build(), quick).await {
    ///     Ok(page) => println!("{} instances", page.total_count.unwrap_or_default()),
    ///     Err(SdkError::Timeout { kind: TimeoutKind::Attempt, .. }) => println!("too slow today"),
    ///     Err(e) => return Err(e.into()),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send_with<O: Operation>(
        &self,
        request: O,
        options: CallOptions,
    ) -> Result<O::Response, SdkError<O::Error>> {
        let settings = self.settings.with(&options);
        self.send_resolved(request, &settings).await
    }

    async fn send_resolved<O: Operation>(
        &self,
        request: O,
        settings: &Settings,
    ) -> Result<O::Response, SdkError<O::Error>> {
        // Built once and checked: the same map is signed and sent.
        let params = request.checked_params().map_err(SdkError::InvalidRequest)?;
        drop(request);
        let action = O::SPEC.action;
        let endpoint = self.inner.endpoint.base.as_str();
        let Success { accepted, redactor } = self
            .execute(O::SPEC, &params, settings)
            .await
            .map_err(|f| f.into_error(action, endpoint))?;
        match serde_json::from_slice::<O::Response>(&accepted.body) {
            Ok(response) => Ok(response),
            Err(e) => Err(undecodable(O::SPEC, accepted, &e.to_string(), &redactor)
                .into_error(action, endpoint)),
        }
    }

    /// The rate, in calls per second, the client paces `action` (such as `"CreateInstance"`) to
    /// now: its limit, or less while it grows back after a throttling answer. `None` when
    /// `action` is not paced, or has not been called yet.
    pub fn current_rate_limit(&self, action: &str) -> Option<f64> {
        self.inner.limiter.current(action, self.inner.timer.now())
    }

    /// Signs `params` with current credentials (from the cache, refreshed when due), time and
    /// nonce.
    pub(crate) async fn sign_params(
        &self,
        spec: &OperationSpec,
        params: &Params,
        version: SignatureVersion,
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
        Ok(sign(
            spec,
            params,
            &SigningContext {
                endpoint: &inner.endpoint,
                version,
                user_agent: &inner.user_agent,
                credentials: &credentials,
                time: inner.clock.now(),
                nonce: &nonce,
            },
        ))
    }

    /// The attempt loop, shared by every operation.
    async fn execute(
        &self,
        spec: &'static OperationSpec,
        params: &Params,
        settings: &Settings,
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
            let timer = &inner.timer;
            let retry = &settings.retry;
            let deadline = timer.deadline_after(settings.limits.operation_timeout);
            // Attempts as the retry policy counts them; a clock correction's resend is not one.
            let mut attempt = 0u32;
            let mut sent = 0u32;
            let mut clock_corrected = false;
            // Whether an earlier attempt may have been acted on (only retried with duplicates
            // accepted).
            let mut acted_before = false;
            let mut last_retry_cost = None;
            loop {
                attempt += 1;
                sent += 1;
                recorder.record("attempts", sent);
                let now = timer.now();
                let slot = match inner.limiter.reserve(spec, now, deadline) {
                    Ok(slot) => slot,
                    Err(no_slot) => return Err(rate_limited(no_slot, settings, acted_before)),
                };
                if slot > now {
                    timer.sleep_until(slot).await;
                }
                let mut signed = self
                    .sign_params(spec, params, settings.signature_version)
                    .await?;
                let outcome = self
                    .attempt_in_time(spec, &mut signed, deadline, settings)
                    .await;
                let (failure, safety) = match outcome {
                    Ok(accepted) => {
                        recorder.record("request_id", accepted.request_id.as_str());
                        tracing::debug!(
                            status = accepted.status,
                            request_id = accepted.request_id.as_str(),
                            "ENS call succeeded"
                        );
                        if acted_before {
                            tracing::warn!(
                                request_id = accepted.request_id.as_str(),
                                "ENS call succeeded after an attempt that may have been acted on too (duplicates accepted)"
                            );
                        }
                        inner.limiter.answered(spec, slot, timer.now(), false);
                        inner.budget.succeeded(last_retry_cost);
                        return Ok(Success {
                            accepted,
                            redactor: signed.redactor,
                        });
                    }
                    Err(failed) => failed,
                };
                let request_id = failure.request_id();
                if let Some(id) = request_id {
                    recorder.record("request_id", id);
                }
                if let Failure::Service(meta) = &failure {
                    let throttled = is_throttling(inner.service, &meta.code);
                    inner.limiter.answered(spec, slot, timer.now(), throttled);
                    // Refused for its timestamp before anything was done: sign with the
                    // service's time and send again, once.
                    if is_clock_skew(&meta.code)
                        && !clock_corrected
                        && let Some(server) = meta.server_time
                    {
                        clock_corrected = true;
                        let offset = inner.clock.correct(server);
                        tracing::warn!(
                            code = meta.code.as_str(),
                            request_id,
                            offset_seconds = offset,
                            "ENS refused the request's timestamp; signing clock corrected from the answer's Date, sending again"
                        );
                        attempt -= 1;
                        continue;
                    }
                }
                let acted = matches!(safety, Safety::MayHaveActed | Safety::AnsweredUnreadable);
                let may_retry = match safety {
                    Safety::NotActed => true,
                    Safety::MayHaveActed => spec.read_only || settings.retry_writes,
                    Safety::AnsweredUnreadable | Safety::Final => false,
                };
                if may_retry && attempt < retry.max_attempts() {
                    let delay = retry.delay(attempt);
                    let in_time = deadline
                        .is_none_or(|d| timer.now().checked_add(delay).is_some_and(|at| at < d));
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
                        acted_before |= acted && !spec.read_only;
                        timer.sleep(delay).await;
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
                if (acted || acted_before) && !spec.read_only {
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
        signed: &mut SignedRequest,
        deadline: Option<Instant>,
        settings: &Settings,
    ) -> Result<Accepted, (Failure, Safety)> {
        let inner = &*self.inner;
        let limits = &settings.limits;
        let permit = inner
            .timer
            .until(deadline, inner.connections.acquire())
            .await;
        // Nothing is sent once the operation's time is up, even with a permit in hand.
        let now = inner.timer.now();
        let over = deadline.is_some_and(|d| now >= d);
        let Ok(permit) = permit
            .map_err(drop)
            .and_then(|p| if over { Err(()) } else { Ok(p) })
        else {
            let failure = elapsed(TimeoutKind::Operation, limits.operation_timeout, false);
            return Err((failure, Safety::NotActed));
        };
        let attempt_deadline = now.checked_add(limits.attempt_timeout);
        let limit = match (attempt_deadline, deadline) {
            (Some(a), Some(o)) if o < a => Some(Limit::operation(o, limits)),
            (None, Some(o)) => Some(Limit::operation(o, limits)),
            (Some(a), _) => Some(Limit {
                at: a,
                kind: TimeoutKind::Attempt,
                value: limits.attempt_timeout,
            }),
            (None, None) => None,
        };
        let outcome = self.attempt(spec, signed, limit, limits).await;
        drop(permit);
        outcome
    }

    /// One HTTP exchange within `limit`; a failure comes with whether it may be retried.
    async fn attempt(
        &self,
        spec: &OperationSpec,
        signed: &mut SignedRequest,
        limit: Option<Limit>,
        limits: &Limits,
    ) -> Result<Accepted, (Failure, Safety)> {
        let inner = &*self.inner;
        let timer = &inner.timer;
        // The signed request's buffers go to the transport; what errors need stays.
        let request = HttpRequest {
            method: signed.method,
            url: std::mem::take(&mut signed.url),
            headers: std::mem::take(&mut signed.headers),
            body: std::mem::take(&mut signed.body),
            reuse: if spec.read_only {
                ConnectionReuse::Any
            } else {
                ConnectionReuse::IdleAtMost(inner.reuse_for_writes)
            },
            connect_timeout: limits.connect_timeout,
            read_timeout: limits.read_timeout,
        };
        // The answer's head is awaited within connecting plus one read.
        let head = Limit::read(
            timer,
            limits.connect_timeout.saturating_add(limits.read_timeout),
            limits,
        );
        let sent = inner.transport.send(request);
        let response = match within(timer, Limit::sooner(limit, head), sent).await {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => return Err(transport_failure(e, limits)),
            Err(kind) => return Err((kind, Safety::MayHaveActed)),
        };
        let status = response.status;
        let success = (200..300).contains(&status);
        let date = server_time(&response.headers);
        let body = match read_body(response.body, limits, timer, limit).await {
            Ok(body) => body,
            Err(BodyError::Transport(source)) => {
                // The service answered, so it got the request.
                let failure = Failure::Dispatch {
                    reached_server: true,
                    source,
                };
                return Err((failure, Safety::MayHaveActed));
            }
            Err(BodyError::Timeout(failure)) => return Err((failure, Safety::MayHaveActed)),
            Err(BodyError::TooLarge(prefix)) => {
                let failure = Failure::Unreadable {
                    status,
                    body: kept_body(&signed.redactor, &prefix, true),
                    reason: format!(
                        "the body is larger than the client's limit of {} bytes (ClientBuilder::max_response_body)",
                        limits.max_response_body
                    ),
                    request_id: None,
                };
                let safety = if success {
                    Safety::AnsweredUnreadable
                } else {
                    classify_answer(inner.service, status, None)
                };
                return Err((failure, safety));
            }
        };
        let answer = if success {
            success_answer(inner.service, spec, status, body, signed)
        } else {
            Err(error_answer(inner.service, status, &body, signed))
        };
        answer.map_err(|(mut failure, safety)| {
            if let Failure::Service(meta) = &mut failure {
                meta.server_time = date;
            }
            (failure, safety)
        })
    }
}

/// The failure of a call whose next attempt has no slot under the rate limit before its
/// operation timeout: nothing more was sent.
fn rate_limited(no_slot: crate::ratelimit::NoSlot, settings: &Settings, acted: bool) -> Failure {
    tracing::warn!(
        action = no_slot.action,
        rate = no_slot.rate,
        "ENS call not sent: no slot under the client's rate limit before the operation timeout"
    );
    let failure = Failure::Timeout {
        kind: TimeoutKind::Operation,
        timeout: settings.limits.operation_timeout,
        may_have_reached_server: false,
        source: Box::new(no_slot),
    };
    if acted {
        Failure::OutcomeUnknown(Box::new(failure))
    } else {
        failure
    }
}

/// A deadline, and which limit it is.
#[derive(Debug, Clone, Copy)]
struct Limit {
    at: Instant,
    kind: TimeoutKind,
    value: Duration,
}

impl Limit {
    fn operation(at: Instant, limits: &Limits) -> Self {
        Self {
            at,
            kind: TimeoutKind::Operation,
            value: limits.operation_timeout,
        }
    }

    /// A read that may last `wait` from now (none if beyond what the clock holds).
    fn read(timer: &Timer, wait: Duration, limits: &Limits) -> Option<Self> {
        timer.deadline_after(wait).map(|at| Self {
            at,
            kind: TimeoutKind::Read,
            value: limits.read_timeout,
        })
    }

    /// The limit that runs out first.
    fn sooner(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.at < a.at { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// The failure when it runs out: the request may have reached the server.
    fn failure(self) -> Failure {
        elapsed(self.kind, self.value, true)
    }
}

/// Runs `f` until `limit`, if any; the limit's failure when it runs out first.
async fn within<T>(
    timer: &Timer,
    limit: Option<Limit>,
    f: impl Future<Output = T>,
) -> Result<T, Failure> {
    match limit {
        None => Ok(f.await),
        Some(l) => timer
            .until(Some(l.at), f)
            .await
            .map_err(|DeadlinePassed| l.failure()),
    }
}

/// What a transport's failure means for the call.
fn transport_failure(e: TransportError, limits: &Limits) -> (Failure, Safety) {
    let kind = e.kind();
    let source: BoxError = Box::new(e);
    match kind {
        TransportErrorKind::NotSent => (
            Failure::Dispatch {
                reached_server: false,
                source,
            },
            Safety::NotActed,
        ),
        TransportErrorKind::ConnectTimeout => (
            Failure::Timeout {
                kind: TimeoutKind::Connect,
                timeout: limits.connect_timeout,
                may_have_reached_server: false,
                source,
            },
            Safety::NotActed,
        ),
        TransportErrorKind::Unsendable => (
            Failure::Dispatch {
                reached_server: false,
                source,
            },
            Safety::Final,
        ),
        TransportErrorKind::Timeout => (
            Failure::Timeout {
                kind: TimeoutKind::Read,
                timeout: limits.read_timeout,
                may_have_reached_server: true,
                source,
            },
            Safety::MayHaveActed,
        ),
        _ => (
            Failure::Dispatch {
                reached_server: true,
                source,
            },
            Safety::MayHaveActed,
        ),
    }
}

/// Why a body could not be read whole.
enum BodyError {
    Transport(BoxError),
    /// Slower than the minimum rate, a read that took too long, or the attempt's limit.
    Timeout(Failure),
    /// Over the size limit; what came before it.
    TooLarge(Vec<u8>),
}

/// Reads the body within the size limit, the read timeout, the minimum rate and `limit`.
async fn read_body(
    mut response: ResponseBody,
    limits: &Limits,
    timer: &Timer,
    limit: Option<Limit>,
) -> Result<Vec<u8>, BodyError> {
    let max = limits.max_response_body;
    let expected = response.size_hint().unwrap_or(0);
    let mut body = Vec::with_capacity(usize::try_from(expected).unwrap_or(max).min(max));
    let guarded = limits.min_body_bytes > 0 && !limits.min_body_window.is_zero();
    let window = |timer: &Timer| {
        timer
            .deadline_after(limits.min_body_window)
            .filter(|_| guarded)
    };
    let mut window_end = window(timer);
    let mut in_window = 0u64;
    loop {
        let read = Limit::sooner(limit, Limit::read(timer, limits.read_timeout, limits));
        let wake = match (read, window_end) {
            (Some(r), Some(w)) => Some(r.at.min(w)),
            (r, w) => r.map(|r| r.at).or(w),
        };
        let chunk = match timer.until(wake, response.chunk()).await {
            Ok(Some(Ok(chunk))) => chunk,
            Ok(None) => return Ok(body),
            Ok(Some(Err(e))) => return Err(BodyError::Transport(e)),
            // The window ended before the next chunk: checked below.
            Err(DeadlinePassed) if window_end.is_some_and(|w| read.is_none_or(|r| w < r.at)) => {
                bytes::Bytes::new()
            }
            Err(DeadlinePassed) => {
                let failure = read.map_or_else(
                    || elapsed(TimeoutKind::Read, limits.read_timeout, true),
                    Limit::failure,
                );
                return Err(BodyError::Timeout(failure));
            }
        };
        if body.len().saturating_add(chunk.len()) > max {
            let room = max - body.len();
            body.extend_from_slice(&chunk[..room]);
            return Err(BodyError::TooLarge(body));
        }
        body.extend_from_slice(&chunk);
        in_window = in_window.saturating_add(chunk.len() as u64);
        if let Some(end) = window_end
            && timer.now() >= end
        {
            if in_window < limits.min_body_bytes {
                let failure = elapsed(TimeoutKind::StalledBody, limits.min_body_window, true);
                return Err(BodyError::Timeout(failure));
            }
            in_window = 0;
            window_end = window(timer);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
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
    fn user_agent_names_the_sdk_and_version() {
        assert_eq!(USER_AGENT, format!("ens-rs/{}", env!("CARGO_PKG_VERSION")));
    }
}
