//! The merged fact model: one [`OperationFacts`] per operation, every fact with the source it came
//! from ([`Fact`]), and where older sources said otherwise, a [`Disagreement`].
//!
//! The merge rules (also in `specs/README.md`, "Merged import"):
//! - The operation set, method, parameter set, location, style, type, required flag and the response
//!   shape are the SDK's (the newest); parameters or fields only older sources have are dropped and
//!   reported.
//! - English texts: our reviewed texts where they replace an official one, else the SDK's, else the
//!   2026 metadata's, else our written text. Summaries: the 2026 metadata's `version.json`.
//!   Operation descriptions: our translations of the 2024 api-docs' zh-CN ones.
//! - Rules the SDK does not state (enums, ranges, lengths, item counts, patterns): the newest api-docs
//!   listing the operation (2025, else 2024). Examples, defaults, zh-CN originals, error codes, rate
//!   limits: the 2024 api-docs, the only source that has them.
//! - Order: the newest api-docs' order (the reference page's), then the SDK's for the rest.

use super::areas::Areas;
use super::sources::{Kind, Location, Member, Method, Shape, Source, SourceError, Sources, Style};
use super::texts::{Texts, normalize};
use std::collections::{BTreeMap, HashMap};

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact<T> {
    pub value: T,
    pub from: Source,
}

impl<T> Fact<T> {
    pub fn new(value: T, from: Source) -> Fact<T> {
        Fact { value, from }
    }
}

/// Sources that state another value than the one chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    /// `Param`, `Param.Field`, `response Instances.Instance.Status`, `operation`.
    pub at: String,
    /// `required`, `location`, `style`, `type`, `only in older sources`, ...
    pub fact: &'static str,
    pub chosen: Fact<String>,
    pub others: Vec<Fact<String>>,
}

/// The merged type of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    String,
    Integer,
    Number,
    Boolean,
    List(Box<ValueFacts>),
    Object(Vec<ValueFacts>),
    Map(Box<ValueFacts>),
    Any,
}

impl ValueKind {
    pub fn word(&self) -> &'static str {
        match self {
            ValueKind::String => "string",
            ValueKind::Integer => "integer",
            ValueKind::Number => "number",
            ValueKind::Boolean => "boolean",
            ValueKind::List(_) => "array",
            ValueKind::Object(_) => "object",
            ValueKind::Map(_) => "map",
            ValueKind::Any => "any",
        }
    }
}

/// Inclusive bounds as the source writes them (numbers as text: the docs write `"1"`).
pub type Bounds<T> = (Option<T>, Option<T>);

/// Everything known about one value: a parameter, an object's field, a list element, a response
/// element.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueFacts {
    /// Wire name (JSON key in responses); empty for a list element.
    pub name: String,
    pub kind: Fact<ValueKind>,
    /// The reference's Type column (`string`, `integer`, `array`, ...).
    pub wire_type: Option<Fact<String>>,
    /// Integer width (`int32`, `int64`).
    pub format: Option<Fact<String>>,
    /// Request side: the required flag.
    pub required: Option<Fact<bool>>,
    /// Top-level parameters: where it goes.
    pub location: Option<Fact<Location>>,
    /// Top-level parameters: how it is serialized.
    pub style: Option<Fact<Style>>,
    /// English.
    pub description: Option<Fact<String>>,
    /// zh-CN, from the 2024 api-docs.
    pub original_description: Option<Fact<String>>,
    pub example: Option<Fact<String>>,
    pub default: Option<Fact<String>>,
    pub enum_values: Option<Fact<Vec<String>>>,
    pub range: Option<Fact<Bounds<String>>>,
    pub length: Option<Fact<Bounds<u64>>>,
    pub item_count: Option<Fact<Bounds<u64>>>,
    pub pattern: Option<Fact<String>>,
}

impl ValueFacts {
    /// The fields of an object, or of a list's object element.
    pub fn members(&self) -> &[ValueFacts] {
        match &self.kind.value {
            ValueKind::Object(m) => m,
            ValueKind::List(items) => items.members(),
            _ => &[],
        }
    }
}

