//! The ECS RAM role from a fake metadata service on 127.0.0.1.

mod support;

use std::time::Duration;

use ens_auth::{CredentialsError, ProvideCredentials, SigningTime};
use ens_credentials::EcsRamRoleProvider;
use support::{
    Reply, STS_ID, STS_SECRET, STS_TOKEN, TestServer, assert_no_secret, closed_port_url,
    error_text, utc_in,
};

const METADATA_TOKEN: &str = "test-metadata-session-token";

fn role_answer(expiration: &str) -> String {
    format!(
        r#"{{"AccessKeyId":"{STS_ID}","AccessKeySecret":"{STS_SECRET}","Expiration":"{expiration}",
            "SecurityToken":"{STS_TOKEN}","LastUpdated":"2024-05-01T08:30:00Z","Code":"Success"}}"#
    )
}

/// A metadata service in hardened mode: the token endpoint works, and every read without the
/// token is refused.
async fn hardened(role: &'static str, answer: String) -> TestServer {
    TestServer::start(move |request| {
        if request.method == "PUT" && request.path() == "/latest/api/token" {
            return match request.header("x-aliyun-ecs-metadata-token-ttl-seconds") {
                Some(_) => Reply::ok(METADATA_TOKEN),
                None => Reply::status(400, "missing ttl"),
            };
        }
        if request.header("x-aliyun-ecs-metadata-token") != Some(METADATA_TOKEN) {
            return Reply::status(401, "");
        }
        match request.path() {
            "/latest/meta-data/ram/security-credentials/" => Reply::ok(role),
            path if path == format!("/latest/meta-data/ram/security-credentials/{role}") => {
                Reply::ok(answer.clone())
            }
            _ => Reply::status(404, ""),
        }
    })
    .await
}

