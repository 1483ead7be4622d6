//! aliyun-openapi-meta's `en-US/ens/`: one file per operation (name, method, parameters with
//! position, type, required and an English description, nested `sub_parameters`) and
//! `version.json` (each operation's English summary).

use super::{Kind, Loaded, Location, Member, Method, Shape, SourceOp, Style, read_json, text};
use serde_json::Value;
use std::fs;
use std::path::Path;

pub fn load(dir: &Path) -> Result<Loaded, String> {
    let mut loaded = Loaded::default();
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut summaries = Value::Null;
    for path in paths {
        let value = read_json(&path)?;
        if path.file_stem().is_some_and(|s| s == "version") {
            summaries = value["apis"].clone();
            continue;
        }
        let name =
            text(&value["name"]).ok_or_else(|| format!("{}: no operation name", path.display()))?;
        let mut methods: Vec<Method> = value["method"]
            .as_str()
            .unwrap_or_default()
            .split('|')
            .filter_map(Method::parse)
            .collect();
        methods.sort_by_key(|m| *m != Method::Post);
        let params = value["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| parameter(p, true))
            .collect();
        loaded.ops.insert(
            name.clone(),
            SourceOp {
                name,
                methods,
                params,
                ..SourceOp::default()
            },
        );
    }
    for (name, op) in &mut loaded.ops {
        op.summary = text(&summaries[name]["summary"]).map(|s| s.trim().to_owned());
        op.title = text(&summaries[name]["title"]);
    }
    Ok(loaded)
}

fn parameter(p: &Value, top: bool) -> Option<Member> {
    let name = text(&p["name"])?;
    let wire = p["type"].as_str().unwrap_or("String");
    let subs: Vec<Member> = p["sub_parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| parameter(s, false))
        .collect();
    let (kind, style) = match wire {
        "Integer" | "Long" => (Kind::Integer, Style::Plain),
        "Float" | "Double" => (Kind::Number, Style::Plain),
        "Boolean" => (Kind::Boolean, Style::Plain),
        "Json" => (Kind::Any, Style::Json),
        // `Array` is the meta's word for a list sent as `X.1`, the same wire form as RepeatList.
        "RepeatList" | "Array" => {
            let items = if subs.is_empty() {
                Shape::of(Kind::String)
            } else {
                Shape::of(Kind::Object(subs))
            };
            let style = if wire == "Array" {
                Style::Flat
            } else {
                Style::RepeatList
            };
            (Kind::Array(Box::new(items)), style)
        }
        _ => (Kind::String, Style::Plain),
    };
    let mut shape = Shape::of(kind);
    shape.wire_type = Some(wire.to_owned());
    shape.text = text(&p["description"]);
    Some(Member {
        name,
        required: p["required"].as_bool(),
        location: if top {
            p["position"].as_str().and_then(Location::parse)
        } else {
            None
        },
        style: top.then_some(style),
        shape,
    })
}
