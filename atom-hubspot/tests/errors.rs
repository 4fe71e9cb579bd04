//! HubSpot's error body mapped into the core error, 429s with `policyName`, and the
//! `X-HubSpot-RateLimit-*` headers pacing a portal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use atom_core::{ErrorKind, RateLimitConfig};
use atom_hubspot::error::{ErrorCategory, HubSpotErrorInfo, LimitPolicy, limit_wait, map_error};
use atom_hubspot::{Limits, ObjectCreateParams, ObjectGetParams};
use common::{builder, client, fixture, record, requests};
use http::{HeaderMap, StatusCode};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

#[test]
fn the_official_error_example_maps_to_a_validation_error() {
    let err = map_error(
        StatusCode::BAD_REQUEST,
        &HeaderMap::new(),
        fixture("error.json").as_bytes(),
        chrono::Utc::now(),
    );
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.provider_code(), Some("VALIDATION_ERROR"));
    assert_eq!(
        err.request_id(),
        Some("aeb5f871-7f07-4993-9211-075dc63e7cbf")
    );
    let info = err.provider_details::<HubSpotErrorInfo>().unwrap();
    assert_eq!(info.category, Some(ErrorCategory::ValidationError));
    assert!(info.links.contains_key("knowledge-base"));
}

#[tokio::test]
async fn categories_are_told_apart_without_reading_text() {
    let server = MockServer::start().await;
    let answer = |status: u16, category: &str, message: &str| {
        ResponseTemplate::new(status).set_body_json(json!({
            "status": "error", "message": message, "correlationId": format!("corr-{status}"),
            "category": category, "subCategory": "crm.properties.INVALID_VALUE",
            "context": {"invalidPropertyName": ["lifecyclestage"]},
            "errors": [{"message": "bad value", "in": "lifecyclestage", "code": "INVALID_OPTION",
                        "context": {"allowed": ["lead", "customer"]}}]
        }))
    };
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/1"))
        .respond_with(answer(
            400,
            "VALIDATION_ERROR",
            "Property values were not valid",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/2"))
        .respond_with(answer(404, "OBJECT_NOT_FOUND", "resource not found"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts"))
        .respond_with(answer(
            409,
            "CONFLICT",
            "Contact already exists. Existing ID: 5101",
        ))
        .mount(&server)
        .await;
    let contacts = client(&server.uri()).contacts();
    let get = ObjectGetParams::default();

    let invalid = contacts.get("1", &get).await.unwrap_err();
    assert_eq!(invalid.kind(), ErrorKind::InvalidRequest);
    assert_eq!(invalid.request_id(), Some("corr-400"));
    let info = invalid.provider_details::<HubSpotErrorInfo>().unwrap();
    assert_eq!(
        info.sub_category.as_deref(),
        Some("crm.properties.INVALID_VALUE")
    );
    assert_eq!(
        info.context["invalidPropertyName"],
        json!(["lifecyclestage"])
    );
    assert_eq!(info.errors[0].field.as_deref(), Some("lifecyclestage"));
    assert_eq!(
        info.errors[0].context["allowed"],
        json!(["lead", "customer"])
    );
    assert_eq!(invalid.details()[0].code.as_deref(), Some("INVALID_OPTION"));

    let missing = contacts.get("2", &get).await.unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    assert_eq!(missing.provider_code(), Some("OBJECT_NOT_FOUND"));

    let duplicate = contacts
        .create(&ObjectCreateParams::new().property("email", "ann@example.com"))
        .await
        .unwrap_err();
    assert_eq!(duplicate.kind(), ErrorKind::Conflict);
    let info = duplicate.provider_details::<HubSpotErrorInfo>().unwrap();
    assert_eq!(info.category, Some(ErrorCategory::Conflict));
    assert_eq!(info.existing_id().as_deref(), Some("5101"));
    // Neither a validation error nor a conflict is retried.
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_429_is_waited_out_by_its_policy_and_retried_even_for_a_post() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "status": "error", "message": "You have reached your secondly limit.",
            "errorType": "RATE_LIMIT", "correlationId": "c-429", "policyName": "SECONDLY",
            "groupName": "publicapi"
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts"))
        .respond_with(ResponseTemplate::new(201).set_body_json(record("9", json!({}))))
        .mount(&server)
        .await;
    let created = client(&server.uri())
        .contacts()
        .create(&ObjectCreateParams::new().property("email", "a@example.com"))
        .await
        .unwrap();
    assert_eq!(created.id, "9");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_daily_limit_is_reported_with_its_policy_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/1"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "status": "error", "message": "You have reached your daily limit.",
            "errorType": "RATE_LIMIT", "correlationId": "c-daily", "policyName": "DAILY"
        })))
        .mount(&server)
        .await;
    let err = client(&server.uri())
        .contacts()
        .get("1", &ObjectGetParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.provider_field("policyName"), Some(&json!("DAILY")));
    let info = err.provider_details::<HubSpotErrorInfo>().unwrap();
    assert_eq!(info.policy_name, Some(LimitPolicy::Daily));
    assert_eq!(err.request_id(), Some("c-daily"));
    // Waiting until midnight is beyond the retry policy: one request, the error back.
    assert_eq!(requests(&server).await.len(), 1);
    assert!(err.retry_after().unwrap() > Duration::ZERO);
}

