//! The signing clock and its correction from the service's clock.
//!
//! The service refuses a request whose timestamp is more than 15 minutes from its own clock
//! (`InvalidTimeStamp.Expired`), which a machine with a wrong clock (an edge box without NTP, a
//! board whose clock starts in 1970) meets on every call. Alibaba's gateway refuses such a
//! request before doing anything, and its answer's `Date` header says what time it is there: the
//! client keeps the difference and signs every later request with its clock plus that
//! difference, in all its clones.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use ens_auth::SigningTime;

/// The codes with which Alibaba's gateways refuse a request for its timestamp being too far from
/// their clock: `InvalidTimeStamp.Expired` (RPC-style APIs such as ENS, both signatures),
/// `RequestTimeTooSkewed` (ROA-style APIs and OSS) and `IllegalTimestamp` (older gateways).
/// Each is answered before the request is acted on.
const CLOCK_SKEW_CODES: [&str; 3] = [
    "InvalidTimeStamp.Expired",
    "RequestTimeTooSkewed",
    "IllegalTimestamp",
];

/// Whether `code` refuses a request for its timestamp.
pub(crate) fn is_clock_skew(code: &str) -> bool {
    CLOCK_SKEW_CODES.contains(&code)
}

/// A clock for signing; injectable so tests and dry runs are reproducible.
pub(crate) type Clock = Arc<dyn Fn() -> SigningTime + Send + Sync>;

/// The clock requests are signed with: the system's (or the one given to
/// [`crate::ClientBuilder::clock`]) plus the correction learnt from the service.
pub(crate) struct SigningClock {
    custom: Option<Clock>,
    /// Seconds to add to the clock's reading.
    offset: AtomicI64,
}

impl fmt::Debug for SigningClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningClock")
            .field("custom", &self.custom.as_ref().map(|_| "custom"))
            .field("offset_seconds", &self.offset())
            .finish()
    }
}

impl SigningClock {
    pub(crate) fn new(custom: Option<Clock>) -> Self {
        Self {
            custom,
            offset: AtomicI64::new(0),
        }
    }

    /// The clock's own reading, uncorrected.
    fn reading(&self) -> SigningTime {
        self.custom.as_ref().map_or_else(SigningTime::now, |c| c())
    }

    /// The time to sign with.
    pub(crate) fn now(&self) -> SigningTime {
        let reading = self.reading().unix_seconds();
        SigningTime::from_unix_seconds(reading.saturating_add(self.offset()))
    }

    /// The correction, in seconds.
    pub(crate) fn offset(&self) -> i64 {
        self.offset.load(Ordering::Relaxed)
    }

    /// Sets the correction so that the clock reads `server` now; returns it.
    pub(crate) fn correct(&self, server: SigningTime) -> i64 {
        let offset = server
            .unix_seconds()
            .saturating_sub(self.reading().unix_seconds());
        self.offset.store(offset, Ordering::Relaxed);
        offset
    }
}

/// The time an answer's `Date` header gives (an HTTP date, RFC 9110), if it is one.
pub(crate) fn server_time(headers: &http::HeaderMap) -> Option<SigningTime> {
    let date = headers.get(http::header::DATE)?.to_str().ok()?;
    httpdate::parse_http_date(date)
        .ok()
        .map(SigningTime::from_system_time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_codes() {
        assert!(is_clock_skew("InvalidTimeStamp.Expired"));
        assert!(is_clock_skew("RequestTimeTooSkewed"));
        assert!(!is_clock_skew("InvalidTimeStamp.Format"));
        assert!(!is_clock_skew("SignatureNonceUsed"));
    }

    #[test]
    fn the_correction_makes_the_clock_read_the_servers_time() {
        let fixed = SigningTime::parse_utc("2025-01-01T00:00:00Z").unwrap();
        let clock = SigningClock::new(Some(Arc::new(move || fixed)));
        assert_eq!(clock.now(), fixed);
        let server = SigningTime::parse_utc("2025-01-01T01:30:00Z").unwrap();
        assert_eq!(clock.correct(server), 5400);
        assert_eq!(clock.now(), server);
        // A clock ahead of the service's is corrected back.
        let behind = SigningTime::parse_utc("2024-12-31T23:00:00Z").unwrap();
        assert_eq!(clock.correct(behind), -3600);
        assert_eq!(clock.now(), behind);
    }

    #[test]
    fn date_headers() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(server_time(&headers), None);
        headers.insert(
            http::header::DATE,
            http::HeaderValue::from_static("Wed, 01 Jan 2025 00:00:07 GMT"),
        );
        assert_eq!(
            server_time(&headers),
            SigningTime::parse_utc("2025-01-01T00:00:07Z")
        );
        // The obsolete forms RFC 9110 asks recipients to accept.
        for old in [
            "Wednesday, 01-Jan-25 00:00:07 GMT",
            "Wed Jan  1 00:00:07 2025",
        ] {
            headers.insert(http::header::DATE, http::HeaderValue::from_static(old));
            assert_eq!(
                server_time(&headers),
                SigningTime::parse_utc("2025-01-01T00:00:07Z"),
                "{old}"
            );
        }
        headers.insert(
            http::header::DATE,
            http::HeaderValue::from_static("yesterday"),
        );
        assert_eq!(server_time(&headers), None);
    }
}
