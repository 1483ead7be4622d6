//! The thin layer between the emulator and the generated code: which operations are emulated
//! (action -> handler) and the generated validator of each action. Handlers read the validated
//! wire parameter map, never generated types, so reorganising the generated code touches only
//! [`generated_check`].

use crate::handlers::{Handler, instances, networks};
use crate::request::WireMap;
use ens_core::{Params, Violations};

/// The generated validator of `action` (its `from_params` and `validate`), if ens-client has the
/// operation; `None` otherwise (then the metadata's basic rules apply, see `validate.rs`).
pub(crate) fn generated_check(action: &str, params: &WireMap) -> Option<Result<(), Violations>> {
    ens_client::check_params(action, &to_params(params))
}

/// The generated code's parameter map, built from ours.
pub(crate) fn to_params(params: &WireMap) -> Params {
    params.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Every emulated operation. Other operations of the specs answer HTTP 501
/// `Emulator.OperationNotEmulated` after authentication and validation.
pub(crate) const EMULATED: &[(&str, Handler)] = &[
    ("CreateInstance", instances::create_instance),
    ("RunInstances", instances::run_instances),
    ("DescribeInstances", instances::describe_instances),
    (
        "DescribeCreatePrePaidInstanceResult",
        instances::describe_create_result,
    ),
    ("StartInstance", instances::start_instance),
    ("StopInstance", instances::stop_instance),
    ("RebootInstance", instances::reboot_instance),
    ("ReinitInstance", instances::reinit_instance),
    ("ReleasePostPaidInstance", instances::release_post_paid),
    ("ReleasePrePaidInstance", instances::release_pre_paid),
    ("CreateNetwork", networks::create_network),
    ("DescribeNetworks", networks::describe_networks),
    ("DeleteNetwork", networks::delete_network),
    ("CreateVSwitch", networks::create_vswitch),
    ("DescribeVSwitches", networks::describe_vswitches),
    ("DeleteVSwitch", networks::delete_vswitch),
];

/// The handler of `action`, if emulated.
pub(crate) fn handler(action: &str) -> Option<Handler> {
    EMULATED
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(_, h)| *h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;

    #[test]
    fn every_emulated_operation_is_in_the_catalog() {
        for (action, _) in EMULATED {
            assert!(catalog().operation(action).is_some(), "{action}");
        }
    }
}
