//! Request objects: a list element (`DataDisk.1.Size`), a flat object (`SystemDisk.Size`), or an
//! object sent as JSON (`{"Size":20}`, also inside a JSON list and inside another JSON object).
//! One struct per object, with the impls the forms of its uses need: `WireObject` for the flat
//! forms, `JsonValue` and the members' rule table (`FIELDS`) for JSON.

use crate::docs::doc_lines;
use crate::error::{Ctx, SpecError};
use crate::names::{known, new_field_ident, type_ident};
use crate::rules::{check_param_keys, literals, param_spec, param_spec_with};
use crate::spec::{ParamType, Parameter};
use crate::types::{Sink, scalar_type};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

/// How an object goes on the wire at its uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Forms {
    /// `Prefix.Field` (a list element, a flat object).
    pub flat: bool,
    /// A JSON object.
    pub json: bool,
}

impl Forms {
    pub(crate) const FLAT: Forms = Forms {
        flat: true,
        json: false,
    };
    pub(crate) const JSON: Forms = Forms {
        flat: false,
        json: true,
    };

    pub(crate) fn add(&mut self, other: Forms) {
        self.flat |= other.flat;
        self.json |= other.json;
    }
}

/// The Rust type of an object value: a shared shape's struct (in `types`), or a struct of this
/// module emitted into `sink` in the forms given.
pub(crate) fn object_type(
    ctx: Ctx<'_>,
    path: &str,
    p: &Parameter,
    default_name: &str,
    sink: &mut Sink<'_>,
    forms: Forms,
) -> Result<Ident, SpecError> {
    if let Some(shape) = &p.shape {
        return Ok(known(shape));
    }
    let name_path = format!("{path}/structName");
    let name = type_ident(ctx, &name_path, p.struct_name.as_deref(), default_name)?;
    sink.names.claim(ctx, &name_path, &name.to_string())?;
    object_struct(ctx, path, &name, p, sink, forms)?;
    Ok(name)
}

