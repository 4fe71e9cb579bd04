//! Search: escaping, the 1 000-result ceiling, export cursors, counts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::testing::proptest_config;
use atom_zendesk::models::TicketStatus;
use atom_zendesk::search::{SearchQuery, SearchResult, SearchType, escape_value};
use chrono::NaiveDate;
use common::{client, example, json, query, requests};
use futures::TryStreamExt as _;
use proptest::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer};

#[test]
fn the_builder_writes_zendesk_syntax_and_escapes_values() {
    let q = SearchQuery::new()
        .kind(SearchType::Ticket)
        .status_below(TicketStatus::Solved)
        .created_after(NaiveDate::from_ymd_opt(2024, 1, 31).unwrap())
        .tag("vip")
        .without_tag("spam")
        .phrase(r#"printer "on" fire"#)
        .field("requester", "jane@example.com")
        .exclude("subject", "-x type:user")
        .build()
        .unwrap();
    assert_eq!(
        q,
        r#"type:ticket status<solved created>2024-01-31 tags:vip -tags:spam "printer  on  fire" requester:jane@example.com -subject:"-x type:user""#
    );
}

proptest! {
    #![proptest_config(proptest_config(2_000))]

    /// Whatever a value holds, it comes out as one term: bare and plain, or one quoted
    /// string with no quote or control character inside.
    #[test]
    fn an_escaped_value_is_always_one_term(value in any::<String>()) {
        let out = escape_value(&value);
        if let Some(inner) = out.strip_prefix('"') {
            let inner = inner.strip_suffix('"').unwrap();
            prop_assert!(!inner.contains('"'));
            prop_assert!(!inner.chars().any(char::is_control));
        } else {
            prop_assert_eq!(&out, &value);
            prop_assert!(!out.is_empty() && !out.starts_with('-'));
            prop_assert!(!out.contains([':', '<', '>', '"', ' ', '*', '(', ')']));
        }
    }

    #[test]
    fn a_field_query_never_gains_a_term(value in "\\PC{1,40}") {
        if let Ok(q) = SearchQuery::new().field("subject", &value).build() {
            prop_assert!(q.starts_with("subject:"));
            let rest = &q["subject:".len()..];
            prop_assert!(!rest.contains(' ') || (rest.starts_with('"') && rest.ends_with('"') && rest.matches('"').count() == 2));
        }
    }
}

fn results_page(from: u64, n: u64, next: Option<u64>, count: u64) -> Value {
    let results: Vec<Value> = (from..from + n)
        .map(|id| json!({"id": id, "result_type": "ticket", "subject": "s"}))
        .collect();
    json!({
        "results": results,
        "count": count,
        "next_page": next.map(|p| format!("https://acme.zendesk.com/api/v2/search.json?page={p}&per_page=100&query=x")),
        "previous_page": null,
    })
}

#[tokio::test]
async fn search_stops_at_the_1000_result_ceiling_and_says_it_is_incomplete() {
    let server = MockServer::start().await;
    for page in 1..=11u64 {
        let mock = Mock::given(method("GET")).and(path("/api/v2/search"));
        let mock = if page == 1 {
            mock.and(query_param_is_missing("page"))
        } else {
            mock.and(query_param("page", page.to_string()))
        };
        mock.respond_with(json(
            200,
            &results_page((page - 1) * 100, 100, Some(page + 1), 5_000),
        ))
        .mount(&server)
        .await;
    }
    let mut stream = client(&server.uri()).search().search(
        &SearchQuery::new().kind(SearchType::Ticket).term("printer"),
        &Default::default(),
    );
    let mut n = 0;
    while let Some(r) = stream.try_next().await.unwrap() {
        assert!(r.as_ticket().is_some());
        n += 1;
    }
    assert_eq!(n, 1_000);
    assert_eq!(stream.total(), Some(5_000));
    assert_eq!(stream.complete(), Some(false));
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 10, "page 11 is never asked for");
    assert_eq!(
        query(&sent[0], "query").as_deref(),
        Some("type:ticket printer")
    );
    assert_eq!(query(&sent[0], "per_page").as_deref(), Some("100"));
}

#[tokio::test]
async fn the_official_search_example_decodes_with_other_result_types() {
    let server = MockServer::start().await;
    let mut body = example("SearchResponseExample");
    body["next_page"] = Value::Null;
    Mock::given(method("GET"))
        .and(path("/api/v2/search"))
        .respond_with(json(200, &body))
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server.uri())
        .search()
        .search(&SearchQuery::new().term("hello"), &Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    assert!(matches!(results[0], SearchResult::Other(_)));
}

#[tokio::test]
async fn export_walks_cursors_with_filter_type_and_count_reads_the_count() {
    let server = MockServer::start().await;
    let mut first = example("SearchExportResponseExample");
    first["results"] = json!([{"id": 1, "result_type": "ticket"}]);
    let after = first["meta"]["after_cursor"].as_str().unwrap().to_owned();
    Mock::given(method("GET"))
        .and(path("/api/v2/search/export"))
        .and(query_param_is_missing("page[after]"))
        .respond_with(json(200, &first))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/search/export"))
        .and(query_param("page[after]", after.as_str()))
        .respond_with(json(200, &json!({"results": [{"id": 2, "result_type": "ticket"}], "meta": {"has_more": false, "after_cursor": null}, "links": {"next": null}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/search/count"))
        .and(query_param("query", "type:ticket status:open"))
        .respond_with(json(200, &example("SearchCountResponseExample")))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let q = SearchQuery::new()
        .kind(SearchType::Ticket)
        .status(TicketStatus::Open);
    let all: Vec<_> = c
        .search()
        .export(&q, SearchType::Ticket)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(c.search().count(&q).await.unwrap(), 6);
    let sent = requests(&server).await;
    assert_eq!(query(&sent[0], "filter[type]").as_deref(), Some("ticket"));
    assert_eq!(query(&sent[0], "page[size]").as_deref(), Some("100"));
}

#[test]
fn times_are_written_in_utc_and_dates_as_days() {
    use chrono::TimeZone;
    let t = chrono::Utc.with_ymd_and_hms(2024, 3, 1, 8, 30, 0).unwrap();
    let q = SearchQuery::new()
        .updated_after(t)
        .created_before(NaiveDate::from_ymd_opt(2024, 3, 2).unwrap())
        .build()
        .unwrap();
    assert_eq!(q, "updated>2024-03-01T08:30:00Z created<2024-03-02");
}
