//! Errors: the catalog (`ErrorCode`, each code defined once), the common codes
//! (`CommonError`), the sealed catch-all (`Unhandled`), the service-wide `Error`, and one enum
//! per operation whose variants point at the catalog.

use crate::docs::{code, doc_lines};
use crate::gates::{Gates, code_areas};
use crate::model::{Model, Operation};
use crate::names::known;
use crate::spec::RetryClass;
use heck::ToSnakeCase;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

fn retry(class: RetryClass) -> TokenStream {
    match class {
        RetryClass::Never => quote!(rt::RetryClass::Never),
        RetryClass::Throttling => quote!(rt::RetryClass::Throttling),
        RetryClass::Unavailable => quote!(rt::RetryClass::Unavailable),
        RetryClass::Transient => quote!(rt::RetryClass::Transient),
    }
}

/// The `errors` module: everything about error codes that is not one operation's.
pub(crate) fn service_errors(model: &Model, runtime: &TokenStream, gates: &Gates) -> TokenStream {
    // A code is compiled with the areas whose operations document it; a common one always. The
    // variants, `ALL` and `DEFINITIONS` are gated alike, so a variant's index stays its
    // definition's.
    let areas = code_areas(model);
    let gate = |i: usize| -> TokenStream {
        if model.codes[i].common {
            TokenStream::new()
        } else {
            let gate = gates.any(&areas[i]);
            gate.into_iter().take(2).collect()
        }
    };
    let variants = model.codes.iter().enumerate().map(|(i, c)| {
        let ident = known(&c.variant);
        let d = &c.def;
        let fact = format!("{} (HTTP {}): {}", code(&d.code), d.http_status, d.message);
        let doc = doc_lines([d.description.as_deref().unwrap_or(""), fact.as_str()]);
        let gate = if c.common {
            TokenStream::new()
        } else {
            gates.any(&areas[i])
        };
        quote! { #doc #gate #ident, }
    });
    let all = model.codes.iter().enumerate().map(|(i, c)| {
        let ident = known(&c.variant);
        let gate = gate(i);
        quote!(#gate Self::#ident)
    });
    let defs = model.codes.iter().enumerate().map(|(i, c)| {
        let d = &c.def;
        let (code, message) = (&d.code, &d.message);
        let status = Literal::u16_unsuffixed(d.http_status);
        let retry = retry(d.retry);
        let gate = gate(i);
        quote!(#gate rt::ErrorDef { code: #code, http_status: #status, message: #message, retry: #retry })
    });
    let common: Vec<&crate::model::Code> = model.codes.iter().filter(|c| c.common).collect();
    let common_variants = common.iter().map(|c| {
        let ident = known(&c.variant);
        let doc = format!(" [`ErrorCode::{ident}`]: {}.", code(&c.def.code));
        quote! { #[doc = #doc] #ident, }
    });
    let common_to_code = common.iter().map(|c| {
        let ident = known(&c.variant);
        quote!(Self::#ident => ErrorCode::#ident,)
    });
    let code_to_common = common.iter().map(|c| {
        let ident = known(&c.variant);
        quote!(ErrorCode::#ident => Self::#ident,)
    });
    // With features, the enabled areas' codes may all be common ones, or there may be none.
    let allow_unreachable = if gates.enabled() {
        quote!(#[allow(unreachable_patterns)])
    } else {
        quote!()
    };
    let allow_dead = gates.allow_without_areas(quote!(dead_code));
    quote! {
        /// Every error code the service's specs document (`errors.json`), each defined once:
        /// [`ErrorCode::definition`] gives its documented HTTP status, message and retry class.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#variants)*
        }

        static DEFINITIONS: &[rt::ErrorDef] = &[ #(#defs),* ];

        impl ErrorCode {
            /// Every code, in the catalog's order.
            pub const ALL: &'static [Self] = &[ #(#all),* ];

            /// The code's definition.
            pub fn definition(self) -> &'static rt::ErrorDef {
                &DEFINITIONS[self as usize]
            }

            /// The documented code; `%s` stands for a part the service fills in.
            pub fn as_str(self) -> &'static str {
                self.definition().code
            }

            /// The catalog's code for a code the service sent: an exact code first, else the
            /// pattern (`InvalidParameter.%s`) it matches.
            pub fn from_code(code: &str) -> Option<Self> {
                rt::find_code(DEFINITIONS, code).map(|i| Self::ALL[i])
            }
        }

        impl std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Codes any operation can return (throttling, signature, permissions, ...), from
        /// `service.json`'s `commonErrors`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum CommonError {
            #(#common_variants)*
        }

        impl CommonError {
            /// The common error for `code`, if it is one. The message is the answer's (kept by
            /// the client's error, not here).
            pub fn from_code(code: &str, _message: &str) -> Option<Self> {
                #allow_unreachable
                Some(match ErrorCode::from_code(code)? {
                    #(#code_to_common)*
                    _ => return None,
                })
            }

            /// The catalog entry.
            pub fn error_code(self) -> ErrorCode {
                match self { #(#common_to_code)* }
            }

            /// The documented code.
            pub fn code(self) -> &'static str {
                self.error_code().as_str()
            }

            /// The HTTP status the documentation gives.
            pub fn http_status(self) -> Option<u16> {
                Some(self.error_code().definition().http_status)
            }

            /// Whether and how a client may retry after this error.
            pub fn retry_class(self) -> rt::RetryClass {
                self.error_code().definition().retry
            }
        }

        impl std::fmt::Display for CommonError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::error::Error for CommonError {}

        /// A code the operation's spec does not document. Only this crate makes one: match
        /// documented codes by variant and anything else with a wildcard (`err if err.code() ==
        /// "..."`), so code keeps working when a later spec documents the code.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Unhandled {
            code: String,
        }

        impl Unhandled {
            #allow_dead
            pub(crate) fn new(code: &str) -> Self {
                Self { code: code.to_owned() }
            }

            /// The service's code.
            pub fn code(&self) -> &str {
                &self.code
            }
        }

        /// Any operation's service error, seen from the whole service: the code, and its catalog
        /// entry when some spec documents it.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct AnyOperationError {
            code: String,
            error_code: Option<ErrorCode>,
        }

        impl AnyOperationError {
            /// The catalog entry of the code, if any spec documents it.
            pub fn error_code(&self) -> Option<ErrorCode> {
                self.error_code
            }
        }

        impl rt::OperationError for AnyOperationError {
            fn from_code(code: &str, _message: &str) -> Self {
                Self { code: code.to_owned(), error_code: ErrorCode::from_code(code) }
            }

            fn code(&self) -> &str {
                &self.code
            }

            fn http_status(&self) -> Option<u16> {
                self.error_code.map(|c| c.definition().http_status)
            }
        }

        impl std::fmt::Display for AnyOperationError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.code)
            }
        }

        impl std::error::Error for AnyOperationError {}

        /// The failure of any operation of the service: each call fails with the runtime's
        /// `SdkError<OperationError>`, which converts into this one, so `?` works across
        /// operations. It derefs to the runtime's error (code, message, RequestId, whether the
        /// outcome is unknown); [`Error::error_code`] gives the catalog's code.
        #[derive(Debug)]
        pub struct Error(Box<#runtime::SdkError<AnyOperationError>>);

        impl<E: rt::OperationError> From<#runtime::SdkError<E>> for Error {
            fn from(error: #runtime::SdkError<E>) -> Self {
                use rt::OperationError as _;
                Self(Box::new(error.map_kind(|kind| AnyOperationError::from_code(kind.code(), ""))))
            }
        }

        impl Error {
            /// The catalog's code of the service's answer, if some spec documents it.
            pub fn error_code(&self) -> Option<ErrorCode> {
                self.0.as_service().and_then(|e| e.kind().error_code())
            }

            /// The runtime's error.
            pub fn into_inner(self) -> #runtime::SdkError<AnyOperationError> {
                *self.0
            }
        }

        impl std::ops::Deref for Error {
            type Target = #runtime::SdkError<AnyOperationError>;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl std::fmt::Display for Error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::error::Error for Error {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                std::error::Error::source(&*self.0)
            }
        }
    }
}

