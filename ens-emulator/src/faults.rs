//! Fault injection: ordered rules, each matching some requests and firing by count or seeded
//! probability; the first rule that fires decides. Effects before acting leave the state alone;
//! effects after acting spoil the answer of a request that was carried out.

use crate::auth::SignatureVersion;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// A fault rule: which requests, when, and what happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    /// Actions it applies to; empty: every action.
    #[serde(default)]
    pub actions: Vec<String>,
    /// Only requests with this `EnsRegionId`.
    #[serde(default)]
    pub region: Option<String>,
    /// Only requests signed this way.
    #[serde(default)]
    pub signature: Option<SignatureVersion>,
    /// When a matching request is hit.
    #[serde(default)]
    pub trigger: Trigger,
    /// What happens.
    pub effect: Effect,
}

/// When a rule fires, counting the requests it matched.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Trigger {
    /// Every matching request.
    #[default]
    Always,
    /// The first `n` matching requests, then never again.
    Times {
        /// How many.
        n: u64,
    },
    /// Only the `n`-th matching request (1-based).
    Nth {
        /// Which one.
        n: u64,
    },
    /// Every matching request after the first `n`.
    After {
        /// How many pass first.
        n: u64,
    },
    /// Each matching request with probability `p`, from the emulator's seeded generator.
    Probability {
        /// In `[0, 1]`.
        p: f64,
    },
}

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Effect {
    /// Before acting: answer this error instead (nothing is done). Without `code`, the body is
    /// empty, as from a proxy.
    Error {
        /// HTTP status.
        status: u16,
        /// Error code; the documented message is used unless `message` is given.
        #[serde(default)]
        code: Option<String>,
        /// Message.
        #[serde(default)]
        message: Option<String>,
    },
    /// Before acting: answer exactly this (an HTML error page, a body of another shape, ...);
    /// nothing is done.
    Respond {
        /// HTTP status.
        status: u16,
        /// The body, sent as is.
        body: String,
        /// Its `Content-Type`; default `application/json;charset=utf-8`.
        #[serde(default)]
        content_type: Option<String>,
        /// Milliseconds to wait before answering (a slow error page); default 0.
        #[serde(default)]
        delay_ms: u64,
    },
    /// Before acting: wait, then act and answer normally (the client may have given up).
    Delay {
        /// Milliseconds.
        ms: u64,
    },
    /// Before acting: close the connection without answering (nothing is done).
    Close,
    /// Before acting: reset the connection (TCP RST; nothing is done).
    Reset,
    /// After acting: close the connection without answering.
    CloseAfter,
    /// After acting: reset the connection without answering.
    ResetAfter,
    /// After acting: wait, then answer (past the client's read timeout).
    DelayAfter {
        /// Milliseconds.
        ms: u64,
    },
    /// After acting: answer an error anyway (the work was done). Without `code`, an empty body.
    ErrorAfter {
        /// HTTP status.
        status: u16,
        /// Error code.
        #[serde(default)]
        code: Option<String>,
    },
    /// After acting: a 200 whose body is not JSON.
    Malformed,
    /// After acting: half the body, then the connection closes (Content-Length promises all).
    Truncated,
    /// After acting: the body in small pieces with pauses (a stalled stream).
    Trickle {
        /// Bytes per piece.
        chunk: usize,
        /// Pause between pieces, in milliseconds.
        interval_ms: u64,
    },
    /// After acting: a Content-Length off by `delta` bytes, then the connection closes.
    WrongContentLength {
        /// Added to the true length.
        delta: i64,
    },
    /// After acting: the head without a length, the answer, then filler bytes without end
    /// until the client leaves (a body no size limit is too small for).
    Endless,
}

impl Effect {
    /// Whether it applies after the request was carried out.
    pub fn after_acting(&self) -> bool {
        !matches!(
            self,
            Effect::Error { .. }
                | Effect::Respond { .. }
                | Effect::Delay { .. }
                | Effect::Close
                | Effect::Reset
        )
    }
}

impl Fault {
    /// A rule with `effect` on every request; narrow it with the other methods.
    pub fn new(effect: Effect) -> Self {
        Self {
            actions: Vec::new(),
            region: None,
            signature: None,
            trigger: Trigger::Always,
            effect,
        }
    }

    /// Only for `action` (may be called again for more actions).
    pub fn on(mut self, action: impl Into<String>) -> Self {
        self.actions.push(action.into());
        self
    }

    /// Only for requests with this `EnsRegionId`.
    pub fn in_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Only for requests signed with `version`.
    pub fn signed_with(mut self, version: SignatureVersion) -> Self {
        self.signature = Some(version);
        self
    }

    /// Fire on the first `n` matching requests only.
    pub fn times(mut self, n: u64) -> Self {
        self.trigger = Trigger::Times { n };
        self
    }

    /// Fire on the `n`-th matching request only (1-based).
    pub fn nth(mut self, n: u64) -> Self {
        self.trigger = Trigger::Nth { n };
        self
    }

