//! The client end to end against a local server that verifies signatures like the service.
//! Every case runs with both signature versions (V3 and RPC 1.0).
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use ens_client::auth::credentials::{EnvProvider, default_chain_with};
use ens_client::core::OperationError as _;
use ens_client::{
    Client, CreateInstanceError, CreateInstanceRequest, Credentials, Error, SignatureVersion,
};
use support::{
    ACCESS_KEY_ID, PASSWORD, Reply, SECRET, SIGNATURES, TOKEN, TestServer, assert_no_secret,
    client, create_request,
};

/// A read-only operation, generated at compile time from a small spec, for the retry rules that
/// differ between reading and creating.
mod describe {
    ens_macros::operation!("support/specs/operations/DescribeEnsRegions.json");
}
use describe::DescribeEnsRegionsRequest;

fn describe_request() -> DescribeEnsRegionsRequest {
    DescribeEnsRegionsRequest::builder().build()
}

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
        let server = TestServer::start(|_, n| {
            let code = if n == 0 { r#""0""# } else { "0" };
            Reply::ok(format!(
                r#"{{"RequestId":"REQ-OK-{n}","InstanceIds":{{"InstanceId":["i-1","i-2"]}},"Code":{code}}}"#
            ))
        })
        .await;
        let client = client(&server, version).build().unwrap();
        for n in 0..2 {
            let created = client.create_instance(create_request()).await.unwrap();
            assert_eq!(created.instance_ids, ["i-1", "i-2"], "{version:?}");
            assert_eq!(created.code, Some(0), "{version:?}");
            assert_eq!(
                created.request_id.as_deref(),
                Some(format!("REQ-OK-{n}").as_str())
            );
        }
        assert_eq!(server.count(), 2);
        let seen = &server.received()[0];
        assert_eq!(seen.method, "POST");
        assert!(
            seen.body.is_empty(),
            "parameters travel in the query, the body is empty"
        );
        assert_eq!(seen.action(), Some("CreateInstance"));
        assert_eq!(seen.param("InstanceType"), Some("ens.sn1.stiny"));
        assert_eq!(seen.param("Quantity"), Some("2"));
        assert_eq!(seen.param("Password"), Some(PASSWORD));
        let ua = seen.header("user-agent").unwrap();
        assert!(ua.starts_with("ens-rs/"), "{ua}");
        match version {
            SignatureVersion::V3 => {
                assert_eq!(seen.header("x-acs-version"), Some("2017-11-10"));
                assert!(seen.param("Signature").is_none());
            }
            _ => {
                assert_eq!(seen.param("Version"), Some("2017-11-10"));
                assert_eq!(seen.param("Format"), Some("JSON"));
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
        let replies = wire_codes.clone();
        let server = TestServer::start(move |_, n| {
            Reply::error(
                400,
                &replies[n],
                &format!("message of {}", replies[n]),
                &format!("REQ-{n}"),
            )
        })
        .await;
        let client = client(&server, version).build().unwrap();
        let mut variants = std::collections::BTreeSet::new();
        for (n, code) in wire_codes.iter().enumerate() {
            let err = client.create_instance(create_request()).await.unwrap_err();
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
            let Error::Service(service) = err else {
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
            server.count(),
            22,
            "errors that cannot be fixed by retrying are not retried"
        );
    }
}

#[tokio::test]
async fn pattern_code_unlisted_code_and_common_code() {
    for version in SIGNATURES {
        let server = TestServer::start(|_, n| match n {
            0 => Reply::error(
                400,
                "InvalidParameter.Foo",
                "The specified field Foo invalid.",
                "R-0",
            ),
            1 => Reply::error(409, "Brand.New.Code", "Something new happened.", "R-1"),
            _ => Reply::error(403, "Forbidden.RAM", "User not authorized.", "R-2"),
        })
        .await;
        let client = client(&server, version).build().unwrap();

        let err = client.create_instance(create_request()).await.unwrap_err();
        let kind = err.as_service().unwrap().kind();
        assert!(
            matches!(kind, CreateInstanceError::InvalidParameterField { field, .. } if field == "Foo"),
            "{kind:?}"
        );
        assert_eq!(err.code(), Some("InvalidParameter.Foo"));

        let err = client.create_instance(create_request()).await.unwrap_err();
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

        let err = client.create_instance(create_request()).await.unwrap_err();
        assert!(
            matches!(err.as_service().unwrap().kind(), CreateInstanceError::Common(c) if c.code() == "Forbidden.RAM")
        );
        assert_eq!(server.count(), 3);
    }
}

#[tokio::test]
async fn unreadable_bodies_keep_status_and_body() {
    for version in SIGNATURES {
        let server = TestServer::start(|_, n| match n {
            0 => Reply::ok(r#"{"RequestId":"R-0","InstanceIds":"#),
            1 => Reply::html(403, "<html><body>Access denied by gateway</body></html>"),
            2 => Reply::ok(""),
            3 => Reply::json(400, r#"{"RequestId":"R-3"}"#),
            _ => Reply::html(502, "<html><body>Bad gateway</body></html>"),
        })
        .await;
        let client = client(&server, version).build().unwrap();
        let expected: [(u16, &str, &str); 4] = [
            (
                200,
                r#"{"RequestId":"R-0","InstanceIds":"#,
                "not the expected JSON",
            ),
            (403, "Access denied by gateway", "not JSON"),
            (200, "", "empty"),
            (400, r#"{"RequestId":"R-3"}"#, "no Code"),
        ];
        for (want_status, want_body, want_reason) in expected {
            let err = client.create_instance(create_request()).await.unwrap_err();
            check_secret_free(&err);
            let Error::UnreadableResponse {
                status,
                body,
                reason,
                ..
            } = &err
            else {
                panic!("{version:?}: expected UnreadableResponse, got {err:?}")
            };
            assert_eq!(*status, want_status);
            assert!(body.contains(want_body), "{body:?}");
            assert!(reason.contains(want_reason), "{reason:?}");
            assert!(
                err.to_string().contains(&format!("HTTP {want_status}")),
                "{err}"
            );
        }
        // An HTML 502 from a gateway: the request may have reached the service.
        let err = client.create_instance(create_request()).await.unwrap_err();
        let Error::OutcomeUnknown { cause, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(
            matches!(**cause, Error::UnreadableResponse { status: 502, .. }),
            "{cause:?}"
        );
        assert_eq!(server.count(), 5, "nothing was retried");
    }
}

#[tokio::test]
async fn create_instance_read_timeout_is_sent_once_and_outcome_unknown() {
    for version in SIGNATURES {
        let server = TestServer::always(
            Reply::ok(r#"{"RequestId":"late","Code":"0"}"#).delayed(Duration::from_secs(3)),
        )
        .await;
        let client = client(&server, version)
            .read_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let err = client.create_instance(create_request()).await.unwrap_err();
        check_secret_free(&err);
        let Error::OutcomeUnknown { cause, .. } = &err else {
            panic!("{version:?}: {err:?}")
        };
        assert!(
            matches!(
                **cause,
                Error::Timeout {
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
            server.count(),
            1,
            "a CreateInstance that may have reached the service is sent once"
        );
    }
}

#[tokio::test]
async fn read_only_operation_read_timeout_is_retried() {
    for version in SIGNATURES {
        let server = TestServer::start(|_, n| {
            let reply = Reply::ok(r#"{"RequestId":"R","Code":"0"}"#);
            if n == 0 {
                reply.delayed(Duration::from_secs(3))
            } else {
                reply
            }
        })
        .await;
        let client = client(&server, version)
            .read_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let answer = client.send(describe_request()).await.unwrap();
        assert_eq!(answer.code, Some(0));
        assert_eq!(server.count(), 2);
    }
}

#[tokio::test]
async fn throttling_and_service_unavailable_are_retried_with_fresh_nonces() {
    for version in SIGNATURES {
        let server = TestServer::start(|_, n| match n {
            0 => Reply::error(
                400,
                "Throttling.User",
                "Request was denied due to user flow control.",
                "R-0",
            ),
            1 => Reply::error(
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
                "R-1",
            ),
            2 => {
                Reply::ok(r#"{"RequestId":"R-2","InstanceIds":{"InstanceId":["i-9"]},"Code":"0"}"#)
            }
            3 => Reply::error(
                400,
                "Throttling",
                "Request was denied due to flow control.",
                "R-3",
            ),
            _ => {
                Reply::ok(r#"{"RequestId":"R-4","InstanceIds":{"InstanceId":["i-8"]},"Code":"0"}"#)
            }
        })
        .await;
        let client = client(&server, version).build().unwrap();
        let created = client.create_instance(create_request()).await.unwrap();
        assert_eq!(created.instance_ids, ["i-9"]);
        assert_eq!(server.count(), 3);
        let created = client.create_instance(create_request()).await.unwrap();
        assert_eq!(created.instance_ids, ["i-8"]);
        assert_eq!(server.count(), 5, "throttling then success: 2 requests");
        let received = server.received();
        let nonces: std::collections::HashSet<_> = received
            .iter()
            .map(|r| r.nonce().unwrap().to_owned())
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
        let server = TestServer::always(Reply::error(
            400,
            "Throttling.Api",
            "api flow control",
            "R-T",
        ))
        .await;
        let client = client(&server, version).build().unwrap();
        let err = client.create_instance(create_request()).await.unwrap_err();
        assert_eq!(err.code(), Some("Throttling.Api"));
        assert!(
            matches!(err, Error::Service(_)),
            "rejected before acting: a plain service error"
        );
        assert_eq!(server.count(), 3);
    }
}

#[tokio::test]
async fn internal_error_is_retried_only_for_read_only_operations() {
    for version in SIGNATURES {
        let server = TestServer::start(|r, n| {
            if r.action() == Some("CreateInstance") || n == 1 {
                Reply::error(
                    500,
                    "InternalError",
                    "The request processing has failed due to some unknown error.",
                    &format!("R-{n}"),
                )
            } else {
                Reply::ok(r#"{"RequestId":"R-ok","Code":0}"#)
            }
        })
        .await;
        let client = client(&server, version).build().unwrap();
        let err = client.create_instance(create_request()).await.unwrap_err();
        check_secret_free(&err);
        assert!(err.is_outcome_unknown(), "{err:?}");
        assert_eq!(err.code(), Some("InternalError"));
        assert_eq!(err.request_id(), Some("R-0"));
        assert_eq!(
            server.count(),
            1,
            "CreateInstance after a 500 is not sent again"
        );

        let answer = client.send(describe_request()).await.unwrap();
        assert_eq!(answer.request_id.as_deref(), Some("R-ok"));
        assert_eq!(
            server.count(),
            3,
            "the read-only operation was retried after its 500"
        );
    }
}

#[tokio::test]
async fn connection_reset_after_sending_is_retried_only_for_read_only_operations() {
    for version in SIGNATURES {
        let server = TestServer::start(|r, n| {
            if r.action() == Some("CreateInstance") || n == 1 {
                Reply::hang_up()
            } else {
                Reply::ok(r#"{"RequestId":"R-ok","Code":"0"}"#)
            }
        })
        .await;
        let client = client(&server, version).build().unwrap();
        let err = client.create_instance(create_request()).await.unwrap_err();
        check_secret_free(&err);
        let Error::OutcomeUnknown { cause, .. } = &err else {
            panic!("{version:?}: {err:?}")
        };
        assert!(
            matches!(
                **cause,
                Error::Dispatch {
                    reached_server: true,
                    ..
                }
            ),
            "{cause:?}"
        );
        assert_eq!(server.count(), 1, "sent once");

        let answer = client.send(describe_request()).await.unwrap();
        assert_eq!(answer.request_id.as_deref(), Some("R-ok"));
        assert_eq!(server.count(), 3, "the read-only operation was sent again");
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
        let err = client.create_instance(create_request()).await.unwrap_err();
        check_secret_free(&err);
        assert!(
            matches!(
                err,
                Error::Dispatch {
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
        let server = TestServer::always(Reply::ok("{}")).await;
        let client = client(&server, version).build().unwrap();
        let invalid = CreateInstanceRequest::builder()
            .instance_type("ens.sn1.stiny")
            .ens_region_id("cn-hangzhou-telecom")
            .period(10)
            .quantity(0)
            .build();
        let err = client.create_instance(invalid.clone()).await.unwrap_err();
        let Error::InvalidRequest(violations) = &err else {
            panic!("{err:?}")
        };
        let params = violations.parameters();
        assert!(
            params.contains(&"Period") && params.contains(&"Quantity"),
            "{params:?}"
        );
        assert!(matches!(
            client.dry_run(&invalid),
            Err(Error::InvalidRequest(_))
        ));
        assert_eq!(server.count(), 0, "nothing is sent");
    }
}

#[tokio::test]
async fn missing_credentials_say_what_was_looked_for() {
    for version in SIGNATURES {
        let server = TestServer::always(Reply::ok("{}")).await;
        let client = Client::builder()
            .endpoint(server.url())
            .credentials(default_chain_with(
                EnvProvider::from_vars(Vec::<(String, String)>::new()),
                None,
            ))
            .signature_version(version)
            .build()
            .expect("building never needs credentials");
        let err = client.create_instance(create_request()).await.unwrap_err();
        assert!(matches!(err, Error::Credentials { .. }), "{err:?}");
        let shown = err.to_string();
        assert!(shown.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{shown}");
        assert!(shown.contains("CreateInstance"), "{shown}");
        assert_eq!(server.count(), 0);
    }
}

#[tokio::test]
async fn signature_mismatch_shows_both_strings_to_sign_without_secrets() {
    for version in SIGNATURES {
        let server = TestServer::always(Reply::ok("{}")).await;
        let client = Client::builder()
            .endpoint(server.url())
            .credentials(Credentials::new(ACCESS_KEY_ID, "WRONG-secret"))
            .signature_version(version)
            .build()
            .unwrap();
        let err = client.create_instance(create_request()).await.unwrap_err();
        check_secret_free(&err);
        assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
        assert_eq!(server.count(), 1, "a signature error is not retried");
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
        assert!(shown.contains("REQ-"), "RequestId shown: {shown}");
    }
}

#[tokio::test]
async fn dry_run_is_exactly_what_send_sends_and_hides_secrets() {
    for version in SIGNATURES {
        let server = TestServer::always(Reply::ok(
            r#"{"RequestId":"R","InstanceIds":{"InstanceId":[]},"Code":"0"}"#,
        ))
        .await;
        let client = client(&server, version)
            .credentials(Credentials::new(ACCESS_KEY_ID, SECRET).with_security_token(TOKEN))
            .clock(|| ens_client::auth::SigningTime::from_unix_seconds(1_714_552_200))
            .nonce(|| "fixed-nonce-0001".to_owned())
            .build()
            .unwrap();
        let request = create_request();
        let dry = client.dry_run(&request).unwrap();
        let again = client.dry_run(&request).unwrap();
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

        client.create_instance(request).await.unwrap();
        let seen = &server.received()[0];
        let sent_url = format!("{}{}?{}", server.url(), seen.path, seen.raw_query);
        assert_eq!(dry.url(), sent_url, "{version:?}");
        for (name, value) in dry.headers() {
            assert_eq!(
                seen.header(name),
                Some(value.as_str()),
                "{version:?} header {name}"
            );
        }
        assert_eq!(
            seen.param("Password"),
            Some(PASSWORD),
            "the accessors keep real values"
        );
        match version {
            SignatureVersion::V3 => {
                assert_eq!(dry.header("x-acs-security-token"), Some(TOKEN));
                assert_eq!(dry.header("x-acs-date"), Some("2024-05-01T08:30:00Z"));
                assert!(
                    dry.header("authorization")
                        .unwrap()
                        .starts_with("ACS3-HMAC-SHA256 Credential=LTAI5tTestAccessKeyId,")
                );
            }
            _ => {
                assert_eq!(seen.param("SecurityToken"), Some(TOKEN));
                assert_eq!(seen.param("Timestamp"), Some("2024-05-01T08:30:00Z"));
                assert_eq!(seen.param("SignatureNonce"), Some("fixed-nonce-0001"));
            }
        }
    }
}
