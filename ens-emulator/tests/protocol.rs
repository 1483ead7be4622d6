//! The protocol as any client meets it: signatures, documented error bodies, validation codes,
//! what is not emulated, formats, throttling.
#![allow(clippy::unwrap_used)]

mod support;

use ens_auth::SigningTime;
use ens_client::{Client, Credentials, DescribeInstancesRequest, RetryPolicy, SignatureVersion};
use ens_emulator::{Emulator, Quota, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET};
use std::time::Duration;
use support::{call, client, create, raw, signed_query, signed_query_with};

#[tokio::test]
async fn wrong_secret_gets_signature_does_not_match_with_the_string_to_sign() {
    let emu = Emulator::start().await.unwrap();
    for version in [SignatureVersion::V3, SignatureVersion::RpcV1] {
        let c = Client::builder()
            .endpoint(emu.endpoint())
            .credentials(Credentials::new(TEST_ACCESS_KEY_ID, "not-the-secret"))
            .signature_version(version)
            .build()
            .unwrap();
        let err = c
            .send(DescribeInstancesRequest::builder().build())
            .await
            .unwrap_err();
        let service = err.as_service().expect("a service error");
        assert_eq!(
            (service.code(), service.http_status()),
            ("SignatureDoesNotMatch", 400)
        );
        let server = service
            .server_string_to_sign()
            .expect("the service's string to sign");
        let client_side = service.client_string_to_sign().expect("the client's");
        assert!(
            client_side.starts_with(server),
            "{version:?}: server {server:?} vs client {client_side:?}"
        );
        assert!(
            service
                .message()
                .starts_with("Specified signature is not matched with our calculation.")
        );
    }
}

#[tokio::test]
async fn unknown_key_stale_timestamp_reused_nonce() {
    let emu = Emulator::start().await.unwrap();
    let stranger = Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new("LTAIstranger", "x"))
        .build()
        .unwrap();
    let err = stranger
        .send(DescribeInstancesRequest::builder().build())
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.http_status()),
        (Some("InvalidAccessKeyId.NotFound"), Some(404))
    );

    // A clock 16 minutes behind is refused; ens-client then signs with the answer's `Date`
    // and is accepted.
    let stale = support::builder(&emu)
        .clock(|| SigningTime::from_unix_seconds(SigningTime::now().unix_seconds() - 16 * 60))
        .build()
        .unwrap();
    stale
        .send(DescribeInstancesRequest::builder().build())
        .await
        .unwrap();
    let describes = &emu.counts()["DescribeInstances"];
    assert_eq!(describes.errors.get("InvalidTimeStamp.Expired"), Some(&1));

    let fixed_nonce = support::builder(&emu)
        .nonce(|| "always-the-same".to_owned())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    fixed_nonce
        .send(DescribeInstancesRequest::builder().build())
        .await
        .unwrap();
    let err = fixed_nonce
        .send(DescribeInstancesRequest::builder().build())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("SignatureNonceUsed"));

    // Unsigned, or with a malformed timestamp.
    let unsigned = raw(
        emu.addr(),
        "GET",
        "/?Action=DescribeInstances&Version=2017-11-10",
        &[],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(
        (unsigned.status, unsigned.code().as_str()),
        (400, "IncompleteSignature")
    );
    let t = SigningTime::now();
    let q = signed_query_with(
        "DescribeInstances",
        &[],
        &[],
        TEST_ACCESS_KEY_ID,
        TEST_ACCESS_KEY_SECRET,
        "n-1",
        t,
    )
    .replace(&ens_auth::encode::encode(&t.to_utc_string()), "yesterday");
    let bad_time = raw(emu.addr(), "POST", &format!("/?Format=JSON&{q}"), &[], b"")
        .await
        .unwrap();
    assert_eq!(bad_time.code(), "InvalidTimeStamp.Format");
}

/// The service's wall clock may differ from the client's: timestamps are checked against the
/// emulator's, and every answer's `Date` shows it.
#[tokio::test]
async fn a_service_clock_ahead_refuses_this_machines_timestamps_and_dates_its_answers() {
    let emu = Emulator::builder()
        .wall_clock_ahead(3600)
        .start()
        .await
        .unwrap();
    let addr = emu.addr();
    let at = |time: SigningTime| async move {
        let query = support::signed_query_with(
            "DescribeInstances",
            &[],
            &[],
            TEST_ACCESS_KEY_ID,
            TEST_ACCESS_KEY_SECRET,
            &support::nonce(),
            time,
        );
        raw(addr, "POST", &format!("/?{query}"), &[], b"").await
    };
    let now = SigningTime::now().unix_seconds();
    let refused = at(SigningTime::now()).await.unwrap();
    assert_eq!(refused.code(), "InvalidTimeStamp.Expired");
    let date = httpdate::parse_http_date(refused.header("Date").expect("a Date header")).unwrap();
    let date = SigningTime::from_system_time(date).unix_seconds();
    assert!((date - now - 3600).abs() <= 5, "Date {date}, now {now}");
    let accepted = at(SigningTime::from_unix_seconds(now + 3600))
        .await
        .unwrap();
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    emu.set_wall_clock_ahead(0);
    assert_eq!(at(SigningTime::now()).await.unwrap().status, 200);
}

