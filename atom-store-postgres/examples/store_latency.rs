//! Latency of the PostgreSQL token store on a real server: load, compare-and-swap save, and
//! a refresh lease taken and released, each as median and p99 over ROUNDS calls (default
//! 2000) from one task. Works in a schema of its own, dropped at the end.
//!
//! usage: DATABASE_URL=postgres://user@host/db \
//!        cargo run --release -p atom-store-postgres --example store_latency [ROUNDS]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use atom_core::{Secret, TokenKey, TokenSet, TokenStore};
use atom_store_postgres::PostgresTokenStore;

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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")
        .map_err(|_| "set DATABASE_URL to a PostgreSQL server to measure against")?;
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(2000);
    let schema = format!("latency_{}", std::process::id());
    let store = PostgresTokenStore::builder()
        .schema(&schema)
        .connect(&url)
        .await?;
    let key = TokenKey::new("salesforce", "00D-latency");
    let token = TokenSet {
        refresh_token: Some(Secret::new("5Aep861-refresh-token-of-a-typical-length")),
        expires_at: Some(chrono::Utc::now()),
        ..TokenSet::bearer(Secret::new(
            "00Dxx0000000001!AQ4AQ-an-access-token-of-a-typical-length",
        ))
    };
    let mut version = store.save(&key, &token, None).await?;
    for _ in 0..100 {
        store.load(&key).await?;
    }

    let mut loads = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        store.load(&key).await?;
        loads.push(start.elapsed());
    }
    let mut saves = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        version = store.save(&key, &token, Some(version)).await?;
        saves.push(start.elapsed());
    }
    let mut leases = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        // Taken, then released: the release (a DELETE) finishes before the next take.
        drop(store.lease(&key).await?);
        leases.push(start.elapsed());
    }

    println!("{rounds} rounds against {}", store.schema());
    println!("| call | median | p99 |");
    println!("|---|---|---|");
    summary("load", loads);
    summary("save (compare-and-swap)", saves);
    summary("lease taken and released", leases);

    sqlx::query(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .execute(store.pool())
        .await?;
    Ok(())
}
