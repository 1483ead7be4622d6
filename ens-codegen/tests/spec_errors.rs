//! A malformed spec gives an error naming the file, the JSON path and the fault, never a panic.

use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "operation": "Ping",
        "version": "2017-11-10",
        "summary": "s",
        "method": "POST",
        "readOnly": true,
        "parameters": [
            { "name": "Target", "type": "string" },
            { "name": "Count", "type": "integer" }
        ],
        "response": [ { "name": "RequestId", "type": "string" } ],
        "errors": [ { "code": "Bad.Thing" } ]
    })
}

/// A small service: one common code, one operation code, and `catalog`'s extra codes.
fn service_with(codes: Value) -> ens_codegen::ServiceSource {
    let service = json!({
        "product": "Ens", "version": "2017-11-10", "style": "RPC",
        "defaultEndpoint": "ens.aliyuncs.com", "endpoints": [],
        "commonErrors": ["Throttling"]
    });
    let mut all = vec![
        json!({ "code": "Throttling", "httpStatus": 400, "message": "slow down", "retry": "throttling" }),
        json!({ "code": "Bad.Thing", "httpStatus": 400, "message": "m" }),
    ];
    all.extend(codes.as_array().cloned().unwrap_or_default());
    ens_codegen::ServiceSource {
        service: ("specs/service.json".into(), service.to_string()),
        errors: (
            "specs/errors.json".into(),
            json!({ "codes": all }).to_string(),
        ),
        shapes: Vec::new(),
        operations: Vec::new(),
    }
}

fn generate(spec: &str) -> Result<proc_macro2::TokenStream, ens_codegen::SpecError> {
    ens_codegen::operation_module(&service_with(json!([])), "specs/Ping.json", spec)
}

fn error_of(spec: &Value) -> ens_codegen::SpecError {
    generate(&spec.to_string()).expect_err("spec should be rejected")
}

