//! Error enums: one per operation, and the common one from `service.json`.

use crate::docs::{code, doc_lines};
use crate::error::{Ctx, SpecError};
use crate::names::type_ident;
use crate::spec::RetryClass;
use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The facts about one error code that the generator needs.
pub(crate) struct Code<'a> {
    pub http_status: u16,
    pub code: &'a str,
    pub message: &'a str,
    pub description: Option<&'a str>,
    pub variant: Option<&'a str>,
}

struct Planned<'a> {
    ident: Ident,
    code: &'a Code<'a>,
    /// `(prefix, suffix)` around `%s` for a pattern code.
    pattern: Option<(&'a str, &'a str)>,
}

/// Which of the two enums is generated.
pub(crate) enum Flavor<'a> {
    /// An operation's error: falls back to the common codes, then keeps unknown codes.
    Operation,
    /// The common codes, with how each may be retried: `from_code` answers `None` for codes
    /// it does not know.
    Common(&'a [RetryClass]),
}

fn plan<'a>(
    ctx: Ctx<'_>,
    path: &str,
    codes: &'a [Code<'a>],
    reserved: &[&str],
) -> Result<Vec<Planned<'a>>, SpecError> {
    let mut planned: Vec<Planned<'a>> = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        let epath = format!("{path}/{i}");
        let pattern = match c.code.matches("%s").count() {
            0 => None,
            1 => c.code.split_once("%s"),
            _ => return Err(ctx.err(format!("{epath}/code"), "a code may hold `%s` once")),
        };
        let derived = c.code.replace("%s", "Field").to_upper_camel_case();
        let ident = type_ident(
            ctx,
            &format!("{epath}/variant"),
            Some(c.variant.unwrap_or(&derived)),
            "",
        )?;
        if reserved.contains(&ident.to_string().as_str()) {
            return Err(ctx.err(
                format!("{epath}/variant"),
                format!("variant name `{ident}` is reserved: set `variant`"),
            ));
        }
        if let Some(other) = planned.iter().find(|p| p.ident == ident) {
            return Err(ctx.err(
                format!("{epath}/code"),
                format!(
                    "codes `{}` and `{}` both map to the variant `{ident}`: set `variant` on one",
                    other.code.code, c.code
                ),
            ));
        }
        if let Some(other) = planned.iter().find(|p| p.code.code == c.code) {
            return Err(ctx.err(
                format!("{epath}/code"),
                format!("code `{}` is listed twice", other.code.code),
            ));
        }
        planned.push(Planned {
            ident,
            code: c,
            pattern,
        });
    }
    Ok(planned)
}