/// Everything known about one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationFacts {
    pub name: String,
    /// The sources that list the operation.
    pub listed_in: Vec<Source>,
    pub method: Fact<Method>,
    /// English; `None` when no source and no reviewed text has one (reported).
    pub summary: Option<Fact<String>>,
    /// zh-CN summary of the 2024 api-docs.
    pub original_summary: Option<Fact<String>>,
    /// English operation description, one paragraph an entry.
    pub description: Option<Fact<Vec<String>>>,
    /// zh-CN operation description of the 2024 api-docs.
    pub original_description: Option<Fact<String>>,
    pub read_only: Fact<bool>,
    /// Calls per second per account.
    pub rate_limit: Option<Fact<u32>>,
    pub area: Option<Fact<String>>,
    pub params: Vec<ValueFacts>,
    pub response: Vec<ValueFacts>,
    pub errors: Vec<Fact<SourceError>>,
    /// How the operation pages its results, when it does.
    pub pagination: Option<Fact<Pagination>>,
    pub disagreements: Vec<Disagreement>,
}

/// How an operation pages its results (found by [`pagination`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    /// `PageNumber` and `PageSize` in, a total count and a list out.
    PageNumber {
        page: String,
        size: String,
        /// Response path of the total count (`TotalCount`, `Page.TotalCount`).
        total: String,
        /// Response path of the list of items (`Instances` for a wrapped list).
        items: String,
    },
    /// A token in, the next token and a list out; the last page has no next token.
    Token {
        request: String,
        response: String,
        items: String,
    },
}

/// The sources that describe one operation, newest first where it matters.
struct Views<'a> {
    sdk: &'a super::sources::SourceOp,
    /// The newest api-docs that lists the operation (2025, else 2024): rules and order.
    docs: Option<(Source, &'a super::sources::SourceOp)>,
    docs2024: Option<&'a super::sources::SourceOp>,
    docs2025: Option<&'a super::sources::SourceOp>,
    meta: Option<&'a super::sources::SourceOp>,
}

/// Merges every operation of the SDK. Operations only older sources list are returned apart.
pub fn merge_all(
    sources: &Sources,
    texts: &Texts,
    areas: &Areas,
) -> (Vec<OperationFacts>, Vec<String>) {
    let mut out = Vec::new();
    for name in sources.sdk.ops.keys() {
        out.push(merge(sources, texts, areas, name));
    }
    let mut retired = Vec::new();
    for (_, loaded) in sources.each() {
        for name in loaded.ops.keys() {
            if !sources.sdk.ops.contains_key(name) && !retired.contains(name) {
                retired.push(name.clone());
            }
        }
    }
    retired.sort();
    (out, retired)
}

