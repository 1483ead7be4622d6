//! The import on the committed sources: what it merges, where each fact comes from, and that what
//! is committed is what it writes.

use super::facts::ValueKind;
use super::sources::{Location, METADATA, Source, Style};
use super::*;
use serde_json::json;

fn import() -> Import {
    Import::load(&crate::import::test_root()).expect("the import loads")
}

fn param<'a>(op: &'a OperationFacts, name: &str) -> &'a facts::ValueFacts {
    op.params
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{} has no parameter {name}", op.name))
}

#[test]
fn every_operation_of_the_newest_sdk_is_merged_and_the_older_only_ones_are_listed() {
    let import = import();
    assert_eq!(import.facts.len(), 339);
    assert_eq!(
        import.retired,
        [
            "AddDeviceInternetPort",
            "DeleteDeviceInternetPort",
            "DescribeApplicationResourceSummary",
            "DescribeEipAddresses",
            "GetDeviceInternetPort",
            "ResetDeviceInstance",
            "RestartDeviceInstance"
        ]
    );
}

#[test]
fn the_import_data_has_no_problem() {
    // Every operation has an English summary and every request value an English text; no reviewed
    // text is stale; every operation has one declared area.
    let problems = import().problems();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn reimport_is_byte_identical_and_the_committed_documents_are_what_it_writes() {
    let root = crate::import::test_root();
    let (a, b) = (import(), import());
    let (x, y) = (a.output(), b.output());
    assert_eq!(x.specs, y.specs);
    assert_eq!(x.shapes, y.shapes);
    assert_eq!(x.errors, y.errors);
    let stale = stale(&root, &a).expect("compare");
    assert!(
        stale.is_empty(),
        "out of date, run `cargo xtask import`: {stale:?}"
    );
    let specs = all_specs(&root).expect("specs");
    assert_eq!(
        specs.len(),
        339,
        "one spec per operation, curated or imported"
    );
}

#[test]
fn the_newest_source_wins_and_older_ones_are_kept_as_disagreements() {
    let import = import();
    let run = import.facts_of("RunInstances").expect("RunInstances");
    let amount = param(run, "Amount");
    assert_eq!(
        amount.required.as_ref().map(|r| (r.value, r.from)),
        Some((false, Source::Sdk))
    );
    let d = run
        .disagreements
        .iter()
        .find(|d| d.at == "Amount" && d.fact == "required")
        .expect("api-docs 2024 said required");
    assert_eq!(d.others[0].from, Source::ApiDocs2024);
    assert_eq!(d.others[0].value, "true");
    let template = param(run, "LaunchTemplateId");
    assert_eq!(
        template.description.as_ref().map(|d| d.from),
        Some(Source::Sdk)
    );

    let put = import.facts_of("PutBucket").expect("PutBucket");
    assert_eq!(
        param(put, "BucketName").location.as_ref().map(|l| l.value),
        Some(Location::Query)
    );
    assert!(
        put.disagreements
            .iter()
            .any(|d| d.fact == "location" && d.others[0].value == "body")
    );

    let reinit = import.facts_of("ReinitInstance").expect("ReinitInstance");
    assert_eq!(
        param(reinit, "Password").location.as_ref().map(|l| l.value),
        Some(Location::Body)
    );
    // A parameter only older sources have is dropped and reported.
    let vsw = import
        .facts_of("DescribeVSwitches")
        .expect("DescribeVSwitches");
    assert!(vsw.params.iter().all(|p| p.name != "OrderByParams"));
    assert!(vsw.disagreements.iter().any(|d| d.at == "OrderByParams"));
}

#[test]
fn older_flattened_spellings_attach_to_the_sdk_structure() {
    let import = import();
    let create = import.facts_of("CreateInstance").expect("CreateInstance");
    let data_disk = param(create, "DataDisk");
    assert_eq!(
        data_disk.style.as_ref().map(|s| s.value),
        Some(Style::RepeatList)
    );
    let ValueKind::List(items) = &data_disk.kind.value else {
        panic!("DataDisk is a list")
    };
    let size = &items.members()[0];
    assert_eq!(size.name, "Size");
    // `DataDisk.1.Size` of the 2024 api-docs gives the zh-CN text and the example.
    assert_eq!(
        size.original_description.as_ref().map(|d| d.from),
        Some(Source::ApiDocs2024)
    );
    assert!(size.example.is_some());
    let system = param(create, "SystemDisk");
    assert_eq!(system.style.as_ref().map(|s| s.value), Some(Style::Flat));
    assert!(system.members()[0].original_description.is_some());
    let output = import.output();
    let emitted = &output.specs["CreateInstance"];
    let system = emitted["parameters"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "SystemDisk"))
        .expect("SystemDisk");
    assert_eq!(
        (&system["type"], &system["style"]),
        (&json!("object"), &json!("flat"))
    );
    assert_eq!(system["fields"][0]["name"], "Size");
}

