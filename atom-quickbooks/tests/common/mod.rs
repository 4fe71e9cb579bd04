//! Shared test helpers: a client on a mock server with fast retries, fixtures.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_quickbooks::Client;
use serde_json::Value;
use wiremock::MockServer;

pub const REALM: &str = "9130347596843992";
pub const TOKEN: &str = "eyJhbGciOiJkaXIifQ.test-access-token";

/// Retries in milliseconds, so retry tests stay fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(2))
        .max_delay(Duration::from_millis(10))
        .deadline(Some(Duration::from_secs(10)))
        .max_retry_after(Duration::from_secs(1))
}

pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .realm_id(REALM)
        .access_token(TOKEN)
        .retry_policy(fast_retries())
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

/// `/v3/company/{REALM}/{rest}`.
pub fn p(rest: &str) -> String {
    format!("/v3/company/{REALM}/{rest}")
}

pub fn fixture_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let path = if name.contains('.') {
        path
    } else {
        format!("{path}.json")
    };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn fixture(name: &str) -> Value {
    serde_json::from_str(&fixture_text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

pub fn query_value(r: &wiremock::Request, name: &str) -> Option<String> {
    r.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub fn body_json(r: &wiremock::Request) -> Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("request body: {e}"))
}

/// A query page answer with `n` invoices numbered from `first`.
pub fn invoice_page(first: u64, n: u64, max: u64) -> Value {
    let template = fixture("invoice")["Invoice"].clone();
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let mut v = template.clone();
            v["Id"] = Value::from((first + i).to_string());
            v
        })
        .collect();
    let mut response = serde_json::json!({"QueryResponse": {"startPosition": first, "maxResults": max}, "time": "2026-11-29T09:00:00.000-08:00"});
    if n > 0 {
        response["QueryResponse"]["Invoice"] = Value::Array(items);
        response["QueryResponse"]["maxResults"] = Value::from(n);
    } else {
        response["QueryResponse"] = serde_json::json!({});
    }
    response
}
