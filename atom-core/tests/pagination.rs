//! The generic pager over a cursor API served by wiremock.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use atom_core::{ApiClient, Checkpoint, ErrorKind, Page, Paginator, Request};
use futures::{StreamExt as _, TryStreamExt as _};
use serde::Deserialize;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request as WireRequest, Respond, ResponseTemplate};

const PAGES: u32 = 25;
const PER_PAGE: u32 = 4;

/// `GET /items?cursor=N` answers page N with `next` = N+1 until the last page.
struct CursorApi;

impl Respond for CursorApi {
    fn respond(&self, request: &WireRequest) -> ResponseTemplate {
        let page: u32 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "cursor")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let items: Vec<u32> = (0..PER_PAGE).map(|i| page * PER_PAGE + i).collect();
        let next = (page + 1 < PAGES).then(|| (page + 1).to_string());
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": items, "next": next}))
    }
}

#[derive(Deserialize)]
struct Body {
    items: Vec<u32>,
    next: Option<String>,
}

fn pager(client: ApiClient, from: Checkpoint) -> Paginator<u32> {
    Paginator::new(from, move |cursor| {
        let client = client.clone();
        Box::pin(async move {
            let request = Request::get("/items")
                .operation("items.list")
                .query_opt("cursor", cursor);
            let body: Body = client.send(request).await?.json()?;
            Ok(Page::new(body.items, body.next))
        })
    })
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(CursorApi)
        .mount(&server)
        .await;
    server
}

fn all_items() -> Vec<u32> {
    (0..PAGES * PER_PAGE).collect()
}

#[tokio::test]
async fn twenty_five_pages_to_the_end_in_order() {
    let server = server().await;
    let items: Vec<u32> = pager(common::client(&server.uri(), 3), Checkpoint::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, all_items());
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        PAGES as usize
    );
}

#[tokio::test]
async fn a_repeated_cursor_ends_with_an_error_not_a_loop() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("cursor", "b"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"items": [3, 4], "next": "a"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("cursor", "a"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"items": [1, 2], "next": "b"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"items": [0], "next": "a"})),
        )
        .mount(&server)
        .await;
    let results: Vec<_> = pager(common::client(&server.uri(), 1), Checkpoint::default())
        .collect()
        .await;
    let items: Vec<u32> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    assert_eq!(items, vec![0, 1, 2, 3, 4]);
    let last = results.last().unwrap().as_ref().unwrap_err();
    assert_eq!(last.kind(), ErrorKind::Decode);
    assert!(last.message().contains("repeated"));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_503_on_page_seven_is_retried_and_the_stream_continues() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("cursor", "6"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(CursorApi)
        .mount(&server)
        .await;
    let items: Vec<u32> = pager(common::client(&server.uri(), 3), Checkpoint::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, all_items());
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), PAGES as usize + 1);
    let page_seven = requests
        .iter()
        .filter(|r| r.url.query() == Some("cursor=6"))
        .count();
    assert_eq!(page_seven, 2, "only the failed page was fetched again");
}

#[tokio::test]
async fn a_page_that_keeps_failing_yields_the_error_and_polling_again_resumes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("cursor", "2"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(CursorApi)
        .mount(&server)
        .await;
    // One attempt per call: the error reaches the stream.
    let mut stream = pager(common::client(&server.uri(), 1), Checkpoint::default());
    let mut items = Vec::new();
    let mut errors = 0;
    while let Some(r) = stream.next().await {
        match r {
            Ok(i) => items.push(i),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Server);
                errors += 1;
            }
        }
    }
    assert_eq!(errors, 2);
    assert_eq!(
        items,
        all_items(),
        "nothing lost or repeated around the failures"
    );
}

#[tokio::test]
async fn a_checkpoint_resumes_at_the_right_page_and_item() {
    let server = server().await;
    let client = common::client(&server.uri(), 3);
    let mut first = pager(client.clone(), Checkpoint::default());
    let mut seen = Vec::new();
    // Stop in the middle of page 10 (items 40..44).
    for _ in 0..(10 * PER_PAGE + 2) {
        seen.push(first.next().await.unwrap().unwrap());
    }
    let checkpoint = first.checkpoint();
    assert_eq!(
        checkpoint,
        Checkpoint {
            cursor: Some("10".into()),
            skip: 2
        }
    );
    drop(first);
    // The checkpoint survives serialisation (an app stores it between runs).
    let stored = serde_json::to_string(&checkpoint).unwrap();
    let restored: Checkpoint = serde_json::from_str(&stored).unwrap();
    let before = server.received_requests().await.unwrap().len();
    let rest: Vec<u32> = pager(client, restored).try_collect().await.unwrap();
    seen.extend(rest);
    assert_eq!(seen, all_items());
    let resumed = server.received_requests().await.unwrap();
    assert_eq!(
        resumed[before].url.query(),
        Some("cursor=10"),
        "resumed at page 10"
    );
}

