//! Client-side pacing: search calls, typed or raw, go through the search class; other calls
//! do not wait for it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use atom_core::{Connector as _, RateLimitConfig, RateLimiter, Request};
use atom_stripe::*;
use common::{KEY, fast_retries, list_page};
use futures::TryStreamExt as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn search_calls_typed_or_raw_are_paced_by_the_search_class_only() {
    let server = MockServer::start().await;
    let search_page = serde_json::json!({
        "object": "search_result", "data": [], "has_more": false,
        "next_page": null, "url": "/v1/customers/search"
    });
    Mock::given(method("GET"))
        .and(path("/v1/customers/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(search_page))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list_page(
            "/v1/customers",
            vec![],
            false,
        )))
        .mount(&server)
        .await;
    // One search an hour and no waiting (`max_wait` zero): a call charged to the search
    // bucket once it is empty is refused client-side instead of being sent, so what the
    // server receives shows which calls the search class paces, without timing anything.
    let limiter = RateLimiter::new(
        "stripe",
        RateLimitConfig::unlimited().max_wait(Duration::ZERO),
    )
    .with_class(
        "search",
        RateLimitConfig::new(1, Duration::from_secs(3600), 4).burst(1),
    );
    let stripe = Client::builder()
        .secret_key(KEY)
        .base_url(server.uri())
        .retry_policy(fast_retries())
        .shared_limiter(Arc::new(limiter))
        .build()
        .unwrap();

    let query = SearchParams {
        query: "email:'a@example.com'".into(),
        ..Default::default()
    };
    let found: Vec<_> = stripe
        .customers()
        .search(&query)
        .try_collect()
        .await
        .unwrap();
    assert!(found.is_empty());

    // A list does not wait for the empty search bucket.
    let listed: Vec<_> = stripe
        .customers()
        .list(&Default::default())
        .try_collect()
        .await
        .unwrap();
    assert!(listed.is_empty());

    // A raw search and a second typed one are both held by it.
    let raw = Request::get("/v1/customers/search").query("query", "email:'b@example.com'");
    let err = stripe.request(raw).await.unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::RateLimited, "{err}");
    assert_eq!(err.status(), None, "a raw search was sent, not paced");
    let err = stripe
        .customers()
        .search(&query)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::RateLimited, "{err}");
    assert_eq!(err.status(), None, "a typed search was sent, not paced");

    let received = server.received_requests().await.unwrap();
    let paths: Vec<&str> = received.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths, ["/v1/customers/search", "/v1/customers"]);
}

/// A given `rate_limits` replaces the global pace only: Stripe's search limit (20 a second)
/// stays on top. Measured in paused (virtual) time on the client's own limiter: 60
/// searches cannot be admitted in under two seconds, while other calls pass at once.
#[tokio::test(start_paused = true)]
async fn rate_limits_keep_stripes_search_limit_on_top() {
    let stripe = Client::builder()
        .secret_key(KEY)
        .rate_limits(RateLimitConfig::unlimited())
        .build()
        .unwrap();
    let limiter = stripe.api().limiter();
    let start = tokio::time::Instant::now();
    for _ in 0..60 {
        let _permit = limiter.acquire("", None).await.unwrap();
    }
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "the global pace is unlimited"
    );
    for _ in 0..60 {
        let _permit = limiter.acquire("", Some(SEARCH_CLASS)).await.unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "searches were not paced: {:?}",
        start.elapsed()
    );
}
