//! Why no credentials could be had.

use crate::SigningTime;

/// Why no credentials could be had. Every message names the provider and what it looked at, and
/// never contains a secret.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No source had any credentials. This is the only error a chain of providers moves past.
    #[error("no credentials found: {}", join_searched(.searched))]
    NotFound {
        /// One entry per source, `"<provider>: <what it found>"`, for example
        /// `"environment: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET not set"`.
        searched: Vec<String>,
    },
    /// A source is set up, but wrongly: half a key pair in the environment, a malformed or
    /// unreadable configuration file, a profile missing a field or using an unknown mode. Stops a
    /// chain, because falling through would silently sign in as someone else.
    #[error("{provider}: {reason}")]
    Misconfigured {
        /// The provider, with the file or variable it read.
        provider: String,
        /// What is wrong, naming fields, never their values.
        reason: String,
    },
    /// A source that should have answered did not: STS refused to issue a token, the metadata
    /// service or credentials URI answered with an error or something unreadable, or did not
    /// answer in time.
    #[error("{provider}: {reason}")]
    Failed {
        /// The provider, with the endpoint it called.
        provider: String,
        /// What went wrong (an HTTP status, the service's error code and message with any secret
        /// masked, a timeout).
        reason: String,
    },
    /// The credentials a provider handed out had already expired by the local clock. Either the
    /// source serves stale credentials or the local clock is wrong.
    #[error(
        "{provider}: the credentials expired at {expired_at}, but the local clock says {now}; \
         if they were just issued, the system clock is probably off"
    )]
    Expired {
        /// The provider.
        provider: String,
        /// Their `Expiration`.
        expired_at: SigningTime,
        /// The local time when they were received.
        now: SigningTime,
    },
}

impl CredentialsError {
    /// A single `"<provider>: <what>"` entry of [`CredentialsError::NotFound`].
    pub fn not_found(provider: &str, what: impl std::fmt::Display) -> Self {
        Self::NotFound {
            searched: vec![format!("{provider}: {what}")],
        }
    }

    /// [`CredentialsError::Misconfigured`].
    pub fn misconfigured(provider: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Misconfigured {
            provider: provider.into(),
            reason: reason.into(),
        }
    }

    /// [`CredentialsError::Failed`].
    pub fn failed(provider: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Failed {
            provider: provider.into(),
            reason: reason.into(),
        }
    }

    /// Whether a chain should move on to its next provider (only [`CredentialsError::NotFound`]).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }
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
    fn not_found_lists_every_source() {
        let e = CredentialsError::NotFound {
            searched: vec![
                "environment: not set".into(),
                "config file: no profile 'x'".into(),
            ],
        };
        assert_eq!(
            e.to_string(),
            "no credentials found: environment: not set; config file: no profile 'x'"
        );
        assert!(e.is_not_found());
        let empty = CredentialsError::NotFound { searched: vec![] };
        assert!(empty.to_string().contains("no credential source"));
        assert_eq!(
            CredentialsError::not_found("metadata service", "no role").to_string(),
            "no credentials found: metadata service: no role"
        );
    }

    #[test]
    fn other_errors_name_the_provider_and_stop_a_chain() {
        let e = CredentialsError::misconfigured("environment", "X is set but Y is not");
        assert_eq!(e.to_string(), "environment: X is set but Y is not");
        assert!(!e.is_not_found());
        let e = CredentialsError::failed("OIDC role via STS", "HTTP 403");
        assert_eq!(e.to_string(), "OIDC role via STS: HTTP 403");
        let e = CredentialsError::Expired {
            provider: "metadata service".into(),
            expired_at: SigningTime::from_unix_seconds(1_714_552_200),
            now: SigningTime::from_unix_seconds(1_714_555_800),
        };
        assert_eq!(
            e.to_string(),
            "metadata service: the credentials expired at 2024-05-01T08:30:00Z, but the local \
             clock says 2024-05-01T09:30:00Z; if they were just issued, the system clock is \
             probably off"
        );
    }
}
