//! Shared test helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atom_core::RateLimitConfig;
use atom_core::retry::RetryPolicy;
use atom_hubspot::{Client, ClientBuilder, SEARCH_CLASS};
use serde_json::Value;
use wiremock::{MockServer, Request};

/// A fixture's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// A fixture as JSON.
pub fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// A retry policy with tiny delays.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20))
        .deadline(Some(Duration::from_secs(10)))
        .max_retry_after(Duration::from_secs(5))
}

/// A builder for a client of `uri` with a token, fast retries and no pacing.
pub fn builder(uri: &str) -> ClientBuilder {
    Client::builder()
        .base_url(uri)
        .access_token("pat-na1-test-token")
        .retry_policy(fast_retry())
        .rate_limits(RateLimitConfig::unlimited())
        .class_limits(SEARCH_CLASS, RateLimitConfig::unlimited())
        .tenant("62515")
}

/// A client of `uri`.
pub fn client(uri: &str) -> Client {
    builder(uri).build().expect("client")
}

/// Every request the server received.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

/// The one request the server received.
pub async fn only(server: &MockServer) -> Request {
    let all = requests(server).await;
    assert_eq!(all.len(), 1, "exactly one request");
    all.into_iter().next().unwrap()
}

/// A request's body as JSON.
pub fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

/// A request's query pairs.
pub fn query(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A CRM record as HubSpot answers it.
pub fn record(id: &str, properties: Value) -> Value {
    serde_json::json!({
        "id": id,
        "properties": properties,
        "createdAt": "2024-01-02T03:04:05.678Z",
        "updatedAt": "2024-01-03T03:04:05.678Z",
        "archived": false
    })
}
