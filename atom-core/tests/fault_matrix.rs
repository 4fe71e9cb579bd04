//! Each fault through `ApiClient`: its outcome and how many requests the server saw.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use atom_core::{ErrorKind, Request};
use common::{RawReply, client, expired_token, oauth_api_client, raw_server, valid_token};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn hits(server: &MockServer, p: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == p)
        .count()
}

async fn ok_after(server: &MockServer, first: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/thing"))
        .respond_with(first)
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/thing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 1})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn rate_limited_with_retry_after_seconds_waits_then_succeeds() {
    let server = MockServer::start().await;
    ok_after(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "2"),
    )
    .await;
    let started = Instant::now();
    let response = client(&server.uri(), 3)
        .send(Request::get("/thing"))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(response.meta.attempts, 2);
    assert_eq!(hits(&server, "/thing").await, 2);
}

#[tokio::test]
async fn rate_limited_with_http_date_waits_until_then() {
    let server = MockServer::start().await;
    let when = std::time::SystemTime::now() + Duration::from_secs(2);
    let date = httpdate::fmt_http_date(when);
    ok_after(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", date.as_str()),
    )
    .await;
    let started = Instant::now();
    let response = client(&server.uri(), 3)
        .send(Request::get("/thing"))
        .await
        .unwrap();
    // HTTP-dates have whole seconds: the wait is between one and two seconds.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(response.meta.attempts, 2);
    assert_eq!(hits(&server, "/thing").await, 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_is_returned_not_waited() {
    let server = MockServer::start().await;
    ok_after(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "3600"),
    )
    .await;
    let err = client(&server.uri(), 3)
        .send(Request::get("/thing"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(hits(&server, "/thing").await, 1);
}

#[tokio::test]
async fn service_unavailable_then_ok() {
    let server = MockServer::start().await;
    ok_after(&server, ResponseTemplate::new(503)).await;
    let response = client(&server.uri(), 3)
        .send(Request::get("/thing"))
        .await
        .unwrap();
    assert_eq!(response.json::<serde_json::Value>().unwrap()["id"], 1);
    assert_eq!(hits(&server, "/thing").await, 2);
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 8\r\nconnection: close\r\n\r\n{\"id\":1}";

#[tokio::test]
async fn connection_reset_is_retried_for_a_get() {
    let (base, count) = raw_server(vec![RawReply::Reset, RawReply::Bytes(OK)]).await;
    let response = client(&base, 3).send(Request::get("/thing")).await.unwrap();
    assert_eq!(response.json::<serde_json::Value>().unwrap()["id"], 1);
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn connection_reset_on_a_post_without_key_is_not_retried() {
    let (base, count) = raw_server(vec![RawReply::Reset, RawReply::Bytes(OK)]).await;
    let err = client(&base, 3)
        .send(Request::post("/thing"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn response_slower_than_the_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(600)))
        .mount(&server)
        .await;
    let client = atom_core::ApiClient::builder(atom_core::GenericProvider("test"), &server.uri())
        .unwrap()
        .retry_policy(common::fast_policy(2))
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.send(Request::get("/slow")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_retryable());
    assert_eq!(hits(&server, "/slow").await, 2);
}

#[tokio::test]
async fn body_cut_short_by_the_connection_is_retried() {
    const CUT: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"id\":1,\"na";
    let (base, count) = raw_server(vec![RawReply::Bytes(CUT), RawReply::Bytes(OK)]).await;
    let response = client(&base, 3).send(Request::get("/thing")).await.unwrap();
    assert_eq!(response.json::<serde_json::Value>().unwrap()["id"], 1);
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn complete_response_with_truncated_json_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-trunc")
                .set_body_raw(r#"{"id":1,"name":"ab"#, "application/json"),
        )
        .mount(&server)
        .await;
    let response = client(&server.uri(), 3)
        .send(Request::get("/thing"))
        .await
        .unwrap();
    let err = response.json::<serde_json::Value>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.request_id(), Some("req-trunc"));
    assert_eq!(hits(&server, "/thing").await, 1);
}

#[tokio::test]
async fn html_error_page_with_502() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("x-request-id", "edge-42")
                .set_body_raw(
                    "<html><body><h1>502 Bad Gateway</h1></body></html>",
                    "text/html",
                ),
        )
        .mount(&server)
        .await;
    let err = client(&server.uri(), 2)
        .send(Request::get("/thing"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.request_id(), Some("edge-42"));
    assert!(err.message().contains("Bad Gateway"), "{}", err.message());
    assert!(err.message().contains("text/html"), "{}", err.message());
    assert!(!err.message().contains("<html>"));
    assert_eq!(hits(&server, "/thing").await, 2);
}

async fn token_endpoint(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=rt-1"))
        .respond_with(response)
        .mount(server)
        .await;
}

#[tokio::test]
async fn unauthorized_then_refresh_then_ok() {
    let api = MockServer::start().await;
    let auth = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer at-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(serde_json::json!({"message": "expired"})),
        )
        .mount(&api)
        .await;
    token_endpoint(
        &auth,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "at-2", "refresh_token": "rt-2", "token_type": "bearer", "expires_in": 3600
        })),
    )
    .await;
    // The token looks valid locally; only the server knows it was revoked.
    let (client, store, _) =
        oauth_api_client(&api.uri(), &auth.uri(), valid_token("at-1", "rt-1"), 3).await;
    let response = client.send(Request::get("/me")).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(hits(&api, "/me").await, 2);
    assert_eq!(hits(&auth, "/token").await, 1);
    let key = atom_core::TokenKey::new("test", "tenant-1");
    let stored = atom_core::TokenStore::load(store.as_ref(), &key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.token.refresh_token.unwrap().expose(),
        "rt-2",
        "rotated token saved"
    );
}

