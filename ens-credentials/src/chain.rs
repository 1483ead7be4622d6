//! Trying several sources in order, and the order Alibaba's own tools use.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ens_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

use crate::env::{
    ENV_CREDENTIALS_URI, ENV_ECS_METADATA, ENV_ECS_METADATA_DISABLED, ENV_IMDSV1_DISABLED,
    ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE, ENV_PROFILE, ENV_ROLE_ARN, Env, EnvProvider,
};
use crate::http::Http;
use crate::metadata::{
    DEFAULT_METADATA_CONNECT_TIMEOUT, DEFAULT_METADATA_ENDPOINT, DEFAULT_METADATA_TIMEOUT,
    EcsRamRoleProvider, METADATA_SERVICE,
};
use crate::profile::{CliConfigProvider, Services};
use crate::sts::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, OidcProvider, Session, default_session_name,
    sts_endpoint_for,
};
use crate::uri::{CREDENTIALS_URI, UriProvider};

/// Asks each provider in turn and returns the first credentials found.
///
/// Only [`CredentialsError::NotFound`] moves on to the next provider; any other error (half a key
/// pair in the environment, a malformed config file, STS refusing a configured role) stops the
/// chain, because falling through would silently use a different identity than the user set up.
/// When every provider comes up empty, the error lists what each one found, in order.
#[derive(Debug, Default)]
pub struct ChainProvider {
    providers: Vec<Box<dyn ProvideCredentials>>,
}

impl ChainProvider {
    /// An empty chain, to be filled with [`ChainProvider::with`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `provider`, tried after those already present.
    pub fn with(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers.push(Box::new(provider));
        self
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let mut searched = Vec::new();
        for provider in &self.providers {
            match provider.provide_credentials().await {
                Ok(credentials) => return Ok(credentials),
                Err(CredentialsError::NotFound { searched: more }) => searched.extend(more),
                Err(other) => return Err(other),
            }
        }
        Err(CredentialsError::NotFound { searched })
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        ProvideFuture::new(self.load())
    }
}

/// A source the environment did not set up: it always answers with the same error.
#[derive(Debug)]
struct Unavailable(CredentialsError);

impl ProvideCredentials for Unavailable {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        ProvideFuture::ready(Err(self.0.clone()))
    }
}

/// The chain Alibaba's own SDKs and tools use, in their order:
///
/// 1. **environment**: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and,
///    for temporary keys, `ALIBABA_CLOUD_SECURITY_TOKEN` ([`EnvProvider`]);
/// 2. **OIDC** (RRSA): `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
///    `ALIBABA_CLOUD_OIDC_TOKEN_FILE`, exchanged at STS `AssumeRoleWithOIDC` ([`OidcProvider`]);
/// 3. **config file**: the aliyun CLI's `~/.aliyun/config.json`, profile
///    `ALIBABA_CLOUD_PROFILE` or the file's current one, in any of its modes
///    ([`CliConfigProvider`]);
/// 4. **metadata service**: the RAM role of the ECS instance, unless
///    `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true` (`ALIBABA_CLOUD_ECS_METADATA` names the role,
///    `ALIBABA_CLOUD_IMDSV1_DISABLED=true` requires the hardened mode) ([`EcsRamRoleProvider`]);
/// 5. **credentials URI**: `ALIBABA_CLOUD_CREDENTIALS_URI` ([`UriProvider`]).
///
/// The first source that has credentials wins; a source that is set up but fails stops the
/// chain with its error. When none has any, the error lists each:
///
/// ```text
/// no credentials found: environment: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET
/// not set; OIDC: ALIBABA_CLOUD_ROLE_ARN / ALIBABA_CLOUD_OIDC_PROVIDER_ARN /
/// ALIBABA_CLOUD_OIDC_TOKEN_FILE not set; config file: no profile "x" in /home/me/.aliyun/config.json
/// (it has "default"); metadata service: not reachable at http://100.100.100.200 (...);
/// credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI not set
/// ```
///
/// The environment variables that select sources are read when the chain is built; the key pair
/// in the environment and the config file are read each time the chain is asked, which behind
/// the client's cache is only when credentials are about to expire.
///
/// ```
/// use ens_credentials::{CachedProvider, DefaultChain, Env};
///
/// // What the client uses when given no credentials:
/// let chain = CachedProvider::new(DefaultChain::builder().build());
///
/// // Profile "ens-prod", the environment given explicitly, STS at a regional endpoint:
/// let chain = DefaultChain::builder()
///     .profile("ens-prod")
///     .env(Env::from_vars([("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")]))
///     .sts_endpoint("https://sts.cn-hangzhou.aliyuncs.com")
///     .build();
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DefaultChain;

impl DefaultChain {
    /// The settings of the default chain, all at their defaults.
    pub fn builder() -> DefaultChainBuilder {
        DefaultChainBuilder::default()
    }
}

/// Configures the [`DefaultChain`]. Every setting has the default Alibaba's tools use.
#[derive(Debug, Clone)]
pub struct DefaultChainBuilder {
    env: Env,
    home: Option<Option<PathBuf>>,
    config_file: Option<PathBuf>,
    profile: Option<String>,
    sts_endpoint: Option<String>,
    metadata_endpoint: String,
    sts_timeouts: (Duration, Duration),
    metadata_timeouts: (Duration, Duration),
}

impl Default for DefaultChainBuilder {
    fn default() -> Self {
        Self {
            env: Env::process(),
            home: None,
            config_file: None,
            profile: None,
            sts_endpoint: None,
            metadata_endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            sts_timeouts: (DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT),
            metadata_timeouts: (DEFAULT_METADATA_CONNECT_TIMEOUT, DEFAULT_METADATA_TIMEOUT),
        }
    }
}

