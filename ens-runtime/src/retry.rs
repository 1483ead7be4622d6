//! When a failed attempt may be sent again, and how long to wait first.
//!
//! The rule that matters is not "is this error transient" but "can sending again do the work
//! twice". ENS has no client token: a CreateInstance that timed out after reaching the service
//! may have created (and started billing) instances, and a retry would create more. So an
//! operation that is not read-only is sent again only when the service's own answer, or the
//! transport, proves that it did nothing. The exact rules are on [`RetryPolicy`].

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::service::Service;

/// How many attempts to make, how long to wait between them, and how many retries a client may
/// spend in all.
///
/// # What is retried
///
/// Every operation, read-only or not, is sent again (while attempts and budget last) only when
/// the service did not act on it:
///
/// - a documented throttling code (`Throttling`, `Throttling.User`, `Throttling.Api`, any
///   `Throttling.*`), whatever the HTTP status;
/// - the service's own `ServiceUnavailable` code;
/// - a connection that could not be established (refused, DNS, connect timeout, TLS handshake),
///   or a kept connection that failed before the first byte of the request was written: nothing
///   was sent.
///
/// A read-only operation is also sent again after failures during which the service may have
/// acted: a timeout or a connection lost after sending, `InternalError`, any other 5xx answer
/// (with an unknown code, an HTML page or an empty body: 503 included, since a proxy in front of
/// the service may have forwarded the request).
///
/// For any other operation, such a failure ends the call with
/// [`SdkError::OutcomeUnknown`](crate::SdkError::OutcomeUnknown) after one attempt, as does a 2xx
/// answer that cannot be read (or lacks what every success carries, such as CreateInstance's
/// `InstanceIds`).
///
/// # Kept connections
///
/// A kept connection that the server closed while it sat idle loses the request written to it,
/// and failing that way looks like failing after the request arrived. So the default transport
/// polls a kept connection before writing to it (a close, reset or stray bytes that arrived
/// while idle show there, and the request goes on another connection, unsent), counts the bytes
/// of each request the kernel accepted (a failure before the first one is "nothing was sent"),
/// and gives a call that is not read-only only a connection that sent a request within
/// [`ClientBuilder::reuse_for_writes`](crate::ClientBuilder::reuse_for_writes) (250 ms), far
/// below the idle timeout of any common server: a close still travelling while the request is
/// written, the one race no check can see, then cannot happen. Read-only calls take any kept
/// connection and are sent again if it fails. Through a proxy, or with a reqwest client and
/// [`ClientBuilder::http_client_for_writes`](crate::ClientBuilder::http_client_for_writes), each
/// such call gets a connection of its own instead.
///
/// Nothing else is retried: other 4xx answers and error codes (the service refused the request)
/// and 2xx answers carrying an error code.
///
/// # Corrections
///
/// Two refusals of the service's gateway are about the signature, not the call:
///
/// - A timestamp too far from the service's clock (`InvalidTimeStamp.Expired`, and
///   `RequestTimeTooSkewed` / `IllegalTimestamp` of other Alibaba gateways): refused before
///   anything was done. The client sets its signing clock to the time of the answer's `Date`
///   header (kept for every later call of the client and its clones) and sends the call again,
///   once, at once: this resend does not count as an attempt, costs no budget, and is made even
///   with [`RetryPolicy::none`]. Without a `Date` header, or refused again, the call ends with
///   that error.
/// - A reused `SignatureNonce` (`SignatureNonceUsed`): every attempt is signed with a fresh
///   nonce, so the service saw these very bytes before, from something that sent the request
///   again (a proxy, a replay), and that earlier delivery may have been acted on. So it counts
///   as a failure during which the service may have acted: a read-only call is retried (with a
///   fresh nonce), any other ends in [`SdkError::OutcomeUnknown`](crate::SdkError::OutcomeUnknown).
///
/// # Re-sending calls that are not read-only
///
/// [`CallOptions::retry_writes_accepting_duplicates`](crate::CallOptions::retry_writes_accepting_duplicates)
/// (off by default) lets a call that is not read-only be retried after the failures above
/// during which the service may have acted, exactly as a read-only call is. That accepts
/// duplicates: a CreateInstance retried after a read timeout may create its instances twice.
/// A 2xx answer that cannot be read is still not sent again, and a call that fails after any
/// such attempt still ends in `OutcomeUnknown`.
///
/// # Rate limits
///
/// Throttling codes are retried, and they also slow the client down: see
/// [`RateLimits`](crate::RateLimits) for the pace the client keeps to each operation's
/// documented limit and how it adapts when the service throttles anyway.
///
/// # Waits
///
/// The wait before retry `n` (1-based) is uniformly random in `0..=min(max_delay, base_delay *
/// 2^(n-1))` ("full jitter"): many clients throttled at once then spread out instead of coming
/// back together. A retry whose wait would end after the client's operation timeout is not
/// made.
///
/// # Retry budget
///
/// Like the AWS SDKs' retry quota, a client holds a budget of retry tokens shared by all its
/// calls (default 500): a retry costs 5 tokens (10 after a timeout), a retry that succeeds gives
/// its tokens back, and a call that succeeds at once adds 1 token (up to the initial amount).
/// When the budget is spent, failures are returned without retrying, so a sustained outage or
/// throttling does not multiply the load the client puts on the service: 1,000 calls throttled
/// at once send about 1,100 requests, not 3,000.
///
/// # Defaults
///
/// 3 attempts, 100 ms base delay, 2 s cap, 500 tokens: enough to ride out a short throttling
/// burst without hiding an outage from the caller for long. At most [`RetryPolicy::MAX_ATTEMPTS`]
/// attempts: more only lengthen an outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    retry_tokens: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            retry_tokens: 500,
        }
    }
}

