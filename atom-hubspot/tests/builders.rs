//! The typed builders write what HubSpot reads: every filter operator, stage checks, the
//! webhook subscription types.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_hubspot::BatchUpsertInput;
use atom_hubspot::models::Pipeline;
use atom_hubspot::pipelines::check_stage;
use atom_hubspot::search::{Filter, SearchParams, Sort};
use common::{body, client, requests};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn every_operator_is_written_as_hubspot_names_it() {
    let filters = [
        (
            Filter::eq("a", "1"),
            json!({"propertyName": "a", "operator": "EQ", "value": "1"}),
        ),
        (
            Filter::neq("a", "1"),
            json!({"propertyName": "a", "operator": "NEQ", "value": "1"}),
        ),
        (
            Filter::lt("a", "1"),
            json!({"propertyName": "a", "operator": "LT", "value": "1"}),
        ),
        (
            Filter::lte("a", "1"),
            json!({"propertyName": "a", "operator": "LTE", "value": "1"}),
        ),
        (
            Filter::gt("a", "1"),
            json!({"propertyName": "a", "operator": "GT", "value": "1"}),
        ),
        (
            Filter::gte("a", "1"),
            json!({"propertyName": "a", "operator": "GTE", "value": "1"}),
        ),
        (
            Filter::between("a", "1", "2"),
            json!({"propertyName": "a", "operator": "BETWEEN", "value": "1", "highValue": "2"}),
        ),
        (
            Filter::is_in("a", ["x", "y"]),
            json!({"propertyName": "a", "operator": "IN", "values": ["x", "y"]}),
        ),
        (
            Filter::not_in("a", ["x"]),
            json!({"propertyName": "a", "operator": "NOT_IN", "values": ["x"]}),
        ),
        (
            Filter::has_property("a"),
            json!({"propertyName": "a", "operator": "HAS_PROPERTY"}),
        ),
        (
            Filter::not_has_property("a"),
            json!({"propertyName": "a", "operator": "NOT_HAS_PROPERTY"}),
        ),
        (
            Filter::contains_token("a", "acme*"),
            json!({"propertyName": "a", "operator": "CONTAINS_TOKEN", "value": "acme*"}),
        ),
        (
            Filter::not_contains_token("a", "x"),
            json!({"propertyName": "a", "operator": "NOT_CONTAINS_TOKEN", "value": "x"}),
        ),
    ];
    for (filter, expected) in filters {
        let params = SearchParams::new().filter(filter);
        params.check().unwrap();
        assert_eq!(params.body(None)["filterGroups"][0]["filters"][0], expected);
    }
    let sorted = SearchParams::new()
        .sort(Sort::asc("createdate"))
        .body(Some("200"));
    assert_eq!(
        sorted["sorts"],
        json!([{"propertyName": "createdate", "direction": "ASCENDING"}])
    );
    assert_eq!(sorted["after"], "200");
    // Filters added with `filter` are ANDed in the first group.
    let and = SearchParams::new()
        .filter(Filter::eq("a", "1"))
        .filter(Filter::eq("b", "2"));
    assert_eq!(and.filter_groups.len(), 1);
    assert_eq!(and.filter_groups[0].filters.len(), 2);
    // Limits at their edges are accepted.
    let five_by_three = (0..5).fold(SearchParams::new(), |p, g| {
        p.group(
            (0..3).fold(atom_hubspot::search::FilterGroup::new(), |grp, i| {
                grp.and(Filter::eq(format!("p{g}_{i}"), "x"))
            }),
        )
    });
    five_by_three.check().unwrap();
    SearchParams::new()
        .limit(200)
        .query("x".repeat(3000))
        .check()
        .unwrap();
    let bad = SearchParams::new().filter(Filter {
        value: None,
        ..Filter::eq("a", "1")
    });
    assert!(bad.check().unwrap_err().message().contains("needs a value"));
}