/// The struct of a request object, with the impls of `forms`.
pub(crate) fn object_struct(
    ctx: Ctx<'_>,
    path: &str,
    name: &Ident,
    p: &Parameter,
    sink: &mut Sink<'_>,
    forms: Forms,
) -> Result<(), SpecError> {
    if p.fields.is_empty() {
        return Err(ctx.err(
            format!("{path}/fields"),
            "an object needs at least one field",
        ));
    }
    let mut defs = Vec::new();
    let mut flat_writes = Vec::new();
    let mut flat_reads = Vec::new();
    let mut json_keys = Vec::new();
    let mut json_specs = Vec::new();
    let mut idents: Vec<Ident> = Vec::new();
    for (i, f) in p.fields.iter().enumerate() {
        let fpath = format!("{path}/fields/{i}");
        check_param_keys(ctx, &fpath, f)?;
        if f.name.is_empty() || f.name.contains(['.', '{', '}']) {
            return Err(ctx.err(
                format!("{fpath}/name"),
                "an object field needs a plain name (`Size`)",
            ));
        }
        if f.location.is_some() {
            return Err(ctx.err(
                format!("{fpath}/in"),
                "an object field goes where its object goes: `in` belongs to the parameter",
            ));
        }
        let ident = new_field_ident(ctx, &fpath, f.rust_name.as_deref(), &f.name, &idents)?;
        let member = member(ctx, &fpath, f, sink)?;
        if forms.flat {
            if !member.single {
                return Err(ctx.err(
                    format!("{fpath}/type"),
                    "a field of an object sent flat (`Name.Field`) must be a single value: send the object as JSON (`style: json`)",
                ));
            }
            let key = format!("{{prefix}}.{}", f.name);
            if f.kind == Some(ParamType::Boolean) {
                let (t, fl) = literals(f);
                flat_writes.push(quote!(out.put_bool(&format!(#key), self.#ident, (#t, #fl))));
                flat_reads.push(quote!(#ident: r.bool(&format!(#key), (#t, #fl))?,));
            } else {
                flat_writes.push(quote!(out.put_opt(&format!(#key), self.#ident.as_ref())));
                flat_reads.push(quote!(#ident: r.opt(&format!(#key))?,));
            }
        }
        if forms.json {
            let key = f.name.as_str();
            json_keys.push(quote!(#ident: #key));
            json_specs.push(member.spec);
        }
        let doc = crate::request::field_doc(f);
        let ty = member.ty;
        defs.push(quote! { #doc pub #ident: #ty, });
        idents.push(ident);
    }
    let sent = match (forms.flat, forms.json) {
        (true, true) => {
            " Sent as `Prefix.Field` parameters or as a JSON object, as its parameter says."
        }
        (false, true) => " Sent as a JSON object keyed by the fields' wire names.",
        _ => {
            " Sent as `Prefix.Field` under the prefix its parameter gives (`Name.1.Field` for the first element of a list)."
        }
    };
    let doc = doc_lines([
        format!(" A `{name}`.{sent}").as_str(),
        p.description.as_deref().unwrap_or(""),
    ]);
    let mut items = quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name { #(#defs)* }
    };
    if forms.flat {
        items.extend(quote! {
            impl rt::wire::WireObject for #name {
                fn write(&self, prefix: &str, out: &mut rt::wire::Writer) {
                    #(#flat_writes;)*
                }
                fn read(r: &rt::wire::Reader<'_>, prefix: &str) -> Result<Self, rt::Violations> {
                    Ok(Self { #(#flat_reads)* })
                }
            }
        });
    }
    if forms.json {
        let secret = if has_secret(p) {
            quote!(secret)
        } else {
            quote!()
        };
        items.extend(quote! {
            impl #name {
                /// The rules of each member, as the checker reads them inside JSON.
                pub const FIELDS: &'static [rt::ParamSpec] = &[ #(#json_specs),* ];
            }

            rt::json_object_impls!(#name #secret { #(#json_keys),* });
        });
    }
    sink.items.push(items);
    Ok(())
}

/// A field of an object: its Rust type, whether it is a single value, and its rule entry inside
/// JSON.
struct Member {
    ty: TokenStream,
    single: bool,
    spec: TokenStream,
}

fn member(
    ctx: Ctx<'_>,
    path: &str,
    f: &Parameter,
    sink: &mut Sink<'_>,
) -> Result<Member, SpecError> {
    let key = f.name.as_str();
    Ok(match f.kind {
        Some(ParamType::Boolean) => Member {
            ty: quote!(Option<bool>),
            single: true,
            spec: param_spec(ctx, path, f, key, None)?,
        },
        Some(ParamType::List) => {
            let (elem, spec) = json_list(ctx, path, f, key, sink)?;
            Member {
                ty: quote!(Vec<#elem>),
                single: false,
                spec,
            }
        }
        Some(ParamType::Object) => {
            let name = object_type(ctx, path, f, key, sink, Forms::JSON)?;
            Member {
                ty: quote!(Option<#name>),
                single: false,
                spec: with_required(
                    quote!(rt::ParamSpec::new(#key, rt::Kind::Object(#name::FIELDS))),
                    f,
                ),
            }
        }
        Some(ParamType::Map) => {
            let (value, value_spec) = map_value(ctx, path, f, sink)?;
            Member {
                ty: quote!(::std::collections::BTreeMap<String, #value>),
                single: false,
                spec: with_required(
                    quote!(rt::ParamSpec::new(#key, rt::Kind::Map(&#value_spec))),
                    f,
                ),
            }
        }
        _ => {
            // A secret is a newtype wherever it is, so that `Debug` never shows it.
            let ty = scalar_type(ctx, path, f, sink, f.secret)?;
            Member {
                ty: quote!(Option<#ty>),
                single: true,
                spec: param_spec(ctx, path, f, key, None)?,
            }
        }
    })
}

fn with_required(spec: TokenStream, p: &Parameter) -> TokenStream {
    if p.required {
        quote!(#spec.required())
    } else {
        spec
    }
}

/// `rt::Rule::Items` for a list's `minItems`/`maxItems`, if it has any; an error when they
/// contradict.
pub(crate) fn item_count(
    ctx: Ctx<'_>,
    path: &str,
    p: &Parameter,
) -> Result<Option<TokenStream>, SpecError> {
    if let (Some(a), Some(b)) = (p.min_items, p.max_items)
        && a > b
    {
        return Err(ctx.err(
            format!("{path}/minItems"),
            format!("minItems {a} is above maxItems {b}"),
        ));
    }
    if p.min_items.is_none() && p.max_items.is_none() {
        return Ok(None);
    }
    let bound = |v: Option<u32>| match v {
        Some(v) => {
            let v = Literal::u32_unsuffixed(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    };
    let (min, max) = (bound(p.min_items), bound(p.max_items));
    Ok(Some(quote!(rt::Rule::Items { min: #min, max: #max })))
}

/// A list inside JSON (or sent as JSON): its element type and its rule entry under `wire`.
pub(crate) fn json_list(
    ctx: Ctx<'_>,
    path: &str,
    p: &Parameter,
    wire: &str,
    sink: &mut Sink<'_>,
) -> Result<(TokenStream, TokenStream), SpecError> {
    let items = list_items(ctx, path, p)?;
    let ipath = format!("{path}/items");
    let count: Vec<TokenStream> = item_count(ctx, path, p)?.into_iter().collect();
    match items.kind {
        Some(ParamType::Object) => {
            let name = object_type(ctx, &ipath, items, wire, sink, Forms::JSON)?;
            let mut spec = quote!(rt::ParamSpec::new(#wire, rt::Kind::Object(#name::FIELDS)).packed(rt::Packing::JsonArray));
            if has_secret(items) {
                spec = quote!(#spec.secret());
            }
            if p.required {
                spec = quote!(#spec.required());
            }
            if p.location == Some(crate::spec::Location::Body) {
                spec = quote!(#spec.in_body());
            }
            if !count.is_empty() {
                spec = quote!(#spec.rules(&[#(#count),*]));
            }
            Ok((quote!(#name), spec))
        }
        Some(ParamType::String | ParamType::Integer | ParamType::Number | ParamType::Enum) => {
            let elem = scalar_type(ctx, &ipath, items, sink, false)?;
            let element = Parameter {
                required: p.required,
                location: p.location,
                ..items.clone()
            };
            let spec = param_spec_with(
                ctx,
                &ipath,
                &element,
                wire,
                Some(quote!(rt::Packing::JsonArray)),
                count,
            )?;
            Ok((elem, spec))
        }
        _ => Err(ctx.err(
            format!("{ipath}/type"),
            "list items must be string, integer, number, enum or object",
        )),
    }
}

/// A list's `items`, checked.
pub(crate) fn list_items<'p>(
    ctx: Ctx<'_>,
    path: &str,
    p: &'p Parameter,
) -> Result<&'p Parameter, SpecError> {
    let items = p
        .items
        .as_deref()
        .ok_or_else(|| ctx.err(path, "a list needs `items`"))?;
    let ipath = format!("{path}/items");
    check_param_keys(ctx, &ipath, items)?;
    if !items.name.is_empty() {
        return Err(ctx.err(
            format!("{ipath}/name"),
            "list items take no name; name the list",
        ));
    }
    if items.secret {
        return Err(ctx.err(
            format!("{ipath}/secret"),
            "secret list items are not supported: they would show in Debug",
        ));
    }
    for (key, given) in [
        ("required", items.required),
        ("in", items.location.is_some()),
    ] {
        if given {
            return Err(ctx.err(
                format!("{ipath}/{key}"),
                format!("`{key}` belongs to the list, not to its items"),
            ));
        }
    }
    Ok(items)
}

/// A map's value type and its rule entry (wire name empty: the entry checks every value).
pub(crate) fn map_value(
    ctx: Ctx<'_>,
    path: &str,
    p: &Parameter,
    sink: &mut Sink<'_>,
) -> Result<(TokenStream, TokenStream), SpecError> {
    let vpath = format!("{path}/valuesOf");
    let values = p
        .values_of
        .as_deref()
        .ok_or_else(|| ctx.err(path, "a map needs `valuesOf`"))?;
    check_param_keys(ctx, &vpath, values)?;
    if !values.name.is_empty() || values.required || values.secret {
        return Err(ctx.err(
            vpath,
            "a map's values take no name, `required` or `secret`: say them on the map",
        ));
    }
    match values.kind {
        Some(ParamType::Object) => {
            let name = object_type(ctx, &vpath, values, &p.name, sink, Forms::JSON)?;
            Ok((
                quote!(#name),
                quote!(rt::ParamSpec::new("", rt::Kind::Object(#name::FIELDS))),
            ))
        }
        Some(ParamType::Boolean) => Ok((quote!(bool), param_spec(ctx, &vpath, values, "", None)?)),
        Some(ParamType::List | ParamType::Map) | None => Err(ctx.err(
            format!("{vpath}/type"),
            "a map's values must be single values, JSON or objects",
        )),
        Some(_) => {
            let ty = scalar_type(ctx, &vpath, values, sink, false)?;
            Ok((ty, param_spec(ctx, &vpath, values, "", None)?))
        }
    }
}

/// Whether a value holds a secret anywhere inside (a password field of an object in a list).
pub(crate) fn has_secret(p: &Parameter) -> bool {
    p.secret
        || p.fields.iter().any(has_secret)
        || p.items.as_deref().is_some_and(has_secret)
        || p.values_of.as_deref().is_some_and(has_secret)
}
