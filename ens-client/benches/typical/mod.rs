//! The typical CreateInstance call whose per-call cost `benches/call_cost.rs` (criterion),
//! `examples/call_cost.rs` (callgrind, CPU time) and `examples/call_allocs.rs` (allocations)
//! measure, so their figures describe the same work: 12 operation parameters (20 signed with RPC
//! 1.0's common ones), a password among them, fixed credentials behind the client's cache, and
//! the default clock and nonce (the system clock, 128 bits from the OS), as a real call has.
#![allow(clippy::unwrap_used, dead_code)]

use ens_client::create_instance::DataDisk;
use ens_client::{Client, CreateInstanceRequest, Credentials, SignatureVersion};

/// The request: every parameter is one a CreateInstance call commonly sets. (Checked values are
/// parsed into whatever type the builder takes, so this does not depend on where the generated
/// types live.)
pub fn create_instance() -> CreateInstanceRequest {
    let mut request = CreateInstanceRequest::builder()
        .ens_region_id("cn-hangzhou-telecom")
        .instance_type("ens.sn1.stiny")
        .image_id("centos_7_9_x64_20G_alibase_20230718")
        .payment_type("Subscription".parse().unwrap())
        .internet_charge_type("BandwidthByDay".parse().unwrap())
        .period(1)
        .quantity(1)
        .instance_name("web-01".parse().unwrap())
        .password("Abc12345!xyz".parse().unwrap())
        .system_disk_size(40)
        .build();
    request.data_disks = vec![DataDisk { size: Some(100) }];
    request.unique_suffix = Some(true);
    request
}

/// A client that is never asked to send (dry runs only), signing with `version`.
pub fn client(version: SignatureVersion) -> Client {
    Client::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(Credentials::new(
            "LTAI5tTestAccessKeyId000",
            "TestAccessKeySecret0123456789ab",
        ))
        .signature_version(version)
        .build()
        .unwrap()
}
