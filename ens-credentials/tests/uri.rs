//! `ALIBABA_CLOUD_CREDENTIALS_URI` against a server on 127.0.0.1.

mod support;

use std::time::Duration;

use ens_auth::{CredentialsError, ProvideCredentials, SigningTime};
use ens_credentials::UriProvider;
use support::{
    Reply, STS_ID, STS_SECRET, STS_TOKEN, TestServer, assert_no_secret, closed_port_url, utc_in,
};

#[tokio::test]
async fn credentials_come_from_the_url() {
    let expiration = utc_in(900);
    let body = format!(
        r#"{{"AccessKeyId":"{STS_ID}","AccessKeySecret":"{STS_SECRET}","SecurityToken":"{STS_TOKEN}","Expiration":"{expiration}"}}"#
    );
    let server = TestServer::always(Reply::ok(body)).await;
    let provider = UriProvider::new(format!("{}/credentials?app=ens", server.url()));
    let creds = provider.provide_credentials().await.expect("credentials");
    assert_eq!(creds.access_key_id(), STS_ID);
    assert_eq!(creds.security_token().map(|t| t.expose()), Some(STS_TOKEN));
    assert_eq!(
        creds.expiry().map(SigningTime::from),
        SigningTime::parse_utc(&expiration)
    );
    assert_eq!(creds.provider_name(), "credentials URI");
    let [request] = server.requests().try_into().expect("one call");
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("GET", "/credentials?app=ens")
    );
}

#[tokio::test]
async fn failures_name_the_url_without_its_query_and_hide_secrets() {
    let server = TestServer::always(Reply::status(
        500,
        r#"{"Code":"Internal","Message":"cannot sign"}"#,
    ))
    .await;
    let provider = UriProvider::new(format!("{}/c?key=hidden-query", server.url()));
    let e = provider.provide_credentials().await.expect_err("500");
    assert!(matches!(e, CredentialsError::Failed { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.starts_with(&format!("credentials URI {}/c: HTTP 500", server.url())),
        "{text}"
    );
    assert!(!text.contains("hidden-query") && !format!("{provider:?}").contains("hidden-query"));
    assert!(text.ends_with("HTTP 500, Internal: cannot sign"), "{text}");

    for (body, expected) in [
        ("[]", "the answer is JSON but not an object"),
        (
            r#"{"AccessKeyId":"x"}"#,
            "the answer has no `AccessKeySecret`",
        ),
    ] {
        let server = TestServer::always(Reply::ok(body)).await;
        let text = UriProvider::new(server.url())
            .provide_credentials()
            .await
            .expect_err(body)
            .to_string();
        assert!(text.ends_with(expected), "{text}");
    }

    let big = TestServer::always(Reply::ok("x".repeat(100_000))).await;
    let text = UriProvider::new(big.url())
        .provide_credentials()
        .await
        .expect_err("big")
        .to_string();
    assert!(text.contains("larger than 64 KiB"), "{text}");
    assert_no_secret(&text);

    let text = UriProvider::new(closed_port_url().await)
        .provide_credentials()
        .await
        .expect_err("closed")
        .to_string();
    assert!(text.contains("cannot connect"), "{text}");

    let slow = TestServer::always(Reply::ok("{}").after(Duration::from_secs(10))).await;
    let started = std::time::Instant::now();
    let text = UriProvider::new(slow.url())
        .timeouts(Duration::from_millis(200), Duration::from_millis(200))
        .provide_credentials()
        .await
        .expect_err("slow")
        .to_string();
    assert!(text.contains("timed out"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(3));
}
