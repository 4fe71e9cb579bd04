//! One checkpoint contract suite, three stores: atom-core's memory and file checkpoint
//! stores and the PostgreSQL one must behave the same to a feed consumer (compare-and-swap
//! by version, `Some(0)` meaning "nothing stored"). Then what only the database store has:
//! replicas racing on one version, damaged rows, keys PostgreSQL cannot hold.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::sync::Arc;

use atom_core::feed::FeedCheckpoint;
use atom_core::{
    CheckpointKey, CheckpointStore, ErrorKind, FileCheckpointStore, MemoryCheckpointStore,
};
use atom_store_postgres::{PostgresCheckpointStore, PostgresTokenStore};
use common::{fresh_schema, store_in};

fn checkpoint(cursor: &str) -> FeedCheckpoint {
    FeedCheckpoint::new("stripe.events")
        .with_cursor(cursor)
        .with_at(chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap())
        .with_seen(vec![format!("evt_{cursor}_a"), format!("evt_{cursor}_b")])
}

async fn contract(name: &str, store: Arc<dyn CheckpointStore>) {
    let key = CheckpointKey::new("stripe.events/acct_1", format!("to-crm/{name}"));
    let other = CheckpointKey::new("stripe.events/acct_1", format!("other/{name}"));

    // Empty: nothing loaded; expecting a version conflicts; `Some(0)` creates version 1.
    assert_eq!(store.load(&key).await.unwrap(), None, "{name}");
    let err = store
        .save(&key, &checkpoint("1"), Some(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{name}");
    assert_eq!(
        store.load(&key).await.unwrap(),
        None,
        "{name}: a conflict wrote"
    );
    let v1 = store.save(&key, &checkpoint("1"), Some(0)).await.unwrap();
    assert_eq!(v1, 1, "{name}");
    // `Some(0)` once something is stored: a second worker starting the same consumer.
    let err = store
        .save(&key, &checkpoint("x"), Some(0))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{name}");
    assert!(err.message().contains(&key.to_string()), "{name}: {err}");

    // Versions go up by one per save; a stale expectation conflicts and changes nothing.
    let v2 = store.save(&key, &checkpoint("2"), Some(v1)).await.unwrap();
    assert_eq!(v2, v1 + 1, "{name}");
    for stale in [Some(v1), Some(v2 + 1), Some(u64::MAX)] {
        let err = store.save(&key, &checkpoint("x"), stale).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Conflict, "{name}: {stale:?}");
    }
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(
        (stored.version, &stored.checkpoint),
        (v2, &checkpoint("2")),
        "{name}: every field round trips, and no conflict wrote"
    );
    // Unconditional (an operator's reset) goes on from the stored version.
    let v3 = store.save(&key, &checkpoint("3"), None).await.unwrap();
    assert_eq!(v3, v2 + 1, "{name}");
    // Keys are independent; `None` on an empty key creates version 1.
    assert_eq!(store.load(&other).await.unwrap(), None, "{name}");
    assert_eq!(
        store.save(&other, &checkpoint("o"), None).await.unwrap(),
        1,
        "{name}"
    );
    assert_eq!(
        store.load(&key).await.unwrap().unwrap().version,
        v3,
        "{name}"
    );

    // Delete: gone, twice is fine, the other key stays, and `Some(0)` holds again.
    store.delete(&key).await.unwrap();
    assert_eq!(store.load(&key).await.unwrap(), None, "{name}");
    store.delete(&key).await.unwrap();
    assert!(store.load(&other).await.unwrap().is_some(), "{name}");
    let err = store
        .save(&key, &checkpoint("4"), Some(v3))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{name}");
    assert_eq!(
        store.save(&key, &checkpoint("4"), Some(0)).await.unwrap(),
        1,
        "{name}"
    );

    // Eight workers save over one version at once: exactly one wins.
    let base = store.load(&key).await.unwrap().unwrap().version;
    let mut racers = Vec::new();
    for i in 0..8 {
        let (store, key) = (store.clone(), key.clone());
        racers.push(tokio::spawn(async move {
            store
                .save(&key, &checkpoint(&format!("race-{i}")), Some(base))
                .await
        }));
    }
    let mut won = Vec::new();
    for (i, racer) in racers.into_iter().enumerate() {
        match racer.await.unwrap() {
            Ok(v) => won.push((i, v)),
            Err(e) => assert_eq!(e.kind(), ErrorKind::Conflict, "{name}: {e}"),
        }
    }
    assert_eq!(won.len(), 1, "{name}: winners {won:?}");
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(stored.version, base + 1, "{name}");
    assert_eq!(
        stored.checkpoint,
        checkpoint(&format!("race-{}", won[0].0)),
        "{name}: the winner's checkpoint is the one stored"
    );
}

async fn postgres(tag: &str) -> PostgresCheckpointStore {
    store_in(&fresh_schema(tag), PostgresTokenStore::builder())
        .await
        .checkpoints()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_checkpoint_store_meets_the_contract() {
    contract("memory", Arc::new(MemoryCheckpointStore::default())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_checkpoint_store_meets_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    contract(
        "file",
        Arc::new(FileCheckpointStore::new(dir.path()).unwrap()),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_checkpoint_store_meets_the_contract() {
    contract("postgres", Arc::new(postgres("ckpt_contract").await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_with_their_own_pools_race_and_exactly_one_wins() {
    let schema = fresh_schema("ckpt_race");
    let mut replicas = Vec::new();
    for _ in 0..4 {
        replicas.push(
            store_in(&schema, PostgresTokenStore::builder())
                .await
                .checkpoints(),
        );
    }
    let key = CheckpointKey::new("github.issues/octo", "sync");
    for round in 0..5u64 {
        let mut racers = Vec::new();
        for (i, replica) in replicas.iter().enumerate() {
            let (replica, key) = (replica.clone(), key.clone());
            racers.push(tokio::spawn(async move {
                replica
                    .save(&key, &checkpoint(&format!("{round}-{i}")), Some(round))
                    .await
            }));
        }
        let mut wins = 0;
        for racer in racers {
            match racer.await.unwrap() {
                Ok(v) => {
                    assert_eq!(v, round + 1);
                    wins += 1;
                }
                Err(e) => assert_eq!(e.kind(), ErrorKind::Conflict, "{e}"),
            }
        }
        assert_eq!(wins, 1, "round {round}");
    }
}

#[tokio::test]
async fn a_damaged_row_is_a_storage_error_naming_the_key_not_the_content() {
    let schema = fresh_schema("ckpt_damage");
    let tokens = store_in(&schema, PostgresTokenStore::builder()).await;
    let store = tokens.checkpoints();
    let key = CheckpointKey::new("hubspot.contacts/portal-9", "etl");
    let v = store.save(&key, &checkpoint("1"), Some(0)).await.unwrap();
    let table = format!("\"{schema}\".atom_checkpoints");
    for (damage, expect) in [
        (
            "{\"feed\": \"x\", \"cursor\": \"SECRET-CURSOR",
            "truncated JSON",
        ),
        ("SECRET-CURSOR", "not valid JSON"),
        ("{\"feed\": [\"SECRET-CURSOR\"]}", "wrong type"),
    ] {
        sqlx::query(&format!(
            "UPDATE {table} SET checkpoint = $1 WHERE feed = $2 AND consumer = $3"
        ))
        .bind(damage)
        .bind(&key.feed)
        .bind(&key.consumer)
        .execute(tokens.pool())
        .await
        .unwrap();
        let err = store.load(&key).await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert_eq!(err.kind(), ErrorKind::Storage, "{shown}");
        assert!(shown.contains("hubspot.contacts/portal-9/etl"), "{shown}");
        assert!(shown.contains(expect), "{shown}");
        assert!(!shown.contains("SECRET-CURSOR"), "{shown}");
        // Not a silent reset: a "nothing stored" save still conflicts with the damaged row.
        let err = store
            .save(&key, &checkpoint("x"), Some(0))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    }
    // An operator's unconditional save repairs it.
    let repaired = store.save(&key, &checkpoint("2"), None).await.unwrap();
    assert_eq!(repaired, v + 1);
    assert_eq!(
        store.load(&key).await.unwrap().unwrap().checkpoint,
        checkpoint("2")
    );
}

#[tokio::test]
async fn keys_and_checkpoints_postgres_cannot_hold_are_refused() {
    let store = postgres("ckpt_keys").await;
    for key in [
        CheckpointKey::new("feed\0", "c"),
        CheckpointKey::new("f", "x".repeat(2000)),
    ] {
        let err = store.load(&key).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
        let err = store.save(&key, &checkpoint("1"), None).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    }
    let key = CheckpointKey::new("f", "c");
    let huge = FeedCheckpoint::new("f").with_cursor("x".repeat(2 * 1024 * 1024));
    let err = store.save(&key, &huge, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Storage, "{err}");
    assert!(!err.to_string().contains("xxxxxxxx"), "{err}");
    assert_eq!(store.load(&key).await.unwrap(), None);
}
