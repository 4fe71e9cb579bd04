//! The `X-HubSpot-RateLimit-*` headers read into the most pressing limit, and the builder's
//! limit options.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atom_hubspot::limits::HubSpotRateLimit;
use atom_hubspot::{Client, Limits, SEARCH_CLASS};
use http::HeaderMap;

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    h
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

#[test]
fn every_header_is_read() {
    let limits = HubSpotRateLimit::from_headers(&headers(&[
        ("X-HubSpot-RateLimit-Daily", "250000"),
        ("X-HubSpot-RateLimit-Daily-Remaining", "249500"),
        ("X-HubSpot-RateLimit-Interval-Milliseconds", "10000"),
        ("X-HubSpot-RateLimit-Max", "110"),
        ("X-HubSpot-RateLimit-Remaining", "109"),
        ("X-HubSpot-RateLimit-Secondly", "11"),
        ("X-HubSpot-RateLimit-Secondly-Remaining", "10"),
    ]))
    .unwrap();
    assert_eq!(limits.daily, Some(250_000));
    assert_eq!(limits.daily_remaining, Some(249_500));
    assert_eq!(limits.interval(), Duration::from_secs(10));
    assert_eq!(limits.max, Some(110));
    assert_eq!(limits.remaining, Some(109));
    assert_eq!(limits.secondly, Some(11));
    assert_eq!(limits.secondly_remaining, Some(10));
    let snapshot = limits.snapshot(now());
    assert_eq!(
        (snapshot.limit, snapshot.remaining, snapshot.reset),
        (Some(110), Some(109), None)
    );
    assert_eq!(snapshot.resource.as_deref(), Some("interval"));
    assert!(HubSpotRateLimit::from_headers(&HeaderMap::new()).is_none());
    assert!(
        HubSpotRateLimit::from_headers(&headers(&[("x-hubspot-ratelimit-max", "lots")])).is_none()
    );
}

#[test]
fn the_most_pressing_limit_wins() {
    // The secondly limit spent: one second.
    let secondly = HubSpotRateLimit::from_headers(&headers(&[
        ("x-hubspot-ratelimit-remaining", "50"),
        ("x-hubspot-ratelimit-secondly", "10"),
        ("x-hubspot-ratelimit-secondly-remaining", "0"),
    ]))
    .unwrap()
    .snapshot(now());
    assert_eq!(secondly.resource.as_deref(), Some("secondly"));
    assert_eq!(secondly.reset, Some(now() + chrono::Duration::seconds(1)));
    assert!(secondly.is_exhausted());
    // The daily limit spent: the next UTC midnight, whatever the interval says.
    let daily = HubSpotRateLimit::from_headers(&headers(&[
        ("x-hubspot-ratelimit-remaining", "0"),
        ("x-hubspot-ratelimit-daily", "250000"),
        ("x-hubspot-ratelimit-daily-remaining", "0"),
    ]))
    .unwrap()
    .snapshot(now());
    assert_eq!(daily.resource.as_deref(), Some("daily"));
    assert_eq!(daily.limit, Some(250_000));
    assert_eq!(daily.reset.unwrap().timestamp(), 1_700_006_400);
    // The interval spent: one interval from now.
    let interval = HubSpotRateLimit::from_headers(&headers(&[
        ("x-hubspot-ratelimit-remaining", "0"),
        ("x-hubspot-ratelimit-interval-milliseconds", "2500"),
    ]))
    .unwrap()
    .snapshot(now());
    assert_eq!(
        interval.reset,
        Some(now() + chrono::Duration::milliseconds(2500))
    );
}

#[test]
fn the_builder_takes_the_search_class_only() {
    let limits = Limits::default();
    assert_eq!(limits.portal.requests, Some(100));
    assert_eq!(limits.portal.per, Duration::from_secs(10));
    assert_eq!(limits.search.requests, Some(5));
    assert!(
        Client::builder()
            .class_limits(SEARCH_CLASS, atom_core::RateLimitConfig::unlimited())
            .build()
            .is_ok()
    );
    let client = Client::new("pat-na1-secret-value").unwrap();
    assert!(!format!("{client:?}").contains("pat-na1-secret-value"));
    assert_eq!(client.api().base_url().as_str(), "https://api.hubapi.com/");
    assert_eq!(client.portal_id(), "");
    let plain_http = Client::builder().base_url("http://api.hubapi.com").build();
    assert_eq!(plain_http.unwrap_err().kind(), atom_core::ErrorKind::Config);
}
