//! Webhook vectors: valid, tampered, wrong secret, rotation, tolerance, several `v1`,
//! malformed headers, and typed events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use atom_core::webhook::FixedClock;
use atom_core::{ErrorKind, Secret};
use atom_stripe::models::{Event, EventObject, EventType};
use atom_stripe::webhook::{Webhook, parse_header, sign_header};
use chrono::DateTime;
use http::HeaderMap;

const T: i64 = 1_700_000_000;

fn hook_at(now: i64, secrets: &[&str]) -> Webhook {
    let clock = FixedClock(DateTime::from_timestamp(now, 0).unwrap());
    Webhook::new(secrets.iter().copied()).clock(Arc::new(clock))
}

/// The signature verdict: `Ok` when the signature passed, whether or not the signed body is
/// a whole event (these vectors sign small bodies; a `Decode` error comes only after the
/// signature check).
fn kind(r: atom_core::Result<Event>) -> Result<(), ErrorKind> {
    match r {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::Decode => Ok(()),
        Err(e) => Err(e.kind()),
    }
}

fn headers(signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("stripe-signature", signature.parse().unwrap());
    headers
}

#[test]
fn independent_vector() {
    // HMAC-SHA256("whsec_test_secret", "1700000000." + body), computed outside this crate.
    let body = br#"{"id":"evt_test_webhook","object":"event"}"#;
    let header = "t=1700000000,v1=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990";
    assert_eq!(
        sign_header(&Secret::new("whsec_test_secret"), T, body),
        header
    );
    assert_eq!(
        kind(hook_at(T, &["whsec_test_secret"]).verify_header(header, body)),
        Ok(())
    );
}

#[test]
fn valid_tampered_and_wrong_secret() {
    let body = common::fixture_text("event");
    let header = sign_header(&Secret::new("whsec_a"), T, body.as_bytes());
    let hook = hook_at(T + 10, &["whsec_a"]);
    // The fixture is a whole event: it verifies and decodes, from the headers.
    let event = hook.verify(&headers(&header), body.as_bytes()).unwrap();
    assert_eq!(event.event_type.as_str(), "plan.created");
    let tampered = body.replace("plan.created", "plan.deleted");
    assert_eq!(
        kind(hook.verify_header(&header, tampered.as_bytes())),
        Err(ErrorKind::WebhookSignature)
    );
    // A re-serialised body (whitespace changed) is not the signed body.
    let compact = serde_json::to_string(&common::fixture("event")).unwrap();
    assert_eq!(
        kind(hook.verify_header(&header, compact.as_bytes())),
        Err(ErrorKind::WebhookSignature)
    );
    let other = hook_at(T, &["whsec_b"]);
    assert_eq!(
        kind(other.verify_header(&header, body.as_bytes())),
        Err(ErrorKind::WebhookSignature)
    );
}

#[test]
fn second_secret_and_several_v1() {
    let body = b"{\"id\":\"evt_1\"}";
    let new = sign_header(&Secret::new("whsec_new"), T, body);
    let hook = hook_at(T, &["whsec_old", "whsec_new"]);
    assert_eq!(kind(hook.verify_header(&new, body)), Ok(()));
    let good = new.split_once(",v1=").unwrap().1;
    let bad = "0".repeat(64);
    for header in [
        format!("t={T},v1={bad},v1={good}"),
        format!("t={T},v1={good},v1={bad}"),
        format!("t={T},v0={bad},v1={bad},v1={good}"),
        format!(" t={T} , v1={good} "),
    ] {
        assert_eq!(kind(hook.verify_header(&header, body)), Ok(()), "{header}");
    }
    assert_eq!(
        parse_header(&format!("t={T},v1=a,v1=b,v1=c")).unwrap().v1,
        ["a", "b", "c"]
    );
}

#[test]
/// Stripe's libraries check only the past direction; so does this crate (a future timestamp
/// under a valid signature is this machine's clock running slow).
fn tolerance_refuses_old_accepts_future_and_is_configurable() {
    let body = b"{}";
    let header = sign_header(&Secret::new("whsec_a"), T, body);
    assert_eq!(
        kind(hook_at(T + 300, &["whsec_a"]).verify_header(&header, body)),
        Ok(())
    );
    assert_eq!(
        kind(hook_at(T + 301, &["whsec_a"]).verify_header(&header, body)),
        Err(ErrorKind::WebhookSignature)
    );
    assert_eq!(
        kind(hook_at(T - 3600, &["whsec_a"]).verify_header(&header, body)),
        Ok(())
    );
    let lenient = hook_at(T + 3600, &["whsec_a"]).tolerance(Duration::from_secs(7200));
    assert_eq!(kind(lenient.verify_header(&header, body)), Ok(()));
}

