//! `cargo xtask import <Operation>... | --all [--force]`: Alibaba's api-docs metadata to specs.
//!
//! [`translate`] is pure: one api entry (plus its en-US entry) in, one spec and its warnings out.
//! [`run`] does the I/O: it reads `specs/ens/metadata/`, writes `specs/ens/operations/`, never
//! overwrites an existing spec without `--force`, and prints what could not be translated.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

pub const METADATA: &str = "specs/ens/metadata/api-docs.json";
pub const EN_US: &str = "specs/ens/metadata/en-US";
const OPERATIONS: &str = "specs/ens/operations";
const SERVICE: &str = "specs/ens/service.json";

pub const USAGE: &str = "usage: cargo xtask import (<Operation>... | --dir <directory title> | --all) [--force] [--out <dir>]";

/// What one operation became.
#[derive(Debug)]
pub struct Imported {
    /// The spec, ready to be written as JSON.
    pub spec: Value,
    /// What could not be translated (or was translated with a loss), one line each.
    pub warnings: Vec<String>,
}

/// The metadata an import reads.
#[derive(Debug)]
pub struct Metadata {
    pub version: String,
    pub apis: Map<String, Value>,
    pub directories: Vec<Value>,
    /// en-US entries by operation name.
    pub en_us: HashMap<String, Value>,
    /// Codes of `service.json`'s `commonErrors`, which operations do not repeat.
    pub common_codes: BTreeSet<String>,
}

impl Metadata {
    pub fn load(metadata: &Path, en_us_dir: &Path, service: &Path) -> Result<Metadata, String> {
        let docs: Value = read_json(metadata)?;
        let version = docs["info"]["version"]
            .as_str()
            .or(docs["version"].as_str())
            .unwrap_or("2017-11-10")
            .to_owned();
        let apis = docs["apis"]
            .as_object()
            .cloned()
            .ok_or_else(|| format!("{}: no `apis` object", metadata.display()))?;
        let directories = docs["directories"].as_array().cloned().unwrap_or_default();
        let mut en_us = HashMap::new();
        if let Ok(entries) = fs::read_dir(en_us_dir) {
            for entry in entries.filter_map(Result::ok) {
                let path = entry.path();
                if path.extension().is_some_and(|x| x == "json") {
                    let stem = path
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or_default()
                        .to_owned();
                    en_us.insert(stem, read_json(&path)?);
                }
            }
        }
        let service: Value = read_json(service)?;
        let common_codes = service["commonErrors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_str().or_else(|| e["code"].as_str()).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Metadata {
            version,
            apis,
            directories,
            en_us,
            common_codes,
        })
    }

    /// The operations of the api-docs directory titled `title` (e.g. `实例`).
    pub fn directory(&self, title: &str) -> Result<Vec<String>, String> {
        let dir = self
            .directories
            .iter()
            .find(|d| d["title"].as_str() == Some(title));
        let dir = dir.ok_or_else(|| format!("no metadata directory titled `{title}`"))?;
        Ok(dir["children"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect())
    }

    /// Imports one operation.
    pub fn translate(&self, name: &str) -> Result<Imported, String> {
        let api = self
            .apis
            .get(name)
            .ok_or_else(|| format!("`{name}` is not in the metadata"))?;
        Ok(translate(
            name,
            &self.version,
            api,
            self.en_us.get(name),
            &self.common_codes,
        ))
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
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

/// Sets `rustName` when the default (snake case of the name) is not a valid identifier or is taken.
fn rust_name(obj: &mut Map<String, Value>, name: &str, taken: &mut BTreeSet<String>) {
    let default = name.to_snake_case();
    let mut chosen = if valid_ident(&default) {
        default.clone()
    } else {
        let cleaned: String = default
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        format!("f_{}", cleaned.trim_matches('_'))
    };
    if taken.contains(&chosen) {
        chosen = (2..)
            .map(|n| format!("{chosen}_{n}"))
            .find(|c| !taken.contains(c))
            .unwrap_or(chosen);
    }
    taken.insert(chosen.clone());
    if chosen != default {
        obj.insert("rustName".into(), json!(chosen));
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The operation description's rate limit for one account: "单用户调用频率：10次/秒".
fn rate_limit(description: &str) -> Option<u32> {
    for marker in ["单用户调用频率", "单用户调用频次"] {
        if let Some(at) = description.find(marker) {
            let rest = &description[at + marker.len()..];
            let digits: String = rest
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(char::is_ascii_digit)
                .collect();
            let unit_ok = rest
                .split('\n')
                .next()
                .is_some_and(|line| line.contains("次/秒"));
            if unit_ok {
                return digits.parse().ok();
            }
        }
    }
    None
}

/// English parameter descriptions by wire name (`DataDisk.Size` for sub-parameters).
fn en_descriptions(en: Option<&Value>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    fn walk(prefix: &str, params: &Value, out: &mut HashMap<String, String>) {
        for p in params.as_array().into_iter().flatten() {
            let Some(name) = p["name"].as_str() else {
                continue;
            };
            let full = if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}.{name}")
            };
            if let Some(d) = p["description"].as_str().filter(|d| !d.trim().is_empty()) {
                out.insert(full.clone(), d.to_owned());
            }
            walk(&full, &p["sub_parameters"], out);
        }
    }
    if let Some(en) = en {
        walk("", &en["parameters"], &mut out);
    }
    out
}

struct Ctx<'a> {
    op: &'a str,
    names: Names,
    en: HashMap<String, String>,
    warnings: Vec<String>,
}

impl Ctx<'_> {
    fn warn(&mut self, at: &str, message: impl AsRef<str>) {
        self.warnings
            .push(format!("{}: {at}: {}", self.op, message.as_ref()));
    }
}

