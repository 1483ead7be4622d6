//! Emission: [`OperationFacts`] to spec JSON in the format of `specs/README.md`. Pure: facts in,
//! JSON and notes out. A fact the format cannot hold yet is left out or widened (e.g. a JSON array
//! of objects becomes `type: json`) and noted as a [`Gap`], so the report can count what the
//! generator still lacks.

use super::facts::{Bounds, Fact, OperationFacts, ValueFacts, ValueKind};
use super::sources::{Location, Source, Style};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

pub const VERSION: &str = "2017-11-10";

/// Something a source states that the spec format cannot express yet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Gap {
    /// Short kind, for counting: `body location`, `JSON array of objects`, ...
    pub kind: &'static str,
    /// `Operation: Param` where it happens.
    pub at: String,
}

/// One spec, and what it could not say.
#[derive(Debug, Clone)]
pub struct Emitted {
    pub spec: Value,
    pub gaps: Vec<Gap>,
}

struct Ctx<'a> {
    op: &'a str,
    names: Names,
    gaps: Vec<Gap>,
    common_codes: &'a BTreeSet<String>,
}

impl Ctx<'_> {
    fn gap(&mut self, kind: &'static str, at: &str) {
        self.gaps.push(Gap {
            kind,
            at: format!("{}: {at}", self.op),
        });
    }
}

/// The spec of one operation. `common_codes` are the codes of `service.json`'s `commonErrors`,
/// which operations do not repeat.
pub fn emit(op: &OperationFacts, common_codes: &BTreeSet<String>) -> Emitted {
    let mut ctx = Ctx {
        op: &op.name,
        names: Names::new(&op.name),
        gaps: Vec::new(),
        common_codes,
    };
    let mut spec = Map::new();
    spec.insert("$schema".into(), json!("../../spec.schema.json"));
    spec.insert("operation".into(), json!(op.name));
    spec.insert("version".into(), json!(VERSION));
    let summary = op.summary.as_ref().map_or_else(
        || format!("The `{}` operation.", op.name),
        |s| s.value.clone(),
    );
    spec.insert("summary".into(), json!(summary));
    if let Some(d) = &op.description {
        spec.insert("description".into(), json!(d.value));
    }
    spec.insert("method".into(), json!(op.method.value.as_str()));
    if let Some(n) = &op.rate_limit {
        spec.insert(
            "rateLimit".into(),
            json!({"perSecond": n.value, "scope": "account"}),
        );
    }
    spec.insert("readOnly".into(), json!(op.read_only.value));

    let mut params = Vec::new();
    let mut taken = BTreeSet::new();
    for p in &op.params {
        parameter(&mut ctx, p, &mut taken, &mut params);
    }
    spec.insert("parameters".into(), Value::Array(params));

    let response_name = format!("{}Response", op.name);
    let fields = fields(&mut ctx, &op.response, &response_name);
    spec.insert("response".into(), Value::Array(fields));

    let errors = errors(&mut ctx, &op.errors);
    if !errors.is_empty() {
        spec.insert("errors".into(), Value::Array(errors));
    }
    spec.insert("source".into(), json!(source_line(op)));
    Emitted {
        spec: Value::Object(spec),
        gaps: ctx.gaps,
    }
}

/// The `source` line: which sources the facts came from.
pub fn source_line(op: &OperationFacts) -> String {
    let listed: Vec<&str> = op.listed_in.iter().map(|s| s.id()).collect();
    format!(
        "Merged by `cargo xtask import` from {} (specs/ens/metadata/SOURCES.md); `cargo xtask import --explain {}` shows the source of each fact",
        listed.join(", "),
        op.name
    )
}

/// Pretty JSON with a final newline.
pub fn to_text(spec: &Value) -> String {
    let mut text = serde_json::to_string_pretty(spec).unwrap_or_default();
    text.push('\n');
    text
}

