//! Writes (or, with `--check`, compares) `ens-client/src/generated/` and the spec schema
//! `specs/spec.schema.json`, both derived from what is under `specs/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Instant;

const SERVICE: &str = "specs/ens";
const SCHEMA: &str = "specs/spec.schema.json";
pub const GENERATED: &str = "ens-client/src/generated";
/// The manifest whose API-area features regen writes.
const MANIFEST: &str = "ens-client/Cargo.toml";
const FEATURES_BEGIN: &str = "# API areas, one feature each:";
const FEATURES_END: &str = "# (end of the API areas)";

/// Every generated file, by file name, from the service under `root`.
pub fn generate_all(root: &Path) -> Result<BTreeMap<String, String>, String> {
    let source = ens_codegen::ServiceSource::read_dir(&root.join(SERVICE), SERVICE)
        .map_err(|e| e.to_string())?;
    let model = ens_codegen::Model::load(&source, ens_codegen::Selection::All)
        .map_err(|e| e.to_string())?;
    let generated = ens_codegen::generate(&model, &ens_codegen::Settings::regen())
        .map_err(|e| e.to_string())?;
    let mut files = BTreeMap::new();
    for module in &generated.modules {
        let header = ens_codegen::regen_header(&module.source);
        files.insert(
            format!("{}.rs", module.name),
            render(&header, module.tokens.clone(), &module.source)?,
        );
    }
    let header = ens_codegen::regen_header(&format!("{SERVICE}/"));
    files.insert(
        "mod.rs".to_owned(),
        render(&header, generated.mod_rs(), "mod.rs")?,
    );
    Ok(files)
}

fn render(header: &str, tokens: proc_macro2::TokenStream, file: &str) -> Result<String, String> {
    ens_codegen::render(header, tokens, file).map_err(|e| e.to_string())
}

