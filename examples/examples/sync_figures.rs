//! Figures of the sync programs: 10 000 changes through programs 1 and 2 against the local
//! stateful mocks, with the requests made per operation next to the fewest the APIs allow,
//! and the CPU time per change of the program's own thread (the mocks run on their own
//! threads and are not counted).
//!
//! ```text
//! cargo run --release -p atom-examples --example sync_figures
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_core::{MemoryCheckpointStore, RateLimitConfig, Secret};
use atom_examples::mock::{SalesforceMock, StripeMock, TicketSpec, ZendeskMock};
use atom_examples::sync::{NoHook, stripe_to_salesforce, zendesk_to_salesforce};
use serde_json::json;

const CHANGES: usize = 10_000;
const CUSTOMERS: usize = 500;

/// This thread's CPU time (user + system), from `/proc/thread-self/stat`.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the `(comm)`: state is field 3, utime 14, stime 15 (1-based).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports in USER_HZ, 100 on every mainstream configuration.
    Some(Duration::from_millis(ticks * 10))
}

fn print_requests(name: &str, by_operation: &BTreeMap<String, usize>, floor: &[(&str, usize)]) {
    println!("  {name}:");
    for (operation, count) in by_operation {
        let least = floor
            .iter()
            .find(|(o, _)| o == operation)
            .map_or(String::from("-"), |(_, n)| n.to_string());
        println!("    {operation:<40} {count:>6} requests (fewest possible: {least})");
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(stripe_figures())?;
    runtime.block_on(zendesk_figures())?;
    Ok(())
}

async fn stripe_figures() -> Result<(), Box<dyn std::error::Error>> {
    let stripe_mock = StripeMock::default();
    let sf_mock = SalesforceMock::standard();
    for c in 0..CUSTOMERS {
        let email = format!("buyer{c}@company{}.example", c % 250);
        stripe_mock.add_customer(&format!("cus_{c}"), Some(&email), Some("Buyer"));
        if c % 5 == 0 {
            let account = sf_mock.insert("Account", json!({"Name": format!("Co {c}")}));
            sf_mock.insert(
                "Contact",
                json!({"LastName": "B", "Email": email, "AccountId": account}),
            );
        }
    }
    let t0 = chrono::Utc::now().timestamp() - 20_000;
    for i in 0..CHANGES {
        let customer = format!("cus_{}", i % CUSTOMERS);
        let at = t0 + i64::try_from(i)?;
        stripe_mock.payment_succeeded(
            &format!("pi_{i}"),
            Some(&customer),
            1000 + i as i64,
            "usd",
            at,
        );
    }
    let stripe_server = stripe_mock.start().await;
    let sf_server = sf_mock.start().await;
    let stripe = atom_stripe::Client::builder()
        .secret_key("sk_test_figures")
        .base_url(stripe_server.uri())
        .rate_limits(RateLimitConfig::unlimited())
        .build()?;
    let salesforce = atom_salesforce::Client::builder()
        .base_url(sf_server.uri())
        .access_token(Secret::new("00Dx!figures"))
        .rate_limits(RateLimitConfig::unlimited())
        .retry_policy(RetryPolicy::default())
        .build()?;
    let mut config = stripe_to_salesforce::Config::default();
    config.start = atom_stripe::feed::FeedStart::Since(
        chrono::DateTime::from_timestamp(t0 - 1, 0).unwrap_or_default(),
    );
    let store = Arc::new(MemoryCheckpointStore::default());
    let cpu_before = thread_cpu();
    let report =
        stripe_to_salesforce::run_once(&stripe, &salesforce, store, &config, &NoHook).await?;
    let cpu = thread_cpu()
        .zip(cpu_before)
        .map(|(a, b)| a.saturating_sub(b));
    println!(
        "program 1, Stripe → Salesforce: {} changes, {} Opportunities, {} batches",
        report.changes, report.opportunities_created, report.batches
    );
    print_requests(
        "Stripe",
        &stripe_mock.storm.by_operation(),
        &[
            ("GET /v1/events", CHANGES.div_ceil(100) + 1),
            ("GET /v1/customers/{id}", CUSTOMERS),
        ],
    );
    print_requests(
        "Salesforce",
        &sf_mock.storm.by_operation(),
        &[
            (
                "collections.upsert",
                CHANGES.div_ceil(200) + report.accounts_upserted.div_ceil(200),
            ),
            ("describe", 2),
        ],
    );
    if let Some(cpu) = cpu {
        println!(
            "  CPU of the program's thread: {cpu:?} = {:.1} µs per change",
            cpu.as_secs_f64() * 1e6 / CHANGES as f64
        );
    }
    Ok(())
}

async fn zendesk_figures() -> Result<(), Box<dyn std::error::Error>> {
    let zendesk_mock = ZendeskMock::default();
    let sf_mock = SalesforceMock::standard();
    let requesters = 1_000u64;
    for u in 0..requesters {
        let email = format!("user{u}@client{}.example", u % 300);
        zendesk_mock.add_user(u, Some(&email), "User");
        if u % 4 == 0 {
            sf_mock.insert("Contact", json!({"LastName": "U", "Email": email}));
        }
    }
    let t0 = chrono::Utc::now().timestamp() - 20_000;
    for i in 0..CHANGES as u64 {
        zendesk_mock.put_ticket(&TicketSpec::new(
            i + 1,
            i % requesters,
            t0 + i64::try_from(i)?,
        ));
    }
    let zendesk_server = zendesk_mock.start(1000).await;
    let sf_server = sf_mock.start().await;
    let zendesk = atom_zendesk::Client::builder()
        .base_url(zendesk_server.uri())
        .api_token("agent@acme.example", Secret::new("figures"))
        .rate_limits(RateLimitConfig::unlimited())
        .class_limits(
            atom_zendesk::INCREMENTAL_CLASS,
            RateLimitConfig::unlimited(),
        )
        .build()?;
    let salesforce = atom_salesforce::Client::builder()
        .base_url(sf_server.uri())
        .access_token(Secret::new("00Dx!figures"))
        .rate_limits(RateLimitConfig::unlimited())
        .build()?;
    let mut config = zendesk_to_salesforce::Config::default();
    config.start = atom_zendesk::feed::FeedStart::Since(
        chrono::DateTime::from_timestamp(t0 - 1, 0).unwrap_or_default(),
    );
    let store = Arc::new(MemoryCheckpointStore::default());
    let cpu_before = thread_cpu();
    let report =
        zendesk_to_salesforce::run_once(&zendesk, &salesforce, store, &config, &NoHook).await?;
    let cpu = thread_cpu()
        .zip(cpu_before)
        .map(|(a, b)| a.saturating_sub(b));
    println!(
        "program 2, Zendesk → Salesforce: {} changes, {} Cases, {} batches",
        report.changes, report.created, report.batches
    );
    print_requests(
        "Zendesk",
        &zendesk_mock.storm.by_operation(),
        &[
            (
                "GET /api/v2/incremental/tickets/cursor",
                CHANGES.div_ceil(1000),
            ),
            ("GET /api/v2/users/show_many", 1_000usize.div_ceil(100)),
        ],
    );
    print_requests(
        "Salesforce",
        &sf_mock.storm.by_operation(),
        &[
            ("collections.upsert", CHANGES.div_ceil(200)),
            ("describe", 1),
            ("query", 1_000usize.div_ceil(200)),
        ],
    );
    if let Some(cpu) = cpu {
        println!(
            "  CPU of the program's thread: {cpu:?} = {:.1} µs per change",
            cpu.as_secs_f64() * 1e6 / CHANGES as f64
        );
    }
    Ok(())
}
