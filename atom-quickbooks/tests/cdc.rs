//! Change data capture: the request, deleted objects flagged, the 30-day window, resume.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use atom_core::ErrorKind;
use atom_quickbooks::cdc::CdcCheckpoint;
use atom_quickbooks::*;
use chrono::{DateTime, Duration, FixedOffset, Utc};
use common::*;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn hours_ago(h: i64) -> DateTime<FixedOffset> {
    let t = Utc::now() - Duration::hours(h);
    DateTime::parse_from_rfc3339(&t.format("%Y-%m-%dT%H:%M:%S-00:00").to_string()).unwrap()
}

#[tokio::test]
async fn cdc_sends_entities_and_changed_since_and_decodes_changes() {
    let server = MockServer::start().await;
    let since = hours_ago(2);
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .and(query_param("entities", "Bill,Customer"))
        .and(query_param(
            "changedSince",
            since.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        ))
        .and(query_param("minorversion", "75"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("cdc_response")))
        .expect(1)
        .mount(&server)
        .await;
    let result = client(&server)
        .cdc(&["Bill", "Customer"], since)
        .await
        .unwrap();
    assert!(!result.changes.is_empty());
    let bill = result.changes.iter().find(|c| c.entity == "Bill").unwrap();
    let decoded: Bill = bill.decode().unwrap();
    assert_eq!(decoded.id.as_deref(), Some(bill.id.as_str()));
    assert!(bill.last_updated.is_some());
    // The answer's server time is where the next read starts.
    assert_eq!(result.checkpoint.since.max(since), result.checkpoint.since);
    assert_eq!(
        Some(result.checkpoint.since),
        result.time.map(|t| t.max(since))
    );
}

#[tokio::test]
async fn deleted_objects_are_flagged() {
    let server = MockServer::start().await;
    let now = Utc::now().fixed_offset();
    let answer = json!({"CDCResponse": [{"QueryResponse": [
        {"Customer": [
            {"Id": "63", "SyncToken": "1", "DisplayName": "Kept", "MetaData": {"LastUpdatedTime": now.to_rfc3339()}},
            {"domain": "QBO", "status": "Deleted", "Id": "64", "MetaData": {"LastUpdatedTime": now.to_rfc3339()}}
        ], "startPosition": 1, "maxResults": 2, "totalCount": 2}
    ]}], "time": now.to_rfc3339()});
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let result = client(&server)
        .cdc(&["Customer"], hours_ago(1))
        .await
        .unwrap();
    let flags: Vec<(String, bool)> = result
        .changes
        .iter()
        .map(|c| (c.id.clone(), c.deleted))
        .collect();
    assert_eq!(flags, vec![("63".into(), false), ("64".into(), true)]);
    assert!(result.changes[1].decode::<Customer>().unwrap().is_deleted());
}

#[tokio::test]
async fn a_start_older_than_30_days_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let err = client(&server)
        .cdc(&["Invoice"], hours_ago(24 * 31))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("30 days"), "{err}");
    let err = client(&server).cdc(&[], hours_ago(1)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let err = client(&server)
        .cdc(&["Invoice&x=1"], hours_ago(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_sync_loop_resumes_from_the_saved_checkpoint() {
    let server = MockServer::start().await;
    let t1 = Utc::now().fixed_offset() - Duration::minutes(30);
    let t2 = Utc::now().fixed_offset() - Duration::minutes(10);
    let answer = |t: DateTime<FixedOffset>| json!({"CDCResponse": [{"QueryResponse": [{}]}], "time": t.to_rfc3339()});
    let first_since = hours_ago(3);
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .and(query_param(
            "changedSince",
            first_since.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer(t1)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .and(query_param(
            "changedSince",
            t1.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer(t2)))
        .expect(1)
        .mount(&server)
        .await;
    let qb = client(&server);
    let checkpoint = CdcCheckpoint::new(&["Invoice", "Payment"], first_since);
    let first = qb.cdc_from(&checkpoint).await.unwrap();
    // The checkpoint is saved (serialised) and read back by the next run.
    let saved = serde_json::to_string(&first.checkpoint).unwrap();
    let restored: CdcCheckpoint = serde_json::from_str(&saved).unwrap();
    let second = qb.cdc_from(&restored).await.unwrap();
    assert_eq!(second.checkpoint.since, t2);
    assert_eq!(second.checkpoint.entities, vec!["Invoice", "Payment"]);
}

#[tokio::test]
async fn a_capped_entity_resumes_from_its_last_change() {
    let server = MockServer::start().await;
    let start = Utc::now().fixed_offset() - Duration::hours(5);
    let rows: Vec<_> = (0..1000)
        .map(|i| json!({"Id": i.to_string(), "MetaData": {"LastUpdatedTime": (start + Duration::seconds(i)).to_rfc3339()}}))
        .collect();
    let answer = json!({"CDCResponse": [{"QueryResponse": [{"Invoice": rows}]}], "time": Utc::now().fixed_offset().to_rfc3339()});
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let result = client(&server)
        .cdc(&["Invoice"], hours_ago(6))
        .await
        .unwrap();
    assert_eq!(result.truncated, vec!["Invoice"]);
    assert_eq!(result.checkpoint.since, start + Duration::seconds(999));
}

#[tokio::test]
async fn a_cdc_fault_with_200_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("fault_query_200")))
        .mount(&server)
        .await;
    let err = client(&server)
        .cdc(&["Invoice"], hours_ago(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn a_thousand_changes_at_the_checkpoint_time_are_an_error_not_a_loop() {
    let server = MockServer::start().await;
    let since = hours_ago(2);
    let rows: Vec<_> = (0..1000)
        .map(|i| json!({"Id": i.to_string(), "MetaData": {"LastUpdatedTime": since.to_rfc3339()}}))
        .collect();
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"CDCResponse": [{"QueryResponse": [{"Invoice": rows}]}]})),
        )
        .mount(&server)
        .await;
    let err = client(&server).cdc(&["Invoice"], since).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn a_start_in_the_future_is_refused() {
    let server = MockServer::start().await;
    let later = Utc::now().fixed_offset() + Duration::hours(1);
    assert_eq!(
        client(&server)
            .cdc(&["Invoice"], later)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Config
    );
    assert!(requests(&server).await.is_empty());
}
