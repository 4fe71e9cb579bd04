//! Caller-chosen idempotency keys go into a header: one that cannot (a line break, a
//! control character, over Stripe's 255 characters, empty) is a `Config` error before any
//! request, not a transport failure that is retried.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_stripe::*;
use common::{client, fixture};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn unusable_idempotency_keys_are_config_errors_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let stripe = client(&server);
    let long = "k".repeat(256);
    for key in [
        "order-1\r\nX-Injected: 1",
        "tab\there",
        "nul\0",
        "",
        long.as_str(),
        "é-accent",
    ] {
        let err = stripe
            .customers()
            .idempotency_key(key)
            .create(&CustomerCreateParams::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{key:?}: {err}");
        assert!(err.message().contains("idempotency key"), "{err}");
        assert!(!err.is_retryable());
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_255_character_key_is_sent_as_it_is() {
    let server = MockServer::start().await;
    let key = format!("order-{}", "9".repeat(249));
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .and(header("idempotency-key", key.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("customer")))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .customers()
        .idempotency_key(key.as_str())
        .create(&CustomerCreateParams::default())
        .await
        .unwrap();
}