impl DefaultChainBuilder {
    /// Where every source reads its environment variables (default: the process environment,
    /// [`Env::process`]). Tests and applications that configure credentials from elsewhere pass
    /// [`Env::from_vars`].
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The home directory whose `.aliyun/config.json` is read (default: the current user's;
    /// `None`: unknown, so no file is read).
    pub fn home_dir(mut self, home: Option<PathBuf>) -> Self {
        self.home = Some(home);
        self
    }

    /// The aliyun CLI configuration file to read instead of `<home>/.aliyun/config.json`.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// The profile of the configuration file to use (default: `ALIBABA_CLOUD_PROFILE`, else the
    /// file's `current` profile, else `default`).
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Where STS is, for OIDC and the role modes of the configuration file (default:
    /// `https://sts.aliyuncs.com`, or the regional endpoint of `ALIBABA_CLOUD_STS_REGION` or the
    /// profile's `sts_region`). Tests point it at a local server.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.sts_endpoint = Some(endpoint.into());
        self
    }

    /// Where the ECS metadata service is (default [`DEFAULT_METADATA_ENDPOINT`],
    /// `http://100.100.100.200`). Tests point it at a local server.
    pub fn metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.metadata_endpoint = endpoint.into();
        self
    }

    /// Bounds each call to STS and the credentials URI: `connect` for the connection, `total` for
    /// the whole exchange (defaults 5 s and 10 s).
    pub fn sts_timeouts(mut self, connect: Duration, total: Duration) -> Self {
        self.sts_timeouts = (connect, total);
        self
    }

    /// Bounds each request to the metadata service (defaults 1 s to connect, 2 s in total: off
    /// ECS nothing answers there, and the chain should not wait long to find that out).
    pub fn metadata_timeouts(mut self, connect: Duration, total: Duration) -> Self {
        self.metadata_timeouts = (connect, total);
        self
    }

    /// The chain. Reads the environment variables that select sources now; reads no file and
    /// makes no call until it is asked for credentials.
    pub fn build(self) -> ChainProvider {
        let env = &self.env;
        let sts_http = Http::new(self.sts_timeouts.0, self.sts_timeouts.1, true);
        let services = Arc::new(Services {
            env: env.clone(),
            sts_endpoint: self.sts_endpoint.clone(),
            metadata_endpoint: self.metadata_endpoint.clone(),
            sts_http: sts_http.clone(),
            metadata_http: Http::new(self.metadata_timeouts.0, self.metadata_timeouts.1, false),
        });
        let sts_endpoint = self
            .sts_endpoint
            .clone()
            .unwrap_or_else(|| sts_endpoint_for(env, None, false));

        let mut chain = ChainProvider::new().with(EnvProvider::with_env(env.clone()));

        chain = match (
            env.get(ENV_ROLE_ARN),
            env.get(ENV_OIDC_PROVIDER_ARN),
            env.get(ENV_OIDC_TOKEN_FILE),
        ) {
            (Some(role), Some(provider), Some(file)) => {
                let mut session = Session::new(role.clone());
                session.name = default_session_name(env);
                session.endpoint = sts_endpoint;
                session.http = sts_http.clone();
                chain.with(
                    OidcProvider::builder(role, provider, file)
                        .session(session)
                        .build(),
                )
            }
            (_, None, None) => chain.with(Unavailable(CredentialsError::not_found(
                "OIDC",
                format_args!(
                    "{ENV_ROLE_ARN} / {ENV_OIDC_PROVIDER_ARN} / {ENV_OIDC_TOKEN_FILE} not set"
                ),
            ))),
            (role, provider, file) => {
                let missing: Vec<&str> = [
                    (ENV_ROLE_ARN, role.is_none()),
                    (ENV_OIDC_PROVIDER_ARN, provider.is_none()),
                    (ENV_OIDC_TOKEN_FILE, file.is_none()),
                ]
                .into_iter()
                .filter_map(|(name, missing)| missing.then_some(name))
                .collect();
                chain.with(Unavailable(CredentialsError::misconfigured(
                    "OIDC",
                    format!("set only in part: {} missing", missing.join(" / ")),
                )))
            }
        };

        let config = match (self.config_file, self.home) {
            (Some(path), _) => CliConfigProvider::new(path),
            (None, Some(Some(home))) => CliConfigProvider::from_home(home),
            (None, Some(None)) => CliConfigProvider::without_home(),
            (None, None) => CliConfigProvider::from_default_location(),
        };
        let profile = self.profile.or_else(|| env.get(ENV_PROFILE));
        let config = match profile {
            Some(name) => config.with_profile(name),
            None => config,
        };
        chain = chain.with(config.services(Arc::clone(&services)));

        chain = if env.is_true(ENV_ECS_METADATA_DISABLED) {
            chain.with(Unavailable(CredentialsError::not_found(
                METADATA_SERVICE,
                format_args!("disabled by {ENV_ECS_METADATA_DISABLED}"),
            )))
        } else {
            let mut metadata = EcsRamRoleProvider::builder()
                .endpoint(self.metadata_endpoint)
                .disable_imds_v1(env.is_true(ENV_IMDSV1_DISABLED))
                .http(services.metadata_http.clone());
            if let Some(role) = env.get(ENV_ECS_METADATA) {
                metadata = metadata.role_name(role);
            }
            chain.with(metadata.build())
        };

        match env.get(ENV_CREDENTIALS_URI) {
            Some(uri) => chain.with(UriProvider::new(uri).with_http(sts_http)),
            None => chain.with(Unavailable(CredentialsError::not_found(
                CREDENTIALS_URI,
                format_args!("{ENV_CREDENTIALS_URI} not set"),
            ))),
        }
    }
}
