//! The events feed against a mock that keeps an events log and answers `/v1/events` as
//! Stripe does (newest first; `limit`, `starting_after`, `ending_before`, `created[..]`,
//! `types[]`): oldest-first delivery, resume after a crash, the 30-day gap, webhooks as
//! the same changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use atom_core::feed::{ChangeKind, FeedCheckpoint, FeedGap, changes_from_webhook};
use atom_core::{CheckpointKey, CheckpointStore, ErrorKind, FileCheckpointStore, Secret};
use atom_stripe::feed::{EVENTS_FEED, EventFeedParams, FeedStart};
use atom_stripe::webhook::{Webhook, sign_header};
use chrono::{DateTime, Utc};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Stripe's events log: oldest first, as events happen; and how many requests to answer
/// with a 500 before answering again.
#[derive(Clone, Default)]
struct EventsLog(Arc<Mutex<Vec<Value>>>, Arc<AtomicUsize>);

fn event(n: usize, created: i64, event_type: &str) -> Value {
    let object = match event_type.split_once('.').map(|(o, _)| o) {
        Some("customer") => json!({"id": format!("cus_{}", n % 3), "object": "customer"}),
        _ => json!({"id": format!("pi_{}", n % 4), "object": "payment_intent"}),
    };
    json!({
        "id": format!("evt_{n:03}"),
        "object": "event",
        "api_version": "2025-08-27.basil",
        "created": created,
        "data": {"object": object},
        "livemode": false,
        "pending_webhooks": 0,
        "request": {"id": null, "idempotency_key": null},
        "type": event_type,
    })
}

impl EventsLog {
    /// Adds `count` events, numbered on from the last, `step` seconds apart from `from`
    /// (`step` 0: all in one second, ordered by when they were added).
    fn add(&self, count: usize, from: i64, step: i64) {
        let mut log = self.0.lock().unwrap();
        for i in 0..count {
            let n = log.len();
            let ty = [
                "payment_intent.succeeded",
                "customer.created",
                "customer.deleted",
            ][n % 3];
            log.push(event(n, from + step * i as i64, ty));
        }
    }

    fn ids(&self) -> Vec<String> {
        let log = self.0.lock().unwrap();
        log.iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn missing(id: &str) -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({"error": {
        "type": "invalid_request_error",
        "code": "resource_missing",
        "param": "ending_before",
        "message": format!("No such event: '{id}'"),
    }}))
}

impl Respond for EventsLog {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let failing = self
            .1
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if failing.is_ok() {
            return ResponseTemplate::new(500)
                .set_body_json(json!({"error": {"type": "api_error", "message": "boom"}}));
        }
        let q: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let one = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let num = |k: &str| one(k).and_then(|v| v.parse::<i64>().ok());
        let types: Vec<&String> = q
            .iter()
            .filter(|(k, _)| k == "types[]")
            .map(|(_, v)| v)
            .collect();
        let limit = num("limit").unwrap_or(10) as usize;
        let log = self.0.lock().unwrap();
        let index_of = |id: &str| log.iter().position(|e| e["id"] == id);
        // (index in the log, event), oldest first, filtered.
        let matching: Vec<(usize, &Value)> = log
            .iter()
            .enumerate()
            .filter(|(_, e)| types.is_empty() || types.iter().any(|t| e["type"] == t.as_str()))
            .filter(|(_, e)| {
                num("created[gte]").is_none_or(|t| e["created"].as_i64().unwrap() >= t)
            })
            .filter(|(_, e)| num("created[lt]").is_none_or(|t| e["created"].as_i64().unwrap() < t))
            .collect();
        let (data, has_more): (Vec<Value>, bool) = if let Some(id) = one("ending_before") {
            let Some(at) = index_of(&id) else {
                return missing(&id);
            };
            let newer: Vec<_> = matching.iter().filter(|(i, _)| *i > at).collect();
            let page: Vec<Value> = newer
                .iter()
                .take(limit)
                .rev()
                .map(|(_, e)| (*e).clone())
                .collect();
            (page, newer.len() > limit)
        } else {
            let below = match one("starting_after") {
                Some(id) => match index_of(&id) {
                    Some(at) => at,
                    None => return missing(&id),
                },
                None => usize::MAX,
            };
            let older: Vec<_> = matching.iter().rev().filter(|(i, _)| *i < below).collect();
            let page: Vec<Value> = older
                .iter()
                .take(limit)
                .map(|(_, e)| (*e).clone())
                .collect();
            (page, older.len() > limit)
        };
        ResponseTemplate::new(200).set_body_json(common::list_page("/v1/events", data, has_more))
    }
}

