//! Shapes shared across operations. The emitter's first pass notes every value that could be a
//! shape ([`Candidate`]: an enum, a checked string, a list element's object, a response object),
//! with its name and its rules. Same name and same rules wherever it occurs: one shared shape
//! (`shapes/<Name>.json`), or the curated shape of that name when its rules are the same. Same name,
//! different rules: a near-miss, left inline in each operation and reported for a human to decide
//! (one shape after all, or shapes whose names say how they differ).

use super::emit::type_name;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// What kind of shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShapeKind {
    /// A request value with a closed set of values.
    Enum,
    /// A request string with rules (length) or secret.
    Checked,
    /// A request list's element object.
    RequestObject,
    /// A response object.
    ResponseObject,
}

impl ShapeKind {
    pub fn word(self) -> &'static str {
        match self {
            ShapeKind::Enum => "enum",
            ShapeKind::Checked => "checked string",
            ShapeKind::RequestObject => "request object",
            ShapeKind::ResponseObject => "response object",
        }
    }
}

/// A value that could be a shared shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub kind: ShapeKind,
    /// The wire name it is known by (`InstanceChargeType`, `Tag`).
    pub name: String,
    /// Canonical JSON of its rules: equal rules, same shape.
    pub rules: String,
    /// `Operation.Path` where it occurs.
    pub at: String,
}

/// One rule set of a name and where it occurs.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub rules: String,
    pub uses: Vec<String>,
}

/// All definitions under one name.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub kind: ShapeKind,
    pub name: String,
    pub variants: Vec<Variant>,
    /// Why it is not a shared shape, for a near-miss.
    pub why: Option<String>,
}

/// What becomes a shape.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// (kind, name, rules) -> shape name.
    refs: BTreeMap<(ShapeKind, String, String), String>,
    /// Shapes the import writes, with the operations that use them.
    written: BTreeMap<String, Vec<String>>,
    /// Curated shapes reused, with the operations that use them.
    reused: BTreeMap<String, Vec<String>>,
    /// Shared groups (one shape each).
    pub shared: Vec<Group>,
    /// Same name, other rules (or a name already taken).
    pub near_misses: Vec<Group>,
}

impl Plan {
    /// The shape a value with these rules refers to, if any.
    pub fn shape_of(&self, kind: ShapeKind, name: &str, rules: &str) -> Option<&str> {
        self.refs
            .get(&(kind, name.to_owned(), rules.to_owned()))
            .map(String::as_str)
    }

    /// Whether the import writes this shape (rather than reuse a curated one).
    pub fn writes(&self, shape: &str) -> bool {
        self.written.contains_key(shape)
    }

    /// The names of the shapes the import writes.
    pub fn written_names(&self) -> impl Iterator<Item = String> + '_ {
        self.written.keys().cloned()
    }

    /// The operations using a shape, sorted.
    pub fn uses(&self, shape: &str) -> Vec<String> {
        self.written
            .get(shape)
            .or_else(|| self.reused.get(shape))
            .cloned()
            .unwrap_or_default()
    }
}

/// Decides the shapes from the candidates of every imported operation; `curated` holds the curated
/// shapes' documents by name.
pub fn plan(candidates: &[Candidate], curated: &BTreeMap<String, Value>) -> Plan {
    let mut groups: BTreeMap<(ShapeKind, String), BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for c in candidates {
        groups
            .entry((c.kind, c.name.clone()))
            .or_default()
            .entry(c.rules.clone())
            .or_default()
            .push(c.at.clone());
    }
    let curated_rules: BTreeMap<&str, String> = curated
        .iter()
        .map(|(name, doc)| (name.as_str(), canonical_shape(doc)))
        .collect();
    let mut plan = Plan::default();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for ((kind, name), variants) in groups {
        let variants: Vec<Variant> = variants
            .into_iter()
            .map(|(rules, uses)| Variant { rules, uses })
            .collect();
        let shape = type_name(&name);
        let mut group = Group {
            kind,
            name: name.clone(),
            variants,
            why: None,
        };
        let [only] = group.variants.as_slice() else {
            group.why = Some("other rules under the same name".into());
            plan.near_misses.push(group);
            continue;
        };
        let ops: Vec<String> = {
            let set: BTreeSet<String> = only
                .uses
                .iter()
                .map(|u| u.split('.').next().unwrap_or(u).to_owned())
                .collect();
            set.into_iter().collect()
        };
        match curated_rules.get(shape.as_str()) {
            Some(rules) if *rules == only.rules => {
                plan.refs
                    .insert((kind, name, only.rules.clone()), shape.clone());
                plan.reused.entry(shape).or_default().extend(ops);
                plan.shared.push(group);
            }
            Some(_) => {
                group.why = Some(format!("the curated shape `{shape}` has other rules"));
                plan.near_misses.push(group);
            }
            None if only.uses.len() < 2 => {}
            None if taken.contains(&shape) => {
                group.why = Some(format!("`{shape}` already names another kind of shape"));
                plan.near_misses.push(group);
            }
            None => {
                taken.insert(shape.clone());
                plan.refs
                    .insert((kind, name, only.rules.clone()), shape.clone());
                plan.written.insert(shape, ops);
                plan.shared.push(group);
            }
        }
    }
    for ops in plan.reused.values_mut() {
        ops.sort();
        ops.dedup();
    }
    plan
}

