//! Every spec under `specs/` obeys `specs/spec.schema.json`, and the schema rejects what serde
//! would reject (unknown keys, wrong types).

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

const SCHEMA_FILE: &str = "spec.schema.json";

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("specs")
}

/// The compiled schema.
struct Checker {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Checker {
    fn new() -> Self {
        let path = specs_dir().join(SCHEMA_FILE);
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let schema: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        let url = format!("file:///specs/{SCHEMA_FILE}");
        let mut compiler = boon::Compiler::new();
        let mut schemas = boon::Schemas::new();
        compiler
            .add_resource(&url, schema)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // Compiling also checks the schema against the draft 2020-12 metaschema.
        let index = compiler
            .compile(&url, &mut schemas)
            .unwrap_or_else(|e| panic!("{} is not a valid schema: {e:#}", path.display()));
        Checker { schemas, index }
    }

    /// One line per error: the JSON path (a JSON pointer; empty for the document) and the message.
    fn errors(&self, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        if let Err(error) = self.schemas.validate(value, self.index) {
            collect_leaves(&error, &mut out);
        }
        out
    }
}

/// The innermost errors are the real ones; the outer ones only say "validation failed".
fn collect_leaves(error: &boon::ValidationError<'_, '_>, out: &mut Vec<String>) {
    if error.causes.is_empty() {
        let path = error.instance_location.to_string();
        let path = if path.is_empty() {
            "/".to_owned()
        } else {
            path
        };
        out.push(format!("{path}: {}", error.kind));
    } else {
        for cause in &error.causes {
            collect_leaves(cause, out);
        }
    }
}

fn spec_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            // Alibaba's metadata, kept for `cargo xtask import`, is not in our format.
            if path.file_name().is_some_and(|n| n == "metadata") {
                continue;
            }
            spec_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json")
            && !path.to_string_lossy().ends_with(".schema.json")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_spec_obeys_the_schema() {
    let checker = Checker::new();
    let root = specs_dir();
    let mut files = Vec::new();
    spec_files(&root, &mut files);
    files.sort();
    assert!(
        files.iter().any(|f| f.ends_with("service.json")),
        "no service.json found under {}",
        root.display()
    );
    assert!(
        files
            .iter()
            .any(|f| f.parent().is_some_and(|p| p.ends_with("operations"))),
        "no operation spec found under {}",
        root.display()
    );

    let mut failures = Vec::new();
    for file in &files {
        let shown = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        let text = match fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("specs/{shown}: cannot read: {e}"));
                continue;
            }
        };
        let value: Value = match serde_json::from_str(&text) {
            Ok(value) => value,
            Err(e) => {
                failures.push(format!("specs/{shown}: not JSON: {e}"));
                continue;
            }
        };
        for error in checker.errors(&value) {
            failures.push(format!("specs/{shown}: {error}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} schema error(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn small_operation() -> Value {
    json!({
        "operation": "DescribeThing",
        "version": "2017-11-10",
        "summary": "Describes a thing.",
        "method": "POST",
        "readOnly": true,
        "parameters": [
            {
                "name": "Name",
                "type": "string",
                "constraints": [{ "length": { "min": 2, "max": 8 } }]
            },
            { "name": "Verbose", "type": "boolean", "literals": ["True", "False"] }
        ],
        "response": [{ "name": "RequestId", "type": "string" }]
    })
}

fn small_service() -> Value {
    json!({
        "product": "Ens",
        "version": "2017-11-10",
        "style": "RPC",
        "defaultEndpoint": "ens.aliyuncs.com",
        "endpoints": [{ "regionId": "cn-hangzhou", "host": "ens.aliyuncs.com" }],
        "commonErrors": ["Throttling"]
    })
}

fn small_catalog() -> Value {
    json!({
        "codes": [
            { "httpStatus": 400, "code": "Throttling", "message": "m", "retry": "throttling" }
        ]
    })
}

fn small_shape() -> Value {
    json!({
        "shape": "Password",
        "type": "string",
        "secret": true,
        "constraints": [{ "length": { "min": 8, "max": 30 } }]
    })
}

/// Asserts that the spec is rejected with an error at `path` whose message contains `needle`.
fn assert_rejected(checker: &Checker, spec: &Value, path: &str, needle: &str) {
    let errors = checker.errors(spec);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(&format!("{path}: ")) && e.contains(needle)),
        "expected an error at {path} mentioning {needle:?}, got {errors:#?}"
    );
}