#[test]
fn waits_come_from_retry_after_else_from_the_policy_and_interval() {
    let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    assert_eq!(
        limit_wait(Some(&LimitPolicy::Secondly), &HeaderMap::new(), now),
        Duration::from_secs(1)
    );
    let interval = headers(&[("x-hubspot-ratelimit-interval-milliseconds", "10000")]);
    assert_eq!(
        limit_wait(Some(&LimitPolicy::TenSecondlyRolling), &interval, now),
        Duration::from_secs(10)
    );
    assert_eq!(
        limit_wait(None, &HeaderMap::new(), now),
        Duration::from_secs(10)
    );
    let retry_after = headers(&[
        ("retry-after", "3"),
        ("x-hubspot-ratelimit-interval-milliseconds", "10000"),
    ]);
    assert_eq!(
        limit_wait(Some(&LimitPolicy::TenSecondlyRolling), &retry_after, now),
        Duration::from_secs(3)
    );
    // 2023-11-14T22:13:20Z: the daily limit resets at the next UTC midnight.
    assert_eq!(
        limit_wait(Some(&LimitPolicy::Daily), &HeaderMap::new(), now),
        Duration::from_secs(6400)
    );
    let huge = headers(&[(
        "x-hubspot-ratelimit-interval-milliseconds",
        "18446744073709551615",
    )]);
    assert!(limit_wait(None, &huge, now) <= atom_hubspot::error::MAX_LIMIT_WAIT);
}

#[test]
fn a_body_that_is_not_json_still_maps_by_status() {
    let err = map_error(
        StatusCode::BAD_GATEWAY,
        &headers(&[
            ("content-type", "text/html"),
            ("x-hubspot-correlation-id", "c-502"),
        ]),
        b"<html>bad gateway</html>",
        chrono::Utc::now(),
    );
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.request_id(), Some("c-502"));
    assert!(err.provider_details::<HubSpotErrorInfo>().is_none());
    let oauth = map_error(
        StatusCode::BAD_REQUEST,
        &HeaderMap::new(),
        br#"{"status":"BAD_REFRESH_TOKEN","message":"missing or unknown refresh token","correlationId":"c-o"}"#,
        chrono::Utc::now(),
    );
    assert_eq!(oauth.provider_code(), Some("BAD_REFRESH_TOKEN"));
}

fn limited(remaining: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(record("1", json!({})))
        .insert_header("x-hubspot-ratelimit-max", "100")
        .insert_header("x-hubspot-ratelimit-remaining", remaining)
        .insert_header("x-hubspot-ratelimit-interval-milliseconds", "10000")
        .insert_header("x-hubspot-ratelimit-daily", "250000")
        .insert_header("x-hubspot-ratelimit-daily-remaining", "249000")
        .insert_header("x-hubspot-ratelimit-secondly", "10")
        .insert_header("x-hubspot-ratelimit-secondly-remaining", "9")
}

