//! Writes (or, with `--check`, compares) `ens-client/src/generated/`.

use quote::{format_ident, quote};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

const OPERATIONS: &str = "specs/ens/operations";
const SERVICE: &str = "specs/ens/service.json";
pub const GENERATED: &str = "ens-client/src/generated";

/// Every generated file, by file name, from the specs under `root`.
pub fn generate_all(root: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut files = BTreeMap::new();
    let service_text = read(&root.join(SERVICE))?;
    let tokens = ens_codegen::service(SERVICE, &service_text).map_err(|e| e.to_string())?;
    files.insert(
        "common.rs".to_owned(),
        render(&ens_codegen::regen_header(SERVICE), tokens, SERVICE)?,
    );

    let mut modules = Vec::new();
    for path in spec_files(&root.join(OPERATIONS))? {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let display = format!("{OPERATIONS}/{stem}.json");
        let text = read(&path)?;
        let spec = ens_codegen::parse_operation(&display, &text).map_err(|e| e.to_string())?;
        if spec.operation != stem {
            return Err(format!(
                "{display}: the file is named {stem}.json but describes {}",
                spec.operation
            ));
        }
        let tokens = ens_codegen::generate_operation(&display, &spec).map_err(|e| e.to_string())?;
        let module = ens_codegen::module_name(&stem);
        files.insert(
            format!("{module}.rs"),
            render(&ens_codegen::regen_header(&display), tokens, &display)?,
        );
        modules.push((module, stem));
    }
    files.insert(
        "mod.rs".to_owned(),
        render(
            &ens_codegen::regen_header(&format!("{OPERATIONS}/*.json")),
            mod_rs(&modules),
            "mod.rs",
        )?,
    );
    Ok(files)
}

/// `mod.rs`: the modules, their main types at the top, and a `Client` method per operation.
fn mod_rs(modules: &[(String, String)]) -> proc_macro2::TokenStream {
    let decls = modules.iter().map(|(module, op)| {
        let m = format_ident!("{module}");
        let (req, builder, resp, err) = (
            format_ident!("{op}Request"),
            format_ident!("{op}RequestBuilder"),
            format_ident!("{op}Response"),
            format_ident!("{op}Error"),
        );
        let doc = format!(" `{op}`: request, builder, response, errors and the types they use.");
        quote! {
            #[doc = #doc]
            pub mod #m;
            pub use #m::{#req, #builder, #resp, #err};
        }
    });
    let methods = modules.iter().map(|(module, op)| {
        let m = format_ident!("{module}");
        let (req, resp, err) = (
            format_ident!("{op}Request"),
            format_ident!("{op}Response"),
            format_ident!("{op}Error"),
        );
        let doc =
            format!(" Calls `{op}`: validates, signs and sends `request`, and decodes the answer.");
        quote! {
            #[doc = #doc]
            pub async fn #m(&self, request: #req) -> Result<#resp, crate::Error<#err>> {
                self.send(request).await
            }
        }
    });
    let checks = modules.iter().map(|(_, op)| {
        let req = format_ident!("{op}Request");
        quote!(#op => #req::from_params(params).and_then(|request| request.validate()),)
    });
    quote! {
        mod common;
        pub use common::{API_VERSION, CommonError, DEFAULT_ENDPOINT, ENDPOINTS};
        #(#decls)*

        /// Checks wire parameters for the operation named `action` as `from_params` and
        /// `validate` do; `None` when no such operation is generated. For tools that meet
        /// requests as wire maps (test case files, command lines).
        pub fn check_params(action: &str, params: &crate::core::Params) -> Option<Result<(), crate::core::Violations>> {
            Some(match action {
                #(#checks)*
                _ => return None,
            })
        }

        impl crate::Client {
            #(#methods)*
        }
    }
}

fn render(header: &str, tokens: proc_macro2::TokenStream, file: &str) -> Result<String, String> {
    ens_codegen::render(header, tokens, file).map_err(|e| e.to_string())
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let started = Instant::now();
    let files = generate_all(root)?;
    let dir = root.join(GENERATED);
    let existing: Vec<String> = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter(|n| n.ends_with(".rs"))
            .collect(),
        Err(_) => Vec::new(),
    };
    let stale: Vec<&String> = files
        .iter()
        .filter(|(name, text)| {
            fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(name, _)| name)
        .collect();
    let extra: Vec<&String> = existing
        .iter()
        .filter(|n| !files.contains_key(*n))
        .collect();
    if check {
        if stale.is_empty() && extra.is_empty() {
            println!("generated code matches the specs ({} files)", files.len());
            return Ok(());
        }
        let mut message = String::from("generated code is stale; run `cargo xtask regen`:\n");
        for name in &stale {
            message.push_str(&format!("  differs from its spec: {GENERATED}/{name}\n"));
        }
        for name in &extra {
            message.push_str(&format!("  has no spec: {GENERATED}/{name}\n"));
        }
        return Err(message);
    }
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for name in &extra {
        fs::remove_file(dir.join(name)).map_err(|e| format!("cannot remove {name}: {e}"))?;
    }
    for name in &stale {
        fs::write(dir.join(name), &files[*name])
            .map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    println!(
        "regenerated {} of {} files in {GENERATED} ({} removed) in {:.0} ms",
        stale.len(),
        files.len(),
        extra.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