#[test]
fn the_small_specs_are_accepted() {
    let checker = Checker::new();
    assert_eq!(checker.errors(&small_operation()), Vec::<String>::new());
    assert_eq!(checker.errors(&small_service()), Vec::<String>::new());
    assert_eq!(checker.errors(&small_catalog()), Vec::<String>::new());
    assert_eq!(checker.errors(&small_shape()), Vec::<String>::new());
}

/// The committed schema is the one the spec model derives (`cargo xtask regen` writes it).
#[test]
fn the_schema_is_derived_from_the_spec_model() {
    let committed = fs::read_to_string(specs_dir().join(SCHEMA_FILE)).unwrap_or_default();
    assert!(
        committed == ens_codegen::schema::spec_schema(),
        "specs/{SCHEMA_FILE} is stale: run `cargo xtask regen`"
    );
}

#[test]
fn unknown_keys_are_rejected() {
    let checker = Checker::new();

    let mut spec = small_operation();
    spec["readonly"] = json!(true);
    assert_rejected(&checker, &spec, "/", "readonly");

    let mut spec = small_operation();
    spec["parameters"][0]["maxLength"] = json!(8);
    assert_rejected(&checker, &spec, "/parameters/0", "maxLength");

    let mut spec = small_operation();
    spec["parameters"][0]["constraints"][0] = json!({ "maxLength": 8 });
    assert_rejected(&checker, &spec, "/parameters/0/constraints/0", "maxLength");

    let mut spec = small_service();
    spec["endpoint"] = json!("ens.aliyuncs.com");
    assert_rejected(&checker, &spec, "/", "endpoint");
}

#[test]
fn wrong_types_are_rejected() {
    let checker = Checker::new();

    let mut spec = small_operation();
    spec["readOnly"] = json!("yes");
    assert_rejected(&checker, &spec, "/readOnly", "boolean");

    let mut spec = small_operation();
    spec["parameters"][0]["type"] = json!("text");
    assert_rejected(&checker, &spec, "/parameters/0/type", "string");

    let mut spec = small_operation();
    spec["parameters"][0]["constraints"][0] = json!({ "length": { "min": "2" } });
    assert_rejected(
        &checker,
        &spec,
        "/parameters/0/constraints/0/length/min",
        "integer",
    );

    let mut spec = small_catalog();
    spec["codes"][0]["retry"] = json!("always");
    assert_rejected(&checker, &spec, "/codes/0/retry", "throttling");

    let mut spec = small_shape();
    spec["type"] = json!("timestamp");
    assert_rejected(&checker, &spec, "/type", "structure");
}

#[test]
fn misplaced_shape_keys_are_rejected() {
    let checker = Checker::new();

    // `literals` belongs to booleans, not strings.
    let mut spec = small_operation();
    spec["parameters"][0]["literals"] = json!(["yes", "no"]);
    assert_rejected(&checker, &spec, "/parameters/0/literals", "false schema");

    // `constraints` belong to strings and numbers, not booleans.
    let mut spec = small_operation();
    spec["parameters"][1]["constraints"] = json!([{ "notAllDigits": true }]);
    assert_rejected(&checker, &spec, "/parameters/1/constraints", "false schema");

    // A use of a shape says nothing about the type: the shape does.
    let mut spec = small_operation();
    spec["parameters"][0] = json!({ "name": "Password", "shape": "Password", "secret": true });
    assert_rejected(&checker, &spec, "/parameters/0/secret", "false schema");

    // `type` or `shape`, not both, not neither.
    let mut spec = small_operation();
    spec["parameters"][0]["shape"] = json!("Password");
    assert_rejected(&checker, &spec, "/parameters/0", "oneOf");

    // A shape's keys belong to its type too.
    let mut spec = small_shape();
    spec["values"] = json!([{ "value": "a" }]);
    assert_rejected(&checker, &spec, "/values", "false schema");

    // A constraint is one key.
    let mut spec = small_operation();
    spec["parameters"][0]["constraints"][0] =
        json!({ "length": { "min": 2 }, "notAllDigits": true });
    assert_rejected(
        &checker,
        &spec,
        "/parameters/0/constraints/0",
        "'length', 'notAllDigits' not allowed",
    );
}
