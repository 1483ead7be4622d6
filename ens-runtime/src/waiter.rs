//! The polling loop of the waiters generated from the specs (`client.wait_until_<name>(request,
//! options)`): poll, let the waiter's acceptors decide, pause, again, until a decision or the
//! timeout.
//!
//! The pacing is [`WaitOptions`]' (as the id-list waits' in `wait.rs`), with pauses never shorter
//! than the waiter's own `minDelay`, on the client's clock and sleep (virtual in tests).

use crate::wait::Pace;
use crate::{Client, SdkError, WaitOptions};
use ens_core::{Operation, OperationError, WaitState, Waiter};
use std::fmt;
use std::time::Duration;

/// Why a waiter did not return the answer it waited for.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaiterError<E> {
    /// An acceptor said the resource will never reach the state (a terminal state, an error
    /// code that says so).
    Failed {
        /// The waiter.
        waiter: &'static str,
        /// The acceptor that decided (`Instances.Status AnyEquals "Expired"`).
        acceptor: String,
    },
    /// No acceptor decided before the timeout.
    TimedOut {
        /// The waiter.
        waiter: &'static str,
        /// How long it polled.
        waited: Duration,
        /// How many polls it made.
        polls: u32,
    },
    /// A poll failed in a way no acceptor expects (after the client's own retries).
    Call(SdkError<E>),
}

impl<E: fmt::Display> fmt::Display for WaiterError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::Failed { waiter, acceptor } => {
                write!(f, "waiter {waiter} failed: {acceptor}")
            }
            WaiterError::TimedOut {
                waiter,
                waited,
                polls,
            } => write!(
                f,
                "waiter {waiter} did not decide within {:.0} s ({polls} polls)",
                waited.as_secs_f64()
            ),
            WaiterError::Call(e) => write!(f, "waiter's poll failed: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for WaiterError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterError::Call(e) => Some(e),
            _ => None,
        }
    }
}

impl Client {
    /// Polls with `request` until an acceptor of `waiter` decides: the answer on success, the
    /// acceptor on failure, a timeout after `options.timeout`. The first poll is immediate; the
    /// pauses grow from `options.initial_delay` (at least the waiter's `min_delay`) to
    /// `options.max_delay`. A poll still running at the deadline is abandoned (a waiter's
    /// operation only reads).
    pub async fn wait_until<O: Operation + Clone>(
        &self,
        request: O,
        waiter: &'static Waiter<O>,
        options: &WaitOptions,
    ) -> Result<O::Response, WaiterError<O::Error>> {
        self.wait_until_observed(request, waiter, options, |_| {})
            .await
    }

    /// [`Client::wait_until`], showing `observe` every answer a poll gets (to report progress, or
    /// what was last seen when the wait times out).
    pub async fn wait_until_observed<O: Operation + Clone>(
        &self,
        request: O,
        waiter: &'static Waiter<O>,
        options: &WaitOptions,
        mut observe: impl FnMut(&O::Response),
    ) -> Result<O::Response, WaiterError<O::Error>> {
        let timer = self.timer();
        let started = timer.now();
        let deadline = started + options.timeout.min(WaitOptions::MAX_TIMEOUT);
        let floor = waiter.min_delay.unwrap_or(Duration::ZERO);
        let pace = Pace::new(options);
        let mut delay = pace.initial.max(floor);
        let timed_out = |polls| WaiterError::TimedOut {
            waiter: waiter.name,
            waited: timer.now() - started,
            polls,
        };
        let mut polls = 0;
        loop {
            polls += 1;
            let call = self.send(request.clone());
            let outcome = match timer.until(Some(deadline), call).await {
                Err(_) => return Err(timed_out(polls)),
                Ok(outcome) => outcome,
            };
            // An error code decides only as `retry` or `failure` (the generator allows no other).
            let decided = match &outcome {
                Ok(answer) => {
                    observe(answer);
                    waiter.decide(&request, answer)
                }
                Err(e) => match e.as_service().map(|s| s.kind().code()) {
                    Some(code) => match waiter.decide_error(code) {
                        Some(acceptor) => Some(acceptor),
                        None => return outcome.map_err(WaiterError::Call),
                    },
                    None => return outcome.map_err(WaiterError::Call),
                },
            };
            match decided.map(|a| (a.state, a)) {
                Some((WaitState::Success, _)) => return outcome.map_err(WaiterError::Call),
                Some((WaitState::Failure, acceptor)) => {
                    return Err(WaiterError::Failed {
                        waiter: waiter.name,
                        acceptor: format!("{:?}", acceptor.matcher),
                    });
                }
                Some((WaitState::Retry, _)) | None => {}
            }
            tracing::debug!(waiter = waiter.name, polls, "waiting");
            if timer.now() + delay >= deadline {
                timer.sleep_until(deadline).await;
                return Err(timed_out(polls));
            }
            timer.sleep(delay).await;
            delay = pace.next(delay).max(floor);
        }
    }
}
