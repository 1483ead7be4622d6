//! One service-wide error: `?` turns any operation's error (`SdkError<OperationError>`) into
//! `ens_client::Error` (also at its old path, `ens_client::errors::Error`),
//! keeping the code (typed through the catalog), the message and the RequestId.

#![allow(clippy::unwrap_used)] // a test whose server cannot start should stop right there

use ens_client::Error;
use ens_client::errors::AnyOperationError;
use ens_client::{CreateInstanceError, ErrorCode};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// Answers every request on 127.0.0.1 with an ENS error body, `code` per connection in turn.
fn serve(codes: &'static [&'static str]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (stream, code) in listener.incoming().zip(codes.iter().cycle()) {
            let Ok(mut stream) = stream else { return };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut request = Vec::new();
            let mut chunk = [0u8; 4096];
            // Headers, then the body its Content-Length announces.
            while let Ok(n) = stream.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            let body = format!(
                r#"{{"RequestId":"R-{code}","HostId":"ens.aliyuncs.com","Code":"{code}","Message":"message of {code}"}}"#
            );
            let answer = format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

fn client(url: &str) -> ens_client::Client {
    ens_client::Client::builder()
        .endpoint(url)
        .credentials(ens_client::Credentials::new("testid", "testsecret"))
        .read_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// Two operations, two error types, one `?`.
async fn create_then_stop(client: &ens_client::Client) -> Result<(), Error> {
    let create = ens_client::CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .period(1)
        .quantity(1)
        .key_pair_name("my-key")
        .build();
    client.send(create).await?;
    let stop = ens_client::StopInstanceRequest::builder()
        .instance_id("i-1")
        .build();
    client.send(stop).await?;
    Ok(())
}

#[tokio::test]
async fn question_mark_works_across_operations() {
    let url = serve(&["StockNotEnough"]);
    let err = create_then_stop(&client(&url)).await.unwrap_err();
    assert_eq!(err.error_code(), Some(ErrorCode::StockNotEnough));
    assert_eq!(err.code(), Some("StockNotEnough"));
    assert_eq!(err.message(), Some("message of StockNotEnough"));
    assert_eq!(err.request_id(), Some("R-StockNotEnough"));
    assert!(err.to_string().contains("StockNotEnough"), "{err}");
    let definition = ErrorCode::StockNotEnough.definition();
    assert_eq!(
        (definition.code, definition.http_status),
        ("StockNotEnough", 400)
    );
}

#[tokio::test]
async fn an_undocumented_code_is_kept_untyped() {
    let url = serve(&["Brand.New.Code"]);
    let err = create_then_stop(&client(&url)).await.unwrap_err();
    assert_eq!(err.error_code(), None);
    assert_eq!(err.code(), Some("Brand.New.Code"));
    let kind: &AnyOperationError = err.as_service().unwrap().kind();
    assert_eq!(
        ens_client::core::OperationError::code(kind),
        "Brand.New.Code"
    );
}

#[test]
fn invalid_requests_convert_too() {
    let invalid = ens_client::CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .period(10)
        .quantity(1)
        .key_pair_name("k")
        .build()
        .validate()
        .unwrap_err();
    let op: ens_client::SdkError<CreateInstanceError> =
        ens_client::SdkError::InvalidRequest(invalid);
    let err: Error = op.into();
    // The old path names the same type.
    let err: ens_client::errors::Error = err;
    assert!(err.to_string().contains("Period"), "{err}");
    assert_eq!(err.error_code(), None);
}

/// Each operation's error points at the catalog; `is_*` helpers name the documented codes.
#[test]
fn operation_errors_point_at_the_catalog() {
    use ens_client::core::OperationError as _;
    let e = CreateInstanceError::from_code("StockNotEnough", "m");
    assert!(e.is_stock_not_enough());
    assert_eq!(e.error_code(), Some(ErrorCode::StockNotEnough));
    assert_eq!(e.http_status(), Some(400));
    let e = CreateInstanceError::from_code("InvalidParameter.Foo", "m");
    assert!(e.is_invalid_parameter_field());
    assert_eq!(e.code(), "InvalidParameter.Foo");
    assert!(
        matches!(e, CreateInstanceError::InvalidParameterField { ref field, .. } if field == "Foo")
    );
    let e = CreateInstanceError::from_code("Throttling", "m");
    assert!(
        matches!(e, CreateInstanceError::Common(c) if c.retry_class() == ens_client::core::RetryClass::Throttling)
    );
    let e = CreateInstanceError::from_code("Nope", "m");
    assert_eq!((e.code(), e.error_code()), ("Nope", None));
}
