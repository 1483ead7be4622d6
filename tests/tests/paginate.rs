//! Generated paginators against ens-emulator (a local ENS): DescribeInstances by page number,
//! ListTagResources by token (answered by the emulator's canned answers), the end of the stream,
//! errors, and a service that claims pages it never gives.

#![allow(clippy::unwrap_used)] // a failed step should stop the test right there

use ens_client::{
    Client, Credentials, DescribeInstancesRequest, ListTagResourcesRequest, RetryPolicy,
};
use ens_emulator::{Effect, Emulator, Fault, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET, Trigger};

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// An emulator holding `n` instances.
async fn with_instances(n: i64) -> (Emulator, Client) {
    let emulator = Emulator::builder().manual_clock().start().await.unwrap();
    let c = client(&emulator);
    emulator.set_stock("cn-beijing-cmcc", "ens.sn1.small", 1000);
    let mut left = n;
    while left > 0 {
        let quantity = left.min(50);
        let request = ens_client::CreateInstanceRequest::builder()
            .instance_type("ens.sn1.small")
            .ens_region_id("cn-beijing-cmcc")
            .period(1)
            .quantity(quantity)
            .password(ens_client::types::Password::new("Edge#2024x").unwrap())
            .build();
        c.create_instance(request).await.unwrap();
        left -= quantity;
    }
    (emulator, c)
}

#[tokio::test]
async fn pages_end_at_the_total_and_items_come_once_each() {
    let (emulator, c) = with_instances(25).await;
    emulator.clear_requests();
    let request = DescribeInstancesRequest::builder().page_size(10).build();
    let pages = c.describe_instances_pages(request).collect().await.unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.instances.len()).collect();
    assert_eq!(sizes, [10, 10, 5]);
    assert_eq!(
        emulator.count("DescribeInstances"),
        3,
        "no call past the last page"
    );

    let request = DescribeInstancesRequest::builder().page_size(10).build();
    let items = c.describe_instances_pages(request).items().collect().await;
    let mut ids: Vec<String> = items
        .unwrap()
        .into_iter()
        .filter_map(|i| i.instance_id)
        .collect();
    assert_eq!(ids.len(), 25);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 25, "every instance once");
}

#[tokio::test]
async fn full_pages_stop_at_the_total_without_asking_for_an_empty_page() {
    let (emulator, c) = with_instances(20).await;
    emulator.clear_requests();
    let request = DescribeInstancesRequest::builder().page_size(10).build();
    let mut pages = c.describe_instances_pages(request);
    assert_eq!(pages.next().await.unwrap().unwrap().instances.len(), 10);
    assert_eq!(pages.next().await.unwrap().unwrap().instances.len(), 10);
    assert!(pages.next().await.is_none());
    assert!(pages.next().await.is_none(), "stays ended");
    assert_eq!(emulator.count("DescribeInstances"), 2);
}

#[tokio::test]
async fn paging_starts_where_the_request_says() {
    let (_emulator, c) = with_instances(25).await;
    let request = DescribeInstancesRequest::builder()
        .page_size(10)
        .page_number(2)
        .build();
    let items = c.describe_instances_pages(request).items().collect().await;
    assert_eq!(items.unwrap().len(), 15, "pages 2 and 3");
}

/// An empty id list is sent as `[]`, which matches nothing (left out, every instance matches).
#[tokio::test]
async fn an_empty_id_filter_matches_nothing() {
    let (_emulator, c) = with_instances(3).await;
    let none = DescribeInstancesRequest::builder()
        .instance_ids(Vec::<String>::new())
        .build();
    let items = c.describe_instances_pages(none).items().collect().await;
    assert!(items.unwrap().is_empty());
    let all = DescribeInstancesRequest::builder().build();
    let items = c.describe_instances_pages(all).items().collect().await;
    assert_eq!(items.unwrap().len(), 3);
}

#[tokio::test]
async fn an_error_is_yielded_once_and_ends_the_stream() {
    let (emulator, c) = with_instances(25).await;
    emulator.add_fault(Fault {
        actions: vec!["DescribeInstances".into()],
        region: None,
        signature: None,
        trigger: Trigger::Nth { n: 2 },
        effect: Effect::Error {
            status: 400,
            code: Some("InvalidParameter".into()),
            message: None,
        },
    });
    let request = DescribeInstancesRequest::builder().page_size(10).build();
    let mut items = c.describe_instances_pages(request).items();
    for _ in 0..10 {
        assert!(items.next().await.unwrap().is_ok());
    }
    let error = items.next().await.unwrap().unwrap_err();
    assert_eq!(error.code(), Some("InvalidParameter"));
    assert!(items.next().await.is_none());
}

