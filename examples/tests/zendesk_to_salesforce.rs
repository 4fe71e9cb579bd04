//! Program 2 against local Zendesk and Salesforce mocks that keep state: Cases on the
//! requester's Contact with status and satisfaction, Tasks in an org without Cases,
//! crashes at every step, a 429/503 storm, and what it says when the org lacks a field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_core::{CheckpointStore, ErrorKind, MemoryCheckpointStore, RateLimitConfig, Secret};
use atom_examples::mock::{SalesforceMock, TicketSpec, ZendeskMock};
use atom_examples::sync::zendesk_to_salesforce::{Config, Report, run_once};
use atom_examples::sync::{CrashAt, NoHook, Recovery, Step, StepHook, SyncError};
use atom_zendesk::feed::FeedStart;
use serde_json::{Map, Value, json};
use wiremock::MockServer;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Requesters with and without Contacts, tickets in every status, then `extra` more and
/// some updates of earlier tickets (they move to the end of the export).
fn zendesk_world(extra: u64) -> ZendeskMock {
    let zendesk = ZendeskMock::default();
    zendesk.add_user(1, Some("Ann@Known.example"), "Ann");
    zendesk.add_user(2, Some("stranger@nowhere.example"), "Stranger");
    zendesk.add_user(3, None, "No Email");
    let mut t = now() - 3600;
    let mut at = || {
        t += 1;
        t
    };
    zendesk.put_ticket(&TicketSpec::new(101, 1, at()).status("new"));
    zendesk.put_ticket(&TicketSpec::new(102, 2, at()).status("pending"));
    zendesk.put_ticket(&TicketSpec::new(103, 3, at()).status("hold"));
    zendesk.put_ticket(
        &TicketSpec::new(104, 1, at())
            .status("solved")
            .satisfaction("good"),
    );
    zendesk.put_ticket(&TicketSpec::new(105, 99, at()).status("deleted"));
    for i in 0..extra {
        zendesk.put_ticket(&TicketSpec::new(200 + i, 1 + i % 3, at()));
    }
    // Updated later: the export brings them again, in their latest state.
    zendesk.put_ticket(
        &TicketSpec::new(101, 1, at())
            .status("closed")
            .satisfaction("bad"),
    );
    zendesk
}

fn salesforce_world() -> (SalesforceMock, String, String) {
    let sf = SalesforceMock::standard();
    let account = sf.insert("Account", json!({"Name": "Known Ltd"}));
    let contact = sf.insert(
        "Contact",
        json!({"LastName": "Ann", "Email": "ann@known.example", "AccountId": account}),
    );
    (sf, account, contact)
}

struct World {
    zendesk: ZendeskMock,
    sf: SalesforceMock,
    zendesk_server: MockServer,
    sf_server: MockServer,
    store: Arc<dyn CheckpointStore>,
    account: String,
    contact: String,
}

async fn world(extra: u64, per_page: usize) -> World {
    let zendesk = zendesk_world(extra);
    let (sf, account, contact) = salesforce_world();
    World {
        zendesk_server: zendesk.start(per_page).await,
        sf_server: sf.start().await,
        zendesk,
        sf,
        store: Arc::new(MemoryCheckpointStore::default()),
        account,
        contact,
    }
}

fn config(batch: usize) -> Config {
    let mut config = Config::default();
    config.start = FeedStart::Since(chrono::DateTime::from_timestamp(now() - 7200, 0).unwrap());
    config.batch = batch;
    config.recovery = Recovery::new(12, Duration::from_millis(1));
    config
}

impl World {
    async fn run_with(&self, config: &Config, hook: &dyn StepHook) -> Result<Report, SyncError> {
        let fast = RetryPolicy::default().base_delay(Duration::from_millis(1));
        let zendesk = atom_zendesk::Client::builder()
            .base_url(self.zendesk_server.uri())
            .api_token("agent@acme.example", Secret::new("token"))
            .retry_policy(fast.clone())
            // The export's 10-a-minute pacing is Zendesk's; the mock needs none.
            .class_limits(
                atom_zendesk::INCREMENTAL_CLASS,
                RateLimitConfig::unlimited(),
            )
            .build()
            .unwrap();
        let sf = atom_salesforce::Client::builder()
            .base_url(self.sf_server.uri())
            .access_token(Secret::new("00Dx!token"))
            .retry_policy(fast)
            .build()
            .unwrap();
        run_once(&zendesk, &sf, self.store.clone(), config, hook).await
    }

