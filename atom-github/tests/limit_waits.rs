//! A rate-limit answer whose reset or `retry-after` is years away (a broken proxy, a
//! mis-set clock) gives a wait of at most an hour, GitHub's own window.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_github::error::MAX_LIMIT_WAIT;
use common::client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_reset_or_retry_after_years_away_is_capped_at_an_hour() {
    let far = (chrono::Utc::now() + chrono::Duration::days(3650)).timestamp();
    let cases = [
        ("x-ratelimit-reset", far.to_string()),
        ("retry-after", "315360000".to_owned()),
        ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT".to_owned()),
    ];
    for (name, value) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/repos/octocat/Hello-World"))
            .respond_with(
                ResponseTemplate::new(403)
                    .insert_header("x-ratelimit-remaining", "0")
                    .insert_header(name, value.as_str())
                    .set_body_raw(
                        r#"{"message":"API rate limit exceeded"}"#,
                        "application/json",
                    ),
            )
            .mount(&server)
            .await;
        let err = client(&server.uri())
            .repos()
            .get("octocat", "Hello-World")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited, "{err}");
        let wait = err.retry_after().unwrap();
        assert!(wait <= MAX_LIMIT_WAIT, "{name}: {value} → {wait:?}");
        assert!(
            wait >= MAX_LIMIT_WAIT - std::time::Duration::from_secs(5),
            "{wait:?}"
        );
        // Beyond the policy's longest wait: returned at once, not retried.
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }
}
