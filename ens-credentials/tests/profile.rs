//! The aliyun CLI configuration, every mode, with STS and the metadata service on 127.0.0.1.

mod support;

use std::path::Path;
use std::time::Duration;

use ens_auth::{CredentialsError, ProvideCredentials};
use ens_credentials::{CliConfigProvider, Env};
use support::{
    Reply, SOURCE_ID, SOURCE_SECRET, STS_ID, STS_SECRET, STS_TOKEN, TempDir, TestServer,
    assert_no_secret, assert_signed_with, sts_answer, utc_in,
};

fn config() -> String {
    format!(
        r#"{{
        "current": "sts",
        "profiles": [
            {{"name": "default", "mode": "AK", "access_key_id": "{SOURCE_ID}",
             "access_key_secret": "{SOURCE_SECRET}", "sts_token": "", "region_id": "cn-hangzhou",
             "output_format": "json", "language": "en"}},
            {{"name": "sts", "mode": "StsToken", "access_key_id": "STS.file",
             "access_key_secret": "file-sts-secret", "sts_token": "file-sts-token", "region_id": ""}},
            {{"name": "role", "mode": "RamRoleArn", "access_key_id": "{SOURCE_ID}",
             "access_key_secret": "{SOURCE_SECRET}", "ram_role_arn": "acs:ram::1:role/first",
             "ram_session_name": "cli-session", "expired_seconds": 1200, "policy": "",
             "external_id": "ext-9"}},
            {{"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "role",
             "ram_role_arn": "acs:ram::1:role/second"}},
            {{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "EnsRole"}},
            {{"name": "oidc", "mode": "OIDC", "ram_role_arn": "acs:ram::1:role/pod",
             "oidc_provider_arn": "acs:ram::1:oidc-provider/ack", "oidc_token_file": "TOKEN_FILE"}},
            {{"name": "sso", "mode": "CloudSSO", "cloud_sso_sign_in_url": "https://x"}},
            {{"name": "broken", "mode": "AK", "access_key_id": "LTAIbroken",
             "access_key_secret": 12345}},
            {{"name": "no-secret", "mode": "StsToken", "access_key_id": "i",
             "access_key_secret": "s", "sts_token": ""}},
            {{"name": "loop-a", "mode": "ChainableRamRoleArn", "source_profile": "loop-b",
             "ram_role_arn": "acs:ram::1:role/a"}},
            {{"name": "loop-b", "mode": "ChainableRamRoleArn", "source_profile": "loop-a",
             "ram_role_arn": "acs:ram::1:role/b"}},
            {{"name": "dangling", "mode": "ChainableRamRoleArn", "source_profile": "gone",
             "ram_role_arn": "acs:ram::1:role/a"}}
        ],
        "meta_path": ""
    }}"#
    )
}

struct Setup {
    dir: TempDir,
    path: std::path::PathBuf,
}

fn setup() -> Setup {
    let dir = TempDir::new();
    let token = dir.file("token", "test-oidc-token-file");
    let text = config().replace("TOKEN_FILE", &token.display().to_string());
    let path = dir.file(".aliyun/config.json", &text);
    Setup { dir, path }
}

fn provider(path: &Path) -> CliConfigProvider {
    CliConfigProvider::new(path).env(Env::from_vars(Vec::<(String, String)>::new()))
}

#[tokio::test]
async fn current_profile_and_chosen_profiles_with_key_pairs() {
    let s = setup();
    let creds = provider(&s.path)
        .provide_credentials()
        .await
        .expect("current: sts");
    assert_eq!(creds.access_key_id(), "STS.file");
    assert_eq!(creds.access_key_secret().expose(), "file-sts-secret");
    assert_eq!(
        creds.security_token().map(|t| t.expose()),
        Some("file-sts-token")
    );
    assert_eq!(creds.provider_name(), "config file");

    let p = provider(&s.path).with_profile("default");
    let creds = p.provide_credentials().await.expect("AK");
    assert_eq!(creds.access_key_id(), SOURCE_ID);
    assert!(creds.security_token().is_none());
    let profile = p.load_profile().await.expect("describe");
    assert_eq!(
        (
            profile.name.as_str(),
            profile.mode.as_str(),
            profile.region_id.as_deref()
        ),
        ("default", "AK", Some("cn-hangzhou"))
    );
    // `from_home` finds the same file.
    let creds = CliConfigProvider::from_home(s.dir.path())
        .provide_credentials()
        .await
        .expect("from home");
    assert_eq!(creds.access_key_id(), "STS.file");
}

#[tokio::test]
async fn missing_current_means_default_and_missing_mode_means_ak() {
    let dir = TempDir::new();
    let path = dir.file(
        "c.json",
        r#"{"profiles": [{"name": "default", "access_key_id": "i", "access_key_secret": "s"}]}"#,
    );
    let creds = provider(&path)
        .provide_credentials()
        .await
        .expect("default");
    assert_eq!(creds.access_key_id(), "i");
}

