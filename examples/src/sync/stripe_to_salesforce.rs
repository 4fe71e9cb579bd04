//! Program 1, Stripe → Salesforce: each succeeded PaymentIntent and each paid invoice
//! becomes, or updates, a Closed Won Opportunity on the customer's Account.
//!
//! # What it does
//!
//! It reads Stripe's events feed (`payment_intent.succeeded`, `invoice.paid`) in batches of
//! up to 200 changes, and for each batch:
//!
//! 1. finds the Account of each new customer (one `GET /v1/customers/{id}` per customer,
//!    remembered for the run): the Account of a Contact with the customer's email; else an
//!    Account whose `Website` is the email's domain (not for free-mail domains); else an
//!    Account it upserts by [`Config::account_key`] (`domain:acme.com` for a company
//!    domain, so two customers of one company share it; the customer id otherwise);
//! 2. upserts one Opportunity per payment by [`Config::opportunity_key`], which holds the
//!    Stripe object id (`pi_…`, `in_…`): `Amount` exact in the payment's currency,
//!    `CloseDate` the day of the event (UTC), `StageName` [`Config::stage`];
//! 3. saves the feed checkpoint of the batch's last change, only after Salesforce took
//!    every record.
//!
//! Every write is an upsert by a key derived from Stripe ids, and every match is by a rule
//! that gives the same answer when run again, so replaying a batch after a crash leaves
//! Salesforce exactly as one clean run would.
//!
//! A PaymentIntent that pays an invoice (it names one in `invoice`) is left to that
//! invoice's `invoice.paid`, so one payment never becomes two Opportunities. A payment
//! without a customer is reported as skipped: an Opportunity needs an Account, and a guest
//! payment names none. In an org without multiple currencies (no `CurrencyIsoCode` on
//! Opportunity), a payment in another currency than [`Config::org_currency`] is reported as
//! skipped rather than written with a wrong amount.
//!
//! # What the org needs
//!
//! A Text(255) external id field on Opportunity (`Stripe_Id__c`) and on Account
//! (`Stripe_Customer_Id__c`), and the stage value on `StageName`. The program checks them
//! before reading anything and, when one is missing, stops with an
//! [`ErrorKind::Config`] error saying what to create.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use atom_core::feed::{Change, ChangeFeed, FeedCheckpoint};
use atom_core::{CheckpointKey, CheckpointStore, Decimal, ErrorKind, Result};
use atom_salesforce::Record;
use atom_salesforce::models::SObjectDescribe;
use atom_stripe::feed::{EVENTS_FEED, EventFeedParams, FeedStart};
use atom_stripe::models::{Customer, Event, EventObject};
use chrono::{DateTime, Utc};
use futures::{StreamExt as _, TryStreamExt as _};
use serde::Serialize;

use super::driver::{Program, drive};
use super::salesforce::{
    contacts_by_email, describe, record, require_external_id, require_picklist_value, upsert,
};
use super::{Recovery, Step, StepHook, SyncError};

/// The consumer name in the checkpoint key.
pub const CONSUMER: &str = "stripe-to-salesforce";

/// The event types the program syncs.
pub const SYNCED_TYPES: [&str; 2] = ["payment_intent.succeeded", "invoice.paid"];

/// Most changes per batch: Salesforce's collection limit.
pub const MAX_BATCH: usize = 200;

/// Free-mail domains never matched to a company Account by `Website`.
pub const FREE_MAIL: [&str; 12] = [
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
];

/// Customers fetched from Stripe at once.
const CUSTOMER_FETCHES: usize = 4;