#[test]
fn faults_are_named_with_their_json_path() {
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        (
            "unknown type",
            |s| s["parameters"][1]["type"] = json!("timestamp"),
            "/parameters/1/type",
            "unknown variant `timestamp`",
        ),
        (
            "unknown key",
            |s| s["parameters"][0]["requried"] = json!(true),
            "/parameters/0/requried",
            "unknown field `requried`",
        ),
        (
            "missing key",
            |s| {
                s.as_object_mut().unwrap().remove("version");
            },
            "",
            "missing field `version`",
        ),
        (
            "numeric rule on text",
            |s| s["parameters"][0]["constraints"] = json!([{ "range": { "min": 1 } }]),
            "/parameters/0/constraints/0",
            "numeric rule on text",
        ),
        (
            "rule of the wrong shape",
            |s| s["parameters"][1]["constraints"] = json!([{ "oneOf": 3 }]),
            "/parameters/1/constraints/0/oneOf",
            "invalid type",
        ),
        (
            "min above max",
            |s| s["parameters"][1]["constraints"] = json!([{ "range": { "min": 5, "max": 1 } }]),
            "/parameters/1/constraints/0",
            "min 5 is above max 1",
        ),
        (
            "misplaced literals",
            |s| s["parameters"][0]["literals"] = json!(["Y", "N"]),
            "/parameters/0/literals",
            "belongs to `type: boolean`",
        ),
        (
            "enum without values",
            |s| {
                s["parameters"][0] =
                    json!({ "name": "Kind", "type": "enum", "enumName": "Kind", "values": [] })
            },
            "/parameters/0/values",
            "at least one value",
        ),
        (
            "enum value with no Rust name",
            |s| s["parameters"][0] = json!({ "name": "Kind", "type": "enum", "enumName": "Kind", "values": [{ "value": "95th" }] }),
            "/parameters/0/values/0/variant",
            "set `variant`",
        ),
        (
            "duplicate parameter",
            |s| s["parameters"][1]["name"] = json!("Target"),
            "/parameters/1/name",
            "listed twice",
        ),
        (
            "field name that is not an identifier",
            |s| s["parameters"][0]["name"] = json!("9Lives"),
            "/parameters/0/rustName",
            "not a valid Rust identifier",
        ),
        (
            "cross rule on an unknown parameter",
            |s| {
                s["rules"] =
                    json!([{ "requiredWhen": { "param": "Nope", "when": { "param": "Target" } } }])
            },
            "/rules/0/requiredWhen/param",
            "not a parameter",
        ),
        (
            "a code the catalog lacks",
            |s| s["errors"][0]["code"] = json!("Nope.Nope"),
            "/errors/0/code",
            "not defined in errors.json",
        ),
        (
            "a common code listed again",
            |s| s["errors"][0]["code"] = json!("Throttling"),
            "/errors/0/code",
            "common code",
        ),
        (
            "an override that says what the catalog says",
            |s| s["errors"][0]["message"] = json!("m"),
            "/errors/0/message",
            "the same message",
        ),
        (
            "a code listed twice",
            |s| {
                s["errors"] =
                    json!([{ "code": "Bad.Thing" }, { "code": "Bad.Thing", "message": "n" }])
            },
            "/errors/1/code",
            "listed twice",
        ),
        (
            "a shape that does not exist",
            |s| s["parameters"][0] = json!({ "name": "Password", "shape": "Password" }),
            "/parameters/0/shape",
            "no shape `Password`",
        ),
        (
            "type and shape together",
            |s| s["parameters"][0]["shape"] = json!("Password"),
            "/parameters/0/shape",
            "not both",
        ),
        (
            "neither type nor shape",
            |s| {
                s["parameters"][0].as_object_mut().unwrap().remove("type");
            },
            "/parameters/0",
            "needs a `type`",
        ),
        (
            "list without items",
            |s| {
                s["parameters"][0] = json!({ "name": "Ids", "type": "list", "style": "repeatList" })
            },
            "/parameters/0",
            "needs `items`",
        ),
        (
            "object without fields",
            |s| {
                s["parameters"][0] =
                    json!({ "name": "Disk", "type": "object", "structName": "Disk", "fields": [] })
            },
            "/parameters/0/fields",
            "at least one field",
        ),
        (
            "a list inside a flat object",
            |s| s["parameters"][0] = json!({ "name": "Disk", "type": "object", "style": "flat", "fields": [{ "name": "Ids", "type": "list", "style": "json", "items": { "type": "string" } }] }),
            "/parameters/0/fields/0/type",
            "send the object as JSON",
        ),
        (
            "object in a simple list",
            |s| s["parameters"][0] = json!({ "name": "Disk", "type": "list", "style": "simple", "items": { "type": "object", "fields": [{ "name": "Size", "type": "integer" }] } }),
            "/parameters/0/style",
            "`repeatList` (`Name.1.Field`) or as `json`",
        ),
        (
            "map without values",
            |s| s["parameters"][0] = json!({ "name": "Labels", "type": "map", "style": "json" }),
            "/parameters/0",
            "needs `valuesOf`",
        ),
        (
            "flat map of objects",
            |s| s["parameters"][0] = json!({ "name": "Labels", "type": "map", "style": "flat", "valuesOf": { "type": "object", "fields": [{ "name": "A", "type": "string" }] } }),
            "/parameters/0/valuesOf/type",
            "send it as `json`",
        ),
        (
            "sendEmpty on a repeated list",
            |s| s["parameters"][0] = json!({ "name": "Ids", "type": "list", "style": "repeatList", "sendEmpty": true, "items": { "type": "string" } }),
            "/parameters/0/sendEmpty",
            "only a list sent as JSON",
        ),
        (
            "separator on a JSON list",
            |s| s["parameters"][0] = json!({ "name": "Ids", "type": "list", "style": "json", "separator": ";", "items": { "type": "string" } }),
            "/parameters/0/separator",
            "belongs to a `simple` list",
        ),
        (
            "empty separator",
            |s| s["parameters"][0] = json!({ "name": "Ids", "type": "list", "style": "simple", "separator": "", "items": { "type": "string" } }),
            "/parameters/0/separator",
            "cannot be empty",
        ),
        (
            "pattern outside the dialect",
            |s| s["parameters"][0]["constraints"] = json!([{ "pattern": "(a" }]),
            "/parameters/0/constraints/0",
            "outside the dialect",
        ),
        (
            "pattern on a number",
            |s| s["parameters"][1]["constraints"] = json!([{ "pattern": "a" }]),
            "/parameters/1/constraints/0",
            "a text rule on a number",
        ),
        (
            "duplicate type name",
            |s| s["response"] = json!([{ "name": "PingRequest", "type": "object", "fields": [] }]),
            "/response/0/structName",
            "used twice",
        ),
        (
            "type name hiding a standard one",
            |s| s["response"] = json!([{ "name": "Result", "type": "object", "fields": [] }]),
            "/response/0/structName",
            "would hide the standard `Result`",
        ),
        (
            "equals and in together",
            |s| s["rules"] = json!([{ "requiredWhen": { "param": "Count", "when": { "param": "Target", "equals": "a", "in": ["b"] } } }]),
            "/rules/0/requiredWhen/when",
            "not both",
        ),
        (
            "atLeastOne of one",
            |s| s["rules"] = json!([{ "atLeastOne": { "of": [{ "param": "Target" }] } }]),
            "/rules/0/atLeastOne/of",
            "at least two",
        ),
        (
            "atLeastOne on an unknown parameter",
            |s| {
                s["rules"] = json!([{ "atLeastOne": { "of": [{ "param": "Target" }, { "param": "Nope" }] } }])
            },
            "/rules/0/atLeastOne/of/1/param",
            "not a parameter",
        ),
        (
            "item count on a list of objects contradicting itself",
            |s| s["parameters"][0] = json!({ "name": "Disk", "type": "list", "style": "repeatList", "minItems": 5, "maxItems": 4, "items": { "type": "object", "structName": "Disk", "fields": [{ "name": "Size", "type": "integer" }] } }),
            "/parameters/0/minItems",
            "above maxItems",
        ),
        (
            "minItems above maxItems",
            |s| s["parameters"][0] = json!({ "name": "Ids", "type": "list", "style": "json", "minItems": 5, "maxItems": 2, "items": { "type": "string" } }),
            "/parameters/0/minItems",
            "above maxItems",
        ),
        (
            "item count on a scalar",
            |s| s["parameters"][0]["maxItems"] = json!(3),
            "/parameters/0/maxItems",
            "belongs to `type: list`",
        ),
        (
            "secret on a number",
            |s| s["parameters"][1]["secret"] = json!(true),
            "/parameters/1/secret",
            "belongs to `type: string`",
        ),
        (
            "secret list item",
            |s| s["parameters"][0] = json!({ "name": "Keys", "type": "list", "style": "repeatList", "items": { "type": "string", "secret": true } }),
            "/parameters/0/items/secret",
            "not supported",
        ),
        (
            "header parameter",
            |s| s["parameters"][0]["in"] = json!("header"),
            "/parameters/0/in",
            "unknown variant `header`, expected `query` or `body`",
        ),
        (
            "`in` on a list's items",
            |s| s["parameters"][0] = json!({ "name": "Keys", "type": "list", "style": "repeatList", "in": "body", "items": { "type": "string", "in": "body" } }),
            "/parameters/0/items/in",
            "belongs to the list",
        ),
        (
            "pagination on an unknown parameter",
            |s| {
                s["pagination"] =
                    json!({ "style": "pageNumber", "input": "Nope", "items": "RequestId" })
            },
            "/pagination/input",
            "not a parameter",
        ),
        (
            "pagination of something not a list",
            |s| {
                s["pagination"] =
                    json!({ "style": "pageNumber", "input": "Count", "items": "RequestId" })
            },
            "/pagination/items",
            "not a list",
        ),
        (
            "token paging without the answer's token",
            |s| {
                s["response"] =
                    json!([{ "name": "Ids", "type": "list", "items": { "type": "string" } }]);
                s["pagination"] = json!({ "style": "nextToken", "input": "Target", "items": "Ids" })
            },
            "/pagination",
            "needs the `outputToken`",
        ),
        (
            "pagination of an operation that changes things",
            |s| {
                s["readOnly"] = json!(false);
                s["pagination"] =
                    json!({ "style": "pageNumber", "input": "Count", "items": "RequestId" })
            },
            "/pagination",
            "only a read-only operation pages",
        ),
        (
            "a waiter that never succeeds",
            |s| s["waiters"] = json!([{ "name": "Ready", "description": "d", "acceptors": [{ "state": "failure", "path": "RequestId", "expected": "x" }] }]),
            "/waiters/0/acceptors",
            "needs a `success` acceptor",
        ),
        (
            "a waiter succeeding on an error code",
            |s| s["waiters"] = json!([{ "name": "Ready", "description": "d", "acceptors": [{ "state": "success", "path": "RequestId", "expected": "x" }, { "state": "success", "errorCode": "Bad.Thing" }] }]),
            "/waiters/0/acceptors/1/state",
            "success needs an answer",
        ),
        (
            "an acceptor with a path and an error code",
            |s| s["waiters"] = json!([{ "name": "Ready", "description": "d", "acceptors": [{ "state": "success", "path": "RequestId", "expected": "x", "errorCode": "Bad.Thing" }] }]),
            "/waiters/0/acceptors/0",
            "`errorCode` alone",
        ),
        (
            "an acceptor on an unknown error code",
            |s| s["waiters"] = json!([{ "name": "Ready", "description": "d", "acceptors": [{ "state": "success", "path": "RequestId", "expected": "x" }, { "state": "retry", "errorCode": "Nope" }] }]),
            "/waiters/0/acceptors/1/errorCode",
            "not a code of errors.json",
        ),
        (
            "an acceptor path that is not in the response",
            |s| s["waiters"] = json!([{ "name": "Ready", "description": "d", "acceptors": [{ "state": "success", "path": "Status", "expected": "x" }] }]),
            "/waiters/0/acceptors/0/path",
            "has no `Status`",
        ),
        (
            "waiter ids that are not a list",
            |s| s["waiters"] = json!([{ "name": "Ready", "description": "d", "ids": { "request": "Target", "response": "RequestId" }, "acceptors": [{ "state": "success", "path": "RequestId", "expected": "x" }] }]),
            "/waiters/0/ids/request",
            "not a list of plain strings",
        ),
        (
            "a waiter on an operation that changes things",
            |s| {
                s["readOnly"] = json!(false);
                s["waiters"] = json!([{ "name": "Ready", "description": "d", "acceptors": [{ "state": "success", "path": "RequestId", "expected": "x" }] }])
            },
            "/waiters",
            "only a read-only operation can poll",
        ),
        (
            "a text rule in valueWhen on a number",
            |s| s["rules"] = json!([{ "valueWhen": { "param": "Count", "when": { "param": "Target" }, "constraints": [{ "length": { "max": 1 } }] } }]),
            "/rules/0/valueWhen/constraints/0",
            "a text rule on a number",
        ),
        (
            "valueWhen without constraints",
            |s| s["rules"] = json!([{ "valueWhen": { "param": "Count", "when": { "param": "Target" }, "constraints": [] } }]),
            "/rules/0/valueWhen/constraints",
            "at least one constraint",
        ),
        (
            "valueWhen on an unknown parameter",
            |s| s["rules"] = json!([{ "valueWhen": { "param": "Nope", "when": { "param": "Target" }, "constraints": [{ "range": { "max": 1 } }] } }]),
            "/rules/0/valueWhen/param",
            "not a parameter",
        ),
    ];
    for (what, edit, path, fragment) in cases {
        let mut spec = base();
        edit(&mut spec);
        let e = error_of(&spec);
        assert_eq!(e.file, "specs/Ping.json", "{what}");
        assert_eq!(e.path, path, "{what}: {e}");
        assert!(e.message.contains(fragment), "{what}: {e}");
        assert!(e.to_string().contains("specs/Ping.json"), "{what}: {e}");
    }
}