#[tokio::test]
async fn ram_role_arn_assumes_the_role_signed_with_the_profile_keys() {
    let s = setup();
    let answer = sts_answer(&utc_in(1200));
    let sts = TestServer::start(move |_| Reply::ok(answer.clone())).await;
    let creds = provider(&s.path)
        .with_profile("role")
        .sts_endpoint(sts.url())
        .provide_credentials()
        .await
        .expect("role");
    assert_eq!(creds.access_key_id(), STS_ID);
    let [request] = sts.requests().try_into().expect("one STS call");
    assert_eq!(request.param("Action").as_deref(), Some("AssumeRole"));
    assert_eq!(request.param("AccessKeyId").as_deref(), Some(SOURCE_ID));
    assert_eq!(
        request.param("RoleArn").as_deref(),
        Some("acs:ram::1:role/first")
    );
    assert_eq!(
        request.param("RoleSessionName").as_deref(),
        Some("cli-session")
    );
    assert_eq!(request.param("DurationSeconds").as_deref(), Some("1200"));
    assert_eq!(request.param("ExternalId").as_deref(), Some("ext-9"));
    assert_eq!(
        request.param("Policy"),
        None,
        "an empty policy is no policy"
    );
    assert_signed_with(&request, SOURCE_SECRET);
}

/// `chained` -> `role` -> AK: two AssumeRole calls, the second signed with what the first
/// returned (including its security token).
#[tokio::test]
async fn chainable_ram_role_arn_follows_the_source_profile() {
    let s = setup();
    let answer = sts_answer(&utc_in(3600));
    let sts = TestServer::start(move |_| Reply::ok(answer.clone())).await;
    let creds = provider(&s.path)
        .with_profile("chained")
        .sts_endpoint(sts.url())
        .provide_credentials()
        .await
        .expect("chained");
    assert_eq!(creds.access_key_id(), STS_ID);
    let [first, second] = sts.requests().try_into().expect("two STS calls");
    assert_eq!(
        first.param("RoleArn").as_deref(),
        Some("acs:ram::1:role/first")
    );
    assert_signed_with(&first, SOURCE_SECRET);
    assert_eq!(
        second.param("RoleArn").as_deref(),
        Some("acs:ram::1:role/second")
    );
    assert_eq!(second.param("AccessKeyId").as_deref(), Some(STS_ID));
    assert_eq!(second.param("SecurityToken").as_deref(), Some(STS_TOKEN));
    assert_signed_with(&second, STS_SECRET);
}

#[tokio::test]
async fn ecs_ram_role_reads_the_metadata_service() {
    let s = setup();
    let answer = format!(
        r#"{{"AccessKeyId":"{STS_ID}","AccessKeySecret":"{STS_SECRET}","SecurityToken":"{STS_TOKEN}","Expiration":"{}","Code":"Success"}}"#,
        utc_in(3600)
    );
    let metadata = TestServer::start(move |request| match request.path() {
        "/latest/api/token" => Reply::ok("md-token"),
        "/latest/meta-data/ram/security-credentials/EnsRole" => Reply::ok(answer.clone()),
        _ => Reply::status(404, ""),
    })
    .await;
    let creds = provider(&s.path)
        .with_profile("ecs")
        .metadata_endpoint(metadata.url())
        .provide_credentials()
        .await
        .expect("ecs");
    assert_eq!(creds.provider_name(), "metadata service");
    assert_eq!(metadata.count(), 2, "token, then the named role");

    // The profile says to use the metadata service, so its absence is an error, not "nothing".
    let e = provider(&s.path)
        .with_profile("ecs")
        .metadata_endpoint(support::closed_port_url().await)
        .provide_credentials()
        .await
        .expect_err("unreachable");
    assert!(matches!(e, CredentialsError::Failed { .. }), "{e:?}");
    assert!(e.to_string().contains("profile \"ecs\": its credentials: no credentials found: metadata service: not reachable"), "{e}");
}

#[tokio::test]
async fn oidc_mode_exchanges_the_token_file() {
    let s = setup();
    let answer = sts_answer(&utc_in(3600));
    let sts = TestServer::start(move |_| Reply::ok(answer.clone())).await;
    provider(&s.path)
        .with_profile("oidc")
        .sts_endpoint(sts.url())
        .provide_credentials()
        .await
        .expect("oidc");
    let [request] = sts.requests().try_into().expect("one call");
    assert_eq!(
        request.param("Action").as_deref(),
        Some("AssumeRoleWithOIDC")
    );
    assert_eq!(
        request.param("OIDCToken").as_deref(),
        Some("test-oidc-token-file")
    );
    assert_eq!(
        request.param("OIDCProviderArn").as_deref(),
        Some("acs:ram::1:oidc-provider/ack")
    );
}

