//! One contract suite, three stores: atom-core's memory and file stores and the PostgreSQL
//! store must behave the same to a `TokenManager`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use atom_core::{
    ErrorKind, FileTokenStore, MemoryTokenStore, Secret, TokenKey, TokenSet, TokenStore,
};
use atom_store_postgres::PostgresTokenStore;
use common::{fresh_schema, store_in};

fn token(access: &str) -> TokenSet {
    TokenSet {
        refresh_token: Some(Secret::new(format!("rt-{access}"))),
        ..TokenSet::bearer(Secret::new(access))
    }
}

async fn contract(name: &str, store: Arc<dyn TokenStore>) {
    let key = TokenKey::new("svc", format!("tenant/{name}"));
    let other = TokenKey::new("svc", format!("other/{name}"));

    // Empty: nothing loaded, no dead grant, a conditional save conflicts.
    assert_eq!(store.load(&key).await.unwrap(), None, "{name}");
    assert_eq!(store.dead_grant(&key).await.unwrap(), None, "{name}");
    let err = store.save(&key, &token("a"), Some(1)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{name}");

    // Versions go up by one per save; a stale expectation conflicts and changes nothing.
    let v1 = store.save(&key, &token("a"), None).await.unwrap();
    let v2 = store.save(&key, &token("b"), Some(v1)).await.unwrap();
    assert_eq!(v2, v1 + 1, "{name}");
    let err = store.save(&key, &token("c"), Some(v1)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{name}");
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!((stored.version, &stored.token), (v2, &token("b")), "{name}");
    let v3 = store.save(&key, &token("c"), None).await.unwrap();
    assert_eq!(v3, v2 + 1, "{name}");
    // Keys are independent.
    assert_eq!(store.load(&other).await.unwrap(), None, "{name}");

    // Dead grants: only for the current version, cleared by the next save.
    store.record_dead_grant(&key, v2).await.unwrap();
    assert_eq!(store.dead_grant(&key).await.unwrap(), None, "{name}");
    store.record_dead_grant(&key, v3).await.unwrap();
    assert_eq!(store.dead_grant(&key).await.unwrap(), Some(v3), "{name}");
    assert_eq!(
        store.load(&key).await.unwrap().unwrap().version,
        v3,
        "{name}"
    );
    let v4 = store.save(&key, &token("d"), None).await.unwrap();
    assert_eq!(store.dead_grant(&key).await.unwrap(), None, "{name}");

    // The lease: held by one caller at a time, per key, released on drop.
    let lease = store.lease(&key).await.unwrap();
    assert!(lease.is_some(), "{name}: a shared store must lease");
    let waiting = {
        let store = store.clone();
        let key = key.clone();
        tokio::spawn(async move { store.lease(&key).await })
    };
    let other_lease = store.lease(&other).await.unwrap();
    assert!(other_lease.is_some(), "{name}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "{name}: a second lease while the first is held"
    );
    drop(lease);
    assert!(waiting.await.unwrap().unwrap().is_some(), "{name}");

    // Delete: gone, twice is fine, and the version the next save returns is fresh.
    store.delete(&key).await.unwrap();
    assert_eq!(store.load(&key).await.unwrap(), None, "{name}");
    store.delete(&key).await.unwrap();
    let err = store.save(&key, &token("e"), Some(v4)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{name}");
    assert!(
        store.save(&key, &token("e"), None).await.unwrap() >= 1,
        "{name}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_meets_the_contract() {
    contract("memory", Arc::new(MemoryTokenStore::default())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_store_meets_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    contract("file", Arc::new(FileTokenStore::new(dir.path()).unwrap())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_meets_the_contract() {
    let store = store_in(&fresh_schema("contract"), PostgresTokenStore::builder()).await;
    contract("postgres", Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypting_postgres_store_meets_the_contract() {
    let keyring = atom_store_postgres::Keyring::new("k1", &[5; 32]).unwrap();
    let store = store_in(
        &fresh_schema("contract_enc"),
        PostgresTokenStore::builder().encryption(keyring),
    )
    .await;
    contract("postgres-encrypted", Arc::new(store)).await;
}

#[tokio::test]
async fn debug_shows_no_connection_settings() {
    let url = common::database_url();
    let store = PostgresTokenStore::builder()
        .schema(fresh_schema("debug"))
        .connect(&url)
        .await
        .unwrap();
    let shown = format!("{store:?}");
    assert!(shown.contains("PostgresTokenStore"), "{shown}");
    assert!(
        !shown.contains("127.0.0.1") && !shown.contains("postgres://"),
        "{shown}"
    );
}
