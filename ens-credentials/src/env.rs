//! The environment: the variables Alibaba's SDKs and tools share, and the provider that reads a
//! key pair from them.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use ens_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// Holds the AccessKeyId.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Holds the AccessKeySecret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Holds the STS security token, when the key pair is temporary.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// The RAM role to assume with an OIDC token (RRSA).
pub const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// The OIDC identity provider registered in RAM (RRSA).
pub const ENV_OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// A file holding the OIDC token (RRSA; the token rotates, so the file is read at each refresh).
pub const ENV_OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
/// The session name for roles assumed through STS.
pub const ENV_ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
/// The profile of `~/.aliyun/config.json` to use instead of the file's `current` one.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// The region whose STS endpoint to call (`sts.<region>.aliyuncs.com`).
pub const ENV_STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// `true`: call STS through its VPC endpoint (`sts-vpc.<region>.aliyuncs.com`).
pub const ENV_VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// The RAM role attached to this ECS instance (otherwise asked from the metadata service).
pub const ENV_ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true`: never ask the ECS metadata service.
pub const ENV_ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `true`: ask the metadata service only in its hardened mode (with a session token).
pub const ENV_IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// A URL that answers with credentials (`AccessKeyId`, `AccessKeySecret`, `SecurityToken`,
/// `Expiration`).
pub const ENV_CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Where providers read environment variables: the process environment, or a fixed set for tests
/// and for applications that configure credentials from elsewhere.
///
/// Empty values count as unset, since `export X=` is the usual way to clear a variable.
#[derive(Clone)]
pub struct Env(Arc<Lookup>);

impl Env {
    /// The process environment, read at each lookup so changes are seen.
    pub fn process() -> Self {
        Self::from_fn(|name| std::env::var(name).ok())
    }

    /// Variables from a fixed set of name/value pairs; the process environment is not read.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let map: HashMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self::from_fn(move |name| map.get(name).cloned())
    }

    /// Variables through `lookup`.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(lookup))
    }

    /// The value of `name`, `None` when unset or empty.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.is_empty())
    }

    /// Whether `name` is `true` (in any case), the way Alibaba's tools read switches.
    pub fn is_true(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

impl Default for Env {
    fn default() -> Self {
        Self::process()
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Env")
    }
}

/// Reads [`ENV_ACCESS_KEY_ID`], [`ENV_ACCESS_KEY_SECRET`] and, if set, [`ENV_SECURITY_TOKEN`].
///
/// Half a key pair is [`CredentialsError::Misconfigured`] (most likely a mistake, so it stops a
/// chain instead of silently using another identity); neither is
/// [`CredentialsError::NotFound`].
#[derive(Debug, Clone, Default)]
pub struct EnvProvider {
    env: Env,
}

/// The name the environment gives its credentials and errors.
pub(crate) const ENVIRONMENT: &str = "environment";

impl EnvProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads variables from `env` instead of the process environment.
    pub fn with_env(env: Env) -> Self {
        Self { env }
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let id = self.env.get(ENV_ACCESS_KEY_ID);
        let secret = self.env.get(ENV_ACCESS_KEY_SECRET);
        let half = |set: &str, missing: &str| {
            CredentialsError::misconfigured(
                ENVIRONMENT,
                format!("{set} is set but {missing} is not"),
            )
        };
        let credentials = match (id, secret) {
            (Some(id), Some(secret)) => Credentials::new(id, secret),
            (None, None) => {
                return Err(CredentialsError::not_found(
                    ENVIRONMENT,
                    format_args!("{ENV_ACCESS_KEY_ID} / {ENV_ACCESS_KEY_SECRET} not set"),
                ));
            }
            (Some(_), None) => return Err(half(ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET)),
            (None, Some(_)) => return Err(half(ENV_ACCESS_KEY_SECRET, ENV_ACCESS_KEY_ID)),
        };
        let credentials = match self.env.get(ENV_SECURITY_TOKEN) {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        };
        Ok(credentials.with_provider_name(ENVIRONMENT))
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        ProvideFuture::ready(self.load())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    fn load(vars: &[(&str, &str)]) -> Result<Credentials, CredentialsError> {
        EnvProvider::with_env(Env::from_vars(vars.iter().copied())).load()
    }

    #[test]
    fn long_term_key() {
        let c = load(&[(ENV_ACCESS_KEY_ID, "id"), (ENV_ACCESS_KEY_SECRET, "sec")]).expect("set");
        assert_eq!(c.access_key_id(), "id");
        assert_eq!(c.access_key_secret().expose(), "sec");
        assert!(c.security_token().is_none() && c.expiry().is_none());
        assert_eq!(c.provider_name(), "environment");
    }

    #[test]
    fn sts_key_and_empty_token() {
        let c = load(&[
            (ENV_ACCESS_KEY_ID, "STS.id"),
            (ENV_ACCESS_KEY_SECRET, "sec"),
            (ENV_SECURITY_TOKEN, "tok"),
        ])
        .expect("set");
        assert_eq!(c.security_token().map(|t| t.expose()), Some("tok"));
        let c = load(&[
            (ENV_ACCESS_KEY_ID, "id"),
            (ENV_ACCESS_KEY_SECRET, "sec"),
            (ENV_SECURITY_TOKEN, ""),
        ])
        .expect("set");
        assert!(c.security_token().is_none());
    }

    #[test]
    fn nothing_set_is_not_found_and_says_what_was_looked_for() {
        let e = load(&[(ENV_ACCESS_KEY_ID, "")]).expect_err("nothing usable");
        assert!(e.is_not_found(), "{e:?}");
        assert_eq!(
            e.to_string(),
            "no credentials found: environment: ALIBABA_CLOUD_ACCESS_KEY_ID / \
             ALIBABA_CLOUD_ACCESS_KEY_SECRET not set"
        );
    }

    #[test]
    fn half_a_pair_is_misconfigured_and_hides_the_value() {
        let e = load(&[(ENV_ACCESS_KEY_SECRET, "leaky-secret")]).expect_err("id missing");
        assert_eq!(
            e.to_string(),
            "environment: ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID \
             is not"
        );
        assert!(!format!("{e:?}").contains("leaky-secret"));
        let e = load(&[(ENV_ACCESS_KEY_ID, "id")]).expect_err("secret missing");
        assert!(matches!(e, CredentialsError::Misconfigured { .. }), "{e:?}");
    }

    #[test]
    fn lookup_is_consulted_at_each_call_and_switches_read_true() {
        let on = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&on);
        let env = Env::from_fn(move |name| {
            (flag.load(Ordering::SeqCst) && name.starts_with("ALIBABA_CLOUD_ACCESS_KEY"))
                .then(|| "v".to_owned())
        });
        let p = EnvProvider::with_env(env);
        assert!(p.load().is_err());
        on.store(true, Ordering::SeqCst);
        assert!(p.load().is_ok());
        let env = Env::from_vars([("A", "TRUE"), ("B", "1"), ("C", "")]);
        assert!(env.is_true("A") && !env.is_true("B") && !env.is_true("C") && !env.is_true("D"));
    }
}
