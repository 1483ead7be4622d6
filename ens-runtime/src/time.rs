//! The client's clock and sleep, injectable so that retries, timeouts and waiters can run on
//! virtual time (like the AWS SDK's `TimeSource` and `AsyncSleep`).
//!
//! The default, [`TokioTime`], is tokio's clock and timer, so a test on tokio's paused clock
//! (`#[tokio::test(start_paused = true)]`) already runs every wait of the client in virtual
//! time. With the `test-util` feature, `ManualTime` goes further: every sleep completes at once
//! and moves its clock, for tests with the replay transport that need no runtime support at all.
//!
//! The signing time (`x-acs-date`, `Timestamp`) is wall-clock time and set apart, with
//! [`crate::ClientBuilder::clock`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Where the client reads the time for its deadlines and pauses.
pub trait TimeSource: fmt::Debug + Send + Sync {
    /// The current instant (monotonic).
    fn now(&self) -> Instant;
}

/// How the client waits.
pub trait AsyncSleep: fmt::Debug + Send + Sync {
    /// A future that completes once `duration` has passed on the matching [`TimeSource`].
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// A pending sleep.
pub struct Sleep(Pin<Box<dyn Future<Output = ()> + Send>>);

impl Sleep {
    /// Wraps any future as a sleep.
    pub fn new(future: impl Future<Output = ()> + Send + 'static) -> Self {
        Self(Box::pin(future))
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sleep")
    }
}

/// tokio's clock and timer (paused in tests with `start_paused`, advancing when idle).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTime;

impl TimeSource for TokioTime {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }
}

impl AsyncSleep for TokioTime {
    fn sleep(&self, duration: Duration) -> Sleep {
        Sleep::new(tokio::time::sleep(duration))
    }
}

/// The time source and sleep a client runs on.
#[derive(Clone)]
pub(crate) struct Timer {
    time: Arc<dyn TimeSource>,
    sleep: Arc<dyn AsyncSleep>,
}

impl fmt::Debug for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timer")
            .field("time", &self.time)
            .field("sleep", &self.sleep)
            .finish()
    }
}

impl Default for Timer {
    fn default() -> Self {
        Self::new(Arc::new(TokioTime), Arc::new(TokioTime))
    }
}

/// Why [`Timer::until`] stopped: the deadline came first.
#[derive(Debug)]
pub(crate) struct DeadlinePassed;

impl Timer {
    pub(crate) fn new(time: Arc<dyn TimeSource>, sleep: Arc<dyn AsyncSleep>) -> Self {
        Self { time, sleep }
    }

    pub(crate) fn time_source(&self) -> &Arc<dyn TimeSource> {
        &self.time
    }

    pub(crate) fn now(&self) -> Instant {
        self.time.now()
    }

    /// `now + d`, or `None` (no deadline) when that is beyond what an `Instant` can hold.
    pub(crate) fn deadline_after(&self, d: Duration) -> Option<Instant> {
        self.now().checked_add(d)
    }

    pub(crate) fn sleep(&self, d: Duration) -> Sleep {
        self.sleep.sleep(d)
    }

    /// Sleeps until `deadline` (at once if it has passed).
    pub(crate) fn sleep_until(&self, deadline: Instant) -> Sleep {
        self.sleep
            .sleep(deadline.saturating_duration_since(self.now()))
    }

    /// Runs `f` until `deadline`, if there is one. `f` is polled first, so a future that is
    /// ready is never cut by a deadline that is also due.
    pub(crate) async fn until<T>(
        &self,
        deadline: Option<Instant>,
        f: impl Future<Output = T>,
    ) -> Result<T, DeadlinePassed> {
        let Some(at) = deadline else {
            return Ok(f.await);
        };
        let mut f = std::pin::pin!(f);
        let mut sleep: Option<Sleep> = None;
        std::future::poll_fn(|cx| {
            if let Poll::Ready(v) = f.as_mut().poll(cx) {
                return Poll::Ready(Ok(v));
            }
            let sleep = sleep.get_or_insert_with(|| self.sleep_until(at));
            match Pin::new(sleep).poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(DeadlinePassed)),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }
}

#[cfg(feature = "test-util")]
pub use manual::ManualTime;

#[cfg(feature = "test-util")]
mod manual {
    use super::*;
    use std::sync::Mutex;

    /// Virtual time for tests: a clock that stands still until a sleep moves it. Every sleep
    /// completes at once and advances the clock by its duration, and is recorded, so backoff and
    /// polling pauses cost no real time and can be asserted on.
    ///
    /// Meant for the replay transport, whose answers are ready at once: a timeout races the work
    /// it guards, and the work is polled first, so ready work always wins. Against a real server
    /// every timeout would fire at once; use tokio's paused clock there instead.
    ///
    /// ```
    /// use ens_runtime::time::{AsyncSleep, ManualTime, TimeSource};
    /// use std::time::Duration;
    ///
    /// # tokio_test_block_on(async {
    /// let time = ManualTime::new();
    /// let start = time.now();
    /// time.sleep(Duration::from_secs(90)).await;
    /// assert_eq!(time.now() - start, Duration::from_secs(90));
    /// assert_eq!(time.sleeps(), [Duration::from_secs(90)]);
    /// # });
    /// # fn tokio_test_block_on(f: impl std::future::Future<Output = ()>) {
    /// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    /// # }
    /// ```
    #[derive(Debug, Clone)]
    pub struct ManualTime {
        state: Arc<Mutex<State>>,
    }

    #[derive(Debug)]
    struct State {
        start: Instant,
        elapsed: Duration,
        sleeps: Vec<Duration>,
    }

    /// The farthest the clock goes: a century, far past any deadline, and always a valid
    /// `Instant` (a sleep of `Duration::MAX` cannot overflow it).
    const MAX_ELAPSED: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

    impl State {
        fn advance(&mut self, by: Duration) {
            self.elapsed = self.elapsed.saturating_add(by).min(MAX_ELAPSED);
        }
    }

    impl Default for ManualTime {
        fn default() -> Self {
            Self::new()
        }
    }

    impl ManualTime {
        /// A clock at an arbitrary start.
        pub fn new() -> Self {
            Self {
                state: Arc::new(Mutex::new(State {
                    start: Instant::now(),
                    elapsed: Duration::ZERO,
                    sleeps: Vec::new(),
                })),
            }
        }

        fn lock(&self) -> std::sync::MutexGuard<'_, State> {
            self.state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }

        /// Moves the clock forward.
        pub fn advance(&self, by: Duration) {
            self.lock().advance(by);
        }

        /// How far the clock has moved since it was made.
        pub fn elapsed(&self) -> Duration {
            self.lock().elapsed
        }

        /// Every sleep so far, in order.
        pub fn sleeps(&self) -> Vec<Duration> {
            self.lock().sleeps.clone()
        }
    }

    impl TimeSource for ManualTime {
        fn now(&self) -> Instant {
            let s = self.lock();
            s.start + s.elapsed
        }
    }

    impl AsyncSleep for ManualTime {
        fn sleep(&self, duration: Duration) -> Sleep {
            let time = self.clone();
            // Moves the clock when first polled, not when made: a timeout whose work is ready
            // never polls its sleep, and then no time passes.
            Sleep::new(async move {
                let mut s = time.lock();
                s.advance(duration);
                s.sleeps.push(duration);
            })
        }
    }
}