impl RetryPolicy {
    /// The most attempts a policy makes; larger values are taken as this.
    pub const MAX_ATTEMPTS: u32 = 10;

    /// `max_attempts` attempts in all (1 to [`RetryPolicy::MAX_ATTEMPTS`]), with the default
    /// delays and budget.
    pub fn new(max_attempts: u32) -> Self {
        Self::default().with_max_attempts(max_attempts)
    }

    /// One attempt: never retry, for callers that run their own retry loop (a clock-skew
    /// correction is still made, see above).
    pub fn none() -> Self {
        Self::new(1)
    }

    /// Sets the number of attempts in all (first one included), clamped to 1 to
    /// [`RetryPolicy::MAX_ATTEMPTS`].
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.clamp(1, Self::MAX_ATTEMPTS);
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

    /// Sets the client's retry budget in tokens (see above; 5 per retry, 10 per retry after a
    /// timeout). 0 turns retries off once the successes have not refilled it.
    pub fn with_retry_tokens(mut self, tokens: u32) -> Self {
        self.retry_tokens = tokens;
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

    /// The client's retry budget, in tokens.
    pub fn retry_tokens(&self) -> u32 {
        self.retry_tokens
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

/// Tokens a retry costs.
const RETRY_COST: u32 = 5;
/// Tokens a retry after a timeout costs: a timeout holds a connection for long.
const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a call that succeeds at its first attempt adds.
const SUCCESS_REWARD: u32 = 1;

/// A client's shared retry budget (a token bucket, as the AWS SDKs' retry quota).
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tokens: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    pub(crate) fn new(capacity: u32) -> Self {
        Self {
            tokens: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Takes the cost of a retry after a failure (a timeout or not); `None` when the budget
    /// cannot pay it.
    pub(crate) fn withdraw(&self, after_timeout: bool) -> Option<u32> {
        let cost = if after_timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded: gives back what its last retry cost, or the reward of a first-attempt
    /// success.
    pub(crate) fn succeeded(&self, last_retry_cost: Option<u32>) {
        let back = last_retry_cost.unwrap_or(SUCCESS_REWARD);
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(back).min(self.capacity))
            });
    }

    #[cfg(test)]
    fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
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
/// The code with which the service refuses a `SignatureNonce` it has seen in the last 15
/// minutes.
const NONCE_USED: &str = "SignatureNonceUsed";

/// Whether `code` is one of `service`'s throttling codes (documented, or of the `Throttling.*`
/// family it adds codes to).
pub(crate) fn is_throttling(service: &Service, code: &str) -> bool {
    match (service.retry_class)(code) {
        Some(class) => class == ens_core::RetryClass::Throttling,
        None => code.starts_with("Throttling"),
    }
}

/// What an attempt's failure allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Safety {
    /// The service did not act on the request (or never got it): any operation may retry.
    NotActed,
    /// The service may have acted: only read-only operations may retry; others end with
    /// `OutcomeUnknown`.
    MayHaveActed,
    /// The service answered 2xx, but the answer cannot be taken as a success: nothing is
    /// retried, and operations that are not read-only end with `OutcomeUnknown`.
    AnsweredUnreadable,
    /// Retrying cannot help (validation, signature, permissions, ...).
    Final,
}

/// The safety of an answer of `service` with HTTP `status` and service `code` (if it carried
/// one).
pub(crate) fn classify_answer(service: &Service, status: u16, code: Option<&str>) -> Safety {
    if let Some(code) = code {
        // The service has seen these very bytes before: an earlier delivery of them (a proxy
        // that sent the request again, a replay) may have been acted on.
        if code == NONCE_USED {
            return Safety::MayHaveActed;
        }
        // The service's description says, per common code, whether the service acted.
        if let Some(class) = (service.retry_class)(code) {
            return match class {
                ens_core::RetryClass::Throttling | ens_core::RetryClass::Unavailable => {
                    Safety::NotActed
                }
                ens_core::RetryClass::Transient => Safety::MayHaveActed,
                ens_core::RetryClass::Never if status >= 500 => Safety::MayHaveActed,
                ens_core::RetryClass::Never => Safety::Final,
            };
        }
        // Alibaba adds throttling codes over time (`Throttling.Resource`, ...): same family.
        if code.starts_with("Throttling") {
            return Safety::NotActed;
        }
    }
    // Without the service's word, a 5xx (503 included: from a proxy, say) may come after the
    // request was forwarded.
    match status {
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
        assert_eq!(p.retry_tokens(), 500);
        assert_eq!(RetryPolicy::new(0).max_attempts(), 1);
        assert_eq!(RetryPolicy::none().max_attempts(), 1);
        assert_eq!(
            RetryPolicy::new(u32::MAX).max_attempts(),
            RetryPolicy::MAX_ATTEMPTS
        );
    }

    #[test]
    fn extreme_delays_do_not_overflow() {
        let p = RetryPolicy::new(u32::MAX)
            .with_base_delay(Duration::MAX)
            .with_max_delay(Duration::MAX);
        for retry in [1, 2, 64, u32::MAX] {
            assert!(p.delay(retry) <= Duration::MAX);
            assert_eq!(p.delay_bound(retry), Duration::MAX);
        }
    }

    #[test]
    fn budget_pays_retries_and_refills_on_success() {
        let b = RetryBudget::new(12);
        assert_eq!(b.withdraw(false), Some(5));
        assert_eq!(b.withdraw(true), None, "7 left, a timeout retry costs 10");
        assert_eq!(b.withdraw(false), Some(5));
        assert_eq!(b.withdraw(false), None);
        b.succeeded(Some(5));
        assert_eq!(b.available(), 7);
        b.succeeded(None);
        assert_eq!(b.available(), 8);
        for _ in 0..10 {
            b.succeeded(Some(10));
        }
        assert_eq!(b.available(), 12, "never above the initial amount");
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

    /// A service whose common codes are the ones these tests use.
    static TEST_SERVICE: Service = Service {
        name: "Test",
        api_version: "2017-11-10",
        default_endpoint: "example.aliyuncs.com",
        endpoints: &[],
        retry_class: |code| match code {
            "Throttling" | "Throttling.User" => Some(ens_core::RetryClass::Throttling),
            "ServiceUnavailable" => Some(ens_core::RetryClass::Unavailable),
            "InternalError" => Some(ens_core::RetryClass::Transient),
            "SignatureDoesNotMatch" => Some(ens_core::RetryClass::Never),
            _ => None,
        },
    };

    #[test]
    fn classification() {
        assert_eq!(
            classify_answer(&TEST_SERVICE, 400, Some("Throttling.User")),
            Safety::NotActed
        );
        assert_eq!(
            classify_answer(&TEST_SERVICE, 400, Some("Throttling.Whatever")),
            Safety::NotActed
        );
        assert_eq!(
            classify_answer(&TEST_SERVICE, 503, Some("ServiceUnavailable")),
            Safety::NotActed
        );
        assert_eq!(
            classify_answer(&TEST_SERVICE, 503, None),
            Safety::MayHaveActed
        );
        assert_eq!(
            classify_answer(&TEST_SERVICE, 503, Some("Brand.New")),
            Safety::MayHaveActed
        );
        assert_eq!(
            classify_answer(&TEST_SERVICE, 200, Some("Throttling.User")),
            Safety::NotActed
        );
        assert_eq!(
            classify_answer(&TEST_SERVICE, 200, Some("InvalidParameter")),
            Safety::Final
        );
        assert_eq!(
            classify_answer(&TEST_SERVICE, 500, Some("InternalError")),
            Safety::MayHaveActed
        );
        assert_eq!(
            classify_answer(&TEST_SERVICE, 502, None),
            Safety::MayHaveActed
        );
        assert_eq!(
            classify_answer(&TEST_SERVICE, 400, Some("SignatureDoesNotMatch")),
            Safety::Final
        );
        assert_eq!(
            classify_answer(&TEST_SERVICE, 400, Some("InvalidParameter")),
            Safety::Final
        );
        assert_eq!(classify_answer(&TEST_SERVICE, 404, None), Safety::Final);
        // A nonce the service saw before: an earlier delivery may have been acted on.
        assert_eq!(
            classify_answer(&TEST_SERVICE, 400, Some("SignatureNonceUsed")),
            Safety::MayHaveActed
        );
    }

    #[test]
    fn throttling_codes() {
        assert!(is_throttling(&TEST_SERVICE, "Throttling.User"));
        assert!(is_throttling(&TEST_SERVICE, "Throttling.Resource"));
        assert!(!is_throttling(&TEST_SERVICE, "ServiceUnavailable"));
        assert!(!is_throttling(&TEST_SERVICE, "InvalidParameter"));
    }
}
