//! Doc comments from spec text.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` lines for each paragraph, with blank doc lines between them.
pub(crate) fn doc_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for p in paragraphs {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(p.lines().map(|l| format!(" {}", l.trim_end())));
    }
    // Collapse runs of blank lines the source text may carry.
    lines.dedup_by(|a, b| a.trim().is_empty() && b.trim().is_empty());
    let lines = lines.iter().map(|l| if l.trim().is_empty() { "" } else { l.as_str() });
    quote! { #( #[doc = #lines] )* }
}

/// Inline code for a doc comment: the value in backticks, with backticks inside escaped away.
pub(crate) fn code(value: &str) -> String {
    let ticks = if value.contains('`') { "`` " } else { "`" };
    let close = if value.contains('`') { " ``" } else { "`" };
    format!("{ticks}{value}{close}")
}