fn parameter(
    ctx: &mut Ctx<'_>,
    p: &ValueFacts,
    taken: &mut BTreeSet<String>,
    out: &mut Vec<Value>,
) {
    if p.location.as_ref().map(|l| l.value) == Some(Location::Body) {
        ctx.gap("body location (sent in the query instead)", &p.name);
    }
    let style = p.style.as_ref().map(|s| s.value).unwrap_or(Style::Plain);
    let shape = match (&p.kind.value, style) {
        (ValueKind::Object(fields), Style::Flat) => {
            // `SystemDisk.Size`: the object's fields are parameters of their own.
            for f in fields {
                let mut flat = f.clone();
                flat.name = format!("{}.{}", p.name, f.name);
                flat.style = Some(Fact::new(Style::Plain, Source::Sdk));
                if flat.description.is_none() {
                    flat.description = p.description.clone();
                }
                parameter(ctx, &flat, taken, out);
            }
            return;
        }
        (ValueKind::List(items), Style::Json | Style::Simple | Style::RepeatList | Style::Flat) => {
            match list_items(ctx, p, items, style) {
                Some(m) => m,
                None => return,
            }
        }
        (ValueKind::Object(_), _) => {
            ctx.gap("JSON object (typed as json)", &p.name);
            kind_only("json")
        }
        (ValueKind::Map(_) | ValueKind::Any, _) => kind_only("json"),
        (ValueKind::List(_), Style::Plain) => {
            ctx.gap("list without a list style (typed as json)", &p.name);
            kind_only("json")
        }
        _ => scalar(ctx, p, &p.name.replace('.', "")),
    };
    let mut obj = Map::new();
    obj.insert("name".into(), json!(p.name));
    rust_name(&mut obj, &p.name, taken);
    if let Some(w) = &p.wire_type {
        obj.insert("wireType".into(), json!(w.value));
    }
    obj.extend(shape);
    if p.required.as_ref().is_some_and(|r| r.value) {
        obj.insert("required".into(), json!(true));
    }
    if is_secret(&p.name) && obj["type"] == json!("string") {
        obj.insert("secret".into(), json!(true));
    }
    texts(&mut obj, p);
    let is_scalar = !matches!(obj["type"].as_str(), Some("list" | "json"));
    if let Some(e) = p
        .example
        .as_ref()
        .filter(|_| is_scalar || obj["type"] == json!("json"))
    {
        obj.insert("example".into(), json!(e.value));
    }
    if let Some(d) = p.default.as_ref().filter(|_| is_scalar) {
        obj.insert("default".into(), json!(d.value));
    }
    out.push(Value::Object(obj));
}

/// Passwords are redacted (`Password`, `NewPassword`, ...).
fn is_secret(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("password")
}

fn kind_only(kind: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), json!(kind));
    m
}

fn texts(obj: &mut Map<String, Value>, v: &ValueFacts) {
    if let Some(d) = &v.description {
        obj.insert("description".into(), json!(d.value));
    }
    if let Some(o) = &v.original_description {
        obj.insert("originalDescription".into(), json!(o.value));
    }
}

/// The keys of a list parameter; `None` when it cannot be expressed at all.
fn list_items(
    ctx: &mut Ctx<'_>,
    p: &ValueFacts,
    items: &ValueFacts,
    style: Style,
) -> Option<Map<String, Value>> {
    let list_style = match style {
        Style::Json => "json",
        Style::Simple => "simple",
        _ => "repeatList",
    };
    let item = match &items.kind.value {
        ValueKind::Object(fields) if list_style == "repeatList" => object_items(ctx, p, fields)?,
        ValueKind::Object(_) => {
            ctx.gap("JSON array of objects (typed as json)", &p.name);
            return Some(kind_only("json"));
        }
        ValueKind::List(_) | ValueKind::Map(_) | ValueKind::Any => {
            ctx.gap("list of containers (typed as json)", &p.name);
            return Some(kind_only("json"));
        }
        _ => scalar(ctx, items, &p.name.replace('.', "")),
    };
    let mut m = kind_only("list");
    m.insert("style".into(), json!(list_style));
    m.insert("items".into(), Value::Object(item));
    let of_objects = matches!(items.kind.value, ValueKind::Object(_));
    if of_objects && p.item_count.is_some() {
        ctx.gap("item count on a list of objects (left out)", &p.name);
    }
    if let Some(Fact {
        value: (min, max), ..
    }) = p.item_count.as_ref().filter(|_| !of_objects)
    {
        if let Some(min) = min {
            m.insert("minItems".into(), json!(min));
        }
        if let Some(max) = max {
            m.insert("maxItems".into(), json!(max));
        }
    }
    Some(m)
}

