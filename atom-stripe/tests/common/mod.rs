//! Shared test helpers: a client on a mock server with fast retries, fixtures, page builders.
#![allow(dead_code)]

use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_stripe::Client;
use serde_json::{Value, json};
use wiremock::MockServer;

pub const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

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
        .secret_key(KEY)
        .base_url(server.uri())
        .retry_policy(fast_retries())
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

pub fn fixture_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn fixture(name: &str) -> Value {
    serde_json::from_str(&fixture_text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A fixture object with another id (for pages of distinct items).
pub fn with_id(name: &str, id: &str) -> Value {
    let mut v = fixture(name);
    v["id"] = json!(id);
    v
}

pub fn list_page(url: &str, items: Vec<Value>, has_more: bool) -> Value {
    json!({"object": "list", "data": items, "has_more": has_more, "url": url})
}

pub fn search_page(url: &str, items: Vec<Value>, next_page: Option<&str>) -> Value {
    json!({
        "object": "search_result",
        "data": items,
        "has_more": next_page.is_some(),
        "next_page": next_page,
        "url": url,
    })
}