#[test]
fn malformed_headers_are_errors_not_panics() {
    let hook = hook_at(T, &["whsec_a"]);
    let good = sign_header(&Secret::new("whsec_a"), T, b"{}");
    let sig = good.split_once(",v1=").unwrap().1;
    for header in [
        String::new(),
        "garbage".into(),
        format!("v1={sig}"),
        format!("t={T}"),
        format!("t=abc,v1={sig}"),
        format!("t={T},t={T},v1={sig}"),
        format!("t={T},v1="),
        format!("t={T},v1=zz{}", &sig[2..]),
        format!("t={T},v1={}", &sig[..10]),
        format!("t=99999999999999999999999,v1={sig}"),
        "t=,v1=,=,,".into(),
        format!("t={T},v1=é{}", &sig[2..]),
    ] {
        assert_eq!(
            kind(hook.verify_header(&header, b"{}")),
            Err(ErrorKind::WebhookSignature),
            "{header:?}"
        );
    }
    // No secret configured is a configuration error, not a silent pass.
    assert_eq!(
        kind(Webhook::new(Vec::<Secret>::new()).verify_header(&good, b"{}")),
        Err(ErrorKind::Config)
    );
}

#[test]
fn verify_types_the_object_or_keeps_it_raw() {
    let secret = Secret::new("whsec_a");
    let mut v = common::fixture("event");
    v["type"] = "payment_intent.succeeded".into();
    v["data"]["object"] = common::fixture("payment_intent");
    let body = serde_json::to_vec_pretty(&v).unwrap();
    let hook = hook_at(T, &["whsec_a"]);
    let event = hook
        .verify(&headers(&sign_header(&secret, T, &body)), &body)
        .unwrap();
    assert_eq!(event.event_type, EventType::PaymentIntentSucceeded);
    let EventObject::PaymentIntent(pi) = &event.data.object else {
        panic!("expected a PaymentIntent")
    };
    assert_eq!(pi.amount, 1099);

    // An unknown event type and object decode to the raw form.
    v["type"] = "treasury.widget.frobbed".into();
    v["data"]["object"] = serde_json::json!({"id": "tw_1", "object": "treasury.widget"});
    let body = serde_json::to_vec(&v).unwrap();
    let event = hook
        .verify(&headers(&sign_header(&secret, T, &body)), &body)
        .unwrap();
    assert_eq!(event.event_type.as_str(), "treasury.widget.frobbed");
    assert_eq!(event.data.object.id(), Some("tw_1"));
    assert!(matches!(event.data.object, EventObject::Raw(_)));

    // A signed body that is not an event is a decode error after the signature check.
    let body = b"not json";
    let e = hook
        .verify(&headers(&sign_header(&secret, T, body)), body)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
}

#[test]
fn verify_reads_stripe_signature_from_the_headers() {
    let secret = Secret::new("whsec_a");
    let body = common::fixture_text("event");
    let hook = hook_at(T, &["whsec_a"]);
    let err = hook.verify(&HeaderMap::new(), body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WebhookSignature);
    assert!(err.message().contains("no Stripe-Signature"), "{err}");
    let mut not_ascii = HeaderMap::new();
    not_ascii.insert(
        "stripe-signature",
        http::HeaderValue::from_bytes(b"t=1,v1=\xff").unwrap(),
    );
    let mut not_ascii_bytes = HeaderMap::new();
    not_ascii_bytes.insert(
        "stripe-signature",
        http::HeaderValue::from_bytes(&[b't', b'=', 0xff]).unwrap(),
    );
    for bad in [not_ascii, not_ascii_bytes] {
        let err = hook.verify(&bad, body.as_bytes()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WebhookSignature);
    }

    // Through the core trait, as generic webhook plumbing would call it.
    fn through<V: atom_core::webhook::WebhookVerifier>(
        v: &V,
        headers: &HeaderMap,
        body: &[u8],
    ) -> atom_core::Result<V::Event> {
        v.verify(headers, body)
    }
    let signed = headers(&sign_header(&secret, T, body.as_bytes()));
    let event = through(&hook, &signed, body.as_bytes()).unwrap();
    assert!(!event.id.is_empty());
}