#[tokio::test]
async fn the_next_page_is_requested_before_the_current_one_is_consumed() {
    let server = server().await;
    let mut stream = pager(common::client(&server.uri(), 3), Checkpoint::default());
    let _first = stream.next().await.unwrap().unwrap();
    // Give the prefetch a moment; the caller has taken one item of page 0 only.
    for _ in 0..50 {
        if server.received_requests().await.unwrap().len() >= 2 {
            break;
        }
        let _ = stream.next().await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        if server.received_requests().await.unwrap().len() >= 2 {
            break;
        }
    }
    let count = server.received_requests().await.unwrap().len();
    assert!(
        count >= 2,
        "page 1 was prefetched while page 0 was being read"
    );
    assert!(count <= 2, "no more than one page ahead, got {count}");
}

#[tokio::test]
async fn an_error_no_retry_can_fix_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("cursor", "2"))
        .respond_with(ResponseTemplate::new(404))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(CursorApi)
        .mount(&server)
        .await;
    let mut stream = pager(common::client(&server.uri(), 3), Checkpoint::default());
    let mut items = 0;
    let mut errors = Vec::new();
    while let Some(r) = stream.next().await {
        match r {
            Ok(_) => items += 1,
            Err(e) => errors.push(e.kind()),
        }
    }
    assert_eq!(errors, vec![ErrorKind::NotFound], "one error, then the end");
    assert_eq!(items, 8, "the two pages before the failing one");
    let failing_page_fetches = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.query() == Some("cursor=2"))
        .count();
    assert_eq!(failing_page_fetches, 1);
}

#[tokio::test]
async fn walk_sends_the_first_request_then_one_per_cursor_and_keeps_the_totals() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(CursorApi)
        .mount(&server)
        .await;
    let client = common::client(&server.uri(), 2);
    let mut pages = Paginator::walk(
        "example",
        Checkpoint::default(),
        Request::get("/items").query("limit", "4"),
        move |request| {
            let client = client.clone();
            Box::pin(async move { client.send(request).await })
        },
        |first, cursor| first.clone().query("cursor", cursor),
        |response| {
            let body: Body = response.json()?;
            Ok(Page::new(body.items, body.next)
                .with_total(u64::from(PAGES * PER_PAGE))
                .with_complete(true))
        },
    );
    assert_eq!((pages.total(), pages.complete()), (None, None));
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first, 0);
    assert_eq!((pages.total(), pages.complete()), (Some(100), Some(true)));
    let rest: Vec<u32> = pages.try_collect().await.unwrap();
    assert_eq!(rest.len(), 99);
    let seen = server.received_requests().await.unwrap_or_default();
    assert_eq!(seen.len(), PAGES as usize);
    // Every request keeps the first one's query and adds the cursor.
    assert!(
        seen.iter()
            .all(|r| r.url.query().unwrap_or("").contains("limit=4"))
    );
}

#[tokio::test]
async fn errors_the_stream_makes_itself_name_the_service() {
    let pages = Paginator::new(Checkpoint::default(), |_| {
        Box::pin(async { Ok(Page::new(vec![1u8], Some("same".to_owned()))) })
    })
    .service("example");
    let results: Vec<_> = pages.collect().await;
    let err = results.into_iter().find_map(Result::err).unwrap();
    assert_eq!((err.kind(), err.service()), (ErrorKind::Decode, "example"));
}

/// Pages of 3 items, forever, counting how many fetches were started.
fn counted_pages(started: Arc<AtomicUsize>) -> Paginator<u32> {
    Paginator::new(Checkpoint::default(), move |cursor: Option<String>| {
        started.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            let n: u32 = cursor.as_deref().unwrap_or("0").parse().unwrap_or(0);
            Ok(Page::new(
                vec![n * 3, n * 3 + 1, n * 3 + 2],
                Some((n + 1).to_string()),
            ))
        })
    })
}

/// A caller that takes the first item and drops the stream never causes a request for the
/// next page: the prefetch starts only when the caller comes back for a second item.
#[tokio::test]
async fn a_stream_dropped_after_its_first_item_never_fetches_the_next_page() {
    let started = Arc::new(AtomicUsize::new(0));
    let mut stream = counted_pages(started.clone());
    assert_eq!(stream.next().await.transpose().unwrap(), Some(0));
    drop(stream);
    assert_eq!(started.load(Ordering::SeqCst), 1, "only page 0 was fetched");

    // Coming back for a second item starts the prefetch of page 1.
    let started = Arc::new(AtomicUsize::new(0));
    let mut stream = counted_pages(started.clone());
    assert_eq!(stream.next().await.transpose().unwrap(), Some(0));
    assert_eq!(stream.next().await.transpose().unwrap(), Some(1));
    assert_eq!(started.load(Ordering::SeqCst), 2, "page 1 is prefetched");
}
