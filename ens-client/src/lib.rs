//! Typed, validated, signed client for Alibaba Cloud ENS (Edge Node Service, API 2017-11-10).
//!
//! The operations (a module each, such as [`create_instance`], with their request and response
//! types also at the crate root) come from the JSON specs in `specs/ens/` through
//! `cargo xtask regen`; the runtime they share is the crate `ens-runtime`, re-exported here.
//!
//! Two ways to call an operation, with the same checks: a fluent call, whose `send()` compiles
//! only once every required parameter is set, ...
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ens_client::Client;
//!
//! let client = Client::builder().region("cn-hangzhou").build()?;
//! let created = client
//!     .create_instance()
//!     .instance_type("ens.sn1.stiny")
//!     .ens_region_id("cn-hangzhou-telecom")
//!     .period(1)
//!     .quantity(1)
//!     .image_id("centos_7_08_64_20G_alibase_20200914")
//!     .key_pair_name("my-key-pair") // a password, a key pair or the image's password
//!     .send()
//!     .await?;
//! println!("{:?}", created.instance_ids);
//! # Ok(()) }
//! ```
//!
//! ... or a request object, built (with the same compile-time check) to be kept, reviewed or
//! sent later:
//!
//! ```no_run
//! # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use ens_client::CreateInstanceRequest;
//!
//! let request = CreateInstanceRequest::builder()
//!     .instance_type("ens.sn1.stiny")
//!     .ens_region_id("cn-hangzhou-telecom")
//!     .period(1)
//!     .quantity(1)
//!     .key_pair_name("my-key-pair")
//!     .build();
//! // Review what would be sent, then send it.
//! println!("{}", client.dry_run(&request).await?);
//! let created = client.send(request).await?;
//! # Ok(()) }
//! ```
//!
//! The runtime around the operations knows no operation: it takes the service as data
//! ([`Service`], ENS's is [`ENS`]), sends through a [`transport`] (hyper by default, your own
//! `reqwest::Client`, or, with the `test-util` feature, a replay of canned answers), and waits on
//! an injectable clock ([`time`]). [`Client`] is ENS's: a method per operation over the
//! runtime's client, whose methods (`send`, `dry_run`, ...) it offers too.
#![deny(missing_docs)]
// docs.rs: each generated operation says which feature (API area) brings it in.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The runtime (crate `ens-runtime`): knows no service and no operation.
pub use ens_runtime::{
    BoxError, BuildError, CallOptions, Credentials, CredentialsError, Fluent, PendingInstance,
    ProvideCredentials, RateLimits, RetryPolicy, SdkError, Service, ServiceError, SignatureVersion,
    SignedRequest, TimeoutKind, USER_AGENT, WaitOptions, WaiterError,
};
pub use ens_runtime::{auth, core, credentials, paginate, time, transport, wait};

// The instance waiter (needs DescribeInstances, an operation of the `instance` area).
mod ens;
#[cfg(feature = "instance")]
pub use ens::WaitError;

/// ENS as the runtime sees it (the generated [`SERVICE`]).
pub use generated::SERVICE as ENS;

/// The host of `region`: from the service's endpoint list, else the default endpoint (which
/// serves every cn-* region).
pub fn endpoint_for_region(region: &str) -> &'static str {
    SERVICE.endpoint_for_region(region)
}

// The operations, generated from `specs/ens/operations/*.json` by `cargo xtask regen`: one
// module per operation, its main types re-exported at the crate root. Private, so that rustdoc
// lists everything at the root, where users name it (`ens_client::create_instance::..`).
#[rustfmt::skip] // prettyplease formats it; `cargo xtask regen --check` guards it
mod generated;
pub use generated::*;

/// The crate README's example, compiled as a doctest so it stays true (the workspace README's are
/// doctests of the unpublished `tests` crate: a published crate reads no file outside itself).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