#[test]
fn syntax_errors_name_line_and_column() {
    let e = generate("{\n  \"operation\": \"Ping\",\n}").unwrap_err();
    assert!(e.message.contains("JSON syntax error"), "{e}");
    assert!(e.message.contains("line 3"), "{e}");
    assert_eq!(e.path, "", "a syntax error has no JSON path: {e}");
}

/// A secret string without rules still becomes a newtype whose `Debug` hides the value.
#[test]
fn a_secret_without_rules_is_still_redacted() {
    let mut spec = base();
    spec["parameters"][0]["secret"] = json!(true);
    let code = generate(&spec.to_string()).unwrap().to_string();
    assert!(
        code.contains("pub struct Target (rt :: zeroize :: Zeroizing < String >)"),
        "{code}"
    );
    assert!(code.contains("newtype_impls ! (Target , secret)"), "{code}");
    assert!(code.contains("pub target : Option < Target >"), "{code}");
}

#[test]
fn the_base_spec_is_accepted() {
    assert!(generate(&base().to_string()).is_ok());
}

/// Every value of the real CreateInstance spec, replaced by values of other shapes: the
/// generator answers with tokens or an error, and never panics.
#[test]
fn no_edit_of_a_real_spec_panics() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/ens/operations/CreateInstance.json"
    );
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let service = real_service();
    // The real spec is accepted as it is.
    ens_codegen::operation_module(&service, "CreateInstance.json", &spec.to_string()).unwrap();
    let mut runs = 0;
    for (what, text) in edits(&spec) {
        let outcome = std::panic::catch_unwind(|| {
            ens_codegen::operation_module(&service, "CreateInstance.json", &text).is_ok()
        });
        assert!(outcome.is_ok(), "the generator panicked with {what}");
        runs += 1;
    }
    assert!(runs > 1000, "only {runs} edits were tried");
}

