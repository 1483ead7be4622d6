//! Turns a service's JSON specs into Rust.
//!
//! Pure: spec text in, tokens out, or a [`SpecError`] naming the file, the JSON path and the
//! fault. A service folder is read ([`ServiceSource`]), lowered into one checked [`Model`]
//! (references resolved, clashes and unused shapes reported), then [`generate`]d: the proc
//! macro (`ens-macros`) and `cargo xtask regen` both call it, so the macro's expansion and the
//! committed code are the same code.
//!
//! The generated code refers to the runtime through [`Settings::runtime`] (`::ens_runtime`),
//! and brings its `core` into scope as `rt`: generated modules are data (rule tables) plus thin
//! glue, and the logic lives once in `ens-core` and `ens-runtime`. The root holds the service's
//! own `Client` (a wrapper of the runtime's with a method per operation) and its `SERVICE`
//! description, so that a crate of the macro's gets a client of its own too.

mod builder;
mod docs;
mod error;
mod errors;
mod gates;
pub mod model;
mod names;
mod objects;
mod pagination;
mod request;
mod response;
mod rules;
#[cfg(feature = "schema")]
pub mod schema;
mod shapes;
pub mod spec;
mod types;
mod waiters;

pub use error::SpecError;
use error::{Ctx, json_pointer};
pub use model::{Model, Selection, ServiceSource};
pub use names::{is_identifier, is_keyword};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// Reads a spec document, reporting JSON syntax errors with line and column and type errors with the
/// JSON path.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<T, SpecError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = json_pointer(e.path());
        let inner = e.into_inner();
        let (path, message) = if inner.is_syntax() || inner.is_eof() {
            // Where the text stops being JSON, the line and column say more than a path.
            (String::new(), format!("JSON syntax error: {inner}"))
        } else {
            (path, inner.to_string())
        };
        SpecError {
            file: file.to_owned(),
            path,
            message,
        }
    })?;
    Ok(value)
}

/// Parses an operation spec.
pub fn parse_operation(file: &str, text: &str) -> Result<spec::OperationSpec, SpecError> {
    parse(file, text)
}

/// Parses `service.json`.
pub fn parse_service(file: &str, text: &str) -> Result<spec::ServiceSpec, SpecError> {
    parse(file, text)
}

/// Standard names the generated code uses unqualified; a generated type must not hide them
/// (the importer renames such types).
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Result",
    "Option",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "Iterator",
    "ToString",
    "From",
    "Some",
    "None",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Into",
    "IntoIterator",
    "TryFrom",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Copy",
    "Self",
    "rt",
];

/// One operation's module, generated within `service` (its `service.json`, catalog and
/// shapes; its own operations are ignored): for tests, benchmarks and fuzzing that vary one
/// spec. `file` must be named after the operation (`.../Ping.json`).
pub fn operation_module(
    service: &ServiceSource,
    file: &str,
    text: &str,
) -> Result<TokenStream, SpecError> {
    let spec: spec::OperationSpec = parse(file, text)?;
    let source = ServiceSource {
        operations: vec![(file.to_owned(), text.to_owned())],
        ..service.clone()
    };
    let names = [spec.operation];
    let model = Model::load(&source, Selection::Only(&names))?;
    let generated = generate(&model, &Settings::default())?;
    let module = generated
        .modules
        .into_iter()
        .find(|m| m.source == file)
        .map(|m| m.tokens)
        .unwrap_or_default();
    Ok(module)
}

/// Names the generated modules import or define themselves; a spec's type must not take one.
pub const GENERATED_NAMES: &[&str] = &[
    "ErrorCode",
    "CommonError",
    "Unhandled",
    "UnknownValue",
    "AnyOperationError",
    "Error",
    "PARAMS",
];

/// Methods of the generated `Client` and of the runtime's client it derefs to: no operation's
/// method (`create_instance()`) may take one, or it would hide it.
pub const CLIENT_METHODS: &[&str] = &[
    "builder",
    "with_options",
    "options",
    "send",
    "send_with",
    "dry_run",
    "endpoint",
    "service",
    "current_rate_limit",
    "wait_until",
    "wait_until_observed",
    "wait_for_ids",
];