#[test]
fn stage_checks_refuse_unknown_and_archived_stages() {
    let pipeline: Pipeline = serde_json::from_value(json!({
        "id": "default", "label": "Sales", "displayOrder": 0, "stages": [
            {"id": "open", "label": "Open", "displayOrder": 0, "metadata": {"probability": "0.5"}},
            {"id": "old", "label": "Old", "displayOrder": 1, "metadata": {"probability": "0.1"}, "archived": true},
            {"id": "won", "label": "Won", "displayOrder": 2, "metadata": {"probability": "1.0", "isClosed": "true"}},
            {"id": "lost", "label": "Lost", "displayOrder": 3, "metadata": {"probability": "0.0", "isClosed": "true"}}
        ]
    }))
    .unwrap();
    assert_eq!(check_stage(&pipeline, "open").unwrap().label, "Open");
    let archived = check_stage(&pipeline, "old").unwrap_err();
    assert_eq!(archived.kind(), ErrorKind::InvalidRequest);
    assert!(archived.message().contains("archived"));
    assert_eq!(
        check_stage(&pipeline, "closedwon").unwrap_err().kind(),
        ErrorKind::InvalidRequest
    );
    let won = pipeline.stage("won").unwrap();
    let lost = pipeline.stage("lost").unwrap();
    assert!(won.is_won() && !won.is_lost());
    assert!(lost.is_lost() && !lost.is_won());
    assert!(!pipeline.stage("open").unwrap().is_closed());
}

#[tokio::test]
async fn a_207_upsert_error_naming_a_trace_id_goes_to_that_input() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/batch/upsert"))
        .respond_with(ResponseTemplate::new(207).set_body_json(json!({
            "status": "COMPLETE",
            "results": [
                {"id": "1", "properties": {"email": "a@example.com"}, "objectWriteTraceId": "0", "new": false},
                {"id": "3", "properties": {"email": "c@example.com"}, "objectWriteTraceId": "2", "new": true}
            ],
            "errors": [{"status": "error", "category": "VALIDATION_ERROR", "message": "bad phone",
                "context": {"objectWriteTraceId": ["1"]}, "errors": [], "links": {}}]
        })))
        .mount(&server)
        .await;
    let inputs = [
        BatchUpsertInput::new("a@example.com"),
        BatchUpsertInput::new("b@example.com").property("phone", "x"),
        BatchUpsertInput::new("c@example.com"),
    ];
    let outcome = client(&server.uri())
        .contacts()
        .batch_upsert("email", &inputs)
        .await
        .unwrap();
    assert_eq!(outcome.items[0].as_ref().unwrap().id, "1");
    assert_eq!(
        outcome.items[1].as_ref().unwrap_err().kind(),
        ErrorKind::InvalidRequest
    );
    assert_eq!(outcome.items[2].as_ref().unwrap().is_new(), Some(true));
    let sent = body(&requests(&server).await[0]);
    assert_eq!(
        sent["inputs"][1],
        json!({"id": "b@example.com", "idProperty": "email", "properties": {"phone": "x"}, "objectWriteTraceId": "1"})
    );
}

#[tokio::test]
async fn association_batch_read_gives_every_input_an_entry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v4/associations/deals/contacts/batch/read"))
        .respond_with(ResponseTemplate::new(207).set_body_json(json!({
            "status": "COMPLETE",
            "results": [{"from": {"id": "2"}, "to": [{"toObjectId": 101, "associationTypes": [
                {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": null}]}]}],
            "errors": []
        })))
        .mount(&server)
        .await;
    let outcome = client(&server.uri())
        .associations()
        .batch_read("deals", "contacts", &["1", "2"])
        .await
        .unwrap();
    assert!(outcome.items[0].as_ref().unwrap().to.is_empty());
    assert_eq!(outcome.items[1].as_ref().unwrap().to[0].to_object_id, "101");
    assert_eq!(
        body(&requests(&server).await[0]),
        json!({"inputs": [{"id": "1"}, {"id": "2"}]})
    );
}
