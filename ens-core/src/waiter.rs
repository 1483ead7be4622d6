//! Waiters as data: what a spec's `waiters` say (acceptors on the answers of an operation that
//! reads a resource), and the decision each poll's outcome leads to. The polling loop is the
//! runtime's; generated code writes one [`Waiter`] per spec waiter.

use crate::Operation;
use std::time::Duration;

/// What a poll's outcome means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitState {
    /// Done: the resource is in the state waited for.
    Success,
    /// Done: it never will be (a terminal failure state, or an error code that says so).
    Failure,
    /// Poll again.
    Retry,
}

/// How an acceptor compares the values at its path with what it expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// There is exactly one value, and it is the one expected.
    Equals,
    /// There is at least one value, and every one is the one expected.
    AllEqual,
    /// Some value is the one expected.
    AnyEquals,
}

impl Comparator {
    /// Whether `values` match `expected`.
    pub fn matches(self, values: &[String], expected: &str) -> bool {
        match self {
            Comparator::Equals => matches!(values, [one] if one == expected),
            Comparator::AllEqual => !values.is_empty() && values.iter().all(|v| v == expected),
            Comparator::AnyEquals => values.iter().any(|v| v == expected),
        }
    }
}

/// What an acceptor looks at.
pub enum Matcher<O: Operation> {
    /// The values at a path of the answer (`Instances.Status`: every instance's status).
    Path {
        /// The path, as the spec writes it.
        path: &'static str,
        /// The values there, as text.
        values: fn(&O::Response) -> Vec<String>,
        /// The value expected.
        expected: &'static str,
        /// How the values are compared with it.
        comparator: Comparator,
    },
    /// The poll was answered with this error code.
    ErrorCode(&'static str),
}

impl<O: Operation> std::fmt::Debug for Matcher<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Matcher::Path {
                path,
                expected,
                comparator,
                ..
            } => write!(f, "{path} {comparator:?} {expected:?}"),
            Matcher::ErrorCode(code) => write!(f, "error code {code}"),
        }
    }
}

/// One outcome of a poll: when its matcher matches, the wait is in `state`.
#[derive(Debug)]
pub struct Acceptor<O: Operation> {
    /// What a match means.
    pub state: WaitState,
    /// What it looks at.
    pub matcher: Matcher<O>,
}

/// A waiter: polls the operation `O` with one request until an acceptor decides.
#[derive(Debug)]
pub struct Waiter<O: Operation> {
    /// The spec's name (`InstanceRunning`).
    pub name: &'static str,
    /// What it waits for.
    pub description: &'static str,
    /// The least pause between polls the spec asks for.
    pub min_delay: Option<Duration>,
    /// The longest pause between polls the spec suggests.
    pub max_delay: Option<Duration>,
    /// Tried in order on each outcome; the first that matches decides.
    pub acceptors: &'static [Acceptor<O>],
    /// When the spec says which ids a request asks about: whether the answer lists every one of
    /// them. Until it does, no acceptor of an answer decides success (a resource just created
    /// may not be listed yet, and "all of them are Running" must not hold for the ones listed
    /// only).
    pub lists_every_id: Option<fn(&O, &O::Response) -> bool>,
}

impl<O: Operation> Waiter<O> {
    /// What the answer `response` to `request` decides; `None`: no acceptor matched (poll again).
    pub fn decide(&self, request: &O, response: &O::Response) -> Option<&Acceptor<O>> {
        let complete = self.lists_every_id.is_none_or(|f| f(request, response));
        self.acceptors.iter().find(|a| match &a.matcher {
            Matcher::Path {
                values,
                expected,
                comparator,
                ..
            } => {
                (complete || a.state != WaitState::Success)
                    && comparator.matches(&values(response), expected)
            }
            Matcher::ErrorCode(_) => false,
        })
    }

    /// What a poll answered with the error `code` decides; `None`: the error ends the wait.
    pub fn decide_error(&self, code: &str) -> Option<&Acceptor<O>> {
        self.acceptors
            .iter()
            .find(|a| matches!(a.matcher, Matcher::ErrorCode(c) if c == code))
    }
}

