//! Properties of every parser and header-driven decision of the crate: the form encoder, the
//! `Stripe-Signature` parser and verifier, the error mapper and its redaction, the
//! `Stripe-Should-Retry` verdict and the search-query quoting.
//!
//! Fixed case counts and a fixed seed, so a run in CI is the same run as on a laptop.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use atom_core::testing::proptest_config as config;
use atom_core::webhook::FixedClock;
use atom_core::{ErrorKind, Secret};
use atom_stripe::error::{map_error, should_retry};
use atom_stripe::form::{self, MAX_DEPTH};
use atom_stripe::webhook::{Webhook, parse_header, sign_header};
use http::{HeaderMap, StatusCode};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Any text, with the characters that matter to these parsers over-represented.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\[\\]=&%+ ,;:\"'\\\\a-z0-9_\\-\u{e9}\u{0}\n\t]{0,40}",
    ]
}

/// A JSON value up to a few levels deep, with keys that can hold brackets.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Parses a form body back into its pairs.
fn reparse(body: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// `{"k": {"k": … "leaf"}}` with `objects` objects, built without recursion.
fn chain(objects: usize) -> Value {
    let mut v = Value::String("leaf".into());
    for _ in 0..objects {
        v = Value::Object(Map::from_iter([("k".to_owned(), v)]));
    }
    v
}

// Cheap properties: 10 000 cases each.
proptest! {
    #![proptest_config(config(10_000))]

    /// The depth limit: a chain of objects encodes exactly when it fits in `MAX_DEPTH`.
    #[test]
    fn depth_limit_holds(objects in 1usize..(3 * MAX_DEPTH)) {
        let value = chain(objects);
        let result = form::to_pairs(&value);
        prop_assert_eq!(result.is_ok(), objects <= MAX_DEPTH, "{} objects", objects);
        if let Ok(pairs) = result {
            prop_assert_eq!(pairs.len(), 1);
            prop_assert_eq!(pairs[0].0.matches('[').count(), objects - 1);
        }
    }

    /// key's length, the first value's length, each on both sides of its limit).
    #[test]
    fn metadata_limits_hold(
        keys in 0usize..=form::MAX_METADATA_KEYS + 3,
        key_chars in 1usize..=form::MAX_METADATA_KEY_CHARS + 3,
        value_chars in 0usize..=form::MAX_METADATA_VALUE_CHARS + 3,
    ) {
        let entries: BTreeMap<String, String> = (0..keys)
            .map(|i| {
                if i == 0 {
                    ("é".repeat(key_chars), "é".repeat(value_chars))
                } else {
                    (format!("k{i}"), "v".to_owned())
                }
            })
            .collect();
        let over = keys > form::MAX_METADATA_KEYS
            || (keys > 0 && key_chars > form::MAX_METADATA_KEY_CHARS)
            || (keys > 0 && value_chars > form::MAX_METADATA_VALUE_CHARS);
        let root = BTreeMap::from([("metadata", entries)]);
        prop_assert_eq!(form::to_pairs(&root).is_err(), over);
    }

    /// The core's redaction (which replaced the crate's own) leaves a Stripe message without
    /// credential shapes as Stripe wrote it: the mapper neither drops nor mangles it.
    #[test]
    fn messages_without_secrets_are_kept_as_sent(text in text()) {
        let body = serde_json::json!({"error": {"type": "invalid_request_error", "message": text}});
        let err = map_error(StatusCode::BAD_REQUEST, &HeaderMap::new(), body.to_string().as_bytes());
        let lower = text.to_ascii_lowercase();
        // Prefixes and words the core treats as credentials (Stripe, GitHub, Slack, HubSpot
        // keys, JWTs, Salesforce session ids, auth schemes).
        let suspicious = ["sk_", "rk_", "ek_", "whsec_", "rt_", "ac_", "_secret_", "gh", "github_pat_",
            "xox", "pat-", "eyj", "!", "bearer", "basic", "token", "digest"]
            .iter()
            .any(|p| lower.contains(p));
        if !suspicious {
            prop_assert_eq!(err.message(), text.as_str());
        }
    }

    /// anything else leaves the decision to the error.
    #[test]
    fn should_retry_header_decides(header in prop_oneof![
        text(),
        "[ \t]{0,2}(?i:true|false)[ \t]{0,2}",
    ], status in prop::sample::select(vec![400u16, 402, 409, 429, 500, 503])) {
        let err = map_error(
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            br#"{"error":{"type":"card_error"}}"#,
        );
        let verdict = should_retry(status, Some(&header), &err);
        match header.trim().to_ascii_lowercase().as_str() {
            "true" => prop_assert_eq!(verdict, Some(true)),
            "false" => prop_assert_eq!(verdict, Some(false)),
            _ => prop_assert_eq!(verdict, should_retry(status, None, &err)),
        }
    }

    /// given to the verifier: a typed signature error, never a panic.
    #[test]
    fn signature_header_parser_and_verifier_never_panic(header in text(), body in any::<Vec<u8>>()) {
        let _ = parse_header(&header);
        let hook = Webhook::new([Secret::new("whsec_test")]);
        // An unsigned header never passes the signature check.
        let e = hook.verify_header(&header, &body).unwrap_err();
        prop_assert_eq!(e.kind(), ErrorKind::WebhookSignature);
        if let Ok(value) = http::HeaderValue::from_bytes(header.as_bytes()) {
            let mut headers = HeaderMap::new();
            headers.insert("stripe-signature", value);
            let e = hook.verify(&headers, &body).unwrap_err();
            prop_assert_eq!(e.kind(), ErrorKind::WebhookSignature);
        }
    }

    /// input back.
    #[test]
    fn stripe_search_values_cannot_escape(value in text()) {
        let q = atom_stripe::SearchQuery::all().eq("email", &value).build();
        let quoted = q.strip_prefix("email:'").and_then(|r| r.strip_suffix('\'')).unwrap();
        let mut out = String::new();
        let mut chars = quoted.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.push(chars.next().unwrap()),
                '\'' => prop_assert!(false, "unescaped quote in {q}"),
                c => out.push(c),
            }
        }
        prop_assert_eq!(out, value);
    }

}

