//! Runs signing vector files (feature `vectors`).
//!
//! Used by this crate's `tests/signing_vectors.rs` and `tests/acs3_vectors.rs`. Each file is JSON
//! lines; every vector records the inputs and the expected result of every stage, and a failure
//! names the vector and the *first* stage that differs, since later stages only inherit the
//! difference.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// A kind of vector file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Suite {
    /// RPC signature 1.0 (`rpc_v1.jsonl`).
    RpcV1,
    /// `ACS3-HMAC-SHA256` (`acs3_hmac_sha256.jsonl`).
    Acs3,
}

impl Suite {
    /// The environment variable that names an extra file of this kind to run.
    pub fn env_var(self) -> &'static str {
        match self {
            Suite::RpcV1 => "ENS_SIGNING_VECTORS",
            Suite::Acs3 => "ENS_ACS3_VECTORS",
        }
    }

    /// Label of the summary line.
    pub fn label(self) -> &'static str {
        match self {
            Suite::RpcV1 => "signing vectors",
            Suite::Acs3 => "acs3 vectors",
        }
    }

    /// Checks one JSON line; `Ok` carries the vector's name, `Err` says what differs.
    pub fn check_line(self, line: &str) -> Result<String, String> {
        let value: Value =
            serde_json::from_str(line).map_err(|e| format!("not valid JSON: {e}"))?;
        let v = value
            .as_object()
            .ok_or_else(|| "not a JSON object".to_owned())?;
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("<unnamed>")
            .to_owned();
        let result = match self {
            Suite::RpcV1 => check_rpc_v1(v),
            Suite::Acs3 => check_acs3(v),
        };
        result
            .map(|()| name.clone())
            .map_err(|why| format!("vector `{name}`: {why}"))
    }
}

/// Outcome of running one or more files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Vectors that matched at every stage.
    pub passed: usize,
    /// One message per failed vector or unreadable file.
    pub failures: Vec<String>,
}

impl Report {
    /// `label: N passed, M failed`.
    pub fn summary(&self, label: &str) -> String {
        format!(
            "{label}: {} passed, {} failed",
            self.passed,
            self.failures.len()
        )
    }

    fn merge(&mut self, other: Report) {
        self.passed += other.passed;
        self.failures.extend(other.failures);
    }
}

/// Runs every non-empty line of `path`.
pub fn run_file(suite: Suite, path: &Path) -> Report {
    let mut report = Report::default();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            report
                .failures
                .push(format!("{}: cannot read: {e}", path.display()));
            return report;
        }
    };
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match suite.check_line(line) {
            Ok(_) => report.passed += 1,
            Err(why) => report
                .failures
                .push(format!("{}:{}: {why}", path.display(), i + 1)),
        }
    }
    report
}

/// Runs the `default_paths` and, when [`Suite::env_var`] is set, the file it names too.
pub fn run_suite(suite: Suite, default_paths: &[&Path]) -> Report {
    let mut report = Report::default();
    for path in default_paths {
        report.merge(run_file(suite, path));
    }
    if let Some(extra) = std::env::var_os(suite.env_var()).filter(|v| !v.is_empty()) {
        report.merge(run_file(suite, &PathBuf::from(extra)));
    }
    report
}

/// The body of a vector test: runs the suite, prints every failure and the summary line, and
/// panics if anything failed or if no vector ran at all (an empty file must not pass).
pub fn assert_suite(suite: Suite, default_paths: &[&Path]) {
    let report = run_suite(suite, default_paths);
    for failure in &report.failures {
        println!("FAILED {failure}");
    }
    let summary = report.summary(suite.label());
    println!("{summary}");
    assert!(
        report.failures.is_empty(),
        "{summary}\n{}",
        report.failures.join("\n")
    );
    assert!(
        report.passed > 0,
        "{summary}: no vectors in {default_paths:?}"
    );
}

fn check_rpc_v1(v: &Map<String, Value>) -> Result<(), String> {
    let params = string_map(v, "params")?;
    let sig = crate::rpc_v1::sign(str_field(v, "method")?, params, str_field(v, "secret")?);
    compare(
        v,
        &[
            ("canonicalized_query", &sig.canonicalized_query),
            ("string_to_sign", &sig.string_to_sign),
            ("signature", &sig.signature),
        ],
    )
}

