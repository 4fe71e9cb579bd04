//! The second sync program's leg: Zendesk tickets become Cases on the requester's Contact
//! in Salesforce, through local mocks that keep state; then the org loses its Case object
//! and the same tickets go to Tasks instead, and a missing field is named.

use std::sync::Arc;
use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_core::{MemoryCheckpointStore, RateLimitConfig, Secret};
use atom_zendesk::feed::FeedStart;
use serde_json::json;
use wiremock::MockServer;

use super::{LegResult, ensure, section, show, step};
use crate::mock::{SalesforceMock, TicketSpec, ZendeskMock};
use crate::sync::zendesk_to_salesforce::{Config, Report, run_once};
use crate::sync::{NoHook, Recovery, SyncError};

async fn run_program(zendesk: &MockServer, sf: &MockServer) -> Result<Report, SyncError> {
    let fast = RetryPolicy::default().base_delay(Duration::from_millis(5));
    let client = |e: atom_core::Error| SyncError::Api(e);
    let zendesk = atom_zendesk::Client::builder()
        .base_url(zendesk.uri())
        .api_token("agent@acme.example", Secret::new("tour-token"))
        .retry_policy(fast.clone())
        .class_limits(
            atom_zendesk::INCREMENTAL_CLASS,
            RateLimitConfig::unlimited(),
        )
        .build()
        .map_err(client)?;
    let salesforce = atom_salesforce::Client::builder()
        .base_url(sf.uri())
        .access_token(Secret::new("00Dx!tour"))
        .retry_policy(fast)
        .build()
        .map_err(client)?;
    let config = Config {
        start: FeedStart::Since(chrono::Utc::now() - chrono::Duration::hours(1)),
        recovery: Recovery::new(3, Duration::from_millis(10)),
        ..Config::default()
    };
    let store = Arc::new(MemoryCheckpointStore::default());
    run_once(&zendesk, &salesforce, store, &config, &NoHook).await
}

/// Runs the leg.
pub async fn run() -> LegResult {
    section("sync 2: Zendesk tickets → Salesforce Cases (local mocks with state)");
    let zendesk_mock = ZendeskMock::default();
    zendesk_mock.add_user(7, Some("ann@known.example"), "Ann");
    zendesk_mock.add_user(8, Some("someone@else.example"), "Someone");
    let t = chrono::Utc::now().timestamp() - 600;
    zendesk_mock.put_ticket(
        &TicketSpec::new(1001, 7, t)
            .status("solved")
            .satisfaction("good"),
    );
    zendesk_mock.put_ticket(&TicketSpec::new(1002, 8, t + 1).status("pending"));
    let zendesk = zendesk_mock.start(1000).await;

    let sf_mock = SalesforceMock::standard();
    let account = sf_mock.insert("Account", json!({"Name": "Known Ltd"}));
    sf_mock.insert(
        "Contact",
        json!({"LastName": "Ann", "Email": "ann@known.example", "AccountId": account}),
    );
    let sf = sf_mock.start().await;
    let report = run_program(&zendesk, &sf).await?;
    show(&report);
    let cases = sf_mock.records("Case");
    let ann = cases
        .iter()
        .find(|c| c.get("Zendesk_Ticket_Id__c") == Some(&json!("1001")));
    step(&format!(
        "Case of ticket 1001: {}",
        serde_json::to_string(&ann)?
    ));
    ensure(
        ann.and_then(|c| c.get("AccountId")) == Some(&json!(account))
            && ann.and_then(|c| c.get("Zendesk_Satisfaction__c")) == Some(&json!("good")),
        "ticket 1001 is a Case on Ann's Account with its satisfaction",
    )?;
    ensure(
        report.without_contact == 1,
        "the stranger's ticket has no Contact",
    )?;

    let no_cases = SalesforceMock::standard();
    no_cases.remove_object("Case");
    let sf = no_cases.start().await;
    let report = run_program(&zendesk, &sf).await?;
    step(&format!(
        "an org without Cases: {} Tasks written instead",
        no_cases.records("Task").len()
    ));
    ensure(
        report.target == "Task" && report.created == 2,
        "tickets went to Tasks",
    )?;

    let missing = SalesforceMock::standard();
    missing.remove_field("Case", "Zendesk_Ticket_Id__c");
    let sf = missing.start().await;
    match run_program(&zendesk, &sf).await {
        Err(SyncError::Api(e)) => {
            step(&format!("an org without the external id field: {e}"));
            ensure(e.kind() == atom_core::ErrorKind::Config, "a Config error")
        }
        other => Err(format!("expected a Config error, got {other:?}").into()),
    }
}
