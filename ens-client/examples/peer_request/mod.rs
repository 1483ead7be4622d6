//! The peer benchmark's CreateInstance request (`../shared/peerbench/README.md`), shared by the
//! examples that measure a call.

use ens_client::CreateInstanceRequest;
use ens_client::create_instance::DataDisk;
use ens_client::types::{InstanceName, IpType, Password};

/// `InstanceType=ens.se1.tiny`, `EnsRegionId=cn-hangzhou`, `Period=1`, `Quantity=1`,
/// `Password=Abcdef12!`, `InstanceName=test-1`, `SystemDisk.Size=40`, `DataDisk.1.Size=50`,
/// `IpType=ipv4`, built anew for every call.
#[allow(clippy::unwrap_used)]
pub fn request() -> CreateInstanceRequest {
    CreateInstanceRequest::builder()
        .instance_type("ens.se1.tiny")
        .ens_region_id("cn-hangzhou")
        .period(1)
        .quantity(1)
        .password(Password::new("Abcdef12!").unwrap())
        .instance_name(InstanceName::new("test-1").unwrap())
        .system_disk_size(40)
        .data_disks([DataDisk { size: Some(50) }])
        .ip_type(IpType::Ipv4)
        .build()
}