// HMAC over bodies of up to 100 bytes three times a case, and regex-built messages mapped
// through JSON: 2 000 cases (one to two seconds each in debug).
proptest! {
    #![proptest_config(config(2_000))]

    /// A secret put anywhere in a Stripe error message never reaches the error.
    #[test]
    fn secrets_in_messages_are_redacted(
        before in "[ -~]{0,30}",
        after in "[ -~]{0,30}",
        // Client secrets as Stripe issues them (a PaymentIntent id, `_secret_`, a token).
        prefix in prop::sample::select(vec!["sk_live_", "rk_test_", "whsec_", "rt_", "ac_", "pi_3MtwBwLkdIwHu7ix_secret_"]),
        secret in "[A-Za-z0-9]{8,24}",
    ) {
        let message = format!("{before} {prefix}{secret} {after}");
        let body = serde_json::json!({"error": {"type": "invalid_request_error", "message": message}});
        let err = map_error(StatusCode::BAD_REQUEST, &HeaderMap::new(), body.to_string().as_bytes());
        let shown = format!("{err} {err:?}");
        prop_assert!(!shown.contains(&format!("{prefix}{secret}")), "{}", shown);
    }

    /// and spaces); changing any one byte of the body breaks it.
    #[test]
    fn signed_bodies_verify_and_any_changed_byte_fails(
        body in any::<Vec<u8>>(),
        timestamp in 0i64..4_000_000_000,
        flip_at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        decoy in "[0-9a-f]{64}",
    ) {
        let secret = Secret::new("whsec_prop");
        let clock = FixedClock(chrono::DateTime::from_timestamp(timestamp, 0).unwrap());
        let hook = Webhook::new([secret.clone()]).clock(Arc::new(clock));
        let header = sign_header(&secret, timestamp, &body);
        // The signature passes: what may remain is the body not being an event (`Decode`).
        let passes = |r: atom_core::Result<_>| r.map_or_else(|e| e.kind() == ErrorKind::Decode, |_| true);
        prop_assert!(passes(hook.verify_header(&header, &body)));
        let noisy = format!("v0={decoy}, {header} ,v1={decoy}");
        prop_assert!(passes(hook.verify_header(&noisy, &body)));
        if !body.is_empty() {
            let mut changed = body.clone();
            let at = flip_at.index(changed.len());
            changed[at] ^= flip;
            let err = hook.verify_header(&header, &changed).unwrap_err();
            prop_assert_eq!(err.kind(), ErrorKind::WebhookSignature);
        }
        let mut extended = body.clone();
        extended.push(0);
        let err = hook.verify_header(&header, &extended).unwrap_err();
        prop_assert_eq!(err.kind(), ErrorKind::WebhookSignature);
    }
}

