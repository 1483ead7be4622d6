//! Runs JSON-lines validation cases (format: `tests/data/README.md`) through `from_params` and
//! `validate`: `tests/data/create_instance.jsonl` (the shared cases), `create_instance_more.jsonl`
//! (ours), plus the file named by `ENS_VALIDATION_CASES`.
//!
//! `ENS_VALIDATION_CASES=path cargo test -p ens-client --test validation_cases`

use ens_client::core::Params;
use ens_client::core::serde::Deserialize;

#[derive(Deserialize)]
#[serde(crate = "ens_client::core::serde")]
struct Case {
    name: String,
    operation: String,
    params: Params,
    valid: bool,
    #[serde(default)]
    violations: Vec<String>,
    #[serde(default)]
    all: bool,
}

/// `Ok` when the case holds; otherwise what was expected and what was reported.
fn run(case: &Case) -> Result<(), String> {
    let Some(outcome) = ens_client::check_params(&case.operation, &case.params) else {
        return Err(format!("no generated operation named {:?}", case.operation));
    };
    match (case.valid, outcome) {
        (true, Ok(())) => Ok(()),
        (true, Err(v)) => Err(format!("expected valid, reported: {v}")),
        (false, Ok(())) => Err(format!(
            "expected violations of {:?}, reported none",
            case.violations
        )),
        (false, Err(v)) => {
            let reported = v.parameters();
            let named = |p: &String| reported.contains(&p.as_str());
            let ok = if case.all {
                case.violations.iter().all(named)
            } else {
                case.violations.is_empty() || case.violations.iter().any(named)
            };
            let want = if case.all { "all of" } else { "one of" };
            ok.then_some(()).ok_or_else(|| {
                format!(
                    "expected {want} {:?}, reported {reported:?} ({v})",
                    case.violations
                )
            })
        }
    }
}

fn load(path: &str) -> Vec<(String, Result<Case, String>)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let at = format!("{path}:{}", i + 1);
            (
                at,
                ens_client::core::serde_json::from_str(line)
                    .map_err(|e| format!("unreadable case: {e}")),
            )
        })
        .collect()
}

#[test]
fn validation_cases() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut files = vec![
        format!("{data}/create_instance.jsonl"),
        format!("{data}/create_instance_more.jsonl"),
        format!("{data}/run_instances.jsonl"),
        format!("{data}/instance_forms.jsonl"),
    ];
    if let Ok(extra) = std::env::var("ENS_VALIDATION_CASES") {
        files.push(extra);
    }
    let (mut passed, mut failed) = (0, 0);
    for file in &files {
        for (at, case) in load(file) {
            let result = case.and_then(|c| run(&c).map_err(|e| format!("{:?}: {e}", c.name)));
            match result {
                Ok(()) => passed += 1,
                Err(e) => {
                    failed += 1;
                    println!("FAILED {at}: {e}");
                }
            }
        }
    }
    println!("validation cases: {passed} passed, {failed} failed");
    assert!(passed > 0, "no validation case was run");
    assert_eq!(failed, 0, "{failed} validation case(s) failed; see above");
}