/// Merges one operation the SDK has.
pub fn merge(sources: &Sources, texts: &Texts, areas: &Areas, name: &str) -> OperationFacts {
    let sdk = &sources.sdk.ops[name];
    let docs2024 = sources.api_docs_2024.ops.get(name);
    let docs2025 = sources.api_docs_2025.ops.get(name);
    let v = Views {
        sdk,
        docs: docs2025
            .map(|o| (Source::ApiDocs2025, o))
            .or(docs2024.map(|o| (Source::ApiDocs2024, o))),
        docs2024,
        docs2025,
        meta: sources.openapi_meta_2026.ops.get(name),
    };
    let mut disagreements = Vec::new();
    let listed_in = sources
        .each()
        .iter()
        .filter(|(_, l)| l.ops.contains_key(name))
        .map(|(s, _)| *s)
        .collect();

    let method = sdk
        .methods
        .first()
        .map(|m| Fact::new(*m, Source::Sdk))
        .or_else(|| {
            v.meta
                .and_then(|m| m.methods.first())
                .map(|m| Fact::new(*m, Source::OpenapiMeta2026))
        })
        .unwrap_or(Fact::new(Method::Post, Source::Rule));

    let official_summary = v
        .meta
        .and_then(|m| m.summary.clone())
        .filter(|s| !s.trim().is_empty())
        .map(|s| Fact::new(normalize(&s), Source::OpenapiMeta2026));
    let summary = texts.summary(name, official_summary);

    let read_only = Fact::new(is_read_only(name), Source::Rule);
    if let Some(t) = docs2024.and_then(|d| d.operation_type.as_deref()) {
        let stated = matches!(t, "get" | "list");
        if matches!(t, "get" | "list" | "create" | "update" | "delete") && stated != read_only.value
        {
            disagreements.push(Disagreement {
                at: "operation".into(),
                fact: "readOnly",
                chosen: Fact::new(read_only.value.to_string(), Source::Rule),
                others: vec![Fact::new(format!("operationType {t}"), Source::ApiDocs2024)],
            });
        }
    }
    let description_2024 = docs2024.and_then(|d| d.description.clone());
    let rate_limit = description_2024
        .as_deref()
        .and_then(rate_limit)
        .map(|n| Fact::new(n, Source::ApiDocs2024));

    // Request: the SDK's parameters, in the newest reference order.
    let mut params: Vec<ValueFacts> = sdk
        .params
        .iter()
        .map(|p| {
            value(
                &v,
                texts,
                Side::Request,
                std::slice::from_ref(&p.name),
                p,
                &mut disagreements,
            )
        })
        .collect();
    if let Some((_, docs)) = v.docs {
        order_like(&mut params, &docs.params);
    }
    for (source, op) in [
        (Source::ApiDocs2024, v.docs2024),
        (Source::ApiDocs2025, v.docs2025),
        (Source::OpenapiMeta2026, v.meta),
    ] {
        for p in op.map(|o| o.params.as_slice()).unwrap_or_default() {
            if !sdk.params.iter().any(|s| s.name == top_name(&p.name)) {
                disagreements.push(Disagreement {
                    at: p.name.clone(),
                    fact: "parameter only in older sources",
                    chosen: Fact::new("absent".into(), Source::Sdk),
                    others: vec![Fact::new("present".into(), source)],
                });
            }
        }
    }

    let mut response: Vec<ValueFacts> = sdk
        .response
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            value(
                &v,
                texts,
                Side::Response,
                std::slice::from_ref(&f.name),
                f,
                &mut disagreements,
            )
        })
        .collect();
    if let Some(r) = docs2024.and_then(|d| d.response.as_deref()) {
        order_like(&mut response, r);
    }

    let errors = docs2024
        .map(|d| d.errors.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|e| Fact::new(e.clone(), Source::ApiDocs2024))
        .collect();

    let pagination = pagination(&params, &response).map(|p| Fact::new(p, Source::Rule));
    OperationFacts {
        name: name.to_owned(),
        listed_in,
        method,
        summary,
        original_summary: docs2024
            .and_then(|d| d.summary.clone())
            .map(|s| Fact::new(s.trim().to_owned(), Source::ApiDocs2024)),
        description: texts.description(name, description_2024.as_deref()),
        original_description: description_2024.map(|d| Fact::new(d, Source::ApiDocs2024)),
        read_only,
        rate_limit,
        area: areas.area_of(name),
        params,
        response,
        errors,
        pagination,
        disagreements,
    }
}

/// Finds how an operation pages: `PageNumber` and `PageSize` parameters with a total count
/// (`TotalCount`, or inside a `Page` object) and exactly one list in the response; or a
/// `NextToken`/`ContinuationToken` parameter answered by a next token and exactly one list.
pub fn pagination(params: &[ValueFacts], response: &[ValueFacts]) -> Option<Pagination> {
    let has_param = |n: &str| params.iter().any(|p| p.name == n);
    let is_list = |f: &ValueFacts| match &f.kind.value {
        ValueKind::List(_) => true,
        ValueKind::Object(m) => {
            matches!(m.as_slice(), [only] if matches!(only.kind.value, ValueKind::List(_)))
        }
        _ => false,
    };
    let lists: Vec<&ValueFacts> = response.iter().filter(|f| is_list(f)).collect();
    let [items] = lists.as_slice() else {
        return None;
    };
    let items = items.name.clone();
    if has_param("PageNumber") && has_param("PageSize") {
        let total = if response.iter().any(|f| f.name == "TotalCount") {
            "TotalCount".to_owned()
        } else {
            let page = response.iter().find(|f| f.name == "Page")?;
            page.members().iter().find(|m| m.name == "TotalCount")?;
            "Page.TotalCount".to_owned()
        };
        return Some(Pagination::PageNumber {
            page: "PageNumber".into(),
            size: "PageSize".into(),
            total,
            items,
        });
    }
    for (request, answer) in [
        ("NextToken", "NextToken"),
        ("ContinuationToken", "NextContinuationToken"),
    ] {
        if has_param(request) && response.iter().any(|f| f.name == answer) {
            return Some(Pagination::Token {
                request: request.into(),
                response: answer.into(),
                items,
            });
        }
    }
    None
}

