//! The deletions feed against a mock recycle bin that keeps archived records and answers
//! `GET /crm/v3/objects/deals?archived=true&limit=..&after=..` by id, as HubSpot lists.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use atom_core::ErrorKind;
use atom_core::feed::{ChangeFeed, ChangeKind, FeedCheckpoint, FeedGap};
use atom_hubspot::CrmObject;
use atom_hubspot::deletions_feed::deletions_feed_name;
use atom_hubspot::feed::feed_name;
use chrono::{DateTime, Utc};
use common::{client, requests};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// (id, archived at ms).
#[derive(Clone, Default)]
struct Bin(Arc<Mutex<Vec<(u64, i64)>>>);

fn iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Respond for Bin {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let q: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let one = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let limit: usize = one("limit").unwrap().parse().unwrap();
        let after: usize = one("after").map_or(0, |a| a.parse().unwrap());
        let mut all = self.0.lock().unwrap().clone();
        all.sort_by_key(|r| r.0);
        let results: Vec<Value> = all
            .iter()
            .skip(after)
            .take(limit)
            .map(|(id, at)| {
                json!({"id": id.to_string(), "properties": {"dealname": format!("deal {id}")},
                       "createdAt": iso(at - 86_400_000), "updatedAt": iso(*at),
                       "archived": true, "archivedAt": iso(*at)})
            })
            .collect();
        let mut body = json!({"results": results});
        if all.len() > after + limit {
            body["paging"] = json!({"next": {"after": (after + limit).to_string()}});
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

async fn serve(bin: &Bin) -> (MockServer, atom_hubspot::Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/deals"))
        .and(query_param("archived", "true"))
        .respond_with(bin.clone())
        .mount(&server)
        .await;
    let hubspot = client(&server.uri());
    (server, hubspot)
}

async fn ids(feed: ChangeFeed<CrmObject>) -> Vec<u64> {
    feed.map_ok(|c| c.object_id.parse::<u64>().unwrap())
        .try_collect()
        .await
        .unwrap()
}

fn ago(days: i64) -> i64 {
    (Utc::now() - chrono::Duration::days(days)).timestamp_millis()
}

/// The whole bin read by pages of 100 (`archived=true`, the properties asked for), the
/// deletions kept from the start on, yielded by archive time then id, as `Deleted`.
#[tokio::test]
async fn the_bin_is_read_and_deletions_come_by_archive_time() {
    let bin = Bin::default();
    let t = ago(10);
    for id in 1..=250u64 {
        // Archive times not in id order, several at one millisecond.
        bin.0
            .lock()
            .unwrap()
            .push((id, t + ((id * 37) % 50) as i64));
    }
    bin.0.lock().unwrap().push((900, ago(20)));
    let (server, hubspot) = serve(&bin).await;
    let props = vec!["dealname".to_owned()];
    let since = DateTime::from_timestamp_millis(t).unwrap();
    let changes: Vec<_> = hubspot
        .deals()
        .deletions_feed(&props, since)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(changes.len(), 250);
    assert!(
        changes
            .iter()
            .all(|c| c.kind == ChangeKind::Deleted && c.object_type == "deals")
    );
    let keys: Vec<(DateTime<Utc>, u64)> = changes
        .iter()
        .map(|c| (c.at, c.object_id.parse().unwrap()))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "by time, then id");
    assert_eq!(changes[0].object.dealname(), Some("deal 50"));
    let all = requests(&server).await;
    assert_eq!(all.len(), 3);
    assert_eq!(
        all[0].url.query(),
        Some("limit=100&properties=dealname&archived=true")
    );
    let c = changes[1].checkpoint.as_ref().unwrap();
    assert_eq!(c.feed, deletions_feed_name("deals"));
    assert_eq!(c.at, Some(changes[1].at));
}

/// Resuming from every checkpoint yields exactly the later deletions; a deletion after the
/// run started waits for the next run.
#[tokio::test]
async fn resume_from_every_checkpoint_yields_exactly_the_later_deletions() {
    let bin = Bin::default();
    let t = ago(5);
    for (id, dt) in [(5, 0), (3, 1), (9, 1), (1, 1), (7, 2), (2, 3), (8, 3)] {
        bin.0.lock().unwrap().push((id, t + dt));
    }
    let (_server, hubspot) = serve(&bin).await;
    let deals = hubspot.deals();
    let since = DateTime::from_timestamp_millis(t).unwrap();
    let changes: Vec<_> = deals
        .deletions_feed(&[], since)
        .try_collect()
        .await
        .unwrap();
    let all: Vec<u64> = changes
        .iter()
        .map(|c| c.object_id.parse().unwrap())
        .collect();
    assert_eq!(all, [5, 1, 3, 9, 7, 2, 8]);
    for (i, change) in changes.iter().enumerate() {
        let resumed =
            ids(deals.deletions_feed_from(&[], change.checkpoint.as_ref().unwrap())).await;
        assert_eq!(resumed, all[i + 1..], "after change {i}");
    }
    // Archived "later than now" (a record deleted while the run reads): the next run's.
    let future = Utc::now().timestamp_millis() + 60_000;
    bin.0.lock().unwrap().push((4, future));
    let last = changes.last().unwrap().checkpoint.clone().unwrap();
    assert!(ids(deals.deletions_feed_from(&[], &last)).await.is_empty());
}

#[tokio::test]
async fn bad_starts_fail_before_any_request() {
    let bin = Bin::default();
    let (server, hubspot) = serve(&bin).await;
    let deals = hubspot.deals();
    let old = DateTime::from_timestamp_millis(ago(91)).unwrap();
    let mut feed = deals.deletions_feed(&[], old);
    let error = feed.next().await.unwrap().err().unwrap();
    assert_eq!(error.kind(), ErrorKind::FeedGap);
    assert_eq!(
        error.provider_details::<FeedGap>().unwrap().resume_from,
        Some(old)
    );
    let now = Utc::now();
    let ours = FeedCheckpoint::new(deletions_feed_name("deals")).with_at(now);
    for (why, checkpoint, props) in [
        (
            "records feed",
            FeedCheckpoint::new(feed_name("deals")).with_at(now),
            vec![],
        ),
        (
            "another type",
            FeedCheckpoint::new(deletions_feed_name("tickets")).with_at(now),
            vec![],
        ),
        (
            "no time",
            FeedCheckpoint::new(deletions_feed_name("deals")),
            vec![],
        ),
        (
            "future",
            ours.clone().with_at(now + chrono::Duration::days(1)),
            vec![],
        ),
        ("cursor", ours.clone().with_cursor("1"), vec![]),
        (
            "seen",
            ours.clone()
                .with_seen((0..2_000).map(|i| i.to_string()).collect()),
            vec![],
        ),
        ("property", ours.clone(), vec!["a b".to_owned()]),
    ] {
        let mut feed = deals.deletions_feed_from(&props, &checkpoint);
        let kind = feed.next().await.unwrap().err().map(|e| e.kind());
        assert_eq!(kind, Some(ErrorKind::Config), "{why}");
    }
    assert!(requests(&server).await.is_empty());
}

/// A run that reads the bin to its end moves the checkpoint to a few minutes before its
/// start, so a type with no deletion for longer than the 90 days HubSpot keeps still
/// resumes; a deletion inside those minutes keeps its own checkpoint.
#[tokio::test]
async fn a_run_to_the_end_moves_the_checkpoint_past_a_quiet_spell() {
    let bin = Bin::default();
    bin.0.lock().unwrap().push((1, ago(88)));
    let (_server, hubspot) = serve(&bin).await;
    let deals = hubspot.deals();
    let since = Utc::now() - chrono::Duration::days(89);
    let before = Utc::now();
    let mut feed = deals.deletions_feed(&[], since);
    let mut handed = Vec::new();
    while let Some(change) = feed.try_next().await.unwrap() {
        handed.push(change.object_id);
    }
    assert_eq!(handed, ["1"]);
    let moved = feed.checkpoint().unwrap().clone();
    let settle = chrono::Duration::from_std(atom_hubspot::deletions_feed::SETTLE).unwrap();
    let at = moved.at.unwrap();
    assert!(at >= before - settle && at <= Utc::now() - settle, "{at}");
    assert!(moved.seen.is_empty());

    // The checkpoint is minutes old, not 88 days: a later run resumes well inside the
    // horizon. A deletion two minutes ago comes in that run, with its own checkpoint.
    let recent = Utc::now() - chrono::Duration::minutes(2);
    bin.0.lock().unwrap().push((2, recent.timestamp_millis()));
    let mut feed = deals.deletions_feed_from(&[], &moved);
    let mut next = Vec::new();
    while let Some(change) = feed.try_next().await.unwrap() {
        next.push(change.object_id);
    }
    assert_eq!(next, ["2"]);
    let kept = feed.checkpoint().unwrap();
    assert_eq!(kept.seen, ["2"]);
    assert_eq!(
        kept.at.map(|t| t.timestamp_millis()),
        Some(recent.timestamp_millis())
    );
}