/// Translates one api-docs entry (and its en-US entry, if any) into a spec.
pub fn translate(
    op: &str,
    version: &str,
    api: &Value,
    en: Option<&Value>,
    common_codes: &BTreeSet<String>,
) -> Imported {
    let mut ctx = Ctx {
        op,
        names: Names::new(op),
        en: en_descriptions(en),
        warnings: Vec::new(),
    };
    let mut spec = Map::new();
    spec.insert("$schema".into(), json!("../../spec.schema.json"));
    spec.insert("operation".into(), json!(op));
    spec.insert("version".into(), json!(version));
    let summary = api["summary"]
        .as_str()
        .or(api["title"].as_str())
        .unwrap_or(op)
        .trim()
        .to_owned();
    spec.insert("summary".into(), json!(summary));
    ctx.warn(
        "/summary",
        "only the metadata's Chinese summary exists; translate it",
    );
    let description = api["description"].as_str().unwrap_or_default();
    if !description.trim().is_empty() {
        ctx.warn(
            "/description",
            "the operation description exists only in Chinese and was not imported",
        );
    }
    let methods: Vec<&str> = api["methods"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let method = if methods.contains(&"post") || methods.is_empty() {
        "POST"
    } else {
        "GET"
    };
    spec.insert("method".into(), json!(method));
    if let Some(n) = rate_limit(description) {
        spec.insert(
            "rateLimit".into(),
            json!({"perSecond": n, "scope": "account"}),
        );
    }
    let op_type = api["systemTags"]["operationType"]
        .as_str()
        .unwrap_or_default();
    let read_only = matches!(op_type, "get" | "list")
        || ["Describe", "List", "Get", "Query"]
            .iter()
            .any(|p| op.starts_with(p));
    spec.insert("readOnly".into(), json!(read_only));
    if api["staticInfo"]["returnType"].as_str() == Some("asynchronous") {
        spec.insert("asynchronous".into(), json!(true));
    }

    let mut params = Vec::new();
    let mut rust_names = BTreeSet::new();
    for (i, p) in api["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(param) = parameter(&mut ctx, &format!("/parameters/{i}"), p, &mut rust_names) {
            params.push(param);
        }
    }
    spec.insert("parameters".into(), Value::Array(params));

    let root = &api["responses"]["200"]["schema"];
    let fields = if root["properties"].is_object() {
        fields(
            &mut ctx,
            "/response",
            &root["properties"],
            &format!("{op}Response"),
        )
    } else {
        ctx.warn("/response", "no response schema in the metadata");
        Vec::new()
    };
    spec.insert("response".into(), Value::Array(fields));

    let errors = errors(&mut ctx, &api["errorCodes"], common_codes);
    if !errors.is_empty() {
        spec.insert("errors".into(), Value::Array(errors));
    }
    spec.insert(
        "source".into(),
        json!(format!(
            "Imported by `cargo xtask import` from Alibaba api-docs metadata (zh-CN) for ENS {version}, apis.{op}{}",
            if en.is_some() { format!("; English descriptions: aliyun-openapi-meta en-US/ens/{op}.json") } else { String::new() }
        )),
    );
    Imported {
        spec: Value::Object(spec),
        warnings: ctx.warnings,
    }
}