    /// Fire on every matching request after the first `n`.
    pub fn after(mut self, n: u64) -> Self {
        self.trigger = Trigger::After { n };
        self
    }

    /// Fire with probability `p` (seeded: the same seed, the same requests).
    pub fn probability(mut self, p: f64) -> Self {
        self.trigger = Trigger::Probability { p };
        self
    }
}

/// A rule as installed: its id and counters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultStatus {
    /// Id to delete it by.
    pub id: u64,
    /// The rule.
    #[serde(flatten)]
    pub fault: Fault,
    /// Requests it matched.
    pub matched: u64,
    /// Times it fired.
    pub fired: u64,
}

/// The installed rules.
#[derive(Debug)]
pub(crate) struct Faults {
    rules: Vec<FaultStatus>,
    next_id: u64,
    rng: Rng,
}

/// What a request looks like to the rules.
pub(crate) struct Probe<'a> {
    pub(crate) action: &'a str,
    pub(crate) region: Option<&'a str>,
    pub(crate) signature: Option<SignatureVersion>,
}

impl Faults {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            rules: Vec::new(),
            next_id: 1,
            rng: Rng::new(seed ^ 0xFA17_FA17_FA17_FA17),
        }
    }

    pub(crate) fn add(&mut self, fault: Fault) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.rules.push(FaultStatus {
            id,
            fault,
            matched: 0,
            fired: 0,
        });
        id
    }

    pub(crate) fn remove(&mut self, id: u64) -> bool {
        let before = self.rules.len();
        self.rules.retain(|r| r.id != id);
        self.rules.len() != before
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    pub(crate) fn list(&self) -> Vec<FaultStatus> {
        self.rules.clone()
    }

    /// The first rule of the phase (`after_acting`) that fires for `probe`: its id and effect.
    /// Every rule whose filters match counts the request, also behind the one that fires, so
    /// `nth` means the n-th matching request whatever other rules did.
    pub(crate) fn pick(&mut self, probe: &Probe<'_>, after_acting: bool) -> Option<(u64, Effect)> {
        let mut winner = None;
        for rule in &mut self.rules {
            let f = &rule.fault;
            let matches = f.effect.after_acting() == after_acting
                && (f.actions.is_empty() || f.actions.iter().any(|a| a == probe.action))
                && f.region.as_deref().is_none_or(|r| probe.region == Some(r))
                && f.signature.is_none_or(|s| probe.signature == Some(s));
            if !matches {
                continue;
            }
            rule.matched += 1;
            if winner.is_some() {
                continue;
            }
            let fires = match f.trigger {
                Trigger::Always => true,
                Trigger::Times { n } => rule.fired < n,
                Trigger::Nth { n } => rule.matched == n,
                Trigger::After { n } => rule.matched > n,
                Trigger::Probability { p } => self.rng.unit() < p,
            };
            if fires {
                rule.fired += 1;
                winner = Some((rule.id, f.effect.clone()));
            }
        }
        winner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(action: &str) -> Probe<'_> {
        Probe {
            action,
            region: Some("cn-beijing-cmcc"),
            signature: Some(SignatureVersion::Acs3),
        }
    }

    #[test]
    fn triggers_count_matching_requests() {
        let mut f = Faults::new(1);
        let times = f.add(Fault::new(Effect::Close).on("CreateInstance").times(2));
        let nth = f.add(Fault::new(Effect::Reset).on("DescribeInstances").nth(3));
        let picks: Vec<Option<u64>> = (0..4)
            .map(|_| f.pick(&probe("CreateInstance"), false).map(|p| p.0))
            .collect();
        assert_eq!(picks, [Some(times), Some(times), None, None]);
        let picks: Vec<Option<u64>> = (0..4)
            .map(|_| f.pick(&probe("DescribeInstances"), false).map(|p| p.0))
            .collect();
        assert_eq!(picks, [None, None, Some(nth), None]);
        assert!(f.pick(&probe("CreateInstance"), true).is_none(), "phase");
        assert!(f.remove(times) && !f.remove(times));
    }

    #[test]
    fn probability_is_seeded() {
        let run = |seed| {
            let mut f = Faults::new(seed);
            f.add(Fault::new(Effect::Malformed).probability(0.5));
            (0..64)
                .map(|_| f.pick(&probe("X"), true).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        let hits = run(7).iter().filter(|h| **h).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }

    #[test]
    fn filters_and_json_form() {
        let rule: Fault = serde_json::from_str(
            r#"{"actions":["StopInstance"],"region":"cn-x","trigger":{"kind":"after","n":1},"effect":{"kind":"error","status":503}}"#,
        )
        .expect("valid");
        assert_eq!(rule.trigger, Trigger::After { n: 1 });
        let mut f = Faults::new(1);
        f.add(rule);
        let p = Probe {
            action: "StopInstance",
            region: Some("cn-y"),
            signature: None,
        };
        assert!(f.pick(&p, false).is_none(), "other region");
        assert!(serde_json::from_str::<Fault>(r#"{"effect":{"kind":"close"},"bogus":1}"#).is_err());
    }
}
