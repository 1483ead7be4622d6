//! The macro's client calls the service like ens-client's: validated, signed, sent, decoded, and
//! its errors typed, with nothing but the runtime underneath (here over a replay of canned
//! answers).

use ens_runtime::Credentials;
use ens_runtime::time::ManualTime;
use ens_runtime::transport::{ReplayEvent, ReplayTransport};
use macro_user::ens::{
    Client, CreateInstanceError, CreateInstanceRequest, DescribeInstancesRequest, SERVICE,
};

fn client(replay: &ReplayTransport) -> Client {
    let time = ManualTime::new();
    Client::builder()
        .credentials(Credentials::new(
            "LTAI5tTestAccessKeyId000",
            "TestAccessKeySecret0123456789ab",
        ))
        .transport(replay.clone())
        .time_source(time.clone())
        .sleep_impl(time)
        .build()
        .expect("a client")
}

fn create_request() -> CreateInstanceRequest {
    CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .period(1)
        .quantity(1)
        .key_pair_name("my-key-pair")
        .build()
}

#[tokio::test(flavor = "current_thread")]
async fn the_expanded_client_sends_decodes_and_types_errors() {
    let replay = ReplayTransport::new([
        ReplayEvent::json(
            200,
            r#"{"RequestId":"R-1","InstanceIds":{"InstanceId":["i-1"]},"Code":0}"#,
        )
        .expect_action("CreateInstance")
        .expect_param("InstanceType", "ens.sn1.small"),
        ReplayEvent::json(
            400,
            r#"{"RequestId":"R-2","Code":"StockNotEnough","Message":"no stock"}"#,
        )
        .expect_action("CreateInstance"),
        ReplayEvent::json(
            200,
            r#"{"RequestId":"R-3","TotalCount":1,"PageNumber":1,"PageSize":10,"Instances":{"Instance":[{"InstanceId":"i-1","Status":"Running"}]}}"#,
        )
        .expect_action("DescribeInstances"),
    ]);
    let client = client(&replay);
    let created = client.send(create_request()).await.expect("created");
    assert_eq!(created.instance_ids, ["i-1"]);

    let refused = client.send(create_request()).await.expect_err("no stock");
    let kind = refused.as_service().map(|s| s.kind());
    assert!(
        matches!(kind, Some(CreateInstanceError::StockNotEnough)),
        "{refused:?}"
    );

    let page = client
        .send(DescribeInstancesRequest::builder().page_size(10).build())
        .await
        .expect("a page");
    assert_eq!(page.instances.len(), 1);
    assert_eq!(page.instances[0].instance_id.as_deref(), Some("i-1"));
    replay.assert_requests_match();
    // The service's facts come from the expansion's SERVICE.
    assert_eq!(
        replay.requests()[0].header("x-acs-version"),
        Some(SERVICE.api_version)
    );
    assert_eq!(SERVICE.api_version, "2017-11-10");
    assert_eq!(client.endpoint(), "https://ens.aliyuncs.com");
}

#[tokio::test(flavor = "current_thread")]
async fn an_invalid_request_is_refused_before_anything_is_sent() {
    let replay = ReplayTransport::new([]);
    let request = CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .period(13) // 1 to 9 or 12
        .quantity(1)
        .key_pair_name("my-key-pair")
        .build();
    let error = client(&replay).send(request).await.expect_err("invalid");
    assert!(error.to_string().contains("Period"), "{error}");
    assert!(replay.requests().is_empty());
}