#[test]
fn texts_come_from_the_best_english_source_with_the_original_beside_them() {
    let import = import();
    let describe = import
        .facts_of("DescribeInstances")
        .expect("DescribeInstances");
    // The SDK's text ends in "Valid values:" (its list was lost); the 2026 metadata has it whole.
    let kind = param(describe, "InstanceResourceType");
    let text = kind.description.as_ref().expect("a text");
    assert_eq!(text.from, Source::OpenapiMeta2026);
    assert!(text.value.contains("EnsPostPaidInstance"));
    assert_eq!(
        describe.summary.as_ref().map(|s| s.from),
        Some(Source::OpenapiMeta2026)
    );
    assert_eq!(
        describe.original_summary.as_ref().map(|s| s.from),
        Some(Source::ApiDocs2024)
    );
    assert_eq!(describe.rate_limit.as_ref().map(|r| r.value), Some(100));
    // The zh-CN operation description, translated.
    let description = describe.description.as_ref().expect("translated");
    assert_eq!(description.from, Source::Texts);
    assert!(description.value[2].contains("empty JSON array in InstanceIds"));
    // No source has a summary for StartInstances: ours is used.
    let start = import.facts_of("StartInstances").expect("StartInstances");
    assert_eq!(start.summary.as_ref().map(|s| s.from), Some(Source::Texts));
    // CreateVSwitch's official summary is passive: ours replaces it.
    let vswitch = import.facts_of("CreateVSwitch").expect("CreateVSwitch");
    assert_eq!(
        vswitch.summary.as_ref().map(|s| (s.value.as_str(), s.from)),
        Some(("Creates a vSwitch.", Source::Texts))
    );
}

#[test]
fn an_enum_gains_the_values_the_newest_text_lists() {
    let import = import();
    let listener = import
        .facts_of("CreateLoadBalancerHTTPListener")
        .expect("listener");
    let scheduler = param(listener, "Scheduler");
    let values = scheduler.enum_values.as_ref().expect("an enum");
    assert_eq!(values.value, ["wrr", "wlc", "rr", "sch", "qch", "iqch"]);
    assert_eq!(values.from, Source::Sdk);
    assert!(
        listener
            .disagreements
            .iter()
            .any(|d| d.at == "Scheduler" && d.fact == "enum values")
    );
    // A text that names the values the enum has changes nothing.
    let tcp = import
        .facts_of("CreateLoadBalancerTCPListener")
        .expect("listener");
    let values = param(tcp, "Scheduler")
        .enum_values
        .as_ref()
        .expect("an enum");
    assert_eq!(values.from, Source::ApiDocs2025);
}

#[test]
fn paged_operations_are_found() {
    let import = import();
    let paged: Vec<&str> = import
        .facts
        .iter()
        .filter(|f| f.pagination.is_some())
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(paged.len(), 47, "{paged:?}");
    let page = |op: &str| {
        import
            .facts_of(op)
            .and_then(|f| f.pagination.clone())
            .map(|p| p.value)
    };
    assert_eq!(
        page("DescribeInstances"),
        Some(facts::Pagination::PageNumber {
            page: "PageNumber".into(),
            size: "PageSize".into(),
            total: "TotalCount".into(),
            items: "Instances".into()
        })
    );
    assert!(
        matches!(page("DescribeClusterNodes"), Some(facts::Pagination::PageNumber { total, .. }) if total == "Page.TotalCount")
    );
    assert!(matches!(
        page("ListTagResources"),
        Some(facts::Pagination::Token { .. })
    ));
    // Two lists (Contents, CommonPrefixes): which one pages is for a human to say.
    assert_eq!(page("ListObjects"), None);
    assert_eq!(page("CreateInstance"), None);
}

