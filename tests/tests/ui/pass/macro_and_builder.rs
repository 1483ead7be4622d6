// A user crate: generates CreateInstance with the macro and uses its builder and shared types,
// and uses the committed one from ens-client.
mod create_instance {
    ens_macros::operation!("../../../../specs/ens/operations/CreateInstance.json");
}

use create_instance::CreateInstanceRequest;
use create_instance::create_instance::DataDisk;
use create_instance::types::{InternetChargeType, IpType, Password};

fn main() {
    let request = CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id("cn-beijing-cmcc")
        .period(3)
        .quantity(1)
        .password(Password::new("Edge#2024x").unwrap())
        .ip_type(IpType::Ipv4)
        .internet_charge_type(InternetChargeType::BandwidthByDay)
        .data_disks([DataDisk { size: Some(50), ..Default::default() }])
        .build();
    assert!(request.validate().is_ok());
    assert_eq!(request.to_params()["DataDisk.1.Size"], "50");

    let committed = ens_client::CreateInstanceRequest::builder()
        .quantity(1)
        .period(12)
        .ens_region_id("cn-beijing-cmcc")
        .instance_type("ens.sn1.small")
        .key_pair_name("my-key")
        .build();
    assert!(committed.validate().is_ok());
}
