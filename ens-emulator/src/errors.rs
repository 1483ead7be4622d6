//! Error answers: the documented rows, in the service's body `{RequestId, HostId, Code, Message,
//! Recommend}`.

use crate::catalog::catalog;

/// The code of an operation the specs know but the emulator does not implement.
pub const NOT_EMULATED: &str = "Emulator.OperationNotEmulated";
/// The code of a parameter value whose effect the emulator cannot model.
pub const PARAMETER_NOT_EMULATED: &str = "Emulator.ParameterNotEmulated";

/// An error answer before it gets a request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
    /// Emulator-specific advice (the service puts a troubleshooting link here).
    pub(crate) recommend: Option<String>,
}

impl ApiError {
    /// The row `action` documents for `code`; `fill` replaces `%s` in code and message. A code
    /// nothing documents gets status 400 and the code as message (never happens for the codes the
    /// handlers use: a unit test checks them).
    pub(crate) fn documented(action: &str, code: &str, fill: Option<&str>) -> Self {
        let (status, message) = match catalog().documented(action, code) {
            Some(row) => (row.status, row.message.clone()),
            None => (400, code.to_owned()),
        };
        Self::from_row(status, code, &message, fill)
    }

    /// A row with `%s` filled.
    pub(crate) fn from_row(status: u16, code: &str, message: &str, fill: Option<&str>) -> Self {
        let fill_in = |text: &str| match fill {
            Some(value) => text.replace("%s", value),
            None => text.to_owned(),
        };
        Self {
            status,
            code: fill_in(code),
            message: fill_in(message),
            recommend: None,
        }
    }

    /// The same with advice in `Recommend`.
    pub(crate) fn recommend(mut self, advice: impl Into<String>) -> Self {
        self.recommend = Some(advice.into());
        self
    }

    /// HTTP 501 for an operation known to the specs that the emulator does not implement.
    pub(crate) fn not_emulated(action: &str, version: &str) -> Self {
        Self {
            status: 501,
            code: NOT_EMULATED.to_owned(),
            message: format!(
                "ens-emulator does not emulate {action} (API {version}); the request was valid and authenticated, and nothing was done."
            ),
            recommend: Some(
                "See the list of emulated operations: GET /_emulator/info, or ens-emulator's README."
                    .to_owned(),
            ),
        }
    }

    /// HTTP 501 for a parameter value whose effect the emulator cannot model.
    pub(crate) fn parameter_not_emulated(action: &str, parameter: &str, why: &str) -> Self {
        Self {
            status: 501,
            code: PARAMETER_NOT_EMULATED.to_owned(),
            message: format!(
                "ens-emulator cannot emulate {parameter} of {action}: {why}. Nothing was done."
            ),
            recommend: Some(
                "Leave the parameter out or use a value the emulator models (see its README)."
                    .to_owned(),
            ),
        }
    }
}

/// JSON text of the documented error body.
pub(crate) fn error_json(error: &ApiError, request_id: &str, host_id: &str) -> String {
    let body = serde_json::json!({
        "RequestId": request_id,
        "HostId": host_id,
        "Code": error.code,
        "Message": error.message,
        "Recommend": error.recommend.clone().unwrap_or_default(),
    });
    body.to_string()
}

/// XML text of the same body (RPC answers XML when `Format` is absent or `XML`).
pub(crate) fn error_xml(error: &ApiError, request_id: &str, host_id: &str) -> String {
    let mut out = String::from("<?xml version='1.0' encoding='UTF-8'?><Error>");
    for (name, value) in [
        ("RequestId", request_id),
        ("HostId", host_id),
        ("Code", &error.code),
        ("Message", &error.message),
        ("Recommend", error.recommend.as_deref().unwrap_or("")),
    ] {
        push_element(&mut out, name, value);
    }
    out.push_str("</Error>");
    out
}

/// A success body as XML: `<{Action}Response>`, objects as nested elements, each item of a list
/// as an element named after the list (so `{"InstanceIds":{"InstanceId":[a,b]}}` becomes
/// `<InstanceIds><InstanceId>a</InstanceId><InstanceId>b</InstanceId></InstanceIds>`).
pub(crate) fn to_xml(action: &str, body: &serde_json::Value) -> String {
    let mut out = String::from("<?xml version='1.0' encoding='UTF-8'?>");
    let root = format!("{action}Response");
    write_xml(&mut out, &root, body);
    out
}

fn write_xml(out: &mut String, name: &str, value: &serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Array(items) => items.iter().for_each(|item| write_xml(out, name, item)),
        Value::Object(map) => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            for (key, inner) in map {
                write_xml(out, key, inner);
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        Value::String(s) => push_element(out, name, s),
        Value::Null => push_element(out, name, ""),
        other => push_element(out, name, &other.to_string()),
    }
}

fn push_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_rows_fill_placeholders() {
        let e = ApiError::documented("CreateInstance", "InvalidParameter.%s", Some("Period"));
        assert_eq!(e.code, "InvalidParameter.Period");
        assert_eq!(
            e.message,
            "The specified field Period invalid. Please check it again."
        );
        assert_eq!(e.status, 400);
        let e = ApiError::documented("AnyAction", "InvalidAccessKeyId.NotFound", None);
        assert_eq!(
            (e.status, e.message.as_str()),
            (404, "Specified access key is not found.")
        );
    }

    #[test]
    fn xml_wraps_lists_like_the_service() {
        let body = serde_json::json!({"Code": 0, "InstanceIds": {"InstanceId": ["i-1", "i-<2>"]}});
        assert_eq!(
            to_xml("CreateInstance", &body),
            "<?xml version='1.0' encoding='UTF-8'?><CreateInstanceResponse><Code>0</Code><InstanceIds><InstanceId>i-1</InstanceId><InstanceId>i-&lt;2&gt;</InstanceId></InstanceIds></CreateInstanceResponse>"
        );
    }
}
