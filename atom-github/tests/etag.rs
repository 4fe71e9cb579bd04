//! Conditional requests: `If-None-Match`, 304 answered from the cache, bounded size.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{builder, fixture};
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ISSUE: &str = "/repos/octocat/Hello-World/issues/1347";

#[tokio::test]
async fn an_unchanged_resource_is_served_from_the_cache() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ISSUE))
        .and(header(
            "if-none-match",
            r#""644b5b0155e6404a9cc4bd9d8b1ae730""#,
        ))
        .respond_with(ResponseTemplate::new(304).insert_header("x-ratelimit-remaining", "4999"))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ISSUE))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", r#""644b5b0155e6404a9cc4bd9d8b1ae730""#)
                .set_body_raw(fixture("issue.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let github = builder(&server.uri())
        .etag_cache(100, 1 << 20)
        .build()
        .unwrap();
    let issues = github.issues("octocat", "Hello-World");
    let first = issues.get(1347).await.unwrap();
    let second = issues.get(1347).await.unwrap();
    let third = issues.get(1347).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(second, third);
    let stats = github.etag_stats().unwrap();
    assert_eq!((stats.hits, stats.entries), (2, 1));
    // Cached bodies are private data: a client printed in a log shows counters only.
    let shown = format!("{github:?}");
    assert!(!shown.contains(&first.title), "{shown}");
    assert!(shown.contains("hits: 2"), "{shown}");
}

#[tokio::test]
async fn the_cache_is_bounded_and_off_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header_exists("if-none-match"))
        .respond_with(ResponseTemplate::new(304))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", r#"W/"1""#)
                .set_body_raw(fixture("issue.json"), "application/json"),
        )
        .mount(&server)
        .await;
    let github = builder(&server.uri())
        .etag_cache(2, 1 << 20)
        .build()
        .unwrap();
    let issues = github.issues("octocat", "Hello-World");
    for n in [1, 2, 3] {
        issues.get(n).await.unwrap();
    }
    assert_eq!(github.etag_stats().unwrap().entries, 2, "oldest dropped");
    issues.get(1).await.unwrap(); // evicted: fetched again in full
    assert_eq!(github.etag_stats().unwrap().hits, 0);
    issues.get(3).await.unwrap();
    assert_eq!(github.etag_stats().unwrap().hits, 1);

    let small = builder(&server.uri()).etag_cache(10, 16).build().unwrap();
    small.issues("octocat", "Hello-World").get(1).await.unwrap();
    assert_eq!(
        small.etag_stats().unwrap().entries,
        0,
        "bodies above max_body are not kept"
    );

    let plain = common::client(&server.uri());
    assert!(plain.etag_stats().is_none());
    plain.issues("octocat", "Hello-World").get(1).await.unwrap();
    plain.issues("octocat", "Hello-World").get(1).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let last_two = &requests[requests.len() - 2..];
    assert!(
        last_two
            .iter()
            .all(|r| !r.headers.contains_key("if-none-match"))
    );
}
