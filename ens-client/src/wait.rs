//! Waiting for instances: creation (and start, stop, reboot) is asynchronous, and a successful
//! `CreateInstance` only means the request was accepted.

use crate::describe_instances::Instance;
use crate::{Client, DescribeInstancesError, DescribeInstancesRequest, Error};
use ens_core::Operation;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

/// How many ids one DescribeInstances call may filter on (the API's documented maximum).
const IDS_PER_CALL: usize = 100;

/// How long and how often [`Client::wait_for_instances`] polls.
///
/// Defaults: give up after 10 minutes; first poll after 2 s, then 1.5 times longer each round
/// up to 20 s. Creating an edge instance usually takes one to a few minutes.
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

/// Why [`Client::wait_for_instances`] did not return the instances.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError {
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
    /// DescribeInstances failed (after the client's own retries).
    Describe(Error<DescribeInstancesError>),
}

impl fmt::Display for WaitError {
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

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Describe(e) => Some(e),
            WaitError::TimedOut { .. } => None,
        }
    }
}

impl Client {
    /// Polls DescribeInstances until every instance in `ids` reports `status` (for example
    /// `"Running"` after CreateInstance), and returns them in the order of `ids`.
    ///
    /// Only the instances still pending are asked about, up to 100 per call; pauses grow
    /// from `options.initial_delay` to `options.max_delay`, and calls are never closer than
    /// DescribeInstances' documented rate limit allows. On timeout the error lists each
    /// instance not there yet with its last status.
    pub async fn wait_for_instances<I, S>(
        &self,
        ids: I,
        status: &str,
        options: &WaitOptions,
    ) -> Result<Vec<Instance>, WaitError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let order: Vec<String> = ids.into_iter().map(Into::into).collect();
        let mut pending: BTreeMap<String, Option<String>> =
            order.iter().map(|id| (id.clone(), None)).collect();
        let mut reached: BTreeMap<String, Instance> = BTreeMap::new();
        let spacing = DescribeInstancesRequest::SPEC
            .rate_limit_per_second
            .map_or(Duration::ZERO, |n| Duration::from_secs(1) / n.max(1));
        let started = Instant::now();
        let mut delay = options.initial_delay;
        let mut last_call: Option<Instant> = None;
        let mut polls = 0;
        while !pending.is_empty() {
            if polls > 0 {
                let left = options.timeout.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return Err(timed_out(status, started.elapsed(), polls, pending));
                }
                tokio::time::sleep(delay.min(left)).await;
                delay = delay
                    .mul_f64(options.multiplier.max(1.0))
                    .min(options.max_delay);
            }
            polls += 1;
            let asked: Vec<String> = pending.keys().cloned().collect();
            for chunk in asked.chunks(IDS_PER_CALL) {
                if let Some(at) = last_call {
                    tokio::time::sleep(spacing.saturating_sub(at.elapsed())).await;
                }
                last_call = Some(Instant::now());
                let request = DescribeInstancesRequest::builder()
                    .instance_ids(chunk.iter().cloned())
                    .page_size(IDS_PER_CALL as i64)
                    .build();
                let answer = self.send(request).await.map_err(WaitError::Describe)?;
                for instance in answer.instances {
                    let Some(id) = instance.instance_id.clone() else {
                        continue;
                    };
                    let Some(last) = pending.get_mut(&id) else {
                        continue;
                    };
                    if instance.status.as_ref().map(|s| s.as_str()) == Some(status) {
                        pending.remove(&id);
                        reached.insert(id, instance);
                    } else {
                        *last = instance.status.as_ref().map(|s| s.as_str().to_owned());
                    }
                }
            }
            tracing::debug!(polls, pending = pending.len(), "waiting for instances");
        }
        Ok(order.iter().filter_map(|id| reached.remove(id)).collect())
    }
}

fn timed_out(
    status: &str,
    waited: Duration,
    polls: u32,
    pending: BTreeMap<String, Option<String>>,
) -> WaitError {
    WaitError::TimedOut {
        status: status.to_owned(),
        waited,
        polls,
        pending: pending
            .into_iter()
            .map(|(instance_id, last_status)| PendingInstance {
                instance_id,
                last_status,
            })
            .collect(),
    }
}