#[tokio::test]
async fn refresh_answered_invalid_grant_needs_reauthorization() {
    let api = MockServer::start().await;
    let auth = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&api)
        .await;
    token_endpoint(
        &auth,
        ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": "invalid_grant", "error_description": "expired access/refresh token"
        })),
    )
    .await;
    let (client, _, _) =
        oauth_api_client(&api.uri(), &auth.uri(), expired_token("at-1", "rt-1"), 3).await;
    let err = client.send(Request::get("/me")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired);
    assert_eq!(err.provider_code(), Some("invalid_grant"));
    assert_eq!(err.message(), "expired access/refresh token");
    assert_eq!(hits(&auth, "/token").await, 1);
    assert_eq!(hits(&api, "/me").await, 0, "no call with a dead token");
}

#[tokio::test]
async fn token_endpoint_outage_is_a_retryable_server_error() {
    let api = MockServer::start().await;
    let auth = MockServer::start().await;
    token_endpoint(
        &auth,
        ResponseTemplate::new(503).set_body_string("<html>down</html>"),
    )
    .await;
    let (client, _, _) =
        oauth_api_client(&api.uri(), &auth.uri(), expired_token("at-1", "rt-1"), 3).await;
    let err = client.send(Request::get("/me")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status(), Some(503));
    // A 503 without Retry-After may have come after the refresh token was used: it is not
    // sent again, and the API is never called without a token.
    assert!(!err.is_retryable());
    assert_eq!(hits(&auth, "/token").await, 1);
    assert_eq!(hits(&api, "/me").await, 0);
}

#[tokio::test]
async fn a_token_endpoint_that_recovers_lets_the_call_through() {
    let api = MockServer::start().await;
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&auth)
        .await;
    token_endpoint(
        &auth,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "at-2", "token_type": "Bearer", "expires_in": 3600
        })),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/write"))
        .and(header("authorization", "Bearer at-2"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&api)
        .await;
    let (client, _, _) =
        oauth_api_client(&api.uri(), &auth.uri(), expired_token("at-1", "rt-1"), 3).await;
    // The token endpoint said it did not process the first try (503 + Retry-After), so the
    // refresh is sent again; the POST itself is sent once.
    let response = client.send(Request::post("/write")).await.unwrap();
    assert_eq!(response.status.as_u16(), 201);
    assert_eq!(hits(&auth, "/token").await, 2);
    assert_eq!(hits(&api, "/write").await, 1);
}