/// Whether every id in `asked` is among `listed` (for generated `lists_every_id`).
pub fn lists_every_id<'a>(
    asked: impl IntoIterator<Item = &'a String>,
    listed: impl IntoIterator<Item = &'a String>,
) -> bool {
    let listed: Vec<&String> = listed.into_iter().collect();
    asked.into_iter().all(|id| listed.contains(&id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OperationSpec, Params, Violations};

    /// A stand-in operation whose answer is a list of (id, status).
    #[derive(Debug, Clone)]
    struct Probe(Vec<String>);

    #[derive(Debug, serde::Deserialize)]
    struct Answer(Vec<(String, String)>);

    #[derive(Debug)]
    struct NoError;

    impl std::fmt::Display for NoError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("none")
        }
    }
    impl std::error::Error for NoError {}
    impl crate::OperationError for NoError {
        fn from_code(_: &str, _: &str) -> Self {
            NoError
        }
        fn code(&self) -> &str {
            ""
        }
        fn http_status(&self) -> Option<u16> {
            None
        }
    }

    static SPEC: OperationSpec = OperationSpec {
        action: "Probe",
        version: "v",
        method: "POST",
        rate_limit_per_second: None,
        read_only: true,
        params: &[],
        cross_rules: &[],
        answer_requires: &[],
    };

    impl Operation for Probe {
        type Response = Answer;
        type Error = NoError;
        const SPEC: &'static OperationSpec = &SPEC;
        fn to_params(&self) -> Params {
            Params::new()
        }
        fn from_params(_: &Params) -> Result<Self, Violations> {
            Ok(Probe(Vec::new()))
        }
    }

    static RUNNING: Waiter<Probe> = Waiter {
        name: "Running",
        description: "every one running",
        min_delay: None,
        max_delay: None,
        acceptors: &[
            Acceptor {
                state: WaitState::Success,
                matcher: Matcher::Path {
                    path: "Status",
                    values: |a| a.0.iter().map(|(_, s)| s.clone()).collect(),
                    expected: "Running",
                    comparator: Comparator::AllEqual,
                },
            },
            Acceptor {
                state: WaitState::Failure,
                matcher: Matcher::Path {
                    path: "Status",
                    values: |a| a.0.iter().map(|(_, s)| s.clone()).collect(),
                    expected: "Expired",
                    comparator: Comparator::AnyEquals,
                },
            },
            Acceptor {
                state: WaitState::Retry,
                matcher: Matcher::ErrorCode("NotFound.Yet"),
            },
        ],
        lists_every_id: Some(|request, answer| {
            lists_every_id(&request.0, answer.0.iter().map(|(id, _)| id))
        }),
    };

    fn answer(pairs: &[(&str, &str)]) -> Answer {
        Answer(
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        )
    }

    #[test]
    fn comparators() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(Comparator::Equals.matches(&v(&["a"]), "a"));
        assert!(!Comparator::Equals.matches(&v(&["a", "a"]), "a"));
        assert!(Comparator::AllEqual.matches(&v(&["a", "a"]), "a"));
        assert!(
            !Comparator::AllEqual.matches(&v(&[]), "a"),
            "none is not all"
        );
        assert!(!Comparator::AllEqual.matches(&v(&["a", "b"]), "a"));
        assert!(Comparator::AnyEquals.matches(&v(&["b", "a"]), "a"));
        assert!(!Comparator::AnyEquals.matches(&v(&[]), "a"));
    }

    #[test]
    fn the_first_matching_acceptor_decides_and_success_waits_for_every_id() {
        let asked = Probe(vec!["i-1".into(), "i-2".into()]);
        let state =
            |pairs: &[(&str, &str)]| RUNNING.decide(&asked, &answer(pairs)).map(|a| a.state);
        assert_eq!(
            state(&[("i-1", "Running"), ("i-2", "Running")]),
            Some(WaitState::Success)
        );
        assert_eq!(state(&[("i-1", "Running"), ("i-2", "Pending")]), None);
        // Only one of the two listed so far: not a success yet.
        assert_eq!(state(&[("i-1", "Running")]), None);
        // A failure needs no complete list.
        assert_eq!(state(&[("i-1", "Expired")]), Some(WaitState::Failure));
        assert_eq!(
            RUNNING.decide_error("NotFound.Yet").map(|a| a.state),
            Some(WaitState::Retry)
        );
        assert!(RUNNING.decide_error("Other").is_none());
        assert_eq!(
            format!("{:?}", RUNNING.acceptors[0].matcher),
            "Status AllEqual \"Running\""
        );
    }
}
