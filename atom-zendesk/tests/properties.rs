//! Properties of the parsers and header-driven decisions: never a panic, bounds hold.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_core::testing::proptest_config;
use atom_zendesk::client::validate_subdomain;
use atom_zendesk::error::{MAX_LIMIT_WAIT, map_error, rate_limit};
use atom_zendesk::pagination::offset_page;
use chrono::Utc;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use proptest::prelude::*;

fn headers(pairs: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.append(n, v);
        }
    }
    map
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ratelimit-remaining".to_owned()),
        Just("ratelimit-limit".to_owned()),
        Just("ratelimit-reset".to_owned()),
        Just("x-rate-limit".to_owned()),
        Just("x-rate-limit-remaining".to_owned()),
        Just("retry-after".to_owned()),
        "zendesk-ratelimit-[a-z-]{1,12}",
        "[a-z-]{1,12}",
    ]
}

proptest! {
    #![proptest_config(proptest_config(3_000))]

    #[test]
    fn rate_limit_headers_never_panic(pairs in proptest::collection::vec((header_name(), "\\PC{0,40}"), 0..6)) {
        let _ = rate_limit(&headers(&pairs), Utc::now());
    }

    /// The reported remaining count is the smallest any header reported.
    #[test]
    fn the_tightest_endpoint_limit_wins(account in 0u64..1000, endpoints in proptest::collection::vec(0u64..1000, 0..4)) {
        let mut pairs = vec![("x-rate-limit-remaining".to_owned(), account.to_string())];
        for (i, r) in endpoints.iter().enumerate() {
            pairs.push((format!("zendesk-ratelimit-e{i}"), format!("total=1000; remaining={r}; resets=30")));
        }
        let snap = rate_limit(&headers(&pairs), Utc::now()).unwrap();
        let min = endpoints.iter().copied().chain([account]).min().unwrap();
        prop_assert_eq!(snap.remaining, Some(min));
    }

    #[test]
    fn error_mapping_never_panics_and_waits_are_capped(
        status in 400u16..600,
        body in proptest::collection::vec(any::<u8>(), 0..300),
        retry_after in "\\PC{0,20}",
    ) {
        let status = StatusCode::from_u16(status).unwrap();
        let h = headers(&[("retry-after".to_owned(), retry_after)]);
        let err = map_error(status, &h, &body, Utc::now());
        prop_assert_eq!(err.status(), Some(status.as_u16()));
        if let Some(wait) = err.retry_after() {
            prop_assert!(wait <= MAX_LIMIT_WAIT);
        }
    }

    #[test]
    fn json_error_bodies_of_any_shape_never_panic(
        error in prop_oneof![Just(serde_json::Value::Null), "\\PC{0,20}".prop_map(serde_json::Value::from), any::<i64>().prop_map(serde_json::Value::from)],
        field in "\\PC{0,10}",
        entry in "\\PC{0,20}",
    ) {
        let body = serde_json::json!({"error": error, "description": entry, "details": {field: [entry.clone(), {"error": entry, "description": 5}]}, "errors": [1, {"code": 2}]});
        let err = map_error(StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new(), body.to_string().as_bytes(), Utc::now());
        prop_assert_eq!(err.kind(), atom_core::ErrorKind::InvalidRequest);
    }

    #[test]
    fn offset_page_never_panics(url in "\\PC{0,80}") {
        if let Ok(n) = offset_page(&url) {
            prop_assert!(n >= 1);
        }
    }

    /// An accepted subdomain always yields exactly the host `{subdomain}.zendesk.com`.
    #[test]
    fn an_accepted_subdomain_cannot_change_the_host(sub in "\\PC{0,70}") {
        if validate_subdomain(&sub).is_ok() {
            let url = url::Url::parse(&atom_zendesk::client::subdomain_url(&sub).unwrap()).unwrap();
            prop_assert_eq!(url.host_str().unwrap(), format!("{}.zendesk.com", sub.to_ascii_lowercase()));
            prop_assert_eq!(url.path(), "/");
        }
    }

    #[test]
    fn valid_subdomains_are_accepted(sub in "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?") {
        prop_assert!(validate_subdomain(&sub).is_ok());
    }
}
