//! `operation!("specs/ens/operations/CreateInstance.json")` expands to the same module
//! `cargo xtask regen` writes into `ens-client/src/generated/`, straight from the spec.
//!
//! The path is resolved against `CARGO_MANIFEST_DIR` of the crate that calls the macro. The
//! expansion `include_str!`s the spec, so editing the spec rebuilds the caller. A bad spec is a
//! `compile_error!` on the path literal naming the file, the JSON path and the fault.
//!
//! Invoke it inside a module of its own: the expansion defines module-level items.

use proc_macro::TokenStream;
use quote::quote;
use syn::{LitStr, parse_macro_input};

/// Generates request, builder, response and error types for one operation spec.
#[proc_macro]
pub fn operation(input: TokenStream) -> TokenStream {
    let lit = parse_macro_input!(input as LitStr);
    match expand(&lit) {
        Ok(tokens) => tokens.into(),
        Err(message) => syn::Error::new(lit.span(), message)
            .to_compile_error()
            .into(),
    }
}

fn expand(lit: &LitStr) -> Result<proc_macro2::TokenStream, String> {
    let relative = lit.value();
    let dir = std::env::var("CARGO_MANIFEST_DIR")
        .map_err(|_| "CARGO_MANIFEST_DIR is not set".to_owned())?;
    let path = std::path::Path::new(&dir).join(&relative);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read spec {relative} (looked at {}): {e}",
            path.display()
        )
    })?;
    let tokens = ens_codegen::operation(&relative, &text).map_err(|e| e.to_string())?;
    let absolute = path.to_string_lossy().into_owned();
    Ok(quote! {
        #tokens
        const _: &str = include_str!(#absolute);
    })
}