async fn stripe_with(log: &EventsLog) -> (MockServer, atom_stripe::Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/events"))
        .respond_with(log.clone())
        .mount(&server)
        .await;
    let client = common::client(&server);
    (server, client)
}

fn now() -> i64 {
    Utc::now().timestamp()
}

async fn requests(server: &MockServer) -> Vec<HashMap<String, String>> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.query_pairs().into_owned().collect())
        .collect()
}

/// The run the issue asks for: a consumer handles events and saves each checkpoint after
/// the work; it crashes after handling one event and before saving it; events keep
/// arriving; the rerun from the saved checkpoint yields that one event again and every
/// later event exactly once, in Stripe's order, and nothing is missed.
#[tokio::test]
async fn resume_after_a_crash_yields_every_later_event_once() {
    let log = EventsLog::default();
    let start = now() - 3_600;
    log.add(4, start, 10);
    log.add(3, start + 100, 0); // three events in one second
    log.add(3, start + 200, 10);
    let (server, stripe) = stripe_with(&log).await;
    let dir = tempfile::tempdir().unwrap();
    let store = FileCheckpointStore::new(dir.path()).unwrap();
    let key = CheckpointKey::new(EVENTS_FEED, "test-consumer");
    let params = EventFeedParams::new().limit(3);
    let since = DateTime::from_timestamp(start - 60, 0).unwrap();

    // First run: crash after handling the fifth event, before saving its checkpoint.
    let mut handled = Vec::new();
    let mut version = 0;
    let mut feed = stripe.events().feed(&params, FeedStart::Since(since));
    while let Some(change) = feed.try_next().await.unwrap() {
        handled.push(change.object.id.clone());
        if handled.len() == 5 {
            break; // the crash
        }
        let checkpoint = change.checkpoint.as_ref().unwrap();
        version = store.save(&key, checkpoint, Some(version)).await.unwrap();
    }
    drop(feed);
    let all = log.ids();
    assert_eq!(handled, all[..5]);

    // While the consumer is down, more events happen.
    log.add(4, start + 400, 5);
    let all = log.ids();

    // Rerun from the saved checkpoint.
    let saved = store.load(&key).await.unwrap().unwrap();
    assert_eq!(saved.checkpoint.cursor.as_deref(), Some(all[3].as_str()));
    let resumed: Vec<String> = stripe
        .events()
        .feed_from(&params, &saved.checkpoint)
        .map_ok(|c| c.object.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        resumed,
        all[4..],
        "the unsaved event again, then each later one once"
    );
    // The resumed run went forward from the checkpoint, never back over the window.
    let resumed_requests = requests(&server).await;
    let last = resumed_requests.last().unwrap();
    assert!(last.contains_key("ending_before"));
}

/// With an event older than the start, one request finds it and the feed walks forward
/// from it; events at the start's second and after are yielded, oldest first.
#[tokio::test]
async fn a_start_time_walks_forward_from_the_newest_older_event() {
    let log = EventsLog::default();
    let start = now() - 3_600;
    log.add(10, start, 10);
    let (server, stripe) = stripe_with(&log).await;
    let since = DateTime::from_timestamp(start + 40, 0).unwrap();
    let params = EventFeedParams::new().limit(2);
    let changes: Vec<_> = stripe
        .events()
        .feed(&params, FeedStart::Since(since))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = changes.iter().map(|c| c.object.id.as_str()).collect();
    assert_eq!(ids, log.ids()[4..]);
    let first = &requests(&server).await[0];
    assert_eq!(first.get("created[lt]"), Some(&(start + 40).to_string()));
    assert_eq!(first.get("limit").map(String::as_str), Some("2"));
    // Typed by event type, with the object's type and id.
    let c = &changes[0];
    assert_eq!(c.object.event_type.as_str(), "customer.created");
    assert_eq!(
        (c.kind, c.object_type.as_str()),
        (ChangeKind::Created, "customer")
    );
    assert_eq!(c.object_id, "cus_1");
    assert_eq!(changes[1].kind, ChangeKind::Deleted);
    assert_eq!(changes[2].kind, ChangeKind::Updated);
    assert_eq!(c.at.timestamp(), start + 40);
}