#[test]
fn every_operation_has_one_area() {
    let import = import();
    let areas: std::collections::BTreeSet<&str> = import
        .facts
        .iter()
        .map(|f| f.area.as_ref().expect("an area").value.as_str())
        .collect();
    assert_eq!(areas.len(), import.areas.areas.len());
    let area = |op: &str| {
        import
            .facts_of(op)
            .and_then(|f| f.area.clone())
            .map(|a| (a.value, a.from))
    };
    assert_eq!(
        area("CreateInstance"),
        Some(("instance".into(), Source::ApiDocs2024))
    );
    assert_eq!(area("CreateSDG"), Some(("sdg".into(), Source::Areas)));
    assert_eq!(
        area("CreateCluster"),
        Some(("container".into(), Source::Areas))
    );
}

/// A workspace in a temporary folder: the real sources, a copy of the curated service with one
/// curated spec (StartInstance) and one spec the import wrote (StopInstance).
fn scratch_root(name: &str) -> PathBuf {
    let real = crate::import::test_root();
    let root = std::env::temp_dir().join(format!("ens-import-{name}-{}", std::process::id()));
    let service = root.join(SERVICE_DIR);
    fs::create_dir_all(service.join("operations")).expect("mkdir");
    fs::create_dir_all(service.join("shapes")).expect("mkdir");
    for file in ["service.json", "errors.json"] {
        fs::copy(real.join(SERVICE_DIR).join(file), service.join(file)).expect("copy");
    }
    for path in spec_files(&real.join(SERVICE_DIR).join("shapes")).expect("shapes") {
        let name = path.file_name().expect("name");
        fs::copy(&path, service.join("shapes").join(name)).expect("copy");
    }
    std::os::unix::fs::symlink(real.join(METADATA), root.join(METADATA)).expect("link");
    fs::write(
        service.join("operations/StartInstance.json"),
        "{\"operation\": \"StartInstance\", \"source\": \"by hand\"}\n",
    )
    .expect("write");
    let stop = import().output().specs["StopInstance"].clone();
    fs::write(
        service.join("operations/StopInstance.json"),
        emit::to_text(&stop),
    )
    .expect("write");
    root
}

#[test]
fn curated_specs_are_kept_unless_forced_and_imported_ones_are_rewritten() {
    let root = scratch_root("curated");
    let import = Import::load(&root).expect("load");
    assert!(import.is_curated("StartInstance"));
    assert!(!import.is_curated("StopInstance"), "written by the import");
    let ops = [
        "StartInstance".to_owned(),
        "StopInstance".to_owned(),
        "StopInstances".to_owned(),
    ];
    let curated = root.join(OPERATIONS).join("StartInstance.json");
    let before = fs::read_to_string(&curated).expect("read");

    let report = write(&root, &import, &ops, false).expect("write");
    assert_eq!(report.kept_curated, ["StartInstance"]);
    assert_eq!(fs::read_to_string(&curated).expect("read"), before);
    // Imported specs go into the one service folder, marked.
    for op in ["StopInstance", "StopInstances"] {
        let path = root.join(OPERATIONS).join(format!("{op}.json"));
        assert!(
            fs::read_to_string(&path)
                .expect("read")
                .contains(emit::MARK),
            "{op}"
        );
    }
    let again = write(&root, &import, &ops, false).expect("write");
    assert_eq!(again.written, 0, "byte-identical");

    let forced = write(&root, &import, &ops[..1], true).expect("write");
    assert_eq!(forced.written, 1);
    assert!(
        fs::read_to_string(&curated)
            .expect("read")
            .contains(emit::MARK)
    );
    let unknown = write(&root, &import, &["AddDeviceInternetPort".to_owned()], false);
    assert!(unknown.is_err_and(|e| e.contains("retired")));
    fs::remove_dir_all(&root).expect("clean up");
}

