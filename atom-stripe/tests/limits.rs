//! Client-side pacing: search calls, typed or raw, go through the search class; other calls
//! do not wait for it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

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
    // One search a second, no other pacing: a second search must wait for the bucket.
    let limiter = RateLimiter::new("stripe", RateLimitConfig::unlimited()).with_class(
        "search",
        RateLimitConfig::new(1, Duration::from_secs(1), 4).burst(1),
    );
    let stripe = Client::builder(KEY)
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

    let started = Instant::now();
    let listed: Vec<_> = stripe
        .customers()
        .list(&Default::default())
        .try_collect()
        .await
        .unwrap();
    assert!(listed.is_empty());
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "a list waited for the search bucket: {:?}",
        started.elapsed()
    );

    let raw = Request::get("/v1/customers/search").query("query", "email:'b@example.com'");
    stripe.request(raw).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(800),
        "a raw search went out after {:?}, not paced",
        started.elapsed()
    );
}
