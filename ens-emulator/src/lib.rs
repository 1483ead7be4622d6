//! A local, stateful Alibaba Cloud ENS (API 2017-11-10) that any correctly signing client can
//! use: for testing code that calls ENS without an account, a bill or a network.
//!
//! It speaks the real protocol (RPC-style `GET`/`POST /`, both signature versions verified),
//! checks requests with the same generated validators as ens-client and answers the specs'
//! documented error codes, keeps instances, networks and vSwitches with their lifecycle, and can
//! inject faults. See the crate's README for what is emulated.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use ens_emulator::{Effect, Emulator, Fault};
//! use std::time::Duration;
//!
//! let emulator = Emulator::builder().manual_clock().start().await?; // a free port on 127.0.0.1
//! println!("{}", emulator.endpoint()); // http://127.0.0.1:PORT, keys: TEST_ACCESS_KEY_ID/SECRET
//! emulator.add_fault(Fault::new(Effect::CloseAfter).on("CreateInstance").times(1));
//! // ... point a client at emulator.endpoint() ...
//! emulator.advance(Duration::from_secs(5)); // booting instances are Running now
//! assert_eq!(emulator.count("CreateInstance"), 0);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod auth;
mod catalog;
mod clock;
mod control;
mod core;
mod errors;
mod faults;
mod handlers;
mod http;
mod net;
mod registry;
mod request;
mod rng;
mod state;
mod throttle;
mod validate;

pub use auth::{AccessKey, SignatureVersion};
pub use clock::{ClockMode, MANUAL_START_MS};
pub use core::{API_VERSION, ActionCount, CapturedRequest, IdleClose, RequestRecord};
pub use errors::{NOT_EMULATED, PARAMETER_NOT_EMULATED};
pub use faults::{Effect, Fault, FaultStatus, Trigger};
pub use state::{
    ChargeType, Fixture, Image, InstanceSummary, InstanceType, Region, STATE_SCHEMA, Settle,
    Status, Timings,
};
pub use throttle::Quota;

use crate::core::{Config, Shared};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Duration;
use tokio::task::JoinHandle;

/// The AccessKey ID accepted when no key is configured (a fake pair, safe to publish).
pub const TEST_ACCESS_KEY_ID: &str = "LTAI5tTestAccessKeyId000";
/// The secret of [`TEST_ACCESS_KEY_ID`].
pub const TEST_ACCESS_KEY_SECRET: &str = "TestAccessKeySecret0123456789ab";

/// The operations the emulator implements; every other operation of the specs answers HTTP 501
/// [`NOT_EMULATED`].
pub fn emulated_operations() -> Vec<&'static str> {
    registry::EMULATED.iter().map(|(a, _)| *a).collect()
}

/// Every operation the specs and Alibaba's metadata know.
pub fn known_operations() -> Vec<&'static str> {
    catalog::catalog()
        .operations
        .keys()
        .map(String::as_str)
        .collect()
}

/// Configures an [`Emulator`].
#[derive(Debug, Clone)]
#[must_use]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    config: Config,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            config: Config {
                keys: Vec::new(),
                timings: Timings::default(),
                throttling: true,
                quotas: BTreeMap::new(),
                window_secs: 15 * 60,
                state_file: None,
                seed: 0x0E45_2017_1110,
                clock: ClockMode::Real,
                fixture: Fixture::default(),
                idle_close: IdleClose::After(Duration::from_secs(120)),
                capture: false,
                wall_clock_ahead: 0,
            },
        }
    }
}

impl EmulatorBuilder {
    /// Where to listen; default `127.0.0.1:0` (a free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Accepts this key pair (repeatable). Without any, [`TEST_ACCESS_KEY_ID`] is accepted.
    pub fn access_key(mut self, key: AccessKey) -> Self {
        self.config.keys.push(key);
        self
    }

    /// How the resource clock runs (default [`ClockMode::Real`]).
    pub fn clock(mut self, mode: ClockMode) -> Self {
        self.config.clock = mode;
        self
    }

    /// A frozen resource clock that moves only with [`Emulator::advance`]: for tests.
    pub fn manual_clock(self) -> Self {
        self.clock(ClockMode::Manual)
    }

    /// How long lifecycle transitions take (default [`Timings::default`]).
    pub fn timings(mut self, timings: Timings) -> Self {
        self.config.timings = timings;
        self
    }

    /// Seed of the ids, request ids and fault probabilities: the same seed, the same run.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// Whether the documented rate limits apply (default on).
    pub fn throttling(mut self, on: bool) -> Self {
        self.config.throttling = on;
        self
    }

    /// Overrides the rate limit of `action` (also for actions without a documented one).
    pub fn quota(mut self, action: impl Into<String>, quota: Quota) -> Self {
        self.config.quotas.insert(action.into(), quota);
        self
    }

    /// How far a signature timestamp may be from the wall clock (default 15 minutes, as the
    /// service); also how long nonces are remembered.
    pub fn timestamp_window(mut self, window: Duration) -> Self {
        self.config.window_secs = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
        self
    }

    /// Runs the service's wall clock `seconds` ahead of this machine's (negative: behind), as
    /// a service does whose clock differs from the client's: signature timestamps are checked
    /// against it (a difference of more than the [timestamp window](Self::timestamp_window)
    /// answers `InvalidTimeStamp.Expired`), and every answer's `Date` header shows it. Default 0.
    pub fn wall_clock_ahead(mut self, seconds: i64) -> Self {
        self.config.wall_clock_ahead = seconds;
        self
    }

    /// Regions, instance types, images and default stock (default [`Fixture::default`]).
    pub fn fixture(mut self, fixture: Fixture) -> Self {
        self.config.fixture = fixture;
        self
    }

