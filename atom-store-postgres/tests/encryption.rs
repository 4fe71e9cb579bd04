//! Encryption at rest of the tokens' secret fields: round trip, key rotation, and rows that
//! do not decrypt (unknown key id, changed ciphertext, invalid JSON, copied to another key),
//! which are storage errors naming the key: never a panic, never read as "no token", and
//! nothing is overwritten because of them.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::sync::Arc;

use atom_core::{
    ErrorKind, OAuthClient, OAuthConfig, Secret, TokenKey, TokenManager, TokenSet, TokenStore,
};
use atom_store_postgres::{Keyring, PostgresTokenStore};
use common::{fresh_schema, store_in};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCESS: &str = "ACCESS-SECRET-1";
const REFRESH: &str = "REFRESH-SECRET-1";
const OLD: [u8; 32] = [0x11; 32];
const NEW: [u8; 32] = [0x22; 32];

fn token() -> TokenSet {
    TokenSet {
        refresh_token: Some(Secret::new(REFRESH)),
        // Fixed and far ahead: equal in every call, and never due for a refresh.
        expires_at: chrono::DateTime::from_timestamp(4_000_000_000, 0),
        ..TokenSet::bearer(Secret::new(ACCESS))
    }
}

fn old_ring() -> Keyring {
    Keyring::new("k-old", &OLD).unwrap()
}

fn new_ring() -> Keyring {
    Keyring::new("k-new", &NEW)
        .unwrap()
        .with_old_key("k-old", &OLD)
        .unwrap()
}

async fn encrypted(schema: &str, ring: Keyring) -> PostgresTokenStore {
    store_in(schema, PostgresTokenStore::builder().encryption(ring)).await
}

/// The raw row: (token text, key id).
async fn raw(store: &PostgresTokenStore, key: &TokenKey) -> (String, Option<String>) {
    sqlx::query_as(&format!(
        "SELECT token, key_id FROM \"{}\".atom_tokens WHERE service = $1 AND tenant = $2",
        store.schema()
    ))
    .bind(&key.service)
    .bind(&key.tenant)
    .fetch_one(store.pool())
    .await
    .unwrap()
}

async fn set_raw(store: &PostgresTokenStore, key: &TokenKey, text: &str, key_id: Option<&str>) {
    sqlx::query(&format!(
        "UPDATE \"{}\".atom_tokens SET token = $3, key_id = $4 WHERE service = $1 AND tenant = $2",
        store.schema()
    ))
    .bind(&key.service)
    .bind(&key.tenant)
    .bind(text)
    .bind(key_id)
    .execute(store.pool())
    .await
    .unwrap();
}

/// A refused load: a storage error naming the key and `expect`, quoting no secret.
async fn assert_refused(store: &PostgresTokenStore, key: &TokenKey, expect: &str) {
    let err = store.load(key).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert_eq!(err.kind(), ErrorKind::Storage, "{shown}");
    assert!(shown.contains(&key.to_string()), "{shown}");
    assert!(shown.contains(expect), "{shown}");
    for secret in [ACCESS, REFRESH, "0x11", "17, 17"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[tokio::test]
async fn secret_fields_round_trip_and_are_not_stored_in_clear() {
    let store = encrypted(&fresh_schema("enc_rt"), old_ring()).await;
    let key = TokenKey::new("salesforce", "00D-enc");
    let v1 = store.save(&key, &token(), None).await.unwrap();
    let loaded = store.load(&key).await.unwrap().unwrap();
    assert_eq!((loaded.version, loaded.token), (v1, token()));

    let (text, key_id) = raw(&store, &key).await;
    assert_eq!(key_id.as_deref(), Some("k-old"));
    assert!(!text.contains(ACCESS) && !text.contains(REFRESH), "{text}");
    // What is not secret stays readable to an operator.
    let row: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(row["expires_at"], "2096-10-02T07:06:40Z", "{text}");
    // The same token saved twice gives different ciphertexts (a fresh nonce each time).
    store.save(&key, &token(), Some(v1)).await.unwrap();
    assert_ne!(raw(&store, &key).await.0, text);

    let shown = format!("{store:?}");
    assert!(shown.contains("k-old"), "{shown}");
    assert!(
        !shown.contains("17, 17") && !shown.contains("0x11"),
        "{shown}"
    );
}

#[tokio::test]
async fn rotation_reads_old_rows_and_saves_under_the_new_key() {
    let schema = fresh_schema("enc_rot");
    let before = encrypted(&schema, old_ring()).await;
    let key = TokenKey::new("hubspot", "portal-7");
    let v1 = before.save(&key, &token(), None).await.unwrap();

    let after = encrypted(&schema, new_ring()).await;
    let loaded = after.load(&key).await.unwrap().unwrap();
    assert_eq!((loaded.version, loaded.token), (v1, token()));
    after.save(&key, &token(), Some(v1)).await.unwrap();
    assert_eq!(raw(&after, &key).await.1.as_deref(), Some("k-new"));
    assert_eq!(after.load(&key).await.unwrap().unwrap().token, token());
    // A replica still on the old keyring cannot read it, and says which key it lacks.
    assert_refused(&before, &key, "\"k-new\"").await;
}

#[tokio::test]
async fn an_unknown_key_id_is_a_storage_error_and_nothing_is_overwritten() {
    let schema = fresh_schema("enc_unknown");
    let writer = encrypted(&schema, old_ring()).await;
    let key = TokenKey::new("quickbooks", "realm-1");
    writer.save(&key, &token(), None).await.unwrap();
    let row = raw(&writer, &key).await;

    // A replica whose keyring lost the old key.
    let reader = encrypted(&schema, Keyring::new("k-new", &NEW).unwrap()).await;
    assert_refused(&reader, &key, "key id \"k-old\"").await;

    // A token manager on it fails the call: no refresh with a made-up token, no reset.
    let auth = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&auth)
        .await;
    let oauth = OAuthClient::new(
        "test",
        OAuthConfig::new(
            "client-1",
            format!("{}/authorize", auth.uri()).parse().unwrap(),
            format!("{}/token", auth.uri()).parse().unwrap(),
        ),
    )
    .unwrap();
    let manager = TokenManager::new(key.clone(), Arc::new(reader.clone()), Arc::new(oauth));
    let err = manager.access_token().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Storage, "{err}");
    assert_eq!(raw(&writer, &key).await, row, "the row was changed");
    assert_eq!(writer.load(&key).await.unwrap().unwrap().token, token());
}

