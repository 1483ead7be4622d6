//! Alibaba's api-docs metadata (the format of api.aliyun.com's "openmeta"): the 2024 copy with
//! zh-CN texts, responses and error codes, and the 2025 one (converted from PHP) with the request
//! side only. Both have the same layout, so one loader reads both.

use super::{
    Kind, Loaded, Location, Member, Method, Shape, SourceError, SourceOp, Style, count, read_json,
    scalar_text, text,
};
use serde_json::Value;
use std::path::Path;

pub fn load(path: &Path) -> Result<Loaded, String> {
    let docs = read_json(path)?;
    let apis = docs["apis"]
        .as_object()
        .ok_or_else(|| format!("{}: no `apis` object", path.display()))?;
    let mut loaded = Loaded::default();
    for (name, api) in apis {
        loaded.ops.insert(name.clone(), operation(name, api));
    }
    for dir in docs["directories"].as_array().into_iter().flatten() {
        let title = text(&dir["title"]).unwrap_or_default();
        let children = dir["children"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect();
        loaded.directories.push((title, children));
    }
    Ok(loaded)
}

fn operation(name: &str, api: &Value) -> SourceOp {
    let mut methods: Vec<Method> = api["methods"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str().and_then(Method::parse))
        .collect();
    // The SDKs send POST where the docs allow it; put it first.
    methods.sort_by_key(|m| *m != Method::Post);
    let params = api["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(parameter)
        .collect();
    let schema = &api["responses"]["200"]["schema"];
    let response = schema["properties"].as_object().map(|_| members(schema));
    let mut errors = Vec::new();
    let mut by_status: Vec<(&String, &Value)> = api["errorCodes"]
        .as_object()
        .into_iter()
        .flatten()
        .collect();
    by_status.sort_by(|a, b| a.0.cmp(b.0));
    for (status, list) in by_status {
        for e in list.as_array().into_iter().flatten() {
            if let Some(code) = text(&e["errorCode"]) {
                errors.push(SourceError {
                    http_status: status.clone(),
                    code: code.trim().to_owned(),
                    message: e["errorMessage"]
                        .as_str()
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                    description: text(&e["description"]).map(|d| d.trim().to_owned()),
                });
            }
        }
    }
    SourceOp {
        name: name.to_owned(),
        methods,
        summary: text(&api["summary"]),
        title: text(&api["title"]),
        description: text(&api["description"]),
        operation_type: text(&api["systemTags"]["operationType"]),
        params,
        response,
        errors,
    }
}

fn parameter(p: &Value) -> Option<Member> {
    let name = text(&p["name"])?;
    let schema = &p["schema"];
    Some(Member {
        name,
        required: schema["required"].as_bool(),
        location: p["in"].as_str().and_then(Location::parse),
        style: Some(
            p["style"]
                .as_str()
                .and_then(Style::parse)
                .unwrap_or(Style::Plain),
        ),
        shape: shape(schema),
    })
}

/// The fields of an object schema, by name: the order must not depend on whether serde_json keeps
/// the file's order (its `preserve_order` feature, unified across the workspace) or sorts.
fn members(schema: &Value) -> Vec<Member> {
    let mut properties: Vec<(&String, &Value)> = schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .collect();
    properties.sort_by(|a, b| a.0.cmp(b.0));
    properties
        .into_iter()
        .map(|(name, s)| Member {
            name: name.clone(),
            required: s["required"].as_bool(),
            location: None,
            style: None,
            shape: shape(s),
        })
        .collect()
}

fn shape(s: &Value) -> Shape {
    let wire = s["type"].as_str().unwrap_or("string");
    let kind = match wire {
        "integer" => Kind::Integer,
        "number" => Kind::Number,
        "boolean" => Kind::Boolean,
        "array" => Kind::Array(Box::new(shape(&s["items"]))),
        "object" if s["additionalProperties"].is_object() => {
            Kind::Map(Box::new(shape(&s["additionalProperties"])))
        }
        "object" if s["properties"].is_object() => Kind::Object(members(s)),
        "object" | "any" => Kind::Any,
        _ => Kind::String,
    };
    let mut out = Shape::of(kind);
    out.wire_type = Some(wire.to_owned());
    out.format = text(&s["format"]);
    // `title` is a short label the docs give some fields instead of a description.
    out.text = text(&s["description"]).or_else(|| text(&s["title"]));
    out.example = scalar_text(&s["example"]);
    out.default = scalar_text(&s["default"]);
    out.enum_values = s["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(scalar_text)
        .collect();
    out.minimum = scalar_text(&s["minimum"]);
    out.maximum = scalar_text(&s["maximum"]);
    out.min_length = count(&s["minLength"]);
    out.max_length = count(&s["maxLength"]);
    out.min_items = count(&s["minItems"]);
    out.max_items = count(&s["maxItems"]);
    out.pattern = text(&s["pattern"]);
    out
}
