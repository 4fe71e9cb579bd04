//! The exact requests of the issue calls (issues, comments, labels), and the decoding of
//! GitHub's official examples.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_github::issues::{IssueCreateParams, IssueListParams, IssueUpdateParams, LockReason};
use atom_github::models::StateReason;
use common::{client, fixture, received, serve};
use futures::TryStreamExt as _;
use wiremock::MockServer;

#[tokio::test]
async fn issues_list_sends_filters() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/repos/octocat/Hello-World/issues",
        200,
        &fixture("issue-items.json"),
    )
    .await;
    let params = IssueListParams {
        state: Some("all".into()),
        labels: vec!["bug".into(), "good first issue".into()],
        assignee: Some("octocat".into()),
        sort: Some("updated".into()),
        direction: Some("asc".into()),
        since: chrono::DateTime::from_timestamp(1_700_000_000, 0),
        per_page: atom_github::pagination::PerPage::Exactly(250),
        ..IssueListParams::default()
    };
    let issues: Vec<_> = client(&server.uri())
        .issues("octocat", "Hello-World")
        .list(&params)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(issues[0].number, 1347);
    let (_, _, query, _) = received(&server).await;
    assert_eq!(
        query.as_deref(),
        Some(
            "state=all&labels=bug%2Cgood+first+issue&assignee=octocat&sort=updated&direction=asc&since=2023-11-14T22%3A13%3A20Z&per_page=100"
        )
    );
}

#[tokio::test]
async fn issue_get_create_update_close_reopen() {
    let server = MockServer::start().await;
    let issue = fixture("issue.json");
    let gh = client(&server.uri());
    let issues = gh.issues("octocat", "Hello-World");

    serve(
        &server,
        "GET",
        "/repos/octocat/Hello-World/issues/1347",
        200,
        &issue,
    )
    .await;
    assert_eq!(issues.get(1347).await.unwrap().title, "Found a bug");
    server.reset().await;

    serve(
        &server,
        "POST",
        "/repos/octocat/Hello-World/issues",
        201,
        &issue,
    )
    .await;
    let created = issues
        .create(
            &IssueCreateParams::new("Found a bug")
                .body("I'm having a problem with this.")
                .label("bug"),
        )
        .await
        .unwrap();
    assert_eq!(created.number, 1347);
    let (m, _, _, body) = received(&server).await;
    assert_eq!(m, "POST");
    assert_eq!(
        body,
        r#"{"title":"Found a bug","body":"I'm having a problem with this.","labels":["bug"]}"#
    );
    server.reset().await;

    serve(
        &server,
        "PATCH",
        "/repos/octocat/Hello-World/issues/1347",
        200,
        &issue,
    )
    .await;
    let update = IssueUpdateParams {
        title: Some("New title".into()),
        ..IssueUpdateParams::default()
    };
    issues.update(1347, &update).await.unwrap();
    assert_eq!(received(&server).await.3, r#"{"title":"New title"}"#);
    server.reset().await;

    serve(
        &server,
        "PATCH",
        "/repos/octocat/Hello-World/issues/1347",
        200,
        &issue,
    )
    .await;
    issues
        .close(1347, Some(StateReason::NotPlanned))
        .await
        .unwrap();
    assert_eq!(
        received(&server).await.3,
        r#"{"state":"closed","state_reason":"not_planned"}"#
    );
    server.reset().await;

    serve(
        &server,
        "PATCH",
        "/repos/octocat/Hello-World/issues/1347",
        200,
        &issue,
    )
    .await;
    issues.reopen(1347).await.unwrap();
    assert_eq!(received(&server).await.3, r#"{"state":"open"}"#);
}

#[tokio::test]
async fn lock_comments_and_labels() {
    let server = MockServer::start().await;
    let gh = client(&server.uri());
    let issues = gh.issues("octocat", "Hello-World");
    let base = "/repos/octocat/Hello-World/issues";

    // GitHub's four reasons, spelled as its description's enum spells them.
    for (reason, sent) in [
        (LockReason::OffTopic, r#"{"lock_reason":"off-topic"}"#),
        (LockReason::TooHeated, r#"{"lock_reason":"too heated"}"#),
        (LockReason::Resolved, r#"{"lock_reason":"resolved"}"#),
        (LockReason::Spam, r#"{"lock_reason":"spam"}"#),
    ] {
        serve(&server, "PUT", &format!("{base}/1347/lock"), 204, "").await;
        issues.lock(1347, Some(reason)).await.unwrap();
        assert_eq!(received(&server).await.3, sent);
        server.reset().await;
    }

    serve(&server, "DELETE", &format!("{base}/1347/lock"), 204, "").await;
    issues.unlock(1347).await.unwrap();
    server.reset().await;

    serve(
        &server,
        "GET",
        &format!("{base}/1347/comments"),
        200,
        &fixture("issue-comment-items.json"),
    )
    .await;
    let comments: Vec<_> = issues
        .list_comments(
            1347,
            &atom_github::issues::CommentListParams {
                per_page: atom_github::pagination::PerPage::Exactly(50),
                ..Default::default()
            },
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(received(&server).await.2.as_deref(), Some("per_page=50"));
    server.reset().await;

    // `PerPage::Unset` sends no page size (GitHub's default applies); `since` is RFC 3339.
    serve(
        &server,
        "GET",
        &format!("{base}/1347/comments"),
        200,
        &fixture("issue-comment-items.json"),
    )
    .await;
    let since = chrono::DateTime::parse_from_rfc3339("2011-04-14T16:00:49Z")
        .unwrap()
        .to_utc();
    let _: Vec<_> = issues
        .list_comments(
            1347,
            &atom_github::issues::CommentListParams {
                since: Some(since),
                per_page: atom_github::pagination::PerPage::Unset,
            },
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        received(&server).await.2.as_deref(),
        Some("since=2011-04-14T16%3A00%3A49Z")
    );
    server.reset().await;

    serve(
        &server,
        "POST",
        &format!("{base}/1347/comments"),
        201,
        &fixture("issue-comment.json"),
    )
    .await;
    issues.create_comment(1347, "Me too").await.unwrap();
    assert_eq!(received(&server).await.3, r#"{"body":"Me too"}"#);
    server.reset().await;

    serve(
        &server,
        "PATCH",
        &format!("{base}/comments/42"),
        200,
        &fixture("issue-comment.json"),
    )
    .await;
    issues.update_comment(42, "Edited").await.unwrap();
    assert_eq!(received(&server).await.3, r#"{"body":"Edited"}"#);
    server.reset().await;

    serve(&server, "DELETE", &format!("{base}/comments/42"), 204, "").await;
    issues.delete_comment(42).await.unwrap();
    server.reset().await;

    serve(
        &server,
        "POST",
        &format!("{base}/1347/labels"),
        200,
        &fixture("label-items.json"),
    )
    .await;
    let labels = issues
        .add_labels(1347, &["bug", "enhancement"])
        .await
        .unwrap();
    assert_eq!(labels.len(), 2);
    assert_eq!(
        received(&server).await.3,
        r#"{"labels":["bug","enhancement"]}"#
    );
    server.reset().await;

    // A label name with a space and a slash stays one path segment.
    serve(
        &server,
        "DELETE",
        &format!("{base}/1347/labels/good%20first%2Fissue"),
        200,
        &fixture("label-items.json"),
    )
    .await;
    issues.remove_label(1347, "good first/issue").await.unwrap();
}
