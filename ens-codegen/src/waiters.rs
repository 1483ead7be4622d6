//! Waiters: one `rt::Waiter` static per spec waiter (its acceptors as data, each response path as
//! a small function that collects the values there), and a client method that polls with it.

use crate::docs::{code, doc_lines};
use crate::error::{Ctx, SpecError};
use crate::model::Model;
use crate::names::{field_ident, known, type_ident};
use crate::spec::{
    AcceptorState, Comparator, Field, FieldType, OperationSpec, ParamType, ShapeType,
};
use heck::{ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

/// A generated waiter, for the client method the root adds.
pub(crate) struct Planned {
    /// `wait_until_instance_running`.
    pub method: Ident,
    /// `INSTANCE_RUNNING`, in the operation's module.
    pub item: Ident,
    /// The spec's description.
    pub description: String,
}

/// The waiters of an operation: their statics, and what the client methods need.
pub(crate) fn waiters(
    ctx: Ctx<'_>,
    model: &Model,
    spec: &OperationSpec,
) -> Result<(TokenStream, Vec<Planned>), SpecError> {
    let mut items = Vec::new();
    let mut planned: Vec<Planned> = Vec::new();
    if !spec.waiters.is_empty() && !spec.read_only {
        return Err(ctx.err(
            "/waiters",
            "only a read-only operation can poll: a waiter repeats its call",
        ));
    }
    let request = known(&format!("{}Request", spec.operation));
    let response = known(&format!("{}Response", spec.operation));
    for (i, w) in spec.waiters.iter().enumerate() {
        let path = format!("/waiters/{i}");
        let name = type_ident(ctx, &format!("{path}/name"), Some(&w.name), "")?;
        let item = format_ident!("{}", w.name.to_shouty_snake_case());
        if planned.iter().any(|p| p.item == item) {
            return Err(ctx.err(
                format!("{path}/name"),
                format!("the waiter `{name}` is named twice"),
            ));
        }
        if w.acceptors.is_empty() {
            return Err(ctx.err(format!("{path}/acceptors"), "a waiter needs acceptors"));
        }
        if !w
            .acceptors
            .iter()
            .any(|a| a.state == AcceptorState::Success)
        {
            return Err(ctx.err(
                format!("{path}/acceptors"),
                "a waiter needs a `success` acceptor: it would never end well",
            ));
        }
        if let (Some(a), Some(b)) = (w.min_delay, w.max_delay)
            && a > b
        {
            return Err(ctx.err(
                format!("{path}/minDelay"),
                format!("minDelay {a} is above maxDelay {b}"),
            ));
        }
        let mut acceptors = Vec::new();
        for (j, a) in w.acceptors.iter().enumerate() {
            let apath = format!("{path}/acceptors/{j}");
            let state = match a.state {
                AcceptorState::Success => quote!(rt::WaitState::Success),
                AcceptorState::Failure => quote!(rt::WaitState::Failure),
                AcceptorState::Retry => quote!(rt::WaitState::Retry),
            };
            let matcher = match (&a.path, &a.expected, &a.error_code) {
                (Some(at), Some(expected), None) => {
                    let values =
                        values_fn(ctx, model, spec, &format!("{apath}/path"), at, &response)?;
                    let comparator = match a.comparator {
                        Comparator::Equals => quote!(rt::Comparator::Equals),
                        Comparator::AllEqual => quote!(rt::Comparator::AllEqual),
                        Comparator::AnyEquals => quote!(rt::Comparator::AnyEquals),
                    };
                    quote!(rt::Matcher::Path { path: #at, values: #values, expected: #expected, comparator: #comparator })
                }
                (None, None, Some(error)) => {
                    // A waiter returns the answer it waited for: an error has none.
                    if a.state == AcceptorState::Success {
                        return Err(ctx.err(
                            format!("{apath}/state"),
                            "an `errorCode` acceptor decides `retry` or `failure`; success needs an answer",
                        ));
                    }
                    if a.comparator != Comparator::Equals {
                        return Err(ctx.err(
                            format!("{apath}/comparator"),
                            "`comparator` goes with `path`, not with `errorCode`",
                        ));
                    }
                    if !model.codes.iter().any(|c| &c.def.code == error) {
                        return Err(ctx.err(
                            format!("{apath}/errorCode"),
                            format!("`{error}` is not a code of errors.json"),
                        ));
                    }
                    quote!(rt::Matcher::ErrorCode(#error))
                }
                _ => {
                    return Err(ctx.err(
                        apath,
                        "an acceptor has `path` and `expected`, or `errorCode` alone",
                    ));
                }
            };
            acceptors.push(quote!(rt::Acceptor { state: #state, matcher: #matcher }));
        }
        let delay = |d: Option<u32>| match d {
            Some(s) => {
                let s = Literal::u64_unsuffixed(u64::from(s));
                quote!(Some(::std::time::Duration::from_secs(#s)))
            }
            None => quote!(None),
        };
        let (min, max) = (delay(w.min_delay), delay(w.max_delay));
        let lists = match &w.ids {
            None => quote!(None),
            Some(ids) => {
                let ipath = format!("{path}/ids");
                let asked = asked_ids(ctx, spec, &format!("{ipath}/request"), &ids.request)?;
                let listed = values_fn(
                    ctx,
                    model,
                    spec,
                    &format!("{ipath}/response"),
                    &ids.response,
                    &response,
                )?;
                quote!(Some(|request: &#request, answer: &#response| {
                    let listed: fn(&#response) -> Vec<String> = #listed;
                    rt::waiter::lists_every_id(#asked, listed(answer).iter())
                }))
            }
        };
        let (wname, description) = (w.name.as_str(), w.description.as_str());
        let doc = doc_lines([
            w.description.as_str(),
            format!(
                "Waiter {} on {}: its acceptors, tried in order on each answer, decide.",
                code(&w.name),
                code(&spec.operation)
            )
            .as_str(),
        ]);
        items.push(quote! {
            #doc
            pub static #item: rt::Waiter<#request> = rt::Waiter {
                name: #wname,
                description: #description,
                min_delay: #min,
                max_delay: #max,
                acceptors: &[ #(#acceptors),* ],
                lists_every_id: #lists,
            };
        });
        planned.push(Planned {
            method: format_ident!("wait_until_{}", w.name.to_snake_case()),
            item,
            description: w.description.clone(),
        });
    }
    Ok((quote!(#(#items)*), planned))
}

/// The ids a request asks about, as an iterator of `&String` over `request`.
fn asked_ids(
    ctx: Ctx<'_>,
    spec: &OperationSpec,
    path: &str,
    wire: &str,
) -> Result<TokenStream, SpecError> {
    let p = crate::pagination::parameter(ctx, spec, path, wire)?;
    let is_text = p.items.as_deref().is_some_and(|i| {
        i.kind == Some(ParamType::String) && i.shape.is_none() && i.constraints.is_empty()
    });
    if p.kind != Some(ParamType::List) || !is_text {
        return Err(ctx.err(path, format!("`{wire}` is not a list of plain strings")));
    }
    let field = field_ident(ctx, path, p.rust_name.as_deref(), &p.name)?;
    Ok(if p.send_empty {
        quote!(request.#field.iter().flatten())
    } else {
        quote!(request.#field.iter())
    })
}

/// A closure collecting, as text, the values at a response path (`Instances.Status`: every
/// instance's status), crossing objects and lists.
fn values_fn(
    ctx: Ctx<'_>,
    model: &Model,
    spec: &OperationSpec,
    at: &str,
    path: &str,
    response: &Ident,
) -> Result<TokenStream, SpecError> {
    let names: Vec<&str> = path.split('.').collect();
    let mut fields: &[Field] = &spec.response;
    let mut chain = quote!(::std::iter::once(r));
    for (i, name) in names.iter().enumerate() {
        let last = i + 1 == names.len();
        let f = fields
            .iter()
            .find(|f| f.name == *name)
            .ok_or_else(|| ctx.err(at, format!("the response has no `{path}`")))?;
        let id = field_ident(ctx, at, f.rust_name.as_deref(), &f.name)?;
        let shape = f.shape.as_deref().and_then(|s| model.shapes.get(s));
        let (kind, inner) = match (shape, f.kind) {
            (Some(s), _) => (Kind::of_shape(s.spec.kind), Some(&s.spec.members[..])),
            (None, Some(FieldType::Object)) => (Kind::Object, Some(&f.fields[..])),
            (None, Some(FieldType::List)) => {
                let items = f
                    .items
                    .as_deref()
                    .ok_or_else(|| ctx.err(at, format!("`{name}` has no `items`")))?;
                let ishape = items.shape.as_deref().and_then(|s| model.shapes.get(s));
                match (ishape, items.kind) {
                    (Some(s), _) if s.spec.kind == ShapeType::Structure => {
                        (Kind::ListOfObjects, Some(&s.spec.members[..]))
                    }
                    (Some(s), _) if Kind::of_shape(s.spec.kind) == Kind::Scalar => {
                        (Kind::ListOfScalars, None)
                    }
                    (None, Some(FieldType::Object)) => {
                        (Kind::ListOfObjects, Some(&items.fields[..]))
                    }
                    (
                        None,
                        Some(
                            FieldType::String
                            | FieldType::Integer
                            | FieldType::Number
                            | FieldType::Boolean,
                        ),
                    ) => (Kind::ListOfScalars, None),
                    _ => (Kind::Other, None),
                }
            }
            (
                None,
                Some(
                    FieldType::String | FieldType::Integer | FieldType::Number | FieldType::Boolean,
                ),
            ) => (Kind::Scalar, None),
            _ => (Kind::Other, None),
        };
        chain = match (kind, last) {
            (Kind::Object, false) => quote!(#chain.filter_map(|x| x.#id.as_ref())),
            (Kind::ListOfObjects, false) => quote!(#chain.flat_map(|x| x.#id.iter())),
            (Kind::Scalar, true) => {
                quote!(#chain.filter_map(|x| x.#id.as_ref()).map(|v| v.to_string()))
            }
            (Kind::ListOfScalars, true) => {
                quote!(#chain.flat_map(|x| x.#id.iter()).map(|v| v.to_string()))
            }
            _ => {
                return Err(ctx.err(
                    at,
                    format!("`{path}` does not lead through objects and lists to text, numbers or booleans"),
                ));
            }
        };
        fields = inner.unwrap_or(&[]);
    }
    Ok(quote!(|r: &#response| -> Vec<String> { #chain.collect() }))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    ListOfObjects,
    Scalar,
    ListOfScalars,
    Other,
}

impl Kind {
    fn of_shape(kind: ShapeType) -> Kind {
        match kind {
            ShapeType::Structure => Kind::Object,
            ShapeType::Enum | ShapeType::String | ShapeType::Integer | ShapeType::Number => {
                Kind::Scalar
            }
            ShapeType::Object => Kind::Other,
        }
    }
}
