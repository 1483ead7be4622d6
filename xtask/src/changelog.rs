//! What regen remembers of the API it generated (`ens-client/api-summary.json`: the structural
//! facts of every operation and shape, without texts) and the CHANGELOG entries it writes when a
//! spec edit changes them: added operations, parameters, response fields and error codes, and
//! breaking changes (a new required parameter, a removed or retyped one), marked as such.
//!
//! The summary, not git, is the "before": regen compares the summary on disk with the one the
//! specs give now, so the entries are written by the same run that changes the code.

use crate::spec_docs::SpecDocs;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Where the summary lives, from the workspace root (committed; `regen --check` compares it).
pub const SUMMARY: &str = "ens-client/api-summary.json";
/// The changelog regen extends (its `## [Unreleased]` section).
pub const CHANGELOG: &str = "CHANGELOG.md";

/// Keys that are text for readers, not API: left out of the summary.
const TEXT_KEYS: &[&str] = &[
    "$schema",
    "description",
    "originalDescription",
    "example",
    "summary",
    "originalSummary",
    "provenance",
    "source",
    "ram",
];

/// Keys of a member whose change changes its Rust type (so code using it may no longer compile).
const TYPE_KEYS: &[&str] = &[
    "type",
    "wireType",
    "shape",
    "items",
    "fields",
    "newtype",
    "enumName",
    "structName",
    "rustName",
    "wrapper",
];

/// The summary of the specs under `root`: per operation its parameters, response fields and
/// error codes; per shared shape its structure; texts left out.
pub fn summary(docs: &SpecDocs) -> Value {
    let mut operations = Map::new();
    for (name, spec) in &docs.operations {
        let members = |key: &str| -> Value {
            let mut out = Map::new();
            for member in spec
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(name) = member.get("name").and_then(Value::as_str) {
                    out.insert(name.to_owned(), strip(member));
                }
            }
            Value::Object(out)
        };
        let codes: BTreeSet<String> = spec
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| match e {
                Value::String(code) => Some(code.trim().to_owned()),
                other => Some(other.get("code")?.as_str()?.trim().to_owned()),
            })
            .collect();
        operations.insert(
            name.clone(),
            json!({
                "readOnly": spec.get("readOnly").cloned().unwrap_or(Value::Null),
                "parameters": members("parameters"),
                "response": members("response"),
                "errors": codes,
            }),
        );
    }
    let mut shapes = Map::new();
    for (name, spec) in &docs.shapes {
        shapes.insert(name.clone(), strip(spec));
    }
    crate::spec_docs::sorted_keys(&json!({ "operations": operations, "shapes": shapes }))
}

/// `value` without its texts (`summary` sorts the keys of the whole).
fn strip(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !TEXT_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
        other => other.clone(),
    }
}

/// The summary as written: one operation or shape per line, so its diff reads like the change.
pub fn render(summary: &Value) -> String {
    let mut out = String::from("{\n");
    for (i, section) in ["operations", "shapes"].into_iter().enumerate() {
        let entries = summary.get(section).and_then(Value::as_object);
        out.push_str(&format!("{}: {{\n", json!(section)));
        let count = entries.map_or(0, Map::len);
        for (j, (name, value)) in entries.into_iter().flatten().enumerate() {
            let comma = if j + 1 == count { "" } else { "," };
            out.push_str(&format!("{}: {value}{comma}\n", json!(name)));
        }
        out.push_str(if i == 0 { "},\n" } else { "}\n" });
    }
    out.push_str("}\n");
    out
}

/// A section of a keep-a-changelog release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Added,
    Changed,
    Removed,
}

impl Section {
    fn heading(self) -> &'static str {
        match self {
            Section::Added => "### Added",
            Section::Changed => "### Changed",
            Section::Removed => "### Removed",
        }
    }
}

/// One changelog line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub section: Section,
    /// Code that compiled against the old API may not compile against the new one.
    pub breaking: bool,
    pub text: String,
}

impl Entry {
    fn new(section: Section, breaking: bool, text: String) -> Self {
        Self {
            section,
            breaking,
            text,
        }
    }