/// A feed started now yields only events made after it started.
#[tokio::test]
async fn a_feed_started_now_yields_only_new_events() {
    let log = EventsLog::default();
    log.add(5, now() - 600, 10);
    let (_server, stripe) = stripe_with(&log).await;
    let params = EventFeedParams::new().event_type("payment_intent.succeeded");
    let mut feed = stripe.events().feed(&params, FeedStart::Now);
    assert!(feed.try_next().await.unwrap().is_none());
    let start = feed.checkpoint().cloned().unwrap();
    log.add(6, now(), 0);
    let ids: Vec<String> = stripe
        .events()
        .feed_from(&params, &start)
        .map_ok(|c| c.object.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        ids,
        ["evt_006", "evt_009"],
        "only the new payment_intent.succeeded events"
    );
}

fn gap_of(err: &atom_core::Error) -> FeedGap {
    assert_eq!(err.kind(), ErrorKind::FeedGap, "{err}");
    assert!(!err.is_retryable());
    err.provider_details::<FeedGap>().cloned().unwrap()
}

/// A checkpoint older than the 30 days Stripe keeps events is a gap, reported before any
/// request, not a silent restart from what is left.
#[tokio::test]
async fn a_checkpoint_older_than_thirty_days_is_a_gap() {
    let log = EventsLog::default();
    log.add(3, now() - 600, 10);
    let (server, stripe) = stripe_with(&log).await;
    let old = DateTime::from_timestamp(now() - 31 * 86_400, 0).unwrap();
    let checkpoint = FeedCheckpoint::new(EVENTS_FEED)
        .with_cursor("evt_gone")
        .with_at(old);
    let mut feed = stripe
        .events()
        .feed_from(&EventFeedParams::new(), &checkpoint);
    let gap = gap_of(&feed.next().await.unwrap().unwrap_err());
    assert_eq!(gap.resume_from, Some(old));
    assert!(gap.horizon.is_some_and(|h| h > old));
    assert!(feed.next().await.is_none(), "the feed ends at the gap");
    // A start time that far back is the same gap.
    let mut feed = stripe
        .events()
        .feed(&EventFeedParams::new(), FeedStart::Since(old));
    gap_of(&feed.next().await.unwrap().unwrap_err());
    assert!(requests(&server).await.is_empty());
}

/// A recent checkpoint whose event Stripe no longer has (`resource_missing`) is a gap too,
/// not an invalid request, and not a restart from the newest events.
#[tokio::test]
async fn a_checkpoint_event_stripe_no_longer_has_is_a_gap() {
    let log = EventsLog::default();
    log.add(3, now() - 600, 10);
    let (_server, stripe) = stripe_with(&log).await;
    let at = DateTime::from_timestamp(now() - 29 * 86_400, 0).unwrap();
    let checkpoint = FeedCheckpoint::new(EVENTS_FEED)
        .with_cursor("evt_expired")
        .with_at(at);
    let mut feed = stripe
        .events()
        .feed_from(&EventFeedParams::new(), &checkpoint);
    let gap = gap_of(&feed.next().await.unwrap().unwrap_err());
    assert_eq!(gap.resume_from, Some(at));
    assert!(feed.next().await.is_none());
}

#[tokio::test]
async fn bad_parameters_and_foreign_checkpoints_fail_before_any_request() {
    let log = EventsLog::default();
    let (server, stripe) = stripe_with(&log).await;
    let kind = |mut feed: atom_core::feed::ChangeFeed<atom_stripe::models::Event>| async move {
        feed.next().await.unwrap().err().map(|e| e.kind())
    };
    let events = stripe.events();
    let c = FeedCheckpoint::new(EVENTS_FEED).with_cursor("evt_1");
    assert_eq!(
        kind(events.feed_from(&EventFeedParams::new().limit(0), &c)).await,
        Some(ErrorKind::Config)
    );
    assert_eq!(
        kind(events.feed_from(&EventFeedParams::new().limit(101), &c)).await,
        Some(ErrorKind::Config)
    );
    let other = FeedCheckpoint::new("github.issues").with_cursor("evt_1");
    assert_eq!(
        kind(events.feed_from(&EventFeedParams::new(), &other)).await,
        Some(ErrorKind::Config)
    );
    let empty = FeedCheckpoint::new(EVENTS_FEED);
    assert_eq!(
        kind(events.feed_from(&EventFeedParams::new(), &empty)).await,
        Some(ErrorKind::Config)
    );
    assert!(requests(&server).await.is_empty());
}

