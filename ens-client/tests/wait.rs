//! `Client::wait_for_instances` against a loopback server that plays DescribeInstances.

mod support;

use ens_client::{WaitError, WaitOptions};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{Reply, SIGNATURES, TestServer, client};

/// A DescribeInstances answer listing `(id, status)` pairs.
fn instances(list: &[(&str, &str)]) -> Reply {
    let items: Vec<String> = list
        .iter()
        .map(|(id, status)| format!(r#"{{"InstanceId":"{id}","Status":"{status}"}}"#))
        .collect();
    Reply::ok(format!(
        r#"{{"RequestId":"R","Code":0,"TotalCount":{},"Instances":{{"Instance":[{}]}}}}"#,
        list.len(),
        items.join(",")
    ))
}

fn asked_ids(request: &support::Received) -> Vec<String> {
    let raw = request.param("InstanceIds").expect("InstanceIds is sent");
    ens_client::core::serde_json::from_str(raw).expect("InstanceIds is a JSON array")
}

fn quick() -> WaitOptions {
    WaitOptions::default()
        .with_timeout(Duration::from_secs(5))
        .with_delays(Duration::from_millis(5), Duration::from_millis(20))
}

#[tokio::test]
async fn polls_until_every_instance_runs_asking_only_for_the_pending_ones() {
    for version in SIGNATURES {
        let server = TestServer::start(|_, n| match n {
            0 => instances(&[("i-1", "Pending")]), // i-2 not listed yet
            1 => instances(&[("i-1", "Running"), ("i-2", "Pending")]),
            _ => instances(&[("i-2", "Running")]),
        })
        .await;
        let c = client(&server, version).build().unwrap();
        let done = c
            .wait_for_instances(["i-1", "i-2"], "Running", &quick())
            .await
            .unwrap();
        let ids: Vec<_> = done
            .iter()
            .map(|i| i.instance_id.as_deref().unwrap())
            .collect();
        assert_eq!(ids, ["i-1", "i-2"], "returned in the order asked");
        assert!(
            done.iter()
                .all(|i| i.status.as_ref().map(|s| s.as_str()) == Some("Running"))
        );
        let received = server.received();
        assert_eq!(received.len(), 3);
        assert!(
            received
                .iter()
                .all(|r| r.action() == Some("DescribeInstances"))
        );
        assert_eq!(asked_ids(&received[0]), ["i-1", "i-2"]);
        assert_eq!(asked_ids(&received[1]), ["i-1", "i-2"]);
        assert_eq!(
            asked_ids(&received[2]),
            ["i-2"],
            "a finished instance is not asked again"
        );
        assert_eq!(received[0].param("PageSize"), Some("100"));
    }
}

#[tokio::test]
async fn a_timeout_lists_each_pending_instance_with_its_last_status() {
    let server = TestServer::always(instances(&[("i-1", "Pending")])).await;
    let c = client(&server, SIGNATURES[0]).build().unwrap();
    let options = quick().with_timeout(Duration::from_millis(150));
    let started = Instant::now();
    let err = c
        .wait_for_instances(["i-1", "i-2"], "Running", &options)
        .await
        .unwrap_err();
    let WaitError::TimedOut {
        status,
        waited,
        polls,
        pending,
    } = &err
    else {
        panic!("expected a timeout, got {err}");
    };
    assert_eq!(status, "Running");
    assert!(*waited >= Duration::from_millis(150) && started.elapsed() < Duration::from_secs(5));
    assert!(
        *polls >= 2 && server.count() == *polls as usize,
        "{polls} polls, {} calls",
        server.count()
    );
    assert_eq!(pending.len(), 2);
    assert_eq!(pending[0].instance_id, "i-1");
    assert_eq!(pending[0].last_status.as_deref(), Some("Pending"));
    assert_eq!(pending[1].instance_id, "i-2");
    assert_eq!(pending[1].last_status, None);
    let shown = err.to_string();
    assert!(
        shown.contains("i-1 (last status Pending)") && shown.contains("i-2 (not listed yet)"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_failing_describe_ends_the_wait_with_its_typed_error() {
    let server = TestServer::always(Reply::error(
        400,
        "InvalidParameter.InstanceIds",
        "bad ids",
        "R-9",
    ))
    .await;
    let c = client(&server, SIGNATURES[1]).build().unwrap();
    let err = c
        .wait_for_instances(["i-1"], "Running", &quick())
        .await
        .unwrap_err();
    let WaitError::Describe(e) = &err else {
        panic!("expected the DescribeInstances error, got {err}")
    };
    assert_eq!(e.code(), Some("InvalidParameter.InstanceIds"));
    assert_eq!(e.request_id(), Some("R-9"));
    assert_eq!(server.count(), 1, "a client error is not retried");
}

#[tokio::test]
async fn many_instances_are_asked_in_calls_of_100_spaced_by_the_rate_limit() {
    let ids: Vec<String> = (0..250).map(|i| format!("i-{i:03}")).collect();
    let times = Arc::new(Mutex::new(Vec::new()));
    let seen = times.clone();
    let server = TestServer::start(move |request, _| {
        seen.lock().unwrap().push(Instant::now());
        let asked = asked_ids(request);
        let pairs: Vec<(&str, &str)> = asked.iter().map(|id| (id.as_str(), "Running")).collect();
        instances(&pairs)
    })
    .await;
    let c = client(&server, SIGNATURES[0]).build().unwrap();
    let done = c
        .wait_for_instances(ids.clone(), "Running", &quick())
        .await
        .unwrap();
    assert_eq!(done.len(), 250);
    let sizes: Vec<usize> = server
        .received()
        .iter()
        .map(|r| asked_ids(r).len())
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
    // DescribeInstances is documented at 100 calls per second: the client leaves 10 ms between
    // calls. Stamped on arrival, the first call also carries the connection setup, so only the
    // gaps between calls on the warm connection are compared, with room for loopback jitter.
    let times = times.lock().unwrap();
    for pair in times.windows(2).skip(1) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(7),
            "calls {:?} apart",
            pair[1] - pair[0]
        );
    }
}
