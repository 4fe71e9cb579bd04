//! Webhook vectors: valid, wrong, stale, malformed, several secrets; never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use atom_core::testing::proptest_config;
use atom_core::webhook::FixedClock;
use atom_core::{ErrorKind, Secret};
use atom_zendesk::webhook::{
    SIGNATURE_HEADER, TIMESTAMP_HEADER, Webhook, WebhookEvent, signature, signed_headers,
};
use chrono::{TimeZone, Utc};
use http::HeaderMap;
use proptest::prelude::*;

const BODY: &[u8] = br#"{"account_id":22129848,"detail":{"actor_id":"8447388090494","assignee_id":"8447388090494","brand_id":"8447346621310","created_at":"2025-01-08T10:12:07Z","id":"5158","status":"OPEN","subject":"Printer on fire","tags":["vip"]},"event":{"current":"OPEN","previous":"NEW"},"id":"cbe4028c-7239-495d-b020-f22348516046","subject":"zen:ticket:5158","time":"2025-01-08T10:12:07.672717030Z","type":"zen:event-type:ticket.status_changed","zendesk_event_version":"2022-11-06"}"#;

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 8, 10, 12, 8).unwrap()
}

fn hook(secrets: &[&str]) -> Webhook {
    Webhook::new(secrets.iter().copied()).clock(Arc::new(FixedClock(at())))
}

#[test]
fn a_known_vector_verifies() {
    // base64(HMAC-SHA256("secret", "2025-01-08T10:12:08Z" + "{}")), computed independently
    // with `printf '2025-01-08T10:12:08Z{}' | openssl dgst -sha256 -hmac secret -binary | base64`.
    let sig = signature(&Secret::new("secret"), "2025-01-08T10:12:08Z", b"{}");
    assert_eq!(sig, "uBf5pI5pcgFFeLMdPqVnawHus1pitX+3n/IOW+xZAHg=");
    let event = hook(&["secret"])
        .verify_parts(&sig, "2025-01-08T10:12:08Z", b"{}")
        .unwrap();
    assert_eq!(event, WebhookEvent::Raw(serde_json::json!({})));
}

#[test]
fn a_ticket_event_verifies_and_is_typed() {
    let headers = signed_headers(&Secret::new("s1"), at(), BODY);
    let event = hook(&["s1"]).verify(&headers, BODY).unwrap();
    let WebhookEvent::Ticket(e) = event else {
        panic!("ticket event")
    };
    assert_eq!(e.kind(), "ticket.status_changed");
    assert_eq!(e.ticket_id(), Some(5158));
    assert_eq!(e.event["previous"], "NEW");
}

#[test]
fn any_of_several_secrets_verifies_during_a_rotation() {
    let headers = signed_headers(&Secret::new("old"), at(), BODY);
    assert!(hook(&["new", "old"]).verify(&headers, BODY).is_ok());
    assert_eq!(
        hook(&["new"]).verify(&headers, BODY).unwrap_err().kind(),
        ErrorKind::WebhookSignature
    );
}

#[test]
fn wrong_tampered_stale_and_malformed_are_signature_errors() {
    let good = signed_headers(&Secret::new("s1"), at(), BODY);
    let kind = |h: &HeaderMap, body: &[u8], w: &Webhook| w.verify(h, body).unwrap_err().kind();
    let w = hook(&["s1"]);
    // Tampered body.
    let mut tampered = BODY.to_vec();
    tampered[20] ^= 1;
    assert_eq!(kind(&good, &tampered, &w), ErrorKind::WebhookSignature);
    // Stale: signed 10 minutes before now, tolerance 5 minutes.
    let stale = signed_headers(
        &Secret::new("s1"),
        at() - chrono::Duration::minutes(10),
        BODY,
    );
    assert_eq!(kind(&stale, BODY, &w), ErrorKind::WebhookSignature);
    assert!(
        w.clone()
            .tolerance(Duration::from_secs(3600))
            .verify(&stale, BODY)
            .is_ok()
    );
    // From the future.
    let future = signed_headers(
        &Secret::new("s1"),
        at() + chrono::Duration::minutes(10),
        BODY,
    );
    assert_eq!(kind(&future, BODY, &w), ErrorKind::WebhookSignature);
    // Missing headers, a signature that is not base64, a timestamp that is not a time.
    for (name, value) in [
        (SIGNATURE_HEADER, None),
        (TIMESTAMP_HEADER, None),
        (SIGNATURE_HEADER, Some("not base64!!")),
        (SIGNATURE_HEADER, Some("")),
        (TIMESTAMP_HEADER, Some("yesterday")),
    ] {
        let mut h = good.clone();
        match value {
            None => {
                h.remove(name);
            }
            Some(v) => {
                h.insert(name, v.parse().unwrap());
            }
        }
        assert_eq!(
            kind(&h, BODY, &w),
            ErrorKind::WebhookSignature,
            "{name} {value:?}"
        );
    }
    // A timestamp that is not an RFC 3339 time even though correctly signed.
    let sig = signature(&Secret::new("s1"), "1736331128", BODY);
    assert_eq!(
        w.verify_parts(&sig, "1736331128", BODY).unwrap_err().kind(),
        ErrorKind::WebhookSignature
    );
    // No secret configured is a setup mistake, not a bad delivery.
    assert_eq!(
        Webhook::new(Vec::<Secret>::new())
            .verify(&good, BODY)
            .unwrap_err()
            .kind(),
        ErrorKind::Config
    );
}

#[test]
fn a_signed_body_that_is_not_json_is_a_decode_error() {
    let h = signed_headers(&Secret::new("s1"), at(), b"not json");
    assert_eq!(
        hook(&["s1"]).verify(&h, b"not json").unwrap_err().kind(),
        ErrorKind::Decode
    );
}

proptest! {
    #![proptest_config(proptest_config(1_000))]

    #[test]
    fn arbitrary_headers_and_bodies_never_panic(sig in any::<String>(), ts in any::<String>(), body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = hook(&["s1"]).verify_parts(&sig, &ts, &body);
    }

    #[test]
    fn signed_bodies_round_trip(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let h = signed_headers(&Secret::new("s1"), at(), &body);
        let r = hook(&["s1"]).verify(&h, &body);
        prop_assert!(r.is_ok() || r.unwrap_err().kind() == ErrorKind::Decode);
    }
}

#[test]
fn other_events_and_trigger_payloads_keep_their_form() {
    let user_event = br#"{"type":"zen:event-type:user.created","id":"u1","subject":"zen:user:9","time":"2025-01-08T10:12:07Z","account_id":1,"detail":{"id":"9","email":"a@example.com"},"event":{}}"#;
    let h = signed_headers(&Secret::new("s1"), at(), user_event);
    let WebhookEvent::Other(e) = hook(&["s1"]).verify(&h, user_event).unwrap() else {
        panic!("another subscribed event")
    };
    assert_eq!(e.kind(), "user.created");
    assert_eq!(e.ticket_id(), None);
    // A trigger's webhook: the account designs the body.
    let trigger = br#"{"ticket_id":"35436","status":"Solved","type":"custom"}"#;
    let h = signed_headers(&Secret::new("s1"), at(), trigger);
    let WebhookEvent::Raw(v) = hook(&["s1"]).verify(&h, trigger).unwrap() else {
        panic!("raw")
    };
    assert_eq!(v["ticket_id"], "35436");
}