/// `items` of a repeatList of objects: `X.N.Field`.
fn object_items(
    ctx: &mut Ctx<'_>,
    list: &ValueFacts,
    fields: &[ValueFacts],
) -> Option<Map<String, Value>> {
    let mut out = Vec::new();
    let mut taken = BTreeSet::new();
    for f in fields {
        if !is_scalar_kind(&f.kind.value) {
            ctx.gap(
                "container field in a repeatList element (left out)",
                &format!("{}.N.{}", list.name, f.name),
            );
            continue;
        }
        let mut obj = Map::new();
        obj.insert("name".into(), json!(f.name));
        rust_name(&mut obj, &f.name, &mut taken);
        if let Some(w) = &f.wire_type {
            obj.insert("wireType".into(), json!(w.value));
        }
        obj.extend(scalar(ctx, f, &format!("{}{}", list.name, f.name)));
        if f.required.as_ref().is_some_and(|r| r.value) {
            obj.insert("required".into(), json!(true));
        }
        texts(&mut obj, f);
        if let Some(e) = &f.example {
            obj.insert("example".into(), json!(e.value));
        }
        out.push(Value::Object(obj));
    }
    if out.is_empty() {
        ctx.gap(
            "list of objects without scalar fields (left out)",
            &list.name,
        );
        return None;
    }
    let mut m = kind_only("object");
    m.insert(
        "structName".into(),
        json!(ctx.names.claim(&list.name, ctx.op)),
    );
    m.insert("fields".into(), Value::Array(out));
    Some(m)
}

fn is_scalar_kind(k: &ValueKind) -> bool {
    matches!(
        k,
        ValueKind::String | ValueKind::Integer | ValueKind::Number | ValueKind::Boolean
    )
}

/// A scalar's `type` and the keys that go with it.
fn scalar(ctx: &mut Ctx<'_>, v: &ValueFacts, enum_base: &str) -> Map<String, Value> {
    let kind = match &v.kind.value {
        ValueKind::Integer => "integer",
        ValueKind::Number => "number",
        ValueKind::Boolean => "boolean",
        _ => "string",
    };
    let mut m = kind_only(kind);
    // A string that is `true` or `false` (in either spelling) is a boolean.
    if let Some(literals) = v
        .enum_values
        .as_ref()
        .and_then(|e| boolean_literals(&e.value))
    {
        m.insert("type".into(), json!("boolean"));
        if literals != ["true", "false"] {
            m.insert("literals".into(), json!(literals));
        }
        return m;
    }
    // Numbers from a closed list: the allowed values as ranges (`1 to 9, 12`).
    if let Some(ranges) = v
        .enum_values
        .as_ref()
        .filter(|_| kind == "integer")
        .and_then(|e| integer_ranges(&e.value))
    {
        m.insert("constraints".into(), json!([{ "oneOf": ranges }]));
        return m;
    }
    if let Some(values) = v.enum_values.as_ref().filter(|_| kind != "boolean") {
        m.insert("type".into(), json!("enum"));
        let base = if enum_base.is_empty() {
            ctx.op.to_owned()
        } else {
            enum_base.to_owned()
        };
        m.insert("enumName".into(), json!(ctx.names.claim(&base, ctx.op)));
        m.insert("values".into(), Value::Array(enum_values(&values.value)));
        return m;
    }
    let mut constraints = Vec::new();
    if kind == "integer" || kind == "number" {
        if let Some(Fact {
            value: (min, max), ..
        }) = &v.range
        {
            let bound =
                |b: &Option<String>| b.as_deref().and_then(|s| s.trim().parse::<i64>().ok());
            let mut r = Map::new();
            if let Some(min) = bound(min) {
                r.insert("min".into(), json!(min));
            }
            if let Some(max) = bound(max) {
                r.insert("max".into(), json!(max));
            }
            if !r.is_empty() {
                constraints.push(json!({ "range": r }));
            }
        }
    } else if kind == "string"
        && let Some(Fact {
            value: (min, max), ..
        }) = &v.length
    {
        constraints.push(length(min, max));
    }
    if v.pattern.is_some() {
        ctx.gap("pattern (kept in the text only)", &v.name);
    }
    if !constraints.is_empty() {
        m.insert("constraints".into(), Value::Array(constraints));
    }
    m
}

/// The wire spellings of true and false when the values are exactly those two.
fn boolean_literals(values: &[String]) -> Option<[String; 2]> {
    let find = |word: &str| {
        values
            .iter()
            .find(|v| v.eq_ignore_ascii_case(word))
            .cloned()
    };
    match values {
        [_, _] => Some([find("true")?, find("false")?]),
        _ => None,
    }
}

/// Integers as sorted inclusive ranges (`[[1, 9], [12, 12]]`); `None` if one is not an integer.
fn integer_ranges(values: &[String]) -> Option<Vec<[i64; 2]>> {
    let mut numbers = values
        .iter()
        .map(|v| v.trim().parse::<i64>().ok())
        .collect::<Option<Vec<i64>>>()?;
    numbers.sort_unstable();
    numbers.dedup();
    let mut out: Vec<[i64; 2]> = Vec::new();
    for n in numbers {
        match out.last_mut() {
            Some(last) if last[1] + 1 == n => last[1] = n,
            _ => out.push([n, n]),
        }
    }
    (!out.is_empty()).then_some(out)
}

