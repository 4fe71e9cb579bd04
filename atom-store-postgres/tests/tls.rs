//! TLS to the server through sqlx's rustls (the aws-lc-rs provider reqwest uses too, so
//! rustls has one provider to choose): an encrypted connection whose certificate is checked
//! against the CA, and a certificate from another CA refused. Runs its own cluster with
//! TLS on (even when DATABASE_URL is set).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Duration;

use atom_core::{ErrorKind, Secret, TokenKey, TokenSet, TokenStore};
use atom_store_postgres::PostgresTokenStore;
use common::Cluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verified_tls_connects_and_a_foreign_certificate_is_refused() {
    let cluster =
        Cluster::start_with_tls().unwrap_or_else(|why| panic!("no PostgreSQL server: {why}"));
    let ca = cluster.ca().unwrap().display().to_string();
    let url = format!("{}?sslmode=verify-full&sslrootcert={ca}", cluster.url());
    let store = PostgresTokenStore::builder()
        .schema("tls")
        .connect(&url)
        .await
        .unwrap();
    let key = TokenKey::new("github", "inst-1");
    store
        .save(&key, &TokenSet::bearer(Secret::new("at")), None)
        .await
        .unwrap();
    assert!(store.load(&key).await.unwrap().is_some());
    let (encrypted,): (bool,) =
        sqlx::query_as("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(encrypted);

    // Another CA (the system's roots) does not vouch for this server.
    let unverified = format!("{}?sslmode=verify-full", cluster.url());
    let err = PostgresTokenStore::builder()
        .schema("tls")
        .statement_timeout(Duration::from_secs(5))
        .connect(&unverified)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Storage, "{err}");
}