/// Sorts `values` in the order of `reference` (the reference page's); values it lacks go last,
/// in their own order.
fn order_like(values: &mut [ValueFacts], reference: &[Member]) {
    let order: HashMap<&str, usize> = reference
        .iter()
        .enumerate()
        .map(|(i, m)| (top_name(&m.name), i))
        .collect();
    values.sort_by_key(|v| order.get(v.name.as_str()).copied().unwrap_or(usize::MAX));
}

/// Operations that only read: their names say so (`Describe`, `List`, `Get`, `Query`). The 2024
/// api-docs' `operationType` agrees for every operation that has one.
pub fn is_read_only(op: &str) -> bool {
    ["Describe", "List", "Get", "Query"]
        .iter()
        .any(|p| op.starts_with(p))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// `DataDisk.1.Size` -> `DataDisk`: older sources spell some members flattened.
fn top_name(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// A path of member names with list levels left out; older sources' flattened spellings
/// (`DataDisk.1.Size`, `SystemDisk.Size`) split into the same path.
fn path_of(name: &str) -> Vec<String> {
    name.split('.')
        .filter(|s| !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit()) && *s != "N")
        .map(str::to_owned)
        .collect()
}

/// The member at `path` in a source's members (request parameters or response fields).
fn find<'a>(members: &'a [Member], path: &[String]) -> Option<&'a Member> {
    // A flattened spelling is one member whose name is the whole path.
    if let Some(m) = members.iter().find(|m| path_of(&m.name) == path) {
        return Some(m);
    }
    let (first, rest) = path.split_first()?;
    let m = members.iter().find(|m| &m.name == first)?;
    if rest.is_empty() {
        return Some(m);
    }
    find(m.shape.members(), rest)
}