fn scalar_type(t: &str) -> Option<&'static str> {
    match t {
        "string" => Some("string"),
        "integer" => Some("integer"),
        "number" => Some("number"),
        "boolean" => Some("boolean"),
        _ => None,
    }
}

/// Common keys: wireType, required, default, example, descriptions.
fn describe(
    ctx: &Ctx<'_>,
    obj: &mut Map<String, Value>,
    wire_path: &str,
    schema: &Value,
    request: bool,
) {
    if request {
        if let Some(t) = schema["type"].as_str() {
            obj.insert("wireType".into(), json!(t));
        }
        if schema["required"].as_bool() == Some(true) {
            obj.insert("required".into(), json!(true));
        }
    }
    if let Some(d) = ctx.en.get(wire_path).filter(|_| request) {
        obj.insert("description".into(), json!(d));
    }
    let original = schema["description"]
        .as_str()
        .filter(|d| !d.trim().is_empty())
        .or(schema["title"].as_str());
    if let Some(o) = original.filter(|d| !d.trim().is_empty()) {
        obj.insert("originalDescription".into(), json!(o));
    }
    if let Some(e) = scalar_text(&schema["example"]).filter(|e| !e.is_empty()) {
        obj.insert("example".into(), json!(e));
    }
    if request && let Some(d) = scalar_text(&schema["default"]).filter(|d| !d.is_empty()) {
        obj.insert("default".into(), json!(d));
    }
}

/// A scalar request value (a parameter, a list element, an object field); `None` when not scalar.
fn scalar_param(
    ctx: &mut Ctx<'_>,
    at: &str,
    name: &str,
    schema: &Value,
) -> Option<Map<String, Value>> {
    let t = schema["type"].as_str().unwrap_or("string");
    let mut obj = Map::new();
    if let Some(values) = schema["enum"].as_array().filter(|v| !v.is_empty()) {
        if t == "boolean" {
            obj.insert("type".into(), json!("boolean"));
            return Some(obj);
        }
        obj.insert("type".into(), json!("enum"));
        let base = if name.is_empty() {
            ctx.op.to_owned()
        } else {
            name.replace('.', "")
        };
        let enum_name = ctx.names.claim(&base, ctx.op);
        obj.insert("enumName".into(), json!(enum_name));
        let mut variants = BTreeSet::new();
        let mut out = Vec::new();
        for v in values {
            let Some(value) = scalar_text(v) else {
                continue;
            };
            if out.iter().any(|o: &Value| o["value"] == json!(value)) {
                ctx.warn(
                    at,
                    format!("enum value `{value}` is listed twice; kept once"),
                );
                continue;
            }
            let derived = value.to_upper_camel_case();
            let mut variant = variant_name(&derived, 'V');
            if variant == "V" {
                variant = "Empty".into();
            }
            while variants.contains(&variant) {
                variant.push('_');
                variant = format!("{}{}", variant.trim_end_matches('_'), variants.len() + 1);
            }
            variants.insert(variant.clone());
            let mut entry = Map::new();
            entry.insert("value".into(), json!(value));
            if variant != derived {
                entry.insert("variant".into(), json!(variant));
            }
            out.push(Value::Object(entry));
        }
        obj.insert("values".into(), Value::Array(out));
        return Some(obj);
    }
    let kind = scalar_type(t)?;
    obj.insert("type".into(), json!(kind));
    Some(obj)
}

