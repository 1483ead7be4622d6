//! The RAM role of an ECS instance, from the instance metadata service.

use std::fmt;
use std::time::Duration;

use ens_auth::encode::encode;
use ens_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture, Secret};
use reqwest::Method;

use crate::http::{Answer, Failure, Http, credentials_from, json_object, service_error, wipe};

/// Where the metadata service answers on every ECS instance.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";
/// The default connect timeout for the metadata service: it is on the local link, so a slow
/// connection means there is none (not on ECS).
pub const DEFAULT_METADATA_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The default timeout of each exchange with the metadata service.
pub const DEFAULT_METADATA_TIMEOUT: Duration = Duration::from_secs(2);

const TOKEN_PATH: &str = "/latest/api/token";
const ROLES_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TOKEN_TTL_HEADER: &str = "x-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "x-aliyun-ecs-metadata-token";
/// How long a metadata token lives, in seconds (six hours, the service's maximum).
const TOKEN_TTL_SECONDS: &str = "21600";

/// The name credentials from here carry, and the start of every message about it.
pub(crate) const METADATA_SERVICE: &str = "metadata service";

/// Credentials of the RAM role attached to the ECS instance this runs on, from its metadata
/// service (`http://100.100.100.200`).
///
/// Uses the service's hardened mode: it first asks for a session token (`PUT /latest/api/token`)
/// and sends it with each request, so a request forged through the instance (SSRF) cannot read
/// the role's credentials. When the token request fails, the plain mode is used, unless
/// [`EcsRamRoleBuilder::disable_imds_v1`] (or `ALIBABA_CLOUD_IMDSV1_DISABLED=true` in the default
/// chain) forbids it.
///
/// Not being on ECS (nothing answers at the endpoint) and an instance without a role are
/// [`CredentialsError::NotFound`], so a chain moves on.
///
/// ```no_run
/// use ens_credentials::EcsRamRoleProvider;
///
/// let provider = EcsRamRoleProvider::builder()
///     .role_name("ens-operator") // default: ask the service which role is attached
///     .disable_imds_v1(true)
///     .build();
/// ```
#[derive(Clone)]
pub struct EcsRamRoleProvider {
    endpoint: String,
    role_name: Option<String>,
    imds_v1_disabled: bool,
    http: Http,
}

/// Configures an [`EcsRamRoleProvider`].
#[derive(Debug, Clone)]
pub struct EcsRamRoleBuilder {
    endpoint: String,
    role_name: Option<String>,
    imds_v1_disabled: bool,
    http: Option<Http>,
}

impl EcsRamRoleProvider {
    /// A provider for the instance's role, asking [`DEFAULT_METADATA_ENDPOINT`].
    pub fn builder() -> EcsRamRoleBuilder {
        EcsRamRoleBuilder {
            endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            role_name: None,
            imds_v1_disabled: false,
            http: None,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.endpoint.trim_end_matches('/'))
    }

    fn label(&self) -> String {
        format!("{METADATA_SERVICE} at {}", self.endpoint)
    }

    fn unreachable(&self, reason: &str) -> CredentialsError {
        CredentialsError::not_found(
            METADATA_SERVICE,
            format_args!("not reachable at {} ({reason})", self.endpoint),
        )
    }

    async fn get(&self, path: &str, token: Option<&Secret>) -> Result<Answer, Failure> {
        let mut request = self.http.request(Method::GET, &self.url(path))?;
        if let Some(token) = token {
            request = request.header(TOKEN_HEADER, token.expose());
        }
        self.http.send(request).await
    }

