//! Credentials and request signing for Alibaba Cloud ENS (API 2017-11-10).
//!
//! The signers are pure functions of their inputs: the caller injects the clock
//! ([`SigningTime`]) and the nonce, so every stage of a signature can be checked against recorded
//! vectors and a mismatch points at the stage that diverged. This crate does no I/O at all: the
//! credential providers (environment, OIDC, the aliyun CLI configuration, RAM roles, the ECS
//! metadata service, a credentials URI) and their cache live in `ens-credentials`, which builds on
//! the types and the trait defined here.
//!
//! - [`rpc_v1`]: RPC signature 1.0 (HMAC-SHA1), the classic `Signature` query parameter.
//! - [`acs3`]: signature V3 (`ACS3-HMAC-SHA256`), the `Authorization` header the current official
//!   SDKs send by default.
//! - [`credentials`]: access keys and STS tokens ([`Credentials`], secrets wiped on drop) and the
//!   async [`ProvideCredentials`] trait every source implements.
//!
//! ```
//! use ens_auth::{Credentials, SigningTime, rpc_v1};
//!
//! let creds = Credentials::new("LTAI5tExampleId", "example-secret");
//! let mut params = rpc_v1::common_params(
//!     "DescribeEnsRegions",
//!     "2017-11-10",
//!     creds.access_key_id(),
//!     creds.security_token().map(|t| t.expose()),
//!     SigningTime::from_unix_seconds(1_714_552_200), // normally SigningTime::now()
//!     "d4b5f7f0e6c14b4e9a3c2b1a0f9e8d7c",           // normally ens_auth::random_nonce()?
//! );
//! params.push(("EnsRegionId", "cn-beijing-cmcc".to_owned()));
//! let sig = rpc_v1::sign("POST", params.iter().map(|(k, v)| (k, v)), creds.access_key_secret().expose());
//! assert!(sig.canonicalized_query.contains("Timestamp=2024-05-01T08%3A30%3A00Z"));
//! let query = sig.signed_query(); // send as `POST /?{query}`
//! assert!(query.ends_with(&format!("&Signature={}", ens_auth::encode::encode(&sig.signature))));
//! ```
#![deny(missing_docs)]

pub mod acs3;
pub mod credentials;
pub mod encode;
mod hex;
mod nonce;
pub mod rpc_v1;
mod time;
#[cfg(feature = "vectors")]
pub mod vectors;

pub use credentials::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture, Secret};
pub use nonce::{NonceError, random_nonce};
pub use time::{SigningTime, UtcText};
