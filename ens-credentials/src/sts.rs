//! Roles assumed through STS: `AssumeRole` (signed with source credentials, RPC signature 1.0)
//! and `AssumeRoleWithOIDC` (anonymous; the OIDC token is the proof, RRSA).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ens_auth::encode::encode;
use ens_auth::{
    Credentials, CredentialsError, ProvideCredentials, ProvideFuture, Secret, SigningTime,
    random_nonce, rpc_v1,
};
use zeroize::{Zeroize, Zeroizing};

use crate::env::{ENV_ROLE_SESSION_NAME, ENV_STS_REGION, ENV_VPC_ENDPOINT_ENABLED, Env};
use crate::file;
use crate::http::{Failure, Http, credentials_from, json_object, service_error, wipe};

/// STS's API version.
const STS_VERSION: &str = "2015-04-01";
/// The central STS endpoint, used when no region is configured.
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.aliyuncs.com";
/// How long assumed-role credentials last unless configured (the STS default and maximum for
/// most roles is 3600 s).
pub const DEFAULT_ROLE_DURATION: Duration = Duration::from_secs(3600);
/// The default connect timeout for STS and credentials URIs.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default timeout of a whole STS or credentials URI exchange.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest OIDC token file read (real tokens are a few KiB).
const MAX_TOKEN_FILE: u64 = 64 * 1024;

/// The STS endpoint the environment selects: `sts[-vpc].<ALIBABA_CLOUD_STS_REGION>.aliyuncs.com`
/// when a region is set ([`ENV_VPC_ENDPOINT_ENABLED`] picks the VPC one), otherwise
/// [`DEFAULT_STS_ENDPOINT`].
pub(crate) fn sts_endpoint_for(env: &Env, region: Option<&str>, vpc: bool) -> String {
    let vpc = vpc || env.is_true(ENV_VPC_ENDPOINT_ENABLED);
    let region = region
        .map(str::to_owned)
        .or_else(|| env.get(ENV_STS_REGION));
    match region {
        Some(region) => {
            let prefix = if vpc { "sts-vpc" } else { "sts" };
            format!("https://{prefix}.{region}.aliyuncs.com")
        }
        None => DEFAULT_STS_ENDPOINT.to_owned(),
    }
}

/// `host` or `scheme://host[:port]` to a base URL without a trailing slash.
pub(crate) fn base_url(endpoint: &str) -> String {
    let trimmed = endpoint.trim_end_matches('/');
    if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    }
}

/// `ALIBABA_CLOUD_ROLE_SESSION_NAME`, or `ens-rs-<unix seconds>`.
pub(crate) fn default_session_name(env: &Env) -> String {
    env.get(ENV_ROLE_SESSION_NAME).unwrap_or_else(|| {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        format!("ens-rs-{secs}")
    })
}

/// What STS needs to know about the session, for both kinds of role.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) role_arn: String,
    pub(crate) name: String,
    pub(crate) duration: Duration,
    pub(crate) policy: Option<String>,
    pub(crate) endpoint: String,
    pub(crate) http: Http,
}

impl Session {
    pub(crate) fn new(role_arn: String) -> Self {
        Self {
            role_arn,
            name: default_session_name(&Env::process()),
            duration: DEFAULT_ROLE_DURATION,
            policy: None,
            endpoint: DEFAULT_STS_ENDPOINT.to_owned(),
            http: Http::new(DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, true),
        }
    }

    /// The parameters every role session sends in the body.
    fn form(&self) -> Vec<(&'static str, String)> {
        let mut form = vec![
            ("RoleArn", self.role_arn.clone()),
            ("RoleSessionName", self.name.clone()),
            ("DurationSeconds", self.duration.as_secs().to_string()),
        ];
        if let Some(policy) = &self.policy {
            form.push(("Policy", policy.clone()));
        }
        form
    }

