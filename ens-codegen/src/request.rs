//! The request: struct, wire conversions and the `Operation` implementation. Its types come
//! from `types.rs`, its rule table from `rules.rs`, its builder from `builder.rs`.

use crate::docs::{code, doc_lines};
use crate::error::{Ctx, SpecError};
use crate::names::{known, new_field_ident, type_ident};
use crate::rules::{check_param_keys, cross_rules, literals, param_spec, param_spec_with};
use crate::spec::{ListStyle, Location, OperationSpec, ParamType, Parameter};
use crate::types::{Sink, object_struct, scalar_type, uses_newtype};
use heck::ToUpperCamelCase;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

/// Whether a request field must be set, may be set, or holds a list.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Required,
    Optional,
    List,
}

/// How one request field is typed, checked, written and read.
pub(crate) struct FieldPlan {
    pub ident: Ident,
    /// UpperCamel form of the field name, for type-state names.
    pub camel: String,
    pub wire: String,
    pub form: Form,
    /// The value's type: `T` in `T`, `Option<T>` or `Vec<T>`.
    pub value: TokenStream,
    /// Whether the value is plain text, so setters take `impl Into<String>`.
    pub text: bool,
    pub doc: TokenStream,
    /// Expression writing the field into `w`.
    pub write: TokenStream,
    /// Expression reading the field from `r`.
    pub read: TokenStream,
}

impl FieldPlan {
    /// The field's type in the request struct.
    pub(crate) fn ty(&self) -> TokenStream {
        let value = &self.value;
        match self.form {
            Form::Required => value.clone(),
            Form::Optional => quote!(Option<#value>),
            Form::List => quote!(Vec<#value>),
        }
    }

    /// A setter's parameter type and the conversion to the value.
    pub(crate) fn setter(&self) -> (TokenStream, TokenStream) {
        if self.text {
            (quote!(impl Into<String>), quote!(value.into()))
        } else {
            (self.value.clone(), quote!(value))
        }
    }
}

pub(crate) struct Request<'a> {
    ctx: Ctx<'a>,
    spec: &'a OperationSpec,
    sink: Sink<'a>,
    /// Entries of the rule table.
    param_specs: Vec<TokenStream>,
}

impl<'a> Request<'a> {
    pub(crate) fn new(ctx: Ctx<'a>, spec: &'a OperationSpec, sink: Sink<'a>) -> Self {
        Self {
            ctx,
            spec,
            sink,
            param_specs: Vec::new(),
        }
    }

