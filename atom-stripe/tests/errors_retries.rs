//! Error mapping through the client, and Stripe's retry signals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::{Envelope, ErrorKind};
use atom_stripe::error::{StripeErrorInfo, StripeErrorType};
use atom_stripe::*;
use common::{client, fixture, fixture_text};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn idempotency_keys(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.headers.get("idempotency-key"))
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

fn confirm_params() -> PaymentIntentConfirmParams {
    PaymentIntentConfirmParams {
        payment_method: Some("pm_card_chargeDeclinedInsufficientFunds".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn declined_card_is_payment_declined_with_codes_and_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents/pi_1/confirm"))
        .respond_with(
            ResponseTemplate::new(402)
                .set_body_string(fixture_text("card_declined"))
                .insert_header("content-type", "application/json")
                .insert_header("request-id", "req_decline_1"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let stripe = client(&server);
    let err = stripe
        .payment_intents()
        .confirm("pi_1", &confirm_params())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PaymentDeclined);
    assert_eq!(err.status(), Some(402));
    assert_eq!(err.provider_code(), Some("card_declined"));
    assert_eq!(err.request_id(), Some("req_decline_1"));
    assert_eq!(err.message(), "Your card has insufficient funds.");
    assert!(!err.is_retryable());
    let info = err.provider_details::<StripeErrorInfo>().unwrap();
    assert_eq!(info.error_type, StripeErrorType::Card);
    assert_eq!(info.decline_code.as_deref(), Some("insufficient_funds"));
    assert_eq!(info.charge.as_deref(), Some("ch_1PgafuB7WZ01zgkWXYmPNZs8"));
    assert_eq!(
        info.payment_intent_id.as_deref(),
        Some("pi_1PgafyB7WZ01zgkWSjxsAJo3")
    );
    assert_eq!(
        info.doc_url.as_deref(),
        Some("https://stripe.com/docs/error-codes/card-declined")
    );
    // The PaymentIntent's client secret in the body never reaches the error or the envelope.
    let envelope =
        serde_json::to_string(&Envelope::<()>::from_result("stripe", Err(err.clone()))).unwrap();
    assert!(envelope.contains("PAYMENT_DECLINED"), "{envelope}");
    assert!(envelope.contains("req_decline_1"), "{envelope}");
    assert!(!envelope.contains("_secret_"), "{envelope}");
    assert!(!format!("{err:?} {err}").contains("_secret_"));
}

#[tokio::test]
async fn status_kinds_and_non_json_bodies() {
    let server = MockServer::start().await;
    let body = |ty: &str, code: &str| json!({"error": {"type": ty, "code": code, "message": "m", "param": "id"}});
    Mock::given(method("GET"))
        .and(path("/v1/customers/cus_missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(body("invalid_request_error", "resource_missing"))
                .insert_header("request-id", "req_404"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****"}}))
                .insert_header("request-id", "req_401"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/charges/ch_proxy"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw("<html><body>Bad Gateway</body></html>", "text/html")
                .insert_header("request-id", "req_502"),
        )
        .mount(&server)
        .await;
    let stripe = Client::builder()
        .secret_key(common::KEY)
        .base_url(server.uri())
        .retry_policy(atom_core::retry::RetryPolicy::none())
        .build()
        .unwrap();
    let e = stripe.customers().get("cus_missing").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.provider_code(), Some("resource_missing"));
    assert_eq!(e.request_id(), Some("req_404"));
    assert_eq!(
        e.provider_details::<StripeErrorInfo>()
            .unwrap()
            .param
            .as_deref(),
        Some("id")
    );
    let e = stripe.balance().get().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(e.request_id(), Some("req_401"));
    let e = stripe.charges().get("ch_proxy").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(e.status(), Some(502));
    assert_eq!(e.request_id(), Some("req_502"));
    assert!(e.message().contains("text/html"), "{}", e.message());
    assert!(e.provider_details::<StripeErrorInfo>().is_none());
}

#[tokio::test]
async fn should_retry_true_wins_and_the_key_is_identical_on_every_attempt() {
    let server = MockServer::start().await;
    // A 400 is never retried by status alone; Stripe-Should-Retry: true overrides.
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(
                    json!({"error": {"type": "invalid_request_error", "message": "try again"}}),
                )
                .insert_header("stripe-should-retry", "true"),
        )
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("customer")))
        .expect(1)
        .mount(&server)
        .await;
    let stripe = client(&server);
    let c = stripe
        .customers()
        .create(&CustomerCreateParams::default())
        .await
        .unwrap();
    assert_eq!(c.id, "cus_QXg1o8vcGmoR32");
    let keys = idempotency_keys(&server).await;
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
}

#[tokio::test]
async fn should_retry_false_stops_a_500() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"type": "api_error", "message": "boom"}}))
                .insert_header("stripe-should-retry", "false"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let e = client(&server).balance().get().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn a_500_without_the_header_is_retried_until_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"type": "api_error", "message": "boom"}})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("balance")))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).balance().get().await.unwrap();
}

#[tokio::test]
async fn conflict_409_and_lock_timeout_429_are_retried_with_the_same_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .respond_with(ResponseTemplate::new(409).set_body_json(
            json!({"error": {"type": "invalid_request_error", "message": "concurrent request"}}),
        ))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"error": {
            "type": "invalid_request_error", "code": "lock_timeout",
            "message": "This object cannot be accessed right now"}})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("refund")))
        .expect(1)
        .mount(&server)
        .await;
    let stripe = client(&server);
    let refund = RefundCreateParams {
        charge: Some("ch_1".into()),
        ..Default::default()
    };
    stripe
        .refunds()
        .idempotency_key("refund-7")
        .create(&refund)
        .await
        .unwrap();
    assert_eq!(idempotency_keys(&server).await, vec!["refund-7"; 3]);
}

#[tokio::test]
async fn idempotency_error_is_a_conflict_and_is_not_retried() {
    let server = MockServer::start().await;
    // A 409, which is otherwise retried: the idempotency error must override that.
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({"error": {
            "type": "idempotency_error",
            "message": "Keys for idempotent requests can only be used with the same parameters"}})))
        .expect(1)
        .mount(&server)
        .await;
    let e = client(&server)
        .customers()
        .idempotency_key("k1")
        .create(&CustomerCreateParams::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(e.provider_code(), Some("idempotency_error"));
}
