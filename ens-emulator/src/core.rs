//! The request pipeline, in a fixed order: route, parameters, action and version, signature,
//! throttling, faults before acting, validation, handler (or "not emulated"), faults after
//! acting, answer. One lock makes each step atomic; the only wait (a `Delay` fault) happens
//! between the two locked steps, outside the lock.

use crate::auth::{self, AccessKey, Caller, Nonces, SignatureVersion, TimeWindow};
use crate::catalog::catalog;
use crate::clock::{ClockMode, wall_ms};
use crate::errors::{self, ApiError};
use crate::faults::{Effect, Faults, Probe};
use crate::handlers::Ctx;
use crate::request::{HttpRequest, RpcCall};
use crate::state::{Fixture, Timings, World};
use crate::throttle::{Quota, Throttle};
use crate::{registry, validate};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The API version the emulator speaks.
pub const API_VERSION: &str = "2017-11-10";
/// `HostId` when the request named no host.
const DEFAULT_HOST: &str = "ens.aliyuncs.com";
/// How many requests the log keeps.
const LOG_CAPACITY: usize = 10_000;

pub(crate) const JSON: &str = "application/json;charset=utf-8";
const XML: &str = "text/xml;charset=utf-8";

/// Fixed at start.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) keys: Vec<AccessKey>,
    pub(crate) timings: Timings,
    pub(crate) throttling: bool,
    pub(crate) quotas: BTreeMap<String, Quota>,
    pub(crate) window_secs: i64,
    pub(crate) state_file: Option<PathBuf>,
    pub(crate) seed: u64,
    pub(crate) clock: ClockMode,
    pub(crate) fixture: Fixture,
    /// How idle keep-alive connections are closed.
    pub(crate) idle_close: IdleClose,
    /// Whether every request is kept as it arrived ([`RequestRecord::wire`]).
    pub(crate) capture: bool,
    /// Seconds the service's wall clock runs ahead of this machine's at start.
    pub(crate) wall_clock_ahead: i64,
}

/// How the emulator closes keep-alive connections that stay idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdleClose {
    /// As a well-behaved server: after this long without a request, the connection is closed
    /// (FIN), and a client that reads it sees the close before sending.
    After(Duration),
    /// At its worst: a connection idle this long is reset when the next request arrives on it,
    /// without reading it, as when a server gives up on a connection just as the client reuses
    /// it. The request never arrives, and the client cannot tell that from a server that failed
    /// after acting. Counted by [`crate::Emulator::idle_closed`].
    OnNextRequest(Duration),
}

/// A request exactly as it arrived, kept with [`crate::EmulatorBuilder::capture_requests`] for
/// tests of what a client sends. It holds passwords and tokens as sent; `Debug` shows only the
/// method, the action and the parameter names.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CapturedRequest {
    /// The method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string as sent (not decoded).
    pub raw_query: String,
    /// Header names (lower-case) and values, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body as sent.
    pub body: Vec<u8>,
    /// When it arrived, on tokio's clock.
    pub received_at: tokio::time::Instant,
}

impl CapturedRequest {
    fn of(req: &HttpRequest) -> Self {
        Self {
            method: req.method.clone(),
            path: req.path.clone(),
            raw_query: req.raw_query.clone(),
            headers: req.headers.clone(),
            body: req.body.clone(),
            received_at: tokio::time::Instant::now(),
        }
    }

