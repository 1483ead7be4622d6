//! The types parameters and response fields are made of: checked string newtypes, enums and
//! request objects. An operation emits the ones only it uses; shared shapes are emitted once,
//! into the `types` module, by the same functions.

use crate::TypeNames;
use crate::docs::{code, doc_lines};
use crate::error::{Ctx, SpecError};
use crate::names::type_ident;
use crate::rules::param_spec;
use crate::spec::{EnumValue, ParamType, Parameter};
use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// Where generated types go, and which names are taken there.
pub(crate) struct Sink<'a> {
    pub names: &'a mut TypeNames,
    pub items: &'a mut Vec<TokenStream>,
}

/// A string becomes a newtype when it has rules to enforce or must stay out of `Debug`.
pub(crate) fn is_newtype(p: &Parameter) -> bool {
    p.kind == Some(ParamType::String) && (!p.constraints.is_empty() || p.secret)
}

/// Whether the value is a newtype here: a shared string shape always is; an inline one only as
/// a top-level parameter (list items and object fields keep their rules in the table).
pub(crate) fn uses_newtype(p: &Parameter, top_level: bool) -> bool {
    is_newtype(p) && (top_level || p.shape.is_some())
}

/// A checked string: the value obeys its rules (`RULES`, which `new` checks) by construction.
/// `wire` names the value in violations. Secret ones are zeroed on drop and print `***`.
pub(crate) fn newtype(
    ctx: Ctx<'_>,
    path: &str,
    p: &Parameter,
    name: &Ident,
    wire: &str,
    doc: &str,
) -> Result<TokenStream, SpecError> {
    // The value's own rules: whether it is required and where it travels belong to each use.
    let value = Parameter {
        required: false,
        location: None,
        ..p.clone()
    };
    let spec = param_spec(ctx, path, &value, wire, None)?;
    let new_doc =
        format!(" Checks `value` against [`{name}::RULES`]; every broken rule is reported.");
    let doc = doc_lines([
        format!("A checked `{wire}`: holding one means the value obeys every rule of the spec.")
            .as_str(),
        doc,
    ]);
    let (storage, wrap, flavor, access) = if p.secret {
        (
            quote!(rt::zeroize::Zeroizing<String>),
            quote!(rt::zeroize::Zeroizing::new(value)),
            quote!(secret),
            quote! {
                /// The secret text, for sending; keep it out of logs.
                pub fn expose_secret(&self) -> &str {
                    &self.0
                }
            },
        )
    } else {
        (
            quote!(String),
            quote!(value),
            quote!(public),
            quote! {
                /// The checked text.
                pub fn as_str(&self) -> &str {
                    &self.0
                }
            },
        )
    };
    // Zeroizing has no `Hash`; nobody needs to hash a password.
    let derives = if p.secret {
        quote!(#[derive(Clone, PartialEq, Eq)])
    } else {
        quote!(#[derive(Clone, PartialEq, Eq, Hash)])
    };
    Ok(quote! {
        #doc
        #derives
        pub struct #name(#storage);

        impl #name {
            /// The rules a value must obey, as the checker reads them.
            pub const RULES: rt::ParamSpec = #spec;

            #[doc = #new_doc]
            pub fn new(value: impl Into<String>) -> Result<Self, rt::Violations> {
                let value = value.into();
                rt::check_value(&Self::RULES, #wire, &value)?;
                Ok(Self(#wrap))
            }

            #access
        }

        rt::newtype_impls!(#name, #flavor);
    })
}

fn enum_variant(ctx: Ctx<'_>, path: &str, v: &EnumValue) -> Result<Ident, SpecError> {
    let derived = v.value.to_upper_camel_case();
    let name = v.variant.as_deref().unwrap_or(&derived);
    type_ident(ctx, &format!("{path}/variant"), Some(name), "").map_err(|mut e| {
        if v.variant.is_none() {
            e.message = format!(
                "value `{}` gives no Rust variant name: set `variant`",
                v.value
            );
        }
        e
    })
}

/// An enum with `Unknown` for values this SDK does not know: a response may hold values the
/// service added later (forward compatible), while a request holding one fails validation (the
/// rule table lists the known values). `deserialize` adds serde support, for responses.
pub(crate) fn enumeration(
    ctx: Ctx<'_>,
    path: &str,
    name: &Ident,
    values: &[EnumValue],
    doc: &str,
    deserialize: bool,
) -> Result<TokenStream, SpecError> {
    if values.is_empty() {
        return Err(ctx.err(format!("{path}/values"), "an enum needs at least one value"));
    }
    let mut variants: Vec<(Ident, &EnumValue)> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let vpath = format!("{path}/values/{i}");
        let variant = enum_variant(ctx, &vpath, v)?;
        if variant == "Unknown" {
            return Err(ctx.err(
                format!("{vpath}/variant"),
                "`Unknown` is reserved for values the spec does not list: set `variant`",
            ));
        }
        if variants.iter().any(|(x, _)| *x == variant) {
            return Err(ctx.err(vpath, format!("variant `{variant}` is used twice")));
        }
        if variants.iter().any(|(_, x)| x.value == v.value) {
            return Err(ctx.err(
                format!("{vpath}/value"),
                format!("value `{}` is listed twice", v.value),
            ));
        }
        variants.push((variant, v));
    }
    let defs = variants.iter().map(|(id, v)| {
        let doc = doc_lines([
            v.description.as_deref().unwrap_or(""),
            &format!("Wire value {}.", code(&v.value)),
        ]);
        quote! { #doc #id, }
    });
    let pairs = variants.iter().map(|(id, v)| {
        let s = &v.value;
        quote!(#id = #s)
    });
    let doc = doc_lines([format!("Values of `{name}`.").as_str(), doc]);
    let de = if deserialize {
        quote!(, deserialize)
    } else {
        quote!()
    };
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            /// A value the spec does not list (the service may add values): read from answers,
            /// never valid in a request. Match known values by name and others with a wildcard.
            #[deprecated(note = "matching `Unknown` breaks when a later spec lists the value: use a wildcard and `as_str()`")]
            Unknown(super::types::UnknownValue),
        }

        rt::enum_impls!(#name, super::types::UnknownValue, [#(#pairs),*] #de);
    })
}

/// The Rust type of a string, number, enum or JSON value, emitting the enum or newtype it
/// needs into `sink` (a shared shape is only referred to: the `types` module has it).
pub(crate) fn scalar_type(
    ctx: Ctx<'_>,
    path: &str,
    p: &Parameter,
    sink: &mut Sink<'_>,
    top_level: bool,
) -> Result<TokenStream, SpecError> {
    let shared = |name: &str| {
        let name = crate::names::known(name);
        Ok(quote!(#name))
    };
    match p.kind {
        Some(ParamType::String) if uses_newtype(p, top_level) => {
            if let Some(shape) = &p.shape {
                return shared(shape);
            }
            let name_path = format!("{path}/newtype");
            let name = type_ident(ctx, &name_path, p.newtype.as_deref(), &p.name)?;
            sink.names.claim(ctx, &name_path, &name.to_string())?;
            let wire = if p.name.is_empty() {
                name.to_string()
            } else {
                p.name.clone()
            };
            let doc = p.description.as_deref().unwrap_or("");
            sink.items.push(newtype(ctx, path, p, &name, &wire, doc)?);
            Ok(quote!(#name))
        }
        Some(ParamType::String) => Ok(quote!(String)),
        Some(ParamType::Integer) => Ok(quote!(i64)),
        Some(ParamType::Number) => Ok(quote!(f64)),
        Some(ParamType::Json) => Ok(quote!(rt::serde_json::Value)),
        Some(ParamType::Enum) => {
            if let Some(shape) = &p.shape {
                return shared(shape);
            }
            let name_path = format!("{path}/enumName");
            let enum_name = p
                .enum_name
                .as_deref()
                .ok_or_else(|| ctx.err(path, "an enum needs an `enumName`"))?;
            let name = type_ident(ctx, &name_path, Some(enum_name), "")?;
            if sink.names.enums.iter().any(|(n, _)| n == enum_name) {
                let wire_values: Vec<String> = p.values.iter().map(|v| v.value.clone()).collect();
                if sink
                    .names
                    .enums
                    .iter()
                    .any(|(n, v)| n == enum_name && *v == wire_values)
                {
                    return Ok(quote!(#name));
                }
                return Err(ctx.err(
                    name_path,
                    format!("enum `{enum_name}` is defined twice with different values"),
                ));
            }
            sink.names.claim(ctx, &name_path, enum_name)?;
            sink.names.enums.push((
                enum_name.to_owned(),
                p.values.iter().map(|v| v.value.clone()).collect(),
            ));
            let doc = p.description.as_deref().unwrap_or("");
            sink.items
                .push(enumeration(ctx, path, &name, &p.values, doc, false)?);
            Ok(quote!(#name))
        }
        _ => Err(ctx.err(format!("{path}/type"), "not a scalar type here")),
    }
}
