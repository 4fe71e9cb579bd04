//! Shared test helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atom_core::RateLimitConfig;
use atom_core::retry::RetryPolicy;
use atom_github::{Client, ClientBuilder, WRITE_CLASS};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A fixture's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
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

/// Write pacing that does not slow tests down (100/s).
pub fn fast_writes() -> RateLimitConfig {
    RateLimitConfig::new(100, Duration::from_secs(1), 20)
}

/// A builder for a client of `uri` with a token, fast retries and fast limits.
pub fn builder(uri: &str) -> ClientBuilder {
    Client::builder()
        .base_url(uri)
        .token("ghp_test_token")
        .retry_policy(fast_retry())
        .class_limits(WRITE_CLASS, fast_writes())
}

/// A client of `uri`.
pub fn client(uri: &str) -> Client {
    builder(uri).build().expect("client")
}

/// Answers `verb at` once with `status` and a JSON `body`.
pub async fn serve(server: &MockServer, verb: &str, at: &str, status: u16, body: &str) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(
            ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json"),
        )
        .expect(1)
        .mount(server)
        .await;
}

/// The one request the server received: method, path, query and body bytes.
pub async fn received(server: &MockServer) -> (String, String, Option<String>, String) {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "exactly one request");
    let r = &requests[0];
    (
        r.method.to_string(),
        r.url.path().to_owned(),
        r.url.query().map(str::to_owned),
        String::from_utf8(r.body.clone()).unwrap(),
    )
}

/// The signature check alone: `Webhook::verify` with `signature` as `X-Hub-Signature-256`;
/// a body that then fails to decode as a `ping` passed the check.
pub fn check_signature(
    secrets: &[atom_core::Secret],
    body: &[u8],
    signature: Option<&str>,
) -> atom_core::Result<()> {
    let mut headers = http::HeaderMap::new();
    if let Some(value) = signature.and_then(|s| http::HeaderValue::from_str(s).ok()) {
        headers.insert(atom_github::webhook::SIGNATURE_HEADER, value);
    } else if signature.is_some() {
        // Not a valid header value: send a signature that cannot match instead.
        headers.insert(
            atom_github::webhook::SIGNATURE_HEADER,
            http::HeaderValue::from_static("sha256=00"),
        );
    }
    headers.insert(
        atom_github::webhook::EVENT_HEADER,
        http::HeaderValue::from_static("ping"),
    );
    match atom_github::webhook::Webhook::new(secrets.to_vec()).verify(&headers, body) {
        Err(e) if e.kind() == atom_core::ErrorKind::Decode => Ok(()),
        other => other.map(drop),
    }
}
