//! Request validation: the generated validators where a spec exists, the metadata's basic rules
//! otherwise, and the mapping of broken rules to the operation's documented error rows.
//!
//! The service is lenient where official SDKs differ from the reference (the Python SDK sends
//! booleans as `True`/`False` whatever the documented spelling, and extra parameters such as
//! `RegionId`), so the emulator is too: unknown parameters are dropped and a boolean in the other
//! capitalisation is accepted, before any rule is judged.

use crate::catalog::{DocParam, catalog};
use crate::errors::ApiError;
use crate::registry;
use crate::request::WireMap;
use ens_core::{Violation, Violations};

/// Rules whose violation the reference gives a specific code for: (action, parameter
/// (a trailing `.` matches a prefix, `*` any), rule (`*` any), code). The rows themselves
/// (status, message) come from the spec.
const SPECIFIC_CODES: &[(&str, &str, &str, &str)] = &[
    (
        "CreateInstance",
        "Password",
        "forbidden_when",
        "InvalidPasswordParam.Mismatch",
    ),
    (
        "CreateInstance",
        "PasswordInherit",
        "forbidden_when",
        "InvalidPasswordParam.Mismatch",
    ),
    (
        "CreateInstance",
        "*",
        "at_least_one",
        "ENS_PASSWORDORKEYPAIRNAME_MODULE_NOT_CHOOSEN",
    ),
    (
        "CreateInstance",
        "SystemDisk.Size",
        "*",
        "InvalidDiskSize.ValueNotSupported",
    ),
    (
        "CreateInstance",
        "DataDisk.",
        "*",
        "InvalidDiskSize.ValueNotSupported",
    ),
    (
        "CreateInstance",
        "InternetChargeType",
        "*",
        "InvalidParameter.Bandwidth",
    ),
];

/// Checks `params` (the operation's own parameters, common ones removed) for `action`, making
/// them what the handler reads: unknown names dropped, booleans in the spelling the spec uses.
pub(crate) fn validate(action: &str, params: &mut WireMap) -> Result<(), ApiError> {
    let result = match registry::generated_check(action, params) {
        Some(first) => lenient(action, params, first),
        None => check_metadata(action, params),
    };
    result.map_err(|violations| to_error(action, &violations))
}

/// Retries the generated check after dropping unknown parameters and re-spelling booleans.
fn lenient(
    action: &str,
    params: &mut WireMap,
    mut result: Result<(), Violations>,
) -> Result<(), Violations> {
    let mut respelled: Vec<(String, String)> = Vec::new();
    for _ in 0..2 {
        let Err(violations) = &result else {
            return Ok(());
        };
        let mut changed = false;
        for v in violations {
            if v.rule == "unknown" {
                changed |= params.remove(&v.parameter).is_some();
            } else if v.rule == "type"
                && !respelled.iter().any(|(name, _)| *name == v.parameter)
                && let Some(value) = params.get(&v.parameter)
                && let Some(other) = other_boolean_spelling(value)
            {
                respelled.push((v.parameter.clone(), value.clone()));
                params.insert(v.parameter.clone(), other.to_owned());
                changed = true;
            }
        }
        if !changed {
            break;
        }
        result = registry::generated_check(action, params).unwrap_or(Ok(()));
    }
    if result.is_err() {
        // Report what the client sent, not our re-spelling.
        for (name, original) in respelled {
            params.insert(name, original);
        }
    }
    result
}

fn other_boolean_spelling(value: &str) -> Option<&'static str> {
    match value {
        "true" => Some("True"),
        "false" => Some("False"),
        v if v.eq_ignore_ascii_case("true") => Some("true"),
        v if v.eq_ignore_ascii_case("false") => Some("false"),
        _ => None,
    }
}

/// The basic rules api-docs gives (required, integer, boolean, enum, bounds), for operations
/// without a spec yet. When the spec arrives, `registry::generated_check` takes over.
fn check_metadata(action: &str, params: &mut WireMap) -> Result<(), Violations> {
    let Some(op) = catalog().operation(action) else {
        return Ok(());
    };
    let mut found = Vec::new();
    for p in &op.doc_params {
        let value = params.get(&p.name).filter(|v| !v.is_empty());
        let listed = params
            .keys()
            .any(|k| k.starts_with(&format!("{}.", p.name)));
        match value {
            None if p.required && !listed => {
                found.push(Violation::new(
                    p.name.as_str(),
                    "required",
                    "is required",
                    None,
                ));
            }
            None => {}
            Some(v) => {
                if let Some(problem) = doc_value_problem(p, v) {
                    found.push(Violation::new(p.name.as_str(), "type", problem, Some(v)));
                }
            }
        }
    }
    Violations(found).into_result()
}

