//! Values GitHub reads as comma- or space-separated lists: one value holding a separator
//! would ask for something else (two labels, another scope), so it is a `Config` error
//! before any request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::{ErrorKind, Secret};
use atom_github::GitHubOAuth;
use atom_github::issues::IssueListParams;
use common::{client, fast_retry, serve};
use futures::TryStreamExt as _;
use wiremock::MockServer;

#[tokio::test]
async fn a_label_filter_with_a_comma_or_empty_is_refused() {
    let server = MockServer::start().await;
    let gh = client(&server.uri());
    for labels in [vec!["bug,wontfix"], vec!["ok", ""], vec![" "]] {
        let params = IssueListParams {
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            ..Default::default()
        };
        let err = gh
            .issues("octocat", "Hello-World")
            .list(&params)
            .try_collect::<Vec<_>>()
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Config, "{labels:?}: {err}");
        assert!(err.message().contains("label"), "{err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    // Labels with spaces and other characters are fine, joined with commas.
    serve(
        &server,
        "GET",
        "/repos/octocat/Hello-World/issues",
        200,
        "[]",
    )
    .await;
    let params = IssueListParams {
        labels: vec!["good first issue".into(), "@high".into()],
        ..Default::default()
    };
    let found: Vec<_> = gh
        .issues("octocat", "Hello-World")
        .list(&params)
        .try_collect()
        .await
        .unwrap();
    assert!(found.is_empty());
    let requests = server.received_requests().await.unwrap();
    let sent = requests[0]
        .url
        .query_pairs()
        .find(|(k, _)| k == "labels")
        .map(|(_, v)| v.into_owned());
    assert_eq!(sent.as_deref(), Some("good first issue,@high"));
}

#[tokio::test]
async fn a_device_flow_scope_with_a_separator_is_refused() {
    let server = MockServer::start().await;
    let oauth = GitHubOAuth::with_base_url(
        "Iv1.client",
        Some(Secret::new("shh")),
        &server.uri(),
        fast_retry(),
    )
    .unwrap();
    for scopes in [
        &["repo admin:org"][..],
        &["repo,delete_repo"],
        &["repo", ""],
        &["a\tb"],
    ] {
        let err = oauth.start_device_flow(scopes).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{scopes:?}: {err}");
        let owned = scopes.iter().map(|s| (*s).to_owned()).collect();
        let redirect = "https://app.example.com/callback".parse().unwrap();
        let err = oauth
            .web_flow(redirect, owned)
            .map(|_| ())
            .expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Config, "{scopes:?}: {err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
