//! Media types: bodies as HTML/text/full, and pull requests and commits as diff or patch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_github::media::BodyFormat;
use common::{client, fixture};
use futures::TryStreamExt as _;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ISSUE: &str = "/repos/octocat/Hello-World/issues/1347";

#[tokio::test]
async fn a_body_format_sets_accept_on_every_call_of_the_handler() {
    let server = MockServer::start().await;
    let mut issue: serde_json::Value = serde_json::from_str(&fixture("issue.json")).unwrap();
    issue["body_html"] = "<p>I'm having a problem with this.</p>".into();
    Mock::given(method("GET"))
        .and(path(ISSUE))
        .and(header("accept", "application/vnd.github.html+json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&issue))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{ISSUE}/comments")))
        .and(header("accept", "application/vnd.github.html+json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("issue-comment-items.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let gh = client(&server.uri());
    let issues = gh
        .issues("octocat", "Hello-World")
        .body_format(BodyFormat::Html);
    let got = issues.get(1347).await.unwrap();
    assert_eq!(
        got.body_html.as_deref(),
        Some("<p>I'm having a problem with this.</p>")
    );
    let comments: Vec<_> = issues
        .list_comments(1347, &Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(comments.len(), 1);
    // Other handlers keep the default media type.
    Mock::given(method("GET"))
        .and(path("/repos/octocat/Hello-World/issues/1"))
        .and(header("accept", "application/vnd.github+json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("issue.json")))
        .expect(1)
        .mount(&server)
        .await;
    gh.issues("octocat", "Hello-World").get(1).await.unwrap();
}

#[tokio::test]
async fn every_body_format_names_its_media_type() {
    let server = MockServer::start().await;
    for (format, accept) in [
        (BodyFormat::Raw, "application/vnd.github.raw+json"),
        (BodyFormat::Text, "application/vnd.github.text+json"),
        (BodyFormat::Full, "application/vnd.github.full+json"),
    ] {
        server.reset().await;
        Mock::given(method("GET"))
            .and(path("/repos/octocat/Hello-World/pulls/1347"))
            .and(header("accept", accept))
            .respond_with(ResponseTemplate::new(200).set_body_string(fixture("pull-request.json")))
            .expect(1)
            .mount(&server)
            .await;
        client(&server.uri())
            .pulls("octocat", "Hello-World")
            .body_format(format)
            .get(1347)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn diffs_and_patches_come_back_as_text() {
    let server = MockServer::start().await;
    let diff = "diff --git a/README b/README\n--- a/README\n+++ b/README\n@@ -1 +1 @@\n-Hello\n+Hello World\n";
    let patch = "From 6dcb09b Mon Sep 17 00:00:00 2001\nSubject: [PATCH] Update README\n";
    for (route, accept, body) in [
        (
            "/repos/octocat/Hello-World/pulls/1347",
            "application/vnd.github.diff",
            diff,
        ),
        (
            "/repos/octocat/Hello-World/pulls/1347",
            "application/vnd.github.patch",
            patch,
        ),
        (
            "/repos/octocat/Hello-World/commits/6dcb09b",
            "application/vnd.github.diff",
            diff,
        ),
        (
            "/repos/octocat/Hello-World/commits/6dcb09b",
            "application/vnd.github.patch",
            patch,
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .and(header("accept", accept))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let gh = client(&server.uri());
    let pulls = gh.pulls("octocat", "Hello-World");
    assert_eq!(pulls.diff(1347).await.unwrap(), diff);
    assert_eq!(pulls.patch(1347).await.unwrap(), patch);
    let commits = gh.commits("octocat", "Hello-World");
    assert_eq!(commits.diff("6dcb09b").await.unwrap(), diff);
    assert_eq!(commits.patch("6dcb09b").await.unwrap(), patch);
}

#[tokio::test]
async fn a_diff_that_is_not_utf8_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/octocat/Hello-World/pulls/1"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0xff, 0xfe, 0x00]))
        .mount(&server)
        .await;
    let err = client(&server.uri())
        .pulls("octocat", "Hello-World")
        .diff(1)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::Decode);
}

/// With the ETag cache on, the diff and the JSON of one URL are two entries, not one.
#[tokio::test]
async fn the_etag_cache_keeps_media_types_apart() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/octocat/Hello-World/pulls/1347"))
        .and(header("accept", "application/vnd.github.diff"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"d1\"")
                .set_body_string("diff --git a/x b/x\n"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octocat/Hello-World/pulls/1347"))
        .and(header("accept", "application/vnd.github+json"))
        .and(wiremock::matchers::header_exists("if-none-match"))
        .respond_with(ResponseTemplate::new(304))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octocat/Hello-World/pulls/1347"))
        .and(header("accept", "application/vnd.github+json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("pull-request.json")))
        .expect(1)
        .mount(&server)
        .await;
    let gh = atom_github::Client::builder()
        .base_url(server.uri())
        .token(atom_core::Secret::new("ghp_test_token"))
        .etag_cache(16, 1 << 20)
        .build()
        .unwrap();
    let pulls = gh.pulls("octocat", "Hello-World");
    pulls.diff(1347).await.unwrap();
    let pull = pulls.get(1347).await.unwrap();
    assert_eq!(pull.number, 1347);
}