/// Names of the types one generated module defines, so that two never collide.
#[derive(Debug, Default)]
pub(crate) struct TypeNames {
    taken: Vec<(String, &'static str)>,
    /// Enums already emitted, with their values, to share one between parameters.
    pub(crate) enums: Vec<(String, Vec<String>)>,
}

impl TypeNames {
    /// Rejects names the generated code uses itself.
    pub(crate) fn check_reserved(ctx: Ctx<'_>, path: &str, name: &str) -> Result<(), SpecError> {
        if RESERVED_TYPE_NAMES.contains(&name) {
            return Err(ctx.err(path, format!("the type name `{name}` would hide the standard `{name}` the generated code uses: choose another")));
        }
        if GENERATED_NAMES.contains(&name) {
            return Err(ctx.err(
                path,
                format!("the type name `{name}` is one the generated code defines: choose another"),
            ));
        }
        Ok(())
    }

    /// Takes `name` for a type defined here.
    pub(crate) fn claim(&mut self, ctx: Ctx<'_>, path: &str, name: &str) -> Result<(), SpecError> {
        Self::check_reserved(ctx, path, name)?;
        if let Some((_, owner)) = self.taken.iter().find(|(n, _)| n == name) {
            return Err(ctx.err(
                path,
                format!("the type name `{name}` is used twice in {owner}"),
            ));
        }
        self.taken.push((name.to_owned(), "this module"));
        Ok(())
    }

    /// Takes the names of the shared shapes, which every operation module imports.
    fn claim_shared<'n>(&mut self, names: impl IntoIterator<Item = &'n String>) {
        for name in names {
            self.taken.push((
                name.clone(),
                "the shared shapes (shapes/*.json): use `shape` or choose another name",
            ));
        }
    }
}

/// What the generator needs besides the specs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Path of the runtime crate the generated code uses (its `core`, `Client`, `Error`):
    /// `::ens_runtime`, which `ens-client` and every user of the proc macro depend on.
    pub runtime: String,
    /// Whether each operation is compiled only with its API area's cargo feature (and each shared
    /// shape and error code with a feature of an area that uses it): for the crate `regen` writes,
    /// whose `Cargo.toml` declares the features. Off for the macro (the features would be the
    /// calling crate's).
    pub features: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            runtime: "::ens_runtime".to_owned(),
            features: false,
        }
    }
}

impl Settings {
    /// What `cargo xtask regen` generates `ens-client/src/generated/` with: features per area.
    pub fn regen() -> Self {
        Self {
            features: true,
            ..Self::default()
        }
    }

