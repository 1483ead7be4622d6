//! Every spec against the newest official SDK's facts: the operation set, parameter names,
//! locations, styles, required flags and response field names. Each difference must be listed with
//! its reason in `specs/ens/metadata/sdk-differences.json`; the test
//! `import::parity::tests::specs_match_the_sdk_or_say_why` fails on any other difference, and on
//! any listed one that no longer occurs (so the list stays true).

use super::sources::{Kind, Location, Member, Shape, SourceOp, Style, read_json};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

pub const FILE: &str = "sdk-differences.json";

/// One difference between a spec and the SDK.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    pub operation: String,
    /// `Param`, `Param[].Field`, `SystemDisk.Size`, `response Instances.Instance[].Status`, or
    /// `operation`.
    pub at: String,
    pub kind: &'static str,
    /// What the spec says (`-` for absent).
    pub spec: String,
    /// What the SDK says (`-` for absent).
    pub sdk: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{\"operation\": {:?}, \"at\": {:?}, \"kind\": {:?}, \"spec\": {:?}, \"sdk\": {:?}, \"reason\": \"?\"}}",
            self.operation, self.at, self.kind, self.spec, self.sdk
        )
    }
}

/// An accepted difference and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub key: (String, String, String, String, String),
    pub reason: String,
}

pub fn load_accepted(path: &Path) -> Result<Vec<Accepted>, String> {
    let file = read_json(path)?;
    let mut out = Vec::new();
    for (i, d) in file["differences"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let get = |k: &str| -> Result<String, String> {
            d[k].as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("{}: differences[{i}] has no `{k}`", path.display()))
        };
        let reason = get("reason")?;
        if reason.trim().len() < 10 || reason.trim() == "?" {
            return Err(format!(
                "{}: differences[{i}] needs a real reason",
                path.display()
            ));
        }
        out.push(Accepted {
            key: (
                get("operation")?,
                get("at")?,
                get("kind")?,
                get("spec")?,
                get("sdk")?,
            ),
            reason,
        });
    }
    Ok(out)
}

impl Difference {
    fn key(&self) -> (String, String, String, String, String) {
        (
            self.operation.clone(),
            self.at.clone(),
            self.kind.to_owned(),
            self.spec.clone(),
            self.sdk.clone(),
        )
    }
}

/// The result of a comparison.
#[derive(Debug, Default)]
pub struct Outcome {
    pub compared_operations: usize,
    pub compared_parameters: usize,
    pub compared_response_fields: usize,
    pub differences: Vec<Difference>,
    /// Differences not in the accepted list.
    pub unaccepted: Vec<Difference>,
    /// Accepted entries that no longer occur.
    pub stale: Vec<Accepted>,
}

/// Compares `specs` (operation name -> spec JSON, which may refer to `shapes`) with the SDK's
/// operations.
pub fn compare(
    specs: &BTreeMap<String, Value>,
    shapes: &BTreeMap<String, Value>,
    sdk: &BTreeMap<String, SourceOp>,
    accepted: &[Accepted],
) -> Outcome {
    let mut out = Outcome::default();
    let mut diffs = Vec::new();
    for name in sdk.keys() {
        if !specs.contains_key(name) {
            diffs.push(diff(
                name,
                "operation",
                "operation without spec",
                "-",
                "present",
            ));
        }
    }
    for (name, spec) in specs {
        let spec = &super::shapes::inline(spec, shapes);
        let Some(op) = sdk.get(name) else {
            diffs.push(diff(
                name,
                "operation",
                "spec without SDK operation",
                "present",
                "-",
            ));
            continue;
        };
        out.compared_operations += 1;
        let theirs = sdk_params(op);
        let ours = spec_params(spec);
        out.compared_parameters += theirs.len();
        for (at, t) in &theirs {
            let Some(o) = ours.get(at) else {
                diffs.push(diff(name, at, "parameter only in SDK", "-", &t.style));
                continue;
            };
            if o.location != t.location {
                diffs.push(diff(name, at, "location", &o.location, &t.location));
            }
            if o.style != t.style {
                diffs.push(diff(name, at, "style", &o.style, &t.style));
            }
            if o.required != t.required {
                diffs.push(diff(
                    name,
                    at,
                    "required",
                    &o.required.to_string(),
                    &t.required.to_string(),
                ));
            }
        }
        for (at, o) in &ours {
            if !theirs.contains_key(at) {
                diffs.push(diff(name, at, "parameter only in spec", &o.style, "-"));
            }
        }
        let mut theirs = BTreeSet::new();
        sdk_fields("", op.response.as_deref().unwrap_or_default(), &mut theirs);
        let mut ours = BTreeSet::new();
        spec_fields("", &spec["response"], &mut ours);
        out.compared_response_fields += theirs.len();
        for at in theirs.difference(&ours) {
            diffs.push(diff(
                name,
                &format!("response {at}"),
                "response field only in SDK",
                "-",
                "present",
            ));
        }
        for at in ours.difference(&theirs) {
            diffs.push(diff(
                name,
                &format!("response {at}"),
                "response field only in spec",
                "present",
                "-",
            ));
        }
    }
    diffs.sort();
    let keys: BTreeSet<_> = diffs.iter().map(Difference::key).collect();
    out.unaccepted = diffs
        .iter()
        .filter(|d| !accepted.iter().any(|a| a.key == d.key()))
        .cloned()
        .collect();
    out.stale = accepted
        .iter()
        .filter(|a| !keys.contains(&a.key))
        .cloned()
        .collect();
    out.differences = diffs;
    out
}

