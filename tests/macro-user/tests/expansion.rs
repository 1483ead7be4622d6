//! The macro's expansion is the code `cargo xtask regen` commits into ens-client: compared as
//! tokens (comments, spacing and the files' headers aside), with the committed code's cargo
//! feature gates taken out (the macro's expansion has none: features would be its caller's).
//!
//! - each operation module of the expansion equals the committed file of the same name;
//! - each item of its `types` and `errors` modules and of its root equals an item of the committed
//!   `types.rs`, `errors.rs` and `mod.rs`, except the few that list the chosen operations or their
//!   error codes (the catalog `ErrorCode` and its table, `check_params`), which hold a subset of
//!   the committed ones' entries, checked entry by entry.

#![allow(clippy::unwrap_used)] // a test that cannot read its fixtures should stop right there

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::path::PathBuf;

/// What `macro_user::ens` expands to (the same input as in src/lib.rs).
const EXPANSION: &str = ens_macros::__service_expansion! {
    path: "../../../specs/ens",
    operations: [CreateInstance, DescribeInstances],
};

fn generated_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ens-client/src/generated")
}

fn committed(file: &str) -> TokenStream {
    let path = generated_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    without_gates(text.parse().unwrap())
}

/// Whether `attr` (the bracket group of `#[...]`) is a feature gate of regen's: `cfg(feature ..)`,
/// `cfg(any(feature ..))`, `cfg_attr(docsrs, doc(cfg(..)))`, `cfg_attr(not(any(feature ..)),
/// allow(..))`, and the lints regen allows because of them: `unused_imports` (a module whose items
/// may all be gated away) and `unreachable_patterns` (a match whose arms may be).
fn is_gate(attr: &TokenStream) -> bool {
    let text = canon(attr.clone());
    text.starts_with("cfg ( feature")
        || text.starts_with("cfg ( any ( feature")
        || text.starts_with("cfg_attr ( docsrs")
        || text.starts_with("cfg_attr ( not ( any ( feature")
        || text == "allow ( unused_imports )"
        || text == "allow ( unreachable_patterns )"
}

/// `tokens` without regen's feature gates, at any depth.
fn without_gates(tokens: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        if let (TokenTree::Punct(p), Some(TokenTree::Group(g))) = (&trees[i], trees.get(i + 1))
            && p.as_char() == '#'
            && g.delimiter() == Delimiter::Bracket
            && is_gate(&g.stream())
        {
            i += 2;
            continue;
        }
        out.push(match &trees[i] {
            TokenTree::Group(g) => {
                let mut inner = proc_macro2::Group::new(g.delimiter(), without_gates(g.stream()));
                inner.set_span(g.span());
                TokenTree::Group(inner)
            }
            other => other.clone(),
        });
        i += 1;
    }
    out.into_iter().collect()
}

/// `tokens` as text with one space between tokens (whatever their spacing or jointness), string
/// literals by their value (a doc comment and `#[doc = r"..."]` are the same), and no trailing
/// comma in a group or generics, and a match arm's block of one expression as the expression
/// (prettyplease adds and drops all of these).
fn canon(tokens: TokenStream) -> String {
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    if matches!(trees.last(), Some(TokenTree::Punct(p)) if p.as_char() == ',') {
        trees.pop();
    }
    let mut out = String::new();
    let mut trees = trees.into_iter().peekable();
    let mut after_arrow = false;
    while let Some(tree) = trees.next() {
        let arrow = after_arrow;
        after_arrow =
            matches!(&tree, TokenTree::Punct(p) if p.as_char() == '>') && out.ends_with("= ");
        if arrow
            && let TokenTree::Group(g) = &tree
            && g.delimiter() == Delimiter::Brace
            && !g
                .stream()
                .into_iter()
                .any(|t| matches!(&t, TokenTree::Punct(p) if p.as_char() == ';'))
        {
            out.push_str(&canon(g.stream()));
            out.push(' ');
            let comma = matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ',');
            if trees.peek().is_some() && !comma {
                out.push_str(", ");
            }
            continue;
        }
        // `>` closes generics, `|` a closure's parameters.
        let next_closes_generics =
            matches!(trees.peek(), Some(TokenTree::Punct(p)) if matches!(p.as_char(), '>' | '|'));
        match tree {
            TokenTree::Punct(p) if p.as_char() == ',' && next_closes_generics => {}
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(&format!("{open} {} {close} ", canon(g.stream())));
            }
            TokenTree::Literal(l) => {
                let text = l.to_string();
                match string_value(&text) {
                    Some(value) => out.push_str(&format!("{value:?} ")),
                    None => out.push_str(&format!("{text} ")),
                }
            }
            other => out.push_str(&format!("{other} ")),
        }
    }
    out.trim_end().to_owned()
}

