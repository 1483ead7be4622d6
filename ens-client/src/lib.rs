//! Typed, validated, signed client for Alibaba Cloud ENS (Edge Node Service, API 2017-11-10).
//!
//! The operations in [`generated`] come from the JSON specs in `specs/ens/operations/` through
//! `cargo xtask regen`; everything else here is the runtime they share.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ens_client::{Client, CreateInstanceRequest};
//!
//! let client = Client::builder().region("cn-hangzhou").build()?;
//! let request = CreateInstanceRequest::builder()
//!     .instance_type("ens.sn1.stiny")
//!     .ens_region_id("cn-hangzhou-telecom")
//!     .period(1)
//!     .quantity(1)
//!     .image_id("centos_7_08_64_20G_alibase_20200914")
//!     .key_pair_name("my-key-pair") // a password, a key pair or the image's password
//!     .build();
//! // Review what would be sent, then send it.
//! println!("{}", client.dry_run(&request).await?);
//! let created = client.create_instance(request).await?;
//! println!("{:?}", created.instance_ids);
//! # Ok(()) }
//! ```
//!
//! The runtime around the operations knows no operation: it takes the service as data
//! ([`Service`], ENS's is [`ENS`]), sends through a [`transport`] (hyper by default, your own
//! `reqwest::Client`, or, with the `test-util` feature, a replay of canned answers), and waits on
//! an injectable clock ([`time`]).
#![deny(missing_docs)]
// docs.rs: each generated operation says which feature (API area) brings it in.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Generated code names this crate `::ens_client`, inside it as in user crates (proc macro).
extern crate self as ens_client;

pub use ens_auth as auth;
pub use ens_core as core;
pub use ens_credentials as credentials;

// The runtime: knows no service and no operation (it moves to a crate of its own).
mod answer;
mod client;
mod config;
mod dry_run;
mod error;
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
pub use error::{BoxError, BuildError, Error, ServiceError, TimeoutKind};
pub use ratelimit::RateLimits;
pub use retry::RetryPolicy;
pub use service::Service;
pub use wait::{PendingInstance, WaitOptions};
pub use waiter::WaiterError;

// ENS's side of the seam (hand-written until generated).
mod ens;
// The instance waiter needs DescribeInstances, an operation of the `instance` area.
#[cfg(feature = "instance")]
pub use ens::WaitError;
pub use ens::{ENS, endpoint_for_region};

/// The operations, generated from `specs/ens/operations/*.json` by `cargo xtask regen`: one
/// module per operation, its main types re-exported at the crate root.
#[rustfmt::skip] // prettyplease formats it; `cargo xtask regen --check` guards it
pub mod generated;
pub use generated::*;

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
