//! Contract test: every typed call against Stoplight Prism serving GitHub's official OpenAPI
//! description, which validates each request (a request that breaks the description gets
//! 422, or 400 for bad query parameters) and answers with the description's examples (which
//! must decode).
//!
//! The description is `tests/fixtures/github-contract.json`: the paths this test calls (listed
//! in `tests/fixtures/contract-paths.txt`) and the components they reach, prepared for Prism by
//! `tools/trim-openapi` (see `tests/fixtures/README.md`).
//!
//! Needs node and npm, so plain `cargo test` skips it (`#[ignore]`). Run it with
//! `cargo test -p atom-github --test contract_prism -- --ignored`, or with `bash .ci/run`,
//! which installs node/npm when they are missing. The first run installs the pinned Prism from
//! npm into `~/.cache/atom-prism` (`tools/prism-mock install`, about 10 s). Prism is started
//! on a free loopback port by `tools/prism-mock` and killed by PID when the test ends, also on
//! failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use atom_core::testing::PrismMock;

use atom_core::Connector as _;
use atom_github::Client;
use atom_github::issues::{
    CommentListParams, IssueCreateParams, IssueListParams, IssueUpdateParams, LockReason,
};
use atom_github::pulls::{
    PullCreateParams, PullListParams, PullMergeParams, PullUpdateParams, ReviewCreateParams,
};
use atom_github::search::{SearchParams, SearchQuery};
use futures::TryStreamExt as _;

/// Prism serving the trimmed description, on a free port.
fn start_prism() -> (PrismMock, u16) {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let prism = PrismMock::start(
        &manifest.join("../tools/prism-mock"),
        &manifest.join("tests/fixtures/github-contract.json"),
    )
    .unwrap();
    let port = prism.port();
    (prism, port)
}

