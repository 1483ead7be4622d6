//! Waiting for resources to reach a status: creating, starting or stopping an instance is
//! asynchronous, and a successful call only means the request was accepted.
//!
//! The spec waiters (`waiter.rs`) decide; this module holds how long and how often to poll
//! ([`WaitOptions`]) and [`Client::wait_for_ids`]: a spec waiter over a list of ids as long as
//! the caller likes (in calls of as many ids as the operation takes), which returns the resources
//! in the order asked and, on timeout, each one not there yet with its last status. A service's
//! crate wraps it for its resources (ENS: `ens_client::Client::wait_for_instances`).

use crate::{Client, SdkError, WaiterError};
use ens_core::{Matcher, Operation, WaitState, Waiter};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// How long and how often a wait polls.
///
/// Defaults: give up after 10 minutes; first poll after 2 s, then 1.5 times longer each round
/// up to 20 s. Creating an edge instance usually takes one to a few minutes.
///
/// Any value is taken without panicking: a timeout above [`WaitOptions::MAX_TIMEOUT`] (such as
/// `Duration::MAX`) is taken as that, a multiplier below 1 or NaN as 1, an infinite one as
/// "straight to `max_delay`", and no pause is longer than `max_delay`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitOptions {
    /// When to give up, counted from the first poll.
    pub timeout: Duration,
    /// The pause before the second poll (the first is immediate).
    pub initial_delay: Duration,
    /// The longest pause between polls.
    pub max_delay: Duration,
    /// How much longer each pause is than the one before.
    pub multiplier: f64,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(600),
            initial_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(20),
            multiplier: 1.5,
        }
    }
}

impl WaitOptions {
    /// The longest wait: a day, far beyond any instance's start.
    pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

    /// The defaults with another timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The defaults with other pauses between polls.
    pub fn with_delays(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_delay = initial;
        self.max_delay = max.max(initial);
        self
    }
}

/// An instance that had not reached the wanted status when the wait ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInstance {
    /// The instance id.
    pub instance_id: String,
    /// The status DescribeInstances last reported; `None` if it never listed the instance
    /// (a just-created instance can take a moment to appear).
    pub last_status: Option<String>,
}

/// Why a wait did not return the resources; `E` is the error of the call that polls.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<E> {
    /// Not every instance reached the status before the timeout.
    TimedOut {
        /// The status waited for.
        status: String,
        /// How long the wait lasted.
        waited: Duration,
        /// How many polling rounds ran.
        polls: u32,
        /// The instances not there yet, with their last status.
        pending: Vec<PendingInstance>,
    },
    /// An acceptor of the waiter said a resource will never reach the status (a terminal
    /// state such as an expired instance's).
    Failed {
        /// The waiter (`InstanceRunning`).
        waiter: &'static str,
        /// The acceptor that decided (`Instances.Status AnyEquals "Expired"`).
        acceptor: String,
    },
    /// The call that polls failed (after the client's own retries).
    Describe(E),
    /// No spec waiter waits for this status (nothing was sent).
    NoWaiter {
        /// The status asked for.
        status: String,
        /// The waiters there are.
        waiters: Vec<&'static str>,
    },
}

impl<E: fmt::Display> fmt::Display for WaitError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::TimedOut {
                status,
                waited,
                polls,
                pending,
            } => {
                write!(
                    f,
                    "{} instance(s) did not reach {status} within {:.0} s ({polls} polls): ",
                    pending.len(),
                    waited.as_secs_f64()
                )?;
                for (i, p) in pending.iter().enumerate() {
                    let sep = if i > 0 { ", " } else { "" };
                    match &p.last_status {
                        Some(s) => write!(f, "{sep}{} (last status {s})", p.instance_id)?,
                        None => write!(f, "{sep}{} (not listed yet)", p.instance_id)?,
                    }
                }
                Ok(())
            }
            WaitError::Failed { waiter, acceptor } => {
                write!(f, "waiter {waiter} failed: {acceptor}")
            }
            WaitError::Describe(e) => write!(f, "waiting for instances: {e}"),
            WaitError::NoWaiter { status, waiters } => write!(
                f,
                "no waiter waits for the status {status:?} (there are: {})",
                waiters.join(", ")
            ),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for WaitError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Describe(e) => Some(e),
            WaitError::TimedOut { .. } | WaitError::Failed { .. } | WaitError::NoWaiter { .. } => {
                None
            }
        }
    }
}

/// What an answer says about one resource: its id, its status, and the resource as described.
#[derive(Debug, Clone)]
pub struct Observation<R> {
    /// The resource's id.
    pub id: String,
    /// Its status, if the answer gave one.
    pub status: Option<String>,
    /// The resource, returned once the wait succeeds.
    pub resource: R,
}

