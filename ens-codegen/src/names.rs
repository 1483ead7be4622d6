//! Rust names from wire names, checked so that building an identifier can never panic.

use crate::error::{Ctx, SpecError};
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

fn plain_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !NOT_RAW.contains(&s)
}

/// An identifier for `name`, raw (`r#type`) for keywords; an error names what was wrong.
pub(crate) fn ident(ctx: Ctx<'_>, path: &str, name: &str) -> Result<Ident, SpecError> {
    if !plain_ident(name) {
        return Err(ctx.err(
            path,
            format!("`{name}` is not a valid Rust identifier (give a Rust name explicitly)"),
        ));
    }
    Ok(if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    })
}

/// A type name: `explicit` if given, else `name` in UpperCamelCase.
pub(crate) fn type_ident(
    ctx: Ctx<'_>,
    path: &str,
    explicit: Option<&str>,
    name: &str,
) -> Result<Ident, SpecError> {
    let name = explicit.map_or_else(|| name.to_upper_camel_case(), str::to_owned);
    if KEYWORDS.contains(&name.as_str()) {
        return Err(ctx.err(
            path,
            format!("`{name}` is a Rust keyword and cannot name a type"),
        ));
    }
    ident(ctx, path, &name)
}

/// A field name: `explicit` if given, else `name` in snake_case.
pub(crate) fn field_ident(
    ctx: Ctx<'_>,
    path: &str,
    explicit: Option<&str>,
    name: &str,
) -> Result<Ident, SpecError> {
    let name = explicit.map_or_else(|| name.to_snake_case(), str::to_owned);
    ident(ctx, path, &name)
}

/// Plain identifier from a string known to be valid (built from checked names).
pub(crate) fn known(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Whether `name` can be a Rust identifier as the generator writes it (ASCII letters, digits
/// and `_`, not starting with a digit; keywords are written raw). The importer asks this too,
/// so that the two never disagree on which names need a `rustName` or `variant`.
pub fn is_identifier(name: &str) -> bool {
    plain_ident(name)
}

/// Whether `name` is a Rust keyword (a type cannot be named so).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// A field name for the element at `path` (its `rustName`, else `name` in snake_case) that no
/// field in `taken` has yet.
pub(crate) fn new_field_ident(
    ctx: Ctx<'_>,
    path: &str,
    explicit: Option<&str>,
    name: &str,
    taken: &[Ident],
) -> Result<Ident, SpecError> {
    let path = format!("{path}/rustName");
    let ident = field_ident(ctx, &path, explicit, name)?;
    if taken.contains(&ident) {
        return Err(ctx.err(path, format!("Rust field name `{ident}` is used twice")));
    }
    Ok(ident)
}
