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
//! operation's rate to 70% of what the service accepted over the last second (taken as at most
//! the rate the operation was paced to, and at least 70% of it: a throttle before much was sent
//! says little), and the rate then grows back along a cubic curve (CUBIC, as in TCP and the AWS
//! SDKs): quickly at first, slowly near the rate that was accepted, then faster beyond it,
//! probing for more. While cut, calls are evenly spaced rather than sent in bursts, so probing
//! above what the service allows costs single throttled calls. For CreateInstance's 10 calls/s
//! the rate is back at the limit about 2 s after a cut if nothing is throttled meanwhile. Only
//! answers to attempts sent after the last cut cut again, so a burst of throttled answers counts
//! once. An operation without a documented limit is not paced until the service throttles it,
//! and no longer once its rate has grown to twice what was accepted.

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
        let Some(rate) = pace.rate(now) else {
            return Ok(now);
        };
        let (tokens, window) = shape(rate);
        let last = pace.slots.back().copied();
        let mut slot = last.map_or(now, |last| now.max(last));
        // The token this slot takes back came back a window after the slot that took it.
        if let Some(i) = pace.slots.len().checked_sub(tokens)
            && let Some(earlier) = pace.slots.get(i)
        {
            slot = slot.max(*earlier + window);
        }
        // While cut, one call per share of the window: no bursts.
        if pace.cut.is_some()
            && let Some(last) = last
        {
            slot = slot.max(last + window / tokens as u32);
        }
        if deadline.is_some_and(|d| slot >= d) {
            return Err(NoSlot {
                action: spec.action,
                rate,
                wait: slot.saturating_duration_since(now),
            });
        }
        pace.slots.push_back(slot);
        let kept = pace.kept_slots(tokens);
        while pace.slots.len() > kept {
            pace.slots.pop_front();
        }
        Ok(slot)
    }

    /// An attempt of `spec`'s operation sent at `sent` was answered, throttled or not: counted
    /// for the rates measured, and a throttling answer cuts the operation's rate, unless the
    /// attempt was sent before the last cut (or at the same instant: its answer is news of the
    /// rate before the cut).
    pub(crate) fn answered(
        &self,
        spec: &'static OperationSpec,
        sent: Instant,
        now: Instant,
        throttled: bool,
    ) {
        if !(self.limits.enabled && self.limits.adaptive) {
            return;
        }
        let limit = self.limits.limit_of(spec);
        let mut paces = self.lock();
        let pace = paces
            .entry(spec.action)
            .or_insert_with(|| Pace::new(limit, now));
        pace.count(now, throttled);
        if !throttled || pace.cut.is_some_and(|cut| sent <= cut.at) {
            return;
        }
        // The service allows about what it accepted lately (when that is not too little to
        // tell: a throttle before much was sent says little); the cut starts below that and
        // grows back to it.
        let was = pace.rate(now).unwrap_or_else(|| pace.answered_rate(now));
        let floor = MIN_ADAPTIVE_RATE.min(limit.unwrap_or(MIN_ADAPTIVE_RATE));
        let accepted = pace.accepted_rate(now);
        pace.cut = Some(Cut {
            at: now,
            rate: accepted.max(BETA * was).min(was).max(floor),
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
    /// Answers counted in the current second and the one before, for the measured rates.
    second_start: Instant,
    this_second: Answers,
    last_second: Answers,
}

/// Answers in one second.
#[derive(Debug, Clone, Copy, Default)]
struct Answers {
    all: u32,
    throttled: u32,
}

impl Answers {
    fn accepted(self) -> u32 {
        self.all - self.throttled
    }
}

/// A cut of the rate after a throttling answer.
#[derive(Debug, Clone, Copy)]
struct Cut {
    at: Instant,
    /// The rate the service is taken to allow (CUBIC's `W_max`): what it accepted lately,
    /// between 70% and all of the rate the operation was paced to when throttled.
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
            this_second: Answers::default(),
            last_second: Answers::default(),
        }
    }

    /// How many of the latest slots to remember: enough for the most tokens the operation's
    /// rate may have (its limit, or while cut without one, twice the cut's rate), so that a
    /// rate growing back counts the slots it gave out while lower.
    fn kept_slots(&self, tokens: usize) -> usize {
        let most = match (self.limit, self.cut) {
            (Some(limit), _) => limit,
            (None, Some(cut)) => 2.0 * cut.rate,
            (None, None) => 0.0,
        };
        // At most MAX_RATE, so the cast is exact.
        (most.clamp(0.0, MAX_RATE).floor() as usize).max(tokens)
    }

    /// Counts an answer, for the measured rates.
    fn count(&mut self, now: Instant, throttled: bool) {
        self.roll(now);
        let this = &mut self.this_second;
        this.all = this.all.saturating_add(1);
        this.throttled = this.throttled.saturating_add(u32::from(throttled));
    }

    fn roll(&mut self, now: Instant) {
        let since = now.saturating_duration_since(self.second_start);
        if since >= Duration::from_secs(1) {
            self.last_second = if since < Duration::from_secs(2) {
                self.this_second
            } else {
                Answers::default()
            };
            self.this_second = Answers::default();
            self.second_start = now;
        }
    }

    /// Answers per second lately: the busier of this second and the last (at least 1).
    fn answered_rate(&mut self, now: Instant) -> f64 {
        self.roll(now);
        f64::from(self.this_second.all.max(self.last_second.all).max(1))
    }

    /// Answers that were not throttling ones, per second lately: the more of this second's and
    /// the last's.
    fn accepted_rate(&mut self, now: Instant) -> f64 {
        self.roll(now);
        f64::from(self.this_second.accepted().max(self.last_second.accepted()))
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

    /// `n` answers that were not throttled, at `at`.
    fn accepted(limiter: &RateLimiter, spec: &'static OperationSpec, n: usize, at: Instant) {
        for _ in 0..n {
            limiter.answered(spec, at, at, false);
        }
    }

    #[test]
    fn a_throttle_cuts_the_rate_which_grows_back_to_the_limit() {
        let limiter = RateLimiter::new(RateLimits::documented());
        let create = spec("CreateInstance", Some(10));
        let t0 = Instant::now();
        limiter.reserve(create, t0, None).unwrap();
        accepted(&limiter, create, 10, t0);
        limiter.answered(create, t0, t0, true);
        let rate = |t: f64| limiter.current("CreateInstance", t0 + secs(t)).unwrap();
        assert!((rate(0.0) - 7.0).abs() < 1e-9, "{}", rate(0.0));
        // Answers to attempts sent before the cut do not cut again.
        limiter.answered(create, t0, t0 + secs(0.1), true);
        assert!(rate(0.1) > 7.0, "cut twice: {}", rate(0.1));
        // While cut, calls are spaced: one token.
        let spaced = limiter.reserve(create, t0 + secs(0.2), None).unwrap();
        let next = limiter.reserve(create, t0 + secs(0.2), None).unwrap();
        assert!(next > spaced, "{:?}", next - spaced);
        // Growing: slower near the throttled rate, back at it after about 2 s.
        assert!(rate(0.5) < rate(1.0) && rate(1.0) < 10.0);
        assert!((rate(1.96) - 10.0).abs() < 0.01, "{}", rate(1.96));
        assert_eq!(rate(3.0), 10.0);
        // An attempt sent after the cut cuts again, to 70% of what the service accepted lately
        // (8 in the last second here, where the client was allowed 10)...
        let at = t0 + secs(5.0);
        accepted(&limiter, create, 8, at);
        limiter.answered(create, at, at, true);
        assert!((rate(5.0) - 5.6).abs() < 1e-9, "{}", rate(5.0));
        // ... but to no less than 70% of 70% of its rate when little was accepted (a throttle
        // before much was sent says little about the service's rate).
        let other = RateLimiter::new(RateLimits::documented());
        other.answered(create, t0, t0, true);
        let cut = other.current("CreateInstance", t0).unwrap();
        assert!((cut - 4.9).abs() < 1e-9, "{cut}");
        // Repeated throttling goes down to the floor and no further.
        for i in 1..40 {
            let at = t0 + secs(5.0 + f64::from(i) * 0.001);
            limiter.answered(create, at, at, true);
        }
        assert!(
            (rate(5.04) - MIN_ADAPTIVE_RATE).abs() < 1e-9,
            "{}",
            rate(5.04)
        );
    }

    /// The most slots within any one second.
    fn busiest_second(slots: &[Instant]) -> usize {
        slots
            .iter()
            .map(|s| {
                slots
                    .iter()
                    .filter(|o| **o >= *s && **o - *s < secs(1.0))
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn no_second_holds_more_than_the_limit_through_a_cut_and_its_recovery() {
        let limiter = RateLimiter::new(RateLimits::documented());
        let create = spec("CreateInstance", Some(10));
        let t0 = Instant::now();
        // A caller that would go 50 times a second, throttled once at 0.5 s.
        let mut slots = Vec::new();
        for i in 0..400 {
            let now = t0 + secs(f64::from(i) * 0.02);
            let slot = limiter.reserve(create, now.max(*slots.last().unwrap_or(&now)), None);
            let slot = slot.unwrap();
            limiter.answered(create, slot, slot, i == 25);
            slots.push(slot);
        }
        let cut_at = slots[25];
        let after: Vec<Instant> = slots.iter().copied().filter(|s| *s > cut_at).collect();
        // Spaced while cut: no two slots at once until the rate is back at the limit.
        let back = cut_at + secs(1.9);
        let spaced = after
            .windows(2)
            .filter(|w| w[1] < back)
            .all(|w| w[1] > w[0]);
        assert!(spaced, "{after:?}");
        assert!(busiest_second(&slots) <= 10, "{}", busiest_second(&slots));
        assert_eq!(
            limiter.current("CreateInstance", *slots.last().unwrap()),
            Some(10.0)
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
            limiter.answered(start, at, at, false);
        }
        // Throttled after 40 calls in the last second: paced at 28.
        let at = t0 + secs(1.0);
        limiter.answered(start, at, at, true);
        let rate = limiter.current("StartInstance", at).unwrap();
        assert!((rate - 28.0).abs() < 1e-9, "{rate}");
        // Until the rate has grown past twice the throttled one, then free again.
        assert!(limiter.current("StartInstance", at + secs(5.0)).is_some());
        assert_eq!(limiter.current("StartInstance", at + secs(20.0)), None);
        // Without adaptation, nothing is paced.
        let fixed = RateLimiter::new(RateLimits::documented().adaptive(false));
        fixed.answered(start, at, at, true);
        assert_eq!(fixed.current("StartInstance", at), None);
        assert_eq!(fixed.reserve(start, at, None).unwrap(), at);
    }
}