/// The first item of a list: Prism answers with the description's example headers, whose
/// `Link` points at api.github.com, so only the first page is served by Prism.
async fn first<T: Send + 'static>(mut stream: atom_core::Paginator<T>) -> T {
    stream
        .try_next()
        .await
        .unwrap()
        .expect("the example page has an item")
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs node/npm and Prism: run by .ci/run"]
async fn every_typed_call_passes_prism_validation_and_decodes() {
    let (prism, port) = start_prism();
    let uri = format!("http://127.0.0.1:{port}");
    let gh: Client = common::builder(&uri).build().unwrap();
    let (o, r) = ("octocat", "Hello-World");

    // Repositories.
    gh.repos().get(o, r).await.unwrap();
    first(gh.repos().list_mine(&Default::default())).await;
    first(gh.repos().list_for_user(o, &Default::default())).await;
    first(gh.repos().list_for_org("github", &Default::default())).await;
    first(gh.repos().list_for_installation(&Default::default())).await;

    // Issues, comments, labels.
    let issues = gh.issues(o, r);
    let params = IssueListParams {
        state: Some("all".into()),
        labels: vec!["bug".into()],
        sort: Some("updated".into()),
        direction: Some("asc".into()),
        since: chrono::DateTime::from_timestamp(1_700_000_000, 0),
        ..Default::default()
    };
    first(issues.list(&params)).await;
    issues.get(1347).await.unwrap();
    issues
        .create(
            &IssueCreateParams::new("Found a bug")
                .body("It crashes")
                .label("bug"),
        )
        .await
        .unwrap();
    issues
        .update(
            1347,
            &IssueUpdateParams {
                title: Some("t".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    issues
        .close(1347, Some(atom_github::models::StateReason::Completed))
        .await
        .unwrap();
    issues.reopen(1347).await.unwrap();
    issues.lock(1347, Some(LockReason::Resolved)).await.unwrap();
    issues.unlock(1347).await.unwrap();
    first(issues.list_comments(1347, &Default::default())).await;
    issues.create_comment(1347, "Me too").await.unwrap();
    issues.update_comment(1, "Edited").await.unwrap();
    issues.delete_comment(1).await.unwrap();
    issues.add_labels(1347, &["bug"]).await.unwrap();
    issues.remove_label(1347, "bug").await.unwrap();

    // Pull requests.
    let pulls = gh.pulls(o, r);
    first(pulls.list(&PullListParams {
        state: Some("open".into()),
        ..Default::default()
    }))
    .await;
    pulls.get(1347).await.unwrap();
    pulls
        .create(&PullCreateParams {
            title: "x".into(),
            head: "octocat:f".into(),
            base: "master".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    pulls
        .update(
            1347,
            &PullUpdateParams {
                title: Some("y".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    pulls
        .merge(
            1347,
            &PullMergeParams {
                merge_method: Some("squash".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    first(pulls.files(1347, &Default::default())).await;
    first(pulls.commits(1347, &Default::default())).await;
    first(pulls.reviews(1347, &Default::default())).await;
    pulls
        .create_review(
            1347,
            &ReviewCreateParams {
                body: Some("ok".into()),
                event: Some("COMMENT".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    // Commits.
    let commits = gh.commits(o, r);
    first(commits.list(&Default::default())).await;
    commits
        .get("6dcb09b5b57875f334f61aebed695e2e4193db5e")
        .await
        .unwrap();
    commits.compare("master", "topic").await.unwrap();

    // User, rate limit, health, search.
    gh.current_user().await.unwrap();
    gh.rate_limit_status().await.unwrap();
    gh.health().await.unwrap();
    let q = SearchQuery::new()
        .text("bug")
        .qualifier("label", "good first issue")
        .unwrap();
    first(gh.search().issues(&q, &SearchParams::default())).await;
    first(gh.search().repositories(&q, &SearchParams::default())).await;

    // App installation token exchange.
    #[cfg(feature = "jwt")]
    {
        let key = common::fixture("test-app-key.pem");
        let app = atom_github::GitHubApp::builder("12345", key.as_bytes())
            .base_url(&uri)
            .build()
            .unwrap();
        app.installation_token(42).await.unwrap();
    }

    let log = prism.log_text();
    assert!(
        log.contains("[VALIDATOR]") || log.contains("Request received"),
        "Prism log is empty: {}",
        prism.log_path().display()
    );
    // Request violations are ours. (Prism also flags a few of GitHub's own *response* examples
    // that break GitHub's schema, such as `requested_teams[].type`; those are not.)
    let violations = prism.request_violations();
    assert!(
        violations.is_empty(),
        "Prism reported request violations:\n{}",
        violations.join("\n")
    );
}

/// Every optional parameter and body field the typed API offers, every lock reason, a
/// resumed (page 2) request of each list, and the error answers the description documents.
#[tokio::test(flavor = "current_thread")]
#[ignore = "needs node/npm and Prism: run by .ci/run"]
async fn every_optional_parameter_and_error_path_passes_prism_validation() {
    use atom_core::{Checkpoint, ErrorKind, Request};
    use atom_github::commits::CommitListParams;
    use atom_github::models::StateReason;
    use atom_github::pagination::PerPage;
    use atom_github::repos::RepoListParams;

    let (prism, port) = start_prism();
    let uri = format!("http://127.0.0.1:{port}");
    let gh: Client = common::builder(&uri).build().unwrap();
    let (o, r) = ("octocat", "Hello-World");
    let since = chrono::DateTime::from_timestamp(1_700_000_000, 0);
    let page_two = |path: &str| Checkpoint {
        cursor: Some(format!("{uri}{path}?per_page=100&page=2")),
        skip: 0,
    };

    // Repositories: every filter, and the user/org `type` values each endpoint takes.
    let mine = RepoListParams {
        kind: Some("owner".into()),
        sort: Some("pushed".into()),
        direction: Some("desc".into()),
        per_page: PerPage::Exactly(30),
    };
    first(gh.repos().list_mine(&mine)).await;
    first(gh.repos().list_for_user(o, &mine)).await;
    let org = RepoListParams {
        kind: Some("sources".into()),
        sort: Some("full_name".into()),
        direction: Some("asc".into()),
        per_page: PerPage::Unset,
    };
    first(gh.repos().list_for_org("github", &org)).await;
    first(
        gh.repos()
            .list_for_user_from(o, &Default::default(), page_two("/users/octocat/repos")),
    )
    .await;

    // Issues: every list filter, every create/update field, every state reason and lock
    // reason, comments since a time, and page 2.
    let issues = gh.issues(o, r);
    let filters = IssueListParams {
        state: Some("closed".into()),
        labels: vec!["bug".into(), "ui".into()],
        assignee: Some("octocat".into()),
        creator: Some("hubot".into()),
        mentioned: Some("monalisa".into()),
        milestone: Some("none".into()),
        sort: Some("comments".into()),
        direction: Some("desc".into()),
        since,
        per_page: PerPage::Exactly(50),
    };
    first(issues.list(&filters)).await;
    first(issues.list_from(
        &Default::default(),
        page_two("/repos/octocat/Hello-World/issues"),
    ))
    .await;
    let mut create = IssueCreateParams::new("Found a bug")
        .body("It crashes")
        .label("bug");
    create.assignees = vec!["octocat".into()];
    create.milestone = Some(1);
    issues.create(&create).await.unwrap();
    issues
        .update(
            1347,
            &IssueUpdateParams {
                title: Some("t".into()),
                body: Some("b".into()),
                state: Some("closed".into()),
                state_reason: Some(StateReason::NotPlanned),
                labels: Some(vec!["bug".into()]),
                assignees: Some(vec!["octocat".into()]),
            },
        )
        .await
        .unwrap();
    for reason in [
        StateReason::Completed,
        StateReason::NotPlanned,
        StateReason::Duplicate,
    ] {
        issues.close(1347, Some(reason)).await.unwrap();
    }
    issues.close(1347, None).await.unwrap();
    for reason in [
        LockReason::OffTopic,
        LockReason::TooHeated,
        LockReason::Resolved,
        LockReason::Spam,
    ] {
        issues.lock(1347, Some(reason)).await.unwrap();
    }
    issues.lock(1347, None).await.unwrap();
    first(issues.list_comments(
        1347,
        &CommentListParams {
            since,
            per_page: PerPage::Exactly(10),
        },
    ))
    .await;

    // Pull requests: every list filter, create and update field, merge field, review field.
    let pulls = gh.pulls(o, r);
    first(pulls.list(&PullListParams {
        state: Some("all".into()),
        head: Some("octocat:new-topic".into()),
        base: Some("master".into()),
        sort: Some("long-running".into()),
        direction: Some("asc".into()),
        per_page: PerPage::Exactly(20),
    }))
    .await;
    pulls
        .create(&PullCreateParams {
            title: "x".into(),
            head: "octocat:f".into(),
            base: "master".into(),
            body: Some("b".into()),
            draft: Some(true),
            maintainer_can_modify: Some(false),
        })
        .await
        .unwrap();
    pulls
        .update(
            1347,
            &PullUpdateParams {
                title: Some("y".into()),
                body: Some("b".into()),
                state: Some("closed".into()),
                base: Some("main".into()),
            },
        )
        .await
        .unwrap();
    for method in ["merge", "squash", "rebase"] {
        pulls
            .merge(
                1347,
                &PullMergeParams {
                    commit_title: Some("t".into()),
                    commit_message: Some("m".into()),
                    sha: Some("6dcb09b5b57875f334f61aebed695e2e4193db5e".into()),
                    merge_method: Some(method.into()),
                },
            )
            .await
            .unwrap();
    }
    for event in ["APPROVE", "REQUEST_CHANGES", "COMMENT"] {
        pulls
            .create_review(
                1347,
                &ReviewCreateParams {
                    body: Some("ok".into()),
                    event: Some(event.into()),
                    commit_id: Some("6dcb09b5b57875f334f61aebed695e2e4193db5e".into()),
                },
            )
            .await
            .unwrap();
    }
    first(pulls.list_from(
        &Default::default(),
        page_two("/repos/octocat/Hello-World/pulls"),
    ))
    .await;

    // Commits: every filter.
    first(gh.commits(o, r).list(&CommitListParams {
        sha: Some("master".into()),
        path: Some("README".into()),
        author: Some("octocat".into()),
        since,
        until: chrono::DateTime::from_timestamp(1_800_000_000, 0),
        per_page: PerPage::Exactly(5),
    }))
    .await;

    // Search: sort, order and page size.
    let q = SearchQuery::new().text("bug");
    first(gh.search().issues(
        &q,
        &SearchParams {
            sort: Some("comments".into()),
            order: Some("asc".into()),
            per_page: PerPage::Exactly(10),
        },
    ))
    .await;
    first(gh.search().repositories(
        &q,
        &SearchParams {
            sort: Some("stars".into()),
            order: Some("desc".into()),
            per_page: PerPage::Unset,
        },
    ))
    .await;

    // Error answers as the description documents them (Prism serves the status the request
    // prefers, with the description's example body): each maps to its kind.
    for (path, code, kind) in [
        (
            "/repos/octocat/Hello-World/issues/1347",
            404,
            ErrorKind::NotFound,
        ),
        (
            "/repos/octocat/Hello-World/issues/1347",
            410,
            ErrorKind::NotFound,
        ),
        (
            "/repos/octocat/Hello-World/pulls/1347",
            404,
            ErrorKind::NotFound,
        ),
    ] {
        let err = gh
            .send(Request::get(path).header("prefer", &format!("code={code}")))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(code), "{path} {code}");
        assert_eq!(err.kind(), kind, "{path} {code}: {err}");
    }
    let err = gh
        .send(
            Request::post("/repos/octocat/Hello-World/issues")
                .header("prefer", "code=422")
                .json(&serde_json::json!({"title": "x"})),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(
        err.provider_details::<atom_github::GitHubErrorInfo>()
            .is_some(),
        "the 422 body is read as GitHub's error shape"
    );

    let violations = prism.request_violations();
    assert!(
        violations.is_empty(),
        "Prism reported request violations:\n{}",
        violations.join("\n")
    );
}
