//! The service's spec documents as JSON, read once per run for the files regen derives beside
//! the code (the emulator's catalog, the API summary), which read only the keys they need.

use serde_json::Value;
use std::path::Path;

/// `specs/ens` as JSON documents.
pub struct SpecDocs {
    pub service: Value,
    pub errors: Value,
    /// Each operation's spec by file stem, sorted.
    pub operations: Vec<(String, Value)>,
    /// Each shared shape by file stem, sorted.
    pub shapes: Vec<(String, Value)>,
}

impl SpecDocs {
    /// Reads `specs/ens` under `root`.
    pub fn read(root: &Path) -> Result<Self, String> {
        let specs = root.join("specs/ens");
        Ok(Self {
            service: read_json(&specs.join("service.json"))?,
            errors: read_json(&specs.join("errors.json"))?,
            operations: read_dir_json(&specs.join("operations"))?,
            shapes: read_dir_json(&specs.join("shapes"))?,
        })
    }
}

pub fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("cannot parse {}: {e}", path.display()))
}

/// Each `*.json` of `dir` by file stem, sorted.
fn read_dir_json(dir: &Path) -> Result<Vec<(String, Value)>, String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            Ok((stem, read_json(&path)?))
        })
        .collect()
}

/// `value` with every object's keys in order. Written files must not depend on the order
/// serde_json's map keeps: sorted without its `preserve_order` feature, insertion order with it,
/// and any crate of a build may turn that on (Cargo unifies features).
pub fn sorted_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}
