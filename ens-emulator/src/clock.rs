//! The resource clock: what lifecycle transitions are timed against.
//!
//! `Real` is wall time plus an offset that [`Clock::advance`] grows, so a long boot delay can be
//! skipped; `Manual` stands still until advanced or set, so tests are deterministic and never
//! sleep. Signature timestamps are checked against the service's wall clock (this machine's, or
//! ahead of it by `wall_clock_ahead`) and throttling windows on tokio's clock: they concern the
//! client's clock and its pace.

use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How the resource clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockMode {
    /// Wall time (plus whatever [`crate::Emulator::advance`] added).
    Real,
    /// Frozen until [`crate::Emulator::advance`] or [`crate::Emulator::set_time`].
    Manual,
}

/// Where a `Manual` clock starts: 2025-01-01T00:00:00Z, so creation times are reproducible.
pub const MANUAL_START_MS: i64 = 1_735_689_600_000;

/// The resource clock's state (persisted with the state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Clock {
    pub(crate) mode: ClockMode,
    /// `Manual`: the current time.
    pub(crate) manual_ms: i64,
    /// `Real`: added to wall time.
    pub(crate) offset_ms: i64,
}

/// Milliseconds since the Unix epoch, by the wall clock.
pub(crate) fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

pub(crate) fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Clock {
    pub(crate) fn new(mode: ClockMode) -> Self {
        Self {
            mode,
            manual_ms: MANUAL_START_MS,
            offset_ms: 0,
        }
    }

    /// The resource time, in milliseconds since the epoch.
    pub(crate) fn now_ms(&self) -> i64 {
        match self.mode {
            ClockMode::Real => wall_ms().saturating_add(self.offset_ms),
            ClockMode::Manual => self.manual_ms,
        }
    }

    /// Moves the resource time forward.
    pub(crate) fn advance(&mut self, by: Duration) {
        let by = duration_ms(by);
        match self.mode {
            ClockMode::Real => self.offset_ms = self.offset_ms.saturating_add(by),
            ClockMode::Manual => self.manual_ms = self.manual_ms.saturating_add(by),
        }
    }

    /// Sets the resource time (milliseconds since the epoch).
    pub(crate) fn set(&mut self, at_ms: i64) {
        match self.mode {
            ClockMode::Real => self.offset_ms = at_ms.saturating_sub(wall_ms()),
            ClockMode::Manual => self.manual_ms = at_ms,
        }
    }
}

/// `yyyy-MM-ddTHH:mm:ssZ` of a resource time.
pub(crate) fn iso(ms: i64) -> String {
    ens_auth::SigningTime::from_unix_seconds(ms.div_euclid(1000)).to_utc_string()
}

/// Reads `yyyy-MM-ddTHH:mm:ss[.fff]Z` (the signature timestamp formats the service takes) as
/// seconds since the epoch: the signer's own reader, so both ends agree on what a timestamp is.
pub(crate) fn parse_iso(text: &str) -> Option<i64> {
    ens_auth::SigningTime::parse_utc(text).map(ens_auth::SigningTime::unix_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trips() {
        for secs in [0, 951_782_400, 1_714_552_200, 1_735_689_600, 4_107_542_400] {
            assert_eq!(parse_iso(&iso(secs * 1000)), Some(secs));
        }
        assert_eq!(parse_iso("2024-05-01T08:30:00.123Z"), Some(1_714_552_200));
        for bad in [
            "2024-05-01 08:30:00Z",
            "2024-05-01T08:30:00",
            "2024-13-01T08:30:00Z",
            "2024-02-30T08:30:00Z",
            "2024-05-01T08:30:00.Z",
            "x",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let mut c = Clock::new(ClockMode::Manual);
        assert_eq!(c.now_ms(), MANUAL_START_MS);
        c.advance(Duration::from_secs(3));
        assert_eq!(c.now_ms(), MANUAL_START_MS + 3000);
        c.set(5);
        assert_eq!(c.now_ms(), 5);
        let mut r = Clock::new(ClockMode::Real);
        r.advance(Duration::from_secs(3600));
        assert!(r.now_ms() >= wall_ms() + 3_599_000);
    }
}
