//! Facts extracted from the official Python SDK 12.1.0 (`tea-python-12.1.0/ens-2017-11-10.json`,
//! its README gives the format): every operation's method, parameters with location, style, type,
//! required flag and English text, and the response shape with English texts.

use super::{Kind, Loaded, Location, Member, Method, Shape, SourceOp, Style, read_json, text};
use serde_json::Value;
use std::path::Path;

pub fn load(path: &Path) -> Result<Loaded, String> {
    let doc = read_json(path)?;
    let ops = doc["operations"]
        .as_object()
        .ok_or_else(|| format!("{}: no `operations` object", path.display()))?;
    let mut loaded = Loaded::default();
    for (name, op) in ops {
        let methods = op["method"].as_str().and_then(Method::parse);
        let params = op["request"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| member(p, true))
            .collect();
        let response = Some(fields(&op["response"]["fields"]));
        loaded.ops.insert(
            name.clone(),
            SourceOp {
                name: name.clone(),
                methods: methods.into_iter().collect(),
                params,
                response,
                ..SourceOp::default()
            },
        );
    }
    Ok(loaded)
}

fn fields(list: &Value) -> Vec<Member> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| member(f, false))
        .collect()
}

fn member(p: &Value, top: bool) -> Option<Member> {
    Some(Member {
        name: text(&p["name"])?,
        required: p["required"].as_bool(),
        location: if top {
            p["location"].as_str().and_then(Location::parse)
        } else {
            None
        },
        style: if top {
            p["style"].as_str().and_then(Style::parse)
        } else {
            None
        },
        shape: shape(p),
    })
}

fn shape(s: &Value) -> Shape {
    let wire = s["type"].as_str().unwrap_or("string");
    let kind = match wire {
        "integer" => Kind::Integer,
        "number" => Kind::Number,
        "boolean" => Kind::Boolean,
        "array" => Kind::Array(Box::new(shape(&s["items"]))),
        "object" => Kind::Object(fields(&s["fields"])),
        "map" => Kind::Map(Box::new(shape(&s["values"]))),
        "any" => Kind::Any,
        _ => Kind::String,
    };
    let mut out = Shape::of(kind);
    out.wire_type = Some(wire.to_owned());
    out.text = text(&s["description"]);
    out
}
