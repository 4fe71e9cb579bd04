//! Program 2, Zendesk → Salesforce: each ticket becomes, or updates, a Case on its
//! requester's Contact and Account (or a Task, in an org that does not use Cases), with
//! its status and satisfaction carried over, upserted by the Zendesk ticket id.
//!
//! # What it does
//!
//! It reads Zendesk's ticket export feed in batches of up to 200 changes (the export is a
//! state feed: each ticket in its latest state), and for each batch:
//!
//! 1. looks up the requesters it has not seen in this run (`GET /api/v2/users/show_many`,
//!    100 a request) and the Salesforce Contacts with their emails (one query per 200 new
//!    addresses; a Contact created during a run is seen by the next run);
//! 2. upserts one record per ticket by [`Config::ticket_key`] (the ticket id):
//!    `Subject`, `Description`, the mapped `Status` and `Priority`, the satisfaction score
//!    in [`Config::satisfaction_field`], and `ContactId` + `AccountId` (a Task: `WhoId` +
//!    `WhatId`) when a Contact has the requester's email;
//! 3. saves the feed checkpoint of the batch's last change, only after Salesforce took
//!    every record.
//!
//! A ticket deleted in Zendesk gets the status mapped for `closed`; the Case stays (its
//! history is Salesforce's). A requester with no Contact leaves the Case without one, and
//! the report counts it: the program never creates Contacts by guessing a name.
//!
//! # What the org needs
//!
//! An external id field for the ticket id on Case (or Task), a field for the satisfaction
//! score (or [`Config::satisfaction_field`] set to `None`), and the mapped status values on
//! `Status`. The program checks them before reading anything and says what to create.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use atom_core::feed::{Change, ChangeFeed, ChangeKind, FeedCheckpoint};
use atom_core::{CheckpointKey, CheckpointStore, ErrorKind, Result};
use atom_salesforce::Record;
use atom_salesforce::models::SObjectDescribe;
use atom_zendesk::feed::{FeedStart, TICKETS_FEED};
use atom_zendesk::models::{Priority, Ticket};
use atom_zendesk::users::MAX_SHOW_MANY;
use serde::Serialize;

use super::driver::{Program, drive};
use super::salesforce::{
    ContactMatch, config_error, contacts_by_email, describe, record, require_external_id,
    require_field, require_picklist_value, upsert,
};
use super::{Recovery, Step, StepHook, SyncError};

/// The consumer name in the checkpoint key.
pub const CONSUMER: &str = "zendesk-to-salesforce";

/// Most changes per batch: Salesforce's collection limit.
pub const MAX_BATCH: usize = 200;

/// Salesforce's longest `Subject`.
const SUBJECT_LEN: usize = 255;

/// Salesforce's longest Case `Description` (a long text area).
const DESCRIPTION_LEN: usize = 32_000;

/// Where tickets go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetObject {
    /// Cases when the org has them (and the user may create them), else Tasks.
    Auto,
    /// Always Cases.
    Case,
    /// Always Tasks.
    Task,
}

/// What the program writes where; [`Config::from_env`] reads it from the environment.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Case or Task (`ATOM_SF_TICKET_OBJECT`: `auto`, `Case`, `Task`; default `auto`).
    pub target: TargetObject,
    /// The external id field holding the ticket id (`ATOM_SF_TICKET_KEY`, default
    /// `Zendesk_Ticket_Id__c`).
    pub ticket_key: String,
    /// The field for the satisfaction score (`ATOM_SF_SATISFACTION_FIELD`, default
    /// `Zendesk_Satisfaction__c`; `none` to leave the score out).
    pub satisfaction_field: Option<String>,
    /// Zendesk status → Salesforce `Status` for Cases (`ATOM_SF_CASE_STATUS`, as
    /// `new=New,open=Working,…`).
    pub case_status: BTreeMap<String, String>,
    /// Zendesk status → Salesforce `Status` for Tasks (`ATOM_SF_TASK_STATUS`).
    pub task_status: BTreeMap<String, String>,
    /// Where the first run starts (`ATOM_SYNC_SINCE`, RFC 3339; default: a minute ago).
    pub start: FeedStart,
    /// Changes per batch, 1 to 200 (`ATOM_SYNC_BATCH`, default 200).
    pub batch: usize,
    /// The checkpoint's consumer name (`ATOM_SYNC_CONSUMER`, default [`CONSUMER`]).
    pub consumer: String,
    /// How a run rides out a provider storm longer than one request's retries.
    pub recovery: Recovery,
}

