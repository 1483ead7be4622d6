//! Fluent calls (`client.create_instance().instance_type(..)...send().await`) against
//! ens-emulator: the same request on the wire as the request object's, the same answer and
//! errors, and validation before anything is sent. (A missing required parameter does not
//! compile: tests/tests/ui/fail/fluent_missing_required.rs.)
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use ens_client::types::Password;
use ens_client::{CallOptions, RetryPolicy, SdkError, SignatureVersion, TimeoutKind};
use support::{
    Effect, Fault, INSTANCE_TYPE, PASSWORD, REGION, client, create_request, emulator_started,
    received,
};

/// The wire parameters of a captured request, less those each request signs afresh.
fn business_params(request: &ens_emulator::CapturedRequest) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = request
        .query()
        .into_iter()
        .filter(|(name, _)| !matches!(name.as_str(), "SignatureNonce" | "Timestamp" | "Signature"))
        .collect();
    params.sort();
    params
}

#[tokio::test]
async fn a_fluent_call_sends_what_the_request_object_sends() {
    let emu = emulator_started().await;
    let client = client(&emu, SignatureVersion::RpcV1).build().unwrap();
    let by_object = client.send(create_request()).await.unwrap();
    let fluent = client
        .create_instance()
        .instance_type(INSTANCE_TYPE)
        .ens_region_id(REGION)
        .period(1)
        .quantity(2)
        .image_id("centos_7_08_64_20G_alibase_20200914")
        .password(Password::new(PASSWORD).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(by_object.instance_ids.len(), 2);
    assert_eq!(fluent.instance_ids.len(), 2);
    assert_eq!(
        emu.instances().len(),
        4,
        "both calls created their instances"
    );
    let sent = received(&emu, "CreateInstance");
    assert_eq!(sent.len(), 2);
    assert_eq!(business_params(&sent[0]), business_params(&sent[1]));
    assert!(
        business_params(&sent[1]).contains(&("Quantity".into(), "2".into())),
        "{:?}",
        business_params(&sent[1])
    );
}

#[tokio::test]
async fn fluent_reads_and_errors_are_the_request_objects() {
    let emu = emulator_started().await;
    let client = client(&emu, SignatureVersion::V3).build().unwrap();
    let created = client.send(create_request()).await.unwrap();
    let page = client
        .describe_instances()
        .page_size(10)
        .instance_ids(created.instance_ids.clone())
        .ens_region_id(REGION)
        .send()
        .await
        .unwrap();
    let mut listed: Vec<String> = page
        .instances
        .iter()
        .filter_map(|i| i.instance_id.clone())
        .collect();
    listed.sort();
    let mut ids = created.instance_ids;
    ids.sort();
    assert_eq!(listed, ids);
    // The service's refusal comes back as the request object's does (a Pending instance cannot
    // be stopped on the emulator's frozen clock).
    let fluent = client
        .stop_instance()
        .instance_id(&ids[0])
        .send()
        .await
        .unwrap_err();
    let by_object = client
        .send(
            ens_client::StopInstanceRequest::builder()
                .instance_id(&ids[0])
                .build(),
        )
        .await
        .unwrap_err();
    let code =
        |e: &SdkError<ens_client::StopInstanceError>| e.as_service().map(|s| s.code().to_owned());
    assert_eq!(code(&fluent).as_deref(), Some("IncorrectInstanceStatus"));
    assert_eq!(code(&fluent), code(&by_object));
}

#[tokio::test]
async fn an_invalid_fluent_call_is_refused_before_sending_with_every_violation() {
    let emu = emulator_started().await;
    let client = client(&emu, SignatureVersion::V3).build().unwrap();
    let error = client
        .create_instance()
        .instance_type(INSTANCE_TYPE)
        .ens_region_id(REGION)
        .period(13) // 1 to 9, or 12
        .quantity(0) // at least 1
        .key_pair_name("my-key-pair")
        .send()
        .await
        .unwrap_err();
    let SdkError::InvalidRequest(violations) = &error else {
        panic!("{error:?}")
    };
    let named: Vec<&str> = violations.iter().map(|v| v.parameter.as_str()).collect();
    assert!(
        named.contains(&"Period") && named.contains(&"Quantity"),
        "{named:?}"
    );
    assert!(
        received(&emu, "CreateInstance").is_empty(),
        "nothing was sent"
    );
}

#[tokio::test(start_paused = true)]
async fn a_fluent_calls_own_settings_apply_to_it_alone() {
    let emu = emulator_started().await;
    // Every DescribeInstances is answered after 3 s.
    emu.add_fault(Fault::new(Effect::Delay { ms: 3000 }).on("DescribeInstances"));
    let client = client(&emu, SignatureVersion::V3).build().unwrap();
    let timeout = |e: &SdkError<ens_client::DescribeInstancesError>| match e {
        SdkError::Timeout { kind, timeout, .. } => (*kind, *timeout),
        other => panic!("not a timeout: {other:?}"),
    };
    let err = client
        .describe_instances()
        .call_options(CallOptions::new().attempt_timeout(Duration::from_secs(1)))
        // A second call_options overrides what it sets and keeps the first's attempt timeout.
        .call_options(CallOptions::new().retry_policy(RetryPolicy::none()))
        .page_size(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        timeout(&err),
        (TimeoutKind::Attempt, Duration::from_secs(1))
    );
    // On a view: the view's settings, and the call's over them.
    let view = client.with_options(CallOptions::new().attempt_timeout(Duration::from_secs(2)));
    let err = view
        .describe_instances()
        .call_options(CallOptions::new().operation_timeout(Duration::from_millis(500)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        timeout(&err),
        (TimeoutKind::Operation, Duration::from_millis(500))
    );
    // The client keeps its own: the slow answer comes within its 60 s attempt timeout.
    client.describe_instances().send().await.unwrap();
    // One each: the first call was not retried (the client's policy would have, 3 times).
    assert_eq!(received(&emu, "DescribeInstances").len(), 3);
}
