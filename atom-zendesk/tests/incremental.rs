//! Incremental exports: the exact requests, paging to `end_of_stream`, the export rate
//! class, and resuming after a simulated crash with every record once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;

use atom_core::Checkpoint;
use atom_zendesk::incremental::ExportStart;
use common::{client, example, json, query, requests};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer};

/// `pages` pages of `per` tickets, ids from 1, chained by cursors `c1`, `c2`, ...
async fn serve_ticket_export(server: &MockServer, pages: u64, per: u64) {
    let template =
        example("CursorBasedExportIncrementalTicketsResponseExample")["tickets"][0].clone();
    for p in 0..pages {
        let tickets: Vec<Value> = (0..per)
            .map(|i| {
                let mut t = template.clone();
                t["id"] = json!(p * per + i + 1);
                t
            })
            .collect();
        let last = p + 1 == pages;
        let body = json!({
            "tickets": tickets,
            "after_cursor": format!("c{}", p + 1),
            "after_url": format!("https://acme.zendesk.com/api/v2/incremental/tickets/cursor?cursor=c{}", p + 1),
            "before_cursor": null,
            "end_of_stream": last,
        });
        let mock = Mock::given(method("GET")).and(path("/api/v2/incremental/tickets/cursor"));
        let mock = if p == 0 {
            mock.and(query_param("start_time", "1700000000"))
        } else {
            mock.and(query_param("cursor", format!("c{p}")))
        };
        mock.respond_with(json(200, &body)).mount(server).await;
    }
}

#[tokio::test]
async fn the_ticket_export_walks_cursors_to_the_end_of_stream() {
    let server = MockServer::start().await;
    serve_ticket_export(&server, 3, 4).await;
    let c = client(&server.uri());
    let all: Vec<_> = c
        .incremental()
        .tickets(&ExportStart::Time(1_700_000_000))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|t| t.id).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>()
    );
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    assert_eq!(query(&sent[0], "start_time").as_deref(), Some("1700000000"));
    assert_eq!(query(&sent[1], "cursor").as_deref(), Some("c1"));
    assert_eq!(query(&sent[1], "start_time"), None);
}

#[tokio::test]
async fn resume_after_a_crash_yields_every_record_once() {
    let server = MockServer::start().await;
    serve_ticket_export(&server, 5, 7).await;
    let c = client(&server.uri());
    let start = ExportStart::Time(1_700_000_000);
    let mut seen: HashMap<u64, u32> = HashMap::new();
    // Crash points: after 3 records, mid-page, at a page boundary, and near the end.
    let mut saved = Checkpoint::default();
    for crash_after in [3usize, 9, 14, 30] {
        let mut stream = c.incremental().tickets_from(&start, saved.clone());
        let mut handled = 0;
        while handled < crash_after {
            let Some(ticket) = stream.next().await else {
                break;
            };
            *seen.entry(ticket.unwrap().id).or_default() += 1;
            // The sync program saves the checkpoint after its write succeeded.
            saved = stream.checkpoint();
            handled += 1;
        }
        // The process dies here: the stream and everything in memory are gone.
        drop(stream);
        // Serialised and read back, as a store would.
        saved = serde_json::from_str(&serde_json::to_string(&saved).unwrap()).unwrap();
    }
    let mut stream = c.incremental().tickets_from(&start, saved);
    while let Some(ticket) = stream.next().await {
        *seen.entry(ticket.unwrap().id).or_default() += 1;
    }
    assert_eq!(seen.len(), 35, "every record");
    assert!(seen.values().all(|&n| n == 1), "each once: {seen:?}");
}

