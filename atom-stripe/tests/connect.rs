//! Connect OAuth (authorize URL, code exchange → `stripe_user_id`, deauthorize) and the
//! per-account rate-limit tenant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::{ErrorKind, Secret};
use atom_stripe::auth::{ConnectOAuth, ConnectScope, KeyMode, default_limiter};
use serde_json::json;
use wiremock::matchers::{body_string, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn connect(server: &MockServer) -> ConnectOAuth {
    ConnectOAuth::with_base_url(
        &server.uri(),
        "ca_32D88BD1qLklliziD7gYQvctJIhWBSQ7",
        Secret::new(common::KEY),
        Some("https://platform.example/stripe/callback".parse().unwrap()),
        ConnectScope::ReadWrite,
    )
    .unwrap()
}

#[tokio::test]
async fn authorize_exchange_and_deauthorize() {
    let server = MockServer::start().await;
    let oauth = connect(&server);
    let pending = oauth.authorize_url().unwrap();
    let url = pending.url.as_str();
    assert!(
        url.starts_with(&format!("{}/oauth/authorize?", server.uri())),
        "{url}"
    );
    assert!(
        url.contains("client_id=ca_32D88BD1qLklliziD7gYQvctJIhWBSQ7"),
        "{url}"
    );
    assert!(url.contains("scope=read_write"), "{url}");
    assert!(url.contains("response_type=code"), "{url}");
    assert!(url.contains(&format!("state={}", pending.state)), "{url}");
    // Stripe documents no PKCE for Connect: none is sent unless asked for.
    assert!(!url.contains("code_challenge"), "{url}");
    assert!(pending.pkce_verifier.is_none());
    let with_pkce = connect(&server)
        .with_pkce()
        .unwrap()
        .authorize_url()
        .unwrap();
    assert!(
        with_pkce
            .url
            .as_str()
            .contains("code_challenge_method=S256")
    );

    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=ac_123"))
        .and(body_string_contains(format!(
            "client_secret={}",
            common::KEY
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "sk_test_connected_token",
            "livemode": false,
            "refresh_token": "rt_123",
            "token_type": "bearer",
            "stripe_publishable_key": "pk_test_123",
            "stripe_user_id": "acct_1PgaxNB7WZ01zgkW",
            "scope": "read_write"
        })))
        .expect(1)
        .mount(&server)
        .await;
    // A callback with another state is refused before the token endpoint is called.
    let e = oauth
        .exchange_code(&pending, "forged", "ac_123")
        .await
        .unwrap_err();
    assert_eq!(e.provider_code(), Some("state_mismatch"));
    let account = oauth
        .exchange_code(&pending, &pending.state.clone(), "ac_123")
        .await
        .unwrap();
    assert_eq!(account.stripe_user_id, "acct_1PgaxNB7WZ01zgkW");
    assert_eq!(account.livemode, Some(false));
    assert_eq!(
        account.stripe_publishable_key.as_deref(),
        Some("pk_test_123")
    );
    assert_eq!(
        account.token.extra_str("stripe_user_id"),
        Some("acct_1PgaxNB7WZ01zgkW")
    );
    assert!(!format!("{account:?}").contains("sk_test_connected_token"));
    let sent = server.received_requests().await.unwrap();
    let exchange = String::from_utf8_lossy(&sent[0].body).into_owned();
    assert!(!exchange.contains("code_verifier"), "{exchange}");

    Mock::given(method("POST"))
        .and(path("/oauth/deauthorize"))
        .and(header(
            "authorization",
            format!("Bearer {}", common::KEY).as_str(),
        ))
        .and(body_string(
            "client_id=ca_32D88BD1qLklliziD7gYQvctJIhWBSQ7&stripe_user_id=acct_1PgaxNB7WZ01zgkW",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"stripe_user_id": "acct_1PgaxNB7WZ01zgkW"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        oauth.deauthorize("acct_1PgaxNB7WZ01zgkW").await.unwrap(),
        "acct_1PgaxNB7WZ01zgkW"
    );
    assert_eq!(
        oauth.deauthorize("acct_1/../x").await.unwrap_err().kind(),
        ErrorKind::Config
    );
}

#[tokio::test]
async fn a_dead_code_is_reauthorization_required() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "Authorization code does not exist: ac_dead"
        })))
        .mount(&server)
        .await;
    let oauth = connect(&server);
    let pending = oauth.authorize_url().unwrap();
    let e = oauth
        .exchange_code(&pending, &pending.state.clone(), "ac_dead")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReauthorizationRequired);
}

#[test]
fn key_modes_and_default_limits() {
    assert_eq!(KeyMode::of(&Secret::new("sk_live_x")), KeyMode::Live);
    assert_eq!(KeyMode::of(&Secret::new("rk_test_x")), KeyMode::Test);
    assert_eq!(KeyMode::of(&Secret::new("whatever")), KeyMode::Unknown);
    assert_eq!(default_limiter(KeyMode::Live).config().requests, Some(100));
    assert_eq!(default_limiter(KeyMode::Test).config().requests, Some(25));
    let live = atom_stripe::Client::new("sk_live_x").unwrap();
    assert_eq!(live.mode(), KeyMode::Live);
    assert_eq!(live.api().limiter().config().requests, Some(100));
    assert!(!format!("{live:?}").contains("sk_live_x"));
}

#[tokio::test]
async fn connected_accounts_are_separate_rate_limit_tenants() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(common::fixture("balance"))
                .insert_header("x-ratelimit-remaining", "7"),
        )
        .mount(&server)
        .await;
    let stripe = common::client(&server);
    stripe
        .with_account("acct_a")
        .unwrap()
        .balance()
        .get()
        .await
        .unwrap();
    let limiter = stripe.api().limiter();
    assert_eq!(
        limiter.snapshot("acct_a").and_then(|s| s.remaining),
        Some(7)
    );
    assert!(
        limiter.snapshot("").is_none(),
        "the platform tenant was not used"
    );
}
