//! `cargo xtask regen [--check]`: specs to `ens-client/src/generated/`.
//! `cargo xtask import [<Operation>...]`: every ENS operation from Alibaba's metadata to specs
//! (`--diff`, `--explain`, `--shapes`, `--parity`, `--check`: see `import/mod.rs`).

mod all_ens;
mod import;
mod regen;

use std::path::PathBuf;
use std::process::ExitCode;

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

const USAGE: &str = "usage: cargo xtask regen [--check] | import [<Operation>...] [--force] [--diff|--explain|--shapes|--parity|--check] | all-ens";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
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
        Some("all-ens") => all_ens::run(&root, &args[1..]),
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
