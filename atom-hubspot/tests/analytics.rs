//! Pipeline and funnel figures, exact to the cent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::Decimal;
use atom_hubspot::analytics::{conversion, pipeline_report};
use atom_hubspot::models::Pipeline;
use atom_hubspot::{CrmObject, LifecycleStage};
use chrono::{TimeZone as _, Utc};
use common::{client, record, requests};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn pipelines() -> Vec<Pipeline> {
    serde_json::from_value(json!([
        {"id": "default", "label": "Sales", "displayOrder": 0, "stages": [
            {"id": "appointmentscheduled", "label": "Appointment", "displayOrder": 0, "metadata": {"probability": "0.2", "isClosed": "false"}},
            {"id": "contractsent", "label": "Contract sent", "displayOrder": 1, "metadata": {"probability": "0.9", "isClosed": "false"}},
            {"id": "closedwon", "label": "Won", "displayOrder": 2, "metadata": {"probability": "1.0", "isClosed": "true"}},
            {"id": "closedlost", "label": "Lost", "displayOrder": 3, "metadata": {"probability": "0.0", "isClosed": "true"}}
        ]},
        {"id": "renewals", "label": "Renewals", "displayOrder": 1, "stages": [
            {"id": "r-open", "label": "Open", "displayOrder": 0, "metadata": {"probability": "0.5"}},
            {"id": "r-won", "label": "Renewed", "displayOrder": 1, "metadata": {"probability": "1", "isClosed": true}}
        ]}
    ]))
    .unwrap()
}

fn deal(id: &str, pipeline: &str, stage: &str, amount: &str, closed: &str) -> Value {
    record(
        id,
        json!({"pipeline": pipeline, "dealstage": stage, "amount": amount, "closedate": closed}),
    )
}

fn deals() -> Vec<Value> {
    vec![
        deal("1", "default", "appointmentscheduled", "0.10", ""),
        deal("2", "default", "appointmentscheduled", "0.20", ""),
        deal("3", "default", "contractsent", "19999999.99", ""),
        deal(
            "4",
            "default",
            "closedwon",
            "1000.50",
            "2025-01-15T10:00:00Z",
        ),
        deal("5", "default", "closedwon", "2000.25", "1738368000000"), // 2025-02-01
        deal(
            "6",
            "default",
            "closedwon",
            "999.99",
            "2024-12-31T23:59:59Z",
        ), // before Q1
        deal("7", "default", "closedlost", "500", "2025-03-01T00:00:00Z"),
        deal("8", "renewals", "r-won", "0.05", "2025-03-31T23:59:59Z"),
        deal("9", "renewals", "r-open", "", ""),
        deal("10", "default", "no-such-stage", "1", ""),
    ]
}

#[test]
fn the_pipeline_report_is_exact() {
    let deals: Vec<CrmObject> = serde_json::from_value(Value::Array(deals())).unwrap();
    let q1 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
        ..Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap();
    let report = pipeline_report(&deals, &pipelines(), q1).unwrap();
    let stages: Vec<(&str, u64, &str)> = report
        .open_by_stage
        .iter()
        .map(|s| (s.stage_id.as_str(), s.deals, s.amount.as_str()))
        .collect();
    assert_eq!(
        stages,
        [
            ("appointmentscheduled", 2, "0.30"),
            ("contractsent", 1, "19999999.99"),
            ("r-open", 1, "0")
        ]
    );
    assert_eq!(report.open_total.as_str(), "20000000.29");
    assert_eq!(report.won_deals, 3);
    assert_eq!(report.won_revenue.as_str(), "3000.80");
    assert_eq!(report.lost_deals, 1);
    assert_eq!(report.skipped, 1);
    assert_eq!(report.win_rate().unwrap().as_str(), "0.7500");
}

#[test]
fn the_funnel_counts_later_stages_as_converted() {
    let funnel = conversion(&[
        (LifecycleStage::Subscriber, 100),
        (LifecycleStage::Lead, 50),
        (LifecycleStage::MarketingQualifiedLead, 20),
        (LifecycleStage::SalesQualifiedLead, 10),
        (LifecycleStage::Opportunity, 8),
        (LifecycleStage::Customer, 9),
        (LifecycleStage::Evangelist, 3),
        (LifecycleStage::Other("partner".into()), 40),
    ]);
    assert_eq!(funnel.leads_or_later, 100);
    assert_eq!(funnel.customers_or_later, 12);
    assert_eq!(funnel.lead_to_customer().unwrap().as_str(), "0.1200");
    assert_eq!(
        funnel
            .reached(&LifecycleStage::SalesQualifiedLead)
            .unwrap()
            .as_str(),
        "0.3000"
    );
    assert_eq!(funnel.by_stage.len(), 7);
    assert_eq!(conversion(&[]).lead_to_customer(), None);
}

/// Search answers: totals for `limit: 1` searches (by lifecycle stage when filtered), and
/// the deals for the id-window walk.
struct Crm;

impl Respond for Crm {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let kind = request.url.path().split('/').nth(4).unwrap().to_owned();
        if body["limit"] == 1 {
            let total = match (
                kind.as_str(),
                body["filterGroups"][0]["filters"][0]["value"].as_str(),
            ) {
                ("contacts", Some("lead")) => 40,
                ("contacts", Some("customer")) => 10,
                ("contacts", Some(_)) => 0,
                ("contacts", None) => 1234,
                ("companies", _) => 56,
                _ => 10,
            };
            return ResponseTemplate::new(200)
                .set_body_json(json!({"total": total, "results": [record("1", json!({}))], "paging": {"next": {"after": "1"}}}));
        }
        let above: u64 = body["filterGroups"][0]["filters"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["propertyName"] == "hs_object_id"))
            .map(|f| f["value"].as_str().unwrap().parse().unwrap())
            .unwrap_or(0);
        let results: Vec<Value> = deals()
            .into_iter()
            .filter(|d| d["id"].as_str().unwrap().parse::<u64>().unwrap() > above)
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({"total": results.len(), "results": results}))
    }
}

#[tokio::test]
async fn analytics_are_computed_from_the_api() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(wiremock::matchers::path_regex(
            r"^/crm/v3/objects/[a-z]+/search$",
        ))
        .respond_with(Crm)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/pipelines/deals"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": pipelines()})))
        .mount(&server)
        .await;
    let analytics = client(&server.uri()).analytics();
    let totals = analytics.totals().await.unwrap();
    assert_eq!(
        (totals.contacts, totals.companies, totals.deals),
        (1234, 56, 10)
    );
    // One call each: the stream is not walked past its first page.
    assert_eq!(requests(&server).await.len(), 3);

    let q1 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
        ..Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap();
    let report = analytics.pipeline(q1).await.unwrap();
    assert_eq!(report.won_revenue, "3000.80".parse::<Decimal>().unwrap());
    assert_eq!(report.open_total.as_str(), "20000000.29");

    let funnel = analytics.conversion().await.unwrap();
    assert_eq!(funnel.leads_or_later, 50);
    assert_eq!(funnel.lead_to_customer().unwrap().as_str(), "0.2000");
}
