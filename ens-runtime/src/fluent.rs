//! Fluent calls: `client.create_instance().instance_type("…")…send().await`, beside the request
//! objects (`client.send(request)`).
//!
//! A service's generated `client.<operation>()` starts the operation's request builder with a
//! [`Fluent`] in it: the same setters, the same compile-time check that every required parameter
//! is set (`send()` exists only where `build()` would), and `send()` in place of `build()`.

use crate::{Client, Error};
use ens_core::Operation;

/// What a fluent call sends with: the client that started it. The generated builders carry it
/// from `client.<operation>()` to `send()`; you rarely name it.
#[derive(Debug, Clone)]
pub struct Fluent {
    client: Client,
}

impl Fluent {
    /// A fluent call on `client`.
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// Sends `request`, built from the fluent call, as [`Client::send`] does.
    pub async fn send<O: Operation>(self, request: O) -> Result<O::Response, Error<O::Error>> {
        self.client.send(request).await
    }
}
