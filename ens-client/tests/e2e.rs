//! The client end to end against ens-emulator, which verifies signatures like the service and
//! carries requests out. Every case runs with both signature versions (V3 and RPC 1.0).
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use ens_client::core::OperationError as _;
use ens_client::credentials::{DefaultChain, Env};
use ens_client::{
    Client, CreateInstanceError, CreateInstanceRequest, Credentials, SdkError, SignatureVersion,
};
use support::{
    ACCESS_KEY_ID, Effect, PASSWORD, Reply, SECRET, SIGNATURES, TOKEN, answer_always,
    answer_in_turn, answer_nth, assert_no_secret, client, create_request, describe_request,
    emulator_started, received, request_ids, spoil_nth,
};

/// Display and Debug of `e` must name no secret: AccessKey secret, STS token, password.
#[track_caller]
fn check_secret_free<E: std::fmt::Debug + std::fmt::Display>(e: &E) {
    for text in [format!("{e}"), format!("{e:?}"), format!("{e:#?}")] {
        assert_no_secret(&text);
        assert!(
            !text.contains(PASSWORD),
            "the instance password leaked: {text}"
        );
        assert!(
            !text.contains("Pa55word"),
            "the instance password leaked: {text}"
        );
    }
}

#[tokio::test]
async fn create_instance_succeeds_with_code_as_string_and_as_integer() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        // The first answer carries `Code` as a string (as over plain HTTP); the emulator's own,
        // like the SDKs', carries the integer.
        answer_nth(
            &emu,
            "CreateInstance",
            1,
            Reply::ok(
                r#"{"RequestId":"REQ-OK-0","InstanceIds":{"InstanceId":["i-1","i-2"]},"Code":"0"}"#,
            ),
        );
        let client = client(&emu, version).build().unwrap();
        let canned = client.send(create_request()).await.unwrap();
        assert_eq!(canned.instance_ids, ["i-1", "i-2"], "{version:?}");
        assert_eq!(canned.code, Some(0), "{version:?}");
        assert_eq!(canned.request_id.as_deref(), Some("REQ-OK-0"));
        let created = client.send(create_request()).await.unwrap();
        let ids: Vec<String> = emu.instances().into_iter().map(|i| i.id).collect();
        assert_eq!(
            created.instance_ids, ids,
            "the two instances the emulator made"
        );
        assert_eq!(created.code, Some(0), "{version:?}");
        assert_eq!(
            created.request_id.as_deref(),
            Some(request_ids(&emu)[1].as_str())
        );
        assert_eq!(emu.count("CreateInstance"), 2);
        let seen = &received(&emu, "CreateInstance")[0];
        assert_eq!(seen.method, "POST");
        assert!(
            seen.body.is_empty(),
            "parameters travel in the query, the body is empty"
        );
        assert_eq!(seen.param("InstanceType").as_deref(), Some("ens.sn1.stiny"));
        assert_eq!(seen.param("Quantity").as_deref(), Some("2"));
        assert_eq!(seen.param("Password").as_deref(), Some(PASSWORD));
        let ua = seen.header("user-agent").unwrap();
        assert!(ua.starts_with("ens-rs/"), "{ua}");
        match version {
            SignatureVersion::V3 => {
                assert_eq!(seen.header("x-acs-version"), Some("2017-11-10"));
                assert!(seen.param("Signature").is_none());
            }
            _ => {
                assert_eq!(seen.param("Version").as_deref(), Some("2017-11-10"));
                assert_eq!(seen.param("Format").as_deref(), Some("JSON"));
                assert!(seen.header("authorization").is_none());
            }
        }
    }
}

