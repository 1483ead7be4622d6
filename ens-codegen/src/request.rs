//! The request: struct, wire conversions and the `Operation` implementation. Its types come
//! from `types.rs`, its rule table from `rules.rs`, its builder from `builder.rs`.

use crate::docs::{code, doc_lines};
use crate::error::{Ctx, SpecError};
use crate::names::{known, new_field_ident};
use crate::objects::{
    Forms, has_secret, item_count, json_list, list_items, map_value, object_type,
};
use crate::rules::{check_param_keys, cross_rules, literals, param_spec, param_spec_with};
use crate::spec::{ListStyle, Location, OperationSpec, ParamType, Parameter};
use crate::types::{Sink, scalar_type, uses_newtype};
use heck::ToUpperCamelCase;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

/// Whether a request field must be set, may be set, or holds a list.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Required,
    Optional,
    List,
    /// A list whose absence and emptiness differ (`sendEmpty`).
    OptionalList,
    /// String keys to values.
    Map,
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
            Form::OptionalList => quote!(Option<Vec<#value>>),
            Form::Map => quote!(::std::collections::BTreeMap<String, #value>),
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

/// Methods of every request builder besides the setters: no setter may take their names.
const BUILDER_METHODS: &[&str] = &["build", "send", "call_options"];

pub(crate) struct Request<'a> {
    ctx: Ctx<'a>,
    /// The runtime's path (the fluent call names its `Fluent`, `Client` and `Error`).
    runtime: &'a TokenStream,
    spec: &'a OperationSpec,
    sink: Sink<'a>,
    /// Entries of the rule table.
    param_specs: Vec<TokenStream>,
    /// Cross rules the parameters imply (a flat object's required fields).
    extra_cross: Vec<TokenStream>,
}

impl<'a> Request<'a> {
    pub(crate) fn new(
        ctx: Ctx<'a>,
        runtime: &'a TokenStream,
        spec: &'a OperationSpec,
        sink: Sink<'a>,
    ) -> Self {
        Self {
            ctx,
            runtime,
            spec,
            sink,
            param_specs: Vec::new(),
            extra_cross: Vec::new(),
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
            let taken: Vec<Ident> = fields.iter().map(|f: &FieldPlan| f.ident.clone()).collect();
            let plan = self.field(&path, p, &taken)?;
            let setter = plan.ident.to_string();
            if BUILDER_METHODS.contains(&setter.as_str()) {
                return Err(self.ctx.err(
                    format!("{path}/name"),
                    format!("the setter `{setter}` would clash with the builder's own `{setter}()`: give the parameter a `rustName`"),
                ));
            }
            fields.push(plan);
        }
        let mut cross_rules = cross_rules(self.ctx, self.spec, &self.param_wires(&seen_wire))?;
        cross_rules.append(&mut self.extra_cross);
        let builder_code = crate::builder::builder(op, &request, &builder, &fields, self.runtime);
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
        })
    }

    /// The parameters cross rules may name, by wire name: the top-level ones and the fields of
    /// flat objects (`SystemDisk.Size`).
    fn param_wires(&self, top: &[String]) -> Vec<(String, Parameter)> {
        let mut out = Vec::new();
        for (name, p) in top.iter().zip(&self.spec.parameters) {
            out.push((name.clone(), p.clone()));
            let flat = p.kind == Some(ParamType::Object)
                && p.style.unwrap_or(ListStyle::Flat) == ListStyle::Flat;
            if flat {
                for f in &p.fields {
                    out.push((format!("{name}.{}", f.name), f.clone()));
                }
            }
        }
        out
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
        let mut spec = quote!(rt::ParamSpec { wire: #wire, ..#ty::RULES });
        if required {
            spec = quote!(#spec.required());
        }
        if p.location == Some(Location::Body) {
            spec = quote!(#spec.in_body());
        }
        Ok(spec)
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
        if p.style.is_some()
            && !matches!(
                p.kind,
                Some(ParamType::List | ParamType::Map | ParamType::Object)
            )
        {
            return Err(ctx.err(
                format!("{path}/style"),
                "`style` belongs to a list, map or object",
            ));
        }
        let form = if p.required {
            Form::Required
        } else {
            Form::Optional
        };
        let mut plan = FieldPlan {
            doc: param_doc(p, wire),
            ident,
            camel,
            wire: wire.to_owned(),
            form,
            text: false,
            value: TokenStream::new(),
            write: TokenStream::new(),
            read: TokenStream::new(),
        };
        let id = &plan.ident;
        let (value, write, read) = match p.kind {
            Some(ParamType::List) => return self.list_field(path, p, plan),
            Some(ParamType::Map) => return self.map_field(path, p, plan),
            Some(ParamType::Object) => {
                let style = p.style.unwrap_or(ListStyle::Flat);
                let (value, write, read) = match style {
                    ListStyle::Flat => {
                        let name = object_type(ctx, path, p, wire, &mut self.sink, Forms::FLAT)?;
                        self.flat_fields(path, p, &format!("{wire}."), p.required, None)?;
                        (quote!(#name), quote!(w.put_flat), quote!(r.flat(#wire)?))
                    }
                    ListStyle::Json => {
                        let name = object_type(ctx, path, p, wire, &mut self.sink, Forms::JSON)?;
                        let mut spec =
                            quote!(rt::ParamSpec::new(#wire, rt::Kind::Object(#name::FIELDS)));
                        spec = self.placed(spec, p);
                        self.param_specs.push(spec);
                        (quote!(#name), quote!(w.put_json), quote!(r.json(#wire)?))
                    }
                    _ => {
                        return Err(ctx.err(
                            format!("{path}/style"),
                            "an object is sent `flat` (`Name.Field`) or as `json`",
                        ));
                    }
                };
                let write = if p.required {
                    quote!(#write(#wire, Some(&self.#id)))
                } else {
                    quote!(#write(#wire, self.#id.as_ref()))
                };
                (value, write, required_read(read, wire, p.required))
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
                    quote!(Some(self.#id))
                } else {
                    quote!(self.#id)
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
                plan.text = p.kind == Some(ParamType::String) && !uses_newtype(p, true);
                if p.required {
                    (ty, quote!(w.put(#wire, &self.#id)), quote!(r.req(#wire)?))
                } else {
                    (
                        ty,
                        quote!(w.put_opt(#wire, self.#id.as_ref())),
                        quote!(r.opt(#wire)?),
                    )
                }
            }
        };
        plan.value = value;
        plan.write = write;
        plan.read = read;
        Ok(plan)
    }

    /// The entry with the parameter's own `required` and `in`, secret when it holds one.
    fn placed(&self, mut spec: TokenStream, p: &Parameter) -> TokenStream {
        if has_secret(p) {
            spec = quote!(#spec.secret());
        }
        if p.required {
            spec = quote!(#spec.required());
        }
        if p.location == Some(Location::Body) {
            spec = quote!(#spec.in_body());
        }
        spec
    }

    /// The entries of an object's fields sent flat under `prefix` (`SystemDisk.`, `DataDisk.{n}.`).
    /// A field the reference requires is required wherever the object is given: in each element
    /// of a list (the checker reads `{n}` so), of a flat object when any of its other fields is
    /// given (cross rules), always when the object itself is required. `list_rules` go on the
    /// first entry: the list's item count and whether the list is required.
    fn flat_fields(
        &mut self,
        path: &str,
        object: &Parameter,
        prefix: &str,
        object_required: bool,
        list_rules: Option<Vec<TokenStream>>,
    ) -> Result<(), SpecError> {
        let ctx = self.ctx;
        let in_list = list_rules.is_some();
        let mut list_rules = list_rules.unwrap_or_default();
        for (i, f) in object.fields.iter().enumerate() {
            let fpath = format!("{path}/fields/{i}");
            let fwire = format!("{prefix}{}", f.name);
            let required = f.required && (in_list || object_required);
            let field = Parameter {
                required,
                location: object.location,
                ..f.clone()
            };
            let rules = std::mem::take(&mut list_rules);
            self.param_specs
                .push(param_spec_with(ctx, &fpath, &field, &fwire, None, rules)?);
            if f.required && !in_list && !object_required {
                let param = fwire.clone();
                for other in object.fields.iter().filter(|o| o.name != f.name) {
                    let when = format!("{prefix}{}", other.name);
                    self.extra_cross.push(quote!(rt::CrossRule::RequiredWhen {
                        param: #param,
                        when: rt::Condition { param: #when, any_of: &[] },
                    }));
                }
            }
        }
        Ok(())
    }

    fn list_field(
        &mut self,
        path: &str,
        p: &Parameter,
        mut plan: FieldPlan,
    ) -> Result<FieldPlan, SpecError> {
        let ctx = self.ctx;
        let wire = p.name.as_str();
        let id = plan.ident.clone();
        let style = p
            .style
            .ok_or_else(|| ctx.err(path, "a list needs a `style`"))?;
        let items = list_items(ctx, path, p)?;
        let ipath = format!("{path}/items");
        let count = item_count(ctx, path, p)?;
        if p.send_empty && style != ListStyle::Json {
            return Err(ctx.err(
                format!("{path}/sendEmpty"),
                "only a list sent as JSON can be sent empty (`[]`)",
            ));
        }
        if p.separator.is_some() && style != ListStyle::Simple {
            return Err(ctx.err(
                format!("{path}/separator"),
                "`separator` belongs to a `simple` list",
            ));
        }
        plan.form = Form::List;
        let (elem, write, read) = match (style, items.kind) {
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
            (ListStyle::RepeatList, Some(ParamType::Object)) => {
                let name = object_type(ctx, &ipath, items, wire, &mut self.sink, Forms::FLAT)?;
                // The list's own rules ride on its first field's entry.
                let mut list_rules: Vec<TokenStream> = count.into_iter().collect();
                if p.required {
                    list_rules.push(quote!(rt::Rule::ListRequired));
                }
                let element = Parameter {
                    location: p.location,
                    ..items.clone()
                };
                self.flat_fields(
                    &ipath,
                    &element,
                    &format!("{wire}.{{n}}."),
                    true,
                    Some(list_rules),
                )?;
                (
                    quote!(#name),
                    quote!(w.put_objects(#wire, &self.#id)),
                    quote!(r.objects(#wire)?),
                )
            }
            (ListStyle::Simple, Some(ParamType::Object)) => {
                return Err(ctx.err(
                    format!("{path}/style"),
                    "a list of objects is sent `repeatList` (`Name.1.Field`) or as `json`",
                ));
            }
            (ListStyle::Json, _) => {
                let (elem, spec) = json_list(ctx, path, p, wire, &mut self.sink)?;
                self.param_specs.push(spec);
                if p.send_empty {
                    plan.form = Form::OptionalList;
                    (
                        elem,
                        quote!(w.put_json(#wire, self.#id.as_ref())),
                        quote!(r.json(#wire)?),
                    )
                } else if items.kind == Some(ParamType::Object) {
                    (
                        elem,
                        quote!(w.put_json_list(#wire, &self.#id)),
                        quote!(r.json_list(#wire)?),
                    )
                } else {
                    let numeric =
                        matches!(items.kind, Some(ParamType::Integer | ParamType::Number));
                    (
                        elem,
                        quote!(w.put_json_array(#wire, &self.#id, #numeric)),
                        quote!(r.json_array(#wire)?),
                    )
                }
            }
            (style, Some(_)) => {
                let elem = scalar_type(ctx, &ipath, items, &mut self.sink, false)?;
                let separator = p.separator.as_deref().unwrap_or(",");
                if separator.is_empty() {
                    return Err(ctx.err(format!("{path}/separator"), "a separator cannot be empty"));
                }
                let (item_wire, packing) = match style {
                    ListStyle::Simple if separator == "," => {
                        (wire.to_owned(), Some(quote!(rt::Packing::Comma)))
                    }
                    ListStyle::Simple => (
                        wire.to_owned(),
                        Some(quote!(rt::Packing::Separated(#separator))),
                    ),
                    _ => (format!("{wire}.{{n}}"), None),
                };
                let count: Vec<TokenStream> = count.into_iter().collect();
                let element = Parameter {
                    required: p.required,
                    location: p.location,
                    ..items.clone()
                };
                let spec = if uses_newtype(items, false) && count.is_empty() {
                    let mut spec = quote!(rt::ParamSpec { wire: #item_wire, ..#elem::RULES });
                    if let Some(packing) = &packing {
                        spec = quote!(#spec.packed(#packing));
                    }
                    self.placed(spec, p)
                } else {
                    // A shared checked string's rules are written out here when the list adds
                    // an item count (one table entry holds both).
                    param_spec_with(ctx, &ipath, &element, &item_wire, packing, count)?
                };
                self.param_specs.push(spec);
                match style {
                    ListStyle::Simple if separator == "," => (
                        elem,
                        quote!(w.put_joined(#wire, &self.#id)),
                        quote!(r.joined(#wire)?),
                    ),
                    ListStyle::Simple => (
                        elem,
                        quote!(w.put_joined_with(#wire, &self.#id, #separator)),
                        quote!(r.joined_with(#wire, #separator)?),
                    ),
                    _ => (
                        elem,
                        quote!(w.put_repeated(#wire, &self.#id)),
                        quote!(r.repeated(#wire)?),
                    ),
                }
            }
        };
        plan.value = elem;
        plan.write = write;
        plan.read = read;
        Ok(plan)
    }

    fn map_field(
        &mut self,
        path: &str,
        p: &Parameter,
        mut plan: FieldPlan,
    ) -> Result<FieldPlan, SpecError> {
        let ctx = self.ctx;
        let wire = p.name.as_str();
        let id = plan.ident.clone();
        plan.form = Form::Map;
        let (value, value_spec) = map_value(ctx, path, p, &mut self.sink)?;
        match p.style.unwrap_or(ListStyle::Json) {
            ListStyle::Json => {
                let spec = quote!(rt::ParamSpec::new(#wire, rt::Kind::Map(&#value_spec)));
                let spec = self.placed(spec, p);
                self.param_specs.push(spec);
                plan.write = quote!(w.put_json(#wire, (!self.#id.is_empty()).then_some(&self.#id)));
                plan.read = quote!(r.json(#wire)?.unwrap_or_default());
            }
            ListStyle::Flat => {
                let values = p.values_of.as_deref().and_then(|v| v.kind);
                if matches!(
                    values,
                    Some(ParamType::Object | ParamType::Json | ParamType::Boolean)
                ) {
                    return Err(ctx.err(
                        format!("{path}/valuesOf/type"),
                        "a map sent flat (`Name.key`) holds text, numbers or enums: send it as `json`",
                    ));
                }
                let values = p.values_of.as_deref().cloned().unwrap_or_default();
                let entry = Parameter {
                    required: p.required,
                    location: p.location,
                    ..values
                };
                let spec = param_spec(
                    ctx,
                    &format!("{path}/valuesOf"),
                    &entry,
                    wire,
                    Some(quote!(rt::Packing::FlatMap)),
                )?;
                self.param_specs.push(spec);
                plan.write = quote!(w.put_flat_map(#wire, &self.#id));
                plan.read = quote!(r.flat_map(params, #wire)?);
            }
            _ => {
                return Err(ctx.err(
                    format!("{path}/style"),
                    "a map is sent as `json` (one JSON object) or `flat` (`Name.key`)",
                ));
            }
        }
        plan.value = value;
        Ok(plan)
    }
}

/// A required value's reader: absent is a `required` violation.
fn required_read(read: TokenStream, wire: &str, required: bool) -> TokenStream {
    if required {
        quote!(#read.ok_or_else(|| rt::Violation::new(#wire, "required", "is required", None))?)
    } else {
        read
    }
}

/// A parameter's doc comment: description, then the wire facts.
pub(crate) fn param_doc(p: &Parameter, wire: &str) -> TokenStream {
    doc_with_facts(p, format!("Wire name {}", code(wire)))
}

/// An object field's doc comment: description, then its key within the object and its facts.
pub(crate) fn field_doc(p: &Parameter) -> TokenStream {
    doc_with_facts(p, format!("Field {} of the object", code(&p.name)))
}

fn doc_with_facts(p: &Parameter, first: String) -> TokenStream {
    let mut facts = vec![first];
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
