//! Credentials from the aliyun CLI's configuration, `~/.aliyun/config.json`.

use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Credentials, CredentialsError, ProvideCredentials};

/// Reads a profile of the aliyun CLI configuration: the one named by its `current` field (or
/// `default` when that is empty), unless another is chosen with [`CliConfigProvider::with_profile`].
///
/// Supports the modes that carry a key pair in the file, `AK` and `StsToken` (a missing or empty
/// mode is read as `AK`, as older files have none). Other modes (`RamRoleArn`, `EcsRamRole`, ...)
/// need network calls to resolve and are reported as unsupported rather than skipped, so a user is
/// not silently signed in as someone else.
///
/// The file is read at every call, so edits (for example `aliyun configure`) are picked up.
#[derive(Debug, Clone)]
pub struct CliConfigProvider {
    /// `None` when the home directory is unknown, which is reported as "not found".
    path: Option<PathBuf>,
    profile: Option<String>,
}

/// A profile of the aliyun CLI configuration, resolved to credentials.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CliProfile {
    /// The profile's name.
    pub name: String,
    /// Its credentials.
    pub credentials: Credentials,
    /// Its default region (`region_id`), if set.
    pub region_id: Option<String>,
}

impl CliConfigProvider {
    /// Reads the configuration file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
            profile: None,
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
    pub(super) fn without_home() -> Self {
        Self {
            path: None,
            profile: None,
        }
    }

    /// Uses profile `name` instead of the file's current one.
    pub fn with_profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The file this provider reads, if the home directory could be determined.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Reads the file and resolves the selected profile, including its region.
    pub fn load_profile(&self) -> Result<CliProfile, CredentialsError> {
        let Some(path) = &self.path else {
            return Err(CredentialsError::NotFound {
                searched: vec![
                    "home directory unknown, so ~/.aliyun/config.json was not read".to_owned(),
                ],
            });
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(CredentialsError::NotFound {
                    searched: vec![format!("{} not found", path.display())],
                });
            }
            Err(source) => {
                return Err(CredentialsError::ReadConfig {
                    path: path.clone(),
                    source,
                });
            }
        };
        parse(path, &text, self.profile.as_deref())
    }
}

impl ProvideCredentials for CliConfigProvider {
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        self.load_profile().map(|profile| profile.credentials)
    }
}

