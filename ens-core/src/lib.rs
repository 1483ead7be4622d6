//! What generated ENS operations are made of.
//!
//! Generated code is mostly data: each operation describes its parameters and their rules as
//! `static` tables ([`OperationSpec`]), and the one checker in this crate ([`check`]) interprets
//! them. Keeping the logic here, written once and tested once, is what keeps every generated
//! module small and fast to compile.
//!
//! The wire parameter map ([`Params`]) is the interchange format: a typed request turns into it,
//! a map can be turned back into a checked request, and the signer and the transport only ever
//! see the map.
#![deny(missing_docs)]

mod catalog;
pub mod de;
pub mod forms;
mod macros;
mod nested;
mod operation;
mod params;
pub mod pattern;
mod rules;
mod violation;
pub mod waiter;
pub mod wire;

pub use catalog::{ErrorDef, find_code};
pub use operation::{Operation, OperationError, OperationSpec, RetryClass};
pub use params::{Params, ParamsIter};
pub use rules::{
    CharClass, Condition, CrossRule, Kind, LengthUnit, Location, Packing, ParamSpec, Rule, check,
    check_value,
};
pub use serde;
pub use serde_json;
pub use violation::{Violation, Violations};
pub use waiter::{Acceptor, Comparator, Matcher, WaitState, Waiter};
pub use zeroize;

/// Type-state marker: a required builder field has not been set yet.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unset;
