//! Shared test helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_core::{RateLimitConfig, Secret};
use atom_zendesk::{Client, ClientBuilder, INCREMENTAL_CLASS};
use serde_json::Value;
use wiremock::{MockServer, ResponseTemplate};

/// One official example (from `fixtures/examples.json`).
pub fn example(name: &str) -> Value {
    let text = include_str!("../fixtures/examples.json");
    let all: Value = serde_json::from_str(text).unwrap();
    all.get(name)
        .unwrap_or_else(|| panic!("no example {name}"))
        .clone()
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

/// A builder for a client of `uri` with an API token, fast retries and no pacing.
pub fn builder(uri: &str) -> ClientBuilder {
    Client::builder()
        .base_url(uri)
        .api_token("agent@example.com", Secret::new("zd-test-token"))
        .retry_policy(fast_retry())
        .rate_limits(RateLimitConfig::unlimited())
        .class_limits(INCREMENTAL_CLASS, RateLimitConfig::unlimited())
}

/// A client of `uri`.
pub fn client(uri: &str) -> Client {
    builder(uri).build().expect("client")
}

/// A JSON answer.
pub fn json(status: u16, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

/// The requests the server received.
pub async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

/// A query parameter of a request.
pub fn query(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}