/// A whole run removes the documents it wrote before and no longer writes (an operation gone from
/// the sources, a shape no longer shared), and never a curated one; `errors.json` keeps the curated
/// codes as they are.
#[test]
fn a_whole_run_removes_what_it_no_longer_writes_and_keeps_curated_documents() {
    let root = scratch_root("removal");
    let service = root.join(SERVICE_DIR);
    let gone_op = json!({"operation": "GoneOperation", "source": format!("{} from x", emit::MARK)});
    let kept_op = json!({"operation": "HandWritten", "source": "by hand"});
    let gone_shape = json!({"shape": "GoneShape", "type": "enum", "values": [{"value": "a"}], "source": format!("{}: x", emit::MARK)});
    let kept_shape = json!({"shape": "HandShape", "type": "enum", "values": [{"value": "a"}]});
    for (path, doc) in [
        ("operations/GoneOperation.json", &gone_op),
        ("operations/HandWritten.json", &kept_op),
        ("shapes/GoneShape.json", &gone_shape),
        ("shapes/HandShape.json", &kept_shape),
    ] {
        fs::write(service.join(path), emit::to_text(doc)).expect("write");
    }
    // A curated code with a message of its own: kept as it is.
    let errors_path = service.join("errors.json");
    let mut errors: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&errors_path).expect("read")).expect("JSON");
    let common = errors["codes"]
        .as_array_mut()
        .expect("codes")
        .iter_mut()
        .find(|c| c["code"] == "Throttling")
        .expect("a common code");
    common["description"] = json!("edited by hand");
    fs::write(&errors_path, emit::to_text(&errors)).expect("write");

    let import = Import::load(&root).expect("load");
    let report = write(&root, &import, &[], false).expect("write");
    assert_eq!(report.removed, 2, "{report:?}");
    assert!(!service.join("operations/GoneOperation.json").exists());
    assert!(!service.join("shapes/GoneShape.json").exists());
    assert!(service.join("operations/HandWritten.json").exists());
    assert!(service.join("shapes/HandShape.json").exists());
    assert!(
        fs::read_to_string(&errors_path)
            .expect("read")
            .contains("edited by hand")
    );
    assert_eq!(all_specs(&root).expect("specs").len(), 340);
    fs::remove_dir_all(&root).expect("clean up");
}

#[test]
fn a_spec_is_curated_unless_the_import_wrote_it_and_no_one_marked_it() {
    assert!(is_curated(&json!({"source": "the reference page"})));
    assert!(is_curated(&json!({})));
    let imported = json!({"source": format!("{} from x", emit::MARK)});
    assert!(!is_curated(&imported));
    let mut marked = imported.clone();
    marked["provenance"] = json!([{"source": "curated", "note": "HostName rules from the text"}]);
    assert!(is_curated(&marked));
}

#[test]
fn areas_go_into_service_json_without_touching_the_rest() {
    let text = "{\n  \"product\": \"Ens\",\n  \"commonErrors\": [\n    \"Throttling\"\n  ]\n}\n";
    let areas = json!([{"name": "instance", "description": "Instances", "default": true}]);
    let with = with_areas(text, &areas).expect("areas");
    assert!(with.starts_with("{\n  \"product\": \"Ens\",\n  \"areas\": ["));
    let value: serde_json::Value = serde_json::from_str(&with).expect("JSON");
    assert_eq!(value["areas"], areas);
    assert_eq!(with_areas(&with, &areas).expect("same"), with, "idempotent");
    let other = json!([{"name": "disk", "description": "Disks"}]);
    let replaced: serde_json::Value =
        serde_json::from_str(&with_areas(&with, &other).expect("replaced")).expect("JSON");
    assert_eq!(replaced["areas"], other);
    assert_eq!(replaced["commonErrors"], json!(["Throttling"]));
}

