//! The Salesforce leg: sign in with the OAuth web-server flow (PKCE + state) against a local
//! mock, create an account and an opportunity, walk a query page by page, run the pipeline
//! analytics, survive an expired session (`401 INVALID_SESSION_ID` → one refresh, rotated
//! refresh token saved, one replay), see a concurrency-limit refusal retried and a hostile
//! SOQL value stay a value, and keep an outbound message from our org (they are unsigned:
//! the org id filters, it does not authenticate). Payloads are restforce's recorded
//! Salesforce responses. With `SF_INSTANCE_URL` and `SF_ACCESS_TOKEN` set, it also makes
//! read-only calls to the real org.

use std::sync::Arc;
use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_core::{
    Connector as _, Envelope, MemoryTokenStore, Secret, TokenManager, TokenStore as _,
};
use atom_salesforce::analytics::DateRange;
use atom_salesforce::auth::{self, LoginHost};
use atom_salesforce::soql::{Filter, Order, Query};
use atom_salesforce::webhook::{self, Notification, OutboundMessages};
use atom_salesforce::{Account, Client, Opportunity, Record};
use chrono::NaiveDate;
use futures::TryStreamExt as _;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{LegResult, ensure, section, show, step};

const AUTH_OK: &str =
    include_str!("../../../atom-salesforce/tests/fixtures/auth_success_response.json");
const REFRESH_OK: &str =
    include_str!("../../../atom-salesforce/tests/fixtures/refresh_success_response.json");
const EXPIRED: &str =
    include_str!("../../../atom-salesforce/tests/fixtures/expired_session_response.json");
const CREATED: &str =
    include_str!("../../../atom-salesforce/tests/fixtures/create_success_response.json");
const FIRST_PAGE: &str = include_str!(
    "../../../atom-salesforce/tests/fixtures/query_paginated_first_page_response.json"
);
const LAST_PAGE: &str =
    include_str!("../../../atom-salesforce/tests/fixtures/query_paginated_last_page_response.json");
const FOUND: &str =
    include_str!("../../../atom-salesforce/tests/fixtures/sobject_find_success_response.json");

const ORG: &str = "00Dx0000000BV7z";
const ACCOUNT_ID: &str = "001D000000JliSTIAZ";
const OPPORTUNITY_ID: &str = "006D000000JliSTIAZ";
const FIRST_TOKEN: &str = "00Dx0000000BV7z!AR8AQAxo9UfVkh8AlV0Gomt9Czx9LjHnSSpwBMmbRcgKFmxOtvxjTrKW19ye6PE3Ds1eQz3z8jr3W7_VbWmEu4Q8TVGSTHxs";

fn json_of(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(text)
}

/// A recorded token response pointed at the mock, with `token_type` (which live Salesforce
/// sends) and the given refresh token.
fn token_response(
    server: &MockServer,
    recorded: &str,
    refresh: &str,
) -> Result<Value, serde_json::Error> {
    let mut body = json_of(recorded)?;
    body["instance_url"] = json!(server.uri());
    body["token_type"] = json!("Bearer");
    body["refresh_token"] = json!(refresh);
    Ok(body)
}

