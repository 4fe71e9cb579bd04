//! The database goes away mid-run and comes back: calls fail with a clear storage error
//! (no hang, no panic, nothing overwritten) and work resumes once it is back. Runs its own
//! cluster (even when DATABASE_URL is set), since it stops it.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Duration;

use atom_core::feed::FeedCheckpoint;
use atom_core::{
    CheckpointKey, CheckpointStore, ErrorKind, Secret, TokenKey, TokenSet, TokenStore,
};
use atom_store_postgres::PostgresTokenStore;
use common::Cluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_stops_and_comes_back() {
    let cluster = Cluster::start().unwrap_or_else(|why| panic!("no PostgreSQL server: {why}"));
    let store = PostgresTokenStore::builder()
        .schema("restart")
        .statement_timeout(Duration::from_secs(3))
        .connect(&cluster.url())
        .await
        .unwrap();
    let key = TokenKey::new("hubspot", "portal-1");
    let v1 = store
        .save(&key, &TokenSet::bearer(Secret::new("at-1")), None)
        .await
        .unwrap();
    let checkpoints = store.checkpoints();
    let feed = CheckpointKey::new("hubspot.contacts/portal-1", "sync");
    let c1 = checkpoints
        .save(
            &feed,
            &FeedCheckpoint::new("hubspot.contacts").with_cursor("c1"),
            Some(0),
        )
        .await
        .unwrap();

    cluster.stop().unwrap();
    let load = store.load(&key).await.unwrap_err();
    assert_eq!(load.kind(), ErrorKind::Storage, "{load}");
    assert!(load.message().contains("hubspot/portal-1"), "{load}");
    let save = store
        .save(&key, &TokenSet::bearer(Secret::new("at-2")), Some(v1))
        .await
        .unwrap_err();
    assert_eq!(save.kind(), ErrorKind::Storage, "{save}");
    assert!(!format!("{save} {save:?}").contains("at-2"), "{save:?}");
    let lease = store.lease(&key).await.unwrap_err();
    assert_eq!(lease.kind(), ErrorKind::Storage, "{lease}");
    let load = checkpoints.load(&feed).await.unwrap_err();
    assert_eq!(load.kind(), ErrorKind::Storage, "{load}");
    assert!(
        load.message().contains("hubspot.contacts/portal-1/sync"),
        "{load}"
    );
    let save = checkpoints
        .save(
            &feed,
            &FeedCheckpoint::new("hubspot.contacts").with_cursor("c2"),
            Some(c1),
        )
        .await
        .unwrap_err();
    assert_eq!(save.kind(), ErrorKind::Storage, "{save}");

    cluster.run().unwrap();
    // Nothing was overwritten while it was down, and the pool reconnects by itself.
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(
        (stored.version, stored.token.access_token.expose()),
        (v1, "at-1")
    );
    let v2 = store
        .save(&key, &TokenSet::bearer(Secret::new("at-2")), Some(v1))
        .await
        .unwrap();
    assert_eq!(v2, v1 + 1);
    assert!(store.lease(&key).await.unwrap().is_some());
    let kept = checkpoints.load(&feed).await.unwrap().unwrap();
    assert_eq!(
        (kept.version, kept.checkpoint.cursor.as_deref()),
        (c1, Some("c1"))
    );
    checkpoints
        .save(
            &feed,
            &FeedCheckpoint::new("hubspot.contacts").with_cursor("c2"),
            Some(c1),
        )
        .await
        .unwrap();
}
