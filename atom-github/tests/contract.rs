//! The provider contract: builder options, one rate-limit setter per class, list twins that
//! resume from a checkpoint, search totals, refused parameters as the stream's only item.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use atom_core::{ErrorKind, RateLimitConfig};
use atom_github::models::Issue;
use atom_github::search::SearchQuery;
use atom_github::{Client, SEARCH_CLASS, WRITE_CLASS};
use common::{builder, client, fixture};
use futures::TryStreamExt as _;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn issues_page(first: u64, n: u64) -> String {
    let one = fixture("issue.json");
    let template: serde_json::Value = serde_json::from_str(&one).unwrap();
    let items: Vec<_> = (first..first + n)
        .map(|number| {
            let mut issue = template.clone();
            issue["number"] = number.into();
            issue
        })
        .collect();
    serde_json::to_string(&items).unwrap()
}

#[test]
fn new_is_the_token_shortcut_and_debug_hides_it() {
    let gh = Client::new("ghp_0123456789abcdefghijklmnopqrstuvwxyzAB").unwrap();
    assert!(!format!("{gh:?}").contains("ghp_0123456789"));
}

#[test]
fn an_unknown_rate_class_is_refused_by_build() {
    let err = Client::builder()
        .class_limits("writes", RateLimitConfig::unlimited())
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("writes"), "{err}");
    assert!(
        Client::builder()
            .class_limits(WRITE_CLASS, RateLimitConfig::unlimited())
            .class_limits(SEARCH_CLASS, RateLimitConfig::unlimited())
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn shared_options_reach_the_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rate_limit"))
        .and(header("user-agent", "my-bot/2.0"))
        .and(header("authorization", "Bearer ghp_test_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("rate-limit-overview.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let gh = builder(&server.uri())
        .user_agent("my-bot/2.0")
        .tenant("installation-1")
        .timeout(Duration::from_secs(5))
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    gh.rate_limit_status().await.unwrap();
}

#[tokio::test]
async fn a_too_large_answer_is_refused_by_max_response_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rate_limit"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("rate-limit-overview.json"), "application/json"),
        )
        .mount(&server)
        .await;
    let gh = builder(&server.uri())
        .max_response_bytes(16)
        .build()
        .unwrap();
    assert!(gh.rate_limit_status().await.is_err());
}

/// Page 1 links to page 2, which links to page 3 (the last).
async fn three_pages(server: &MockServer) {
    let uri = server.uri();
    let at = "/repos/octocat/Hello-World/issues";
    for (page, first, n, next) in [(1u8, 1, 2, Some(2)), (2, 3, 2, Some(3)), (3, 5, 1, None)] {
        let mut response =
            ResponseTemplate::new(200).set_body_raw(issues_page(first, n), "application/json");
        if let Some(next) = next {
            response = response.insert_header(
                "link",
                format!(r#"<{uri}{at}?per_page=2&page={next}>; rel="next""#),
            );
        }
        let mock = Mock::given(method("GET")).and(path(at));
        let mock = if page == 1 {
            mock.and(query_param_is_missing("page"))
        } else {
            mock.and(query_param("page", page.to_string()))
        };
        mock.respond_with(response).mount(server).await;
    }
}

#[tokio::test]
async fn list_from_resumes_at_the_checkpoint() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let gh = client(&server.uri());
    let issues = gh.issues("octocat", "Hello-World");
    let params = atom_github::issues::IssueListParams {
        per_page: atom_github::pagination::PerPage::Exactly(2),
        ..Default::default()
    };
    let mut stream = issues.list(&params);
    let mut seen = Vec::new();
    for _ in 0..3 {
        let issue: Issue = stream.try_next().await.unwrap().unwrap();
        seen.push(issue.number);
    }
    let checkpoint = stream.checkpoint();
    drop(stream);
    let before = server.received_requests().await.unwrap().len();
    let rest: Vec<u64> = issues
        .list_from(&params, checkpoint)
        .map_ok(|i| i.number)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(seen, vec![1, 2, 3]);
    assert_eq!(rest, vec![4, 5]);
    // The resumed stream starts at page 2: pages 2 and 3, not page 1 again.
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests[before..]
            .iter()
            .all(|r| r.url.query().is_some_and(|q| q.contains("page="))),
        "page 1 fetched again"
    );
}

#[tokio::test]
async fn search_keeps_total_count_and_incomplete_results() {
    let server = MockServer::start().await;
    let mut body: serde_json::Value =
        serde_json::from_str(&fixture("issue-search-result-item-paginated.json")).unwrap();
    body["total_count"] = 4321.into();
    body["incomplete_results"] = true.into();
    Mock::given(method("GET"))
        .and(path("/search/issues"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;
    let gh = client(&server.uri());
    let mut found = gh
        .search()
        .issues(&SearchQuery::new().text("crash"), &Default::default());
    assert_eq!((found.total(), found.complete()), (None, None));
    while found.try_next().await.unwrap().is_some() {}
    assert_eq!(found.total(), Some(4321));
    assert_eq!(found.complete(), Some(false));

    Mock::given(method("GET"))
        .and(path("/search/repositories"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("repo-search-result-item-paginated.json"),
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let mut repos = gh
        .search()
        .repositories(&SearchQuery::new().text("tetris"), &Default::default());
    while repos.try_next().await.unwrap().is_some() {}
    assert_eq!(repos.total(), Some(40));
    assert_eq!(repos.complete(), Some(true));
}

#[tokio::test]
async fn refused_parameters_are_the_only_item_named_github() {
    let server = MockServer::start().await;
    let gh = client(&server.uri());
    let mut bad_repo = gh.pulls("..", "x").files(1, &Default::default());
    let err = bad_repo.try_next().await.unwrap_err();
    assert_eq!((err.kind(), err.service()), (ErrorKind::Config, "github"));
    assert!(bad_repo.try_next().await.unwrap().is_none());
    let mut bad_org = gh.repos().list_for_org("a b", &Default::default());
    assert_eq!(
        bad_org.try_next().await.unwrap_err().kind(),
        ErrorKind::Config
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
