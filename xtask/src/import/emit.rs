//! Emission: [`OperationFacts`] to documents in the format of `specs/README.md` (the serde model in
//! `ens-codegen/src/spec.rs`): operation specs, shared shapes and the error codes they use. Pure:
//! facts in, JSON out.
//!
//! It runs twice over every operation. The first pass ([`Mode::Collect`]) notes each value that
//! could be a shared shape: an enum, a checked string, a list element's object, a response object;
//! each with its name and its rules (the value emitted without texts or Rust names). The plan
//! ([`super::shapes::plan`]) makes a shape of every name whose rules are the same wherever it occurs
//! (two uses or more); the second pass ([`Mode::Emit`]) refers to those by name and writes each
//! shape's document from its first use.

use super::catalog::{Catalog, usable};
use super::facts::{Bounds, Fact, OperationFacts, Pagination, ValueFacts, ValueKind};
use super::shapes::{Candidate, Plan, ShapeKind};
use super::sources::{Location, Source, Style};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

pub const VERSION: &str = "2017-11-10";
/// The start of the `source` line of every spec the import writes: a spec without it is curated.
pub const MARK: &str = "Merged by `cargo xtask import`";
/// The provenance source of the waiters our data gives.
pub const WAITERS_SOURCE: &str = "waiters";

/// Something a source states that the spec format cannot express.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Gap {
    /// Short kind, for counting.
    pub kind: &'static str,
    /// `Operation: Param` where it happens.
    pub at: String,
}

/// What the emitter needs besides the facts.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    pub catalog: &'a Catalog,
    pub common_codes: &'a BTreeSet<String>,
    /// `$schema` of a document in `operations/` or `shapes/` where it is written.
    pub schema: &'a str,
    /// Names of the shared shapes, which every generated operation module imports: no type of
    /// an operation may take one.
    pub shape_names: &'a BTreeSet<String>,
    /// The waiters our data (`metadata/waiters.json`) gives operations, by operation.
    pub waiters: &'a BTreeMap<String, Value>,
}

/// What a pass does at a shape candidate.
#[derive(Debug, Clone, Copy)]
pub enum Mode<'a> {
    /// Note candidates, emit inline.
    Collect,
    /// Refer to the planned shapes.
    Emit(&'a Plan),
    /// Emit inline, without texts or Rust names: the rules that decide whether two uses are one
    /// shape.
    Core,
}

/// One operation's spec and what came out besides.
#[derive(Debug, Clone, Default)]
pub struct Emitted {
    pub spec: Value,
    pub gaps: Vec<Gap>,
    /// Shape candidates met (collect pass).
    pub candidates: Vec<Candidate>,
    /// Shape documents by name, defined here first (emit pass).
    pub shapes: BTreeMap<String, Value>,
}

struct Ctx<'a> {
    op: &'a str,
    mode: Mode<'a>,
    env: Env<'a>,
    names: Names,
    out: Emitted,
}