    /// The first value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The query's parameters, decoded, in the order sent.
    pub fn query(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.raw_query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The form body's parameters, decoded; empty unless the body is a form.
    pub fn form(&self) -> Vec<(String, String)> {
        let is_form = self.header("content-type").is_some_and(|t| {
            t.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        if is_form {
            form_urlencoded::parse(&self.body).into_owned().collect()
        } else {
            Vec::new()
        }
    }

    /// A query parameter, decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        self.query()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// A parameter of the form body, decoded.
    pub fn body_param(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The action, whichever signature carried it.
    pub fn action(&self) -> Option<String> {
        self.param("Action")
            .or_else(|| self.header("x-acs-action").map(str::to_owned))
    }

    /// The signature nonce, whichever signature carried it.
    pub fn nonce(&self) -> Option<String> {
        self.param("SignatureNonce")
            .or_else(|| self.header("x-acs-signature-nonce").map(str::to_owned))
    }
}

impl std::fmt::Debug for CapturedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .query()
            .into_iter()
            .chain(self.form())
            .map(|(n, _)| n)
            .collect();
        f.debug_struct("CapturedRequest")
            .field("method", &self.method)
            .field("action", &self.action())
            .field("params", &names)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// The limit of `action`: the test's, else the spec's.
    fn quota(&self, action: &str) -> Option<Quota> {
        if !self.throttling {
            return None;
        }
        self.quotas.get(action).copied().or_else(|| {
            catalog()
                .operation(action)
                .and_then(|op| op.per_second)
                .map(Quota::per_second)
        })
    }

    pub(crate) fn new_world(&self) -> World {
        World::new(self.clock, self.seed, self.fixture.clone())
    }
}

/// One request, as the log keeps it (no parameters: they may hold passwords).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestRecord {
    /// Arrival order, from 1.
    pub seq: u64,
    /// `Action`, if it had one.
    pub action: Option<String>,
    /// The caller's account, once authenticated.
    pub account: Option<String>,
    /// The AccessKey ID it was signed with, once authenticated.
    pub access_key_id: Option<String>,
    /// `EnsRegionId`, if given.
    pub region: Option<String>,
    /// How it was signed, once authenticated.
    pub signature: Option<SignatureVersion>,
    /// HTTP status answered (0: no answer, the connection was dropped).
    pub status: u16,
    /// Error code answered, if any.
    pub code: Option<String>,
    /// The fault rule that fired, if any.
    pub fault: Option<u64>,
    /// Whether the request changed the state.
    pub state_changed: bool,
    /// The `RequestId` given.
    pub request_id: String,
    /// The request as it arrived, when capturing
    /// ([`crate::EmulatorBuilder::capture_requests`]); never served by the control API.
    #[serde(skip)]
    pub wire: Option<std::sync::Arc<CapturedRequest>>,
}

/// Requests per action, by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ActionCount {
    /// Every request naming the action (authenticated or not).
    pub total: u64,
    /// Answered with success.
    pub ok: u64,
    /// Error answers, by code.
    pub errors: BTreeMap<String, u64>,
    /// Requests a fault rule fired on.
    pub faulted: u64,
    /// Requests that changed the state.
    pub changed_state: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Log {
    pub(crate) records: VecDeque<RequestRecord>,
    pub(crate) counts: BTreeMap<String, ActionCount>,
    next: u64,
}

impl Log {
    fn push(&mut self, mut record: RequestRecord) {
        self.next += 1;
        record.seq = self.next;
        let count = self
            .counts
            .entry(record.action.clone().unwrap_or_else(|| "(none)".to_owned()))
            .or_default();
        count.total += 1;
        match &record.code {
            None if record.status == 200 => count.ok += 1,
            None => {}
            Some(code) => *count.errors.entry(code.clone()).or_default() += 1,
        }
        count.faulted += u64::from(record.fault.is_some());
        count.changed_state += u64::from(record.state_changed);
        if self.records.len() == LOG_CAPACITY {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }
}

/// Everything behind the lock.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) world: World,
    pub(crate) nonces: Nonces,
    pub(crate) throttle: Throttle,
    pub(crate) faults: Faults,
    pub(crate) log: Log,
    /// Bumped by every change of the world, for persistence.
    pub(crate) generation: u64,
}

/// How the answer goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    Normal,
    Close,
    Reset,
    Truncate,
    Trickle {
        chunk: usize,
        interval: Duration,
    },
    ContentLength(i64),
    /// No length, the body, then filler until the peer leaves.
    Endless,
}

/// An answer, ready for the HTTP shell.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: std::borrow::Cow<'static, str>,
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: Option<String>,
    pub(crate) wire: Wire,
    /// Wait this long before answering.
    pub(crate) delay: Duration,
}

impl Reply {
    pub(crate) fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            content_type: JSON.into(),
            body: body.to_string().into_bytes(),
            request_id: None,
            wire: Wire::Normal,
            delay: Duration::ZERO,
        }
    }
}