fn doc_value_problem(p: &DocParam, value: &str) -> Option<String> {
    if p.style.as_deref().is_some_and(|s| s != "simple") {
        return None;
    }
    match p.kind.as_str() {
        "integer" => match value.parse::<i64>() {
            Err(_) => return Some("must be an integer".to_owned()),
            Ok(n) if p.minimum.is_some_and(|m| n < m) || p.maximum.is_some_and(|m| n > m) => {
                let (lo, hi) = (
                    p.minimum.map_or("".into(), |m| m.to_string()),
                    p.maximum.map_or("".into(), |m| m.to_string()),
                );
                return Some(format!("must be within [{lo}, {hi}]"));
            }
            Ok(_) => {}
        },
        "boolean" if other_boolean_spelling(value).is_none() => {
            return Some("must be true or false".to_owned());
        }
        _ => {}
    }
    match &p.values {
        Some(values) if !values.is_empty() && !values.iter().any(|v| v == value) => {
            Some(format!("must be one of {}", values.join(", ")))
        }
        _ => None,
    }
}

/// The one documented error a request with these violations gets: a missing parameter first,
/// then a rule the reference gives its own code, then any other invalid value. `Recommend`
/// lists every violation, by wire name (secret values are never shown).
pub(crate) fn to_error(action: &str, violations: &Violations) -> ApiError {
    let all: Vec<String> = violations.iter().map(ToString::to_string).collect();
    let advice = format!("ens-emulator: {}", all.join("; "));
    let missing = violations
        .iter()
        .find(|v| matches!(v.rule, "required" | "required_when"));
    let specific = violations.iter().find_map(|v| {
        SPECIFIC_CODES.iter().find_map(|&(a, param, rule, code)| {
            let param_ok = param == "*"
                || param == v.parameter
                || (param.ends_with('.') && v.parameter.starts_with(param));
            (a == action && param_ok && (rule == "*" || rule == v.rule)).then_some((v, code))
        })
    });
    let error = match (missing, specific, violations.iter().next()) {
        (Some(v), _, _) => missing_error(action, &v.parameter),
        (None, Some((v, code)), _) => ApiError::documented(action, code, Some(&v.parameter)),
        (None, None, Some(v)) => invalid_error(action, &v.parameter, &v.to_string()),
        (None, None, None) => invalid_error(action, "(unknown)", "invalid request"),
    };
    error.recommend(advice)
}

/// `MissingParameter` in the operation's documented form, else the gateway's.
pub(crate) fn missing_error(action: &str, parameter: &str) -> ApiError {
    let c = catalog();
    if let Some(row) = c.own_pattern(action, "MissingParameter") {
        return ApiError::from_row(row.status, &row.code, &row.message, Some(parameter));
    }
    if let Some(row) = c.own_pattern(action, "Missing%s") {
        return ApiError::from_row(row.status, &row.code, &row.message, Some(parameter));
    }
    ApiError::from_row(
        400,
        "MissingParameter",
        &format!(
            "The input parameter \"{parameter}\" that is mandatory for processing this request is not supplied."
        ),
        None,
    )
}

/// An invalid value of `parameter` in the operation's documented form (`InvalidParameter.%s`,
/// `Invalid%s`, `InvalidParameter`), else a generic `InvalidParameter`.
pub(crate) fn invalid_error(action: &str, parameter: &str, detail: &str) -> ApiError {
    let c = catalog();
    for pattern in ["InvalidParameter.%s", "Invalid%s"] {
        if let Some(row) = c.own_pattern(action, pattern) {
            return ApiError::from_row(row.status, &row.code, &row.message, Some(parameter));
        }
    }
    if let Some(row) = c.own_pattern(action, "InvalidParameter") {
        return ApiError::from_row(row.status, &row.code, &row.message, Some(detail));
    }
    ApiError::from_row(
        400,
        "InvalidParameter",
        &format!("The specified parameter \"{parameter}\" is not valid."),
        None,
    )
}

