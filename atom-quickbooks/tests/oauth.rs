//! Intuit OAuth through atom-core: authorize URL, code exchange recording the realm,
//! refresh ahead of expiry with the rotated refresh token saved, revoke, user info.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use std::sync::Arc;

use atom_core::{ErrorKind, MemoryTokenStore, Secret, TokenStore};
use atom_quickbooks::auth::{self, AuthClient, Callback, Endpoints, scopes};
use atom_quickbooks::{Client, Invoice};
use common::*;
use serde_json::json;
use wiremock::matchers::{body_json, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "ABq1clientid";
const CLIENT_SECRET: &str = "s3cr3t-client";

fn basic() -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    )
}

fn oauth(server: &MockServer) -> atom_core::OAuthClient {
    auth::oauth_client(
        &Endpoints::at(&server.uri()).unwrap(),
        CLIENT_ID,
        Secret::new(CLIENT_SECRET),
        "https://app.example.com/qb/callback",
        &[scopes::ACCOUNTING, scopes::OPENID],
    )
    .unwrap()
}

#[test]
fn the_authorize_url_is_intuits_with_scopes_state_and_pkce() {
    let oauth = auth::oauth_client(
        &Endpoints::production(),
        CLIENT_ID,
        Secret::new(CLIENT_SECRET),
        "https://app.example.com/qb/callback",
        &[scopes::ACCOUNTING],
    )
    .unwrap();
    let pending = oauth.authorize_url().unwrap();
    let url = pending.url.clone();
    assert_eq!(url.host_str(), Some("appcenter.intuit.com"));
    assert_eq!(url.path(), "/connect/oauth2");
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["scope"], "com.intuit.quickbooks.accounting");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["redirect_uri"], "https://app.example.com/qb/callback");
    assert_eq!(q["state"], pending.state);
    assert_eq!(q["code_challenge_method"], "S256");
    let sandbox = Endpoints::sandbox();
    assert_eq!(
        sandbox.userinfo.host_str(),
        Some("sandbox-accounts.platform.intuit.com")
    );
    assert_eq!(sandbox.token.as_str(), auth::TOKEN_URL);
    assert_eq!(sandbox.revoke.as_str(), auth::REVOKE_URL);
}

#[test]
fn the_callback_brings_the_realm_and_refuses_bad_ones() {
    let cb = Callback::from_query("?code=AB11&state=xyz&realmId=9130347596843992").unwrap();
    assert_eq!(cb.realm_id, "9130347596843992");
    assert!(!format!("{cb:?}").contains("AB11"));
    assert_eq!(
        Callback::from_query("code=a&state=b&realmId=12x")
            .unwrap_err()
            .kind(),
        ErrorKind::Config
    );
    assert_eq!(
        Callback::from_query("code=a&state=b").unwrap_err().kind(),
        ErrorKind::Config
    );
    assert_eq!(
        Callback::from_query("error=access_denied&state=b")
            .unwrap_err()
            .kind(),
        ErrorKind::Unauthorized
    );
}