fn status_map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

impl Default for Config {
    fn default() -> Self {
        Self {
            target: TargetObject::Auto,
            ticket_key: "Zendesk_Ticket_Id__c".to_owned(),
            satisfaction_field: Some("Zendesk_Satisfaction__c".to_owned()),
            case_status: status_map(&[
                ("new", "New"),
                ("open", "Working"),
                ("pending", "Working"),
                ("hold", "Escalated"),
                ("solved", "Closed"),
                ("closed", "Closed"),
            ]),
            task_status: status_map(&[
                ("new", "Not Started"),
                ("open", "In Progress"),
                ("pending", "Waiting on someone else"),
                ("hold", "Waiting on someone else"),
                ("solved", "Completed"),
                ("closed", "Completed"),
            ]),
            start: FeedStart::Now,
            batch: MAX_BATCH,
            consumer: CONSUMER.to_owned(),
            recovery: Recovery::default(),
        }
    }
}

/// `new=New,open=Working` over the defaults.
fn parse_status_map(text: &str, setting: &str, into: &mut BTreeMap<String, String>) -> Result<()> {
    for pair in text.split(',').filter(|p| !p.trim().is_empty()) {
        let (from, to) = pair.split_once('=').ok_or_else(|| {
            config_error(format!("{setting}: `{pair}` is not zendesk=Salesforce"))
        })?;
        let from = from.trim().to_ascii_lowercase();
        if !into.contains_key(&from) {
            return Err(config_error(format!(
                "{setting}: `{from}` is not a Zendesk status (new, open, pending, hold, solved, closed)"
            )));
        }
        into.insert(from, to.trim().to_owned());
    }
    Ok(())
}

impl Config {
    /// The defaults, overridden by the `ATOM_*` variables the fields name.
    pub fn from_env() -> Result<Self> {
        let var = super::env::var;
        let mut config = Self::default();
        if let Some(v) = var("ATOM_SF_TICKET_OBJECT") {
            config.target = match v.to_ascii_lowercase().as_str() {
                "auto" => TargetObject::Auto,
                "case" => TargetObject::Case,
                "task" => TargetObject::Task,
                _ => return Err(config_error("ATOM_SF_TICKET_OBJECT is auto, Case or Task")),
            };
        }
        if let Some(v) = var("ATOM_SF_TICKET_KEY") {
            config.ticket_key = v;
        }
        if let Some(v) = var("ATOM_SF_SATISFACTION_FIELD") {
            config.satisfaction_field = (!v.eq_ignore_ascii_case("none")).then_some(v);
        }
        if let Some(v) = var("ATOM_SF_CASE_STATUS") {
            parse_status_map(&v, "ATOM_SF_CASE_STATUS", &mut config.case_status)?;
        }
        if let Some(v) = var("ATOM_SF_TASK_STATUS") {
            parse_status_map(&v, "ATOM_SF_TASK_STATUS", &mut config.task_status)?;
        }
        let common = super::env::common(MAX_BATCH)?;
        if let Some(since) = common.since {
            config.start = FeedStart::Since(since);
        }
        if let Some(batch) = common.batch {
            config.batch = batch;
        }
        if let Some(consumer) = common.consumer {
            config.consumer = consumer;
        }
        Ok(config)
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// `Case` or `Task`.
    pub target: String,
    /// Changes read from the feed.
    pub changes: usize,
    /// Batches written (each ends with a checkpoint save).
    pub batches: usize,
    /// Records created.
    pub created: usize,
    /// Records that existed and were updated.
    pub updated: usize,
    /// Tickets whose requester has a Contact (linked to it and its Account).
    pub linked: usize,
    /// Tickets written without a Contact: no Contact has the requester's email.
    pub without_contact: usize,
    /// Tickets deleted in Zendesk (their record closed).
    pub deleted: usize,
    /// The export cursor or time of the last checkpoint saved.
    pub checkpoint: Option<String>,
    /// Times the run waited out a storm and started again from its checkpoint.
    pub recoveries: u32,
}

/// The object chosen and what its fields take.
struct Target {
    object: &'static str,
    statuses: BTreeMap<String, String>,
    describe: SObjectDescribe,
}

async fn check_org(sf: &atom_salesforce::Client, config: &Config) -> Result<Target> {
    let case = match config.target {
        TargetObject::Task => None,
        TargetObject::Case => Some(describe(sf, "Case").await?),
        TargetObject::Auto => match describe(sf, "Case").await {
            Ok(d) if d.extra.get("createable") != Some(&serde_json::Value::Bool(false)) => Some(d),
            Ok(_) => None,
            Err(e) if e.kind() == ErrorKind::Config => None,
            Err(e) => return Err(e),
        },
    };
    let (object, describe, statuses, setting) = match case {
        Some(d) => ("Case", d, config.case_status.clone(), "ATOM_SF_CASE_STATUS"),
        None => (
            "Task",
            describe(sf, "Task").await?,
            config.task_status.clone(),
            "ATOM_SF_TASK_STATUS",
        ),
    };
    require_external_id(&describe, &config.ticket_key, "ATOM_SF_TICKET_KEY")?;
    if let Some(field) = &config.satisfaction_field {
        require_field(&describe, field, "ATOM_SF_SATISFACTION_FIELD (or none)")?;
    }
    for value in statuses.values().collect::<BTreeSet<_>>() {
        require_picklist_value(&describe, "Status", value, setting)?;
    }
    Ok(Target {
        object,
        statuses,
        describe,
    })
}

/// The program's state through a run.
struct ZendeskToSalesforce<'a> {
    zendesk: &'a atom_zendesk::Client,
    sf: &'a atom_salesforce::Client,
    config: &'a Config,
    target: Target,
    /// Requester emails (lower-cased; `None`: no email or no such user), for the run.
    emails: HashMap<u64, Option<String>>,
    /// Contacts by email (`None`: none has it), for the run.
    contacts: HashMap<String, Option<ContactMatch>>,
    report: Report,
}