fn value(
    v: &Views<'_>,
    texts: &Texts,
    side: Side,
    path: &[String],
    sdk: &Member,
    disagreements: &mut Vec<Disagreement>,
) -> ValueFacts {
    let at = if side == Side::Response {
        format!("response {}", path.join("."))
    } else {
        path.join(".")
    };
    let lookup = |op: Option<&super::sources::SourceOp>| -> Option<Member> {
        let op = op?;
        match side {
            Side::Request => find(&op.params, path).cloned(),
            Side::Response => find(op.response.as_deref()?, path).cloned(),
        }
    };
    let d2024 = lookup(v.docs2024);
    let d2025 = lookup(v.docs2025);
    let meta = lookup(v.meta);
    let top = path.len() == 1 && side == Side::Request;

    // Disagreements on what the SDK decides.
    if side == Side::Request {
        let chosen_required = sdk.required.unwrap_or(false);
        let mut others = Vec::new();
        for (s, m) in [
            (Source::ApiDocs2024, &d2024),
            (Source::ApiDocs2025, &d2025),
            (Source::OpenapiMeta2026, &meta),
        ] {
            if let Some(r) = m.as_ref().and_then(|m| m.required)
                && r != chosen_required
            {
                others.push(Fact::new(r.to_string(), s));
            }
        }
        if !others.is_empty() {
            disagreements.push(Disagreement {
                at: at.clone(),
                fact: "required",
                chosen: Fact::new(chosen_required.to_string(), Source::Sdk),
                others,
            });
        }
    }
    if top {
        let mut loc_others = Vec::new();
        let mut style_others = Vec::new();
        for (s, m) in [
            (Source::ApiDocs2024, &d2024),
            (Source::ApiDocs2025, &d2025),
            (Source::OpenapiMeta2026, &meta),
        ] {
            let Some(m) = m else { continue };
            if let (Some(a), Some(b)) = (m.location, sdk.location)
                && a != b
            {
                loc_others.push(Fact::new(a.as_str().to_owned(), s));
            }
            // A flattened spelling has no style of its own.
            if path_of(&m.name).len() == 1
                && let (Some(a), Some(b)) = (m.style, sdk.style)
                && !same_wire_style(a, b, &sdk.shape)
            {
                style_others.push(Fact::new(a.as_str().to_owned(), s));
            }
        }
        if let Some(loc) = sdk.location.filter(|_| !loc_others.is_empty()) {
            disagreements.push(Disagreement {
                at: at.clone(),
                fact: "location",
                chosen: Fact::new(loc.as_str().to_owned(), Source::Sdk),
                others: loc_others,
            });
        }
        if let Some(style) = sdk.style.filter(|_| !style_others.is_empty()) {
            disagreements.push(Disagreement {
                at: at.clone(),
                fact: "style",
                chosen: Fact::new(style.as_str().to_owned(), Source::Sdk),
                others: style_others,
            });
        }
    }
    let mut type_others = Vec::new();
    for (s, m) in [(Source::ApiDocs2024, &d2024), (Source::ApiDocs2025, &d2025)] {
        if let Some(m) = m
            && find_is_direct(m, path)
            && m.shape.kind.word() != sdk.shape.kind.word()
        {
            type_others.push(Fact::new(m.shape.kind.word().to_owned(), s));
        }
    }
    if !type_others.is_empty() {
        disagreements.push(Disagreement {
            at: at.clone(),
            fact: "type",
            chosen: Fact::new(sdk.shape.kind.word().to_owned(), Source::Sdk),
            others: type_others,
        });
    }

    let mut facts = shape_facts(
        v,
        texts,
        side,
        path,
        &sdk.shape,
        d2024.as_ref().map(|m| &m.shape),
        d2025.as_ref().map(|m| &m.shape),
        meta.as_ref().map(|m| &m.shape),
        disagreements,
    );
    facts.name = sdk.name.clone();
    if side == Side::Request {
        facts.required = Some(Fact::new(sdk.required.unwrap_or(false), Source::Sdk));
    }
    if top {
        facts.location = sdk.location.map(|l| Fact::new(l, Source::Sdk));
        facts.style = sdk.style.map(|s| Fact::new(s, Source::Sdk));
    }
    facts
}

/// A flattened spelling (`SystemDisk.Size`) describes the leaf, not the container.
fn find_is_direct(m: &Member, path: &[String]) -> bool {
    path_of(&m.name).len() == 1 || path_of(&m.name) == path
}

/// `flat` and `repeatList` arrays go on the wire the same way (`X.1`); so does a source's `plain`
/// for the SDK's `flat` object (it lists the members flattened).
fn same_wire_style(a: Style, b: Style, sdk: &Shape) -> bool {
    a == b
        || matches!(
            (a, b, &sdk.kind),
            (Style::Flat, Style::RepeatList, Kind::Array(_))
                | (Style::RepeatList, Style::Flat, Kind::Array(_))
        )
}

