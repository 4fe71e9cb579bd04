#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use serde_json::{Map, Value};

use super::{normalize_token_body, scrub};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(0x5eed),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A token-endpoint-like JSON object: the fields that steer the normalizer, plus others.
fn token_object() -> impl Strategy<Value = Map<String, Value>> {
    let value = prop_oneof![
        "[ -~]{0,12}".prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
    ];
    let name = prop_oneof![
        Just("access_token".to_owned()),
        Just("token_type".to_owned()),
        Just("error".to_owned()),
        Just("error_description".to_owned()),
        Just("refresh_token".to_owned()),
        Just("expires_in".to_owned()),
        "[a-z_]{1,10}",
    ];
    prop::collection::btree_map(name, value, 0..8).prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(config(10_000))]

    /// Arbitrary bytes never panic; what is not a JSON object passes through untouched.
    #[test]
    fn normalizer_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let (is_json, is_error, body) = normalize_token_body(&bytes);
        if !is_json {
            prop_assert!(!is_error);
            prop_assert_eq!(body, bytes);
        }
    }

}

proptest! {
    // Fewer cases: each builds, encodes and decodes a map (about 2 ms a case in debug).
    #![proptest_config(config(3_000))]

    /// On objects: an error only without a token, a token type always with a token, and
    /// every field kept as sent.
    #[test]
    fn normalizer_on_objects(object in token_object()) {
        let raw = serde_json::to_vec(&object).unwrap();
        let (is_json, is_error, body) = normalize_token_body(&raw);
        prop_assert!(is_json);
        let has_token = object.contains_key("access_token");
        prop_assert_eq!(is_error, !has_token && object.contains_key("error"));
        let out: Map<String, Value> = serde_json::from_slice(&body).unwrap();
        for (name, value) in &object {
            prop_assert_eq!(out.get(name), Some(value));
        }
        if has_token {
            prop_assert!(out.contains_key("token_type"));
        }
        let added = usize::from(has_token && !object.contains_key("token_type"));
        prop_assert_eq!(out.len(), object.len() + added);
    }

    /// Scrubbing leaves no submitted value in the text, raw or form-encoded.
    #[test]
    fn scrub_removes_every_secret(
        secret in "[ -~]{1,16}",
        before in "[ -~]{0,16}",
        after in "[ -~]{0,16}",
    ) {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let text = format!("{before}{secret}{after} {encoded}");
        // The marker itself may spell a short secret ("d"): look outside the markers.
        let out = scrub(&text, [secret.as_str()].into_iter()).replace("[redacted]", "\u{1}");
        prop_assert!(!out.contains(&secret), "{}", out);
        prop_assert!(!out.contains(&encoded), "{}", out);
    }
}