fn parameter(
    ctx: &mut Ctx<'_>,
    at: &str,
    p: &Value,
    rust_names: &mut BTreeSet<String>,
) -> Option<Value> {
    let name = p["name"].as_str().unwrap_or_default().to_owned();
    let schema = &p["schema"];
    let style = p["style"].as_str();
    let t = schema["type"].as_str().unwrap_or("string");
    let mut obj = Map::new();
    obj.insert("name".into(), json!(name));
    rust_name(&mut obj, &name, rust_names);
    match p["in"].as_str() {
        Some("query") | None => {}
        Some("formData") => ctx.warn(
            &format!("{at} ({name})"),
            "`in: formData` mapped to `query` (the generator sends every parameter in the query)",
        ),
        Some(other) => {
            ctx.warn(
                &format!("{at} ({name})"),
                format!("`in: {other}` is not supported; parameter left out"),
            );
            return None;
        }
    }
    let shape: Map<String, Value> = match (style, t) {
        // A JSON array of scalars stays typed: a `Vec` in Rust, a JSON array on the wire.
        (Some("json"), "array")
            if matches!(
                schema["items"]["type"].as_str(),
                Some("string" | "integer" | "number")
            ) =>
        {
            let mut m = Map::new();
            m.insert("type".into(), json!("list"));
            m.insert("style".into(), json!("json"));
            m.insert("items".into(), json!({ "type": schema["items"]["type"] }));
            m
        }
        (Some("json"), _) => {
            let mut m = Map::new();
            m.insert("type".into(), json!("json"));
            m
        }
        (Some("repeatList" | "flat" | "simple"), "array") => {
            let list_style = if style == Some("simple") {
                "simple"
            } else {
                "repeatList"
            };
            let items = &schema["items"];
            let item = if items["type"].as_str() == Some("object") && list_style == "repeatList" {
                object_items(ctx, at, &name, items)?
            } else if let Some(mut scalar) = scalar_param(ctx, at, &name, items) {
                describe(ctx, &mut scalar, &format!("{name}.N"), items, false);
                scalar.remove("example");
                scalar
            } else {
                ctx.warn(
                    &format!("{at} ({name})"),
                    format!(
                        "a `{style:?}` list of `{}` cannot be expressed; parameter left out",
                        items["type"]
                    ),
                );
                return None;
            };
            let mut m = Map::new();
            m.insert("type".into(), json!("list"));
            m.insert("style".into(), json!(list_style));
            m.insert("items".into(), Value::Object(item));
            m
        }
        (Some(s), _) if s != "simple" => {
            ctx.warn(
                &format!("{at} ({name})"),
                format!("style `{s}` on a `{t}` is not understood; parameter left out"),
            );
            return None;
        }
        _ => match scalar_param(ctx, at, &name, schema) {
            Some(m) => m,
            None => {
                ctx.warn(
                    &format!("{at} ({name})"),
                    format!("type `{t}` without style `json` sent as `type: json`"),
                );
                let mut m = Map::new();
                m.insert("type".into(), json!("json"));
                m
            }
        },
    };
    obj.extend(shape);
    if name.to_ascii_lowercase().ends_with("password") && obj["type"] == json!("string") {
        obj.insert("secret".into(), json!(true));
    }
    describe(ctx, &mut obj, &name, schema, true);
    if obj["type"] == json!("list") {
        // The list's example is a whole list (`["a"]`); it is not one wire value.
        obj.remove("example");
        obj.remove("default");
    }
    if obj["type"] == json!("json") && obj.get("default").is_some() {
        obj.remove("default");
    }
    Some(Value::Object(obj))
}

