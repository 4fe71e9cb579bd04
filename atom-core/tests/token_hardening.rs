//! The token manager under store failures and dead grants: a rotated token is never lost
//! when its save fails, and a dead grant is found out once, in every process.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use atom_core::{
    Error, ErrorKind, FileTokenStore, MemoryTokenStore, RefreshLease, Result, Secret, StoredToken,
    TokenKey, TokenManager, TokenSet, TokenStore,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request as WireRequest, Respond, ResponseTemplate};

/// Issues `at-N`/`rt-N`; a refresh token works once and is revoked when used, like
/// Salesforce or Xero rotation. Records every refresh token presented.
#[derive(Clone, Default)]
struct RotatingEndpoint {
    state: Arc<Mutex<Rotation>>,
}

#[derive(Default)]
struct Rotation {
    issued: u64,
    valid: String,
    presented: Vec<String>,
}

impl RotatingEndpoint {
    fn starting_at(refresh: &str) -> Self {
        let endpoint = Self::default();
        endpoint.state.lock().unwrap().valid = refresh.into();
        endpoint
    }

    fn presented(&self) -> Vec<String> {
        self.state.lock().unwrap().presented.clone()
    }
}

impl Respond for RotatingEndpoint {
    fn respond(&self, request: &WireRequest) -> ResponseTemplate {
        let presented = url::form_urlencoded::parse(&request.body)
            .find(|(k, _)| k == "refresh_token")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let mut state = self.state.lock().unwrap();
        state.presented.push(presented.clone());
        if presented != state.valid {
            return ResponseTemplate::new(400).set_body_json(
                serde_json::json!({"error": "invalid_grant", "error_description": "revoked"}),
            );
        }
        state.issued += 1;
        state.valid = format!("rt-{}", state.issued);
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": format!("at-{}", state.issued),
            "refresh_token": state.valid,
            "token_type": "Bearer",
            "expires_in": 3600
        }))
    }
}

async fn token_server(endpoint: impl Respond + 'static) -> MockServer {
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(endpoint)
        .mount(&auth)
        .await;
    auth
}

/// A memory store whose saves fail while `broken` is set.
#[derive(Debug, Default)]
struct FlakyStore {
    inner: MemoryTokenStore,
    broken: AtomicBool,
    failed_saves: AtomicUsize,
}

#[async_trait]
impl TokenStore for FlakyStore {
    async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>> {
        self.inner.load(key).await
    }
    async fn save(&self, key: &TokenKey, token: &TokenSet, expected: Option<u64>) -> Result<u64> {
        if self.broken.load(Ordering::SeqCst) {
            self.failed_saves.fetch_add(1, Ordering::SeqCst);
            return Err(Error::new(ErrorKind::Storage, "test", "disk full"));
        }
        self.inner.save(key, token, expected).await
    }
    async fn delete(&self, key: &TokenKey) -> Result<()> {
        self.inner.delete(key).await
    }
    async fn lease(&self, key: &TokenKey) -> Result<Option<RefreshLease>> {
        self.inner.lease(key).await
    }
}

fn key() -> TokenKey {
    TokenKey::new("test", "org-1")
}

fn access(stored: &StoredToken) -> &str {
    stored.token.access_token.expose()
}

/// Item 4, with any store: `set_broken` makes its saves fail or work.
async fn rotated_token_survives_failed_saves(
    store: Arc<dyn TokenStore>,
    set_broken: &dyn Fn(bool),
) {
    let endpoint = RotatingEndpoint::starting_at("rt-0");
    let auth = token_server(endpoint.clone()).await;
    store
        .save(&key(), &common::expired_token("at-0", "rt-0"), None)
        .await
        .unwrap();
    let manager = TokenManager::new(
        key(),
        store.clone(),
        Arc::new(common::oauth_client(&auth.uri())),
    );

    set_broken(true);
    let err = manager.current().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Storage, "{err}");
    let unsaved = err
        .unsaved_token()
        .expect("the error carries the new token set");
    assert_eq!(unsaved.access_token.expose(), "at-1");
    assert_eq!(unsaved.refresh_token, Some(Secret::new("rt-1")));
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("rt-1") && !shown.contains("at-1"),
        "{shown}"
    );
    assert!(shown.contains("unsaved_token"), "{shown}");

    // The next call serves the new token from memory: no second refresh.
    let served = manager.current().await.unwrap();
    assert_eq!(access(&served), "at-1");
    assert_eq!(endpoint.presented(), ["rt-0"]);
    assert_eq!(
        store.load(&key()).await.unwrap().map(|s| s.version),
        Some(1),
        "the store still has the old token"
    );

    // A 401 on it: the refresh starts from the token in memory, never the store's spent one.
    let err = manager.invalidate(served.version).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Storage);
    let unsaved = err.unsaved_token().unwrap();
    assert_eq!(unsaved.refresh_token, Some(Secret::new("rt-2")));
    assert_eq!(endpoint.presented(), ["rt-0", "rt-1"]);

    // The store works again: the next call (a second later) saves the token it serves.
    set_broken(false);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let served = manager.current().await.unwrap();
    assert_eq!(access(&served), "at-2");
    let stored = store.load(&key()).await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(access(&stored), "at-2");
    assert_eq!(stored.token.refresh_token, Some(Secret::new("rt-2")));
    assert_eq!(served.version, 2);

    // From here on the store's token is the token of record again.
    let renewed = manager.invalidate(2).await.unwrap();
    assert_eq!((renewed.version, access(&renewed)), (3, "at-3"));
    assert_eq!(endpoint.presented(), ["rt-0", "rt-1", "rt-2"]);
    assert_eq!(
        auth.received_requests().await.unwrap().len(),
        3,
        "no refresh token presented twice, none refused"
    );
}

