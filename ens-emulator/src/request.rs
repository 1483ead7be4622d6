//! A request as the emulator received it, and the RPC view of it: one parameter map merged from
//! the query and an `application/x-www-form-urlencoded` body (where the official SDKs put the few
//! parameters whose location is the body, e.g. ReinitInstance's).

use std::collections::BTreeMap;

/// Wire parameters as the emulator keeps them: name to value. `ens_core::Params` is built from
/// it only where the generated code needs one (see `registry.rs`), so a change of that type
/// (the contract allows a newtype) touches one place.
pub(crate) type WireMap = BTreeMap<String, String>;

/// An HTTP request, as received (header names lower-cased).
#[derive(Debug, Clone, Default)]
pub(crate) struct HttpRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) raw_query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// The RPC parameters every request carries besides the operation's own.
const COMMON: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
    "SecurityToken",
];

impl HttpRequest {
    /// The first value of header `name` (lower-case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name`, in order.
    pub(crate) fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The query's pairs, decoded.
    pub(crate) fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.raw_query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The form body's pairs, decoded; empty unless the body is a form.
    pub(crate) fn form_pairs(&self) -> Vec<(String, String)> {
        let is_form = self.header("content-type").is_some_and(|t| {
            t.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        if is_form && !self.body.is_empty() {
            form_urlencoded::parse(&self.body).into_owned().collect()
        } else {
            Vec::new()
        }
    }
}

/// The RPC view of a request.
#[derive(Debug, Clone)]
pub(crate) struct RpcCall {
    /// Query pairs (RPC v1 signs these and the form's; ACS3 signs these).
    pub(crate) query: Vec<(String, String)>,
    /// Form body pairs.
    pub(crate) form: Vec<(String, String)>,
    /// Query and form merged; the first occurrence of a name wins.
    pub(crate) all: WireMap,
    /// `Action` (query, form, or ACS3's `x-acs-action`).
    pub(crate) action: Option<String>,
    /// `Version` (or `x-acs-version`).
    pub(crate) version: Option<String>,
    /// `Format` as sent.
    pub(crate) format: Option<String>,
}

impl RpcCall {
    pub(crate) fn new(req: &HttpRequest) -> Self {
        let query = req.query_pairs();
        let form = req.form_pairs();
        let mut all = WireMap::new();
        for (k, v) in query.iter().chain(&form) {
            all.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let pick = |param: &str, header: &str| {
            all.get(param)
                .cloned()
                .or_else(|| req.header(header).map(str::to_owned))
                .filter(|v| !v.is_empty())
        };
        let action = pick("Action", "x-acs-action");
        let version = pick("Version", "x-acs-version");
        let format = all.get("Format").cloned();
        Self {
            query,
            form,
            all,
            action,
            version,
            format,
        }
    }

    /// A parameter from query or form.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.all
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The operation's own parameters: everything but the common ones.
    pub(crate) fn operation_params(&self) -> WireMap {
        self.all
            .iter()
            .filter(|(k, _)| !COMMON.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_query_and_form() {
        let req = HttpRequest {
            method: "POST".into(),
            path: "/".into(),
            raw_query: "Action=ReinitInstance&Version=2017-11-10&A=%2B+b".into(),
            headers: vec![(
                "content-type".into(),
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            )],
            body: b"InstanceId=i-1&ImageId=m-2&A=ignored".to_vec(),
        };
        let call = RpcCall::new(&req);
        assert_eq!(call.action.as_deref(), Some("ReinitInstance"));
        assert_eq!(call.param("A"), Some("+ b"));
        let own = call.operation_params();
        assert_eq!(
            own.keys().map(String::as_str).collect::<Vec<_>>(),
            ["A", "ImageId", "InstanceId"]
        );
        assert_eq!(call.form.len(), 3);
    }
}