/// Runs the program once: every ticket changed after the saved checkpoint (or from
/// [`Config::start`] on the first run) is written to Salesforce, batch by batch, and the
/// checkpoint saved after each batch. `hook` sees each [`Step`] (tests crash there).
pub async fn run_once(
    zendesk: &atom_zendesk::Client,
    sf: &atom_salesforce::Client,
    store: Arc<dyn CheckpointStore>,
    config: &Config,
    hook: &dyn StepHook,
) -> std::result::Result<Report, SyncError> {
    let target = check_org(sf, config).await?;
    let mut program = ZendeskToSalesforce {
        zendesk,
        sf,
        config,
        report: Report {
            target: target.object.to_owned(),
            ..Report::default()
        },
        target,
        emails: HashMap::new(),
        contacts: HashMap::new(),
    };
    let recoveries = drive(&mut program, store, hook, config.recovery).await?;
    program.report.recoveries = recoveries;
    Ok(program.report)
}

impl Program for ZendeskToSalesforce<'_> {
    type Object = Ticket;

    fn checkpoint_key(&self) -> CheckpointKey {
        CheckpointKey::new(TICKETS_FEED, self.config.consumer.clone())
    }

    fn batch_size(&self) -> usize {
        self.config.batch.clamp(1, MAX_BATCH)
    }

    fn feed(&self, from: Option<&FeedCheckpoint>) -> ChangeFeed<Ticket> {
        let incremental = self.zendesk.incremental();
        match from {
            Some(checkpoint) => incremental.tickets_feed_from(checkpoint),
            None => incremental.tickets_feed(self.config.start),
        }
    }

    async fn write(
        &mut self,
        batch: Vec<Change<Ticket>>,
        hook: &dyn StepHook,
    ) -> std::result::Result<(), SyncError> {
        self.report.changes += batch.len();
        // One record per ticket, in its latest state.
        let mut tickets: BTreeMap<u64, (ChangeKind, Ticket)> = BTreeMap::new();
        for change in batch {
            tickets.insert(change.object.id, (change.kind, change.object));
        }
        let requesters: BTreeSet<u64> = tickets
            .values()
            .filter_map(|(_, t)| t.requester_id)
            .collect();
        self.learn_emails(requesters).await?;
        let emails: Vec<String> = tickets
            .values()
            .filter_map(|(_, t)| self.email_of(t))
            .filter(|e| !self.contacts.contains_key(e))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut found = contacts_by_email(self.sf, &emails).await?;
        for email in emails {
            let contact = found.remove(&email);
            self.contacts.insert(email, contact);
        }
        hook.at(Step::Prepared)?;
        let records: Vec<Record> = tickets
            .values()
            .map(|(kind, ticket)| {
                let contact = self
                    .email_of(ticket)
                    .and_then(|e| self.contacts.get(&e).cloned().flatten());
                self.record_of(*kind, ticket, contact.as_ref())
            })
            .collect();
        let (_, counts) = upsert(
            self.sf,
            self.target.object,
            &self.config.ticket_key,
            &records,
        )
        .await?;
        self.report.created += counts.created;
        self.report.updated += counts.updated;
        Ok(())
    }

    fn batch_done(&mut self, _changes: usize, checkpoint: &FeedCheckpoint) {
        self.report.batches += 1;
        self.report.checkpoint = checkpoint
            .cursor
            .clone()
            .or_else(|| checkpoint.at.map(|t| t.to_rfc3339()));
    }
}

