//! The ticket and user change feeds against a mock export that keeps state: the exact
//! requests, decoding of Zendesk's example, paging to `end_of_stream`, resume from every
//! checkpoint, a later run continuing from the last cursor, retries mid-walk, refused
//! checkpoints, a server that repeats its cursor, and webhook ticket events as the same
//! changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use atom_core::ErrorKind;
use atom_core::Secret;
use atom_core::feed::{Change, ChangeKind, FeedCheckpoint, changes_from_webhook};
use atom_zendesk::feed::{FeedStart, MAX_SEEN, TICKETS_FEED, USERS_FEED};
use atom_zendesk::models::{Ticket, User};
use atom_zendesk::webhook::{Webhook, signed_headers};
use chrono::{DateTime, Utc};
use common::{client, example, json, query, requests};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const T0: i64 = 1_700_000_000;

/// One record of the mock export: its id, export second, whether it was created at that
/// second, and its status.
#[derive(Debug, Clone)]
struct Rec {
    id: u64,
    generated: i64,
    created: i64,
    status: &'static str,
}

/// A stateful cursor export: records ordered by (generated_timestamp, id); `start_time`
/// serves those at or after it, `cursor=c:{gen}:{id}` those after that pair; `per` records
/// a page. Zendesk's own cursors name a position the same way.
#[derive(Clone)]
struct Export {
    records: Arc<Mutex<Vec<Rec>>>,
    per: usize,
    key: &'static str,
    /// Seconds `generated_timestamp` runs ahead of `updated_at` (a system regeneration),
    /// and whether the export keys on `updated_at` instead (Zendesk does not say which).
    lag: i64,
    by_updated: bool,
}

fn iso(t: i64) -> String {
    DateTime::from_timestamp(t, 0).unwrap().to_rfc3339()
}

impl Export {
    fn new(key: &'static str, per: usize, records: Vec<Rec>) -> Self {
        Self {
            records: Arc::new(Mutex::new(records)),
            per,
            key,
            lag: 0,
            by_updated: false,
        }
    }

    /// The export key of a record.
    fn time(&self, r: &Rec) -> i64 {
        if self.by_updated {
            r.generated - self.lag * (r.id as i64 % 2)
        } else {
            r.generated
        }
    }

    /// Changes record `id` at export second `generated` (a later update).
    fn update(&self, id: u64, generated: i64, status: &'static str) {
        let mut records = self.records.lock().unwrap();
        let r = records.iter_mut().find(|r| r.id == id).unwrap();
        r.generated = generated;
        r.status = status;
    }

    fn record_json(&self, r: &Rec) -> Value {
        if self.key == "users" {
            let mut u =
                example("CursorBasedExportIncrementalUsersResponseExample")["users"][0].clone();
            u["id"] = json!(r.id);
            u["active"] = json!(r.status != "deleted");
            u["created_at"] = json!(iso(r.created));
            u["updated_at"] = json!(iso(r.generated));
            return u;
        }
        let mut t =
            example("CursorBasedExportIncrementalTicketsResponseExample")["tickets"][0].clone();
        t["id"] = json!(r.id);
        t["generated_timestamp"] = json!(r.generated);
        t["created_at"] = json!(iso(r.created));
        t["updated_at"] = json!(iso(r.generated - self.lag * (r.id as i64 % 2)));
        t["status"] = json!(r.status);
        t
    }
}

impl Respond for Export {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut records = self.records.lock().unwrap().clone();
        records.sort_by_key(|r| (self.time(r), r.id));
        let after: Vec<Rec> = if let Some(c) = query(request, "cursor") {
            let Some((g, id)) = c
                .strip_prefix("c:")
                .and_then(|p| p.split_once(':'))
                .and_then(|(g, id)| Some((g.parse::<i64>().ok()?, id.parse::<u64>().ok()?)))
            else {
                return json(400, &json!({"error": "InvalidCursor"}));
            };
            records
                .into_iter()
                .filter(|r| (self.time(r), r.id) > (g, id))
                .collect()
        } else {
            let Some(t) = query(request, "start_time").and_then(|t| t.parse::<i64>().ok()) else {
                return json(400, &json!({"error": "InvalidPaginationParameter"}));
            };
            records.into_iter().filter(|r| self.time(r) >= t).collect()
        };
        let page: Vec<&Rec> = after.iter().take(self.per).collect();
        let end = after.len() <= self.per;
        let cursor = match page.last() {
            Some(r) => format!("c:{}:{}", self.time(r), r.id),
            None => query(request, "cursor").unwrap_or_else(|| "c:0:0".to_owned()),
        };
        let items: Vec<Value> = page.iter().map(|r| self.record_json(r)).collect();
        json(
            200,
            &json!({
                self.key: items,
                "after_cursor": cursor,
                "after_url": format!("https://acme.zendesk.com/api/v2/incremental/{}/cursor?cursor={cursor}", self.key),
                "before_cursor": null,
                "before_url": null,
                "end_of_stream": end,
            }),
        )
    }
}