/// The value of a string literal (`"a\"b"`, `r#"a"b"#`); `None` for other literals.
fn string_value(literal: &str) -> Option<String> {
    if let Some(raw) = literal.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let inner = &raw[hashes..raw.len() - hashes];
        return Some(inner.strip_prefix('"')?.strip_suffix('"')?.to_owned());
    }
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut value = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        match chars.next()? {
            'n' => value.push('\n'),
            't' => value.push('\t'),
            'r' => value.push('\r'),
            '0' => value.push('\0'),
            'u' => {
                let code: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                value.push(char::from_u32(u32::from_str_radix(&code, 16).ok()?)?);
            }
            '\n' => {
                // A line continuation: the next line's leading whitespace is not in the value.
                let rest: String = chars.collect();
                value.push_str(&string_value(&format!("\"{}\"", rest.trim_start()))?);
                return Some(value);
            }
            other => value.push(other),
        }
    }
    Some(value)
}

/// Top-level items: each ends at a `;` or a brace group (and a `;` right after it).
fn items(tokens: TokenStream) -> Vec<TokenStream> {
    let mut items = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        let ends = match &tree {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            _ => false,
        };
        let brace = matches!(&tree, TokenTree::Group(_));
        current.push(tree);
        if ends {
            if brace && matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';') {
                current.push(trees.next().unwrap());
            }
            items.push(current.drain(..).collect());
        }
    }
    assert!(
        current.is_empty(),
        "tokens after the last item: {current:?}"
    );
    items
}

/// The expansion's modules (`mod name { .. }`) by name, and its other root items.
fn expansion() -> (Vec<(String, TokenStream)>, Vec<TokenStream>) {
    let tokens: TokenStream = EXPANSION.parse().unwrap();
    let mut modules = Vec::new();
    let mut root = Vec::new();
    for item in items(tokens) {
        let trees: Vec<TokenTree> = item.clone().into_iter().collect();
        let module = trees.windows(3).find_map(|w| match w {
            [
                TokenTree::Ident(m),
                TokenTree::Ident(name),
                TokenTree::Group(body),
            ] if m == "mod" && body.delimiter() == Delimiter::Brace => {
                Some((name.to_string(), body.stream()))
            }
            _ => None,
        });
        match module {
            Some(module) => modules.push(module),
            None => root.push(without_gates(item)),
        }
    }
    (modules, root)
}