/// `items` of a repeatList of objects: `X.N.Field`.
fn object_items(
    ctx: &mut Ctx<'_>,
    at: &str,
    list: &str,
    items: &Value,
) -> Option<Map<String, Value>> {
    let mut fields = Vec::new();
    let mut taken = BTreeSet::new();
    for (field, schema) in items["properties"].as_object().into_iter().flatten() {
        let fat = format!("{at} ({list}.N.{field})");
        let Some(mut f) = scalar_param(ctx, &fat, &format!("{list}{field}"), schema) else {
            ctx.warn(&fat, format!("a field of type `{}` inside a list element cannot be expressed; field left out", schema["type"]));
            continue;
        };
        let mut obj = Map::new();
        obj.insert("name".into(), json!(field));
        rust_name(&mut obj, field, &mut taken);
        obj.extend(std::mem::take(&mut f));
        describe(ctx, &mut obj, &format!("{list}.{field}"), schema, true);
        fields.push(Value::Object(obj));
    }
    if fields.is_empty() {
        ctx.warn(
            &format!("{at} ({list})"),
            "a list of objects without fields; parameter left out",
        );
        return None;
    }
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    let struct_name = ctx.names.claim(list, ctx.op);
    m.insert("structName".into(), json!(struct_name));
    m.insert("fields".into(), Value::Array(fields));
    Some(m)
}

/// Response fields of an object's `properties`.
fn fields(ctx: &mut Ctx<'_>, at: &str, properties: &Value, parent: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut taken = BTreeSet::new();
    for (i, (name, schema)) in properties.as_object().into_iter().flatten().enumerate() {
        let mut f = field(ctx, &format!("{at}/{i} ({name})"), name, schema, parent);
        rust_name(&mut f, name, &mut taken);
        // Put `name` and `rustName` first for readability.
        let mut ordered = Map::new();
        ordered.insert("name".into(), json!(name));
        if let Some(r) = f.remove("rustName") {
            ordered.insert("rustName".into(), r);
        }
        ordered.extend(f);
        out.push(Value::Object(ordered));
    }
    out
}

/// One response element (without its name).
fn field(
    ctx: &mut Ctx<'_>,
    at: &str,
    name: &str,
    schema: &Value,
    parent: &str,
) -> Map<String, Value> {
    let t = schema["type"].as_str().unwrap_or("");
    let mut obj = Map::new();
    match t {
        "object" => {
            let props = schema["properties"].as_object().filter(|p| !p.is_empty());
            match props {
                Some(p)
                    if p.len() == 1
                        && p.values()
                            .next()
                            .is_some_and(|v| v["type"] == json!("array")) =>
                {
                    let (inner, array) = p
                        .iter()
                        .next()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .unwrap_or_default();
                    obj.insert("type".into(), json!("list"));
                    obj.insert("wrapper".into(), json!(inner));
                    let items = list_items(ctx, at, &inner, &array["items"], parent);
                    obj.insert("items".into(), Value::Object(items));
                    // The wrapper's own text is usually empty; the array's tells what it holds.
                    if schema["description"]
                        .as_str()
                        .is_none_or(|d| d.trim().is_empty())
                    {
                        describe(ctx, &mut obj, "", &array, false);
                        obj.remove("example");
                    }
                }
                Some(_) => {
                    obj.insert("type".into(), json!("object"));
                    let struct_name = ctx.names.claim(name, parent);
                    obj.insert("structName".into(), json!(struct_name));
                    let f = fields(ctx, at, &schema["properties"], &struct_name);
                    obj.insert("fields".into(), Value::Array(f));
                }
                None => {
                    obj.insert("type".into(), json!("json"));
                }
            }
        }
        "array" => {
            obj.insert("type".into(), json!("list"));
            let items = list_items(ctx, at, &format!("{name}Item"), &schema["items"], parent);
            obj.insert("items".into(), Value::Object(items));
        }
        _ => match scalar_type(t) {
            Some(k) => {
                obj.insert("type".into(), json!(k));
            }
            None => {
                ctx.warn(
                    at,
                    format!("response type `{t}` read as any JSON (`type: json`)"),
                );
                obj.insert("type".into(), json!("json"));
            }
        },
    }
    describe(ctx, &mut obj, "", schema, false);
    if obj["type"] == json!("object") || obj["type"] == json!("list") {
        obj.remove("example");
    }
    obj
}

