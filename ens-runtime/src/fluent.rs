//! Fluent calls: `client.create_instance().instance_type("…")…send().await`, beside the request
//! objects (`client.send(request)`).
//!
//! A service's generated `client.<operation>()` starts the operation's request builder with a
//! [`Fluent`] in it: the same setters, the same compile-time check that every required parameter
//! is set (`send()` exists only where `build()` would), and `send()` in place of `build()`.

use crate::{CallOptions, Client, SdkError};
use ens_core::Operation;

/// What a fluent call sends with: the client that started it, and the call's own settings
/// (`.call_options(..)` on the call). The generated builders carry it from `client.<operation>()`
/// to `send()`; you rarely name it.
#[derive(Debug, Clone)]
pub struct Fluent {
    client: Client,
    options: CallOptions,
}

impl Fluent {
    /// A fluent call on `client`, with the client's settings.
    pub fn new(client: Client) -> Self {
        Self {
            client,
            options: CallOptions::new(),
        }
    }

    /// The call's settings: `options` over those given before (each sets only what it sets).
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = self.options.overridden_by(options);
        self
    }

    /// Sends `request`, built from the fluent call, as [`Client::send_with`] does with the
    /// call's settings.
    pub async fn send<O: Operation>(self, request: O) -> Result<O::Response, SdkError<O::Error>> {
        self.client.send_with(request, self.options).await
    }
}

/// The methods every generated request builder has as a fluent call (`C` = [`Fluent`]), written
/// once here: `fluent_impls!(CreateInstanceRequestBuilder);`.
#[doc(hidden)]
#[macro_export]
macro_rules! fluent_impls {
    ($builder:ident) => {
        impl<S> $builder<S, $crate::Fluent> {
            /// Settings for this call only, over the client's (timeouts, retries, signature
            /// version: see `CallOptions`), as `client.send_with(request, options)` takes them;
            /// given twice, the second overrides what it sets.
            pub fn call_options(self, options: $crate::CallOptions) -> Self {
                Self {
                    call: self.call.with_options(options),
                    ..self
                }
            }
        }
    };
}
