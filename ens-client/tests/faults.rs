//! Fault injection: 200 CreateInstance calls against ens-emulator, which (seeded) drops
//! connections after acting, resets them, stalls past the attempt timeout, answers 503 with and
//! without the service's code, throttles, answers 500 after acting, and resets connections that
//! stayed idle as the next request arrives.
//!
//! The emulator logs every arrival of each logical call (named by its `InstanceName`) with the
//! fault it met, and keeps the instances it created. No call may be sent again after an arrival
//! the service may have acted on, no call may end in `OutcomeUnknown` unless it arrived, and no
//! call may create instances twice. On tokio's paused clock, so the stalls cost no real time.
//! `cargo test -p ens-client --test faults -- --nocapture` prints the counts.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use ens_client::{RetryPolicy, SdkError};
use support::{
    Effect, Emulator, Fault, IdleClose, SIGNATURES, client, describe_request, emulator,
    named_create_request, start,
};

const SEED: u64 = 0x0e45_2017_1110_0008;
const CALLS: usize = 200;
const WAVE: usize = 20;
/// The region of the one call per wave that is throttled on every attempt.
const THROTTLED_REGION: &str = "cn-throttled-always";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Created,
    DropAfterActing,
    ResetAfterActing,
    StallPastDeadline,
    UnavailableWithCode,
    Unavailable503WithoutCode,
    Throttled,
    InternalError500,
}

impl Kind {
    /// Whether the service's answer proves it did nothing, so that sending again is safe.
    fn did_nothing(self) -> bool {
        matches!(self, Kind::UnavailableWithCode | Kind::Throttled)
    }

    /// Whether the emulator carried the request out (made an instance).
    fn acted(self) -> bool {
        matches!(
            self,
            Kind::Created
                | Kind::DropAfterActing
                | Kind::ResetAfterActing
                | Kind::StallPastDeadline
                | Kind::InternalError500
        )
    }

    fn effect(self) -> Option<Effect> {
        Some(match self {
            Kind::Created => return None,
            Kind::DropAfterActing => Effect::CloseAfter,
            Kind::ResetAfterActing => Effect::ResetAfter,
            Kind::StallPastDeadline => Effect::DelayAfter { ms: 30_000 },
            Kind::UnavailableWithCode => Effect::Error {
                status: 503,
                code: Some("ServiceUnavailable".into()),
                message: None,
            },
            Kind::Unavailable503WithoutCode => Effect::Respond {
                status: 503,
                body: "<html>overloaded</html>".into(),
                content_type: Some("text/html".into()),
                delay_ms: 0,
            },
            Kind::Throttled => Effect::Error {
                status: 400,
                code: Some("Throttling.User".into()),
                message: None,
            },
            Kind::InternalError500 => Effect::ErrorAfter {
                status: 500,
                code: Some("InternalError".into()),
            },
        })
    }
}

/// The faults before acting first: the emulator draws those rules when a request arrives, and
/// the others after carrying it out.
const FAULTS: [Kind; 7] = [
    Kind::UnavailableWithCode,
    Kind::Unavailable503WithoutCode,
    Kind::Throttled,
    Kind::DropAfterActing,
    Kind::ResetAfterActing,
    Kind::StallPastDeadline,
    Kind::InternalError500,
];

