//! Credentials from the aliyun CLI's configuration, `~/.aliyun/config.json`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ens_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture, Secret};
use serde_json::{Map, Value};

use crate::env::Env;
use crate::file;
use crate::http::{Http, wipe};
use crate::metadata::{DEFAULT_METADATA_ENDPOINT, EcsRamRoleProvider};
use crate::sts::{
    AssumeRoleProvider, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, OidcProvider, Session,
    default_session_name, sts_endpoint_for,
};

/// The largest configuration file read. Real ones are a few KiB.
pub const MAX_CONFIG_FILE: u64 = 1024 * 1024;
/// The name credentials from here carry, and the start of every message about it.
pub(crate) const CONFIG_FILE: &str = "config file";
/// The modes this provider resolves, as the CLI spells them.
const SUPPORTED_MODES: &str = "AK, StsToken, RamRoleArn, EcsRamRole, ChainableRamRoleArn, OIDC";
/// How many `source_profile` links a `ChainableRamRoleArn` profile may follow.
const MAX_CHAIN: usize = 8;

/// What the network modes need besides the file: STS, the metadata service, the environment
/// (session name, STS region).
#[derive(Debug, Clone)]
pub(crate) struct Services {
    pub(crate) env: Env,
    /// Overrides every profile's `sts_region` when set.
    pub(crate) sts_endpoint: Option<String>,
    pub(crate) metadata_endpoint: String,
    pub(crate) sts_http: Http,
    pub(crate) metadata_http: Http,
}

impl Default for Services {
    fn default() -> Self {
        Self {
            env: Env::process(),
            sts_endpoint: None,
            metadata_endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            sts_http: Http::new(DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, true),
            metadata_http: crate::metadata::default_http(),
        }
    }
}

/// Reads a profile of the aliyun CLI configuration and resolves it to credentials: the profile
/// named by [`CliConfigProvider::with_profile`], else the file's `current` one (`default` when
/// that is empty). The default chain passes `ALIBABA_CLOUD_PROFILE` as the chosen profile.
///
/// | mode | what it does |
/// |---|---|
/// | `AK` (or no mode) | `access_key_id` / `access_key_secret` |
/// | `StsToken` | the same plus `sts_token` |
/// | `RamRoleArn` | STS `AssumeRole` of `ram_role_arn`, signed with the profile's key pair |
/// | `EcsRamRole` | the instance's RAM role (`ram_role_name`, else the one attached) from the metadata service |
/// | `ChainableRamRoleArn` | STS `AssumeRole` of `ram_role_arn`, signed with what `source_profile` resolves to |
/// | `OIDC` | STS `AssumeRoleWithOIDC` with `oidc_provider_arn` and the token in `oidc_token_file` |
///
/// Role modes also read `ram_session_name`, `expired_seconds` (duration), `sts_region`,
/// `enable_vpc`, `policy` and `external_id`. Other modes are reported as unsupported rather than
/// skipped, so a user is never silently signed in as someone else.
///
/// The file is read (bounded, off the async threads, refusing FIFOs and devices) at each call;
/// behind a [`crate::CachedProvider`] that is only when the last credentials are about to
/// expire.
///
/// ```no_run
/// use ens_credentials::CliConfigProvider;
///
/// let provider = CliConfigProvider::from_default_location().with_profile("ens-prod");
/// ```
#[derive(Clone)]
pub struct CliConfigProvider {
    /// `None` when the home directory is unknown, which is reported as "not found".
    path: Option<PathBuf>,
    profile: Option<String>,
    services: Arc<Services>,
}

/// A profile of the aliyun CLI configuration, as the file describes it (no secrets).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CliProfile {
    /// The profile's name.
    pub name: String,
    /// Its mode (`AK` when the file names none).
    pub mode: String,
    /// Its default region (`region_id`), if set.
    pub region_id: Option<String>,
}