/// Facts of one value from the SDK's shape and the older sources' shapes of the same value.
#[allow(clippy::too_many_arguments)]
fn shape_facts(
    v: &Views<'_>,
    texts: &Texts,
    side: Side,
    path: &[String],
    sdk: &Shape,
    d2024: Option<&Shape>,
    d2025: Option<&Shape>,
    meta: Option<&Shape>,
    disagreements: &mut Vec<Disagreement>,
) -> ValueFacts {
    let kind = match &sdk.kind {
        Kind::String => ValueKind::String,
        Kind::Integer => ValueKind::Integer,
        Kind::Number => ValueKind::Number,
        Kind::Boolean => ValueKind::Boolean,
        Kind::Any => ValueKind::Any,
        Kind::Array(items) => {
            fn el(s: Option<&Shape>) -> Option<&Shape> {
                s.map(|s| match &s.kind {
                    Kind::Array(i) => i.as_ref(),
                    _ => s,
                })
            }
            let mut item = shape_facts(
                v,
                texts,
                side,
                path,
                items,
                el(d2024),
                el(d2025),
                el(meta),
                disagreements,
            );
            // The element's texts repeat the list's; keep them on the list.
            item.description = None;
            item.original_description = None;
            if side == Side::Request {
                item.example = None;
            }
            ValueKind::List(Box::new(item))
        }
        Kind::Map(values) => ValueKind::Map(Box::new(shape_facts(
            v,
            texts,
            side,
            path,
            values,
            None,
            None,
            None,
            disagreements,
        ))),
        Kind::Object(members) => {
            let mut fields: Vec<ValueFacts> = members
                .iter()
                .map(|m| {
                    let mut sub = path.to_vec();
                    sub.push(m.name.clone());
                    value(v, texts, side, &sub, m, disagreements)
                })
                .collect();
            let reference = match side {
                Side::Request => d2025.or(d2024),
                Side::Response => d2024,
            };
            if let Some(r) = reference {
                order_like(&mut fields, r.members());
            }
            ValueKind::Object(fields)
        }
    };
    let docs = match v.docs.map(|(s, _)| s) {
        Some(Source::ApiDocs2025) => d2025.map(|s| (Source::ApiDocs2025, s)),
        _ => d2024.map(|s| (Source::ApiDocs2024, s)),
    };
    let key = path.join(".");
    let meta_en = meta
        .and_then(|m| m.text.as_deref())
        .map(|t| Fact::new(normalize(t), Source::OpenapiMeta2026));
    let official_en = match sdk.text.as_deref().map(normalize) {
        // A text ending in a colon lost the list it introduces ("Valid values:"); the 2026
        // metadata has the whole text.
        Some(t)
            if t.ends_with(':') && meta_en.as_ref().is_some_and(|m| !m.value.ends_with(':')) =>
        {
            meta_en
        }
        Some(t) if !t.is_empty() => Some(Fact::new(t, Source::Sdk)),
        _ => meta_en,
    };
    let description = match side {
        Side::Request => texts.parameter(&v.sdk.name, &key, official_en),
        Side::Response => official_en,
    };
    let zh = d2024
        .and_then(|s| s.text.clone())
        .filter(|t| t != "Schema of Response");
    let from_docs = docs;
    let mut enum_values = from_docs
        .filter(|(_, s)| !s.enum_values.is_empty())
        .map(|(src, s)| Fact::new(s.enum_values.clone(), src));
    // The newest text may name values the older enum lacks: the enum is stale, and a closed
    // enum without them would reject what the service accepts. The text's values are added.
    if let (Some(e), Some(text)) = (&mut enum_values, &description) {
        let listed = listed_values(&text.value);
        let extra: Vec<String> = listed
            .iter()
            .filter(|v| !e.value.contains(v))
            .cloned()
            .collect();
        if !extra.is_empty() && listed.iter().any(|v| e.value.contains(v)) {
            disagreements.push(Disagreement {
                at: format!(
                    "{}{}",
                    if side == Side::Response {
                        "response "
                    } else {
                        ""
                    },
                    key
                ),
                fact: "enum values",
                chosen: Fact::new(
                    format!(
                        "{} and, from the text, {}",
                        e.value.join("|"),
                        extra.join("|")
                    ),
                    text.from,
                ),
                others: vec![Fact::new(e.value.join("|"), e.from)],
            });
            e.value.extend(extra);
            e.from = text.from;
        }
    }
    ValueFacts {
        name: String::new(),
        kind: Fact::new(kind, Source::Sdk),
        wire_type: d2025
            .and_then(|s| {
                s.wire_type
                    .clone()
                    .map(|w| Fact::new(w, Source::ApiDocs2025))
            })
            .or_else(|| {
                d2024.and_then(|s| {
                    s.wire_type
                        .clone()
                        .map(|w| Fact::new(w, Source::ApiDocs2024))
                })
            })
            .or_else(|| sdk.wire_type.clone().map(|w| Fact::new(w, Source::Sdk))),
        format: from_docs.and_then(|(src, s)| s.format.clone().map(|f| Fact::new(f, src))),
        required: None,
        location: None,
        style: None,
        description,
        original_description: zh.map(|t| Fact::new(t, Source::ApiDocs2024)),
        example: d2024
            .and_then(|s| s.example.clone())
            .map(|e| Fact::new(e, Source::ApiDocs2024)),
        default: d2024
            .and_then(|s| s.default.clone())
            .map(|d| Fact::new(d, Source::ApiDocs2024)),
        enum_values,
        range: from_docs
            .filter(|(_, s)| s.minimum.is_some() || s.maximum.is_some())
            .map(|(src, s)| Fact::new((s.minimum.clone(), s.maximum.clone()), src)),
        length: from_docs
            .filter(|(_, s)| s.min_length.is_some() || s.max_length.is_some())
            .map(|(src, s)| Fact::new((s.min_length, s.max_length), src)),
        item_count: from_docs
            .filter(|(_, s)| s.min_items.is_some() || s.max_items.is_some())
            .map(|(src, s)| Fact::new((s.min_items, s.max_items), src)),
        pattern: from_docs.and_then(|(src, s)| s.pattern.clone().map(|p| Fact::new(p, src))),
    }
}

