//! Writes (or, with `--check`, compares) `ens-client/src/generated/` and the spec schema
//! `specs/spec.schema.json`, both derived from what is under `specs/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Instant;

const SERVICE: &str = "specs/ens";
const SCHEMA: &str = "specs/spec.schema.json";
pub const GENERATED: &str = "ens-client/src/generated";

/// Every generated file, by file name, from the service under `root`.
pub fn generate_all(root: &Path) -> Result<BTreeMap<String, String>, String> {
    let source = ens_codegen::ServiceSource::read_dir(&root.join(SERVICE), SERVICE)
        .map_err(|e| e.to_string())?;
    let model = ens_codegen::Model::load(&source, ens_codegen::Selection::All)
        .map_err(|e| e.to_string())?;
    let generated = ens_codegen::generate(&model, &ens_codegen::Settings::default())
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

pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let started = Instant::now();
    let files = generate_all(root)?;
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
    if check {
        if stale.is_empty() && extra.is_empty() && !schema_stale {
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
    println!(
        "regenerated {} of {} files in {GENERATED} ({} removed){} in {:.0} ms",
        stale.len(),
        files.len(),
        extra.len(),
        if schema_stale { " and the schema" } else { "" },
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