#[tokio::test]
async fn code_exchange_records_the_realm_and_stores_the_token_under_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/tokens/bearer"))
        .and(header("authorization", basic().as_str()))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=AB11"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("token_response")))
        .expect(1)
        .mount(&server)
        .await;
    let oauth = oauth(&server);
    let pending = oauth.authorize_url().unwrap();
    let cb = Callback::from_query(&format!(
        "code=AB11&state={}&realmId={REALM}",
        pending.state
    ))
    .unwrap();
    let store = MemoryTokenStore::default();
    let key = auth::exchange_and_store(&oauth, &pending, &cb, &store)
        .await
        .unwrap();
    assert_eq!(key.to_string(), format!("quickbooks/{REALM}"));
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(stored.token.extra_str("realm_id"), Some(REALM));
    assert_eq!(
        stored
            .token
            .refresh_token
            .as_ref()
            .map(|s| s.expose().to_owned())
            .as_deref(),
        Some("AB11-refresh-token-first")
    );
    // A callback whose state is not the pending one is refused before the exchange.
    let forged = Callback::from_query(&format!("code=AB11&state=forged&realmId={REALM}")).unwrap();
    assert!(
        auth::exchange_and_store(&oauth, &pending, &forged, &store)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn an_access_token_near_expiry_is_refreshed_and_the_rotated_refresh_token_saved() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/tokens/bearer"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=old-refresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "bearer", "expires_in": 3600, "access_token": "new-access",
            "refresh_token": "rotated-refresh", "x_refresh_token_expires_in": 8726400
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .and(header("authorization", "Bearer new-access"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("invoice")))
        .expect(2)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::default());
    let key = auth::token_key(REALM).unwrap();
    let mut token = atom_core::TokenSet::bearer(Secret::new("old-access"));
    token.refresh_token = Some(Secret::new("old-refresh"));
    token.expires_at = Some(chrono::Utc::now() + chrono::Duration::minutes(2));
    token.extra.insert("realm_id".into(), json!(REALM));
    store.save(&key, &token, None).await.unwrap();
    let manager = auth::token_manager(oauth(&server), store.clone(), REALM).unwrap();
    let qb = Client::builder()
        .base_url(server.uri())
        .realm_id(REALM)
        .authenticator(Arc::new(atom_core::OAuthAuthenticator::new(manager)))
        .build()
        .unwrap();
    // Two concurrent calls: one refresh.
    let invoices = qb.invoices();
    let (a, b) = tokio::join!(invoices.get("1"), invoices.get("1"));
    a.unwrap();
    b.unwrap();
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(
        stored
            .token
            .refresh_token
            .as_ref()
            .map(|s| s.expose().to_owned())
            .as_deref(),
        Some("rotated-refresh")
    );
    assert_eq!(
        stored.token.extra_str("realm_id"),
        Some(REALM),
        "the realm survives the refresh"
    );
    let _ = Invoice::default();
}

#[tokio::test]
async fn a_dead_refresh_token_means_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/tokens/bearer"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::default());
    let key = auth::token_key(REALM).unwrap();
    let mut token = atom_core::TokenSet::bearer(Secret::new("old-access"));
    token.refresh_token = Some(Secret::new("dead-refresh"));
    token.expires_at = Some(chrono::Utc::now() - chrono::Duration::minutes(1));
    store.save(&key, &token, None).await.unwrap();
    let manager = auth::token_manager(oauth(&server), store, REALM).unwrap();
    let qb = Client::builder()
        .base_url(server.uri())
        .realm_id(REALM)
        .authenticator(Arc::new(atom_core::OAuthAuthenticator::new(manager)))
        .build()
        .unwrap();
    let err = qb.invoices().get("1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired);
    assert!(!err.to_string().contains("dead-refresh"));
}

#[tokio::test]
async fn revoke_posts_the_token_with_basic_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth2/tokens/revoke"))
        .and(header("authorization", basic().as_str()))
        .and(header("accept", "application/json"))
        .and(body_json(json!({"token": "rotated-refresh"})))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = AuthClient::new(
        Endpoints::at(&server.uri()).unwrap(),
        CLIENT_ID,
        Secret::new(CLIENT_SECRET),
    );
    client
        .revoke(&Secret::new("rotated-refresh"))
        .await
        .unwrap();
    assert_eq!(
        client.revoke(&Secret::new("")).await.unwrap_err().kind(),
        ErrorKind::Config
    );
}

#[tokio::test]
async fn userinfo_reads_the_openid_claims() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/openid_connect/userinfo"))
        .and(header("authorization", "Bearer access-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("userinfo")))
        .expect(1)
        .mount(&server)
        .await;
    let client = AuthClient::new(
        Endpoints::at(&server.uri()).unwrap(),
        CLIENT_ID,
        Secret::new(CLIENT_SECRET),
    );
    let info = client.userinfo(&Secret::new("access-1")).await.unwrap();
    assert_eq!(info.email.as_deref(), Some("john@doe.com"));
    assert_eq!(info.email_verified, Some(true));
    assert!(info.extra.contains_key("address"));
}
