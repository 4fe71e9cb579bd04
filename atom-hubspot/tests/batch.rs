//! Batch calls: split into calls of 100, results back in input order whatever order HubSpot
//! answers in, and a 207 multi-status answer surfaced per item, nothing dropped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_hubspot::{BatchReadParams, BatchUpdateInput, BatchUpsertInput, ObjectCreateParams};
use common::{body, client, record, requests};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers a batch write with one result per input, in reverse order, each echoing the
/// input's `objectWriteTraceId` and properties, with `new` set for upserts.
struct EchoReversed;

impl Respond for EchoReversed {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let inputs = body["inputs"].as_array().unwrap();
        let results: Vec<Value> = inputs
            .iter()
            .enumerate()
            .rev()
            .map(|(i, input)| {
                let mut r = record(&format!("{}", 1000 + i), input["properties"].clone());
                r["objectWriteTraceId"] = input["objectWriteTraceId"].clone();
                r["new"] = json!(i % 2 == 0);
                r
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "status": "COMPLETE", "results": results,
            "startedAt": "2024-01-01T00:00:00Z", "completedAt": "2024-01-01T00:00:01Z"
        }))
    }
}

#[tokio::test]
async fn an_upsert_of_250_makes_three_calls_and_keeps_input_order() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/batch/upsert"))
        .respond_with(EchoReversed)
        .expect(3)
        .mount(&server)
        .await;
    let inputs: Vec<BatchUpsertInput> = (0..250)
        .map(|i| {
            BatchUpsertInput::new(format!("user{i}@example.com"))
                .property("email", format!("user{i}@example.com"))
        })
        .collect();
    let outcome = client(&server.uri())
        .contacts()
        .batch_upsert("email", &inputs)
        .await
        .unwrap();
    assert_eq!(outcome.requests, 3);
    assert!(outcome.is_complete());
    let emails: Vec<String> = outcome
        .items
        .iter()
        .map(|r| r.as_ref().unwrap().email().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = (0..250).map(|i| format!("user{i}@example.com")).collect();
    assert_eq!(emails, expected);
    let sizes: Vec<usize> = requests(&server)
        .await
        .iter()
        .map(|r| body(r)["inputs"].as_array().unwrap().len())
        .collect();
    let mut sorted = sizes.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [50, 100, 100]);
    let first = &body(&requests(&server).await[0])["inputs"][0];
    assert_eq!(first["idProperty"], "email");
    assert!(first["objectWriteTraceId"].is_string());
}

#[tokio::test]
async fn a_207_read_gives_each_input_its_result_or_its_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/batch/read"))
        .respond_with(ResponseTemplate::new(207).set_body_json(json!({
            "status": "COMPLETE",
            "results": [record("3", json!({"email": "c@example.com"})), record("1", json!({"email": "a@example.com"}))],
            "numErrors": 1,
            "errors": [{
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "message": "Could not get some CONTACT objects, they may be deleted or not exist.",
                "context": {"ids": ["2"]},
                "errors": [], "links": {}
            }],
            "startedAt": "2024-01-01T00:00:00Z", "completedAt": "2024-01-01T00:00:01Z"
        })))
        .mount(&server)
        .await;
    let params = BatchReadParams {
        properties: vec!["email".into()],
        ..Default::default()
    };
    let outcome = client(&server.uri())
        .contacts()
        .batch_read(&["1", "2", "3"], &params)
        .await
        .unwrap();
    assert_eq!(outcome.items.len(), 3);
    assert_eq!(outcome.items[0].as_ref().unwrap().id, "1");
    let err = outcome.items[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.provider_code(), Some("OBJECT_NOT_FOUND"));
    assert_eq!(outcome.items[2].as_ref().unwrap().id, "3");
    assert_eq!(
        body(&requests(&server).await[0]),
        json!({"inputs": [{"id": "1"}, {"id": "2"}, {"id": "3"}], "properties": ["email"], "propertiesWithHistory": []})
    );
}

