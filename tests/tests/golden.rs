//! The macro's expansion and the committed generated code are the same code.
//!
//! Two checks: (1) the generator's output for the service, formatted as `cargo xtask regen`
//! formats it, equals the committed files byte for byte (every file, `mod.rs` included, and no
//! other file); (2) the types the proc macro expands from the specs behave exactly like the
//! committed ones (wire parameters, validation, errors).

#![allow(clippy::unwrap_used)] // a test that cannot read its fixtures should stop right there

use ens_client::core::{Operation, OperationError, Params};

mod via_macro {
    ens_macros::operation!("../../specs/ens/operations/CreateInstance.json");
}

mod two {
    ens_macros::service! {
        path: "../../specs/ens",
        operations: [CreateInstance, DescribeInstances],
        runtime: ::ens_client,
    }
}

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn committed_code_is_what_the_generator_gives() {
    let source =
        ens_codegen::ServiceSource::read_dir(&root().join("specs/ens"), "specs/ens").unwrap();
    let model = ens_codegen::Model::load(&source, ens_codegen::Selection::All).unwrap();
    let generated = ens_codegen::generate(&model, &ens_codegen::Settings::regen()).unwrap();
    let dir = root().join("ens-client/src/generated");
    let mut expected = vec![(
        "mod.rs".to_owned(),
        ens_codegen::render(
            &ens_codegen::regen_header("specs/ens/"),
            generated.mod_rs(),
            "mod.rs",
        )
        .unwrap(),
    )];
    for module in &generated.modules {
        let header = ens_codegen::regen_header(&module.source);
        let code = ens_codegen::render(&header, module.tokens.clone(), &module.source).unwrap();
        expected.push((format!("{}.rs", module.name), code));
    }
    for (name, code) in &expected {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            *code == committed,
            "{}/{name} is stale: run `cargo xtask regen`",
            dir.display()
        );
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut names: Vec<String> = expected.into_iter().map(|(n, _)| n).collect();
    names.sort();
    assert_eq!(on_disk, names, "generated files without a spec");
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
    assert_eq!(
        format!("{:?}", Committed::SPEC),
        format!("{:?}", two::CreateInstanceRequest::SPEC)
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
        assert_eq!((a.code(), a.http_status()), (b.code(), b.http_status()));
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}

/// Chosen operations get the shapes and codes they use, and no others.
#[test]
fn chosen_operations_bring_what_they_use() {
    let committed = ens_client::ErrorCode::ALL.len();
    let chosen = two::ErrorCode::ALL.len();
    assert!(chosen < committed, "{chosen} of {committed} codes");
    assert!(two::ErrorCode::from_code("StockNotEnough").is_some());
    assert!(two::check_params("CreateInstance", &Params::new()).is_some());
    assert!(two::check_params("StopInstance", &Params::new()).is_none());
}
