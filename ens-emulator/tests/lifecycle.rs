//! The instance lifecycle through ens-client, on a manual clock: no sleeps.
#![allow(clippy::unwrap_used)]

mod support;

use ens_client::{
    DescribeInstancesRequest, ReinitInstanceRequest, RunInstancesRequest, SignatureVersion,
    WaitOptions,
};
use ens_emulator::{ChargeType, Emulator, Settle, Status, Timings};
use std::time::Duration;
use support::{client, client_with, create};

async fn status_of(client: &ens_client::Client, id: &str) -> String {
    let answer = client
        .send(DescribeInstancesRequest::builder().instance_id(id).build())
        .await
        .unwrap();
    assert_eq!(answer.instances.len(), 1, "{id}");
    answer.instances[0]
        .status
        .as_ref()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn create_boot_stop_start_reboot_reinit_release_with_both_signatures() {
    for version in [SignatureVersion::V3, SignatureVersion::RpcV1] {
        let emu = Emulator::builder().manual_clock().start().await.unwrap();
        let c = client_with(&emu, version);
        let created = c
            .send(create("cn-beijing-cmcc", "ens.sn1.small", 2))
            .await
            .unwrap();
        assert_eq!(created.code, Some(0));
        assert_eq!(created.instance_ids.len(), 2);
        assert!(created.request_id.as_deref().is_some_and(|r| r.len() == 36));
        let id = created.instance_ids[0].clone();
        assert_eq!(status_of(&c, &id).await, "Pending");
        // A stop before it is running is refused with the documented status error.
        let early = support::stop(&c, &id).await.unwrap_err();
        assert_eq!(early.code(), Some("IncorrectInstanceStatus"));

        emu.advance(Duration::from_secs(2));
        let running = c
            .wait_for_instances(
                created.instance_ids.clone(),
                "Running",
                &WaitOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(running.len(), 2);
        assert_eq!(running[0].spec_name.as_deref(), Some("ens.sn1.small"));

        support::stop(&c, &id).await.unwrap();
        assert_eq!(status_of(&c, &id).await, "Stopping");
        emu.advance(Duration::from_secs(1));
        assert_eq!(status_of(&c, &id).await, "Stopped");
        let again = support::stop(&c, &id).await.unwrap_err();
        assert_eq!(again.code(), Some("IncorrectInstanceStatus"));

        support::start(&c, &id).await.unwrap();
        assert_eq!(status_of(&c, &id).await, "Starting");
        emu.advance(Duration::from_secs(1));
        assert_eq!(status_of(&c, &id).await, "Running");

        support::reboot(&c, &id).await.unwrap();
        assert_eq!(status_of(&c, &id).await, "Starting");
        emu.advance(Duration::from_secs(1));

        let reinit = ReinitInstanceRequest::builder()
            .instance_id(&id)
            .image_id("ubuntu_20_04_x64_20G_alibase_20210420")
            .build();
        c.send(reinit).await.unwrap();
        emu.advance(Duration::from_secs(2));
        let described = c
            .send(DescribeInstancesRequest::builder().instance_id(&id).build())
            .await
            .unwrap();
        assert_eq!(
            described.instances[0].image_id.as_deref(),
            Some("ubuntu_20_04_x64_20G_alibase_20210420")
        );

        // CreateInstance makes subscriptions: the pay-as-you-go release refuses them.
        let wrong = support::release_post_paid(&c, &id).await.unwrap_err();
        assert_eq!(wrong.code(), Some("InvalidParameter.InstanceId"));
        for i in &created.instance_ids {
            support::release_pre_paid(&c, i).await.unwrap();
        }
        let gone = support::start(&c, &id).await.unwrap_err();
        assert_eq!(
            (gone.code(), gone.http_status()),
            (Some("InstanceNotFound"), Some(400))
        );
        assert!(emu.instances().is_empty());
        assert_eq!(
            emu.stock("cn-beijing-cmcc", "ens.sn1.small"),
            100,
            "stock returned"
        );
        assert_eq!(emu.count("CreateInstance"), 1);
    }
}

#[tokio::test]
async fn run_instances_post_paid_and_its_release_rules() {
    let emu = Emulator::builder().manual_clock().start().await.unwrap();
    let c = client(&emu);
    let run = RunInstancesRequest::builder()
        .instance_type("ens.sn1.tiny")
        .instance_charge_type(ens_client::run_instances::InstanceChargeType::PostPaid)
        .schedule_area_level(ens_client::run_instances::ScheduleAreaLevel::Region)
        .ens_region_id("cn-hangzhou-telecom")
        .internet_max_bandwidth_out(50)
        .amount(3)
        .password(ens_client::types::Password::new(support::PASSWORD).unwrap())
        .instance_name(ens_client::types::InstanceName::new("web").unwrap())
        .unique_suffix(true)
        .build();
    let answer = c.send(run).await.unwrap();
    assert_eq!(answer.instance_ids.len(), 3);
    assert!(answer.order_id.as_deref().is_some_and(|o| o.len() == 15));
    let listed = emu.instances();
    assert!(
        listed
            .iter()
            .all(|i| i.charge == ChargeType::PostPaid && i.status == Status::Pending)
    );
    assert_eq!(
        listed.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
        ["web001", "web002", "web003"]
    );

    let first = answer.instance_ids[0].clone();
    // Not while booting (the reference documents IncorrectInstanceStatus).
    let busy = support::release_post_paid(&c, &first).await.unwrap_err();
    assert_eq!(busy.code(), Some("IncorrectInstanceStatus"));
    emu.advance(Duration::from_secs(2));
    let wrong = support::release_pre_paid(&c, &first).await.unwrap_err();
    assert_eq!(wrong.code(), Some("InvalidParameter.InstanceId"));
    support::release_post_paid(&c, &first).await.unwrap();
    assert_eq!(emu.instances().len(), 2);
    let missing = support::release_post_paid(&c, &first).await.unwrap_err();
    assert_eq!(missing.code(), Some("InstanceIdNotFound"));
}

#[tokio::test]
async fn stock_runs_out_and_comes_back() {
    let emu = Emulator::builder().manual_clock().start().await.unwrap();
    emu.set_stock("cn-xian-unicom", "ens.sn1.medium", 3);
    let c = client(&emu);
    let err = c
        .send(create("cn-xian-unicom", "ens.sn1.medium", 4))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.http_status()),
        (Some("StockNotEnough"), Some(400))
    );
    assert!(emu.instances().is_empty(), "all or nothing");
    let made = c
        .send(create("cn-xian-unicom", "ens.sn1.medium", 3))
        .await
        .unwrap();
    assert_eq!(emu.stock("cn-xian-unicom", "ens.sn1.medium"), 0);
    let err = c
        .send(create("cn-xian-unicom", "ens.sn1.medium", 1))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("StockNotEnough"));
    // Other types and regions have their own stock.
    c.send(create("cn-xian-unicom", "ens.sn1.small", 1))
        .await
        .unwrap();
    support::release_pre_paid(&c, &made.instance_ids[0])
        .await
        .unwrap();
    c.send(create("cn-xian-unicom", "ens.sn1.medium", 1))
        .await
        .unwrap();
    // Unknown catalog entries get the documented codes.
    let err = c
        .send(create("cn-xian-unicom", "ens.nope", 1))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter.InstanceType"));
    let err = c
        .send(create("xx-nowhere", "ens.sn1.small", 1))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter.EnsRegionId"));
}

