//! The exact requests of the repository, pull request, commit, user and search calls, and the decoding of GitHub's official examples.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::{Connector as _, ErrorKind};
use atom_github::pulls::{PullCreateParams, PullListParams, PullMergeParams, ReviewCreateParams};
use atom_github::search::{SearchParams, SearchQuery};
use common::{client, fixture, received, serve};
use futures::TryStreamExt as _;
use wiremock::MockServer;

#[tokio::test]
async fn every_request_carries_github_headers() {
    let server = MockServer::start().await;
    serve(&server, "GET", "/user", 200, &fixture("private-user.json")).await;
    let me = client(&server.uri()).current_user().await.unwrap();
    assert_eq!(me.login, "octocat");
    let requests = server.received_requests().await.unwrap();
    let h = |n: &str| {
        requests[0]
            .headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(h("accept").as_deref(), Some("application/vnd.github+json"));
    assert_eq!(h("x-github-api-version").as_deref(), Some("2022-11-28"));
    assert_eq!(h("authorization").as_deref(), Some("Bearer ghp_test_token"));
    assert_eq!(
        h("user-agent"),
        Some(format!("atom-github/{}", env!("CARGO_PKG_VERSION")))
    );
}

#[tokio::test]
async fn api_version_is_overridable() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/rate_limit",
        200,
        &fixture("rate-limit-overview.json"),
    )
    .await;
    let github = common::builder(&server.uri())
        .api_version("2026-03-10")
        .build()
        .unwrap();
    let health = github.health().await.unwrap();
    assert_eq!(health.service, "github");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].headers.get("x-github-api-version").unwrap(),
        "2026-03-10"
    );
    assert_eq!(github.info().api_version.as_deref(), Some("2026-03-10"));
}

