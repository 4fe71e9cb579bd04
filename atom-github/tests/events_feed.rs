//! The repository events feed against a mock timeline that keeps events and answers
//! `GET /repos/o/r/events?per_page=..&page=..` as GitHub does: newest first, at most 300
//! events and 90 days, `Link: rel="next"`, an `ETag` honoured with `304`, and
//! `X-Poll-Interval`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atom_core::ErrorKind;
use atom_core::feed::{ChangeFeed, ChangeKind, FeedCheckpoint, FeedGap};
use atom_github::events_feed::{EVENTS_FEED, EventFeedParams, MAX_EVENTS, PollInterval};
use atom_github::models::RepoEvent;
use chrono::{DateTime, Utc};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// (id, created, type, payload); ids grow with time.
type Ev = (u64, DateTime<Utc>, &'static str, Value);

#[derive(Clone, Default)]
struct Timeline {
    events: Arc<Mutex<Vec<Ev>>>,
    base: Arc<Mutex<String>>,
    /// Request number (1-based) → status to answer instead, once.
    failures: Arc<Mutex<Vec<(usize, u16)>>>,
    received: Arc<AtomicUsize>,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn event_json(e: &Ev) -> Value {
    json!({
        "id": e.0.to_string(),
        "type": e.2,
        "actor": {"id": 583231, "login": "octocat", "url": "https://api.github.com/users/octocat"},
        "repo": {"id": 1296269, "name": "o/r", "url": "https://api.github.com/repos/o/r"},
        "payload": e.3,
        "public": true,
        "created_at": ts(e.1),
    })
}

impl Timeline {
    /// Adds `n` events a minute apart after the last one (issue `id % 5` updated).
    fn push(&self, n: usize) {
        let mut events = self.events.lock().unwrap();
        for _ in 0..n {
            let (id, t) = events
                .last()
                .map_or((1_000, Utc::now() - chrono::Duration::days(30)), |e| {
                    (e.0 + 1, e.1 + chrono::Duration::minutes(1))
                });
            events.push((
                id,
                t,
                "IssuesEvent",
                json!({"action": "edited", "issue": {"number": id % 5}}),
            ));
        }
    }

    /// What GitHub serves: the newest 300 of the last 90 days, newest first.
    fn served(&self) -> Vec<Ev> {
        let horizon = Utc::now() - chrono::Duration::days(90);
        let mut all: Vec<Ev> = self
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.1 >= horizon)
            .cloned()
            .collect();
        all.reverse();
        all.truncate(MAX_EVENTS);
        all
    }

    fn ids_after(&self, id: u64) -> Vec<u64> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .map(|e| e.0)
            .filter(|i| *i > id)
            .collect()
    }
}

impl Respond for Timeline {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.received.fetch_add(1, Ordering::SeqCst) + 1;
        let failure = {
            let mut failures = self.failures.lock().unwrap();
            let i = failures.iter().position(|f| f.0 == n);
            i.map(|i| failures.remove(i).1)
        };
        if let Some(status) = failure {
            return ResponseTemplate::new(status)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"message": "try again"}));
        }
        let q: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let one = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let per_page: usize = one("per_page").unwrap().parse().unwrap();
        let page: usize = one("page").map_or(1, |p| p.parse().unwrap());
        let served = self.served();
        let body: Vec<Value> = served
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(event_json)
            .collect();
        let etag = format!(
            "\"{}-{}-{}\"",
            served.first().map_or(0, |e| e.0),
            page,
            per_page
        );
        if request
            .headers
            .get("if-none-match")
            .is_some_and(|v| v.to_str().unwrap() == etag)
        {
            return ResponseTemplate::new(304).insert_header("etag", etag.as_str());
        }
        let mut answer = ResponseTemplate::new(200)
            .set_body_json(body)
            .insert_header("etag", etag.as_str())
            .insert_header("x-poll-interval", "60");
        if served.len() > page * per_page {
            let mut next = url::Url::parse(&self.base.lock().unwrap()).unwrap();
            next.set_path(request.url.path());
            next.query_pairs_mut()
                .append_pair("per_page", &per_page.to_string())
                .append_pair("page", &(page + 1).to_string());
            answer = answer.insert_header("link", format!("<{next}>; rel=\"next\"").as_str());
        }
        answer
    }
}

