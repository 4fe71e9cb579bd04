//! Error mapping of Zendesk's three shapes, request ids, rate-limit headers, 429 retries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::{Connector as _, ErrorKind};
use atom_zendesk::ZendeskErrorInfo;
use common::{client, example, json, requests};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn error_for(status: u16, body: serde_json::Value) -> atom_core::Error {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/1"))
        .respond_with(json(status, &body).insert_header("x-zendesk-request-id", "req-abc"))
        .mount(&server)
        .await;
    client(&server.uri()).tickets().get(1).await.unwrap_err()
}

#[tokio::test]
async fn record_invalid_keeps_each_field_detail() {
    let err = error_for(
        422,
        json!({"error": "RecordInvalid", "description": "Record validation errors", "details": {
            "email": [{"description": "Email: is already being used", "error": "DuplicateValue"}],
            "name": [{"description": "Name: is too short", "error": "InvalidValue"}]
        }}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.provider_code(), Some("RecordInvalid"));
    assert_eq!(err.request_id(), Some("req-abc"));
    assert_eq!(err.details().len(), 2);
    assert_eq!(err.details()[0].fields, vec!["email".to_owned()]);
    let info = err.provider_details::<ZendeskErrorInfo>().unwrap();
    assert_eq!(
        info.description.as_deref(),
        Some("Record validation errors")
    );
    assert_eq!(info.details[1].error.as_deref(), Some("InvalidValue"));
}

#[tokio::test]
async fn object_error_and_bare_error_shapes_map_with_their_kinds() {
    let forbidden = error_for(
        403,
        json!({"error": {"title": "Forbidden", "message": "You do not have access to this page."}}),
    )
    .await;
    assert_eq!(forbidden.kind(), ErrorKind::Forbidden);
    assert_eq!(forbidden.provider_code(), Some("Forbidden"));
    assert!(forbidden.message().contains("do not have access"));
    let info = forbidden.provider_details::<ZendeskErrorInfo>().unwrap();
    assert_eq!(info.title.as_deref(), Some("Forbidden"));

    let missing = error_for(404, json!({"error": "InvalidEndpoint"})).await;
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    assert_eq!(missing.provider_code(), Some("InvalidEndpoint"));

    let not_found = error_for(
        404,
        json!({"error": "RecordNotFound", "description": "Not found"}),
    )
    .await;
    assert_eq!(not_found.kind(), ErrorKind::NotFound);
    assert_eq!(not_found.message(), "RecordNotFound: Not found");

    let jsonapi = error_for(400, json!({"errors": [{"code": "InvalidPaginationParameter", "title": "Invalid pagination", "detail": "page[size] must be 100 or less"}]})).await;
    assert_eq!(jsonapi.provider_code(), Some("InvalidPaginationParameter"));
    assert_eq!(jsonapi.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn x_request_id_is_used_when_zendesk_request_id_is_absent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/1"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_raw("<html>gone</html>", "text/html")
                .insert_header("x-request-id", "xr-1"),
        )
        .mount(&server)
        .await;
    let err = client(&server.uri()).tickets().get(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.request_id(), Some("xr-1"));
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_even_for_a_post() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/1"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/1"))
        .respond_with(json(200, &example("TicketUpdateResponseExample")))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    c.tickets()
        .comment(1, atom_zendesk::tickets::CommentParams::private("x"))
        .await
        .unwrap();
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_429_that_persists_is_rate_limited_with_its_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/1"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7200"))
        .mount(&server)
        .await;
    let err = client(&server.uri()).tickets().get(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    // Capped: Zendesk's windows are a minute; a two-hour wait is a broken header.
    assert_eq!(err.retry_after(), Some(atom_zendesk::error::MAX_LIMIT_WAIT));
    // Longer than the policy's max_retry_after: handed back at once.
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn rate_limit_headers_are_read_from_every_form() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .respond_with(
            json(200, &example("UserResponseExample"))
                .insert_header("x-rate-limit", "700")
                .insert_header("x-rate-limit-remaining", "650")
                .insert_header(
                    "zendesk-ratelimit-tickets-index",
                    "total=100; remaining=42; resets=30",
                ),
        )
        .mount(&server)
        .await;
    let c = client(&server.uri());
    c.health().await.unwrap();
    let snap = c.rate_limit().unwrap();
    assert_eq!(snap.remaining, Some(42));
    assert_eq!(snap.limit, Some(100));
    assert_eq!(snap.resource.as_deref(), Some("tickets-index"));
}

#[tokio::test]
async fn health_calls_users_me_and_reports_bad_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .respond_with(json(401, &json!({"error": "Couldn't authenticate you"})))
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let health = c.health().await;
    assert!(health.is_err(), "{health:?}");
    let err = c.users().me().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(!format!("{err:?}").contains("zd-test-token"));
}

#[tokio::test]
async fn a_safe_update_conflict_is_a_conflict() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/1"))
        .respond_with(json(
            409,
            &json!({"error": "UpdateConflict", "description": "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again."}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server.uri())
        .tickets()
        .update(
            1,
            &atom_zendesk::tickets::TicketUpdateParams {
                status: Some(atom_zendesk::models::TicketStatus::Solved),
                safe_update: Some(true),
                updated_stamp: Some(chrono::Utc::now()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(err.provider_code(), Some("UpdateConflict"));
}

/// A response that says nothing is left pauses the account's calls until the reset: with
/// no waiting allowed, the next call is refused before it is sent.
async fn next_call_after(headers: &[(&str, &str)]) -> (atom_core::Error, usize) {
    use std::time::Duration;
    let server = MockServer::start().await;
    let mut answer = json(200, &example("UserResponseExample"));
    for (name, value) in headers {
        answer = answer.insert_header(*name, *value);
    }
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .respond_with(answer)
        .mount(&server)
        .await;
    let c = common::builder(&server.uri())
        .rate_limits(atom_core::RateLimitConfig::unlimited().max_wait(Duration::ZERO))
        .build()
        .unwrap();
    c.users().me().await.unwrap();
    let err = c.users().me().await.unwrap_err();
    (err, requests(&server).await.len())
}

#[tokio::test]
async fn an_exhausted_account_or_endpoint_limit_holds_the_next_call() {
    let endpoint: &[(&str, &str)] = &[(
        "zendesk-ratelimit-users-me",
        "total=100; remaining=0; resets=30",
    )];
    let account: &[(&str, &str)] = &[("ratelimit-remaining", "0"), ("ratelimit-reset", "30")];
    for header in [endpoint, account] {
        let (err, sent) = next_call_after(header).await;
        assert_eq!(err.kind(), ErrorKind::RateLimited, "{header:?}");
        assert_eq!(sent, 1, "{header:?}: the second call was not sent");
    }
}
