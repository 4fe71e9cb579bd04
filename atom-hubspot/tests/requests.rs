//! The exact request of each operation family (method, path, query, headers, body) and the
//! decoding of its answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::Connector as _;
use atom_hubspot::models::{
    AssociationInput, AssociationSpec, CampaignParams, PipelineUpdateParams, PropertyCreateParams,
    PropertyGroupCreateParams, StageCreateParams, types,
};
use atom_hubspot::owners::OwnerListParams;
use atom_hubspot::{ObjectCreateParams, ObjectGetParams, ObjectListParams, ObjectUpdateParams};
use common::{body, client, fixture_json, only, query, record, requests};
use futures::TryStreamExt as _;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn create_sends_properties_and_associations_with_bearer_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts"))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture_json("contact.json")))
        .mount(&server)
        .await;
    let created = client(&server.uri())
        .contacts()
        .create(
            &ObjectCreateParams::new()
                .property("email", "ann@example.com")
                .associate(AssociationInput::new(
                    "77",
                    AssociationSpec::hubspot(types::CONTACT_TO_COMPANY_PRIMARY),
                )),
        )
        .await
        .unwrap();
    assert_eq!(created.id, "512");
    assert_eq!(created.property("property_number"), Some("17"));
    let r = only(&server).await;
    assert_eq!(
        r.headers.get("authorization").unwrap(),
        "Bearer pat-na1-test-token"
    );
    assert_eq!(r.headers.get("accept").unwrap(), "application/json");
    assert!(
        r.headers
            .get("user-agent")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("atom-hubspot/")
    );
    assert_eq!(
        body(&r),
        json!({
            "properties": {"email": "ann@example.com"},
            "associations": [{"to": {"id": "77"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}]
        })
    );
}

#[tokio::test]
async fn get_sends_repeated_properties_history_associations_and_archived() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/deals/512"))
        .respond_with(ok(fixture_json("deal.json")))
        .mount(&server)
        .await;
    let params = ObjectGetParams {
        properties: vec!["dealname".into(), "amount".into()],
        properties_with_history: vec!["dealstage".into()],
        associations: vec!["contacts".into()],
        archived: true,
    };
    client(&server.uri())
        .deals()
        .get("512", &params)
        .await
        .unwrap();
    let r = only(&server).await;
    assert_eq!(
        query(&r),
        vec![
            ("properties".into(), "dealname".into()),
            ("properties".into(), "amount".into()),
            ("propertiesWithHistory".into(), "dealstage".into()),
            ("associations".into(), "contacts".into()),
            ("archived".into(), "true".into()),
        ]
    );
}

#[tokio::test]
async fn get_by_a_unique_property_encodes_the_value_as_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/ann%40example.com"))
        .and(query_param("idProperty", "email"))
        .respond_with(ok(record("101", json!({"email": "ann@example.com"}))))
        .mount(&server)
        .await;
    let found = client(&server.uri())
        .contacts()
        .get_by("email", "ann@example.com", &ObjectGetParams::default())
        .await
        .unwrap();
    assert_eq!(found.email(), Some("ann@example.com"));
}

#[tokio::test]
async fn update_patches_and_archive_deletes() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/crm/v3/objects/companies/77"))
        .respond_with(ok(record("77", json!({"name": "Acme"}))))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/crm/v3/objects/companies/77"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let companies = client(&server.uri()).companies();
    companies
        .update("77", &ObjectUpdateParams::new().property("name", "Acme"))
        .await
        .unwrap();
    companies.archive("77").await.unwrap();
    let all = requests(&server).await;
    assert_eq!(body(&all[0]), json!({"properties": {"name": "Acme"}}));
    assert_eq!(all[1].method.as_str(), "DELETE");
}

