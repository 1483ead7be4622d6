//! The typical CreateInstance request both the criterion bench and the callgrind driver
//! (`examples/sign_cost.rs`) sign, so their figures describe the same work.

/// The operation's own parameters (what goes in the query for both signature versions); with
/// the 8 common ones, 20 signed parameters.
pub const OPERATION: &[(&str, &str)] = &[
    ("EnsRegionId", "cn-hangzhou-telecom"),
    ("InstanceType", "ens.sn1.stiny"),
    ("ImageId", "centos_7_9_x64_20G_alibase_20230718"),
    ("PaymentType", "Subscription"),
    ("InternetChargeType", "BandwidthByDay"),
    ("Period", "1"),
    ("Quantity", "1"),
    ("InstanceName", "web-01"),
    ("Password", "Abc12345!"),
    ("SystemDisk.Size", "40"),
    ("DataDisk.1.Size", "100"),
    ("RegionId", "cn-hangzhou"),
];