impl Ctx<'_> {
    fn gap(&mut self, kind: &'static str, at: &str) {
        if !matches!(self.mode, Mode::Core) {
            self.out.gaps.push(Gap {
                kind,
                at: format!("{}: {at}", self.op),
            });
        }
    }

    fn texts(&self) -> bool {
        !matches!(self.mode, Mode::Core)
    }

    /// The type part of a value that may be a shared shape: `{"shape": name}` when the plan says
    /// so, else what `build` makes.
    fn candidate(
        &mut self,
        kind: ShapeKind,
        name: &str,
        at: &str,
        build: &dyn Fn(&mut Ctx<'_>) -> Map<String, Value>,
    ) -> Map<String, Value> {
        if matches!(self.mode, Mode::Core) || name.is_empty() {
            return build(self);
        }
        let rules = self.core(build);
        match self.mode {
            Mode::Collect => {
                self.out.candidates.push(Candidate {
                    kind,
                    name: name.to_owned(),
                    rules,
                    at: format!("{}.{at}", self.op),
                });
                build(self)
            }
            Mode::Emit(plan) => match plan.shape_of(kind, name, &rules) {
                Some(shape) => {
                    if plan.writes(shape) && !self.out.shapes.contains_key(shape) {
                        // Built apart so that the operation's own type names stay as they are.
                        let mut sub = Ctx {
                            op: self.op,
                            mode: self.mode,
                            env: self.env,
                            names: Names::new(shape, self.env.shape_names),
                            out: Emitted::default(),
                        };
                        let def = build(&mut sub);
                        self.out.gaps.append(&mut sub.out.gaps);
                        self.out.shapes.append(&mut sub.out.shapes);
                        let doc = shape_document(shape, kind, def, plan, self.env.schema);
                        self.out.shapes.insert(shape.to_owned(), doc);
                    }
                    let mut m = Map::new();
                    m.insert("shape".into(), json!(shape));
                    m
                }
                None => build(self),
            },
            Mode::Core => build(self),
        }
    }

    /// The rules of what `build` makes: emitted without texts and Rust names, as canonical JSON.
    fn core(&self, build: &dyn Fn(&mut Ctx<'_>) -> Map<String, Value>) -> String {
        let mut sub = Ctx {
            op: self.op,
            mode: Mode::Core,
            env: self.env,
            names: Names::new(self.op, self.env.shape_names),
            out: Emitted::default(),
        };
        let mut value = Value::Object(build(&mut sub));
        super::shapes::strip(&mut value);
        value.to_string()
    }
}

/// A shape's document from the type part of its first use.
fn shape_document(
    name: &str,
    kind: ShapeKind,
    def: Map<String, Value>,
    plan: &Plan,
    schema: &str,
) -> Value {
    let uses = plan.uses(name);
    let mut doc = Map::new();
    doc.insert("$schema".into(), json!(schema));
    doc.insert("shape".into(), json!(name));
    let (what, key, from) = match kind {
        ShapeKind::Enum => ("enum", "values", "values"),
        ShapeKind::Checked => ("string", "constraints", "constraints"),
        ShapeKind::RequestObject => ("object", "fields", "fields"),
        ShapeKind::ResponseObject => ("structure", "members", "fields"),
    };
    doc.insert("type".into(), json!(what));
    if let Some(v) = def.get(from) {
        doc.insert(key.into(), v.clone());
    }
    if def.get("secret") == Some(&Value::Bool(true)) {
        doc.insert("secret".into(), json!(true));
    }
    doc.insert(
        "description".into(),
        json!(format!(
            "`{name}` as {} state it (the same rules in each; shared by `cargo xtask import`).",
            list_words(&uses)
        )),
    );
    doc.insert(
        "source".into(),
        json!(format!(
            "{MARK}: the same rules in every operation that uses it; rewritten by each import (mark it `curated` in `provenance` to edit it)"
        )),
    );
    Value::Object(doc)
}

/// `A`, `A and B`, `A, B and 3 more operations`.
fn list_words(items: &[String]) -> String {
    match items {
        [] => "no operation".into(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more operations", rest.len()),
    }
}

/// The spec of one operation.
pub fn emit(op: &OperationFacts, env: Env<'_>, mode: Mode<'_>) -> Emitted {
    let mut ctx = Ctx {
        op: &op.name,
        mode,
        env,
        names: Names::new(&op.name, env.shape_names),
        out: Emitted::default(),
    };
    let mut spec = Map::new();
    spec.insert("$schema".into(), json!(env.schema));
    spec.insert("operation".into(), json!(op.name));
    spec.insert("version".into(), json!(VERSION));
    if let Some(area) = &op.area {
        spec.insert("area".into(), json!(area.value));
    }
    let summary = op.summary.as_ref().map_or_else(
        || format!("The `{}` operation.", op.name),
        |s| s.value.clone(),
    );
    spec.insert("summary".into(), json!(summary));
    if let Some(s) = &op.original_summary {
        spec.insert("originalSummary".into(), json!(s.value));
    }
    if let Some(d) = &op.description {
        spec.insert("description".into(), json!(d.value));
    }
    if let Some(d) = &op.original_description {
        let paragraphs = paragraphs(&d.value);
        if !paragraphs.is_empty() {
            spec.insert("originalDescription".into(), json!(paragraphs));
        }
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
        params.push(Value::Object(parameter(&mut ctx, p, true, &mut taken)));
    }
    spec.insert("parameters".into(), Value::Array(params));

    let response_name = format!("{}Response", op.name);
    let fields = fields(&mut ctx, &op.response, &response_name, "");
    spec.insert("response".into(), Value::Array(fields));

    let errors = errors(&ctx, &op.errors);
    if !errors.is_empty() {
        spec.insert("errors".into(), Value::Array(errors));
    }
    if let Some(p) = &op.pagination {
        spec.insert("pagination".into(), pagination(&p.value));
    }
    let mut provenance = provenance(op);
    if let Some(waiters) = env.waiters.get(&op.name) {
        spec.insert("waiters".into(), waiters.clone());
        provenance.push(json!({"source": WAITERS_SOURCE, "facts": ["waiters"], "note": "the waiters of specs/ens/metadata/waiters.json, written from the reference's status texts"}));
    }
    spec.insert("source".into(), json!(source_line(op)));
    spec.insert("provenance".into(), Value::Array(provenance));
    ctx.out.spec = Value::Object(spec);
    ctx.out
}

/// The zh-CN description as paragraphs: one entry per non-empty line, list marks left out.
fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches("- ").trim())
        .filter(|l| l.chars().any(char::is_alphanumeric))
        .map(str::to_owned)
        .collect()
}

