//! The response: serde structs that flatten wrapped lists and read numbers leniently.

use crate::TypeNames;
use crate::docs::{code, doc_lines};
use crate::error::{Ctx, SpecError};
use crate::names::{field_ident, known, type_ident};
use crate::spec::{Field, FieldType, OperationSpec};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

pub(crate) fn generate(
    ctx: Ctx<'_>,
    spec: &OperationSpec,
    names: &mut TypeNames,
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
    )?;
    Ok(quote!(#(#structs)*))
}

fn object(
    ctx: Ctx<'_>,
    path: &str,
    name: &Ident,
    doc: &str,
    fields: &[Field],
    names: &mut TypeNames,
    out: &mut Vec<TokenStream>,
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
        let ident = field_ident(
            ctx,
            &format!("{fpath}/rustName"),
            f.rust_name.as_deref(),
            &f.name,
        )?;
        if idents.contains(&ident) {
            return Err(ctx.err(
                format!("{fpath}/rustName"),
                format!("Rust field name `{ident}` is used twice"),
            ));
        }
        let (ty, with) = field_type(ctx, &fpath, f, names, out)?;
        let json = &f.name;
        let serde = match with {
            Some(with) => quote!(#[serde(rename = #json, default, deserialize_with = #with)]),
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
    out.push(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Default, rt::serde::Deserialize)]
        #[serde(crate = "::ens_client::core::serde")]
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
) -> Result<(TokenStream, Option<&'static str>), SpecError> {
    misplaced(ctx, path, f)?;
    Ok(match f.kind {
        FieldType::String => (quote!(Option<String>), None),
        FieldType::Integer => (quote!(Option<i64>), Some("::ens_client::core::de::number")),
        FieldType::Number => (quote!(Option<f64>), Some("::ens_client::core::de::number")),
        FieldType::Boolean => (
            quote!(Option<bool>),
            Some("::ens_client::core::de::boolean"),
        ),
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
            )?;
            (quote!(Option<#name>), None)
        }
        FieldType::List => {
            let items = f
                .items
                .as_deref()
                .ok_or_else(|| ctx.err(path, "a list needs `items`"))?;
            let ipath = format!("{path}/items");
            misplaced(ctx, &ipath, items)?;
            let elem = match items.kind {
                FieldType::String => quote!(String),
                FieldType::Integer => quote!(i64),
                FieldType::Number => quote!(f64),
                FieldType::Boolean => quote!(bool),
                FieldType::Json => quote!(rt::serde_json::Value),
                FieldType::Object => {
                    // Elements are named after the wrapper key (`Instance` in `Instances.Instance`).
                    let base = Field {
                        name: items_base_name(f),
                        ..items.clone()
                    };
                    let name = struct_name(ctx, &ipath, &base, names)?;
                    let doc = format!(" An element of the `{}` list of the response.", f.name);
                    object(
                        ctx,
                        &format!("{ipath}/fields"),
                        &name,
                        &doc,
                        &items.fields,
                        names,
                        out,
                    )?;
                    quote!(#name)
                }
                FieldType::List => {
                    return Err(
                        ctx.err(format!("{ipath}/type"), "lists of lists are not supported")
                    );
                }
            };
            (quote!(Vec<#elem>), Some("::ens_client::core::de::list"))
        }
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

fn misplaced(ctx: Ctx<'_>, path: &str, f: &Field) -> Result<(), SpecError> {
    let bad = |key: &str, belongs: &str| {
        Err(ctx.err(
            format!("{path}/{key}"),
            format!("`{key}` belongs to `type: {belongs}`"),
        ))
    };
    if (f.struct_name.is_some() || !f.fields.is_empty()) && f.kind != FieldType::Object {
        return bad("fields", "object");
    }
    if (f.wrapper.is_some() || f.items.is_some()) && f.kind != FieldType::List {
        return bad("items", "list");
    }
    Ok(())
}
