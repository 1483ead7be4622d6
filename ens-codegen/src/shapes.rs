//! The `types` module: every shared shape, generated once.

use crate::TypeNames;
use crate::error::{Ctx, SpecError};
use crate::gates::{Gates, gate_items, shape_areas};
use crate::model::Model;
use crate::names::known;
use crate::objects::{Forms, object_struct};
use crate::response::{self, Env};
use crate::spec::{ListStyle, ParamType, Parameter, ShapeType};
use crate::types::{Sink, enumeration, newtype};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// How each request object shape goes on the wire at its uses (flat, as JSON, or both), so its
/// struct gets the impls those need. A shape inside a JSON object is JSON too.
fn object_forms(model: &Model) -> BTreeMap<String, Forms> {
    fn visit(p: &Parameter, in_json: bool, out: &mut BTreeMap<String, Forms>) {
        let json = in_json || p.style == Some(ListStyle::Json);
        match p.kind {
            Some(ParamType::List) => {
                if let Some(items) = p.items.as_deref() {
                    visit_object(items, json, out);
                }
            }
            Some(ParamType::Map) => {
                if let Some(values) = p.values_of.as_deref() {
                    // A map's values are JSON unless the map is sent flat.
                    visit_object(values, p.style != Some(ListStyle::Flat) || in_json, out);
                }
            }
            Some(ParamType::Object) => visit_object(p, json, out),
            _ => {}
        }
    }
    fn visit_object(p: &Parameter, json: bool, out: &mut BTreeMap<String, Forms>) {
        if p.kind != Some(ParamType::Object) {
            return;
        }
        if let Some(shape) = &p.shape {
            let form = if json { Forms::JSON } else { Forms::FLAT };
            out.entry(shape.clone()).or_default().add(form);
        }
        for f in &p.fields {
            visit(f, json, out);
        }
    }
    let mut out = BTreeMap::new();
    for op in &model.operations {
        for p in &op.spec.parameters {
            visit(p, false, &mut out);
        }
    }
    out
}

pub(crate) fn types_module(
    model: &Model,
    env: &Env<'_>,
    gates: &Gates,
    enum_areas: Option<BTreeSet<String>>,
) -> Result<TokenStream, SpecError> {
    let mut names = TypeNames::default();
    for (name, shape) in &model.shapes {
        names.claim(Ctx { file: &shape.file }, "/shape", name)?;
    }
    let mut items = Vec::new();
    let forms = object_forms(model);
    let areas = shape_areas(model);
    if let Some(enum_areas) = enum_areas {
        let unknown = quote! {
            /// A value an enum's spec does not list, as the service sent it. Only this crate
            /// makes one, from an answer: a request cannot carry it.
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            pub struct UnknownValue(String);

            impl UnknownValue {
                pub(crate) fn new(value: &str) -> Self {
                    Self(value.to_owned())
                }

                /// The value as the service sent it.
                pub fn as_str(&self) -> &str {
                    &self.0
                }
            }
        };
        items.push(gate_items(unknown, &gates.any(&enum_areas)));
    }
    for (name, shape) in &model.shapes {
        let ctx = Ctx { file: &shape.file };
        let s = &shape.spec;
        let start = items.len();
        let ident = known(name);
        let doc = s.description.as_deref().unwrap_or("");
        match s.kind {
            ShapeType::String => {
                let p = Parameter {
                    kind: Some(ParamType::String),
                    constraints: s.constraints.clone(),
                    secret: s.secret,
                    ..empty_param(name)
                };
                items.push(newtype(ctx, "", &p, &ident, name, doc)?);
            }
            ShapeType::Enum => {
                items.push(enumeration(
                    ctx,
                    "",
                    &ident,
                    &s.values,
                    doc,
                    shape.in_response,
                )?);
            }
            ShapeType::Object => {
                let p = Parameter {
                    kind: Some(ParamType::Object),
                    fields: s.fields.clone(),
                    description: s.description.clone(),
                    ..empty_param(name)
                };
                let mut sink = Sink {
                    names: &mut names,
                    items: &mut items,
                };
                let forms = forms.get(name).copied().unwrap_or(Forms::FLAT);
                object_struct(ctx, "", &ident, &p, &mut sink, forms)?;
            }
            ShapeType::Structure => {
                let doc = if doc.is_empty() {
                    format!(" A `{name}` in answers.")
                } else {
                    format!(" {doc}")
                };
                response::object(
                    ctx, "/members", &ident, &doc, &s.members, &mut names, &mut items, env,
                )?;
            }
            // Shared rules only: each use writes them into its own rule-table entry.
            ShapeType::Integer | ShapeType::Number => {}
        }
        // What this shape brought, compiled with the areas that use it.
        let gate = gates.any(areas.get(name).into_iter().flatten());
        let brought: Vec<TokenStream> = items.drain(start..).collect();
        items.push(gate_items(quote!(#(#brought)*), &gate));
    }
    Ok(quote!(#(#items)*))
}

/// A parameter named `name` with nothing else said, to fill with struct update syntax.
fn empty_param(name: &str) -> Parameter {
    Parameter {
        name: name.to_owned(),
        ..Parameter::default()
    }
}