/// Between the two locked steps of a request.
pub(crate) struct Ticket {
    call: RpcCall,
    caller: Caller,
    action: String,
    version: String,
    xml: bool,
    host: String,
    request_id: String,
    region: Option<String>,
    pub(crate) delay: Duration,
    fault: Option<u64>,
    captured: Option<std::sync::Arc<CapturedRequest>>,
}

pub(crate) enum Step {
    Done(Reply),
    Proceed(Box<Ticket>),
}

/// The emulator's shared core.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: Config,
    inner: Mutex<Inner>,
    /// Handler panics: the emulator answers `InternalError` and the library handle reports them.
    pub(crate) panics: Mutex<Vec<String>>,
    /// Serialises state file writes; holds the generation last written.
    written: Mutex<u64>,
    /// Connection counters of the HTTP shell.
    pub(crate) connections: ConnectionStats,
    /// How far the service's wall clock runs ahead of this machine's, in seconds (negative:
    /// behind): signature timestamps are checked against it, and `Date` headers show it.
    pub(crate) wall_clock_ahead: std::sync::atomic::AtomicI64,
}

/// What the HTTP shell counts about connections.
#[derive(Debug, Default)]
pub(crate) struct ConnectionStats {
    pub(crate) accepted: std::sync::atomic::AtomicU64,
    pub(crate) idle_closed: std::sync::atomic::AtomicU64,
    pub(crate) in_flight: std::sync::atomic::AtomicU64,
    pub(crate) max_in_flight: std::sync::atomic::AtomicU64,
}

/// Partial facts about a request for logging and rendering before it is authenticated.
struct Seen<'a> {
    action: Option<&'a str>,
    region: Option<&'a str>,
    xml: bool,
    host: &'a str,
    wire: Option<&'a std::sync::Arc<CapturedRequest>>,
}

impl Shared {
    pub(crate) fn new(config: Config, world: World) -> Self {
        let faults = Faults::new(config.seed);
        Self {
            inner: Mutex::new(Inner {
                world,
                nonces: Nonces::default(),
                throttle: Throttle::default(),
                faults,
                log: Log::default(),
                generation: 0,
            }),
            panics: Mutex::new(Vec::new()),
            written: Mutex::new(0),
            connections: ConnectionStats::default(),
            wall_clock_ahead: std::sync::atomic::AtomicI64::new(config.wall_clock_ahead),
            config,
        }
    }