/// Parses through [`Value`] rather than typed structs: serde's type errors quote the offending
/// value, which here could be a secret, while our own messages name only the field.
fn parse(path: &Path, text: &str, chosen: Option<&str>) -> Result<CliProfile, CredentialsError> {
    let invalid = |reason: String| CredentialsError::InvalidConfig {
        path: path.to_owned(),
        reason,
    };
    // Syntax errors carry a position and a category, never the input text.
    let root: Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("not valid JSON: {e}")))?;
    let root = root
        .as_object()
        .ok_or_else(|| invalid("the top level is not a JSON object".to_owned()))?;

    let name = match chosen {
        Some(name) => name.to_owned(),
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
    let mut names = Vec::new();
    let mut found = None;
    for (i, p) in profiles.iter().enumerate() {
        let p = p
            .as_object()
            .ok_or_else(|| invalid(format!("profiles[{i}] is not an object")))?;
        let pname = p.get("name").and_then(Value::as_str).unwrap_or_default();
        if pname == name {
            found = Some(p);
            break;
        }
        names.push(format!("{pname:?}"));
    }
    let Some(profile) = found else {
        let available = if names.is_empty() {
            "it has none".to_owned()
        } else {
            format!("it has {}", names.join(", "))
        };
        return Err(invalid(format!("no profile named {name:?} ({available})")));
    };

    let field = |key: &str| -> Result<Option<&str>, CredentialsError> {
        match profile.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(invalid(format!(
                "profile {name:?}: `{key}` is not a string"
            ))),
        }
    };
    let required = |key: &str, mode: &str| -> Result<&str, CredentialsError> {
        field(key)?.ok_or_else(|| {
            invalid(format!(
                "profile {name:?} (mode {mode}) has no `{key}` or it is empty"
            ))
        })
    };

    let mode = field("mode")?.unwrap_or("AK");
    let credentials = match mode {
        "AK" => Credentials::new(
            required("access_key_id", mode)?,
            required("access_key_secret", mode)?,
        ),
        "StsToken" => Credentials::new(
            required("access_key_id", mode)?,
            required("access_key_secret", mode)?,
        )
        .with_security_token(required("sts_token", mode)?),
        other => {
            return Err(CredentialsError::UnsupportedMode {
                path: path.to_owned(),
                profile: name,
                mode: other.to_owned(),
            });
        }
    };
    let region_id = field("region_id")?.map(str::to_owned);
    Ok(CliProfile {
        name,
        credentials,
        region_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A file under the system temp dir with a name no other test (or process) uses, removed on
    /// drop.
    struct TempFile(PathBuf);

    impl TempFile {
        fn with(contents: &str) -> Self {
            static N: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "ens-auth-test-{}-{}-config.json",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::write(&path, contents).expect("write temp file");
            Self(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    const CONFIG: &str = r#"{
        "current": "sts",
        "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "LTAIdefault",
             "access_key_secret": "default-secret", "sts_token": "", "region_id": "cn-hangzhou",
             "output_format": "json", "language": "en"},
            {"name": "sts", "mode": "StsToken", "access_key_id": "STS.id",
             "access_key_secret": "sts-secret", "sts_token": "sts-token", "region_id": ""},
            {"name": "role", "mode": "RamRoleArn", "access_key_id": "LTAIrole",
             "access_key_secret": "role-secret", "ram_role_arn": "acs:ram::1:role/x"},
            {"name": "broken", "mode": "AK", "access_key_id": "LTAIbroken",
             "access_key_secret": 12345}
        ],
        "meta_path": ""
    }"#;

    #[test]
    fn current_profile_sts_token() {
        let f = TempFile::with(CONFIG);
        let p = CliConfigProvider::new(&f.0)
            .load_profile()
            .expect("sts profile");
        assert_eq!(p.name, "sts");
        assert_eq!(p.credentials.access_key_id(), "STS.id");
        assert_eq!(p.credentials.access_key_secret().expose(), "sts-secret");
        assert_eq!(
            p.credentials.security_token().map(|t| t.expose()),
            Some("sts-token")
        );
        assert_eq!(p.region_id, None);
    }

    #[test]
    fn chosen_profile_ak() {
        let f = TempFile::with(CONFIG);
        let provider = CliConfigProvider::new(&f.0).with_profile("default");
        let p = provider.load_profile().expect("ak profile");
        assert_eq!(p.credentials.access_key_id(), "LTAIdefault");
        assert!(p.credentials.security_token().is_none());
        assert_eq!(p.region_id.as_deref(), Some("cn-hangzhou"));
        assert_eq!(
            provider.credentials().expect("ak").access_key_id(),
            "LTAIdefault"
        );
    }

    #[test]
    fn missing_current_means_default_and_missing_mode_means_ak() {
        let f = TempFile::with(
            r#"{"profiles": [{"name": "default", "access_key_id": "i", "access_key_secret": "s"}]}"#,
        );
        let c = CliConfigProvider::new(&f.0).credentials().expect("default");
        assert_eq!(c.access_key_id(), "i");
    }

    #[test]
    fn unsupported_mode_is_named() {
        let f = TempFile::with(CONFIG);
        let e = CliConfigProvider::new(&f.0)
            .with_profile("role")
            .credentials()
            .expect_err("RamRoleArn");
        let msg = e.to_string();
        assert!(
            matches!(e, CredentialsError::UnsupportedMode { .. }),
            "{e:?}"
        );
        assert!(msg.contains(&f.0.display().to_string()), "{msg}");
        assert!(
            msg.contains("\"role\"") && msg.contains("\"RamRoleArn\""),
            "{msg}"
        );
        assert!(msg.contains("AK, StsToken"), "{msg}");
        assert!(!msg.contains("role-secret"));
    }

    #[test]
    fn wrongly_typed_secret_is_reported_without_its_value() {
        let f = TempFile::with(CONFIG);
        let e = CliConfigProvider::new(&f.0)
            .with_profile("broken")
            .credentials()
            .expect_err("secret is a number");
        let msg = e.to_string();
        assert!(msg.contains("`access_key_secret` is not a string"), "{msg}");
        assert!(!msg.contains("12345"), "{msg}");
    }

    #[test]
    fn missing_secret_is_named() {
        let f = TempFile::with(
            r#"{"current": "x", "profiles": [{"name": "x", "mode": "StsToken",
                "access_key_id": "i", "access_key_secret": "s", "sts_token": ""}]}"#,
        );
        let e = CliConfigProvider::new(&f.0)
            .credentials()
            .expect_err("no token");
        assert!(
            e.to_string()
                .ends_with("profile \"x\" (mode StsToken) has no `sts_token` or it is empty"),
            "{e}"
        );
    }

    #[test]
    fn unknown_profile_lists_the_available_ones() {
        let f = TempFile::with(CONFIG);
        let e = CliConfigProvider::new(&f.0)
            .with_profile("nope")
            .credentials()
            .expect_err("no such profile");
        let msg = e.to_string();
        assert!(
            msg.contains(
                "no profile named \"nope\" (it has \"default\", \"sts\", \"role\", \"broken\")"
            ),
            "{msg}"
        );
    }

    #[test]
    fn malformed_json_names_the_file_and_the_position() {
        let f = TempFile::with("{\"current\": \"default\",\n \"profiles\": [ secret-ish");
        let e = CliConfigProvider::new(&f.0)
            .credentials()
            .expect_err("bad JSON");
        let msg = e.to_string();
        assert!(matches!(e, CredentialsError::InvalidConfig { .. }), "{e:?}");
        assert!(msg.starts_with(&f.0.display().to_string()), "{msg}");
        assert!(
            msg.contains("not valid JSON") && msg.contains("line 2"),
            "{msg}"
        );
        assert!(!msg.contains("secret-ish"), "{msg}");

        let f = TempFile::with("[]");
        let msg = CliConfigProvider::new(&f.0)
            .credentials()
            .expect_err("array")
            .to_string();
        assert!(msg.ends_with("the top level is not a JSON object"), "{msg}");
    }

    #[test]
    fn missing_file_is_not_found_naming_the_path() {
        let dir = std::env::temp_dir().join(format!("ens-auth-no-home-{}", std::process::id()));
        let provider = CliConfigProvider::from_home(&dir);
        let e = provider.credentials().expect_err("no file");
        let expected = format!(
            "no credentials found: {} not found",
            dir.join(".aliyun").join("config.json").display()
        );
        assert_eq!(e.to_string(), expected);
        assert!(matches!(e, CredentialsError::NotFound { .. }));
    }

    #[test]
    fn unreadable_path_is_a_read_error() {
        // A directory where the file should be: exists, but cannot be read as a file.
        let dir = std::env::temp_dir();
        let e = CliConfigProvider::new(&dir).credentials().expect_err("dir");
        assert!(matches!(e, CredentialsError::ReadConfig { .. }), "{e:?}");
        assert!(e.to_string().starts_with("cannot read "), "{e}");
    }
}
