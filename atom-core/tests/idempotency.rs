//! A POST is retried only when it carries an idempotency key, and the key never changes.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use atom_core::{Body, ErrorKind, Request};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn flaky_post(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/charges"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/charges"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "ch_1"})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn post_without_key_is_not_retried_after_the_server_received_it() {
    let server = MockServer::start().await;
    flaky_post(&server).await;
    let err = common::client(&server.uri(), 4)
        .send(Request::post("/charges").body(Body::Form("amount=100".into())))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn post_with_key_is_retried_with_the_same_key_and_body() {
    let server = MockServer::start().await;
    flaky_post(&server).await;
    let response = common::client(&server.uri(), 4)
        .send(
            Request::post("/charges")
                .body(Body::Form("amount=100&currency=usd".into()))
                .idempotency_key("order-7781-charge"),
        )
        .await
        .unwrap();
    assert_eq!(response.meta.attempts, 3);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    for r in &received {
        assert_eq!(
            r.headers
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok()),
            Some("order-7781-charge")
        );
        assert_eq!(r.body, b"amount=100&currency=usd");
        assert_eq!(
            r.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/x-www-form-urlencoded")
        );
    }
}

#[tokio::test]
async fn post_is_retried_when_the_connection_was_never_made() {
    // Nothing listens on this port: no byte can have reached a server.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    // The count of attempts is the proof; how long the refused connects and the short test
    // backoffs take is the machine's business.
    let err = common::client(&format!("http://127.0.0.1:{port}"), 3)
        .send(Request::post("/charges"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert!(err.message().contains("attempt 3"), "{}", err.message());
}
