//! Roles through STS (`AssumeRole`, `AssumeRoleWithOIDC`) against a fake STS on 127.0.0.1.

mod support;

use std::time::Duration;

use ens_auth::{Credentials, CredentialsError, ProvideCredentials, SigningTime};
use ens_credentials::{AssumeRoleProvider, OidcProvider};
use support::{
    Reply, SOURCE_ID, SOURCE_SECRET, STS_ID, STS_SECRET, STS_TOKEN, TempDir, TestServer,
    assert_no_secret, assert_signed_with, closed_port_url, error_text, sts_answer, utc_in,
};

const ROLE: &str = "acs:ram::123456789012:role/ens-operator";
const OIDC_PROVIDER: &str = "acs:ram::123456789012:oidc-provider/ack-rrsa";

fn source() -> Credentials {
    Credentials::new(SOURCE_ID, SOURCE_SECRET)
}

#[tokio::test]
async fn assume_role_is_signed_with_the_source_and_returns_the_role_credentials() {
    let expiration = utc_in(3600);
    let answer = sts_answer(&expiration);
    let sts = TestServer::start(move |_| Reply::ok(answer.clone())).await;
    let provider = AssumeRoleProvider::builder(ROLE, source())
        .session_name("nightly")
        .duration(Duration::from_secs(900))
        .policy(r#"{"Version":"1","Statement":[]}"#)
        .external_id("ext-1")
        .sts_endpoint(sts.url())
        .build();
    let creds = provider.provide_credentials().await.expect("assumed");
    assert_eq!(creds.access_key_id(), STS_ID);
    assert_eq!(creds.access_key_secret().expose(), STS_SECRET);
    assert_eq!(creds.security_token().map(|t| t.expose()), Some(STS_TOKEN));
    assert_eq!(
        creds.expiry().map(SigningTime::from),
        SigningTime::parse_utc(&expiration)
    );
    assert_eq!(creds.provider_name(), "RAM role");

    let [request] = sts.requests().try_into().expect("one STS call");
    assert_eq!((request.method.as_str(), request.path()), ("POST", "/"));
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    for (name, value) in [
        ("Action", "AssumeRole"),
        ("Version", "2015-04-01"),
        ("Format", "JSON"),
        ("AccessKeyId", SOURCE_ID),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
    ] {
        assert_eq!(request.param(name).as_deref(), Some(value), "{name}");
    }
    for (name, value) in [
        ("RoleArn", ROLE),
        ("RoleSessionName", "nightly"),
        ("DurationSeconds", "900"),
        ("Policy", r#"{"Version":"1","Statement":[]}"#),
        ("ExternalId", "ext-1"),
    ] {
        let form = request.form();
        let got = form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        assert_eq!(got, Some(value), "{name} in the body");
    }
    assert!(
        request
            .param("SignatureNonce")
            .is_some_and(|n| n.len() >= 16)
    );
    let sent = request.param("Timestamp").expect("Timestamp");
    let skew = SigningTime::parse_utc(&sent).expect("UTC").unix_seconds()
        - SigningTime::now().unix_seconds();
    assert!(skew.abs() < 60, "Timestamp {sent}");
    assert_signed_with(&request, SOURCE_SECRET);
}

#[tokio::test]
async fn a_source_security_token_goes_in_the_signed_body_never_the_url() {
    let answer = sts_answer(&utc_in(3600));
    let sts = TestServer::start(move |_| Reply::ok(answer.clone())).await;
    let source = source().with_security_token("test-source-token");
    let provider = AssumeRoleProvider::builder(ROLE, source)
        .sts_endpoint(sts.url())
        .build();
    provider.provide_credentials().await.expect("assumed");
    let [request] = sts.requests().try_into().expect("one call");
    assert!(
        !request.target.contains("test-source-token"),
        "{}",
        request.target
    );
    assert!(
        !request.target.contains("SecurityToken"),
        "{}",
        request.target
    );
    assert!(
        request
            .form()
            .contains(&("SecurityToken".into(), "test-source-token".into()))
    );
    assert_signed_with(&request, SOURCE_SECRET);
}

#[tokio::test]
async fn sts_errors_name_the_role_code_and_request_id_and_mask_echoed_secrets() {
    let body = format!(
        r#"{{"RequestId":"R-403","HostId":"sts.aliyuncs.com","Code":"NoPermission",
             "Message":"You are not authorized to do this action. Key {SOURCE_SECRET}"}}"#
    );
    let sts = TestServer::always(Reply::status(403, body)).await;
    let provider = AssumeRoleProvider::builder(ROLE, source())
        .sts_endpoint(sts.url())
        .build();
    let e = provider.provide_credentials().await.expect_err("refused");
    assert!(matches!(e, CredentialsError::Failed { .. }), "{e:?}");
    let text = e.to_string();
    assert_eq!(
        text,
        format!(
            "RAM role {ROLE} (STS AssumeRole at {}): STS refused: HTTP 403, NoPermission: You \
             are not authorized to do this action. Key *** (RequestId R-403)",
            sts.url()
        )
    );
    assert_no_secret(&format!("{text} {e:?}"));
}