/// Installs the faults so that each, and no fault, meets one CreateInstance arrival in eight:
/// the first rule that fires decides, so rule `i` fires with 1/(8-i) of what the rules before it
/// left (the phases follow each other in that order). Returns the kind of each rule id.
fn install(emu: &Emulator) -> BTreeMap<u64, Kind> {
    // One call per wave is throttled on every attempt (by its region, matched before the
    // others), so every run has calls the service refused however the draws fall: with the
    // draws alone, a refusal needs three "did nothing" faults in a row (about 3 calls in 200).
    let throttled = Kind::Throttled.effect().unwrap();
    let always = emu.add_fault(
        Fault::new(throttled)
            .on("CreateInstance")
            .in_region(THROTTLED_REGION),
    );
    std::iter::once((always, Kind::Throttled))
        .chain(FAULTS.iter().enumerate().map(|(i, kind)| {
            let p = 1.0 / (8 - i) as f64;
            let effect = kind.effect().unwrap();
            let id = emu.add_fault(Fault::new(effect).on("CreateInstance").probability(p));
            (id, *kind)
        }))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn two_hundred_creates_through_every_fault() {
    for version in SIGNATURES {
        let emu = start(
            emulator()
                .seed(SEED)
                .idle_close(IdleClose::OnNextRequest(Duration::from_millis(500))),
        )
        .await;
        let kinds = install(&emu);
        let c = client(&emu, version)
            .attempt_timeout(Duration::from_secs(2))
            .retry_policy(
                RetryPolicy::new(3)
                    .with_base_delay(Duration::from_millis(50))
                    .with_max_delay(Duration::from_millis(200)),
            )
            .max_connections(16)
            .build()
            .unwrap();

        let mut outcomes: BTreeMap<String, Result<(), SdkError<ens_client::CreateInstanceError>>> =
            BTreeMap::new();
        for wave in 0..CALLS / WAVE {
            let mut calls = tokio::task::JoinSet::new();
            for i in 0..WAVE {
                let name = format!("fault-{wave:02}-{i:02}");
                let creator = c.clone();
                let mut request = named_create_request(&name);
                if i == WAVE - 1 {
                    request.ens_region_id = THROTTLED_REGION.to_owned();
                }
                calls.spawn(async move {
                    let result = creator.send(request).await;
                    (name, result.map(|_| ()))
                });
                // Read-only calls keep connections that go idle between waves.
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

        // What arrived, per call, with the fault it met.
        let mut arrivals: BTreeMap<String, Vec<Kind>> = BTreeMap::new();
        for record in emu.requests() {
            let Some(name) = record.wire.as_ref().and_then(|w| w.param("InstanceName")) else {
                continue;
            };
            let kind = record.fault.map_or(Kind::Created, |id| kinds[&id]);
            arrivals.entry(name).or_default().push(kind);
        }
        let mut instances: BTreeMap<String, usize> = BTreeMap::new();
        for instance in emu.instances() {
            *instances.entry(instance.name).or_default() += 1;
        }

        let mut sent_twice_after_acting = 0;
        let mut unknown_without_arrival = 0;
        let mut created_twice = 0;
        let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
        let mut met: BTreeMap<Kind, usize> = BTreeMap::new();
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
            let made = instances.get(name).copied().unwrap_or(0);
            assert_eq!(
                made,
                faults.iter().filter(|f| f.acted()).count(),
                "{name}: {faults:?}"
            );
            if made > 1 {
                created_twice += 1;
            }
            let last = faults.last().copied();
            let kind = match outcome {
                Ok(()) => {
                    assert_eq!(last, Some(Kind::Created), "{name}: {faults:?}");
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
                        last.is_some_and(Kind::did_nothing),
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
            "  requests received: {}, idle connections reset under a request: {}, connections: {}",
            emu.requests().len(),
            emu.idle_closed(),
            emu.connections_accepted()
        );
        println!(
            "  sent again after an arrival that may have acted: {sent_twice_after_acting}; OutcomeUnknown without an arrival: {unknown_without_arrival}; calls that created twice: {created_twice}"
        );
        assert_eq!(sent_twice_after_acting, 0);
        assert_eq!(unknown_without_arrival, 0);
        assert_eq!(created_twice, 0);
        // The run met every fault, so the zeros above mean something.
        assert_eq!(met.len(), FAULTS.len() + 1, "{met:?}");
        assert!(emu.idle_closed() > 0);
        assert!(tally.len() == 3, "{tally:?}");
    }
}