/// What the program writes where; [`Config::from_env`] reads it from the environment.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The Opportunity external id field that holds the Stripe object id
    /// (`ATOM_SF_OPPORTUNITY_KEY`, default `Stripe_Id__c`).
    pub opportunity_key: String,
    /// The Account external id field for Accounts the program creates
    /// (`ATOM_SF_ACCOUNT_KEY`, default `Stripe_Customer_Id__c`).
    pub account_key: String,
    /// The Opportunity stage (`ATOM_SF_STAGE`, default `Closed Won`).
    pub stage: String,
    /// The org's currency when it has no `CurrencyIsoCode` (`ATOM_SF_CURRENCY`, default `USD`).
    pub org_currency: String,
    /// Where the first run starts (`ATOM_SYNC_SINCE`, an RFC 3339 time; default: now).
    pub start: FeedStart,
    /// Changes per batch, 1 to 200 (`ATOM_SYNC_BATCH`, default 200).
    pub batch: usize,
    /// The checkpoint's consumer name (`ATOM_SYNC_CONSUMER`, default [`CONSUMER`]).
    pub consumer: String,
    /// How a run rides out a provider storm longer than one request's retries.
    pub recovery: Recovery,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            opportunity_key: "Stripe_Id__c".to_owned(),
            account_key: "Stripe_Customer_Id__c".to_owned(),
            stage: "Closed Won".to_owned(),
            org_currency: "USD".to_owned(),
            start: FeedStart::Now,
            batch: MAX_BATCH,
            consumer: CONSUMER.to_owned(),
            recovery: Recovery::default(),
        }
    }
}

