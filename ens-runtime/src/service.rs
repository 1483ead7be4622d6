//! What the runtime needs to know about a service, as data the service's crate provides (the
//! generated code holds it in a `static`), so that the runtime itself knows no service and no
//! operation.

use ens_core::RetryClass;

/// A service's facts the client runs on: its API version, endpoints and common error codes.
///
/// ```
/// use ens_runtime::Service;
/// use ens_runtime::core::RetryClass;
///
/// static EXAMPLE: Service = Service {
///     name: "Example",
///     api_version: "2024-01-01",
///     default_endpoint: "example.aliyuncs.com",
///     endpoints: &[("ap-southeast-1", "example.ap-southeast-1.aliyuncs.com")],
///     retry_class: |code| (code == "Throttling").then_some(RetryClass::Throttling),
/// };
/// assert_eq!(EXAMPLE.endpoint_for_region("cn-hangzhou"), "example.aliyuncs.com");
/// ```
#[derive(Debug)]
pub struct Service {
    /// The product name, e.g. `ENS`.
    pub name: &'static str,
    /// The API version every operation speaks, e.g. `2017-11-10`.
    pub api_version: &'static str,
    /// The host for regions [`Service::endpoints`] does not list.
    pub default_endpoint: &'static str,
    /// Region id to host.
    pub endpoints: &'static [(&'static str, &'static str)],
    /// What the service's common error code `code` allows a client to do again
    /// ([`RetryClass`]); `None` for a code it does not list. Codes of the `Throttling.*` family
    /// that a service adds over time are taken as throttling even when not listed.
    pub retry_class: fn(code: &str) -> Option<RetryClass>,
}

impl Service {
    /// The host of `region`: from the service's endpoint list, else the default endpoint.
    pub fn endpoint_for_region(&self, region: &str) -> &'static str {
        self.endpoints
            .iter()
            .find(|(r, _)| *r == region)
            .map_or(self.default_endpoint, |(_, host)| host)
    }
}