fn pagination(p: &Pagination) -> Value {
    match p {
        Pagination::PageNumber {
            page,
            size,
            total,
            items,
        } => {
            json!({"style": "pageNumber", "input": page, "pageSize": size, "totalCount": total, "items": items})
        }
        Pagination::Token {
            request,
            response,
            items,
        } => {
            json!({"style": "nextToken", "input": request, "outputToken": response, "items": items})
        }
    }
}

/// The `source` line: which sources the facts came from. It starts with [`MARK`].
pub fn source_line(op: &OperationFacts) -> String {
    let listed: Vec<&str> = op.listed_in.iter().map(|s| s.id()).collect();
    format!(
        "{MARK} from {} (specs/ens/metadata/SOURCES.md); `cargo xtask import --explain {}` shows the source of each fact",
        listed.join(", "),
        op.name
    )
}

/// Which source gave which group of facts (the groups of `spec.rs`'s `Provenance`).
pub fn provenance(op: &OperationFacts) -> Vec<Value> {
    let mut groups: BTreeMap<Source, BTreeSet<&'static str>> = BTreeMap::new();
    let mut add = |source: Source, group: &'static str| {
        groups.entry(source).or_default().insert(group);
    };
    add(op.method.from, "operation");
    add(op.read_only.from, "operation");
    for f in [&op.summary, &op.original_summary].into_iter().flatten() {
        add(f.from, "descriptions");
    }
    if let Some(d) = &op.description {
        add(d.from, "descriptions");
    }
    if let Some(d) = &op.original_description {
        add(d.from, "descriptions");
    }
    for f in [
        op.rate_limit.as_ref().map(|r| r.from),
        op.area.as_ref().map(|a| a.from),
    ]
    .into_iter()
    .flatten()
    {
        add(f, "operation");
    }
    if let Some(p) = &op.pagination {
        add(p.from, "operation");
    }
    if let Some(e) = op.errors.first() {
        add(e.from, "errors");
    }
    fn walk(v: &ValueFacts, response: bool, add: &mut dyn FnMut(Source, &'static str)) {
        add(v.kind.from, if response { "response" } else { "types" });
        if !response {
            add(v.kind.from, "parameters");
        }
        for (f, group) in [
            (v.location.as_ref().map(|f| f.from), "locations"),
            (v.style.as_ref().map(|f| f.from), "styles"),
            (v.wire_type.as_ref().map(|f| f.from), "types"),
            (v.description.as_ref().map(|f| f.from), "descriptions"),
            (
                v.original_description.as_ref().map(|f| f.from),
                "descriptions",
            ),
            (v.example.as_ref().map(|f| f.from), "examples"),
            (v.default.as_ref().map(|f| f.from), "examples"),
            (v.enum_values.as_ref().map(|f| f.from), "constraints"),
            (v.range.as_ref().map(|f| f.from), "constraints"),
            (v.length.as_ref().map(|f| f.from), "constraints"),
            (v.item_count.as_ref().map(|f| f.from), "constraints"),
        ] {
            if let Some(source) = f {
                add(source, group);
            }
        }
        match &v.kind.value {
            ValueKind::List(i) | ValueKind::Map(i) => walk(i, response, add),
            ValueKind::Object(m) => m.iter().for_each(|m| walk(m, response, add)),
            _ => {}
        }
    }
    for p in &op.params {
        walk(p, false, &mut add);
    }
    for f in &op.response {
        walk(f, true, &mut add);
    }
    groups
        .into_iter()
        .rev()
        .map(|(source, facts)| {
            json!({"source": source.id(), "facts": facts.into_iter().collect::<Vec<_>>(), "note": source.note()})
        })
        .collect()
}

