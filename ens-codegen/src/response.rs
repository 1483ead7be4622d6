//! The response: serde structs that flatten wrapped lists and read numbers leniently.

use crate::TypeNames;
use crate::docs::{code, doc_lines};
use crate::error::{Ctx, SpecError};
use crate::names::{known, new_field_ident, type_ident};
use crate::spec::{Field, FieldType, OperationSpec, ShapeType};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// What response generation needs besides the spec.
pub(crate) struct Env<'a> {
    /// The kind of every shared shape, to type fields that refer to one.
    pub shapes: &'a dyn Fn(&str) -> Option<ShapeType>,
    /// Path of the runtime's `core` (`::ens_client::core`), for serde attributes.
    pub core: &'a str,
}

pub(crate) fn generate(
    ctx: Ctx<'_>,
    spec: &OperationSpec,
    names: &mut TypeNames,
    env: &Env<'_>,
) -> Result<TokenStream, SpecError> {
    let name = known(&format!("{}Response", spec.operation));
    let doc = format!(
        " What `{}` answers. Fields the spec does not list are ignored.",
        spec.operation
    );
    let mut structs = Vec::new();
    object(
        ctx,
        "/response",
        &name,
        &doc,
        &spec.response,
        names,
        &mut structs,
        env,
    )?;
    Ok(quote!(#(#structs)*))
}

#[allow(clippy::too_many_arguments)] // one recursive walk; a struct would only rename them
pub(crate) fn object(
    ctx: Ctx<'_>,
    path: &str,
    name: &Ident,
    doc: &str,
    fields: &[Field],
    names: &mut TypeNames,
    out: &mut Vec<TokenStream>,
    env: &Env<'_>,
) -> Result<(), SpecError> {
    let mut defs = Vec::new();
    let mut idents: Vec<Ident> = Vec::new();
    let mut json_names: Vec<&str> = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let fpath = format!("{path}/{i}");
        if f.name.is_empty() {
            return Err(ctx.err(format!("{fpath}/name"), "a response field needs a name"));
        }
        if json_names.contains(&f.name.as_str()) {
            return Err(ctx.err(
                format!("{fpath}/name"),
                format!("`{}` is listed twice", f.name),
            ));
        }
        json_names.push(&f.name);
        if f.required && path != "/response" {
            return Err(ctx.err(
                format!("{fpath}/required"),
                "`required` applies to top-level response fields only",
            ));
        }
        let ident = new_field_ident(ctx, &fpath, f.rust_name.as_deref(), &f.name, &idents)?;
        let (ty, with) = field_type(ctx, &fpath, f, names, out, env)?;
        let json = &f.name;
        let serde = match with {
            Some(with) => {
                let with = format!("{}::de::{with}", env.core);
                quote!(#[serde(rename = #json, default, deserialize_with = #with)])
            }
            None => quote!(#[serde(rename = #json, default)]),
        };
        // The JSON name is always stated, so every field has a doc line.
        let mut facts = format!("JSON {}", code(&f.name));
        if let Some(e) = &f.example {
            facts.push_str(&format!("; example {}", code(e)));
        }
        facts.push('.');
        let doc = doc_lines([f.description.as_deref().unwrap_or(""), facts.as_str()]);
        defs.push(quote! { #doc #serde pub #ident: #ty, });
        idents.push(ident);
    }
    let serde_crate = format!("{}::serde", env.core);
    out.push(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Default, rt::serde::Deserialize)]
        #[serde(crate = #serde_crate)]
        #[non_exhaustive]
        pub struct #name { #(#defs)* }
    });
    Ok(())
}

/// The Rust type of a field and, where the wire is loose, the lenient deserializer to use.
fn field_type(
    ctx: Ctx<'_>,
    path: &str,
    f: &Field,
    names: &mut TypeNames,
    out: &mut Vec<TokenStream>,
    env: &Env<'_>,
) -> Result<(TokenStream, Option<&'static str>), SpecError> {
    misplaced(ctx, path, f)?;
    if let Some(shape) = &f.shape {
        let ty = shared(ctx, path, shape, env)?;
        let numeric = matches!(
            (env.shapes)(shape),
            Some(ShapeType::Integer | ShapeType::Number)
        );
        return Ok((quote!(Option<#ty>), numeric.then_some("number")));
    }
    let Some(kind) = f.kind else {
        return Err(ctx.err(path, "a response field needs a `type` (or a `shape`)"));
    };
    Ok(match kind {
        FieldType::String => (quote!(Option<String>), None),
        FieldType::Integer => (quote!(Option<i64>), Some("number")),
        FieldType::Number => (quote!(Option<f64>), Some("number")),
        FieldType::Boolean => (quote!(Option<bool>), Some("boolean")),
        FieldType::Map => {
            let values = f
                .values_of
                .as_deref()
                .ok_or_else(|| ctx.err(path, "a map needs `valuesOf`"))?;
            let vpath = format!("{path}/valuesOf");
            let value = element(ctx, &vpath, f, values, &f.name, names, out, env)?;
            (
                quote!(::std::collections::BTreeMap<String, #value>),
                Some("map"),
            )
        }
        FieldType::Json => (quote!(Option<rt::serde_json::Value>), None),
        FieldType::Object => {
            let name = struct_name(ctx, path, f, names)?;
            let doc = format!(" The `{}` object of the response.", f.name);
            object(
                ctx,
                &format!("{path}/fields"),
                &name,
                &doc,
                &f.fields,
                names,
                out,
                env,
            )?;
            (quote!(Option<#name>), None)
        }
        FieldType::List => {
            let items = f
                .items
                .as_deref()
                .ok_or_else(|| ctx.err(path, "a list needs `items`"))?;
            let ipath = format!("{path}/items");
            if items.kind == Some(FieldType::List) {
                // A list of lists (`[["a","b"],["c"]]`): each inner list read like a list.
                let inner = items
                    .items
                    .as_deref()
                    .ok_or_else(|| ctx.err(&ipath, "a list needs `items`"))?;
                misplaced(ctx, &ipath, items)?;
                let elem = element(
                    ctx,
                    &format!("{ipath}/items"),
                    f,
                    inner,
                    &items_base_name(f),
                    names,
                    out,
                    env,
                )?;
                return Ok((quote!(Vec<Vec<#elem>>), Some("list_of_lists")));
            }
            let elem = element(ctx, &ipath, f, items, &items_base_name(f), names, out, env)?;
            (quote!(Vec<#elem>), Some("list"))
        }
    })
}

/// The type of a list's element or a map's value (`base` names a struct it defines).
#[allow(clippy::too_many_arguments)] // one recursive walk, as `object`
fn element(
    ctx: Ctx<'_>,
    path: &str,
    parent: &Field,
    items: &Field,
    base: &str,
    names: &mut TypeNames,
    out: &mut Vec<TokenStream>,
    env: &Env<'_>,
) -> Result<TokenStream, SpecError> {
    misplaced(ctx, path, items)?;
    Ok(match (&items.shape, items.kind) {
        (Some(shape), _) => shared(ctx, path, shape, env)?,
        (None, None) => {
            return Err(ctx.err(path, "a list element needs a `type` (or a `shape`)"));
        }
        (None, Some(kind)) => match kind {
            FieldType::String => quote!(String),
            FieldType::Integer => quote!(i64),
            FieldType::Number => quote!(f64),
            FieldType::Boolean => quote!(bool),
            FieldType::Json => quote!(rt::serde_json::Value),
            FieldType::Object => {
                // Elements are named after the wrapper key (`Instance` in `Instances.Instance`).
                let named = Field {
                    name: base.to_owned(),
                    ..items.clone()
                };
                let name = struct_name(ctx, path, &named, names)?;
                let doc = format!(" An element of the `{}` list of the response.", parent.name);
                object(
                    ctx,
                    &format!("{path}/fields"),
                    &name,
                    &doc,
                    &items.fields,
                    names,
                    out,
                    env,
                )?;
                quote!(#name)
            }
            FieldType::List => {
                return Err(ctx.err(
                    format!("{path}/type"),
                    "lists of lists nest one level: the inner list's items are single values or objects",
                ));
            }
            FieldType::Map => {
                return Err(ctx.err(
                    format!("{path}/type"),
                    "a list of maps or a map of maps is not supported: type the element as `json`",
                ));
            }
        },
    })
}

fn items_base_name(list: &Field) -> String {
    list.wrapper
        .clone()
        .unwrap_or_else(|| format!("{}Item", list.name))
}

fn struct_name(
    ctx: Ctx<'_>,
    path: &str,
    f: &Field,
    names: &mut TypeNames,
) -> Result<Ident, SpecError> {
    let name_path = format!("{path}/structName");
    let name = type_ident(ctx, &name_path, f.struct_name.as_deref(), &f.name)?;
    names.claim(ctx, &name_path, &name.to_string())?;
    Ok(name)
}

/// The Rust type of a field that refers to a shared shape: a structure or enum from `types`;
/// a checked string is read as plain text (rules are for requests).
fn shared(ctx: Ctx<'_>, path: &str, shape: &str, env: &Env<'_>) -> Result<TokenStream, SpecError> {
    match (env.shapes)(shape) {
        Some(ShapeType::Structure | ShapeType::Enum) => {
            let name = known(shape);
            Ok(quote!(#name))
        }
        Some(ShapeType::String) => Ok(quote!(String)),
        Some(ShapeType::Integer) => Ok(quote!(i64)),
        Some(ShapeType::Number) => Ok(quote!(f64)),
        _ => Err(ctx.err(
            format!("{path}/shape"),
            format!("`{shape}` is not a shape a response can hold"),
        )),
    }
}

/// Rejects keys that belong to another type ([`crate::spec::FIELD_TYPE_KEYS`]).
fn misplaced(ctx: Ctx<'_>, path: &str, f: &Field) -> Result<(), SpecError> {
    for (key, types) in crate::spec::FIELD_TYPE_KEYS {
        let given = match *key {
            "structName" => f.struct_name.is_some(),
            "fields" => !f.fields.is_empty(),
            "wrapper" => f.wrapper.is_some(),
            "items" => f.items.is_some(),
            "valuesOf" => f.values_of.is_some(),
            _ => false,
        };
        if given && f.kind.is_none_or(|k| !types.contains(&k)) {
            let belongs: Vec<String> = types
                .iter()
                .map(|t| format!("{t:?}").to_lowercase())
                .collect();
            return Err(ctx.err(
                format!("{path}/{key}"),
                format!("`{key}` belongs to `type: {}`", belongs.join(" or ")),
            ));
        }
    }
    Ok(())
}
