//! The default chain: Alibaba's order, what stops it, what it says when nothing is found, and
//! (behind the cache) that the config file is not read again per call.

mod support;

use std::time::Duration;

use ens_auth::{CredentialsError, ProvideCredentials};
use ens_credentials::{CachedProvider, DefaultChain, DefaultChainBuilder, Env};
use support::{
    Reply, SOURCE_ID, SOURCE_SECRET, STS_ID, STS_SECRET, STS_TOKEN, TempDir, TestClock, TestServer,
    assert_no_secret, closed_port_url, sts_answer, utc_in,
};

const CONFIG: &str = r#"{"current": "default", "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "from-file", "access_key_secret": "file-secret"},
    {"name": "other", "mode": "AK", "access_key_id": "from-other", "access_key_secret": "s"}]}"#;

/// The chain with nothing of the real machine: the given variables, `home`, and a metadata
/// service where nothing listens unless one is given.
async fn chain(vars: &[(&str, &str)], home: &TempDir) -> DefaultChainBuilder {
    DefaultChain::builder()
        .env(Env::from_vars(
            vars.iter().map(|&(k, v)| (k.to_owned(), v.to_owned())),
        ))
        .home_dir(Some(home.path().to_owned()))
        .metadata_endpoint(closed_port_url().await)
}

fn metadata_answer() -> String {
    format!(
        r#"{{"AccessKeyId":"from-metadata","AccessKeySecret":"{STS_SECRET}","SecurityToken":"{STS_TOKEN}","Expiration":"{}","Code":"Success"}}"#,
        utc_in(3600)
    )
}

async fn metadata_server() -> TestServer {
    let answer = metadata_answer();
    TestServer::start(move |request| match request.path() {
        "/latest/api/token" => Reply::ok("md-token"),
        "/latest/meta-data/ram/security-credentials/" => Reply::ok("EnsRole"),
        "/latest/meta-data/ram/security-credentials/EnsRole" => Reply::ok(answer.clone()),
        _ => Reply::status(404, ""),
    })
    .await
}

#[tokio::test]
async fn nothing_found_lists_every_source_in_order() {
    let home = TempDir::new();
    let e = chain(&[], &home)
        .await
        .build()
        .provide_credentials()
        .await
        .expect_err("nothing");
    let CredentialsError::NotFound { searched } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(searched.len(), 5, "{searched:?}");
    assert_eq!(
        searched[0],
        "environment: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET not set"
    );
    assert_eq!(
        searched[1],
        "OIDC: ALIBABA_CLOUD_ROLE_ARN / ALIBABA_CLOUD_OIDC_PROVIDER_ARN / \
         ALIBABA_CLOUD_OIDC_TOKEN_FILE not set"
    );
    assert_eq!(
        searched[2],
        format!(
            "config file: {} not found",
            home.path().join(".aliyun").join("config.json").display()
        )
    );
    assert!(
        searched[3].starts_with("metadata service: not reachable at http://127.0.0.1:"),
        "{}",
        searched[3]
    );
    assert_eq!(
        searched[4],
        "credentials URI: ALIBABA_CLOUD_CREDENTIALS_URI not set"
    );
    assert!(
        e.to_string()
            .starts_with("no credentials found: environment: ")
    );

    // The issue's example: a profile that is not there, the metadata service switched off.
    std::fs::create_dir_all(home.path().join(".aliyun")).expect("dir");
    std::fs::write(home.path().join(".aliyun/config.json"), CONFIG).expect("config");
    let e = chain(
        &[
            ("ALIBABA_CLOUD_PROFILE", "x"),
            ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
        ],
        &home,
    )
    .await
    .build()
    .provide_credentials()
    .await
    .expect_err("nothing");
    let text = e.to_string();
    assert!(
        text.contains(&format!(
            "; config file: no profile \"x\" in {} (it has \"default\", \"other\"); metadata \
             service: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED; credentials URI:",
            home.path().join(".aliyun/config.json").display()
        )),
        "{text}"
    );
    assert!(!text.contains("file-secret"));
}

