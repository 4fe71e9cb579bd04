//! Webhook vectors for v3, v2 and v1: valid, wrong, stale, malformed; never a panic.
//!
//! The v1 vector is the one in HubSpot's documentation (secret
//! `yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy`, signature `232db261…`); the v2 and v3 vectors
//! were computed with Python's `hashlib`/`hmac`, independently of this crate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atom_core::ErrorKind;
use atom_core::Secret;
use atom_core::webhook::FixedClock;
use atom_hubspot::webhook::{self, Event, SignatureVersion, SubscriptionType, Webhook};
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;

const SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
const BODY: &str = r#"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]"#;
const V1: &str = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de";
const V2_URI: &str = "https://www.example.com/webhook_uri";
const V2: &str = "276a2548f0a0181a076d456de09c0e7477ae101ccc16a11600488a77714e9b8d";
const V3_URI: &str = "https://app.example.com/hubspot/webhooks?portal=62515";
const V3_TS: &str = "1700000000123";
const V3: &str = "LY5MyIBZBFxaWfcK4GgZo0I9DqpNynvib6GxcgCbNvE=";

fn secret() -> Secret {
    Secret::new(SECRET)
}

fn at(millis: i64) -> FixedClock {
    FixedClock(chrono::DateTime::from_timestamp_millis(millis).unwrap())
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    h
}

fn v3_headers(signature: &str, ts: &str) -> HeaderMap {
    headers(&[
        ("x-hubspot-signature-v3", signature),
        ("x-hubspot-request-timestamp", ts),
    ])
}

fn v3_hook() -> Webhook {
    Webhook::new(vec![secret()], V3_URI).clock(at(1_700_000_060_000))
}

#[test]
fn v3_vector_verifies_and_decodes_typed_events() {
    let (version, events) = v3_hook()
        .verify_with_version(&v3_headers(V3, V3_TS), BODY.as_bytes())
        .unwrap();
    assert_eq!(version, SignatureVersion::V3);
    let Event::Crm(event) = &events[0] else {
        panic!("a CRM event")
    };
    assert_eq!(event.subscription_type, SubscriptionType::ContactCreation);
    assert_eq!(event.object_id.as_deref(), Some("123"));
    assert_eq!(event.portal_id, Some(62515));
    assert_eq!(
        event.occurred_at.unwrap().timestamp_millis(),
        1_564_113_600_000
    );
    assert_eq!(event.extra["changeFlag"], "NEW");
}

