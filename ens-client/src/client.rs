//! The client: configuration, the send loop, and the mapping of answers to [`Error`].
//!
//! Everything that does not depend on the operation's types (signing, HTTP, retries, reading
//! error bodies) is in non-generic functions, so each operation adds only a thin wrapper to the
//! compiled code.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ens_auth::{CredentialsError, NonceError, ProvideCredentials, SigningTime, random_nonce};
use ens_core::{Operation, OperationError, OperationSpec, Params};
use ens_credentials::{CachedProvider, DefaultChain};
use tracing::Instrument as _;

use crate::dry_run::{SignedRequest, SigningContext, sign};
use crate::error::{BoxError, BuildError, Error, ServiceError, ServiceMeta};
use crate::retry::{RetryPolicy, Safety, classify_answer};

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
    fn parse(endpoint: &str) -> Result<Self, BuildError> {
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
pub struct ClientBuilder {
    credentials: Option<Arc<dyn ProvideCredentials>>,
    region: Option<String>,
    endpoint: Option<String>,
    connect_timeout: Duration,
    read_timeout: Duration,
    retry: RetryPolicy,
    signature_version: SignatureVersion,
    user_agent: String,
    clock: Option<Clock>,
    nonce: Option<NonceSource>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            credentials: None,
            region: None,
            endpoint: None,
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(30),
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
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
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
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// How long to wait for a connection (default 5 s). A connect timeout is always safe to
    /// retry: nothing was sent.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long to wait for each read of the answer (default 30 s; CreateInstance can be slow).
    /// A read timeout means the request may have been acted on.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Retry attempts and backoff (see [`RetryPolicy`] for what is retried).
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

    /// Builds the client. Fails only on a malformed endpoint or if TLS cannot be set up.
    pub fn build(self) -> Result<Client, BuildError> {
        let endpoint = match (&self.endpoint, &self.region) {
            (Some(endpoint), _) => Endpoint::parse(endpoint)?,
            (None, Some(region)) => Endpoint::for_host(endpoint_for_region(region)),
            (None, None) => Endpoint::for_host(crate::DEFAULT_ENDPOINT),
        };
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| BuildError::Http(Box::new(e)))?;
        let credentials = self
            .credentials
            .unwrap_or_else(|| CachedProvider::shared(DefaultChain::builder().build()));
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                credentials,
                endpoint,
                connect_timeout: self.connect_timeout,
                read_timeout: self.read_timeout,
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
/// Cheap to clone (one `Arc`), and meant to be shared: all clones use one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    credentials: Arc<dyn ProvideCredentials>,
    endpoint: Endpoint,
    connect_timeout: Duration,
    read_timeout: Duration,
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
            .field("connect_timeout", &i.connect_timeout)
            .field("read_timeout", &i.read_timeout)
            .finish_non_exhaustive()
    }
}

