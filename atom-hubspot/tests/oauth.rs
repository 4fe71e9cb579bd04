//! OAuth for a public app: consent URL with scopes and optional scopes, code exchange, the
//! portal id from token metadata, tokens stored per portal, refresh ahead of the 30-minute
//! expiry in a single flight, and refresh-token revocation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use atom_core::{MemoryTokenStore, Secret, TokenKey, TokenSet, TokenStore as _};
use atom_hubspot::auth::{OAuthApp, token_key};
use atom_hubspot::{Client, ObjectGetParams};
use common::{record, requests};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn app(server: &MockServer) -> OAuthApp {
    OAuthApp::with_hosts(
        "client-123",
        Secret::new("secret-456-abcdef"),
        "https://app.example.com/hubspot/callback",
        &["crm.objects.contacts.read", "crm.objects.contacts.write"],
        &format!("{}/oauth/authorize", server.uri()),
        &server.uri(),
    )
    .unwrap()
    .optional_scopes(&["crm.objects.deals.read"])
    .unwrap()
}

#[tokio::test]
async fn the_consent_url_carries_scopes_optional_scopes_state_and_redirect() {
    let server = MockServer::start().await;
    let pending = app(&server).authorize_url().unwrap();
    let pairs: Vec<(String, String)> = pending
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("client_id").as_deref(), Some("client-123"));
    assert_eq!(
        get("scope").as_deref(),
        Some("crm.objects.contacts.read crm.objects.contacts.write")
    );
    assert_eq!(
        get("optional_scope").as_deref(),
        Some("crm.objects.deals.read")
    );
    assert_eq!(
        get("redirect_uri").as_deref(),
        Some("https://app.example.com/hubspot/callback")
    );
    assert_eq!(get("state").as_deref(), Some(pending.state.as_str()));
    assert_eq!(pending.url.path(), "/oauth/authorize");
}

#[tokio::test]
async fn the_code_exchange_learns_the_portal_and_stores_the_token_under_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v1/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=code-789"))
        .and(body_string_contains("client_id=client-123"))
        .and(body_string_contains("client_secret=secret-456-abcdef"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "bearer", "access_token": "CJT-access-1", "refresh_token": "refresh-1",
            "expires_in": 1800
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth/v1/access-tokens/CJT-access-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "CJT-access-1", "user": "ann@example.com", "hub_domain": "demo.hubspot.com",
            "scopes": ["crm.objects.contacts.read"], "hub_id": 62515, "app_id": 456789,
            "expires_in": 1754, "user_id": 123, "token_type": "access"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let app = app(&server);
    let pending = app.authorize_url().unwrap();
    let store = Arc::new(MemoryTokenStore::default());
    let key = app
        .exchange_and_store(&pending, &pending.state.clone(), "code-789", store.as_ref())
        .await
        .unwrap();
    assert_eq!(key, TokenKey::new("hubspot", "62515"));
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(stored.token.access_token.expose(), "CJT-access-1");
    assert_eq!(stored.token.extra["hub_id"], 62515);
    // A wrong state is refused before any request.
    let err = app
        .exchange_and_store(&pending, "forged", "code-789", store.as_ref())
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("state_mismatch"));
}

