//! The control API under `/_emulator/` (JSON, unsigned, never faulted) and the operations
//! behind it, which the library handle offers too.

use crate::catalog::catalog;
use crate::clock::{iso, parse_iso};
use crate::core::{ActionCount, Inner, Reply, RequestRecord, Shared};
use crate::faults::{Fault, FaultStatus};
use crate::registry::EMULATED;
use crate::request::HttpRequest;
use crate::state::{InstanceSummary, STATE_SCHEMA, World};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// Where the control API lives.
pub(crate) const PREFIX: &str = "/_emulator/";

impl Shared {
    /// Runs `change` under the lock, then persists the state if a file is configured.
    fn mutate<R>(&self, change: impl FnOnce(&mut Inner) -> R) -> R {
        let mut inner = self.lock();
        let result = change(&mut inner);
        let snapshot = self.snapshot(&mut inner);
        drop(inner);
        if let Some(s) = snapshot {
            self.write_state(s);
        }
        result
    }

    pub(crate) fn add_fault(&self, fault: Fault) -> u64 {
        self.lock().faults.add(fault)
    }

    pub(crate) fn remove_fault(&self, id: u64) -> bool {
        self.lock().faults.remove(id)
    }

    pub(crate) fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    pub(crate) fn faults(&self) -> Vec<FaultStatus> {
        self.lock().faults.list()
    }

    pub(crate) fn counts(&self) -> BTreeMap<String, ActionCount> {
        self.lock().log.counts.clone()
    }

    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        self.lock().log.records.iter().cloned().collect()
    }

    pub(crate) fn clear_requests(&self) {
        let mut inner = self.lock();
        inner.log.records.clear();
        inner.log.counts.clear();
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.lock().world.clock.now_ms()
    }

    pub(crate) fn advance(&self, by: Duration) {
        self.mutate(|inner| inner.world.clock.advance(by));
    }

    pub(crate) fn set_time_ms(&self, at_ms: i64) {
        self.mutate(|inner| inner.world.clock.set(at_ms));
    }

    pub(crate) fn instances(&self) -> Vec<InstanceSummary> {
        let mut inner = self.lock();
        let now = inner.world.clock.now_ms();
        inner.world.settle(now);
        let mut all: Vec<(u64, InstanceSummary)> = inner
            .world
            .accounts
            .iter()
            .flat_map(|(account, a)| {
                a.instances
                    .values()
                    .map(move |i| (i.seq, InstanceSummary::of(account, i)))
            })
            .collect();
        all.sort_by_key(|(seq, _)| *seq);
        all.into_iter().map(|(_, s)| s).collect()
    }

    pub(crate) fn set_stock(&self, region: &str, instance_type: &str, count: u32) {
        self.mutate(|inner| inner.world.set_free(region, instance_type, count));
    }

    pub(crate) fn stock(&self, region: &str, instance_type: &str) -> u32 {
        self.lock().world.free(region, instance_type)
    }

    pub(crate) fn state(&self) -> Value {
        serde_json::to_value(&self.lock().world).unwrap_or(Value::Null)
    }

    /// Replaces the state with `state` (the `GET state` / `--state` form).
    pub(crate) fn load_state(&self, state: Value) -> Result<(), String> {
        let world = parse_state(state)?;
        self.mutate(|inner| inner.world = world);
        Ok(())
    }

    /// Back to the state at start: no resources, no faults, an empty log.
    pub(crate) fn reset(&self) {
        let world = self.config.new_world();
        self.mutate(|inner| {
            inner.world = world;
            inner.faults.clear();
            inner.log = Default::default();
            inner.throttle = Default::default();
        });
    }
}

/// Reads a state document, refusing one written by a newer emulator.
pub(crate) fn parse_state(state: Value) -> Result<World, String> {
    let schema = state.get("schema").and_then(Value::as_u64).unwrap_or(0);
    if schema > u64::from(STATE_SCHEMA) {
        return Err(format!(
            "the state has schema {schema}, newer than this emulator's {STATE_SCHEMA}: upgrade ens-emulator"
        ));
    }
    serde_json::from_value(state).map_err(|e| format!("not an ens-emulator state: {e}"))
}

/// What `GET info` shows.
pub(crate) fn info(shared: &Shared) -> Value {
    let emulated: Vec<&str> = EMULATED.iter().map(|(a, _)| *a).collect();
    let not_emulated: Vec<&str> = catalog()
        .operations
        .keys()
        .map(String::as_str)
        .filter(|a| !emulated.contains(a))
        .collect();
    json!({
        "emulator": env!("CARGO_PKG_VERSION"),
        "apiVersion": crate::core::API_VERSION,
        "emulated": emulated,
        // Checked by the generated validators (the rest by the metadata's basic rules).
        "withSpec": catalog().operations.iter().filter(|(_, op)| op.spec).map(|(a, _)| a.as_str()).collect::<Vec<_>>(),
        "notEmulated": not_emulated,
        "clock": shared.config.clock,
        "throttling": shared.config.throttling,
        "accessKeyIds": shared.config.keys.iter().map(|k| k.id()).collect::<Vec<_>>(),
        "stateFile": shared.config.state_file.as_ref().map(|p| p.display().to_string()),
    })
}