/// A verified webhook becomes the same change the feed yields for that event, without a
/// checkpoint (pushes arrive out of order).
#[tokio::test]
async fn a_webhook_event_is_the_same_change_as_the_feeds() {
    let log = EventsLog::default();
    let start = now() - 600;
    log.add(2, start, 10);
    let (_server, stripe) = stripe_with(&log).await;
    let since = DateTime::from_timestamp(start - 1, 0).unwrap();
    let polled: Vec<_> = stripe
        .events()
        .feed(&EventFeedParams::new(), FeedStart::Since(since))
        .try_collect()
        .await
        .unwrap();
    let body = serde_json::to_vec(&log.0.lock().unwrap()[1]).unwrap();
    let secret = Secret::new("whsec_test");
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "stripe-signature",
        sign_header(&secret, now(), &body).parse().unwrap(),
    );
    let pushed = changes_from_webhook(&Webhook::new([secret]), &headers, &body).unwrap();
    let mut from_feed = polled[1].clone();
    assert!(from_feed.checkpoint.take().is_some());
    assert_eq!(pushed, [from_feed]);
    assert_eq!(pushed[0].checkpoint, None);
}

/// A 5xx storm mid-walk: the client retries; when its retries run out the feed yields the
/// error, and polling on continues from the same page: every event once, in order.
#[tokio::test]
async fn a_server_error_storm_mid_feed_loses_and_repeats_nothing() {
    let log = EventsLog::default();
    let start = now() - 3_600;
    log.add(9, start, 10);
    let (_server, stripe) = stripe_with(&log).await;
    let since = DateTime::from_timestamp(start - 1, 0).unwrap();
    let mut feed = stripe
        .events()
        .feed(&EventFeedParams::new().limit(2), FeedStart::Since(since));
    let (mut ids, mut errors) = (Vec::new(), 0);
    while let Some(item) = feed.next().await {
        match item {
            Ok(change) => {
                ids.push(change.object.id);
                if ids.len() == 3 {
                    // More failures than the client's three attempts.
                    log.1.store(4, Ordering::SeqCst);
                }
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Server);
                errors += 1;
            }
        }
    }
    assert_eq!(ids, log.ids());
    assert_eq!(errors, 1);
}

/// Stripe drops the anchor found at the start (it was the oldest event kept) before the
/// feed walks forward from it: the start is still within the 30 days, so this is no gap;
/// the feed walks the window instead and yields every event from the start.
#[tokio::test]
async fn an_anchor_dropped_by_stripe_is_no_gap() {
    struct Expiring(EventsLog);
    impl Respond for Expiring {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let answer = self.0.respond(request);
            if request
                .url
                .query()
                .is_some_and(|q| q.contains("created%5Blt%5D"))
            {
                self.0.0.lock().unwrap().remove(0);
            }
            answer
        }
    }
    let log = EventsLog::default();
    let start = now() - 3_600;
    log.add(1, start - 100, 0);
    log.add(5, start, 10);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/events"))
        .respond_with(Expiring(log.clone()))
        .mount(&server)
        .await;
    let stripe = common::client(&server);
    let since = DateTime::from_timestamp(start, 0).unwrap();
    let ids: Vec<String> = stripe
        .events()
        .feed(&EventFeedParams::new().limit(2), FeedStart::Since(since))
        .map_ok(|c| c.object.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, log.ids());
    assert_eq!(ids.first().map(String::as_str), Some("evt_001"));
}

