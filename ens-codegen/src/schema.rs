//! `specs/spec.schema.json`, derived from the serde model in [`crate::spec`] (feature `schema`),
//! so the schema editors and the tests use can never drift from what the generator reads.

use crate::spec::{
    ErrorCatalog, FIELD_TYPE_KEYS, OperationSpec, PARAM_TYPE_KEYS, SHAPE_TYPE_KEYS, ServiceSpec,
    ShapeSpec,
};
use schemars::{Schema, SchemaGenerator, generate::SchemaSettings, json_schema};
use serde::Serialize;
use serde_json::{Value, json};

/// The JSON schema of every kind of spec document, as pretty JSON with a final newline.
pub fn spec_schema() -> String {
    let mut generator = SchemaGenerator::new(SchemaSettings::draft2020_12());
    let operation = generator.subschema_for::<OperationSpec>();
    let service = generator.subschema_for::<ServiceSpec>();
    let shape = generator.subschema_for::<ShapeSpec>();
    let catalog = generator.subschema_for::<ErrorCatalog>();
    let defs = generator.take_definitions(true);
    // A document is told apart by the key only its kind has.
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ens-rs spec",
        "description": "A document of a service folder (specs/<product>/), as ens-codegen/src/spec.rs reads it; derived from that model by `cargo xtask regen`. A document with `product` is service.json, with `shape` a shape (shapes/*.json), with `codes` the error catalog (errors.json); any other is an operation (operations/*.json). Keys are camelCase; unknown keys are rejected; a key that belongs to another `type` is rejected.",
        "if": {"type": "object", "required": ["product"]},
        "then": service,
        "else": {
            "if": {"type": "object", "required": ["shape"]},
            "then": shape,
            "else": {
                "if": {"type": "object", "required": ["codes"]},
                "then": catalog,
                "else": operation,
            },
        },
        "$defs": defs,
    });
    let mut text = pretty(&root);
    text.push('\n');
    text
}

/// `String` -> `string`: the serde name of a one-word variant.
fn camel(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Two-space indented JSON, like the spec files.
fn pretty(value: &Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"  ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serialising a `Value` into a `Vec` cannot fail.
    let _ = value.serialize(&mut ser);
    String::from_utf8_lossy(&out).into_owned()
}

/// For each key that belongs to some types only: when `type` is another one (or absent, with
/// `shape` instead), the key must be absent.
fn restrict<T: std::fmt::Debug>(schema: &mut Schema, table: &[(&str, &[T])]) {
    let rules: Vec<Value> = table
        .iter()
        .map(|(key, types)| {
            let allowed: Vec<Value> = types
                .iter()
                .map(|t| Value::String(camel(&format!("{t:?}"))))
                .collect();
            json!({
                "if": {"not": {"required": ["type"], "properties": {"type": {"enum": allowed}}}},
                "then": {"properties": {*key: false}},
            })
        })
        .collect();
    schema.insert("allOf".to_owned(), Value::Array(rules));
}

/// `Parameter`: keys of one type only; `type` or `shape`, not both.
pub(crate) fn param_type_keys(schema: &mut Schema) {
    restrict(schema, PARAM_TYPE_KEYS);
    type_or_shape(schema);
}

/// `Field`: keys of one type only; `type` or `shape`, not both.
pub(crate) fn field_type_keys(schema: &mut Schema) {
    restrict(schema, FIELD_TYPE_KEYS);
    type_or_shape(schema);
}

/// `ShapeSpec`: keys of one type only.
pub(crate) fn shape_type_keys(schema: &mut Schema) {
    restrict(schema, SHAPE_TYPE_KEYS);
}

fn type_or_shape(schema: &mut Schema) {
    let rule: Schema = json_schema!({
        "oneOf": [{"required": ["type"]}, {"required": ["shape"]}],
    });
    schema.insert(
        "oneOf".to_owned(),
        rule.get("oneOf").cloned().unwrap_or(Value::Null),
    );
}