fn check_acs3(v: &Map<String, Value>) -> Result<(), String> {
    let sig = crate::acs3::sign(
        str_field(v, "method")?,
        str_field(v, "pathname")?,
        string_map(v, "query")?,
        string_map(v, "headers_signed")?,
        str_field(v, "body")?.as_bytes(),
        str_field(v, "access_key_id")?,
        str_field(v, "access_key_secret")?,
    );
    compare(
        v,
        &[
            ("hashed_request_payload", sig.hashed_request_payload()),
            ("canonical_query_string", sig.canonical_query_string()),
            ("canonical_headers", sig.canonical_headers()),
            ("signed_headers", sig.signed_headers()),
            ("canonical_request", &sig.canonical_request),
            ("string_to_sign", &sig.string_to_sign),
            ("signature", &sig.signature),
            ("authorization", &sig.authorization),
        ],
    )
}

/// Compares stages in order and describes the first that differs.
fn compare(v: &Map<String, Value>, stages: &[(&str, &str)]) -> Result<(), String> {
    for &(stage, actual) in stages {
        let expected = str_field(v, stage)?;
        if expected != actual {
            let at = expected
                .bytes()
                .zip(actual.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(expected.len().min(actual.len()));
            let mut msg = format!("stage `{stage}` differs (first difference at byte {at})");
            let _ = write!(
                msg,
                "\n    expected: {expected:?}\n    actual:   {actual:?}"
            );
            return Err(msg);
        }
    }
    Ok(())
}

fn str_field<'a>(v: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("field `{key}` is missing or not a string"))
}

fn string_map<'a>(v: &'a Map<String, Value>, key: &str) -> Result<Vec<(&'a str, &'a str)>, String> {
    let map = v
        .get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("field `{key}` is missing or not an object"))?;
    map.iter()
        .map(|(k, val)| {
            val.as_str()
                .map(|s| (k.as_str(), s))
                .ok_or_else(|| format!("`{key}.{k}` is not a string"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RPC: &str = r#"{"name": "doc", "method": "GET", "params": {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}, "secret": "testsecret", "signature": "OLeaidS1JvxuMvnyHOwuJ+uX5qY=", "canonicalized_query": "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26", "string_to_sign": "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"}"#;

    #[test]
    fn a_good_vector_passes() {
        assert_eq!(Suite::RpcV1.check_line(RPC), Ok("doc".to_owned()));
    }

    #[test]
    fn the_first_differing_stage_is_named() {
        let bad_sig = RPC.replace("OLeaidS1", "XLeaidS1");
        let msg = Suite::RpcV1
            .check_line(&bad_sig)
            .expect_err("signature differs");
        assert!(
            msg.starts_with("vector `doc`: stage `signature` differs (first difference at byte 0)"),
            "{msg}"
        );
        assert!(
            msg.contains("expected: \"XLeaidS1") && msg.contains("actual:   \"OLeaidS1"),
            "{msg}"
        );

        // Changing an input makes every stage differ; only the first is reported.
        let bad_input = RPC.replace("\"Format\": \"XML\"", "\"Format\": \"JSON\"");
        let msg = Suite::RpcV1
            .check_line(&bad_input)
            .expect_err("input differs");
        assert!(msg.contains("stage `canonicalized_query` differs"), "{msg}");
        assert!(!msg.contains("stage `signature`"), "{msg}");
    }

    #[test]
    fn broken_lines_fail_with_a_reason() {
        assert!(Suite::RpcV1.check_line("{").is_err());
        let msg = Suite::Acs3.check_line(RPC).expect_err("wrong suite");
        assert!(msg.contains("field `pathname` is missing"), "{msg}");
    }

    #[test]
    fn report_counts_and_unreadable_files() {
        let r = run_file(
            Suite::RpcV1,
            Path::new("/nonexistent/ens-auth/vectors.jsonl"),
        );
        assert_eq!(r.passed, 0);
        assert_eq!(r.failures.len(), 1);
        assert_eq!(
            r.summary("signing vectors"),
            "signing vectors: 0 passed, 1 failed"
        );
    }
}