    /// The service's wall clock, in seconds since the Unix epoch: this machine's, moved by
    /// [`crate::EmulatorBuilder::wall_clock_ahead`].
    pub(crate) fn wall_secs(&self) -> i64 {
        (wall_ms() / 1000).saturating_add(
            self.wall_clock_ahead
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// First step: everything up to the faults before acting.
    pub(crate) fn admit(&self, req: &HttpRequest) -> Step {
        let call = RpcCall::new(req);
        let version_guess = auth::signature_version(req, &call);
        let captured = self
            .config
            .capture
            .then(|| std::sync::Arc::new(CapturedRequest::of(req)));
        let seen = Seen {
            action: call.action.as_deref(),
            region: call.param("EnsRegionId"),
            xml: wants_xml(&call, version_guess),
            host: req.header("host").unwrap_or(DEFAULT_HOST),
            wire: captured.as_ref(),
        };
        let mut inner = self.lock();
        let request_id = inner.world.rng.request_id();
        let refuse = |inner: &mut Inner, error: ApiError| {
            Step::Done(answer_error(inner, &seen, None, &request_id, &error, None))
        };
        if !(req.path.is_empty() || req.path == "/") {
            return refuse(
                &mut inner,
                ApiError::documented("", "InvalidApi.NotFound", None),
            );
        }
        if !matches!(req.method.as_str(), "GET" | "POST") {
            return refuse(
                &mut inner,
                ApiError::documented("", "UnsupportedHTTPMethod", None),
            );
        }
        let Some(action) = call.action.clone() else {
            return refuse(&mut inner, validate::missing_error("", "Action"));
        };
        if catalog().operation(&action).is_none() {
            return refuse(
                &mut inner,
                ApiError::documented("", "InvalidAction.NotFound", None),
            );
        }
        let version = match call.version.clone() {
            Some(v) if v == API_VERSION => v,
            Some(v) => {
                return refuse(
                    &mut inner,
                    ApiError::documented("", "InvalidVersion", None).recommend(format!(
                        "ens-emulator: only {API_VERSION} is spoken, not {v:?}"
                    )),
                );
            }
            None => return refuse(&mut inner, validate::missing_error("", "Version")),
        };
        let time = TimeWindow {
            now_secs: self.wall_secs(),
            window_secs: self.config.window_secs,
        };
        let caller = {
            let inner = &mut *inner;
            match auth::authenticate(req, &call, &self.config.keys, &mut inner.nonces, time) {
                Ok(caller) => caller,
                Err(error) => return refuse(inner, error),
            }
        };
        if let Some(quota) = self.config.quota(&action)
            && !inner
                .throttle
                // tokio's clock: the wall clock's pace in the binary, virtual time in a test
                // that pauses it (as the client it serves then runs on).
                .allow(
                    &caller.account,
                    &action,
                    quota,
                    tokio::time::Instant::now().into_std(),
                )
        {
            let error = ApiError::documented(&action, "Throttling.User", None).recommend(format!(
                "ens-emulator: at most {} {action} calls per {:?} per account",
                quota.count, quota.period
            ));
            return Step::Done(answer_error(
                &mut inner,
                &seen,
                Some(&caller),
                &request_id,
                &error,
                None,
            ));
        }
        let probe = Probe {
            action: &action,
            region: seen.region,
            signature: Some(caller.version),
        };
        let mut ticket = Ticket {
            region: seen.region.map(str::to_owned),
            xml: seen.xml,
            host: seen.host.to_owned(),
            call: call.clone(),
            caller,
            action: action.clone(),
            version,
            request_id: request_id.clone(),
            delay: Duration::ZERO,
            fault: None,
            captured: captured.clone(),
        };
        if let Some((id, effect)) = inner.faults.pick(&probe, false) {
            if let Effect::Delay { ms } = effect {
                ticket.delay = Duration::from_millis(ms);
                ticket.fault = Some(id);
            } else if let Some((reply, code)) = injected_before(effect, &action, &seen, &request_id)
            {
                let status = if matches!(reply.wire, Wire::Close | Wire::Reset) {
                    0
                } else {
                    reply.status
                };
                record(
                    &mut inner,
                    &seen,
                    Some(&ticket.caller),
                    &request_id,
                    status,
                    code,
                    Some(id),
                    false,
                );
                return Step::Done(reply);
            }
        }
        Step::Proceed(Box::new(ticket))
    }

    /// Second step: validation, the handler, the faults after acting, the answer.
    pub(crate) fn execute(&self, ticket: &Ticket) -> Reply {
        let action = ticket.action.as_str();
        let mut params = ticket.call.operation_params();
        let mut guard = self.lock();
        let inner = &mut *guard;
        let now_ms = inner.world.clock.now_ms();
        inner.world.settle(now_ms);
        let mut mutated = false;
        let result =
            validate::validate(action, &mut params).and_then(|()| {
                match registry::handler(action) {
                    None => Err(ApiError::not_emulated(action, &ticket.version)),
                    Some(handler) => {
                        let mut ctx = Ctx {
                            world: &mut inner.world,
                            account: &ticket.caller.account,
                            action,
                            now_ms,
                            timings: &self.config.timings,
                            mutated: false,
                        };
                        let outcome =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                handler(&mut ctx, &params)
                            }));
                        mutated = ctx.mutated;
                        outcome.unwrap_or_else(|panic| {
                            let what = panic
                                .downcast_ref::<&str>()
                                .map(|s| (*s).to_owned())
                                .or_else(|| panic.downcast_ref::<String>().cloned())
                                .unwrap_or_else(|| "a panic".to_owned());
                            self.panics
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .push(format!("{action}: {what}"));
                            Err(
                                ApiError::documented(action, "InternalError", None).recommend(
                                    format!(
                                        "ens-emulator bug: the {action} handler panicked: {what}"
                                    ),
                                ),
                            )
                        })
                    }
                }
            });
        let seen = Seen {
            action: Some(action),
            region: ticket.region.as_deref(),
            xml: ticket.xml,
            host: &ticket.host,
            wire: ticket.captured.as_ref(),
        };
        let rid = ticket.request_id.as_str();
        let mut reply = match &result {
            Ok(body) => {
                let mut body = body.clone();
                if let Some(map) = body.as_object_mut() {
                    map.insert("RequestId".to_owned(), Value::String(rid.to_owned()));
                }
                let mut reply = if ticket.xml {
                    Reply {
                        content_type: XML.into(),
                        body: errors::to_xml(action, &body).into_bytes(),
                        ..Reply::json(200, &Value::Null)
                    }
                } else {
                    Reply::json(200, &body)
                };
                reply.request_id = Some(rid.to_owned());
                reply
            }
            Err(error) => render_error(&seen, rid, error),
        };
        let mut code = result.as_ref().err().map(|e| e.code.clone());
        let mut fault = ticket.fault;
        let probe = Probe {
            action,
            region: seen.region,
            signature: Some(ticket.caller.version),
        };
        if let Some((id, effect)) = inner.faults.pick(&probe, true) {
            fault = Some(id);
            apply_after(&mut reply, &mut code, effect, &seen, rid, action);
        }
        let status = if matches!(reply.wire, Wire::Close | Wire::Reset) {
            0
        } else {
            reply.status
        };
        record(
            inner,
            &seen,
            Some(&ticket.caller),
            rid,
            status,
            code,
            fault,
            mutated,
        );
        let snapshot = if mutated { self.snapshot(inner) } else { None };
        drop(guard);
        if let Some(snapshot) = snapshot {
            self.write_state(snapshot);
        }
        reply
    }

    /// The state file's text and generation, if persistence is on (taken under the lock).
    pub(crate) fn snapshot(&self, inner: &mut Inner) -> Option<(u64, String)> {
        inner.generation += 1;
        self.config.state_file.as_ref()?;
        serde_json::to_string_pretty(&inner.world)
            .ok()
            .map(|text| (inner.generation, text))
    }

    /// Writes a snapshot atomically (temporary file, fsync, rename), unless a newer one was
    /// written meanwhile. Failures are reported on stderr: a test emulator must not stop over
    /// a full disk.
    pub(crate) fn write_state(&self, (generation, text): (u64, String)) {
        let Some(path) = &self.config.state_file else {
            return;
        };
        let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        if *written >= generation {
            return;
        }
        let tmp = path.with_extension("tmp");
        let result = (|| -> std::io::Result<()> {
            use std::io::Write as _;
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)
        })();
        match result {
            Ok(()) => *written = generation,
            Err(e) => eprintln!(
                "ens-emulator: cannot write state file {}: {e}",
                path.display()
            ),
        }
    }
}