#[tokio::test]
async fn the_first_source_with_credentials_wins_in_alibabas_order() {
    let home = TempDir::new();
    std::fs::create_dir_all(home.path().join(".aliyun")).expect("dir");
    std::fs::write(home.path().join(".aliyun/config.json"), CONFIG).expect("config");
    let token = home.file("oidc-token", "test-oidc-token");
    let token = token.display().to_string();
    let sts_body = sts_answer(&utc_in(3600));
    let sts = TestServer::start(move |_| Reply::ok(sts_body.clone())).await;
    let metadata = metadata_server().await;
    let uri_body = format!(
        r#"{{"AccessKeyId":"from-uri","AccessKeySecret":"s","SecurityToken":"t","Expiration":"{}"}}"#,
        utc_in(3600)
    );
    let uri = TestServer::always(Reply::ok(uri_body)).await;
    let uri_url = uri.url();

    let env_pair = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", SOURCE_ID),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SOURCE_SECRET),
    ];
    let oidc = [
        ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod"),
        (
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1:oidc-provider/ack",
        ),
        ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.as_str()),
    ];
    let uri_var = [("ALIBABA_CLOUD_CREDENTIALS_URI", uri_url.as_str())];
    let all: Vec<(&str, &str)> = env_pair
        .iter()
        .chain(&oidc)
        .chain(&uri_var)
        .copied()
        .collect();

    let ask = |vars: Vec<(&'static str, String)>, with_file: bool| {
        let home_path = home.path().to_owned();
        let sts_url = sts.url();
        let metadata_url = metadata.url();
        async move {
            let mut builder = DefaultChain::builder()
                .env(Env::from_vars(vars))
                .sts_endpoint(sts_url)
                .metadata_endpoint(metadata_url);
            builder = if with_file {
                builder.home_dir(Some(home_path))
            } else {
                builder.home_dir(None)
            };
            builder
                .build()
                .provide_credentials()
                .await
                .expect("credentials")
        }
    };
    let owned = |vars: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        vars.iter().map(|&(k, v)| (k, v.to_owned())).collect()
    };

    let c = ask(owned(&all), true).await;
    assert_eq!(
        (c.access_key_id(), c.provider_name()),
        (SOURCE_ID, "environment")
    );
    let without_env: Vec<_> = all[2..].to_vec();
    let c = ask(owned(&without_env), true).await;
    assert_eq!(
        (c.access_key_id(), c.provider_name()),
        (STS_ID, "OIDC role")
    );
    assert_eq!(sts.count(), 1);
    let c = ask(owned(&uri_var), true).await;
    assert_eq!(
        (c.access_key_id(), c.provider_name()),
        ("from-file", "config file")
    );
    let c = ask(owned(&uri_var), false).await;
    assert_eq!(
        (c.access_key_id(), c.provider_name()),
        ("from-metadata", "metadata service")
    );
    let mut no_metadata = owned(&uri_var);
    no_metadata.push(("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "TRUE".to_owned()));
    let c = ask(no_metadata, false).await;
    assert_eq!(
        (c.access_key_id(), c.provider_name()),
        ("from-uri", "credentials URI")
    );
    assert_eq!(uri.count(), 1);
    // ALIBABA_CLOUD_PROFILE picks the profile.
    let c = ask(owned(&[("ALIBABA_CLOUD_PROFILE", "other")]), true).await;
    assert_eq!(c.access_key_id(), "from-other");
}

#[tokio::test]
async fn a_source_that_is_set_up_wrongly_stops_the_chain() {
    let home = TempDir::new();
    std::fs::create_dir_all(home.path().join(".aliyun")).expect("dir");
    std::fs::write(home.path().join(".aliyun/config.json"), CONFIG).expect("config");
    let e = chain(&[("ALIBABA_CLOUD_ACCESS_KEY_ID", "only-id")], &home)
        .await
        .build()
        .provide_credentials()
        .await
        .expect_err("half a pair");
    assert!(matches!(e, CredentialsError::Misconfigured { .. }), "{e:?}");

    let e = chain(&[("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/x")], &home)
        .await
        .build()
        .provide_credentials()
        .await
        .expect_err("OIDC in part");
    assert_eq!(
        e.to_string(),
        "OIDC: set only in part: ALIBABA_CLOUD_ROLE_ARN / ALIBABA_CLOUD_OIDC_PROVIDER_ARN missing"
    );

    std::fs::write(home.path().join(".aliyun/config.json"), "{").expect("broken");
    let metadata = metadata_server().await;
    let e = chain(&[], &home)
        .await
        .metadata_endpoint(metadata.url())
        .build()
        .provide_credentials()
        .await
        .expect_err("malformed file");
    assert!(e.to_string().contains("not valid JSON"), "{e}");
    assert_eq!(metadata.count(), 0, "the chain stopped at the broken file");
}

#[tokio::test]
async fn metadata_settings_come_from_the_environment() {
    let home = TempDir::new();
    let metadata = metadata_server().await;
    let c = chain(&[("ALIBABA_CLOUD_ECS_METADATA", "EnsRole")], &home)
        .await
        .metadata_endpoint(metadata.url())
        .build()
        .provide_credentials()
        .await
        .expect("named role");
    assert_eq!(c.access_key_id(), "from-metadata");
    assert_eq!(metadata.count(), 2, "no listing for a named role");

    let plain_only = TestServer::start(|request| match request.path() {
        "/latest/api/token" => Reply::status(403, ""),
        _ => Reply::ok("EnsRole"),
    })
    .await;
    let e = chain(&[("ALIBABA_CLOUD_IMDSV1_DISABLED", "true")], &home)
        .await
        .metadata_endpoint(plain_only.url())
        .build()
        .provide_credentials()
        .await
        .expect_err("hardened mode required");
    assert!(
        e.to_string().contains("the hardened mode is required"),
        "{e}"
    );
    assert_eq!(plain_only.count(), 1);
}

/// Issue 8: behind the cache the config file is read once, not at every attempt; a new read
/// happens only when the cached keys are due (15 minutes for keys without expiry).
#[tokio::test]
async fn behind_the_cache_the_config_file_is_not_read_again_per_call() {
    let home = TempDir::new();
    let path = home.path().join(".aliyun/config.json");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    std::fs::write(&path, CONFIG).expect("config");
    let clock = TestClock::default();
    let time = clock.clone();
    let cache = CachedProvider::builder().clock(move || time.now()).build(
        chain(&[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")], &home)
            .await
            .build(),
    );
    let first = cache.provide_credentials().await.expect("from the file");
    assert_eq!(first.access_key_id(), "from-file");
    std::fs::remove_file(&path).expect("rm");
    for _ in 0..100 {
        let again = cache.provide_credentials().await.expect("cached");
        assert!(ens_auth::Credentials::ptr_eq(&first, &again));
    }
    clock.advance(Duration::from_secs(16 * 60));
    let e = cache
        .provide_credentials()
        .await
        .expect_err("read again: gone");
    assert!(e.is_not_found(), "{e:?}");
    assert_no_secret(&e.to_string());
}