fn length(min: &Option<u64>, max: &Option<u64>) -> Value {
    let mut l = Map::new();
    if let Some(min) = min {
        l.insert("min".into(), json!(min));
    }
    if let Some(max) = max {
        l.insert("max".into(), json!(max));
    }
    json!({ "length": l })
}

fn enum_values(values: &[String]) -> Vec<Value> {
    let mut variants = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for value in values {
        if !seen.insert(value.clone()) {
            continue;
        }
        let derived = value.to_upper_camel_case();
        let mut variant = variant_name(&derived, 'V');
        if variant == "V" {
            variant = "Empty".into();
        }
        let variant = unique(&mut variants, variant, "");
        let mut entry = Map::new();
        entry.insert("value".into(), json!(value));
        if variant != derived {
            entry.insert("variant".into(), json!(variant));
        }
        out.push(Value::Object(entry));
    }
    out
}

/// Response fields.
fn fields(ctx: &mut Ctx<'_>, members: &[ValueFacts], parent: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut taken = BTreeSet::new();
    for f in members {
        let mut obj = Map::new();
        obj.insert("name".into(), json!(f.name));
        rust_name(&mut obj, &f.name, &mut taken);
        obj.extend(field(ctx, f, parent));
        out.push(Value::Object(obj));
    }
    out
}

/// One response element (without its name).
fn field(ctx: &mut Ctx<'_>, f: &ValueFacts, parent: &str) -> Map<String, Value> {
    let mut obj = match &f.kind.value {
        ValueKind::Object(members) => match members.as_slice() {
            // `{"InstanceIds": {"InstanceId": [...]}}`: a wrapped list.
            [inner] if matches!(inner.kind.value, ValueKind::List(_)) => {
                let ValueKind::List(items) = &inner.kind.value else {
                    unreachable!("matched a list above")
                };
                let mut m = kind_only("list");
                m.insert("wrapper".into(), json!(inner.name));
                m.insert(
                    "items".into(),
                    Value::Object(list_item(ctx, items, &inner.name, parent)),
                );
                // The wrapper's own text is usually empty; the array's tells what it holds.
                let mut texts_of = f.clone();
                if texts_of.description.is_none() {
                    texts_of.description = inner.description.clone();
                }
                if texts_of.original_description.is_none() {
                    texts_of.original_description = inner.original_description.clone();
                }
                texts(&mut m, &texts_of);
                return m;
            }
            [] => kind_only("json"),
            _ => {
                let mut m = kind_only("object");
                let name = ctx.names.claim(&f.name, parent);
                m.insert("structName".into(), json!(name));
                m.insert("fields".into(), Value::Array(fields(ctx, members, &name)));
                m
            }
        },
        ValueKind::List(items) => {
            let mut m = kind_only("list");
            m.insert(
                "items".into(),
                Value::Object(list_item(ctx, items, &format!("{}Item", f.name), parent)),
            );
            m
        }
        ValueKind::Map(_) | ValueKind::Any => kind_only("json"),
        ValueKind::Integer => kind_only("integer"),
        ValueKind::Number => kind_only("number"),
        ValueKind::Boolean => kind_only("boolean"),
        ValueKind::String => kind_only("string"),
    };
    texts(&mut obj, f);
    if !matches!(obj["type"].as_str(), Some("object" | "list" | "json"))
        && let Some(e) = &f.example
    {
        obj.insert("example".into(), json!(e.value));
    }
    obj
}

fn list_item(
    ctx: &mut Ctx<'_>,
    items: &ValueFacts,
    element: &str,
    parent: &str,
) -> Map<String, Value> {
    match &items.kind.value {
        ValueKind::List(_) => {
            ctx.gap("response list of lists (typed as json)", element);
            kind_only("json")
        }
        ValueKind::Object(members) if !members.is_empty() => {
            let mut m = kind_only("object");
            let name = ctx.names.claim(element, parent);
            m.insert("structName".into(), json!(name));
            m.insert("fields".into(), Value::Array(fields(ctx, members, &name)));
            m
        }
        _ => field(ctx, items, parent),
    }
}