    pub(crate) fn generate(mut self) -> Result<TokenStream, SpecError> {
        let op = &self.spec.operation;
        let request = known(&format!("{op}Request"));
        let builder = known(&format!("{op}RequestBuilder"));
        let response = known(&format!("{op}Response"));
        let error = known(&format!("{op}Error"));

        let mut fields = Vec::new();
        let mut seen_wire = Vec::new();
        for (i, p) in self.spec.parameters.iter().enumerate() {
            let path = format!("/parameters/{i}");
            if p.name.is_empty() {
                return Err(self
                    .ctx
                    .err(format!("{path}/name"), "a parameter needs a name"));
            }
            if seen_wire.contains(&p.name) {
                return Err(self.ctx.err(
                    format!("{path}/name"),
                    format!("`{}` is listed twice", p.name),
                ));
            }
            seen_wire.push(p.name.clone());
            if p.location == Some(Location::Body) {
                return Err(self.ctx.err(
                    format!("{path}/in"),
                    "parameters `in: body` are part of the format but not generated yet: the client sends every parameter in the query",
                ));
            }
            let taken: Vec<Ident> = fields.iter().map(|f: &FieldPlan| f.ident.clone()).collect();
            let plan = self.field(&path, p, &taken)?;
            fields.push(plan);
        }
        for (key, present) in [
            ("pagination", self.spec.pagination.is_some()),
            ("waiters", !self.spec.waiters.is_empty()),
        ] {
            if present {
                return Err(self.ctx.err(
                    format!("/{key}"),
                    format!("`{key}` is part of the format but not generated yet"),
                ));
            }
        }
        let cross_rules = cross_rules(self.ctx, self.spec, &seen_wire)?;
        let builder_code = crate::builder::builder(op, &request, &builder, &fields);
        let param_specs = &self.param_specs;
        let rate_limit = match &self.spec.rate_limit {
            Some(r) => {
                let n = Literal::u32_unsuffixed(r.per_second);
                quote!(Some(#n))
            }
            None => quote!(None),
        };
        let action = op.as_str();
        let version = self.spec.version.as_str();
        let method = self.spec.method.as_str();
        let read_only = self.spec.read_only;

        let field_defs = fields.iter().map(|f| {
            let (ident, ty, doc) = (&f.ident, f.ty(), &f.doc);
            quote! { #doc pub #ident: #ty, }
        });
        let writes = fields.iter().map(|f| &f.write);
        let reads = fields.iter().map(|f| {
            let (ident, read) = (&f.ident, &f.read);
            quote! { #ident: #read, }
        });

        // An operation without parameters needs neither writer nor reader.
        let (to_params, from_params) = if fields.is_empty() {
            (quote!(rt::Params::new()), quote!(Ok(Self {})))
        } else {
            (
                quote! {
                    let mut w = rt::wire::Writer::default();
                    #(#writes;)*
                    w.finish()
                },
                quote! {
                    let r = rt::wire::Reader::new(params);
                    Ok(Self { #(#reads)* })
                },
            )
        };
        let request_doc = doc_lines(
            std::iter::once(self.spec.summary.as_str())
                .chain(self.spec.description.iter().map(String::as_str)),
        );
        let facts = facts_doc(self.spec);
        Ok(quote! {
            #request_doc
            #[doc = ""]
            #facts
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub struct #request {
                #(#field_defs)*
            }

            rt::request_impls!(#request, #builder);

            static PARAMS: &[rt::ParamSpec] = &[ #(#param_specs),* ];

            impl rt::Operation for #request {
                type Response = #response;
                type Error = #error;
                const SPEC: &'static rt::OperationSpec = &rt::OperationSpec {
                    action: #action,
                    version: #version,
                    method: #method,
                    rate_limit_per_second: #rate_limit,
                    read_only: #read_only,
                    params: PARAMS,
                    cross_rules: &[ #(#cross_rules),* ],
                };

                fn to_params(&self) -> rt::Params {
                    #to_params
                }

                fn from_params(params: &rt::Params) -> Result<Self, rt::Violations> {
                    Self::SPEC.check(params)?;
                    #from_params
                }
            }

            #builder_code
        })
    }

    /// The rule-table entry of a scalar: a newtype's entry is its `RULES` under this wire name.
    fn scalar_spec(
        &self,
        path: &str,
        p: &Parameter,
        ty: &TokenStream,
        wire: &str,
        required: bool,
        top_level: bool,
    ) -> Result<TokenStream, SpecError> {
        if !uses_newtype(p, top_level) {
            return param_spec(self.ctx, path, p, wire, None);
        }
        let spec = quote!(rt::ParamSpec { wire: #wire, ..#ty::RULES });
        Ok(if required {
            quote!(#spec.required())
        } else {
            spec
        })
    }

    /// Plans one top-level parameter and emits the types and rule-table entries it needs.
    fn field(
        &mut self,
        path: &str,
        p: &Parameter,
        taken: &[Ident],
    ) -> Result<FieldPlan, SpecError> {
        let ctx = self.ctx;
        let ident = new_field_ident(ctx, path, p.rust_name.as_deref(), &p.name, taken)?;
        let camel = ident
            .to_string()
            .trim_start_matches("r#")
            .to_upper_camel_case();
        let wire = p.name.as_str();
        check_param_keys(ctx, path, p)?;
        let form = if p.required {
            Form::Required
        } else {
            Form::Optional
        };
        let (value, write, read) = match p.kind {
            Some(ParamType::List) => return self.list_field(path, p, ident, camel),
            Some(ParamType::Object) => {
                return Err(ctx.err(
                    format!("{path}/type"),
                    "flat objects (`SystemDisk.Size`) are part of the format but not generated yet: use a list's `items`",
                ));
            }
            Some(ParamType::Boolean) => {
                let (t, f) = literals(p);
                self.param_specs.push(param_spec(ctx, path, p, wire, None)?);
                let read = if p.required {
                    quote!(r.bool(#wire, (#t, #f))?.ok_or_else(|| rt::Violation::new(#wire, "required", "is required", None))?)
                } else {
                    quote!(r.bool(#wire, (#t, #f))?)
                };
                let value = if p.required {
                    quote!(Some(self.#ident))
                } else {
                    quote!(self.#ident)
                };
                (
                    quote!(bool),
                    quote!(w.put_bool(#wire, #value, (#t, #f))),
                    read,
                )
            }
            _ => {
                let ty = scalar_type(ctx, path, p, &mut self.sink, true)?;
                let entry = self.scalar_spec(path, p, &ty, wire, p.required, true)?;
                self.param_specs.push(entry);
                if p.required {
                    (
                        ty,
                        quote!(w.put(#wire, &self.#ident)),
                        quote!(r.req(#wire)?),
                    )
                } else {
                    (
                        ty,
                        quote!(w.put_opt(#wire, self.#ident.as_ref())),
                        quote!(r.opt(#wire)?),
                    )
                }
            }
        };
        Ok(FieldPlan {
            doc: param_doc(p, wire),
            ident,
            camel,
            wire: wire.to_owned(),
            form,
            text: p.kind == Some(ParamType::String) && !uses_newtype(p, true),
            value,
            write,
            read,
        })
    }

    fn list_field(
        &mut self,
        path: &str,
        p: &Parameter,
        ident: Ident,
        camel: String,
    ) -> Result<FieldPlan, SpecError> {
        let ctx = self.ctx;
        let wire = p.name.as_str();
        let style = p
            .style
            .ok_or_else(|| ctx.err(path, "a list needs a `style`"))?;
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
        if let (Some(a), Some(b)) = (p.min_items, p.max_items)
            && a > b
        {
            return Err(ctx.err(
                format!("{path}/minItems"),
                format!("minItems {a} is above maxItems {b}"),
            ));
        }
        let (elem, write, read) = match (style, items.kind) {
            (_, Some(ParamType::Object)) if p.min_items.is_some() || p.max_items.is_some() => {
                return Err(ctx.err(
                    format!("{path}/maxItems"),
                    "item counts on lists of objects are part of the format but not generated yet",
                ));
            }
            (ListStyle::RepeatList, Some(ParamType::Object)) => {
                let name_path = format!("{ipath}/structName");
                let name = type_ident(ctx, &name_path, items.struct_name.as_deref(), wire)?;
                if items.shape.is_none() {
                    self.sink.names.claim(ctx, &name_path, &name.to_string())?;
                    let element = Parameter {
                        name: wire.to_owned(),
                        ..items.clone()
                    };
                    object_struct(ctx, &ipath, &name, &element, &mut self.sink)?;
                }
                // The fields' rules, under this list's wire names.
                for (i, f) in items.fields.iter().enumerate() {
                    let fpath = format!("{ipath}/fields/{i}");
                    let fwire = format!("{wire}.{{n}}.{}", f.name);
                    let entry = match &f.shape {
                        Some(shape) if uses_newtype(f, false) => {
                            let ty = known(shape);
                            self.scalar_spec(&fpath, f, &quote!(#ty), &fwire, false, false)?
                        }
                        _ => param_spec(ctx, &fpath, f, &fwire, None)?,
                    };
                    self.param_specs.push(entry);
                }
                (
                    quote!(#name),
                    quote!(w.put_objects(#wire, &self.#ident)),
                    quote!(r.objects(#wire)?),
                )
            }
            (ListStyle::Simple | ListStyle::Json | ListStyle::Flat, Some(ParamType::Object)) => {
                return Err(ctx.err(
                    format!("{path}/style"),
                    "lists of objects sent as JSON are part of the format but not generated yet: use `repeatList`",
                ));
            }
            (ListStyle::Flat, _) => {
                return Err(ctx.err(
                    format!("{path}/style"),
                    "`flat` is for objects and maps; a list is `repeatList`, `simple` or `json`",
                ));
            }
            (
                _,
                Some(ParamType::List | ParamType::Json | ParamType::Boolean | ParamType::Map)
                | None,
            ) => {
                return Err(ctx.err(
                    format!("{ipath}/type"),
                    "list items must be string, integer, number, enum or object",
                ));
            }
            (style, Some(kind)) => {
                if items.secret {
                    return Err(ctx.err(
                        format!("{ipath}/secret"),
                        "secret list items are not supported: they would show in Debug",
                    ));
                }
                let elem = scalar_type(ctx, &ipath, items, &mut self.sink, false)?;
                let (item_wire, packing) = match style {
                    ListStyle::Simple => (wire.to_owned(), Some(quote!(rt::Packing::Comma))),
                    ListStyle::Json => (wire.to_owned(), Some(quote!(rt::Packing::JsonArray))),
                    _ => (format!("{wire}.{{n}}"), None),
                };
                let mut count = Vec::new();
                if p.min_items.is_some() || p.max_items.is_some() {
                    let (min, max) = (
                        opt(p.min_items.map(Literal::u32_unsuffixed)),
                        opt(p.max_items.map(Literal::u32_unsuffixed)),
                    );
                    count.push(quote!(rt::Rule::Items { min: #min, max: #max }));
                }
                let mut spec = if uses_newtype(items, false) {
                    // The newtype's rules and an item count would need one table: not yet.
                    if !count.is_empty() {
                        return Err(ctx.err(
                            format!("{path}/maxItems"),
                            "item counts on lists of shared checked strings are not generated yet",
                        ));
                    }
                    let spec = quote!(rt::ParamSpec { wire: #item_wire, ..#elem::RULES });
                    match &packing {
                        Some(packing) => quote!(#spec.packed(#packing)),
                        None => spec,
                    }
                } else {
                    param_spec_with(ctx, &ipath, items, &item_wire, packing, count)?
                };
                if p.required {
                    spec = quote!(#spec.required());
                }
                self.param_specs.push(spec);
                let numeric = matches!(kind, ParamType::Integer | ParamType::Number);
                match style {
                    ListStyle::Simple => (
                        elem,
                        quote!(w.put_joined(#wire, &self.#ident)),
                        quote!(r.joined(#wire)?),
                    ),
                    ListStyle::Json => (
                        elem,
                        quote!(w.put_json_array(#wire, &self.#ident, #numeric)),
                        quote!(r.json_array(#wire)?),
                    ),
                    _ => (
                        elem,
                        quote!(w.put_repeated(#wire, &self.#ident)),
                        quote!(r.repeated(#wire)?),
                    ),
                }
            }
        };
        Ok(FieldPlan {
            doc: param_doc(p, wire),
            ident,
            camel,
            wire: wire.to_owned(),
            form: Form::List,
            value: elem,
            text: false,
            write,
            read,
        })
    }
}

fn opt<T: quote::ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// A parameter's doc comment: description, then the wire facts.
pub(crate) fn param_doc(p: &Parameter, wire: &str) -> TokenStream {
    let mut facts = vec![format!("Wire name {}", code(wire))];
    if p.required {
        facts.push("required".into());
    }
    if let Some(e) = p.example.as_deref().filter(|_| !p.secret) {
        facts.push(format!("example {}", code(e)));
    }
    if let Some(d) = &p.default {
        facts.push(format!("service default {}", code(d)));
    }
    let facts = format!("{}.", facts.join("; "));
    doc_lines([p.description.as_deref().unwrap_or(""), facts.as_str()])
}

/// The operation facts under the request's doc comment.
fn facts_doc(spec: &OperationSpec) -> TokenStream {
    let mut lines = vec![format!(
        "Action {}, API version {}, `{}`.",
        code(&spec.operation),
        code(&spec.version),
        spec.method.as_str()
    )];
    if let Some(r) = &spec.rate_limit {
        let scope = r
            .scope
            .as_deref()
            .map(|s| format!(" per {s}"))
            .unwrap_or_default();
        lines.push(format!(
            "Rate limit: {} calls per second{scope}.",
            r.per_second
        ));
    }
    if spec.asynchronous {
        lines.push(
            "Asynchronous: success means the request was accepted, not that the work is done."
                .into(),
        );
    }
    if !spec.read_only {
        lines.push(
            "Not read-only: the client never re-sends it once it may have reached the service."
                .into(),
        );
    }
    if let Some(ram) = &spec.ram {
        let resources: Vec<String> = ram
            .resources
            .iter()
            .map(|r| format!("{} {}", r.kind, code(&r.arn)))
            .collect();
        let mut line = format!("RAM action {} ({})", code(&ram.action), ram.access_level);
        if !resources.is_empty() {
            line.push_str(&format!(" on {}", resources.join(", ")));
        }
        lines.push(format!("{line}."));
    }
    doc_lines(lines.iter().map(String::as_str))
}
