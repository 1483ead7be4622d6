//! The signing clock, injected so that signatures are reproducible.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// An instant at whole-second resolution, as the `Timestamp` parameter and the `x-acs-date` header
/// carry it.
///
/// Signers take one of these instead of reading the clock so that tests and vectors can pin the
/// time. The range is clamped to years 0000..=9999 so the wire form always has the fixed
/// `yyyy-MM-ddTHH:mm:ssZ` shape the service parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SigningTime {
    unix_seconds: i64,
}

/// 0000-01-01T00:00:00Z.
const MIN_UNIX_SECONDS: i64 = -62_167_219_200;
/// 9999-12-31T23:59:59Z.
const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

impl SigningTime {
    /// The current time from the system clock.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// Truncates `time` to whole seconds (the service rejects fractional timestamps).
    pub fn from_system_time(time: SystemTime) -> Self {
        let secs = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            // Before the epoch: round towards the past so truncation stays monotonic.
            Err(before) => {
                let d = before.duration();
                let whole = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                let extra = i64::from(d.subsec_nanos() > 0);
                whole.saturating_add(extra).saturating_neg()
            }
        };
        Self::from_unix_seconds(secs)
    }

    /// Seconds since 1970-01-01T00:00:00Z, clamped to years 0000..=9999.
    pub fn from_unix_seconds(unix_seconds: i64) -> Self {
        Self {
            unix_seconds: unix_seconds.clamp(MIN_UNIX_SECONDS, MAX_UNIX_SECONDS),
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_seconds(self) -> i64 {
        self.unix_seconds
    }

    /// The wire form, `yyyy-MM-ddTHH:mm:ssZ` in UTC, as fixed-size ASCII so callers can build
    /// parameters without going through the formatting machinery.
    pub fn to_utc_bytes(self) -> [u8; 20] {
        let days = self.unix_seconds.div_euclid(86_400);
        let secs_of_day = self.unix_seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let (hh, mm, ss) = (
            secs_of_day / 3600,
            (secs_of_day / 60) % 60,
            secs_of_day % 60,
        );
        let mut out = *b"0000-00-00T00:00:00Z";
        put_digits(&mut out[0..4], year);
        put_digits(&mut out[5..7], month);
        put_digits(&mut out[8..10], day);
        put_digits(&mut out[11..13], hh);
        put_digits(&mut out[14..16], mm);
        put_digits(&mut out[17..19], ss);
        out
    }

    /// Parses the wire form `yyyy-MM-ddTHH:mm:ssZ`, as STS and the metadata service write an
    /// `Expiration`; fractional seconds (`...:ss.sssZ`) are accepted and truncated. `None` for
    /// anything else, including impossible dates such as February 30th.
    pub fn parse_utc(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let fraction = b.get(19..b.len().checked_sub(1)?)?;
        let fraction_ok = fraction.is_empty()
            || (fraction.len() > 1
                && fraction[0] == b'.'
                && fraction[1..].iter().all(u8::is_ascii_digit));
        let shape_ok = b.len() >= 20
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[b.len() - 1] == b'Z';
        if !shape_ok || !fraction_ok {
            return None;
        }
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = &b[range];
            digits
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let days = days_from_civil(year, month, day)?;
        (hh < 24 && mm < 60 && ss < 60)
            .then(|| Self::from_unix_seconds(days * 86_400 + hh * 3600 + mm * 60 + ss))
    }

    /// This instant as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        let magnitude = std::time::Duration::from_secs(self.unix_seconds.unsigned_abs());
        if self.unix_seconds >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }

    /// The wire form, `yyyy-MM-ddTHH:mm:ssZ` in UTC.
    pub fn to_utc_string(self) -> String {
        self.utc_text().as_str().to_owned()
    }

    /// The wire form as text on the stack, for signing without an allocation.
    pub fn utc_text(self) -> UtcText {
        UtcText(self.to_utc_bytes())
    }
}

/// The wire form of a [`SigningTime`], `yyyy-MM-ddTHH:mm:ssZ`, held on the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcText([u8; 20]);

impl UtcText {
    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("only ASCII digits and separators are written")
    }
}

impl std::ops::Deref for UtcText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for UtcText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for SigningTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.utc_text())
    }
}

impl From<SystemTime> for SigningTime {
    fn from(time: SystemTime) -> Self {
        Self::from_system_time(time)
    }
}

/// Writes `value` as zero-padded decimal filling `out` (the callers guarantee it fits).
fn put_digits(out: &mut [u8], mut value: i64) {
    for slot in out.iter_mut().rev() {
        // value is in 0..=9999 and rem_euclid(10) in 0..=9, so the cast cannot truncate.
        *slot = b'0' + value.rem_euclid(10) as u8;
        value /= 10;
    }
}

