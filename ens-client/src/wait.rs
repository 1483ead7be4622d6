//! Waiting for resources to reach a status: creating, starting or stopping an instance is
//! asynchronous, and a successful call only means the request was accepted.
//!
//! The engine here polls any "describe by ids" call of a service; the service's crate says how
//! to ask (for ENS, `Client::wait_for_instances` on DescribeInstances).

use crate::Client;
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

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
    /// The call that polls failed (after the client's own retries).
    Describe(E),
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
            WaitError::Describe(e) => write!(f, "waiting for instances: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for WaitError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Describe(e) => Some(e),
            WaitError::TimedOut { .. } => None,
        }
    }
}

/// What one poll found about a resource: its id, its status, and the resource as described.
#[derive(Debug, Clone)]
pub struct Observation<R> {
    /// The resource's id.
    pub id: String,
    /// Its status, if the answer gave one.
    pub status: Option<String>,
    /// The resource, returned once it reaches the status waited for.
    pub resource: R,
}

/// How the polling call takes ids: how many per call, and how far apart calls must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Polling {
    /// The most ids one call may ask about.
    pub ids_per_call: usize,
    /// The least time between two calls (the operation's documented rate limit).
    pub spacing: Duration,
}

impl Polling {
    /// `ids_per_call` ids per call, calls at most `per_second` a second (`None`: no limit).
    pub fn new(ids_per_call: usize, per_second: Option<u32>) -> Self {
        Self {
            ids_per_call: ids_per_call.max(1),
            spacing: per_second.map_or(Duration::ZERO, |n| Duration::from_secs(1) / n.max(1)),
        }
    }
}

impl Client {
    /// Polls with `describe` until every resource in `ids` reports `status`, and returns them in
    /// the order of `ids`: the engine of a service's waiters.
    ///
    /// An id given more than once is waited for and returned once, at its first place. Only
    /// the resources still pending are asked about, in calls of at most `polling.ids_per_call`
    /// ids never closer than `polling.spacing`; pauses between rounds grow from
    /// `options.initial_delay` to `options.max_delay`, on the client's clock and sleep.
    ///
    /// Returns within `options.timeout` (a call still running then is abandoned, so `describe`
    /// must only read). On timeout the error lists each resource not there yet with its last
    /// status, in the order of `ids`.
    pub async fn wait_for<R, E, F, Fut, I, S>(
        &self,
        ids: I,
        status: &str,
        options: &WaitOptions,
        polling: Polling,
        mut describe: F,
    ) -> Result<Vec<R>, WaitError<E>>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        F: FnMut(Vec<String>) -> Fut,
        Fut: Future<Output = Result<Vec<Observation<R>>, E>>,
    {
        let timer = self.timer();
        let mut order: Vec<String> = Vec::new();
        for id in ids {
            let id = id.into();
            if !order.contains(&id) {
                order.push(id);
            }
        }
        let mut pending: BTreeMap<String, Option<String>> =
            order.iter().map(|id| (id.clone(), None)).collect();
        let mut reached: BTreeMap<String, R> = BTreeMap::new();
        let pace = Pace::new(options);
        let started = timer.now();
        let deadline = started + options.timeout.min(WaitOptions::MAX_TIMEOUT);
        let mut delay = pace.initial;
        let mut last_call: Option<Instant> = None;
        let mut polls = 0;
        let timed_out = |polls, pending: &BTreeMap<String, Option<String>>| {
            timed_out(status, timer.now() - started, polls, &order, pending)
        };
        while !pending.is_empty() {
            if polls > 0 {
                timer.sleep_until(deadline.min(timer.now() + delay)).await;
                if timer.now() >= deadline {
                    return Err(timed_out(polls, &pending));
                }
                delay = pace.next(delay);
            }
            polls += 1;
            let asked: Vec<String> = pending.keys().cloned().collect();
            for chunk in asked.chunks(polling.ids_per_call.max(1)) {
                if let Some(at) = last_call {
                    timer.sleep_until(deadline.min(at + polling.spacing)).await;
                }
                last_call = Some(timer.now());
                let answer = match timer.until(Some(deadline), describe(chunk.to_vec())).await {
                    Ok(answer) => answer.map_err(WaitError::Describe)?,
                    Err(_) => return Err(timed_out(polls, &pending)),
                };
                for seen in answer {
                    let Some(last) = pending.get_mut(&seen.id) else {
                        continue;
                    };
                    if seen.status.as_deref() == Some(status) {
                        pending.remove(&seen.id);
                        reached.insert(seen.id, seen.resource);
                    } else {
                        *last = seen.status;
                    }
                }
            }
            tracing::debug!(polls, pending = pending.len(), "waiting for resources");
        }
        Ok(order.iter().filter_map(|id| reached.remove(id)).collect())
    }
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

fn timed_out<E>(
    status: &str,
    waited: Duration,
    polls: u32,
    order: &[String],
    pending: &BTreeMap<String, Option<String>>,
) -> WaitError<E> {
    WaitError::TimedOut {
        status: status.to_owned(),
        waited,
        polls,
        pending: order
            .iter()
            .filter_map(|id| {
                pending.get(id).map(|last_status| PendingInstance {
                    instance_id: id.clone(),
                    last_status: last_status.clone(),
                })
            })
            .collect(),
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
