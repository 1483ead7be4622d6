//! Client-side rate limiting: calls paced to the service's documented limits before the service
//! throttles them, and slowed down further when it throttles anyway.
//!
//! Per operation, a bucket of `N` tokens (the documented `N` calls per second): each attempt
//! takes one, and a token comes back one window (a second, plus a 1% margin for the way to the
//! service) after the attempt that took it. Calls within the limit go at once, in a burst of up
//! to `N`; a call beyond it is given the next free slot and waits for it, first come first
//! served. This is a token bucket whose tokens return a window after use rather than at a
//! steady trickle, so no window of the service's, sliding or fixed, ever sees more than `N`.
//!
//! Adaptive, like the AWS SDKs' adaptive retry mode: a throttling answer the service gives anyway
//! (another process shares the account's quota, or the documented limit is out of date) cuts the
//! operation's rate to 70% of what it was (of the rate measured over the last second, for an
//! operation without a documented limit), and the rate then grows back along a cubic curve
//! (CUBIC, as in TCP and the AWS SDKs): slowly near the rate that was throttled, so for
//! CreateInstance's 10 calls/s it is back after about 2 s without another throttle. Only answers
//! to attempts sent after the last cut cut again, so a burst of throttled answers counts once.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use ens_core::OperationSpec;

/// Which client-side rate limits a client keeps (see
/// [`ClientBuilder::rate_limits`](crate::ClientBuilder::rate_limits)).
///
/// The default, [`RateLimits::documented`], paces every operation whose reference documents a
/// limit (CreateInstance: 10 calls/s per account; DescribeInstances: 100) to that limit, and
/// adapts every operation to throttling answers. The limits hold for all clones of a client;
/// several clients (or processes) calling with one account share its quota, so give each its
/// [`share`](RateLimits::share).
///
/// ```
/// use ens_client::{Client, RateLimits};
///
/// // Two processes with one account: each uses half of every documented limit, and
/// // CreateInstance at most 2 calls/s.
/// let limits = RateLimits::documented().share(0.5).limit("CreateInstance", 2.0);
/// let client = Client::builder().rate_limits(limits).build()?;
/// // No client-side limits at all (the service's throttling answers are still retried).
/// let unpaced = Client::builder().rate_limits(RateLimits::off()).build()?;
/// # Ok::<(), ens_client::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct RateLimits {
    enabled: bool,
    adaptive: bool,
    share: f64,
    /// Per action: a limit of the user's (calls per second), or none at all.
    overrides: Vec<(String, Option<f64>)>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::documented()
    }
}

/// The slowest pace a limit is taken as: one call per 100 s.
const MIN_RATE: f64 = 0.01;
/// The fastest limit kept: faster ones are taken as no limit.
const MAX_RATE: f64 = 10_000.0;
/// The slowest an adaptive cut goes (unless the limit itself is slower), as the AWS SDKs.
const MIN_ADAPTIVE_RATE: f64 = 0.5;
/// CUBIC's factor of the cut (the rate becomes 70% of what was throttled) and its scale.
const BETA: f64 = 0.7;
const CUBIC_C: f64 = 0.4;
/// The margin added to each window, for the way from the client to the service.
const WINDOW_MARGIN: f64 = 0.01;

impl RateLimits {
    /// The documented limits of the operations' references, adapted to throttling answers: the
    /// default.
    pub fn documented() -> Self {
        Self {
            enabled: true,
            adaptive: true,
            share: 1.0,
            overrides: Vec::new(),
        }
    }

    /// No client-side limit and no adaptation: every call is sent at once, and the service's
    /// throttling answers are only retried (see [`crate::RetryPolicy`]).
    pub fn off() -> Self {
        Self {
            enabled: false,
            ..Self::documented()
        }
    }

