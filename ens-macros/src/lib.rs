//! The generator as a proc macro: the same modules `cargo xtask regen` writes into
//! `ens-client/src/generated/`, straight from the specs.
//!
//! ```ignore
//! mod ens {
//!     // The whole service folder (service.json, errors.json, shapes/, operations/) ...
//!     ens_macros::service!("../specs/ens");
//! }
//! mod two {
//!     // ... or chosen operations, with the shapes and error codes they use.
//!     ens_macros::service! {
//!         path: "../specs/ens",
//!         operations: [CreateInstance, DescribeInstances],
//!         runtime: ::ens_runtime,
//!     }
//! }
//! mod one {
//!     // One operation file: its service is the folder above `operations/`.
//!     ens_macros::operation!("../specs/ens/operations/CreateInstance.json");
//! }
//! ```
//!
//! A path is relative to the file that invokes the macro, as with `include_str!` (where the
//! compiler does not say which file that is, relative to `CARGO_MANIFEST_DIR`). The expansion
//! `include_str!`s every spec it read, so editing one rebuilds the caller (a new file in the
//! folder is noticed at the next rebuild). A bad spec is a `compile_error!` on the macro's input
//! naming the file, the JSON path and the fault. Invoke it inside a module of its own: the
//! expansion defines `types`, `errors`, a module per operation and re-exports.
//!
//! `runtime` is the path of the runtime crate the code uses (default `::ens_runtime`, the only
//! dependency the expansion needs). The expansion has a `Client` of its own (the runtime's with a
//! method per operation, `Client::builder()`) and the `SERVICE` it runs on.

use proc_macro::TokenStream;
use quote::{ToTokens, quote};
use std::path::{Path, PathBuf};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token, bracketed, parse_macro_input};

/// Generates a service (all of a spec folder, or chosen operations) at compile time.
#[proc_macro]
pub fn service(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as ServiceInput);
    let span = input.path.span();
    match expand(&input.path.value(), input.operations, input.runtime) {
        Ok(tokens) => tokens.into(),
        Err(message) => syn::Error::new(span, message).to_compile_error().into(),
    }
}

/// What [`service!`] expands to for the same input, as a string literal of its tokens: for tests
/// that compare the expansion with the code `cargo xtask regen` commits (not for users).
#[doc(hidden)]
#[proc_macro]
pub fn __service_expansion(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as ServiceInput);
    let span = input.path.span();
    match expand(&input.path.value(), input.operations, input.runtime) {
        Ok(tokens) => syn::LitStr::new(&tokens.to_string(), span)
            .to_token_stream()
            .into(),
        Err(message) => syn::Error::new(span, message).to_compile_error().into(),
    }
}

/// Generates one operation (and the shapes and codes it uses) from its spec file.
#[proc_macro]
pub fn operation(input: TokenStream) -> TokenStream {
    let lit = parse_macro_input!(input as LitStr);
    let file = lit.value();
    let result = match split_operation_path(&file) {
        Some((service, operation)) => expand(&service, Some(vec![operation]), None),
        None => Err(format!(
            "`{file}` is not a spec file in an `operations/` folder (`.../operations/Name.json`)"
        )),
    };
    match result {
        Ok(tokens) => tokens.into(),
        Err(message) => syn::Error::new(lit.span(), message)
            .to_compile_error()
            .into(),
    }
}

/// `a/b/operations/CreateInstance.json` -> (`a/b`, `CreateInstance`).
fn split_operation_path(file: &str) -> Option<(String, String)> {
    let (dir, name) = file.rsplit_once('/')?;
    let operation = name.strip_suffix(".json")?;
    let service = match dir.rsplit_once('/') {
        Some((service, "operations")) => service.to_owned(),
        None if dir == "operations" => ".".to_owned(),
        _ => return None,
    };
    Some((service, operation.to_owned()))
}

struct ServiceInput {
    path: LitStr,
    operations: Option<Vec<String>>,
    runtime: Option<syn::Path>,
}

impl Parse for ServiceInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            let path = input.parse()?;
            return Ok(Self {
                path,
                operations: None,
                runtime: None,
            });
        }
        let mut path = None;
        let mut operations = None;
        let mut runtime = None;
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![:]>()?;
            match key.to_string().as_str() {
                "path" => path = Some(input.parse::<LitStr>()?),
                "operations" => {
                    let content;
                    bracketed!(content in input);
                    let names = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                    operations = Some(names.iter().map(Ident::to_string).collect());
                }
                "runtime" => runtime = Some(input.parse::<syn::Path>()?),
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        "expected `path`, `operations` or `runtime`",
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        let path =
            path.ok_or_else(|| input.error("`path: \"...\"` (the service folder) is required"))?;
        Ok(Self {
            path,
            operations,
            runtime,
        })
    }
}

/// The folder relative paths start from: the invoking file's, else the crate's.
fn base_dir() -> Result<PathBuf, String> {
    if let Some(file) = proc_macro::Span::call_site().local_file()
        && let Some(dir) = file.parent()
    {
        return Ok(dir.to_path_buf());
    }
    std::env::var("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .map_err(|_| "CARGO_MANIFEST_DIR is not set".to_owned())
}

fn expand(
    relative: &str,
    operations: Option<Vec<String>>,
    runtime: Option<syn::Path>,
) -> Result<proc_macro2::TokenStream, String> {
    let dir = absolute(&base_dir()?.join(relative));
    let source = ens_codegen::ServiceSource::read_dir(&dir, relative).map_err(|e| {
        let looked = dir.display();
        format!("{e} (looked in {looked})")
    })?;
    let selection = match &operations {
        Some(names) => ens_codegen::Selection::Only(names),
        None => ens_codegen::Selection::All,
    };
    let model = ens_codegen::Model::load(&source, selection).map_err(|e| e.to_string())?;
    let mut settings = ens_codegen::Settings::default();
    if let Some(runtime) = runtime {
        settings.runtime = runtime.to_token_stream().to_string().replace(' ', "");
    }
    let generated = ens_codegen::generate(&model, &settings).map_err(|e| e.to_string())?;
    let tokens = generated.inline();
    // Every file read, so that editing one rebuilds the caller.
    let mut read = vec![model.service_file.clone(), model.errors_file.clone()];
    read.extend(model.shapes.values().map(|s| s.file.clone()));
    read.extend(model.operations.iter().map(|o| o.file.clone()));
    let tracked = read.iter().map(|shown| {
        let rest = shown.strip_prefix(relative).unwrap_or(shown);
        let path = absolute(&dir.join(rest.trim_start_matches('/')));
        path.to_string_lossy().into_owned()
    });
    Ok(quote! {
        #tokens
        #(const _: &str = include_str!(#tracked);)*
    })
}

/// An absolute path, for `include_str!` (which resolves relative paths from another place).
fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf())
}
