//! Webhook vectors: valid (both payload forms), wrong, rotated, missing, malformed; never
//! a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use atom_core::webhook::WebhookVerifier;
use atom_core::{ErrorKind, Secret};
use atom_quickbooks::webhook::{SIGNATURE_HEADER, Webhook, WebhookPayload, sign};
use common::fixture_text;
use http::HeaderMap;

fn headers(signature: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(SIGNATURE_HEADER, signature.parse().unwrap());
    h
}

fn token() -> Secret {
    Secret::new("d1d7e1f9-verifier-token")
}

#[test]
fn the_classic_payload_verifies_and_reads() {
    let body = fixture_text("webhook_classic.json");
    let sig = sign(&token(), body.as_bytes());
    let payload = Webhook::new([token()])
        .verify(&headers(&sig), body.as_bytes())
        .unwrap();
    assert!(matches!(payload, WebhookPayload::Classic(_)));
    let events = payload.events();
    assert_eq!(events.len(), 3);
    assert_eq!(events[1].entity, "Invoice");
    assert_eq!(events[1].id, "130");
    assert_eq!(events[1].operation, "Update");
    assert_eq!(events[0].realm_id, "9130347596843992");
}

#[test]
fn the_cloudevents_payload_verifies_and_reads_the_same_way() {
    let body = fixture_text("webhook_cloudevents.json");
    let sig = sign(&token(), body.as_bytes());
    let payload = Webhook::new([token()])
        .verify(&headers(&sig), body.as_bytes())
        .unwrap();
    let events = payload.events();
    assert_eq!(events.len(), 2);
    assert_eq!(
        (
            events[0].entity.as_str(),
            events[0].operation.as_str(),
            events[0].id.as_str()
        ),
        ("Invoice", "Create", "130")
    );
    assert_eq!(
        (events[1].entity.as_str(), events[1].operation.as_str()),
        ("SalesReceipt", "Void")
    );
    assert_eq!(events[0].realm_id, "9130347596843992");
    assert_eq!(
        events[0].event_id.as_deref(),
        Some("88cd52b4-3d6b-4fd3-b4d7-ad7e9a5d5a4b")
    );
}

#[test]
fn a_known_vector_matches_the_documented_scheme() {
    // base64(HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog")), RFC 4231 style.
    let sig = sign(
        &Secret::new("key"),
        b"The quick brown fox jumps over the lazy dog",
    );
    assert_eq!(sig, "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
}

#[test]
fn a_rotated_token_still_verifies() {
    let body = fixture_text("webhook_classic.json");
    let sig = sign(&token(), body.as_bytes());
    Webhook::new([Secret::new("new-token"), token()])
        .verify(&headers(&sig), body.as_bytes())
        .unwrap();
}

#[test]
fn wrong_missing_and_malformed_signatures_are_refused() {
    let body = fixture_text("webhook_classic.json");
    let hook = Webhook::new([token()]);
    let wrong = sign(&Secret::new("other"), body.as_bytes());
    assert_eq!(
        hook.verify(&headers(&wrong), body.as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::WebhookSignature
    );
    assert_eq!(
        hook.verify(&HeaderMap::new(), body.as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::WebhookSignature
    );
    assert_eq!(
        hook.verify(&headers("not base64!"), body.as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::WebhookSignature
    );
    assert_eq!(
        hook.verify(&headers("AAAA"), body.as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::WebhookSignature
    );
    // A body changed by one byte after signing.
    let sig = sign(&token(), body.as_bytes());
    let mut tampered = body.clone().into_bytes();
    tampered[10] ^= 1;
    assert_eq!(
        hook.verify(&headers(&sig), &tampered).unwrap_err().kind(),
        ErrorKind::WebhookSignature
    );
}

#[test]
fn a_signed_body_that_is_not_a_payload_is_a_decode_error() {
    let hook = Webhook::new([token()]);
    for body in [&b"not json"[..], b"{\"x\":1}", b"[1,2]", b""] {
        let sig = sign(&token(), body);
        let err = hook.verify(&headers(&sig), body).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{body:?}");
    }
}

#[test]
fn an_empty_verifier_token_is_a_config_error() {
    let body = b"{}";
    let sig = sign(&Secret::new(""), body);
    let err = Webhook::new([Secret::new("")])
        .verify(&headers(&sig), body)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[test]
fn the_verifier_trait_gives_the_same_result() {
    let body = fixture_text("webhook_cloudevents.json");
    let sig = sign(&token(), body.as_bytes());
    let hook = Webhook::new([token()]);
    let via_trait = WebhookVerifier::verify(&hook, &headers(&sig), body.as_bytes()).unwrap();
    assert_eq!(via_trait.events().len(), 2);
    assert!(!format!("{hook:?}").contains("verifier-token"));
}