/// Pretty JSON with sorted keys and a final newline. Sorted explicitly: with serde_json's
/// `preserve_order` (which any crate of a build may turn on: Cargo unifies features) a
/// map keeps insertion order, and a re-import must be byte-identical however xtask was built.
pub fn to_text(spec: &Value) -> String {
    let mut text =
        serde_json::to_string_pretty(&crate::spec_docs::sorted_keys(spec)).unwrap_or_default();
    text.push('\n');
    text
}

fn kind_only(kind: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), json!(kind));
    m
}

fn texts(ctx: &Ctx<'_>, obj: &mut Map<String, Value>, v: &ValueFacts) {
    if !ctx.texts() {
        return;
    }
    if let Some(d) = &v.description {
        obj.insert("description".into(), json!(d.value));
    }
    if let Some(o) = &v.original_description {
        obj.insert("originalDescription".into(), json!(o.value));
    }
}

fn is_scalar(k: &ValueKind) -> bool {
    matches!(
        k,
        ValueKind::String | ValueKind::Integer | ValueKind::Number | ValueKind::Boolean
    )
}

/// Passwords are redacted (`Password`, `NewPassword`, ...).
fn is_secret(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("password")
}

/// A request parameter, or a field of a request object (`top` is false).
fn parameter(
    ctx: &mut Ctx<'_>,
    p: &ValueFacts,
    top: bool,
    taken: &mut BTreeSet<String>,
) -> Map<String, Value> {
    let mut obj = Map::new();
    obj.insert("name".into(), json!(p.name));
    if ctx.texts() {
        rust_name(&mut obj, &p.name, taken);
        if let Some(w) = &p.wire_type {
            obj.insert("wireType".into(), json!(w.value));
        }
    }
    let style = p.style.as_ref().map(|s| s.value);
    obj.extend(value(ctx, p, &p.name, style, top));
    if p.required.as_ref().is_some_and(|r| r.value) {
        obj.insert("required".into(), json!(true));
    }
    if top && p.location.as_ref().map(|l| l.value) == Some(Location::Body) {
        obj.insert("in".into(), json!("body"));
    }
    texts(ctx, &mut obj, p);
    let scalar = is_scalar(&p.kind.value);
    let json_text = obj.get("type") == Some(&json!("json"));
    if ctx.texts() {
        if let Some(e) = p.example.as_ref().filter(|_| scalar || json_text) {
            obj.insert("example".into(), json!(e.value));
        }
        if let Some(d) = p.default.as_ref().filter(|_| scalar) {
            obj.insert("default".into(), json!(d.value));
        }
    }
    obj
}