// Generating nested JSON values and lists of arbitrary strings is the slow part in debug
// builds: 1 000 cases keep each property around a second or two.
proptest! {
    #![proptest_config(config(1_000))]

    /// and no pair's key holds a bracket that did not come from the encoder's nesting.
    #[test]
    fn form_encoder_never_panics_and_round_trips(value in json_value()) {
        let root = Value::Object(Map::from_iter([("p".to_owned(), value)]));
        if let Ok(pairs) = form::to_pairs(&root) {
            let body = form::encode_pairs(&pairs);
            prop_assert_eq!(reparse(&body), pairs.clone());
            prop_assert_eq!(form::encode(&root).unwrap(), body);
            for (key, _) in &pairs {
                // Every `[` opens a segment that `]` closes, none nested inside another.
                let mut open = false;
                for c in key.chars() {
                    match c {
                        '[' => { prop_assert!(!open, "{key}"); open = true; }
                        ']' => { prop_assert!(open, "{key}"); open = false; }
                        _ => {}
                    }
                }
                prop_assert!(!open, "{key}");
            }
        }
    }

    /// The raw layer: any pairs at all are written so that they parse back unchanged.
    #[test]
    fn encoded_pairs_parse_back(pairs in prop::collection::vec((text(), text()), 0..8)) {
        prop_assert_eq!(reparse(&form::encode_pairs(&pairs)), pairs);
    }

    /// key and value is sent as exactly `parent[key]=value`.
    #[test]
    fn map_keys_cannot_change_the_nesting(entries in prop::collection::btree_map(text(), text(), 0..6)) {
        let root = BTreeMap::from([("extra_map", entries.clone())]);
        let bad = entries.keys().any(|k| k.is_empty() || k.contains(['[', ']']));
        match form::to_pairs(&root) {
            Err(e) => prop_assert!(bad, "refused valid keys: {e}"),
            Ok(pairs) => {
                prop_assert!(!bad);
                let expected: Vec<(String, String)> = if entries.is_empty() {
                    vec![("extra_map".to_owned(), String::new())]
                } else {
                    entries.iter().map(|(k, v)| (format!("extra_map[{k}]"), v.clone())).collect()
                };
                prop_assert_eq!(pairs, expected);
            }
        }
    }

    /// Any status and body: an error of that status, never a panic.
    #[test]
    fn error_mapper_never_panics(status in 400u16..600, body in prop_oneof![
        any::<Vec<u8>>(),
        json_value().prop_map(|v| serde_json::to_vec(&serde_json::json!({ "error": v })).unwrap()),
    ]) {
        let status = StatusCode::from_u16(status).unwrap();
        let err = map_error(status, &HeaderMap::new(), &body);
        prop_assert_eq!(err.status(), Some(status.as_u16()));
    }
}