    /// The runtime path as tokens; an error names a path that is not one.
    fn runtime_path(&self) -> Result<TokenStream, SpecError> {
        let bad = || SpecError {
            file: String::new(),
            path: String::new(),
            message: format!("the runtime path `{}` is not a Rust path", self.runtime),
        };
        let (absolute, rest) = match self.runtime.strip_prefix("::") {
            Some(rest) => (true, rest),
            None => (false, self.runtime.as_str()),
        };
        let mut tokens = if absolute {
            quote!(::)
        } else {
            TokenStream::new()
        };
        for (i, segment) in rest.split("::").enumerate() {
            let ident = names::ident(Ctx { file: "" }, "", segment).map_err(|_| bad())?;
            if i > 0 {
                tokens.extend(quote!(::));
            }
            tokens.extend(quote!(#ident));
        }
        Ok(tokens)
    }
}

/// One generated module: a file under `generated/` for `cargo xtask regen`, an inline module
/// for the macro.
#[derive(Debug, Clone)]
pub struct Module {
    /// The module's name (and file stem): `types`, `errors`, `create_instance`.
    pub name: String,
    /// Its doc line in the root.
    pub doc: String,
    /// The spec it comes from, for the file header.
    pub source: String,
    /// Its items.
    pub tokens: TokenStream,
    /// The attributes that gate it (its API area's feature), on its declaration in the root.
    pub gate: TokenStream,
}

/// Everything generated from a service: the modules and the root that declares them.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The modules, in the root's order.
    pub modules: Vec<Module>,
    /// The root's own items (constants, re-exports, client methods).
    root: TokenStream,
}

impl Generated {
    /// The root as `mod.rs`: each module declared, its file beside it.
    pub fn mod_rs(&self) -> TokenStream {
        let decls = self.modules.iter().map(|m| {
            let (name, doc, gate) = (names::known(&m.name), &m.doc, &m.gate);
            quote! { #[doc = #doc] #gate pub mod #name; }
        });
        let root = &self.root;
        quote! { #(#decls)* #root }
    }

    /// The root with every module inline: what the proc macro expands to.
    pub fn inline(&self) -> TokenStream {
        let decls = self.modules.iter().map(|m| {
            let (name, doc, tokens, gate) = (names::known(&m.name), &m.doc, &m.tokens, &m.gate);
            quote! { #[doc = #doc] #gate pub mod #name { #tokens } }
        });
        let root = &self.root;
        quote! { #(#decls)* #root }
    }
}

/// The areas whose operations use an enum (then `types::UnknownValue` is needed); `None` when no
/// enum is generated at all.
fn enum_areas(model: &Model) -> Option<std::collections::BTreeSet<String>> {
    if !has_enums(model) {
        return None;
    }
    let shape_areas = gates::shape_areas(model);
    let mut areas = std::collections::BTreeSet::new();
    for (name, shape) in &model.shapes {
        if shape.spec.kind == spec::ShapeType::Enum || shape.spec.fields.iter().any(param_has_enum)
        {
            areas.extend(shape_areas.get(name).into_iter().flatten().cloned());
        }
    }
    for op in &model.operations {
        if op.spec.parameters.iter().any(param_has_enum) {
            areas.extend(op.spec.area.iter().cloned());
        }
    }
    Some(areas)
}

fn param_has_enum(p: &spec::Parameter) -> bool {
    p.kind == Some(spec::ParamType::Enum)
        || p.items.as_deref().is_some_and(param_has_enum)
        || p.values_of.as_deref().is_some_and(param_has_enum)
        || p.fields.iter().any(param_has_enum)
}

/// Whether any enum is generated (then `types::UnknownValue` is needed).
fn has_enums(model: &Model) -> bool {
    fn param(p: &spec::Parameter) -> bool {
        p.kind == Some(spec::ParamType::Enum)
            || p.items.as_deref().is_some_and(param)
            || p.values_of.as_deref().is_some_and(param)
            || p.fields.iter().any(param)
    }
    model
        .shapes
        .values()
        .any(|s| s.spec.kind == spec::ShapeType::Enum || s.spec.fields.iter().any(param))
        || model
            .operations
            .iter()
            .any(|op| op.spec.parameters.iter().any(param))
}

/// Generates every module of a service model.
pub fn generate(model: &Model, settings: &Settings) -> Result<Generated, SpecError> {
    let runtime = settings.runtime_path()?;
    let prelude = quote!(use #runtime::core as rt;);
    let core_path = format!("{}::core", settings.runtime);
    let shape_kind = |name: &str| model.shapes.get(name).map(|s| s.spec.kind);
    let env = response::Env {
        shapes: &shape_kind,
        core: &core_path,
    };
    let gates = gates::Gates::new(model, settings.features);
    let mut modules = Vec::new();
    let types = shapes::types_module(model, &env, &gates, enum_areas(model))?;
    // Without shapes the module only holds `UnknownValue`, which needs no runtime; with features,
    // the shapes an enabled area uses may be none.
    let types = if model.shapes.is_empty() {
        types
    } else if settings.features {
        quote! { #[allow(unused_imports)] #prelude #types }
    } else {
        quote! { #prelude #types }
    };
    modules.push(Module {
        name: "types".into(),
        doc: " The shared shapes (`shapes/*.json`), generated once and used by every operation."
            .into(),
        source: format!("{} and shapes/*.json", model.service_file),
        tokens: types,
        gate: TokenStream::new(),
    });
    let errors = errors::service_errors(model, &runtime, &gates);
    modules.push(Module {
        name: "errors".into(),
        doc: " Error codes (`errors.json`), each defined once, and the service-wide `Error`."
            .into(),
        source: model.errors_file.clone(),
        tokens: quote! { #prelude #errors },
        gate: TokenStream::new(),
    });
    let mut waiters = Vec::new();
    for op in &model.operations {
        let (tokens, planned) = generate_operation(model, op, &env, &runtime)?;
        waiters.push(planned);
        let doc = format!(
            " `{}`: request, builder, response, errors and the types only it uses.",
            op.spec.operation
        );
        modules.push(Module {
            name: module_name(&op.spec.operation),
            doc,
            source: op.file.clone(),
            tokens: quote! { #prelude #tokens },
            gate: gates.area(op.spec.area.as_ref()),
        });
    }
    let root = root(model, settings, &runtime, &gates, &waiters)?;
    Ok(Generated { modules, root })
}

/// One operation's module.
fn generate_operation(
    model: &Model,
    op: &model::Operation,
    env: &response::Env<'_>,
    runtime: &TokenStream,
) -> Result<(TokenStream, Vec<waiters::Planned>), SpecError> {
    let spec = &op.spec;
    let ctx = Ctx { file: &op.file };
    let name = &spec.operation;
    names::type_ident(ctx, "/operation", Some(name), "")?;
    if spec.version.is_empty() {
        return Err(ctx.err("/version", "the API version is empty"));
    }
    let method = module_name(name);
    if CLIENT_METHODS.contains(&method.as_str()) {
        return Err(ctx.err(
            "/operation",
            format!("the client method `{method}()` of `{name}` would hide the client's own `{method}`: the service cannot have this operation name"),
        ));
    }
    let mut type_names = TypeNames::default();
    type_names.claim_shared(model.shapes.keys());
    for suffix in [
        "Request",
        "RequestBuilder",
        "RequestOptional",
        "Call",
        "Response",
        "Error",
    ] {
        type_names.claim(ctx, "/operation", &format!("{name}{suffix}"))?;
    }
    let mut items = Vec::new();
    let request = request::Request::new(
        ctx,
        runtime,
        spec,
        types::Sink {
            names: &mut type_names,
            items: &mut items,
        },
    )
    .generate()?;
    let response = response::generate(ctx, spec, &mut type_names, env)?;
    let members = |name: &str| {
        model
            .shapes
            .get(name)
            .filter(|s| s.spec.kind == spec::ShapeType::Structure)
            .map(|s| s.spec.members.as_slice())
    };
    let paginated = pagination::paginated(ctx, spec, runtime, &members)?;
    let (waiter_items, planned) = waiters::waiters(ctx, model, spec)?;
    let error = errors::operation_error(model, op);
    let shared = if op.shapes.is_empty() {
        quote!()
    } else {
        quote!(
            use super::types::*;
        )
    };
    Ok((
        quote! {
            use super::errors::{CommonError, ErrorCode, Unhandled};
            #shared
            #request
            #(#items)*
            #response
            #paginated
            #waiter_items
            #error
        },
        planned,
    ))
}

/// The root: service constants, re-exports, `check_params` and the client methods.
fn root(
    model: &Model,
    settings: &Settings,
    runtime: &TokenStream,
    gates: &gates::Gates,
    waiters: &[Vec<waiters::Planned>],
) -> Result<TokenStream, SpecError> {
    let service = &model.service;
    let (version, default) = (&service.version, &service.default_endpoint);
    let regions = service.endpoints.iter().map(|e| {
        let (r, h) = (&e.region_id, &e.host);
        quote!((#r, #h))
    });
    let ops: Vec<(Ident, &str, TokenStream, TokenStream)> = model
        .operations
        .iter()
        .map(|o| {
            let op = o.spec.operation.as_str();
            (
                names::known(&module_name(op)),
                op,
                gates.area(o.spec.area.as_ref()),
                gates.cfg_only(o.spec.area.as_ref()),
            )
        })
        .collect();
    let reexports = ops.iter().map(|(m, op, gate, _)| {
        let (req, builder, call, resp, err) = (
            format_ident!("{op}Request"),
            format_ident!("{op}RequestBuilder"),
            format_ident!("{op}Call"),
            format_ident!("{op}Response"),
            format_ident!("{op}Error"),
        );
        quote!(#gate pub use #m::{#req, #builder, #call, #resp, #err};)
    });
    let checks = ops.iter().map(|(_, op, _, cfg)| {
        let req = format_ident!("{op}Request");
        quote!(#cfg #op => #req::from_params(params).and_then(|request| request.validate()),)
    });
    let runtime_doc = settings.runtime.trim_start_matches("::").to_owned();
    let paged: Vec<bool> = model
        .operations
        .iter()
        .map(|o| o.spec.pagination.is_some())
        .collect();
    let mut waiter_names: Vec<(String, &str)> = Vec::new();
    for (o, planned) in model.operations.iter().zip(waiters) {
        for w in planned {
            let method = w.method.to_string();
            if let Some((_, other)) = waiter_names.iter().find(|(m, _)| *m == method) {
                return Err(SpecError {
                    file: o.file.clone(),
                    path: "/waiters".into(),
                    message: format!("`{method}` is also a waiter of {other}: name it apart"),
                });
            }
            waiter_names.push((method, &o.spec.operation));
        }
    }
    let methods = ops.iter().zip(&paged).zip(waiters).map(|(((m, op, gate, _), paged), waiters)| {
        let (req, call, resp, err) = (
            format_ident!("{op}Request"),
            format_ident!("{op}Call"),
            format_ident!("{op}Response"),
            format_ident!("{op}Error"),
        );
        let doc = format!(
            " Starts a `{op}` call: set its parameters with the setters of [`{op}RequestBuilder`], then `.send().await` validates, signs and sends it and decodes the answer (`send()` compiles once every required parameter is set). With a request object: `client.send(request)`."
        );
        let pages = if *paged {
            let name = format_ident!("{m}_pages");
            let doc = format!(
                " The pages of `{op}`'s results from `request` on, fetched one at a time as the stream is polled ([`paginate`]({runtime_doc}::paginate)); `.items()` streams their items."
            );
            quote! {
                #[doc = #doc]
                pub fn #name(&self, request: #req) -> #runtime::paginate::Pages<#req> {
                    #runtime::paginate::Pages::new(self.0.clone(), request)
                }
            }
        } else {
            quote!()
        };
        let waits = waiters.iter().map(|w| {
            let (method, item) = (&w.method, &w.item);
            let doc = docs::doc_lines([
                w.description.as_str(),
                format!(
                    "Polls `{op}` with `request` until an acceptor of [`{m}::{item}`] decides: the answer once it succeeds, [`WaiterError::Failed`]({runtime_doc}::WaiterError::Failed) when the resource never will, or [`WaiterError::TimedOut`]({runtime_doc}::WaiterError::TimedOut) after `options.timeout`."
                )
                .as_str(),
            ]);
            quote! {
                #doc
                pub async fn #method(
                    &self,
                    request: #req,
                    options: &#runtime::WaitOptions,
                ) -> Result<#resp, #runtime::WaiterError<#err>> {
                    self.0.wait_until(request, &#m::#item, options).await
                }
            }
        });
        quote! {
            #gate
            impl Client {
                #[doc = #doc]
                pub fn #m(&self) -> #m::#call {
                    #m::#call::new(self.0.clone())
                }

                #pages
                #(#waits)*
            }
        }
    });
    let client = service_client(model, runtime, &runtime_doc);
    // With no area enabled, the match has only its fallback arm.
    let allow_unreachable = gates.allow_without_areas(quote!(unreachable_code, unused_variables));
    Ok(quote! {
        pub use errors::{CommonError, Error, ErrorCode};
        #(#reexports)*

        /// The API version every operation of this service speaks.
        pub const API_VERSION: &str = #version;

        /// The host for regions [`ENDPOINTS`] does not list.
        pub const DEFAULT_ENDPOINT: &str = #default;

        /// Region id to host, from `service.json`.
        pub const ENDPOINTS: &[(&str, &str)] = &[ #(#regions),* ];

        /// Checks wire parameters for the operation named `action` as `from_params` and
        /// `validate` do; `None` when no such operation is generated. For tools that meet
        /// requests as wire maps (test case files, command lines).
        #allow_unreachable
        pub fn check_params(
            action: &str,
            params: &#runtime::core::Params,
        ) -> Option<Result<(), #runtime::core::Violations>> {
            Some(match action {
                #(#checks)*
                _ => return None,
            })
        }

        #client
        #(#methods)*
    })
}

/// The service's description for the runtime (`SERVICE`) and its client: a wrapper of the
/// runtime's `Client` that the operations add their methods to (a crate can only add methods to
/// its own types, so each service crate, or user of the macro, has one).
fn service_client(model: &Model, runtime: &TokenStream, runtime_doc: &str) -> TokenStream {
    let service = &model.service;
    let name = service.product.to_uppercase();
    let version = &service.version;
    let service_doc = format!(
        " {name} as the runtime sees it: API version, endpoints, and what its common error codes allow a client to do again."
    );
    let client_doc = docs::doc_lines([
        format!("A client of {name} (API `{version}`): a method per operation, each validating, signing and sending its request and decoding the answer.").as_str(),
        format!("It wraps the runtime's [`Client`]({runtime_doc}::Client), whose methods it also offers (through `Deref`): `send` for any request, `dry_run`, the waiters' and paginators' engines. Cheap to clone, and meant to be shared: all clones use one connection pool, one connection limit and one retry budget.").as_str(),
    ]);
    let builder_doc = format!(
        " A builder with the defaults: the default credentials chain, `{}`, V3 signatures, 3 attempts (see [`ClientBuilder`]({runtime_doc}::ClientBuilder)).",
        service.default_endpoint
    );
    let view_doc = format!(
        " A view of this client whose calls (fluent calls, `send`, paginators and waiters) use `options` over the client's settings; it shares the client's connections, credentials, retry budget and rate limiter (see [`Client::with_options`]({runtime_doc}::Client::with_options))."
    );
    quote! {
        #[doc = #service_doc]
        pub static SERVICE: #runtime::Service = #runtime::Service {
            name: #name,
            api_version: API_VERSION,
            default_endpoint: DEFAULT_ENDPOINT,
            endpoints: ENDPOINTS,
            retry_class: |code| CommonError::from_code(code, "").map(CommonError::retry_class),
        };

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client(#runtime::Client);

        /// Configures a [`Client`] (or, with `C`, another client built from the runtime's).
        pub type ClientBuilder<C = Client> = #runtime::ClientBuilder<C>;

        impl Client {
            #[doc = #builder_doc]
            pub fn builder() -> ClientBuilder {
                #runtime::ClientBuilder::new(&SERVICE)
            }

            #[doc = #view_doc]
            pub fn with_options(&self, options: #runtime::CallOptions) -> Self {
                Self(self.0.with_options(options))
            }
        }

        impl From<#runtime::Client> for Client {
            fn from(client: #runtime::Client) -> Self {
                Self(client)
            }
        }

        impl std::ops::Deref for Client {
            type Target = #runtime::Client;

            fn deref(&self) -> &#runtime::Client {
                &self.0
            }
        }
    }
}

/// The Rust module an operation's code lives in: `CreateInstance` -> `create_instance`.
pub fn module_name(operation: &str) -> String {
    heck::ToSnakeCase::to_snake_case(operation)
}

/// The header of a file `cargo xtask regen` writes from the spec at `source`.
pub fn regen_header(source: &str) -> String {
    format!(
        "Generated by `cargo xtask regen` from {source}. Do not edit: edit the spec and regenerate."
    )
}

/// Formats generated tokens as a source file with a header comment.
#[cfg(feature = "render")]
pub fn render(header: &str, tokens: TokenStream, file: &str) -> Result<String, SpecError> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| SpecError {
        file: file.to_owned(),
        path: String::new(),
        message: format!("generated code does not parse (a generator bug): {e}"),
    })?;
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&space_items(&prettyplease::unparse(&parsed)));
    Ok(out)
}

/// prettyplease puts items flush against each other; a blank line before each item that
/// follows a closed one reads better.
#[cfg(feature = "render")]
fn space_items(code: &str) -> String {
    const STARTS: &[&str] = &[
        "///", "#[", "pub ", "fn ", "impl", "const ", "static ", "use ", "mod ", "struct ",
        "enum ", "trait ", "type ", "rt::",
    ];
    let lines: Vec<&str> = code.lines().collect();
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(i + 1) else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let next_indent = next.len() - next.trim_start().len();
        let closes =
            matches!(line.trim(), "}" | "};" | "];" | ");") || (indent == 0 && line.ends_with(';'));
        let opens = STARTS.iter().any(|s| next.trim_start().starts_with(s));
        if closes && opens && indent == next_indent && !next.trim().is_empty() {
            out.push('\n');
        }
    }
    out
}
