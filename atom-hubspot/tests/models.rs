//! Decoding of the official examples and the typed accessors of property values.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_hubspot::models::{Pipeline, PipelineStage};
use atom_hubspot::{CrmObject, LifecycleStage};
use common::fixture;
use serde_json::json;

#[test]
fn the_official_object_examples_decode_with_every_property_kept() {
    for name in ["contact.json", "company.json", "deal.json"] {
        let record: CrmObject = serde_json::from_str(&fixture(name)).unwrap();
        assert_eq!(record.id, "512");
        assert!(!record.archived);
        assert_eq!(record.properties.len(), 7);
        assert_eq!(
            record.property("property_multiple_checkboxes"),
            Some("chocolate;strawberry")
        );
        // A date property in epoch milliseconds, metadata in ISO 8601.
        assert_eq!(
            record.timestamp("property_date").unwrap().to_rfc3339(),
            "2019-10-31T00:00:00+00:00"
        );
        assert_eq!(
            record.created_at.unwrap().timestamp_millis(),
            1_572_406_217_883
        );
        assert_eq!(
            record.decimal("property_number").unwrap().unwrap().as_str(),
            "17"
        );
    }
}

#[test]
fn the_official_pipeline_examples_decode() {
    let pipeline: Pipeline = serde_json::from_str(&fixture("pipeline.json")).unwrap();
    assert_eq!(pipeline.id, "812723471");
    assert_eq!(pipeline.stages.len(), 2);
    assert!(!pipeline.stage("1234912").unwrap().is_closed());
    assert!(pipeline.stage("1234914").unwrap().is_closed());
    let stage: PipelineStage = serde_json::from_str(&fixture("pipeline_stage.json")).unwrap();
    assert_eq!(stage.metadata["ticketState"], "OPEN");
}

#[test]
fn typed_accessors_read_the_common_properties() {
    let contact: CrmObject = serde_json::from_value(json!({
        "id": 101,
        "properties": {"email": "ann@example.com", "firstname": "Ann", "lastname": "Lee",
                       "lifecyclestage": "customer", "hs_object_id": "101", "empty": null,
                       "odd_number": 42},
        "createdAt": "2024-01-02T03:04:05Z", "updatedAt": 1704164645000u64,
        "archived": true, "archivedAt": "2024-02-01T00:00:00Z",
        "url": "https://app.hubspot.com/contacts/62515/record/0-1/101"
    }))
    .unwrap();
    assert_eq!(contact.id, "101");
    assert_eq!(contact.email(), Some("ann@example.com"));
    assert_eq!(contact.firstname(), Some("Ann"));
    assert_eq!(contact.lastname(), Some("Lee"));
    assert_eq!(contact.lifecyclestage(), Some(LifecycleStage::Customer));
    assert_eq!(contact.property("empty"), None);
    assert_eq!(contact.property("odd_number"), Some("42"));
    assert_eq!(contact.updated_at.unwrap().timestamp(), 1_704_164_645);
    assert!(contact.archived);
    assert!(contact.archived_at.is_some());
    assert_eq!(
        contact.extra.get("url"),
        Some(serde_json::json!(
            "https://app.hubspot.com/contacts/62515/record/0-1/101"
        ))
    );
    // Unknown fields survive a round trip.
    let again: CrmObject = serde_json::from_value(serde_json::to_value(&contact).unwrap()).unwrap();
    assert_eq!(again, contact);

    let deal: CrmObject = serde_json::from_value(json!({
        "id": "512",
        "properties": {"dealname": "Renewal", "amount": "19999999.99", "dealstage": "closedwon",
                       "pipeline": "default", "closedate": "2024-06-30T12:00:00.000Z",
                       "lifecyclestage": "partner"}
    }))
    .unwrap();
    assert_eq!(deal.dealname(), Some("Renewal"));
    assert_eq!(deal.amount().unwrap().unwrap().as_str(), "19999999.99");
    assert_eq!(deal.dealstage(), Some("closedwon"));
    assert_eq!(deal.pipeline(), Some("default"));
    assert_eq!(deal.closedate().unwrap().timestamp(), 1_719_748_800);
    assert_eq!(
        deal.lifecyclestage(),
        Some(LifecycleStage::Other("partner".into()))
    );
}

#[test]
fn a_bad_amount_is_a_decode_error_and_an_empty_one_is_none() {
    let deal: CrmObject = serde_json::from_value(json!({
        "id": "1", "properties": {"amount": "12,50", "other": ""}
    }))
    .unwrap();
    assert_eq!(
        deal.amount().unwrap_err().kind(),
        atom_core::ErrorKind::Decode
    );
    assert_eq!(deal.decimal("other").unwrap(), None);
    assert_eq!(deal.decimal("absent").unwrap(), None);
}

#[test]
fn properties_with_history_and_associations_decode() {
    let contact: CrmObject = serde_json::from_value(json!({
        "id": "1", "properties": {},
        "propertiesWithHistory": {"lifecyclestage": [
            {"value": "customer", "timestamp": "2024-03-01T00:00:00Z", "sourceType": "CRM_UI", "updatedByUserId": 7},
            {"value": "lead", "timestamp": "1700000000000", "sourceType": "API"}
        ]},
        "associations": {"companies": {"results": [{"id": "77", "type": "contact_to_company"}]}}
    }))
    .unwrap();
    let history = &contact.properties_with_history["lifecyclestage"];
    assert_eq!(history[0].value.as_deref(), Some("customer"));
    assert_eq!(history[1].timestamp.unwrap().timestamp(), 1_700_000_000);
    let companies = &contact.associations.as_ref().unwrap()["companies"];
    assert_eq!(companies.results[0].id, "77");
    assert_eq!(
        companies.results[0].kind.as_deref(),
        Some("contact_to_company")
    );
}

#[test]
fn the_official_v3_association_example_decodes() {
    use atom_hubspot::models::AssociatedId;
    let multi = common::fixture_json("association_multi_v3.json");
    let to: Vec<AssociatedId> = serde_json::from_value(multi["to"].clone()).unwrap();
    assert_eq!(to[1].id, "61352");
}