/// Tickets 1..=n; every third one shares its export second with the one before, so pages
/// split seconds.
fn records(n: u64) -> Vec<Rec> {
    (1..=n)
        .map(|id| {
            let generated = T0 + (id as i64 / 3) * 10;
            Rec {
                id,
                generated,
                created: if id % 2 == 0 { generated } else { T0 - 100 },
                status: if id == 5 { "deleted" } else { "open" },
            }
        })
        .collect()
}

async fn serve(export: &Export) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v2/incremental/{}/cursor", export.key)))
        .respond_with(export.clone())
        .mount(&server)
        .await;
    server
}

fn since() -> FeedStart {
    FeedStart::Since(DateTime::from_timestamp(T0, 0).unwrap())
}

async fn all<T: Send + 'static>(feed: atom_core::feed::ChangeFeed<T>) -> Vec<Change<T>> {
    feed.try_collect().await.unwrap()
}

fn ids<T>(changes: &[Change<T>]) -> Vec<String> {
    changes.iter().map(|c| c.object_id.clone()).collect()
}

#[tokio::test]
async fn the_first_request_and_the_next_are_exactly_zendesks() {
    let export = Export::new("tickets", 4, records(6));
    let server = serve(&export).await;
    let changes = all(client(&server.uri()).incremental().tickets_feed(since())).await;
    assert_eq!(ids(&changes), ["1", "2", "3", "4", "5", "6"]);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "two pages, then end_of_stream");
    assert_eq!(sent[0].url.path(), "/api/v2/incremental/tickets/cursor");
    let pairs = |r: &Request| -> Vec<(String, String)> {
        r.url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    assert_eq!(pairs(&sent[0]), [("start_time".to_owned(), T0.to_string())]);
    // The ticket export has a fixed page size: no per_page.
    assert_eq!(
        pairs(&sent[1]),
        [("cursor".to_owned(), format!("c:{}:4", T0 + 10))]
    );
    let auth = sent[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(auth.starts_with("Basic "), "{auth}");
}

#[tokio::test]
async fn zendesks_example_page_decodes_into_typed_changes() {
    let server = MockServer::start().await;
    let body = example("CursorBasedExportIncrementalTicketsResponseExample");
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .respond_with(json(200, &body))
        .mount(&server)
        .await;
    let changes = all(client(&server.uri()).incremental().tickets_feed(since())).await;
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    assert_eq!(
        (c.kind, c.object_type.as_str(), c.object_id.as_str()),
        (ChangeKind::Updated, "ticket", "35436")
    );
    assert_eq!(
        c.at,
        "2011-05-05T10:38:52Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        c.object.subject.as_deref(),
        Some("Help, my printer is on fire!")
    );
    // The last change of a page carries the page's after_cursor.
    let cp = c.checkpoint.clone().unwrap();
    assert_eq!(cp.feed, TICKETS_FEED);
    assert_eq!(cp.cursor.as_deref(), Some("MTU3NjYxMzUzOS4wfHw0Njd8"));
    assert!(cp.seen.is_empty());
}

#[tokio::test]
async fn kinds_follow_status_and_creation() {
    let export = Export::new("tickets", 3, records(6));
    let server = serve(&export).await;
    let changes = all(client(&server.uri()).incremental().tickets_feed(since())).await;
    let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
    use ChangeKind::*;
    // Even ids were created at their export second; 5 is deleted.
    assert_eq!(
        kinds,
        [Updated, Created, Updated, Created, Deleted, Created]
    );
}

#[tokio::test]
async fn resuming_from_every_checkpoint_yields_exactly_the_later_changes() {
    let export = Export::new("tickets", 4, records(23));
    let server = serve(&export).await;
    let c = client(&server.uri());
    let changes = all(c.incremental().tickets_feed(since())).await;
    let everything = ids(&changes);
    assert_eq!(everything.len(), 23);
    for (k, change) in changes.iter().enumerate() {
        // Saved and read back, as a store would.
        let saved =
            FeedCheckpoint::from_json(change.checkpoint.as_ref().unwrap().to_json().as_bytes())
                .unwrap();
        let resumed = all(c.incremental().tickets_feed_from(&saved)).await;
        assert_eq!(
            ids(&resumed),
            everything[k + 1..],
            "resumed after change {k}: {saved:?}"
        );
    }
}

#[tokio::test]
async fn a_resume_is_early_enough_whichever_time_the_export_keys_on() {
    for by_updated in [false, true] {
        let mut export = Export::new("tickets", 4, records(17));
        // Odd tickets were regenerated 25 s after their update.
        export.lag = 25;
        export.by_updated = by_updated;
        let server = serve(&export).await;
        let c = client(&server.uri());
        let changes = all(c.incremental().tickets_feed(since())).await;
        let everything = ids(&changes);
        // Keyed on updated_at, the tickets updated before the start are not exported.
        assert_eq!(everything.len(), if by_updated { 13 } else { 17 });
        for (k, change) in changes.iter().enumerate() {
            let saved = change.checkpoint.clone().unwrap();
            let resumed = ids(&all(c.incremental().tickets_feed_from(&saved)).await);
            // Repeats of earlier tickets may come first; every later one comes, in order.
            assert!(
                resumed.ends_with(&everything[k + 1..]),
                "by_updated {by_updated}, after change {k}: {resumed:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_start_checkpoint_is_reported_before_any_change_and_resumes() {
    let export = Export::new("tickets", 4, records(5));
    let server = serve(&export).await;
    let c = client(&server.uri());
    let feed = c.incremental().tickets_feed(since());
    let start = feed.checkpoint().cloned().unwrap();
    assert_eq!(start.at.map(|t| t.timestamp()), Some(T0));
    assert_eq!(start.cursor, None);
    drop(feed);
    assert_eq!(
        ids(&all(c.incremental().tickets_feed_from(&start)).await),
        ["1", "2", "3", "4", "5"]
    );
}

#[tokio::test]
async fn a_later_run_continues_from_the_last_cursor_with_what_changed() {
    let export = Export::new("tickets", 4, records(8));
    let server = serve(&export).await;
    let c = client(&server.uri());
    let mut feed = c.incremental().tickets_feed(since());
    while feed.try_next().await.unwrap().is_some() {}
    let saved = feed.checkpoint().cloned().unwrap();
    assert!(
        saved.cursor.is_some(),
        "ends on the last page's cursor: {saved:?}"
    );
    let before = requests(&server).await.len();
    // Nothing changed: one request, no change.
    assert!(
        all(c.incremental().tickets_feed_from(&saved))
            .await
            .is_empty()
    );
    assert_eq!(requests(&server).await.len(), before + 1);
    export.update(3, T0 + 500, "solved");
    export.update(7, T0 + 600, "deleted");
    let later = all(c.incremental().tickets_feed_from(&saved)).await;
    assert_eq!(ids(&later), ["3", "7"]);
    assert_eq!(later[1].kind, ChangeKind::Deleted);
    assert_eq!(
        later[0].object.status.as_ref().map(|s| s.as_str()),
        Some("solved")
    );
}

#[tokio::test]
async fn a_crash_mid_page_then_updates_lose_nothing() {
    let export = Export::new("tickets", 5, records(12));
    let server = serve(&export).await;
    let c = client(&server.uri());
    let mut feed = c.incremental().tickets_feed(since());
    let mut saved = None;
    for _ in 0..7 {
        saved = feed.try_next().await.unwrap().unwrap().checkpoint;
    }
    drop(feed);
    // Ticket 2 (already handled) and 9 (not yet) change before the resume.
    export.update(2, T0 + 900, "pending");
    export.update(9, T0 + 950, "pending");
    let resumed = all(c.incremental().tickets_feed_from(&saved.unwrap())).await;
    assert_eq!(ids(&resumed), ["8", "10", "11", "12", "2", "9"]);
}

#[tokio::test]
async fn more_records_in_one_second_than_seen_keeps_only_repeat_never_lose() {
    let n = MAX_SEEN as u64 + 30;
    let recs: Vec<Rec> = (1..=n)
        .map(|id| Rec {
            id,
            generated: T0,
            created: T0 - 5,
            status: "open",
        })
        .collect();
    let export = Export::new("tickets", 1000, recs);
    let server = serve(&export).await;
    let c = client(&server.uri());
    let changes = all(c.incremental().tickets_feed(since())).await;
    let cp = changes[n as usize - 2].checkpoint.clone().unwrap();
    assert_eq!(cp.seen.len(), MAX_SEEN);
    let resumed = all(c.incremental().tickets_feed_from(&cp)).await;
    let got = ids(&resumed);
    // Everything after the checkpoint comes; only records past the seen cap repeat.
    assert!(got.contains(&n.to_string()));
    assert_eq!(got.len(), 30, "{got:?}");
}

/// A server that answers 429, then 503, then the real export.
struct Flaky {
    inner: Export,
    calls: AtomicUsize,
}

impl Respond for Flaky {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self.calls.fetch_add(1, Ordering::SeqCst) {
            1 => ResponseTemplate::new(429).insert_header("retry-after", "0"),
            2 => json(503, &json!({"error": "unavailable"})),
            _ => self.inner.respond(request),
        }
    }
}

#[tokio::test]
async fn a_429_and_a_503_mid_walk_are_retried_and_the_walk_finishes() {
    let export = Export::new("tickets", 3, records(9));
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .respond_with(Flaky {
            inner: export,
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let changes = all(client(&server.uri()).incremental().tickets_feed(since())).await;
    assert_eq!(changes.len(), 9);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 5, "3 pages and 2 retries");
    assert_eq!(query(&sent[1], "cursor"), query(&sent[3], "cursor"));
}

async fn first_error<T: Send + 'static>(feed: atom_core::feed::ChangeFeed<T>) -> atom_core::Error {
    let mut feed = feed;
    loop {
        match feed.next().await {
            Some(Err(e)) => return e,
            Some(Ok(_)) => {}
            None => panic!("the feed ended without an error"),
        }
    }
}

#[tokio::test]
async fn damaged_and_foreign_checkpoints_are_refused_before_any_request() {
    let export = Export::new("tickets", 3, records(3));
    let server = serve(&export).await;
    let c = client(&server.uri());
    let future = Utc::now() + chrono::Duration::hours(2);
    let recent = Utc::now() - chrono::Duration::seconds(10);
    let many: Vec<String> = (0..5_000).map(|i| i.to_string()).collect();
    let bad = [
        FeedCheckpoint::new("stripe.events").with_cursor("evt_1"),
        FeedCheckpoint::new(TICKETS_FEED).with_cursor(""),
        FeedCheckpoint::new(TICKETS_FEED).with_cursor("a b"),
        FeedCheckpoint::new(TICKETS_FEED).with_cursor("x".repeat(5_000)),
        FeedCheckpoint::new(TICKETS_FEED)
            .with_cursor("c:1:1")
            .with_seen(vec!["1".into()]),
        FeedCheckpoint::new(TICKETS_FEED)
            .with_cursor("c:1:1")
            .with_at(future),
        FeedCheckpoint::new(TICKETS_FEED).with_at(future),
        FeedCheckpoint::new(TICKETS_FEED).with_at(recent),
        FeedCheckpoint::new(TICKETS_FEED).with_at(DateTime::from_timestamp(-5, 0).unwrap()),
        FeedCheckpoint::new(TICKETS_FEED)
            .with_at(DateTime::from_timestamp(T0, 0).unwrap())
            .with_seen(many),
        FeedCheckpoint::new(TICKETS_FEED)
            .with_at(DateTime::from_timestamp(T0, 0).unwrap())
            .with_seen(vec!["x".into()]),
        FeedCheckpoint::new(TICKETS_FEED),
        FeedCheckpoint::new(USERS_FEED).with_cursor("c:1:1"),
    ];
    for checkpoint in &bad {
        let e = first_error(c.incremental().tickets_feed_from(checkpoint)).await;
        assert_eq!(e.kind(), ErrorKind::Config, "{checkpoint:?}: {e}");
    }
    let e = first_error(c.incremental().tickets_feed(FeedStart::Since(recent))).await;
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(requests(&server).await.is_empty());
    // Now is a minute back: accepted.
    assert!(
        all(c.incremental().tickets_feed(FeedStart::Now))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_cursor_zendesk_refuses_is_its_error() {
    let export = Export::new("tickets", 3, records(3));
    let server = serve(&export).await;
    let c = client(&server.uri());
    let e = first_error(
        c.incremental()
            .tickets_feed_from(&FeedCheckpoint::new(TICKETS_FEED).with_cursor("garbage")),
    )
    .await;
    assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
    assert_eq!(requests(&server).await.len(), 1, "not retried");
}

#[tokio::test]
async fn a_server_repeating_its_cursor_ends_with_an_error() {
    let server = MockServer::start().await;
    let page = json!({"tickets": [], "after_cursor": "same", "end_of_stream": false});
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .respond_with(json(200, &page))
        .mount(&server)
        .await;
    let e = first_error(client(&server.uri()).incremental().tickets_feed(since())).await;
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(requests(&server).await.len() <= 3);
}

#[tokio::test]
async fn a_page_of_bad_json_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"tickets\": [", "application/json"),
        )
        .mount(&server)
        .await;
    let e = first_error(client(&server.uri()).incremental().tickets_feed(since())).await;
    assert_eq!(e.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn the_user_feed_walks_the_user_export_with_deletions() {
    let export = Export::new("users", 2, records(5));
    let server = serve(&export).await;
    let c = client(&server.uri());
    let changes = all(c.incremental().per_page(2).users_feed(since())).await;
    assert_eq!(ids(&changes), ["1", "2", "3", "4", "5"]);
    assert_eq!(changes[4].kind, ChangeKind::Deleted, "active: false");
    assert_eq!(changes[0].object_type, "user");
    let _: &User = &changes[0].object;
    let sent = requests(&server).await;
    assert_eq!(sent[0].url.path(), "/api/v2/incremental/users/cursor");
    assert_eq!(query(&sent[0], "per_page").as_deref(), Some("2"));
    let cp = changes[1].checkpoint.clone().unwrap();
    assert_eq!(cp.feed, USERS_FEED);
    // A ticket checkpoint is not a user checkpoint.
    let e = first_error(c.incremental().tickets_feed_from(&cp)).await;
    assert_eq!(e.kind(), ErrorKind::Config);
    let resumed = all(c.incremental().users_feed_from(&cp)).await;
    assert_eq!(ids(&resumed), ["3", "4", "5"]);
}

fn hook() -> Webhook {
    Webhook::new([Secret::new("s1")])
}

#[test]
fn a_ticket_webhook_is_the_feeds_change_without_a_checkpoint() {
    let body = br#"{"type":"zen:event-type:ticket.status_changed","id":"e1","subject":"zen:ticket:35436","time":"2024-05-05T16:04:31Z","account_id":1,"detail":{"id":"35436","status":"SOLVED","priority":"HIGH","requester_id":"20978392","subject":"Printer","created_at":"2024-05-01T10:00:00Z","updated_at":"2024-05-05T16:04:30Z","tags":["vip"]},"event":{"current":"SOLVED","previous":"OPEN"}}"#;
    let headers = signed_headers(&Secret::new("s1"), Utc::now(), body);
    let changes: Vec<Change<Ticket>> = changes_from_webhook(&hook(), &headers, body).unwrap();
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    assert_eq!(
        (c.kind, c.object_type.as_str(), c.object_id.as_str()),
        (ChangeKind::Updated, "ticket", "35436")
    );
    assert_eq!(c.checkpoint, None);
    assert_eq!(
        c.at,
        "2024-05-05T16:04:31Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(c.object.id, 35436);
    assert_eq!(c.object.requester_id, Some(20_978_392));
    assert_eq!(c.object.status.as_ref().map(|s| s.as_str()), Some("solved"));
    assert_eq!(c.object.tags, ["vip"]);
}

#[test]
fn webhook_kinds_and_other_events() {
    let event = |t: &str| {
        format!(
            r#"{{"type":"zen:event-type:{t}","id":"e1","subject":"zen:ticket:7","time":"2024-05-05T16:04:31Z","detail":{{"id":"7"}},"event":{{}}}}"#
        )
    };
    let kind = |t: &str| {
        let body = event(t);
        let headers = signed_headers(&Secret::new("s1"), Utc::now(), body.as_bytes());
        let changes = changes_from_webhook(&hook(), &headers, body.as_bytes()).unwrap();
        changes.first().map(|c| c.kind)
    };
    assert_eq!(kind("ticket.created"), Some(ChangeKind::Created));
    assert_eq!(kind("ticket.soft_deleted"), Some(ChangeKind::Deleted));
    assert_eq!(
        kind("ticket.permanently_deleted"),
        Some(ChangeKind::Deleted)
    );
    assert_eq!(kind("ticket.priority_changed"), Some(ChangeKind::Updated));
    assert_eq!(kind("user.created"), None);
    let trigger = br#"{"ticket_id":"35436","status":"Solved"}"#;
    let headers = signed_headers(&Secret::new("s1"), Utc::now(), trigger);
    assert!(
        changes_from_webhook(&hook(), &headers, trigger)
            .unwrap()
            .is_empty()
    );
}

/// Zendesk's time-based organization export, keeping state: `start_time` serves the
/// organizations at or after it, `per` a page, `end_time` the last one's time (so the next
/// page starts again at that second).
struct OrgExport {
    records: Vec<Rec>,
    per: usize,
}

impl Respond for OrgExport {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let Some(t) = query(request, "start_time").and_then(|t| t.parse::<i64>().ok()) else {
            return json(400, &json!({"error": "InvalidPaginationParameter"}));
        };
        let mut records: Vec<&Rec> = self.records.iter().filter(|r| r.generated >= t).collect();
        records.sort_by_key(|r| (r.generated, r.id));
        let page: Vec<&&Rec> = records.iter().take(self.per).collect();
        let end_time = page.last().map_or(t, |r| r.generated);
        let template =
            example("ExportIncrementalOrganizationsResponseExample")["organizations"][0].clone();
        let items: Vec<Value> = page
            .iter()
            .map(|r| {
                let mut o = template.clone();
                o["id"] = json!(r.id);
                o["created_at"] = json!(iso(r.created));
                o["updated_at"] = json!(iso(r.generated));
                if r.status == "deleted" {
                    o["deleted_at"] = json!(iso(r.generated));
                }
                o
            })
            .collect();
        json(
            200,
            &json!({
                "organizations": items,
                "count": page.len(),
                "end_time": end_time,
                "end_of_stream": records.len() <= self.per,
                "next_page": format!("https://acme.zendesk.com/api/v2/incremental/organizations?start_time={end_time}"),
            }),
        )
    }
}

#[tokio::test]
async fn the_organization_feed_walks_the_time_based_export_each_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/organizations"))
        .respond_with(OrgExport {
            records: records(11),
            per: 4,
        })
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let changes = all(c.incremental().per_page(4).organizations_feed(since())).await;
    // Pages overlap at their last second; the feed leaves out what it handed out.
    let got = ids(&changes);
    assert_eq!(
        got,
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]
    );
    assert_eq!(changes[4].kind, ChangeKind::Deleted, "deleted_at");
    assert_eq!(changes[0].object_type, "organization");
    let sent = requests(&server).await;
    assert_eq!(query(&sent[0], "start_time"), Some(T0.to_string()));
    assert_eq!(query(&sent[0], "per_page").as_deref(), Some("4"));
    assert_eq!(query(&sent[1], "start_time"), Some((T0 + 10).to_string()));
    assert_eq!(query(&sent[1], "cursor"), None);
    // Resume from every checkpoint: every later organization comes, in order.
    for (k, change) in changes.iter().enumerate() {
        let saved = change.checkpoint.clone().unwrap();
        assert_eq!(saved.feed, atom_zendesk::feed::ORGANIZATIONS_FEED);
        let resumed = ids(&all(c.incremental().per_page(4).organizations_feed_from(&saved)).await);
        assert!(
            resumed.ends_with(&got[k + 1..]),
            "after change {k}: {resumed:?}"
        );
    }
}

#[tokio::test]
async fn an_exported_ticket_without_any_time_is_a_decode_error() {
    let server = MockServer::start().await;
    let page = json!({"tickets": [{"id": 1, "status": "open"}], "after_cursor": "a", "end_of_stream": true});
    Mock::given(method("GET"))
        .and(path("/api/v2/incremental/tickets/cursor"))
        .respond_with(json(200, &page))
        .mount(&server)
        .await;
    let e = first_error(client(&server.uri()).incremental().tickets_feed(since())).await;
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.message().contains("no time"), "{e}");
}
