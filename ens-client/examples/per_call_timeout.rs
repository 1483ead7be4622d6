//! Timeouts for one call, for a group of calls, and for the whole client.
//!
//! ```text
//! cargo run -p ens-client --example per_call_timeout
//! ```
//!
//! Runs against a local ENS (ens-emulator, in-process) that answers DescribeInstances after
//! one second. Exits non-zero if anything is not as described.

use std::time::Duration;

use ens_client::{
    CallOptions, Client, Credentials, DescribeInstancesRequest, RetryPolicy, SdkError, TimeoutKind,
};
use ens_emulator::{Effect, Emulator, Fault, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result {
    let emulator = Emulator::start().await?;
    emulator.add_fault(Fault::new(Effect::Delay { ms: 1000 }).on("DescribeInstances"));

    // The client's settings: every call may take up to 30 s in all, each attempt 10 s.
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET))
        .call_options(
            CallOptions::new()
                .operation_timeout(Duration::from_secs(30))
                .attempt_timeout(Duration::from_secs(10)),
        )
        .build()?;
    let request = || DescribeInstancesRequest::builder().build();

    // One call: give up after 300 ms, and do not try again.
    let quick = CallOptions::new()
        .attempt_timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none());
    match client.send_with(request(), quick).await {
        Err(SdkError::Timeout {
            kind: TimeoutKind::Attempt,
            timeout,
            ..
        }) => {
            println!("one call: gave up after {timeout:?}");
        }
        other => return Err(format!("expected an attempt timeout, got {other:?}").into()),
    }

    // A view for a group of calls: everything called through it (generated methods, waiters,
    // paginators) has 2 s per call; the client itself keeps its settings.
    let patient = client.with_options(CallOptions::new().operation_timeout(Duration::from_secs(2)));
    let page = patient.send(request()).await?;
    println!(
        "view: answered, {} instances",
        page.total_count.unwrap_or_default()
    );
    if client.options().get_operation_timeout() != Some(Duration::from_secs(30)) {
        return Err("the view changed the client's settings".into());
    }
    Ok(())
}
