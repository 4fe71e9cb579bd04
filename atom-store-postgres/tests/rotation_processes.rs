//! 4 OS processes x 250 tasks share one token through 10 forced rotations against a local
//! authorization server that accepts each refresh token once: no invalid_grant, no lost
//! token, exactly one refresh request per rotation. Each process is this test binary run
//! again as a child, with its own pool, store and token manager.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atom_core::{OAuthClient, OAuthConfig, Secret, TokenKey, TokenManager, TokenSet, TokenStore};
use atom_store_postgres::PostgresTokenStore;
use common::{database_url, fresh_schema, store_in};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROCESSES: usize = 4;
const TASKS: usize = 250;
const ROTATIONS: u64 = 10;
/// Set for the children: "<schema> <authorization server URL>".
const CHILD: &str = "ATOM_PG_ROTATION_CHILD";

fn key() -> TokenKey {
    TokenKey::new("xero", "org-rotating")
}

/// Issues `at-N`/`rt-N`; a refresh token works once. Tokens live 60 s, which the managers'
/// 59.7 s margin makes stale 300 ms after issue, forcing the next rotation; the last one
/// lives an hour.
#[derive(Clone, Default)]
struct RotatingServer {
    issued: Arc<Mutex<u64>>,
    requests: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
}

impl Respond for RotatingServer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let body = String::from_utf8_lossy(&request.body).to_string();
        let presented = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("refresh_token="))
            .unwrap_or_default()
            .to_owned();
        let mut issued = self.issued.lock().unwrap();
        if presented != format!("rt-{}", *issued) || *issued >= ROTATIONS {
            self.refused.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(400).set_body_json(
                serde_json::json!({"error": "invalid_grant", "error_description": "used"}),
            );
        }
        *issued += 1;
        let lifetime = if *issued == ROTATIONS { 3600 } else { 60 };
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": format!("at-{}", *issued),
            "refresh_token": format!("rt-{}", *issued),
            "token_type": "Bearer",
            "expires_in": lifetime
        }))
    }
}

fn oauth(base: &str) -> OAuthClient {
    OAuthClient::new(
        "test",
        OAuthConfig::new(
            "client-1",
            format!("{base}/authorize").parse().unwrap(),
            format!("{base}/token").parse().unwrap(),
        )
        .client_secret(Secret::new("client-secret")),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a child process of four_processes_share_one_token_through_ten_rotations, which runs it"]
async fn child_process_uses_the_token() {
    let Ok(args) = std::env::var(CHILD) else {
        return;
    };
    let (schema, auth) = args.split_once(' ').unwrap();
    let store = store_in(schema, PostgresTokenStore::builder()).await;
    let manager = Arc::new(
        TokenManager::new(key(), Arc::new(store), Arc::new(oauth(auth)))
            .margin(Duration::from_millis(59_700)),
    );
    let last = format!("at-{ROTATIONS}");
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (manager, last) = (manager.clone(), last.clone());
        tasks.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            // Bounded: a run that never reaches the last token fails instead of hanging.
            for _ in 0..2_000 {
                match manager.access_token().await {
                    Ok((token, _)) if token.expose() == last => return errors,
                    Ok(_) => {}
                    Err(e) => errors.push(e.to_string()),
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            errors.push("never saw the last token".to_owned());
            errors
        }));
    }
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await.unwrap());
    }
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_share_one_token_through_ten_rotations() {
    let server = MockServer::start().await;
    let endpoint = RotatingServer::default();
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(endpoint.clone())
        .mount(&server)
        .await;
    let schema = fresh_schema("rotation");
    let store = store_in(&schema, PostgresTokenStore::builder()).await;
    let expired = TokenSet {
        refresh_token: Some(Secret::new("rt-0")),
        expires_at: Some(chrono::Utc::now() - chrono::Duration::hours(1)),
        ..TokenSet::bearer(Secret::new("at-0"))
    };
    let v0 = store.save(&key(), &expired, None).await.unwrap();

    let mut children = Vec::new();
    for _ in 0..PROCESSES {
        children.push(
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "child_process_uses_the_token", "--ignored"])
                .env(CHILD, format!("{schema} {}", server.uri()))
                .env("DATABASE_URL", database_url())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
    }
    // The server answers on this runtime while the children run: wait off it.
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for output in &outputs {
        assert!(
            output.status.success(),
            "a child failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(
        endpoint.refused.load(Ordering::SeqCst),
        0,
        "invalid_grant answers"
    );
    assert_eq!(
        endpoint.requests.load(Ordering::SeqCst),
        ROTATIONS as usize,
        "refresh requests"
    );
    // No token lost: the store holds the last rotation, saved once per rotation.
    let stored = store.load(&key()).await.unwrap().unwrap();
    assert_eq!(stored.version, v0 + ROTATIONS);
    assert_eq!(
        stored.token.refresh_token.unwrap().expose(),
        format!("rt-{ROTATIONS}")
    );
}