#[test]
fn the_diff_names_what_the_sources_add_and_apply_adds_only_that() {
    let curated = json!({
        "operation": "Op", "method": "POST", "readOnly": false,
        "parameters": [
            {"name": "A", "type": "integer", "wireType": "string", "required": true, "constraints": [{"range": {"min": 1}}]},
            {"name": "Gone", "type": "string"}
        ],
        "response": [{"name": "Items", "type": "list", "items": {"type": "object", "fields": [{"name": "X", "type": "string"}]}}]
    });
    let imported = json!({
        "operation": "Op", "method": "POST", "readOnly": false,
        "parameters": [
            {"name": "A", "type": "string", "wireType": "string", "description": "A."},
            {"name": "B", "type": "string", "description": "The new one."}
        ],
        "response": [{"name": "Items", "type": "list", "items": {"type": "object", "fields": [{"name": "X", "type": "string"}, {"name": "Y", "type": "integer"}]}}],
        "errors": [{"code": "E", "httpStatus": 400, "message": "m"}]
    });
    let lines: Vec<String> = diff::diff(&curated, &imported)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "~ parameter A: required: spec true, sources false",
            "~ parameter A: description: spec (none), sources \"A.\"",
            "+ parameter B: string: \"The new one.\"",
            "- parameter Gone: only in the spec (no source has it)",
            "+ response Items[].Y: integer",
            "+ error E: documented by the sources",
        ]
    );
    let mut applied = curated.clone();
    assert_eq!(diff::apply_additions(&mut applied, &imported), 4);
    assert_eq!(
        applied["parameters"][0]["description"], "A.",
        "a missing text is added"
    );
    assert_eq!(
        applied["parameters"][0]["type"], "integer",
        "curation is kept"
    );
    assert_eq!(
        applied["parameters"][0]["required"], true,
        "curation is kept"
    );
    assert_eq!(
        applied["parameters"][1]["name"], "B",
        "after its predecessor"
    );
    assert_eq!(applied["parameters"][2]["name"], "Gone");
    assert_eq!(applied["response"][0]["items"]["fields"][1]["name"], "Y");
    assert_eq!(applied["errors"][0]["code"], "E");
}

#[test]
fn emitted_names_and_rules_follow_the_format() {
    assert_eq!(emit::snake("VSwitchId"), "vswitch_id");
    assert_eq!(emit::snake("SystemDisk.Size"), "system_disk_size");
    let import = import();
    // A closed list of integers is a `oneOf` constraint, not an enum.
    let output = import.output();
    let renew = &output.specs["RenewInstance"];
    let period = renew["parameters"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "Period"))
        .expect("Period");
    assert_eq!(period["type"], "integer");
    assert_eq!(
        period["constraints"],
        json!([{"oneOf": [[1, 9], [12, 12]]}])
    );
}

fn find<'a>(list: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    list.as_array()
        .and_then(|l| l.iter().find(|v| v["name"] == name))
        .unwrap_or_else(|| panic!("no `{name}`"))
}