#[tokio::test]
async fn pull_requests() {
    let server = MockServer::start().await;
    let gh = client(&server.uri());
    let pulls = gh.pulls("octocat", "Hello-World");
    let base = "/repos/octocat/Hello-World/pulls";
    let pr = fixture("pull-request.json");

    serve(
        &server,
        "GET",
        base,
        200,
        &fixture("pull-request-simple-items.json"),
    )
    .await;
    let params = PullListParams {
        state: Some("closed".into()),
        base: Some("main".into()),
        ..Default::default()
    };
    let list: Vec<_> = pulls.list(&params).try_collect().await.unwrap();
    assert_eq!(list[0].number, 1347);
    assert_eq!(
        received(&server).await.2.as_deref(),
        Some("state=closed&base=main&per_page=100")
    );
    server.reset().await;

    serve(&server, "GET", &format!("{base}/1347"), 200, &pr).await;
    assert_eq!(pulls.get(1347).await.unwrap().base.git_ref, "master");
    server.reset().await;

    serve(&server, "POST", base, 201, &pr).await;
    let new = PullCreateParams {
        title: "Amazing new feature".into(),
        head: "octocat:new-feature".into(),
        base: "master".into(),
        body: Some("Please pull these awesome changes in!".into()),
        ..Default::default()
    };
    pulls.create(&new).await.unwrap();
    assert_eq!(
        received(&server).await.3,
        r#"{"title":"Amazing new feature","head":"octocat:new-feature","base":"master","body":"Please pull these awesome changes in!"}"#
    );
    server.reset().await;

    serve(&server, "PATCH", &format!("{base}/1347"), 200, &pr).await;
    pulls
        .update(
            1347,
            &atom_github::pulls::PullUpdateParams {
                state: Some("closed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(received(&server).await.3, r#"{"state":"closed"}"#);
    server.reset().await;

    serve(
        &server,
        "PUT",
        &format!("{base}/1347/merge"),
        200,
        &fixture("pull-request-merge-result-response-if-merge-was-successful.json"),
    )
    .await;
    let merged = pulls
        .merge(
            1347,
            &PullMergeParams {
                merge_method: Some("squash".into()),
                sha: Some("6dcb09b".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(merged.merged);
    assert_eq!(
        received(&server).await.3,
        r#"{"sha":"6dcb09b","merge_method":"squash"}"#
    );
    server.reset().await;

    serve(
        &server,
        "GET",
        &format!("{base}/1347/files"),
        200,
        &fixture("diff-entry-items.json"),
    )
    .await;
    let files: Vec<_> = pulls
        .files(1347, &Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(files[0].filename, "file1.txt");
    server.reset().await;

    serve(
        &server,
        "GET",
        &format!("{base}/1347/commits"),
        200,
        &fixture("commit-items.json"),
    )
    .await;
    let commits: Vec<_> = pulls
        .commits(1347, &Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(commits.len(), 1);
    server.reset().await;

    serve(
        &server,
        "GET",
        &format!("{base}/1347/reviews"),
        200,
        &fixture("pull-request-review-items.json"),
    )
    .await;
    let reviews: Vec<_> = pulls
        .reviews(1347, &Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(reviews[0].id, 80);
    server.reset().await;

    serve(
        &server,
        "POST",
        &format!("{base}/1347/reviews"),
        200,
        &fixture("pull-request-review.json"),
    )
    .await;
    pulls
        .create_review(
            1347,
            &ReviewCreateParams {
                body: Some("Looks good".into()),
                event: Some("APPROVE".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        received(&server).await.3,
        r#"{"body":"Looks good","event":"APPROVE"}"#
    );
}

#[tokio::test]
async fn commits_refs_keep_slashes_and_escape_the_rest() {
    let server = MockServer::start().await;
    let gh = client(&server.uri());
    let commits = gh.commits("octocat", "Hello-World");
    serve(
        &server,
        "GET",
        "/repos/octocat/Hello-World/commits",
        200,
        &fixture("commit-items.json"),
    )
    .await;
    let list: Vec<_> = commits
        .list(&atom_github::commits::CommitListParams {
            sha: Some("feature/x".into()),
            path: Some("src/lib.rs".into()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        received(&server).await.2.as_deref(),
        Some("sha=feature%2Fx&path=src%2Flib.rs&per_page=100")
    );
    server.reset().await;

    serve(
        &server,
        "GET",
        "/repos/octocat/Hello-World/commits/feature/x%3Fy",
        200,
        &fixture("commit.json"),
    )
    .await;
    let commit = commits.get("feature/x?y").await.unwrap();
    assert_eq!(commit.sha, "6dcb09b5b57875f334f61aebed695e2e4193db5e");
    let (_, _, query, _) = received(&server).await;
    assert_eq!(query, None, "a `?` in a ref cannot start a query");
    server.reset().await;

    serve(
        &server,
        "GET",
        "/repos/octocat/Hello-World/compare/main...feature/x",
        200,
        &fixture("commit-comparison.json"),
    )
    .await;
    let cmp = commits.compare("main", "feature/x").await.unwrap();
    assert_eq!(cmp.total_commits, 1);
}

#[tokio::test]
async fn repositories_and_installation() {
    let server = MockServer::start().await;
    let gh = client(&server.uri());
    serve(
        &server,
        "GET",
        "/repos/octocat/Hello-World",
        200,
        &fixture("full-repository.json"),
    )
    .await;
    assert_eq!(
        gh.repos().get("octocat", "Hello-World").await.unwrap().id,
        1296269
    );
    server.reset().await;

    let items = fixture("minimal-repository-items.json");
    serve(&server, "GET", "/user/repos", 200, &items).await;
    let params = atom_github::repos::RepoListParams {
        kind: Some("owner".into()),
        per_page: atom_github::pagination::PerPage::Exactly(30),
        ..Default::default()
    };
    let _: Vec<_> = gh.repos().list_mine(&params).try_collect().await.unwrap();
    assert_eq!(
        received(&server).await.2.as_deref(),
        Some("type=owner&per_page=30")
    );
    server.reset().await;

    serve(&server, "GET", "/users/octocat/repos", 200, &items).await;
    let _: Vec<_> = gh
        .repos()
        .list_for_user("octocat", &Default::default())
        .try_collect()
        .await
        .unwrap();
    server.reset().await;

    serve(&server, "GET", "/orgs/github/repos", 200, &items).await;
    let _: Vec<_> = gh
        .repos()
        .list_for_org("github", &Default::default())
        .try_collect()
        .await
        .unwrap();
    server.reset().await;

    serve(
        &server,
        "GET",
        "/installation/repositories",
        200,
        &fixture("repository-paginated.json"),
    )
    .await;
    let repos: Vec<_> = gh
        .repos()
        .list_for_installation(&Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(repos[0].name, "Hello-World");
}

#[tokio::test]
async fn search_quotes_the_query() {
    let server = MockServer::start().await;
    let gh = client(&server.uri());
    serve(
        &server,
        "GET",
        "/search/issues",
        200,
        &fixture("issue-search-result-item-paginated.json"),
    )
    .await;
    let q = SearchQuery::new()
        .text("crash")
        .repo("octocat", "Hello-World")
        .unwrap()
        .qualifier("label", "good first issue")
        .unwrap()
        .qualifier("author", r#"a"b"#)
        .unwrap()
        .is("open");
    let params = SearchParams {
        sort: Some("created".into()),
        order: Some("asc".into()),
        per_page: atom_github::pagination::PerPage::Max,
    };
    let found: Vec<_> = gh.search().issues(&q, &params).try_collect().await.unwrap();
    assert_eq!(found[0].number, 132);
    let (_, _, query, _) = received(&server).await;
    assert_eq!(
        query.as_deref(),
        Some(
            "q=crash+repo%3Aoctocat%2FHello-World+label%3A%22good+first+issue%22+author%3A%22a%5C%22b%22+is%3Aopen&sort=created&order=asc&per_page=100"
        )
    );
    server.reset().await;

    serve(
        &server,
        "GET",
        "/search/repositories",
        200,
        &fixture("repo-search-result-item-paginated.json"),
    )
    .await;
    let q = SearchQuery::new()
        .text("tetris")
        .qualifier("language", "assembly")
        .unwrap();
    let repos: Vec<_> = gh
        .search()
        .repositories(&q, &Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(repos[0].full_name, "dtrupenn/Tetris");
    assert!(SearchQuery::new().qualifier("repo:x label", "y").is_err());
    // An empty query is the stream's only item, a `Config` error, and nothing is sent.
    let mut empty = gh.search().issues(&SearchQuery::new(), &Default::default());
    let err = empty.try_next().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_eq!(err.service(), "github");
    assert!(empty.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn bad_names_fail_before_any_request() {
    let server = MockServer::start().await;
    let gh = client(&server.uri());
    for (owner, repo) in [
        ("..", "x"),
        ("a/b", "x"),
        ("octocat", "x?y=1"),
        ("octocat", ""),
        ("oc to", "x"),
    ] {
        let err = gh.issues(owner, repo).get(1).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{owner}/{repo}");
    }
    assert_eq!(
        gh.commits("o", "r").get("a/../b").await.unwrap_err().kind(),
        ErrorKind::Config
    );
    assert_eq!(
        gh.commits("o", "r")
            .compare("a...b", "c")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Config
    );
    let mut refused = gh.repos().list_for_user("a/b", &Default::default());
    assert_eq!(
        refused.try_next().await.unwrap_err().kind(),
        ErrorKind::Config
    );
    assert!(refused.try_next().await.unwrap().is_none());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_enterprise_base_path_is_kept() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/api/v3/repos/octocat/Hello-World",
        200,
        &fixture("full-repository.json"),
    )
    .await;
    let ghe = common::builder(&format!("{}/api/v3", server.uri()))
        .build()
        .unwrap();
    ghe.repos().get("octocat", "Hello-World").await.unwrap();
    assert!(
        atom_github::Client::builder()
            .base_url("http://github.example.com/api/v3")
            .build()
            .is_err(),
        "https only"
    );
}
