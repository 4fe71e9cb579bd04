//! The refresh lease across replicas on a real PostgreSQL server: one refresher among many,
//! a lease left by a dead replica blocks the others only until it expires, and a live
//! holder keeps its lease past the lease time.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use atom_core::{
    Error, ErrorKind, Secret, TokenKey, TokenManager, TokenRefresher, TokenSet, TokenStore,
};
use atom_store_postgres::PostgresTokenStore;
use chrono::Utc;
use common::{fresh_schema, store_in};

/// A token endpoint that accepts each refresh token once (rotation with reuse detection),
/// slowly, so that refreshers overlap when nothing keeps them apart.
#[derive(Debug, Default)]
struct RotatingEndpoint {
    current: Mutex<u64>,
    refreshes: AtomicUsize,
    refused: AtomicUsize,
}

#[async_trait]
impl TokenRefresher for RotatingEndpoint {
    async fn refresh(&self, token: &TokenSet) -> atom_core::Result<TokenSet> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        let presented = token.refresh_token.as_ref().map(|s| s.expose().to_owned());
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut current = self.current.lock().unwrap();
        if presented.as_deref() != Some(&format!("rt-{}", *current)) {
            self.refused.fetch_add(1, Ordering::SeqCst);
            return Err(Error::new(
                ErrorKind::ReauthorizationRequired,
                "test",
                "invalid_grant: refresh token already used",
            ));
        }
        *current += 1;
        Ok(issued(*current, Duration::from_secs(3600)))
    }
}

fn issued(n: u64, valid: Duration) -> TokenSet {
    TokenSet {
        refresh_token: Some(Secret::new(format!("rt-{n}"))),
        expires_at: Some(Utc::now() + chrono::Duration::from_std(valid).unwrap()),
        ..TokenSet::bearer(Secret::new(format!("at-{n}")))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_with_an_expired_token_refresh_it_once() {
    let schema = fresh_schema("refresh");
    let key = TokenKey::new("salesforce", "00D2");
    let endpoint = Arc::new(RotatingEndpoint::default());
    let mut managers = Vec::new();
    for _ in 0..2 {
        // Each replica: its own pool, store handle and manager.
        let store = store_in(&schema, PostgresTokenStore::builder()).await;
        managers.push(Arc::new(TokenManager::new(
            key.clone(),
            Arc::new(store),
            endpoint.clone(),
        )));
    }
    // An expired token of record.
    let seed = store_in(&schema, PostgresTokenStore::builder()).await;
    seed.save(&key, &issued(0, Duration::ZERO), None)
        .await
        .unwrap();

    let mut tasks = Vec::new();
    for i in 0..40 {
        let manager = managers[i % 2].clone();
        tasks.push(tokio::spawn(async move { manager.access_token().await }));
    }
    for task in tasks {
        let (token, version) = task.await.unwrap().unwrap();
        assert_eq!(token.expose(), "at-1");
        assert_eq!(version, 2);
    }
    assert_eq!(endpoint.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(endpoint.refused.load(Ordering::SeqCst), 0);
    let stored = seed.load(&key).await.unwrap().unwrap();
    assert_eq!(stored.token.refresh_token.unwrap().expose(), "rt-1");
}

/// Puts a lease row for `key` held by a replica that is gone, expiring in `secs` seconds;
/// returns its expiry by the database's clock.
async fn lease_of_dead_replica(store: &PostgresTokenStore, key: &TokenKey, secs: f64) -> f64 {
    let sql = format!(
        "INSERT INTO \"{}\".atom_token_leases (service, tenant, holder, expires_at) \
         VALUES ($1, $2, 'dead-replica', now() + make_interval(secs => $3)) \
         RETURNING extract(epoch FROM expires_at)::float8",
        store.schema()
    );
    let (expires,): (f64,) = sqlx::query_as(&sql)
        .bind(&key.service)
        .bind(&key.tenant)
        .bind(secs)
        .fetch_one(store.pool())
        .await
        .unwrap();
    expires
}

/// The database's clock, in seconds since the epoch.
async fn db_now(store: &PostgresTokenStore) -> f64 {
    let (now,): (f64,) = sqlx::query_as("SELECT extract(epoch FROM clock_timestamp())::float8")
        .fetch_one(store.pool())
        .await
        .unwrap();
    now
}

#[tokio::test]
async fn a_lease_left_by_a_dead_replica_is_taken_once_it_expires() {
    let store = store_in(
        &fresh_schema("dead_holder"),
        PostgresTokenStore::builder().lock_timeout(Duration::from_secs(30)),
    )
    .await;
    let key = TokenKey::new("xero", "org-1");
    let expires = lease_of_dead_replica(&store, &key, 1.5).await;
    let lease = store.lease(&key).await.unwrap();
    assert!(lease.is_some());
    // Not taken before the dead replica's lease ran out, and taken (well within the 30 s
    // lock timeout) once it had.
    assert!(db_now(&store).await >= expires);
}

#[tokio::test]
async fn waiting_for_a_lease_is_bounded_and_says_for_what() {
    let store = store_in(
        &fresh_schema("bounded"),
        PostgresTokenStore::builder().lock_timeout(Duration::from_millis(300)),
    )
    .await;
    let key = TokenKey::new("xero", "org-2");
    lease_of_dead_replica(&store, &key, 600.0).await;
    let err = store.lease(&key).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(
        err.message().contains("refresh lease of xero/org-2"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_holder_keeps_its_lease_past_the_lease_time_and_releases_it_on_drop() {
    let schema = fresh_schema("heartbeat");
    let builder = PostgresTokenStore::builder().lease_time(Duration::from_millis(600));
    let holder = store_in(&schema, builder.clone()).await;
    let other = store_in(&schema, builder.lock_timeout(Duration::from_millis(2_000))).await;
    let key = TokenKey::new("okta", "user-3");
    let lease = holder.lease(&key).await.unwrap();
    // Three lease times later the holder still has it: the other replica gives up.
    let err = other.lease(&key).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    drop(lease);
    // Released: the other replica gets it.
    assert!(other.lease(&key).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leases_of_one_key_are_held_by_one_caller_at_a_time() {
    let schema = fresh_schema("exclusive");
    let key = TokenKey::new("github", "inst-5");
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let store = store_in(&schema, PostgresTokenStore::builder()).await;
        for _ in 0..4 {
            let (store, key, inside, most) =
                (store.clone(), key.clone(), inside.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                let _lease = store.lease(&key).await.unwrap();
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                inside.fetch_sub(1, Ordering::SeqCst);
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(most.load(Ordering::SeqCst), 1);
    // Another key is not held up by this one.
    let store = store_in(&schema, PostgresTokenStore::builder()).await;
    let _a = store.lease(&key).await.unwrap();
    let _b = store
        .lease(&TokenKey::new("github", "inst-6"))
        .await
        .unwrap();
}
