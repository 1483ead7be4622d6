//! The error catalog (`errors.json`): every code defined once, operations refer to it by code.
//! The import adds the codes of the operations it writes that the curated catalog lacks, each
//! defined from its first use (operations in name order); an operation whose message or HTTP
//! status differs from the definition says so in its reference.

use super::emit::{unique, variant_name};
use super::facts::OperationFacts;
use ens_codegen::model::derived_variant;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// `$schema` of `errors.json`.
const ERRORS_SCHEMA: &str = "../spec.schema.json";

/// The catalog the import writes against.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Every definition by code: the curated catalog's and the import's.
    pub defs: BTreeMap<String, Value>,
    /// The codes the import defines (not in the curated catalog).
    pub added: BTreeSet<String>,
}

impl Catalog {
    /// `curated` is the curated `errors.json`; `ops` the operations whose codes must be defined.
    pub fn build(curated: &Value, ops: &[&OperationFacts], common: &BTreeSet<String>) -> Catalog {
        let mut catalog = Catalog::default();
        let mut variants = BTreeSet::new();
        for def in curated["codes"].as_array().into_iter().flatten() {
            if let Some(code) = def["code"].as_str() {
                let variant = def["variant"]
                    .as_str()
                    .map_or_else(|| derived_variant(code), str::to_owned);
                variants.insert(variant);
                catalog.defs.insert(code.to_owned(), def.clone());
            }
        }
        for op in ops {
            for e in &op.errors {
                let e = &e.value;
                if catalog.defs.contains_key(&e.code) || !usable(&e.code, common) {
                    continue;
                }
                let Ok(status) = e.http_status.parse::<u16>() else {
                    continue;
                };
                let derived = derived_variant(&e.code);
                let mut variant = variant_name(&derived, 'E');
                if matches!(variant.as_str(), "Common" | "Unhandled") {
                    variant = format!("{variant}Code");
                }
                let variant = unique(&mut variants, variant, "");
                let mut def = Map::new();
                def.insert("code".into(), json!(e.code));
                def.insert("httpStatus".into(), json!(status));
                def.insert("message".into(), json!(e.message));
                if variant != derived {
                    def.insert("variant".into(), json!(variant));
                }
                catalog.defs.insert(e.code.clone(), Value::Object(def));
                catalog.added.insert(e.code.clone());
            }
        }
        catalog
    }

    /// The `errors.json` document: the curated codes (as `curated`, the curated part of the
    /// catalog, has them) and the codes the import adds that `keep` wants, sorted by code.
    pub fn document(&self, curated: &Value, keep: impl Fn(&str) -> bool) -> Value {
        let mut codes: Vec<Value> = curated["codes"].as_array().cloned().unwrap_or_default();
        codes.extend(
            self.added
                .iter()
                .filter(|c| keep(c))
                .filter_map(|c| self.defs.get(c).cloned()),
        );
        codes.sort_by(|a, b| a["code"].as_str().cmp(&b["code"].as_str()));
        let schema = curated["$schema"].as_str().unwrap_or(ERRORS_SCHEMA);
        json!({"$schema": schema, "codes": codes})
    }
}

/// Codes an operation can list: not a common code (service.json has those), at most one `%s`.
pub fn usable(code: &str, common: &BTreeSet<String>) -> bool {
    !common.contains(code) && code.matches("%s").count() <= 1
}