#[tokio::test]
async fn a_failed_save_keeps_the_rotated_token_memory_store() {
    let store = Arc::new(FlakyStore::default());
    let flag = store.clone();
    rotated_token_survives_failed_saves(store.clone(), &move |broken| {
        flag.broken.store(broken, Ordering::SeqCst)
    })
    .await;
    assert_eq!(
        store.failed_saves.load(Ordering::SeqCst),
        6,
        "3 attempts for each of the two refreshes; none while serving within the second"
    );
}

fn json_file(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap()
}

#[tokio::test]
async fn a_failed_save_keeps_the_rotated_token_file_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FileTokenStore::new(dir.path()).unwrap());
    let dir_path = dir.path().to_path_buf();
    // Tests may run as root, where permissions do not stop writes: a directory where the
    // write lock file belongs makes every save fail, whoever runs it.
    let set_broken = move |broken: bool| {
        let lock = json_file(&dir_path).with_extension("lock");
        let _ = std::fs::remove_file(&lock);
        let _ = std::fs::remove_dir(&lock);
        if broken {
            std::fs::create_dir(&lock).unwrap();
        }
    };
    rotated_token_survives_failed_saves(store, &set_broken).await;
}

/// Answers every refresh with `invalid_grant`, slowly, so that callers queue up behind it.
struct DeadGrantEndpoint;

impl Respond for DeadGrantEndpoint {
    fn respond(&self, _: &WireRequest) -> ResponseTemplate {
        ResponseTemplate::new(400)
            .set_delay(Duration::from_millis(200))
            .set_body_json(
                serde_json::json!({"error": "invalid_grant", "error_description": "expired"}),
            )
    }
}

/// Item 17.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dead_grant_is_found_out_once_by_every_process() {
    let auth = token_server(DeadGrantEndpoint).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FileTokenStore::new(dir.path()).unwrap());
    store
        .save(&key(), &common::expired_token("at-0", "rt-0"), None)
        .await
        .unwrap();
    let process = |store: Arc<FileTokenStore>| {
        Arc::new(TokenManager::new(
            key(),
            store,
            Arc::new(common::oauth_client(&auth.uri())),
        ))
    };
    let a = process(Arc::new(FileTokenStore::new(dir.path()).unwrap()));

    let calls = (0..50).map(|_| {
        let a = a.clone();
        tokio::spawn(async move { a.access_token().await })
    });
    for result in futures::future::join_all(calls).await {
        let err = result.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired);
    }
    assert_eq!(auth.received_requests().await.unwrap().len(), 1);

    // Another process learns it from the store.
    let b = process(Arc::new(FileTokenStore::new(dir.path()).unwrap()));
    let err = b.access_token().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired);
    assert_eq!(err.provider_code(), Some("invalid_grant"));
    assert_eq!(auth.received_requests().await.unwrap().len(), 1);

    // A fresh consent clears it, in both processes.
    let v = store
        .save(&key(), &common::valid_token("at-new", "rt-new"), None)
        .await
        .unwrap();
    for manager in [&a, &b] {
        let (token, version) = manager.access_token().await.unwrap();
        assert_eq!((token.expose(), version), ("at-new", v));
    }
    assert_eq!(store.dead_grant(&key()).await.unwrap(), None);
}

/// Item 17 with a memory store shared by two managers.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dead_grant_recorded_in_a_memory_store_stops_other_managers() {
    let auth = token_server(DeadGrantEndpoint).await;
    let store = Arc::new(MemoryTokenStore::default());
    store
        .save(&key(), &common::expired_token("at-0", "rt-0"), None)
        .await
        .unwrap();
    let manager = || {
        TokenManager::new(
            key(),
            store.clone(),
            Arc::new(common::oauth_client(&auth.uri())),
        )
    };
    let (a, b) = (manager(), manager());
    let first = a.access_token().await.unwrap_err();
    assert_eq!(first.kind(), ErrorKind::ReauthorizationRequired);
    let second = b.access_token().await.unwrap_err();
    assert_eq!(second.kind(), ErrorKind::ReauthorizationRequired);
    assert_eq!(auth.received_requests().await.unwrap().len(), 1);
}