/// The values a text lists as bullets: `- **wrr** (default): ...`, `* Normal: ...`.
fn listed_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line
            .trim_start()
            .strip_prefix("- ")
            .or_else(|| line.trim_start().strip_prefix("* "))
        else {
            continue;
        };
        let rest = rest.trim_start();
        let (value, after) = match rest.strip_prefix("**") {
            Some(bold) => match bold.split_once("**") {
                Some((v, after)) => (v, after),
                None => continue,
            },
            None => match rest.split_once(':') {
                Some((v, after)) => (v, after),
                None => continue,
            },
        };
        let after = after.trim_start();
        let value_like = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        let introduces = after.is_empty() || after.starts_with([':', '(', '：']);
        if value_like && introduces {
            out.push(value.to_owned());
        }
    }
    out
}

/// The operation description's rate limit for one account: "单用户调用频率：10次/秒".
pub fn rate_limit(description: &str) -> Option<u32> {
    for marker in ["单用户调用频率", "单用户调用频次"] {
        if let Some(at) = description.find(marker) {
            let rest = &description[at + marker.len()..];
            let line = rest.split('\n').next().unwrap_or_default();
            if !line.contains("次/秒") {
                continue;
            }
            let digits: String = line
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(char::is_ascii_digit)
                .collect();
            return digits.parse().ok();
        }
    }
    None
}

/// Counts of the facts by source, for the report.
pub fn provenance_counts(ops: &[OperationFacts]) -> BTreeMap<(&'static str, Source), usize> {
    let mut out = BTreeMap::new();
    fn add<T>(
        out: &mut BTreeMap<(&'static str, Source), usize>,
        what: &'static str,
        f: &Option<Fact<T>>,
    ) {
        if let Some(f) = f {
            *out.entry((what, f.from)).or_insert(0) += 1;
        }
    }
    fn walk(out: &mut BTreeMap<(&'static str, Source), usize>, v: &ValueFacts) {
        add(out, "description", &v.description);
        add(out, "originalDescription", &v.original_description);
        add(out, "example", &v.example);
        add(out, "default", &v.default);
        add(out, "enum", &v.enum_values);
        add(out, "range", &v.range);
        add(out, "length", &v.length);
        add(out, "item count", &v.item_count);
        add(out, "pattern", &v.pattern);
        match &v.kind.value {
            ValueKind::List(i) | ValueKind::Map(i) => walk(out, i),
            ValueKind::Object(m) => m.iter().for_each(|m| walk(out, m)),
            _ => {}
        }
    }
    for op in ops {
        add(&mut out, "summary", &op.summary);
        add(&mut out, "operation description", &op.description);
        add(&mut out, "area", &op.area);
        add(&mut out, "rate limit", &op.rate_limit);
        add(&mut out, "pagination", &op.pagination);
        for p in op.params.iter().chain(&op.response) {
            walk(&mut out, p);
        }
    }
    out
}