/// Faults of the catalog and of `service.json` name their file and JSON path.
#[test]
fn catalog_faults_are_named_with_their_json_path() {
    let cases = [
        (
            json!([{ "code": "BadThing", "httpStatus": 400, "message": "b" }]),
            "/codes/2/code",
            "both map to the variant `BadThing`",
        ),
        (
            json!([{ "code": "Bad.%s.%s", "httpStatus": 400, "message": "b" }]),
            "/codes/2/code",
            "`%s` once",
        ),
        (
            json!([{ "code": "Bad.Thing", "httpStatus": 404, "message": "b" }]),
            "/codes/2/code",
            "defined twice",
        ),
        (
            json!([{ "code": "9.Lives", "httpStatus": 400, "message": "b" }]),
            "/codes/2/variant",
            "set `variant`",
        ),
        (
            json!([{ "code": "Unhandled", "httpStatus": 400, "message": "b" }]),
            "/codes/2/variant",
            "reserved",
        ),
    ];
    for (codes, path, fragment) in cases {
        let e = ens_codegen::operation_module(
            &service_with(codes),
            "specs/Ping.json",
            &base().to_string(),
        )
        .unwrap_err();
        assert_eq!(e.file, "specs/errors.json", "{e}");
        assert_eq!(e.path, path, "{e}");
        assert!(e.message.contains(fragment), "{e}");
    }
}