/// The type part of a request value: `type` and its keys, or `shape`.
fn value(
    ctx: &mut Ctx<'_>,
    v: &ValueFacts,
    name: &str,
    style: Option<Style>,
    top: bool,
) -> Map<String, Value> {
    let type_name = name.replace('.', "");
    match &v.kind.value {
        ValueKind::List(items) => {
            let mut m = kind_only("list");
            if let Some(style) = style {
                let style = match style {
                    Style::Json => "json",
                    Style::Simple => "simple",
                    _ => "repeatList",
                };
                m.insert("style".into(), json!(style));
            }
            let item = element(ctx, items, &type_name);
            m.insert("items".into(), Value::Object(item));
            if let Some(Fact {
                value: (min, max), ..
            }) = &v.item_count
            {
                if let Some(min) = min {
                    m.insert("minItems".into(), json!(min));
                }
                if let Some(max) = max {
                    m.insert("maxItems".into(), json!(max));
                }
            }
            m
        }
        ValueKind::Object(fields) => {
            let mut m = object(ctx, fields, &type_name);
            match style {
                Some(Style::Flat) => {
                    m.insert("style".into(), json!("flat"));
                }
                Some(Style::Json) => {
                    m.insert("style".into(), json!("json"));
                }
                _ => {}
            }
            m
        }
        ValueKind::Map(values) => {
            let mut m = kind_only("map");
            if top && style == Some(Style::Json) {
                m.insert("style".into(), json!("json"));
            }
            let item = element(ctx, values, &type_name);
            m.insert("valuesOf".into(), Value::Object(item));
            m
        }
        ValueKind::Any => kind_only("json"),
        _ => scalar_value(ctx, v, name, &type_name),
    }
}

/// A list's element or a map's value: an object (maybe a shared shape), or a value.
fn element(ctx: &mut Ctx<'_>, items: &ValueFacts, list: &str) -> Map<String, Value> {
    match &items.kind.value {
        ValueKind::Object(fields) => {
            let fields = fields.clone();
            let list = list.to_owned();
            ctx.candidate(
                ShapeKind::RequestObject,
                &list.clone(),
                &format!("{list}[]"),
                &move |c| object(c, &fields, &list),
            )
        }
        _ => value(ctx, items, list, None, false),
    }
}

/// `type: object` with its fields.
fn object(ctx: &mut Ctx<'_>, fields: &[ValueFacts], name: &str) -> Map<String, Value> {
    let mut m = kind_only("object");
    if ctx.texts() {
        let struct_name = ctx.names.claim(name, ctx.op);
        m.insert("structName".into(), json!(struct_name));
    }
    let mut taken = BTreeSet::new();
    let out: Vec<Value> = fields
        .iter()
        .map(|f| Value::Object(parameter(ctx, f, false, &mut taken)))
        .collect();
    m.insert("fields".into(), Value::Array(out));
    m
}

/// A scalar request value, which may be a shared enum or checked string.
fn scalar_value(
    ctx: &mut Ctx<'_>,
    v: &ValueFacts,
    name: &str,
    type_name: &str,
) -> Map<String, Value> {
    let wire = name.rsplit('.').next().unwrap_or(name).to_owned();
    let secret = is_secret(name);
    let is_enum = v.enum_values.as_ref().is_some_and(|e| {
        boolean_literals(&e.value).is_none()
            && !(v.kind.value == ValueKind::Integer && integer_ranges(&e.value).is_some())
            && v.kind.value != ValueKind::Boolean
    });
    let checked = v.kind.value == ValueKind::String && !is_enum && (v.length.is_some() || secret);
    let owned = v.clone();
    let type_name = type_name.to_owned();
    let build = move |c: &mut Ctx<'_>| scalar(c, &owned, &type_name, secret);
    if is_enum {
        ctx.candidate(ShapeKind::Enum, &wire, name, &build)
    } else if checked {
        ctx.candidate(ShapeKind::Checked, &wire, name, &build)
    } else {
        build(ctx)
    }
}

