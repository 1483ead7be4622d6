//! The checker's half for parameters that hold JSON: an object (`SystemDisk` as
//! `{"Category":"cloud_ssd","Size":20}`), a list of objects (`DataDisk` as `[{"Size":20}]`), a map.
//! Every member is checked by its own entry, named `Param.Member` (`DataDisk.1.Size` for the first
//! element), so a violation inside JSON reads like one of a flat parameter.

use crate::Violation;
use crate::rules::{Kind, Packing, ParamSpec, Rule, check_item, count_violation};
use serde_json::Value;

/// Checks the JSON text `text` of the parameter `key` against `spec`.
pub(crate) fn check_json_text(spec: &ParamSpec, key: &str, text: &str, found: &mut Vec<Violation>) {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => check_json(spec, key, &value, false, found),
        Err(_) => found.push(Violation::new(
            key,
            "type",
            expected(spec),
            (!spec.secret).then_some(text),
        )),
    }
}

/// What a value of `spec` must be, in words.
fn expected(spec: &ParamSpec) -> &'static str {
    match (spec.packing, spec.kind) {
        (Packing::JsonArray, Kind::Object(_)) => "must be a JSON array of objects",
        (Packing::JsonArray, _) => "must be a JSON array",
        (_, Kind::Object(_) | Kind::Map(_)) => "must be a JSON object",
        (_, Kind::Json) => "must be JSON text",
        _ => "must be a single value (text, a number or a boolean)",
    }
}

/// Checks a JSON value; `nested` when it sits inside another parameter's JSON (its item count is
/// then checked here, a top-level one by the checker from the wire parameters).
pub(crate) fn check_json(
    spec: &ParamSpec,
    key: &str,
    value: &Value,
    nested: bool,
    found: &mut Vec<Violation>,
) {
    let fail = |found: &mut Vec<Violation>| {
        let shown = (!spec.secret && !nested).then(|| value.to_string());
        found.push(Violation::new(
            key,
            "type",
            expected(spec),
            shown.as_deref(),
        ));
    };
    if spec.packing == Packing::JsonArray {
        let Value::Array(items) = value else {
            return fail(found);
        };
        if nested && let Some((min, max)) = item_bounds(spec) {
            count_violation(key, items.len(), min, max, spec.required, found);
        }
        let item = ParamSpec {
            packing: Packing::Single,
            ..*spec
        };
        for (i, v) in items.iter().enumerate() {
            check_json(&item, &format!("{key}.{}", i + 1), v, true, found);
        }
        return;
    }
    match spec.kind {
        Kind::Object(fields) => {
            let Value::Object(members) = value else {
                return fail(found);
            };
            // Members in the order the object's type declares them, then those it does not
            // know: the violations come out in the same order whatever order the text had.
            for field in fields {
                if let Some(v) = members.get(field.wire).filter(|v| !v.is_null()) {
                    check_json(field, &format!("{key}.{}", field.wire), v, true, found);
                }
            }
            for (name, v) in members {
                if !v.is_null() && !fields.iter().any(|f| f.wire == name) {
                    found.push(Violation::new(
                        format!("{key}.{name}"),
                        "unknown",
                        "is not a member of this object",
                        None,
                    ));
                }
            }
            for field in fields.iter().filter(|f| f.required) {
                if members.get(field.wire).is_none_or(is_empty) {
                    found.push(Violation::new(
                        format!("{key}.{}", field.wire),
                        "required",
                        "is required",
                        None,
                    ));
                }
            }
        }
        Kind::Map(values) => {
            let Value::Object(entries) = value else {
                return fail(found);
            };
            for (name, v) in entries.iter().filter(|(_, v)| !v.is_null()) {
                check_json(values, &format!("{key}.{name}"), v, true, found);
            }
        }
        Kind::Json => {}
        Kind::Boolean {
            true_literal,
            false_literal,
        } => match value {
            Value::Bool(b) => {
                let text = if *b { true_literal } else { false_literal };
                check_item(spec, key, text, found);
            }
            Value::String(s) => check_item(spec, key, s, found),
            _ => fail(found),
        },
        Kind::String | Kind::Integer | Kind::Number | Kind::Enum(_) => match value {
            Value::String(s) => check_item(spec, key, s, found),
            Value::Number(n) => check_item(spec, key, &n.to_string(), found),
            Value::Bool(b) => check_item(spec, key, &b.to_string(), found),
            _ => fail(found),
        },
    }
}