/// Shapes: a use names one, the shape file says what it is; clashes and misuse are named.
#[test]
fn shapes_are_resolved_and_checked() {
    let password = json!({
        "shape": "Password", "type": "string", "secret": true,
        "constraints": [{ "length": { "min": 8, "max": 30 } }]
    });
    let with_shapes = |shapes: Vec<(&str, Value)>| {
        let mut s = service_with(json!([]));
        s.shapes = shapes
            .into_iter()
            .map(|(f, v)| (f.to_owned(), v.to_string()))
            .collect();
        s
    };
    let mut spec = base();
    spec["parameters"][0] =
        json!({ "name": "Password", "shape": "Password", "description": "The use's own text." });
    let code = ens_codegen::operation_module(
        &with_shapes(vec![("specs/shapes/Password.json", password.clone())]),
        "specs/Ping.json",
        &spec.to_string(),
    )
    .unwrap()
    .to_string();
    // The operation refers to the shared type and does not define it.
    assert!(
        code.contains("pub password : Option < Password >"),
        "{code}"
    );
    assert!(!code.contains("struct Password"), "{code}");
    assert!(code.contains("use super :: types :: * ;"), "{code}");

    let misnamed = ens_codegen::operation_module(
        &with_shapes(vec![("specs/shapes/Secret.json", password.clone())]),
        "specs/Ping.json",
        &spec.to_string(),
    )
    .unwrap_err();
    assert_eq!(
        (misnamed.file.as_str(), misnamed.path.as_str()),
        ("specs/shapes/Secret.json", "/shape")
    );

    let mut clash = base();
    clash["parameters"][0] = json!({ "name": "Pwd", "type": "string", "newtype": "Password", "constraints": [{ "length": { "max": 3 } }] });
    clash["parameters"][1] = json!({ "name": "Password", "shape": "Password" });
    let e = ens_codegen::operation_module(
        &with_shapes(vec![("specs/shapes/Password.json", password.clone())]),
        "specs/Ping.json",
        &clash.to_string(),
    )
    .unwrap_err();
    assert_eq!(e.path, "/parameters/0/newtype", "{e}");
    assert!(e.message.contains("shared shapes"), "{e}");

    let mut overriding = base();
    overriding["parameters"][0] =
        json!({ "name": "Password", "shape": "Password", "secret": true });
    let e = ens_codegen::operation_module(
        &with_shapes(vec![("specs/shapes/Password.json", password)]),
        "specs/Ping.json",
        &overriding.to_string(),
    )
    .unwrap_err();
    assert_eq!(e.path, "/parameters/0/secret", "{e}");

    let selfish = json!({
        "shape": "Node", "type": "object",
        "fields": [{ "name": "Child", "type": "list", "style": "repeatList", "items": { "shape": "Node" } }]
    });
    let mut nested = base();
    nested["parameters"][0] = json!({ "name": "Nodes", "type": "list", "style": "repeatList", "items": { "shape": "Node" } });
    let e = ens_codegen::operation_module(
        &with_shapes(vec![("specs/shapes/Node.json", selfish)]),
        "specs/Ping.json",
        &nested.to_string(),
    )
    .unwrap_err();
    assert!(e.message.contains("nest too deep"), "{e}");
}