fn ok(body: Value) -> Reply {
    Reply::json(200, &body)
}

fn bad(status: u16, message: impl Into<String>) -> Reply {
    Reply::json(status, &json!({"error": message.into()}))
}

fn body_json(req: &HttpRequest) -> Result<Value, Reply> {
    if req.body.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&req.body).map_err(|e| bad(400, format!("the body is not JSON: {e}")))
}

/// Milliseconds from `{"ms": n}`, `{"seconds": x}` or `?ms=` / `?seconds=`.
fn millis(req: &HttpRequest, body: &Value) -> Option<i64> {
    let query: BTreeMap<String, String> = req.query_pairs().into_iter().collect();
    let number = |key: &str| {
        body.get(key)
            .and_then(Value::as_f64)
            .or_else(|| query.get(key).and_then(|v| v.parse().ok()))
    };
    number("ms")
        .map(|ms| ms as i64)
        .or_else(|| number("seconds").map(|s| (s * 1000.0) as i64))
}

/// Answers a control request.
pub(crate) fn handle(shared: &Shared, req: &HttpRequest) -> Reply {
    let route = req.path.trim_start_matches(PREFIX).trim_end_matches('/');
    let body = match body_json(req) {
        Ok(b) => b,
        Err(reply) => return reply,
    };
    match (req.method.as_str(), route) {
        ("GET", "health") => ok(json!({"status": "ok"})),
        ("GET", "info") => ok(info(shared)),
        ("GET", "state") => ok(shared.state()),
        ("POST", "state") => match shared.load_state(body) {
            Ok(()) => ok(json!({"loaded": true})),
            Err(e) => bad(400, e),
        },
        ("POST", "reset") => {
            shared.reset();
            ok(json!({"reset": true}))
        }
        ("GET", "instances") => ok(json!(shared.instances())),
        ("GET", "faults") => ok(json!(shared.faults())),
        ("POST", "faults") => {
            let rules: Result<Vec<Fault>, _> = match body {
                Value::Array(_) => serde_json::from_value(body),
                other => serde_json::from_value(other).map(|f| vec![f]),
            };
            match rules {
                Ok(rules) => {
                    let ids: Vec<u64> = rules.into_iter().map(|f| shared.add_fault(f)).collect();
                    ok(json!({"ids": ids}))
                }
                Err(e) => bad(400, format!("not a fault rule: {e}")),
            }
        }
        ("DELETE", "faults") => {
            shared.clear_faults();
            ok(json!({"cleared": true}))
        }
        ("DELETE", r) if r.starts_with("faults/") => match r["faults/".len()..].parse::<u64>() {
            Ok(id) if shared.remove_fault(id) => ok(json!({"removed": id})),
            Ok(id) => bad(404, format!("no fault rule {id}")),
            Err(_) => bad(400, "fault ids are numbers"),
        },
        ("GET", "counters") => ok(json!(shared.counts())),
        ("GET", "requests") => ok(json!(shared.requests())),
        ("DELETE", "requests") => {
            shared.clear_requests();
            ok(json!({"cleared": true}))
        }
        ("GET", "clock") => {
            let now = shared.now_ms();
            ok(json!({"mode": shared.config.clock, "now": iso(now), "nowMs": now}))
        }
        ("POST", "clock/advance") => match millis(req, &body) {
            Some(ms) if ms >= 0 => {
                shared.advance(Duration::from_millis(ms.unsigned_abs()));
                ok(json!({"now": iso(shared.now_ms())}))
            }
            _ => bad(400, "give {\"seconds\": n} or {\"ms\": n}, not negative"),
        },
        ("POST", "clock/set") => {
            let at = body
                .get("time")
                .and_then(Value::as_str)
                .and_then(parse_iso)
                .map(|s| s * 1000)
                .or_else(|| body.get("ms").and_then(Value::as_i64));
            match at {
                Some(ms) => {
                    shared.set_time_ms(ms);
                    ok(json!({"now": iso(shared.now_ms())}))
                }
                None => bad(
                    400,
                    "give {\"time\": \"yyyy-MM-ddTHH:mm:ssZ\"} or {\"ms\": n}",
                ),
            }
        }
        ("POST", "stock") => {
            let region = body.get("region").and_then(Value::as_str);
            let itype = body.get("instanceType").and_then(Value::as_str);
            let count = body
                .get("count")
                .and_then(Value::as_u64)
                .and_then(|c| u32::try_from(c).ok());
            match (region, itype, count) {
                (Some(r), Some(t), Some(c)) => {
                    shared.set_stock(r, t, c);
                    ok(json!({"region": r, "instanceType": t, "count": c}))
                }
                _ => bad(400, "give {\"region\", \"instanceType\", \"count\"}"),
            }
        }
        (_, r) if KNOWN.contains(&r) || r.starts_with("faults/") => {
            bad(405, format!("{} is not allowed on {PREFIX}{r}", req.method))
        }
        (_, r) => bad(
            404,
            format!("no control endpoint {PREFIX}{r}; see {PREFIX}info and the README"),
        ),
    }
}

const KNOWN: &[&str] = &[
    "health",
    "info",
    "state",
    "reset",
    "instances",
    "faults",
    "counters",
    "requests",
    "clock",
    "clock/advance",
    "clock/set",
    "stock",
];