    async fn run(&self, batch: usize, hook: &dyn StepHook) -> Result<Report, SyncError> {
        self.run_with(&config(batch), hook).await
    }
}

fn records(sf: &SalesforceMock, object: &str) -> Vec<Value> {
    sf.records(object).into_iter().map(Value::Object).collect()
}

fn by_ticket<'a>(records: &'a [Value], id: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["Zendesk_Ticket_Id__c"] == id)
        .unwrap_or_else(|| panic!("no record for ticket {id}"))
}

fn org(sf: &SalesforceMock) -> Vec<Vec<Map<String, Value>>> {
    vec![sf.records("Case"), sf.records("Task")]
}

#[tokio::test]
async fn tickets_become_cases_on_the_requesters_contact_with_status_and_satisfaction() {
    let w = world(0, 1000).await;
    let report = w.run(200, &NoHook).await.unwrap();
    assert_eq!(report.target, "Case");
    let cases = records(&w.sf, "Case");
    let keys: Vec<&str> = cases
        .iter()
        .map(|c| c["Zendesk_Ticket_Id__c"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["101", "102", "103", "104", "105"]);
    assert_eq!((report.created, report.updated), (5, 0));

    let ann = by_ticket(&cases, "104");
    assert_eq!(ann["ContactId"], json!(w.contact));
    assert_eq!(ann["AccountId"], json!(w.account));
    assert_eq!(ann["Status"], "Closed");
    assert_eq!(ann["Zendesk_Satisfaction__c"], "good");
    assert_eq!(ann["Priority"], "High", "ticket 104 is high");
    assert_eq!(ann["Subject"], "Ticket 104");
    // The latest state of an updated ticket, on the matched contact (email case aside).
    let updated = by_ticket(&cases, "101");
    assert_eq!(updated["Status"], "Closed");
    assert_eq!(updated["Zendesk_Satisfaction__c"], "bad");
    assert_eq!(by_ticket(&cases, "102")["Status"], "Working");
    assert_eq!(by_ticket(&cases, "103")["Status"], "Escalated");
    assert_eq!(by_ticket(&cases, "103")["Priority"], "Medium");
    // No Contact for a stranger, no email, an unknown requester: no link, counted.
    for id in ["102", "103", "105"] {
        assert!(by_ticket(&cases, id)["ContactId"].is_null(), "ticket {id}");
    }
    assert_eq!((report.linked, report.without_contact), (2, 3));
    // A deleted ticket closes its Case.
    assert_eq!(by_ticket(&cases, "105")["Status"], "Closed");
    assert_eq!(report.deleted, 1);
    assert_eq!(
        report.changes, 5,
        "ticket 101 moved to the end of the export"
    );

    // A later change comes in the next run and updates the same Case.
    w.zendesk.put_ticket(
        &TicketSpec::new(102, 2, now() - 120)
            .status("solved")
            .satisfaction("good"),
    );
    let again = w.run(200, &NoHook).await.unwrap();
    assert_eq!((again.changes, again.created, again.updated), (1, 0, 1));
    let cases = records(&w.sf, "Case");
    assert_eq!(cases.len(), 5);
    assert_eq!(by_ticket(&cases, "102")["Status"], "Closed");
}

#[tokio::test]
async fn requesters_are_looked_up_a_hundred_at_a_time_once_per_run() {
    let w = world(0, 1000).await;
    // 150 more requesters, each with two tickets: the second ones come in the next batch.
    let t = now() - 1800;
    for i in 0..150u64 {
        w.zendesk
            .add_user(1000 + i, Some(&format!("user{i}@else.example")), "User");
        w.zendesk
            .put_ticket(&TicketSpec::new(300 + i, 1000 + i, t + i as i64));
    }
    for i in 0..150u64 {
        w.zendesk
            .put_ticket(&TicketSpec::new(600 + i, 1000 + i, t + 200 + i as i64));
    }
    w.run(200, &NoHook).await.unwrap();
    let ops = w.zendesk.storm.by_operation();
    // Batch 1 names 154 requesters: show_many of 100, then of 54 (the mock refuses more
    // than 100 ids). Batch 2 names only requesters already looked up: no request.
    assert_eq!(ops.get("GET /api/v2/users/show_many"), Some(&2), "{ops:?}");
    assert_eq!(w.sf.records("Case").len(), 305);
}

#[tokio::test]
async fn an_org_without_cases_gets_tasks_on_the_contact() {
    let w = world(0, 1000).await;
    w.sf.remove_object("Case");
    let report = w.run(200, &NoHook).await.unwrap();
    assert_eq!(report.target, "Task");
    let tasks = records(&w.sf, "Task");
    assert_eq!(tasks.len(), 5);
    let ann = by_ticket(&tasks, "104");
    assert_eq!(ann["WhoId"], json!(w.contact));
    assert_eq!(ann["WhatId"], json!(w.account));
    assert_eq!(ann["Status"], "Completed");
    assert_eq!(
        by_ticket(&tasks, "102")["Status"],
        "Waiting on someone else"
    );
    assert_eq!(ann["Priority"], "High");
    assert_eq!(by_ticket(&tasks, "103")["Priority"], "Normal");
}

#[tokio::test]
async fn a_crash_at_any_step_and_a_rerun_leave_the_org_as_a_clean_run() {
    let clean = world(20, 6).await;
    clean.run(4, &NoHook).await.unwrap();
    let expected = org(&clean.sf);
    assert_eq!(expected[0].len(), 25);

    for step in Step::ALL {
        for nth in [1, 4] {
            let w = world(20, 6).await;
            match w.run(4, &CrashAt::new(step, nth)).await {
                Err(SyncError::Crashed(c)) => assert_eq!(c.0, step),
                other => panic!("{step:?} #{nth}: expected a crash, got {other:?}"),
            }
            w.run(4, &NoHook).await.unwrap();
            assert_eq!(org(&w.sf), expected, "after a crash at {step:?} #{nth}");
        }
    }
}

#[tokio::test]
async fn a_storm_of_429s_and_503s_mid_sync_slows_it_down_and_loses_nothing() {
    let clean = world(30, 7).await;
    clean.run(10, &NoHook).await.unwrap();
    let expected = org(&clean.sf);

    let w = world(30, 7).await;
    w.zendesk.storm.fail(2, 7);
    w.sf.storm.fail(5, 7);
    let report = w.run(10, &NoHook).await.unwrap();
    assert_eq!(org(&w.sf), expected);
    assert!(report.recoveries >= 1, "{report:?}");
    assert!(w.zendesk.storm.served() > clean.zendesk.storm.served() + 6);
}

#[tokio::test]
async fn an_org_missing_a_field_or_status_is_told_what_to_configure() {
    let w = world(0, 1000).await;
    w.sf.remove_field("Case", "Zendesk_Satisfaction__c");
    let err = w.run(200, &NoHook).await.unwrap_err();
    let err = err.api().unwrap();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string().contains("ATOM_SF_SATISFACTION_FIELD"),
        "{err}"
    );

    let mut no_score = config(200);
    no_score.satisfaction_field = None;
    no_score.case_status.insert("hold".into(), "Parked".into());
    let err = w.run_with(&no_score, &NoHook).await.unwrap_err();
    let text = err.api().unwrap().to_string();
    assert!(
        text.contains("Parked") && text.contains("ATOM_SF_CASE_STATUS"),
        "{text}"
    );

    assert_eq!(
        w.zendesk.storm.served(),
        0,
        "nothing is read before the org is checked"
    );

    no_score
        .case_status
        .insert("hold".into(), "Escalated".into());
    w.run_with(&no_score, &NoHook).await.unwrap();
    let cases = records(&w.sf, "Case");
    assert!(by_ticket(&cases, "104")["Zendesk_Satisfaction__c"].is_null());
    assert_eq!(cases.len(), 5);
}
