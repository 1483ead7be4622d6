//! Cargo features per API area: an operation is compiled with its area's feature, a shared shape
//! or error code with any feature of the areas whose operations use it, so that a crate asking for
//! one area pays for its operations and what they use, and nothing else. `docsrs` builds show the
//! feature on each item, derived by `doc_cfg` from its `cfg` (no attribute of its own).

use crate::model::Model;
use crate::spec::{Field, Parameter};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// Which attributes gate generated items; none when features are off (the macro's expansion, or
/// a service without areas).
#[derive(Debug, Clone)]
pub(crate) struct Gates {
    /// Every area of the service, when features are on.
    areas: Vec<String>,
}

impl Gates {
    pub(crate) fn new(model: &Model, features: bool) -> Self {
        let areas = if features {
            model.service.areas.iter().map(|a| a.name.clone()).collect()
        } else {
            Vec::new()
        };
        Self { areas }
    }

    /// The attributes of an item only operations of `areas` use; nothing when every area does
    /// (or features are off).
    pub(crate) fn any<'a>(&self, areas: impl IntoIterator<Item = &'a String>) -> TokenStream {
        let areas: BTreeSet<&String> = areas.into_iter().collect();
        if self.areas.is_empty() || self.areas.iter().all(|a| areas.contains(a)) {
            return TokenStream::new();
        }
        let features = areas.iter().map(|a| a.as_str());
        let predicate = if areas.len() == 1 {
            quote!(#(feature = #features)*)
        } else {
            quote!(any(#(feature = #features),*))
        };
        // docs.rs (`feature(doc_cfg)`) derives each item's feature badge from this `cfg`.
        quote!(#[cfg(#predicate)])
    }

    /// `#[allow(lints)]` for builds with no area enabled (then some generated code has nothing to
    /// serve); nothing when features are off.
    pub(crate) fn allow_without_areas(&self, lints: TokenStream) -> TokenStream {
        if self.areas.is_empty() {
            return TokenStream::new();
        }
        let areas = self.areas.iter().map(String::as_str);
        quote!(#[cfg_attr(not(any(#(feature = #areas),*)), allow(#lints))])
    }

    /// Whether items are gated at all.
    pub(crate) fn enabled(&self) -> bool {
        !self.areas.is_empty()
    }

    /// `#[cfg]` alone (for a match arm, which takes no `doc`).
    pub(crate) fn cfg_only(&self, area: Option<&String>) -> TokenStream {
        let gate = self.area(area);
        let mut tokens = gate.into_iter();
        // The first attribute: `#` and `[cfg(..)]`.
        tokens.by_ref().take(2).collect()
    }

    /// The attributes of an operation's items.
    pub(crate) fn area(&self, area: Option<&String>) -> TokenStream {
        match area {
            Some(area) => self.any([area]),
            None => TokenStream::new(),
        }
    }
}

/// The areas that use each shape: those of the operations that name it, and of the shapes that
/// hold it (a shape inside another shape goes wherever that one goes).
pub(crate) fn shape_areas(model: &Model) -> BTreeMap<String, BTreeSet<String>> {
    let mut areas: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for op in &model.operations {
        let Some(area) = &op.spec.area else { continue };
        let mut named = BTreeSet::new();
        for p in &op.spec.parameters {
            param_shapes(p, &mut named);
        }
        for f in &op.spec.response {
            field_shapes(f, &mut named);
        }
        for name in named.into_iter().chain(op.shapes.iter().cloned()) {
            areas.entry(name).or_default().insert(area.clone());
        }
    }
    // Shapes inside shapes, until nothing changes (shapes nest a few levels at most).
    loop {
        let mut changed = false;
        for (name, shape) in &model.shapes {
            let mut inner = BTreeSet::new();
            for f in &shape.spec.fields {
                param_shapes(f, &mut inner);
            }
            for m in &shape.spec.members {
                field_shapes(m, &mut inner);
            }
            let outer = areas.get(name).cloned().unwrap_or_default();
            for i in inner {
                let entry = areas.entry(i).or_default();
                let before = entry.len();
                entry.extend(outer.iter().cloned());
                changed |= entry.len() != before;
            }
        }
        if !changed {
            return areas;
        }
    }
}

fn param_shapes(p: &Parameter, out: &mut BTreeSet<String>) {
    out.extend(p.shape.iter().cloned());
    for inner in p.items.iter().chain(&p.values_of) {
        param_shapes(inner, out);
    }
    for f in &p.fields {
        param_shapes(f, out);
    }
}

fn field_shapes(f: &Field, out: &mut BTreeSet<String>) {
    out.extend(f.shape.iter().cloned());
    for inner in f.items.iter().chain(&f.values_of) {
        field_shapes(inner, out);
    }
    for x in &f.fields {
        field_shapes(x, out);
    }
}

/// The areas whose operations document each code of the catalog (by index).
pub(crate) fn code_areas(model: &Model) -> Vec<BTreeSet<String>> {
    let mut out = vec![BTreeSet::new(); model.codes.len()];
    for op in &model.operations {
        if let Some(area) = &op.spec.area {
            for c in &op.codes {
                out[c.code].insert(area.clone());
            }
        }
    }
    out
}

/// `items` (a sequence of items, as generated) with `gate` before each item.
pub(crate) fn gate_items(items: TokenStream, gate: &TokenStream) -> TokenStream {
    if gate.is_empty() {
        return items;
    }
    let mut out = TokenStream::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut tokens = items.into_iter().peekable();
    while let Some(token) = tokens.next() {
        // An item ends at a `;` of its own level, or at its body (`{...}`) unless a `;` follows
        // (`const X: T = T { .. };`); an attribute's `[...]` never ends one.
        let ends = match &token {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';' || p.as_char() == '.')
            }
            _ => false,
        };
        current.push(token);
        if ends {
            out.extend(gate.clone());
            out.extend(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.extend(gate.clone());
        out.extend(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_gets_the_gate() {
        let items = quote! {
            /// A doc.
            #[derive(Debug)]
            pub struct A { x: u8 }
            impl A { const B: u8 = 1; }
            pub struct C(String);
            rt::enum_impls!(C, x, ["a"]);
            static D: [u8; 1] = [1];
            const E: F = F { g: 1 };
            fn h() -> u8 { 1 }
        };
        let gated = gate_items(items, &quote!(#[cfg(feature = "x")])).to_string();
        assert_eq!(
            gated.matches("# [cfg (feature = \"x\")]").count(),
            7,
            "{gated}"
        );
        assert!(
            gated.starts_with("# [cfg (feature = \"x\")] # [doc ="),
            "the gate goes before the item's attributes: {gated}"
        );
        assert!(
            gated.contains("# [cfg (feature = \"x\")] const E : F = F { g : 1 } ;"),
            "{gated}"
        );
        assert_eq!(
            gate_items(
                quote!(
                    struct A;
                ),
                &TokenStream::new()
            )
            .to_string(),
            "struct A ;"
        );
    }
}