proptest::proptest! {
    // Each case starts a mock server and walks a log over HTTP: 64 cases keep the run to
    // a few seconds in a debug build.
    #![proptest_config(atom_core::testing::proptest_config(64))]

    /// Any log (events alone or several in one second), any page size, any start, a crash
    /// at any point, new events while down: the run up to the crash yields the log from the
    /// start in order, and the rerun from the last saved checkpoint yields exactly the
    /// events after it, in order, each once.
    #[test]
    fn resuming_from_any_crash_point_yields_the_rest_once(
        groups in proptest::collection::vec((1usize..4, 0i64..3), 0..8),
        limit in 1u32..5,
        start in 0usize..24,
        crash in 0usize..24,
        extra in 0usize..4,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let log = EventsLog::default();
            let mut t = now() - 3_600;
            for (count, gap) in &groups {
                t += gap;
                log.add(*count, t, 0);
            }
            let created: Vec<i64> = log.0.lock().unwrap().iter().map(|e| e["created"].as_i64().unwrap()).collect();
            let since = created.get(start).copied().unwrap_or(t + 1);
            let ids = log.ids();
            let expected: Vec<String> = ids.iter().zip(&created).filter(|(_, c)| **c >= since).map(|(id, _)| id.clone()).collect();
            let (_server, stripe) = stripe_with(&log).await;
            let params = EventFeedParams::new().limit(limit);
            let mut feed = stripe.events().feed(&params, FeedStart::Since(DateTime::from_timestamp(since, 0).unwrap()));
            let mut saved = feed.checkpoint().cloned().unwrap();
            let crash = crash.min(expected.len());
            let mut handled = Vec::new();
            while handled.len() < crash {
                let change = feed.try_next().await.unwrap().unwrap();
                handled.push(change.object.id.clone());
                if handled.len() < crash {
                    saved = change.checkpoint.unwrap();
                }
            }
            drop(feed);
            assert_eq!(handled, expected[..crash]);
            log.add(extra, t + 10, 1);
            let after_saved: Vec<String> = match saved.cursor.as_deref() {
                Some(cursor) => {
                    let all = log.ids();
                    let at = all.iter().position(|id| id == cursor).unwrap();
                    all[at + 1..].to_vec()
                }
                None => {
                    let all = log.ids();
                    all[all.len() - extra - expected.len()..].to_vec()
                }
            };
            let resumed: Vec<String> = stripe
                .events()
                .feed_from(&params, &saved)
                .map_ok(|c| c.object.id)
                .try_collect()
                .await
                .unwrap();
            assert_eq!(resumed, after_saved);
        });
    }
}

/// A start older than every kept event walks the window back to its oldest page once, and
/// yields the pages it passed on the way forward without asking for them again.
#[tokio::test]
async fn the_window_walk_asks_for_each_page_once() {
    let log = EventsLog::default();
    let start = now() - 3_600;
    log.add(10, start + 1, 1);
    let (server, stripe) = stripe_with(&log).await;
    let since = DateTime::from_timestamp(start, 0).unwrap();
    let ids: Vec<String> = stripe
        .events()
        .feed(&EventFeedParams::new().limit(3), FeedStart::Since(since))
        .map_ok(|c| c.object.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, log.ids(), "every event, oldest first");
    let sent = requests(&server).await;
    // The anchor request, 4 pages back (3+3+3+1), then one request after the newest.
    assert_eq!(sent.len(), 1 + 4 + 1, "{sent:?}");
    let forward = sent
        .iter()
        .filter(|q| q.contains_key("ending_before"))
        .count();
    assert_eq!(
        forward, 1,
        "only the check for events newer than the window"
    );
}

/// A feed that reaches the end of a quiet list moves its checkpoint to a time a minute
/// back, so a feed quiet for longer than Stripe keeps events still resumes; a resume from
/// it yields exactly the events made since. With a recent event, the checkpoint stays on
/// that event.
#[tokio::test]
async fn a_quiet_list_moves_the_checkpoint_to_a_time() {
    let log = EventsLog::default();
    log.add(3, now() - 7_200, 10);
    let (_server, stripe) = stripe_with(&log).await;
    let params = EventFeedParams::new();
    let since = DateTime::from_timestamp(now() - 8_000, 0).unwrap();
    let mut feed = stripe.events().feed(&params, FeedStart::Since(since));
    let mut handed = Vec::new();
    while let Some(change) = feed.try_next().await.unwrap() {
        handed.push(change.object.id);
    }
    assert_eq!(handed, log.ids());
    let end = feed.checkpoint().cloned().unwrap();
    assert_eq!(end.cursor, None);
    let at = end.at.unwrap().timestamp();
    assert!(
        (now() - 70..=now() - 50).contains(&at),
        "a minute back: {at}"
    );

    log.add(2, now(), 0);
    let ids: Vec<String> = stripe
        .events()
        .feed_from(&params, &end)
        .map_ok(|c| c.object.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        ids,
        ["evt_003", "evt_004"],
        "only the new events, none again"
    );

    // The newest event is recent: the checkpoint stays on it.
    let mut feed = stripe.events().feed_from(&params, &end);
    while feed.try_next().await.unwrap().is_some() {}
    assert_eq!(
        feed.checkpoint().and_then(|c| c.cursor.as_deref()),
        Some("evt_004")
    );
}