#[tokio::test]
async fn an_exhausted_interval_pauses_the_portal_not_other_portals() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/1"))
        .respond_with(limited("0"))
        .mount(&server)
        .await;
    let shared = Arc::new(
        Limits::default()
            .portal(RateLimitConfig::unlimited().max_wait(Duration::from_millis(50)))
            .limiter(),
    );
    let portal_a = builder(&server.uri())
        .shared_limiter(shared.clone())
        .tenant("111")
        .build()
        .unwrap();
    let portal_b = builder(&server.uri())
        .shared_limiter(shared.clone())
        .tenant("222")
        .build()
        .unwrap();
    let get = ObjectGetParams::default();
    portal_a.contacts().get("1", &get).await.unwrap();
    let snapshot = portal_a.rate_limit().unwrap();
    assert_eq!(snapshot.limit, Some(100));
    assert_eq!(snapshot.remaining, Some(0));
    assert_eq!(snapshot.resource.as_deref(), Some("interval"));
    assert!(snapshot.reset.is_some());
    let all = portal_a.rate_limit_headers().unwrap();
    assert_eq!(
        (all.daily, all.daily_remaining, all.secondly_remaining),
        (Some(250_000), Some(249_000), Some(9))
    );
    // A burst on portal A: every call waits for the 10 s window, longer than max_wait,
    // so each fails at once without a request.
    for _ in 0..5 {
        let err = portal_a.contacts().get("1", &get).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited);
    }
    assert_eq!(requests(&server).await.len(), 1);
    // Portal B is not held back.
    portal_b.contacts().get("1", &get).await.unwrap();
    assert_eq!(requests(&server).await.len(), 2);
    assert_eq!(portal_a.portal_id(), "111");
}

#[tokio::test]
async fn a_burst_waits_for_the_window_the_headers_describe() {
    let server = MockServer::start().await;
    // Every answer says the interval (300 ms here) is spent.
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/1"))
        .respond_with(
            limited("0").insert_header("x-hubspot-ratelimit-interval-milliseconds", "300"),
        )
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let started = std::time::Instant::now();
    let get = ObjectGetParams::default();
    let contacts = c.contacts();
    for _ in 0..3 {
        contacts.get("1", &get).await.unwrap();
    }
    assert_eq!(requests(&server).await.len(), 3);
    // Each call after the first waited for the window: at least two windows in all.
    assert!(
        started.elapsed() >= Duration::from_millis(550),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_unknown_rate_class_is_refused() {
    let err = atom_hubspot::Client::builder()
        .class_limits("writes", RateLimitConfig::unlimited())
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn the_token_never_appears_in_debug_or_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "status": "error", "message": "Authentication credentials not found. pat-na1-test-token",
            "category": "INVALID_AUTHENTICATION", "correlationId": "c-401"
        })))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let err = c
        .contacts()
        .get("1", &ObjectGetParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(!format!("{err} {err:?}").contains("pat-na1-test-token"));
    assert!(!format!("{c:?}").contains("pat-na1-test-token"));
}

#[tokio::test]
async fn a_token_echoed_by_the_server_is_not_kept_in_the_typed_details() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "status": "error", "message": "The credential zq7Xk2mPlainValue99 is not valid",
            "category": "INVALID_AUTHENTICATION", "correlationId": "c-401"
        })))
        .mount(&server)
        .await;
    let c = builder(&server.uri())
        .access_token("zq7Xk2mPlainValue99")
        .build()
        .unwrap();
    let err = c
        .contacts()
        .get("1", &ObjectGetParams::default())
        .await
        .unwrap_err();
    let info = err.provider_details::<HubSpotErrorInfo>().unwrap();
    assert!(
        !format!("{err} {err:?} {info:?}").contains("zq7Xk2mPlainValue99"),
        "{err:?}"
    );
    assert_eq!(info.category, Some(ErrorCategory::InvalidAuthentication));
}

#[test]
fn the_envelope_carries_the_category_and_correlation_id() {
    let err = map_error(
        StatusCode::NOT_FOUND,
        &HeaderMap::new(),
        br#"{"status":"error","message":"resource not found","correlationId":"c-404","category":"OBJECT_NOT_FOUND"}"#,
        chrono::Utc::now(),
    );
    let envelope =
        serde_json::to_value(atom_core::Envelope::<()>::from_result("hubspot", Err(err))).unwrap();
    assert_eq!(envelope["ok"], false);
    assert_eq!(envelope["error"]["code"], "NOT_FOUND");
    assert_eq!(envelope["error"]["provider_code"], "OBJECT_NOT_FOUND");
    assert_eq!(envelope["error"]["request_id"], "c-404");
}
