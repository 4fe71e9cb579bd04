//! Batch: 30 per call, split, results matched by bId in input order, item faults.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use atom_core::ErrorKind;
use atom_quickbooks::batch::{BatchOp, BatchOutcome};
use atom_quickbooks::*;
use common::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers each batch call with one item per request item, in reverse order; items whose
/// customer is named "bad" get a Fault.
struct Echo;

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let mut items: Vec<Value> = body["BatchItemRequest"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                let bid = item["bId"].clone();
                if item.get("Query").is_some() {
                    return json!({"bId": bid, "QueryResponse": {"Invoice": [{"Id": "1"}], "startPosition": 1, "maxResults": 1}});
                }
                let customer = item.get("Customer").cloned().unwrap_or(json!({}));
                if customer["DisplayName"] == "bad" {
                    json!({"bId": bid, "Fault": {"Error": [{"Message": "Duplicate Name Exists Error", "code": "6240", "element": ""}], "type": "ValidationFault"}})
                } else {
                    let mut c = customer.clone();
                    c["Id"] = json!(format!("c{}", bid.as_str().unwrap()));
                    json!({"bId": bid, "Customer": c})
                }
            })
            .collect();
        items.reverse();
        ResponseTemplate::new(200)
            .set_body_json(json!({"BatchItemResponse": items, "time": "2026-11-29T09:00:00-08:00"}))
    }
}

fn customer(name: &str) -> Customer {
    let mut c = Customer::default();
    c.display_name = Some(name.into());
    c
}

#[tokio::test]
async fn sixty_five_operations_go_in_three_calls_and_come_back_in_input_order() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("batch")))
        .respond_with(Echo)
        .expect(3)
        .mount(&server)
        .await;
    let ops: Vec<BatchOp> = (0..65)
        .map(|i| BatchOp::create(&customer(if i == 31 { "bad" } else { "ok" })))
        .collect();
    let results = client(&server).batch(ops).await.unwrap();
    assert_eq!(results.len(), 65);
    for (i, item) in results.iter().enumerate() {
        assert_eq!(item.bid, i.to_string());
        if i == 31 {
            let err = item.entity::<Customer>().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest);
            assert_eq!(err.provider_code(), Some("6240"));
            assert_eq!(err.status(), Some(200));
        } else {
            assert_eq!(item.entity::<Customer>().unwrap().id, Some(format!("c{i}")));
        }
    }
    let seen = requests(&server).await;
    let sizes: Vec<usize> = seen
        .iter()
        .map(|r| body_json(r)["BatchItemRequest"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, vec![30, 30, 5]);
    let ids: Vec<String> = seen
        .iter()
        .map(|r| query_value(r, "requestid").unwrap())
        .collect();
    assert_eq!(
        ids.iter().collect::<std::collections::HashSet<_>>().len(),
        3,
        "one requestid per call"
    );
    let first = body_json(&seen[0]);
    assert_eq!(
        first["BatchItemRequest"][0],
        json!({"bId": "0", "operation": "create", "Customer": {"DisplayName": "ok"}})
    );
}

#[tokio::test]
async fn mixed_operations_are_encoded_as_quickbooks_reads_them() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("batch")))
        .respond_with(Echo)
        .expect(1)
        .mount(&server)
        .await;
    let mut existing = customer("ok");
    existing.id = Some("7".into());
    existing.sync_token = Some("2".into());
    let mut inv = Invoice::default();
    inv.id = Some("9".into());
    inv.sync_token = Some("0".into());
    let results = client(&server)
        .batch_with(
            vec![
                BatchOp::sparse_update(&existing),
                BatchOp::delete(&inv),
                BatchOp::query(&Query::of::<Invoice>().page_size(10)),
            ],
            &RequestOptions::request_id("nightly-42"),
        )
        .await
        .unwrap();
    let body = body_json(&requests(&server).await[0]);
    assert_eq!(
        body,
        json!({"BatchItemRequest": [
            {"bId": "0", "operation": "update", "Customer": {"Id": "7", "SyncToken": "2", "DisplayName": "ok", "sparse": true}},
            {"bId": "1", "operation": "delete", "Invoice": {"Id": "9", "SyncToken": "0"}},
            {"bId": "2", "Query": "SELECT * FROM Invoice STARTPOSITION 1 MAXRESULTS 10"}
        ]})
    );
    assert_eq!(
        query_value(&requests(&server).await[0], "requestid").as_deref(),
        Some("nightly-42")
    );
    assert!(matches!(results[2].result, Ok(BatchOutcome::Query(_))));
    assert_eq!(results[2].rows::<Invoice>().unwrap().len(), 1);
}