fn wants_xml(call: &RpcCall, version: Option<SignatureVersion>) -> bool {
    match call.format.as_deref() {
        Some(f) => f.eq_ignore_ascii_case("xml"),
        // RPC answers XML unless asked for JSON; V3 requests answer JSON.
        None => version == Some(SignatureVersion::RpcV1),
    }
}

fn render_error(seen: &Seen<'_>, request_id: &str, error: &ApiError) -> Reply {
    let (content_type, body) = if seen.xml {
        (XML, errors::error_xml(error, request_id, seen.host))
    } else {
        (JSON, errors::error_json(error, request_id, seen.host))
    };
    Reply {
        status: error.status,
        content_type: content_type.into(),
        body: body.into_bytes(),
        request_id: Some(request_id.to_owned()),
        wire: Wire::Normal,
        delay: Duration::ZERO,
    }
}

fn answer_error(
    inner: &mut Inner,
    seen: &Seen<'_>,
    caller: Option<&Caller>,
    request_id: &str,
    error: &ApiError,
    fault: Option<u64>,
) -> Reply {
    record(
        inner,
        seen,
        caller,
        request_id,
        error.status,
        Some(error.code.clone()),
        fault,
        false,
    );
    render_error(seen, request_id, error)
}

#[allow(clippy::too_many_arguments)]
fn record(
    inner: &mut Inner,
    seen: &Seen<'_>,
    caller: Option<&Caller>,
    request_id: &str,
    status: u16,
    code: Option<String>,
    fault: Option<u64>,
    state_changed: bool,
) {
    inner.log.push(RequestRecord {
        seq: 0,
        action: seen.action.map(str::to_owned),
        account: caller.map(|c| c.account.clone()),
        access_key_id: caller.map(|c| c.key_id.clone()),
        region: seen.region.map(str::to_owned),
        signature: caller.map(|c| c.version),
        status,
        code,
        fault,
        state_changed,
        request_id: request_id.to_owned(),
        wire: seen.wire.cloned(),
    });
}