/// A curated shape document's rules in the form the emitter's candidates have.
pub fn canonical_shape(doc: &Value) -> String {
    let mut core = serde_json::Map::new();
    let (kind, key, from) = match doc["type"].as_str() {
        Some("enum") => ("enum", "values", "values"),
        Some("object") => ("object", "fields", "fields"),
        Some("structure") => ("object", "fields", "members"),
        Some(other) => (other, "constraints", "constraints"),
        None => ("?", "constraints", "constraints"),
    };
    core.insert("type".into(), Value::from(kind));
    if let Some(v) = doc
        .get(from)
        .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
    {
        core.insert(key.into(), v.clone());
    }
    if doc["secret"] == Value::Bool(true) {
        core.insert("secret".into(), Value::Bool(true));
    }
    let mut value = Value::Object(core);
    strip(&mut value);
    value.to_string()
}

/// Removes what is per use, not part of a shape's rules: Rust names, texts, examples, wire types;
/// and sorts an enum's values (their order is not a rule).
pub fn strip(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for key in [
                "rustName",
                "structName",
                "enumName",
                "newtype",
                "variant",
                "wireType",
                "example",
                "description",
                "originalDescription",
            ] {
                m.remove(key);
            }
            // The order of an enum's values is not a rule.
            if let Some(Value::Array(values)) = m.get_mut("values") {
                values.sort_by(|a, b| a["value"].to_string().cmp(&b["value"].to_string()));
            }
            m.values_mut().for_each(strip);
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

/// `value` with every `"shape": name` replaced by the shape's type and keys (an enum's values, a
/// string's constraints, an object's fields, a structure's members as `fields`), recursively: how
/// specs are read where shared and inline definitions must compare alike.
pub fn inline(value: &Value, shapes: &BTreeMap<String, Value>) -> Value {
    match value {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            if let Some(doc) = m
                .get("shape")
                .and_then(Value::as_str)
                .and_then(|s| shapes.get(s))
            {
                let kind = match doc["type"].as_str() {
                    Some("structure") => "object",
                    Some(other) => other,
                    None => "string",
                };
                out.insert("type".into(), Value::from(kind));
                for (from, to) in [
                    ("values", "values"),
                    ("constraints", "constraints"),
                    ("secret", "secret"),
                    ("fields", "fields"),
                    ("members", "fields"),
                ] {
                    if let Some(v) = doc.get(from) {
                        out.insert(to.into(), inline(v, shapes));
                    }
                }
            }
            for (k, v) in m {
                if k != "shape" {
                    out.insert(k.clone(), inline(v, shapes));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| inline(v, shapes)).collect()),
        other => other.clone(),
    }
}

/// The `--shapes` report.
pub fn report(plan: &Plan) -> String {
    let mut s = String::new();
    let uses = |g: &Group| g.variants.iter().map(|v| v.uses.len()).sum::<usize>();
    let _ = writeln!(
        s,
        "shared shapes ({}: {} written by the import, {} curated reused): same name, same rules",
        plan.shared.len(),
        plan.written.len(),
        plan.reused.len()
    );
    for g in &plan.shared {
        let v = &g.variants[0];
        let _ = writeln!(
            s,
            "  {} {} = {}: {} uses ({})",
            g.kind.word(),
            type_name(&g.name),
            short(&v.rules),
            uses(g),
            list_uses(&v.uses)
        );
    }
    let _ = writeln!(
        s,
        "\nnear-misses ({}): same name, different rules; decide one shape or name the variants",
        plan.near_misses.len()
    );
    for g in &plan.near_misses {
        let _ = writeln!(
            s,
            "  {} {} ({} definitions; {}):",
            g.kind.word(),
            g.name,
            g.variants.len(),
            g.why.as_deref().unwrap_or_default()
        );
        for v in &g.variants {
            let _ = writeln!(s, "    {} <- {}", short(&v.rules), list_uses(&v.uses));
        }
    }
    s
}

fn short(rules: &str) -> String {
    if rules.chars().count() > 140 {
        format!("{}…", rules.chars().take(140).collect::<String>())
    } else {
        rules.to_owned()
    }
}

fn list_uses(uses: &[String]) -> String {
    if uses.len() > 4 {
        format!("{}, … {} more", uses[..3].join(", "), uses.len() - 3)
    } else {
        uses.join(", ")
    }
}