#[tokio::test]
async fn an_empty_batch_and_an_update_without_synctoken_send_nothing() {
    let server = MockServer::start().await;
    let qb = client(&server);
    assert_eq!(
        qb.batch(vec![]).await.unwrap_err().kind(),
        ErrorKind::Config
    );
    let err = qb
        .batch(vec![
            BatchOp::create(&customer("a")),
            BatchOp::update(&customer("b")),
        ])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn the_recorded_batch_answer_decodes_item_by_item() {
    let server = MockServer::start().await;
    let mut answer = fixture("batch_response");
    // The recording's bIds are 1a..9i; rename them to the indexes this client sends.
    for (i, item) in answer["BatchItemResponse"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        item["bId"] = json!(i.to_string());
    }
    Mock::given(method("POST"))
        .and(path(p("batch")))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let ops: Vec<BatchOp> = (0..9).map(|_| BatchOp::create(&customer("x"))).collect();
    let results = client(&server).batch(ops).await.unwrap();
    let err = results[0].entity::<Customer>().unwrap_err();
    let info = err.provider_details::<QuickBooksErrorInfo>().unwrap();
    assert_eq!(info.codes(), vec!["2050", "2080"]);
    assert_eq!(info.bid.as_deref(), Some("0"));
    assert_eq!(
        results[1].entity::<Customer>().unwrap().id.as_deref(),
        Some("19891")
    );
    assert_eq!(
        results[2]
            .entity::<Item>()
            .unwrap()
            .unit_price
            .unwrap()
            .as_str(),
        "12.23"
    );
}

#[tokio::test]
async fn a_missing_answer_fails_only_its_item_and_a_failed_call_stops_the_rest() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("batch")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"BatchItemResponse": [{"bId": "0", "Customer": {"Id": "1"}}]}),
            ),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("batch")))
        .respond_with(ResponseTemplate::new(400).set_body_json(fixture("fault_stale")))
        .mount(&server)
        .await;
    let ops: Vec<BatchOp> = (0..70).map(|_| BatchOp::create(&customer("x"))).collect();
    let results = client(&server).batch(ops).await.unwrap();
    assert!(results[0].result.is_ok());
    assert_eq!(
        results[1].entity::<Customer>().unwrap_err().kind(),
        ErrorKind::Decode
    );
    assert_eq!(
        results[30].entity::<Customer>().unwrap_err().kind(),
        ErrorKind::Conflict
    );
    assert_eq!(
        results[69].entity::<Customer>().unwrap_err().kind(),
        ErrorKind::Conflict
    );
    assert_eq!(
        requests(&server).await.len(),
        2,
        "the third call is not sent after the second failed"
    );
}

#[tokio::test]
async fn a_requestid_base_too_long_for_a_later_call_is_refused_before_the_first() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("batch")))
        .respond_with(Echo)
        .mount(&server)
        .await;
    let ops: Vec<BatchOp> = (0..31).map(|_| BatchOp::create(&customer("x"))).collect();
    // 49 characters: fine for call 0, but call 1 would send `{id}-1` (51).
    let base = "b".repeat(49);
    let err = client(&server)
        .batch_with(ops, &RequestOptions::request_id(base))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(requests(&server).await.is_empty());
}
