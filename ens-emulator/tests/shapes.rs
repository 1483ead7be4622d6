//! Every emulated answer has the shape of the reference's example for its operation (from
//! Alibaba's api-docs metadata in `specs/ens/metadata/`): the same keys, the same wrapping of
//! lists, the same JSON types (`Code` a number, `Cpu` a string, ...).
#![allow(clippy::unwrap_used)]

mod support;

use ens_emulator::{Emulator, Timings};
use serde_json::Value;
use support::call;

/// The JSON example of `action` from api-docs.
fn reference_example(action: &str) -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/ens/metadata/api-docs-2024/api-docs.json"
    );
    let docs: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let demos: Vec<Value> =
        serde_json::from_str(docs["apis"][action]["responseDemo"].as_str().unwrap()).unwrap();
    let json = demos.iter().find(|d| d["type"] == "json").unwrap();
    serde_json::from_str(json["example"].as_str().unwrap()).unwrap()
}

/// Where `ours` differs in shape from `example`: keys the example lacks, types that differ.
fn differences(ours: &Value, example: &Value, path: &str, out: &mut Vec<String>) {
    match (ours, example) {
        (Value::Object(o), Value::Object(e)) => {
            for (k, v) in o {
                match e.get(k) {
                    Some(ev) => differences(v, ev, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: not in the reference example")),
                }
            }
        }
        (Value::Array(o), Value::Array(e)) => {
            if let Some(first) = e.first() {
                for item in o {
                    differences(item, first, &format!("{path}[]"), out);
                }
            }
        }
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_)) => {}
        (o, e) => out.push(format!("{path}: {o} where the example has {e}")),
    }
}

fn check(action: &str, ours: &Value) {
    let example = reference_example(action);
    let mut out = Vec::new();
    differences(ours, &example, action, &mut out);
    for key in example.as_object().unwrap().keys() {
        if ours.get(key).is_none() {
            out.push(format!("{action}.{key}: in the example, missing here"));
        }
    }
    assert!(out.is_empty(), "{}", out.join("\n"));
}

#[tokio::test]
async fn answers_are_shaped_like_the_reference_examples() {
    let emu = Emulator::builder()
        .manual_clock()
        .timings(Timings::immediate())
        .start()
        .await
        .unwrap();
    let region = "cn-beijing-cmcc";
    let mut answers: Vec<(&str, Value)> = Vec::new();
    let mut run = async |action: &'static str, params: &[(&str, &str)]| -> Value {
        let answer = call(&emu, action, params).await;
        assert_eq!(answer.status, 200, "{action}: {}", answer.body);
        let body = answer.json();
        answers.push((action, body.clone()));
        body
    };
    let net = run(
        "CreateNetwork",
        &[("EnsRegionId", region), ("CidrBlock", "10.0.0.0/16")],
    )
    .await["NetworkId"]
        .as_str()
        .unwrap()
        .to_owned();
    let vsw = run(
        "CreateVSwitch",
        &[
            ("EnsRegionId", region),
            ("NetworkId", &net),
            ("CidrBlock", "10.0.1.0/24"),
        ],
    )
    .await["VSwitchId"]
        .as_str()
        .unwrap()
        .to_owned();
    let created = run(
        "CreateInstance",
        &[
            ("InstanceType", "ens.sn1.small"),
            ("EnsRegionId", region),
            ("Period", "1"),
            ("Quantity", "1"),
            ("Password", support::PASSWORD),
            ("DataDisk.1.Size", "50"),
        ],
    )
    .await;
    let prepaid = created["InstanceIds"]["InstanceId"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let ran = run(
        "RunInstances",
        &[
            ("InstanceType", "ens.sn1.small"),
            ("InstanceChargeType", "PostPaid"),
            ("ScheduleAreaLevel", "Region"),
            ("EnsRegionId", region),
            ("Amount", "1"),
            ("InternetMaxBandwidthOut", "10"),
            ("Password", support::PASSWORD),
            ("VSwitchId", &vsw),
            ("NetWorkId", &net),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "edge"),
            ("AutoReleaseTime", "2030-01-01T00:00:00Z"),
            (
                "DataDisk",
                r#"[{"Size": 100, "Category": "cloud_efficiency"}]"#,
            ),
        ],
    )
    .await;
    let postpaid = ran["InstanceIds"][0].as_str().unwrap().to_owned();
    run("DescribeInstances", &[]).await;
    run(
        "DescribeCreatePrePaidInstanceResult",
        &[("InstanceId", &prepaid)],
    )
    .await;
    run("DescribeNetworks", &[]).await;
    run("DescribeVSwitches", &[]).await;
    run("StopInstance", &[("InstanceId", &prepaid)]).await;
    run("StartInstance", &[("InstanceId", &prepaid)]).await;
    run("RebootInstance", &[("InstanceId", &prepaid)]).await;
    run(
        "ReinitInstance",
        &[
            ("InstanceId", &prepaid),
            ("ImageId", "centos_7_08_64_20G_alibase_20200914"),
        ],
    )
    .await;
    run("ReleasePrePaidInstance", &[("InstanceId", &prepaid)]).await;
    run("ReleasePostPaidInstance", &[("InstanceId", &postpaid)]).await;
    run("DeleteVSwitch", &[("VSwitchId", &vsw)]).await;
    run("DeleteNetwork", &[("NetworkId", &net)]).await;
    let covered: Vec<&str> = answers.iter().map(|(a, _)| *a).collect();
    for action in ens_emulator::emulated_operations() {
        assert!(covered.contains(&action), "{action} has no shape check");
    }
    for (action, body) in &answers {
        check(action, body);
    }
}
