//! Program 1 against local Stripe and Salesforce mocks that keep state: what it writes, that
//! a crash at any step and a rerun leave the org exactly as a clean run does, that a storm
//! of 429s and 503s slows it down without losing anything, and what it says when the org
//! lacks a field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_core::{CheckpointStore, ErrorKind, MemoryCheckpointStore, Secret};
use atom_examples::mock::{SalesforceMock, StripeMock};
use atom_examples::sync::stripe_to_salesforce::{Config, Report, run_once};
use atom_examples::sync::{CrashAt, NoHook, Recovery, Step, SyncError};
use atom_stripe::feed::FeedStart;
use serde_json::{Map, Value, json};
use wiremock::MockServer;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Customers and payments covering every matching rule; `extra` more payments by
/// rotating customers (for the batches).
fn stripe_world(extra: usize) -> StripeMock {
    let stripe = StripeMock::default();
    stripe.add_customer("cus_contact", Some("Ann@Known.example"), Some("Ann"));
    stripe.add_customer("cus_site", Some("bo@site.example"), Some("Bo"));
    stripe.add_customer("cus_acme1", Some("cy@acme.example"), Some("Cy"));
    stripe.add_customer("cus_acme2", Some("di@acme.example"), None);
    stripe.add_customer("cus_gmail", Some("ed@gmail.com"), Some("Ed"));
    let mut t = now() - 3600;
    let mut next = || {
        t += 1;
        t
    };
    stripe.payment_succeeded("pi_usd", Some("cus_contact"), 1999, "usd", next());
    stripe.payment_succeeded("pi_site", Some("cus_site"), 100, "usd", next());
    stripe.payment_succeeded("pi_acme1", Some("cus_acme1"), 5, "usd", next());
    stripe.payment_succeeded(
        "pi_acme2",
        Some("cus_acme2"),
        922_337_203_685_477_580,
        "usd",
        next(),
    );
    stripe.payment_succeeded("pi_gmail", Some("cus_gmail"), 1, "usd", next());
    stripe.payment_succeeded("pi_gone", Some("cus_deleted"), 700, "usd", next());
    stripe.payment_succeeded("pi_guest", None, 300, "usd", next());
    stripe.payment_succeeded("pi_eur", Some("cus_gmail"), 300, "eur", next());
    stripe.invoice_paid("in_1", "cus_site", 4200, "usd", next());
    let inv_at = next();
    let invoiced = json!({
        "id": "pi_inv", "object": "payment_intent", "amount": 4200, "amount_received": 4200,
        "created": inv_at, "currency": "usd", "customer": "cus_site", "invoice": "in_1",
        "livemode": false, "payment_method_types": ["card"], "status": "succeeded",
    });
    stripe.other_event("payment_intent.succeeded", invoiced, inv_at);
    stripe.other_event(
        "customer.created",
        json!({"id": "cus_x", "object": "customer"}),
        next(),
    );
    let customers = ["cus_contact", "cus_site", "cus_acme1", "cus_gmail"];
    for i in 0..extra {
        let customer = customers[i % customers.len()];
        stripe.payment_succeeded(
            &format!("pi_extra{i:05}"),
            Some(customer),
            100 + i as i64,
            "usd",
            next(),
        );
    }
    // A replay of an object already paid: same Opportunity, latest state.
    stripe.payment_succeeded("pi_usd", Some("cus_contact"), 1999, "usd", next());
    stripe
}

fn salesforce_world() -> SalesforceMock {
    let sf = SalesforceMock::standard();
    let known = sf.insert("Account", json!({"Name": "Known Ltd"}));
    sf.insert(
        "Contact",
        json!({"LastName": "Ann", "Email": "ann@known.example", "AccountId": known}),
    );
    sf.insert(
        "Account",
        json!({"Name": "Site Inc", "Website": "https://www.site.example/"}),
    );
    sf
}

async fn clients(
    stripe: &MockServer,
    sf: &MockServer,
) -> (atom_stripe::Client, atom_salesforce::Client) {
    let fast = RetryPolicy::default().base_delay(Duration::from_millis(1));
    let stripe = atom_stripe::Client::builder()
        .secret_key("sk_test_sync")
        .base_url(stripe.uri())
        .retry_policy(fast.clone())
        .build()
        .unwrap();
    let sf = atom_salesforce::Client::builder()
        .base_url(sf.uri())
        .access_token(Secret::new("00Dx!token"))
        .retry_policy(fast)
        .build()
        .unwrap();
    (stripe, sf)
}

fn config(batch: usize) -> Config {
    let mut config = Config::default();
    config.start = FeedStart::Since(chrono::DateTime::from_timestamp(now() - 7200, 0).unwrap());
    config.batch = batch;
    config.recovery = Recovery::new(12, Duration::from_millis(1));
    config
}

/// The org's synced records, by object, with ids (a rerun must not even renumber).
fn org(sf: &SalesforceMock) -> Vec<(String, Vec<Map<String, Value>>)> {
    ["Account", "Opportunity"]
        .iter()
        .map(|o| (o.to_string(), sf.records(o)))
        .collect()
}