/// The documented codes of CreateInstance, read from its spec.
fn documented_codes() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/ens/operations/CreateInstance.json"
    );
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    spec["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_documented_error_code_decodes_to_its_own_variant() {
    let codes = documented_codes();
    assert_eq!(codes.len(), 22, "the spec lists 22 codes: {codes:?}");
    for version in SIGNATURES {
        let wire_codes: Vec<String> = codes.iter().map(|c| c.replace("%s", "Foo")).collect();
        let emu = emulator_started().await;
        answer_in_turn(
            &emu,
            "CreateInstance",
            wire_codes.iter().enumerate().map(|(n, code)| {
                Reply::error(
                    400,
                    code,
                    &format!("message of {code}"),
                    &format!("REQ-{n}"),
                )
            }),
        );
        let client = client(&emu, version).build().unwrap();
        let mut variants = std::collections::BTreeSet::new();
        for (n, code) in wire_codes.iter().enumerate() {
            let err = client.send(create_request()).await.unwrap_err();
            check_secret_free(&err);
            assert_eq!(err.code(), Some(code.as_str()), "{version:?}");
            assert_eq!(err.message(), Some(format!("message of {code}").as_str()));
            assert_eq!(err.request_id(), Some(format!("REQ-{n}").as_str()));
            assert_eq!(err.http_status(), Some(400));
            let shown = err.to_string();
            for part in [
                code.as_str(),
                &format!("message of {code}"),
                &format!("REQ-{n}"),
            ] {
                assert!(shown.contains(part), "{shown:?} lacks {part:?}");
            }
            let SdkError::Service(service) = err else {
                panic!("{version:?} {code}: not a service error")
            };
            assert_eq!(service.host_id(), Some("ens.aliyuncs.com"));
            assert!(service.recommend().is_some());
            let kind = service.kind();
            // Documented for CreateInstance: neither common nor unhandled.
            assert!(
                kind.error_code().is_some() && !matches!(kind, CreateInstanceError::Common(_)),
                "{code} decoded to {kind:?}"
            );
            assert_eq!(kind.code(), code);
            variants.insert(
                format!("{kind:?}")
                    .split([' ', '{', '('])
                    .next()
                    .unwrap()
                    .to_owned(),
            );
        }
        assert_eq!(
            variants.len(),
            22,
            "each code has its own variant: {variants:?}"
        );
        assert_eq!(
            emu.count("CreateInstance"),
            22,
            "errors that cannot be fixed by retrying are not retried"
        );
        assert!(emu.instances().is_empty());
    }
}

#[tokio::test]
async fn the_emulators_own_refusals_are_typed_errors() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        emu.set_stock(support::REGION, support::INSTANCE_TYPE, 1);
        let client = client(&emu, version).build().unwrap();
        // Two instances asked for, one in stock: the service's documented refusal.
        let err = client.send(create_request()).await.unwrap_err();
        assert!(
            matches!(
                err.as_service().map(|s| s.kind()),
                Some(CreateInstanceError::StockNotEnough)
            ),
            "{err:?}"
        );
        assert_eq!(err.request_id(), Some(request_ids(&emu)[0].as_str()));
        assert_eq!(emu.count("CreateInstance"), 1, "not retried");
        assert!(emu.instances().is_empty());
    }
}

#[tokio::test]
async fn pattern_code_unlisted_code_and_common_code() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_in_turn(
            &emu,
            "CreateInstance",
            [
                Reply::error(
                    400,
                    "InvalidParameter.Foo",
                    "The specified field Foo invalid.",
                    "R-0",
                ),
                Reply::error(409, "Brand.New.Code", "Something new happened.", "R-1"),
                Reply::error(403, "Forbidden.RAM", "User not authorized.", "R-2"),
            ],
        );
        let client = client(&emu, version).build().unwrap();

        let err = client.send(create_request()).await.unwrap_err();
        let kind = err.as_service().unwrap().kind();
        assert!(
            matches!(kind, CreateInstanceError::InvalidParameterField { field, .. } if field == "Foo"),
            "{kind:?}"
        );
        assert_eq!(err.code(), Some("InvalidParameter.Foo"));

        let err = client.send(create_request()).await.unwrap_err();
        let kind = err.as_service().unwrap().kind();
        // Not documented: the sealed catch-all, matched through `code()`, never by name.
        assert!(
            kind.error_code().is_none() && kind.code() == "Brand.New.Code",
            "{kind:?}"
        );
        assert_eq!(err.message(), Some("Something new happened."));
        let shown = err.to_string();
        assert!(
            shown.contains("Brand.New.Code")
                && shown.contains("Something new happened.")
                && shown.contains("R-1"),
            "{shown}"
        );
        assert_eq!(err.http_status(), Some(409));

        let err = client.send(create_request()).await.unwrap_err();
        assert!(
            matches!(err.as_service().unwrap().kind(), CreateInstanceError::Common(c) if c.code() == "Forbidden.RAM")
        );
        assert_eq!(emu.count("CreateInstance"), 3);
    }
}

