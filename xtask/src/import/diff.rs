//! `cargo xtask import --diff [<Operation>...] [--texts] [--apply]`: what the sources would change in a
//! curated spec, field by field; and `--explain <Operation>`: every merged fact with its source.
//!
//! The diff shows what a maintainer following Alibaba's updates must look at: parameters, response
//! fields and error codes the sources add or no longer have, and facts the sources state differently
//! (required, location, style, wire type, enum values, item counts, examples, defaults; texts only
//! by name unless `--texts`). It
//! does not show what curation adds on purpose: constraints, rules, Rust names, or a richer `type`
//! than the sources' (`integer` for a number sent as `string`). `--apply` adds the parameters, fields
//! and error codes the curated spec lacks, exactly as the import writes them, and English texts where
//! it has none; it changes nothing else.

use super::emit;
use super::facts::{Fact, OperationFacts, ValueFacts, ValueKind};
use super::{Import, OPERATIONS, spec_files};
use heck::ToSnakeCase;
use serde_json::Value;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// In the sources, not in the spec.
    Added { at: String, summary: String },
    /// In the spec, not in any source.
    Removed { at: String },
    /// Both have it; the value differs.
    Changed {
        at: String,
        key: String,
        spec: String,
        sources: String,
    },
}

impl Change {
    /// Where.
    pub fn at(&self) -> &str {
        match self {
            Change::Added { at, .. } | Change::Removed { at } | Change::Changed { at, .. } => at,
        }
    }

    /// A change of a description only (curation rewords texts on purpose).
    pub fn is_text(&self) -> bool {
        matches!(self, Change::Changed { key, .. } if key == "description" || key == "originalDescription")
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Added { at, summary } => write!(f, "+ {at}: {summary}"),
            Change::Removed { at } => write!(f, "- {at}: only in the spec (no source has it)"),
            Change::Changed {
                at,
                key,
                spec,
                sources,
            } => write!(f, "~ {at}: {key}: spec {spec}, sources {sources}"),
        }
    }
}

pub fn run(root: &Path, import: &Import, names: &[String]) -> Result<(), String> {
    let apply = names.iter().any(|n| n == "--apply");
    let texts = names.iter().any(|n| n == "--texts");
    let names: Vec<&String> = names.iter().filter(|n| !n.starts_with("--")).collect();
    let mut files = spec_files(&root.join(OPERATIONS))?;
    // Curated specs only: the import rewrites the others.
    files.retain(|f| {
        f.file_stem().and_then(|s| s.to_str()).is_some_and(|s| {
            import.is_curated(s) && (names.is_empty() || names.iter().any(|n| *n == s))
        })
    });
    let output = import.output();
    let mut shapes = super::all_shapes(root)?;
    shapes.extend(output.shapes.clone());
    let mut total = 0;
    println!(
        "curated specs against the sources (`--explain <Operation>` gives the source of each fact):"
    );
    for path in files {
        let text = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut curated: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let op = curated["operation"].as_str().unwrap_or_default().to_owned();
        if import.facts_of(&op).is_none() {
            println!("{op}: not in the newest sources");
            continue;
        }
        // A flat object and its members spelled flat (`SystemDisk.Size`) are the same parameters.
        let imported = &flatten(&output.specs[&op]);
        let changes = diff(
            &flatten(&super::shapes::inline(&curated, &shapes)),
            &flatten(&super::shapes::inline(imported, &shapes)),
        );
        total += changes.len();
        if changes.is_empty() {
            println!("{op}: the sources say nothing new");
            continue;
        }
        println!(
            "{op} ({}):",
            path.strip_prefix(root).unwrap_or(&path).display()
        );
        let (text_changes, others): (Vec<&Change>, Vec<&Change>) =
            changes.iter().partition(|c| c.is_text());
        for c in others {
            println!("  {c}");
        }
        if texts {
            for c in &text_changes {
                println!("  {c}");
            }
        } else if !text_changes.is_empty() {
            let mut at: Vec<&str> = text_changes.iter().map(|c| c.at()).collect();
            at.dedup();
            println!(
                "  ~ texts differ ({} texts; --texts shows them): {}",
                text_changes.len(),
                at.join(", ")
            );
        }
        if apply {
            let added = apply_additions(&mut curated, imported);
            fs::write(&path, emit::to_text(&curated))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("  applied: {added} addition(s)");
        }
    }
    println!("{total} difference(s)");
    Ok(())
}