impl ZendeskToSalesforce<'_> {
    /// Fetches the requesters not seen in this run, 100 a request.
    async fn learn_emails(&mut self, requesters: BTreeSet<u64>) -> Result<()> {
        let unknown: Vec<u64> = requesters
            .into_iter()
            .filter(|id| !self.emails.contains_key(id))
            .collect();
        for chunk in unknown.chunks(MAX_SHOW_MANY) {
            // Remembered only once the request succeeded: a failed lookup is no answer.
            let users = self.zendesk.users().get_many(chunk).await?;
            for id in chunk {
                self.emails.insert(*id, None);
            }
            for user in users {
                let email = user
                    .email
                    .map(|e| e.trim().to_ascii_lowercase())
                    .filter(|e| e.contains('@'));
                self.emails.insert(user.id, email);
            }
        }
        Ok(())
    }

    fn email_of(&self, ticket: &Ticket) -> Option<String> {
        self.emails.get(&ticket.requester_id?).cloned().flatten()
    }

    fn record_of(
        &mut self,
        kind: ChangeKind,
        ticket: &Ticket,
        contact: Option<&ContactMatch>,
    ) -> Record {
        let case = self.target.object == "Case";
        let mut out = record(self.target.object);
        out.set(&self.config.ticket_key, ticket.id.to_string());
        let subject = ticket.subject.as_deref().unwrap_or("(no subject)");
        out.set("Subject", truncate(subject, SUBJECT_LEN));
        if let Some(description) = &ticket.description {
            out.set("Description", truncate(description, DESCRIPTION_LEN));
        }
        let status = if kind == ChangeKind::Deleted {
            self.report.deleted += 1;
            "closed".to_owned()
        } else {
            ticket
                .status
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_else(|| "open".to_owned())
        };
        if let Some(mapped) = self.target.statuses.get(&status) {
            out.set("Status", mapped.clone());
        }
        if let Some(priority) = self.priority_of(ticket.priority.as_ref()) {
            out.set("Priority", priority);
        }
        if let Some(field) = &self.config.satisfaction_field {
            let score = ticket
                .satisfaction_rating
                .as_ref()
                .and_then(|r| r.get("score"))
                .and_then(|s| s.as_str());
            let allowed = self.target.describe.field(field).is_some_and(|f| {
                score.is_some_and(|s| f.picklist_values.is_empty() || f.allows(s))
            });
            if let (Some(score), true) = (score, allowed) {
                out.set(field, score.to_owned());
            }
        }
        match contact {
            Some(contact) => {
                self.report.linked += 1;
                let (who, what) = if case {
                    ("ContactId", "AccountId")
                } else {
                    ("WhoId", "WhatId")
                };
                out.set(who, contact.contact_id.clone());
                if let Some(account) = &contact.account_id {
                    out.set(what, account.clone());
                }
            }
            None => self.report.without_contact += 1,
        }
        out
    }

    /// Zendesk's priority in the values the org's `Priority` takes.
    fn priority_of(&self, priority: Option<&Priority>) -> Option<String> {
        let wanted: &[&str] = match priority? {
            Priority::Urgent | Priority::High => &["High"],
            Priority::Normal => &["Medium", "Normal"],
            Priority::Low => &["Low"],
            _ => &[],
        };
        let field = self.target.describe.field("Priority")?;
        wanted
            .iter()
            .find(|w| field.allows(w))
            .map(|w| (*w).to_owned())
    }
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