#[tokio::test]
async fn unreadable_bodies_keep_status_and_body() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_in_turn(
            &emu,
            "CreateInstance",
            [
                Reply::ok(r#"{"RequestId":"R-0","InstanceIds":"#),
                Reply::html(403, "<html><body>Access denied by gateway</body></html>"),
                Reply::ok(""),
                Reply::json(400, r#"{"RequestId":"R-3"}"#),
                Reply::html(502, "<html><body>Bad gateway</body></html>"),
            ],
        );
        let client = client(&emu, version).build().unwrap();
        let expected: [(u16, &str, &str); 4] = [
            (200, r#"{"RequestId":"R-0","InstanceIds":"#, "not JSON"),
            (403, "Access denied by gateway", "not JSON"),
            (200, "", "empty"),
            (400, r#"{"RequestId":"R-3"}"#, "no Code"),
        ];
        for (want_status, want_body, want_reason) in expected {
            let err = client.send(create_request()).await.unwrap_err();
            check_secret_free(&err);
            // A 2xx that cannot be read may still have created instances.
            let unreadable = match &err {
                SdkError::OutcomeUnknown { cause, .. } if want_status == 200 => cause.as_ref(),
                other => other,
            };
            let SdkError::UnreadableResponse {
                status,
                body,
                reason,
                ..
            } = unreadable
            else {
                panic!("{version:?}: expected UnreadableResponse, got {err:?}")
            };
            assert_eq!(err.is_outcome_unknown(), want_status == 200, "{err:?}");
            assert_eq!(*status, want_status);
            assert!(body.contains(want_body), "{body:?}");
            assert!(reason.contains(want_reason), "{reason:?}");
            assert!(
                err.to_string().contains(&format!("HTTP {want_status}")),
                "{err}"
            );
        }
        // An HTML 502 from a gateway: the request may have reached the service.
        let err = client.send(create_request()).await.unwrap_err();
        let SdkError::OutcomeUnknown { cause, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(
            matches!(**cause, SdkError::UnreadableResponse { status: 502, .. }),
            "{cause:?}"
        );
        assert_eq!(emu.count("CreateInstance"), 5, "nothing was retried");
    }
}

#[tokio::test]
async fn create_instance_read_timeout_is_sent_once_and_outcome_unknown() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        // The emulator creates the instances, then answers too late.
        spoil_nth(&emu, "CreateInstance", 1, Effect::DelayAfter { ms: 3000 });
        let client = client(&emu, version)
            .read_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let err = client.send(create_request()).await.unwrap_err();
        check_secret_free(&err);
        let SdkError::OutcomeUnknown { cause, .. } = &err else {
            panic!("{version:?}: {err:?}")
        };
        assert!(
            matches!(
                **cause,
                SdkError::Timeout {
                    may_have_reached_server: true,
                    ..
                }
            ),
            "{cause:?}"
        );
        let shown = err.to_string();
        for part in [
            "outcome of CreateInstance is unknown",
            "NOT retried",
            "DescribeInstances",
        ] {
            assert!(shown.contains(part), "{shown} lacks {part}");
        }
        assert_eq!(
            emu.count("CreateInstance"),
            1,
            "a CreateInstance that may have reached the service is sent once"
        );
        assert_eq!(emu.instances().len(), 2, "and it did create them");
    }
}

#[tokio::test]
async fn read_only_operation_read_timeout_is_retried() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        spoil_nth(
            &emu,
            "DescribeInstances",
            1,
            Effect::DelayAfter { ms: 3000 },
        );
        let client = client(&emu, version)
            .read_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let answer = client.send(describe_request()).await.unwrap();
        assert_eq!(answer.code, Some(0));
        assert_eq!(emu.count("DescribeInstances"), 2);
    }
}

