//! `Link` paging: across pages to the end, robust parsing, malformed headers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_github::models::Issue;
use atom_github::pagination::{next_link, parse_links};
use common::{client, fixture};
use futures::TryStreamExt as _;
use serde_json::Value;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn link_header_table() {
    let n = |h: &str| next_link(Some(h)).map_err(|e| e.kind());
    let cases: &[(&str, Option<&str>)] = &[
        (
            r#"<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last""#,
            Some("https://a/x?page=2"),
        ),
        (
            r#"<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel="next""#,
            Some("https://a/x?page=3"),
        ),
        (
            r#"<https://a/x?page=1>; rel="first", <https://a/x?page=1>; rel="prev""#,
            None,
        ),
        ("<https://a/x?page=2>; rel=next", Some("https://a/x?page=2")),
        (
            r#"<https://a/x?page=2>; rel="last next""#,
            Some("https://a/x?page=2"),
        ),
        (
            r#"<https://a/x?page=2>;rel="NEXT""#,
            Some("https://a/x?page=2"),
        ),
        (
            r#"<https://a/x?page=2>; title="a, b; c"; rel="next""#,
            Some("https://a/x?page=2"),
        ),
        (
            r#"<https://a/x?page=2>; title="say \"hi\""; rel="next""#,
            Some("https://a/x?page=2"),
        ),
        (
            r#" , <https://a/x?a=1,2>; rel="next" ,"#,
            Some("https://a/x?a=1,2"),
        ),
        ("", None),
    ];
    for (header, want) in cases {
        assert_eq!(n(header), Ok(want.map(str::to_owned)), "{header}");
    }
    assert_eq!(next_link(None).unwrap(), None);
    for bad in [
        "https://a/x; rel=next",
        "<https://a/x; rel=next",
        r#"<https://a/x>; rel="next"#,
        "<https://a/x>; rel=",
        "<https://a/x> junk",
        "<>; rel=next",
        "<https://a/x>; =next",
    ] {
        assert_eq!(n(bad), Err(ErrorKind::Decode), "{bad}");
    }
    let links = parse_links(r#"<u1>; rel="next prev", <u2>; rel=last"#).unwrap();
    assert_eq!(links[1], ("u2".to_owned(), vec!["last".to_owned()]));
}

fn issues_page(from: u64, count: u64) -> String {
    let one: Value = serde_json::from_str(&fixture("issue.json")).unwrap();
    let items: Vec<Value> = (from..from + count)
        .map(|n| {
            let mut v = one.clone();
            v["number"] = n.into();
            v
        })
        .collect();
    serde_json::to_string(&items).unwrap()
}

#[tokio::test]
async fn pages_are_walked_to_the_end() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let at = "/repos/octocat/Hello-World/issues";
    Mock::given(method("GET"))
        .and(path(at))
        .and(query_param("per_page", "2"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(issues_page(1, 2), "application/json")
                .insert_header(
                    "link",
                    format!(r#"<{uri}{at}?per_page=2&page=2>; rel="next", <{uri}{at}?per_page=2&page=3>; rel="last""#),
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(at))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(issues_page(3, 2), "application/json")
                .insert_header(
                    "link",
                    format!(r#"<{uri}{at}?per_page=2&page=1>; rel="prev", <{uri}{at}?per_page=2&page=3>; rel="next""#),
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(at))
        .and(query_param("page", "3"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(issues_page(5, 1), "application/json")
                .insert_header(
                    "link",
                    format!(r#"<{uri}{at}?per_page=2&page=2>; rel="prev""#),
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let params = atom_github::issues::IssueListParams {
        per_page: atom_github::pagination::PerPage::Exactly(2),
        ..Default::default()
    };
    let all: Vec<Issue> = client(&uri)
        .issues("octocat", "Hello-World")
        .list(&params)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|i| i.number).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
}

#[tokio::test]
async fn a_malformed_link_header_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/octocat/Hello-World/issues"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(issues_page(1, 1), "application/json")
                .insert_header("link", "page=2; rel=next"),
        )
        .mount(&server)
        .await;
    let result: Result<Vec<Issue>, _> = client(&server.uri())
        .issues("octocat", "Hello-World")
        .list(&Default::default())
        .try_collect()
        .await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("malformed Link header"), "{err}");
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/octocat/Hello-World/issues"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(issues_page(1, 1), "application/json")
                .insert_header("link", r#"<https://evil.example/steal?page=2>; rel="next""#),
        )
        .mount(&server)
        .await;
    let mut stream = client(&server.uri())
        .issues("octocat", "Hello-World")
        .list(&Default::default());
    assert!(stream.try_next().await.unwrap().is_some());
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}