    /// POSTs to STS (`query` in the URL, `form` as the body) and reads the `Credentials` of the
    /// answer. `secrets` are masked in any error text.
    async fn call(
        &self,
        label: &str,
        provider_name: &'static str,
        query: &[(&str, String)],
        form: &[(&str, String)],
        secrets: &[&str],
    ) -> Result<Credentials, CredentialsError> {
        let failed = |reason: String| CredentialsError::failed(label, reason);
        let url = format!("{}/?{}", base_url(&self.endpoint), encode_pairs(query));
        let body = Zeroizing::new(encode_pairs(form));
        let request = self
            .http
            .request(reqwest::Method::POST, &url)
            .map_err(|f| failed(f.into_reason()))?
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body.as_bytes().to_vec());
        let answer = self.http.send(request).await.map_err(|f| match f {
            Failure::Connect(reason) => failed(format!("cannot reach STS: {reason}")),
            Failure::Other(reason) => failed(reason),
        })?;
        if answer.status != 200 {
            return Err(failed(format!(
                "STS refused: {}",
                service_error(answer.status, &answer.body, secrets)
            )));
        }
        let unreadable = |reason: String| failed(format!("unreadable STS answer: {reason}"));
        let mut root = json_object(&answer.body).map_err(unreadable)?;
        let result = match root.get("Credentials") {
            Some(serde_json::Value::Object(inner)) => credentials_from(inner, provider_name),
            _ => Err("the answer has no `Credentials` object".to_owned()),
        };
        wipe(&mut root);
        result.map_err(unreadable)
    }
}

fn encode_pairs(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode(name));
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

macro_rules! session_setters {
    () => {
        /// The session name STS records (default: `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else
        /// `ens-rs-<unix seconds>`).
        pub fn session_name(mut self, name: impl Into<String>) -> Self {
            self.session.name = name.into();
            self
        }

        /// How long the credentials last (default [`DEFAULT_ROLE_DURATION`], one hour; STS
        /// accepts 900 s up to the role's maximum).
        pub fn duration(mut self, duration: Duration) -> Self {
            self.session.duration = duration;
            self
        }

        /// A policy (JSON) that narrows what the session may do (default: none, the role's
        /// own permissions).
        pub fn policy(mut self, policy: impl Into<String>) -> Self {
            self.session.policy = Some(policy.into());
            self
        }

        /// Where STS is: a URL such as `https://sts.cn-hangzhou.aliyuncs.com` or, in tests,
        /// `http://127.0.0.1:8080` (default [`DEFAULT_STS_ENDPOINT`]).
        pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
            self.session.endpoint = endpoint.into();
            self
        }

        /// Bounds each STS call: `connect` for the connection, `total` for the whole exchange
        /// (defaults [`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_TIMEOUT`]).
        pub fn timeouts(mut self, connect: Duration, total: Duration) -> Self {
            self.session.http = Http::new(connect, total, true);
            self
        }

        /// Every session setting at once.
        pub(crate) fn session(mut self, session: Session) -> Self {
            self.session = session;
            self
        }
    };
}

/// Credentials of a RAM role, from STS `AssumeRole` signed with source credentials (the aliyun
/// CLI's `RamRoleArn` and `ChainableRamRoleArn` modes).
///
/// Each call asks the source, then STS; put it behind a [`crate::CachedProvider`] (the client
/// does) so that happens only when the role's credentials are about to expire.
///
/// ```no_run
/// use ens_auth::Credentials;
/// use ens_credentials::AssumeRoleProvider;
///
/// let source = Credentials::new("LTAI5tExampleId", "example-secret");
/// let role = AssumeRoleProvider::builder("acs:ram::123456789012:role/ens-operator", source)
///     .session_name("nightly-report")
///     .sts_endpoint("https://sts.cn-hangzhou.aliyuncs.com")
///     .build();
/// ```
pub struct AssumeRoleProvider {
    source: Arc<dyn ProvideCredentials>,
    session: Session,
    external_id: Option<String>,
}

/// Configures an [`AssumeRoleProvider`].
pub struct AssumeRoleBuilder {
    source: Arc<dyn ProvideCredentials>,
    session: Session,
    external_id: Option<String>,
}

impl AssumeRoleProvider {
    /// Assumes `role_arn` (`acs:ram::<account>:role/<name>`) with the credentials of `source`.
    pub fn builder(
        role_arn: impl Into<String>,
        source: impl ProvideCredentials + 'static,
    ) -> AssumeRoleBuilder {
        AssumeRoleBuilder {
            source: Arc::new(source),
            session: Session::new(role_arn.into()),
            external_id: None,
        }
    }

