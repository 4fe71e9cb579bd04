#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::testing::proptest_config as config;
use proptest::prelude::*;
use serde_json::{Map, Value};

use super::super::token_endpoint::{parse_token_response, submitted_forms};
use crate::redact::scrub;

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

    /// Arbitrary bytes never panic, and what is not a token gives an error.
    #[test]
    fn token_answers_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_token_response("t", &bytes, None, chrono::Utc::now());
    }

}

proptest! {
    // Fewer cases: each builds, encodes and decodes a map (about 2 ms a case in debug).
    #![proptest_config(config(3_000))]

    /// On objects: a token exactly when `access_token` is a non-empty string, with every
    /// other field kept as an extra; otherwise an error.
    #[test]
    fn token_answers_on_objects(object in token_object()) {
        let raw = serde_json::to_vec(&object).unwrap();
        let parsed = parse_token_response("t", &raw, None, chrono::Utc::now());
        let has_token = object.get("access_token").and_then(Value::as_str).is_some_and(|a| !a.is_empty());
        prop_assert_eq!(parsed.is_ok(), has_token);
        if let Ok(token) = parsed {
            for (name, value) in &object {
                if !["access_token", "token_type", "expires_in", "refresh_token", "scope"].contains(&name.as_str()) {
                    prop_assert_eq!(token.extra.get(name), Some(value));
                }
            }
        }
    }

    /// Scrubbing leaves no submitted value in the text, raw or form-encoded.
    #[test]
    fn scrub_removes_every_secret(
        secret in "[!-~]{8,16}",
        before in "[ -~]{0,16}",
        after in "[ -~]{0,16}",
    ) {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let text = format!("{before}{secret}{after} {encoded}");
        let known = submitted_forms([secret.as_str()].into_iter());
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let out = scrub(&text, &known).replace("[redacted]", "\u{1}");
        prop_assert!(!out.contains(&secret), "{}", out);
        prop_assert!(!out.contains(&encoded), "{}", out);
    }
}