/// A service whose total promises more than it gives: an empty page ends the stream.
#[tokio::test]
async fn a_total_never_reached_ends_at_an_empty_page() {
    let emulator = Emulator::builder().manual_clock().start().await.unwrap();
    let c = client(&emulator);
    let page = |n: usize| {
        let instances: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"InstanceId":"i-{i}"}}"#))
            .collect();
        format!(
            r#"{{"RequestId":"r","TotalCount":1000000,"Instances":{{"Instance":[{}]}}}}"#,
            instances.join(",")
        )
    };
    for (n, body) in [(1, page(2)), (2, page(2)), (3, page(0))] {
        emulator.add_fault(Fault {
            actions: vec!["DescribeInstances".into()],
            region: None,
            signature: None,
            trigger: Trigger::Nth { n },
            effect: Effect::Respond {
                status: 200,
                body,
                content_type: None,
                delay_ms: 0,
            },
        });
    }
    let request = DescribeInstancesRequest::builder().page_size(2).build();
    let items = c.describe_instances_pages(request).items().collect().await;
    assert_eq!(items.unwrap().len(), 4);
    assert_eq!(emulator.count("DescribeInstances"), 3);
}

/// ListTagResources pages by token: each answer's `NextToken` asks for the next page; an answer
/// without one (or repeating the token just sent) is the last.
#[tokio::test]
async fn tokens_carry_to_the_next_page_until_there_is_none() {
    let emulator = Emulator::builder().manual_clock().start().await.unwrap();
    let c = client(&emulator);
    let answers = [
        r#"{"RequestId":"r1","NextToken":"t1","TagResources":{"TagResource":[{"ResourceId":"i-1","TagKey":"a"}]}}"#,
        r#"{"RequestId":"r2","NextToken":"t2","TagResources":{"TagResource":[{"ResourceId":"i-2","TagKey":"b"}]}}"#,
        r#"{"RequestId":"r3","NextToken":"t2","TagResources":{"TagResource":[{"ResourceId":"i-3","TagKey":"c"}]}}"#,
    ];
    for (i, body) in answers.iter().enumerate() {
        emulator.add_fault(Fault {
            actions: vec!["ListTagResources".into()],
            region: None,
            signature: None,
            trigger: Trigger::Nth { n: i as u64 + 1 },
            effect: Effect::Respond {
                status: 200,
                body: (*body).to_owned(),
                content_type: None,
                delay_ms: 0,
            },
        });
    }
    let request = ListTagResourcesRequest::builder()
        .resource_type(ens_client::list_tag_resources::ResourceType::Instance)
        .build();
    let items = c.list_tag_resources_pages(request).items().collect().await;
    let ids: Vec<String> = items
        .unwrap()
        .into_iter()
        .filter_map(|t| t.resource_id)
        .collect();
    assert_eq!(ids, ["i-1", "i-2", "i-3"]);
    assert_eq!(emulator.count("ListTagResources"), 3);

    // The request for each next page carries the token the answer gave.
    use ens_client::paginate::Paginated;
    let first = ListTagResourcesRequest::builder()
        .resource_type(ens_client::list_tag_resources::ResourceType::Instance)
        .build();
    let answer: ens_client::ListTagResourcesResponse = serde_json::from_str(answers[0]).unwrap();
    let second = first.next_page(&answer, 1).unwrap();
    assert_eq!(second.next_token.as_deref(), Some("t1"));
    assert_eq!(second.resource_type, first.resource_type);
    let answer: ens_client::ListTagResourcesResponse = serde_json::from_str(answers[1]).unwrap();
    let third = second.next_page(&answer, 2).unwrap();
    assert_eq!(third.next_token.as_deref(), Some("t2"));
    let answer: ens_client::ListTagResourcesResponse = serde_json::from_str(answers[2]).unwrap();
    assert!(
        third.next_page(&answer, 3).is_none(),
        "the same token again ends it"
    );
}
