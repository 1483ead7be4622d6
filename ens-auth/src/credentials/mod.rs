//! Access keys and STS tokens, and the trait of everything that provides them.
//!
//! This module holds only data and the seam: [`Credentials`] (shared, secrets zeroized on drop),
//! the async, object-safe [`ProvideCredentials`] and its [`CredentialsError`]. The providers that
//! find credentials (environment, OIDC, the aliyun CLI configuration, RAM roles, the ECS metadata
//! service, a credentials URI) and the cache that refreshes them ahead of expiry do I/O and live
//! in the `ens-credentials` crate, so the signers here stay free of it.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use zeroize::{ZeroizeOnDrop, Zeroizing};

mod error;
mod provide;

pub use error::CredentialsError;
pub use provide::{ProvideCredentials, ProvideFuture};

/// A value that must never reach a log: `Debug` and `Display` print `***`, and its memory is
/// overwritten with zeros when it is dropped.
///
/// Reading it takes an explicit [`Secret::expose`], which makes every use easy to audit. Clones
/// are separate copies (each wiped on drop); share a secret by sharing what holds it, as
/// [`Credentials`] does.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret itself, for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The only field is a [`Zeroizing`] buffer.
impl ZeroizeOnDrop for Secret {}

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
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

/// An AccessKey pair, with the security token when it is a temporary (STS) key, when it expires,
/// and which provider it came from.
///
/// Cloning is cheap and shares one copy of the secrets (an `Arc`): a cache hands the same
/// allocation to every request, and the secrets are wiped when the last clone is dropped.
/// `Debug` shows the AccessKeyId (which identifies but does not authorize) and masks the rest.
#[derive(Clone)]
pub struct Credentials(Arc<Inner>);

#[derive(Clone)]
struct Inner {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Option<Secret>,
    expiry: Option<SystemTime>,
    provider_name: &'static str,
}

impl Credentials {
    /// A long-term AccessKey pair, with no expiry, from provider `"static"`.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<Secret>) -> Self {
        Self(Arc::new(Inner {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
            expiry: None,
            provider_name: "static",
        }))
    }

    /// Temporary STS credentials: the key pair plus its security token.
    pub fn with_security_token(self, security_token: impl Into<Secret>) -> Self {
        let token = security_token.into();
        self.map(|inner| inner.security_token = Some(token))
    }

    /// When the credentials stop working. A cache refreshes them shortly before.
    pub fn with_expiry(self, expiry: SystemTime) -> Self {
        self.map(|inner| inner.expiry = Some(expiry))
    }

    /// Records which provider found these credentials, for error messages and logs.
    pub fn with_provider_name(self, name: &'static str) -> Self {
        self.map(|inner| inner.provider_name = name)
    }

    fn map(self, change: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Arc::try_unwrap(self.0).unwrap_or_else(|shared| (*shared).clone());
        change(&mut inner);
        Self(Arc::new(inner))
    }

    /// The AccessKeyId.
    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    /// The AccessKeySecret.
    pub fn access_key_secret(&self) -> &Secret {
        &self.0.access_key_secret
    }

    /// The STS security token, if these are temporary credentials.
    pub fn security_token(&self) -> Option<&Secret> {
        self.0.security_token.as_ref()
    }

    /// When the credentials expire; `None` for long-term keys.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.0.expiry
    }

    /// The provider that found them (`"static"` for keys given in code, `"environment"`,
    /// `"config file"`, `"metadata service"`, ...).
    pub fn provider_name(&self) -> &'static str {
        self.0.provider_name
    }

    /// Whether `a` and `b` are clones of the same credentials (one shared copy of the secrets).
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.0;
        f.debug_struct("Credentials")
            .field("access_key_id", &inner.access_key_id)
            .field("access_key_secret", &inner.access_key_secret)
            .field("security_token", &inner.security_token)
            .field(
                "expiry",
                &inner
                    .expiry
                    .map(|t| crate::SigningTime::from(t).to_utc_string()),
            )
            .field("provider_name", &inner.provider_name)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn debug_and_display_never_show_secrets() {
        let creds = Credentials::new("LTAIexampleid", "very-secret-value")
            .with_security_token("sts-token-value")
            .with_expiry(UNIX_EPOCH + Duration::from_secs(1_714_552_200));
        let debug = format!("{creds:?}");
        assert!(debug.contains("LTAIexampleid"), "{debug}");
        assert!(!debug.contains("very-secret-value"), "{debug}");
        assert!(!debug.contains("sts-token-value"), "{debug}");
        assert!(debug.contains("access_key_secret: ***"), "{debug}");
        assert!(debug.contains("2024-05-01T08:30:00Z"), "{debug}");
        let pretty = format!("{creds:#?}");
        assert!(!pretty.contains("very-secret-value") && !pretty.contains("sts-token-value"));
        let secret = Secret::new("very-secret-value");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{secret:>10}"), "***");
        assert_eq!(secret.expose(), "very-secret-value");
    }

    #[test]
    fn secrets_are_wiped_on_drop() {
        // `ZeroizeOnDrop` is the zeroize crate's promise that dropping overwrites the memory;
        // `Secret` holds only a `Zeroizing` buffer, which keeps it.
        fn wiped_on_drop<T: ZeroizeOnDrop>() {}
        wiped_on_drop::<Secret>();
        wiped_on_drop::<Zeroizing<String>>();
    }

    #[test]
    fn clones_share_one_copy_of_the_secrets() {
        let a = Credentials::new("id", "secret").with_security_token("tok");
        let b = a.clone();
        assert!(Credentials::ptr_eq(&a, &b));
        assert_eq!(
            a.access_key_secret().expose().as_ptr(),
            b.access_key_secret().expose().as_ptr()
        );
        // Changing a shared value copies it; the original is untouched.
        let c = b.clone().with_provider_name("test");
        assert!(!Credentials::ptr_eq(&a, &c));
        assert_eq!((a.provider_name(), c.provider_name()), ("static", "test"));
    }

    #[test]
    fn builder_methods_set_what_they_say() {
        let at = UNIX_EPOCH + Duration::from_secs(42);
        let c = Credentials::new("id", "s")
            .with_security_token(String::from("t"))
            .with_expiry(at)
            .with_provider_name("environment");
        assert_eq!(c.access_key_id(), "id");
        assert_eq!(c.access_key_secret().expose(), "s");
        assert_eq!(c.security_token().map(Secret::expose), Some("t"));
        assert_eq!(c.expiry(), Some(at));
        assert_eq!(c.provider_name(), "environment");
        let plain = Credentials::new("id", "s");
        assert!(plain.security_token().is_none() && plain.expiry().is_none());
    }
}
