//! Property tests of every parser and header-driven decision: never a panic, bounds hold,
//! round trips.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atom_hubspot::error::{MAX_LIMIT_WAIT, limit_wait, map_error};
use atom_hubspot::limits::HubSpotRateLimit;
use atom_hubspot::models::parse_timestamp;
use atom_hubspot::validate;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use proptest::prelude::*;

const LIMIT_HEADERS: [&str; 8] = [
    "x-hubspot-ratelimit-max",
    "x-hubspot-ratelimit-remaining",
    "x-hubspot-ratelimit-interval-milliseconds",
    "x-hubspot-ratelimit-secondly",
    "x-hubspot-ratelimit-secondly-remaining",
    "x-hubspot-ratelimit-daily",
    "x-hubspot-ratelimit-daily-remaining",
    "retry-after",
];

fn header_map(values: &[Option<String>]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in LIMIT_HEADERS.iter().zip(values) {
        if let Some(v) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            h.insert(HeaderName::from_static(name), v);
        }
    }
    h
}

fn header_value() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        any::<u64>().prop_map(|n| Some(n.to_string())),
        (0u64..200).prop_map(|n| Some(n.to_string())),
        ".{0,12}".prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(atom_core::testing::proptest_config(3_000))]

    #[test]
    fn rate_limit_headers_never_panic_and_waits_are_bounded(
        values in proptest::collection::vec(header_value(), 8),
        secs in 0i64..4_000_000_000,
    ) {
        let now = chrono::DateTime::from_timestamp(secs, 0).unwrap();
        let headers = header_map(&values);
        if let Some(limits) = HubSpotRateLimit::from_headers(&headers) {
            let snapshot = limits.snapshot(now);
            prop_assert!(limits.interval() <= Duration::from_secs(24 * 60 * 60));
            if let Some(reset) = snapshot.reset {
                prop_assert!(reset >= now);
                prop_assert!(reset - now <= chrono::Duration::days(1));
            }
            if limits.daily_remaining == Some(0) {
                prop_assert!(snapshot.is_exhausted());
            }
        }
        for policy in [None, Some("SECONDLY"), Some("TEN_SECONDLY_ROLLING"), Some("DAILY")] {
            let policy = policy.map(atom_hubspot::error::LimitPolicy::from);
            prop_assert!(limit_wait(policy.as_ref(), &headers, now) <= MAX_LIMIT_WAIT);
        }
    }

    #[test]
    fn error_bodies_never_panic(status in 400u16..600, body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let status = StatusCode::from_u16(status).unwrap();
        let err = map_error(status, &HeaderMap::new(), &body, chrono::Utc::now());
        prop_assert_eq!(err.service(), "hubspot");
        prop_assert_eq!(err.status(), Some(status.as_u16()));
    }

    #[test]
    fn json_error_bodies_of_any_shape_never_panic(
        category in ".{0,20}",
        message in ".{0,40}",
        context in proptest::collection::vec((".{0,5}", ".{0,5}"), 0..4),
        sub in prop_oneof![Just(serde_json::json!(null)), Just(serde_json::json!({})), ".{0,8}".prop_map(serde_json::Value::from)],
    ) {
        let body = serde_json::json!({
            "status": "error", "message": message, "category": category, "subCategory": sub,
            "context": context.iter().map(|(k, v)| (k.clone(), serde_json::json!([v]))).collect::<serde_json::Map<_, _>>(),
            "errors": [{"message": message, "in": category}, "bare", 7],
            "policyName": category,
        });
        let err = map_error(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), body.to_string().as_bytes(), chrono::Utc::now());
        prop_assert_eq!(err.kind(), atom_core::ErrorKind::RateLimited);
        prop_assert!(err.retry_after().unwrap() <= MAX_LIMIT_WAIT);
    }

    #[test]
    fn timestamps_never_panic_and_millis_round_trip(text in ".{0,30}", millis in -8_000_000_000_000i64..8_000_000_000_000) {
        let _ = parse_timestamp(&text);
        let parsed = parse_timestamp(&millis.to_string());
        if millis >= 0 {
            prop_assert_eq!(parsed.map(|t| t.timestamp_millis()), Some(millis));
        }
        let iso = chrono::DateTime::from_timestamp_millis(millis).unwrap();
        let back = parse_timestamp(&iso.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        prop_assert_eq!(back, Some(iso));
    }

    #[test]
    fn an_accepted_id_is_exactly_one_path_segment(id in ".{0,40}") {
        if let Ok(segment) = validate::id("id", &id) {
            prop_assert!(!segment.contains(['/', '?', '#']));
            prop_assert!(segment != "." && segment != "..");
            prop_assert!(!id.contains(".."));
            let decoded = percent_decode(&segment);
            prop_assert_eq!(decoded, id);
        }
    }

    #[test]
    fn accepted_names_are_identifiers(name in ".{0,30}") {
        if validate::object_type(&name).is_ok() {
            prop_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
        }
        if validate::property_name(&name).is_ok() {
            prop_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