fn item_bounds(spec: &ParamSpec) -> Option<(Option<u32>, Option<u32>)> {
    spec.rules.iter().find_map(|r| match r {
        Rule::Items { min, max } => Some((*min, *max)),
        _ => None,
    })
}

/// Absent in JSON: `null`, `""`, `[]` or `{}`.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CharClass, Params, check};

    const DISK_FIELDS: &[ParamSpec] = &[
        ParamSpec::new("Size", Kind::Integer)
            .required()
            .rules(&[Rule::Range {
                min: Some(20),
                max: None,
            }]),
        ParamSpec::new("Category", Kind::Enum(&["cloud_ssd", "cloud_efficiency"])),
        ParamSpec::new(
            "Encrypted",
            Kind::Boolean {
                true_literal: "True",
                false_literal: "False",
            },
        ),
        ParamSpec::new("Labels", Kind::String)
            .packed(Packing::JsonArray)
            .rules(&[
                Rule::Items {
                    min: None,
                    max: Some(2),
                },
                Rule::Charset(&[CharClass::Lower]),
            ]),
        ParamSpec::new("Tags", Kind::Map(&ParamSpec::new("", Kind::Integer))),
    ];

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn faults(table: &[ParamSpec], pairs: &[(&str, &str)]) -> Vec<(String, &'static str)> {
        match check(table, &[], &params(pairs)) {
            Ok(()) => Vec::new(),
            Err(v) => v.0.into_iter().map(|v| (v.parameter, v.rule)).collect(),
        }
    }

    #[test]
    fn a_json_object_is_checked_member_by_member() {
        let table = [ParamSpec::new("SystemDisk", Kind::Object(DISK_FIELDS))];
        let ok =
            r#"{"Size":40,"Category":"cloud_ssd","Encrypted":true,"Labels":["a"],"Tags":{"x":1}}"#;
        assert_eq!(faults(&table, &[("SystemDisk", ok)]), []);
        // Numbers and booleans may come as text too (what the official SDKs send for strings).
        let text = r#"{"Size":"40","Encrypted":"False"}"#;
        assert_eq!(faults(&table, &[("SystemDisk", text)]), []);
        let bad =
            r#"{"Size":10,"Category":"hdd","Bogus":1,"Labels":["a","B","c"],"Tags":{"x":"y"}}"#;
        assert_eq!(
            faults(&table, &[("SystemDisk", bad)]),
            [
                ("SystemDisk.Size".into(), "range"),
                ("SystemDisk.Category".into(), "enum"),
                ("SystemDisk.Labels".into(), "items"),
                ("SystemDisk.Labels.2".into(), "charset"),
                ("SystemDisk.Tags.x".into(), "type"),
                ("SystemDisk.Bogus".into(), "unknown"),
            ]
        );
        assert_eq!(
            faults(&table, &[("SystemDisk", r#"{"Category":"cloud_ssd"}"#)]),
            [("SystemDisk.Size".into(), "required")]
        );
        assert_eq!(
            faults(&table, &[("SystemDisk", "[1]")]),
            [("SystemDisk".into(), "type")]
        );
        assert_eq!(
            faults(&table, &[("SystemDisk", "{")]),
            [("SystemDisk".into(), "type")]
        );
    }

    #[test]
    fn a_json_list_of_objects_is_checked_element_by_element_and_counted() {
        let table = [ParamSpec::new("DataDisk", Kind::Object(DISK_FIELDS))
            .packed(Packing::JsonArray)
            .rules(&[Rule::Items {
                min: None,
                max: Some(2),
            }])];
        assert_eq!(
            faults(&table, &[("DataDisk", r#"[{"Size":20},{"Size":30}]"#)]),
            []
        );
        assert_eq!(
            faults(&table, &[("DataDisk", r#"[{"Size":20},{"Size":3},{}]"#)]),
            [
                ("DataDisk.2.Size".into(), "range"),
                ("DataDisk.3.Size".into(), "required"),
                ("DataDisk".into(), "items"),
            ]
        );
        assert_eq!(
            faults(&table, &[("DataDisk", r#"{"Size":20}"#)]),
            [("DataDisk".into(), "type")]
        );
        // `[]` is a value (an empty list), not a parameter left out.
        assert_eq!(faults(&table, &[("DataDisk", "[]")]), []);
    }
}
