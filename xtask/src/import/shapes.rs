//! Shapes shared across operations: a value with rules (an enum, a list element's object, a value
//! with a range or length) or a response object that several operations define under the same
//! name. Same name and same rules: one shared shape. Same name, different rules: a near-miss, for a
//! human to decide (one shape after all, or two shapes whose names say how they differ).

use super::Import;
use super::emit::bounds_text;
use super::facts::{ValueFacts, ValueKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What kind of shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ShapeKind {
    /// A request value with a closed set of values.
    Enum,
    /// A request list's element object.
    RequestObject,
    /// A request value with a range, length or pattern.
    Checked,
    /// A response object.
    ResponseObject,
}

impl ShapeKind {
    pub fn word(self) -> &'static str {
        match self {
            ShapeKind::Enum => "enum",
            ShapeKind::RequestObject => "request object",
            ShapeKind::Checked => "checked value",
            ShapeKind::ResponseObject => "response object",
        }
    }
}

/// One definition and where it is used (`Operation.Path`).
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The rules, canonical text: two variants are the same shape iff their rules are equal.
    pub rules: String,
    pub uses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub kind: ShapeKind,
    pub name: String,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, Default)]
pub struct Shapes {
    /// One definition, used by two or more operations' values.
    pub shared: Vec<Group>,
    /// Two or more definitions under one name.
    pub near_misses: Vec<Group>,
}

pub fn find(import: &Import) -> Shapes {
    let mut all: BTreeMap<(ShapeKind, String), BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for op in &import.facts {
        for p in &op.params {
            request(&mut all, &op.name, "", p);
        }
        for f in &op.response {
            response(&mut all, &op.name, "", f);
        }
    }
    let mut out = Shapes::default();
    for ((kind, name), variants) in all {
        let group = Group {
            kind,
            name,
            variants: variants
                .into_iter()
                .map(|(rules, uses)| Variant { rules, uses })
                .collect(),
        };
        if group.variants.len() > 1 {
            out.near_misses.push(group);
        } else if group.variants.iter().map(|v| v.uses.len()).sum::<usize>() > 1 {
            out.shared.push(group);
        }
    }
    out
}

type All = BTreeMap<(ShapeKind, String), BTreeMap<String, Vec<String>>>;

fn add(all: &mut All, kind: ShapeKind, name: &str, rules: String, at: String) {
    all.entry((kind, name.to_owned()))
        .or_default()
        .entry(rules)
        .or_default()
        .push(at);
}

fn request(all: &mut All, op: &str, prefix: &str, v: &ValueFacts) {
    let path = format!("{prefix}{}", v.name);
    let at = format!("{op}.{path}");
    let name = path.rsplit('.').next().unwrap_or(&path).to_owned();
    if let Some(values) = &v.enum_values {
        add(
            all,
            ShapeKind::Enum,
            &name,
            value_set(&values.value),
            at.clone(),
        );
    } else if let Some(rules) = checks(v) {
        add(all, ShapeKind::Checked, &name, rules, at.clone());
    }
    match &v.kind.value {
        ValueKind::List(items) => {
            if let ValueKind::Object(fields) = &items.kind.value {
                add(all, ShapeKind::RequestObject, &name, structure(fields), at);
            }
            if let Some(values) = &items.enum_values {
                add(
                    all,
                    ShapeKind::Enum,
                    &name,
                    value_set(&values.value),
                    format!("{op}.{path}[]"),
                );
            }
            for f in items.members() {
                request(all, op, &format!("{path}."), f);
            }
        }
        ValueKind::Object(fields) => {
            add(all, ShapeKind::RequestObject, &name, structure(fields), at);
            for f in fields {
                request(all, op, &format!("{path}."), f);
            }
        }
        _ => {}
    }
}

fn response(all: &mut All, op: &str, prefix: &str, v: &ValueFacts) {
    let path = format!("{prefix}{}", v.name);
    let object = match &v.kind.value {
        ValueKind::Object(fields) if !is_wrapper(fields) => Some(fields),
        ValueKind::List(items) => match &items.kind.value {
            ValueKind::Object(fields) => Some(fields),
            _ => None,
        },
        _ => None,
    };
    if let Some(fields) = object.filter(|f| !f.is_empty()) {
        add(
            all,
            ShapeKind::ResponseObject,
            &v.name,
            structure(fields),
            format!("{op} response {path}"),
        );
    }
    for m in v.members() {
        response(all, op, &format!("{path}."), m);
    }
}

/// `{"InstanceIds": {"InstanceId": [...]}}`: the object only wraps a list.
fn is_wrapper(fields: &[ValueFacts]) -> bool {
    matches!(fields, [only] if matches!(only.kind.value, ValueKind::List(_)))
}

/// Allowed values as a set: their order does not make another shape.
fn value_set(values: &[String]) -> String {
    let mut sorted: Vec<&str> = values.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.join(" | ")
}

/// A value's checks as text, if it has any.
fn checks(v: &ValueFacts) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(r) = &v.range {
        parts.push(format!("range {}", bounds_text(&r.value)));
    }
    if let Some(l) = &v.length {
        parts.push(format!("length {}", bounds_text(&l.value)));
    }
    if let Some(p) = &v.pattern {
        parts.push(format!("pattern {}", p.value));
    }
    (!parts.is_empty()).then(|| format!("{} {}", v.kind.value.word(), parts.join(", ")))
}

/// An object's structure: its fields' names, types and rules, recursively.
fn structure(fields: &[ValueFacts]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|f| {
            let mut s = format!("{}: {}", f.name, kind_text(f));
            if f.required.as_ref().is_some_and(|r| r.value) {
                s.push('!');
            }
            s
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}

fn kind_text(v: &ValueFacts) -> String {
    let base = match &v.kind.value {
        ValueKind::List(items) => format!("[{}]", kind_text(items)),
        ValueKind::Object(fields) => structure(fields),
        ValueKind::Map(values) => format!("map<{}>", kind_text(values)),
        other => other.word().to_owned(),
    };
    match (&v.enum_values, checks(v)) {
        (Some(e), _) => format!("{base}({})", value_set(&e.value)),
        (None, Some(c)) => format!("{base}({c})"),
        _ => base,
    }
}

/// The `--shapes` report.
pub fn report(shapes: &Shapes) -> String {
    let mut s = String::new();
    let uses = |g: &Group| g.variants.iter().map(|v| v.uses.len()).sum::<usize>();
    let _ = writeln!(
        s,
        "shared shapes ({}): same name, same rules",
        shapes.shared.len()
    );
    for g in &shapes.shared {
        let v = &g.variants[0];
        let _ = writeln!(
            s,
            "  {} {} = {}: {} uses ({})",
            g.kind.word(),
            g.name,
            short(&v.rules),
            uses(g),
            list_uses(&v.uses)
        );
    }
    let _ = writeln!(
        s,
        "\nnear-misses ({}): same name, different rules; decide one shape or name the variants",
        shapes.near_misses.len()
    );
    for g in &shapes.near_misses {
        let _ = writeln!(
            s,
            "  {} {} ({} definitions):",
            g.kind.word(),
            g.name,
            g.variants.len()
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
