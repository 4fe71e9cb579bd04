//! Two "processes" (separate token managers, one file store) refreshing against a token
//! endpoint that accepts each refresh token once: no failure, no lost rotation.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atom_core::{
    ApiClient, FileTokenStore, GenericProvider, OAuthAuthenticator, Request, Secret, TokenKey,
    TokenManager, TokenSet, TokenStore,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request as WireRequest, Respond, ResponseTemplate};

/// Issues `at-N`/`rt-N`; a refresh token works once, like Salesforce or Xero rotation.
#[derive(Clone, Default)]
struct RotatingTokenEndpoint {
    state: Arc<Mutex<(u64, String)>>,
}

impl Respond for RotatingTokenEndpoint {
    fn respond(&self, request: &WireRequest) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&request.body).to_string();
        let presented = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("refresh_token="))
            .unwrap_or_default()
            .to_owned();
        let mut state = self.state.lock().unwrap();
        if presented != state.1 {
            return ResponseTemplate::new(400).set_body_json(
                serde_json::json!({"error": "invalid_grant", "error_description": "used"}),
            );
        }
        state.0 += 1;
        state.1 = format!("rt-{}", state.0);
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": format!("at-{}", state.0),
            "refresh_token": state.1,
            "token_type": "Bearer",
            "expires_in": 60
        }))
    }
}

fn process(store: Arc<FileTokenStore>, key: &TokenKey, api: &str, auth: &str) -> ApiClient {
    // Each token is "near expiry" 150 ms after it is issued, so calls keep forcing refreshes.
    let manager = TokenManager::new(key.clone(), store, Arc::new(common::oauth_client(auth)))
        .margin(Duration::from_millis(59_850));
    ApiClient::builder(GenericProvider("test"), api)
        .unwrap()
        .authenticator(Arc::new(OAuthAuthenticator::new(Arc::new(manager))))
        .retry_policy(common::fast_policy(1))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_expiry_cycles_two_processes_zero_failures() {
    let api = MockServer::start().await;
    let auth = MockServer::start().await;
    let endpoint = RotatingTokenEndpoint::default();
    endpoint.state.lock().unwrap().1 = "rt-0".into();
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(endpoint.clone())
        .mount(&auth)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&api)
        .await;

    let dir = tempfile::tempdir().unwrap();
    let key = TokenKey::new("test", "org-1");
    let seed = Arc::new(FileTokenStore::new(dir.path()).unwrap());
    seed.save(&key, &common::expired_token("at-0", "rt-0"), None)
        .await
        .unwrap();
    // Separate store handles and managers: nothing in memory is shared, only the directory.
    let a = process(
        Arc::new(FileTokenStore::new(dir.path()).unwrap()),
        &key,
        &api.uri(),
        &auth.uri(),
    );
    let b = process(
        Arc::new(FileTokenStore::new(dir.path()).unwrap()),
        &key,
        &api.uri(),
        &auth.uri(),
    );

    let mut failures = Vec::new();
    for _cycle in 0..20 {
        let calls = (0..10)
            .flat_map(|_| [a.clone(), b.clone()])
            .map(|c| tokio::spawn(async move { c.send(Request::get("/data")).await }));
        for r in futures::future::join_all(calls).await {
            match r {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => failures.push(e.to_string()),
                Err(e) => failures.push(e.to_string()),
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        failures.is_empty(),
        "{} failures: {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );

    let (issued, current_refresh) = endpoint.state.lock().unwrap().clone();
    assert!(issued >= 20, "one refresh per cycle at least, got {issued}");
    let rejected = auth.received_requests().await.unwrap().len() as u64 - issued;
    assert_eq!(rejected, 0, "no refresh token was presented twice");
    let stored: TokenSet = seed.load(&key).await.unwrap().unwrap().token;
    assert_eq!(stored.refresh_token, Some(Secret::new(current_refresh)));
    assert_eq!(stored.access_token, Secret::new(format!("at-{issued}")));
}