    /// Uses `fraction` of each documented limit (default 1; clamped to 0.01 to 1, NaN taken as
    /// 1), for clients or processes that share an account's quota. Limits set with
    /// [`RateLimits::limit`] are taken as they are.
    pub fn share(mut self, fraction: f64) -> Self {
        self.share = if fraction.is_nan() {
            1.0
        } else {
            fraction.clamp(0.01, 1.0)
        };
        self
    }

    /// Limits `action` (such as `"CreateInstance"`) to `per_second` calls, instead of its
    /// documented limit or none. Clamped to 0.01 (one call per 100 s; zero, negative and NaN
    /// are taken as that); above 10,000, or infinite, means no limit.
    pub fn limit(mut self, action: impl Into<String>, per_second: f64) -> Self {
        let rate = if per_second.is_nan() || per_second <= MIN_RATE {
            Some(MIN_RATE)
        } else {
            (per_second <= MAX_RATE).then_some(per_second)
        };
        self.set(action.into(), rate);
        self
    }

    /// No client-side limit for `action`, whatever its reference documents (throttling answers
    /// still slow it down while [`RateLimits::adaptive`] is on).
    pub fn unlimited(mut self, action: impl Into<String>) -> Self {
        self.set(action.into(), None);
        self
    }

    /// Whether throttling answers slow an operation down beyond its limit (default on).
    pub fn adaptive(mut self, on: bool) -> Self {
        self.adaptive = on;
        self
    }

    fn set(&mut self, action: String, rate: Option<f64>) {
        self.overrides.retain(|(a, _)| *a != action);
        self.overrides.push((action, rate));
    }

    /// The configured limit of an operation, in calls per second.
    fn limit_of(&self, spec: &OperationSpec) -> Option<f64> {
        match self.overrides.iter().find(|(a, _)| a == spec.action) {
            Some((_, rate)) => *rate,
            None => spec
                .rate_limit_per_second
                .map(|n| (f64::from(n) * self.share).clamp(MIN_RATE, MAX_RATE)),
        }
    }
}

/// A client's rate limiter: the pace of each operation it has called, shared by its clones.
pub(crate) struct RateLimiter {
    limits: RateLimits,
    paces: Mutex<HashMap<&'static str, Pace>>,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Why an attempt was not sent: its slot would come after the operation timeout.
#[derive(Debug)]
pub(crate) struct NoSlot {
    pub(crate) action: &'static str,
    pub(crate) rate: f64,
    pub(crate) wait: Duration,
}

impl fmt::Display for NoSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the client's rate limit for {} ({:.2} calls/s, ClientBuilder::rate_limits) has no free slot for {:.1} s, past the operation timeout",
            self.action,
            self.rate,
            self.wait.as_secs_f64()
        )
    }
}

impl std::error::Error for NoSlot {}

