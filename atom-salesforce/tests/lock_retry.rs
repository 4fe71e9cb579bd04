//! `UNABLE_TO_LOCK_ROW` (another transaction holds the record's lock) is retried with
//! backoff, as Salesforce advises, whatever the method: the failed transaction was rolled
//! back. Requests are counted, never timed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::{Account, Contact};
use common::{client, data, fixture};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCOUNT_ID: &str = "001D000000JliSTIAZ";

fn locked() -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_string(fixture("unable_to_lock_row_response.json"))
}

#[tokio::test]
async fn an_update_that_meets_a_locked_row_is_retried_until_it_goes_through() {
    let server = MockServer::start().await;
    let record = data(&format!("/sobjects/Account/{ACCOUNT_ID}"));
    Mock::given(method("PATCH"))
        .and(path(record.clone()))
        .respond_with(locked())
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(record))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let change = Account {
        industry: Some("Energy".into()),
        ..Default::default()
    };
    sf.accounts().update(ACCOUNT_ID, &change).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_create_that_meets_a_locked_row_is_retried_and_a_lasting_lock_is_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/sobjects/Account")))
        .respond_with(locked())
        .expect(3)
        .mount(&server)
        .await;
    let sf = client(&server);
    let account = Account {
        name: Some("Acme".into()),
        ..Default::default()
    };
    let err = sf.accounts().create(&account).await.unwrap_err();
    // The test client allows 3 attempts: all three were made, then the error came out.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(
        (err.kind(), err.provider_code(), err.status()),
        (ErrorKind::Conflict, Some("UNABLE_TO_LOCK_ROW"), Some(400))
    );
    assert!(err.is_retryable());
}

fn contacts(names: &[&str]) -> Vec<Contact> {
    names
        .iter()
        .map(|n| Contact {
            last_name: Some((*n).to_owned()),
            ..Default::default()
        })
        .collect()
}

fn ok(id: &str) -> serde_json::Value {
    json!({"id": id, "success": true, "errors": []})
}

fn failed(code: &str) -> serde_json::Value {
    json!({"success": false, "errors": [{"statusCode": code, "message": "m", "fields": []}]})
}

fn last_names(request: &wiremock::Request) -> Vec<String> {
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["LastName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn records_locked_inside_a_200_answer_are_resent_alone_and_their_results_merged_in_order() {
    let server = MockServer::start().await;
    let route = data("/composite/sobjects");
    // First answer: B locked, C a real validation error; the resend of B succeeds.
    Mock::given(method("POST"))
        .and(path(route.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            ok("003000000000001AAA"),
            failed("UNABLE_TO_LOCK_ROW"),
            failed("REQUIRED_FIELD_MISSING"),
        ])))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([ok("003000000000002AAA")])))
        .mount(&server)
        .await;
    let sf = client(&server);
    let results = sf
        .collections()
        .create(&contacts(&["A", "B", "C"]), false)
        .await
        .unwrap();
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(last_names(&seen[0]), ["A", "B", "C"]);
    assert_eq!(
        last_names(&seen[1]),
        ["B"],
        "only the locked record is resent"
    );
    let ids: Vec<_> = results.iter().map(|r| r.id.as_deref()).collect();
    assert_eq!(
        ids,
        [Some("003000000000001AAA"), Some("003000000000002AAA"), None]
    );
    assert_eq!(
        results[2].errors[0].status_code.as_deref(),
        Some("REQUIRED_FIELD_MISSING")
    );
}

#[tokio::test]
async fn an_all_or_none_chunk_rolled_back_by_a_lock_is_resent_whole_and_a_lasting_lock_is_reported()
{
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/composite/sobjects")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            failed("ALL_OR_NONE_OPERATION_ROLLED_BACK"),
            failed("UNABLE_TO_LOCK_ROW"),
        ])))
        .mount(&server)
        .await;
    let sf = client(&server);
    let results = sf
        .collections()
        .create(&contacts(&["A", "B"]), true)
        .await
        .unwrap();
    let seen = server.received_requests().await.unwrap();
    // The test client allows 3 attempts: the chunk went 3 times, whole each time.
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|r| last_names(r) == ["A", "B"]));
    assert_eq!(
        results[1].errors[0].status_code.as_deref(),
        Some("UNABLE_TO_LOCK_ROW")
    );
}

#[tokio::test]
async fn an_all_or_none_chunk_failed_by_anything_but_a_lock_is_not_resent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/composite/sobjects")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            failed("UNABLE_TO_LOCK_ROW"),
            failed("REQUIRED_FIELD_MISSING"),
        ])))
        .mount(&server)
        .await;
    let sf = client(&server);
    sf.collections()
        .create(&contacts(&["A", "B"]), true)
        .await
        .unwrap();
    // Resending would meet the validation error again.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