#[tokio::test]
async fn throttling_and_service_unavailable_are_retried_with_fresh_nonces() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_nth(
            &emu,
            "CreateInstance",
            1,
            Reply::error(
                400,
                "Throttling.User",
                "Request was denied due to user flow control.",
                "R-0",
            ),
        );
        answer_nth(
            &emu,
            "CreateInstance",
            2,
            Reply::error(
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
                "R-1",
            ),
        );
        answer_nth(
            &emu,
            "CreateInstance",
            4,
            Reply::error(
                400,
                "Throttling",
                "Request was denied due to flow control.",
                "R-3",
            ),
        );
        let client = client(&emu, version).build().unwrap();
        let created = client.send(create_request()).await.unwrap();
        assert_eq!(created.instance_ids.len(), 2);
        assert_eq!(emu.count("CreateInstance"), 3);
        assert_eq!(emu.instances().len(), 2, "refused attempts did nothing");
        let created = client.send(create_request()).await.unwrap();
        assert_eq!(created.instance_ids.len(), 2);
        assert_eq!(
            emu.count("CreateInstance"),
            5,
            "throttling then success: 2 requests"
        );
        assert_eq!(emu.instances().len(), 4);
        let nonces: std::collections::HashSet<_> = received(&emu, "CreateInstance")
            .iter()
            .map(|r| r.nonce().unwrap())
            .collect();
        assert_eq!(
            nonces.len(),
            5,
            "every attempt is signed anew with a fresh nonce"
        );
    }
}

#[tokio::test]
async fn throttling_that_persists_gives_up_after_max_attempts() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_always(
            &emu,
            "CreateInstance",
            Reply::error(400, "Throttling.Api", "api flow control", "R-T"),
        );
        let client = client(&emu, version).build().unwrap();
        let err = client.send(create_request()).await.unwrap_err();
        assert_eq!(err.code(), Some("Throttling.Api"));
        assert!(
            matches!(err, SdkError::Service(_)),
            "rejected before acting: a plain service error"
        );
        assert_eq!(emu.count("CreateInstance"), 3);
    }
}

#[tokio::test]
async fn internal_error_is_retried_only_for_read_only_operations() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        let internal = || Effect::ErrorAfter {
            status: 500,
            code: Some("InternalError".into()),
        };
        emu.add_fault(support::Fault::new(internal()).on("CreateInstance"));
        spoil_nth(&emu, "DescribeInstances", 1, internal());
        let client = client(&emu, version).build().unwrap();
        let err = client.send(create_request()).await.unwrap_err();
        check_secret_free(&err);
        assert!(err.is_outcome_unknown(), "{err:?}");
        assert_eq!(err.code(), Some("InternalError"));
        assert_eq!(err.request_id(), Some(request_ids(&emu)[0].as_str()));
        assert_eq!(
            emu.count("CreateInstance"),
            1,
            "CreateInstance after a 500 is not sent again"
        );

        let answer = client.send(describe_request()).await.unwrap();
        assert_eq!(
            answer.request_id.as_deref(),
            Some(request_ids(&emu)[2].as_str())
        );
        assert_eq!(
            emu.count("DescribeInstances"),
            2,
            "the read-only operation was retried after its 500"
        );
    }
}

