//! Turns an ENS operation spec (JSON) into Rust.
//!
//! Pure: spec text in, tokens out, or a [`SpecError`] naming the file, the JSON path and the
//! fault. The proc macro (`ens-macros`) and `cargo xtask regen` both call [`operation`], so the
//! macro's expansion and the committed code are the same code.
//!
//! The generated code refers to the runtime as `::ens_client`, and brings `::ens_client::core`
//! into scope as `rt`: generated modules are data (rule tables) plus thin glue, and the logic
//! lives once in `ens-core`.

mod docs;
mod error;
mod errors;
mod names;
mod request;
mod response;
pub mod spec;

pub use error::SpecError;
use error::{Ctx, json_pointer};
use proc_macro2::TokenStream;
use quote::quote;
use spec::{OperationSpec, ServiceSpec};

/// Reads a spec, reporting JSON syntax errors with line and column and type errors with the
/// JSON path.
fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, SpecError> {
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
pub fn parse_operation(file: &str, text: &str) -> Result<OperationSpec, SpecError> {
    parse(file, text)
}

/// Parses `service.json`.
pub fn parse_service(file: &str, text: &str) -> Result<ServiceSpec, SpecError> {
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

/// Names of the types one generated module defines, so that two never collide.
#[derive(Debug, Default)]
pub(crate) struct TypeNames(Vec<String>);

impl TypeNames {
    pub(crate) fn claim(&mut self, ctx: Ctx<'_>, path: &str, name: &str) -> Result<(), SpecError> {
        if RESERVED_TYPE_NAMES.contains(&name) {
            return Err(ctx.err(path, format!("the type name `{name}` would hide the standard `{name}` the generated code uses: choose another")));
        }
        if self.0.iter().any(|n| n == name) {
            return Err(ctx.err(
                path,
                format!("the type name `{name}` is used twice in this operation"),
            ));
        }
        self.0.push(name.to_owned());
        Ok(())
    }
}

/// The module for one operation: request, builder, enums, newtypes, response, error enum and
/// the `Operation` implementation. `file` only names the spec in errors.
pub fn generate_operation(file: &str, spec: &OperationSpec) -> Result<TokenStream, SpecError> {
    let ctx = Ctx { file };
    let op = &spec.operation;
    names::type_ident(ctx, "/operation", Some(op), "")?;
    if spec.version.is_empty() {
        return Err(ctx.err("/version", "the API version is empty"));
    }
    let mut type_names = TypeNames::default();
    for suffix in ["Request", "RequestBuilder", "Response", "Error"] {
        type_names.claim(ctx, "/operation", &format!("{op}{suffix}"))?;
    }
    let request = request::Request::new(ctx, spec, &mut type_names).generate()?;
    let response = response::generate(ctx, spec, &mut type_names)?;
    let codes: Vec<errors::Code<'_>> = spec
        .errors
        .iter()
        .map(|e| errors::Code {
            http_status: e.http_status,
            code: &e.code,
            message: &e.message,
            description: e.description.as_deref(),
            variant: e.variant.as_deref(),
        })
        .collect();
    let error_name = names::known(&format!("{op}Error"));
    let error_doc = format!(
        " Errors `{op}` documents, the common ones, and any other code as `Unhandled`. A variant\n for a documented code holds the service's message."
    );
    let error = errors::generate(
        ctx,
        "/errors",
        &error_name,
        &error_doc,
        &codes,
        errors::Flavor::Operation,
    )?;
    Ok(quote! {
        use ::ens_client::core as rt;
        #request
        #response
        #error
    })
}

/// Parses and generates in one step: what the macro and `cargo xtask regen` call.
pub fn operation(file: &str, text: &str) -> Result<TokenStream, SpecError> {
    generate_operation(file, &parse_operation(file, text)?)
}

/// The `CommonError` enum and the endpoint table from `service.json`.
pub fn service(file: &str, text: &str) -> Result<TokenStream, SpecError> {
    let ctx = Ctx { file };
    let spec = parse_service(file, text)?;
    let codes: Vec<errors::Code<'_>> = spec
        .common_errors
        .iter()
        .map(|e| errors::Code {
            http_status: e.http_status,
            code: &e.code,
            message: &e.message,
            description: e.description.as_deref(),
            variant: e.variant.as_deref(),
        })
        .collect();
    let retry: Vec<spec::RetryClass> = spec.common_errors.iter().map(|e| e.retry).collect();
    let name = names::known("CommonError");
    let doc = " Error codes any ENS operation can return, from `service.json`. Each variant holds the\n service's message.";
    let error = errors::generate(
        ctx,
        "/commonErrors",
        &name,
        doc,
        &codes,
        errors::Flavor::Common(&retry),
    )?;
    if spec.default_endpoint.is_empty() {
        return Err(ctx.err("/defaultEndpoint", "the default endpoint is empty"));
    }
    let (version, default) = (&spec.version, &spec.default_endpoint);
    let regions = spec.endpoints.iter().map(|e| {
        let (r, h) = (&e.region_id, &e.host);
        quote!((#r, #h))
    });
    Ok(quote! {
        use ::ens_client::core as rt;

        /// The API version every operation of this service speaks.
        pub const API_VERSION: &str = #version;

        /// The host for regions [`ENDPOINTS`] does not list.
        pub const DEFAULT_ENDPOINT: &str = #default;

        /// Region id to host, from `service.json`.
        pub const ENDPOINTS: &[(&str, &str)] = &[ #(#regions),* ];

        #error
    })
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
        "enum ", "trait ", "type ",
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