async fn serve(
    timeline: &Timeline,
    builder: impl FnOnce(&str) -> atom_github::ClientBuilder,
) -> (MockServer, atom_github::Client) {
    let server = MockServer::start().await;
    *timeline.base.lock().unwrap() = server.uri();
    Mock::given(method("GET"))
        .and(path("/repos/o/r/events"))
        .respond_with(timeline.clone())
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    (server, client)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

async fn only(server: &MockServer) -> Request {
    let all = requests(server).await;
    assert_eq!(all.len(), 1, "exactly one request");
    all.into_iter().next().unwrap()
}

async fn ids(feed: ChangeFeed<RepoEvent>) -> Vec<u64> {
    feed.map_ok(|c| c.object.id.parse::<u64>().unwrap())
        .try_collect()
        .await
        .unwrap()
}

async fn first_error(mut feed: ChangeFeed<RepoEvent>) -> (atom_core::Error, usize) {
    let mut handed = 0;
    loop {
        match feed.next().await.unwrap() {
            Ok(_) => handed += 1,
            Err(e) => return (e, handed),
        }
    }
}

fn after(id: u64, at: DateTime<Utc>) -> FeedCheckpoint {
    FeedCheckpoint::new(EVENTS_FEED)
        .with_cursor(id.to_string())
        .with_at(at)
}

/// The exact request, GitHub's example decoded, the order (oldest first), and each
/// change's checkpoint and naming.
#[tokio::test]
async fn the_feed_reads_the_timeline_and_yields_it_oldest_first() {
    let timeline = Timeline::default();
    let mut fixture: Vec<Value> =
        serde_json::from_str(&common::fixture("repo-events-items.json")).unwrap();
    // GitHub's example is from 2022: move it into the last 90 days.
    let now = Utc::now();
    for (i, e) in fixture.iter_mut().enumerate() {
        e["created_at"] = json!(ts(now - chrono::Duration::hours(2 + i as i64)));
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/events"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(&fixture)
                .insert_header("x-poll-interval", "60"),
        )
        .mount(&server)
        .await;
    drop(timeline);
    let github = common::client(&server.uri());
    let poll = PollInterval::default();
    let params = EventFeedParams::new().poll_interval(poll.clone());
    let changes: Vec<_> = github
        .repo_events("o", "r")
        .feed(&params, now - chrono::Duration::days(1))
        .try_collect()
        .await
        .unwrap();
    let request = only(&server).await;
    assert_eq!(request.url.path(), "/repos/o/r/events");
    assert_eq!(request.url.query(), Some("per_page=100"));
    assert_eq!(poll.get(), Some(Duration::from_secs(60)));
    let summary: Vec<(&str, &str, &str, ChangeKind)> = changes
        .iter()
        .map(|c| {
            (
                c.object.id.as_str(),
                c.object_type.as_str(),
                c.object_id.as_str(),
                c.kind,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "22237752260",
                "repository",
                "octocat/Hello-World",
                ChangeKind::Updated
            ),
            (
                "22249084964",
                "ref",
                "refs/heads/master",
                ChangeKind::Updated
            ),
        ]
    );
    let push = &changes[1];
    assert_eq!(push.object.event_type.as_deref(), Some("PushEvent"));
    assert_eq!(push.object.actor.as_ref().unwrap().login, "octocat");
    assert_eq!(push.at, push.object.created_at.unwrap());
    assert_eq!(
        push.checkpoint,
        Some(
            FeedCheckpoint::new(EVENTS_FEED)
                .with_cursor("22249084964")
                .with_at(push.at)
        )
    );
}

/// Several pages back to the checkpoint's event; resuming from the checkpoint of every
/// change (and from the start) yields exactly the events after it.
#[tokio::test]
async fn resume_from_every_checkpoint_yields_exactly_the_later_events() {
    let timeline = Timeline::default();
    timeline.push(12);
    let (server, github) = serve(&timeline, common::builder).await;
    let events = github.repo_events("o", "r");
    let params = EventFeedParams::new().per_page(5);
    let start = Utc::now() - chrono::Duration::days(31);
    let changes: Vec<_> = events.feed(&params, start).try_collect().await.unwrap();
    let all: Vec<u64> = changes
        .iter()
        .map(|c| c.object.id.parse().unwrap())
        .collect();
    assert_eq!(all, (1_000..1_012).collect::<Vec<_>>());
    // Three pages of 5: 12 events, no page past the end.
    assert_eq!(requests(&server).await.len(), 3);
    for (i, change) in changes.iter().enumerate() {
        let resumed = ids(events.feed_from(&params, change.checkpoint.as_ref().unwrap())).await;
        assert_eq!(resumed, all[i + 1..], "after change {i}");
    }
    // New events after the last checkpoint: only they come.
    timeline.push(3);
    let last = changes.last().unwrap().checkpoint.clone().unwrap();
    assert_eq!(
        ids(events.feed_from(&params, &last)).await,
        timeline.ids_after(1_011)
    );
    // The walk stops at the checkpoint: one page for three new events.
    let before = requests(&server).await.len();
    let _ = ids(events.feed_from(&params, &last)).await;
    assert_eq!(requests(&server).await.len(), before + 1);
}

/// A checkpoint whose event was pushed out of the 300 GitHub serves is a gap: the feed
/// reads the 300 (no more), yields no change and a `FeedGap` error naming the checkpoint.
#[tokio::test]
async fn a_checkpoint_pushed_out_of_the_300_is_a_gap() {
    let timeline = Timeline::default();
    timeline.push(10);
    let (server, github) = serve(&timeline, common::builder).await;
    let events = github.repo_events("o", "r");
    let params = EventFeedParams::new();
    let changes: Vec<_> = events
        .feed(&params, Utc::now() - chrono::Duration::days(31))
        .try_collect()
        .await
        .unwrap();
    let saved = changes[4].checkpoint.clone().unwrap();
    timeline.push(MAX_EVENTS);
    let (error, handed) = first_error(events.feed_from(&params, &saved)).await;
    assert_eq!((error.kind(), handed), (ErrorKind::FeedGap, 0));
    let gap = error.provider_details::<FeedGap>().unwrap();
    assert_eq!(gap.resume_from, saved.at);
    // One request for the first run, three pages of 100 for the second.
    assert_eq!(requests(&server).await.len(), 1 + 3);
    // 299 events later it is still served: no gap, exactly the 299.
    let timeline = Timeline::default();
    timeline.push(1);
    let (_server, github) = serve(&timeline, common::builder).await;
    let first = github
        .repo_events("o", "r")
        .feed(&params, Utc::now() - chrono::Duration::days(31));
    let saved = first.try_collect::<Vec<_>>().await.unwrap()[0]
        .checkpoint
        .clone()
        .unwrap();
    timeline.push(MAX_EVENTS - 1);
    assert_eq!(
        ids(github.repo_events("o", "r").feed_from(&params, &saved))
            .await
            .len(),
        299
    );
}

/// A start time older than the oldest of the 300 served is a gap too; one within them
/// is not.
#[tokio::test]
async fn a_start_before_the_300_is_a_gap() {
    let timeline = Timeline::default();
    timeline.push(MAX_EVENTS + 20);
    let (_server, github) = serve(&timeline, common::builder).await;
    let events = github.repo_events("o", "r");
    let (error, handed) = first_error(events.feed(
        &EventFeedParams::new(),
        Utc::now() - chrono::Duration::days(31),
    ))
    .await;
    assert_eq!((error.kind(), handed), (ErrorKind::FeedGap, 0));
    let within = Utc::now() - chrono::Duration::days(30)
        + chrono::Duration::minutes(309)
        + chrono::Duration::seconds(30);
    let got = ids(events.feed(&EventFeedParams::new(), within)).await;
    assert_eq!(got.len(), 10);
}

/// Older than 90 days: a gap before any request.
#[tokio::test]
async fn a_checkpoint_older_than_90_days_is_a_gap_before_any_request() {
    let timeline = Timeline::default();
    let (server, github) = serve(&timeline, common::builder).await;
    let old = Utc::now() - chrono::Duration::days(91);
    let events = github.repo_events("o", "r");
    for feed in [
        events.feed_from(&EventFeedParams::new(), &after(5, old)),
        events.feed(&EventFeedParams::new(), old),
    ] {
        let (error, _) = first_error(feed).await;
        assert_eq!(error.kind(), ErrorKind::FeedGap);
        assert_eq!(
            error.provider_details::<FeedGap>().unwrap().resume_from,
            Some(old)
        );
    }
    assert!(requests(&server).await.is_empty());
}

/// With the client's ETag cache an unchanged timeline costs a `304` (sent with
/// `If-None-Match`) and yields nothing; `X-Poll-Interval` is reported.
#[tokio::test]
async fn an_unchanged_timeline_is_a_304() {
    let timeline = Timeline::default();
    timeline.push(3);
    let (server, github) = serve(&timeline, |uri| {
        common::builder(uri).etag_cache(16, 1 << 20)
    })
    .await;
    let events = github.repo_events("o", "r");
    let poll = PollInterval::default();
    let params = EventFeedParams::new().poll_interval(poll.clone());
    let changes: Vec<_> = events
        .feed(&params, Utc::now() - chrono::Duration::days(31))
        .try_collect()
        .await
        .unwrap();
    let last = changes.last().unwrap().checkpoint.clone().unwrap();
    assert!(ids(events.feed_from(&params, &last)).await.is_empty());
    let all = requests(&server).await;
    assert_eq!(all.len(), 2);
    assert!(all[0].headers.get("if-none-match").is_none());
    assert_eq!(
        all[1].headers.get("if-none-match").unwrap(),
        "\"1002-1-100\""
    );
    assert_eq!(github.etag_stats().unwrap().hits, 1);
    assert_eq!(poll.get(), Some(Duration::from_secs(60)));
}

/// A 503 and a 502 mid-walk are retried by the client (GETs are safe to resend) and the
/// walk finishes with every event once.
#[tokio::test]
async fn server_errors_mid_walk_are_retried() {
    let timeline = Timeline::default();
    timeline.push(9);
    timeline
        .failures
        .lock()
        .unwrap()
        .extend([(2, 503), (4, 502)]);
    let (server, github) = serve(&timeline, common::builder).await;
    let got = ids(github.repo_events("o", "r").feed(
        &EventFeedParams::new().per_page(4),
        Utc::now() - chrono::Duration::days(31),
    ))
    .await;
    assert_eq!(got, (1_000..1_009).collect::<Vec<_>>());
    assert_eq!(requests(&server).await.len(), 3 + 2);
}

#[tokio::test]
async fn bad_starts_fail_before_any_request() {
    let timeline = Timeline::default();
    let (server, github) = serve(&timeline, common::builder).await;
    let events = github.repo_events("o", "r");
    let now = Utc::now();
    let p = EventFeedParams::new();
    let bad = [
        (
            "per_page 0",
            EventFeedParams::new().per_page(0),
            after(1, now),
        ),
        (
            "per_page 101",
            EventFeedParams::new().per_page(101),
            after(1, now),
        ),
        (
            "other feed",
            p.clone(),
            FeedCheckpoint::new("github.issues").with_at(now),
        ),
        (
            "no time",
            p.clone(),
            FeedCheckpoint::new(EVENTS_FEED).with_cursor("1"),
        ),
        (
            "future",
            p.clone(),
            after(1, now + chrono::Duration::days(2)),
        ),
        ("cursor", p.clone(), after(1, now).with_cursor("../x")),
        ("empty cursor", p.clone(), after(1, now).with_cursor("")),
    ];
    for (why, params, checkpoint) in bad {
        let (error, _) = first_error(events.feed_from(&params, &checkpoint)).await;
        assert_eq!(error.kind(), ErrorKind::Config, "{why}");
    }
    let (error, _) = first_error(github.repo_events("o", "..").feed(&p, now)).await;
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(requests(&server).await.is_empty());
}

/// A server that always names a next page (the same events again): the walk stops with
/// an error after the pages 300 events fill, instead of looping; a page of bad JSON is a
/// `Decode` error.
#[tokio::test]
async fn hostile_pages_end_with_errors() {
    let server = MockServer::start().await;
    let now = Utc::now();
    let page = json!([event_json(&(
        7,
        now,
        "WatchEvent",
        json!({"action": "started"})
    ))]);
    let next = format!(
        "<{}/repos/o/r/events?per_page=100&page=2>; rel=\"next\"",
        server.uri()
    );
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(&page)
                .insert_header("link", next.as_str()),
        )
        .mount(&server)
        .await;
    let github = common::client(&server.uri());
    let (error, handed) = first_error(
        github
            .repo_events("o", "r")
            .feed(&EventFeedParams::new(), now - chrono::Duration::days(1)),
    )
    .await;
    assert_eq!((error.kind(), handed), (ErrorKind::Decode, 0));
    assert!(requests(&server).await.len() <= 5);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[{\"id\": \"1\", nope"))
        .mount(&server)
        .await;
    let github = common::client(&server.uri());
    let (error, _) = first_error(
        github
            .repo_events("o", "r")
            .feed(&EventFeedParams::new(), now),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::Decode);
}