/// Proleptic Gregorian (year, month, day) of the day `days` after 1970-01-01.
///
/// Counts in 400-year eras starting on March 1st, so the leap day is the last day of its year and
/// the month lengths follow a fixed 153-days-per-5-months pattern.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    const DAYS_PER_ERA: i64 = 146_097;
    // Days from 0000-03-01 to 1970-01-01.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(DAYS_PER_ERA);
    let day_of_era = shifted.rem_euclid(DAYS_PER_ERA);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to the proleptic Gregorian date, the inverse of [`civil_from_days`];
/// `None` when the date does not exist.
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_len = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=month_len).contains(&day) {
        return None;
    }
    // The same March-based eras as `civil_from_days`.
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

#[cfg(test)]
mod tests {
    use super::SigningTime;
    use std::time::{Duration, UNIX_EPOCH};

    fn fmt(secs: i64) -> String {
        SigningTime::from_unix_seconds(secs).to_utc_string()
    }

    #[test]
    fn known_instants() {
        assert_eq!(fmt(0), "1970-01-01T00:00:00Z");
        assert_eq!(fmt(1_714_552_200), "2024-05-01T08:30:00Z");
        assert_eq!(fmt(1_456_231_584), "2016-02-23T12:46:24Z");
        assert_eq!(fmt(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(fmt(951_868_799), "2000-02-29T23:59:59Z");
        assert_eq!(fmt(4_107_542_400), "2100-03-01T00:00:00Z");
        assert_eq!(fmt(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(fmt(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(fmt(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn clamps_to_four_digit_years() {
        assert_eq!(fmt(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(fmt(i64::MIN), "0000-01-01T00:00:00Z");
    }

    #[test]
    fn matches_naive_day_stepping() {
        // An independent calendar: step one day at a time from 1969-01-01 to 2400-12-31.
        fn is_leap(y: i64) -> bool {
            (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        }
        let (mut y, mut m, mut d) = (1969i64, 1i64, 1i64);
        for day in -365..157_420i64 {
            assert_eq!(
                fmt(day * 86_400 + 86_399),
                format!("{y:04}-{m:02}-{d:02}T23:59:59Z"),
                "day {day}"
            );
            let len = match m {
                2 if is_leap(y) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            d += 1;
            if d > len {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
        assert_eq!((y, m, d), (2401, 1, 1));
    }

    #[test]
    fn parse_is_the_inverse_of_format() {
        for secs in [
            0,
            -1,
            951_782_400,
            1_714_552_200,
            4_107_542_400,
            253_402_300_799,
        ] {
            let text = fmt(secs);
            assert_eq!(
                SigningTime::parse_utc(&text).map(|t| t.unix_seconds()),
                Some(secs),
                "{text}"
            );
        }
        // Every day of 1999..=2401 round-trips (leap years, century rules).
        for day in 10_592..157_420i64 {
            let secs = day * 86_400 + 43_210;
            assert_eq!(
                SigningTime::parse_utc(&fmt(secs)).map(|t| t.unix_seconds()),
                Some(secs)
            );
        }
        assert_eq!(
            SigningTime::parse_utc("2024-05-01T08:30:00.123Z").map(|t| t.unix_seconds()),
            Some(1_714_552_200)
        );
    }

    #[test]
    fn parse_rejects_what_is_not_an_instant() {
        for bad in [
            "",
            "2024-05-01",
            "2024-05-01T08:30:00",
            "2024-05-01 08:30:00Z",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-00-01T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T08:60:00Z",
            "2024-05-01T08:30:60Z",
            "2024-05-01T08:30:00.Z",
            "2024-05-01T08:30:00+08:00",
            "+024-05-01T08:30:00Z",
            "2024-05-01T08:30:00ZZ",
            "２０２４-05-01T08:30:00Z",
        ] {
            assert_eq!(SigningTime::parse_utc(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn system_time_round_trip() {
        for secs in [0, -1, 1_714_552_200] {
            let t = SigningTime::from_unix_seconds(secs);
            assert_eq!(SigningTime::from(t.to_system_time()), t);
        }
    }

    #[test]
    fn system_time_truncates_to_whole_seconds() {
        let t = UNIX_EPOCH + Duration::from_millis(1_714_552_200_999);
        assert_eq!(SigningTime::from(t).to_string(), "2024-05-01T08:30:00Z");
        let before = UNIX_EPOCH - Duration::from_millis(500);
        assert_eq!(SigningTime::from(before).unix_seconds(), -1);
    }
}