/// The API-area features of `service.json`, as the block regen keeps in `ens-client/Cargo.toml`.
fn features_block(service: &ens_codegen::spec::ServiceSpec) -> String {
    let mut out = format!(
        "{FEATURES_BEGIN} written by `cargo xtask regen` from {SERVICE}/service.json's `areas`\n\
         # (edit them there). An operation compiles with its area's feature; `default` is the areas\n\
         # marked default, `full` every area.\n"
    );
    let quoted = |names: Vec<&str>| {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let defaults = service
        .areas
        .iter()
        .filter(|a| a.default)
        .map(|a| a.name.as_str());
    out.push_str(&format!("default = [{}]\n", quoted(defaults.collect())));
    let all = service.areas.iter().map(|a| a.name.as_str());
    out.push_str(&format!("full = [{}]\n", quoted(all.collect())));
    for area in &service.areas {
        out.push_str(&format!(
            "# {}\n{} = []\n",
            area.description.trim(),
            area.name
        ));
    }
    out.push_str(FEATURES_END);
    out.push('\n');
    out
}

/// `manifest` with the features block set to `block`: replaced where it is, else put at the
/// start of `[features]` (made before `[dependencies]` if there is none).
fn with_features(manifest: &str, block: &str) -> Result<String, String> {
    if let Some(start) = manifest.find(FEATURES_BEGIN) {
        let end = manifest[start..]
            .find(FEATURES_END)
            .map(|e| start + e + FEATURES_END.len())
            .ok_or_else(|| format!("{MANIFEST}: `{FEATURES_BEGIN}` without `{FEATURES_END}`"))?;
        let end = if manifest[end..].starts_with('\n') {
            end + 1
        } else {
            end
        };
        return Ok(format!("{}{block}{}", &manifest[..start], &manifest[end..]));
    }
    if let Some(at) = manifest.find("[features]\n") {
        let at = at + "[features]\n".len();
        return Ok(format!("{}{block}{}", &manifest[..at], &manifest[at..]));
    }
    let at = manifest
        .find("[dependencies]")
        .ok_or_else(|| format!("{MANIFEST} has no [dependencies]"))?;
    Ok(format!(
        "{}[features]\n{block}\n{}",
        &manifest[..at],
        &manifest[at..]
    ))
}

pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let started = Instant::now();
    let files = generate_all(root)?;
    let service_path = root.join(SERVICE).join("service.json");
    let service_text = fs::read_to_string(&service_path)
        .map_err(|e| format!("cannot read {}: {e}", service_path.display()))?;
    let service = ens_codegen::parse_service(&format!("{SERVICE}/service.json"), &service_text)
        .map_err(|e| e.to_string())?;
    let manifest_path = root.join(MANIFEST);
    let manifest =
        fs::read_to_string(&manifest_path).map_err(|e| format!("cannot read {MANIFEST}: {e}"))?;
    let new_manifest = with_features(&manifest, &features_block(&service))?;
    let manifest_stale = new_manifest != manifest;
    let dir = root.join(GENERATED);
    let existing: Vec<String> = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter(|n| n.ends_with(".rs"))
            .collect(),
        Err(_) => Vec::new(),
    };
    let stale: Vec<&String> = files
        .iter()
        .filter(|(name, text)| {
            fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(name, _)| name)
        .collect();
    let extra: Vec<&String> = existing
        .iter()
        .filter(|n| !files.contains_key(*n))
        .collect();
    let schema = ens_codegen::schema::spec_schema();
    let schema_path = root.join(SCHEMA);
    let schema_stale = fs::read_to_string(&schema_path).ok().as_deref() != Some(schema.as_str());
    let docs = crate::spec_docs::SpecDocs::read(root)?;
    let catalog = crate::emulator_catalog::build(root, &docs)?;
    let catalog_path = root.join(crate::emulator_catalog::CATALOG);
    let catalog_stale = fs::read_to_string(&catalog_path).ok().as_deref() != Some(catalog.as_str());
    let summary = crate::changelog::summary(&docs);
    let summary_text = crate::changelog::render(&summary);
    let summary_path = root.join(crate::changelog::SUMMARY);
    let old_summary = fs::read_to_string(&summary_path).ok();
    let summary_stale = old_summary.as_deref() != Some(summary_text.as_str());
    if check {
        if stale.is_empty()
            && extra.is_empty()
            && !schema_stale
            && !manifest_stale
            && !catalog_stale
            && !summary_stale
        {
            println!(
                "generated code and {SCHEMA} match the specs ({} files)",
                files.len()
            );
            return Ok(());
        }
        let mut message = String::from("generated code is stale; run `cargo xtask regen`:\n");
        for name in &stale {
            message.push_str(&format!("  differs from its spec: {GENERATED}/{name}\n"));
        }
        for name in &extra {
            message.push_str(&format!("  has no spec: {GENERATED}/{name}\n"));
        }
        if schema_stale {
            message.push_str(&format!("  differs from the spec model: {SCHEMA}\n"));
        }
        if manifest_stale {
            message.push_str(&format!(
                "  its API-area features differ from service.json: {MANIFEST}\n"
            ));
        }
        if catalog_stale {
            message.push_str(&format!(
                "  the emulator's catalog differs from the specs: {}\n",
                crate::emulator_catalog::CATALOG
            ));
        }
        if summary_stale {
            message.push_str(&format!(
                "  the API summary (and so CHANGELOG.md) lags the specs: {}\n",
                crate::changelog::SUMMARY
            ));
        }
        return Err(message);
    }
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for name in &extra {
        fs::remove_file(dir.join(name)).map_err(|e| format!("cannot remove {name}: {e}"))?;
    }
    for name in &stale {
        fs::write(dir.join(name), &files[*name])
            .map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    if schema_stale {
        fs::write(&schema_path, &schema).map_err(|e| format!("cannot write {SCHEMA}: {e}"))?;
    }
    if manifest_stale {
        fs::write(&manifest_path, &new_manifest)
            .map_err(|e| format!("cannot write {MANIFEST}: {e}"))?;
    }
    let mut logged = 0;
    if summary_stale {
        // The first summary is the baseline: nothing to log against.
        if let Some(old) = &old_summary {
            let old: serde_json::Value = serde_json::from_str(old)
                .map_err(|e| format!("cannot parse {}: {e}", crate::changelog::SUMMARY))?;
            let entries = crate::changelog::diff(&old, &summary);
            let path = root.join(crate::changelog::CHANGELOG);
            let log = fs::read_to_string(&path).unwrap_or_default();
            fs::write(&path, crate::changelog::extend(&log, &entries))
                .map_err(|e| format!("cannot write {}: {e}", crate::changelog::CHANGELOG))?;
            logged = entries.len();
        }
        fs::write(&summary_path, &summary_text)
            .map_err(|e| format!("cannot write {}: {e}", crate::changelog::SUMMARY))?;
    }
    if catalog_stale {
        fs::write(&catalog_path, &catalog)
            .map_err(|e| format!("cannot write {}: {e}", crate::emulator_catalog::CATALOG))?;
    }
    println!(
        "regenerated {} of {} files in {GENERATED} ({} removed){}{}{}{} in {:.0} ms",
        stale.len(),
        files.len(),
        extra.len(),
        if schema_stale { " and the schema" } else { "" },
        if manifest_stale {
            " and the features"
        } else {
            ""
        },
        if catalog_stale {
            " and the emulator's catalog"
        } else {
            ""
        },
        if logged > 0 {
            format!(", {logged} CHANGELOG.md entries")
        } else {
            String::new()
        },
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_features_block_is_replaced_or_put_in_place() {
        let service: ens_codegen::spec::ServiceSpec = serde_json::from_value(serde_json::json!({
            "product": "Ens", "version": "v", "style": "RPC", "defaultEndpoint": "e",
            "endpoints": [], "commonErrors": ["T"],
            "areas": [
                {"name": "instance", "description": "Instances.", "default": true},
                {"name": "load-balancer", "description": "Load balancers."}
            ]
        }))
        .expect("a service");
        let block = features_block(&service);
        assert!(
            block.contains("default = [\"instance\"]\nfull = [\"instance\", \"load-balancer\"]\n")
        );
        assert!(block.contains("# Load balancers.\nload-balancer = []\n"));
        let bare = "[package]\nname = \"x\"\n\n[dependencies]\na = \"1\"\n";
        let with = with_features(bare, &block).expect("inserted");
        assert!(with.contains("[features]\n# API areas"), "{with}");
        assert!(with.ends_with("\n[dependencies]\na = \"1\"\n"), "{with}");
        assert_eq!(
            with_features(&with, &block).expect("same"),
            with,
            "idempotent"
        );
        // Other features stay where they are.
        let other = "[features]\ntest-util = []\n\n[dependencies]\n";
        let with = with_features(other, &block).expect("inserted");
        assert!(
            with.contains("(end of the API areas)\ntest-util = []\n"),
            "{with}"
        );
        let changed = with_features(
            &with,
            "# API areas, one feature each: x\n# (end of the API areas)\n",
        )
        .expect("replaced");
        assert_eq!(
            changed,
            "[features]\n# API areas, one feature each: x\n# (end of the API areas)\ntest-util = []\n\n[dependencies]\n"
        );
    }
}