    fn label(&self) -> String {
        format!(
            "RAM role {} (STS AssumeRole at {})",
            self.session.role_arn,
            base_url(&self.session.endpoint)
        )
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let label = self.label();
        let source = self
            .source
            .provide_credentials()
            .await
            .map_err(|e| source_failed(&label, e))?;
        let nonce = random_nonce().map_err(|e| CredentialsError::failed(&label, e.to_string()))?;
        let mut query = rpc_v1::common_params(
            "AssumeRole",
            STS_VERSION,
            source.access_key_id(),
            None,
            SigningTime::now(),
            &nonce,
        );
        let mut form = self.session.form();
        if let Some(id) = &self.external_id {
            form.push(("ExternalId", id.clone()));
        }
        // The token goes in the body, never in a URL; RPC 1.0 signs body and query together.
        if let Some(token) = source.security_token() {
            form.push(("SecurityToken", token.expose().to_owned()));
        }
        let signature = rpc_v1::sign(
            "POST",
            query
                .iter()
                .chain(form.iter())
                .map(|(k, v)| (*k, v.as_str())),
            source.access_key_secret().expose(),
        );
        query.push((rpc_v1::SIGNATURE_PARAM, signature.signature));
        let secrets = [
            source.access_key_secret().expose(),
            source.security_token().map_or("", Secret::expose),
        ];
        let result = self
            .session
            .call(&label, "RAM role", &query, &form, &secrets)
            .await;
        wipe_pairs(&mut form);
        result
    }
}

/// Overwrites the values of `pairs` (they held a token).
fn wipe_pairs(pairs: &mut [(&str, String)]) {
    pairs.iter_mut().for_each(|(_, value)| value.zeroize());
}

/// A failure of the source credentials of a role: the role is configured, so a missing source is
/// a misconfiguration, not "nothing here".
fn source_failed(label: &str, e: CredentialsError) -> CredentialsError {
    match e {
        CredentialsError::NotFound { .. } | CredentialsError::Misconfigured { .. } => {
            CredentialsError::misconfigured(label, format!("its source credentials: {e}"))
        }
        other => CredentialsError::failed(label, format!("its source credentials: {other}")),
    }
}

impl AssumeRoleBuilder {
    session_setters!();

    /// The external ID the role's trust policy requires, if any.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    /// The provider.
    pub fn build(self) -> AssumeRoleProvider {
        AssumeRoleProvider {
            source: self.source,
            session: self.session,
            external_id: self.external_id,
        }
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        ProvideFuture::new(self.load())
    }
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("role_arn", &self.session.role_arn)
            .field("session_name", &self.session.name)
            .field("sts_endpoint", &self.session.endpoint)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for AssumeRoleBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleBuilder")
            .field("role_arn", &self.session.role_arn)
            .finish_non_exhaustive()
    }
}

/// Credentials of a RAM role, from STS `AssumeRoleWithOIDC` with the OIDC token in a file: RRSA,
/// how pods of an ACK cluster get their role (the environment's
/// [`crate::env::ENV_ROLE_ARN`], [`crate::env::ENV_OIDC_PROVIDER_ARN`] and
/// [`crate::env::ENV_OIDC_TOKEN_FILE`]).
///
/// The token file is read at every call, because the cluster rotates it; the call needs no
/// credentials of its own.
///
/// ```no_run
/// use ens_credentials::OidcProvider;
///
/// let rrsa = OidcProvider::builder(
///     "acs:ram::123456789012:role/ens-operator",
///     "acs:ram::123456789012:oidc-provider/ack-rrsa-c1",
///     "/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token",
/// )
/// .build();
/// ```
pub struct OidcProvider {
    oidc_provider_arn: String,
    token_file: PathBuf,
    session: Session,
}

/// Configures an [`OidcProvider`].
pub struct OidcBuilder {
    oidc_provider_arn: String,
    token_file: PathBuf,
    session: Session,
}

