//! Rate limits per account and action (`Throttling.User` when exceeded): the documented limits
//! from the specs, or the ones a test sets. Counted on tokio's clock, which is the wall clock's
//! pace in the binary, and virtual time in a test that pauses it, as the client it serves then
//! runs on; refused calls do not count.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// At most `count` calls per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Calls allowed per period.
    pub count: u32,
    /// The sliding window.
    pub period: Duration,
}

impl Quota {
    /// `count` calls per second, as the references state limits.
    pub fn per_second(count: u32) -> Self {
        Self {
            count,
            period: Duration::from_secs(1),
        }
    }
}

/// Recent calls per (account, action).
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    calls: HashMap<(String, String), VecDeque<Instant>>,
}

impl Throttle {
    /// Counts a call and says whether it is within `quota`.
    pub(crate) fn allow(
        &mut self,
        account: &str,
        action: &str,
        quota: Quota,
        now: Instant,
    ) -> bool {
        let window = self
            .calls
            .entry((account.to_owned(), action.to_owned()))
            .or_default();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= quota.period)
        {
            window.pop_front();
        }
        if window.len() >= quota.count as usize {
            return false;
        }
        window.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_window_per_account_and_action() {
        let mut t = Throttle::default();
        let q = Quota::per_second(2);
        let start = Instant::now();
        assert!(t.allow("a", "X", q, start));
        assert!(t.allow("a", "X", q, start));
        assert!(!t.allow("a", "X", q, start), "third within the second");
        assert!(t.allow("b", "X", q, start), "other account");
        assert!(t.allow("a", "Y", q, start), "other action");
        assert!(t.allow("a", "X", q, start + Duration::from_secs(1)));
    }
}