#[tokio::test]
async fn a_missing_profile_is_not_found_and_lists_the_others() {
    let s = setup();
    let e = provider(&s.path)
        .with_profile("x")
        .provide_credentials()
        .await
        .expect_err("x");
    assert!(e.is_not_found(), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "no credentials found: config file: no profile \"x\" in {} (it has \"default\", \
             \"sts\", \"role\", \"chained\", \"ecs\", \"oidc\", \"sso\", \"broken\", \
             \"no-secret\", \"loop-a\", \"loop-b\", \"dangling\")",
            s.path.display()
        )
    );
    let dir = TempDir::new();
    let e = CliConfigProvider::from_home(dir.path())
        .provide_credentials()
        .await
        .expect_err("none");
    assert_eq!(
        e.to_string(),
        format!(
            "no credentials found: config file: {} not found",
            dir.path().join(".aliyun").join("config.json").display()
        )
    );
}

#[tokio::test]
async fn broken_profiles_are_misconfigured_naming_fields_not_values() {
    let s = setup();
    let file = s.path.display().to_string();
    for (profile, expected) in [
        (
            "sso",
            "profile \"sso\" uses mode \"CloudSSO\", which is not supported (supported modes: AK, \
             StsToken, RamRoleArn, EcsRamRole, ChainableRamRoleArn, OIDC)",
        ),
        (
            "broken",
            "profile \"broken\": `access_key_secret` is not a string",
        ),
        (
            "no-secret",
            "profile \"no-secret\" (mode StsToken) has no `sts_token` or it is empty",
        ),
        (
            "loop-a",
            "the source_profile links loop or run deeper than 8: loop-a -> loop-b -> loop-a",
        ),
        (
            "dangling",
            "profile \"dangling\" names source_profile \"gone\", which does not exist",
        ),
    ] {
        let e = provider(&s.path)
            .with_profile(profile)
            .provide_credentials()
            .await
            .expect_err(profile);
        assert!(matches!(e, CredentialsError::Misconfigured { .. }), "{e:?}");
        assert_eq!(e.to_string(), format!("config file {file}: {expected}"));
        assert!(!e.to_string().contains("12345"));
    }
}

#[tokio::test]
async fn malformed_files_name_the_position_not_the_contents() {
    let dir = TempDir::new();
    let path = dir.file(
        "c.json",
        "{\"current\": \"default\",\n \"profiles\": [ secret-ish",
    );
    let e = provider(&path)
        .provide_credentials()
        .await
        .expect_err("bad JSON");
    assert!(matches!(e, CredentialsError::Misconfigured { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("not valid JSON") && text.contains("line 2"),
        "{text}"
    );
    assert!(!text.contains("secret-ish"), "{text}");
    for (contents, expected) in [
        ("[]", "the top level is not a JSON object"),
        ("{}", "no `profiles` array"),
        (r#"{"profiles": {}}"#, "`profiles` is not an array"),
        (
            r#"{"current": 1, "profiles": []}"#,
            "`current` is not a string",
        ),
    ] {
        let path = dir.file("c.json", contents);
        let text = provider(&path)
            .provide_credentials()
            .await
            .expect_err(contents)
            .to_string();
        assert!(text.ends_with(expected), "{text}");
    }
    assert_no_secret(&text);
}

/// Issue 8: a FIFO or a link to `/dev/zero` where the file should be neither hangs nor reads
/// forever; the answer is an error naming the file, at once.
#[cfg(unix)]
#[tokio::test(flavor = "current_thread")]
async fn a_fifo_or_an_endless_device_is_refused_at_once() {
    let dir = TempDir::new();
    let aliyun = dir.path().join(".aliyun");
    std::fs::create_dir_all(&aliyun).expect("dir");
    let fifo = aliyun.join("config.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let started = std::time::Instant::now();
    let e = tokio::time::timeout(
        Duration::from_secs(10),
        CliConfigProvider::from_home(dir.path()).provide_credentials(),
    )
    .await
    .expect("no hang")
    .expect_err("a FIFO");
    assert_eq!(
        e.to_string(),
        format!(
            "config file {}: is not a regular file (it is a FIFO, socket or device)",
            fifo.display()
        )
    );
    std::fs::remove_file(&fifo).expect("rm");
    std::os::unix::fs::symlink("/dev/zero", &fifo).expect("symlink");
    let e = CliConfigProvider::from_home(dir.path())
        .provide_credentials()
        .await
        .expect_err("zero");
    assert!(
        e.to_string()
            .ends_with("is not a regular file (it is a FIFO, socket or device)")
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    std::fs::remove_file(&fifo).expect("rm");
    let big = std::fs::File::create(&fifo).expect("create");
    big.set_len(ens_credentials::MAX_CONFIG_FILE + 1)
        .expect("sparse");
    let e = CliConfigProvider::from_home(dir.path())
        .provide_credentials()
        .await
        .expect_err("big");
    assert!(
        e.to_string()
            .ends_with("is larger than the limit of 1048576 bytes"),
        "{e}"
    );
}