/// Every value of the real service.json, errors.json and each shape, replaced by values of
/// other shapes: loading the service answers with a model or an error, never a panic. The service
/// is cut down to a few operations (those using the most shapes and forms) with the shapes and
/// codes they use, so that each of the thousands of loads stays quick.
#[test]
fn no_edit_of_the_real_service_documents_panics() {
    let service = small_real_service();
    let load = |source: &ens_codegen::ServiceSource| {
        ens_codegen::Model::load(source, ens_codegen::Selection::All)
            .and_then(|m| ens_codegen::generate(&m, &ens_codegen::Settings::default()))
            .is_ok()
    };
    assert!(load(&service), "the real service loads");
    // One document at a time: (which, its text).
    let mut documents = vec![
        (0usize, service.service.1.clone()),
        (1, service.errors.1.clone()),
    ];
    documents.extend(
        service
            .shapes
            .iter()
            .enumerate()
            .map(|(i, (_, text))| (2 + i, text.clone())),
    );
    let mut runs = 0;
    for (which, text) in documents {
        let original: Value = serde_json::from_str(&text).unwrap();
        for (what, edited) in edits(&original) {
            let mut source = service.clone();
            let slot = match which {
                0 => &mut source.service.1,
                1 => &mut source.errors.1,
                i => &mut source.shapes[i - 2].1,
            };
            *slot = edited;
            let outcome = std::panic::catch_unwind(|| load(&source));
            assert!(
                outcome.is_ok(),
                "loading panicked with document {which}: {what}"
            );
            runs += 1;
        }
    }
    assert!(runs > 1000, "only {runs} edits were tried");
}

/// The real service with only a few operations, and the shapes and codes they use.
fn small_real_service() -> ens_codegen::ServiceSource {
    let full = real_service();
    let chosen: Vec<String> = [
        "CreateInstance",
        "DescribeInstances",
        "RunInstances",
        "InstallClusterAddons",
        "CreateSecurityGroup",
    ]
    .map(str::to_owned)
    .to_vec();
    let model = ens_codegen::Model::load(&full, ens_codegen::Selection::Only(&chosen))
        .expect("the chosen operations load");
    let mut errors: Value = serde_json::from_str(&full.errors.1).expect("errors.json is JSON");
    let codes: Vec<&str> = model.codes.iter().map(|c| c.def.code.as_str()).collect();
    errors["codes"]
        .as_array_mut()
        .expect("errors.json has codes")
        .retain(|c| codes.contains(&c["code"].as_str().unwrap_or_default()));
    ens_codegen::ServiceSource {
        errors: (full.errors.0.clone(), errors.to_string()),
        shapes: full
            .shapes
            .iter()
            .filter(|(file, _)| model.shapes.values().any(|s| &s.file == file))
            .cloned()
            .collect(),
        operations: full
            .operations
            .iter()
            .filter(|(file, _)| model.operations.iter().any(|o| &o.file == file))
            .cloned()
            .collect(),
        ..full
    }
}

