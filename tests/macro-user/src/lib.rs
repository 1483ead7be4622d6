//! What a user of the proc macro writes: the operations it needs from ENS's specs, expanded at
//! compile time, over the runtime alone. `ens_macros::service!` gives the chosen operations (their
//! requests, builders, responses and errors), the shared shapes and error codes they use, and a
//! `Client` of their own with a method per operation.
//!
//! ```
//! use macro_user::ens::{Client, DescribeInstancesRequest};
//!
//! let client = Client::builder().region("cn-hangzhou").build()?;
//! let request = DescribeInstancesRequest::builder().page_size(10).build();
//! # let _ = (client, request);
//! # Ok::<(), ens_runtime::BuildError>(())
//! ```
#![deny(missing_docs, warnings)]

/// CreateInstance and DescribeInstances, from `specs/ens`.
pub mod ens {
    ens_macros::service! {
        path: "../../../specs/ens",
        operations: [CreateInstance, DescribeInstances],
    }
}
