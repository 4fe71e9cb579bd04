//! Secrets that Stripe's error messages quote back (keys, client secrets, Connect codes)
//! never reach the error's message, Display or Debug.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::client;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn secrets_echoed_in_stripe_error_messages_are_redacted() {
    let server = MockServer::start().await;
    let bodies = [
        // Stripe's own shape.
        json!({"error": {"type": "invalid_request_error",
            "message": "Invalid API Key provided: sk_live_51HsecretKEY0123456789"}}),
        json!({"error": {"type": "invalid_request_error",
            "message": "The client_secret pi_3Mx_secret_Q9s8d7f6 does not match."}}),
        // Connect OAuth's shape.
        json!({"error": "invalid_grant",
            "error_description": "Refresh token does not exist: rt_Abc123SECRETxyz"}),
        // Not Stripe's shape (read by the core's generic mapper).
        json!({"message": "upstream said whsec_signingSECRET42 is wrong"}),
    ];
    for (i, body) in bodies.iter().enumerate() {
        let at = format!("/v1/customers/cus_{i}");
        Mock::given(method("GET"))
            .and(path(at.as_str()))
            .respond_with(ResponseTemplate::new(400).set_body_json(body))
            .mount(&server)
            .await;
    }
    let stripe = client(&server);
    for i in 0..bodies.len() {
        let err = stripe
            .customers()
            .get(&format!("cus_{i}"))
            .await
            .unwrap_err();
        let shown = format!("{err} {err:?}");
        for secret in ["secretKEY", "secret_Q9s8", "SECRETxyz", "signingSECRET"] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
        assert!(err.message().contains("[redacted]"), "{err}");
        assert_eq!(err.status(), Some(400));
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        bodies.len()
    );
}