impl RateLimiter {
    pub(crate) fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            paces: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, Pace>> {
        self.paces.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the next free slot of `spec`'s operation at or after `now`: when its attempt may be
    /// sent. A slot at or after `deadline` is not taken.
    pub(crate) fn reserve(
        &self,
        spec: &'static OperationSpec,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Result<Instant, NoSlot> {
        if !self.limits.enabled {
            return Ok(now);
        }
        let limit = self.limits.limit_of(spec);
        if limit.is_none() && !self.limits.adaptive {
            return Ok(now);
        }
        let mut paces = self.lock();
        let pace = paces
            .entry(spec.action)
            .or_insert_with(|| Pace::new(limit, now));
        pace.count(now);
        let Some(rate) = pace.rate(now) else {
            return Ok(now);
        };
        let (tokens, window) = shape(rate);
        while pace.slots.len() > tokens {
            pace.slots.pop_front();
        }
        let mut slot = pace.slots.back().map_or(now, |last| now.max(*last));
        if pace.slots.len() == tokens
            && let Some(first) = pace.slots.front()
        {
            slot = slot.max(*first + window);
        }
        if deadline.is_some_and(|d| slot >= d) {
            return Err(NoSlot {
                action: spec.action,
                rate,
                wait: slot.saturating_duration_since(now),
            });
        }
        if pace.slots.len() == tokens {
            pace.slots.pop_front();
        }
        pace.slots.push_back(slot);
        Ok(slot)
    }

    /// The service throttled an attempt of `spec`'s operation sent at `sent`: cuts its rate,
    /// unless the attempt was sent before the last cut (or at the same instant: its answer is
    /// news of the rate before the cut).
    pub(crate) fn throttled(&self, spec: &'static OperationSpec, sent: Instant, now: Instant) {
        if !(self.limits.enabled && self.limits.adaptive) {
            return;
        }
        let limit = self.limits.limit_of(spec);
        let mut paces = self.lock();
        let pace = paces
            .entry(spec.action)
            .or_insert_with(|| Pace::new(limit, now));
        if pace.cut.is_some_and(|cut| sent <= cut.at) {
            return;
        }
        let was = pace.rate(now).unwrap_or_else(|| pace.measured(now));
        let floor = MIN_ADAPTIVE_RATE.min(limit.unwrap_or(MIN_ADAPTIVE_RATE));
        pace.cut = Some(Cut {
            at: now,
            rate: was.max(floor),
            floor,
        });
        tracing::debug!(
            action = spec.action,
            from = was,
            to = pace.rate(now),
            "throttled: the client slows this operation down"
        );
    }

    /// The rate `action` is paced to now, in calls per second (`None`: not paced).
    pub(crate) fn current(&self, action: &str, now: Instant) -> Option<f64> {
        if !self.limits.enabled {
            return None;
        }
        let mut paces = self.lock();
        match paces.get_mut(action) {
            Some(pace) => pace.rate(now),
            None => self
                .limits
                .overrides
                .iter()
                .find(|(a, _)| a == action)
                .and_then(|(_, rate)| *rate),
        }
    }
}

/// How a rate becomes a bucket: `N` tokens coming back after a window of `N / rate` seconds
/// (plus the margin). At least one token; below one call per second, one token and a longer
/// window.
fn shape(rate: f64) -> (usize, Duration) {
    let rate = rate.clamp(MIN_RATE, MAX_RATE);
    // At most MAX_RATE, so the cast is exact.
    let tokens = (rate.floor() as usize).max(1);
    let seconds = tokens as f64 / rate * (1.0 + WINDOW_MARGIN);
    (tokens, Duration::from_secs_f64(seconds))
}

/// One operation's pace.
#[derive(Debug)]
struct Pace {
    /// The configured limit (calls per second); `None`: none.
    limit: Option<f64>,
    /// The slots given out, oldest first: at most one per token.
    slots: VecDeque<Instant>,
    /// The last cut after a throttling answer, while the rate has not grown back.
    cut: Option<Cut>,
    /// Attempts counted in the current second and the one before, for the measured rate.
    second_start: Instant,
    this_second: u32,
    last_second: u32,
}

/// A cut of the rate after a throttling answer.
#[derive(Debug, Clone, Copy)]
struct Cut {
    at: Instant,
    /// The rate when the service throttled (CUBIC's `W_max`).
    rate: f64,
    /// The lowest the rate goes.
    floor: f64,
}

impl Pace {
    fn new(limit: Option<f64>, now: Instant) -> Self {
        Self {
            limit,
            slots: VecDeque::new(),
            cut: None,
            second_start: now,
            this_second: 0,
            last_second: 0,
        }
    }

    /// Counts an attempt, for the measured rate.
    fn count(&mut self, now: Instant) {
        self.roll(now);
        self.this_second = self.this_second.saturating_add(1);
    }

    fn roll(&mut self, now: Instant) {
        let since = now.saturating_duration_since(self.second_start);
        if since >= Duration::from_secs(1) {
            self.last_second = if since < Duration::from_secs(2) {
                self.this_second
            } else {
                0
            };
            self.this_second = 0;
            self.second_start = now;
        }
    }

