//! Query paging by STARTPOSITION to the end, checkpoints, and the query text sent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use atom_core::{Checkpoint, ErrorKind};
use atom_quickbooks::*;
use common::*;
use futures::{StreamExt as _, TryStreamExt as _};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_page(server: &MockServer, query: &str, first: u64, n: u64, max: u64) {
    Mock::given(method("GET"))
        .and(path(p("query")))
        .and(query_param("query", query))
        .and(query_param("minorversion", "75"))
        .respond_with(ResponseTemplate::new(200).set_body_json(invoice_page(first, n, max)))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_query_pages_by_startposition_to_the_end() {
    let server = MockServer::start().await;
    let base = "SELECT * FROM Invoice WHERE Balance > 0 ORDER BY Id ASC";
    mount_page(
        &server,
        &format!("{base} STARTPOSITION 1 MAXRESULTS 3"),
        1,
        3,
        3,
    )
    .await;
    mount_page(
        &server,
        &format!("{base} STARTPOSITION 4 MAXRESULTS 3"),
        4,
        3,
        3,
    )
    .await;
    mount_page(
        &server,
        &format!("{base} STARTPOSITION 7 MAXRESULTS 3"),
        7,
        1,
        3,
    )
    .await;
    let q = Query::of::<Invoice>()
        .filter("Balance", Op::Gt, 0)
        .order_by("Id")
        .page_size(3);
    let all: Vec<Invoice> = client(&server)
        .invoices()
        .query(q)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().filter_map(|i| i.id.as_deref()).collect();
    assert_eq!(ids, vec!["1", "2", "3", "4", "5", "6", "7"]);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn an_exactly_full_last_page_ends_on_the_empty_page_after_it() {
    let server = MockServer::start().await;
    let base = "SELECT * FROM Invoice";
    mount_page(
        &server,
        &format!("{base} STARTPOSITION 1 MAXRESULTS 2"),
        1,
        2,
        2,
    )
    .await;
    mount_page(
        &server,
        &format!("{base} STARTPOSITION 3 MAXRESULTS 2"),
        3,
        0,
        2,
    )
    .await;
    let n = client(&server)
        .invoices()
        .query(Query::of::<Invoice>().page_size(2))
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .len();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn list_uses_1000_row_pages() {
    let server = MockServer::start().await;
    mount_page(
        &server,
        "SELECT * FROM Invoice STARTPOSITION 1 MAXRESULTS 1000",
        1,
        5,
        1000,
    )
    .await;
    let n = client(&server)
        .invoices()
        .list()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .len();
    assert_eq!(n, 5);
}

#[tokio::test]
async fn a_walk_resumes_from_its_checkpoint() {
    let server = MockServer::start().await;
    let base = "SELECT * FROM Invoice";
    mount_page(
        &server,
        &format!("{base} STARTPOSITION 1 MAXRESULTS 2"),
        1,
        2,
        2,
    )
    .await;
    Mock::given(method("GET"))
        .and(path(p("query")))
        .and(query_param(
            "query",
            format!("{base} STARTPOSITION 3 MAXRESULTS 2"),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(invoice_page(3, 1, 2)))
        .expect(2)
        .mount(&server)
        .await;
    let qb = client(&server);
    let mut stream = qb.invoices().query(Query::of::<Invoice>().page_size(2));
    stream.next().await.unwrap().unwrap();
    stream.next().await.unwrap().unwrap();
    let third = stream.next().await.unwrap().unwrap();
    assert_eq!(third.id.as_deref(), Some("3"));
    let checkpoint: Checkpoint = stream.checkpoint();
    assert_eq!(checkpoint.cursor.as_deref(), Some("3"));
    // A new process picks up at the page it stopped in, skipping what it handed out.
    let resumed: Vec<Invoice> = qb
        .invoices()
        .query_from(
            Query::of::<Invoice>().page_size(2),
            Checkpoint {
                cursor: Some("3".into()),
                skip: 0,
            },
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(resumed.len(), 1);
}

#[tokio::test]
async fn a_query_of_another_entity_is_refused_without_a_request() {
    let server = MockServer::start().await;
    let mut stream = client(&server).invoices().query(Query::new("Customer"));
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_full_page_without_startposition_is_a_decode_error_not_a_guess() {
    let server = MockServer::start().await;
    let mut page = invoice_page(1, 2, 2);
    page["QueryResponse"]
        .as_object_mut()
        .unwrap()
        .remove("startPosition");
    Mock::given(method("GET"))
        .and(path(p("query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    let result: Result<Vec<Invoice>, _> = client(&server)
        .invoices()
        .query(Query::of::<Invoice>().page_size(2))
        .try_collect()
        .await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn a_server_that_repeats_a_page_ends_the_walk_with_an_error_not_a_loop() {
    let server = MockServer::start().await;
    // Every answer claims to be the first page, full: the next start is always 3.
    Mock::given(method("GET"))
        .and(path(p("query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(invoice_page(1, 2, 2)))
        .mount(&server)
        .await;
    let result: Result<Vec<Invoice>, _> = client(&server)
        .invoices()
        .query(Query::of::<Invoice>().page_size(2))
        .try_collect()
        .await;
    assert_eq!(result.unwrap_err().kind(), ErrorKind::Decode);
    assert!(
        requests(&server).await.len() <= 3,
        "stopped at the repeated cursor"
    );
}
