//! Credentials from environment variables, the names Alibaba's SDKs and tools share.

use std::collections::HashMap;
use std::fmt;

use super::{Credentials, CredentialsError, ProvideCredentials};

/// Holds the AccessKeyId.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Holds the AccessKeySecret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Holds the STS security token, when the key pair is temporary.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Reads [`ENV_ACCESS_KEY_ID`], [`ENV_ACCESS_KEY_SECRET`] and, if set, [`ENV_SECURITY_TOKEN`].
///
/// Empty variables count as unset, since `export X=` is the usual way to clear one. The lookup is
/// injectable so tests never depend on (or modify) the process environment.
pub struct EnvProvider {
    lookup: Box<Lookup>,
}

impl EnvProvider {
    /// Reads the process environment at each call, so changes after construction are seen.
    pub fn new() -> Self {
        Self::from_fn(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup` instead of the process environment.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            lookup: Box::new(lookup),
        }
    }

    /// Reads variables from a fixed set of name/value pairs.
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

    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.is_empty())
    }
}

impl Default for EnvProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EnvProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvProvider").finish_non_exhaustive()
    }
}

impl ProvideCredentials for EnvProvider {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let id = self.get(ENV_ACCESS_KEY_ID);
        let secret = self.get(ENV_ACCESS_KEY_SECRET);
        let credentials = match (id, secret) {
            (Some(id), Some(secret)) => Credentials::new(id, secret),
            (None, None) => {
                return Err(CredentialsError::NotFound {
                    searched: vec![format!(
                        "environment variables {ENV_ACCESS_KEY_ID} / {ENV_ACCESS_KEY_SECRET} not set"
                    )],
                });
            }
            (Some(_), None) => {
                return Err(CredentialsError::IncompleteEnvironment {
                    set: ENV_ACCESS_KEY_ID,
                    missing: ENV_ACCESS_KEY_SECRET,
                });
            }
            (None, Some(_)) => {
                return Err(CredentialsError::IncompleteEnvironment {
                    set: ENV_ACCESS_KEY_SECRET,
                    missing: ENV_ACCESS_KEY_ID,
                });
            }
        };
        Ok(match self.get(ENV_SECURITY_TOKEN) {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_term_key() {
        let p = EnvProvider::from_vars([(ENV_ACCESS_KEY_ID, "id"), (ENV_ACCESS_KEY_SECRET, "sec")]);
        let c = p.credentials().expect("both set");
        assert_eq!(c.access_key_id(), "id");
        assert_eq!(c.access_key_secret().expose(), "sec");
        assert!(c.security_token().is_none());
    }

    #[test]
    fn sts_key() {
        let p = EnvProvider::from_vars([
            (ENV_ACCESS_KEY_ID, "STS.id"),
            (ENV_ACCESS_KEY_SECRET, "sec"),
            (ENV_SECURITY_TOKEN, "tok"),
        ]);
        let c = p.credentials().expect("all set");
        assert_eq!(c.security_token().map(|t| t.expose()), Some("tok"));
    }

    #[test]
    fn empty_token_is_no_token() {
        let p = EnvProvider::from_vars([
            (ENV_ACCESS_KEY_ID, "id"),
            (ENV_ACCESS_KEY_SECRET, "sec"),
            (ENV_SECURITY_TOKEN, ""),
        ]);
        assert!(p.credentials().expect("set").security_token().is_none());
    }

    #[test]
    fn nothing_set_is_not_found_and_says_what_was_looked_for() {
        let p = EnvProvider::from_vars([(ENV_ACCESS_KEY_ID, "")]);
        let e = p.credentials().expect_err("nothing usable");
        assert!(matches!(e, CredentialsError::NotFound { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            "no credentials found: environment variables ALIBABA_CLOUD_ACCESS_KEY_ID / \
             ALIBABA_CLOUD_ACCESS_KEY_SECRET not set"
        );
    }

    #[test]
    fn half_a_pair_is_an_error_that_hides_the_value() {
        let p = EnvProvider::from_vars([(ENV_ACCESS_KEY_SECRET, "leaky-secret")]);
        let e = p.credentials().expect_err("id missing");
        let msg = e.to_string();
        assert_eq!(
            msg,
            "environment variable ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but \
             ALIBABA_CLOUD_ACCESS_KEY_ID is not"
        );
        assert!(!format!("{e:?}").contains("leaky-secret"));
        let p = EnvProvider::from_vars([(ENV_ACCESS_KEY_ID, "id")]);
        assert!(matches!(
            p.credentials(),
            Err(CredentialsError::IncompleteEnvironment {
                missing: ENV_ACCESS_KEY_SECRET,
                ..
            })
        ));
    }

    #[test]
    fn lookup_is_consulted_at_each_call() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let on = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&on);
        let p = EnvProvider::from_fn(move |name| {
            (flag.load(Ordering::SeqCst) && name.starts_with("ALIBABA_CLOUD_ACCESS_KEY"))
                .then(|| "v".to_owned())
        });
        assert!(p.credentials().is_err());
        on.store(true, Ordering::SeqCst);
        assert!(p.credentials().is_ok());
    }
}