/// `spec` with each flat object parameter (`SystemDisk` with `Size`) spelled as the parameters it
/// sends (`SystemDisk.Size`), as older specs write them.
pub fn flatten(spec: &Value) -> Value {
    let mut out = spec.clone();
    let Some(params) = out.get_mut("parameters").and_then(Value::as_array_mut) else {
        return out;
    };
    let mut flat = Vec::new();
    for p in params.drain(..) {
        if p["type"] == "object" && p["style"] == "flat" {
            for f in p["fields"].as_array().into_iter().flatten() {
                let mut f = f.clone();
                let name = format!(
                    "{}.{}",
                    p["name"].as_str().unwrap_or_default(),
                    f["name"].as_str().unwrap_or_default()
                );
                f["name"] = Value::from(name.clone());
                if let Some(obj) = f.as_object_mut() {
                    obj.remove("rustName");
                    if name.to_snake_case() != super::emit::snake(&name) {
                        obj.insert("rustName".into(), super::emit::snake(&name).into());
                    }
                }
                flat.push(f);
            }
        } else {
            flat.push(p);
        }
    }
    *params = flat;
    out
}

/// The differences between a curated spec and the spec the sources give.
pub fn diff(curated: &Value, imported: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    for key in ["method", "readOnly"] {
        if curated[key] != imported[key] {
            out.push(Change::Changed {
                at: "operation".into(),
                key: key.into(),
                spec: curated[key].to_string(),
                sources: imported[key].to_string(),
            });
        }
    }
    params(
        "parameter ",
        list(&curated["parameters"]),
        list(&imported["parameters"]),
        &mut out,
    );
    params(
        "response ",
        list(&curated["response"]),
        list(&imported["response"]),
        &mut out,
    );
    let codes = |v: &Value| -> Vec<String> {
        list(&v["errors"])
            .iter()
            .filter_map(|e| e["code"].as_str().map(str::to_owned))
            .collect()
    };
    let (have, want) = (codes(curated), codes(imported));
    for c in want.iter().filter(|c| !have.contains(c)) {
        out.push(Change::Added {
            at: format!("error {c}"),
            summary: "documented by the sources".into(),
        });
    }
    for c in have.iter().filter(|c| !want.contains(c)) {
        out.push(Change::Removed {
            at: format!("error {c}"),
        });
    }
    out
}

fn list(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn by_name<'a>(items: &'a [Value], name: &str) -> Option<&'a Value> {
    items.iter().find(|v| v["name"].as_str() == Some(name))
}

/// One line about a value the sources add.
fn describe(v: &Value) -> String {
    let mut s = v["type"].as_str().unwrap_or("?").to_owned();
    if let Some(style) = v["style"].as_str() {
        let _ = write!(s, " ({style})");
    }
    if v["required"] == Value::Bool(true) {
        s.push_str(", required");
    }
    if let Some(d) = v["description"].as_str() {
        let first = d.lines().next().unwrap_or_default();
        let short: String = first.chars().take(90).collect();
        let _ = write!(
            s,
            ": {short:?}{}",
            if short.len() < d.len() { "…" } else { "" }
        );
    }
    s
}

/// Types the sources give that curation may refine without it being a difference.
fn refinable(t: &str) -> bool {
    matches!(t, "string" | "json")
}