#[tokio::test]
async fn a_207_write_error_without_ids_goes_to_the_inputs_left_without_a_result() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/batch/create"))
        .respond_with(ResponseTemplate::new(207).set_body_json(json!({
            "status": "COMPLETE",
            "results": [{"id": "11", "properties": {"email": "a@example.com"}, "objectWriteTraceId": "0", "archived": false}],
            "errors": [{"status": "error", "category": "VALIDATION_ERROR",
                "message": "Property values were not valid", "context": {}, "links": {},
                "errors": [{"message": "Email address b@ is invalid", "code": "INVALID_EMAIL", "in": "email"}]}]
        })))
        .mount(&server)
        .await;
    let inputs = [
        ObjectCreateParams::new().property("email", "a@example.com"),
        ObjectCreateParams::new().property("email", "b@"),
    ];
    let outcome = client(&server.uri())
        .contacts()
        .batch_create(&inputs)
        .await
        .unwrap();
    assert_eq!(outcome.items[0].as_ref().unwrap().id, "11");
    let err = outcome.items[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.details()[0].code.as_deref(), Some("INVALID_EMAIL"));
    assert_eq!(err.details()[0].fields, ["email"]);
    let sent = body(&requests(&server).await[0]);
    assert_eq!(
        sent["inputs"][1],
        json!({"properties": {"email": "b@"}, "associations": [], "objectWriteTraceId": "1"})
    );
}

#[tokio::test]
async fn a_call_that_fails_as_a_whole_fails_each_of_its_inputs_only() {
    let server = MockServer::start().await;
    // The first call (100 inputs) succeeds, the second (50) is refused.
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/deals/batch/update"))
        .and(wiremock::matchers::body_string_contains("\"id\":\"150\""))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "status": "error", "message": "Property dealstage is invalid", "category": "VALIDATION_ERROR",
            "correlationId": "c-400"
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/deals/batch/update"))
        .respond_with(EchoReversed)
        .mount(&server)
        .await;
    let inputs: Vec<BatchUpdateInput> = (1..=150)
        .map(|i| BatchUpdateInput::new(i.to_string()).property("dealstage", "closedwon"))
        .collect();
    let outcome = client(&server.uri())
        .deals()
        .batch_update(&inputs)
        .await
        .unwrap();
    assert_eq!(outcome.items.len(), 150);
    assert_eq!(outcome.succeeded().count(), 100);
    let failed: Vec<usize> = outcome.failed().map(|(i, _)| i).collect();
    assert_eq!(failed, (100..150).collect::<Vec<_>>());
    assert_eq!(
        outcome.items[120].as_ref().unwrap_err().request_id(),
        Some("c-400")
    );
}

#[tokio::test]
async fn upsert_results_without_trace_ids_match_by_the_unique_value_ignoring_case() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/batch/upsert"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "COMPLETE",
            "results": [
                {"id": "2", "properties": {"email": "bob@example.com"}, "new": true},
                {"id": "1", "properties": {"email": "ann@example.com"}, "new": false}
            ]
        })))
        .mount(&server)
        .await;
    let inputs = [
        BatchUpsertInput::new("Ann@Example.com").property("firstname", "Ann"),
        BatchUpsertInput::new("bob@example.com").property("firstname", "Bob"),
    ];
    let outcome = client(&server.uri())
        .contacts()
        .batch_upsert("email", &inputs)
        .await
        .unwrap();
    let ids: Vec<&str> = outcome
        .items
        .iter()
        .map(|r| r.as_ref().unwrap().id.as_str())
        .collect();
    assert_eq!(ids, ["1", "2"]);
    assert_eq!(outcome.items[1].as_ref().unwrap().is_new(), Some(true));
}

