//! The type-state builder of a request.

use crate::request::{FieldPlan, Form};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The type-state builder. The required fields live in one tuple type parameter whose
/// slots hold `rt::Unset` until their setter stores the value itself there, so `build()`
/// needs no `Option` and cannot fail; the optional fields ride along in a private struct, so
/// each transition moves two fields whatever the operation's size.
///
/// The same builder makes the fluent call (`client.<operation>()`): its second type parameter
/// is `()` for a request object and the runtime's `Fluent` (the client) for a call, which has
/// `send()` where a request object has `build()`, under the same bounds.
pub(crate) fn builder(
    op: &str,
    request: &Ident,
    builder: &Ident,
    fields: &[FieldPlan],
    runtime: &TokenStream,
) -> TokenStream {
    let required: Vec<&FieldPlan> = fields.iter().filter(|f| f.form == Form::Required).collect();
    let optional: Vec<&FieldPlan> = fields.iter().filter(|f| f.form != Form::Required).collect();
    let slots: Vec<Ident> = (0..required.len()).map(|i| format_ident!("S{i}")).collect();
    let traits: Vec<Ident> = required
        .iter()
        .map(|f| format_ident!("Has{}", f.camel))
        .collect();
    let optionals = format_ident!("{}Optional", request);
    let setter_doc = |f: &FieldPlan| {
        let field = f.ident.to_string().trim_start_matches("r#").to_owned();
        format!(" Sets [`{request}::{field}`] (`{}`).", f.wire)
    };

    let unset = slots.iter().map(|_| quote!(rt::Unset));
    let unset2 = slots.iter().map(|_| quote!(rt::Unset));
    let optional_fields = optional.iter().map(|f| {
        let (id, ty) = (&f.ident, f.ty());
        quote!(#id: #ty,)
    });
    let unset3 = slots.iter().map(|_| quote!(rt::Unset));
    let unset4 = slots.iter().map(|_| quote!(rt::Unset));
    let doc = format!(
        " Builds a [`{request}`]; `build()` compiles only once every required parameter is set. As a fluent call (`C` the client's [`Fluent`]({}::Fluent)), `send()` in place of `build()`.",
        runtime
            .to_string()
            .replace(' ', "")
            .trim_start_matches("::")
    );
    let mut out = quote! {
        #[doc = #doc]
        #[must_use]
        #[derive(Debug, Clone)]
        pub struct #builder<S = (#(#unset,)*), C = ()> {
            required: S,
            optional: #optionals,
            call: C,
        }

        // Only the state with nothing set has a default: no state that skips a required
        // parameter can be made without its setter.
        impl Default for #builder {
            fn default() -> Self {
                Self { required: (#(#unset2,)*), optional: #optionals::default(), call: () }
            }
        }

        #[derive(Debug, Clone, Default)]
        struct #optionals {
            #(#optional_fields)*
        }
    };

    // Required setters: each moves the builder to the state where its slot holds the value.
    // With many required parameters the state's type is long, and clippy says so.
    let allow_complex = if required.len() > 5 {
        quote!(#[allow(clippy::type_complexity)])
    } else {
        quote!()
    };
    for (i, f) in required.iter().enumerate() {
        let (id, ty) = (&f.ident, &f.value);
        let doc = setter_doc(f);
        let others = slots
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, s)| s);
        let before = slots.iter().enumerate().map(|(j, s)| {
            if j == i {
                quote!(rt::Unset)
            } else {
                quote!(#s)
            }
        });
        let after = slots
            .iter()
            .enumerate()
            .map(|(j, s)| if j == i { quote!(#ty) } else { quote!(#s) });
        let take = slots.iter().enumerate().map(|(j, s)| {
            let v = format_ident!("{}", s.to_string().to_lowercase());
            if j == i { quote!(_) } else { quote!(#v) }
        });
        let (param, conv) = f.setter();
        let put = slots.iter().enumerate().map(|(j, s)| {
            let v = format_ident!("{}", s.to_string().to_lowercase());
            if j == i { conv.clone() } else { quote!(#v) }
        });
        out.extend(quote! {
            #allow_complex
            impl<#(#others,)* C> #builder<(#(#before,)*), C> {
                #[doc = #doc]
                pub fn #id(self, value: #param) -> #builder<(#(#after,)*), C> {
                    let (#(#take,)*) = self.required;
                    #builder { required: (#(#put,)*), optional: self.optional, call: self.call }
                }
            }
        });
    }

    let setters = optional.iter().map(|f| {
        let id = &f.ident;
        let doc = setter_doc(f);
        let value = &f.value;
        if f.form == Form::List {
            quote! {
                #[doc = #doc]
                pub fn #id(mut self, value: impl IntoIterator<Item = impl Into<#value>>) -> Self {
                    self.optional.#id = value.into_iter().map(Into::into).collect();
                    self
                }
            }
        } else if f.form == Form::OptionalList {
            let doc = format!("{doc} An empty list is sent as `[]`; leave the setter out to send nothing.");
            quote! {
                #[doc = #doc]
                pub fn #id(mut self, value: impl IntoIterator<Item = impl Into<#value>>) -> Self {
                    self.optional.#id = Some(value.into_iter().map(Into::into).collect());
                    self
                }
            }
        } else if f.form == Form::Map {
            quote! {
                #[doc = #doc]
                pub fn #id(
                    mut self,
                    value: impl IntoIterator<Item = (impl Into<String>, impl Into<#value>)>,
                ) -> Self {
                    self.optional.#id = value.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
                    self
                }
            }
        } else {
            let (param, conv) = f.setter();
            quote! {
                #[doc = #doc]
                pub fn #id(mut self, value: #param) -> Self {
                    self.optional.#id = Some(#conv);
                    self
                }
            }
        }
    });
    out.extend(quote! {
        impl<S, C> #builder<S, C> {
            #(#setters)*
        }
    });

    let bounds = slots
        .iter()
        .zip(&traits)
        .map(|(s, t)| quote!(#s: builder_state::#t));
    let vars: Vec<Ident> = slots
        .iter()
        .map(|s| format_ident!("{}", s.to_string().to_lowercase()))
        .collect();
    let takes = fields.iter().map(|f| {
        let id = &f.ident;
        match required.iter().position(|g| g.ident == f.ident) {
            Some(i) => {
                let (t, v) = (&traits[i], &vars[i]);
                quote!(#id: builder_state::#t::take(#v),)
            }
            None => quote!(#id: optional.#id,),
        }
    });
    // Destructuring even empty state keeps both fields read, so no dead-code warning.
    let unpack_required = quote!(let (#(#vars,)*) = self.required;);
    let unpack_optional = if optional.is_empty() {
        quote!(let #optionals {} = self.optional;)
    } else {
        quote!(let optional = self.optional;)
    };
    let build_doc = format!(
        " The finished request. [`{request}::validate`] (which the client runs) checks the rules the types cannot express."
    );
    // The bounds sit on the method, not the impl, so a missing parameter is E0277 and
    // shows the trait's `on_unimplemented` message naming it.
    // No `impl<>` nor an empty `where` when nothing is required (the formatted file has none).
    let generics = if slots.is_empty() {
        quote!()
    } else {
        quote!(<#(#slots),*>)
    };
    let where_clause = if slots.is_empty() {
        quote!()
    } else {
        quote!(where #(#bounds,)*)
    };
    let call = format_ident!("{op}Call");
    let (response, error) = (format_ident!("{op}Response"), format_ident!("{op}Error"));
    let call_doc = format!(
        " A fluent `{op}` call: `client.{}()`, the setters of [`{builder}`], then `.send().await`.",
        crate::module_name(op)
    );
    let send_doc = format!(
        " Builds the request and sends it with the client that started the call, as `client.send(request)` does; compiles only once every required parameter is set, as [`{builder}::build`] does."
    );
    out.extend(quote! {
        impl #generics #builder<(#(#slots,)*)> {
            #[doc = #build_doc]
            pub fn build(self) -> #request
            #where_clause
            {
                #unpack_required
                #unpack_optional
                #request { #(#takes)* }
            }
        }

        #[doc = #call_doc]
        pub type #call<S = (#(#unset3,)*)> = #builder<S, #runtime::Fluent>;

        impl #call {
            /// A fluent call on `client`, nothing set yet.
            pub(crate) fn new(client: #runtime::Client) -> Self {
                Self {
                    required: (#(#unset4,)*),
                    optional: #optionals::default(),
                    call: #runtime::Fluent::new(client),
                }
            }
        }

        #runtime::fluent_impls!(#builder);

        impl #generics #builder<(#(#slots,)*), #runtime::Fluent> {
            #[doc = #send_doc]
            pub async fn send(self) -> Result<#response, #runtime::SdkError<#error>>
            #where_clause
            {
                let Self { required, optional, call } = self;
                call.send(#builder { required, optional, call: () }.build()).await
            }
        }
    });

    if required.is_empty() {
        return out;
    }
    let mut states = Vec::new();
    let mut sealed_types: Vec<String> = Vec::new();
    for (f, t) in required.iter().zip(&traits) {
        // The states live in a child module: a type of the operation's module is `super::T`.
        let ty = match f.value.to_string().as_str() {
            "String" | "i64" | "f64" | "bool" => f.value.clone(),
            _ => {
                let ty = &f.value;
                quote!(super::#ty)
            }
        };
        let ty = &ty;
        let wire = &f.wire;
        let setter = f.ident.to_string().trim_start_matches("r#").to_owned();
        let message = format!(
            "`{op}` needs the required parameter `{wire}`: call `.{setter}(..)` before `.build()` (or a fluent call's `.send()`)"
        );
        let label = format!("`{wire}` is not set");
        let doc = format!(" Type state: `{wire}` has been set.");
        if !sealed_types.contains(&ty.to_string()) {
            sealed_types.push(ty.to_string());
            states.push(quote!(impl sealed::Sealed for #ty {}));
        }
        states.push(quote! {
            #[doc = #doc]
            #[diagnostic::on_unimplemented(message = #message, label = #label)]
            pub trait #t: sealed::Sealed {
                /// The value that was set.
                fn take(self) -> #ty;
            }

            impl #t for #ty {
                fn take(self) -> #ty {
                    self
                }
            }
        });
    }
    let doc = format!(
        " Type states of [`{builder}`]: which required parameters are set. Sealed: only the values the setters store implement them."
    );
    out.extend(quote! {
        #[doc = #doc]
        pub mod builder_state {
            mod sealed {
                pub trait Sealed {}
            }

            #(#states)*
        }
    });
    out
}
