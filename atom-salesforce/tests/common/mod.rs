//! Shared helpers for the wiremock tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atom_core::Secret;
use atom_core::retry::RetryPolicy;
use atom_salesforce::Client;
use wiremock::MockServer;

/// A fixture's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// A fixture as JSON.
pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Retries quickly (tests must not sleep).
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(20))
        .deadline(Some(Duration::from_secs(5)))
        .max_retry_after(Duration::from_millis(50))
}

/// A client with a static token against the mock.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .access_token(Secret::new("00Dx0000000BV7z!static"))
        .retry_policy(fast_retry())
        .tenant("00Dx0000000BV7z")
        .build()
        .expect("client")
}

/// The data API path for the default version.
pub fn data(rest: &str) -> String {
    format!(
        "/services/data/v{}{rest}",
        atom_salesforce::DEFAULT_API_VERSION
    )
}

/// A valid 18-character id (checksum included) with a given prefix, numbered `n`.
pub fn id(prefix: &str, n: usize) -> String {
    let width = 15usize.saturating_sub(prefix.len());
    let id15: String = format!("{prefix}{n:0>width$}").chars().take(15).collect();
    atom_salesforce::validate::case_safe_id(&id15).expect("valid id")
}