/// One operation's error enum: a unit variant per documented code (a `field` for pattern
/// codes), the common codes, and the sealed `Unhandled`.
pub(crate) fn operation_error(model: &Model, op: &Operation) -> TokenStream {
    let name = format_ident!("{}Error", op.spec.operation);
    let opname = &op.spec.operation;
    struct Planned<'a> {
        ident: Ident,
        code: &'a str,
        pattern: Option<(&'a str, &'a str)>,
        overrides: &'a crate::model::OpCode,
    }
    let planned: Vec<Planned<'_>> = op
        .codes
        .iter()
        .map(|c| {
            let def = &model.code(c.code);
            Planned {
                ident: known(&def.variant),
                code: &def.def.code,
                pattern: def.def.code.split_once("%s"),
                overrides: c,
            }
        })
        .collect();
    let variants = planned.iter().map(|p| {
        let ident = &p.ident;
        let mut lines = vec![format!("[`ErrorCode::{ident}`]: {}.", code(p.code))];
        let o = p.overrides;
        if let Some(d) = &o.description {
            lines.push(d.clone());
        }
        if o.http_status.is_some() || o.message.is_some() {
            let def = &model.code(o.code).def;
            lines.push(format!(
                "`{opname}` documents it as HTTP {}: {}",
                o.http_status.unwrap_or(def.http_status),
                o.message.as_deref().unwrap_or(&def.message)
            ));
        }
        let doc = doc_lines(lines.iter().map(String::as_str));
        if p.pattern.is_some() {
            quote! {
                #doc
                #ident {
                    /// The part of the code in place of `%s`.
                    field: String,
                    /// The whole code.
                    code: String,
                },
            }
        } else {
            quote! { #doc #ident, }
        }
    });
    let is_fn = |p: &Planned<'_>| format_ident!("is_{}", p.ident.to_string().to_snake_case());
    let exact = planned.iter().filter(|p| p.pattern.is_none()).map(|p| {
        let (ident, is) = (&p.ident, is_fn(p));
        quote!(#ident: #is)
    });
    let patterns = planned.iter().filter(|p| p.pattern.is_some()).map(|p| {
        let (ident, is) = (&p.ident, is_fn(p));
        quote!(#ident: #is)
    });
    let statuses = planned.iter().filter_map(|p| {
        let status = Literal::u16_unsuffixed(p.overrides.http_status?);
        let ident = &p.ident;
        Some(quote!(#ident: #status))
    });
    let doc = format!(
        " The service errors `{opname}` documents, the common ones, and any other code as the sealed [`Unhandled`](Self::Unhandled). The service's message is in the client's error (`ServiceError::message`)."
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A code every operation can return (throttling, signature, ...).
            Common(CommonError),
            /// A code this operation's spec does not document.
            #[deprecated(note = "matching `Unhandled` breaks when a later spec documents the code: match other codes with a wildcard and `code()`")]
            Unhandled(Unhandled),
        }

        rt::operation_error_impls!(
            #name { #(#exact),* }
            patterns { #(#patterns),* }
            statuses { #(#statuses),* }
        );
    }
}