impl Config {
    /// The defaults, overridden by the `ATOM_*` variables the fields name.
    pub fn from_env() -> Result<Self> {
        let var = super::env::var;
        let mut config = Self::default();
        if let Some(v) = var("ATOM_SF_OPPORTUNITY_KEY") {
            config.opportunity_key = v;
        }
        if let Some(v) = var("ATOM_SF_ACCOUNT_KEY") {
            config.account_key = v;
        }
        if let Some(v) = var("ATOM_SF_STAGE") {
            config.stage = v;
        }
        if let Some(v) = var("ATOM_SF_CURRENCY") {
            config.org_currency = v.to_ascii_uppercase();
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

/// A change the program did not write, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The Stripe object id.
    pub id: String,
    /// Why it was not written.
    pub reason: String,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Changes read from the feed.
    pub changes: usize,
    /// Batches written (each ends with a checkpoint save).
    pub batches: usize,
    /// Opportunities created.
    pub opportunities_created: usize,
    /// Opportunities that existed (a replay, an update) and were updated.
    pub opportunities_updated: usize,
    /// Customers matched to an existing Account (by contact email or website).
    pub accounts_matched: usize,
    /// Accounts created (or found again by their key).
    pub accounts_upserted: usize,
    /// Changes not written, with the reason.
    pub skipped: Vec<Skipped>,
    /// The event id of the last checkpoint saved.
    pub checkpoint: Option<String>,
    /// Times the run waited out a storm and started again from its checkpoint.
    pub recoveries: u32,
}

/// One payment as it goes to Salesforce.
#[derive(Debug, Clone)]
struct Sale {
    key: String,
    customer: String,
    amount: Decimal,
    currency: String,
    at: DateTime<Utc>,
    name: String,
}

/// The payment an event reports, `Ok(None)` for events the program does not sync, or the
/// reason it is skipped.
fn sale_of(event: &Event) -> std::result::Result<Option<Sale>, String> {
    match &event.data.object {
        EventObject::PaymentIntent(intent) if event.event_type.as_str() == SYNCED_TYPES[0] => {
            if let Some(Ok(Some(invoice))) = intent.extra.get_as::<Option<String>>("invoice") {
                return Err(format!(
                    "pays invoice {invoice}: synced by its invoice.paid"
                ));
            }
            let customer = intent
                .customer
                .as_ref()
                .ok_or("no customer: an Opportunity needs an Account")?;
            let received = intent.amount_received.unwrap_or(intent.amount);
            Ok(Some(Sale {
                key: intent.id.clone(),
                customer: customer.id().to_owned(),
                amount: intent.currency.to_decimal(received),
                currency: intent.currency.as_str().to_ascii_uppercase(),
                at: event.created,
                name: intent
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("Stripe payment {}", intent.id)),
            }))
        }
        EventObject::Invoice(invoice) if event.event_type.as_str() == SYNCED_TYPES[1] => {
            let customer = invoice
                .customer
                .as_ref()
                .ok_or("no customer: an Opportunity needs an Account")?;
            let number = invoice.number.as_deref().unwrap_or(&invoice.id);
            Ok(Some(Sale {
                key: invoice.id.clone(),
                customer: customer.id().to_owned(),
                amount: invoice.currency.to_decimal(invoice.amount_paid),
                currency: invoice.currency.as_str().to_ascii_uppercase(),
                at: event.created,
                name: format!("Stripe invoice {number}"),
            }))
        }
        _ => Ok(None),
    }
}

/// Salesforce's longest Opportunity name.
const NAME_LEN: usize = 120;

fn truncated(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The email's domain when it is a company's (not free mail).
fn company_domain(email: &str) -> Option<String> {
    let domain = email.rsplit_once('@')?.1.trim().to_ascii_lowercase();
    let valid = !domain.is_empty()
        && domain.contains('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    (valid && !FREE_MAIL.contains(&domain.as_str())).then_some(domain)
}

/// The ways a `Website` field writes a domain.
fn website_forms(domain: &str) -> Vec<String> {
    let mut forms = Vec::new();
    for host in [domain.to_owned(), format!("www.{domain}")] {
        for scheme in ["", "http://", "https://"] {
            forms.push(format!("{scheme}{host}"));
            forms.push(format!("{scheme}{host}/"));
        }
    }
    forms
}

/// The domain a `Website` value names.
fn website_domain(website: &str) -> String {
    let host = website
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_ascii_lowercase();
    host.strip_prefix("www.").map(str::to_owned).unwrap_or(host)
}

/// The program's view of the org, checked once per run.
struct Target {
    multi_currency: bool,
}

async fn check_org(sf: &atom_salesforce::Client, config: &Config) -> Result<Target> {
    let opportunity: SObjectDescribe = describe(sf, "Opportunity").await?;
    require_external_id(
        &opportunity,
        &config.opportunity_key,
        "ATOM_SF_OPPORTUNITY_KEY",
    )?;
    require_picklist_value(&opportunity, "StageName", &config.stage, "ATOM_SF_STAGE")?;
    let account = describe(sf, "Account").await?;
    require_external_id(&account, &config.account_key, "ATOM_SF_ACCOUNT_KEY")?;
    Ok(Target {
        multi_currency: opportunity.field("CurrencyIsoCode").is_some(),
    })
}

/// The Account of each customer, found or created, remembered for the run.
#[derive(Default)]
struct Accounts {
    by_customer: HashMap<String, String>,
}

impl Accounts {
    async fn resolve(
        &mut self,
        stripe: &atom_stripe::Client,
        sf: &atom_salesforce::Client,
        config: &Config,
        customers: BTreeSet<String>,
        report: &mut Report,
    ) -> Result<()> {
        let unknown: Vec<String> = customers
            .into_iter()
            .filter(|c| !self.by_customer.contains_key(c))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        // A customer deleted in Stripe still paid: its Account is keyed by its id.
        let fetched: Vec<(String, Option<Customer>)> = futures::stream::iter(unknown)
            .map(|id| async move {
                match stripe.customers().get(&id).await {
                    Ok(c) => Ok((id, Some(c))),
                    Err(e) if e.kind() == ErrorKind::NotFound => Ok((id, None)),
                    Err(e) => Err(e),
                }
            })
            .buffered(CUSTOMER_FETCHES)
            .try_collect()
            .await?;
        let email_of = |c: &Option<Customer>| {
            c.as_ref()
                .and_then(|c| c.email.as_deref())
                .map(|e| e.trim().to_ascii_lowercase())
                .filter(|e| e.contains('@'))
        };
        let emails: Vec<String> = fetched
            .iter()
            .filter_map(|(_, c)| email_of(c))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let contacts = contacts_by_email(sf, &emails).await?;
        let mut unmatched = Vec::new();
        for (id, customer) in &fetched {
            let account = email_of(customer)
                .and_then(|e| contacts.get(&e))
                .and_then(|c| c.account_id.clone());
            match account {
                Some(account) => {
                    report.accounts_matched += 1;
                    self.by_customer.insert(id.clone(), account);
                }
                None => unmatched.push((id, customer)),
            }
        }
        let domains: BTreeSet<String> = unmatched
            .iter()
            .filter_map(|(_, c)| email_of(c).and_then(|e| company_domain(&e)))
            .collect();
        let by_domain = accounts_by_domain(sf, &domains).await?;
        // Accounts to upsert, one per key: a company domain or a customer.
        let mut to_upsert: BTreeMap<String, Record> = BTreeMap::new();
        let mut key_of_customer = Vec::new();
        for (id, customer) in unmatched {
            let email = email_of(customer);
            let domain = email.as_deref().and_then(company_domain);
            if let Some(account) = domain.as_ref().and_then(|d| by_domain.get(d)) {
                report.accounts_matched += 1;
                self.by_customer.insert(id.clone(), account.clone());
                continue;
            }
            let key = match &domain {
                Some(d) => format!("domain:{d}"),
                None => id.clone(),
            };
            let name = customer
                .as_ref()
                .and_then(|c| c.name.clone().filter(|n| !n.trim().is_empty()))
                .or_else(|| domain.clone())
                .or(email)
                .unwrap_or_else(|| format!("Stripe customer {id}"));
            to_upsert.entry(key.clone()).or_insert_with(|| {
                let mut account = record("Account");
                account
                    .set("Name", truncated(&name, 255))
                    .set(&config.account_key, key.clone());
                if let Some(d) = &domain {
                    account.set("Website", d.clone());
                }
                account
            });
            key_of_customer.push((id.clone(), key));
        }
        if to_upsert.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = to_upsert.keys().cloned().collect();
        let records: Vec<Record> = to_upsert.into_values().collect();
        let (ids, _) = upsert(sf, "Account", &config.account_key, &records).await?;
        report.accounts_upserted += ids.len();
        let account_of_key: HashMap<String, String> = keys.into_iter().zip(ids).collect();
        for (customer, key) in key_of_customer {
            if let Some(account) = account_of_key.get(&key) {
                self.by_customer.insert(customer, account.clone());
            }
        }
        Ok(())
    }
}

/// Accounts by the domain of their `Website`; the lowest id wins when several share one,
/// so reruns pick the same Account.
async fn accounts_by_domain(
    sf: &atom_salesforce::Client,
    domains: &BTreeSet<String>,
) -> Result<HashMap<String, String>> {
    let mut found: HashMap<String, String> = HashMap::new();
    let domains: Vec<&String> = domains.iter().collect();
    // 12 forms per domain: 16 domains keep the IN list near 200 values.
    for chunk in domains.chunks(16) {
        let forms: Vec<String> = chunk.iter().flat_map(|d| website_forms(d)).collect();
        let soql = atom_salesforce::soql::Query::select(["Id", "Website"])
            .from("Account")
            .filter(atom_salesforce::soql::Filter::is_in(
                "Website",
                forms.iter().map(String::as_str),
            ))
            .build()?;
        let accounts: Vec<Record> = sf.query(&soql).try_collect().await?;
        for account in accounts {
            let (Some(id), Some(website)) = (account.id.clone(), account.get_str("Website")) else {
                continue;
            };
            found
                .entry(website_domain(website))
                .and_modify(|known| {
                    if id < *known {
                        known.clone_from(&id);
                    }
                })
                .or_insert(id);
        }
    }
    Ok(found)
}

/// Runs the program once: every change after the saved checkpoint (or from
/// [`Config::start`] on the first run) is written to Salesforce, batch by batch, and the
/// checkpoint saved after each batch. `hook` sees each [`Step`] (tests crash there).
pub async fn run_once(
    stripe: &atom_stripe::Client,
    sf: &atom_salesforce::Client,
    store: Arc<dyn CheckpointStore>,
    config: &Config,
    hook: &dyn StepHook,
) -> std::result::Result<Report, SyncError> {
    let target = check_org(sf, config).await?;
    let mut program = StripeToSalesforce {
        stripe,
        sf,
        config,
        target,
        accounts: Accounts::default(),
        report: Report::default(),
    };
    let recoveries = drive(&mut program, store, hook, config.recovery).await?;
    program.report.recoveries = recoveries;
    Ok(program.report)
}

/// The program's state through a run.
struct StripeToSalesforce<'a> {
    stripe: &'a atom_stripe::Client,
    sf: &'a atom_salesforce::Client,
    config: &'a Config,
    target: Target,
    /// Accounts found, remembered for the run.
    accounts: Accounts,
    report: Report,
}

impl Program for StripeToSalesforce<'_> {
    type Object = Event;

    fn checkpoint_key(&self) -> CheckpointKey {
        CheckpointKey::new(EVENTS_FEED, self.config.consumer.clone())
    }

    fn batch_size(&self) -> usize {
        self.config.batch.clamp(1, MAX_BATCH)
    }

    fn feed(&self, from: Option<&FeedCheckpoint>) -> ChangeFeed<Event> {
        let mut params = EventFeedParams::new().limit(100);
        for t in SYNCED_TYPES {
            params = params.event_type(t);
        }
        match from {
            Some(checkpoint) => self.stripe.events().feed_from(&params, checkpoint),
            None => self.stripe.events().feed(&params, self.config.start),
        }
    }

    async fn write(
        &mut self,
        batch: Vec<Change<Event>>,
        hook: &dyn StepHook,
    ) -> std::result::Result<(), SyncError> {
        self.report.changes += batch.len();
        write_batch(self, batch, hook).await
    }

    fn batch_done(&mut self, _changes: usize, checkpoint: &FeedCheckpoint) {
        self.report.batches += 1;
        self.report.checkpoint.clone_from(&checkpoint.cursor);
    }
}

async fn write_batch(
    program: &mut StripeToSalesforce<'_>,
    changes: Vec<Change<Event>>,
    hook: &dyn StepHook,
) -> std::result::Result<(), SyncError> {
    let (stripe, sf, config, target) =
        (program.stripe, program.sf, program.config, &program.target);
    let (accounts, report) = (&mut program.accounts, &mut program.report);
    // One record per Stripe object: a replayed or repeated event keeps its latest state.
    let mut sales: BTreeMap<String, Sale> = BTreeMap::new();
    for change in &changes {
        match sale_of(&change.object) {
            Ok(Some(sale)) if !target.multi_currency && sale.currency != config.org_currency => {
                report.skipped.push(Skipped {
                    id: sale.key,
                    reason: format!(
                        "paid in {} but the org is single-currency ({}): enable multiple \
                         currencies or set ATOM_SF_CURRENCY",
                        sale.currency, config.org_currency
                    ),
                });
            }
            Ok(Some(sale)) => {
                sales.insert(sale.key.clone(), sale);
            }
            Ok(None) => {}
            Err(reason) => report.skipped.push(Skipped {
                id: change.object_id.clone(),
                reason,
            }),
        }
    }
    if sales.is_empty() {
        return Ok(());
    }
    let customers = sales.values().map(|s| s.customer.clone()).collect();
    accounts
        .resolve(stripe, sf, config, customers, report)
        .await?;
    hook.at(Step::Prepared)?;
    let mut records = Vec::with_capacity(sales.len());
    for sale in sales.values() {
        let mut opportunity = record("Opportunity");
        opportunity
            .set(&config.opportunity_key, sale.key.clone())
            .set("Name", truncated(&sale.name, NAME_LEN))
            .set(
                "Amount",
                serde_json::to_value(&sale.amount).unwrap_or_default(),
            )
            .set("CloseDate", sale.at.date_naive().to_string())
            .set("StageName", config.stage.clone())
            .set(
                "Description",
                format!("Stripe {}: {} {}", sale.key, sale.currency, sale.amount),
            );
        if let Some(account) = accounts.by_customer.get(&sale.customer) {
            opportunity.set("AccountId", account.clone());
        }
        if target.multi_currency {
            opportunity.set("CurrencyIsoCode", sale.currency.clone());
        }
        records.push(opportunity);
    }
    let (_, counts) = upsert(sf, "Opportunity", &config.opportunity_key, &records).await?;
    report.opportunities_created += counts.created;
    report.opportunities_updated += counts.updated;
    Ok(())
}

/// The checkpoint a feed of this program would start from now, for tools that reset it.
pub fn start_checkpoint(since: DateTime<Utc>) -> FeedCheckpoint {
    FeedCheckpoint::new(EVENTS_FEED).with_at(since)
}
