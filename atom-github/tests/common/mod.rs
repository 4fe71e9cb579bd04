//! Shared test helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atom_core::RateLimitConfig;
use atom_core::retry::RetryPolicy;
use atom_github::{Client, ClientBuilder, Limits};

/// A fixture's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// A retry policy with tiny delays.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        deadline: Some(Duration::from_secs(10)),
        max_retry_after: Duration::from_secs(5),
    }
}

/// Limits that do not slow tests down (writes 100/s).
pub fn fast_limits() -> Limits {
    Limits {
        write: RateLimitConfig::new(100, Duration::from_secs(1), 20),
        ..Limits::default()
    }
}

/// A builder for a client of `uri` with a token, fast retries and fast limits.
pub fn builder(uri: &str) -> ClientBuilder {
    Client::builder()
        .base_url(uri)
        .token("ghp_test_token")
        .retry_policy(fast_retry())
        .limits(fast_limits())
}

/// A client of `uri`.
pub fn client(uri: &str) -> Client {
    builder(uri).build().expect("client")
}
