//! A transport that answers from a script: for testing code that calls a service, without a server
//! (after smithy's `StaticReplayClient`).

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;

use super::{
    HttpRequest, HttpResponse, HttpTransport, SendFuture, TransportError, TransportErrorKind,
};

/// Answers requests from a list of [`ReplayEvent`]s, in order, and records every request, so a
/// test can check what its code sent and how it handles each answer, with no server and (with
/// [`crate::time::ManualTime`]) no waiting.
///
/// The client around it works as with a real server: it validates, signs, retries (on virtual
/// time), reads and decodes the canned answers, and maps errors exactly as it would the
/// service's. With ENS's client (`ens-client`, whose operations are generated over this
/// runtime):
///
/// ```
/// use ens_client::types::Password;
/// use ens_client::time::ManualTime;
/// use ens_client::transport::{ReplayEvent, ReplayTransport};
/// use ens_client::{Client, CreateInstanceRequest, Credentials};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let replay = ReplayTransport::new([
///     // The service is busy: the client waits and tries again (the request did nothing).
///     ReplayEvent::json(503, r#"{"RequestId":"R-1","Code":"ServiceUnavailable","Message":"busy"}"#)
///         .expect_action("CreateInstance"),
///     ReplayEvent::json(200, r#"{"RequestId":"R-2","InstanceIds":{"InstanceId":["i-1"]},"Code":0}"#)
///         .expect_param("InstanceType", "ens.sn1.small")
///         .expect_param("Quantity", "1"),
/// ]);
/// let time = ManualTime::new(); // backoff costs no real time
/// let client = Client::builder()
///     .credentials(Credentials::new("LTAI5tTestAccessKeyId000", "TestAccessKeySecret0123456789ab"))
///     .transport(replay.clone())
///     .time_source(time.clone())
///     .sleep_impl(time.clone())
///     .build()?;
///
/// let request = CreateInstanceRequest::builder()
///     .instance_type("ens.sn1.small")
///     .ens_region_id("cn-beijing-cmcc")
///     .period(1)
///     .quantity(1)
///     .password(Password::new("Edge#2024x")?)
///     .build();
/// let created = client.send(request).await?;
///
/// assert_eq!(created.instance_ids, ["i-1"]);
/// replay.assert_requests_match(); // every event used, every expectation met
/// assert_eq!(replay.requests()[1].param("Password"), Some("Edge#2024x"));
/// assert_eq!(time.sleeps().len(), 1, "one backoff before the retry");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ReplayTransport {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    events: VecDeque<ReplayEvent>,
    requests: Vec<RecordedRequest>,
    /// What each request was expected to be, by position.
    mismatches: Vec<String>,
}

/// One step of a [`ReplayTransport`]'s script: what to answer the next request, and optionally
/// what that request must be.
#[derive(Debug, Clone)]
pub struct ReplayEvent {
    answer: Answer,
    expect_action: Option<String>,
    expect_params: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
enum Answer {
    Response {
        status: u16,
        headers: Vec<(String, String)>,
        body: Bytes,
    },
    Error(TransportErrorKind, String),
}

impl ReplayEvent {
    /// Answer with `status` and `body` (`Content-Type: application/json`).
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::response(status, body.into()).header("content-type", "application/json")
    }

    /// Answer with `status` and `body` as given, no headers.
    pub fn response(status: u16, body: impl Into<Bytes>) -> Self {
        Self {
            answer: Answer::Response {
                status,
                headers: Vec::new(),
                body: body.into(),
            },
            expect_action: None,
            expect_params: Vec::new(),
        }
    }

    /// Fail the request as a transport would: [`TransportErrorKind::NotSent`] for a connection
    /// that could not be opened, [`TransportErrorKind::MayHaveBeenSent`] for one lost after
    /// sending, ...
    pub fn transport_error(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            answer: Answer::Error(kind, message.into()),
            expect_action: None,
            expect_params: Vec::new(),
        }
    }

    /// Adds a header to the answer.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        if let Answer::Response { headers, .. } = &mut self.answer {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// The request must be of `action`.
    pub fn expect_action(mut self, action: impl Into<String>) -> Self {
        self.expect_action = Some(action.into());
        self
    }

    /// The request must carry parameter `name` (in the query or the form body) with `value`.
    pub fn expect_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.expect_params.push((name.into(), value.into()));
        self
    }

    /// What `request` does not meet, if anything.
    fn mismatch(&self, request: &RecordedRequest) -> Option<String> {
        let mut problems = Vec::new();
        if let Some(action) = &self.expect_action
            && request.action() != Some(action.as_str())
        {
            problems.push(format!(
                "action {:?}, expected {action:?}",
                request.action().unwrap_or("(none)")
            ));
        }
        for (name, value) in &self.expect_params {
            // Values are not shown: they may be passwords.
            match request.param(name) {
                Some(v) if v == value => {}
                Some(_) => problems.push(format!("{name} differs from the expected value")),
                None => problems.push(format!("{name} is missing")),
            }
        }
        (!problems.is_empty()).then(|| problems.join(", "))
    }
}

