//! A password given to any generated request never shows in its `Debug` output, nor in the
//! violations when the request is invalid: every parameter a spec marks `secret` is redacted.
#![allow(clippy::unwrap_used)]

use ens_client::core::Params;

const PASSWORD: &str = "Sup3r-Secret!pw";

fn params(pairs: &[(&str, &str)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn passwords_stay_out_of_debug_for_every_operation_that_takes_one() {
    let debug = [
        format!(
            "{:?}",
            ens_client::ModifyInstanceAttributeRequest::from_params(&params(&[
                ("InstanceId", "i-1"),
                ("Password", PASSWORD),
            ]))
            .unwrap()
        ),
        format!(
            "{:?}",
            ens_client::ReinitInstanceRequest::from_params(&params(&[
                ("InstanceId", "i-1"),
                ("ImageId", "img-1"),
                ("Password", PASSWORD),
            ]))
            .unwrap()
        ),
        format!(
            "{:?}",
            ens_client::CreateInstanceRequest::from_params(&params(&[
                ("InstanceType", "ens.sn1.small"),
                ("EnsRegionId", "cn-beijing-cmcc"),
                ("Period", "1"),
                ("Quantity", "1"),
                ("Password", PASSWORD),
            ]))
            .unwrap()
        ),
    ];
    for text in debug {
        assert!(!text.contains(PASSWORD), "{text}");
        assert!(text.contains("Password(***)"), "{text}");
    }
}

#[test]
fn a_broken_secret_is_reported_without_its_value() {
    let err = ens_client::RunInstancesRequest::from_params(&params(&[
        ("Password", PASSWORD),
        ("Bogus", "x"),
    ]))
    .unwrap_err();
    assert!(err.parameters().contains(&"Bogus"));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}

/// RunInstances' text: "You need to specify at least one of Password, KeyPairName, and
/// PasswordInherit" — the same login rule as CreateInstance.
#[test]
fn run_instances_needs_a_way_to_log_in() {
    let base = [
        ("InstanceType", "ens.sn1.small"),
        ("InstanceChargeType", "PrePaid"),
        ("ScheduleAreaLevel", "Region"),
        ("EnsRegionId", "cn-beijing-cmcc"),
        ("InternetMaxBandwidthOut", "10"),
        ("Amount", "1"),
    ];
    let err = ens_client::RunInstancesRequest::from_params(&params(&base)).unwrap_err();
    assert!(
        err.parameters().contains(&"Password") && err.parameters().contains(&"KeyPairName"),
        "{err}"
    );
    let mut with_key = base.to_vec();
    with_key.push(("KeyPairName", "my-key"));
    ens_client::RunInstancesRequest::from_params(&params(&with_key)).unwrap();
}

#[test]
fn run_instances_password_is_redacted() {
    let password = ens_client::types::Password::new(PASSWORD).unwrap();
    let shown = format!("{password:?}");
    assert_eq!(shown, "Password(***)");
    assert_eq!(password.expose_secret(), PASSWORD);
}
