//! The `TokenStore` contract on a real PostgreSQL server: compare-and-swap saves, delete,
//! dead grants, key listings, the schema choice, and damaged rows.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use atom_core::{ErrorKind, Secret, TokenKey, TokenSet, TokenStore};
use atom_store_postgres::PostgresTokenStore;
use common::{database_url, fresh_schema, store_in};

fn token(access: &str) -> TokenSet {
    TokenSet {
        refresh_token: Some(Secret::new(format!("rt-{access}"))),
        ..TokenSet::bearer(Secret::new(access))
    }
}

#[tokio::test]
async fn save_is_compare_and_swap_by_version() {
    let store = store_in(&fresh_schema("cas"), PostgresTokenStore::builder()).await;
    let key = TokenKey::new("salesforce", "00D1");
    assert_eq!(store.load(&key).await.unwrap(), None);
    // Expecting a version when nothing is stored is a conflict, as in the memory store.
    let err = store.save(&key, &token("a"), Some(1)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);

    let v1 = store.save(&key, &token("a"), None).await.unwrap();
    assert_eq!(v1, 1);
    let v2 = store.save(&key, &token("b"), Some(v1)).await.unwrap();
    assert_eq!(v2, 2);
    let stale = store.save(&key, &token("c"), Some(v1)).await.unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::Conflict);
    assert!(stale.message().contains("found Some(2)"), "{stale}");
    assert!(!stale.to_string().contains("rt-c"), "{stale}");
    let huge = store
        .save(&key, &token("c"), Some(u64::MAX))
        .await
        .unwrap_err();
    assert_eq!(huge.kind(), ErrorKind::Conflict);

    let loaded = store.load(&key).await.unwrap().unwrap();
    assert_eq!((loaded.version, loaded.token), (2, token("b")));
    // An unconditional save (a fresh consent) goes on from the stored version.
    assert_eq!(store.save(&key, &token("d"), None).await.unwrap(), 3);

    store.delete(&key).await.unwrap();
    assert_eq!(store.load(&key).await.unwrap(), None);
    store.delete(&key).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_of_one_version_let_exactly_one_win() {
    let schema = fresh_schema("race");
    let key = TokenKey::new("xero", "tenant-1");
    // Four "replicas", each with its own pool.
    let mut stores = Vec::new();
    for _ in 0..4 {
        stores.push(store_in(&schema, PostgresTokenStore::builder()).await);
    }
    let v1 = stores[0].save(&key, &token("v1"), None).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..32 {
        let store = stores[i % 4].clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            store.save(&key, &token(&format!("n{i}")), Some(v1)).await
        }));
    }
    let mut won = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        match task.await.unwrap() {
            Ok(v) => won.push((i, v)),
            Err(e) => assert_eq!(e.kind(), ErrorKind::Conflict, "{e}"),
        }
    }
    assert_eq!(won.len(), 1, "{won:?}");
    let (winner, version) = won[0];
    let stored = stores[1].load(&key).await.unwrap().unwrap();
    assert_eq!(stored.version, version);
    assert_eq!(stored.token, token(&format!("n{winner}")));
}

#[tokio::test]
async fn dead_grant_is_recorded_for_the_current_version_and_cleared_by_a_save() {
    let store = store_in(&fresh_schema("dead"), PostgresTokenStore::builder()).await;
    let key = TokenKey::new("okta", "user-9");
    assert_eq!(store.dead_grant(&key).await.unwrap(), None);
    let v1 = store.save(&key, &token("a"), None).await.unwrap();
    // A stale version is not recorded.
    store.record_dead_grant(&key, v1 + 1).await.unwrap();
    assert_eq!(store.dead_grant(&key).await.unwrap(), None);
    store.record_dead_grant(&key, v1).await.unwrap();
    assert_eq!(store.dead_grant(&key).await.unwrap(), Some(v1));
    // Another replica sees it too.
    let other = store_in(store.schema().as_str(), PostgresTokenStore::builder()).await;
    assert_eq!(other.dead_grant(&key).await.unwrap(), Some(v1));
    // A fresh consent clears it.
    let v2 = store.save(&key, &token("b"), None).await.unwrap();
    assert_eq!(store.dead_grant(&key).await.unwrap(), None);
    assert_eq!(store.load(&key).await.unwrap().unwrap().version, v2);
}

#[tokio::test]
async fn keys_are_listed_per_tenant_and_per_service() {
    let store = store_in(&fresh_schema("keys"), PostgresTokenStore::builder()).await;
    for (service, tenant) in [
        ("hubspot", "acme"),
        ("github", "acme"),
        ("hubspot", "globex"),
        ("hubspot", "initech"),
        ("github", "globex"),
    ] {
        store
            .save(&TokenKey::new(service, tenant), &token("x"), None)
            .await
            .unwrap();
    }
    let acme = store.keys_of_tenant("acme", 100).await.unwrap();
    assert_eq!(
        acme,
        [
            TokenKey::new("github", "acme"),
            TokenKey::new("hubspot", "acme")
        ]
    );
    assert_eq!(store.keys_of_tenant("acme", 1).await.unwrap().len(), 1);
    assert!(
        store
            .keys_of_tenant("nobody", 100)
            .await
            .unwrap()
            .is_empty()
    );
    let page1 = store.keys_of_service("hubspot", "", 2).await.unwrap();
    assert_eq!(
        page1,
        [
            TokenKey::new("hubspot", "acme"),
            TokenKey::new("hubspot", "globex")
        ]
    );
    let page2 = store.keys_of_service("hubspot", "globex", 2).await.unwrap();
    assert_eq!(page2, [TokenKey::new("hubspot", "initech")]);
}

