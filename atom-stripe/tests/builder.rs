//! `Client::builder()`: the options every provider crate shares, Stripe's own setters, and
//! the shortcut.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use atom_core::{ErrorKind, RateLimitConfig};
use atom_stripe::*;
use common::{KEY, fast_retries, fixture};
use futures::TryStreamExt as _;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn a_builder_without_a_key_or_authenticator_is_a_config_error() {
    let err = Client::builder().build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let err = Client::new("").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let err = Client::builder()
        .secret_key(KEY)
        .stripe_account("acct_1/../x")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    // The builder and the client show no key.
    let builder = Client::builder().secret_key("sk_live_51DebugMustNotShowThis");
    assert!(!format!("{builder:?}").contains("DebugMustNotShowThis"));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("DebugMustNotShowThis"));
}

#[tokio::test]
async fn user_agent_tenant_and_api_version_come_from_the_builder() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .and(header("user-agent", "my-app/1.0"))
        .and(header("stripe-version", "2024-06-20"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("balance"))
                .insert_header("x-ratelimit-remaining", "7"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let stripe = Client::builder()
        .secret_key(KEY)
        .base_url(server.uri())
        .user_agent("my-app/1.0")
        .api_version("2024-06-20")
        .tenant("platform-1")
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    stripe.balance().get().await.unwrap();
    // The platform's calls count against the configured tenant.
    let limiter = stripe.api().limiter();
    assert_eq!(
        limiter.snapshot("platform-1").and_then(|s| s.remaining),
        Some(7)
    );
    assert_eq!(stripe.rate_limit().and_then(|s| s.remaining), Some(7));
    assert!(limiter.snapshot("").is_none());
}

#[tokio::test]
async fn rate_limits_keep_a_search_class_on_top_that_class_limits_sets() {
    let server = MockServer::start().await;
    let empty_search = serde_json::json!({
        "object": "search_result", "data": [], "has_more": false,
        "next_page": null, "url": "/v1/customers/search"
    });
    Mock::given(method("GET"))
        .and(path("/v1/customers/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_search))
        .mount(&server)
        .await;
    // Global pacing unlimited and never waiting; one search an hour on top: the second
    // search is refused client-side, so the server sees exactly one.
    let stripe = Client::builder()
        .secret_key(KEY)
        .base_url(server.uri())
        .retry_policy(fast_retries())
        .rate_limits(RateLimitConfig::unlimited().max_wait(Duration::ZERO))
        .class_limits(
            SEARCH_CLASS,
            RateLimitConfig::new(1, Duration::from_secs(3600), 4)
                .burst(1)
                .max_wait(Duration::ZERO),
        )
        .build()
        .unwrap();
    let query = SearchParams::new("email:'a@example.com'");
    let first: Vec<_> = stripe
        .customers()
        .search(&query)
        .try_collect()
        .await
        .unwrap();
    assert!(first.is_empty());
    let err = stripe
        .customers()
        .search(&query)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn handlers_are_owned_and_send_is_the_public_raw_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/cus_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("customer")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/tax_rates"))
        .and(header("stripe-account", "acct_1PgaxNB7WZ01zgkW"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "txr_1"})))
        .expect(1)
        .mount(&server)
        .await;
    // The handler outlives the client it came from and moves into a task.
    let customers = {
        let stripe = common::client(&server);
        stripe.customers()
    };
    let customer = tokio::spawn(async move { customers.get("cus_1").await })
        .await
        .unwrap()
        .unwrap();
    assert!(!customer.id.is_empty());

    let stripe = common::client(&server)
        .with_account("acct_1PgaxNB7WZ01zgkW")
        .unwrap();
    let response = stripe
        .send(atom_core::Request::post("/v1/tax_rates"))
        .await
        .unwrap();
    let body: serde_json::Value = response.json().unwrap();
    assert_eq!(body["id"], "txr_1");
    let received = server.received_requests().await.unwrap();
    let post = received
        .iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    assert!(
        post.headers.get("idempotency-key").is_some(),
        "a raw POST gets a key"
    );
}