pub(crate) fn generate(
    ctx: Ctx<'_>,
    path: &str,
    name: &Ident,
    doc: &str,
    codes: &[Code<'_>],
    flavor: Flavor<'_>,
) -> Result<TokenStream, SpecError> {
    let reserved: &[&str] = match flavor {
        Flavor::Operation => &["Common", "Unhandled"],
        Flavor::Common(_) => &[],
    };
    if codes.is_empty() && matches!(flavor, Flavor::Common(_)) {
        return Err(ctx.err(path, "list at least one common error code"));
    }
    let planned = plan(ctx, path, codes, reserved)?;
    let enum_doc: Vec<&str> = doc.lines().collect();
    let exact: Vec<&Planned<'_>> = planned.iter().filter(|p| p.pattern.is_none()).collect();
    let patterns: Vec<&Planned<'_>> = planned.iter().filter(|p| p.pattern.is_some()).collect();

    let variants = planned.iter().map(|p| {
        let ident = &p.ident;
        let c = p.code;
        let fact = format!("{} (HTTP {}): {}", code(c.code), c.http_status, c.message);
        let doc = doc_lines([c.description.unwrap_or(""), fact.as_str()]);
        if p.pattern.is_some() {
            quote! {
                #doc
                #ident {
                    /// The part of the code in place of `%s`.
                    field: String,
                    /// The whole code.
                    code: String,
                    /// The service's message.
                    message: String,
                },
            }
        } else {
            quote! { #doc #ident(String), }
        }
    });
    let exact_arms = exact.iter().map(|p| {
        let (ident, c) = (&p.ident, p.code.code);
        quote!(#c => Self::#ident(message),)
    });
    let pattern_checks = |wrap: TokenStream| -> Vec<TokenStream> {
        patterns
            .iter()
            .map(|p| {
                let ident = &p.ident;
                let (prefix, suffix) = p.pattern.unwrap_or_default();
                let value = quote!(Self::#ident { field: field.to_owned(), code: code.to_owned(), message });
                let value = if wrap.is_empty() { value } else { quote!(#wrap(#value)) };
                let field = if suffix.is_empty() {
                    quote!(code.strip_prefix(#prefix))
                } else {
                    quote!(code.strip_prefix(#prefix).and_then(|rest| rest.strip_suffix(#suffix)))
                };
                quote! {
                    if let Some(field) = #field.filter(|f| !f.is_empty()) {
                        return #value;
                    }
                }
            })
            .collect()
    };
    let code_arms = planned.iter().map(|p| {
        let ident = &p.ident;
        if p.pattern.is_some() {
            quote!(Self::#ident { code, .. } => code,)
        } else {
            let c = p.code.code;
            quote!(Self::#ident(_) => #c,)
        }
    });
    let message_arms = planned.iter().map(|p| {
        let ident = &p.ident;
        if p.pattern.is_some() {
            quote!(Self::#ident { message, .. })
        } else {
            quote!(Self::#ident(message))
        }
    });
    // One arm per status: most operations document every code as 400.
    let mut statuses: Vec<u16> = planned.iter().map(|p| p.code.http_status).collect();
    statuses.sort_unstable();
    statuses.dedup();
    let status_arms: Vec<TokenStream> = statuses
        .iter()
        .map(|status| {
            let pats = planned
                .iter()
                .filter(|p| p.code.http_status == *status)
                .map(|p| {
                    let ident = &p.ident;
                    if p.pattern.is_some() {
                        quote!(Self::#ident { .. })
                    } else {
                        quote!(Self::#ident(_))
                    }
                });
            let status = proc_macro2::Literal::u16_unsuffixed(*status);
            quote!(#(#pats)|* => Some(#status),)
        })
        .collect();

    Ok(match flavor {
        Flavor::Operation => {
            let pattern_checks = pattern_checks(TokenStream::new());
            // An operation that documents no code has no documented arm.
            let documented_message = if planned.is_empty() {
                quote!()
            } else {
                quote!(#(#message_arms)|* => message,)
            };
            quote! {
            #(#[doc = #enum_doc])*
            #[derive(Debug, Clone, PartialEq, Eq)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
                /// A code every operation can return (throttling, signature, ...).
                Common(::ens_client::CommonError),
                /// A code the spec does not list; kept as the service sent it.
                Unhandled {
                    /// The service's code.
                    code: String,
                    /// The service's message.
                    message: String,
                },
            }

            impl rt::OperationError for #name {
                fn from_code(code: &str, message: &str) -> Self {
                    let message = message.to_owned();
                    match code {
                        #(#exact_arms)*
                        _ => {
                            #(#pattern_checks)*
                            match ::ens_client::CommonError::from_code(code, &message) {
                                Some(common) => Self::Common(common),
                                None => Self::Unhandled { code: code.to_owned(), message },
                            }
                        }
                    }
                }

                fn code(&self) -> &str {
                    match self {
                        #(#code_arms)*
                        Self::Common(e) => e.code(),
                        Self::Unhandled { code, .. } => code,
                    }
                }

                fn message(&self) -> &str {
                    match self {
                        #documented_message
                        Self::Common(e) => e.message(),
                        Self::Unhandled { message, .. } => message,
                    }
                }

                fn http_status(&self) -> Option<u16> {
                    match self {
                        #(#status_arms)*
                        Self::Common(e) => e.http_status(),
                        Self::Unhandled { .. } => None,
                    }
                }
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    use rt::OperationError as _;
                    write!(f, "{}: {}", self.code(), self.message())
                }
            }

            impl std::error::Error for #name {}
            }
        }
        Flavor::Common(retry) => {
            let pattern_checks = pattern_checks(quote!(Some));
            let retry_arms = planned.iter().zip(retry).map(|(p, class)| {
                let ident = &p.ident;
                let pat = if p.pattern.is_some() {
                    quote!(Self::#ident { .. })
                } else {
                    quote!(Self::#ident(_))
                };
                let class = match class {
                    RetryClass::Never => quote!(Never),
                    RetryClass::Throttling => quote!(Throttling),
                    RetryClass::Unavailable => quote!(Unavailable),
                    RetryClass::Transient => quote!(Transient),
                };
                quote!(#pat => rt::RetryClass::#class,)
            });
            quote! {
                #(#[doc = #enum_doc])*
                #[derive(Debug, Clone, PartialEq, Eq)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                }

                impl #name {
                    /// The typed error for `code`, if it is a common one.
                    pub fn from_code(code: &str, message: &str) -> Option<Self> {
                        let message = message.to_owned();
                        Some(match code {
                            #(#exact_arms)*
                            _ => {
                                #(#pattern_checks)*
                                return None;
                            }
                        })
                    }

                    /// The service's code.
                    pub fn code(&self) -> &str {
                        match self { #(#code_arms)* }
                    }

                    /// The service's message.
                    pub fn message(&self) -> &str {
                        match self { #(#message_arms)|* => message }
                    }

                    /// The HTTP status the documentation gives.
                    pub fn http_status(&self) -> Option<u16> {
                        match self { #(#status_arms)* }
                    }

                    /// Whether and how a client may retry after this error.
                    pub fn retry_class(&self) -> rt::RetryClass {
                        match self { #(#retry_arms)* }
                    }
                }

                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(f, "{}: {}", self.code(), self.message())
                    }
                }

                impl std::error::Error for #name {}
            }
        }
    })
}