#[tokio::test]
async fn damaged_rows_are_storage_errors_naming_the_key() {
    let schema = fresh_schema("enc_damage");
    let store = encrypted(&schema, old_ring()).await;
    let key = TokenKey::new("stripe", "acct_damaged");
    store.save(&key, &token(), None).await.unwrap();
    let (text, _) = raw(&store, &key).await;
    let mut row: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sealed = row["access_token"].as_str().unwrap().to_owned();

    // One ciphertext character changed, in the middle (the last one may carry unused bits,
    // which the base64 decoder refuses before the cipher sees them).
    let mid = sealed.len() / 2;
    let flipped = format!(
        "{}{}{}",
        &sealed[..mid],
        if &sealed[mid..=mid] == "A" { 'B' } else { 'A' },
        &sealed[mid + 1..]
    );
    row["access_token"] = serde_json::json!(flipped);
    set_raw(&store, &key, &row.to_string(), Some("k-old")).await;
    assert_refused(
        &store,
        &key,
        "access_token under key id \"k-old\" does not decrypt",
    )
    .await;

    // The ciphertext moved into the other field.
    row["access_token"] = row["refresh_token"].clone();
    set_raw(&store, &key, &row.to_string(), Some("k-old")).await;
    assert_refused(&store, &key, "does not decrypt").await;

    // Not JSON, truncated, not base64, too short, not a string, a plain secret.
    for (bad, expect) in [
        ("ACCESS-SECRET-1 garbage".to_owned(), "not valid JSON"),
        (text[..text.len() / 2].to_owned(), "truncated JSON"),
        (
            serde_json::json!({"access_token": "xc1.!!!", "token_type": "Bearer"}).to_string(),
            "not valid base64",
        ),
        (
            serde_json::json!({"access_token": "xc1.AAAA", "token_type": "Bearer"}).to_string(),
            "too short",
        ),
        (
            serde_json::json!({"access_token": 17, "token_type": "Bearer"}).to_string(),
            "not a string",
        ),
        (
            serde_json::json!({"access_token": ACCESS, "token_type": "Bearer"}).to_string(),
            "is not encrypted",
        ),
    ] {
        set_raw(&store, &key, &bad, Some("k-old")).await;
        assert_refused(&store, &key, expect).await;
    }
    // A damaged row is not "no token": a first-consent save expecting nothing conflicts.
    let err = store.save(&key, &token(), Some(0)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
}

#[tokio::test]
async fn a_row_copied_to_another_key_does_not_decrypt() {
    let schema = fresh_schema("enc_moved");
    let store = encrypted(&schema, old_ring()).await;
    let (a, b) = (
        TokenKey::new("github", "installation-a"),
        TokenKey::new("github", "installation-b"),
    );
    store.save(&a, &token(), None).await.unwrap();
    store
        .save(&b, &TokenSet::bearer(Secret::new("other")), None)
        .await
        .unwrap();
    let (text, key_id) = raw(&store, &a).await;
    set_raw(&store, &b, &text, key_id.as_deref()).await;
    assert_refused(&store, &b, "does not decrypt").await;
    // Another service with the same tenant: bound too.
    let c = TokenKey::new("gitlab", "installation-a");
    store
        .save(&c, &TokenSet::bearer(Secret::new("other")), None)
        .await
        .unwrap();
    set_raw(&store, &c, &text, key_id.as_deref()).await;
    assert_refused(&store, &c, "does not decrypt").await;
    // The original still reads.
    assert_eq!(store.load(&a).await.unwrap().unwrap().token, token());
}

#[tokio::test]
async fn plain_and_encrypted_rows_need_the_matching_setting() {
    let schema = fresh_schema("enc_plain");
    let plain = store_in(&schema, PostgresTokenStore::builder()).await;
    let key = TokenKey::new("zendesk", "sub-1");
    let v1 = plain.save(&key, &token(), None).await.unwrap();

    // A store that encrypts refuses a plain row unless told it is migrating.
    let strict = encrypted(&schema, old_ring()).await;
    assert_refused(&strict, &key, "stored unencrypted").await;
    let migrating = store_in(
        &schema,
        PostgresTokenStore::builder()
            .encryption(old_ring())
            .accept_unencrypted_rows(true),
    )
    .await;
    assert_eq!(migrating.load(&key).await.unwrap().unwrap().token, token());
    // Its next save encrypts the row.
    migrating.save(&key, &token(), Some(v1)).await.unwrap();
    assert_eq!(raw(&plain, &key).await.1.as_deref(), Some("k-old"));
    assert_eq!(strict.load(&key).await.unwrap().unwrap().token, token());

    // A store without a keyring cannot read an encrypted row, and says so.
    assert_refused(&plain, &key, "no keyring").await;
}

#[tokio::test]
async fn reencrypt_moves_every_row_to_the_current_key_and_keeps_versions() {
    let schema = fresh_schema("enc_rekey");
    let plain = store_in(&schema, PostgresTokenStore::builder()).await;
    let before = encrypted(&schema, old_ring()).await;
    let keys: Vec<TokenKey> = (0..5)
        .map(|i| TokenKey::new("hubspot", format!("portal-{i}")))
        .collect();
    let mut versions = Vec::new();
    for key in &keys[..4] {
        let v = before.save(key, &token(), None).await.unwrap();
        versions.push(before.save(key, &token(), Some(v)).await.unwrap());
    }
    before
        .record_dead_grant(&keys[3], versions[3])
        .await
        .unwrap();
    // One row from before encryption was turned on.
    versions.push(plain.save(&keys[4], &token(), None).await.unwrap());

    // Without a keyring there is nothing to encrypt with.
    let err = plain.reencrypt(10).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");

    let after = store_in(
        &schema,
        PostgresTokenStore::builder()
            .encryption(new_ring())
            .accept_unencrypted_rows(true),
    )
    .await;
    assert_eq!(after.reencrypt(2).await.unwrap(), 2, "bounded by the limit");
    assert_eq!(after.reencrypt(10).await.unwrap(), 3);
    assert_eq!(after.reencrypt(10).await.unwrap(), 0, "nothing left");
    for (key, version) in keys.iter().zip(&versions) {
        assert_eq!(raw(&after, key).await.1.as_deref(), Some("k-new"), "{key}");
        let stored = after.load(key).await.unwrap().unwrap();
        assert_eq!((stored.version, stored.token), (*version, token()), "{key}");
    }
    assert_eq!(
        after.dead_grant(&keys[3]).await.unwrap(),
        Some(versions[3]),
        "the dead-grant flag is kept"
    );
    // The old key is no longer needed.
    let only_new = encrypted(&schema, Keyring::new("k-new", &NEW).unwrap()).await;
    for key in &keys {
        assert_eq!(only_new.load(key).await.unwrap().unwrap().token, token());
    }

    // A row that does not decrypt stops the run with its key named.
    set_raw(
        &after,
        &keys[0],
        "{\"access_token\": \"xc1.AAAA\"}",
        Some("k-old"),
    )
    .await;
    let err = after.reencrypt(10).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Storage, "{err}");
    assert!(err.message().contains("hubspot/portal-0"), "{err}");
}