/// The item without the first brace or bracket group after `marker` (searched in nested groups
/// too): its skeleton, and that group's entries, split at top-level commas.
fn entries(item: &TokenStream, marker: &str) -> (String, Vec<String>) {
    let (skeleton, group) = cut(item.clone(), marker)
        .unwrap_or_else(|| panic!("no `{marker}` in {}", canon(item.clone())));
    // An entry ends at a comma, or (a match arm) at a block right after `=>`.
    let mut out = vec![Vec::new()];
    for tree in group {
        let current = out.last_mut().unwrap();
        let arm_block = matches!(&tree, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
            && matches!(current.last(), Some(TokenTree::Punct(p)) if p.as_char() == '>')
            && matches!(current.iter().rev().nth(1), Some(TokenTree::Punct(p)) if p.as_char() == '=');
        if matches!(&tree, TokenTree::Punct(p) if p.as_char() == ',') {
            out.push(Vec::new());
        } else if arm_block {
            current.push(tree);
            out.push(Vec::new());
        } else {
            current.push(tree);
        }
    }
    let entries = out
        .into_iter()
        .filter(|e| !e.is_empty())
        .map(|e| canon(e.into_iter().collect()))
        .collect();
    (canon(skeleton), entries)
}

/// `tokens` without the group [`entries`] looks for, and that group's tokens.
fn cut(tokens: TokenStream, marker: &str) -> Option<(TokenStream, TokenStream)> {
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    if let Some(at) = trees.iter().position(|t| t.to_string() == marker) {
        let group_at = (at..trees.len()).find(|&i| {
            matches!(&trees[i], TokenTree::Group(g) if g.delimiter() != Delimiter::Parenthesis)
        })?;
        let TokenTree::Group(group) = trees.remove(group_at) else {
            unreachable!("found as a group")
        };
        return Some((trees.into_iter().collect(), group.stream()));
    }
    for i in 0..trees.len() {
        if let TokenTree::Group(g) = &trees[i]
            && let Some((inner, group)) = cut(g.stream(), marker)
        {
            trees[i] = TokenTree::Group(proc_macro2::Group::new(g.delimiter(), inner));
            return Some((trees.into_iter().collect(), group));
        }
    }
    None
}

/// Items listing the chosen operations or their codes: their entries are a subset of the
/// committed item's entries (found by the item's first words).
const SELECTION_DEPENDENT: &[(&str, &str)] = &[
    ("pub enum ErrorCode", "ErrorCode"),
    ("static DEFINITIONS", "="),
    ("impl ErrorCode {", "="),
    ("pub fn check_params", "match"),
];

fn assert_items_in(module: &str, expanded: &[TokenStream], committed: &[TokenStream]) {
    let committed_text: Vec<String> = committed.iter().map(|i| canon(i.clone())).collect();
    let mut compared = 0;
    for tokens in expanded {
        let item = canon(tokens.clone());
        if item.contains("include_str !") {
            continue; // the expansion's tracking of the spec files it read
        }
        if committed_text.contains(&item) {
            compared += 1;
            continue;
        }
        let squeezed = item.replace(' ', "");
        let dependent = SELECTION_DEPENDENT
            .iter()
            .find(|(start, _)| squeezed.contains(&start.replace(' ', "")));
        let Some((start, marker)) = dependent else {
            panic!("{module}: an item of the expansion is not in the committed code:\n{item}");
        };
        let start = start.replace(' ', "");
        let twin = committed
            .iter()
            .zip(&committed_text)
            .find(|(_, c)| c.replace(' ', "").contains(&start))
            .map(|(c, _)| c)
            .unwrap_or_else(|| panic!("{module}: no committed `{start}`"));
        let (their_skeleton, theirs) = entries(twin, marker);
        let (skeleton, ours) = entries(tokens, marker);
        assert_eq!(skeleton, their_skeleton, "{module}: `{start}` differs");
        for entry in ours {
            assert!(
                theirs.contains(&entry),
                "{module}: `{start}` has an entry the committed one has not: {entry}"
            );
        }
        compared += 1;
    }
    assert!(compared > 0, "{module}: nothing compared");
}

#[test]
fn the_operation_modules_are_the_committed_files() {
    let (modules, _) = expansion();
    let names: Vec<&str> = modules.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["types", "errors", "create_instance", "describe_instances"]
    );
    for (name, tokens) in &modules[2..] {
        let expanded = canon(without_gates(tokens.clone()));
        let committed = canon(committed(&format!("{name}.rs")));
        assert!(
            expanded == committed,
            "{name}: the expansion differs from the committed {name}.rs"
        );
    }
}

#[test]
fn shapes_errors_and_root_are_items_of_the_committed_files() {
    let (modules, root) = expansion();
    for (name, tokens) in &modules[..2] {
        let expanded = items(without_gates(tokens.clone()));
        assert_items_in(name, &expanded, &items(committed(&format!("{name}.rs"))));
    }
    assert_items_in("the root", &root, &items(committed("mod.rs")));
}

/// The comparison sees a difference where there is one.
#[test]
fn a_changed_item_is_caught() {
    let committed = items(committed("mod.rs"));
    let changed: Vec<TokenStream> = committed
        .iter()
        .map(|i| i.to_string())
        .filter(|i| i.contains("const API_VERSION"))
        .map(|i| i.replace("2017-11-10", "2017-11-11").parse().unwrap())
        .collect();
    assert_eq!(changed.len(), 1);
    let result = std::panic::catch_unwind(|| assert_items_in("mod.rs", &changed, &committed));
    assert!(result.is_err());
}
