//! The request: struct, type-state builder, enums, checked newtypes, rule tables and the wire
//! conversions.

use crate::TypeNames;
use crate::docs::{code, doc_lines};
use crate::error::{Ctx, SpecError};
use crate::names::{field_ident, known, type_ident};
use crate::spec::{
    CharClass, Condition, Constraint, CrossRule, EnumValue, LengthUnit, ListStyle, OperationSpec,
    ParamType, Parameter,
};
use heck::ToUpperCamelCase;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

/// Whether a request field must be set, may be set, or holds a list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Required,
    Optional,
    List,
}

/// How one request field is typed, checked, written and read.
struct FieldPlan {
    ident: Ident,
    /// UpperCamel form of the field name, for type-state names.
    camel: String,
    wire: String,
    form: Form,
    /// The value's type: `T` in `T`, `Option<T>` or `Vec<T>`.
    value: TokenStream,
    /// Whether the value is plain text, so setters take `impl Into<String>`.
    text: bool,
    doc: TokenStream,
    /// Expression writing the field into `w`.
    write: TokenStream,
    /// Expression reading the field from `r`.
    read: TokenStream,
}

impl FieldPlan {
    /// The field's type in the request struct.
    fn ty(&self) -> TokenStream {
        let value = &self.value;
        match self.form {
            Form::Required => value.clone(),
            Form::Optional => quote!(Option<#value>),
            Form::List => quote!(Vec<#value>),
        }
    }

    /// A setter's parameter type and the conversion to the value.
    fn setter(&self) -> (TokenStream, TokenStream) {
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
    names: &'a mut TypeNames,
    /// Enums, newtypes and element structs, emitted after the request.
    items: Vec<TokenStream>,
    /// Entries of the rule table.
    param_specs: Vec<TokenStream>,
    /// Enums already emitted, with their values, to share one between parameters.
    enums: Vec<(String, Vec<String>)>,
}

impl<'a> Request<'a> {
    pub(crate) fn new(ctx: Ctx<'a>, spec: &'a OperationSpec, names: &'a mut TypeNames) -> Self {
        Self {
            ctx,
            spec,
            names,
            items: Vec::new(),
            param_specs: Vec::new(),
            enums: Vec::new(),
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
            match p.location.as_deref() {
                None | Some("query") => {}
                Some("body") if p.kind != ParamType::List => {}
                Some(loc) => {
                    return Err(self.ctx.err(
                        format!("{path}/in"),
                        format!(
                            "`in` {loc:?} is not supported: `query`, or `body` for a single value"
                        ),
                    ));
                }
            }
            let plan = self.field(&path, p)?;
            if fields.iter().any(|f: &FieldPlan| f.ident == plan.ident) {
                return Err(self.ctx.err(
                    format!("{path}/rustName"),
                    format!("Rust field name `{}` is used twice", plan.ident),
                ));
            }
            fields.push(plan);
        }
        let cross_rules = self.cross_rules(&seen_wire)?;
        let builder_code = self.builder(&request, &builder, &fields);
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
        let answer_requires = self
            .spec
            .response
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name.as_str());

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
        let items = &self.items;
        Ok(quote! {
            #request_doc
            #[doc = ""]
            #facts
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub struct #request {
                #(#field_defs)*
            }

            impl #request {
                /// Starts a request; the compiler checks that every required parameter is set.
                pub fn builder() -> #builder {
                    #builder::default()
                }

                /// Checks every rule of the spec; reports all violations at once, by wire name.
                pub fn validate(&self) -> Result<(), rt::Violations> {
                    rt::Operation::validate(self)
                }

                /// The wire parameters (lists numbered from 1), without the common ones.
                pub fn to_params(&self) -> rt::Params {
                    rt::Operation::to_params(self)
                }

                /// A checked request from wire parameters; unknown names are violations too.
                pub fn from_params(params: &rt::Params) -> Result<Self, rt::Violations> {
                    rt::Operation::from_params(params)
                }
            }

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
                    answer_requires: &[ #(#answer_requires),* ],
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
            #(#items)*
        })
    }

