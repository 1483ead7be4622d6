//! Generated waiters against ens-emulator: DescribeInstances' `InstanceRunning` on the emulator's
//! own lifecycle, a terminal state, an instance not listed yet, and a timeout.

#![allow(clippy::unwrap_used)] // a failed step should stop the test right there

use ens_client::{
    Client, Credentials, DescribeInstancesRequest, RetryPolicy, WaitOptions, WaiterError,
};
use ens_emulator::{Effect, Emulator, Fault, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET, Trigger};
use std::time::Duration;

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Short pauses: the waiter's own floor (1 s) is the pause between polls.
fn options(timeout_ms: u64) -> WaitOptions {
    WaitOptions::default()
        .with_timeout(Duration::from_millis(timeout_ms))
        .with_delays(Duration::from_millis(10), Duration::from_millis(10))
}

fn respond(emulator: &Emulator, n: u64, body: &str) {
    emulator.add_fault(Fault {
        actions: vec!["DescribeInstances".into()],
        region: None,
        signature: None,
        trigger: Trigger::Nth { n },
        effect: Effect::Respond {
            status: 200,
            body: body.to_owned(),
            content_type: None,
            delay_ms: 0,
        },
    });
}

fn ids_request(ids: &[&str]) -> DescribeInstancesRequest {
    DescribeInstancesRequest::builder()
        .instance_ids(ids.iter().map(|s| s.to_string()))
        .build()
}

#[tokio::test]
async fn waits_for_created_instances_to_run() {
    let emulator = Emulator::builder().manual_clock().start().await.unwrap();
    let c = client(&emulator);
    let created = c
        .create_instance(
            ens_client::CreateInstanceRequest::builder()
                .instance_type("ens.sn1.small")
                .ens_region_id("cn-beijing-cmcc")
                .period(1)
                .quantity(2)
                .password(ens_client::types::Password::new("Edge#2024x").unwrap())
                .build(),
        )
        .await
        .unwrap();
    let request = DescribeInstancesRequest::builder()
        .instance_ids(created.instance_ids.clone())
        .build();
    // The instances boot (Pending -> Running) while the waiter polls.
    let boot = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        emulator.advance(Duration::from_secs(5));
    };
    let options = options(10_000);
    let (answer, ()) = tokio::join!(c.wait_until_instance_running(request, &options), boot);
    let answer = answer.unwrap();
    assert_eq!(answer.instances.len(), 2);
    assert!(emulator.count("DescribeInstances") >= 2, "it polled again");
}

#[tokio::test]
async fn a_terminal_state_fails_at_once() {
    let emulator = Emulator::builder().manual_clock().start().await.unwrap();
    let c = client(&emulator);
    respond(
        &emulator,
        1,
        r#"{"RequestId":"r","TotalCount":2,"Instances":{"Instance":[{"InstanceId":"i-1","Status":"Running"},{"InstanceId":"i-2","Status":"Expired"}]}}"#,
    );
    let error = c
        .wait_until_instance_running(ids_request(&["i-1", "i-2"]), &options(10_000))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, WaiterError::Failed { waiter: "InstanceRunning", acceptor } if acceptor.contains("Expired")),
        "{error}"
    );
    assert_eq!(emulator.count("DescribeInstances"), 1);
}

/// An instance the answer does not list yet is not running yet, even if every listed one is.
#[tokio::test]
async fn success_waits_until_every_instance_asked_for_is_listed() {
    let emulator = Emulator::builder().manual_clock().start().await.unwrap();
    let c = client(&emulator);
    respond(
        &emulator,
        1,
        r#"{"RequestId":"r","Instances":{"Instance":[{"InstanceId":"i-1","Status":"Running"}]}}"#,
    );
    respond(
        &emulator,
        2,
        r#"{"RequestId":"r","Instances":{"Instance":[{"InstanceId":"i-1","Status":"Running"},{"InstanceId":"i-2","Status":"Running"}]}}"#,
    );
    let answer = c
        .wait_until_instance_running(ids_request(&["i-1", "i-2"]), &options(10_000))
        .await
        .unwrap();
    assert_eq!(answer.instances.len(), 2);
    assert_eq!(emulator.count("DescribeInstances"), 2);
}

#[tokio::test]
async fn no_decision_before_the_timeout_times_out() {
    let emulator = Emulator::builder().manual_clock().start().await.unwrap();
    let c = client(&emulator);
    let error = c
        .wait_until_instance_stopped(ids_request(&["i-nowhere"]), &options(1_500))
        .await
        .unwrap_err();
    match error {
        WaiterError::TimedOut { waiter, polls, .. } => {
            assert_eq!(waiter, "InstanceStopped");
            assert!(polls >= 2, "{polls}");
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn an_error_no_acceptor_expects_ends_the_wait() {
    let emulator = Emulator::builder().manual_clock().start().await.unwrap();
    let c = client(&emulator);
    emulator.add_fault(Fault {
        actions: vec!["DescribeInstances".into()],
        region: None,
        signature: None,
        trigger: Trigger::Always,
        effect: Effect::Error {
            status: 403,
            code: Some("Forbidden.NoPermission".into()),
            message: None,
        },
    });
    let error = c
        .wait_until_instance_running(ids_request(&["i-1"]), &options(10_000))
        .await
        .unwrap_err();
    let WaiterError::Call(call) = error else {
        panic!("{error}");
    };
    assert_eq!(call.code(), Some("Forbidden.NoPermission"));
}

/// A waiter the import writes from our data (`metadata/waiters.json`) into an imported spec.
#[tokio::test]
async fn imported_specs_have_waiters_too() {
    let emulator = Emulator::builder().manual_clock().start().await.unwrap();
    let c = client(&emulator);
    emulator.add_fault(Fault {
        actions: vec!["DescribeSnapshots".into()],
        region: None,
        signature: None,
        trigger: Trigger::Always,
        effect: Effect::Respond {
            status: 200,
            body: r#"{"RequestId":"r","Snapshots":[{"SnapshotId":"s-1","Status":"error"}]}"#.into(),
            content_type: None,
            delay_ms: 0,
        },
    });
    let request = ens_client::DescribeSnapshotsRequest::builder()
        .snapshot_id("s-1")
        .build();
    let error = c
        .wait_until_snapshot_available(request, &options(10_000))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            WaiterError::Failed {
                waiter: "SnapshotAvailable",
                ..
            }
        ),
        "{error}"
    );
}
