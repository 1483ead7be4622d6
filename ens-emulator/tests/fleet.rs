//! Fifty instances across three regions, asked for concurrently through ens-client while faults
//! drop, refuse, reset and spoil calls: the emulator ends with exactly the instances asked for.
//! The client never re-sends a create whose outcome is unknown; the caller reconciles by name
//! with DescribeInstances, as ens-client's OutcomeUnknown advice says.
#![allow(clippy::unwrap_used)]

mod support;

use ens_client::{Client, DescribeInstancesRequest, WaitOptions};
use ens_emulator::{Effect, Emulator, Fault, Status};
use std::collections::BTreeMap;
use std::time::Duration;
use support::client;

const REGIONS: [(&str, usize); 3] = [
    ("cn-beijing-cmcc", 17),
    ("cn-hangzhou-telecom", 17),
    ("cn-shanghai-unicom", 16),
];

/// The instance named `name`, if DescribeInstances lists it (retrying faulted describes).
async fn find(c: &Client, region: &str, name: &str) -> Option<String> {
    for _ in 0..100 {
        let request = DescribeInstancesRequest::builder()
            .ens_region_id(region)
            .instance_name(name)
            .build();
        if let Ok(answer) = c.send(request).await {
            assert!(
                answer.instances.len() <= 1,
                "{name} exists {} times",
                answer.instances.len()
            );
            return answer.instances.first().and_then(|i| i.instance_id.clone());
        }
    }
    panic!("DescribeInstances failed 100 times in a row");
}

/// Creates the instance `name` exactly once, whatever the faults.
async fn ensure(c: &Client, region: &str, name: &str) -> String {
    for _ in 0..100 {
        let request = ens_client::CreateInstanceRequest::builder()
            .instance_type("ens.sn1.small")
            .ens_region_id(region)
            .period(1)
            .quantity(1)
            .password(ens_client::types::Password::new(support::PASSWORD).unwrap())
            .instance_name(ens_client::types::InstanceName::new(name).unwrap())
            .build();
        match c.send(request).await {
            Ok(mut created) => return created.instance_ids.remove(0),
            // It may exist: look before asking again.
            Err(e) if e.is_outcome_unknown() => {
                if let Some(id) = find(c, region, name).await {
                    return id;
                }
            }
            // Refused before acting (the client's retries ran out): safe to ask again.
            Err(e) => assert_eq!(e.code(), Some("ServiceUnavailable"), "{e}"),
        }
    }
    panic!("could not create {name}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_instances_three_regions_faults_exactly_what_was_asked() {
    let emu = Emulator::builder()
        .manual_clock()
        .seed(2024)
        .throttling(false)
        .start()
        .await
        .unwrap();
    let unavailable = Effect::Error {
        status: 503,
        code: Some("ServiceUnavailable".into()),
        message: None,
    };
    for fault in [
        Fault::new(Effect::CloseAfter)
            .on("CreateInstance")
            .probability(0.15),
        Fault::new(Effect::ErrorAfter {
            status: 500,
            code: Some("InternalError".into()),
        })
        .on("CreateInstance")
        .probability(0.1),
        Fault::new(unavailable.clone())
            .on("CreateInstance")
            .probability(0.15),
        // The first DescribeInstances always fails, so the read side is faulted in every run
        // whatever order the three regions' tasks draw the seeded probabilities in.
        Fault::new(Effect::Reset).on("DescribeInstances").nth(1),
        Fault::new(Effect::Reset)
            .on("DescribeInstances")
            .probability(0.1),
        Fault::new(unavailable)
            .on("DescribeInstances")
            .probability(0.1),
        Fault::new(Effect::Truncated)
            .on("DescribeInstances")
            .probability(0.05),
        Fault::new(Effect::CloseAfter)
            .on("StopInstance")
            .probability(0.2),
    ] {
        emu.add_fault(fault);
    }
    let c = client(&emu);
    let mut tasks = Vec::new();
    for (region, count) in REGIONS {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            let mut made = Vec::new();
            for k in 0..count {
                let name = format!("fleet-{region}-{k:02}");
                made.push((name.clone(), ensure(&c, region, &name).await));
            }
            made
        }));
    }
    let mut asked: BTreeMap<String, String> = BTreeMap::new();
    for task in tasks {
        asked.extend(task.await.unwrap());
    }
    assert_eq!(asked.len(), 50);

    // Boot, then wait for all of them through the faulted DescribeInstances.
    emu.advance(Duration::from_secs(2));
    let ids: Vec<String> = asked.values().cloned().collect();
    let running = loop {
        match c
            .wait_for_instances(ids.clone(), "Running", &WaitOptions::default())
            .await
        {
            Ok(running) => break running,
            Err(ens_client::WaitError::Describe(_)) => continue,
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(running.len(), 50);

    // Stop every fifth; a dropped answer still stopped it, so a retry finds it Stopping.
    for id in ids.iter().step_by(5) {
        match support::stop(&c, id).await {
            Ok(_) => {}
            Err(e) if e.is_outcome_unknown() => {}
            Err(e) => panic!("{e}"),
        }
    }
    emu.advance(Duration::from_secs(1));

    let actual = emu.instances();
    let names: Vec<&str> = actual.iter().map(|i| i.name.as_str()).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "duplicates: {names:?}");
    let by_name: BTreeMap<String, String> = actual
        .iter()
        .map(|i| (i.name.clone(), i.id.clone()))
        .collect();
    assert_eq!(by_name, asked, "exactly the instances asked for");
    for (region, count) in REGIONS {
        assert_eq!(
            actual.iter().filter(|i| i.region == region).count(),
            count,
            "{region}"
        );
    }
    let stopped = actual
        .iter()
        .filter(|i| i.status == Status::Stopped)
        .count();
    assert_eq!(stopped, 10);
    assert!(
        actual
            .iter()
            .all(|i| matches!(i.status, Status::Running | Status::Stopped))
    );

    // The faults did fire, on both sides of acting.
    let counts = emu.counts();
    let create = &counts["CreateInstance"];
    assert!(create.faulted > 0 && create.total > 50, "{create:?}");
    assert_eq!(
        create.changed_state, 50,
        "one state change per instance, none duplicated"
    );
    assert!(counts["DescribeInstances"].faulted > 0);
    println!(
        "CreateInstance: {create:?}\nDescribeInstances: {:?}",
        counts["DescribeInstances"]
    );
}
