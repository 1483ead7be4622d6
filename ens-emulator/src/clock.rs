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
/// seconds since the epoch.
pub(crate) fn parse_iso(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let rest = &text[19..];
    let fraction_ok = match rest.strip_suffix('Z')? {
        "" => true,
        f => f
            .strip_prefix('.')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())),
    };
    if !fraction_ok {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Days from 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