impl ReplayTransport {
    /// A transport that answers with `events`, one per request, in order.
    pub fn new(events: impl IntoIterator<Item = ReplayEvent>) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                events: events.into_iter().collect(),
                ..State::default()
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// How many events are left.
    pub fn remaining(&self) -> usize {
        self.lock().events.len()
    }

    /// Panics if a request did not meet its event's expectations, or if events are left.
    #[track_caller]
    pub fn assert_requests_match(&self) {
        let state = self.lock();
        let mut problems = state.mismatches.clone();
        if !state.events.is_empty() {
            problems.push(format!(
                "{} event(s) left: the code under test sent {} request(s)",
                state.events.len(),
                state.requests.len()
            ));
        }
        assert!(
            problems.is_empty(),
            "replayed requests do not match:\n  {}",
            problems.join("\n  ")
        );
    }
}

impl fmt::Debug for ReplayTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("ReplayTransport")
            .field("remaining", &state.events.len())
            .field("received", &state.requests.len())
            .finish()
    }
}

impl HttpTransport for ReplayTransport {
    fn send(&self, request: HttpRequest) -> SendFuture<'_> {
        let recorded = RecordedRequest::from(request);
        let mut state = self.lock();
        let n = state.requests.len();
        let event = state.events.pop_front();
        if let Some(problem) = event.as_ref().and_then(|e| e.mismatch(&recorded)) {
            state.mismatches.push(format!("request {n}: {problem}"));
        }
        let action = recorded.action().unwrap_or("(none)").to_owned();
        state.requests.push(recorded);
        drop(state);
        let result = match event.map(|e| e.answer) {
            None => Err(TransportError::new(
                TransportErrorKind::Unsendable,
                format!("ReplayTransport has no answer left for request {n} ({action})"),
            )),
            Some(Answer::Error(kind, message)) => Err(TransportError::new(kind, message)),
            Some(Answer::Response {
                status,
                headers,
                body,
            }) => {
                let mut response = HttpResponse::new(status, body);
                for (name, value) in &headers {
                    response = response.with_header(name, value);
                }
                Ok(response)
            }
        };
        Box::pin(std::future::ready(result))
    }
}

/// A request as a [`ReplayTransport`] received it. Holds the real values (passwords, tokens) for
/// assertions; `Debug` shows only the action and the parameter names.
#[derive(Clone)]
pub struct RecordedRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The full URL with its query.
    pub url: String,
    /// Header names and values, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    params: Vec<(String, String)>,
}

impl RecordedRequest {
    /// The value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of parameter `name`, from the query or the form body, decoded.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every parameter, query then body, decoded, in the order sent.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The action, whichever signature carried it.
    pub fn action(&self) -> Option<&str> {
        self.param("Action").or_else(|| self.header("x-acs-action"))
    }
}

impl From<HttpRequest> for RecordedRequest {
    fn from(request: HttpRequest) -> Self {
        let query = request.url.split_once('?').map_or("", |(_, q)| q);
        let mut params = decode_pairs(query, false);
        let form = request
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        if form {
            params.extend(decode_pairs(&String::from_utf8_lossy(&request.body), true));
        }
        Self {
            method: request.method.to_owned(),
            headers: request
                .headers
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v))
                .collect(),
            url: request.url,
            body: request.body,
            params,
        }
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.params.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("action", &self.action())
            .field("params", &names)
            .finish_non_exhaustive()
    }
}

/// `a=b&c=d`, percent-decoded (`+` as a space in form bodies).
fn decode_pairs(text: &str, form: bool) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = if form {
            std::borrow::Cow::Owned(s.replace('+', " "))
        } else {
            std::borrow::Cow::Borrowed(s)
        };
        percent_encoding::percent_decode_str(&s)
            .decode_utf8_lossy()
            .into_owned()
    };
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}