#[tokio::test]
async fn error_bodies_are_the_documented_ones() {
    let emu = Emulator::start().await.unwrap();
    let answer = call(&emu, "StartInstance", &[]).await;
    assert_eq!(answer.status, 400);
    let body = answer.json();
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["Code", "HostId", "Message", "Recommend", "RequestId"]
    );
    assert_eq!(body["Code"], "MissingParameter");
    assert_eq!(
        body["Message"],
        "The input parameters that is mandatory for processing this request is not supplied."
    );
    assert!(
        body["Recommend"]
            .as_str()
            .unwrap()
            .contains("InstanceId: is required")
    );
    assert_eq!(
        answer.header("x-acs-request-id"),
        body["RequestId"].as_str()
    );
    assert!(answer.header("x-ens-emulator").is_some());

    let unknown = call(&emu, "DescribeNothing", &[]).await;
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (404, "InvalidAction.NotFound")
    );
    let version = raw(
        emu.addr(),
        "GET",
        "/?Action=DescribeInstances&Version=2014-05-26",
        &[],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(version.code(), "InvalidVersion");
    let method = raw(
        emu.addr(),
        "PUT",
        &format!("/?{}", signed_query("DescribeInstances", &[])),
        &[],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(
        (method.status, method.code().as_str()),
        (403, "UnsupportedHTTPMethod")
    );
}

#[tokio::test]
async fn every_rule_gives_the_documented_code() {
    let emu = Emulator::start().await.unwrap();
    let base = [
        ("InstanceType", "ens.sn1.small"),
        ("EnsRegionId", "cn-beijing-cmcc"),
        ("Quantity", "1"),
        ("Password", "Edge#2024x"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut p: Vec<(&str, &str)> = base.to_vec();
        p.extend_from_slice(extra);
        p
    };
    // (extra parameters, code, message)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case<'_>] = &[
        (
            &[],
            "MissingParameter",
            "The input parameter that is mandatory for processing this request is not supplied.",
        ),
        (
            &[("Period", "10")],
            "InvalidParameter.Period",
            "The specified field Period invalid. Please check it again.",
        ),
        (
            &[("Period", "1"), ("SystemDisk.Size", "35")],
            "InvalidDiskSize.ValueNotSupported",
            "The specified disk capacity is invalid. Specify another capacity and try again.",
        ),
        (
            &[("Period", "1"), ("InternetChargeType", "Monthly")],
            "InvalidParameter.Bandwidth",
            "The specified parameter InternetChargeType is not valid.",
        ),
        (
            &[("Period", "1"), ("PasswordInherit", "true")],
            "InvalidPasswordParam.Mismatch",
            "The input password should be null when passwordInherit is true.",
        ),
        (
            &[("Period", "1"), ("PrivateIpAddress", "10.0.0.9")],
            "MissingParameter",
            "The input parameter that is mandatory for processing this request is not supplied.",
        ),
    ];
    for (extra, code, message) in cases {
        let answer = call(&emu, "CreateInstance", &with(extra)).await;
        let body = answer.json();
        assert_eq!(
            (
                answer.status,
                body["Code"].as_str(),
                body["Message"].as_str()
            ),
            (400, Some(*code), Some(*message)),
            "{extra:?}"
        );
        assert!(
            !answer.body.contains("Edge#2024x"),
            "password echoed: {}",
            answer.body
        );
    }
    // The Python SDK's capitalised booleans and extra parameters are accepted, as by the service.
    let lenient = call(
        &emu,
        "CreateInstance",
        &with(&[
            ("Period", "1"),
            ("UniqueSuffix", "True"),
            ("PublicIpIdentification", "False"),
            ("RegionId", "cn-hangzhou"),
        ]),
    )
    .await;
    assert_eq!(lenient.status, 200, "{}", lenient.body);
    assert_eq!(lenient.json()["Code"], 0);
    // An empty JSON list is a filter that matches nothing (DescribeInstances' reference).
    let empty = call(&emu, "DescribeInstances", &[("InstanceIds", "[]")]).await;
    assert_eq!(empty.json()["TotalCount"], 0, "{}", empty.body);
}

#[tokio::test]
async fn operations_not_emulated_are_validated_then_answer_501() {
    let emu = Emulator::start().await.unwrap();
    // RenewInstance documents no MissingParameter row: the gateway's wording, naming the parameter.
    let bad = call(&emu, "RenewInstance", &[("InstanceId", "i-1")]).await;
    assert_eq!(
        bad.code(),
        "MissingParameter",
        "validated first: {}",
        bad.body
    );
    assert!(
        bad.json()["Message"]
            .as_str()
            .unwrap()
            .contains("\"Period\"")
    );
    let bad = call(
        &emu,
        "RenewInstance",
        &[("InstanceId", "i-1"), ("Period", "x")],
    )
    .await;
    assert_eq!(bad.code(), "InvalidParameter.Period");
    let bad = call(
        &emu,
        "RenewInstance",
        &[("InstanceId", "i-1"), ("Period", "1")],
    )
    .await;
    assert_eq!(
        (bad.status, bad.code().as_str()),
        (501, ens_emulator::NOT_EMULATED)
    );
    assert!(
        bad.json()["Message"]
            .as_str()
            .unwrap()
            .contains("RenewInstance")
    );
    // Known to the metadata only (no spec yet): its basic rules, then 501.
    let bad = call(&emu, "DescribeEnsEipAddresses", &[("PageSize", "x")]).await;
    assert_eq!(bad.code(), "InvalidParameter.PageSize", "{}", bad.body);
    let bad = call(&emu, "DescribeEnsEipAddresses", &[]).await;
    assert_eq!(bad.status, 501);
}

#[tokio::test]
async fn rpc_answers_xml_without_format_and_reads_form_bodies() {
    let emu = Emulator::start().await.unwrap();
    // Format is signed: dropping it breaks the signature, and the error comes as XML.
    let query = signed_query("DescribeInstances", &[]).replace("Format=JSON&", "");
    let xml = raw(emu.addr(), "POST", &format!("/?{query}"), &[], b"")
        .await
        .unwrap();
    assert_eq!(xml.status, 400);
    assert!(
        xml.body.starts_with("<?xml") && xml.body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{}",
        xml.body
    );

    let t = SigningTime::now();
    let nonce = support::nonce();
    let mut params = ens_auth::rpc_v1::common_params(
        "DescribeInstances",
        "2017-11-10",
        TEST_ACCESS_KEY_ID,
        None,
        t,
        &nonce,
    );
    params.retain(|(k, _)| *k != "Format");
    let sig = ens_auth::rpc_v1::sign(
        "GET",
        params.iter().map(|(k, v)| (*k, v.as_str())),
        TEST_ACCESS_KEY_SECRET,
    );
    let answer = raw(
        emu.addr(),
        "GET",
        &format!("/?{}", sig.signed_query()),
        &[],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer
            .header("Content-Type")
            .unwrap()
            .starts_with("text/xml")
    );
    assert!(
        answer.body.contains("<DescribeInstancesResponse>")
            && answer.body.contains("<TotalCount>0</TotalCount>"),
        "{}",
        answer.body
    );

    // ReinitInstance's parameters travel in a form body, as the official SDKs send them.
    let c = client(&emu);
    let id = c
        .send(create("cn-beijing-cmcc", "ens.sn1.small", 1))
        .await
        .unwrap()
        .instance_ids
        .remove(0);
    emu.advance(Duration::from_secs(5));
    let form = [
        ("InstanceId", id.as_str()),
        ("ImageId", "ubuntu_20_04_x64_20G_alibase_20210420"),
    ];
    let q = signed_query_with(
        "ReinitInstance",
        &[],
        &form,
        TEST_ACCESS_KEY_ID,
        TEST_ACCESS_KEY_SECRET,
        &support::nonce(),
        SigningTime::now(),
    );
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let answer = raw(
        emu.addr(),
        "POST",
        &format!("/?{q}"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn rate_limits_answer_throttling_user() {
    let emu = Emulator::builder()
        .quota(
            "DescribeInstances",
            Quota {
                count: 3,
                period: Duration::from_secs(3600),
            },
        )
        .start()
        .await
        .unwrap();
    let c = support::once(&emu);
    for _ in 0..3 {
        c.send(DescribeInstancesRequest::builder().build())
            .await
            .unwrap();
    }
    let err = c
        .send(DescribeInstancesRequest::builder().build())
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.http_status()),
        (Some("Throttling.User"), Some(400))
    );
    assert_eq!(
        err.message(),
        Some("Request was denied due to user flow control.")
    );
    let counts = emu.counts();
    assert_eq!(counts["DescribeInstances"].errors["Throttling.User"], 1);
    // The documented limit applies by default: CreateInstance, 10 per second.
    let emu = Emulator::start().await.unwrap();
    let c = support::once(&emu);
    let mut throttled = 0;
    let started = std::time::Instant::now();
    for _ in 0..11 {
        if let Err(e) = c.send(create("cn-beijing-cmcc", "ens.sn1.small", 1)).await {
            assert_eq!(e.code(), Some("Throttling.User"));
            throttled += 1;
        }
    }
    // Eleven calls within a second: the eleventh is over the limit (a machine too loaded to
    // make them within a second proves nothing either way).
    assert!(
        throttled >= 1 || started.elapsed() >= Duration::from_secs(1),
        "no call throttled"
    );
    assert_eq!(
        emu.instances().len(),
        11 - throttled,
        "throttled calls create nothing"
    );
}
