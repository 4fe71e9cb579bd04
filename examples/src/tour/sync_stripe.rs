//! The first sync program's leg: Stripe payments become Closed Won Opportunities in
//! Salesforce, through local Stripe and Salesforce mocks that keep state. The leg crashes
//! the program once after the Salesforce write (before the checkpoint save), runs it again,
//! and shows that the replay changed nothing.

use std::sync::Arc;
use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_core::{MemoryCheckpointStore, Secret};
use atom_stripe::feed::FeedStart;
use serde_json::json;

use super::{LegResult, ensure, section, show, step};
use crate::mock::{SalesforceMock, StripeMock};
use crate::sync::stripe_to_salesforce::{Config, run_once};
use crate::sync::{CrashAt, NoHook, Recovery, Step, SyncError};

/// Runs the leg.
pub async fn run() -> LegResult {
    section("sync 1: Stripe payments → Salesforce Opportunities (local mocks with state)");
    let stripe_mock = StripeMock::default();
    stripe_mock.add_customer("cus_ann", Some("ann@known.example"), Some("Ann"));
    stripe_mock.add_customer("cus_bo", Some("bo@newco.example"), Some("Bo"));
    let t = chrono::Utc::now().timestamp() - 600;
    stripe_mock.payment_succeeded("pi_1", Some("cus_ann"), 1999, "usd", t);
    stripe_mock.payment_succeeded("pi_2", Some("cus_bo"), 250_000, "usd", t + 1);
    stripe_mock.invoice_paid("in_1", "cus_bo", 4200, "usd", t + 2);
    stripe_mock.payment_succeeded("pi_3", None, 500, "usd", t + 3);
    let sf_mock = SalesforceMock::standard();
    let known = sf_mock.insert("Account", json!({"Name": "Known Ltd"}));
    sf_mock.insert(
        "Contact",
        json!({"LastName": "Ann", "Email": "ann@known.example", "AccountId": known}),
    );
    let stripe_server = stripe_mock.start().await;
    let sf_server = sf_mock.start().await;
    let fast = RetryPolicy::default().base_delay(Duration::from_millis(5));
    let stripe = atom_stripe::Client::builder()
        .secret_key("sk_test_tour")
        .base_url(stripe_server.uri())
        .retry_policy(fast.clone())
        .build()?;
    let salesforce = atom_salesforce::Client::builder()
        .base_url(sf_server.uri())
        .access_token(Secret::new("00Dx!tour"))
        .retry_policy(fast)
        .build()?;
    let store = Arc::new(MemoryCheckpointStore::default());
    let config = Config {
        start: FeedStart::Since(chrono::Utc::now() - chrono::Duration::hours(1)),
        batch: 2,
        recovery: Recovery::new(3, Duration::from_millis(10)),
        ..Config::default()
    };

    let crash = CrashAt::new(Step::TargetWritten, 2);
    let crashed = run_once(&stripe, &salesforce, store.clone(), &config, &crash).await;
    ensure(
        matches!(crashed, Err(SyncError::Crashed(_))),
        "the first run stops at the simulated crash",
    )?;
    let after_crash = sf_mock.records("Opportunity").len();
    step(&format!(
        "run 1 crashed after writing batch 2 to Salesforce, before saving its checkpoint: \
         {after_crash} Opportunities written"
    ));
    let report = run_once(&stripe, &salesforce, store.clone(), &config, &NoHook).await?;
    step("run 2 resumed from the saved checkpoint and replayed batch 2:");
    show(&report);
    let opportunities = sf_mock.records("Opportunity");
    let keys: Vec<&str> = opportunities
        .iter()
        .filter_map(|o| o.get("Stripe_Id__c").and_then(|v| v.as_str()))
        .collect();
    step(&format!("Opportunities by Stripe id: {keys:?}"));
    ensure(
        keys == ["pi_1", "pi_2", "in_1"],
        "one Opportunity per payment, no duplicate",
    )?;
    ensure(
        report.opportunities_updated == 1 && report.skipped.len() == 1,
        "the replayed record was updated, the guest payment skipped with its reason",
    )?;
    let on_known = opportunities
        .iter()
        .find(|o| o.get("Stripe_Id__c") == Some(&json!("pi_1")))
        .and_then(|o| o.get("AccountId"))
        == Some(&json!(known));
    ensure(
        on_known,
        "pi_1 went to the Account of the Contact with Ann's email",
    )?;
    let again = run_once(&stripe, &salesforce, store, &config, &NoHook).await?;
    step(&format!("run 3: {} changes, nothing to do", again.changes));
    ensure(again.changes == 0, "a third run finds nothing new")
}
