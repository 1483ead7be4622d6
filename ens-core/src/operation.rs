use crate::{CrossRule, ParamSpec, Params, Violations};

/// The facts about an operation that the client needs, generated from its spec.
#[derive(Debug)]
pub struct OperationSpec {
    /// The `Action` parameter, e.g. `CreateInstance`.
    pub action: &'static str,
    /// The API version, e.g. `2017-11-10`.
    pub version: &'static str,
    /// The HTTP method the official SDKs use.
    pub method: &'static str,
    /// Documented calls per second per account, if any.
    pub rate_limit_per_second: Option<u32>,
    /// Whether the operation only reads. Only such requests are re-sent after they may have
    /// reached the server: re-sending a request that creates resources can create them twice.
    pub read_only: bool,
    /// Every parameter, for checking.
    pub params: &'static [ParamSpec],
    /// Rules between parameters.
    pub cross_rules: &'static [CrossRule],
    /// Response fields (JSON names at the top level) that every successful answer carries, not
    /// empty. A 2xx answer without one of them is not taken as a success: for CreateInstance, an
    /// answer without `InstanceIds` leaves unknown what was created.
    pub answer_requires: &'static [&'static str],
}

impl OperationSpec {
    /// Checks wire parameters against every rule of this operation.
    pub fn check(&self, params: &Params) -> Result<(), Violations> {
        crate::check(self.params, self.cross_rules, params)
    }

    /// The parameter that wire name `name` (`DataDisk.2.Size`) is an instance of.
    pub fn param(&self, name: &str) -> Option<&'static ParamSpec> {
        self.params.iter().find(|p| p.matches(name))
    }
}

/// A typed ENS request: ties the request to its action, response and error types.
pub trait Operation: Sized + Send + Sync + 'static {
    /// What a successful call returns.
    type Response: serde::de::DeserializeOwned + Send + 'static;
    /// The operation's typed service error.
    type Error: OperationError;
    /// Facts from the spec.
    const SPEC: &'static OperationSpec;

    /// The wire parameters, without the common ones (`Action`, `Version`, signature...).
    fn to_params(&self) -> Params;

    /// Builds a checked request from wire parameters; reports every violation, unknown names
    /// included.
    fn from_params(params: &Params) -> Result<Self, Violations>;

    /// Checks every rule of the spec; returns all violations at once.
    ///
    /// The same check as [`Operation::checked_params`], which an implementation adding checks
    /// of its own overrides (this one follows it).
    fn validate(&self) -> Result<(), Violations> {
        self.checked_params().map(drop)
    }

    /// The wire parameters, checked against every rule of the spec: what a client signs and
    /// sends. One build of the parameters, where [`Operation::validate`] followed by
    /// [`Operation::to_params`] makes two.
    fn checked_params(&self) -> Result<Params, Violations> {
        let params = self.to_params();
        Self::SPEC.check(&params)?;
        Ok(params)
    }
}

/// A typed service error of one operation: which documented code it is. The service's message,
/// RequestId and the like stay in the client's error around it.
pub trait OperationError: std::error::Error + Send + Sync + 'static {
    /// Maps a service error code (and message) to the typed error; unknown codes are kept.
    fn from_code(code: &str, message: &str) -> Self;
    /// The service's error code, e.g. `InvalidParameter.Image`.
    fn code(&self) -> &str;
    /// The HTTP status the documentation gives for this code, if documented.
    fn http_status(&self) -> Option<u16>;
}

/// Whether and how a client may retry after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryClass {
    /// Retrying does not help.
    Never,
    /// The caller is over a rate limit: wait and retry (the service did not act).
    Throttling,
    /// The service turned the request away before acting on it: any request may retry.
    Unavailable,
    /// A passing fault during which the service may have acted: retry only requests that are
    /// safe to repeat (read-only operations).
    Transient,
}
