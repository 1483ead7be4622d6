//! Operation handlers: each reads a validated wire parameter map and the world, changes the
//! world, and returns the response body without `RequestId` (added by the pipeline).

pub(crate) mod instances;
pub(crate) mod networks;

use crate::errors::ApiError;
use crate::registry::to_params;
use crate::request::WireMap;
use crate::state::{Account, Timings, World};
use crate::validate;
use ens_core::wire::{Reader, WireValue};
use ens_core::{Params, Violations};
use serde_json::Value;

/// A handler: validated parameters in, response body or documented error out.
pub(crate) type Handler = fn(&mut Ctx<'_>, &WireMap) -> Result<Value, ApiError>;

/// What a handler works with.
pub(crate) struct Ctx<'a> {
    pub(crate) world: &'a mut World,
    pub(crate) account: &'a str,
    pub(crate) action: &'a str,
    pub(crate) now_ms: i64,
    pub(crate) timings: &'a Timings,
    /// Set by handlers that changed the world (persistence writes then).
    pub(crate) mutated: bool,
}

impl Ctx<'_> {
    /// The documented row for `code` (`fill` replaces `%s`).
    pub(crate) fn error(&self, code: &str, fill: Option<&str>) -> ApiError {
        ApiError::documented(self.action, code, fill)
    }

    /// An invalid value of `parameter`, in this operation's documented form.
    pub(crate) fn invalid(&self, parameter: &str, detail: &str) -> ApiError {
        validate::invalid_error(self.action, parameter, detail)
            .recommend(format!("ens-emulator: {parameter}: {detail}"))
    }

    /// The caller's account, created on first use.
    pub(crate) fn account(&mut self) -> &mut Account {
        self.world
            .accounts
            .entry(self.account.to_owned())
            .or_default()
    }

    /// The caller's account, read-only (empty if it owns nothing yet).
    pub(crate) fn account_ref(&self) -> Option<&Account> {
        self.world.accounts.get(self.account)
    }
}

/// Typed reads of the validated map; a failure (only possible for operations without a spec)
/// is the operation's documented invalid-parameter error.
pub(crate) struct Input<'a> {
    params: &'a WireMap,
    /// The same for ens-core's typed readers.
    wire: Params,
    action: &'a str,
}

impl<'a> Input<'a> {
    pub(crate) fn new(params: &'a WireMap, action: &'a str) -> Self {
        Self {
            params,
            wire: to_params(params),
            action,
        }
    }

    fn map<T>(&self, r: Result<T, Violations>) -> Result<T, ApiError> {
        r.map_err(|v| validate::to_error(self.action, &v))
    }

    /// The raw value, empty counting as absent.
    pub(crate) fn text(&self, name: &str) -> Option<&'a str> {
        self.params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub(crate) fn string(&self, name: &str) -> Option<String> {
        self.text(name).map(str::to_owned)
    }

    pub(crate) fn required(&self, name: &str) -> Result<String, ApiError> {
        self.string(name)
            .ok_or_else(|| validate::missing_error(self.action, name))
    }

    pub(crate) fn opt<T: WireValue>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.map(Reader::new(&self.wire).opt(name))
    }

    /// A boolean in any capitalisation.
    pub(crate) fn flag(&self, name: &str) -> Option<bool> {
        self.text(name).and_then(|v| {
            if v.eq_ignore_ascii_case("true") {
                Some(true)
            } else if v.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            }
        })
    }

    /// A list sent as a JSON array (`["a","b"]`) or as `Name.1`, `Name.2`, ...; `None` when
    /// neither is present. An empty JSON array is `Some(vec![])`: the reference makes it a filter
    /// that matches nothing.
    pub(crate) fn list(&self, name: &str) -> Result<Option<Vec<String>>, ApiError> {
        if let Some(raw) = self.params.get(name).filter(|v| !v.is_empty()) {
            return match serde_json::from_str::<Vec<Value>>(raw) {
                Ok(items) => Ok(Some(
                    items
                        .into_iter()
                        .map(|v| match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        })
                        .collect(),
                )),
                // Some SDKs send one id or a comma-joined list.
                Err(_) => Ok(Some(raw.split(',').map(|s| s.trim().to_owned()).collect())),
            };
        }
        let repeated: Vec<String> = self.map(Reader::new(&self.wire).repeated(name))?;
        Ok((!repeated.is_empty()).then_some(repeated))
    }

    /// `Name.N.Field` values in position order (`DataDisk.1.Size`, `DataDisk.2.Size`).
    pub(crate) fn indexed(&self, name: &str, field: &str) -> Vec<(usize, String)> {
        let prefix = format!("{name}.");
        let suffix = format!(".{field}");
        let mut found: Vec<(usize, String)> = self
            .params
            .iter()
            .filter_map(|(k, v)| {
                let n = k
                    .strip_prefix(&prefix)?
                    .strip_suffix(&suffix)?
                    .parse()
                    .ok()?;
                Some((n, v.clone()))
            })
            .collect();
        found.sort();
        found
    }
}

/// `PageNumber` and `PageSize`, with the service's defaults.
pub(crate) fn page<T>(
    items: Vec<T>,
    input: &Input<'_>,
    max_size: i64,
) -> Result<(Vec<T>, i64, i64, usize), ApiError> {
    let number = input.opt::<i64>("PageNumber")?.unwrap_or(1).max(1);
    let size = input
        .opt::<i64>("PageSize")?
        .unwrap_or(10)
        .clamp(1, max_size);
    let total = items.len();
    let skip = usize::try_from((number - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    let take = usize::try_from(size).unwrap_or(usize::MAX);
    let page = items.into_iter().skip(skip).take(take).collect();
    Ok((page, number, size, total))
}