fn delivery_headers(secret: &atom_core::Secret, event: &str, body: &[u8]) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-github-event", event.parse().unwrap());
    headers.insert(
        "x-github-delivery",
        "72d3162e-cc78-11e3-81ab-4c9367dc0958".parse().unwrap(),
    );
    headers.insert(
        "x-hub-signature-256",
        atom_github::webhook::sign(secret, body).parse().unwrap(),
    );
    headers
}

/// Verified deliveries become the events feed's `Change<RepoEvent>`, named as the feed
/// names the timeline's events; a ping is no change.
#[test]
fn webhook_deliveries_are_the_events_feeds_changes() {
    use atom_core::feed::changes_from_webhook;
    use atom_github::events_feed::RepoEventsWebhook;
    use atom_github::webhook::Webhook;
    let secret = atom_core::Secret::new("hook-secret");
    let hook = RepoEventsWebhook::new(Webhook::new([secret.clone()]));
    let changes = |event: &str, fixture: &str| {
        let body = common::fixture(fixture);
        let headers = delivery_headers(&secret, event, body.as_bytes());
        changes_from_webhook(&hook, &headers, body.as_bytes()).unwrap()
    };
    let opened = changes("issues", "webhook-issues-opened.json");
    assert_eq!(opened.len(), 1);
    let c = &opened[0];
    assert_eq!(c.object.event_type.as_deref(), Some("IssuesEvent"));
    assert_eq!(c.kind, ChangeKind::Created);
    // GitHub's example issue is pull request #1347's issue.
    assert_eq!(
        (c.object_type.as_str(), c.object_id.as_str()),
        ("pull_request", "1347")
    );
    assert_eq!(c.object.id, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assert_eq!(Some(c.at), c.object.created_at);
    assert!(c.checkpoint.is_none());

    let push = changes("push", "webhook-push.json");
    assert_eq!(push[0].object.event_type.as_deref(), Some("PushEvent"));
    assert_eq!(push[0].object_type, "ref");
    assert!(push[0].object_id.starts_with("refs/"));

    let pull = changes("pull_request", "webhook-pull-request-opened.json");
    assert_eq!(
        (pull[0].object_type.as_str(), pull[0].kind),
        ("pull_request", ChangeKind::Created)
    );

    assert!(changes("ping", "webhook-ping.json").is_empty());
}

/// A start in the middle of a second takes the events of that second: GitHub's times are
/// whole seconds.
#[tokio::test]
async fn a_start_within_a_second_takes_that_whole_second() {
    let timeline = Timeline::default();
    timeline.push(2);
    let second = {
        let events = timeline.events.lock().unwrap();
        let t = events[1].1;
        DateTime::from_timestamp(t.timestamp(), 0).unwrap()
    };
    let (_server, github) = serve(&timeline, common::builder).await;
    let start = second + chrono::Duration::milliseconds(700);
    let got = ids(github
        .repo_events("o", "r")
        .feed(&EventFeedParams::new(), start))
    .await;
    assert_eq!(got, [1_001]);
}

proptest::proptest! {
    // Each case starts a mock server and walks over HTTP twice: 48 cases keep the run to a
    // few seconds in a debug build.
    #![proptest_config(atom_core::testing::proptest_config(48))]

    /// Any timeline (up to 300 events), any page size, a crash at any point, events added
    /// before the rerun: the rerun from the last saved checkpoint yields exactly the events
    /// after it, oldest first.
    #[test]
    fn resuming_from_any_crash_point_yields_the_rest_once(
        count in 0usize..40,
        added in 0usize..20,
        per_page in 1u8..8,
        crash in 0usize..45,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let timeline = Timeline::default();
            timeline.push(count);
            let (_server, github) = serve(&timeline, common::builder).await;
            let events = github.repo_events("o", "r");
            let params = EventFeedParams::new().per_page(per_page);
            let mut feed = events.feed(&params, Utc::now() - chrono::Duration::days(31));
            let mut saved = feed.checkpoint().cloned().unwrap();
            let crash = crash.min(count);
            let mut handled = Vec::new();
            while handled.len() < crash {
                let change = feed.try_next().await.unwrap().unwrap();
                handled.push(change.object.id.parse::<u64>().unwrap());
                if handled.len() < crash {
                    saved = change.checkpoint.unwrap();
                }
            }
            drop(feed);
            let all: Vec<u64> = (1_000..1_000 + count as u64).collect();
            assert_eq!(handled, all[..crash]);
            timeline.push(added);
            let resumed = ids(events.feed_from(&params, &saved)).await;
            let mut expected: Vec<u64> = all[crash.saturating_sub(1)..].to_vec();
            if crash == 0 {
                expected = all.clone();
            }
            expected.extend(1_000 + count as u64..1_000 + (count + added) as u64);
            assert_eq!(resumed, expected);
        });
    }
}