async fn mount(server: &MockServer) -> LegResult {
    let limited = |body: Value| {
        ResponseTemplate::new(200)
            .set_body_json(body)
            .insert_header("sforce-limit-info", "api-usage=42/15000")
    };
    // Token endpoint: the code exchange, then the refresh (with a rotated refresh token).
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_response(
            server,
            AUTH_OK,
            "tour-refresh-1",
        )?))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=tour-refresh-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_response(
            server,
            REFRESH_OK,
            "tour-refresh-2",
        )?))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v67.0/limits"))
        .respond_with(limited(json!({
            "DailyApiRequests": {"Max": 15000, "Remaining": 14958},
            "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000}
        })))
        .mount(server)
        .await;
    let mut created = json_of(CREATED)?;
    created["id"] = json!(ACCOUNT_ID);
    Mock::given(method("POST"))
        .and(path("/services/data/v67.0/sobjects/Account"))
        .respond_with(limited(created.clone()))
        .mount(server)
        .await;
    created["id"] = json!(OPPORTUNITY_ID);
    Mock::given(method("POST"))
        .and(path("/services/data/v67.0/sobjects/Opportunity"))
        .respond_with(limited(created))
        .mount(server)
        .await;
    // Query pages: the first is refused once with the concurrency limit, then served.
    Mock::given(method("GET"))
        .and(path("/services/data/v67.0/query"))
        .and(query_param(
            "q",
            "SELECT Text_Label FROM Whizbang__c ORDER BY CreatedDate ASC",
        ))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!([{
            "message": "ConcurrentPerOrgLongTxn Limit exceeded",
            "errorCode": "REQUEST_LIMIT_EXCEEDED"
        }])))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v67.0/query"))
        .and(query_param(
            "q",
            "SELECT Text_Label FROM Whizbang__c ORDER BY CreatedDate ASC",
        ))
        .respond_with(limited(json_of(FIRST_PAGE)?))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v26.0/query/01gD"))
        .respond_with(limited(json_of(LAST_PAGE)?))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v67.0/query"))
        .and(query_param("q", "SELECT StageName, COUNT(Id) n, SUM(Amount) total, AVG(Amount) average FROM Opportunity WHERE (CloseDate >= 2025-01-01 AND CloseDate <= 2025-03-31) GROUP BY StageName"))
        .respond_with(limited(json!({"totalSize": 2, "done": true, "records": [
            {"attributes": {"type": "AggregateResult"}, "StageName": "Prospecting", "n": 3, "total": 45000.1, "average": 15000.03},
            {"attributes": {"type": "AggregateResult"}, "StageName": "Closed Won", "n": 1, "total": 19999999.99, "average": 19999999.99}
        ]})))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v67.0/query"))
        .and(query_param(
            "q",
            "SELECT Id FROM Contact WHERE LastName = 'x\\' OR Name != \\''",
        ))
        .respond_with(limited(
            json!({"totalSize": 0, "done": true, "records": []}),
        ))
        .mount(server)
        .await;
    // The session expires: the first token is refused, the refreshed one accepted.
    let record_path = format!("/services/data/v67.0/sobjects/Account/{ACCOUNT_ID}");
    Mock::given(method("GET"))
        .and(path(record_path.clone()))
        .and(header(
            "authorization",
            format!("Bearer {FIRST_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(401).set_body_raw(EXPIRED, "application/json"))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(record_path))
        .and(header("authorization", "Bearer refreshed_access_token"))
        .respond_with(limited(json_of(FOUND)?))
        .mount(server)
        .await;
    Ok(())
}

/// Runs the Salesforce leg.
pub async fn run() -> LegResult {
    section(
        "atom-salesforce: OAuth, records, SOQL paging, analytics, expired session (local mock)",
    );
    let server = MockServer::start().await;
    mount(&server).await?;

    // Sign in: consent URL with PKCE and state, then the callback's code exchanged.
    let host = LoginHost::MyDomain(server.uri().parse()?);
    let oauth = auth::oauth_client(
        &host,
        "3MVG9tour",
        Some(Secret::new("tour-client-secret")),
        "https://app.example.com/salesforce/callback",
        &["api", "refresh_token"],
    )?;
    let pending = oauth.authorize_url()?;
    step(&format!(
        "consent URL (PKCE S256, state {}…): {}…",
        pending.state.chars().take(6).collect::<String>(),
        pending.url.as_str().chars().take(70).collect::<String>()
    ));
    let store = Arc::new(MemoryTokenStore::default());
    let returned_state = pending.state.clone();
    let key = auth::exchange_and_store(
        &oauth,
        &pending,
        &returned_state,
        "tour-code",
        store.as_ref(),
    )
    .await?;
    ensure(key.tenant == ORG, "token keyed by org id")?;
    step(&format!(
        "signed in; token stored under {key} (instance_url kept)"
    ));
    let manager = Arc::new(
        TokenManager::new(key.clone(), store.clone(), Arc::new(oauth)).service("salesforce"),
    );
    let client = Client::builder()
        .token_manager(manager)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(20)))
        .build()?;

    let health = client.health().await;
    ensure(health.is_ok(), "health via /limits")?;
    step("health (GET /limits, Sforce-Limit-Info read):");
    show(&Envelope::from_result("salesforce", health));

    // Create an account (with a custom field) and an opportunity on it.
    let mut acme = Account {
        name: Some("Acme Tour".into()),
        industry: Some("Manufacturing".into()),
        ..Default::default()
    };
    acme.set_extra("Tier__c", "Gold");
    let account = client.accounts().create(&acme).await;
    ensure(account.is_ok(), "account created")?;
    step("create an Account (Tier__c custom field set):");
    show(&Envelope::from_result("salesforce", account));
    let deal = Opportunity {
        name: Some("Acme Tour - 500 widgets".into()),
        account_id: Some(ACCOUNT_ID.into()),
        stage_name: Some("Prospecting".into()),
        amount: Some("125000.50".parse()?),
        close_date: NaiveDate::from_ymd_opt(2025, 3, 15),
        ..Default::default()
    };
    let opportunity = client.opportunity_records().create(&deal).await;
    ensure(opportunity.is_ok(), "opportunity created")?;
    step("create an Opportunity (Amount kept exact: 125000.50):");
    show(&Envelope::from_result("salesforce", opportunity));

    // Query with paging (the first page is refused once by the concurrency limit).
    let soql = Query::select(["Text_Label"])
        .from("Whizbang__c")
        .order_by("CreatedDate", Order::Asc)
        .build()?;
    let mut pages = client.query::<Record>(&soql);
    let records: Vec<Record> = (&mut pages).try_collect().await?;
    let labels: Vec<&str> = records
        .iter()
        .filter_map(|r| r.get_str("Text_Label"))
        .collect();
    ensure(labels == ["First Page", "Last Page"], "both pages read")?;
    ensure(
        pages.total() == Some(2),
        "totalSize kept as the stream's total",
    )?;
    step(&format!(
        "query `{soql}` followed nextRecordsUrl: {labels:?} of totalSize {:?} (a 403 REQUEST_LIMIT_EXCEEDED for concurrency was retried)",
        pages.total()
    ));
    if let Some(snapshot) = client.rate_limit() {
        step(&format!(
            "API allocation: {:?} used of {:?} today",
            snapshot.used, snapshot.limit
        ));
    }

    // A hostile value stays a value.
    let hostile = Query::select(["Id"])
        .from("Contact")
        .filter(Filter::eq("LastName", "x' OR Name != '"))
        .build()?;
    let none: Vec<Record> = client.query(&hostile).try_collect().await?;
    ensure(none.is_empty(), "injection attempt matched nothing")?;
    step(&format!("hostile value escaped: {hostile}"));
    let refused = Query::select(["Name FROM Account --"])
        .from("Contact")
        .build();
    step("a field named `Name FROM Account --` is refused before any request:");
    show(&Envelope::from_result(
        "salesforce",
        refused.map(|s| s.to_string()),
    ));

    // Pipeline analytics.
    let q1 = DateRange::new(
        NaiveDate::from_ymd_opt(2025, 1, 1).ok_or("date")?,
        NaiveDate::from_ymd_opt(2025, 3, 31).ok_or("date")?,
    )?;
    let pipeline = client.analytics().pipeline_by_stage(&q1).await;
    ensure(
        pipeline.as_ref().is_ok_and(|p| p.len() == 2),
        "pipeline by stage",
    )?;
    step("pipeline by stage, Q1 2025 (count, sum, average; exact decimals):");
    show(&Envelope::from_result("salesforce", pipeline));

    // The session expires: one refresh (rotation saved first), one replay.
    let before = store.load(&key).await?.map(|s| s.version);
    let account = client.accounts().get(ACCOUNT_ID, &[]).await;
    ensure(account.is_ok(), "read after refresh")?;
    let after = store.load(&key).await?;
    let rotated = after
        .as_ref()
        .and_then(|s| s.token.refresh_token.as_ref())
        .map(Secret::expose)
        == Some("tour-refresh-2");
    ensure(rotated, "rotated refresh token saved")?;
    step(&format!(
        "401 INVALID_SESSION_ID → refreshed once (store version {:?} → {:?}, rotated refresh token saved) → replayed:",
        before,
        after.map(|s| s.version)
    ));
    show(&Envelope::from_result(
        "salesforce",
        account.map(|a| json!({"Id": a.id, "Name": a.name})),
    ));

    // An outbound message, kept only from our org.
    let mut changed = Record {
        id: Some(ACCOUNT_ID.into()),
        ..Default::default()
    };
    changed.set("Name", "Acme Tour");
    let body = webhook::outbound_message(
        "00Dx0000000BV7zEAG",
        "04k5g000000abcdAAA",
        &[Notification {
            id: "04l5g00000AAAAAAAA".into(),
            object: "Account".into(),
            record: changed,
        }],
    );
    // Outbound messages are not signed: this keeps our org's messages; the sender is
    // authenticated outside the body (TLS client certificate, IP allow-list, session id).
    let accepted = OutboundMessages::new([ORG])
        .parse(body.as_bytes())
        .map(|m| m.notifications.len());
    ensure(accepted.is_ok(), "outbound message accepted")?;
    let foreign = OutboundMessages::new(["00D000000000001"])
        .parse(body.as_bytes())
        .map(|m| m.notifications.len());
    ensure(foreign.is_err(), "foreign org refused")?;
    step("outbound message (unsigned: filtered by org id) from our org, then one for another org:");
    show(&Envelope::from_result("salesforce", accepted));
    show(&Envelope::from_result("salesforce", foreign));

    live().await
}

/// Read-only calls to a real org when `SF_INSTANCE_URL` and `SF_ACCESS_TOKEN` are set.
async fn live() -> LegResult {
    let (Ok(instance), Ok(token)) = (
        std::env::var("SF_INSTANCE_URL"),
        std::env::var("SF_ACCESS_TOKEN"),
    ) else {
        step("SF_INSTANCE_URL / SF_ACCESS_TOKEN not set: skipping the live read-only calls");
        return Ok(());
    };
    section("atom-salesforce: live read-only calls");
    let client = Client::builder()
        .base_url(instance)
        .access_token(Secret::new(token))
        .build()?;
    show(&Envelope::from_result("salesforce", client.health().await));
    let soql = Query::select(["Id", "Name"])
        .from("Account")
        .limit(5)
        .build()?;
    let accounts: atom_core::Result<Vec<Account>> = client.query(&soql).try_collect().await;
    show(&Envelope::from_result(
        "salesforce",
        accounts.map(|a| a.into_iter().map(|a| a.name).collect::<Vec<_>>()),
    ));
    Ok(())
}