#[test]
fn v3_wrong_stale_and_malformed_are_signature_errors() {
    let hook = v3_hook();
    let kind = |h: HeaderMap, body: &str| hook.verify(&h, body.as_bytes()).unwrap_err().kind();
    let wrong =
        Webhook::new(vec![Secret::new("another-secret")], V3_URI).clock(at(1_700_000_060_000));
    assert_eq!(
        wrong
            .verify(&v3_headers(V3, V3_TS), BODY.as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::WebhookSignature
    );
    // A changed body, timestamp, or URI.
    assert_eq!(
        kind(v3_headers(V3, V3_TS), "[]"),
        ErrorKind::WebhookSignature
    );
    assert_eq!(
        kind(v3_headers(V3, "1700000000124"), BODY),
        ErrorKind::WebhookSignature
    );
    let other_uri = Webhook::new(vec![secret()], V2_URI).clock(at(1_700_000_060_000));
    assert_eq!(
        other_uri
            .verify(&v3_headers(V3, V3_TS), BODY.as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::WebhookSignature
    );
    // Stale: 5 minutes and one second later; and as far in the future.
    for now in [1_700_000_000_123 + 301_000, 1_700_000_000_123 - 301_000] {
        let late = Webhook::new(vec![secret()], V3_URI).clock(at(now));
        let err = late
            .verify(&v3_headers(V3, V3_TS), BODY.as_bytes())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WebhookSignature);
        assert!(err.message().contains("tolerance"), "{err}");
    }
    // Malformed.
    for (sig, ts) in [
        ("not base64!", V3_TS),
        ("", V3_TS),
        (V3, "soon"),
        (V3, ""),
        (V3, "99999999999999999999999"),
        (&V3[..10], V3_TS),
    ] {
        assert_eq!(
            kind(v3_headers(sig, ts), BODY),
            ErrorKind::WebhookSignature,
            "{sig:?} {ts:?}"
        );
    }
    assert_eq!(kind(HeaderMap::new(), BODY), ErrorKind::WebhookSignature);
    let no_ts = headers(&[("x-hubspot-signature-v3", V3)]);
    assert_eq!(kind(no_ts, BODY), ErrorKind::WebhookSignature);
}

#[test]
fn v3_accepts_a_rotated_secret_and_the_decoded_uri_form() {
    let hook = Webhook::new(vec![Secret::new("old-secret"), secret()], V3_URI)
        .clock(at(1_700_000_060_000));
    hook.verify(&v3_headers(V3, V3_TS), BODY.as_bytes())
        .unwrap();
    // HubSpot signs some escapes decoded: a target URL written with %3D/%3F escapes.
    let encoded = "https://app.example.com/hubspot/webhooks%3Fportal=62515";
    let now = chrono::DateTime::from_timestamp_millis(1_700_000_000_123).unwrap();
    let signed = webhook::sign_v3(&secret(), "POST", V3_URI, BODY.as_bytes(), now);
    Webhook::new(vec![secret()], encoded)
        .clock(at(1_700_000_060_000))
        .verify(&signed, BODY.as_bytes())
        .unwrap();
}

#[test]
fn the_test_signer_matches_the_independent_v3_vector() {
    let now = chrono::DateTime::from_timestamp_millis(1_700_000_000_123).unwrap();
    let signed = webhook::sign_v3(&secret(), "POST", V3_URI, BODY.as_bytes(), now);
    assert_eq!(signed.get("x-hubspot-signature-v3").unwrap(), V3);
    assert_eq!(signed.get("x-hubspot-request-timestamp").unwrap(), V3_TS);
    assert_eq!(
        webhook::sign_v2(&secret(), "POST", V2_URI, BODY.as_bytes())
            .get("x-hubspot-signature")
            .unwrap(),
        V2
    );
    assert_eq!(
        webhook::sign_v1(&secret(), BODY.as_bytes())
            .get("x-hubspot-signature")
            .unwrap(),
        V1
    );
}

#[test]
fn v2_and_v1_verify_only_when_legacy_is_accepted() {
    let v2 = headers(&[
        ("x-hubspot-signature", V2),
        ("x-hubspot-signature-version", "v2"),
    ]);
    let v1 = headers(&[
        ("x-hubspot-signature", V1),
        ("x-hubspot-signature-version", "v1"),
    ]);
    let strict = Webhook::new(vec![secret()], V2_URI);
    assert_eq!(
        strict.verify(&v2, BODY.as_bytes()).unwrap_err().kind(),
        ErrorKind::WebhookSignature
    );
    let legacy = Webhook::new(vec![secret()], V2_URI).accept_legacy();
    assert_eq!(
        legacy.verify_with_version(&v2, BODY.as_bytes()).unwrap().0,
        SignatureVersion::V2
    );
    assert_eq!(
        legacy.verify_with_version(&v1, BODY.as_bytes()).unwrap().0,
        SignatureVersion::V1
    );
    // Wrong: another body, another URI for v2, a flipped digit, another version.
    let kind = |h: &HeaderMap, body: &str| legacy.verify(h, body.as_bytes()).unwrap_err().kind();
    assert_eq!(kind(&v1, "[]"), ErrorKind::WebhookSignature);
    let other = Webhook::new(vec![secret()], V3_URI).accept_legacy();
    assert_eq!(
        other.verify(&v2, BODY.as_bytes()).unwrap_err().kind(),
        ErrorKind::WebhookSignature
    );
    let flipped = format!("0{}", &V1[1..]);
    let bad = headers(&[
        ("x-hubspot-signature", &flipped),
        ("x-hubspot-signature-version", "v1"),
    ]);
    assert_eq!(kind(&bad, BODY), ErrorKind::WebhookSignature);
    let v9 = headers(&[
        ("x-hubspot-signature", V1),
        ("x-hubspot-signature-version", "v9"),
    ]);
    assert_eq!(kind(&v9, BODY), ErrorKind::WebhookSignature);
    let short = headers(&[
        ("x-hubspot-signature", "abc"),
        ("x-hubspot-signature-version", "v1"),
    ]);
    assert_eq!(kind(&short, BODY), ErrorKind::WebhookSignature);
}

#[test]
fn an_empty_secret_is_a_config_error_and_an_unknown_item_is_kept_raw() {
    let empty = Webhook::new(vec![Secret::new("")], V3_URI).clock(at(1_700_000_060_000));
    assert_eq!(
        empty
            .verify(&v3_headers(V3, V3_TS), BODY.as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::Config
    );
    let events = webhook::parse_events(br#"[{"hello":"world"},{"subscriptionType":"deal.propertyChange","objectId":"5","propertyName":"dealstage","propertyValue":"closedwon"}]"#).unwrap();
    assert!(matches!(&events[0], Event::Raw(v) if v["hello"] == "world"));
    let Event::Crm(change) = &events[1] else {
        panic!()
    };
    assert_eq!(
        change.subscription_type,
        SubscriptionType::DealPropertyChange
    );
    assert_eq!(change.property_value.as_deref(), Some("closedwon"));
    // A verified body that is not JSON is a decode error.
    let now = chrono::DateTime::from_timestamp_millis(1_700_000_000_123).unwrap();
    let signed = webhook::sign_v3(&secret(), "POST", V3_URI, b"not json", now);
    assert_eq!(
        v3_hook().verify(&signed, b"not json").unwrap_err().kind(),
        ErrorKind::Decode
    );
}

#[test]
fn the_tolerance_is_configurable() {
    let hook = Webhook::new(vec![secret()], V3_URI)
        .tolerance(Duration::from_secs(30))
        .clock(at(1_700_000_060_000));
    assert_eq!(
        hook.verify(&v3_headers(V3, V3_TS), BODY.as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::WebhookSignature
    );
}

proptest! {
    #![proptest_config(atom_core::testing::proptest_config(2_000))]

    /// Arbitrary headers and bodies never panic and never verify.
    #[test]
    fn arbitrary_input_is_refused_without_panic(
        sig in ".{0,80}",
        ts in "[0-9-]{0,25}",
        version in "v[0-9]",
        body in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let hook = Webhook::new(vec![secret()], V3_URI).accept_legacy().clock(at(1_700_000_060_000));
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&sig) {
            h.insert("x-hubspot-signature-v3", v.clone());
            h.insert("x-hubspot-signature", v);
        }
        if let Ok(v) = HeaderValue::from_str(&ts) {
            h.insert("x-hubspot-request-timestamp", v);
        }
        if let Ok(v) = HeaderValue::from_str(&version) {
            h.insert("x-hubspot-signature-version", v);
        }
        let result = hook.verify(&h, &body);
        prop_assert!(result.is_err());
    }

    /// What the test signer signs verifies; one flipped body byte does not.
    #[test]
    fn signed_round_trips_and_a_flipped_byte_fails(
        body in proptest::collection::vec(any::<u8>(), 1..200),
        flip in any::<prop::sample::Index>(),
    ) {
        let now = chrono::DateTime::from_timestamp_millis(1_700_000_000_123).unwrap();
        let signed = webhook::sign_v3(&secret(), "POST", V3_URI, &body, now);
        let hook = v3_hook();
        match hook.verify(&signed, &body) {
            Ok(_) => {}
            Err(e) => prop_assert_eq!(e.kind(), ErrorKind::Decode),
        }
        let mut changed = body.clone();
        let i = flip.index(changed.len());
        changed[i] ^= 0x01;
        prop_assert_eq!(hook.verify(&signed, &changed).unwrap_err().kind(), ErrorKind::WebhookSignature);
    }
}

#[test]
fn other_signed_requests_are_checked_with_their_method_and_uri() {
    let now = chrono::DateTime::from_timestamp_millis(1_700_000_000_123).unwrap();
    let card =
        "https://app.example.com/hubspot/card?userId=1&portalId=62515&associatedObjectId=101";
    let signed = webhook::sign_v3(&secret(), "GET", card, b"", now);
    let hook = v3_hook();
    assert_eq!(
        hook.check_signature("GET", card, &signed, b"").unwrap(),
        SignatureVersion::V3
    );
    // The same headers for another method or URI do not verify.
    assert_eq!(
        hook.check_signature("POST", card, &signed, b"")
            .unwrap_err()
            .kind(),
        ErrorKind::WebhookSignature
    );
    assert_eq!(
        hook.check_signature("GET", V3_URI, &signed, b"")
            .unwrap_err()
            .kind(),
        ErrorKind::WebhookSignature
    );
}
