//! Wire parity with Alibaba's official SDKs: body parameters in a signed form body (never a
//! password in a URL), `Content-Length` on every POST, JSON parameters in the caller's key
//! order, lower-case error fields, and no clear-text endpoint by accident.
#![allow(clippy::unwrap_used)]

mod support;

use ens_client::{Client, Credentials, ReinitInstanceRequest, SdkError, SignatureVersion};
use support::{
    ACCESS_KEY_ID, PASSWORD, Reply, SECRET, SIGNATURES, TOKEN, answer_always, client,
    describe_request, emulator_started, received, sts_credentials,
};

fn reinit_request() -> ReinitInstanceRequest {
    ReinitInstanceRequest::builder()
        .instance_id("i-5vn4n3y4laeb")
        .image_id("m-5wn1dh b48f/440")
        .password(ens_client::types::Password::new(PASSWORD).unwrap())
        .build()
}

#[tokio::test]
async fn body_parameters_travel_in_a_signed_form_body() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_always(&emu, "ReinitInstance", Reply::ok(r#"{"RequestId":"R-1"}"#));
        let c = client(&emu, version)
            .credentials(sts_credentials())
            .build()
            .unwrap();
        // The emulator verifies the signature the way the service does, body included.
        let done = c.send(reinit_request()).await.unwrap();
        assert_eq!(done.request_id.as_deref(), Some("R-1"), "{version:?}");
        let seen = &received(&emu, "ReinitInstance")[0];
        assert_eq!(
            seen.header("content-type"),
            Some("application/x-www-form-urlencoded"),
            "{version:?}"
        );
        assert_eq!(seen.body_param("Password").as_deref(), Some(PASSWORD));
        assert_eq!(
            seen.body_param("ImageId").as_deref(),
            Some("m-5wn1dh b48f/440")
        );
        assert_eq!(
            seen.body_param("InstanceId").as_deref(),
            Some("i-5vn4n3y4laeb")
        );
        assert_eq!(
            seen.header("content-length"),
            Some(seen.body.len().to_string().as_str())
        );
        for name in ["Password", "ImageId", "InstanceId"] {
            assert!(seen.param(name).is_none(), "{version:?}: {name} in the URL");
        }
        assert!(!seen.raw_query.contains("Pa55word"), "{}", seen.raw_query);
        if version == SignatureVersion::V3 {
            let signed = seen.header("authorization").unwrap();
            assert!(
                signed.contains("content-type"),
                "the body's type is signed: {signed}"
            );
        }

        // The dry run shows the body, secrets masked.
        let dry = c.dry_run(&reinit_request()).await.unwrap();
        let body = String::from_utf8(dry.body().to_vec()).unwrap();
        assert!(body.contains("ImageId=m-5wn1dh%20b48f%2F440"), "{body}");
        assert!(body.contains("Password="), "{body}");
        assert!(!dry.url().contains("Password"), "{}", dry.url());
        let shown = format!("{dry}\n{dry:?}");
        assert!(shown.contains("ImageId=m-5wn1dh%20b48f%2F440"), "{shown}");
        assert!(shown.contains("Password=***"), "{shown}");
        assert!(
            !shown.contains("Pa55word") && !shown.contains(TOKEN),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn every_post_carries_content_length() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        let c = client(&emu, version).build().unwrap();
        c.send(describe_request()).await.unwrap();
        let seen = &received(&emu, "DescribeInstances")[0];
        assert_eq!(seen.method, "POST");
        assert!(seen.body.is_empty());
        assert_eq!(seen.header("content-length"), Some("0"), "{version:?}");
        assert!(seen.header("content-type").is_none());
        let dry = c.dry_run(&describe_request()).await.unwrap();
        assert_eq!(dry.header("content-length"), Some("0"));
    }
}

#[tokio::test]
async fn json_parameters_go_in_declared_order_or_as_the_callers_value_serializes() {
    let emu = emulator_started().await;
    answer_always(
        &emu,
        "DescribeInstances",
        Reply::ok(r#"{"RequestId":"R","Code":0}"#),
    );
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    let tags = ens_client::describe_instances::TagFilter {
        key: Some("env".into()),
        value: Some("prod".into()),
    };
    let order = serde_json::json!({"Zone": "desc", "CreationTime": "asc"});
    let request = ens_client::DescribeInstancesRequest::builder()
        .tags([tags])
        .order_by_params(order.clone())
        .build();
    c.send(request).await.unwrap();
    let seen = &received(&emu, "DescribeInstances")[0];
    // Typed objects go as JSON objects keyed by their wire names, in the spec's order.
    assert_eq!(
        seen.param("Tags").as_deref(),
        Some(r#"[{"Key":"env","Value":"prod"}]"#)
    );
    // A caller's own JSON value goes as its text: its keys in the order its map keeps them
    // (serde_json's `preserve_order` is the caller's choice; the client does not turn it on).
    assert_eq!(
        seen.param("OrderByParams"),
        Some(order.to_string()),
        "sent as the caller's value serializes"
    );
}

#[tokio::test]
async fn error_bodies_with_lower_case_fields_are_the_services_errors() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_always(
            &emu,
            "CreateInstance",
            Reply::json(
                400,
                r#"{"requestId":"R-low","hostId":"ens.aliyuncs.com","code":"InvalidParameter.Foo","message":"The specified field Foo invalid.","recommend":"https://example.com/r"}"#,
            ),
        );
        let c = client(&emu, version).build().unwrap();
        let err = c.send(support::create_request()).await.unwrap_err();
        let SdkError::Service(service) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(service.code(), "InvalidParameter.Foo");
        assert_eq!(service.message(), "The specified field Foo invalid.");
        assert_eq!(service.request_id(), Some("R-low"));
        assert_eq!(service.host_id(), Some("ens.aliyuncs.com"));
        assert_eq!(service.recommend(), Some("https://example.com/r"));
    }
}

#[test]
fn clear_text_endpoints_need_an_explicit_opt_in() {
    let build = |endpoint: &str, allow: bool| {
        Client::builder()
            .endpoint(endpoint)
            .credentials(Credentials::new(ACCESS_KEY_ID, SECRET))
            .allow_http(allow)
            .build()
    };
    let err = build("http://ens.aliyuncs.com", false).unwrap_err();
    assert!(err.to_string().contains("allow_http"), "{err}");
    assert!(build("http://10.1.2.3:8080", false).is_err());
    assert!(build("http://ens.aliyuncs.com", true).is_ok());
    assert!(build("http://127.0.0.1:8080", false).is_ok());
    assert!(build("http://localhost:8080", false).is_ok());
    assert!(build("https://ens.aliyuncs.com", false).is_ok());
}
