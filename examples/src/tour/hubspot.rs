//! The HubSpot leg: install a public app with the OAuth code flow against a local mock (the
//! token answer names the portal, whose id keys the token and the limits), create a contact
//! (HubSpot's own example record) and a deal, associate them, move the deal through its
//! pipeline (a stage of another pipeline is refused before the deal is touched), see a
//! secondly-limit 429 waited out and retried, search with a typed filter, compute the
//! pipeline figures with exact decimals, and verify a v3-signed webhook. With
//! `HUBSPOT_TOKEN` set, it also makes read-only calls to the real portal.

use std::sync::Arc;
use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_core::{Connector as _, Envelope, MemoryTokenStore, Secret};
use atom_hubspot::auth::OAuthApp;
use atom_hubspot::search::{Filter, SearchParams};
use atom_hubspot::webhook::{self, Event, Webhook};
use atom_hubspot::{Client, CrmObject, ObjectCreateParams};
use chrono::{TimeZone as _, Utc};
use futures::TryStreamExt as _;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{LegResult, ensure, section, show, step};

const CONTACT: &str = include_str!("../../../atom-hubspot/tests/fixtures/contact.json");
const PORTAL: u64 = 62515;

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn deal(stage: &str) -> Value {
    json!({"id": "512", "archived": false, "createdAt": "2025-01-02T03:04:05.678Z",
        "updatedAt": "2025-01-03T03:04:05.678Z",
        "properties": {"dealname": "Acme renewal", "amount": "12500.50", "pipeline": "default",
                       "dealstage": stage, "closedate": "2025-02-14T12:00:00.000Z"}})
}

fn pipeline() -> Value {
    json!({"id": "default", "label": "Sales pipeline", "displayOrder": 0, "archived": false, "stages": [
        {"id": "appointmentscheduled", "label": "Appointment scheduled", "displayOrder": 0, "metadata": {"probability": "0.2", "isClosed": "false"}},
        {"id": "contractsent", "label": "Contract sent", "displayOrder": 1, "metadata": {"probability": "0.9", "isClosed": "false"}},
        {"id": "closedwon", "label": "Closed won", "displayOrder": 2, "metadata": {"probability": "1.0", "isClosed": "true"}},
        {"id": "closedlost", "label": "Closed lost", "displayOrder": 3, "metadata": {"probability": "0.0", "isClosed": "true"}}
    ]})
}