fn params(prefix: &str, have: &[Value], want: &[Value], out: &mut Vec<Change>) {
    for w in want {
        let name = w["name"].as_str().unwrap_or_default();
        let at = format!("{prefix}{name}");
        match by_name(have, name) {
            None => out.push(Change::Added {
                at,
                summary: describe(w),
            }),
            Some(h) => compare(&at, h, w, out),
        }
    }
    for h in have {
        let name = h["name"].as_str().unwrap_or_default();
        if by_name(want, name).is_none() {
            out.push(Change::Removed {
                at: format!("{prefix}{name}"),
            });
        }
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

fn compare(at: &str, have: &Value, want: &Value, out: &mut Vec<Change>) {
    let changed = |key: &str, out: &mut Vec<Change>, h: &Value, w: &Value| {
        out.push(Change::Changed {
            at: at.to_owned(),
            key: key.to_owned(),
            spec: show(h),
            sources: show(w),
        });
    };
    let (ht, wt) = (
        have["type"].as_str().unwrap_or_default(),
        want["type"].as_str().unwrap_or_default(),
    );
    if ht != wt && !refinable(wt) {
        changed("type", out, &have["type"], &want["type"]);
    }
    // Facts the sources state: a difference, or a fact the spec lacks.
    for key in [
        "required",
        "in",
        "style",
        "wireType",
        "minItems",
        "maxItems",
        "example",
        "default",
        "description",
        "originalDescription",
        "wrapper",
    ] {
        let (mut h, mut w) = (have[key].clone(), want[key].clone());
        if key == "required" {
            // Absent means false.
            h = Value::Bool(h == Value::Bool(true));
            w = Value::Bool(w == Value::Bool(true));
        }
        if key == "style" && (ht != "list" || wt != "list") {
            continue;
        }
        if h != w && !w.is_null() {
            changed(key, out, &h, &w);
        }
    }
    if wt == "enum" {
        let values = |v: &Value| -> Vec<String> {
            list(&v["values"])
                .iter()
                .filter_map(|x| x["value"].as_str().map(str::to_owned))
                .collect()
        };
        let (mut hv, mut wv) = (values(have), values(want));
        // The order of the values is not a difference.
        hv.sort();
        wv.sort();
        if hv != wv {
            changed(
                "enum values",
                out,
                &Value::from(hv.join(", ")),
                &Value::from(wv.join(", ")),
            );
        }
    }
    // Elements and fields.
    let (hi, wi) = (&have["items"], &want["items"]);
    if wi.is_object() && hi.is_object() {
        let sub = format!("{at}[]");
        if wi["type"] == "object" && hi["type"] == "object" {
            params(
                &format!("{sub}."),
                list(&hi["fields"]),
                list(&wi["fields"]),
                out,
            );
        } else {
            compare(&sub, hi, wi, out);
        }
    }
    if wt == "object" && ht == "object" {
        params(
            &format!("{at}."),
            list(&have["fields"]),
            list(&want["fields"]),
            out,
        );
    }
}

/// Adds to `curated` the parameters, response fields (at any depth) and error codes that only
/// `imported` has, English texts where `curated` has none, and the operation's area, description
/// and zh-CN originals when it lacks them. Returns how many.
pub fn apply_additions(curated: &mut Value, imported: &Value) -> usize {
    let mut n = 0;
    // Operation facts the curated spec lacks: its area, texts, originals.
    for key in [
        "area",
        "description",
        "originalSummary",
        "originalDescription",
    ] {
        if let (Some(obj), Some(v)) = (curated.as_object_mut(), imported.get(key))
            && !obj.contains_key(key)
        {
            obj.insert(key.into(), v.clone());
            n += 1;
        }
    }
    for key in ["parameters", "response", "errors"] {
        let want = list(&imported[key]).to_vec();
        let id = if key == "errors" { "code" } else { "name" };
        let have = curated
            .as_object_mut()
            .map(|o| o.entry(key).or_insert_with(|| Value::Array(Vec::new())));
        if let Some(Value::Array(have)) = have {
            n += merge_list(have, &want, id);
        }
    }
    n
}

/// Adds the entries of `want` missing from `have` (by `id`), each after its predecessor in `want`;
/// recurses into objects both have.
fn merge_list(have: &mut Vec<Value>, want: &[Value], id: &str) -> usize {
    let mut n = 0;
    for (i, w) in want.iter().enumerate() {
        let Some(name) = w[id].as_str() else { continue };
        if let Some(h) = have.iter_mut().find(|h| h[id].as_str() == Some(name)) {
            n += merge_into(h, w);
            continue;
        }
        let after = want[..i]
            .iter()
            .rev()
            .filter_map(|p| p[id].as_str())
            .find_map(|p| have.iter().position(|h| h[id].as_str() == Some(p)));
        let at = after.map_or(have.len(), |p| p + 1);
        have.insert(at, w.clone());
        n += 1;
    }
    n
}

/// Adds the English text where the curated value has none, and recurses into the fields of
/// objects (and list elements) both sides have.
fn merge_into(have: &mut Value, want: &Value) -> usize {
    let mut n = 0;
    if let (Some(obj), Some(text)) = (have.as_object_mut(), want.get("description"))
        && !obj.contains_key("description")
    {
        obj.insert("description".into(), text.clone());
        n += 1;
    }
    if let (Some(Value::Array(hf)), Some(wf)) = (
        have.as_object_mut().and_then(|o| o.get_mut("fields")),
        want.get("fields").and_then(Value::as_array),
    ) {
        n += merge_list(hf, wf, "name");
    }
    if let (Some(hi), Some(wi)) = (
        have.as_object_mut().and_then(|o| o.get_mut("items")),
        want.get("items"),
    ) {
        n += merge_into(hi, wi);
    }
    n
}

/// Every fact of one operation with its source, for `--explain`.
pub fn explain(op: &OperationFacts) -> String {
    let mut s = String::new();
    let src = |f: &dyn std::fmt::Display, from: super::sources::Source| format!("{f}  [{from}]");
    let _ = writeln!(
        s,
        "{} (listed in: {})",
        op.name,
        op.listed_in
            .iter()
            .map(|s| s.id())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let opt = |s: &mut String, what: &str, f: &Option<Fact<String>>| {
        if let Some(f) = f {
            let _ = writeln!(s, "  {what}: {}", src(&format!("{:?}", f.value), f.from));
        }
    };
    opt(&mut s, "summary", &op.summary);
    opt(&mut s, "original summary", &op.original_summary);
    if let Some(d) = &op.description {
        let _ = writeln!(
            s,
            "  description: {}",
            src(&format!("{:?}", d.value), d.from)
        );
    }
    opt(&mut s, "area", &op.area);
    let _ = writeln!(
        s,
        "  method: {}",
        src(&op.method.value.as_str(), op.method.from)
    );
    let _ = writeln!(
        s,
        "  readOnly: {}",
        src(&op.read_only.value, op.read_only.from)
    );
    if let Some(p) = &op.pagination {
        let _ = writeln!(
            s,
            "  pagination: {}",
            src(&format!("{:?}", p.value), p.from)
        );
    }
    if let Some(r) = &op.rate_limit {
        let _ = writeln!(
            s,
            "  rate limit: {}",
            src(&format!("{}/s", r.value), r.from)
        );
    }
    let _ = writeln!(s, "  parameters:");
    for p in &op.params {
        value(&mut s, 2, p);
    }
    let _ = writeln!(s, "  response:");
    for f in &op.response {
        value(&mut s, 2, f);
    }
    if !op.errors.is_empty() {
        let _ = writeln!(
            s,
            "  errors: {} codes  [{}]",
            op.errors.len(),
            op.errors[0].from
        );
    }
    if !op.disagreements.is_empty() {
        let _ = writeln!(s, "  where older sources disagree:");
        for d in &op.disagreements {
            let others: Vec<String> = d
                .others
                .iter()
                .map(|o| format!("{} says {}", o.from, o.value))
                .collect();
            let _ = writeln!(
                s,
                "    {}: {}: {} ({}); {}",
                d.at,
                d.fact,
                d.chosen.value,
                d.chosen.from,
                others.join(", ")
            );
        }
    }
    s
}

fn value(s: &mut String, depth: usize, v: &ValueFacts) {
    let pad = "  ".repeat(depth);
    let name = if v.name.is_empty() { "[]" } else { &v.name };
    let mut line = format!("{pad}{name}: {} [{}]", v.kind.value.word(), v.kind.from);
    let mut add = |what: &str, text: Option<(String, super::sources::Source)>| {
        if let Some((t, from)) = text {
            let _ = write!(line, "; {what} {t} [{from}]");
        }
    };
    add(
        "in",
        v.location
            .as_ref()
            .map(|f| (f.value.as_str().to_owned(), f.from)),
    );
    add(
        "style",
        v.style
            .as_ref()
            .map(|f| (f.value.as_str().to_owned(), f.from)),
    );
    add(
        "required",
        v.required
            .as_ref()
            .filter(|f| f.value)
            .map(|f| ("yes".to_owned(), f.from)),
    );
    add(
        "wireType",
        v.wire_type.as_ref().map(|f| (f.value.clone(), f.from)),
    );
    add(
        "enum",
        v.enum_values.as_ref().map(|f| (f.value.join("|"), f.from)),
    );
    add(
        "range",
        v.range
            .as_ref()
            .map(|f| (emit::bounds_text(&f.value), f.from)),
    );
    add(
        "length",
        v.length
            .as_ref()
            .map(|f| (emit::bounds_text(&f.value), f.from)),
    );
    add(
        "items",
        v.item_count
            .as_ref()
            .map(|f| (emit::bounds_text(&f.value), f.from)),
    );
    add(
        "example",
        v.example
            .as_ref()
            .map(|f| (format!("{:?}", f.value), f.from)),
    );
    add(
        "default",
        v.default
            .as_ref()
            .map(|f| (format!("{:?}", f.value), f.from)),
    );
    add(
        "text",
        v.description.as_ref().map(|f| {
            let short: String = f.value.chars().take(60).collect();
            (format!("{short:?}"), f.from)
        }),
    );
    add(
        "zh",
        v.original_description.as_ref().map(|f| {
            let short: String = f.value.chars().take(20).collect();
            (format!("{short:?}"), f.from)
        }),
    );
    let _ = writeln!(s, "{line}");
    match &v.kind.value {
        ValueKind::List(items) | ValueKind::Map(items) => value(s, depth + 1, items),
        ValueKind::Object(members) => members.iter().for_each(|m| value(s, depth + 1, m)),
        _ => {}
    }
}
