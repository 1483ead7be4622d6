//! The typical CreateInstance call whose per-call cost `benches/call_cost.rs` (criterion, with
//! allocation counts) and `examples/call_cost.rs` (callgrind) measure, so their figures describe
//! the same work: 12 operation parameters, 20 signed ones with RPC 1.0's common parameters,
//! the password among them (sent in the form body), fixed credentials behind the client's cache,
//! and the default clock and nonce (the system clock, 128 bits from the OS), as a real call has.
#![allow(clippy::unwrap_used, dead_code)]

use ens_client::create_instance::{
    DataDisk, InstanceName, InternetChargeType, Password, PaymentType,
};
use ens_client::{Client, CreateInstanceRequest, Credentials, SignatureVersion};

/// The request: every parameter is one a CreateInstance call commonly sets.
pub fn create_instance() -> CreateInstanceRequest {
    let mut request = CreateInstanceRequest::builder()
        .ens_region_id("cn-hangzhou-telecom")
        .instance_type("ens.sn1.stiny")
        .image_id("centos_7_9_x64_20G_alibase_20230718")
        .payment_type(PaymentType::Subscription)
        .internet_charge_type(InternetChargeType::BandwidthByDay)
        .period(1)
        .quantity(1)
        .instance_name(InstanceName::new("web-01").unwrap())
        .password(Password::new("Abc12345!xyz").unwrap())
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
