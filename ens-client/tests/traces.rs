//! What the client writes to `tracing`: action and RequestId, never a secret.
//!
//! A test binary of its own with a global subscriber: tracing caches whether a callsite is
//! enabled process-wide, so a thread-local subscriber beside other tests' threads can miss
//! events another test reached first.
#![allow(clippy::unwrap_used)]

mod support;

use support::{
    PASSWORD, Reply, SIGNATURES, TOKEN, answer_in_turn, assert_no_secret, client, create_request,
    emulator_started, sts_credentials,
};

/// Collects every span field and event as text.
mod capture {
    use std::fmt::Write as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata};

    #[derive(Clone, Default)]
    pub struct Capture {
        pub text: Arc<Mutex<String>>,
        next: Arc<AtomicU64>,
    }

    struct Writer<'a>(&'a mut String);

    impl Visit for Writer<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }

    impl tracing::Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut text = self.text.lock().unwrap();
            text.push_str("\nspan ");
            text.push_str(span.metadata().name());
            span.record(&mut Writer(&mut text));
            Id::from_u64(self.next.fetch_add(1, Ordering::SeqCst) + 1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            let mut text = self.text.lock().unwrap();
            text.push_str("\nrecord");
            values.record(&mut Writer(&mut text));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut text = self.text.lock().unwrap();
            text.push_str("\nevent");
            event.record(&mut Writer(&mut text));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[tokio::test(flavor = "current_thread")]
async fn traces_carry_action_and_request_id_but_no_secret() {
    let capture = capture::Capture::default();
    tracing::subscriber::set_global_default(capture.clone()).unwrap();
    for version in SIGNATURES {
        let emu = emulator_started().await;
        answer_in_turn(
            &emu,
            "CreateInstance",
            [
                Reply::error(400, "Throttling", "flow control", "REQ-THROTTLED"),
                Reply::ok(
                    r#"{"RequestId":"REQ-TRACED","InstanceIds":{"InstanceId":["i-1"]},"Code":"0"}"#,
                ),
                Reply::error(500, "InternalError", "boom", "REQ-FAILED"),
                // Answers that echo the token and the password into the fields the spans record.
                support::created(&format!("REQ-{TOKEN}"), &["i-2"]),
                Reply::error(400, &format!("Bad.{PASSWORD}"), "echo", TOKEN),
            ],
        );
        let client = client(&emu, version)
            .credentials(sts_credentials())
            .build()
            .unwrap();
        client.send(create_request()).await.unwrap();
        client.send(create_request()).await.unwrap_err();
        client.send(create_request()).await.unwrap();
        client.send(create_request()).await.unwrap_err();
    }
    let text = capture.text.lock().unwrap().clone();
    for part in [
        "action=CreateInstance",
        "REQ-TRACED",
        "REQ-FAILED",
        "retrying",
        "outcome unknown",
        "REQ-***",
    ] {
        assert!(text.contains(part), "traces lack {part:?}: {text}");
    }
    assert_no_secret(&text);
    assert!(!text.contains(PASSWORD), "{text}");
}
