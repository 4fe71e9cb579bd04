//! Rate-limit headers through `ApiClient`: reported on the response and by the client, and
//! "nothing remaining" holds the next call until the reset.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::{Duration, Instant};

use atom_core::Request;
use chrono::{TimeZone as _, Utc};
use common::client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn headers_reach_the_response_and_the_client_snapshot() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/thing"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "4321")
                .insert_header("x-ratelimit-reset", "1900000000")
                .set_body_json(serde_json::json!({"id": 1})),
        )
        .mount(&server)
        .await;
    let api = client(&server.uri(), 1);
    assert_eq!(api.rate_limit(), None);

    let response = api.send(Request::get("/thing")).await.unwrap();

    let reported = response
        .meta
        .rate_limit
        .clone()
        .expect("snapshot on response");
    assert_eq!(reported.limit, Some(5000));
    assert_eq!(reported.remaining, Some(4321));
    assert_eq!(reported.reset, Utc.timestamp_opt(1_900_000_000, 0).single());
    assert_eq!(api.rate_limit(), Some(reported));
}

#[tokio::test]
async fn nothing_remaining_holds_the_next_call_until_the_reset() {
    let server = MockServer::start().await;
    // Reset given as seconds from now (small values are relative).
    Mock::given(method("GET"))
        .and(path("/first"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "2")
                .set_body_json(serde_json::json!({})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/second"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let api = client(&server.uri(), 1);

    api.send(Request::get("/first")).await.unwrap();
    assert!(api.rate_limit().unwrap().is_exhausted());
    let started = Instant::now();
    api.send(Request::get("/second")).await.unwrap();

    // The reset is whole seconds away: at least one second must pass before the call.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the call went out after {:?}",
        started.elapsed()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
