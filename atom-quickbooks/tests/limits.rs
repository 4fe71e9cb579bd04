//! Per-realm pacing: Intuit's published limits by default, `/batch` in its own class, a
//! 401 answered by one refresh and one replay.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use atom_core::{ErrorKind, MemoryTokenStore, RateLimitConfig, Secret, TokenStore};
use atom_quickbooks::batch::BatchOp;
use atom_quickbooks::client::{default_batch_limits, default_rate_limits};
use atom_quickbooks::*;
use common::*;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn the_defaults_are_intuits_published_limits() {
    let limits = default_rate_limits();
    assert_eq!(
        (limits.requests, limits.per, limits.max_concurrent),
        (Some(500), Duration::from_secs(60), 10)
    );
    let batch = default_batch_limits();
    assert_eq!(
        (batch.requests, batch.per),
        (Some(40), Duration::from_secs(60))
    );
    let qb = Client::builder()
        .environment(Environment::Sandbox)
        .realm_id(REALM)
        .access_token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(qb.api().limiter().config(), &limits);
}

#[tokio::test]
async fn batch_calls_are_paced_apart_from_the_realms_other_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("batch")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"BatchItemResponse": [{"bId": "0", "Customer": {"Id": "1"}}]}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("customer/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("customer")))
        .mount(&server)
        .await;
    // One batch call an hour, and no waiting for the next one.
    let qb = Client::builder()
        .base_url(server.uri())
        .realm_id(REALM)
        .access_token(TOKEN)
        .retry_policy(fast_retries().max_attempts(1))
        .batch_limits(
            RateLimitConfig::new(1, Duration::from_secs(3600), 10)
                .max_wait(Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let op = || vec![BatchOp::create(&Customer::default())];
    qb.batch(op()).await.unwrap();
    let second = qb.batch(op()).await.unwrap();
    let err = second[0].entity::<Customer>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    // The realm's other calls are not held back by the batch class.
    qb.customers().get("1").await.unwrap();
    let batches = requests(&server)
        .await
        .iter()
        .filter(|r| r.url.path().ends_with("/batch"))
        .count();
    assert_eq!(batches, 1, "the second batch call never left the client");
}

#[tokio::test]
async fn a_401_refreshes_once_and_replays() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/tokens/bearer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "bearer", "expires_in": 3600, "access_token": "fresh", "refresh_token": "r2"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .and(header("authorization", "Bearer revoked"))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("fault_auth_401")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("invoice")))
        .expect(1)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::default());
    let key = atom_quickbooks::auth::token_key(REALM).unwrap();
    let mut token = atom_core::TokenSet::bearer(Secret::new("revoked"));
    token.refresh_token = Some(Secret::new("r1"));
    token.expires_at = Some(chrono::Utc::now() + chrono::Duration::hours(1));
    store.save(&key, &token, None).await.unwrap();
    let oauth = atom_quickbooks::auth::oauth_client(
        &atom_quickbooks::auth::Endpoints::at(&server.uri()).unwrap(),
        "id",
        Secret::new("secret"),
        "https://app.example.com/cb",
        &[atom_quickbooks::auth::scopes::ACCOUNTING],
    )
    .unwrap();
    let manager = atom_quickbooks::auth::token_manager(oauth, store, REALM).unwrap();
    let qb = Client::builder()
        .base_url(server.uri())
        .realm_id(REALM)
        .authenticator(Arc::new(atom_core::OAuthAuthenticator::new(manager)))
        .build()
        .unwrap();
    qb.invoices().get("1").await.unwrap();
}

#[tokio::test]
async fn limits_are_kept_per_realm() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("customer")))
        .mount(&server)
        .await;
    // One call an hour per realm, shared by the clients of every realm, no waiting.
    let limiter = Arc::new(atom_core::RateLimiter::new(
        "quickbooks",
        RateLimitConfig::new(1, Duration::from_secs(3600), 10).max_wait(Duration::from_millis(5)),
    ));
    let for_realm = |realm: &str| {
        Client::builder()
            .base_url(server.uri())
            .realm_id(realm)
            .access_token(TOKEN)
            .retry_policy(fast_retries().max_attempts(1))
            .shared_limiter(limiter.clone())
            .build()
            .unwrap()
    };
    let (a, a_again, b) = (for_realm("111"), for_realm("111"), for_realm("222"));
    a.customers().get("1").await.unwrap();
    let err = a_again.customers().get("1").await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::RateLimited,
        "realm 111 has used its call"
    );
    b.customers().get("1").await.unwrap();
    assert_eq!(requests(&server).await.len(), 2);
}