/// A 2xx answer, not yet decoded.
pub(crate) struct Success {
    status: u16,
    body: Vec<u8>,
    request_id: Option<String>,
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
                timeout,
                may_have_reached_server,
                source,
            } => Error::Timeout {
                action,
                endpoint: endpoint.to_owned(),
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
    pub async fn send<O: Operation>(&self, request: O) -> Result<O::Response, Error<O::Error>> {
        request.validate().map_err(Error::InvalidRequest)?;
        let params = request.to_params();
        drop(request);
        let action = O::SPEC.action;
        let endpoint = self.inner.endpoint.base.as_str();
        match self.execute(O::SPEC, &params).await {
            Ok(success) => decode::<O::Response, O::Error>(action, success),
            Err(failure) => Err(failure.into_error(action, endpoint)),
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
            let policy = self.inner.retry;
            let mut attempt = 0u32;
            loop {
                attempt += 1;
                recorder.record("attempts", attempt);
                let signed = self.sign_params(spec, params).await?;
                let (failure, safety) = match self.attempt(&signed).await {
                    Ok(success) => {
                        if let Some(id) = &success.request_id {
                            recorder.record("request_id", id.as_str());
                        }
                        tracing::debug!(
                            status = success.status,
                            request_id = success.request_id.as_deref(),
                            "ENS call succeeded"
                        );
                        return Ok(success);
                    }
                    Err(failed) => failed,
                };
                let request_id = match &failure {
                    Failure::Service(meta) => meta.request_id.as_deref(),
                    Failure::Unreadable { request_id, .. } => request_id.as_deref(),
                    _ => None,
                };
                if let Some(id) = request_id {
                    recorder.record("request_id", id);
                }
                let may_retry = match safety {
                    Safety::NotActed => true,
                    Safety::MayHaveActed => spec.read_only,
                    Safety::Final => false,
                };
                if may_retry && attempt < policy.max_attempts() {
                    let delay = policy.delay(attempt);
                    tracing::warn!(
                        attempt,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        failure = failure_summary(&failure),
                        request_id,
                        "ENS call failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    continue;
                }
                if safety == Safety::MayHaveActed && !spec.read_only {
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

    /// One HTTP exchange; a failure comes with whether it may be retried.
    async fn attempt(&self, signed: &SignedRequest) -> Result<Success, (Failure, Safety)> {
        let inner = &*self.inner;
        let method = if signed.method == "GET" {
            reqwest::Method::GET
        } else {
            reqwest::Method::POST
        };
        let mut request = inner.http.request(method, &signed.url);
        for (name, value) in &signed.headers {
            request = request.header(*name, value.as_str());
        }
        let response = request
            .body(Vec::new())
            .send()
            .await
            .map_err(|e| self.transport_failure(e))?;
        let status = response.status().as_u16();
        let body = match response.bytes().await {
            Ok(body) => body.to_vec(),
            // The service answered, so it got the request.
            Err(e) => {
                let (failure, _) = self.transport_failure(e);
                return Err((reached(failure), Safety::MayHaveActed));
            }
        };
        if (200..300).contains(&status) {
            let request_id = request_id_of(&body);
            return Ok(Success {
                status,
                body,
                request_id,
            });
        }
        Err(error_answer(status, body, signed))
    }

    fn transport_failure(&self, e: reqwest::Error) -> (Failure, Safety) {
        let inner = &*self.inner;
        // The URL carries every parameter, passwords and STS tokens included.
        let e = e.without_url();
        if e.is_connect() {
            let failure = if e.is_timeout() {
                Failure::Timeout {
                    timeout: inner.connect_timeout,
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
                timeout: inner.read_timeout,
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

/// Marks a transport failure as having happened after the request reached the service.
fn reached(failure: Failure) -> Failure {
    match failure {
        Failure::Dispatch { source, .. } => Failure::Dispatch {
            reached_server: true,
            source,
        },
        Failure::Timeout {
            timeout, source, ..
        } => Failure::Timeout {
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
            may_have_reached_server,
            ..
        } => format!("timeout (may have reached server: {may_have_reached_server})"),
        Failure::Unreadable { status, .. } => format!("unreadable answer, HTTP {status}"),
        Failure::Service(meta) => format!("{}, HTTP {}", meta.code, meta.http_status),
        Failure::OutcomeUnknown(inner) => failure_summary(inner),
    }
}

/// Reads the fields of an ENS error body, whichever type the service used for each.
fn text_field(value: &serde_json::Value, name: &str) -> Option<String> {
    match value.get(name)? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The RequestId of a success body, for the tracing span; `None` if the body has none.
fn request_id_of(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    text_field(&value, "RequestId")
}

/// Turns a non-2xx answer into a failure and its retry safety.
fn error_answer(status: u16, body: Vec<u8>, signed: &SignedRequest) -> (Failure, Safety) {
    let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&body);
    let text = || {
        signed
            .redactor
            .apply(&String::from_utf8_lossy(&body))
            .into_owned()
    };
    let value = match parsed {
        Ok(value @ serde_json::Value::Object(_)) => value,
        Ok(_) => {
            let failure = Failure::Unreadable {
                status,
                body: text(),
                reason: "the error body is JSON but not an object".to_owned(),
                request_id: None,
            };
            return (failure, classify_answer(status, None));
        }
        Err(e) => {
            let reason = if body.is_empty() {
                "the body is empty".to_owned()
            } else {
                format!("the body is not JSON ({e})")
            };
            let failure = Failure::Unreadable {
                status,
                body: text(),
                reason,
                request_id: None,
            };
            return (failure, classify_answer(status, None));
        }
    };
    let request_id = text_field(&value, "RequestId");
    let Some(code) = text_field(&value, "Code") else {
        let failure = Failure::Unreadable {
            status,
            body: text(),
            reason: "the error body has no Code".to_owned(),
            request_id,
        };
        return (failure, classify_answer(status, None));
    };
    let safety = classify_answer(status, Some(&code));
    let message = text_field(&value, "Message").unwrap_or_default();
    let message = signed.redactor.apply(&message).into_owned();
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
        message,
        request_id,
        host_id: text_field(&value, "HostId"),
        recommend: text_field(&value, "Recommend"),
        client_string_to_sign,
    }));
    (failure, safety)
}

/// Decodes a 2xx body into the operation's response.
fn decode<R: ens_core::serde::de::DeserializeOwned, E: OperationError>(
    action: &'static str,
    success: Success,
) -> Result<R, Error<E>> {
    serde_json::from_slice(&success.body).map_err(|e| Error::UnreadableResponse {
        action,
        status: success.status,
        reason: if success.body.is_empty() {
            "the body is empty".to_owned()
        } else {
            format!("the body is not the expected JSON ({e})")
        },
        body: String::from_utf8_lossy(&success.body).into_owned(),
        request_id: success.request_id,
    })
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
        let e = Endpoint::parse("http://127.0.0.1:8080").expect("valid");
        assert_eq!(
            (e.base.as_str(), e.host.as_str()),
            ("http://127.0.0.1:8080", "127.0.0.1:8080")
        );
        let e = Endpoint::parse("https://ens.aliyuncs.com:443/").expect("valid");
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
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn user_agent_names_the_sdk_and_version() {
        assert_eq!(USER_AGENT, format!("ens-rs/{}", env!("CARGO_PKG_VERSION")));
    }
}