#[tokio::test]
async fn the_page_stream_hands_out_the_cursor_to_resume_from_next_run() {
    let server = MockServer::start().await;
    serve_ticket_export(&server, 2, 2).await;
    let c = client(&server.uri());
    let pages: Vec<_> = c
        .incremental()
        .ticket_pages(&ExportStart::Time(1_700_000_000))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert!(!pages[0].end_of_stream && pages[1].end_of_stream);
    assert_eq!(pages[1].resume(), Some(ExportStart::Cursor("c2".into())));
    // The next run starts from the saved cursor.
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .and(query_param("cursor", "c2"))
        .respond_with(json(
            200,
            &json!({"tickets": [], "after_cursor": "c2", "end_of_stream": true}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let next: Vec<_> = c
        .incremental()
        .tickets(&pages[1].resume().unwrap())
        .try_collect()
        .await
        .unwrap();
    assert!(next.is_empty());
}

#[tokio::test]
async fn users_and_organizations_exports_decode_the_official_examples() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/users/cursor"))
        .and(query_param("start_time", "0"))
        .and(query_param("per_page", "500"))
        .respond_with(json(
            200,
            &example("CursorBasedExportIncrementalUsersResponseExample"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let mut orgs = example("ExportIncrementalOrganizationsResponseExample");
    orgs["end_of_stream"] = json!(false);
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/organizations"))
        .and(query_param("start_time", "0"))
        .respond_with(json(200, &orgs))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/organizations"))
        .and(query_param("start_time", "1601357503"))
        .respond_with(json(
            200,
            &example("ExportIncrementalOrganizationsResponseExample"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let users: Vec<_> = c
        .incremental()
        .per_page(500)
        .users(&ExportStart::Time(0))
        .try_collect()
        .await
        .unwrap();
    assert!(!users.is_empty());
    let orgs: Vec<_> = c
        .incremental()
        .organizations(&ExportStart::Time(0))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(orgs.len(), 2);
    assert_eq!(orgs[0].name.as_deref(), Some("Groablet Enterprises"));
}

#[tokio::test]
async fn a_page_that_is_not_the_last_without_a_cursor_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .respond_with(json(200, &json!({"tickets": [], "end_of_stream": false})))
        .mount(&server)
        .await;
    let err = client(&server.uri())
        .incremental()
        .tickets(&ExportStart::Time(0))
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::Decode);
}

#[tokio::test]
async fn exports_are_paced_in_their_own_class() {
    use std::time::Duration;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .respond_with(json(
            200,
            &json!({"tickets": [], "after_cursor": "x", "end_of_stream": true}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/1"))
        .respond_with(json(200, &example("TicketResponseExample")))
        .mount(&server)
        .await;
    // One export call a minute: the second export waits for the export budget while
    // ordinary calls go through.
    let c = common::builder(&server.uri())
        .class_limits(
            atom_zendesk::INCREMENTAL_CLASS,
            atom_core::RateLimitConfig::new(1, Duration::from_secs(60), 1).burst(1),
        )
        .build()
        .unwrap();
    let first: Vec<_> = c
        .incremental()
        .tickets(&ExportStart::Time(0))
        .try_collect()
        .await
        .unwrap();
    assert!(first.is_empty());
    let waiting = {
        let c = c.clone();
        tokio::spawn(async move {
            c.incremental()
                .tickets(&ExportStart::Time(0))
                .try_collect::<Vec<_>>()
                .await
        })
    };
    tokio::task::yield_now().await;
    c.tickets().get(1).await.unwrap();
    let sent = requests(&server).await;
    assert_eq!(
        sent.len(),
        2,
        "the first export and the ticket; the second export waits"
    );
    assert_eq!(sent[1].url.path(), "/api/v2/tickets/1");
    waiting.abort();
}

#[tokio::test]
async fn a_page_that_keeps_failing_is_yielded_as_an_error_and_the_stream_goes_on_from_it() {
    let server = MockServer::start().await;
    // Page 2 fails three times (every attempt of one call), then answers.
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .and(query_param("cursor", "c1"))
        .respond_with(wiremock::ResponseTemplate::new(503))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&server)
        .await;
    serve_ticket_export(&server, 3, 2).await;
    let c = client(&server.uri());
    let mut stream = c.incremental().tickets(&ExportStart::Time(1_700_000_000));
    let mut ids = Vec::new();
    let mut errors = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(t) => ids.push(t.id),
            Err(e) => {
                assert!(e.is_retryable(), "{e:?}");
                errors += 1;
            }
        }
    }
    assert_eq!(errors, 1);
    assert_eq!(ids, vec![1, 2, 3, 4, 5, 6], "nothing lost, nothing twice");
}
