//! `cargo xtask regen [--check]`: specs to `ens-client/src/generated/`.
//! `cargo xtask import [<Operation>...]`: every ENS operation from Alibaba's metadata to specs
//! (`--diff`, `--explain`, `--shapes`, `--parity`, `--check`: see `import/mod.rs`).
//! `cargo xtask compat --baseline <rev>`: breaking API changes since a release (see `compat.rs`).

mod changelog;
mod compat;
mod emulator_catalog;
mod import;
mod regen;
mod spec_docs;

use std::path::PathBuf;
use std::process::ExitCode;

/// The workspace the command was run in, found at run time: with one `CARGO_TARGET_DIR` shared
/// by two checkouts, the xtask binary built by one must still work on the other's files.
fn workspace_root() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = std::process::Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .map_err(|e| format!("cannot run cargo locate-project: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cannot find the workspace from {}: {}",
            std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    manifest
        .parent()
        .map(PathBuf::from)
        .ok_or_else(|| format!("{} has no folder", manifest.display()))
}

const USAGE: &str = "usage: cargo xtask regen [--check] | import [<Operation>...] [--force] [--diff|--explain|--shapes|--parity|--check] | compat --baseline <rev>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = match workspace_root() {
        Ok(root) => root,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.first().map(String::as_str) {
        Some("regen") => match args[1..]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [] => regen::run(&root, false),
            ["--check"] => regen::run(&root, true),
            _ => Err(USAGE.to_owned()),
        },
        Some("import") => import::run(&root, &args[1..]),
        Some("compat") => compat::run(&root, &args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
