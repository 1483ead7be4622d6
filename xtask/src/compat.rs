//! `cargo xtask compat --baseline <git rev>`: is the generated API compatible with the one of a
//! release (a tag or commit)? The generated crate's breaking changes are mostly invisible to
//! rustdoc-based checkers: a new required parameter changes which builder state `build()` is
//! callable on, which cargo-semver-checks does not see. So this compares the API summaries regen
//! keeps (`ens-client/api-summary.json`) at the baseline and now, and fails on a breaking change
//! unless the version was bumped as semver asks (the minor version while at 0.x).

use crate::changelog::{self, Entry};
use crate::spec_docs::SpecDocs;
use std::path::Path;
use std::process::Command;

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let baseline = match args {
        [flag, rev] if flag == "--baseline" => rev.as_str(),
        _ => return Err("usage: cargo xtask compat --baseline <git rev>".to_owned()),
    };
    let old_summary = git_show(root, baseline, changelog::SUMMARY)?;
    let old_manifest = git_show(root, baseline, "Cargo.toml")?;
    let old: serde_json::Value = serde_json::from_str(&old_summary)
        .map_err(|e| format!("{baseline}:{}: {e}", changelog::SUMMARY))?;
    let new = changelog::summary(&SpecDocs::read(root)?);
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let entries = changelog::diff(&old, &new);
    let (was, now) = (
        workspace_version(&old_manifest)
            .ok_or_else(|| format!("{baseline}:Cargo.toml has no workspace version"))?,
        workspace_version(&manifest).ok_or("Cargo.toml has no workspace version")?,
    );
    let verdict = verdict(&was, &now, &entries);
    println!(
        "{} API change(s) since {baseline} ({was} -> {now}), {} breaking",
        entries.len(),
        entries.iter().filter(|e| e.breaking).count()
    );
    verdict
}

/// `Ok` when the changes fit the version step; else every breaking change, by name.
pub fn verdict(was: &str, now: &str, entries: &[Entry]) -> Result<(), String> {
    let breaking: Vec<&Entry> = entries.iter().filter(|e| e.breaking).collect();
    if breaking.is_empty() || is_major_step(was, now) {
        return Ok(());
    }
    let mut message = format!(
        "breaking API changes since the baseline, but the version goes {was} -> {now} \
         (semver asks for {}):\n",
        next_breaking(was)
    );
    for entry in breaking {
        message.push_str(&format!("  {}\n", entry.text));
    }
    Err(message)
}

/// `now` is a breaking step from `was`: the major version up, or at 0.x the minor version up
/// (and at 0.0.x any step).
fn is_major_step(was: &str, now: &str) -> bool {
    let parse = |v: &str| -> Option<(u64, u64, u64)> {
        let core = v.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
        Some((parts.next()??, parts.next()??, parts.next()??))
    };
    let (Some(a), Some(b)) = (parse(was), parse(now)) else {
        return false;
    };
    match a {
        (0, 0, _) => b > a,
        (0, minor, _) => b.0 > 0 || b.1 > minor,
        (major, _, _) => b.0 > major,
    }
}

fn next_breaking(was: &str) -> String {
    let mut parts = was.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if major == 0 {
        format!("0.{}.0", minor + 1)
    } else {
        format!("{}.0.0", major + 1)
    }
}

/// `version = "..."` of `[workspace.package]`.
fn workspace_version(manifest: &str) -> Option<String> {
    let section = &manifest[manifest.find("[workspace.package]")?..];
    section
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .find_map(|l| {
            let value = l.strip_prefix("version")?.trim_start().strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
}

fn git_show(root: &Path, rev: &str, path: &str) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{rev}:{path}")])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git show {rev}:{path}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("{rev}:{path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn workspace() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask is in the workspace")
    }

    /// A copy of the specs with StartInstance given one more parameter.
    fn specs_with_start_instance_param(required: bool) -> tempdir::Dir {
        let dir = tempdir::Dir::new();
        let from = workspace().join("specs/ens");
        let to = dir.path().join("specs/ens");
        for file in ["service.json", "errors.json"] {
            fs::create_dir_all(&to).expect("mkdir");
            fs::copy(from.join(file), to.join(file)).expect("copy");
        }
        for sub in ["operations", "shapes"] {
            fs::create_dir_all(to.join(sub)).expect("mkdir");
            for entry in fs::read_dir(from.join(sub)).expect("specs") {
                let path = entry.expect("entry").path();
                fs::copy(&path, to.join(sub).join(path.file_name().expect("name"))).expect("copy");
            }
        }
        let file = to.join("operations/StartInstance.json");
        let mut spec: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&file).expect("read")).expect("json");
        spec["parameters"]
            .as_array_mut()
            .expect("parameters")
            .push(serde_json::json!({
                "name": "Force", "type": "boolean", "wireType": "boolean",
                "required": required, "description": "A parameter the service never had."
            }));
        fs::write(&file, spec.to_string()).expect("write");
        dir
    }

    #[test]
    fn a_new_required_parameter_fails_the_check_until_the_version_steps() {
        let baseline = changelog::summary(&SpecDocs::read(workspace()).expect("the specs"));
        let edited = specs_with_start_instance_param(true);
        let now = changelog::summary(&SpecDocs::read(edited.path()).expect("the edited specs"));
        let entries = changelog::diff(&baseline, &now);
        let err = verdict("0.1.0", "0.1.0", &entries).expect_err("breaking");
        assert!(
            err.contains("`StartInstance`: new required parameter `Force`")
                && err.contains("semver asks for 0.2.0"),
            "{err}"
        );
        assert!(verdict("0.1.0", "0.1.1", &entries).is_err());
        assert!(verdict("0.1.0", "0.2.0", &entries).is_ok());
        assert!(verdict("1.4.2", "2.0.0", &entries).is_ok());
        assert!(verdict("1.4.2", "1.5.0", &entries).is_err());
    }

    #[test]
    fn a_new_optional_parameter_passes() {
        let baseline = changelog::summary(&SpecDocs::read(workspace()).expect("the specs"));
        let edited = specs_with_start_instance_param(false);
        let now = changelog::summary(&SpecDocs::read(edited.path()).expect("the edited specs"));
        let entries = changelog::diff(&baseline, &now);
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert!(verdict("0.1.0", "0.1.1", &entries).is_ok());
    }

    #[test]
    fn the_workspace_version_is_read() {
        let manifest = "[workspace]\nmembers = []\n\n[workspace.package]\nversion = \"0.3.1\"\nedition = \"2024\"\n";
        assert_eq!(workspace_version(manifest).as_deref(), Some("0.3.1"));
        assert_eq!(workspace_version("[package]\nversion = \"1\"\n"), None);
    }

    /// A temporary folder removed on drop (no dependency for one test helper).
    mod tempdir {
        use std::path::{Path, PathBuf};

        pub struct Dir(PathBuf);

        impl Dir {
            pub fn new() -> Self {
                use std::sync::atomic::{AtomicU32, Ordering};
                static NEXT: AtomicU32 = AtomicU32::new(0);
                let path = std::env::temp_dir().join(format!(
                    "xtask-compat-{}-{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&path).expect("temp dir");
                Self(path)
            }

            pub fn path(&self) -> &Path {
                &self.0
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }
}