struct World {
    stripe: StripeMock,
    sf: SalesforceMock,
    stripe_server: MockServer,
    sf_server: MockServer,
    store: Arc<dyn CheckpointStore>,
}

async fn world(extra: usize) -> World {
    let stripe = stripe_world(extra);
    let sf = salesforce_world();
    let stripe_server = stripe.start().await;
    let sf_server = sf.start().await;
    World {
        stripe,
        sf,
        stripe_server,
        sf_server,
        store: Arc::new(MemoryCheckpointStore::default()),
    }
}

impl World {
    async fn run(
        &self,
        batch: usize,
        hook: &dyn atom_examples::sync::StepHook,
    ) -> Result<Report, SyncError> {
        let (stripe, sf) = clients(&self.stripe_server, &self.sf_server).await;
        run_once(&stripe, &sf, self.store.clone(), &config(batch), hook).await
    }
}

/// The records of an object as JSON values (a missing field indexes as `null`).
fn records(sf: &SalesforceMock, object: &str) -> Vec<Value> {
    sf.records(object).into_iter().map(Value::Object).collect()
}

fn opportunity<'a>(records: &'a [Value], key: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["Stripe_Id__c"] == key)
        .unwrap_or_else(|| panic!("no Opportunity {key}"))
}

#[tokio::test]
async fn a_clean_run_writes_each_payment_once_on_the_right_account() {
    let w = world(0).await;
    let report = w.run(200, &NoHook).await.unwrap();
    let opportunities = records(&w.sf, "Opportunity");
    let keys: Vec<&str> = opportunities
        .iter()
        .map(|o| o["Stripe_Id__c"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "in_1", "pi_acme1", "pi_acme2", "pi_gmail", "pi_gone", "pi_site", "pi_usd"
        ]
    );
    assert_eq!(report.opportunities_created, 7);
    assert_eq!(
        report.changes, 11,
        "the customer.created event is filtered by Stripe"
    );

    let accounts = records(&w.sf, "Account");
    let account_named =
        |name: &str| accounts.iter().find(|a| a["Name"] == name).unwrap()["Id"].clone();
    // Matched by the contact's email (case aside), and by the website's domain.
    assert_eq!(
        opportunity(&opportunities, "pi_usd")["AccountId"],
        account_named("Known Ltd")
    );
    assert_eq!(
        opportunity(&opportunities, "pi_site")["AccountId"],
        account_named("Site Inc")
    );
    assert_eq!(
        opportunity(&opportunities, "in_1")["AccountId"],
        account_named("Site Inc")
    );
    // One Account for the company domain shared by two customers; one per free-mail customer.
    let acme = opportunity(&opportunities, "pi_acme1")["AccountId"].clone();
    assert_eq!(opportunity(&opportunities, "pi_acme2")["AccountId"], acme);
    let acme_account = accounts.iter().find(|a| a["Id"] == acme).unwrap();
    assert_eq!(acme_account["Stripe_Customer_Id__c"], "domain:acme.example");
    assert_eq!(acme_account["Website"], "acme.example");
    let gmail = accounts
        .iter()
        .find(|a| a["Stripe_Customer_Id__c"] == "cus_gmail")
        .unwrap();
    assert_eq!(gmail["Name"], "Ed");
    assert!(
        gmail["Website"].is_null(),
        "free mail is no company website"
    );
    let gone = accounts
        .iter()
        .find(|a| a["Stripe_Customer_Id__c"] == "cus_deleted")
        .unwrap();
    assert_eq!(gone["Name"], "Stripe customer cus_deleted");
    assert_eq!(accounts.len(), 2 + 3);

    // Exact money, the stage and the day.
    let usd = opportunity(&opportunities, "pi_usd");
    assert_eq!(usd["Amount"], json!(19.99));
    assert_eq!(usd["StageName"], "Closed Won");
    assert_eq!(usd["Name"], "Stripe payment pi_usd");
    assert_eq!(
        opportunity(&opportunities, "pi_acme2")["Amount"],
        json!("9223372036854775.80")
    );
    assert_eq!(
        opportunity(&opportunities, "pi_acme1")["Amount"],
        json!(0.05)
    );
    assert_eq!(
        opportunity(&opportunities, "in_1")["Name"],
        "Stripe invoice INV-in_1"
    );

    // What was not written, and why.
    let skipped: Vec<(&str, &str)> = report
        .skipped
        .iter()
        .map(|s| (s.id.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(
        skipped
            .iter()
            .any(|(id, r)| *id == "pi_guest" && r.contains("no customer"))
    );
    assert!(
        skipped
            .iter()
            .any(|(id, r)| *id == "pi_eur" && r.contains("single-currency"))
    );
    assert!(
        skipped
            .iter()
            .any(|(id, r)| *id == "pi_inv" && r.contains("in_1"))
    );

    // The list was quiet at the end: the saved checkpoint moved to a time a minute back,
    // so a quiet month cannot push it past the 30 days Stripe keeps events.
    let key = atom_core::CheckpointKey::new(atom_stripe::feed::EVENTS_FEED, "stripe-to-salesforce");
    let saved = w.store.load(&key).await.unwrap().unwrap().checkpoint;
    assert_eq!(saved.cursor, None);
    assert!(saved.at.unwrap().timestamp() > now() - 120);

    // A second run has nothing to do and writes nothing.
    let before = w.sf.storm.by_operation();
    let again = w.run(200, &NoHook).await.unwrap();
    assert_eq!((again.changes, again.batches), (0, 0));
    let after = w.sf.storm.by_operation();
    assert_eq!(
        before.get("collections.upsert"),
        after.get("collections.upsert")
    );
}

#[tokio::test]
async fn a_crash_at_any_step_and_a_rerun_leave_the_org_as_a_clean_run() {
    let clean = world(25).await;
    clean.run(7, &NoHook).await.unwrap();
    let expected = org(&clean.sf);
    assert_eq!(expected[1].1.len(), 7 + 25);

    for step in Step::ALL {
        for nth in [1, 3] {
            let w = world(25).await;
            let crashed = w.run(7, &CrashAt::new(step, nth)).await;
            match crashed {
                Err(SyncError::Crashed(c)) => assert_eq!(c.0, step),
                other => panic!("{step:?} #{nth}: expected a crash, got {other:?}"),
            }
            w.run(7, &NoHook).await.unwrap();
            assert_eq!(org(&w.sf), expected, "after a crash at {step:?} #{nth}");
        }
    }
}

#[tokio::test]
async fn a_storm_of_429s_and_503s_mid_sync_slows_it_down_and_loses_nothing() {
    let clean = world(30).await;
    clean.run(10, &NoHook).await.unwrap();
    let expected = org(&clean.sf);

    let w = world(30).await;
    // Longer than one request's retries (3 attempts) on both sides.
    w.stripe.storm.fail(3, 6);
    w.sf.storm.fail(6, 6);
    let report = w.run(10, &NoHook).await.unwrap();
    assert_eq!(org(&w.sf), expected);
    assert!(report.recoveries >= 2, "{report:?}");
    let clean_requests = clean.stripe.storm.served() + clean.sf.storm.served();
    assert!(w.stripe.storm.served() + w.sf.storm.served() >= clean_requests + 12);

    // A storm that does not end stops the run with the provider's error, after its restarts.
    let endless = world(0).await;
    endless.sf.storm.fail(3, usize::MAX);
    let err = endless.run(10, &NoHook).await.unwrap_err();
    assert_eq!(err.api().unwrap().kind(), ErrorKind::Server);
    assert!(endless.sf.records("Opportunity").is_empty());
}

#[tokio::test]
async fn an_org_without_the_external_id_field_is_told_what_to_create() {
    let w = world(0).await;
    w.sf.remove_field("Opportunity", "Stripe_Id__c");
    let err = w.run(200, &NoHook).await.unwrap_err();
    let err = err.api().expect("an API error");
    assert_eq!(err.kind(), ErrorKind::Config);
    let text = err.to_string();
    assert!(
        text.contains("Stripe_Id__c") && text.contains("ATOM_SF_OPPORTUNITY_KEY"),
        "{text}"
    );
    assert_eq!(
        w.stripe.storm.served(),
        0,
        "nothing is read before the org is checked"
    );
    assert!(w.sf.records("Opportunity").is_empty());
}

#[tokio::test]
async fn a_stage_the_org_does_not_have_is_a_config_error() {
    let w = world(0).await;
    let mut config = config(200);
    config.stage = "Won".to_owned();
    let (stripe, sf) = clients(&w.stripe_server, &w.sf_server).await;
    let err = run_once(&stripe, &sf, w.store.clone(), &config, &NoHook)
        .await
        .unwrap_err();
    let err = err.api().unwrap();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("ATOM_SF_STAGE"));
}

#[tokio::test]
async fn two_workers_on_one_checkpoint_do_not_move_it_back_and_forth() {
    let w = world(0).await;
    let (stripe, sf) = clients(&w.stripe_server, &w.sf_server).await;
    let config = config(200);
    w.run(200, &NoHook).await.unwrap();
    // A worker that loaded the checkpoint before another saved must lose its save.
    let key = atom_core::CheckpointKey::new(atom_stripe::feed::EVENTS_FEED, "stripe-to-salesforce");
    let stored = w.store.load(&key).await.unwrap().unwrap();
    let stale = w
        .store
        .save(&key, &stored.checkpoint, Some(stored.version - 1))
        .await;
    assert_eq!(stale.unwrap_err().kind(), ErrorKind::Conflict);
    // And the program itself resumes from the saved one.
    let again = run_once(&stripe, &sf, w.store.clone(), &config, &NoHook)
        .await
        .unwrap();
    assert_eq!(again.changes, 0);
}
