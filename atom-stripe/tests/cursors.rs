//! Page cursors from the server: one Stripe would read as "no cursor" stops the stream
//! instead of fetching the first page again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_stripe::*;
use common::{KEY, fixture, list_page, search_page};
use futures::TryStreamExt as _;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_page_with_more_but_an_empty_cursor_stops_instead_of_restarting() {
    let server = MockServer::start().await;
    let mut customer = fixture("customer");
    customer["id"] = json!("");
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list_page(
            "/v1/customers",
            vec![customer],
            true,
        )))
        .mount(&server)
        .await;
    let stripe = Client::builder()
        .secret_key(KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = stripe
        .customers()
        .list(&CustomerListParams::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.message().contains("empty"), "{err}");
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "the first page was not fetched again"
    );
}

#[tokio::test]
async fn a_search_page_with_more_but_an_empty_next_page_stops() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(search_page(
            "/v1/customers/search",
            vec![fixture("customer")],
            Some(""),
        )))
        .mount(&server)
        .await;
    let stripe = Client::builder()
        .secret_key(KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    let mut stream = stripe
        .customers()
        .search(&SearchParams::new("email:'a@example.com'"));
    // The page cannot be continued, so the stream fails rather than ending as if complete.
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