fn diff(op: &str, at: &str, kind: &'static str, spec: &str, sdk: &str) -> Difference {
    Difference {
        operation: op.to_owned(),
        at: at.to_owned(),
        kind,
        spec: spec.to_owned(),
        sdk: sdk.to_owned(),
    }
}

/// A request value's wire facts.
#[derive(Debug, Clone, PartialEq)]
struct Wire {
    location: String,
    style: String,
    required: bool,
}

/// The SDK's request values by path: top-level parameters, a flat object's members as
/// `X.Field`, a repeatList element's fields as `X[].Field`.
fn sdk_params(op: &SourceOp) -> BTreeMap<String, Wire> {
    let mut out = BTreeMap::new();
    for p in &op.params {
        let location = p.location.unwrap_or(Location::Query).as_str().to_owned();
        let style = p.style.unwrap_or(Style::Plain);
        match (&p.shape.kind, style) {
            (Kind::Object(members), Style::Flat) => {
                for m in members {
                    out.insert(
                        format!("{}.{}", p.name, m.name),
                        Wire {
                            location: location.clone(),
                            style: "plain".into(),
                            required: m.required.unwrap_or(false),
                        },
                    );
                }
                continue;
            }
            (Kind::Array(items), Style::RepeatList | Style::Flat) => {
                if let Kind::Object(members) = &items.kind {
                    element_fields(&p.name, members, &location, &mut out);
                }
            }
            _ => {}
        }
        out.insert(
            p.name.clone(),
            Wire {
                location,
                style: sdk_style(style, &p.shape).into(),
                required: p.required.unwrap_or(false),
            },
        );
    }
    out
}

fn element_fields(
    list: &str,
    members: &[Member],
    location: &str,
    out: &mut BTreeMap<String, Wire>,
) {
    for m in members {
        out.insert(
            format!("{list}[].{}", m.name),
            Wire {
                location: location.to_owned(),
                style: "plain".into(),
                required: m.required.unwrap_or(false),
            },
        );
    }
}

/// The SDK's style in the spec's words: arrays passed as they are (`flat`) go on the wire as
/// `repeatList`.
fn sdk_style(style: Style, shape: &Shape) -> &'static str {
    match (style, &shape.kind) {
        (Style::Flat, Kind::Array(_)) => "repeatList",
        (s, _) => s.as_str(),
    }
}

/// The spec's request values by path, in the same words.
fn spec_params(spec: &Value) -> BTreeMap<String, Wire> {
    let mut out = BTreeMap::new();
    for p in spec["parameters"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default().to_owned();
        let location = p["in"].as_str().unwrap_or("query").to_owned();
        if p["type"] == "object" && p["style"] == "flat" {
            // `SystemDisk` sends `SystemDisk.Size`: one value per field.
            for f in p["fields"].as_array().into_iter().flatten() {
                out.insert(
                    format!("{name}.{}", f["name"].as_str().unwrap_or_default()),
                    Wire {
                        location: location.clone(),
                        style: "plain".into(),
                        required: f["required"] == true,
                    },
                );
            }
            continue;
        }
        let style = match p["type"].as_str() {
            Some("list") => p["style"].as_str().unwrap_or("repeatList"),
            Some("json") => "json",
            Some("object" | "map") => p["style"].as_str().unwrap_or("json"),
            _ => "plain",
        };
        if p["type"] == "list" && p["items"]["type"] == "object" && style == "repeatList" {
            for f in p["items"]["fields"].as_array().into_iter().flatten() {
                out.insert(
                    format!("{name}[].{}", f["name"].as_str().unwrap_or_default()),
                    Wire {
                        location: location.clone(),
                        style: "plain".into(),
                        required: f["required"] == true,
                    },
                );
            }
        }
        out.insert(
            name,
            Wire {
                location,
                style: style.into(),
                required: p["required"] == true,
            },
        );
    }
    out
}

/// Response paths: `A`, `A.B`, `A.B[].C` (an object holding one list is the path to that list).
fn sdk_fields(prefix: &str, members: &[Member], out: &mut BTreeSet<String>) {
    for m in members {
        let path = format!("{prefix}{}", m.name);
        out.insert(path.clone());
        sdk_shape(&path, &m.shape, out);
    }
}

fn sdk_shape(path: &str, shape: &Shape, out: &mut BTreeSet<String>) {
    match &shape.kind {
        Kind::Object(members) => sdk_fields(&format!("{path}."), members, out),
        Kind::Array(items) => sdk_shape(&format!("{path}[]"), items, out),
        _ => {}
    }
}

