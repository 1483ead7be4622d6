//! The runtime of the ens-rs service clients: it signs, sends, retries, decodes, waits and
//! pages, and knows no service and no operation.
//!
//! A service's crate (such as `ens-client`, generated from ENS's specs, or a crate of yours
//! expanded by `ens_macros::service!`) gives it the service as data ([`Service`], held in a
//! `static`) and the operations as [`core::Operation`]s; it wraps this [`Client`] in a client
//! of its own with a method per operation. The runtime sends through a [`transport`] (hyper by
//! default, your own `reqwest::Client`, or, with the `test-util` feature, a replay of canned
//! answers) and waits on an injectable clock ([`time`]).
//!
//! ```
//! use ens_runtime::{Client, ClientBuilder, Service};
//!
//! static EXAMPLE: Service = Service {
//!     name: "Example",
//!     api_version: "2024-01-01",
//!     default_endpoint: "example.aliyuncs.com",
//!     endpoints: &[],
//!     retry_class: |_| None,
//! };
//! let client: Client = ClientBuilder::new(&EXAMPLE).region("cn-hangzhou").build()?;
//! assert_eq!(client.endpoint(), "https://example.aliyuncs.com");
//! # Ok::<(), ens_runtime::BuildError>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use ens_auth as auth;
pub use ens_core as core;
pub use ens_credentials as credentials;

mod answer;
mod client;
mod config;
mod dry_run;
mod error;
mod fluent;
pub mod paginate;
mod ratelimit;
mod retry;
mod service;
mod skew;
pub mod time;
pub mod transport;
pub mod wait;
mod waiter;

pub use client::{Client, ClientBuilder, SignatureVersion, USER_AGENT};
pub use config::CallOptions;
pub use dry_run::SignedRequest;
pub use ens_auth::{Credentials, CredentialsError, ProvideCredentials};
pub use error::{BoxError, BuildError, SdkError, ServiceError, TimeoutKind};
pub use fluent::Fluent;
pub use ratelimit::RateLimits;
pub use retry::RetryPolicy;
pub use service::Service;
pub use wait::{PendingInstance, WaitOptions};
pub use waiter::WaiterError;
