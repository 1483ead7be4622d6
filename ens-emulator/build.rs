//! Extracts the facts the emulator needs from the project's specs into one compact JSON file
//! (`$OUT_DIR/catalog.json`), so it knows every operation as soon as a spec or the metadata has it:
//!
//! - `specs/ens/service.json`: the common error rows;
//! - `specs/ens/errors.json` (and the import overlay's `imported/errors.json`), if present: the
//!   error catalog that operations and `commonErrors` refer to by code (an operation's entry may
//!   override the message or status);
//! - `specs/ens/operations/*.json` (curated) and `specs/ens/imported/operations/*.json` (the import
//!   overlay): per operation, its rate limit and documented error rows (these win);
//! - `specs/ens/metadata/api-docs-2024/api-docs.json`: Alibaba's metadata for all 231 operations, for the
//!   operations without a spec yet: their parameters (required, type, enum, bounds) and error rows.
//!
//! Only the keys read here are relied on, so the spec format can grow without breaking this.

use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let specs = manifest.join("../specs/ens");
    // The whole folder: new files and folders (errors.json, imported/) count too.
    println!("cargo::rerun-if-changed={}", specs.display());
    // The service's catalog, and the import overlay's codes it lacks (issue 10's layout).
    let catalog: Map<String, Value> = ["imported/errors.json", "errors.json"]
        .iter()
        .map(|file| specs.join(file))
        .filter(|path| path.exists())
        .flat_map(|path| list(&read(&path), "codes").to_vec())
        .filter_map(|row| Some((row.get("code")?.as_str()?.to_owned(), row)))
        .collect();
    let row = |entry: &Value| spec_error(entry, &catalog);
    let service = read(&specs.join("service.json"));
    let common: Vec<Value> = list(&service, "commonErrors").iter().map(row).collect();

    let mut operations = Map::new();
    // Imported drafts first, so that a curated spec of the same operation replaces its draft.
    for (dir, required) in [("imported/operations", false), ("operations", true)] {
        let entries = match std::fs::read_dir(specs.join(dir)) {
            Ok(entries) => entries,
            Err(_) if !required => continue,
            Err(e) => panic!("reading specs/ens/{dir}: {e}"),
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for file in files {
            let spec = read(&file);
            let Some(name) = spec.get("operation").and_then(Value::as_str) else {
                panic!("{}: no \"operation\"", file.display());
            };
            operations.insert(
                name.to_owned(),
                json!({
                    "spec": true,
                    "perSecond": spec.pointer("/rateLimit/perSecond").and_then(Value::as_u64),
                    "errors": list(&spec, "errors").iter().map(row).collect::<Vec<_>>(),
                }),
            );
        }
    }

    let docs = read(&specs.join("metadata/api-docs-2024/api-docs.json"));
    let apis = docs
        .get("apis")
        .and_then(Value::as_object)
        .expect("api-docs.json has \"apis\"");
    for (name, api) in apis {
        let params: Vec<Value> = list(api, "parameters").iter().map(doc_param).collect();
        let entry = operations.entry(name.clone()).or_insert_with(
            || json!({"spec": false, "perSecond": null, "errors": doc_errors(api)}),
        );
        entry["docParams"] = Value::Array(params);
        entry["docErrors"] = Value::Array(doc_errors(api));
    }

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("catalog.json");
    let catalog = json!({ "common": common, "operations": operations });
    std::fs::write(&out, catalog.to_string())
        .unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}

fn read(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// An error row: inline (`{"code", "httpStatus", "message"}`), or a reference to the catalog by
/// code (a string, or an object with only some fields, which override the catalog's).
/// An error row: inline (`{"code", "httpStatus", "message"}`), or a reference to the catalog by
/// code (a string, or an object with only some fields, which override the catalog's).
fn spec_error(entry: &Value, catalog: &Map<String, Value>) -> Value {
    let code = match entry {
        Value::String(code) => code.as_str(),
        other => other
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    };
    let base = catalog.get(code);
    let field = |key: &str| entry.get(key).or_else(|| base.and_then(|b| b.get(key)));
    json!({
        "code": code.trim(),
        "status": field("httpStatus").and_then(Value::as_u64).unwrap_or(400),
        "message": field("message").and_then(Value::as_str).unwrap_or_default().trim(),
    })
}

/// api-docs' `errorCodes` is `{"400": [{"errorCode", "errorMessage"}], ...}`.
fn doc_errors(api: &Value) -> Vec<Value> {
    let mut rows = Vec::new();
    if let Some(by_status) = api.get("errorCodes").and_then(Value::as_object) {
        for (status, entries) in by_status {
            for e in entries.as_array().map_or(&[][..], Vec::as_slice) {
                rows.push(json!({
                    "code": e.get("errorCode").and_then(Value::as_str).unwrap_or_default().trim(),
                    "status": status.parse::<u64>().unwrap_or(400),
                    "message": e.get("errorMessage").and_then(Value::as_str).unwrap_or_default().trim(),
                }));
            }
        }
    }
    rows
}

/// The checkable facts of one api-docs parameter.
fn doc_param(p: &Value) -> Value {
    let schema = p.get("schema").cloned().unwrap_or(Value::Null);
    let number = |key: &str| {
        schema.get(key).and_then(|v| match v {
            Value::String(s) => s.parse::<i64>().ok(),
            other => other.as_i64(),
        })
    };
    json!({
        "name": p.get("name").and_then(Value::as_str).unwrap_or_default(),
        "required": schema.get("required").and_then(Value::as_bool).unwrap_or(false),
        "type": schema.get("type").and_then(Value::as_str).unwrap_or("string"),
        "style": p.get("style").and_then(Value::as_str),
        "enum": schema.get("enum").cloned().unwrap_or(Value::Null),
        "minimum": number("minimum"),
        "maximum": number("maximum"),
    })
}