#[tokio::test]
async fn a_token_answer_with_hub_id_needs_no_metadata_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v1/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "bearer", "access_token": "a", "refresh_token": "r",
            "expires_in": 1800, "hub_id": 99887
        })))
        .mount(&server)
        .await;
    let app = app(&server);
    let pending = app.authorize_url().unwrap();
    let store = MemoryTokenStore::default();
    let key = app
        .exchange_and_store(&pending, &pending.state.clone(), "c", &store)
        .await
        .unwrap();
    assert_eq!(key.tenant, "99887");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_token_near_its_expiry_is_refreshed_once_for_many_callers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v1/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=refresh-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({
                    "token_type": "bearer", "access_token": "access-2", "refresh_token": "refresh-2",
                    "expires_in": 1800
                }))
                .set_delay(std::time::Duration::from_millis(100)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/1"))
        .and(header("authorization", "Bearer access-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(record("1", json!({}))))
        .mount(&server)
        .await;
    let app = app(&server);
    let store = Arc::new(MemoryTokenStore::default());
    // Two minutes left: inside the five-minute margin.
    let mut token = TokenSet::bearer(Secret::new("access-1"));
    token.refresh_token = Some(Secret::new("refresh-1"));
    token.expires_at = Some(chrono::Utc::now() + chrono::Duration::seconds(120));
    let key = token_key(62515);
    store.save(&key, &token, None).await.unwrap();
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(common::fast_retry())
        .token_manager(app.token_manager(key.clone(), store.clone()))
        .build()
        .unwrap();
    assert_eq!(client.portal_id(), "62515");
    let contacts = client.contacts();
    let get = ObjectGetParams::default();
    let calls = futures::future::join_all((0..10).map(|_| contacts.get("1", &get))).await;
    assert!(calls.iter().all(Result::is_ok));
    let refreshes = requests(&server)
        .await
        .iter()
        .filter(|r| r.url.path() == "/oauth/v1/token")
        .count();
    assert_eq!(refreshes, 1);
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(stored.token.refresh_token.unwrap().expose(), "refresh-2");
}

#[tokio::test]
async fn refresh_tokens_are_revoked_and_never_shown_in_errors() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/oauth/v1/refresh-tokens/refresh-ok-123"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/oauth/v1/refresh-tokens/refresh-bad-12345"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "status": "BAD_REFRESH_TOKEN", "message": "refresh-bad-12345 is not valid",
            "correlationId": "c-r"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth/v1/access-tokens/access-bad-12345"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "status": "error", "message": "access-bad-12345 not found", "correlationId": "c-a",
            "category": "OBJECT_NOT_FOUND"
        })))
        .mount(&server)
        .await;
    let app = app(&server);
    app.revoke_refresh_token(&Secret::new("refresh-ok-123"))
        .await
        .unwrap();
    let err = app
        .revoke_refresh_token(&Secret::new("refresh-bad-12345"))
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("BAD_REFRESH_TOKEN"));
    assert!(
        !format!("{err} {err:?}").contains("refresh-bad-12345"),
        "{err:?}"
    );
    let err = app
        .token_info(&Secret::new("access-bad-12345"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::NotFound);
    assert!(
        !format!("{err} {err:?}").contains("access-bad-12345"),
        "{err:?}"
    );
    // A token that cannot be one path segment is refused before any request.
    let before = requests(&server).await.len();
    assert!(app.token_info(&Secret::new("a/../b")).await.is_err());
    assert_eq!(requests(&server).await.len(), before);
    assert!(!format!("{app:?}").contains("secret-456-abcdef"));
}

#[tokio::test]
async fn a_refused_refresh_means_the_portal_must_install_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v1/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token",
            "correlationId": "c-refresh"
        })))
        .mount(&server)
        .await;
    let app = app(&server);
    let store = Arc::new(MemoryTokenStore::default());
    let mut token = TokenSet::bearer(Secret::new("access-old"));
    token.refresh_token = Some(Secret::new("refresh-revoked"));
    token.expires_at = Some(chrono::Utc::now() - chrono::Duration::seconds(1));
    let key = token_key(62515);
    store.save(&key, &token, None).await.unwrap();
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(common::fast_retry())
        .token_manager(app.token_manager(key, store))
        .build()
        .unwrap();
    let err = client
        .contacts()
        .get("1", &ObjectGetParams::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        atom_core::ErrorKind::ReauthorizationRequired,
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("refresh-revoked"));
    // No API call was made with the expired token.
    assert!(
        requests(&server)
            .await
            .iter()
            .all(|r| r.url.path() == "/oauth/v1/token")
    );
}
