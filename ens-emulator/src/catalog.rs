//! What the specs say about every operation: extracted at build time by `build.rs` from
//! `specs/ens/` (operation specs first, Alibaba's api-docs metadata for the rest).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One documented error: code, HTTP status, message (`%s` where the service fills something in).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub(crate) struct ErrorRow {
    pub(crate) code: String,
    pub(crate) status: u16,
    pub(crate) message: String,
}

/// A parameter as api-docs describes it, for operations that have no spec yet.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DocParam {
    pub(crate) name: String,
    pub(crate) required: bool,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) style: Option<String>,
    #[serde(rename = "enum")]
    pub(crate) values: Option<Vec<String>>,
    pub(crate) minimum: Option<i64>,
    pub(crate) maximum: Option<i64>,
}

/// One operation of the service.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OperationInfo {
    /// Whether `specs/ens/operations/` has it (then the generated validator exists).
    pub(crate) spec: bool,
    /// Documented calls per second per account.
    pub(crate) per_second: Option<u32>,
    /// The documented error rows: the spec's, else api-docs'.
    pub(crate) errors: Vec<ErrorRow>,
    #[serde(default)]
    pub(crate) doc_params: Vec<DocParam>,
    /// api-docs' rows, a fallback for codes the spec does not list.
    #[serde(default)]
    pub(crate) doc_errors: Vec<ErrorRow>,
}

/// Every operation and the common error rows.
#[derive(Debug, Deserialize)]
pub(crate) struct Catalog {
    pub(crate) common: Vec<ErrorRow>,
    pub(crate) operations: BTreeMap<String, OperationInfo>,
}

static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// The catalog, parsed once per process.
pub(crate) fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| {
        // Written by `cargo xtask regen` from the specs (and checked by `regen --check`).
        serde_json::from_str(include_str!("catalog.json")).expect("regen writes a valid catalog")
    })
}

impl Catalog {
    /// The operation named `action`, if the service has it.
    pub(crate) fn operation(&self, action: &str) -> Option<&OperationInfo> {
        self.operations.get(action)
    }

    /// The documented row for `code` as `action` returns it: the operation's own rows, then the
    /// common ones, then api-docs' rows of the operation, then the first other operation that
    /// documents the code (the same code means the same thing across ENS). `None` if nothing
    /// documents it.
    pub(crate) fn documented(&self, action: &str, code: &str) -> Option<&ErrorRow> {
        let own = self.operations.get(action);
        own.and_then(|op| op.errors.iter().find(|r| r.code == code))
            .or_else(|| self.common.iter().find(|r| r.code == code))
            .or_else(|| own.and_then(|op| op.doc_errors.iter().find(|r| r.code == code)))
            .or_else(|| {
                self.operations
                    .values()
                    .flat_map(|op| op.errors.iter().chain(&op.doc_errors))
                    .find(|r| r.code == code)
            })
    }

    /// The row `action` documents with exactly this code pattern (`InvalidParameter.%s`).
    pub(crate) fn own_pattern(&self, action: &str, pattern: &str) -> Option<&ErrorRow> {
        self.operations
            .get(action)?
            .errors
            .iter()
            .find(|r| r.code == pattern)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_spec_and_metadata_operations() {
        let c = catalog();
        let create = c.operation("CreateInstance").expect("spec");
        assert!(create.spec);
        assert_eq!(create.per_second, Some(10));
        assert!(create.errors.iter().any(|r| r.code == "StockNotEnough"));
        // No spec yet (lane I imports it), but api-docs knows it.
        let vsw = c.operation("CreateVSwitch").expect("api-docs");
        assert!(
            vsw.doc_params
                .iter()
                .any(|p| p.name == "CidrBlock" && p.required)
        );
        assert!(c.operations.len() >= 231, "{}", c.operations.len());
        assert!(c.operation("NoSuchAction").is_none());
    }

    #[test]
    fn rows_fall_back_from_operation_to_common_to_other_operations() {
        let c = catalog();
        let own = c
            .documented("CreateInstance", "StockNotEnough")
            .expect("own row");
        assert_eq!(
            own.message,
            "The specified instance type has insufficient resource."
        );
        let common = c
            .documented("CreateInstance", "Throttling.User")
            .expect("common");
        assert_eq!(
            (common.status, common.message.as_str()),
            (400, "Request was denied due to user flow control.")
        );
        // StopInstance does not list IncorrectInstanceStatus; StartInstance does.
        let borrowed = c
            .documented("StopInstance", "IncorrectInstanceStatus")
            .expect("other op");
        assert_eq!(borrowed.status, 400);
        assert!(c.documented("CreateInstance", "No.Such.Code").is_none());
    }
}
