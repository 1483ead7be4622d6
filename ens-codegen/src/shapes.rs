//! The `types` module: every shared shape, generated once.

use crate::TypeNames;
use crate::error::{Ctx, SpecError};
use crate::model::Model;
use crate::names::known;
use crate::response::{self, Env};
use crate::spec::{ParamType, Parameter, ShapeType};
use crate::types::{Sink, enumeration, newtype, object_struct};
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn types_module(
    model: &Model,
    env: &Env<'_>,
    has_enums: bool,
) -> Result<TokenStream, SpecError> {
    let mut names = TypeNames::default();
    for (name, shape) in &model.shapes {
        names.claim(Ctx { file: &shape.file }, "/shape", name)?;
    }
    let mut items = Vec::new();
    if has_enums {
        items.push(quote! {
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
        });
    }
    for (name, shape) in &model.shapes {
        let ctx = Ctx { file: &shape.file };
        let s = &shape.spec;
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
                object_struct(ctx, "", &ident, &p, &mut sink)?;
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
            ShapeType::Integer | ShapeType::Number => {
                return Err(ctx.err("/type", "integer and number shapes are not generated yet"));
            }
        }
    }
    Ok(quote!(#(#items)*))
}

/// A parameter named `name` with nothing else said, to fill with struct update syntax.
fn empty_param(name: &str) -> Parameter {
    Parameter {
        name: name.to_owned(),
        rust_name: None,
        wire_type: None,
        kind: None,
        shape: None,
        newtype: None,
        constraints: Vec::new(),
        literals: None,
        enum_name: None,
        values: Vec::new(),
        style: None,
        separator: None,
        items: None,
        values_of: None,
        min_items: None,
        max_items: None,
        struct_name: None,
        fields: Vec::new(),
        required: false,
        secret: false,
        description: None,
        original_description: None,
        example: None,
        default: None,
        location: None,
    }
}