    /// Attempts per second lately: the busier of this second and the last (at least 1).
    fn measured(&mut self, now: Instant) -> f64 {
        self.roll(now);
        f64::from(self.this_second.max(self.last_second).max(1))
    }

    /// The rate now: the limit, or below it while growing back from a cut. A rate that has
    /// grown back to the limit (or, without a limit, to twice the rate that was throttled)
    /// ends the cut.
    fn rate(&mut self, now: Instant) -> Option<f64> {
        let Some(cut) = self.cut else {
            return self.limit;
        };
        let t = now.saturating_duration_since(cut.at).as_secs_f64();
        let k = (cut.rate * (1.0 - BETA) / CUBIC_C).cbrt();
        let cubic = (cut.rate + CUBIC_C * (t - k).powi(3)).max(cut.floor);
        match self.limit {
            Some(limit) if cubic >= limit => {
                self.cut = None;
                Some(limit)
            }
            None if cubic >= 2.0 * cut.rate => {
                self.cut = None;
                None
            }
            _ => Some(cubic.min(MAX_RATE)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(action: &'static str, limit: Option<u32>) -> &'static OperationSpec {
        Box::leak(Box::new(OperationSpec {
            action,
            version: "2017-11-10",
            method: "POST",
            rate_limit_per_second: limit,
            read_only: false,
            params: &[],
            cross_rules: &[],
            answer_requires: &[],
        }))
    }

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn a_documented_limit_allows_a_burst_then_one_slot_per_returned_token() {
        let limiter = RateLimiter::new(RateLimits::documented());
        let create = spec("CreateInstance", Some(10));
        let t0 = Instant::now();
        let slots: Vec<Duration> = (0..25)
            .map(|_| limiter.reserve(create, t0, None).unwrap() - t0)
            .collect();
        let window = secs(1.01);
        assert!(slots[..10].iter().all(|s| s.is_zero()), "{slots:?}");
        assert!(slots[10..20].iter().all(|s| *s == window), "{slots:?}");
        assert!(slots[20..].iter().all(|s| *s == window * 2), "{slots:?}");
        // No window of a second holds more than 10 slots.
        for (i, s) in slots.iter().enumerate() {
            let within = slots[i..].iter().filter(|o| **o - *s < secs(1.0)).count();
            assert!(within <= 10, "{within} slots within a second of {s:?}");
        }
        // Later callers who find tokens back go at once.
        let later = t0 + secs(10.0);
        assert_eq!(limiter.reserve(create, later, None).unwrap(), later);
    }

    #[test]
    fn a_slot_past_the_deadline_is_not_taken() {
        let limiter = RateLimiter::new(RateLimits::documented().limit("X", 1.0));
        let x = spec("X", None);
        let t0 = Instant::now();
        assert_eq!(limiter.reserve(x, t0, Some(t0 + secs(5.0))).unwrap(), t0);
        let err = limiter.reserve(x, t0, Some(t0 + secs(1.0))).unwrap_err();
        assert_eq!((err.action, err.wait), ("X", secs(1.01)));
        assert!(err.to_string().contains("rate limit for X"), "{err}");
        // The refused caller took nothing: the next gets the same slot.
        assert_eq!(limiter.reserve(x, t0, None).unwrap(), t0 + secs(1.01));
    }

    #[test]
    fn overrides_shares_and_off() {
        let create = spec("CreateInstance", Some(10));
        let describe = spec("DescribeInstances", Some(100));
        let free = spec("StartInstance", None);
        let limits = RateLimits::documented()
            .share(0.5)
            .limit("DescribeInstances", 3.0);
        assert_eq!(limits.limit_of(create), Some(5.0));
        assert_eq!(limits.limit_of(describe), Some(3.0));
        assert_eq!(limits.limit_of(free), None);
        let limits = limits
            .unlimited("CreateInstance")
            .limit("StartInstance", f64::NAN);
        assert_eq!(limits.limit_of(create), None);
        assert_eq!(limits.limit_of(free), Some(MIN_RATE));
        let limits = limits.limit("StartInstance", f64::INFINITY).share(f64::NAN);
        assert_eq!((limits.limit_of(free), limits.share), (None, 1.0));
        let off = RateLimiter::new(RateLimits::off());
        let t0 = Instant::now();
        for _ in 0..100 {
            assert_eq!(off.reserve(create, t0, None).unwrap(), t0);
        }
        assert_eq!(off.current("CreateInstance", t0), None);
    }

    #[test]
    fn slow_limits_space_single_calls() {
        assert_eq!(shape(0.25), (1, secs(4.0 * 1.01)));
        assert_eq!(shape(2.5), (2, secs(0.8 * 1.01)));
        assert_eq!(shape(f64::INFINITY), (10_000, secs(1.01)));
        assert_eq!(shape(0.0).0, 1);
    }

    #[test]
    fn a_throttle_cuts_the_rate_which_grows_back_to_the_limit() {
        let limiter = RateLimiter::new(RateLimits::documented());
        let create = spec("CreateInstance", Some(10));
        let t0 = Instant::now();
        limiter.reserve(create, t0, None).unwrap();
        limiter.throttled(create, t0, t0);
        let rate = |t: f64| limiter.current("CreateInstance", t0 + secs(t)).unwrap();
        assert!((rate(0.0) - 7.0).abs() < 1e-9, "{}", rate(0.0));
        // Answers to attempts sent before the cut do not cut again.
        limiter.throttled(create, t0, t0 + secs(0.1));
        assert!(rate(0.1) > 7.0, "cut twice: {}", rate(0.1));
        // Growing: slower near the throttled rate, back at it after about 2 s.
        assert!(rate(0.5) < rate(1.0) && rate(1.0) < 10.0);
        assert!((rate(1.96) - 10.0).abs() < 0.01, "{}", rate(1.96));
        assert_eq!(rate(3.0), 10.0);
        // An attempt sent after the cut cuts again, from where the rate is.
        let at = t0 + secs(5.0);
        limiter.throttled(create, at, at);
        assert!((rate(5.0) - 7.0).abs() < 1e-9);
        // Repeated throttling goes down to the floor and no further.
        for i in 0..40 {
            let at = t0 + secs(5.0 + f64::from(i) * 0.001);
            limiter.throttled(create, at, at);
        }
        assert!(
            (rate(5.04) - MIN_ADAPTIVE_RATE).abs() < 1e-9,
            "{}",
            rate(5.04)
        );
    }

    #[test]
    fn an_operation_without_a_limit_is_paced_only_after_a_throttle() {
        let limiter = RateLimiter::new(RateLimits::documented());
        let start = spec("StartInstance", None);
        let t0 = Instant::now();
        for i in 0..40 {
            let at = t0 + secs(f64::from(i) * 0.025);
            assert_eq!(limiter.reserve(start, at, None).unwrap(), at);
        }
        // Throttled at 40 calls in the last second: paced at 28.
        let at = t0 + secs(1.0);
        limiter.throttled(start, at, at);
        let rate = limiter.current("StartInstance", at).unwrap();
        assert!((rate - 28.0).abs() < 1e-9, "{rate}");
        // Until the rate has grown past twice the throttled one, then free again.
        assert!(limiter.current("StartInstance", at + secs(5.0)).is_some());
        assert_eq!(limiter.current("StartInstance", at + secs(20.0)), None);
        // Without adaptation, nothing is paced.
        let fixed = RateLimiter::new(RateLimits::documented().adaptive(false));
        fixed.throttled(start, at, at);
        assert_eq!(fixed.current("StartInstance", at), None);
        assert_eq!(fixed.reserve(start, at, None).unwrap(), at);
    }
}
