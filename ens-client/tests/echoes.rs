//! Answers that echo the request: whatever the service (or something in front of it) sends
//! back, no secret of the request shows in an error's `Display`, `Debug` or fields, whether it
//! comes raw, JSON-escaped, percent-encoded with either hex case, or cut short.
#![allow(clippy::unwrap_used)]

mod support;

use ens_client::auth::encode::encode;
use ens_client::{CreateInstanceRequest, SdkError, types::Password};
use support::{
    Reply, SIGNATURES, TOKEN, answer_always, client, emulator_started, quote, sts_credentials,
};

/// A password whose encoding has hex letters (`%2F`, `%3A`, `%2A`).
const PASSWORD: &str = "Edge/Pa55:word*";

fn request() -> CreateInstanceRequest {
    CreateInstanceRequest::builder()
        .instance_type("ens.sn1.stiny")
        .ens_region_id("cn-hangzhou-telecom")
        .period(1)
        .quantity(1)
        .password(Password::new(PASSWORD).unwrap())
        .build()
}

/// Every way the answers below spell the password and the token.
fn forms() -> Vec<String> {
    let once = encode(PASSWORD);
    vec![
        PASSWORD.to_owned(),
        once.clone(),
        once.to_lowercase()
            .replace("edge", "Edge")
            .replace("pa55", "Pa55"),
        encode(&once),
        TOKEN.to_owned(),
        encode(TOKEN),
    ]
}

/// Neither the password (in any form, or its first 7 characters) nor the token shows in `err`.
#[track_caller]
fn assert_masked<E: ens_client::core::OperationError + std::fmt::Debug>(
    err: &SdkError<E>,
    what: &str,
) {
    let mut texts = vec![err.to_string(), format!("{err:?}"), format!("{err:#?}")];
    texts.extend(err.code().map(str::to_owned));
    texts.extend(err.message().map(str::to_owned));
    texts.extend(err.request_id().map(str::to_owned));
    let inner = match err {
        SdkError::OutcomeUnknown { cause, .. } => cause.as_ref(),
        other => other,
    };
    if let SdkError::UnreadableResponse { body, reason, .. } = inner {
        texts.push(body.clone());
        texts.push(reason.clone());
    }
    if let Some(service) = err.as_service() {
        texts.extend(service.host_id().map(str::to_owned));
        texts.extend(service.recommend().map(str::to_owned));
    }
    for text in &texts {
        support::assert_no_secret(text);
        for form in forms() {
            assert!(!text.contains(&form), "{what}: {form:?} in {text}");
        }
        assert!(
            !text.contains("Edge/Pa"),
            "{what}: part of the password in {text}"
        );
        assert!(
            !text.contains("Edge%2FPa"),
            "{what}: part of the password in {text}"
        );
    }
}

#[tokio::test]
async fn answers_echoing_the_request_never_show_its_secrets() {
    let lower = encode(PASSWORD)
        .to_lowercase()
        .replace("edge", "Edge")
        .replace("pa55", "Pa55");
    assert!(lower.contains("%2f"), "{lower}");
    let echo = format!(
        "Password={lower}&SecurityToken={}&Raw={PASSWORD}&Twice={}",
        encode(TOKEN),
        encode(&encode(PASSWORD))
    );
    let answers: Vec<(&str, Reply)> = vec![
        (
            "undecodable 200",
            Reply::ok(format!(r#"{{"RequestId":"R","InstanceIds":"{echo}"#)),
        ),
        (
            "fields echoing",
            Reply::ok(format!(
                r#"{{"RequestId":{},"HostId":{},"Code":{},"Message":{},"Recommend":{}}}"#,
                quote(PASSWORD),
                quote(TOKEN),
                quote(&format!("Bad.{PASSWORD}")),
                quote(&format!("password \"{PASSWORD}\" refused")),
                quote(&format!("https://example.com/?q={lower}")),
            )),
        ),
        (
            "value in a decoding error",
            Reply::ok(format!(
                r#"{{"RequestId":"R","Code":"0","InstanceIds":{{"InstanceId":{}}}}}"#,
                quote(PASSWORD)
            )),
        ),
        (
            "403 echo",
            Reply::html(403, format!("<p>denied: {echo}</p>")),
        ),
        (
            "503 echo",
            Reply::json(
                503,
                format!(r#"{{"requestId":{},"note":"{echo}"}}"#, quote(TOKEN)),
            ),
        ),
    ];
    for version in SIGNATURES {
        for (what, answer) in &answers {
            let emu = emulator_started().await;
            answer_always(&emu, "CreateInstance", answer.clone());
            let c = client(&emu, version)
                .credentials(sts_credentials())
                .build()
                .unwrap();
            let err = c.send(request()).await.unwrap_err();
            assert_masked(&err, what);
        }
    }
}

#[tokio::test]
async fn a_body_cut_at_the_limit_in_the_middle_of_a_secret_masks_what_is_left() {
    let head = r#"{"RequestId":"R","Echo":""#;
    for cut in [1, 4, 7, 12] {
        let body = format!("{head}{PASSWORD}{}", "x".repeat(100));
        let emu = emulator_started().await;
        answer_always(&emu, "CreateInstance", Reply::ok(body));
        let c = client(&emu, SIGNATURES[0])
            .max_response_body(head.len() + cut)
            .build()
            .unwrap();
        let err = c.send(request()).await.unwrap_err();
        assert_masked(&err, &format!("cut after {cut}"));
        let SdkError::OutcomeUnknown { cause, .. } = &err else {
            panic!("{err:?}")
        };
        let SdkError::UnreadableResponse { body, .. } = cause.as_ref() else {
            panic!("{err:?}")
        };
        assert_eq!(body, &format!("{head}***"), "cut after {cut}");
    }
}

#[test]
fn wire_parameters_of_a_request_mask_its_password_in_debug() {
    let params = request().to_params();
    let shown = format!("{params:?} {params:#?}");
    assert!(!shown.contains("Pa55"), "{shown}");
    assert!(shown.contains(r#""Password": ***"#), "{shown}");
    assert_eq!(
        params.get("Password"),
        Some(PASSWORD),
        "the value is there to send"
    );
}
