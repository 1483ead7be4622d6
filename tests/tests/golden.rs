//! The macro's expansion and the committed generated code are the same code.
//!
//! Two checks: (1) the generator's output for every spec, formatted as `cargo xtask regen`
//! formats it, equals the committed file byte for byte; (2) the types the proc macro expands
//! from the spec behave exactly like the committed ones (wire parameters, validation, errors).

#![allow(clippy::unwrap_used)] // a test that cannot read its fixtures should stop right there

use ens_client::core::{Operation, OperationError, Params};

mod via_macro {
    ens_macros::operation!("../specs/ens/operations/CreateInstance.json");
}

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn committed_code_is_what_the_generator_gives() {
    let dir = root().join("specs/ens/operations");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let display = format!("specs/ens/operations/{stem}.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let tokens = ens_codegen::operation(&display, &text).unwrap();
        let expected =
            ens_codegen::render(&ens_codegen::regen_header(&display), tokens, &display).unwrap();
        let module = ens_codegen::module_name(&stem);
        let committed_path = root().join(format!("ens-client/src/generated/{module}.rs"));
        let committed = std::fs::read_to_string(&committed_path).unwrap();
        assert!(
            expected == committed,
            "{} is stale: run `cargo xtask regen`",
            committed_path.display()
        );
        checked += 1;
    }
    assert!(checked > 0);
}

fn cases() -> Vec<Params> {
    let text = std::fs::read_to_string(root().join("ens-client/tests/data/create_instance.jsonl"))
        .unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            serde_json::from_value(v["params"].clone()).unwrap()
        })
        .collect()
}

#[test]
fn macro_types_behave_like_committed_types() {
    use ens_client::CreateInstanceRequest as Committed;
    use via_macro::CreateInstanceRequest as Expanded;

    assert_eq!(
        format!("{:?}", Committed::SPEC),
        format!("{:?}", Expanded::SPEC)
    );
    let cases = cases();
    assert!(cases.len() > 10);
    for params in &cases {
        let a = Committed::from_params(params).map(|r| (r.to_params(), r.validate()));
        let b = Expanded::from_params(params).map(|r| (r.to_params(), r.validate()));
        assert_eq!(
            a, b,
            "the macro and the committed code disagree on {params:?}"
        );
    }
    for code in [
        "StockNotEnough",
        "InvalidParameter.Foo",
        "Throttling",
        "Nope.Unknown",
    ] {
        let a = ens_client::CreateInstanceError::from_code(code, "m");
        let b = via_macro::CreateInstanceError::from_code(code, "m");
        assert_eq!(
            (a.code(), a.message(), a.http_status()),
            (b.code(), b.message(), b.http_status())
        );
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}
