//! The exact `q` GitHub receives: a caller's text is always literal (operator words quoted,
//! quotes and backslashes escaped), operators and groups only when asked for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_github::search::{Operator, SearchParams, SearchQuery};
use common::{client, fixture};
use futures::TryStreamExt as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The `q` of every search the server received, in order.
async fn sent_queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "q")
                .map(|(_, v)| v.into_owned())
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn the_q_parameter_sent_for_each_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search/issues"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("issue-search-result-item-paginated.json"),
            "application/json",
        ))
        .mount(&server)
        .await;
    let gh = client(&server.uri());
    let q = SearchQuery::new;
    let table: Vec<(SearchQuery, &str)> = vec![
        // Operator words from a caller are searched for, not applied.
        (q().text("NOT"), r#""NOT""#),
        (q().text("AND"), r#""AND""#),
        (q().text("OR"), r#""OR""#),
        (
            q().text("crash").text("OR").text("panic"),
            r#"crash "OR" panic"#,
        ),
        // GitHub reads only the upper-case words as operators.
        (q().text("not"), "not"),
        (q().text("Or"), "Or"),
        (q().text("NOTE"), "NOTE"),
        // Phrases, qualifier look-alikes, negation, groups, escapes.
        (q().text("NOT a bug"), r#""NOT a bug""#),
        (q().text("repo:evil/x"), r#""repo:evil/x""#),
        (q().text("-label:bug"), r#""-label:bug""#),
        (q().text("(a OR b)"), r#""(a OR b)""#),
        (q().text(r#"say "hi""#), r#""say \"hi\"""#),
        (q().text(r"C:\path"), r#""C:\\path""#),
        (
            q().text("line\nbreak\tand\u{0}nul"),
            r#""line break and nul""#,
        ),
        (q().text(""), r#""""#),
        // Operators asked for explicitly.
        (q().text("crash").or().text("panic"), "crash OR panic"),
        (q().text("crash").and().text("panic"), "crash AND panic"),
        (q().text("crash").not("flaky"), "crash NOT flaky"),
        (q().text("crash").not("NOT"), r#"crash NOT "NOT""#),
        (
            q().text("crash").operator(Operator::Or).text("OR"),
            r#"crash OR "OR""#,
        ),
        (
            q().group(q().text("a").or().text("NOT")).is("open"),
            r#"(a OR "NOT") is:open"#,
        ),
        (q().text("x").group(q()), "x"),
        // Qualifier values are literal too.
        (
            q().qualifier("label", "NOT")
                .unwrap()
                .exclude("label", "OR")
                .unwrap(),
            r#"label:"NOT" -label:"OR""#,
        ),
    ];
    for (query, _) in &table {
        let mut items = gh.search().issues(query, &SearchParams::default());
        items.try_next().await.unwrap();
    }
    let sent = sent_queries(&server).await;
    assert_eq!(sent.len(), table.len());
    for ((query, expected), got) in table.iter().zip(&sent) {
        assert_eq!(got, expected, "{query:?}");
        assert_eq!(&query.to_string(), expected);
    }
}
