//! The facts ens-emulator needs from the specs, as one JSON file it compiles in
//! (`ens-emulator/src/catalog.json`): written by `cargo xtask regen` like the generated code, so
//! the emulator's package needs no file outside its crate.
//!
//! - `specs/ens/service.json`: the common error rows;
//! - `specs/ens/errors.json`: the error catalog that operations and `commonErrors` refer to by
//!   code (an operation's entry may override the message or status);
//! - `specs/ens/operations/*.json`: per operation, its rate limit and documented error rows;
//! - `specs/ens/metadata/api-docs-2024/api-docs.json`: Alibaba's metadata, for an operation the
//!   specs lack: its parameters (required, type, enum, bounds) and error rows.
//!
//! Only the keys read here are relied on, so the spec format can grow without breaking this.

use crate::spec_docs::{SpecDocs, read_json, sorted_keys};
use serde_json::{Map, Value, json};
use std::path::Path;

/// Where the catalog is written, from the workspace root.
pub const CATALOG: &str = "ens-emulator/src/catalog.json";

/// The catalog's text: one operation per line, so a spec edit shows as a readable diff.
pub fn build(root: &Path, docs: &SpecDocs) -> Result<String, String> {
    let catalog: Map<String, Value> = list(&docs.errors, "codes")
        .iter()
        .filter_map(|row| Some((row.get("code")?.as_str()?.to_owned(), row.clone())))
        .collect();
    let row = |entry: &Value| spec_error(entry, &catalog);
    let common: Vec<Value> = list(&docs.service, "commonErrors")
        .iter()
        .map(row)
        .collect();

    let mut operations = Map::new();
    for (file, spec) in &docs.operations {
        let name = spec
            .get("operation")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("specs/ens/operations/{file}.json: no \"operation\""))?;
        operations.insert(
            name.to_owned(),
            json!({
                "spec": true,
                "perSecond": spec.pointer("/rateLimit/perSecond").and_then(Value::as_u64),
                "errors": list(spec, "errors").iter().map(row).collect::<Vec<_>>(),
            }),
        );
    }

    let api_docs = read_json(&root.join("specs/ens/metadata/api-docs-2024/api-docs.json"))?;
    let apis = api_docs
        .get("apis")
        .and_then(Value::as_object)
        .ok_or("api-docs.json has no \"apis\"")?;
    for (name, api) in apis {
        let params: Vec<Value> = list(api, "parameters").iter().map(doc_param).collect();
        let entry = operations.entry(name.clone()).or_insert_with(
            || json!({"spec": false, "perSecond": null, "errors": doc_errors(api)}),
        );
        entry["docParams"] = Value::Array(params);
        entry["docErrors"] = Value::Array(doc_errors(api));
    }
    operations.sort_keys();

    let common = sorted_keys(&Value::Array(common));
    let mut out = format!("{{\"common\": {common},\n\"operations\": {{\n");
    let last = operations.len().saturating_sub(1);
    for (i, (name, info)) in operations.iter().enumerate() {
        let comma = if i == last { "" } else { "," };
        out.push_str(&format!("{}: {}{comma}\n", json!(name), sorted_keys(info)));
    }
    out.push_str("}}\n");
    Ok(out)
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

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
        let mut statuses: Vec<_> = by_status.iter().collect();
        statuses.sort_by(|a, b| a.0.cmp(b.0));
        for (status, entries) in statuses {
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