#[tokio::test]
async fn an_input_hubspot_answers_nothing_about_is_an_error_not_a_gap() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/batch/read"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "COMPLETE", "results": [record("1", json!({}))]
        })))
        .mount(&server)
        .await;
    let outcome = client(&server.uri())
        .contacts()
        .batch_read(&["1", "2"], &BatchReadParams::default())
        .await
        .unwrap();
    assert_eq!(outcome.items.len(), 2);
    assert_eq!(
        outcome.items[1].as_ref().unwrap_err().kind(),
        ErrorKind::Decode
    );
}

#[tokio::test]
async fn batch_archive_splits_and_reports_each_input() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/batch/archive"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    let ids: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let outcome = client(&server.uri())
        .contacts()
        .batch_archive(&ids)
        .await
        .unwrap();
    assert_eq!(outcome.items.len(), 101);
    assert!(outcome.is_complete());
    assert_eq!(outcome.requests, 2);
}

#[tokio::test]
async fn association_batch_create_reports_each_pair() {
    use atom_hubspot::models::{AssociationBatchInput, AssociationSpec};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v4/associations/deals/contacts/batch/create"))
        .respond_with(ResponseTemplate::new(207).set_body_json(json!({
            "status": "COMPLETE", "results": [],
            "errors": [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "No contact 999",
                "context": {"toObjectId": ["999"]}, "errors": [], "links": {}}]
        })))
        .mount(&server)
        .await;
    let inputs = [
        AssociationBatchInput::new("1", "101", vec![AssociationSpec::hubspot(3)]),
        AssociationBatchInput::new("2", "999", vec![AssociationSpec::hubspot(3)]),
    ];
    let outcome = client(&server.uri())
        .associations()
        .batch_create("deals", "contacts", &inputs)
        .await
        .unwrap();
    assert!(outcome.items[0].is_ok());
    assert_eq!(
        outcome.items[1].as_ref().unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        body(&requests(&server).await[0])["inputs"][1],
        json!({"from": {"id": "2"}, "to": {"id": "999"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}]})
    );
}

#[tokio::test]
async fn an_error_naming_record_2_is_not_given_to_the_input_with_trace_id_2() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/batch/read"))
        .respond_with(ResponseTemplate::new(207).set_body_json(json!({
            "status": "COMPLETE",
            "results": [record("7", json!({}))],
            "errors": [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "missing",
                "context": {"ids": ["2"]}, "errors": [], "links": {}}]
        })))
        .mount(&server)
        .await;
    // Input 2 (trace "2") is record 9, which HubSpot left out; record 2 is input 1.
    let outcome = client(&server.uri())
        .contacts()
        .batch_read(&["7", "2", "9"], &BatchReadParams::default())
        .await
        .unwrap();
    assert_eq!(outcome.items[0].as_ref().unwrap().id, "7");
    assert_eq!(
        outcome.items[1].as_ref().unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        outcome.items[2].as_ref().unwrap_err().kind(),
        ErrorKind::Decode,
        "record 9 is not the record the error names"
    );
}

#[tokio::test]
async fn a_read_by_unique_property_asks_for_it_and_matches_by_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/companies/batch/read"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "COMPLETE",
            "results": [
                record("8", json!({"external_id": "EXT-2", "name": "Beta"})),
                record("7", json!({"external_id": "EXT-1", "name": "Acme"}))
            ]
        })))
        .mount(&server)
        .await;
    let params = BatchReadParams {
        properties: vec!["name".into()],
        id_property: Some("external_id".into()),
        ..Default::default()
    };
    let outcome = client(&server.uri())
        .companies()
        .batch_read(&["EXT-1", "EXT-2"], &params)
        .await
        .unwrap();
    let ids: Vec<&str> = outcome
        .items
        .iter()
        .map(|r| r.as_ref().unwrap().id.as_str())
        .collect();
    assert_eq!(ids, ["7", "8"]);
    assert_eq!(
        body(&requests(&server).await[0]),
        json!({"inputs": [{"id": "EXT-1"}, {"id": "EXT-2"}], "properties": ["name", "external_id"],
               "propertiesWithHistory": [], "idProperty": "external_id"})
    );
}
