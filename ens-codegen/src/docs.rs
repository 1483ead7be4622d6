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
        // Tabs in Markdown text trip rustdoc and clippy; four spaces read the same. Some texts
        // write a line break as `</br>`, which rustdoc takes for a closing tag never opened.
        lines.extend(p.lines().map(|l| {
            format!(
                " {}",
                l.trim_end().replace('\t', "    ").replace("</br>", "<br>")
            )
        }));
    }
    let mut lines = end_lazy_continuations(lines);
    // Collapse runs of blank lines the source text may carry.
    lines.dedup_by(|a, b| a.trim().is_empty() && b.trim().is_empty());
    let lines = lines
        .iter()
        .map(|l| if l.trim().is_empty() { "" } else { l.as_str() });
    quote! { #( #[doc = #lines] )* }
}

fn is_block_start(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('>')
        || t.starts_with("- ")
        || t.starts_with("* ")
        || t.split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A plain line right after a quote or list item would continue it lazily in Markdown (and
/// clippy flags it): a blank line ends the block first.
fn end_lazy_continuations(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines {
        let plain = !line.trim().is_empty() && !is_block_start(&line) && !line.starts_with("  ");
        if plain && out.last().is_some_and(|prev| is_block_start(prev)) {
            out.push(String::new());
        }
        out.push(line);
    }
    out
}

/// Inline code for a doc comment: the value in backticks, with backticks inside escaped away.
pub(crate) fn code(value: &str) -> String {
    let ticks = if value.contains('`') { "`` " } else { "`" };
    let close = if value.contains('`') { " ``" } else { "`" };
    format!("{ticks}{value}{close}")
}