    /// How idle keep-alive connections are closed (default: after 120 s, with a FIN).
    /// [`IdleClose::OnNextRequest`] plays the race a client meets when it reuses a connection
    /// just as the server gives up on it.
    pub fn idle_close(mut self, idle_close: IdleClose) -> Self {
        self.config.idle_close = idle_close;
        self
    }

    /// Keeps every request as it arrived, in [`RequestRecord::wire`] (method, query, headers,
    /// body: secrets included), for tests of what a client sends.
    pub fn capture_requests(mut self) -> Self {
        self.config.capture = true;
        self
    }

    /// Loads the state from `path` at start if it exists, and writes it there after every
    /// change.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.state_file = Some(path.into());
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(mut self) -> std::io::Result<Emulator> {
        if self.config.keys.is_empty() {
            self.config
                .keys
                .push(AccessKey::new(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET));
        }
        let world = match &self.config.state_file {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path)?;
                let value: serde_json::Value =
                    serde_json::from_str(&text).map_err(|e| invalid_state(path, &e.to_string()))?;
                control::parse_state(value).map_err(|e| invalid_state(path, &e))?
            }
            _ => self.config.new_world(),
        };
        let listener = tokio::net::TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(self.config, world));
        let server = tokio::spawn(http::serve(listener, Arc::clone(&shared)));
        Ok(Emulator {
            shared,
            addr,
            server,
        })
    }
}

fn invalid_state(path: &std::path::Path, why: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("state file {}: {why}", path.display()),
    )
}

/// A running emulator. Stops serving when dropped; if a handler panicked meanwhile, the drop
/// panics too (outside an unwinding thread), so a test cannot pass over an emulator bug.
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: JoinHandle<()>,
}

impl Emulator {
    /// Starts an emulator with the defaults on a free port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// A builder with the defaults: test key pair, real clock with short delays, documented
    /// rate limits, default fixture, no state file.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The base URL: `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The key pairs it accepts.
    pub fn access_keys(&self) -> &[AccessKey] {
        &self.shared.config.keys
    }

    /// Installs a fault rule (after the others: the first rule that fires wins); returns its id.
    pub fn add_fault(&self, fault: Fault) -> u64 {
        self.shared.add_fault(fault)
    }

    /// Removes the fault rule `id`; `false` if there is none.
    pub fn remove_fault(&self, id: u64) -> bool {
        self.shared.remove_fault(id)
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// The fault rules with their counters.
    pub fn faults(&self) -> Vec<FaultStatus> {
        self.shared.faults()
    }

    /// How many requests named `action` (whatever their outcome).
    pub fn count(&self, action: &str) -> u64 {
        self.shared.counts().get(action).map_or(0, |c| c.total)
    }

    /// Requests per action, by outcome.
    pub fn counts(&self) -> BTreeMap<String, ActionCount> {
        self.shared.counts()
    }

    /// The last requests (at most 10,000), oldest first; no parameters, so no secrets.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.requests()
    }

    /// The requests kept by [`EmulatorBuilder::capture_requests`], oldest first.
    pub fn captured(&self) -> Vec<std::sync::Arc<CapturedRequest>> {
        self.requests().into_iter().filter_map(|r| r.wire).collect()
    }

    /// How many connections were accepted.
    pub fn connections_accepted(&self) -> u64 {
        self.shared.connections.accepted.load(Ordering::SeqCst)
    }

    /// How many idle connections were closed ([`IdleClose`]).
    pub fn idle_closed(&self) -> u64 {
        self.shared.connections.idle_closed.load(Ordering::SeqCst)
    }

    /// The most requests that were being handled at once.
    pub fn max_in_flight(&self) -> u64 {
        self.shared.connections.max_in_flight.load(Ordering::SeqCst)
    }

    /// Forgets the request log and counters.
    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// Moves the resource clock forward (transitions due by then complete at the next read).
    pub fn advance(&self, by: Duration) {
        self.shared.advance(by);
    }

    /// Sets the resource clock, in milliseconds since the Unix epoch.
    pub fn set_time(&self, unix_ms: i64) {
        self.shared.set_time_ms(unix_ms);
    }

    /// Moves the service's wall clock to `seconds` ahead of this machine's (see
    /// [`EmulatorBuilder::wall_clock_ahead`]).
    pub fn set_wall_clock_ahead(&self, seconds: i64) {
        self.shared
            .wall_clock_ahead
            .store(seconds, Ordering::Relaxed);
    }

    /// The resource clock, in milliseconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        self.shared.now_ms()
    }

    /// Every account's instances, in creation order.
    pub fn instances(&self) -> Vec<InstanceSummary> {
        self.shared.instances()
    }

    /// Sets how many more `instance_type` instances `region` can host.
    pub fn set_stock(&self, region: &str, instance_type: &str, count: u32) {
        self.shared.set_stock(region, instance_type, count);
    }

    /// How many more `instance_type` instances `region` can host.
    pub fn stock(&self, region: &str, instance_type: &str) -> u32 {
        self.shared.stock(region, instance_type)
    }

    /// The whole state, as `GET /_emulator/state` and the state file show it.
    pub fn state(&self) -> serde_json::Value {
        self.shared.state()
    }

    /// Replaces the state (a document from [`Emulator::state`], possibly edited: instances in
    /// any status, other regions or images, ...).
    pub fn load_state(&self, state: serde_json::Value) -> Result<(), String> {
        self.shared.load_state(state)
    }

    /// Back to the state at start: no resources, no faults, an empty log.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Handler panics so far (each answered `InternalError`).
    pub fn panics(&self) -> Vec<String> {
        self.shared
            .panics
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
        let panics = self.panics();
        if !panics.is_empty() && !std::thread::panicking() {
            panic!("ens-emulator handlers panicked: {}", panics.join("; "));
        }
    }
}
