//! Answers a server should not send: every one is a typed error, never a panic, never a
//! silent success.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_hubspot::models::AssociationBatchInput;
use atom_hubspot::search::SearchParams;
use atom_hubspot::{BatchUpsertInput, ObjectGetParams, ObjectListParams};
use common::{client, record};
use futures::StreamExt as _;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn garbage() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw("<html>not json</html>", "text/html")
}

#[tokio::test]
async fn a_batch_answer_that_does_not_read_fails_each_input() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/batch/upsert"))
        .respond_with(garbage())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v4/associations/deals/contacts/batch/create"))
        .respond_with(garbage())
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let outcome = c
        .contacts()
        .batch_upsert("email", &[BatchUpsertInput::new("a@example.com")])
        .await
        .unwrap();
    assert_eq!(
        outcome.items[0].as_ref().unwrap_err().kind(),
        ErrorKind::Decode
    );
    let links = c
        .associations()
        .batch_create(
            "deals",
            "contacts",
            &[AssociationBatchInput::new(
                "1",
                "2",
                vec![atom_hubspot::models::AssociationSpec::hubspot(3)],
            )],
        )
        .await
        .unwrap();
    assert_eq!(
        links.items[0].as_ref().unwrap_err().kind(),
        ErrorKind::Decode
    );
}

#[tokio::test]
async fn a_record_without_an_id_or_a_page_of_odd_shape_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"properties": {}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"results": [record("1", json!({}))], "paging": {"next": {"after": {"x": 1}}}}),
        ))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    assert_eq!(
        c.contacts()
            .get("1", &ObjectGetParams::default())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Decode
    );
    let listed: Vec<_> = c
        .contacts()
        .list(&ObjectListParams::default())
        .collect()
        .await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].as_ref().unwrap_err().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn a_server_that_repeats_its_cursor_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total": 5, "results": [record("1", json!({}))], "paging": {"next": {"after": "1"}}
        })))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server.uri())
        .contacts()
        .search(&SearchParams::new())
        .collect()
        .await;
    // Page 1 (after "0"), page 2 (after "1"), then "1" again: stopped.
    assert_eq!(items.len(), 3);
    assert_eq!(items[2].as_ref().unwrap_err().kind(), ErrorKind::Decode);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