/// What a fault before acting answers instead of acting, with the error code it carries.
fn injected_before(
    effect: Effect,
    action: &str,
    seen: &Seen<'_>,
    rid: &str,
) -> Option<(Reply, Option<String>)> {
    let bare = |status| Reply {
        body: Vec::new(),
        ..Reply::json(status, &Value::Null)
    };
    match effect {
        Effect::Error {
            status,
            code: Some(code),
            message,
        } => {
            let mut e =
                ApiError::documented(action, &code, None).recommend("ens-emulator: injected fault");
            e.status = status;
            if let Some(m) = message {
                e.message = m;
            }
            Some((render_error(seen, rid, &e), Some(e.code)))
        }
        Effect::Error {
            status, code: None, ..
        } => Some((bare(status), None)),
        Effect::Respond {
            status,
            body,
            content_type,
            delay_ms,
        } => Some((
            Reply {
                body: body.into_bytes(),
                content_type: content_type.map_or(JSON.into(), Into::into),
                delay: Duration::from_millis(delay_ms),
                ..bare(status)
            },
            None,
        )),
        Effect::Close => Some((
            Reply {
                wire: Wire::Close,
                ..bare(0)
            },
            None,
        )),
        Effect::Reset => Some((
            Reply {
                wire: Wire::Reset,
                ..bare(0)
            },
            None,
        )),
        // A delay is not an answer; the rest apply after acting (`pick` never returns them here).
        Effect::Delay { .. }
        | Effect::CloseAfter
        | Effect::ResetAfter
        | Effect::DelayAfter { .. }
        | Effect::ErrorAfter { .. }
        | Effect::Malformed
        | Effect::Truncated
        | Effect::Trickle { .. }
        | Effect::WrongContentLength { .. }
        | Effect::Endless => None,
    }
}

/// Spoils the answer of a request that was carried out.
fn apply_after(
    reply: &mut Reply,
    code: &mut Option<String>,
    effect: Effect,
    seen: &Seen<'_>,
    rid: &str,
    action: &str,
) {
    match effect {
        Effect::CloseAfter => reply.wire = Wire::Close,
        Effect::ResetAfter => reply.wire = Wire::Reset,
        Effect::DelayAfter { ms } => reply.delay = Duration::from_millis(ms),
        Effect::ErrorAfter {
            status,
            code: Some(c),
        } => {
            let mut e = ApiError::documented(action, &c, None)
                .recommend("ens-emulator: injected fault (the request was carried out)");
            e.status = status;
            *reply = render_error(seen, rid, &e);
            *code = Some(c);
        }
        Effect::ErrorAfter { status, code: None } => {
            reply.status = status;
            reply.body.clear();
            *code = None;
        }
        Effect::Malformed => {
            let cut = reply.body.len() / 2;
            reply.body.truncate(cut);
            reply
                .body
                .extend_from_slice(b"<<not json: injected fault>>");
        }
        Effect::Truncated => reply.wire = Wire::Truncate,
        Effect::Trickle { chunk, interval_ms } => {
            reply.wire = Wire::Trickle {
                chunk: chunk.max(1),
                interval: Duration::from_millis(interval_ms),
            };
        }
        Effect::WrongContentLength { delta } => reply.wire = Wire::ContentLength(delta),
        Effect::Endless => reply.wire = Wire::Endless,
        Effect::Error { .. }
        | Effect::Respond { .. }
        | Effect::Delay { .. }
        | Effect::Close
        | Effect::Reset => {}
    }
}