/// The operation's own row for `code` if it documents it, else [`invalid_error`] for
/// `parameter` (codes such as `InvalidParameter.InstanceType` are CreateInstance's, not
/// RunInstances').
pub(crate) fn documented_or_invalid(action: &str, code: &str, parameter: &str) -> ApiError {
    match catalog().own_pattern(action, code) {
        Some(row) => ApiError::from_row(row.status, &row.code, &row.message, None),
        None => invalid_error(action, parameter, "not offered"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> WireMap {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn create(extra: &[(&str, &str)]) -> WireMap {
        let mut p = params(&[
            ("InstanceType", "ens.sn1.small"),
            ("EnsRegionId", "cn-beijing-cmcc"),
            ("Period", "1"),
            ("Quantity", "1"),
            ("Password", "Edge#2024x"),
        ]);
        for (k, v) in extra {
            p.insert((*k).to_owned(), (*v).to_owned());
        }
        p
    }

    #[test]
    fn every_specific_code_is_documented_by_its_operation() {
        for (action, _, _, code) in SPECIFIC_CODES {
            assert!(
                catalog().own_pattern(action, code).is_some(),
                "{action} {code}"
            );
        }
    }

    #[test]
    fn valid_requests_pass_and_unknown_parameters_are_dropped() {
        let mut p = create(&[("RegionId", "cn-hangzhou"), ("SignatureType", "")]);
        validate("CreateInstance", &mut p).expect("valid");
        assert!(!p.contains_key("RegionId"));
    }

    #[test]
    fn booleans_in_either_spelling() {
        // UniqueSuffix is documented as true/false, AutoRenew as True/False.
        let mut p = create(&[
            ("UniqueSuffix", "True"),
            ("AutoRenew", "true"),
            ("AutoRenewPeriod", "1"),
        ]);
        validate("CreateInstance", &mut p).expect("lenient");
        assert_eq!(
            (p["UniqueSuffix"].as_str(), p["AutoRenew"].as_str()),
            ("true", "True")
        );
        let mut bad = create(&[("UniqueSuffix", "yes")]);
        let e = validate("CreateInstance", &mut bad).expect_err("not a boolean");
        assert_eq!(e.code, "InvalidParameter.UniqueSuffix");
    }

    #[test]
    fn documented_codes_per_rule() {
        let mut p = create(&[]);
        p.remove("Period");
        let e = validate("CreateInstance", &mut p).expect_err("missing");
        assert_eq!(e.code, "MissingParameter");
        assert_eq!(
            e.message,
            "The input parameter that is mandatory for processing this request is not supplied."
        );
        assert!(
            e.recommend
                .as_deref()
                .is_some_and(|r| r.contains("Period: is required")),
            "{e:?}"
        );

        let e = validate("CreateInstance", &mut create(&[("Period", "10")])).expect_err("range");
        assert_eq!(
            (e.status, e.code.as_str()),
            (400, "InvalidParameter.Period")
        );
        assert_eq!(
            e.message,
            "The specified field Period invalid. Please check it again."
        );

        let e = validate(
            "CreateInstance",
            &mut create(&[("PasswordInherit", "true")]),
        )
        .expect_err("both");
        assert_eq!(e.code, "InvalidPasswordParam.Mismatch");
        assert!(
            !e.recommend.unwrap_or_default().contains("Edge#2024x"),
            "secret shown"
        );

        let mut none = create(&[]);
        none.remove("Password");
        let e = validate("CreateInstance", &mut none).expect_err("no login");
        assert_eq!(e.code, "ENS_PASSWORDORKEYPAIRNAME_MODULE_NOT_CHOOSEN");

        let e = validate("CreateInstance", &mut create(&[("SystemDisk.Size", "35")]))
            .expect_err("disk");
        assert_eq!(e.code, "InvalidDiskSize.ValueNotSupported");

        // RunInstances documents Missing%s / Invalid%s instead. Area-level scheduling needs
        // NetDistrictCode (a conditional requirement: every parameter is optional on its own).
        let mut run = params(&[
            ("InstanceType", "ens.sn1.small"),
            ("ScheduleAreaLevel", "Big"),
            ("Carrier", "cmcc"),
            ("Amount", "1"),
            ("InternetMaxBandwidthOut", "10"),
            ("Password", "Edge#2024x"),
        ]);
        let e = validate("RunInstances", &mut run).expect_err("no NetDistrictCode");
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (
                "MissingNetDistrictCode",
                "You must specify the parameter NetDistrictCode."
            )
        );
    }

    #[test]
    fn metadata_rules_for_operations_without_a_spec() {
        let mut p = params(&[("EnsRegionId", "cn-beijing-cmcc")]);
        let e = validate("CreateVSwitch", &mut p).expect_err("no CidrBlock");
        assert_eq!(e.code, "MissingParameter");
        let mut p = params(&[("PageSize", "x")]);
        let e = validate("DescribeVSwitches", &mut p).expect_err("not an integer");
        assert_eq!(e.code, "InvalidParameter.PageSize");
        let mut ok = params(&[
            ("EnsRegionId", "cn-beijing-cmcc"),
            ("CidrBlock", "10.0.0.0/8"),
        ]);
        validate("CreateNetwork", &mut ok).expect("valid");
    }
}