fn list_items(
    ctx: &mut Ctx<'_>,
    at: &str,
    element: &str,
    items: &Value,
    parent: &str,
) -> Map<String, Value> {
    let t = items["type"].as_str().unwrap_or("");
    let mut obj = match t {
        "array" => {
            ctx.warn(
                at,
                "a list of lists: elements read as any JSON (`type: json`)",
            );
            let mut m = Map::new();
            m.insert("type".into(), json!("json"));
            m
        }
        "object"
            if items["properties"]
                .as_object()
                .is_some_and(|p| !p.is_empty()) =>
        {
            let mut m = Map::new();
            m.insert("type".into(), json!("object"));
            let struct_name = ctx.names.claim(element, parent);
            m.insert("structName".into(), json!(struct_name));
            let f = fields(ctx, at, &items["properties"], &struct_name);
            m.insert("fields".into(), Value::Array(f));
            m
        }
        _ => field(ctx, at, element, items, parent),
    };
    if obj["type"] != json!("object") && obj.get("description").is_none() {
        describe(ctx, &mut obj, "", items, false);
    }
    if obj["type"] == json!("object") {
        describe(ctx, &mut obj, "", items, false);
        obj.remove("example");
    }
    if obj.get("originalDescription").and_then(Value::as_str) == Some("Schema of Response") {
        obj.remove("originalDescription");
    }
    obj
}

fn errors(ctx: &mut Ctx<'_>, codes: &Value, common: &BTreeSet<String>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut seen_codes = BTreeSet::new();
    let mut variants = BTreeSet::new();
    for (status, list) in codes.as_object().into_iter().flatten() {
        let Ok(http_status) = status.parse::<u16>() else {
            ctx.warn(
                &format!("/errors ({status})"),
                "HTTP status is not a number; its codes left out",
            );
            continue;
        };
        for e in list.as_array().into_iter().flatten() {
            let Some(code) = e["errorCode"]
                .as_str()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            else {
                continue;
            };
            if common.contains(code) {
                ctx.warn(
                    &format!("/errors ({code})"),
                    "a common code (service.json); not repeated",
                );
                continue;
            }
            if code.matches("%s").count() > 1 {
                ctx.warn(
                    &format!("/errors ({code})"),
                    "a code with more than one `%s` cannot be matched; left out",
                );
                continue;
            }
            if !seen_codes.insert(code.to_owned()) {
                ctx.warn(
                    &format!("/errors ({code})"),
                    format!("listed twice (also under HTTP {http_status}); kept the first"),
                );
                continue;
            }
            let derived = code.replace("%s", "Field").to_upper_camel_case();
            let mut variant = variant_name(&derived, 'E');
            if matches!(variant.as_str(), "Common" | "Unhandled") {
                variant = format!("{variant}Code");
            }
            if variants.contains(&variant) {
                let base = variant.clone();
                variant = (2..)
                    .map(|n| format!("{base}{n}"))
                    .find(|v| !variants.contains(v))
                    .unwrap_or(base);
            }
            variants.insert(variant.clone());
            let message = e["errorMessage"].as_str().unwrap_or_default().to_owned();
            let mut obj = Map::new();
            obj.insert("httpStatus".into(), json!(http_status));
            obj.insert("code".into(), json!(code));
            obj.insert("message".into(), json!(message));
            if let Some(d) = e["description"]
                .as_str()
                .map(str::trim)
                .filter(|d| !d.is_empty() && *d != message)
            {
                obj.insert("description".into(), json!(d));
            }
            if variant != derived {
                obj.insert("variant".into(), json!(variant));
            }
            out.push(Value::Object(obj));
        }
    }
    out
}

