//! Paginators: the runtime's `Paginated` for a request whose spec says how it pages, naming the
//! request field that addresses a page and the response fields that hold the items, the total and
//! the next token. The paging logic is the runtime's, written once.

use crate::error::{Ctx, SpecError};
use crate::names::{field_ident, known, type_ident};
use crate::spec::{Field, FieldType, OperationSpec, Pagination, PaginationStyle, ParamType};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// `impl Paginated for <Op>Request`, or nothing when the spec has no `pagination`.
pub(crate) fn paginated<'m>(
    ctx: Ctx<'_>,
    spec: &'m OperationSpec,
    runtime: &TokenStream,
    shapes: &dyn Fn(&str) -> Option<&'m [Field]>,
) -> Result<TokenStream, SpecError> {
    let Some(p) = &spec.pagination else {
        return Ok(TokenStream::new());
    };
    if !spec.read_only {
        return Err(ctx.err(
            "/pagination",
            "only a read-only operation pages: its pages are fetched again after a failure",
        ));
    }
    let request = known(&format!("{}Request", spec.operation));
    let input = request_field(ctx, spec, "/pagination/input", &p.input)?;
    let checked = input.2.clone();
    let (items, item) = items_path(ctx, spec, p, shapes)?;
    let next = match p.style {
        PaginationStyle::PageNumber => {
            // Some specs type the numbers as text (as the SDK does): read and written as text.
            let (input, kind, _) = input;
            let (current, set) = match (kind, &checked) {
                (ParamType::Integer, _) => (quote!(self.#input), quote!(number)),
                // A page number the spec checks as text (`^\d+$`): its newtype.
                (_, Some(newtype)) => (
                    quote!(self.#input.as_ref().and_then(|n| n.as_str().parse().ok())),
                    quote!(#newtype::new(number.to_string()).ok()?),
                ),
                _ => (
                    quote!(self.#input.as_deref().and_then(|n| n.parse().ok())),
                    quote!(number.to_string()),
                ),
            };
            let size = match &p.page_size {
                Some(name) => match request_field(ctx, spec, "/pagination/pageSize", name)? {
                    (size, ParamType::Integer, _) => quote!(self.#size),
                    (size, _, Some(_)) => {
                        quote!(self.#size.as_ref().and_then(|n| n.as_str().parse().ok()))
                    }
                    (size, _, None) => quote!(self.#size.as_deref().and_then(|n| n.parse().ok())),
                },
                None => quote!(None),
            };
            if p.output_token.is_some() {
                return Err(ctx.err(
                    "/pagination/outputToken",
                    "`outputToken` belongs to `nextToken` paging",
                ));
            }
            let total = match &p.total_count {
                Some(path) => {
                    let total = response_path(
                        ctx,
                        spec,
                        "/pagination/totalCount",
                        path,
                        FieldType::Integer,
                        shapes,
                    )?;
                    quote!(#total)
                }
                None => quote!(None),
            };
            quote! {
                let number = #runtime::paginate::next_page_number(
                    #current,
                    #size,
                    #total,
                    Self::items_on(page),
                    seen,
                )?;
                let mut next = self.clone();
                next.#input = Some(#set);
                Some(next)
            }
        }
        PaginationStyle::NextToken => {
            let (input, kind, _) = input;
            if checked.is_some() {
                return Err(ctx.err(
                    "/pagination/input",
                    format!(
                        "`{}` is a checked string: a page token is plain text",
                        p.input
                    ),
                ));
            }
            if kind != ParamType::String {
                return Err(ctx.err(
                    "/pagination/input",
                    format!("`{}` is a page token: it must be a string", p.input),
                ));
            }
            if p.total_count.is_some() {
                return Err(ctx.err(
                    "/pagination/totalCount",
                    "`totalCount` belongs to `pageNumber` paging",
                ));
            }
            let Some(path) = &p.output_token else {
                return Err(ctx.err(
                    "/pagination",
                    "`nextToken` paging needs the `outputToken` the answer carries",
                ));
            };
            if let Some(name) = &p.page_size {
                request_field(ctx, spec, "/pagination/pageSize", name)?;
            }
            let token = response_path(
                ctx,
                spec,
                "/pagination/outputToken",
                path,
                FieldType::String,
                shapes,
            )?;
            quote! {
                let _ = seen;
                let token = #runtime::paginate::next_token(self.#input.as_deref(), (#token).as_deref())?;
                let mut next = self.clone();
                next.#input = Some(token);
                Some(next)
            }
        }
    };
    let (take, count) = items;
    Ok(quote! {
        impl #runtime::paginate::Paginated for #request {
            type Item = #item;

            fn next_page(&self, page: &Self::Response, seen: usize) -> Option<Self> {
                #next
            }

            fn items_on(page: &Self::Response) -> usize {
                #count
            }

            fn take_items(page: &mut Self::Response) -> Vec<Self::Item> {
                #take
            }
        }
    })
}

/// The top-level parameter of wire name `wire`; an error at `path` if there is none.
pub(crate) fn parameter<'s>(
    ctx: Ctx<'_>,
    spec: &'s OperationSpec,
    path: &str,
    wire: &str,
) -> Result<&'s crate::spec::Parameter, SpecError> {
    spec.parameters
        .iter()
        .find(|p| p.name == wire)
        .ok_or_else(|| {
            ctx.err(
                path,
                format!("`{wire}` is not a parameter of this operation"),
            )
        })
}

/// The request field of an optional top-level parameter, its type, and its checked newtype when
/// it is text with rules.
fn request_field(
    ctx: Ctx<'_>,
    spec: &OperationSpec,
    path: &str,
    wire: &str,
) -> Result<(Ident, ParamType, Option<Ident>), SpecError> {
    let p = parameter(ctx, spec, path, wire)?;
    if p.required {
        return Err(ctx.err(
            path,
            format!(
                "`{wire}` is required: a paginator sets it page by page, so it must be optional"
            ),
        ));
    }
    let kind = p
        .kind
        .filter(|k| matches!(k, ParamType::Integer | ParamType::String))
        .ok_or_else(|| ctx.err(path, format!("`{wire}` is not an integer or a string")))?;
    let newtype = if kind == ParamType::String && (p.shape.is_some() || !p.constraints.is_empty()) {
        if p.secret {
            return Err(ctx.err(path, format!("`{wire}` is a secret: not a page")));
        }
        let name = p.shape.as_deref().or(p.newtype.as_deref());
        Some(type_ident(ctx, path, name, &p.name)?)
    } else {
        None
    };
    Ok((
        field_ident(ctx, path, p.rust_name.as_deref(), &p.name)?,
        kind,
        newtype,
    ))
}

/// The expression reading a scalar at a response path (`TotalCount`, `Page.TotalCount`) from
/// `page`, as an `Option`.
fn response_path<'m>(
    ctx: Ctx<'_>,
    spec: &'m OperationSpec,
    at: &str,
    path: &str,
    want: FieldType,
    shapes: &dyn Fn(&str) -> Option<&'m [Field]>,
) -> Result<TokenStream, SpecError> {
    let (steps, last) = walk(ctx, spec, at, path, shapes)?;
    let last_ident = field_ident(ctx, at, last.rust_name.as_deref(), &last.name)?;
    // The value as an `Option<i64>` (a count the answer may spell as text) or `Option<String>`.
    let (read, then) = match (want, last.kind) {
        (FieldType::Integer, Some(FieldType::Integer)) => (quote!(.#last_ident), quote!()),
        (FieldType::Integer, Some(FieldType::String)) => (
            quote!(.#last_ident.as_deref()),
            quote!(.and_then(|n| n.trim().parse().ok())),
        ),
        (FieldType::String, Some(FieldType::String)) => (quote!(.#last_ident.clone()), quote!()),
        _ => {
            let what = if want == FieldType::Integer {
                "a count (an integer, or text)"
            } else {
                "a string"
            };
            return Err(ctx.err(at, format!("`{path}` is not {what} of the response")));
        }
    };
    Ok(match steps.as_slice() {
        [] => quote!(page #read #then),
        [first, rest @ ..] => {
            let mut expr = quote!(page.#first.as_ref());
            for step in rest {
                expr = quote!(#expr.and_then(|x| x.#step.as_ref()));
            }
            quote!(#expr.and_then(|x| x #read) #then)
        }
    })
}

/// The expressions taking and counting the items of a page, and the item type.
fn items_path<'m>(
    ctx: Ctx<'_>,
    spec: &'m OperationSpec,
    p: &Pagination,
    shapes: &dyn Fn(&str) -> Option<&'m [Field]>,
) -> Result<((TokenStream, TokenStream), TokenStream), SpecError> {
    let at = "/pagination/items";
    let (steps, last) = walk(ctx, spec, at, &p.items, shapes)?;
    if last.kind != Some(FieldType::List) {
        return Err(ctx.err(at, format!("`{}` is not a list of the response", p.items)));
    }
    let items = last
        .items
        .as_deref()
        .ok_or_else(|| ctx.err(at, format!("`{}` has no `items`", p.items)))?;
    let item = match (&items.shape, items.kind) {
        (Some(shape), _) => {
            let name = known(shape);
            quote!(#name)
        }
        (None, Some(FieldType::Object)) => {
            // As the response names it: `structName`, else the wrapper key or `<List>Item`.
            let base = last
                .wrapper
                .clone()
                .unwrap_or_else(|| format!("{}Item", last.name));
            let name = type_ident(ctx, at, items.struct_name.as_deref(), &base)?;
            quote!(#name)
        }
        (None, Some(FieldType::String)) => quote!(String),
        (None, Some(FieldType::Integer)) => quote!(i64),
        (None, Some(FieldType::Number)) => quote!(f64),
        (None, Some(FieldType::Boolean)) => quote!(bool),
        (None, Some(FieldType::Json)) => quote!(rt::serde_json::Value),
        _ => {
            return Err(ctx.err(
                at,
                format!("the items of `{}` are lists or maps: not pageable", p.items),
            ));
        }
    };
    let list = field_ident(ctx, at, last.rust_name.as_deref(), &last.name)?;
    let (take, count) = match steps.as_slice() {
        [] => (
            quote!(std::mem::take(&mut page.#list)),
            quote!(page.#list.len()),
        ),
        [first, rest @ ..] => {
            let mut get = quote!(page.#first.as_ref());
            let mut get_mut = quote!(page.#first.as_mut());
            for step in rest {
                get = quote!(#get.and_then(|x| x.#step.as_ref()));
                get_mut = quote!(#get_mut.and_then(|x| x.#step.as_mut()));
            }
            (
                quote!(#get_mut.map(|x| std::mem::take(&mut x.#list)).unwrap_or_default()),
                quote!(#get.map_or(0, |x| x.#list.len())),
            )
        }
    };
    Ok(((take, count), item))
}

/// Follows a `.`-separated path of JSON names through the response's objects: the field idents of
/// the objects crossed, and the field at the end.
fn walk<'s>(
    ctx: Ctx<'_>,
    spec: &'s OperationSpec,
    at: &str,
    path: &str,
    shapes: &dyn Fn(&str) -> Option<&'s [Field]>,
) -> Result<(Vec<Ident>, &'s Field), SpecError> {
    let mut fields: &'s [Field] = &spec.response;
    let mut steps = Vec::new();
    let names: Vec<&str> = path.split('.').collect();
    for (i, name) in names.iter().enumerate() {
        let f = fields
            .iter()
            .find(|f| f.name == *name)
            .ok_or_else(|| ctx.err(at, format!("the response has no `{path}`")))?;
        if i + 1 == names.len() {
            return Ok((steps, f));
        }
        steps.push(field_ident(ctx, at, f.rust_name.as_deref(), &f.name)?);
        fields = match (&f.shape, f.kind) {
            (Some(shape), _) => {
                shapes(shape).ok_or_else(|| ctx.err(at, format!("`{shape}` is not a structure")))?
            }
            (None, Some(FieldType::Object)) => &f.fields,
            _ => {
                return Err(ctx.err(
                    at,
                    format!("`{name}` in `{path}` is not an object of the response"),
                ));
            }
        };
    }
    Err(ctx.err(at, "an empty path"))
}