    /// The session token of the hardened mode; `None` to go on in the plain mode.
    async fn session_token(&self) -> Result<Option<Secret>, CredentialsError> {
        let request = self
            .http
            .request(Method::PUT, &self.url(TOKEN_PATH))
            .map_err(|f| CredentialsError::failed(self.label(), f.into_reason()))?
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS);
        let why_not = match self.http.send(request).await {
            Ok(answer) if answer.status == 200 => {
                let token = String::from_utf8_lossy(&answer.body).trim().to_owned();
                if !token.is_empty() {
                    return Ok(Some(Secret::new(token)));
                }
                "an empty token".to_owned()
            }
            Ok(answer) => service_error(answer.status, &answer.body, &[]),
            Err(Failure::Connect(reason)) => return Err(self.unreachable(&reason)),
            Err(Failure::Other(reason)) => reason,
        };
        if self.imds_v1_disabled {
            return Err(CredentialsError::failed(
                self.label(),
                format!(
                    "the hardened mode is required (plain mode disabled) but the token request \
                     got {why_not}"
                ),
            ));
        }
        tracing::debug!(reason = %why_not, "no metadata token, using the plain mode");
        Ok(None)
    }

    async fn role_name(&self, token: Option<&Secret>) -> Result<String, CredentialsError> {
        if let Some(name) = &self.role_name {
            return Ok(name.clone());
        }
        let answer = match self.get(ROLES_PATH, token).await {
            Ok(answer) => answer,
            Err(Failure::Connect(reason)) => return Err(self.unreachable(&reason)),
            Err(Failure::Other(reason)) => {
                return Err(CredentialsError::failed(self.label(), reason));
            }
        };
        let no_role = || {
            CredentialsError::not_found(METADATA_SERVICE, "no RAM role attached to this instance")
        };
        match answer.status {
            200 => String::from_utf8_lossy(&answer.body)
                .lines()
                .map(str::trim)
                .find(|line| !line.is_empty())
                .map(str::to_owned)
                .ok_or_else(no_role),
            404 => Err(no_role()),
            status => Err(CredentialsError::failed(
                self.label(),
                format!(
                    "listing the roles got {}",
                    service_error(status, &answer.body, &[])
                ),
            )),
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let token = self.session_token().await?;
        let role = self.role_name(token.as_ref()).await?;
        let failed = |reason: String| CredentialsError::failed(self.label(), reason);
        let answer = self
            .get(&format!("{ROLES_PATH}{}", encode(&role)), token.as_ref())
            .await
            .map_err(|f| failed(f.into_reason()))?;
        match answer.status {
            200 => {}
            404 => {
                return Err(CredentialsError::misconfigured(
                    self.label(),
                    format!("this instance has no RAM role named {role:?}"),
                ));
            }
            status => {
                let secrets = [token.as_ref().map_or("", Secret::expose)];
                return Err(failed(format!(
                    "role {role:?}: {}",
                    service_error(status, &answer.body, &secrets)
                )));
            }
        }
        let mut object = json_object(&answer.body)
            .map_err(|reason| failed(format!("role {role:?}: {reason}")))?;
        let code = object
            .get("Code")
            .and_then(|c| c.as_str())
            .map(str::to_owned);
        let result = match code.as_deref() {
            None | Some("Success") => credentials_from(&object, METADATA_SERVICE),
            Some(other) => Err(format!("the answer's Code is {other:?}, not \"Success\"")),
        };
        wipe(&mut object);
        result.map_err(|reason| failed(format!("role {role:?}: {reason}")))
    }
}

impl EcsRamRoleBuilder {
    /// Where the metadata service is (default [`DEFAULT_METADATA_ENDPOINT`]); tests point this at
    /// a local server.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// The role to read (default: the one the service lists for this instance).
    pub fn role_name(mut self, name: impl Into<String>) -> Self {
        self.role_name = Some(name.into()).filter(|n: &String| !n.is_empty());
        self
    }

    /// `true`: only the hardened mode (with a session token) is used (default `false`: fall back
    /// to the plain mode when the token request fails).
    pub fn disable_imds_v1(mut self, disabled: bool) -> Self {
        self.imds_v1_disabled = disabled;
        self
    }

    /// Bounds each request: `connect` for the connection, `total` for the whole exchange
    /// (defaults [`DEFAULT_METADATA_CONNECT_TIMEOUT`], [`DEFAULT_METADATA_TIMEOUT`]).
    pub fn timeouts(mut self, connect: Duration, total: Duration) -> Self {
        self.http = Some(Http::new(connect, total, false));
        self
    }

    pub(crate) fn http(mut self, http: Http) -> Self {
        self.http = Some(http);
        self
    }

    /// The provider.
    pub fn build(self) -> EcsRamRoleProvider {
        EcsRamRoleProvider {
            endpoint: self.endpoint,
            role_name: self.role_name,
            imds_v1_disabled: self.imds_v1_disabled,
            http: self.http.unwrap_or_else(default_http),
        }
    }
}

/// The metadata service is reached directly, never through a proxy.
pub(crate) fn default_http() -> Http {
    Http::new(
        DEFAULT_METADATA_CONNECT_TIMEOUT,
        DEFAULT_METADATA_TIMEOUT,
        false,
    )
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        ProvideFuture::new(self.load())
    }
}

impl fmt::Debug for EcsRamRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcsRamRoleProvider")
            .field("endpoint", &self.endpoint)
            .field("role_name", &self.role_name)
            .field("imds_v1_disabled", &self.imds_v1_disabled)
            .finish_non_exhaustive()
    }
}
