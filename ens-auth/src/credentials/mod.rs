//! Access keys, STS tokens and where to find them.
//!
//! Providers are synchronous and object-safe so a client can hold an
//! `Arc<dyn ProvideCredentials>` and ask it before each request, which lets a provider hand out
//! rotated credentials without the client knowing.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

mod chain;
mod cli_config;
mod env;

pub use chain::{ChainProvider, default_chain, default_chain_with};
pub use cli_config::{CliConfigProvider, CliProfile};
pub use env::{ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN, EnvProvider};

/// A value that must never reach a log: `Debug` and `Display` print `***`.
///
/// Reading it takes an explicit [`Secret::expose`], which makes every use easy to audit.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// An AccessKey pair, with the security token when it is a temporary (STS) key.
///
/// `Debug` shows the AccessKeyId (which identifies but does not authorize) and masks the rest.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Option<Secret>,
}

impl Credentials {
    /// A long-term AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<Secret>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }

    /// Temporary STS credentials: the key pair plus its security token.
    pub fn with_security_token(mut self, security_token: impl Into<Secret>) -> Self {
        self.security_token = Some(security_token.into());
        self
    }

    /// The AccessKeyId.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKeySecret.
    pub fn access_key_secret(&self) -> &Secret {
        &self.access_key_secret
    }

    /// The STS security token, if these are temporary credentials.
    pub fn security_token(&self) -> Option<&Secret> {
        self.security_token.as_ref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &self.access_key_secret)
            .field("security_token", &self.security_token)
            .finish()
    }
}

/// A source of credentials.
///
/// Called before every request, so implementations that are expensive should cache.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// The credentials to sign the next request with.
    fn credentials(&self) -> Result<Credentials, CredentialsError>;
}

/// Fixed credentials are their own provider.
impl ProvideCredentials for Credentials {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        Ok(self.clone())
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        (**self).credentials()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        (**self).credentials()
    }
}

/// Provides the same credentials every time: an AccessKey pair given in code, optionally with an
/// STS token.
#[derive(Debug, Clone)]
pub struct StaticProvider {
    credentials: Credentials,
}

impl StaticProvider {
    /// Always provides `access_key_id` / `access_key_secret`, with `security_token` if given.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<Secret>,
        security_token: Option<Secret>,
    ) -> Self {
        let mut credentials = Credentials::new(access_key_id, access_key_secret);
        credentials.security_token = security_token;
        Self { credentials }
    }
}

impl From<Credentials> for StaticProvider {
    fn from(credentials: Credentials) -> Self {
        Self { credentials }
    }
}

impl ProvideCredentials for StaticProvider {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        Ok(self.credentials.clone())
    }
}

/// Why no credentials could be had. Messages name what was looked at and never contain a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No source had any credentials. This is the only error a [`ChainProvider`] moves past.
    #[error("no credentials found: {}", join_searched(.searched))]
    NotFound {
        /// One entry per source: what was looked for and why it was not there.
        searched: Vec<String>,
    },
    /// Half of a key pair is in the environment: most likely a mistake, so it is reported rather
    /// than silently falling through to another source.
    #[error("environment variable {set} is set but {missing} is not")]
    IncompleteEnvironment {
        /// The variable that is set.
        set: &'static str,
        /// The variable that is missing or empty.
        missing: &'static str,
    },
    /// A configuration file exists but could not be read.
    #[error("cannot read {}: {source}", path.display())]
    ReadConfig {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A configuration file is malformed or lacks what the selected profile needs.
    #[error("{}: {reason}", path.display())]
    InvalidConfig {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the field (never its value).
        reason: String,
    },
    /// The selected profile of the aliyun CLI configuration uses a credential mode this crate
    /// cannot resolve by itself.
    #[error(
        "{}: profile {profile:?} uses mode {mode:?}, which is not supported (supported modes: AK, StsToken)",
        path.display()
    )]
    UnsupportedMode {
        /// The file.
        path: PathBuf,
        /// The profile name.
        profile: String,
        /// The mode it uses, such as `RamRoleArn` or `EcsRamRole`.
        mode: String,
    },
}

fn join_searched(searched: &[String]) -> String {
    if searched.is_empty() {
        "no credential source was configured".to_owned()
    } else {
        searched.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_secrets() {
        let creds = Credentials::new("LTAIexampleid", "very-secret-value")
            .with_security_token("sts-token-value");
        let debug = format!("{creds:?}");
        assert!(debug.contains("LTAIexampleid"), "{debug}");
        assert!(!debug.contains("very-secret-value"), "{debug}");
        assert!(!debug.contains("sts-token-value"), "{debug}");
        assert!(debug.contains("access_key_secret: ***"), "{debug}");
        let pretty = format!("{creds:#?}");
        assert!(!pretty.contains("very-secret-value") && !pretty.contains("sts-token-value"));
        let secret = Secret::new("very-secret-value");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(secret.expose(), "very-secret-value");
        let provider = StaticProvider::from(creds);
        assert!(!format!("{provider:?}").contains("very-secret-value"));
    }

    #[test]
    fn static_providers_return_what_they_hold() {
        let p = StaticProvider::new("id", "secret", Some(Secret::new("tok")));
        let c = p.credentials().expect("static");
        assert_eq!(c.access_key_id(), "id");
        assert_eq!(c.access_key_secret().expose(), "secret");
        assert_eq!(c.security_token().map(Secret::expose), Some("tok"));
        let shared: Arc<dyn ProvideCredentials> = Arc::new(Credentials::new("id2", "s2"));
        let c = shared.credentials().expect("static");
        assert_eq!(c.access_key_id(), "id2");
        assert!(c.security_token().is_none());
    }

    #[test]
    fn not_found_lists_every_source() {
        let e = CredentialsError::NotFound {
            searched: vec!["a not set".into(), "/x/config.json not found".into()],
        };
        assert_eq!(
            e.to_string(),
            "no credentials found: a not set; /x/config.json not found"
        );
        let empty = CredentialsError::NotFound { searched: vec![] };
        assert!(empty.to_string().contains("no credential source"));
    }
}