    /// Plans one top-level parameter and emits the types and rule-table entries it needs.
    fn field(&mut self, path: &str, p: &Parameter) -> Result<FieldPlan, SpecError> {
        let ctx = self.ctx;
        let ident = field_ident(
            ctx,
            &format!("{path}/rustName"),
            p.rust_name.as_deref(),
            &p.name,
        )?;
        let camel = ident
            .to_string()
            .trim_start_matches("r#")
            .to_upper_camel_case();
        let wire = p.name.as_str();
        check_shape_keys(ctx, path, p)?;
        let (inner, write, read): (TokenStream, TokenStream, TokenStream) = match p.kind {
            ParamType::List => return self.list_field(path, p, ident, camel),
            ParamType::Object => {
                return Err(ctx.err(
                    format!("{path}/type"),
                    "`object` is only allowed as the `items` of a list",
                ));
            }
            ParamType::Boolean => {
                let (t, f) = literals(p);
                self.param_specs.push(param_spec(ctx, path, p, wire, None)?);
                let tokens = if p.required {
                    (
                        quote!(bool),
                        quote!(w.put_bool(#wire, Some(self.#ident), (#t, #f))),
                        quote!(r.bool(#wire, (#t, #f))?.ok_or_else(|| rt::Violation::new(#wire, "required", "is required", None))?),
                    )
                } else {
                    (
                        quote!(bool),
                        quote!(w.put_bool(#wire, self.#ident, (#t, #f))),
                        quote!(r.bool(#wire, (#t, #f))?),
                    )
                };
                let doc = param_doc(p, wire);
                return Ok(FieldPlan {
                    form: if p.required {
                        Form::Required
                    } else {
                        Form::Optional
                    },
                    value: tokens.0,
                    text: false,
                    write: tokens.1,
                    read: tokens.2,
                    ident,
                    camel,
                    wire: wire.to_owned(),
                    doc,
                });
            }
            _ => {
                let ty = self.scalar_type(path, p, true)?;
                // A newtype's rules live in its constant; the table refers to it.
                let entry = match newtype_const(p) {
                    Some(name) => quote!(#name),
                    None => param_spec(ctx, path, p, wire, None)?,
                };
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
            form: if p.required {
                Form::Required
            } else {
                Form::Optional
            },
            text: p.kind == ParamType::String && !is_newtype(p),
            value: inner,
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
        check_shape_keys(ctx, &ipath, items)?;
        if !items.name.is_empty() {
            return Err(ctx.err(
                format!("{ipath}/name"),
                "list items take no name; name the list",
            ));
        }
        let (elem, write, read) = match (style, items.kind) {
            (_, ParamType::Object) if p.min_items.is_some() || p.max_items.is_some() => {
                return Err(ctx.err(
                    format!("{path}/maxItems"),
                    "item counts are supported on lists of scalars only",
                ));
            }
            (ListStyle::RepeatList, ParamType::Object) => {
                let name = type_ident(
                    ctx,
                    &format!("{ipath}/structName"),
                    items.struct_name.as_deref(),
                    wire,
                )?;
                self.names
                    .claim(ctx, &format!("{ipath}/structName"), &name.to_string())?;
                self.element_struct(&ipath, &name, wire, items)?;
                (
                    quote!(#name),
                    quote!(w.put_objects(#wire, &self.#ident)),
                    quote!(r.objects(#wire)?),
                )
            }
            (ListStyle::Simple | ListStyle::Json, ParamType::Object) => {
                return Err(ctx.err(
                    format!("{path}/style"),
                    "objects can only be sent as `repeatList`",
                ));
            }
            (_, ParamType::List | ParamType::Json | ParamType::Boolean) => {
                return Err(ctx.err(
                    format!("{ipath}/type"),
                    "list items must be string, integer, number, enum or object",
                ));
            }
            (style, _) => {
                if items.secret {
                    return Err(ctx.err(
                        format!("{ipath}/secret"),
                        "secret list items are not supported: they would show in Debug",
                    ));
                }
                let elem = self.scalar_type(&ipath, items, false)?;
                let (item_wire, packing) = match style {
                    ListStyle::RepeatList => (format!("{wire}.{{n}}"), None),
                    ListStyle::Simple => (wire.to_owned(), Some(quote!(rt::Packing::Comma))),
                    ListStyle::Json => (wire.to_owned(), Some(quote!(rt::Packing::JsonArray))),
                };
                let mut count = Vec::new();
                if p.min_items.is_some() || p.max_items.is_some() {
                    if let (Some(a), Some(b)) = (p.min_items, p.max_items)
                        && a > b
                    {
                        return Err(ctx.err(
                            format!("{path}/minItems"),
                            format!("minItems {a} is above maxItems {b}"),
                        ));
                    }
                    let (min, max) = (
                        opt(p.min_items.map(Literal::u32_unsuffixed)),
                        opt(p.max_items.map(Literal::u32_unsuffixed)),
                    );
                    count.push(quote!(rt::Rule::Items { min: #min, max: #max }));
                }
                let mut spec = param_spec_with(ctx, &ipath, items, &item_wire, packing, count)?;
                if p.required {
                    spec = quote!(#spec.required());
                }
                self.param_specs.push(spec);
                let numeric = matches!(items.kind, ParamType::Integer | ParamType::Number);
                match style {
                    ListStyle::RepeatList => (
                        elem,
                        quote!(w.put_repeated(#wire, &self.#ident)),
                        quote!(r.repeated(#wire)?),
                    ),
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

    /// The Rust type of a string, number, enum or JSON value; emits enums and newtypes.
    fn scalar_type(
        &mut self,
        path: &str,
        p: &Parameter,
        allow_newtype: bool,
    ) -> Result<TokenStream, SpecError> {
        let ctx = self.ctx;
        Ok(match p.kind {
            ParamType::String if allow_newtype && is_newtype(p) => {
                let name = type_ident(
                    ctx,
                    &format!("{path}/newtype"),
                    p.newtype.as_deref(),
                    &p.name,
                )?;
                self.names
                    .claim(ctx, &format!("{path}/newtype"), &name.to_string())?;
                self.newtype(path, p, &name)?;
                quote!(#name)
            }
            ParamType::String => quote!(String),
            ParamType::Integer => quote!(i64),
            ParamType::Number => quote!(f64),
            ParamType::Json => quote!(rt::serde_json::Value),
            ParamType::Enum => {
                let name = self.enumeration(path, p)?;
                quote!(#name)
            }
            ParamType::Boolean | ParamType::List | ParamType::Object => {
                return Err(ctx.err(format!("{path}/type"), "not a scalar type here"));
            }
        })
    }

    fn enumeration(&mut self, path: &str, p: &Parameter) -> Result<Ident, SpecError> {
        let ctx = self.ctx;
        let name_path = format!("{path}/enumName");
        let enum_name = p
            .enum_name
            .as_deref()
            .ok_or_else(|| ctx.err(path, "an enum needs an `enumName`"))?;
        let name = type_ident(ctx, &name_path, Some(enum_name), "")?;
        let wire_values: Vec<String> = p.values.iter().map(|v| v.value.clone()).collect();
        if let Some((_, values)) = self.enums.iter().find(|(n, _)| n == enum_name) {
            if *values == wire_values {
                return Ok(name);
            }
            return Err(ctx.err(
                name_path,
                format!("enum `{enum_name}` is defined twice with different values"),
            ));
        }
        self.names.claim(ctx, &name_path, enum_name)?;
        self.enums.push((enum_name.to_owned(), wire_values));
        if p.values.is_empty() {
            return Err(ctx.err(format!("{path}/values"), "an enum needs at least one value"));
        }
        let mut variants = Vec::new();
        for (i, v) in p.values.iter().enumerate() {
            let vpath = format!("{path}/values/{i}");
            let variant = enum_variant(ctx, &vpath, v)?;
            if variants
                .iter()
                .any(|(x, _): &(Ident, &EnumValue)| *x == variant)
            {
                return Err(ctx.err(vpath, format!("variant `{variant}` is used twice")));
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
        let to_str = variants.iter().map(|(id, v)| {
            let s = &v.value;
            quote! { Self::#id => #s, }
        });
        let from_str = variants.iter().map(|(id, v)| {
            let s = &v.value;
            quote! { #s => Ok(Self::#id), }
        });
        let all = variants.iter().map(|(id, _)| quote!(Self::#id));
        let doc = doc_lines([
            format!("Values of `{}`.", p.name).as_str(),
            p.description.as_deref().unwrap_or(""),
        ]);
        let values = &p
            .values
            .iter()
            .map(|v| v.value.as_str())
            .collect::<Vec<_>>();
        let expected = values.join(", ");
        let wire = p.name.as_str();
        self.items.push(quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name { #(#defs)* }

            impl #name {
                /// Every value, in the spec's order.
                pub const ALL: &'static [Self] = &[ #(#all),* ];

                /// The wire spelling.
                pub fn as_str(self) -> &'static str {
                    match self { #(#to_str)* }
                }
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl std::str::FromStr for #name {
                type Err = rt::Violation;
                fn from_str(s: &str) -> Result<Self, Self::Err> {
                    match s {
                        #(#from_str)*
                        _ => Err(rt::Violation::new(#wire, "enum", concat!("must be one of ", #expected), Some(s))),
                    }
                }
            }

            impl rt::wire::WireValue for #name {
                fn to_wire(&self) -> String {
                    self.as_str().to_owned()
                }
                fn from_wire(s: &str) -> Option<Self> {
                    s.parse().ok()
                }
            }
        });
        Ok(name)
    }

    fn newtype(&mut self, path: &str, p: &Parameter, name: &Ident) -> Result<(), SpecError> {
        let wire = p.name.as_str();
        let spec_const = newtype_const_name(name);
        let spec = param_spec(self.ctx, path, p, wire, None)?;
        let new_doc = format!(
            " Checks `value` against the rules of `{wire}`; every broken rule is reported."
        );
        let doc = doc_lines([
            format!(
                "A checked `{wire}`: holding one means the value obeys every rule of the spec."
            )
            .as_str(),
            p.description.as_deref().unwrap_or(""),
        ]);
        let (flavor, access) = if p.secret {
            (
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
                quote!(public),
                quote! {
                    /// The checked text.
                    pub fn as_str(&self) -> &str {
                        &self.0
                    }
                },
            )
        };
        self.items.push(quote! {
            const #spec_const: rt::ParamSpec = #spec;

            #doc
            #[derive(Clone, PartialEq, Eq, Hash)]
            pub struct #name(String);

            impl #name {
                #[doc = #new_doc]
                pub fn new(value: impl Into<String>) -> Result<Self, rt::Violations> {
                    let value = value.into();
                    rt::check_value(&#spec_const, #wire, &value)?;
                    Ok(Self(value))
                }

                #access
            }

            rt::newtype_impls!(#name, #flavor);
        });
        Ok(())
    }

    /// A struct for the elements of a list of objects (`DataDisk.1.Size`).
    fn element_struct(
        &mut self,
        path: &str,
        name: &Ident,
        list_wire: &str,
        items: &Parameter,
    ) -> Result<(), SpecError> {
        let ctx = self.ctx;
        if items.fields.is_empty() {
            return Err(ctx.err(
                format!("{path}/fields"),
                "an object needs at least one field",
            ));
        }
        let mut defs = Vec::new();
        let mut writes = Vec::new();
        let mut reads = Vec::new();
        let mut idents: Vec<Ident> = Vec::new();
        for (i, f) in items.fields.iter().enumerate() {
            let fpath = format!("{path}/fields/{i}");
            check_shape_keys(ctx, &fpath, f)?;
            if f.name.is_empty() || f.name.contains('.') && f.name.contains("{n}") {
                return Err(ctx.err(
                    format!("{fpath}/name"),
                    "an object field needs a plain name (`Size`)",
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
            let wire = format!("{list_wire}.{{n}}.{}", f.name);
            let key = format!(
                "{{prefix}}.{}",
                f.name.replace('{', "{{").replace('}', "}}")
            );
            let (ty, write, read) = if f.kind == ParamType::Boolean {
                let (t, fl) = literals(f);
                (
                    quote!(bool),
                    quote!(out.put_bool(&format!(#key), self.#ident, (#t, #fl))),
                    quote!(r.bool(&format!(#key), (#t, #fl))?),
                )
            } else {
                if f.secret {
                    return Err(ctx.err(
                        format!("{fpath}/secret"),
                        "secret object fields are not supported: they would show in Debug",
                    ));
                }
                let ty = self.scalar_type(&fpath, f, false)?;
                (
                    ty,
                    quote!(out.put_opt(&format!(#key), self.#ident.as_ref())),
                    quote!(r.opt(&format!(#key))?),
                )
            };
            self.param_specs
                .push(param_spec(ctx, &fpath, f, &wire, None)?);
            let doc = param_doc(f, &format!("{list_wire}.N.{}", f.name));
            defs.push(quote! { #doc pub #ident: Option<#ty>, });
            writes.push(write);
            reads.push(quote! { #ident: #read, });
            idents.push(ident);
        }
        let doc =
            format!(" An element of `{list_wire}`, sent as `{list_wire}.N.Field` (N from 1).");
        self.items.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq, Default)]
            pub struct #name { #(#defs)* }

            impl rt::wire::WireObject for #name {
                fn write(&self, prefix: &str, out: &mut rt::wire::Writer) {
                    #(#writes;)*
                }
                fn read(r: &rt::wire::Reader<'_>, prefix: &str) -> Result<Self, rt::Violations> {
                    Ok(Self { #(#reads)* })
                }
            }
        });
        Ok(())
    }

    fn cross_rules(&self, wire_names: &[String]) -> Result<Vec<TokenStream>, SpecError> {
        let ctx = self.ctx;
        let condition = |path: &str, c: &Condition| -> Result<TokenStream, SpecError> {
            if !wire_names.contains(&c.param) {
                return Err(ctx.err(
                    format!("{path}/param"),
                    format!("`{}` is not a parameter of this operation", c.param),
                ));
            }
            if c.equals.is_some() && !c.any_of.is_empty() {
                return Err(ctx.err(path, "give `equals` or `in`, not both"));
            }
            let param = c.param.as_str();
            let values = c.equals.iter().chain(&c.any_of).map(String::as_str);
            Ok(quote!(rt::Condition { param: #param, any_of: &[#(#values),*] }))
        };
        let mut out = Vec::new();
        for (i, rule) in self.spec.rules.iter().enumerate() {
            let (variant, dep, key) = match rule {
                CrossRule::RequiredWhen(d) => (quote!(RequiredWhen), d, "requiredWhen"),
                CrossRule::ForbiddenWhen(d) => (quote!(ForbiddenWhen), d, "forbiddenWhen"),
                CrossRule::AtLeastOne(a) => {
                    let path = format!("/rules/{i}/atLeastOne/of");
                    if a.of.len() < 2 {
                        return Err(ctx.err(path, "name at least two conditions"));
                    }
                    let conditions =
                        a.of.iter()
                            .enumerate()
                            .map(|(j, c)| condition(&format!("{path}/{j}"), c))
                            .collect::<Result<Vec<_>, _>>()?;
                    out.push(quote!(rt::CrossRule::AtLeastOne(&[#(#conditions),*])));
                    continue;
                }
            };
            let path = format!("/rules/{i}/{key}");
            if !wire_names.contains(&dep.param) {
                return Err(ctx.err(
                    format!("{path}/param"),
                    format!("`{}` is not a parameter of this operation", dep.param),
                ));
            }
            let param = dep.param.as_str();
            let when = condition(&format!("{path}/when"), &dep.when)?;
            out.push(quote!(rt::CrossRule::#variant { param: #param, when: #when }));
        }
        Ok(out)
    }

    /// The type-state builder. The required fields live in one tuple type parameter whose
    /// slots hold `rt::Unset` until their setter stores the value itself there, so `build()`
    /// needs no `Option` and cannot fail; the optional fields ride along in a private struct, so
    /// each transition moves two fields whatever the operation's size.
    fn builder(&self, request: &Ident, builder: &Ident, fields: &[FieldPlan]) -> TokenStream {
        let required: Vec<&FieldPlan> =
            fields.iter().filter(|f| f.form == Form::Required).collect();
        let optional: Vec<&FieldPlan> =
            fields.iter().filter(|f| f.form != Form::Required).collect();
        let slots: Vec<Ident> = (0..required.len()).map(|i| format_ident!("S{i}")).collect();
        let traits: Vec<Ident> = required
            .iter()
            .map(|f| format_ident!("{}Has{}", request, f.camel))
            .collect();
        let optionals = format_ident!("{}Optional", request);
        let op = &self.spec.operation;
        let setter_doc = |f: &FieldPlan| {
            let field = f.ident.to_string().trim_start_matches("r#").to_owned();
            format!(" Sets [`{request}::{field}`] (`{}`).", f.wire)
        };

        let unset = slots.iter().map(|_| quote!(rt::Unset));
        let optional_fields = optional.iter().map(|f| {
            let (id, ty) = (&f.ident, f.ty());
            quote!(#id: #ty,)
        });
        let doc = format!(
            " Builds a [`{request}`]; `build()` compiles only once every required parameter is set."
        );
        let mut out = quote! {
            #[doc = #doc]
            #[must_use]
            #[derive(Debug, Clone, Default)]
            pub struct #builder<S = (#(#unset,)*)> {
                required: S,
                optional: #optionals,
            }

            #[derive(Debug, Clone, Default)]
            struct #optionals {
                #(#optional_fields)*
            }
        };

        // Required setters: each moves the builder to the state where its slot holds the value.
        for (i, f) in required.iter().enumerate() {
            let (id, ty) = (&f.ident, &f.value);
            let doc = setter_doc(f);
            let others = slots
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, s)| s);
            let before = slots.iter().enumerate().map(|(j, s)| {
                if j == i {
                    quote!(rt::Unset)
                } else {
                    quote!(#s)
                }
            });
            let after = slots
                .iter()
                .enumerate()
                .map(|(j, s)| if j == i { quote!(#ty) } else { quote!(#s) });
            let take = slots.iter().enumerate().map(|(j, s)| {
                let v = format_ident!("{}", s.to_string().to_lowercase());
                if j == i { quote!(_) } else { quote!(#v) }
            });
            let (param, conv) = f.setter();
            let put = slots.iter().enumerate().map(|(j, s)| {
                let v = format_ident!("{}", s.to_string().to_lowercase());
                if j == i { conv.clone() } else { quote!(#v) }
            });
            out.extend(quote! {
                impl<#(#others),*> #builder<(#(#before,)*)> {
                    #[doc = #doc]
                    pub fn #id(self, value: #param) -> #builder<(#(#after,)*)> {
                        let (#(#take,)*) = self.required;
                        #builder { required: (#(#put,)*), optional: self.optional }
                    }
                }
            });
        }

        let setters = optional.iter().map(|f| {
            let id = &f.ident;
            let doc = setter_doc(f);
            let value = &f.value;
            if f.form == Form::List {
                quote! {
                    #[doc = #doc]
                    pub fn #id(mut self, value: impl IntoIterator<Item = impl Into<#value>>) -> Self {
                        self.optional.#id = value.into_iter().map(Into::into).collect();
                        self
                    }
                }
            } else {
                let (param, conv) = f.setter();
                quote! {
                    #[doc = #doc]
                    pub fn #id(mut self, value: #param) -> Self {
                        self.optional.#id = Some(#conv);
                        self
                    }
                }
            }
        });
        out.extend(quote! {
            impl<S> #builder<S> {
                #(#setters)*
            }
        });

        let bounds = slots.iter().zip(&traits).map(|(s, t)| quote!(#s: #t));
        let vars: Vec<Ident> = slots
            .iter()
            .map(|s| format_ident!("{}", s.to_string().to_lowercase()))
            .collect();
        let takes = fields.iter().map(|f| {
            let id = &f.ident;
            match required.iter().position(|g| g.ident == f.ident) {
                Some(i) => {
                    let (t, v) = (&traits[i], &vars[i]);
                    quote!(#id: #t::take(#v),)
                }
                None => quote!(#id: optional.#id,),
            }
        });
        // Destructuring even empty state keeps both fields read, so no dead-code warning.
        let unpack_required = quote!(let (#(#vars,)*) = self.required;);
        let unpack_optional = if optional.is_empty() {
            quote!(let #optionals {} = self.optional;)
        } else {
            quote!(let optional = self.optional;)
        };
        let build_doc = format!(
            " The finished request. [`{request}::validate`] (which the client runs) checks the rules the types cannot express."
        );
        // The bounds sit on the method, not the impl, so a missing parameter is E0277 and
        // shows the trait's `on_unimplemented` message naming it.
        out.extend(quote! {
            impl<#(#slots),*> #builder<(#(#slots,)*)> {
                #[doc = #build_doc]
                pub fn build(self) -> #request
                where
                    #(#bounds,)*
                {
                    #unpack_required
                    #unpack_optional
                    #request { #(#takes)* }
                }
            }
        });

        for (f, t) in required.iter().zip(&traits) {
            let ty = &f.value;
            let wire = &f.wire;
            let setter = f.ident.to_string().trim_start_matches("r#").to_owned();
            let message = format!(
                "`{op}` needs the required parameter `{wire}`: call `.{setter}(..)` before `.build()`"
            );
            let label = format!("`{wire}` is not set");
            let doc = format!(" Type state: `{wire}` has been set.");
            out.extend(quote! {
                #[doc = #doc]
                #[diagnostic::on_unimplemented(message = #message, label = #label)]
                pub trait #t {
                    /// The value that was set.
                    fn take(self) -> #ty;
                }

                impl #t for #ty {
                    fn take(self) -> #ty {
                        self
                    }
                }
            });
        }
        out
    }
}

/// A string becomes a newtype when it has rules to enforce or must stay out of `Debug`.
fn is_newtype(p: &Parameter) -> bool {
    p.kind == ParamType::String && (!p.constraints.is_empty() || p.secret)
}

fn newtype_const_name(name: &Ident) -> Ident {
    format_ident!(
        "{}_RULES",
        heck::AsShoutySnakeCase(name.to_string()).to_string()
    )
}

/// The constant holding a top-level newtype's rules, if the parameter is one.
fn newtype_const(p: &Parameter) -> Option<Ident> {
    if !is_newtype(p) {
        return None;
    }
    let name = p
        .newtype
        .clone()
        .unwrap_or_else(|| p.name.to_upper_camel_case());
    Some(newtype_const_name(&known(&name)))
}

fn literals(p: &Parameter) -> (String, String) {
    match &p.literals {
        Some([t, f]) => (t.clone(), f.clone()),
        None => ("true".into(), "false".into()),
    }
}

/// Rejects shape keys that do not belong to the parameter's type.
fn check_shape_keys(ctx: Ctx<'_>, path: &str, p: &Parameter) -> Result<(), SpecError> {
    let misplaced = |key: &str, belongs: &str| {
        Err(ctx.err(
            format!("{path}/{key}"),
            format!(
                "`{key}` belongs to `type: {belongs}`, not to this `{:?}` parameter",
                p.kind
            )
            .to_lowercase(),
        ))
    };
    let t = p.kind;
    if p.newtype.is_some() && t != ParamType::String {
        return misplaced("newtype", "string");
    }
    if p.secret && t != ParamType::String {
        return misplaced("secret", "string");
    }
    if !p.constraints.is_empty()
        && !matches!(
            t,
            ParamType::String | ParamType::Integer | ParamType::Number
        )
    {
        return misplaced("constraints", "string, integer or number");
    }
    if p.literals.is_some() && t != ParamType::Boolean {
        return misplaced("literals", "boolean");
    }
    if (p.enum_name.is_some() || !p.values.is_empty()) && t != ParamType::Enum {
        return misplaced("values", "enum");
    }
    if (p.style.is_some() || p.items.is_some() || p.min_items.is_some() || p.max_items.is_some())
        && t != ParamType::List
    {
        return misplaced("items", "list");
    }
    if (p.struct_name.is_some() || !p.fields.is_empty()) && t != ParamType::Object {
        return misplaced("fields", "object");
    }
    for (i, c) in p.constraints.iter().enumerate() {
        let numeric = matches!(
            c,
            Constraint::Range { .. } | Constraint::OneOf(_) | Constraint::MultipleOf(_)
        );
        let is_number = matches!(t, ParamType::Integer | ParamType::Number);
        if numeric != is_number {
            let kind = if numeric {
                "a numeric rule on text"
            } else {
                "a text rule on a number"
            };
            return Err(ctx.err(
                format!("{path}/constraints/{i}"),
                format!("{kind}: it can never apply"),
            ));
        }
    }
    if let Some([t, f]) = &p.literals
        && (t == f || t.is_empty() || f.is_empty())
    {
        return Err(ctx.err(
            format!("{path}/literals"),
            "true and false need two different, non-empty spellings",
        ));
    }
    Ok(())
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

/// One entry of the rule table.
fn param_spec(
    ctx: Ctx<'_>,
    path: &str,
    p: &Parameter,
    wire: &str,
    packing: Option<TokenStream>,
) -> Result<TokenStream, SpecError> {
    param_spec_with(ctx, path, p, wire, packing, Vec::new())
}

/// [`param_spec`] with rules that do not come from the parameter's own constraints (a list's
/// item count).
fn param_spec_with(
    ctx: Ctx<'_>,
    path: &str,
    p: &Parameter,
    wire: &str,
    packing: Option<TokenStream>,
    extra_rules: Vec<TokenStream>,
) -> Result<TokenStream, SpecError> {
    let kind = match p.kind {
        ParamType::String => quote!(rt::Kind::String),
        ParamType::Integer => quote!(rt::Kind::Integer),
        ParamType::Number => quote!(rt::Kind::Number),
        ParamType::Json => quote!(rt::Kind::Json),
        ParamType::Boolean => {
            let (t, f) = literals(p);
            quote!(rt::Kind::Boolean { true_literal: #t, false_literal: #f })
        }
        ParamType::Enum => {
            let values = p.values.iter().map(|v| v.value.as_str());
            quote!(rt::Kind::Enum(&[#(#values),*]))
        }
        ParamType::List | ParamType::Object => {
            return Err(ctx.err(format!("{path}/type"), "not a single value"));
        }
    };
    let mut rules = Vec::new();
    for (i, c) in p.constraints.iter().enumerate() {
        rules.push(rule(ctx, &format!("{path}/constraints/{i}"), c)?);
    }
    let mut spec = quote!(rt::ParamSpec::new(#wire, #kind));
    if p.required {
        spec = quote!(#spec.required());
    }
    if p.secret {
        spec = quote!(#spec.secret());
    }
    if p.location.as_deref() == Some("body") {
        spec = quote!(#spec.in_body());
    }
    if let Some(packing) = packing {
        spec = quote!(#spec.packed(#packing));
    }
    rules.extend(extra_rules);
    if !rules.is_empty() {
        spec = quote!(#spec.rules(&[#(#rules),*]));
    }
    Ok(spec)
}

fn opt<T: quote::ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn classes(ctx: Ctx<'_>, path: &str, cs: &[CharClass]) -> Result<TokenStream, SpecError> {
    if cs.is_empty() {
        return Err(ctx.err(path, "name at least one character class"));
    }
    let items = cs.iter().map(|c| match c {
        CharClass::Upper => quote!(rt::CharClass::Upper),
        CharClass::Lower => quote!(rt::CharClass::Lower),
        CharClass::Letter => quote!(rt::CharClass::Letter),
        CharClass::Digit => quote!(rt::CharClass::Digit),
        CharClass::Chars(s) => quote!(rt::CharClass::Chars(#s)),
    });
    Ok(quote!(&[#(#items),*]))
}

fn rule(ctx: Ctx<'_>, path: &str, c: &Constraint) -> Result<TokenStream, SpecError> {
    Ok(match c {
        Constraint::Length { min, max, unit } => {
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return Err(ctx.err(path, format!("length min {a} is above max {b}")));
            }
            let unit = match unit {
                LengthUnit::Chars => quote!(rt::LengthUnit::Chars),
                LengthUnit::Bytes => quote!(rt::LengthUnit::Bytes),
            };
            let (min, max) = (
                opt(min.map(Literal::u64_unsuffixed)),
                opt(max.map(Literal::u64_unsuffixed)),
            );
            quote!(rt::Rule::Length { min: #min, max: #max, unit: #unit })
        }
        Constraint::Range { min, max } => {
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return Err(ctx.err(path, format!("range min {a} is above max {b}")));
            }
            let (min, max) = (
                opt(min.map(Literal::i64_unsuffixed)),
                opt(max.map(Literal::i64_unsuffixed)),
            );
            quote!(rt::Rule::Range { min: #min, max: #max })
        }
        Constraint::OneOf(ranges) => {
            if ranges.is_empty() || ranges.iter().any(|[a, b]| a > b) {
                return Err(ctx.err(path, "oneOf needs ranges `[min, max]` with min <= max"));
            }
            let pairs = ranges.iter().map(|[a, b]| {
                let (a, b) = (Literal::i64_unsuffixed(*a), Literal::i64_unsuffixed(*b));
                quote!((#a, #b))
            });
            quote!(rt::Rule::OneOf(&[#(#pairs),*]))
        }
        Constraint::MultipleOf(m) => {
            if *m <= 0 {
                return Err(ctx.err(path, "multipleOf must be positive"));
            }
            let m = Literal::i64_unsuffixed(*m);
            quote!(rt::Rule::MultipleOf(#m))
        }
        Constraint::Charset(cs) => {
            let cs = classes(ctx, path, cs)?;
            quote!(rt::Rule::Charset(#cs))
        }
        Constraint::MinClasses {
            at_least,
            classes: cs,
        } => {
            if *at_least as usize > cs.len() || *at_least == 0 {
                return Err(ctx.err(
                    path,
                    format!("atLeast {at_least} of {} classes can never hold", cs.len()),
                ));
            }
            let cs = classes(ctx, path, cs)?;
            let n = Literal::u8_unsuffixed(*at_least);
            quote!(rt::Rule::MinClasses { classes: #cs, at_least: #n })
        }
        Constraint::FirstChar(cs) => {
            let cs = classes(ctx, path, cs)?;
            quote!(rt::Rule::FirstChar(#cs))
        }
        Constraint::ForbiddenPrefixes(ps) => quote!(rt::Rule::ForbiddenPrefixes(&[#(#ps),*])),
        Constraint::ForbiddenSubstrings(ps) => quote!(rt::Rule::ForbiddenSubstrings(&[#(#ps),*])),
        Constraint::NoLeadingOrTrailing(s) => quote!(rt::Rule::NoLeadingOrTrailing(#s)),
        Constraint::NoConsecutive(s) => quote!(rt::Rule::NoConsecutive(#s)),
        Constraint::NotAllDigits(true) => quote!(rt::Rule::NotAllDigits),
        Constraint::IpAddress(true) => quote!(rt::Rule::IpAddress),
        Constraint::IpAddress(false) => {
            return Err(ctx.err(path, "`ipAddress: false` says nothing: leave it out"));
        }
        Constraint::NotAllDigits(false) => {
            return Err(ctx.err(path, "`notAllDigits: false` says nothing: leave it out"));
        }
        Constraint::Base64 { decoded_prefix } => {
            let p = opt(decoded_prefix.as_deref());
            quote!(rt::Rule::Base64 { decoded_prefix: #p })
        }
    })
}

/// A parameter's doc comment: description, then the wire facts.
fn param_doc(p: &Parameter, wire: &str) -> TokenStream {
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