impl CliConfigProvider {
    /// Reads the configuration file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
            profile: None,
            services: Arc::default(),
        }
    }

    /// Reads `<home>/.aliyun/config.json`.
    pub fn from_home(home: impl AsRef<Path>) -> Self {
        Self::new(home.as_ref().join(".aliyun").join("config.json"))
    }

    /// Reads `~/.aliyun/config.json` of the current user.
    pub fn from_default_location() -> Self {
        match std::env::home_dir() {
            Some(home) => Self::from_home(home),
            None => Self::without_home(),
        }
    }

    /// A provider for a user whose home directory is unknown: it finds nothing, and says why.
    pub(crate) fn without_home() -> Self {
        Self {
            path: None,
            profile: None,
            services: Arc::default(),
        }
    }

    /// Uses profile `name` instead of the file's current one.
    pub fn with_profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into()).filter(|n: &String| !n.is_empty());
        self
    }

    /// The STS endpoint for the role modes, overriding each profile's `sts_region` (default:
    /// `https://sts.<sts_region>.aliyuncs.com`, or `https://sts.aliyuncs.com`).
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.services).sts_endpoint = Some(endpoint.into());
        self
    }

    /// The metadata service for the `EcsRamRole` mode (default `http://100.100.100.200`).
    pub fn metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.services).metadata_endpoint = endpoint.into();
        self
    }

    /// Where the role modes read `ALIBABA_CLOUD_ROLE_SESSION_NAME`, `ALIBABA_CLOUD_STS_REGION`
    /// and `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED` (default: the process environment).
    pub fn env(mut self, env: Env) -> Self {
        Arc::make_mut(&mut self.services).env = env;
        self
    }

    pub(crate) fn services(mut self, services: Arc<Services>) -> Self {
        self.services = services;
        self
    }

    /// The file this provider reads, if the home directory could be determined.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Reads the file and describes the selected profile.
    pub async fn load_profile(&self) -> Result<CliProfile, CredentialsError> {
        self.with_config(|config, name| {
            let profile = config
                .profile(name)
                .ok_or_else(|| config.no_profile(name))?;
            Ok(CliProfile {
                name: name.to_owned(),
                mode: config.mode(profile, name)?.to_owned(),
                region_id: config
                    .string(profile, name, "region_id")?
                    .map(str::to_owned),
            })
        })
        .await
    }

    /// Reads and parses the file, then runs `then` on it with the selected profile's name.
    async fn with_config<T>(
        &self,
        then: impl FnOnce(&Config<'_>, &str) -> Result<T, CredentialsError>,
    ) -> Result<T, CredentialsError> {
        let Some(path) = &self.path else {
            return Err(CredentialsError::not_found(
                CONFIG_FILE,
                "home directory unknown, so ~/.aliyun/config.json was not read",
            ));
        };
        let label = format!("{CONFIG_FILE} {}", path.display());
        let contents = match file::read_bounded(path, MAX_CONFIG_FILE).await {
            Ok(Some(contents)) => contents,
            Ok(None) => {
                return Err(CredentialsError::not_found(
                    CONFIG_FILE,
                    format_args!("{} not found", path.display()),
                ));
            }
            Err(reason) => return Err(CredentialsError::misconfigured(label, reason)),
        };
        let invalid = |reason: String| CredentialsError::misconfigured(&label, reason);
        // Through `Value` rather than typed structs: serde's type errors quote the offending
        // value, which here could be a secret; syntax errors carry only a position.
        let mut root = match serde_json::from_slice::<Value>(&contents) {
            Ok(Value::Object(root)) => root,
            Ok(_) => return Err(invalid("the top level is not a JSON object".to_owned())),
            Err(e) => return Err(invalid(format!("not valid JSON: {e}"))),
        };
        let result = (|| {
            let name = match &self.profile {
                Some(name) => name.clone(),
                None => match root.get("current") {
                    None | Some(Value::Null) => "default".to_owned(),
                    Some(Value::String(s)) if s.is_empty() => "default".to_owned(),
                    Some(Value::String(s)) => s.clone(),
                    Some(_) => return Err(invalid("`current` is not a string".to_owned())),
                },
            };
            let profiles = match root.get("profiles") {
                Some(Value::Array(profiles)) => profiles,
                Some(_) => return Err(invalid("`profiles` is not an array".to_owned())),
                None => return Err(invalid("no `profiles` array".to_owned())),
            };
            let config = Config {
                path,
                label: &label,
                profiles,
            };
            then(&config, &name)
        })();
        wipe(&mut root);
        result
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let (provider, label) = self
            .with_config(|config, name| {
                let provider = config.resolve(name, &self.services, &mut Vec::new())?;
                Ok((provider, format!("{}, profile {name:?}", config.label)))
            })
            .await?;
        provider.provide_credentials().await.map_err(|e| match e {
            // The profile says where its credentials are, so their absence is an error.
            CredentialsError::NotFound { .. } => {
                CredentialsError::failed(label, format!("its credentials: {e}"))
            }
            other => other,
        })
    }
}

