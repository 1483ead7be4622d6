//! Fault injection: 200 CreateInstance calls against a server that, seeded, drops connections
//! after reading the request, resets them, stalls past the attempt timeout, answers 503 with and
//! without the service's code, throttles, answers 500, and closes idle connections.
//!
//! The server counts every arrival of each logical call (named by its `InstanceName`) with the
//! fault it met. No call may be sent again after an arrival the service may have acted on, and
//! no call may end in `OutcomeUnknown` unless it arrived. On tokio's paused clock, so the stalls
//! cost no real time. `cargo test -p ens-client --test faults -- --nocapture` prints the counts.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use ens_client::{Error, RetryPolicy};
use support::{Reply, SIGNATURES, client, created, describe_request, named_create_request};

const SEED: u64 = 0x0e45_2017_1110_0008;
const CALLS: usize = 200;
const WAVE: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fault {
    Created,
    DropAfterReading,
    Reset,
    StallPastDeadline,
    UnavailableWithCode,
    Unavailable503WithoutCode,
    Throttled,
    InternalError500,
}

const FAULTS: [Fault; 8] = [
    Fault::Created,
    Fault::DropAfterReading,
    Fault::Reset,
    Fault::StallPastDeadline,
    Fault::UnavailableWithCode,
    Fault::Unavailable503WithoutCode,
    Fault::Throttled,
    Fault::InternalError500,
];

impl Fault {
    /// Whether the service's answer proves it did nothing, so that sending again is safe.
    fn did_nothing(self) -> bool {
        matches!(self, Fault::UnavailableWithCode | Fault::Throttled)
    }

    fn reply(self, n: usize) -> Reply {
        let id = format!("R-{n}");
        match self {
            Fault::Created => created(&id, &["i-1"]),
            Fault::DropAfterReading => Reply::hang_up(),
            Fault::Reset => Reply::reset(),
            Fault::StallPastDeadline => created(&id, &["i-1"]).delayed(Duration::from_secs(30)),
            Fault::UnavailableWithCode => {
                Reply::error(503, "ServiceUnavailable", "temporary failure", &id)
            }
            Fault::Unavailable503WithoutCode => Reply::html(503, "<html>overloaded</html>"),
            Fault::Throttled => Reply::error(400, "Throttling.User", "flow control", &id),
            Fault::InternalError500 => Reply::error(500, "InternalError", "boom", &id),
        }
    }
}

/// The fault for arrival `arrival` of call `name`: a function of the seed alone, so every run
/// injects the same faults whatever the interleaving.
fn fault_for(name: &str, arrival: usize) -> Fault {
    let mut x = SEED ^ (arrival as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for b in name.bytes() {
        x = (x ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    // splitmix64's finalizer.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    FAULTS[(x % FAULTS.len() as u64) as usize]
}

#[tokio::test(start_paused = true)]
async fn two_hundred_creates_through_every_fault() {
    for version in SIGNATURES {
        let (server, arrivals) = support::idle_closing_server(|name, arrival, n| {
            let fault = fault_for(name, arrival);
            (fault, fault.reply(n))
        })
        .await;
        let c = client(&server, version)
            .attempt_timeout(Duration::from_secs(2))
            .retry_policy(
                RetryPolicy::new(3)
                    .with_base_delay(Duration::from_millis(50))
                    .with_max_delay(Duration::from_millis(200)),
            )
            .max_connections(16)
            .build()
            .unwrap();

        let mut outcomes: BTreeMap<String, Result<(), Error<ens_client::CreateInstanceError>>> =
            BTreeMap::new();
        for wave in 0..CALLS / WAVE {
            let mut calls = tokio::task::JoinSet::new();
            for i in 0..WAVE {
                let name = format!("fault-{wave:02}-{i:02}");
                let creator = c.clone();
                calls.spawn(async move {
                    let result = creator.create_instance(named_create_request(&name)).await;
                    (name, result.map(|_| ()))
                });
                // Read-only calls keep pooled connections that go idle between waves.
                if i % 4 == 0 {
                    let reader = c.clone();
                    calls.spawn(async move {
                        reader.send(describe_request()).await.unwrap();
                        (String::new(), Ok(()))
                    });
                }
            }
            while let Some(done) = calls.join_next().await {
                let (name, result) = done.unwrap();
                if !name.is_empty() {
                    outcomes.insert(name, result);
                }
            }
            tokio::time::sleep(Duration::from_millis(600)).await;
        }

        let arrivals = arrivals.lock().unwrap();
        let mut sent_twice_after_acting = 0;
        let mut unknown_without_arrival = 0;
        let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
        let mut met: BTreeMap<Fault, usize> = BTreeMap::new();
        let mut histogram: BTreeMap<usize, usize> = BTreeMap::new();
        assert_eq!(outcomes.len(), CALLS);
        for (name, outcome) in &outcomes {
            let faults = arrivals.get(name).map(Vec::as_slice).unwrap_or_default();
            *histogram.entry(faults.len()).or_default() += 1;
            for f in faults {
                *met.entry(*f).or_default() += 1;
            }
            if faults.iter().rev().skip(1).any(|f| !f.did_nothing()) {
                sent_twice_after_acting += 1;
            }
            let last = faults.last().copied();
            let kind = match outcome {
                Ok(()) => {
                    assert_eq!(last, Some(Fault::Created), "{name}: {faults:?}");
                    "created"
                }
                Err(e) if e.is_outcome_unknown() => {
                    if last.is_none() {
                        unknown_without_arrival += 1;
                    }
                    assert!(
                        last.is_some_and(|f| !f.did_nothing()),
                        "{name}: {faults:?} {e}"
                    );
                    "outcome unknown"
                }
                Err(e) => {
                    assert!(
                        last.is_some_and(Fault::did_nothing),
                        "{name}: {faults:?} {e}"
                    );
                    "refused by the service (out of attempts or budget)"
                }
            };
            *tally.entry(kind).or_default() += 1;
        }
        println!("{version:?}: {CALLS} CreateInstance calls, seed {SEED:#x}");
        println!("  faults met by arrivals: {met:?}");
        println!("  arrivals per call: {histogram:?}");
        println!("  outcomes: {tally:?}");
        println!(
            "  requests received: {}, idle connections closed under a request: {}",
            server.count(),
            server.idle_closed()
        );
        println!(
            "  sent again after an arrival that may have acted: {sent_twice_after_acting}; OutcomeUnknown without an arrival: {unknown_without_arrival}"
        );
        assert_eq!(sent_twice_after_acting, 0);
        assert_eq!(unknown_without_arrival, 0);
        // The run met every fault, so the zeros above mean something.
        assert_eq!(met.len(), FAULTS.len(), "{met:?}");
        assert!(server.idle_closed() > 0);
        assert!(tally.len() == 3, "{tally:?}");
    }
}