/// Pretty JSON with a final newline.
pub fn to_text(spec: &Value) -> String {
    let mut text = serde_json::to_string_pretty(spec).unwrap_or_default();
    text.push('\n');
    text
}

/// What an import run did.
#[derive(Debug, Default)]
pub struct Report {
    pub written: Vec<String>,
    pub skipped: Vec<String>,
    pub warnings: Vec<String>,
}

/// Imports `ops` into `out_dir`; existing files are kept unless `force`.
pub fn import_into(
    meta: &Metadata,
    ops: &[String],
    out_dir: &Path,
    force: bool,
) -> Result<Report, String> {
    fs::create_dir_all(out_dir).map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let mut report = Report::default();
    for op in ops {
        let path = out_dir.join(format!("{op}.json"));
        if path.exists() && !force {
            report.skipped.push(op.clone());
            continue;
        }
        let imported = meta.translate(op)?;
        fs::write(&path, to_text(&imported.spec))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        report.written.push(op.clone());
        report.warnings.extend(imported.warnings);
    }
    Ok(report)
}

/// Every operation of the metadata, sorted.
pub fn all_operations(meta: &Metadata) -> Vec<String> {
    meta.apis.keys().cloned().collect()
}

/// Groups warnings by kind for a short summary: (reason, count, first example).
pub fn summarize(warnings: &[String]) -> BTreeMap<String, (usize, String)> {
    let mut out: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for w in warnings {
        let reason = w.rsplit(": ").next().unwrap_or(w).to_owned();
        let reason: String = reason
            .split('`')
            .enumerate()
            .map(|(i, s)| if i % 2 == 1 { "…" } else { s })
            .collect();
        let entry = out.entry(reason).or_insert((0, w.clone()));
        entry.0 += 1;
    }
    out
}

pub fn load(root: &Path) -> Result<Metadata, String> {
    Metadata::load(&root.join(METADATA), &root.join(EN_US), &root.join(SERVICE))
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let force = args.iter().any(|a| a == "--force");
    let all = args.iter().any(|a| a == "--all");
    let mut out_dir: PathBuf = root.join(OPERATIONS);
    let mut names = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--force" | "--all" => {}
            "--out" => out_dir = PathBuf::from(it.next().ok_or(USAGE)?),
            "--dir" => dirs.push(it.next().ok_or(USAGE)?.clone()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            s => names.push(s.to_owned()),
        }
    }
    let meta = load(root)?;
    for dir in &dirs {
        names.extend(meta.directory(dir)?);
    }
    if all != names.is_empty() {
        return Err(USAGE.to_owned());
    }
    let ops = if all { all_operations(&meta) } else { names };
    let report = import_into(&meta, &ops, &out_dir, force)?;
    let shown = out_dir
        .strip_prefix(root)
        .unwrap_or(&out_dir)
        .display()
        .to_string();
    for op in &report.skipped {
        println!("skipped {op}: {shown}/{op}.json exists (hand edits kept; --force overwrites it)");
    }
    for w in &report.warnings {
        if w.contains("only the metadata's Chinese summary") || w.contains("exists only in Chinese")
        {
            continue;
        }
        println!("not translated: {w}");
    }
    println!(
        "imported {} operation(s) into {shown}, skipped {}; summaries and operation descriptions are Chinese only in the metadata: translate them by hand",
        report.written.len(),
        report.skipped.len()
    );
    Ok(())
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