impl ProvideCredentials for CliConfigProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        ProvideFuture::new(self.load())
    }
}

impl fmt::Debug for CliConfigProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CliConfigProvider")
            .field("path", &self.path)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// A parsed configuration file.
struct Config<'a> {
    path: &'a Path,
    label: &'a str,
    profiles: &'a [Value],
}

impl Config<'_> {
    fn invalid(&self, reason: String) -> CredentialsError {
        CredentialsError::misconfigured(self.label, reason)
    }

    fn names(&self) -> Vec<String> {
        self.profiles
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .map(|n| format!("{n:?}"))
            .collect()
    }

    fn profile(&self, name: &str) -> Option<&Map<String, Value>> {
        self.profiles
            .iter()
            .filter_map(Value::as_object)
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
    }

    /// "No such profile": not found, so a chain moves on.
    fn no_profile(&self, name: &str) -> CredentialsError {
        let names = self.names();
        let available = if names.is_empty() {
            "it has none".to_owned()
        } else {
            format!("it has {}", names.join(", "))
        };
        CredentialsError::not_found(
            CONFIG_FILE,
            format_args!(
                "no profile {name:?} in {} ({available})",
                self.path.display()
            ),
        )
    }

    fn string<'p>(
        &self,
        profile: &'p Map<String, Value>,
        name: &str,
        key: &str,
    ) -> Result<Option<&'p str>, CredentialsError> {
        crate::http::string_field(profile, key)
            .map_err(|reason| self.invalid(format!("profile {name:?}: {reason}")))
    }

    fn required<'p>(
        &self,
        profile: &'p Map<String, Value>,
        name: &str,
        key: &str,
    ) -> Result<&'p str, CredentialsError> {
        let mode = self.mode(profile, name)?;
        self.string(profile, name, key)?.ok_or_else(|| {
            self.invalid(format!(
                "profile {name:?} (mode {mode}) has no `{key}` or it is empty"
            ))
        })
    }

    fn mode<'p>(
        &self,
        profile: &'p Map<String, Value>,
        name: &str,
    ) -> Result<&'p str, CredentialsError> {
        Ok(self.string(profile, name, "mode")?.unwrap_or("AK"))
    }

    /// A provider for profile `name`; `seen` holds the profiles already on the way here.
    fn resolve(
        &self,
        name: &str,
        services: &Services,
        seen: &mut Vec<String>,
    ) -> Result<Box<dyn ProvideCredentials>, CredentialsError> {
        if seen.iter().any(|s| s == name) || seen.len() >= MAX_CHAIN {
            seen.push(name.to_owned());
            return Err(self.invalid(format!(
                "the source_profile links loop or run deeper than {MAX_CHAIN}: {}",
                seen.join(" -> ")
            )));
        }
        let profile = match self.profile(name) {
            Some(profile) => profile,
            // A missing source profile is a broken file, not "nothing here".
            None if !seen.is_empty() => {
                return Err(self.invalid(format!(
                    "profile {:?} names source_profile {name:?}, which does not exist",
                    seen[seen.len() - 1]
                )));
            }
            None => return Err(self.no_profile(name)),
        };
        seen.push(name.to_owned());
        let key_pair = || -> Result<Credentials, CredentialsError> {
            Ok(Credentials::new(
                self.required(profile, name, "access_key_id")?,
                Secret::new(self.required(profile, name, "access_key_secret")?),
            )
            .with_provider_name(CONFIG_FILE))
        };
        Ok(match self.mode(profile, name)? {
            "AK" => Box::new(key_pair()?),
            "StsToken" => Box::new(key_pair()?.with_security_token(self.required(
                profile,
                name,
                "sts_token",
            )?)),
            "RamRoleArn" => {
                let role = self.role(profile, name, services)?;
                Box::new(role.assume_with(key_pair()?))
            }
            "ChainableRamRoleArn" => {
                let source_name = self.required(profile, name, "source_profile")?;
                let source = self.resolve(source_name, services, seen)?;
                let role = self.role(profile, name, services)?;
                Box::new(role.assume_with(source))
            }
            "EcsRamRole" => {
                let mut builder = EcsRamRoleProvider::builder()
                    .endpoint(services.metadata_endpoint.clone())
                    .http(services.metadata_http.clone());
                if let Some(role) = self.string(profile, name, "ram_role_name")? {
                    builder = builder.role_name(role);
                }
                Box::new(builder.build())
            }
            "OIDC" => {
                let role = self.role(profile, name, services)?;
                let oidc = OidcProvider::builder(
                    role.session.role_arn.clone(),
                    self.required(profile, name, "oidc_provider_arn")?,
                    self.required(profile, name, "oidc_token_file")?,
                );
                Box::new(oidc.session(role.session).build())
            }
            other => {
                return Err(self.invalid(format!(
                    "profile {name:?} uses mode {other:?}, which is not supported (supported \
                     modes: {SUPPORTED_MODES})"
                )));
            }
        })
    }

    fn role(
        &self,
        profile: &Map<String, Value>,
        name: &str,
        services: &Services,
    ) -> Result<Role, CredentialsError> {
        let string = |key| -> Result<Option<String>, CredentialsError> {
            Ok(self.string(profile, name, key)?.map(str::to_owned))
        };
        let duration = match profile.get("expired_seconds") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_u64() {
                Some(0) => None,
                Some(secs) => Some(Duration::from_secs(secs)),
                None => {
                    return Err(self.invalid(format!(
                        "profile {name:?}: `expired_seconds` is not a whole number of seconds"
                    )));
                }
            },
            Some(_) => {
                return Err(self.invalid(format!(
                    "profile {name:?}: `expired_seconds` is not a number"
                )));
            }
        };
        let vpc = match profile.get("enable_vpc") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(self.invalid(format!(
                    "profile {name:?}: `enable_vpc` is not true or false"
                )));
            }
        };
        let sts_region = string("sts_region")?;
        let mut session = Session::new(self.required(profile, name, "ram_role_arn")?.to_owned());
        session.name =
            string("ram_session_name")?.unwrap_or_else(|| default_session_name(&services.env));
        if let Some(duration) = duration {
            session.duration = duration;
        }
        session.policy = string("policy")?;
        session.endpoint = services
            .sts_endpoint
            .clone()
            .unwrap_or_else(|| sts_endpoint_for(&services.env, sts_region.as_deref(), vpc));
        session.http = services.sts_http.clone();
        Ok(Role {
            session,
            external_id: string("external_id")?,
        })
    }
}

/// A profile's role settings.
struct Role {
    session: Session,
    external_id: Option<String>,
}

impl Role {
    fn assume_with(self, source: impl ProvideCredentials + 'static) -> AssumeRoleProvider {
        let builder = AssumeRoleProvider::builder(self.session.role_arn.clone(), source);
        let builder = match self.external_id {
            Some(id) => builder.external_id(id),
            None => builder,
        };
        builder.session(self.session).build()
    }
}