    fn line(&self) -> String {
        if self.breaking {
            format!("- **Breaking:** {}", self.text)
        } else {
            format!("- {}", self.text)
        }
    }
}

/// What changed from `old` to `new` (two summaries), in the order of the summary.
pub fn diff(old: &Value, new: &Value) -> Vec<Entry> {
    let mut out = Vec::new();
    let section = |v: &Value, key: &str| v.get(key).and_then(Value::as_object).cloned();
    let (old_ops, new_ops) = (
        section(old, "operations").unwrap_or_default(),
        section(new, "operations").unwrap_or_default(),
    );
    for (name, op) in &new_ops {
        let Some(before) = old_ops.get(name) else {
            out.push(Entry::new(
                Section::Added,
                false,
                format!("operation `{name}`"),
            ));
            continue;
        };
        let owner = format!("`{name}`");
        members(
            &owner,
            "parameter",
            true,
            &before["parameters"],
            &op["parameters"],
            &mut out,
        );
        members(
            &owner,
            "response field",
            false,
            &before["response"],
            &op["response"],
            &mut out,
        );
        let codes = |v: &Value| -> BTreeSet<String> {
            v["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        };
        let (was, now) = (codes(before), codes(op));
        for code in now.difference(&was) {
            out.push(Entry::new(
                Section::Added,
                false,
                format!("{owner}: error code `{code}`"),
            ));
        }
        for code in was.difference(&now) {
            out.push(Entry::new(
                Section::Removed,
                true,
                format!("{owner}: error code `{code}` (its variant is gone)"),
            ));
        }
    }
    for name in old_ops.keys().filter(|n| !new_ops.contains_key(*n)) {
        out.push(Entry::new(
            Section::Removed,
            true,
            format!("operation `{name}`"),
        ));
    }
    let (old_shapes, new_shapes) = (
        section(old, "shapes").unwrap_or_default(),
        section(new, "shapes").unwrap_or_default(),
    );
    for (name, shape) in &new_shapes {
        match old_shapes.get(name) {
            None => out.push(Entry::new(
                Section::Added,
                false,
                format!("shared type `{name}`"),
            )),
            Some(before) if before != shape => {
                let owner = format!("shared type `{name}`");
                let fields = |v: &Value| {
                    let mut out = Map::new();
                    for f in v["fields"].as_array().into_iter().flatten() {
                        if let Some(n) = f.get("name").and_then(Value::as_str) {
                            out.insert(n.to_owned(), f.clone());
                        }
                    }
                    Value::Object(out)
                };
                let without_fields = |v: &Value| {
                    let mut v = v.clone();
                    if let Some(map) = v.as_object_mut() {
                        map.remove("fields");
                    }
                    v
                };
                let (b, a) = (without_fields(before), without_fields(shape));
                if b != a {
                    out.push(Entry::new(
                        Section::Changed,
                        changes_type(&b, &a),
                        format!("{owner}: its definition changed"),
                    ));
                }
                members(
                    &owner,
                    "field",
                    true,
                    &fields(before),
                    &fields(shape),
                    &mut out,
                );
            }
            Some(_) => {}
        }
    }
    for name in old_shapes.keys().filter(|n| !new_shapes.contains_key(*n)) {
        out.push(Entry::new(
            Section::Removed,
            true,
            format!("shared type `{name}`"),
        ));
    }
    out
}

/// Added, removed and changed members (parameters, response fields, fields of a shape) of
/// `owner`. `input`: the caller sets them (a new required one breaks callers); otherwise the
/// caller reads them (a new one breaks nobody).
fn members(owner: &str, what: &str, input: bool, old: &Value, new: &Value, out: &mut Vec<Entry>) {
    let empty = Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    let required = |v: &Value| v.get("required").and_then(Value::as_bool).unwrap_or(false);
    for (name, member) in new {
        match old.get(name) {
            None if input && required(member) => out.push(Entry::new(
                Section::Changed,
                true,
                format!("{owner}: new required {what} `{name}`"),
            )),
            None => out.push(Entry::new(
                Section::Added,
                false,
                format!("{owner}: {what} `{name}`"),
            )),
            Some(before) if before == member => {}
            Some(before) => {
                let newly_required = input && required(member) && !required(before);
                let retyped = changes_type(before, member);
                let (breaking, how) = match (newly_required, retyped) {
                    (true, true) => (true, "is now required, and its type changed"),
                    (true, false) => (true, "is now required"),
                    (false, true) => (true, "its type changed"),
                    (false, false) if input && required(before) && !required(member) => {
                        (false, "is now optional")
                    }
                    (false, false) => (false, "its rules changed"),
                };
                out.push(Entry::new(
                    Section::Changed,
                    breaking,
                    format!("{owner}: {what} `{name}` {how}"),
                ));
            }
        }
    }
    for name in old.keys().filter(|n| !new.contains_key(*n)) {
        out.push(Entry::new(
            Section::Removed,
            true,
            format!("{owner}: {what} `{name}`"),
        ));
    }
}

/// Whether a member's Rust type differs: a type key changed, or an enum lost a value.
fn changes_type(old: &Value, new: &Value) -> bool {
    if TYPE_KEYS.iter().any(|k| old.get(k) != new.get(k)) {
        return true;
    }
    let values = |v: &Value| -> BTreeSet<String> {
        ["values", "literals"]
            .iter()
            .filter_map(|k| v.get(k).and_then(Value::as_array))
            .flatten()
            .map(Value::to_string)
            .collect()
    };
    !values(old).is_subset(&values(new))
}

/// `changelog` with `entries` added to its `## [Unreleased]` section (made at the top if it has
/// none), each under its `### Added` / `### Changed` / `### Removed` heading.
pub fn extend(changelog: &str, entries: &[Entry]) -> String {
    if entries.is_empty() {
        return changelog.to_owned();
    }
    let mut text = changelog.to_owned();
    if !text.contains("\n## [Unreleased]") {
        let at = text.find("\n## ").map_or(text.len(), |i| i + 1);
        text.insert_str(at, "## [Unreleased]\n\n");
    }
    let start = text.find("\n## [Unreleased]").map_or(0, |i| i + 1);
    let body_start = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let end = text[body_start..]
        .find("\n## ")
        .map_or(text.len(), |i| body_start + i + 1);
    let mut body = text[body_start..end].to_owned();
    for section in [Section::Added, Section::Changed, Section::Removed] {
        let lines: Vec<String> = entries
            .iter()
            .filter(|e| e.section == section)
            .map(Entry::line)
            .collect();
        if lines.is_empty() {
            continue;
        }
        let block = lines.join("\n") + "\n";
        match body.find(&format!("{}\n", section.heading())) {
            Some(h) => {
                // After the section's last line: before the next heading or the end.
                let after = h + section.heading().len() + 1;
                let next = body[after..]
                    .find("\n### ")
                    .map_or(body.trim_end().len() + 1, |i| after + i + 1);
                let next = next.min(body.len());
                let mut insert_at = next;
                while insert_at > after && body[..insert_at].ends_with("\n\n") {
                    insert_at -= 1;
                }
                body.insert_str(insert_at, &block);
            }
            None => {
                // In keep-a-changelog order: before the first later section, else at the end.
                let later = [Section::Added, Section::Changed, Section::Removed]
                    .into_iter()
                    .filter(|s| *s > section)
                    .filter_map(|s| body.find(&format!("{}\n", s.heading())))
                    .min();
                let new_block = format!("{}\n{block}\n", section.heading());
                match later {
                    Some(at) => body.insert_str(at, &new_block),
                    None => {
                        let trimmed = body.trim_end().len();
                        body.truncate(trimmed);
                        // A blank line after the heading above, whichever it is.
                        body.push_str(if body.is_empty() { "\n" } else { "\n\n" });
                        body.push_str(&new_block);
                    }
                }
            }
        }
    }
    text.replace_range(body_start..end, &body);
    while text.ends_with("\n\n") {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(params: Value, response: Value, errors: Value) -> Value {
        json!({"readOnly": false, "parameters": params, "response": response, "errors": errors})
    }

    fn service(ops: Value) -> Value {
        json!({"operations": ops, "shapes": {}})
    }

    #[test]
    fn a_new_required_parameter_is_breaking_and_an_optional_one_is_not() {
        let old = service(json!({"StartInstance": op(
            json!({"InstanceId": {"name": "InstanceId", "required": true, "type": "string"}}),
            json!({}), json!(["IncorrectInstanceStatus"]))}));
        let new = service(json!({"StartInstance": op(
            // Keys in order, as the summary writes them, so that this holds whichever order
            // serde_json's map keeps.
            json!({
                "DryRun": {"name": "DryRun", "type": "boolean"},
                "Force": {"name": "Force", "required": true, "type": "boolean"},
                "InstanceId": {"name": "InstanceId", "required": true, "type": "string"}
            }),
            json!({"Status": {"name": "Status", "type": "string"}}),
            json!(["IncorrectInstanceStatus", "InstanceNotFound"]))}));
        let entries = diff(&old, &new);
        let lines: Vec<String> = entries.iter().map(Entry::line).collect();
        assert_eq!(
            lines,
            [
                "- `StartInstance`: parameter `DryRun`",
                "- **Breaking:** `StartInstance`: new required parameter `Force`",
                "- `StartInstance`: response field `Status`",
                "- `StartInstance`: error code `InstanceNotFound`",
            ]
        );
        assert_eq!(entries[1].section, Section::Changed);
    }

    #[test]
    fn retyped_removed_and_relaxed_members() {
        let p = |required: bool, ty: &str| json!({"required": required, "type": ty});
        let old = service(json!({
            "A": op(json!({"X": p(false, "string"), "Y": p(true, "string"), "Z": p(false, "string")}),
                    json!({"R": {"type": "string"}}), json!(["E"])),
            "Gone": op(json!({}), json!({}), json!([])),
        }));
        let new = service(json!({
            "A": op(json!({"X": p(false, "integer"), "Y": p(false, "string"),
                           "Z": {"required": false, "type": "string", "constraints": [{"max": 3}]}}),
                    json!({}), json!([])),
        }));
        let lines: Vec<String> = diff(&old, &new).iter().map(Entry::line).collect();
        assert_eq!(
            lines,
            [
                "- **Breaking:** `A`: parameter `X` its type changed",
                "- `A`: parameter `Y` is now optional",
                "- `A`: parameter `Z` its rules changed",
                "- **Breaking:** `A`: response field `R`",
                "- **Breaking:** `A`: error code `E` (its variant is gone)",
                "- **Breaking:** operation `Gone`",
            ]
        );
    }

    #[test]
    fn an_enum_losing_a_value_changes_its_type() {
        let a = json!({"type": "string", "values": [{"value": "A"}, {"value": "B"}]});
        let b = json!({"type": "string", "values": [{"value": "A"}]});
        assert!(changes_type(&a, &b));
        assert!(!changes_type(&b, &a));
    }

    #[test]
    fn entries_go_under_unreleased_in_their_sections() {
        let log = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Changed\n- older\n\n## [0.1.0] - 2026-11-28\n\n### Added\n- first\n";
        let entries = vec![
            Entry::new(Section::Removed, true, "operation `X`".into()),
            Entry::new(Section::Added, false, "operation `Y`".into()),
            Entry::new(
                Section::Changed,
                false,
                "`Z`: parameter `P` is now optional".into(),
            ),
        ];
        let out = extend(log, &entries);
        assert_eq!(
            out,
            "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n- operation `Y`\n\n### Changed\n- older\n- `Z`: parameter `P` is now optional\n\n### Removed\n- **Breaking:** operation `X`\n\n## [0.1.0] - 2026-11-28\n\n### Added\n- first\n"
        );
        // Without an Unreleased section, one is made above the first release.
        let bare = "# Changelog\n\n## [0.1.0] - 2026-11-28\n\n### Added\n- first\n";
        let out = extend(bare, &entries[1..2]);
        assert!(
            out.starts_with(
                "# Changelog\n\n## [Unreleased]\n\n### Added\n- operation `Y`\n\n## [0.1.0]"
            ),
            "{out}"
        );
    }

    #[test]
    fn texts_do_not_count() {
        let a = json!({"name": "X", "description": "old words", "type": "string"});
        let b = json!({"name": "X", "description": "new words", "type": "string"});
        assert_eq!(strip(&a), strip(&b));
    }
}
