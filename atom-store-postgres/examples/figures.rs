//! The crate's figures on a local PostgreSQL server:
//!
//! * load and compare-and-swap save latency (median, p99) over ROUNDS calls from one task;
//! * permit latency of the shared rate budget: one bucket statement, and a whole
//!   `RateLimiter::acquire` through it;
//! * refreshes per second across 4 OS processes (this program run again as children), each
//!   with 4 tasks forcing refreshes of ONE shared token against a local authorization
//!   server that accepts each refresh token once (so every refresh goes through the lease,
//!   and any double refresh would show as an `invalid_grant`).
//!
//! Uses `DATABASE_URL` when set; otherwise starts a throwaway cluster with the test
//! harness (Debian's postgresql-15 binaries; `fsync=off` like the tests unless
//! `ATOM_PG_FSYNC=on`, which makes every commit wait for its WAL flush as in production).
//! Works in a schema of its own.
//!
//! usage: [ATOM_PG_FSYNC=on] cargo run --release -p atom-store-postgres --example figures [ROUNDS] [SECONDS]
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atom_core::ratelimit::{SharedBucket, SharedBudget};
use atom_core::{
    OAuthClient, OAuthConfig, RateLimitConfig, RateLimiter, Secret, TokenKey, TokenManager,
    TokenSet, TokenStore,
};
use atom_store_postgres::PostgresTokenStore;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROCESSES: usize = 4;
const TASKS: usize = 4;
/// Set for the children: "<url> <schema> <auth server> <seconds>".
const CHILD: &str = "ATOM_PG_FIGURES_CHILD";

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).copied().unwrap_or_default()
    };
    println!(
        "| {name} | {:.0} µs | {:.0} µs |",
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6
    );
}

/// Issues `at-N`/`rt-N` that are stale at once; a refresh token works once.
#[derive(Clone, Default)]
struct Rotating {
    issued: Arc<Mutex<u64>>,
    refused: Arc<AtomicUsize>,
}

impl Respond for Rotating {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&request.body).to_string();
        let presented = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("refresh_token="))
            .unwrap_or_default()
            .to_owned();
        let mut issued = self.issued.lock().unwrap();
        if presented != format!("rt-{}", *issued) {
            self.refused.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "invalid_grant"}));
        }
        *issued += 1;
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": format!("at-{}", *issued),
            "refresh_token": format!("rt-{}", *issued),
            "token_type": "Bearer",
            "expires_in": 3600
        }))
    }
}

fn key() -> TokenKey {
    TokenKey::new("xero", "org-figures")
}