/// A scalar's `type` and the keys that go with it.
fn scalar(ctx: &mut Ctx<'_>, v: &ValueFacts, enum_base: &str, secret: bool) -> Map<String, Value> {
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
        if ctx.texts() {
            let base = if enum_base.is_empty() {
                ctx.op.to_owned()
            } else {
                enum_base.to_owned()
            };
            let name = ctx.names.claim(&base, ctx.op);
            m.insert("enumName".into(), json!(name));
        }
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
    // A pattern the checker's dialect reads is checked; on a number (`^\d+$` for a page
    // number) it says nothing the type does not.
    if let Some(Fact { value: pattern, .. }) = &v.pattern {
        if kind == "string" && ens_core::pattern::parse_check(pattern).is_ok() {
            constraints.push(json!({ "pattern": pattern }));
        } else if kind == "string" {
            ctx.gap(
                "pattern outside the checker's dialect (kept in the text)",
                &v.name,
            );
        }
    }
    if !constraints.is_empty() {
        m.insert("constraints".into(), Value::Array(constraints));
    }
    if secret && kind == "string" {
        m.insert("secret".into(), json!(true));
    }
    // A checked string is a newtype: its name must not clash with a shape's.
    if kind == "string" && m.len() > 1 && ctx.texts() {
        let base = if enum_base.is_empty() {
            ctx.op
        } else {
            enum_base
        };
        let name = ctx.names.claim(base, ctx.op);
        m.insert("newtype".into(), json!(name));
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

/// Response fields; `path` is where they are (`Instances[].`), for shape candidates.
fn fields(ctx: &mut Ctx<'_>, members: &[ValueFacts], parent: &str, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut taken = BTreeSet::new();
    for f in members {
        let mut obj = Map::new();
        obj.insert("name".into(), json!(f.name));
        if ctx.texts() {
            rust_name(&mut obj, &f.name, &mut taken);
        }
        obj.extend(field(ctx, f, parent, &format!("{path}{}", f.name)));
        out.push(Value::Object(obj));
    }
    out
}

/// One response element (without its name).
fn field(ctx: &mut Ctx<'_>, f: &ValueFacts, parent: &str, path: &str) -> Map<String, Value> {
    let mut obj = match &f.kind.value {
        ValueKind::Object(members) => match members.as_slice() {
            // `{"InstanceIds": {"InstanceId": [...]}}`: a wrapped list.
            [inner] if matches!(inner.kind.value, ValueKind::List(_)) => {
                let ValueKind::List(items) = &inner.kind.value else {
                    unreachable!("matched a list above")
                };
                let mut m = kind_only("list");
                m.insert("wrapper".into(), json!(inner.name));
                let at = format!("{path}.{}[]", inner.name);
                m.insert(
                    "items".into(),
                    Value::Object(list_item(ctx, items, &inner.name, parent, &at)),
                );
                // The wrapper's own text is usually empty; the array's tells what it holds.
                let mut texts_of = f.clone();
                if texts_of.description.is_none() {
                    texts_of.description = inner.description.clone();
                }
                if texts_of.original_description.is_none() {
                    texts_of.original_description = inner.original_description.clone();
                }
                texts(ctx, &mut m, &texts_of);
                return m;
            }
            [] => kind_only("json"),
            _ => structure(ctx, members, &f.name, parent, path),
        },
        ValueKind::List(items) => {
            let mut m = kind_only("list");
            let at = format!("{path}[]");
            m.insert(
                "items".into(),
                Value::Object(list_item(ctx, items, &f.name, parent, &at)),
            );
            m
        }
        ValueKind::Map(values) => {
            let mut m = kind_only("map");
            m.insert(
                "valuesOf".into(),
                Value::Object(list_item(
                    ctx,
                    values,
                    &f.name,
                    parent,
                    &format!("{path}{{}}"),
                )),
            );
            m
        }
        ValueKind::Any => kind_only("json"),
        ValueKind::Integer => kind_only("integer"),
        ValueKind::Number => kind_only("number"),
        ValueKind::Boolean => kind_only("boolean"),
        ValueKind::String => kind_only("string"),
    };
    texts(ctx, &mut obj, f);
    if ctx.texts()
        && is_scalar(&f.kind.value)
        && let Some(e) = &f.example
    {
        obj.insert("example".into(), json!(e.value));
    }
    obj
}

/// A response object, which may be a shared structure.
fn structure(
    ctx: &mut Ctx<'_>,
    members: &[ValueFacts],
    name: &str,
    parent: &str,
    path: &str,
) -> Map<String, Value> {
    let members = members.to_vec();
    let (name_owned, parent, path_owned) = (name.to_owned(), parent.to_owned(), path.to_owned());
    ctx.candidate(
        ShapeKind::ResponseObject,
        name,
        &format!("response {path}"),
        &move |c| {
            let mut m = kind_only("object");
            let struct_name = if c.texts() {
                let s = c.names.claim(&name_owned, &parent);
                m.insert("structName".into(), json!(s));
                s
            } else {
                name_owned.clone()
            };
            let f = fields(c, &members, &struct_name, &format!("{path_owned}."));
            m.insert("fields".into(), Value::Array(f));
            m
        },
    )
}

/// A response list's element (or a map's value).
fn list_item(
    ctx: &mut Ctx<'_>,
    items: &ValueFacts,
    element: &str,
    parent: &str,
    path: &str,
) -> Map<String, Value> {
    match &items.kind.value {
        ValueKind::Object(members) if !members.is_empty() => {
            structure(ctx, members, element, parent, path)
        }
        ValueKind::List(inner) => {
            // A list of lists: the inner list's items are single values or objects.
            let mut m = kind_only("list");
            let at = format!("{path}[]");
            m.insert(
                "items".into(),
                Value::Object(list_item(ctx, inner, element, parent, &at)),
            );
            m
        }
        _ => field(ctx, items, parent, path),
    }
}

/// The operation's error codes as references to the catalog, with its own message or status where
/// they differ from the catalog's.
fn errors(ctx: &Ctx<'_>, codes: &[Fact<super::sources::SourceError>]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for e in codes {
        let e = &e.value;
        if !usable(&e.code, ctx.env.common_codes) || !seen.insert(e.code.clone()) {
            continue;
        }
        let Some(def) = ctx.env.catalog.defs.get(&e.code) else {
            continue;
        };
        let mut r = Map::new();
        r.insert("code".into(), json!(e.code));
        if let Ok(status) = e.http_status.parse::<u16>()
            && def["httpStatus"] != json!(status)
        {
            r.insert("httpStatus".into(), json!(status));
        }
        if def["message"] != json!(e.message) {
            r.insert("message".into(), json!(e.message));
        }
        if let Some(d) = e.description.as_ref().filter(|d| **d != e.message) {
            r.insert("description".into(), json!(d));
        }
        out.push(Value::Object(r));
    }
    out
}

/// Rust type names already taken in one operation's module.
struct Names(BTreeSet<String>);

impl Names {
    fn new(op: &str, shapes: &BTreeSet<String>) -> Names {
        let mut taken: BTreeSet<String> = ["Request", "RequestBuilder", "Response", "Error"]
            .iter()
            .map(|s| format!("{op}{s}"))
            .collect();
        // Prelude and runtime names the generated code uses unqualified (a struct `Result`
        // would shadow `Result<T, E>`), the names it defines itself, and the shared shapes.
        taken.extend(
            ens_codegen::RESERVED_TYPE_NAMES
                .iter()
                .chain(ens_codegen::GENERATED_NAMES)
                .map(|s| (*s).to_owned()),
        );
        taken.extend(shapes.iter().cloned());
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
pub fn type_name(s: &str) -> String {
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
pub fn unique(taken: &mut BTreeSet<String>, wanted: String, sep: &str) -> String {
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
pub fn variant_name(derived: &str, prefix: char) -> String {
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