#[test]
fn emitted_specs_use_the_service_model_format() {
    let output = import().output();
    let spec = |op: &str| &output.specs[op];
    // Body parameters, JSON lists of objects, maps inside them, shapes inside objects.
    let rescale = spec("RescaleDeviceService");
    assert_eq!(find(&rescale["parameters"], "ResourceInfo")["in"], "body");
    let backends = find(&spec("AddBackendServers")["parameters"], "BackendServers");
    assert_eq!(
        (&backends["style"], &backends["items"]["type"]),
        (&json!("json"), &json!("object"))
    );
    let addons = find(&spec("InstallClusterAddons")["parameters"], "Addons");
    let schema = find(&addons["items"]["fields"], "ConfigSchema");
    assert_eq!(schema["items"], json!({"shape": "ConfigSchema"}));
    let shape = &output.shapes["ConfigSchema"];
    assert_eq!(find(&shape["fields"], "Params")["type"], "map");
    // Pagination, area, provenance, originals.
    let disks = spec("DescribeDisks");
    assert_eq!(
        disks["pagination"],
        json!({"style": "pageNumber", "input": "PageNumber", "pageSize": "PageSize", "totalCount": "TotalCount", "items": "Disks"})
    );
    assert_eq!(disks["area"], "disk");
    assert!(
        disks["originalSummary"]
            .as_str()
            .is_some_and(|s| s.contains("DescribeDisks"))
    );
    let sdk = disks["provenance"]
        .as_array()
        .and_then(|p| p.iter().find(|e| e["source"] == "tea-python-12.1.0"))
        .expect("the SDK's facts");
    assert!(
        sdk["facts"]
            .as_array()
            .is_some_and(|f| f.contains(&json!("locations")))
    );
    // A shared enum, referred to by every operation that has it.
    for op in ["CreateNetworkAclEntry", "CreateSecurityGroupPermissions"] {
        let spec = spec(op);
        let text = spec.to_string();
        assert!(
            text.contains(r#""shape":"Direction""#),
            "{op} refers to Direction"
        );
    }
    assert_eq!(output.shapes["Direction"]["type"], "enum");
    // Error codes: a reference, with the operation's own status and message where they differ
    // from the catalog's definition (the first operation that lists the code).
    let def = &output.catalog.defs["OperationDenied"];
    let put = find_code(&spec("PutBucketLifecycle")["errors"], "OperationDenied");
    assert_ne!(put["message"], def["message"]);
    assert_eq!(put["httpStatus"], 400);
    assert!(
        output.errors["codes"]
            .as_array()
            .is_some_and(|c| c.contains(def))
    );
}

fn find_code<'a>(list: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    list.as_array()
        .and_then(|l| l.iter().find(|v| v["code"] == code))
        .unwrap_or_else(|| panic!("no code `{code}`"))
}

#[test]
fn the_plan_shares_equal_rules_and_reports_the_rest() {
    use shapes::{Candidate, ShapeKind, plan};
    let c = |kind, name: &str, rules: &str, at: &str| Candidate {
        kind,
        name: name.into(),
        rules: rules.into(),
        at: at.into(),
    };
    let curated: BTreeMap<String, serde_json::Value> = [(
        "Password".to_owned(),
        json!({"shape": "Password", "type": "string", "secret": true, "constraints": [{"length": {"min": 8}}]}),
    )]
    .into();
    let candidates = [
        c(ShapeKind::Enum, "Direction", "{a}", "A.Direction"),
        c(ShapeKind::Enum, "Direction", "{a}", "B.Direction"),
        c(ShapeKind::Enum, "Status", "{x}", "A.Status"),
        c(ShapeKind::Enum, "Status", "{y}", "B.Status"),
        c(ShapeKind::Enum, "Alone", "{z}", "A.Alone"),
        c(
            ShapeKind::Checked,
            "Password",
            r#"{"secret":true,"type":"string"}"#,
            "A.Password",
        ),
        c(
            ShapeKind::ResponseObject,
            "Direction",
            "{s}",
            "A response X",
        ),
        c(
            ShapeKind::ResponseObject,
            "Direction",
            "{s}",
            "B response X",
        ),
    ];
    let plan = plan(&candidates, &curated);
    assert_eq!(
        plan.shape_of(ShapeKind::Enum, "Direction", "{a}"),
        Some("Direction")
    );
    assert!(plan.writes("Direction"));
    assert_eq!(plan.uses("Direction"), ["A", "B"]);
    assert_eq!(
        plan.shape_of(ShapeKind::Enum, "Alone", "{z}"),
        None,
        "one use is not shared"
    );
    let why: Vec<(&str, &str)> = plan
        .near_misses
        .iter()
        .map(|g| (g.name.as_str(), g.why.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        why,
        [
            ("Status", "other rules under the same name"),
            ("Password", "the curated shape `Password` has other rules"),
            (
                "Direction",
                "`Direction` already names another kind of shape"
            ),
        ]
    );
    // The same rules as a curated shape: the curated shape is used.
    let same = [c(
        ShapeKind::Checked,
        "Password",
        &shapes::canonical_shape(&curated["Password"]),
        "A.Password",
    )];
    let plan = shapes::plan(&same, &curated);
    assert_eq!(
        plan.shape_of(ShapeKind::Checked, "Password", &same[0].rules),
        Some("Password")
    );
    assert!(!plan.writes("Password"));
}