impl Client {
    /// Waits with the spec waiter `waiter` until every resource in `ids` is in its success state,
    /// and returns them in the order of `ids`: the engine of a service's "wait for these
    /// resources" (ENS's `wait_for_instances`).
    ///
    /// The ids are asked about in calls of at most `ids_per_call` (`request` makes the request
    /// for a group of ids), one group after the other, each polled as [`Client::wait_until`]
    /// does: the waiter's acceptors decide success, failure or another poll (success only once
    /// the answer lists every id of the group), and the client paces the calls to the
    /// operation's rate limit. `observe` reads an answer's resources. An id given more than once
    /// is waited for and returned once, at its first place.
    ///
    /// Returns within `options.timeout`, counted over all groups. On timeout the error lists each
    /// resource not there yet with the status it last had (`None`: never listed), in the order of
    /// `ids`; an acceptor's failure is [`WaitError::Failed`], a failed call
    /// [`WaitError::Describe`].
    pub async fn wait_for_ids<O, R, I, S>(
        &self,
        ids: I,
        waiter: &'static Waiter<O>,
        options: &WaitOptions,
        ids_per_call: usize,
        request: impl Fn(Vec<String>) -> O,
        observe: impl Fn(&O::Response) -> Vec<Observation<R>>,
    ) -> Result<Vec<R>, WaitError<SdkError<O::Error>>>
    where
        O: Operation + Clone,
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let timer = self.timer();
        let mut order: Vec<String> = Vec::new();
        for id in ids {
            let id = id.into();
            if !order.contains(&id) {
                order.push(id);
            }
        }
        let status = success_value(waiter).unwrap_or(waiter.name);
        let started = timer.now();
        let deadline = started + options.timeout.min(WaitOptions::MAX_TIMEOUT);
        let mut last: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut reached: BTreeMap<String, R> = BTreeMap::new();
        let mut polls = 0;
        for group in order.chunks(ids_per_call.max(1)) {
            // Polls answered in the groups before (a poll abandoned at the deadline has none).
            let polls_before = polls;
            let remaining = deadline.saturating_duration_since(timer.now());
            let group_options = options.with_timeout(remaining);
            let mut seen: Vec<Observation<R>> = Vec::new();
            let outcome = self
                .wait_until_observed(request(group.to_vec()), waiter, &group_options, |answer| {
                    polls += 1;
                    seen = observe(answer);
                    for o in &seen {
                        last.insert(o.id.clone(), o.status.clone());
                    }
                })
                .await;
            match outcome {
                Ok(_) => {
                    for o in seen {
                        if group.contains(&o.id) {
                            reached.entry(o.id).or_insert(o.resource);
                        }
                    }
                }
                Err(WaiterError::TimedOut {
                    polls: group_polls, ..
                }) => {
                    let pending = order
                        .iter()
                        .filter(|id| !reached.contains_key(*id))
                        .map(|id| PendingInstance {
                            instance_id: id.clone(),
                            last_status: last.get(id).cloned().flatten(),
                        })
                        .collect();
                    return Err(WaitError::TimedOut {
                        status: status.to_owned(),
                        waited: timer.now() - started,
                        polls: polls_before + group_polls,
                        pending,
                    });
                }
                Err(WaiterError::Failed { waiter, acceptor }) => {
                    return Err(WaitError::Failed { waiter, acceptor });
                }
                Err(WaiterError::Call(e)) => return Err(WaitError::Describe(e)),
            }
            tracing::debug!(polls, reached = reached.len(), "waiting for resources");
        }
        Ok(order.iter().filter_map(|id| reached.remove(id)).collect())
    }
}

/// The value a waiter's success acceptor expects (`Running`), if it looks at a path.
fn success_value<O: Operation>(waiter: &Waiter<O>) -> Option<&'static str> {
    waiter.acceptors.iter().find_map(|a| match a.matcher {
        Matcher::Path { expected, .. } if a.state == WaitState::Success => Some(expected),
        _ => None,
    })
}

/// The pauses between polls, from [`WaitOptions`] made safe to compute with.
pub(crate) struct Pace {
    pub(crate) initial: Duration,
    pub(crate) max: Duration,
    multiplier: f64,
}

impl Pace {
    pub(crate) fn new(options: &WaitOptions) -> Self {
        let max = options.max_delay.min(WaitOptions::MAX_TIMEOUT);
        Self {
            initial: options.initial_delay.min(max),
            max,
            // `!(m >= 1.0)` also catches NaN.
            multiplier: if options.multiplier >= 1.0 {
                options.multiplier
            } else {
                1.0
            },
        }
    }

    /// The pause after `delay`: longer by the multiplier, at most `max` (also when the product
    /// is too large for a `Duration`).
    pub(crate) fn next(&self, delay: Duration) -> Duration {
        Duration::try_from_secs_f64(delay.as_secs_f64() * self.multiplier)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_options_give_finite_pauses() {
        let wild = WaitOptions {
            timeout: Duration::MAX,
            initial_delay: Duration::MAX,
            max_delay: Duration::MAX,
            multiplier: f64::INFINITY,
        };
        let pace = Pace::new(&wild);
        assert_eq!(pace.initial, WaitOptions::MAX_TIMEOUT);
        assert_eq!(pace.next(Duration::from_secs(1)), WaitOptions::MAX_TIMEOUT);
        for multiplier in [f64::NAN, -3.0, 0.0, f64::NEG_INFINITY] {
            let pace = Pace::new(&WaitOptions {
                multiplier,
                ..WaitOptions::default()
            });
            assert_eq!(pace.next(Duration::from_secs(3)), Duration::from_secs(3));
        }
        let growing = Pace::new(&WaitOptions::default());
        assert_eq!(growing.next(Duration::from_secs(2)), Duration::from_secs(3));
        assert_eq!(
            growing.next(Duration::from_secs(19)),
            Duration::from_secs(20)
        );
    }
}
