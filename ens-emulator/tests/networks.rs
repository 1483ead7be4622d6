//! Networks and vSwitches make `VSwitchId` and `PrivateIpAddress` real.
#![allow(clippy::unwrap_used)]

mod support;

use ens_client::DescribeInstancesRequest;
use ens_emulator::Emulator;
use support::{call, client};

async fn network(emu: &Emulator, region: &str, cidr: &str) -> String {
    let answer = call(
        emu,
        "CreateNetwork",
        &[
            ("EnsRegionId", region),
            ("CidrBlock", cidr),
            ("NetworkName", "net"),
        ],
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["NetworkId"].as_str().unwrap().to_owned()
}

async fn vswitch(emu: &Emulator, region: &str, network: &str, cidr: &str) -> support::Raw {
    call(
        emu,
        "CreateVSwitch",
        &[
            ("EnsRegionId", region),
            ("NetworkId", network),
            ("CidrBlock", cidr),
            ("VSwitchName", "vsw"),
        ],
    )
    .await
}

#[tokio::test]
async fn vswitches_and_private_addresses_are_checked() {
    let emu = Emulator::builder().manual_clock().start().await.unwrap();
    let region = "cn-beijing-cmcc";
    let net = network(&emu, region, "10.0.0.0/16").await;
    assert!(net.starts_with("n-"));
    let vsw = vswitch(&emu, region, &net, "10.0.1.0/24").await.json()["VSwitchId"]
        .as_str()
        .unwrap()
        .to_owned();

    // CIDR rules: inside the network, mask 16..29, no overlap.
    for (cidr, why) in [
        ("10.1.0.0/24", "outside"),
        ("10.0.1.128/25", "overlap"),
        ("10.0.2.0/30", "mask"),
        ("10.0.2.5/24", "unaligned"),
    ] {
        let answer = vswitch(&emu, region, &net, cidr).await;
        assert_eq!(
            answer.code(),
            "InvalidParameter.CidrBlock",
            "{why}: {}",
            answer.body
        );
    }
    let answer = vswitch(&emu, region, "n-missing", "10.0.3.0/24").await;
    assert_eq!(answer.code(), "InvalidNetworkId.NotFound");
    let answer = call(
        &emu,
        "CreateNetwork",
        &[("EnsRegionId", region), ("CidrBlock", "8.8.0.0/16")],
    )
    .await;
    assert_eq!(answer.code(), "InvalidParameter.CidrBlock");
    let answer = call(
        &emu,
        "CreateNetwork",
        &[("EnsRegionId", "xx-nowhere"), ("CidrBlock", "10.0.0.0/8")],
    )
    .await;
    assert_eq!(answer.code(), "InvalidEnsRegionId.NotFound");

    let c = client(&emu);
    let in_vsw = |ip: Option<&str>| {
        let b = ens_client::CreateInstanceRequest::builder()
            .instance_type("ens.sn1.small")
            .ens_region_id(region)
            .period(1)
            .quantity(1)
            .password(ens_client::types::Password::new(support::PASSWORD).unwrap())
            .vswitch_id(&vsw);
        match ip {
            Some(ip) => b
                .private_ip_address(ens_client::types::PrivateIpAddress::new(ip).unwrap())
                .build(),
            None => b.build(),
        }
    };
    let first = c
        .send(in_vsw(Some("10.0.1.50")))
        .await
        .unwrap()
        .instance_ids
        .remove(0);
    let dup = c.send(in_vsw(Some("10.0.1.50"))).await.unwrap_err();
    assert_eq!(
        (dup.code(), dup.message()),
        (
            Some("InvalidPrivateIpAddress.Duplicated"),
            Some("Specified private IP address is duplicated.")
        )
    );
    let outside = c.send(in_vsw(Some("10.0.2.7"))).await.unwrap_err();
    assert_eq!(outside.code(), Some("InvalidPrivateIpAddress"));
    let auto = c.send(in_vsw(None)).await.unwrap().instance_ids.remove(0);
    let listed = c
        .send(DescribeInstancesRequest::builder().vswitch_id(&vsw).build())
        .await
        .unwrap();
    assert_eq!(listed.total_count, Some(2));
    let auto_ip = emu
        .instances()
        .into_iter()
        .find(|i| i.id == auto)
        .unwrap()
        .private_ip;
    assert_eq!(auto_ip, "10.0.1.2", "first free host address");
    let attrs = listed.instances[0].network_attributes.clone().unwrap();
    assert_eq!(
        (attrs.network_id.as_deref(), attrs.vswitch_id.as_deref()),
        (Some(net.as_str()), Some(vsw.as_str()))
    );

    let missing = ens_client::CreateInstanceRequest::builder()
        .instance_type("ens.sn1.small")
        .ens_region_id(region)
        .period(1)
        .quantity(1)
        .password(ens_client::types::Password::new(support::PASSWORD).unwrap())
        .vswitch_id("vsw-nope")
        .build();
    let err = c.send(missing).await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidVSwitchId.NotFound"));

    // Describe, then delete in dependency order.
    let vsws = call(&emu, "DescribeVSwitches", &[("NetworkId", &net)])
        .await
        .json();
    assert_eq!(vsws["TotalCount"], 1);
    assert_eq!(vsws["VSwitches"]["VSwitch"][0]["FreeIpCount"], 253 - 2);
    let nets = call(&emu, "DescribeNetworks", &[("EnsRegionId", region)])
        .await
        .json();
    assert_eq!(
        nets["Networks"]["Network"][0]["VSwitchIds"]["VSwitchId"][0],
        vsw.as_str()
    );
    assert_eq!(
        call(&emu, "DeleteNetwork", &[("NetworkId", &net)])
            .await
            .code(),
        "DependencyViolation.VSwitch"
    );
    assert_eq!(
        call(&emu, "DeleteVSwitch", &[("VSwitchId", &vsw)])
            .await
            .code(),
        "DependencyViolation.Instance"
    );
    for id in [&first, &auto] {
        support::release_pre_paid(&c, id).await.unwrap();
    }
    assert_eq!(
        call(&emu, "DeleteVSwitch", &[("VSwitchId", &vsw)])
            .await
            .status,
        200
    );
    assert_eq!(
        call(&emu, "DeleteVSwitch", &[("VSwitchId", &vsw)])
            .await
            .code(),
        "InvalidVSwitchId.NotFound"
    );
    assert_eq!(
        call(&emu, "DeleteNetwork", &[("NetworkId", &net)])
            .await
            .status,
        200
    );
    assert_eq!(
        call(&emu, "DeleteNetwork", &[("NetworkId", &net)])
            .await
            .code(),
        "InvalidNetworkId.NotFound"
    );
    assert_eq!(
        call(&emu, "DescribeNetworks", &[]).await.json()["TotalCount"],
        0
    );
}