fn real_service() -> ens_codegen::ServiceSource {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/ens");
    ens_codegen::ServiceSource::read_dir(std::path::Path::new(dir), "specs/ens")
        .expect("the real service folder reads")
}

/// `v` with each of its values in turn replaced by values of other shapes: (what was done, the
/// edited text).
fn edits(v: &Value) -> Vec<(String, String)> {
    let replacements = [
        json!(null),
        json!(-1),
        json!(""),
        json!("9%s%s"),
        json!([]),
        json!({}),
    ];
    let mut pointers = Vec::new();
    collect(v, String::new(), &mut pointers);
    let mut out = Vec::new();
    for pointer in &pointers {
        for replacement in &replacements {
            let mut edited = v.clone();
            if let Some(slot) = edited.pointer_mut(pointer) {
                *slot = replacement.clone();
                out.push((format!("{pointer} = {replacement}"), edited.to_string()));
            }
        }
    }
    out
}

fn collect(v: &Value, at: String, out: &mut Vec<String>) {
    if !at.is_empty() {
        out.push(at.clone());
    }
    match v {
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            collect(
                v,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| collect(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// The fixture service with a parameter of every form (`tests/tests/specs/forms/`): it generates,
/// and every value of its operation and shapes replaced by values of other shapes gives tokens or
/// an error, never a panic (the keys the real specs use less: maps, flat and JSON objects,
/// separators, `sendEmpty`, `valueWhen`, patterns, number shapes).
#[test]
fn no_edit_of_the_every_form_fixture_panics() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/tests/specs/forms");
    let service = ens_codegen::ServiceSource::read_dir(std::path::Path::new(dir), "forms")
        .expect("the fixture reads");
    let load = |source: &ens_codegen::ServiceSource| {
        ens_codegen::Model::load(source, ens_codegen::Selection::All)
            .and_then(|m| ens_codegen::generate(&m, &ens_codegen::Settings::default()))
            .is_ok()
    };
    assert!(load(&service), "the fixture generates");
    let mut runs = 0;
    let documents: Vec<(bool, usize)> = (0..service.operations.len())
        .map(|i| (true, i))
        .chain((0..service.shapes.len()).map(|i| (false, i)))
        .collect();
    for (operation, i) in documents {
        let text = if operation {
            &service.operations[i].1
        } else {
            &service.shapes[i].1
        };
        let original: Value = serde_json::from_str(text).unwrap();
        for (what, edited) in edits(&original) {
            let mut source = service.clone();
            if operation {
                source.operations[i].1 = edited;
            } else {
                source.shapes[i].1 = edited;
            }
            let outcome = std::panic::catch_unwind(|| load(&source));
            assert!(outcome.is_ok(), "generating panicked with {what}");
            runs += 1;
        }
    }
    assert!(runs > 500, "only {runs} edits were tried");
}

/// Names the generated client and builders use themselves: an operation or parameter taking one
/// would hide a method (`client.send(request)`, a builder's `send()`), so the spec is refused.
#[test]
fn names_of_the_clients_and_builders_own_methods_are_refused() {
    let mut spec = base();
    spec["operation"] = json!("DryRun");
    let err = ens_codegen::operation_module(
        &service_with(json!([])),
        "specs/DryRun.json",
        &spec.to_string(),
    )
    .expect_err("an operation named like a client method");
    assert_eq!(
        (err.file.as_str(), err.path.as_str()),
        ("specs/DryRun.json", "/operation")
    );
    assert!(err.message.contains("`dry_run()`"), "{err}");

    for name in ["Send", "CallOptions", "Build"] {
        let mut spec = base();
        spec["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "name": name, "type": "string" }));
        let err = error_of(&spec);
        assert_eq!(err.path, "/parameters/2/name", "{name}: {err}");
        assert!(err.message.contains("would clash"), "{name}: {err}");
    }
}
