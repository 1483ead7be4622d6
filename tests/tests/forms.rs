//! Every wire form and rule kind of the spec format, through generated code: the fixture service
//! `tests/specs/forms/` (one operation, `Everything`, with a parameter of each form) expanded by the
//! macro, written, read back and checked.

#![allow(clippy::unwrap_used)] // a failed step should stop the test right there

use ens_client::core::{Operation, Params};
use std::collections::BTreeMap;

mod forms {
    ens_macros::service!("specs/forms");
}

use forms::everything::{EverythingTag, Limits, Login};
use forms::types::{Disk, DiskCategory};
use forms::{EverythingRequest, EverythingResponse};

fn params(pairs: &[(&str, &str)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The smallest valid request: the tag list is required.
fn base() -> Vec<(&'static str, &'static str)> {
    vec![("Tag.1.Key", "team")]
}

/// The wire parameters that broke a rule, in order, with the rule.
fn faults(extra: &[(&'static str, &'static str)]) -> Vec<(String, &'static str)> {
    let mut pairs = base();
    pairs.extend_from_slice(extra);
    match ens_client::core::check(
        EverythingRequest::SPEC.params,
        EverythingRequest::SPEC.cross_rules,
        &params(&pairs),
    ) {
        Ok(()) => Vec::new(),
        Err(v) => v.0.into_iter().map(|v| (v.parameter, v.rule)).collect(),
    }
}

#[test]
fn every_form_is_written_read_back_and_valid() {
    let disk = |size, category| Disk {
        size: Some(size),
        category,
    };
    let request = EverythingRequest::builder()
        .period(3)
        .period_unit(forms::everything::PeriodUnit::Day)
        .system_disk(disk(40, Some(DiskCategory::CloudSsd)))
        .data_disks([
            disk(20, None),
            disk(100, Some(DiskCategory::CloudEfficiency)),
        ])
        .login(Login {
            user: Some("root".into()),
            password: Some(forms::everything::Password::new("Secret#1").unwrap()),
            keys: vec!["k1".into()],
            labels: BTreeMap::from([("x".to_owned(), serde_json::json!([1]))]),
            limits: Some(Limits { cpu: Some(2) }),
        })
        .tags([EverythingTag {
            key: Some("team".into()),
            value: Some("edge".into()),
        }])
        .instance_ids(["i-1", "i-2"])
        .filter_ids(Vec::<String>::new())
        .options([("retries", 2)])
        .labels([("env", "prod")])
        .domain(forms::everything::Domain::new("www.example.com").unwrap())
        .body_ids(["b-1"])
        .build();
    let wire = request.to_params();
    let expected = [
        ("Body.1", "b-1"),
        (
            "DataDisk",
            r#"[{"Size":20},{"Size":100,"Category":"cloud_efficiency"}]"#,
        ),
        ("Domain", "www.example.com"),
        ("Filter", "[]"),
        ("InstanceIds", "i-1;i-2"),
        ("Label.env", "prod"),
        (
            "Login",
            r#"{"User":"root","Password":"Secret#1","Keys":["k1"],"Labels":{"x":[1]},"Limits":{"Cpu":2}}"#,
        ),
        ("Options", r#"{"retries":2}"#),
        ("Period", "3"),
        ("PeriodUnit", "Day"),
        ("SystemDisk.Category", "cloud_ssd"),
        ("SystemDisk.Size", "40"),
        ("Tag.1.Key", "team"),
        ("Tag.1.Value", "edge"),
    ];
    let got: Vec<(&str, &str)> = wire.iter().collect();
    assert_eq!(got, expected);
    request.validate().unwrap();
    assert_eq!(EverythingRequest::from_params(&wire).unwrap(), request);
    // The password inside the JSON object is a secret: masked in `Debug` of the parameters and
    // of the request, never in a violation.
    assert!(wire.is_secret("Login"));
    assert!(!format!("{wire:?}").contains("Secret#1"));
    assert!(!format!("{request:?}").contains("Secret#1"));
    // Body parameters are placed by their entry.
    let body = EverythingRequest::SPEC.param("Body.1").unwrap();
    assert_eq!(body.location, ens_client::core::Location::Body);
}

#[test]
fn an_empty_json_list_is_sent_only_when_given() {
    let given = EverythingRequest::builder()
        .filter_ids(Vec::<String>::new())
        .build();
    assert_eq!(given.to_params().get("Filter"), Some("[]"));
    let left_out = EverythingRequest::builder().build();
    assert_eq!(left_out.to_params().get("Filter"), None);
    let back = EverythingRequest::from_params(&params(&[("Tag.1.Key", "a"), ("Filter", "[]")]));
    assert_eq!(back.unwrap().filter_ids, Some(Vec::new()));
}

#[test]
fn value_when_rules() {
    assert_eq!(faults(&[("Period", "3"), ("PeriodUnit", "Day")]), []);
    assert_eq!(faults(&[("Period", "5"), ("PeriodUnit", "Month")]), []);
    assert_eq!(
        faults(&[("Period", "5"), ("PeriodUnit", "Day")]),
        [
            ("Period".into(), "value_when"),
            ("PeriodUnit".into(), "value_when")
        ]
    );
    assert_eq!(faults(&[("Amount", "5")]), []);
    assert_eq!(
        faults(&[("Amount", "5"), ("PrivateIpAddress", "10.0.0.1")]),
        [
            ("Amount".into(), "value_when"),
            ("PrivateIpAddress".into(), "value_when")
        ]
    );
}

#[test]
fn objects_and_lists_of_objects() {
    // Flat object: a field the reference requires is required once the object is given.
    assert_eq!(faults(&[("SystemDisk.Size", "40")]), []);
    assert_eq!(
        faults(&[("SystemDisk.Category", "cloud_ssd")]),
        [
            ("SystemDisk.Size".into(), "required_when"),
            ("SystemDisk.Category".into(), "required_when")
        ]
    );
    assert_eq!(
        faults(&[("SystemDisk.Size", "25")]),
        [("SystemDisk.Size".into(), "multiple_of")]
    );
    // JSON list of objects: each element by its own entries, and the count.
    assert_eq!(
        faults(&[(
            "DataDisk",
            r#"[{"Size":20},{"Size":25},{"Category":"hdd"}]"#
        )]),
        [
            ("DataDisk.2.Size".into(), "multiple_of"),
            ("DataDisk.3.Category".into(), "enum"),
            ("DataDisk.3.Size".into(), "required"),
            ("DataDisk".into(), "items"),
        ]
    );
    // JSON object with nested list, map and object.
    assert_eq!(
        faults(&[(
            "Login",
            r#"{"Password":"x","Keys":["a","b","c","d","much too long"],"Limits":{"Cpu":0},"Bogus":1}"#
        )]),
        [
            ("Login.Keys".into(), "items"),
            ("Login.Keys.5".into(), "length"),
            ("Login.Limits.Cpu".into(), "range"),
            ("Login.Bogus".into(), "unknown"),
            ("Login.User".into(), "required"),
        ]
    );
    // A secret member's value never shows in a violation.
    let err = EverythingRequest::from_params(&params(&[
        ("Tag.1.Key", "a"),
        ("Login", r#"{"Password":["nope-secret"]}"#),
    ]))
    .unwrap_err();
    assert!(!err.to_string().contains("nope-secret"), "{err}");
    // Repeated list of objects: required in each element, the list required, counted.
    assert_eq!(
        faults(&[("Tag.2.Value", "x")]),
        [("Tag.2.Key".into(), "required")]
    );
    assert_eq!(
        faults(&[("Tag.2.Key", "b"), ("Tag.3.Key", "c")]),
        [("Tag".into(), "items")]
    );
    let none = ens_client::core::check(
        EverythingRequest::SPEC.params,
        EverythingRequest::SPEC.cross_rules,
        &Params::new(),
    )
    .unwrap_err();
    assert_eq!(none.parameters(), ["Tag"]);
}

#[test]
fn separators_maps_and_patterns() {
    assert_eq!(
        faults(&[("InstanceIds", "a;b;c;d")]),
        [("InstanceIds".into(), "items")]
    );
    assert_eq!(
        faults(&[("Options", r#"{"a":1,"b":-1}"#)]),
        [("Options.b".into(), "range")]
    );
    assert_eq!(faults(&[("Options", "[1]")]), [("Options".into(), "type")]);
    assert_eq!(faults(&[("Label.a", "x"), ("Label.b.c", "y")]), []);
    assert_eq!(faults(&[("Label", "x")]), [("Label".into(), "unknown")]);
    assert_eq!(faults(&[("Domain", "a b")]), [("Domain".into(), "pattern")]);
    let request =
        EverythingRequest::from_params(&params(&[("Tag.1.Key", "a"), ("InstanceIds", "x;y")]))
            .unwrap();
    assert_eq!(request.instance_ids, ["x", "y"]);
}

#[test]
fn responses_with_maps_lists_of_lists_and_shared_numbers() {
    let answer: EverythingResponse = serde_json::from_str(
        r#"{"RequestId":"r","Labels":{"a":"b"},"Grid":{"Row":[["x"],["y","z"]]},"Size":"40","Status":"Running"}"#,
    )
    .unwrap();
    assert_eq!(answer.labels["a"], "b");
    assert_eq!(answer.grid, [vec!["x"], vec!["y", "z"]]);
    assert_eq!(answer.size, Some(40));
    assert_eq!(answer.status, Some(forms::types::Status::Running));
}

/// A paginator whose page numbers are text and whose total sits in a nested object.
#[test]
fn paginators_read_text_numbers_and_nested_totals() {
    use ens_client::paginate::Paginated;
    use forms::ListThingsRequest;
    let things: Vec<String> = (0..10)
        .map(|i| format!(r#"{{"ThingId":"t-{i}"}}"#))
        .collect();
    let page: forms::ListThingsResponse = serde_json::from_str(&format!(
        r#"{{"Page":{{"TotalCount":"25"}},"Things":{{"Thing":[{}]}}}}"#,
        things.join(",")
    ))
    .unwrap();
    let first = ListThingsRequest::builder().page_size(10).build();
    assert_eq!(ListThingsRequest::items_on(&page), 10);
    let second = first.next_page(&page, 10).unwrap();
    assert_eq!(second.page_number.as_deref(), Some("2"));
    let third = second.next_page(&page, 20).unwrap();
    assert_eq!(third.page_number.as_deref(), Some("3"));
    assert!(third.next_page(&page, 25).is_none(), "the total is reached");
    let mut page = page;
    let items = ListThingsRequest::take_items(&mut page);
    assert_eq!(items[0].thing_id.as_deref(), Some("t-0"));
    assert!(page.things.is_empty());
}

/// The fixture's waiter: acceptors as data, ids asked for through an `Option<Vec<_>>` list.
#[test]
fn waiters_decide_from_their_acceptors() {
    use ens_client::core::WaitState;
    use forms::ListThingsRequest;
    let request = ListThingsRequest::builder()
        .thing_ids(["t-1", "t-2"])
        .build();
    let waiter = &forms::list_things::THINGS_RUNNING;
    let decide = |things: &str| {
        let answer: forms::ListThingsResponse =
            serde_json::from_str(&format!(r#"{{"Things":{{"Thing":[{things}]}}}}"#)).unwrap();
        waiter.decide(&request, &answer).map(|a| a.state)
    };
    assert_eq!(decide(r#"{"ThingId":"t-1","Status":"Running"}"#), None);
    assert_eq!(
        decide(r#"{"ThingId":"t-1","Status":"Running"},{"ThingId":"t-2","Status":"Running"}"#),
        Some(WaitState::Success)
    );
    assert_eq!(
        decide(r#"{"ThingId":"t-2","Status":"Expired"}"#),
        Some(WaitState::Failure)
    );
    assert_eq!(
        waiter
            .decide_error("IncorrectInstanceStatus")
            .map(|a| a.state),
        Some(WaitState::Retry)
    );
    assert_eq!(waiter.min_delay, Some(std::time::Duration::from_secs(1)));
}