#[tokio::test]
async fn connection_lost_after_sending_is_retried_only_for_read_only_operations() {
    for (version, lost) in SIGNATURES
        .into_iter()
        .zip([Effect::CloseAfter, Effect::ResetAfter])
    {
        let emu = emulator_started().await;
        emu.add_fault(support::Fault::new(lost.clone()).on("CreateInstance"));
        spoil_nth(&emu, "DescribeInstances", 1, lost);
        let client = client(&emu, version).build().unwrap();
        let err = client.send(create_request()).await.unwrap_err();
        check_secret_free(&err);
        let SdkError::OutcomeUnknown { cause, .. } = &err else {
            panic!("{version:?}: {err:?}")
        };
        assert!(
            matches!(
                **cause,
                SdkError::Dispatch {
                    reached_server: true,
                    ..
                }
            ),
            "{cause:?}"
        );
        assert_eq!(emu.count("CreateInstance"), 1, "sent once");
        assert_eq!(emu.instances().len(), 2, "the service did act");

        let answer = client.send(describe_request()).await.unwrap();
        assert_eq!(answer.instances.len(), 2);
        assert_eq!(
            emu.count("DescribeInstances"),
            2,
            "the read-only operation was sent again"
        );
    }
}

#[tokio::test]
async fn connection_refused_never_reached_the_server() {
    for version in SIGNATURES {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let client = Client::builder()
            .endpoint(format!("http://127.0.0.1:{port}"))
            .credentials(Credentials::new(ACCESS_KEY_ID, SECRET))
            .signature_version(version)
            .retry_policy(ens_client::RetryPolicy::new(2).with_base_delay(Duration::from_millis(1)))
            .build()
            .unwrap();
        let err = client.send(create_request()).await.unwrap_err();
        check_secret_free(&err);
        assert!(
            matches!(
                err,
                SdkError::Dispatch {
                    reached_server: false,
                    ..
                }
            ),
            "refused connections are not OutcomeUnknown: {err:?}"
        );
        assert!(err.to_string().contains("did not reach"), "{err}");
    }
}

#[tokio::test]
async fn invalid_request_is_rejected_before_sending() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        let client = client(&emu, version).build().unwrap();
        let invalid = CreateInstanceRequest::builder()
            .instance_type("ens.sn1.stiny")
            .ens_region_id("cn-hangzhou-telecom")
            .period(10)
            .quantity(0)
            .build();
        let err = client.send(invalid.clone()).await.unwrap_err();
        let SdkError::InvalidRequest(violations) = &err else {
            panic!("{err:?}")
        };
        let params = violations.parameters();
        assert!(
            params.contains(&"Period") && params.contains(&"Quantity"),
            "{params:?}"
        );
        assert!(matches!(
            client.dry_run(&invalid).await,
            Err(SdkError::InvalidRequest(_))
        ));
        assert!(emu.requests().is_empty(), "nothing is sent");
    }
}

#[tokio::test]
async fn missing_credentials_say_what_was_looked_for() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        let client = Client::builder()
            .endpoint(emu.endpoint())
            .credentials(
                DefaultChain::builder()
                    .env(Env::from_vars([(
                        "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
                        "true",
                    )]))
                    .home_dir(None)
                    .build(),
            )
            .signature_version(version)
            .build()
            .expect("building never needs credentials");
        let err = client.send(create_request()).await.unwrap_err();
        assert!(matches!(err, SdkError::Credentials { .. }), "{err:?}");
        let shown = err.to_string();
        assert!(shown.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{shown}");
        assert!(shown.contains("CreateInstance"), "{shown}");
        assert!(emu.requests().is_empty());
    }
}

#[tokio::test]
async fn signature_mismatch_shows_both_strings_to_sign_without_secrets() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        let client = Client::builder()
            .endpoint(emu.endpoint())
            .credentials(Credentials::new(ACCESS_KEY_ID, "WRONG-secret"))
            .signature_version(version)
            .build()
            .unwrap();
        let err = client.send(create_request()).await.unwrap_err();
        check_secret_free(&err);
        assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
        assert_eq!(
            emu.count("CreateInstance"),
            1,
            "a signature error is not retried"
        );
        let service = err.as_service().unwrap();
        let server_sts = service.server_string_to_sign().unwrap();
        let client_sts = service.client_string_to_sign().unwrap();
        // Same request, different secret: the strings agree, so the secret is what is wrong.
        assert!(
            client_sts.starts_with(server_sts),
            "server {server_sts:?} vs client {client_sts:?}"
        );
        if version == SignatureVersion::RpcV1 {
            assert!(server_sts.starts_with("POST&%2F&"), "{server_sts}");
            assert!(
                server_sts.contains("***"),
                "the password is masked: {server_sts}"
            );
        }
        let shown = err.to_string();
        assert!(
            shown.contains("server string to sign:") && shown.contains("client string to sign:"),
            "{shown}"
        );
        let request_id = &request_ids(&emu)[0];
        assert!(
            shown.contains(request_id.as_str()),
            "RequestId shown: {shown}"
        );
    }
}

