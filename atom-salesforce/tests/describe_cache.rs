//! The describe cache: per org and object, a maximum age, explicit invalidation, and the
//! picklist-checked stage advance using it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use atom_core::{ErrorKind, Secret};
use atom_salesforce::Client;
use atom_salesforce::describe_cache::DescribeCache;
use common::{client, fast_retry, fixture_json};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OPP: &str = "0065g00000AbCdEAAV";

fn data(rest: &str) -> String {
    format!("/services/data/v67.0{rest}")
}

/// The recorded describe, renamed Opportunity, with a `StageName` picklist of `stages`.
fn opportunity_describe(stages: &[&str]) -> serde_json::Value {
    let mut d = fixture_json("sobject_describe_success_response.json");
    d["name"] = json!("Opportunity");
    let values: Vec<_> = stages
        .iter()
        .map(|s| json!({"active": true, "defaultValue": false, "label": s, "value": s}))
        .collect();
    d["fields"].as_array_mut().unwrap().push(json!({
        "name": "StageName", "type": "picklist", "label": "Stage", "picklistValues": values
    }));
    d
}

fn org_client(server: &MockServer, org: &str, cache: &Arc<DescribeCache>) -> Client {
    Client::builder()
        .base_url(server.uri())
        .access_token(Secret::new("00Dx0000000BV7z!static"))
        .retry_policy(fast_retry())
        .tenant(org)
        .describe_cache(cache.clone())
        .build()
        .unwrap()
}

async fn mount_patch(server: &MockServer, stage: &str, times: u64) {
    Mock::given(method("PATCH"))
        .and(path(data(&format!("/sobjects/Opportunity/{OPP}"))))
        .and(body_json(json!({"StageName": stage})))
        .respond_with(ResponseTemplate::new(204))
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn stage_advances_describe_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/Opportunity/describe")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(opportunity_describe(&["Prospecting", "Closed Won"])),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_patch(&server, "Prospecting", 2).await;
    mount_patch(&server, "Closed Won", 1).await;
    let sf = client(&server);
    for stage in ["Prospecting", "Closed Won", "Prospecting"] {
        sf.opportunities().advance_stage(OPP, stage).await.unwrap();
    }
    // Clones share the cache.
    let clone = sf.clone();
    assert!(clone.describe_cached("OPPORTUNITY").await.is_ok());
}

#[tokio::test]
async fn a_stage_added_since_is_checked_against_a_fresh_describe() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/Opportunity/describe")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(opportunity_describe(&["Prospecting"])),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/Opportunity/describe")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(opportunity_describe(&["Prospecting", "Renewal"])),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_patch(&server, "Prospecting", 1).await;
    mount_patch(&server, "Renewal", 2).await;
    let sf = client(&server);
    sf.opportunities()
        .advance_stage(OPP, "Prospecting")
        .await
        .unwrap();
    sf.opportunities()
        .advance_stage(OPP, "Renewal")
        .await
        .unwrap();
    // The fresh describe is now the cached one.
    sf.opportunities()
        .advance_stage(OPP, "Renewal")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_refused_stage_write_drops_the_cached_describe() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/Opportunity/describe")))
        .respond_with(ResponseTemplate::new(200).set_body_json(opportunity_describe(&["Legacy"])))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(data(&format!("/sobjects/Opportunity/{OPP}"))))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!([{
            "message": "Stage: bad value for restricted picklist field: Legacy",
            "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            "fields": ["StageName"]
        }])))
        .expect(2)
        .mount(&server)
        .await;
    let sf = client(&server);
    for _ in 0..2 {
        let err = sf
            .opportunities()
            .advance_stage(OPP, "Legacy")
            .await
            .unwrap_err();
        assert_eq!(
            err.provider_code(),
            Some("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
        );
    }
}

#[tokio::test]
async fn entries_are_per_org_expire_and_can_be_dropped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/Invoice__c/describe")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture_json("sobject_describe_success_response.json")),
        )
        // org A: 1 + 1 after invalidation; org B: 1; zero max age: 2.
        .expect(5)
        .mount(&server)
        .await;
    let shared = Arc::new(DescribeCache::new(Duration::from_secs(3600)));
    let a = org_client(&server, "00DA", &shared);
    let b = org_client(&server, "00DB", &shared);
    for _ in 0..2 {
        a.describe_cached("Invoice__c").await.unwrap();
        b.describe_cached("Invoice__c").await.unwrap();
    }
    // API names are case-insensitive: a hit.
    a.describe_cached("INVOICE__C").await.unwrap();
    assert_eq!(shared.len(), 2);
    a.invalidate_describe("INVOICE__c");
    assert_eq!(shared.len(), 1);
    a.describe_cached("Invoice__c").await.unwrap();
    b.describe_cached("Invoice__c").await.unwrap();

    let never = Arc::new(DescribeCache::new(Duration::ZERO));
    let c = org_client(&server, "00DC", &never);
    c.describe_cached("Invoice__c").await.unwrap();
    c.describe_cached("Invoice__c").await.unwrap();

    // A bad name sends nothing.
    let err = a.describe_cached("Invoice__c/../x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn the_cache_holds_at_most_its_entry_count() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture_json("sobject_describe_success_response.json")),
        )
        .mount(&server)
        .await;
    let small = Arc::new(DescribeCache::new(Duration::from_secs(3600)).max_entries(2));
    let sf = org_client(&server, "00DA", &small);
    for object in ["A__c", "B__c", "C__c", "D__c"] {
        sf.describe_cached(object).await.unwrap();
    }
    assert_eq!(small.len(), 2);
    small.clear();
    assert!(small.is_empty());
}