#[tokio::test]
async fn update_by_sends_the_id_property() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/crm/v3/objects/contacts/ann%40example.com"))
        .and(query_param("idProperty", "email"))
        .respond_with(ok(record("101", json!({}))))
        .mount(&server)
        .await;
    client(&server.uri())
        .contacts()
        .update_by(
            "email",
            "ann@example.com",
            &ObjectUpdateParams::new().property("firstname", "Ann"),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn list_walks_every_page_through_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts"))
        .and(query_param("after", "NTI1Cg%3D%3D"))
        .respond_with(ok(json!({"results": [record("3", json!({}))]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts"))
        .and(wiremock::matchers::query_param_is_missing("after"))
        .respond_with(ok(json!({
            "results": [record("1", json!({})), record("2", json!({}))],
            "paging": {"next": {"after": "NTI1Cg%3D%3D", "link": "?after=NTI1Cg%3D%3D"}}
        })))
        .mount(&server)
        .await;
    let params = ObjectListParams {
        limit: Some(2),
        properties: vec!["email".into()],
        ..Default::default()
    };
    let ids: Vec<String> = client(&server.uri())
        .contacts()
        .list(&params)
        .map_ok(|c| c.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["1", "2", "3"]);
    let all = requests(&server).await;
    assert_eq!(
        query(&all[0]),
        vec![
            ("limit".into(), "2".into()),
            ("properties".into(), "email".into())
        ]
    );
}

#[tokio::test]
async fn list_resumes_from_a_checkpoint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts"))
        .and(query_param("after", "c2"))
        .respond_with(ok(
            json!({"results": [record("5", json!({})), record("6", json!({}))]}),
        ))
        .mount(&server)
        .await;
    let from = atom_core::Checkpoint {
        cursor: Some("c2".into()),
        skip: 1,
    };
    let ids: Vec<String> = client(&server.uri())
        .contacts()
        .list_from(&ObjectListParams::default(), from)
        .map_ok(|c| c.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["6"]);
}

#[tokio::test]
async fn merge_posts_both_ids_and_is_refused_for_other_types() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/merge"))
        .respond_with(ok(record("1", json!({}))))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    c.contacts().merge("1", "2").await.unwrap();
    assert_eq!(
        body(&only(&server).await),
        json!({"primaryObjectId": "1", "objectIdToMerge": "2"})
    );
    let err = c.objects("line_items").merge("1", "2").await.unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::Config);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn custom_objects_use_their_type_in_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/2-1234567/9"))
        .respond_with(ok(record("9", json!({"make": "Volvo"}))))
        .mount(&server)
        .await;
    let car = client(&server.uri())
        .objects("2-1234567")
        .get("9", &ObjectGetParams::default())
        .await
        .unwrap();
    assert_eq!(car.property("make"), Some("Volvo"));
}

#[tokio::test]
async fn associations_list_create_default_labelled_delete() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v4/objects/deals/512/associations/contacts"))
        .respond_with(ok(json!({"results": [
            {"toObjectId": 101, "associationTypes": [
                {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": null},
                {"category": "USER_DEFINED", "typeId": 36, "label": "Decision maker"}
            ]}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(
            "/crm/v4/objects/deals/512/associations/default/contacts/101",
        ))
        .respond_with(ok(json!({"status": "COMPLETE", "results": []})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/crm/v4/objects/deals/512/associations/contacts/101"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "fromObjectTypeId": "0-3", "fromObjectId": 512, "toObjectTypeId": "0-1", "toObjectId": 101,
            "labels": ["Decision maker"]
        })))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/crm/v4/objects/deals/512/associations/contacts/101"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let links = client(&server.uri()).associations();
    let listed: Vec<_> = links
        .list("deals", "512", "contacts")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed[0].to_object_id, "101");
    assert_eq!(listed[0].types[1].label.as_deref(), Some("Decision maker"));
    links
        .create_default("deals", "512", "contacts", "101")
        .await
        .unwrap();
    let labels = links
        .create(
            "deals",
            "512",
            "contacts",
            "101",
            &[AssociationSpec::user(36)],
        )
        .await
        .unwrap();
    assert_eq!(labels.labels, ["Decision maker"]);
    links
        .delete("deals", "512", "contacts", "101")
        .await
        .unwrap();
    let all = requests(&server).await;
    assert_eq!(query(&all[0]), vec![("limit".into(), "500".into())]);
    assert_eq!(
        body(&all[2]),
        json!([{"associationCategory": "USER_DEFINED", "associationTypeId": 36}])
    );
}

#[tokio::test]
async fn association_labels_list_and_create() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v4/associations/contacts/companies/labels"))
        .respond_with(ok(json!({"results": [
            {"category": "HUBSPOT_DEFINED", "typeId": 1, "label": "Primary"},
            {"category": "USER_DEFINED", "typeId": 28, "label": "Billing contact"}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v4/associations/contacts/companies/labels"))
        .respond_with(ok(json!({"results": [
            {"category": "USER_DEFINED", "typeId": 29, "label": "Champion"}
        ]})))
        .mount(&server)
        .await;
    let links = client(&server.uri()).associations();
    let labels = links.labels("contacts", "companies").await.unwrap();
    assert_eq!(labels[1].label.as_deref(), Some("Billing contact"));
    let made = links
        .create_label("contacts", "companies", "champion", "Champion")
        .await
        .unwrap();
    assert_eq!(made[0].type_id, 29);
    assert_eq!(
        body(&requests(&server).await[1]),
        json!({"name": "champion", "label": "Champion"})
    );
}

#[tokio::test]
async fn pipelines_list_get_create_update_and_stage() {
    let server = MockServer::start().await;
    let pipeline = fixture_json("pipeline.json");
    Mock::given(method("GET"))
        .and(path("/crm/v3/pipelines/tickets"))
        .respond_with(ok(json!({"results": [pipeline.clone()]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/pipelines/tickets/812723471"))
        .respond_with(ok(pipeline.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/pipelines/tickets"))
        .respond_with(ResponseTemplate::new(201).set_body_json(pipeline.clone()))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/crm/v3/pipelines/tickets/812723471"))
        .respond_with(ok(pipeline.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/pipelines/tickets/812723471/stages"))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture_json("pipeline_stage.json")))
        .mount(&server)
        .await;
    let pipelines = client(&server.uri()).pipelines("tickets");
    let all: Vec<_> = pipelines.list().try_collect().await.unwrap();
    assert_eq!(all[0].stages.len(), 2);
    assert!(all[0].stages[1].is_closed());
    pipelines.get("812723471").await.unwrap();
    let mut stage = StageCreateParams {
        label: "In Progress".into(),
        display_order: 0,
        ..Default::default()
    };
    stage.metadata.insert("ticketState".into(), json!("OPEN"));
    pipelines
        .create(&atom_hubspot::models::PipelineCreateParams {
            label: "My ticket pipeline".into(),
            display_order: 0,
            stages: vec![stage.clone()],
        })
        .await
        .unwrap();
    pipelines
        .update(
            "812723471",
            &PipelineUpdateParams {
                label: Some("Renamed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    pipelines.create_stage("812723471", &stage).await.unwrap();
    let all = requests(&server).await;
    assert_eq!(
        body(&all[2]),
        json!({"label": "My ticket pipeline", "displayOrder": 0, "stages": [
            {"label": "In Progress", "displayOrder": 0, "metadata": {"ticketState": "OPEN"}}
        ]})
    );
    assert_eq!(body(&all[3]), json!({"label": "Renamed"}));
}

#[tokio::test]
async fn properties_and_groups() {
    let server = MockServer::start().await;
    let prop = json!({"name": "favorite_color", "label": "Favorite color", "type": "string",
        "fieldType": "text", "groupName": "contactinformation", "options": [],
        "hasUniqueValue": false, "hubspotDefined": false, "formField": true,
        "modificationMetadata": {"archivable": true, "readOnlyDefinition": false, "readOnlyValue": false}});
    let group = json!({"name": "contactinformation", "label": "Contact information", "displayOrder": 0, "archived": false});
    Mock::given(method("GET"))
        .and(path("/crm/v3/properties/contacts"))
        .respond_with(ok(json!({"results": [prop.clone()]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/properties/contacts/favorite_color"))
        .respond_with(ok(prop.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/properties/contacts"))
        .respond_with(ResponseTemplate::new(201).set_body_json(prop.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/properties/contacts/groups"))
        .respond_with(ok(json!({"results": [group.clone()]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/properties/contacts/groups"))
        .respond_with(ResponseTemplate::new(201).set_body_json(group.clone()))
        .mount(&server)
        .await;
    let props = client(&server.uri()).properties("contacts");
    let all: Vec<_> = props.list().try_collect().await.unwrap();
    assert_eq!(all[0].field_type, "text");
    assert!(all[0].extra.contains_key("modificationMetadata"));
    props.get("favorite_color").await.unwrap();
    props
        .create(&PropertyCreateParams {
            name: "favorite_color".into(),
            label: "Favorite color".into(),
            kind: "string".into(),
            field_type: "text".into(),
            group_name: "contactinformation".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let groups: Vec<_> = props.list_groups().try_collect().await.unwrap();
    assert_eq!(groups[0].label, "Contact information");
    props
        .create_group(&PropertyGroupCreateParams {
            name: "custom".into(),
            label: "Custom".into(),
            display_order: Some(-1),
        })
        .await
        .unwrap();
    let all = requests(&server).await;
    assert_eq!(
        body(&all[2]),
        json!({"name": "favorite_color", "label": "Favorite color", "type": "string",
               "fieldType": "text", "groupName": "contactinformation"})
    );
    assert_eq!(
        body(&all[4]),
        json!({"name": "custom", "label": "Custom", "displayOrder": -1})
    );
}

#[tokio::test]
async fn owners_list_and_get() {
    let server = MockServer::start().await;
    let owner = json!({"id": "41629779", "email": "owner@example.com", "firstName": "Ann",
        "lastName": "Lee", "userId": 9586504, "teams": [{"id": "7", "name": "Sales", "primary": true}],
        "createdAt": "2019-12-25T13:01:35.228Z", "updatedAt": "2023-08-22T13:40:26.790Z", "archived": false});
    Mock::given(method("GET"))
        .and(path("/crm/v3/owners"))
        .respond_with(ok(json!({"results": [owner.clone()]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/owners/41629779"))
        .respond_with(ok(owner))
        .mount(&server)
        .await;
    let owners = client(&server.uri()).owners();
    let all: Vec<_> = owners
        .list(&OwnerListParams {
            email: Some("owner@example.com".into()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all[0].teams[0].name, "Sales");
    assert_eq!(owners.get("41629779").await.unwrap().user_id, Some(9586504));
    assert_eq!(
        query(&requests(&server).await[0]),
        vec![
            ("limit".into(), "100".into()),
            ("email".into(), "owner@example.com".into())
        ]
    );
}

#[tokio::test]
async fn campaigns_crud_reports_and_email_statistics() {
    let server = MockServer::start().await;
    let campaign = json!({"id": "edc7a5ba-8a0f-4f1e-8c8e-3d2b3a9d0f11",
        "properties": {"hs_name": "Spring launch", "hs_start_date": "2025-03-01"},
        "createdAt": "2025-02-01T10:00:00.000Z", "updatedAt": "2025-02-02T10:00:00.000Z"});
    let id = "edc7a5ba-8a0f-4f1e-8c8e-3d2b3a9d0f11";
    Mock::given(method("GET"))
        .and(path("/marketing/v3/campaigns"))
        .respond_with(ok(json!({"total": 1, "results": [campaign.clone()]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/marketing/v3/campaigns"))
        .respond_with(ResponseTemplate::new(201).set_body_json(campaign.clone()))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/marketing/v3/campaigns/{id}")))
        .respond_with(ok(campaign.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/marketing/v3/campaigns/{id}")))
        .respond_with(ok(campaign.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/marketing/v3/campaigns/{id}/reports/metrics")))
        .respond_with(ok(json!({"sessions": 120, "newContactsFirstTouch": 7, "newContactsLastTouch": 5, "influencedContacts": 30})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/marketing/v3/campaigns/{id}/reports/revenue")))
        .respond_with(ok(json!({"revenueAmount": 12500.75, "dealAmount": 30000, "dealsNumber": 3, "contactsNumber": 12, "currencyCode": "USD"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/marketing/v3/emails/statistics/list"))
        .respond_with(ok(json!({"aggregate": {"counters": {"sent": 1000, "open": 420, "click": 61},
            "ratios": {"openratio": 42.0, "clickratio": 6.1}, "deviceBreakdown": {}}, "emails": [111, 222]})))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let campaigns = c.campaigns();
    let all: Vec<_> = campaigns
        .list(&Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all[0].name(), Some("Spring launch"));
    campaigns
        .create(&CampaignParams::new().property("hs_name", "Spring launch"))
        .await
        .unwrap();
    campaigns
        .update(id, &CampaignParams::new().property("hs_notes", "go"))
        .await
        .unwrap();
    campaigns.get(id, &["hs_name"]).await.unwrap();
    let d = |m, day| chrono::NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    let metrics = campaigns.metrics(id, d(3, 1), d(3, 31)).await.unwrap();
    assert_eq!(metrics.sessions, Some(120));
    let revenue = campaigns
        .revenue(id, d(3, 1), d(3, 31), Some("LINEAR"))
        .await
        .unwrap();
    assert_eq!(revenue.revenue_amount.unwrap().as_str(), "12500.75");
    let start = chrono::DateTime::from_timestamp(1_740_787_200, 0).unwrap();
    let end = chrono::DateTime::from_timestamp(1_743_465_600, 0).unwrap();
    let stats = c
        .marketing_emails()
        .statistics(start, end, &[111, 222])
        .await
        .unwrap();
    assert_eq!(stats.aggregate.counters["open"], 420);
    assert_eq!(stats.emails, [111, 222]);
    let all = requests(&server).await;
    assert_eq!(
        body(&all[1]),
        json!({"properties": {"hs_name": "Spring launch"}})
    );
    assert_eq!(
        query(&all[4]),
        vec![
            ("startDate".into(), "2025-03-01".into()),
            ("endDate".into(), "2025-03-31".into())
        ]
    );
    assert_eq!(
        query(&all[6]),
        vec![
            ("startTimestamp".into(), "2025-03-01T00:00:00.000Z".into()),
            ("endTimestamp".into(), "2025-04-01T00:00:00.000Z".into()),
            ("emailIds".into(), "111".into()),
            ("emailIds".into(), "222".into()),
        ]
    );
}

#[tokio::test]
async fn health_and_raw_requests_go_through_the_same_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts"))
        .and(query_param("limit", "1"))
        .respond_with(
            ok(json!({"results": []})).insert_header("x-hubspot-correlation-id", "corr-1"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/files/v3/files"))
        .respond_with(ok(json!({"results": []})))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let health = c.health().await.unwrap();
    assert_eq!(health.service, "hubspot");
    assert_eq!(health.request_id.as_deref(), Some("corr-1"));
    let raw = c
        .request(atom_core::Request::get("/files/v3/files"))
        .await
        .unwrap();
    assert_eq!(raw.status, 200);
    assert_eq!(c.info().display_name, "HubSpot");
    let all = requests(&server).await;
    assert_eq!(
        all[1].headers.get("authorization").unwrap(),
        "Bearer pat-na1-test-token"
    );
}

#[tokio::test]
async fn moving_a_deal_checks_the_stage_against_its_pipeline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/pipelines/deals/default"))
        .respond_with(ok(json!({"id": "default", "label": "Sales", "displayOrder": 0, "archived": false,
            "stages": [
                {"id": "appointmentscheduled", "label": "Appointment", "displayOrder": 0, "metadata": {"probability": "0.2"}, "archived": false},
                {"id": "closedwon", "label": "Won", "displayOrder": 1, "metadata": {"probability": "1.0", "isClosed": "true"}, "archived": false}
            ]})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/crm/v3/objects/deals/512"))
        .respond_with(ok(record(
            "512",
            json!({"dealstage": "closedwon", "pipeline": "default"}),
        )))
        .mount(&server)
        .await;
    let pipelines = client(&server.uri()).pipelines("deals");
    let moved = pipelines
        .move_to_stage("512", "default", "closedwon")
        .await
        .unwrap();
    assert_eq!(moved.dealstage(), Some("closedwon"));
    let err = pipelines
        .move_to_stage("512", "default", "1234914")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::InvalidRequest);
    assert!(err.message().contains("closedwon"), "{err}");
    let all = requests(&server).await;
    // get, patch, get (the refused move patches nothing).
    assert_eq!(all.len(), 3);
    assert_eq!(
        body(&all[1]),
        json!({"properties": {"dealstage": "closedwon", "pipeline": "default"}})
    );
}

#[tokio::test]
async fn moving_a_ticket_sets_its_pipeline_stage_properties() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/pipelines/tickets/812723471"))
        .respond_with(ok(fixture_json("pipeline.json")))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/crm/v3/objects/tickets/77"))
        .respond_with(ok(record(
            "77",
            json!({"hs_pipeline": "812723471", "hs_pipeline_stage": "1234914"}),
        )))
        .mount(&server)
        .await;
    let moved = client(&server.uri())
        .pipelines("tickets")
        .move_to_stage("77", "812723471", "1234914")
        .await
        .unwrap();
    assert_eq!(moved.property("hs_pipeline_stage"), Some("1234914"));
    assert_eq!(
        body(&requests(&server).await[1]),
        json!({"properties": {"hs_pipeline": "812723471", "hs_pipeline_stage": "1234914"}})
    );
}