/// A walk with no event in GitHub's last six hours moves the checkpoint to six hours
/// before GitHub's clock, so a repository quiet for 90 days still resumes; an event inside
/// those hours keeps its own checkpoint.
#[tokio::test]
async fn a_quiet_walk_moves_the_checkpoint_past_the_quiet_spell() {
    let timeline = Timeline::default();
    let long_ago = Utc::now() - chrono::Duration::days(80);
    timeline.events.lock().unwrap().push((
        1_000,
        long_ago,
        "IssuesEvent",
        json!({"action": "edited", "issue": {"number": 1}}),
    ));
    let (_server, github) = serve(&timeline, common::builder).await;
    let events = github.repo_events("o", "r");
    let before = Utc::now();
    let mut feed = events.feed_from(&EventFeedParams::new(), &after(1_000, long_ago));
    assert!(feed.try_next().await.unwrap().is_none());
    let moved = feed.checkpoint().unwrap().clone();
    let settle = chrono::Duration::from_std(atom_github::events_feed::SETTLE).unwrap();
    let at = moved.at.unwrap();
    assert!(
        at >= before - settle - chrono::Duration::seconds(2) && at <= Utc::now() - settle,
        "{at}"
    );
    assert_eq!(moved.cursor, None);

    // A later run from there takes the event of a minute ago and keeps its checkpoint.
    let recent = Utc::now() - chrono::Duration::minutes(1);
    timeline.events.lock().unwrap().push((
        1_001,
        recent,
        "IssuesEvent",
        json!({"action": "edited", "issue": {"number": 2}}),
    ));
    let mut feed = events.feed_from(&EventFeedParams::new(), &moved);
    let change = feed.try_next().await.unwrap().unwrap();
    assert_eq!(change.object.id, "1001");
    assert!(feed.try_next().await.unwrap().is_none());
    assert_eq!(feed.checkpoint().unwrap().cursor.as_deref(), Some("1001"));
}