#[tokio::test]
async fn dry_run_is_exactly_what_send_sends_and_hides_secrets() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        // Fixed, and within the 15 minutes the emulator (as the service) accepts.
        let now = ens_client::auth::SigningTime::now();
        let client = client(&emu, version)
            .credentials(support::sts_credentials())
            .clock(move || now)
            .nonce(|| "fixed-nonce-0001".to_owned())
            .build()
            .unwrap();
        let request = create_request();
        let dry = client.dry_run(&request).await.unwrap();
        let again = client.dry_run(&request).await.unwrap();
        assert_eq!(
            dry.url(),
            again.url(),
            "a fixed clock and nonce make dry runs reproducible"
        );
        assert_eq!(dry.headers(), again.headers());
        check_secret_free(&dry);
        let shown = format!("{dry}");
        assert!(shown.starts_with("POST http://127.0.0.1:"), "{shown}");
        assert!(shown.contains("InstanceType=ens.sn1.stiny"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
        assert!(!format!("{client:?}").contains(SECRET));

        client.send(request).await.unwrap();
        let seen = &received(&emu, "CreateInstance")[0];
        let sent_url = format!("{}{}?{}", emu.endpoint(), seen.path, seen.raw_query);
        assert_eq!(dry.url(), sent_url, "{version:?}");
        for (name, value) in dry.headers() {
            assert_eq!(
                seen.header(name),
                Some(value.as_str()),
                "{version:?} header {name}"
            );
        }
        assert_eq!(
            seen.param("Password").as_deref(),
            Some(PASSWORD),
            "the accessors keep real values"
        );
        match version {
            SignatureVersion::V3 => {
                assert_eq!(dry.header("x-acs-security-token"), Some(TOKEN));
                assert_eq!(
                    dry.header("x-acs-signature-nonce"),
                    Some("fixed-nonce-0001")
                );
                assert!(
                    dry.header("authorization")
                        .unwrap()
                        .starts_with("ACS3-HMAC-SHA256 Credential=STS.TestAccessKeyId,")
                );
            }
            _ => {
                assert_eq!(seen.param("SecurityToken").as_deref(), Some(TOKEN));
                assert_eq!(
                    seen.param("SignatureNonce").as_deref(),
                    Some("fixed-nonce-0001")
                );
            }
        }
    }
}

/// A fixed signing time gives the same headers twice: checked without a server (the emulator
/// refuses a timestamp 15 minutes off, as the service does).
#[tokio::test]
async fn a_fixed_clock_and_nonce_make_dry_runs_reproducible() {
    for version in SIGNATURES {
        let client = Client::builder()
            .endpoint("http://127.0.0.1:9")
            .credentials(Credentials::new(ACCESS_KEY_ID, SECRET).with_security_token(TOKEN))
            .signature_version(version)
            .clock(|| ens_client::auth::SigningTime::from_unix_seconds(1_714_552_200))
            .nonce(|| "fixed-nonce-0001".to_owned())
            .build()
            .unwrap();
        let dry = client.dry_run(&create_request()).await.unwrap();
        let again = client.dry_run(&create_request()).await.unwrap();
        assert_eq!(dry.url(), again.url());
        assert_eq!(dry.headers(), again.headers());
        match version {
            SignatureVersion::V3 => {
                assert_eq!(dry.header("x-acs-date"), Some("2024-05-01T08:30:00Z"))
            }
            _ => assert!(dry.url().contains("Timestamp=2024-05-01T08%3A30%3A00Z")),
        }
    }
}
