//! 200 concurrent calls with an expired token cause exactly one refresh.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Duration;

use atom_core::Request;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_callers_one_refresh() {
    let api = MockServer::start().await;
    let auth = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer fresh-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                // Slow enough that every caller arrives while the refresh is in flight.
                .set_delay(Duration::from_millis(200))
                .set_body_json(serde_json::json!({
                    "access_token": "fresh-token", "refresh_token": "rt-2",
                    "token_type": "Bearer", "expires_in": 3600
                })),
        )
        .mount(&auth)
        .await;
    let (client, _, _) = common::oauth_api_client(
        &api.uri(),
        &auth.uri(),
        common::expired_token("old", "rt-1"),
        1,
    )
    .await;
    let calls = (0..200).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.send(Request::get(format!("/items/{i}"))).await })
    });
    let results = futures::future::join_all(calls).await;
    let ok = results
        .into_iter()
        .filter(|r| matches!(r, Ok(Ok(resp)) if resp.status == 200))
        .count();
    assert_eq!(ok, 200);
    assert_eq!(auth.received_requests().await.unwrap().len(), 1);
    assert_eq!(api.received_requests().await.unwrap().len(), 200);
}