fn errors(ctx: &mut Ctx<'_>, codes: &[Fact<super::sources::SourceError>]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut seen_codes = BTreeSet::new();
    let mut variants = BTreeSet::new();
    for e in codes {
        let e = &e.value;
        let Ok(http_status) = e.http_status.parse::<u16>() else {
            ctx.gap(
                "error code with a non-numeric HTTP status (left out)",
                &e.code,
            );
            continue;
        };
        if ctx.common_codes.contains(&e.code) || e.code.matches("%s").count() > 1 {
            continue;
        }
        if !seen_codes.insert(e.code.clone()) {
            continue;
        }
        let derived = e.code.replace("%s", "Field").to_upper_camel_case();
        let mut variant = variant_name(&derived, 'E');
        if matches!(variant.as_str(), "Common" | "Unhandled") {
            variant = format!("{variant}Code");
        }
        let variant = unique(&mut variants, variant, "");
        let mut obj = Map::new();
        obj.insert("httpStatus".into(), json!(http_status));
        obj.insert("code".into(), json!(e.code));
        obj.insert("message".into(), json!(e.message));
        if let Some(d) = e.description.as_ref().filter(|d| **d != e.message) {
            obj.insert("description".into(), json!(d));
        }
        if variant != derived {
            obj.insert("variant".into(), json!(variant));
        }
        out.push(Value::Object(obj));
    }
    out
}

/// Rust type names already taken in one operation's module.
struct Names(BTreeSet<String>);

impl Names {
    fn new(op: &str) -> Names {
        let mut taken: BTreeSet<String> = ["Request", "RequestBuilder", "Response", "Error"]
            .iter()
            .map(|s| format!("{op}{s}"))
            .collect();
        // Prelude and runtime names the generated code uses unqualified (a struct `Result`
        // would shadow `Result<T, E>`).
        taken.extend(
            ens_codegen::RESERVED_TYPE_NAMES
                .iter()
                .map(|s| (*s).to_owned()),
        );
        Names(taken)
    }

    /// `wanted` if free, else `parent` + `wanted`, else numbered.
    fn claim(&mut self, wanted: &str, parent: &str) -> String {
        let wanted = type_name(wanted);
        let mut candidates = vec![wanted.clone(), format!("{}{wanted}", type_name(parent))];
        candidates.extend((2..).take(50).map(|n| format!("{wanted}{n}")));
        let name = candidates
            .into_iter()
            .find(|c| !self.0.contains(c))
            .unwrap_or(wanted);
        self.0.insert(name.clone());
        name
    }
}

/// UpperCamelCase that is a valid type name (prefix `T` when it would not start with a letter).
fn type_name(s: &str) -> String {
    let camel = s.to_upper_camel_case();
    if camel
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
    {
        camel
    } else {
        format!("T{camel}")
    }
}

fn valid_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(s, "self" | "Self" | "super" | "crate" | "_")
}

/// The Rust field name for a wire name: snake case, reading `VSwitch` as one word (`vswitch_id`,
/// as the curated specs spell it, not `v_switch_id`).
pub fn snake(name: &str) -> String {
    name.replace("VSwitch", "Vswitch")
        .replace("VSWITCH", "Vswitch")
        .to_snake_case()
}

/// Sets `rustName` when the name differs from the generator's default (`name` in snake case): when
/// [`snake`] reads better, when the default is not a valid identifier, or when it is taken.
fn rust_name(obj: &mut Map<String, Value>, name: &str, taken: &mut BTreeSet<String>) {
    let default = name.to_snake_case();
    let wanted = snake(name);
    let chosen = if valid_ident(&wanted) {
        wanted
    } else {
        let cleaned: String = wanted
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        format!("f_{}", cleaned.trim_matches('_'))
    };
    let chosen = unique(taken, chosen, "_");
    if chosen != default {
        obj.insert("rustName".into(), json!(chosen));
    }
}

/// `wanted` if not taken, else the first free of `wanted2`, `wanted3`, ... (with `sep` before the
/// number); marked as taken.
fn unique(taken: &mut BTreeSet<String>, wanted: String, sep: &str) -> String {
    let name = if taken.contains(&wanted) {
        (2..)
            .map(|n| format!("{wanted}{sep}{n}"))
            .find(|c| !taken.contains(c))
            .unwrap_or(wanted)
    } else {
        wanted
    };
    taken.insert(name.clone());
    name
}

/// `derived` when it is an identifier starting with a letter; otherwise its letters and digits
/// behind `prefix` (`95BandwidthByMonth` -> `V95BandwidthByMonth`).
fn variant_name(derived: &str, prefix: char) -> String {
    if derived
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && valid_ident(derived)
    {
        return derived.to_owned();
    }
    let cleaned: String = derived
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("{prefix}{cleaned}")
}

/// Bounds as text for reports.
pub fn bounds_text<T: std::fmt::Display>(b: &Bounds<T>) -> String {
    let show = |x: &Option<T>| x.as_ref().map_or_else(|| "..".to_owned(), T::to_string);
    format!("[{}, {}]", show(&b.0), show(&b.1))
}