async fn mount(server: &MockServer) -> LegResult {
    Mock::given(method("POST"))
        .and(path("/oauth/v1/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ok(
            json!({"token_type": "bearer", "access_token": "tour-access-1",
            "refresh_token": "tour-refresh-1", "expires_in": 1800}),
        ))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth/v1/access-tokens/tour-access-1"))
        .respond_with(ok(json!({"token": "tour-access-1", "hub_id": PORTAL,
            "hub_domain": "demo.hubspot.com", "app_id": 456789, "user": "ann@example.com",
            "user_id": 123, "scopes": ["crm.objects.contacts.write"], "expires_in": 1790,
            "token_type": "access"})))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(serde_json::from_str::<Value>(CONTACT)?),
        )
        .mount(server)
        .await;
    // The first deal create meets the secondly limit.
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/deals"))
        .respond_with(
            ResponseTemplate::new(429).set_body_json(json!({"status": "error",
            "message": "You have reached your secondly limit.", "errorType": "RATE_LIMIT",
            "correlationId": "tour-429", "policyName": "SECONDLY"})),
        )
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/deals"))
        .respond_with(ResponseTemplate::new(201).set_body_json(deal("appointmentscheduled")))
        .mount(server)
        .await;
    Mock::given(method("PUT"))
        .and(path(
            "/crm/v4/objects/deals/512/associations/default/contacts/512",
        ))
        .respond_with(ok(json!({"status": "COMPLETE", "results": []})))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v4/objects/deals/512/associations/contacts"))
        .respond_with(ok(
            json!({"results": [{"toObjectId": 512, "associationTypes": [
            {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": null}]}]}),
        ))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/pipelines/deals/default"))
        .respond_with(ok(pipeline()))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/pipelines/deals"))
        .respond_with(ok(json!({"results": [pipeline()]})))
        .mount(server)
        .await;
    for stage in ["contractsent", "closedwon"] {
        Mock::given(method("PATCH"))
            .and(path("/crm/v3/objects/deals/512"))
            .and(body_partial_json(
                json!({"properties": {"dealstage": stage}}),
            ))
            .respond_with(ok(deal(stage)))
            .mount(server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(ok(
            json!({"total": 1, "results": [serde_json::from_str::<Value>(CONTACT)?]}),
        ))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/deals/search"))
        .respond_with(ok(json!({"total": 3, "results": [
            deal("closedwon"),
            {"id": "513", "properties": {"amount": "0.10", "pipeline": "default", "dealstage": "contractsent"}},
            {"id": "514", "properties": {"amount": "0.20", "pipeline": "default", "dealstage": "closedlost", "closedate": "2025-03-01T00:00:00Z"}}
        ]})))
        .mount(server)
        .await;
    Ok(())
}

/// Runs the leg.
pub async fn run() -> LegResult {
    if let Ok(token) = std::env::var("HUBSPOT_TOKEN") {
        return live(token).await;
    }
    section(
        "atom-hubspot: OAuth per portal, CRM records, pipeline, search, analytics, webhooks (local mock)",
    );
    let server = MockServer::start().await;
    let uri = server.uri();
    mount(&server).await?;

    // OAuth: consent URL, code exchange, the portal from the token metadata.
    let app = OAuthApp::with_hosts(
        "tour-client-id",
        Secret::new("tour-client-secret"),
        "https://app.example.com/hubspot/callback",
        &["crm.objects.contacts.write", "crm.objects.deals.write"],
        &format!("{uri}/oauth/authorize"),
        &uri,
    )?
    .optional_scopes(&["crm.objects.owners.read"])?;
    let pending = app.authorize_url()?;
    step(&format!(
        "consent URL with scope and optional_scope: {}",
        pending.url.as_str().split('?').next().unwrap_or_default()
    ));
    let store = Arc::new(MemoryTokenStore::default());
    let state = pending.state.clone();
    let key = app
        .exchange_and_store(&pending, &state, "tour-code", store.as_ref())
        .await?;
    step(&format!(
        "code exchanged; token metadata names portal {}: stored under {key}",
        key.tenant
    ));
    ensure(
        key.tenant == PORTAL.to_string(),
        "the token is keyed by the portal id",
    )?;

    let hubspot = Client::builder()
        .base_url(&uri)
        .token_manager(app.token_manager(key, store))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(50)))
        .build()?;
    step(&format!(
        "client limits kept under portal {}",
        hubspot.portal_id()
    ));

    // Records.
    let contact = hubspot
        .contacts()
        .create(
            &ObjectCreateParams::new()
                .property("email", "ann@example.com")
                .property("firstname", "Ann"),
        )
        .await?;
    step(&format!(
        "created contact {} (HubSpot's example record; {} properties kept as text)",
        contact.id,
        contact.properties.len()
    ));
    let created = hubspot
        .deals()
        .create(
            &ObjectCreateParams::new()
                .property("dealname", "Acme renewal")
                .property("amount", "12500.50")
                .property("pipeline", "default")
                .property("dealstage", "appointmentscheduled"),
        )
        .await?;
    step(&format!(
        "created deal {} after a 429 SECONDLY was waited out (1 s) and retried; amount {} exact",
        created.id,
        created.amount()?.map(|a| a.to_string()).unwrap_or_default()
    ));
    let links = hubspot.associations();
    links
        .create_default("deals", &created.id, "contacts", &contact.id)
        .await?;
    let linked: Vec<_> = links
        .list("deals", &created.id, "contacts")
        .try_collect()
        .await?;
    step(&format!(
        "associated deal {} with contact {} (default association, type {})",
        created.id,
        linked
            .first()
            .map(|a| a.to_object_id.as_str())
            .unwrap_or("-"),
        linked
            .first()
            .and_then(|a| a.types.first())
            .map(|t| t.type_id)
            .unwrap_or_default()
    ));

    // The pipeline.
    let pipelines = hubspot.pipelines("deals");
    for stage in ["contractsent", "closedwon"] {
        let moved = pipelines
            .move_to_stage(&created.id, "default", stage)
            .await?;
        step(&format!(
            "moved deal to {:?} (checked against pipeline \"default\")",
            moved.dealstage().unwrap_or_default()
        ));
    }
    let refused = pipelines
        .move_to_stage(&created.id, "default", "1234914")
        .await;
    ensure(
        refused
            .as_ref()
            .is_err_and(|e| e.kind() == atom_core::ErrorKind::InvalidRequest),
        "a stage of another pipeline is refused",
    )?;
    step("a stage of another pipeline is refused before the deal is touched:");
    show(&Envelope::from_result("hubspot", refused.map(|_| ())));

    // Search.
    let found: Vec<CrmObject> = hubspot
        .contacts()
        .search(
            &SearchParams::new()
                .filter(Filter::eq("email", "ann@example.com"))
                .properties(["email", "firstname"]),
        )
        .try_collect()
        .await?;
    step(&format!(
        "search email = ann@example.com (paced as the search class): {} contact(s)",
        found.len()
    ));
    ensure(found.len() == 1, "one contact found")?;

    // Analytics.
    let q1 = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .ok_or("date")?
        ..Utc
            .with_ymd_and_hms(2025, 4, 1, 0, 0, 0)
            .single()
            .ok_or("date")?;
    let report = hubspot.analytics().pipeline(q1).await?;
    step("pipeline figures for Q1 2025 (exact decimals):");
    show(&json!({
        "open_total": report.open_total,
        "open_by_stage": report.open_by_stage,
        "won_revenue": report.won_revenue,
        "won_deals": report.won_deals,
        "lost_deals": report.lost_deals,
        "win_rate": report.win_rate(),
    }));
    ensure(
        report.won_revenue.as_str() == "12500.50",
        "won revenue is exact",
    )?;
    ensure(
        report.win_rate().map(|r| r.to_string()).as_deref() == Some("0.5000"),
        "one won, one lost",
    )?;

    // Webhooks.
    let secret = Secret::new("tour-client-secret");
    let target = "https://app.example.com/hubspot/webhooks";
    let body = br#"[{"eventId":100,"subscriptionId":7,"portalId":62515,"appId":456789,"occurredAt":1735689600000,"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":512,"propertyName":"dealstage","propertyValue":"closedwon","changeSource":"CRM"}]"#;
    let headers = webhook::sign_v3(&secret, "POST", target, body, Utc::now());
    let verifier = Webhook::new(vec![secret], target);
    let events = verifier.verify(&headers, body)?;
    if let Some(Event::Crm(event)) = events.first() {
        step(&format!(
            "v3 webhook verified: {} on deal {} ({} = {})",
            event.subscription_type,
            event.object_id.as_deref().unwrap_or_default(),
            event.property_name.as_deref().unwrap_or_default(),
            event.property_value.as_deref().unwrap_or_default()
        ));
    }
    let tampered = verifier.verify(&headers, b"[]");
    ensure(
        tampered
            .as_ref()
            .is_err_and(|e| e.kind() == atom_core::ErrorKind::WebhookSignature),
        "a tampered body is refused",
    )?;
    step("the same signature over another body:");
    show(&Envelope::from_result("hubspot", tampered.map(|_| ())));
    Ok(())
}

/// Read-only calls to a real portal with a private app token.
async fn live(token: String) -> LegResult {
    section("atom-hubspot: read-only calls to the portal of HUBSPOT_TOKEN");
    let hubspot = Client::new(token)?;
    let health = hubspot.health().await;
    show(&Envelope::from_result("hubspot", health));
    let first = hubspot
        .contacts()
        .list(&atom_hubspot::ObjectListParams {
            limit: Some(1),
            ..Default::default()
        })
        .try_next()
        .await?;
    step(&format!(
        "first contact: {}",
        first.map(|c| c.id).unwrap_or_else(|| "(none)".into())
    ));
    Ok(())
}