#[tokio::test]
async fn hardened_mode_gets_a_token_then_the_role_then_its_credentials() {
    let expiration = utc_in(6 * 3600);
    let server = hardened("EnsRole", role_answer(&expiration)).await;
    let provider = EcsRamRoleProvider::builder().endpoint(server.url()).build();
    let creds = provider
        .provide_credentials()
        .await
        .expect("role credentials");
    assert_eq!(creds.access_key_id(), STS_ID);
    assert_eq!(creds.access_key_secret().expose(), STS_SECRET);
    assert_eq!(creds.security_token().map(|t| t.expose()), Some(STS_TOKEN));
    assert_eq!(
        creds.expiry().map(SigningTime::from),
        SigningTime::parse_utc(&expiration)
    );
    assert_eq!(creds.provider_name(), "metadata service");
    let requests = server.requests();
    let seen: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path()))
        .collect();
    assert_eq!(
        seen,
        [
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/ram/security-credentials/"),
            ("GET", "/latest/meta-data/ram/security-credentials/EnsRole"),
        ]
    );
    assert_eq!(
        requests[0].header("x-aliyun-ecs-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert!(!format!("{provider:?}").contains(METADATA_TOKEN));
}

#[tokio::test]
async fn a_configured_role_name_skips_the_listing() {
    let server = hardened("EnsRole", role_answer(&utc_in(3600))).await;
    let provider = EcsRamRoleProvider::builder()
        .endpoint(server.url())
        .role_name("EnsRole")
        .build();
    provider
        .provide_credentials()
        .await
        .expect("role credentials");
    assert_eq!(server.count(), 2, "token, then the role's credentials");
}

/// Older instances without the token endpoint: the plain mode, unless it is disabled.
#[tokio::test]
async fn plain_mode_is_the_fallback_unless_disabled() {
    let answer = role_answer(&utc_in(3600));
    let server = TestServer::start(move |request| match request.path() {
        "/latest/api/token" => Reply::status(404, "Not Found"),
        "/latest/meta-data/ram/security-credentials/" => Reply::ok("EnsRole\n"),
        "/latest/meta-data/ram/security-credentials/EnsRole" => Reply::ok(answer.clone()),
        _ => Reply::status(404, ""),
    })
    .await;
    let provider = EcsRamRoleProvider::builder().endpoint(server.url()).build();
    provider.provide_credentials().await.expect("plain mode");
    assert!(
        server.requests()[1..]
            .iter()
            .all(|r| r.header("x-aliyun-ecs-metadata-token").is_none())
    );

    let strict = EcsRamRoleProvider::builder()
        .endpoint(server.url())
        .disable_imds_v1(true)
        .build();
    let e = strict
        .provide_credentials()
        .await
        .expect_err("plain mode disabled");
    assert!(matches!(e, CredentialsError::Failed { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "metadata service at {}: the hardened mode is required (plain mode disabled) but \
             the token request got HTTP 404, body \"Not Found\"",
            server.url()
        )
    );
}

#[tokio::test]
async fn no_metadata_service_or_no_role_is_not_found() {
    let url = closed_port_url().await;
    let provider = EcsRamRoleProvider::builder().endpoint(&url).build();
    let e = provider
        .provide_credentials()
        .await
        .expect_err("nothing there");
    assert!(e.is_not_found(), "{e:?}");
    let text = e.to_string();
    assert!(
        text.starts_with(&format!(
            "no credentials found: metadata service: not reachable at {url} ("
        )),
        "{text}"
    );

    let server = TestServer::start(|request| match request.path() {
        "/latest/api/token" => Reply::ok(METADATA_TOKEN),
        _ => Reply::status(404, ""),
    })
    .await;
    let provider = EcsRamRoleProvider::builder().endpoint(server.url()).build();
    let e = provider.provide_credentials().await.expect_err("no role");
    assert_eq!(
        e.to_string(),
        "no credentials found: metadata service: no RAM role attached to this instance"
    );
    let empty_list = TestServer::start(|request| match request.path() {
        "/latest/api/token" => Reply::ok(METADATA_TOKEN),
        _ => Reply::ok("\n"),
    })
    .await;
    let provider = EcsRamRoleProvider::builder()
        .endpoint(empty_list.url())
        .build();
    assert!(
        provider
            .provide_credentials()
            .await
            .expect_err("empty")
            .is_not_found()
    );
}

#[tokio::test]
async fn a_named_role_that_does_not_exist_is_misconfigured() {
    let server = hardened("EnsRole", role_answer(&utc_in(3600))).await;
    let provider = EcsRamRoleProvider::builder()
        .endpoint(server.url())
        .role_name("Other")
        .build();
    let e = provider
        .provide_credentials()
        .await
        .expect_err("wrong role");
    assert!(matches!(e, CredentialsError::Misconfigured { .. }), "{e:?}");
    assert!(
        e.to_string()
            .ends_with("this instance has no RAM role named \"Other\"")
    );
}

#[tokio::test]
async fn bad_answers_are_failures_without_secrets() {
    let failing = format!(
        r#"{{"AccessKeyId":"{STS_ID}","AccessKeySecret":"{STS_SECRET}","SecurityToken":"{STS_TOKEN}","Code":"Failed"}}"#
    );
    for (answer, expected) in [
        (failing, "the answer's Code is \"Failed\", not \"Success\""),
        (
            format!(r#"{{"AccessKeyId":"{STS_ID}","Code":"Success"}}"#),
            "the answer has no `AccessKeySecret`",
        ),
        ("not json".to_owned(), "the answer is not JSON"),
    ] {
        let server = hardened("EnsRole", answer).await;
        let provider = EcsRamRoleProvider::builder().endpoint(server.url()).build();
        let e = provider.provide_credentials().await.expect_err(expected);
        assert!(matches!(e, CredentialsError::Failed { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains(expected), "{text}");
        assert!(text.contains("role \"EnsRole\""), "{text}");
        assert_no_secret(&text);
    }
    let server = TestServer::start(|request| match request.path() {
        "/latest/api/token" => Reply::ok(METADATA_TOKEN),
        _ => Reply::status(500, format!("echo {METADATA_TOKEN}")),
    })
    .await;
    let provider = EcsRamRoleProvider::builder()
        .endpoint(server.url())
        .role_name("EnsRole")
        .build();
    let text = error_text(&provider).await;
    assert!(text.contains("HTTP 500, body \"echo ***\""), "{text}");
}

#[tokio::test]
async fn a_silent_metadata_service_fails_within_its_timeout() {
    let server = TestServer::always(Reply::ok("x").after(Duration::from_secs(10))).await;
    let provider = EcsRamRoleProvider::builder()
        .endpoint(server.url())
        .role_name("EnsRole")
        .disable_imds_v1(true)
        .timeouts(Duration::from_millis(200), Duration::from_millis(200))
        .build();
    let started = std::time::Instant::now();
    let text = error_text(&provider).await;
    assert!(text.contains("timed out"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(3));
}