#[tokio::test]
async fn schemas_are_separate_and_migrations_run_once() {
    let (a, b) = (fresh_schema("a"), fresh_schema("b"));
    let store_a = store_in(&a, PostgresTokenStore::builder()).await;
    let store_b = store_in(&b, PostgresTokenStore::builder()).await;
    let key = TokenKey::new("stripe", "acct_1");
    store_a.save(&key, &token("a"), None).await.unwrap();
    assert_eq!(store_b.load(&key).await.unwrap(), None);

    // The tables are in the chosen schema, and nothing went to `public`.
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
    )
    .bind(&a)
    .fetch_all(store_a.pool())
    .await
    .unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "_sqlx_migrations",
            "atom_checkpoints",
            "atom_rate_buckets",
            "atom_token_leases",
            "atom_tokens"
        ]
    );
    let public: (i64,) = sqlx::query_as(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' \
         AND table_name IN ('atom_tokens', 'atom_token_leases', 'atom_checkpoints', 'atom_rate_buckets', '_sqlx_migrations')",
    )
    .fetch_one(store_a.pool())
    .await
    .unwrap();
    assert_eq!(public.0, 0);

    // Opening again (another replica, a restart) applies nothing twice and keeps the data.
    let again = store_in(&a, PostgresTokenStore::builder()).await;
    again.migrate().await.unwrap();
    assert_eq!(again.load(&key).await.unwrap().unwrap().token, token("a"));
    // The migration connection's search_path did not leak into the pool.
    let path: (String,) = sqlx::query_as("SHOW search_path")
        .fetch_one(again.pool())
        .await
        .unwrap();
    assert!(!path.0.contains(&a), "{}", path.0);
}

#[tokio::test]
async fn several_replicas_migrating_at_once_all_succeed() {
    let schema = fresh_schema("boot");
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let schema = schema.clone();
        tasks.push(tokio::spawn(async move {
            PostgresTokenStore::builder()
                .schema(schema)
                .connect(&database_url())
                .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_bad_schema_name_is_a_config_error_before_any_statement() {
    for bad in ["", "Atom", "a\"; DROP SCHEMA public; --", "pg_temp", "x-y"] {
        let err = PostgresTokenStore::builder()
            .schema(bad)
            .connect(&database_url())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad:?}: {err}");
    }
}

#[tokio::test]
async fn a_damaged_row_is_a_storage_error_naming_the_key_not_the_content() {
    let store = store_in(&fresh_schema("bad"), PostgresTokenStore::builder()).await;
    let table = format!("\"{}\".atom_tokens", store.schema());
    let key = TokenKey::new("quickbooks", "realm-7");
    store.save(&key, &token("a"), None).await.unwrap();
    for (damage, text) in [
        ("truncated JSON", "{\"access_token\": \"at-secret-value\""),
        ("not valid JSON", "at-secret-value"),
        (
            "not a token set",
            "{\"refresh_token\": \"rt-secret-value\"}",
        ),
    ] {
        sqlx::query(&format!("UPDATE {table} SET token = $1"))
            .bind(text)
            .execute(store.pool())
            .await
            .unwrap();
        let err = store.load(&key).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Storage);
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("quickbooks/realm-7"), "{shown}");
        assert!(shown.contains(damage), "{shown}");
        assert!(!shown.contains("secret-value"), "{shown}");
    }
    // The damaged row is not reset behind the caller's back: a CAS save still needs the
    // version, and an unconditional save (a fresh consent) replaces it.
    let err = store.save(&key, &token("b"), Some(99)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    store.save(&key, &token("b"), None).await.unwrap();
    assert_eq!(store.load(&key).await.unwrap().unwrap().token, token("b"));
}

#[tokio::test]
async fn keys_postgres_cannot_hold_are_refused_with_a_config_error() {
    let store = store_in(&fresh_schema("nul"), PostgresTokenStore::builder()).await;
    let nul = TokenKey::new("github", "a\0b");
    let err = store.save(&nul, &token("a"), None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let long = TokenKey::new("github", "x".repeat(5000));
    assert_eq!(
        store.load(&long).await.unwrap_err().kind(),
        ErrorKind::Config
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_storage_error_and_the_url_is_not_repeated() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://app:hunter2-password@127.0.0.1:{port}/app");
    let err = PostgresTokenStore::builder()
        .statement_timeout(std::time::Duration::from_secs(2))
        .connect(&url)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Storage, "{err}");
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
    let bad = PostgresTokenStore::connect("postgres://app:hunter2-password@[::1/app")
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::Config);
    assert!(!format!("{bad} {bad:?}").contains("hunter2"), "{bad:?}");
}