#[tokio::test]
async fn describe_filters_and_pages() {
    let emu = Emulator::builder()
        .manual_clock()
        .timings(Timings::immediate())
        .start()
        .await
        .unwrap();
    let c = client(&emu);
    let mut ids = Vec::new();
    for (region, n) in [("cn-beijing-cmcc", 7), ("cn-hangzhou-telecom", 5)] {
        ids.extend(
            c.send(create(region, "ens.sn1.small", n))
                .await
                .unwrap()
                .instance_ids,
        );
    }
    let all = c
        .send(DescribeInstancesRequest::builder().page_size(100).build())
        .await
        .unwrap();
    assert_eq!((all.total_count, all.instances.len()), (Some(12), 12));
    assert!(
        all.instances
            .iter()
            .all(|i| i.status.as_ref().map(|s| s.as_str()) == Some("Running")),
        "immediate timings"
    );
    let page2 = c
        .send(
            DescribeInstancesRequest::builder()
                .page_size(5)
                .page_number(2)
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(
        (page2.page_number, page2.page_size, page2.instances.len()),
        (Some(2), Some(5), 5)
    );
    assert_eq!(
        page2.instances[0].instance_id.as_deref(),
        Some(ids[5].as_str()),
        "creation order"
    );
    let page3 = c
        .send(
            DescribeInstancesRequest::builder()
                .page_size(5)
                .page_number(3)
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(page3.instances.len(), 2);
    let default_page = c
        .send(DescribeInstancesRequest::builder().build())
        .await
        .unwrap();
    assert_eq!(default_page.instances.len(), 10, "PageSize defaults to 10");
    let hz = c
        .send(
            DescribeInstancesRequest::builder()
                .ens_region_id("cn-hangzhou-telecom")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(hz.total_count, Some(5));
    let picked = c
        .send(
            DescribeInstancesRequest::builder()
                .instance_ids([ids[0].clone(), ids[11].clone()])
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(picked.instances.len(), 2);
    support::stop(&c, &ids[3]).await.unwrap();
    let stopped = c
        .send(
            DescribeInstancesRequest::builder()
                .status(ens_client::types::InstanceStatus::Stopped)
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(
        stopped
            .instances
            .iter()
            .map(|i| i.instance_id.clone().unwrap_or_default())
            .collect::<Vec<_>>(),
        [ids[3].clone()]
    );
    let by_region_list = c
        .send(
            DescribeInstancesRequest::builder()
                .ens_region_ids(["cn-beijing-cmcc".to_owned()])
                .page_size(100)
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(by_region_list.total_count, Some(7));
}

#[tokio::test]
async fn a_transition_that_never_completes_times_the_waiter_out() {
    let timings = Timings {
        boot: Settle::Never,
        ..Timings::immediate()
    };
    let emu = Emulator::builder()
        .manual_clock()
        .timings(timings)
        .start()
        .await
        .unwrap();
    let c = client(&emu);
    let ids = c
        .send(create("cn-beijing-cmcc", "ens.sn1.small", 1))
        .await
        .unwrap()
        .instance_ids;
    emu.advance(Duration::from_secs(86_400));
    let options = WaitOptions::default()
        .with_timeout(Duration::from_millis(30))
        .with_delays(Duration::from_millis(5), Duration::from_millis(10));
    let err = c
        .wait_for_instances(ids, "Running", &options)
        .await
        .unwrap_err();
    match err {
        ens_client::WaitError::TimedOut { pending, .. } => {
            assert_eq!(pending[0].last_status.as_deref(), Some("Pending"))
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn accounts_see_only_their_own_instances() {
    let emu = Emulator::builder()
        .manual_clock()
        .access_key(ens_emulator::AccessKey::new("LTAIalice", "alice-secret"))
        .access_key(ens_emulator::AccessKey::new("LTAIbob", "bob-secret"))
        .start()
        .await
        .unwrap();
    let as_user = |id: &str, secret: &str| {
        ens_client::Client::builder()
            .endpoint(emu.endpoint())
            .credentials(ens_client::Credentials::new(id, secret))
            .build()
            .unwrap()
    };
    let (alice, bob) = (
        as_user("LTAIalice", "alice-secret"),
        as_user("LTAIbob", "bob-secret"),
    );
    let made = alice
        .send(create("cn-beijing-cmcc", "ens.sn1.small", 1))
        .await
        .unwrap();
    let seen = bob
        .send(DescribeInstancesRequest::builder().build())
        .await
        .unwrap();
    assert_eq!(seen.total_count, Some(0));
    let err = support::start(&bob, &made.instance_ids[0])
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InstanceNotFound"));
    assert_eq!(emu.instances()[0].account, "LTAIalice");
}
