//! A replica killed (SIGKILL) while it holds the refresh lease: the others take the lease
//! once it expires, not before. The replica is this test binary run again as a child
//! process, so the lease is held by another OS process with its own connections.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use atom_core::{TokenKey, TokenStore};
use atom_store_postgres::PostgresTokenStore;
use common::{database_url, fresh_schema, store_in};

/// Set for the child: the schema to take the lease in.
const CHILD_SCHEMA: &str = "ATOM_PG_KILLED_HOLDER_SCHEMA";
const LEASE_TIME: Duration = Duration::from_secs(2);

fn key() -> TokenKey {
    TokenKey::new("salesforce", "00D-killed")
}

#[tokio::test]
#[ignore = "the child process of a_replica_killed_holding_the_lease_..., which runs it"]
async fn child_replica_holds_the_lease() {
    let Ok(schema) = std::env::var(CHILD_SCHEMA) else {
        return;
    };
    let store = store_in(
        &schema,
        PostgresTokenStore::builder().lease_time(LEASE_TIME),
    )
    .await;
    let _lease = store.lease(&key()).await.unwrap();
    println!("HELD");
    // Held (and renewed by the heartbeat) until the parent kills this process.
    tokio::time::sleep(Duration::from_secs(600)).await;
}

/// The lease row: (holder, expiry in seconds since the epoch by the database's clock).
async fn lease_row(store: &PostgresTokenStore) -> (String, f64) {
    let sql = format!(
        "SELECT holder, extract(epoch FROM expires_at)::float8 FROM \"{}\".atom_token_leases \
         WHERE service = $1 AND tenant = $2",
        store.schema()
    );
    sqlx::query_as(&sql)
        .bind(&key().service)
        .bind(&key().tenant)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_holding_the_lease_blocks_the_others_only_until_it_expires() {
    let schema = fresh_schema("killed");
    let store = store_in(
        &schema,
        PostgresTokenStore::builder()
            .lease_time(LEASE_TIME)
            .lock_timeout(Duration::from_secs(60)),
    )
    .await;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_replica_holds_the_lease",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD_SCHEMA, &schema)
        .env("DATABASE_URL", database_url())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let held = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line.trim() == "HELD")
    });
    let held = tokio::time::timeout(Duration::from_secs(120), held).await;
    if !matches!(held, Ok(Ok(true))) {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the child replica never reported holding the lease");
    }
    // The child renews its lease: after more than a lease time it still holds it.
    let (holder, first_expiry) = lease_row(&store).await;
    tokio::time::sleep(LEASE_TIME + LEASE_TIME / 2).await;
    let (still, renewed_expiry) = lease_row(&store).await;
    assert_eq!(still, holder);
    assert!(
        renewed_expiry > first_expiry,
        "the live child renews its lease"
    );

    child.kill().unwrap(); // SIGKILL: no destructor, no release.
    child.wait().unwrap();
    let (left, expiry) = lease_row(&store).await;
    assert_eq!(left, holder, "the killed child released nothing");

    let lease = store.lease(&key()).await.unwrap();
    assert!(lease.is_some());
    let (now,): (f64,) = sqlx::query_as("SELECT extract(epoch FROM clock_timestamp())::float8")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(
        now >= expiry,
        "taken only once the dead child's lease expired"
    );
    let (ours, _) = lease_row(&store).await;
    assert_ne!(ours, holder);
}

#[tokio::test]
#[ignore = "the child process of a_replica_that_closes_the_store_leaves_no_lease_row, which runs it"]
async fn child_replica_refreshes_then_exits() {
    let Ok(schema) = std::env::var(CHILD_CLOSING) else {
        return;
    };
    let store = store_in(&schema, PostgresTokenStore::builder()).await;
    let lease = store.lease(&key()).await.unwrap();
    drop(lease);
    if std::env::var("ATOM_PG_CHILD_CLOSES").is_ok() {
        store.close().await;
    }
    // Returning drops the runtime at once, as a process that exits would.
}

/// Set for the child: the schema to take and release the lease in.
const CHILD_CLOSING: &str = "ATOM_PG_CLOSING_SCHEMA";

/// A process that releases the lease and exits at once leaves the row behind (its release
/// is a task the exit cancels) unless it closes the store first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_closes_the_store_leaves_no_lease_row() {
    let schema = fresh_schema("closing");
    let store = store_in(&schema, PostgresTokenStore::builder()).await;
    let rows = || async {
        let (n,): (i64,) = sqlx::query_as(&format!(
            "SELECT count(*) FROM \"{schema}\".atom_token_leases"
        ))
        .fetch_one(store.pool())
        .await
        .unwrap();
        n
    };
    for closes in [false, true] {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", "child_replica_refreshes_then_exits", "--ignored"])
            .env(CHILD_CLOSING, &schema)
            .env("DATABASE_URL", database_url())
            .stdout(Stdio::null());
        if closes {
            child.env("ATOM_PG_CHILD_CLOSES", "1");
        }
        let status = tokio::task::spawn_blocking(move || child.status())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success());
        let left = rows().await;
        println!("closes={closes}: {left} lease rows left");
        if closes {
            assert_eq!(left, 0, "close() waits for the release");
        }
        sqlx::query(&format!("DELETE FROM \"{schema}\".atom_token_leases"))
            .execute(store.pool())
            .await
            .unwrap();
    }
}
