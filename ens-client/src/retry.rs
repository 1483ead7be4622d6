//! When a failed attempt may be sent again, and how long to wait first.
//!
//! The rule that matters is not "is this error transient" but "can sending again do the work
//! twice". ENS has no client token: a CreateInstance that timed out after reaching the service
//! may have created (and started billing) instances, and a retry would create more. So:
//!
//! - answers in which the service says it did nothing (throttling, HTTP 503
//!   `ServiceUnavailable`) and failures before anything was sent (connection refused, DNS) are
//!   retried for every operation;
//! - failures after the request may have reached the service (read timeout, HTTP 500
//!   `InternalError` and other 5xx, a connection reset mid-exchange) are retried only for
//!   read-only operations; any other operation gets [`crate::Error::OutcomeUnknown`] after one
//!   attempt.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How many attempts to make and how long to wait between them.
///
/// The wait before retry `n` (1-based) is uniformly random in `0..=min(max_delay, base_delay *
/// 2^(n-1))` ("full jitter"): many clients throttled at once then spread out instead of coming
/// back together.
///
/// The default is 3 attempts, 100 ms base delay, 2 s cap: enough to ride out a short throttling
/// burst without hiding an outage from the caller for long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// `max_attempts` attempts in all (at least 1), with the default delays.
    pub fn new(max_attempts: u32) -> Self {
        Self::default().with_max_attempts(max_attempts)
    }

    /// One attempt: never retry, for callers that run their own retry loop.
    pub fn none() -> Self {
        Self::new(1)
    }

    /// Sets the number of attempts in all (first one included); 0 is taken as 1.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Sets the delay bound before the first retry; it doubles for each retry after.
    pub fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// Sets the cap on the delay bound.
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// Attempts in all, first one included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay bound before the first retry.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The cap on the delay bound.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The upper bound of the wait before retry `retry` (1 for the first retry).
    pub fn delay_bound(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// A random wait before retry `retry`, uniform in `0..=delay_bound(retry)`.
    pub fn delay(&self, retry: u32) -> Duration {
        let bound = self.delay_bound(retry).as_nanos();
        if bound == 0 {
            return Duration::ZERO;
        }
        let nanos = u128::from(random_u64()) % (bound + 1);
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

/// A random number for jitter. Jitter needs spread, not secrecy: the standard library's randomly
/// keyed hasher gives that without another dependency.
fn random_u64() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos().into())
            .unwrap_or(0),
    );
    hasher.finish()
}

/// What an attempt's failure allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Safety {
    /// The service did not act on the request (or never got it): any operation may retry.
    NotActed,
    /// The service may have acted: only read-only operations may retry.
    MayHaveActed,
    /// Retrying cannot help (validation, signature, permissions, ...).
    Final,
}

/// The safety of an error answer with HTTP `status` and service `code` (if any).
pub(crate) fn classify_answer(status: u16, code: Option<&str>) -> Safety {
    if let Some(code) = code {
        // service.json says, per common code, whether the service acted.
        if let Some(common) = crate::CommonError::from_code(code, "") {
            return match common.retry_class() {
                ens_core::RetryClass::Throttling | ens_core::RetryClass::Unavailable => {
                    Safety::NotActed
                }
                ens_core::RetryClass::Transient => Safety::MayHaveActed,
                ens_core::RetryClass::Never => Safety::Final,
            };
        }
        // Alibaba adds throttling codes over time (`Throttling.Resource`, ...): same family.
        if code.starts_with("Throttling") {
            return Safety::NotActed;
        }
    }
    match status {
        503 => Safety::NotActed,
        500..=599 => Safety::MayHaveActed,
        _ => Safety::Final,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_documented() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_attempts(), 3);
        assert_eq!(p.base_delay(), Duration::from_millis(100));
        assert_eq!(p.max_delay(), Duration::from_secs(2));
        assert_eq!(RetryPolicy::new(0).max_attempts(), 1);
        assert_eq!(RetryPolicy::none().max_attempts(), 1);
    }

    #[test]
    fn bound_doubles_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_bound(1), Duration::from_millis(100));
        assert_eq!(p.delay_bound(2), Duration::from_millis(200));
        assert_eq!(p.delay_bound(5), Duration::from_millis(1600));
        assert_eq!(p.delay_bound(6), Duration::from_secs(2));
        assert_eq!(p.delay_bound(80), Duration::from_secs(2));
        for retry in 1..10 {
            assert!(p.delay(retry) <= p.delay_bound(retry));
        }
        let spread: std::collections::BTreeSet<_> = (0..50).map(|_| p.delay(3)).collect();
        assert!(spread.len() > 10, "jitter should spread: {spread:?}");
    }

    #[test]
    fn classification() {
        assert_eq!(
            classify_answer(400, Some("Throttling.User")),
            Safety::NotActed
        );
        assert_eq!(
            classify_answer(400, Some("Throttling.Whatever")),
            Safety::NotActed
        );
        assert_eq!(
            classify_answer(503, Some("ServiceUnavailable")),
            Safety::NotActed
        );
        assert_eq!(classify_answer(503, None), Safety::NotActed);
        assert_eq!(
            classify_answer(500, Some("InternalError")),
            Safety::MayHaveActed
        );
        assert_eq!(classify_answer(502, None), Safety::MayHaveActed);
        assert_eq!(
            classify_answer(400, Some("SignatureDoesNotMatch")),
            Safety::Final
        );
        assert_eq!(
            classify_answer(400, Some("InvalidParameter")),
            Safety::Final
        );
        assert_eq!(classify_answer(404, None), Safety::Final);
    }
}
