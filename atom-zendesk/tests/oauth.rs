//! OAuth: the account's own endpoints, PKCE and state, code exchange stored per subdomain,
//! refresh of an expiring token through the TokenManager before a call.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use atom_core::{MemoryTokenStore, Secret, TokenManager, TokenSet, TokenStore};
use atom_zendesk::{Client, auth};
use common::{fast_retry, requests};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn the_authorize_url_is_the_accounts_own_with_pkce_and_state() {
    let oauth = auth::oauth_client(
        "acme",
        "zdg-app",
        Some(Secret::new("shh")),
        "https://app.example.com/cb",
        &["read", "tickets:write"],
    )
    .unwrap();
    let pending = oauth.authorize_url().unwrap();
    let url = pending.url.as_str();
    assert!(
        url.starts_with("https://acme.zendesk.com/oauth/authorizations/new?"),
        "{url}"
    );
    let pairs: std::collections::HashMap<_, _> = pending.url.query_pairs().into_owned().collect();
    assert_eq!(pairs["response_type"], "code");
    assert_eq!(pairs["client_id"], "zdg-app");
    assert_eq!(pairs["scope"], "read tickets:write");
    assert_eq!(pairs["code_challenge_method"], "S256");
    assert_eq!(pairs["state"], pending.state);
    assert!(!url.contains("shh"));
    let (a, t) = auth::endpoints("acme").unwrap();
    assert_eq!(t.as_str(), "https://acme.zendesk.com/oauth/tokens");
    assert_eq!(a.path(), "/oauth/authorizations/new");
    assert!(auth::endpoints("acme.evil.com").is_err());
    assert!(auth::oauth_client("acme", "id", None, "https://a/cb", &["read write"]).is_err());
    assert_eq!(auth::token_key("acme").unwrap().tenant, "acme");
    assert!(auth::token_key("a/b").is_err());
}

#[tokio::test]
async fn the_code_is_exchanged_with_its_verifier_and_stored_under_the_subdomain() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/tokens"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=the-code"))
        .and(body_string_contains("code_verifier="))
        .and(body_string_contains("client_id=zdg-app"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"zd-access-1","refresh_token":"zd-refresh-1","token_type":"bearer","scope":"read write","expires_in":3600}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let oauth = auth::oauth_client_at(
        &server.uri(),
        "zdg-app",
        Some(Secret::new("shh")),
        "https://app.example.com/cb",
        &["read", "write"],
    )
    .unwrap();
    let pending = oauth.authorize_url().unwrap();
    let store = MemoryTokenStore::default();
    let state = pending.state.clone();
    let key = auth::exchange_and_store(&oauth, "acme", &pending, &state, "the-code", &store)
        .await
        .unwrap();
    assert_eq!(
        (key.service.as_str(), key.tenant.as_str()),
        ("zendesk", "acme")
    );
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(stored.token.access_token.expose(), "zd-access-1");
    // A callback with another state is refused before any exchange.
    assert!(
        auth::exchange_and_store(&oauth, "acme", &pending, "forged", "the-code", &store)
            .await
            .is_err()
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_before_the_call_and_sent_as_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/tokens"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=zd-refresh-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"zd-access-2","refresh_token":"zd-refresh-2","token_type":"bearer","expires_in":3600}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .and(header("authorization", "Bearer zd-access-2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"user":{"id":1,"name":"Agent"}}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let oauth = auth::oauth_client_at(
        &server.uri(),
        "zdg-app",
        Some(Secret::new("shh")),
        "https://app.example.com/cb",
        &["read"],
    )
    .unwrap();
    let store = Arc::new(MemoryTokenStore::default());
    let key = auth::token_key("acme").unwrap();
    let mut token = TokenSet::bearer(Secret::new("zd-access-1"));
    token.refresh_token = Some(Secret::new("zd-refresh-1"));
    token.expires_at = Some(chrono::Utc::now() + chrono::Duration::seconds(10));
    store.save(&key, &token, None).await.unwrap();
    let manager =
        Arc::new(TokenManager::new(key.clone(), store.clone(), Arc::new(oauth)).service("zendesk"));
    let client = Client::builder()
        .base_url(server.uri())
        .oauth(manager)
        .retry_policy(fast_retry())
        .build()
        .unwrap();
    assert_eq!(client.users().me().await.unwrap().id, 1);
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(
        stored.token.refresh_token.unwrap().expose(),
        "zd-refresh-2",
        "the rotated refresh token is kept"
    );
}

#[tokio::test]
async fn a_token_refused_with_401_is_refreshed_once_and_the_call_replayed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/tokens"))
        .and(body_string_contains("refresh_token=zd-refresh-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"zd-access-2","refresh_token":"zd-refresh-2","token_type":"bearer","expires_in":7200}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/1"))
        .and(header("authorization", "Bearer zd-access-1"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(r#"{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}"#, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/1"))
        .and(header("authorization", "Bearer zd-access-2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"ticket":{"id":1}}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let oauth = auth::oauth_client_at(
        &server.uri(),
        "zdg-app",
        Some(Secret::new("shh")),
        "https://app.example.com/cb",
        &["read"],
    )
    .unwrap();
    let store = Arc::new(MemoryTokenStore::default());
    let key = auth::token_key("acme").unwrap();
    let mut token = TokenSet::bearer(Secret::new("zd-access-1"));
    token.refresh_token = Some(Secret::new("zd-refresh-1"));
    store.save(&key, &token, None).await.unwrap();
    let manager = Arc::new(TokenManager::new(key, store, Arc::new(oauth)).service("zendesk"));
    let client = Client::builder()
        .base_url(server.uri())
        .oauth(manager)
        .retry_policy(fast_retry())
        .build()
        .unwrap();
    assert_eq!(client.tickets().get(1).await.unwrap().id, 1);
}