/// A child: TASKS tasks each invalidate the token they hold, for `seconds`.
async fn child(args: &str) -> Result<(), Box<dyn std::error::Error>> {
    let parts: Vec<&str> = args.split(' ').collect();
    let [url, schema, auth, seconds] = parts.as_slice() else {
        return Err("bad child arguments".into());
    };
    let store = PostgresTokenStore::builder()
        .schema(*schema)
        .run_migrations(false)
        .connect(url)
        .await?;
    let oauth = OAuthClient::new(
        "figures",
        OAuthConfig::new(
            "client-1",
            format!("{auth}/authorize").parse()?,
            format!("{auth}/token").parse()?,
        )
        .client_secret(Secret::new("client-secret")),
    )?;
    let manager = Arc::new(TokenManager::new(
        key(),
        Arc::new(store.clone()),
        Arc::new(oauth),
    ));
    let until = Instant::now() + Duration::from_secs(seconds.parse()?);
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let manager = manager.clone();
        tasks.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            while Instant::now() < until {
                let held = match manager.current().await {
                    Ok(held) => held,
                    Err(e) => {
                        errors.push(e.to_string());
                        continue;
                    }
                };
                // "The provider refused this token": refresh unless a newer one exists.
                if let Err(e) = manager.invalidate(held.version).await {
                    errors.push(e.to_string());
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await?);
    }
    // Lets the last lease's release finish before the process exits (else its row would
    // hold the other processes up until it expires).
    store.close().await;
    println!("CHILD errors={} {:?}", errors.len(), errors.first());
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(args) = std::env::var(CHILD) {
        return child(&args).await;
    }
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(2000);
    let seconds: u64 = std::env::args()
        .nth(2)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(10);
    let url = common::database_url();
    let schema = format!("figures_{}", std::process::id());
    let store = PostgresTokenStore::builder()
        .schema(&schema)
        .connect(&url)
        .await?;
    let server: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(store.pool())
        .await?;

    // Load and CAS save.
    let token = TokenSet {
        refresh_token: Some(Secret::new("5Aep861-refresh-token-of-a-typical-length")),
        expires_at: Some(chrono::Utc::now()),
        ..TokenSet::bearer(Secret::new(
            "00Dxx0000000001!AQ4AQ-an-access-token-of-a-typical-length",
        ))
    };
    let lat = TokenKey::new("salesforce", "00D-latency");
    let mut version = store.save(&lat, &token, None).await?;
    for _ in 0..100 {
        store.load(&lat).await?;
    }
    let mut loads = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        store.load(&lat).await?;
        loads.push(start.elapsed());
    }
    let mut saves = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        version = store.save(&lat, &token, Some(version)).await?;
        saves.push(start.elapsed());
    }

    // Shared budget permits: a bucket that never runs dry, so every permit is granted at
    // once and the figure is the statement's (and the limiter's) own cost.
    let budget = store.rate_budget();
    let bucket = SharedBucket::new("hubspot", "portal-1", None, 1e9, 1e9, Duration::ZERO);
    let mut takes = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        budget.take(&bucket).await?;
        takes.push(start.elapsed());
    }
    let limiter = RateLimiter::new(
        "hubspot",
        RateLimitConfig::new(1_000_000, Duration::from_secs(1), 64),
    )
    .with_shared_budget(Arc::new(budget.clone()));
    let mut permits = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        drop(limiter.acquire("portal-2", None).await?);
        permits.push(start.elapsed());
    }

    let fsync: String = sqlx::query_scalar("SHOW fsync")
        .fetch_one(store.pool())
        .await?;
    println!("PostgreSQL {server} (fsync {fsync}), {rounds} rounds from one task, schema {schema}");
    println!("| call | median | p99 |");
    println!("|---|---|---|");
    summary("load", loads);
    summary("save (compare-and-swap)", saves);
    summary("shared-budget permit (one statement)", takes);
    summary("RateLimiter::acquire with the shared budget", permits);

    // Refreshes per second across 4 processes sharing one token.
    let auth = MockServer::start().await;
    let rotating = Rotating::default();
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(rotating.clone())
        .mount(&auth)
        .await;
    let expired = TokenSet {
        refresh_token: Some(Secret::new("rt-0")),
        ..TokenSet::bearer(Secret::new("at-0"))
    };
    store.save(&key(), &expired, None).await?;
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(std::env::current_exe()?)
                .env(CHILD, format!("{url} {schema} {} {seconds}", auth.uri()))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output())
            .collect::<Result<Vec<_>, _>>()
    })
    .await??;
    let mut child_errors = Vec::new();
    for output in &outputs {
        let out = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!(
                "a child failed: {out}{}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        child_errors.push(out.trim().to_owned());
    }
    let refreshes = *rotating.issued.lock().unwrap();
    let stored = store.load(&key()).await?.ok_or("the token is gone")?;
    println!(
        "refreshes across {PROCESSES} processes x {TASKS} tasks, one shared token, {seconds} s: \
         {refreshes} ({:.0}/s), invalid_grant {}, last saved rt-{} (version {}), {child_errors:?}",
        refreshes as f64 / seconds as f64,
        rotating.refused.load(Ordering::SeqCst),
        stored
            .token
            .refresh_token
            .as_ref()
            .map(|r| r.expose().trim_start_matches("rt-").to_owned())
            .unwrap_or_default(),
        stored.version,
    );

    sqlx::query(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .execute(store.pool())
        .await?;
    Ok(())
}