impl OidcProvider {
    /// Assumes `role_arn` as the identity provider `oidc_provider_arn` vouches for, with the
    /// token in `token_file`.
    pub fn builder(
        role_arn: impl Into<String>,
        oidc_provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> OidcBuilder {
        OidcBuilder {
            oidc_provider_arn: oidc_provider_arn.into(),
            token_file: token_file.into(),
            session: Session::new(role_arn.into()),
        }
    }

    fn label(&self) -> String {
        format!(
            "OIDC role {} (STS AssumeRoleWithOIDC at {})",
            self.session.role_arn,
            base_url(&self.session.endpoint)
        )
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let label = self.label();
        let token = read_token(&self.token_file)
            .await
            .map_err(|reason| CredentialsError::misconfigured(&label, reason))?;
        let query = [
            ("Action", "AssumeRoleWithOIDC".to_owned()),
            ("Version", STS_VERSION.to_owned()),
            ("Format", "JSON".to_owned()),
            ("Timestamp", SigningTime::now().to_utc_string()),
        ];
        let mut form = self.session.form();
        form.push(("OIDCProviderArn", self.oidc_provider_arn.clone()));
        form.push(("OIDCToken", token.expose().to_owned()));
        let result = self
            .session
            .call(&label, "OIDC role", &query, &form, &[token.expose()])
            .await;
        wipe_pairs(&mut form);
        result
    }
}

/// The token in `path`, trimmed; a sentence naming the file when there is none.
async fn read_token(path: &Path) -> Result<Secret, String> {
    let shown = path.display();
    let contents = match file::read_bounded(path, MAX_TOKEN_FILE).await {
        Ok(Some(contents)) => contents,
        Ok(None) => return Err(format!("the token file {shown} does not exist")),
        Err(reason) => return Err(format!("the token file {shown} {reason}")),
    };
    let text = std::str::from_utf8(&contents)
        .map_err(|_| format!("the token file {shown} is not UTF-8"))?
        .trim();
    if text.is_empty() {
        return Err(format!("the token file {shown} is empty"));
    }
    Ok(Secret::new(text))
}

impl OidcBuilder {
    session_setters!();

    /// The provider.
    pub fn build(self) -> OidcProvider {
        OidcProvider {
            oidc_provider_arn: self.oidc_provider_arn,
            token_file: self.token_file,
            session: self.session,
        }
    }
}

impl ProvideCredentials for OidcProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        ProvideFuture::new(self.load())
    }
}

impl fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcProvider")
            .field("role_arn", &self.session.role_arn)
            .field("oidc_provider_arn", &self.oidc_provider_arn)
            .field("token_file", &self.token_file)
            .field("sts_endpoint", &self.session.endpoint)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for OidcBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcBuilder")
            .field("role_arn", &self.session.role_arn)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_the_environment() {
        let none = Env::from_vars(Vec::<(String, String)>::new());
        assert_eq!(
            sts_endpoint_for(&none, None, false),
            "https://sts.aliyuncs.com"
        );
        assert_eq!(
            sts_endpoint_for(&none, Some("cn-hangzhou"), false),
            "https://sts.cn-hangzhou.aliyuncs.com"
        );
        let env = Env::from_vars([
            (ENV_STS_REGION, "ap-southeast-1"),
            (ENV_VPC_ENDPOINT_ENABLED, "true"),
        ]);
        assert_eq!(
            sts_endpoint_for(&env, None, false),
            "https://sts-vpc.ap-southeast-1.aliyuncs.com"
        );
        assert_eq!(base_url("sts.aliyuncs.com/"), "https://sts.aliyuncs.com");
        assert_eq!(base_url("http://127.0.0.1:9/"), "http://127.0.0.1:9");
    }

    #[test]
    fn session_names_default_to_the_environment() {
        let env = Env::from_vars([(ENV_ROLE_SESSION_NAME, "nightly")]);
        assert_eq!(default_session_name(&env), "nightly");
        let none = Env::from_vars(Vec::<(String, String)>::new());
        assert!(default_session_name(&none).starts_with("ens-rs-"));
    }

    #[test]
    fn form_encoding_is_rfc3986() {
        let pairs = [
            ("Policy", "{\"a\": 1}".to_owned()),
            ("RoleArn", "acs:ram::1:role/x".to_owned()),
        ];
        assert_eq!(
            encode_pairs(&pairs),
            "Policy=%7B%22a%22%3A%201%7D&RoleArn=acs%3Aram%3A%3A1%3Arole%2Fx"
        );
    }
}
