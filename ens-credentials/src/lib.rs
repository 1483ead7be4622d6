//! Where ens-rs finds Alibaba Cloud credentials: the default provider chain of Alibaba's own
//! SDKs and tools, each of its providers on its own, and a cache that refreshes credentials
//! shortly before they expire, once for all concurrent callers.
//!
//! The client needs nothing from you: given no credentials, it uses
//! `CachedProvider::new(DefaultChain::builder().build())`, which looks, in order, at
//!
//! | # | source | set up by | provider |
//! |---|---|---|---|
//! | 1 | environment | `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN` | [`EnvProvider`] |
//! | 2 | OIDC (RRSA) | `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE` | [`OidcProvider`] |
//! | 3 | config file | `~/.aliyun/config.json` (`aliyun configure`), `ALIBABA_CLOUD_PROFILE` | [`CliConfigProvider`] |
//! | 4 | metadata service | an ECS instance with a RAM role (`ALIBABA_CLOUD_ECS_METADATA_DISABLED=true` skips it) | [`EcsRamRoleProvider`] |
//! | 5 | credentials URI | `ALIBABA_CLOUD_CREDENTIALS_URI` | [`UriProvider`] |
//!
//! and uses the first that has credentials. A source that is set up but broken (half a key
//! pair, a malformed file, STS refusing the role) stops the search with an error naming it; when
//! no source has credentials, the error says what each one found:
//! `no credentials found: environment: ... not set; OIDC: ... not set; config file: no profile
//! "x" in /home/me/.aliyun/config.json (it has "default"); metadata service: not reachable at
//! http://100.100.100.200 (...); credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI not set`.
//!
//! Every knob of the chain ([`DefaultChainBuilder`]) and of the cache ([`CachedProviderBuilder`])
//! says what it does and its default. The STS and metadata endpoints are settings, so tests (and
//! unusual networks) point them elsewhere:
//!
//! ```
//! use std::time::Duration;
//! use ens_credentials::{CachedProvider, DefaultChain, Env};
//!
//! let provider = CachedProvider::builder()
//!     .refresh_ahead(Duration::from_secs(300)) // default 3 minutes
//!     .build(
//!         DefaultChain::builder()
//!             .profile("ens-prod") // default: ALIBABA_CLOUD_PROFILE, else the file's current
//!             .sts_endpoint("https://sts.cn-hangzhou.aliyuncs.com") // default sts.aliyuncs.com
//!             .env(Env::from_vars([("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")]))
//!             .build(),
//!     );
//! ```
//!
//! One source on its own, for example a RAM role assumed with a key pair:
//!
//! ```no_run
//! use ens_auth::Credentials;
//! use ens_credentials::{AssumeRoleProvider, CachedProvider};
//!
//! let role = CachedProvider::new(
//!     AssumeRoleProvider::builder(
//!         "acs:ram::123456789012:role/ens-operator",
//!         Credentials::new("LTAI5tExampleId", "example-secret"),
//!     )
//!     .build(),
//! );
//! ```
//!
//! Secrets (AccessKeySecret, security tokens, OIDC tokens, metadata tokens) are held in
//! zeroize-on-drop buffers and printed as `***`; error messages name variables, files, fields
//! and endpoints, never values, and mask secrets a server echoes back. Files are read off the
//! async threads, bounded in size, and FIFOs and devices are refused. Every network call is
//! bounded in time.
//!
//! The types and the trait are `ens-auth`'s ([`Credentials`], [`ProvideCredentials`],
//! [`CredentialsError`]); this crate adds the I/O, so the signers there stay pure.
#![deny(missing_docs)]

mod cache;
mod chain;
pub mod env;
mod file;
mod http;
mod metadata;
mod profile;
mod sts;
mod uri;

pub use cache::{
    CachedProvider, CachedProviderBuilder, DEFAULT_LOAD_TIMEOUT, DEFAULT_REFRESH_AHEAD, DEFAULT_TTL,
};
pub use chain::{ChainProvider, DefaultChain, DefaultChainBuilder};
pub use ens_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture, Secret};
pub use env::{Env, EnvProvider};
pub use metadata::{
    DEFAULT_METADATA_CONNECT_TIMEOUT, DEFAULT_METADATA_ENDPOINT, DEFAULT_METADATA_TIMEOUT,
    EcsRamRoleBuilder, EcsRamRoleProvider,
};
pub use profile::{CliConfigProvider, CliProfile, MAX_CONFIG_FILE};
pub use sts::{
    AssumeRoleBuilder, AssumeRoleProvider, DEFAULT_CONNECT_TIMEOUT, DEFAULT_ROLE_DURATION,
    DEFAULT_STS_ENDPOINT, DEFAULT_TIMEOUT, OidcBuilder, OidcProvider,
};
pub use uri::UriProvider;

/// The default chain behind a cache with default settings: what the client uses when given no
/// credentials.
pub fn default_provider() -> CachedProvider {
    CachedProvider::new(DefaultChain::builder().build())
}