fn spec_fields(prefix: &str, fields: &Value, out: &mut BTreeSet<String>) {
    for f in fields.as_array().into_iter().flatten() {
        let path = format!("{prefix}{}", f["name"].as_str().unwrap_or_default());
        out.insert(path.clone());
        spec_field(&path, f, out);
    }
}

fn spec_field(path: &str, f: &Value, out: &mut BTreeSet<String>) {
    match f["type"].as_str() {
        Some("object") => spec_fields(&format!("{path}."), &f["fields"], out),
        Some("list") => {
            let list = match f["wrapper"].as_str() {
                Some(w) => {
                    let inner = format!("{path}.{w}");
                    out.insert(inner.clone());
                    inner
                }
                None => path.to_owned(),
            };
            spec_field(&format!("{list}[]"), &f["items"], out);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::sources::{METADATA, SDK, sdk};
    use super::super::{all_shapes, all_specs};
    use super::*;

    #[test]
    fn specs_match_the_sdk_or_say_why() {
        let root = crate::import::test_root();
        let sdk = sdk::load(&root.join(METADATA).join(SDK)).expect("SDK facts");
        let accepted = load_accepted(&root.join(METADATA).join(FILE)).expect("accepted list");
        let specs = all_specs(&root).expect("specs");
        let shapes = all_shapes(&root).expect("shapes");
        let outcome = compare(&specs, &shapes, &sdk.ops, &accepted);
        assert_eq!(
            outcome.compared_operations,
            sdk.ops.len(),
            "every SDK operation has a spec"
        );
        let unaccepted: Vec<String> = outcome.unaccepted.iter().map(ToString::to_string).collect();
        assert!(
            unaccepted.is_empty(),
            "{} difference(s) from the SDK without a reason in {METADATA}/{FILE}:\n{}",
            unaccepted.len(),
            unaccepted.join(",\n")
        );
        let stale: Vec<String> = outcome
            .stale
            .iter()
            .map(|a| format!("{:?}", a.key))
            .collect();
        assert!(
            stale.is_empty(),
            "accepted differences that no longer occur (remove them from {FILE}):\n{}",
            stale.join("\n")
        );
    }

    fn spec_of(text: &str) -> BTreeMap<String, Value> {
        let v: Value = serde_json::from_str(text).expect("json");
        BTreeMap::from([(v["operation"].as_str().unwrap_or_default().to_owned(), v)])
    }

    fn sdk_of(params: Vec<Member>, response: Vec<Member>) -> BTreeMap<String, SourceOp> {
        BTreeMap::from([(
            "Op".to_owned(),
            SourceOp {
                name: "Op".into(),
                params,
                response: Some(response),
                ..SourceOp::default()
            },
        )])
    }

    fn member(name: &str, kind: Kind, style: Option<Style>, required: bool) -> Member {
        Member {
            name: name.into(),
            shape: Shape::of(kind),
            required: Some(required),
            location: style.map(|_| Location::Query),
            style,
        }
    }

    #[test]
    fn each_kind_of_difference_is_found_and_an_accepted_one_is_not_reported() {
        let sdk = sdk_of(
            vec![
                member("Ids", Kind::String, Some(Style::Plain), false),
                member("Name", Kind::String, Some(Style::Plain), true),
                member("New", Kind::Integer, Some(Style::Plain), false),
            ],
            vec![member(
                "Items",
                Kind::Array(Box::new(Shape::of(Kind::String))),
                None,
                false,
            )],
        );
        let specs = spec_of(
            r#"{"operation": "Op", "parameters": [
                {"name": "Ids", "type": "list", "style": "json", "items": {"type": "string"}},
                {"name": "Name", "type": "string", "in": "body"},
                {"name": "Old", "type": "string"}],
              "response": [{"name": "Items", "type": "list", "items": {"type": "string"}}, {"name": "Gone", "type": "string"}]}"#,
        );
        let accepted = vec![Accepted {
            key: (
                "Op".into(),
                "Ids".into(),
                "style".into(),
                "json".into(),
                "plain".into(),
            ),
            reason: "the text says a JSON array".into(),
        }];
        let outcome = compare(&specs, &BTreeMap::new(), &sdk, &accepted);
        let kinds: Vec<(&str, &str)> = outcome
            .unaccepted
            .iter()
            .map(|d| (d.at.as_str(), d.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("Name", "location"),
                ("Name", "required"),
                ("New", "parameter only in SDK"),
                ("Old", "parameter only in spec"),
                ("response Gone", "response field only in spec"),
            ]
        );
        assert_eq!(outcome.differences.len(), 6);
        assert!(outcome.stale.is_empty());
        let outcome = compare(
            &specs,
            &BTreeMap::new(),
            &sdk,
            &[Accepted {
                key: (
                    "Op".into(),
                    "X".into(),
                    "style".into(),
                    "a".into(),
                    "b".into(),
                ),
                reason: "no longer true".into(),
            }],
        );
        assert_eq!(outcome.stale.len(), 1);
    }
}
