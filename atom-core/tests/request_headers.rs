//! The headers of one exchange: the client's defaults, the credentials and the request's own
//! headers go out (a request header replaces a default of the same name), and the answer's
//! headers come back on the response.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use atom_core::{ApiClient, Credentials, GenericProvider, Request, Secret};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn defaults_credentials_and_request_headers_go_out_and_answers_come_back() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "req_42")
                .insert_header("x-ratelimit-remaining", "9")
                .insert_header("x-extra", "kept")
                .set_body_string("{}"),
        )
        .mount(&server)
        .await;
    let client = ApiClient::builder(GenericProvider("test"), &server.uri())
        .unwrap()
        .credentials(Credentials::bearer(Secret::new("t0ken")))
        .user_agent("atom-test/1")
        .unwrap()
        .default_header("x-version", "2024-01-01")
        .unwrap()
        .build()
        .unwrap();

    let plain = client.send(Request::get("/a")).await.unwrap();
    let overridden = client
        .send(Request::get("/b").header("x-version", "2025-02-02"))
        .await
        .unwrap();

    let seen = server.received_requests().await.unwrap();
    let values = |i: usize, name: &str| -> Vec<String> {
        seen[i]
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(values(0, "x-version"), ["2024-01-01"]);
    assert_eq!(values(0, "user-agent"), ["atom-test/1"]);
    assert_eq!(values(0, "authorization"), ["Bearer t0ken"]);
    // The request's own value replaces the default instead of going out beside it.
    assert_eq!(values(1, "x-version"), ["2025-02-02"]);
    assert_eq!(values(1, "user-agent"), ["atom-test/1"]);
    assert_eq!(values(1, "authorization"), ["Bearer t0ken"]);

    for response in [&plain, &overridden] {
        assert_eq!(response.header("x-extra"), Some("kept"));
        assert_eq!(response.meta.request_id.as_deref(), Some("req_42"));
        let limit = response.meta.rate_limit.as_ref().and_then(|r| r.remaining);
        assert_eq!(limit, Some(9));
    }
}