#[tokio::test]
async fn a_refused_timestamp_points_at_the_clock() {
    let sts = TestServer::always(Reply::status(
        400,
        r#"{"Code":"InvalidTimeStamp.Expired","Message":"Specified time stamp or date value is expired.","RequestId":"R-1"}"#,
    ))
    .await;
    let provider = AssumeRoleProvider::builder(ROLE, source())
        .sts_endpoint(sts.url())
        .build();
    let text = error_text(&provider).await;
    assert!(text.contains("InvalidTimeStamp.Expired"), "{text}");
    assert!(text.ends_with("is the system clock right?)"), "{text}");
}

#[tokio::test]
async fn unreadable_and_incomplete_answers_are_failures_naming_the_field() {
    for (body, expected) in [
        (
            "<html>ok</html>",
            "unreadable STS answer: the answer is not JSON",
        ),
        (r#"{"RequestId":"R"}"#, "has no `Credentials` object"),
        (
            r#"{"Credentials":{"AccessKeyId":"STS.x","AccessKeySecret":7}}"#,
            "`AccessKeySecret` is not a string",
        ),
        (
            r#"{"Credentials":{"AccessKeyId":"STS.x","AccessKeySecret":"s","Expiration":"tomorrow"}}"#,
            "`Expiration` \"tomorrow\" is not a UTC time",
        ),
    ] {
        let sts = TestServer::always(Reply::ok(body)).await;
        let provider = AssumeRoleProvider::builder(ROLE, source())
            .sts_endpoint(sts.url())
            .build();
        let e = provider.provide_credentials().await.expect_err(body);
        assert!(matches!(e, CredentialsError::Failed { .. }), "{e:?}");
        assert!(e.to_string().contains(expected), "{e} / {expected}");
    }
}

#[tokio::test]
async fn an_oversized_answer_is_refused() {
    let sts = TestServer::always(Reply::ok(" ".repeat(200 * 1024))).await;
    let provider = AssumeRoleProvider::builder(ROLE, source())
        .sts_endpoint(sts.url())
        .build();
    let text = error_text(&provider).await;
    assert!(text.contains("larger than 64 KiB"), "{text}");
}

#[tokio::test]
async fn unreachable_or_slow_sts_fails_in_bounded_time() {
    let provider = AssumeRoleProvider::builder(ROLE, source())
        .sts_endpoint(closed_port_url().await)
        .build();
    let text = error_text(&provider).await;
    assert!(text.contains("cannot reach STS"), "{text}");

    let slow =
        TestServer::always(Reply::ok(sts_answer(&utc_in(3600))).after(Duration::from_secs(5)))
            .await;
    let provider = AssumeRoleProvider::builder(ROLE, source())
        .sts_endpoint(slow.url())
        .timeouts(Duration::from_secs(1), Duration::from_millis(200))
        .build();
    let started = std::time::Instant::now();
    let text = error_text(&provider).await;
    assert!(text.contains("timed out"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn missing_source_credentials_make_the_role_misconfigured() {
    let provider = AssumeRoleProvider::builder(
        ROLE,
        ens_credentials::EnvProvider::with_env(ens_credentials::Env::from_vars(Vec::<(
            String,
            String,
        )>::new())),
    )
    .sts_endpoint(closed_port_url().await)
    .build();
    let e = provider.provide_credentials().await.expect_err("no source");
    assert!(matches!(e, CredentialsError::Misconfigured { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("its source credentials: no credentials found: environment")
    );
}

#[tokio::test]
async fn oidc_sends_the_token_from_the_file_anonymously_and_rereads_it() {
    let dir = TempDir::new();
    let token_file = dir.file("token", "test-oidc-token-1\n");
    let expiration = utc_in(3600);
    let answer = sts_answer(&expiration);
    let sts = TestServer::start(move |_| Reply::ok(answer.clone())).await;
    let provider = OidcProvider::builder(ROLE, OIDC_PROVIDER, &token_file)
        .session_name("pod-a")
        .sts_endpoint(sts.url())
        .build();
    let creds = provider.provide_credentials().await.expect("assumed");
    assert_eq!(creds.access_key_id(), STS_ID);
    assert_eq!(creds.provider_name(), "OIDC role");

    // The cluster rotates the token: the next call sends the new one.
    dir.file("token", "test-oidc-token-2");
    provider.provide_credentials().await.expect("assumed again");
    let requests = sts.requests();
    assert_eq!(requests.len(), 2);
    for (request, token) in requests
        .iter()
        .zip(["test-oidc-token-1", "test-oidc-token-2"])
    {
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.param("Action").as_deref(),
            Some("AssumeRoleWithOIDC")
        );
        assert_eq!(request.param("Version").as_deref(), Some("2015-04-01"));
        let form = request.form();
        let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        assert_eq!(get("OIDCToken").as_deref(), Some(token));
        assert_eq!(get("RoleArn").as_deref(), Some(ROLE));
        assert_eq!(get("OIDCProviderArn").as_deref(), Some(OIDC_PROVIDER));
        assert_eq!(get("RoleSessionName").as_deref(), Some("pod-a"));
        assert_eq!(get("DurationSeconds").as_deref(), Some("3600"));
        assert!(
            !request.target.contains("test-oidc-token"),
            "token in the URL"
        );
        // Anonymous: the token is the proof.
        assert!(request.param("Signature").is_none() && request.param("AccessKeyId").is_none());
    }
}

#[tokio::test]
async fn oidc_problems_name_the_file_or_mask_the_token() {
    let dir = TempDir::new();
    let sts = TestServer::always(Reply::status(
        400,
        r#"{"Code":"InvalidParameter.OIDCToken","Message":"token test-oidc-token-x is expired","RequestId":"R-2"}"#,
    ))
    .await;
    let missing = dir.path().join("absent");
    let provider = OidcProvider::builder(ROLE, OIDC_PROVIDER, &missing)
        .sts_endpoint(sts.url())
        .build();
    let e = provider.provide_credentials().await.expect_err("no file");
    assert!(matches!(e, CredentialsError::Misconfigured { .. }), "{e:?}");
    assert!(e.to_string().ends_with(&format!(
        "the token file {} does not exist",
        missing.display()
    )));
    assert_eq!(sts.count(), 0, "nothing sent without a token");

    let empty = dir.file("empty", " \n");
    let provider = OidcProvider::builder(ROLE, OIDC_PROVIDER, &empty)
        .sts_endpoint(sts.url())
        .build();
    assert!(error_text(&provider).await.ends_with("is empty"));

    let token = dir.file("token", "test-oidc-token-x");
    let provider = OidcProvider::builder(ROLE, OIDC_PROVIDER, &token)
        .sts_endpoint(sts.url())
        .build();
    let e = provider.provide_credentials().await.expect_err("refused");
    let text = e.to_string();
    assert!(
        text.starts_with(&format!("OIDC role {ROLE} (STS AssumeRoleWithOIDC at")),
        "{text}"
    );
    assert!(
        text.contains("InvalidParameter.OIDCToken: token *** is expired"),
        "{text}"
    );
    assert_no_secret(&format!("{text} {e:?} {provider:?}"));
}
