//! Trying several sources in order.

use std::path::Path;

use super::{CliConfigProvider, Credentials, CredentialsError, EnvProvider, ProvideCredentials};

/// Asks each provider in turn and returns the first credentials found.
///
/// Only [`CredentialsError::NotFound`] moves on to the next provider; any other error (half a key
/// pair in the environment, a malformed config file, an unsupported profile mode) stops the
/// chain, because falling through would silently use a different identity than the user set up.
/// When every provider comes up empty, the error lists what each one looked for.
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
}

impl ProvideCredentials for ChainProvider {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut searched = Vec::new();
        for provider in &self.providers {
            match provider.credentials() {
                Ok(credentials) => return Ok(credentials),
                Err(CredentialsError::NotFound { searched: more }) => searched.extend(more),
                Err(other) => return Err(other),
            }
        }
        Err(CredentialsError::NotFound { searched })
    }
}

/// The default chain: the process environment, then the current user's
/// `~/.aliyun/config.json`.
pub fn default_chain() -> ChainProvider {
    ChainProvider::new()
        .with(EnvProvider::new())
        .with(CliConfigProvider::from_default_location())
}

/// The default chain over an injected environment and home directory (`None`: unknown), so
/// callers and tests can run it without touching the real ones.
pub fn default_chain_with(env: EnvProvider, home: Option<&Path>) -> ChainProvider {
    let config = match home {
        Some(home) => CliConfigProvider::from_home(home),
        None => CliConfigProvider::without_home(),
    };
    ChainProvider::new().with(env).with(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET};
    use std::path::PathBuf;

    /// A home directory under the temp dir, unique to the test, removed on drop.
    struct TempHome(PathBuf);

    impl TempHome {
        fn new(tag: &str, config: Option<&str>) -> Self {
            let home =
                std::env::temp_dir().join(format!("ens-auth-home-{}-{tag}", std::process::id()));
            if let Some(config) = config {
                let dir = home.join(".aliyun");
                std::fs::create_dir_all(&dir).expect("create temp home");
                std::fs::write(dir.join("config.json"), config).expect("write config");
            }
            Self(home)
        }
    }

    impl Drop for TempHome {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const CONFIG: &str = r#"{"current": "default", "profiles": [{"name": "default",
        "mode": "AK", "access_key_id": "from-file", "access_key_secret": "s"}]}"#;

    fn env(pairs: &[(&'static str, &'static str)]) -> EnvProvider {
        EnvProvider::from_vars(pairs.iter().copied())
    }

    #[test]
    fn environment_wins_over_file() {
        let home = TempHome::new("env-wins", Some(CONFIG));
        let chain = default_chain_with(
            env(&[
                (ENV_ACCESS_KEY_ID, "from-env"),
                (ENV_ACCESS_KEY_SECRET, "s"),
            ]),
            Some(&home.0),
        );
        assert_eq!(
            chain.credentials().expect("env").access_key_id(),
            "from-env"
        );
    }

    #[test]
    fn falls_back_to_file() {
        let home = TempHome::new("fallback", Some(CONFIG));
        let chain = default_chain_with(env(&[]), Some(&home.0));
        assert_eq!(
            chain.credentials().expect("file").access_key_id(),
            "from-file"
        );
    }

    #[test]
    fn nothing_found_lists_both_sources() {
        let home = TempHome::new("nothing", None);
        let chain = default_chain_with(env(&[]), Some(&home.0));
        let msg = chain.credentials().expect_err("nothing").to_string();
        let expected = format!(
            "no credentials found: environment variables ALIBABA_CLOUD_ACCESS_KEY_ID / \
             ALIBABA_CLOUD_ACCESS_KEY_SECRET not set; {} not found",
            home.0.join(".aliyun").join("config.json").display()
        );
        assert_eq!(msg, expected);
        let homeless = default_chain_with(env(&[]), None);
        let msg = homeless.credentials().expect_err("nothing").to_string();
        assert!(msg.ends_with("home directory unknown, so ~/.aliyun/config.json was not read"));
    }

    #[test]
    fn a_real_error_stops_the_chain() {
        let home = TempHome::new("stops", Some(CONFIG));
        let chain = default_chain_with(env(&[(ENV_ACCESS_KEY_ID, "only-id")]), Some(&home.0));
        assert!(matches!(
            chain.credentials(),
            Err(CredentialsError::IncompleteEnvironment { .. })
        ));
        let broken = TempHome::new("broken", Some("{"));
        let chain = ChainProvider::new()
            .with(CliConfigProvider::from_home(&broken.0))
            .with(Credentials::new("later", "s"));
        assert!(matches!(
            chain.credentials(),
            Err(CredentialsError::InvalidConfig { .. })
        ));
    }
}
