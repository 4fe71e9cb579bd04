//! The records feed against a mock portal that keeps records and answers
//! `POST /crm/v3/objects/{type}/search` as HubSpot does: the `BETWEEN` window on the
//! last-modified property sorted ascending (ties in an order that is not the id's), the
//! `EQ` instant walked by `hs_object_id GT`, `after` offsets refused past 10 000.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atom_core::ErrorKind;
use atom_core::feed::{ChangeKind, FeedCheckpoint};
use atom_hubspot::feed::{DEFAULT_INDEX_LAG, MAX_SEEN, ObjectFeedParams, feed_name};
use chrono::{DateTime, Utc};
use common::{client, fixture_json, requests};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// (id, created ms, modified ms).
type Rec = (u64, i64, i64);
type AfterAnswer = Arc<Mutex<Option<Box<dyn Fn(usize, &Portal) + Send>>>>;

#[derive(Clone)]
struct Portal {
    property: &'static str,
    records: Arc<Mutex<Vec<Rec>>>,
    answered: Arc<AtomicUsize>,
    after: AfterAnswer,
    /// Request number (1-based) → status to answer instead, once.
    failures: Arc<Mutex<HashMap<usize, u16>>>,
    received: Arc<AtomicUsize>,
}

fn iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

/// 2025-06-15, well behind now.
const T: i64 = 1_750_000_000_000;

impl Portal {
    fn new(property: &'static str) -> Self {
        Self {
            property,
            records: Arc::default(),
            answered: Arc::default(),
            after: Arc::default(),
            failures: Arc::default(),
            received: Arc::default(),
        }
    }

    fn add(&self, id: u64, created: i64, modified: i64) {
        self.records.lock().unwrap().push((id, created, modified));
    }

    fn touch(&self, id: u64, modified: i64) {
        for r in self.records.lock().unwrap().iter_mut() {
            if r.0 == id {
                r.2 = modified;
            }
        }
    }

    /// The modification time of each id.
    fn times(&self) -> HashMap<u64, i64> {
        self.records
            .lock()
            .unwrap()
            .iter()
            .map(|r| (r.0, r.2))
            .collect()
    }

    fn json(&self, r: &Rec) -> Value {
        json!({
            "id": r.0.to_string(),
            "properties": {
                self.property: iso(r.2),
                "createdate": iso(r.1),
                "hs_object_id": r.0.to_string(),
            },
            "createdAt": iso(r.1),
            "updatedAt": iso(r.2),
            "archived": false,
        })
    }
}

fn filter<'a>(filters: &'a [Value], name: &str, op: &str) -> Option<&'a Value> {
    filters
        .iter()
        .find(|f| f["propertyName"] == name && f["operator"] == op)
}

fn num(v: &Value) -> i64 {
    v.as_str().unwrap().parse().unwrap()
}

impl Respond for Portal {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.received.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(status) = self.failures.lock().unwrap().remove(&n) {
            return ResponseTemplate::new(status).set_body_json(json!({
                "status": "error", "message": "slow down", "errorType": "RATE_LIMIT",
                "correlationId": "c-1", "policyName": "SECONDLY"
            }));
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let groups = body["filterGroups"].as_array().unwrap();
        assert_eq!(groups.len(), 1);
        let filters = groups[0]["filters"].as_array().unwrap();
        let props: Vec<&str> = body["properties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert!(props.contains(&self.property), "{props:?}");
        let limit = body["limit"].as_u64().unwrap() as usize;
        let after: usize = body["after"].as_str().unwrap().parse().unwrap();
        if after + limit > 10_000 {
            return ResponseTemplate::new(400).set_body_json(json!({
                "status": "error", "category": "VALIDATION_ERROR",
                "message": "paging past 10000 results"
            }));
        }
        let mut all = self.records.lock().unwrap().clone();
        if let Some(between) = filter(filters, self.property, "BETWEEN") {
            assert_eq!(filters.len(), 1);
            assert_eq!(
                body["sorts"],
                json!([{"propertyName": self.property, "direction": "ASCENDING"}])
            );
            let (low, high) = (num(&between["value"]), num(&between["highValue"]));
            all.retain(|r| r.2 >= low && r.2 <= high);
            // Ties in an order that is not the ids'.
            all.sort_by_key(|r| (r.2, u64::MAX - r.0));
        } else {
            let eq = num(&filter(filters, self.property, "EQ").unwrap()["value"]);
            let above: u64 = num(&filter(filters, "hs_object_id", "GT").unwrap()["value"]) as u64;
            assert_eq!(filters.len(), 2);
            assert_eq!(
                body["sorts"],
                json!([{"propertyName": "hs_object_id", "direction": "ASCENDING"}])
            );
            all.retain(|r| r.2 == eq && r.0 > above);
            all.sort_by_key(|r| r.0);
        }
        let results: Vec<Value> = all
            .iter()
            .skip(after)
            .take(limit)
            .map(|r| self.json(r))
            .collect();
        let mut answer = json!({"total": all.len(), "results": results});
        if all.len() > after + limit {
            answer["paging"] = json!({"next": {"after": (after + limit).to_string()}});
        }
        let n = self.answered.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(hook) = self.after.lock().unwrap().as_ref() {
            hook(n, self);
        }
        ResponseTemplate::new(200).set_body_json(answer)
    }
}

async fn serve(portal: &Portal, object_type: &str) -> (MockServer, atom_hubspot::Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/crm/v3/objects/{object_type}/search")))
        .respond_with(portal.clone())
        .mount(&server)
        .await;
    let hubspot = client(&server.uri());
    (server, hubspot)
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

async fn ids(feed: atom_core::feed::ChangeFeed<atom_hubspot::CrmObject>) -> Vec<u64> {
    feed.map_ok(|c| c.object_id.parse::<u64>().unwrap())
        .try_collect()
        .await
        .unwrap()
}

/// The exact search sent: contacts by `lastmodifieddate`, other types by
/// `hs_lastmodifieddate`, `BETWEEN` the start and `now - 30 s`, ascending, the property
/// always asked for, no `after` paging.
#[tokio::test]
async fn the_feed_searches_by_last_modified_ascending_behind_the_index_lag() {
    for (object_type, property) in [
        ("contacts", "lastmodifieddate"),
        ("deals", "hs_lastmodifieddate"),
        ("p123_cars", "hs_lastmodifieddate"),
    ] {
        let portal = Portal::new(property);
        portal.add(7, T, T + 5);
        let (server, hubspot) = serve(&portal, object_type).await;
        let before = Utc::now();
        let params = ObjectFeedParams::new().properties(["email"]);
        let changes: Vec<_> = hubspot
            .objects(object_type)
            .feed(&params, at(T))
            .try_collect()
            .await
            .unwrap();
        let after = Utc::now();
        assert_eq!(changes.len(), 1);
        let all = requests(&server).await;
        assert_eq!(all.len(), 1);
        let request = &all[0];
        assert_eq!(request.method.as_str(), "POST");
        assert_eq!(
            request.headers.get("authorization").unwrap(),
            "Bearer pat-na1-test-token"
        );
        let sent = body(request);
        let high = num(&sent["filterGroups"][0]["filters"][0]["highValue"]);
        let lag = DEFAULT_INDEX_LAG.as_millis() as i64;
        assert!(high >= before.timestamp_millis() - lag && high <= after.timestamp_millis() - lag);
        assert_eq!(
            sent,
            json!({
                "filterGroups": [{"filters": [{
                    "propertyName": property, "operator": "BETWEEN",
                    "value": T.to_string(), "highValue": high.to_string()
                }]}],
                "sorts": [{"propertyName": property, "direction": "ASCENDING"}],
                "properties": ["email", property],
                "limit": 200,
                "after": "0",
            }),
            "{object_type}"
        );
        let c = &changes[0];
        assert_eq!(
            (c.object_type.as_str(), c.object_id.as_str(), c.at),
            (object_type, "7", at(T + 5))
        );
        let checkpoint = c.checkpoint.as_ref().unwrap();
        assert_eq!(checkpoint.feed, feed_name(object_type));
        assert_eq!(
            (checkpoint.at, checkpoint.seen.clone()),
            (Some(at(T + 5)), vec!["7".to_owned()])
        );
    }
}

/// HubSpot's own record example (CRM Contacts v3 description) decodes, and its
/// `updatedAt` stands in for a last-modified property it does not carry.
#[tokio::test]
async fn a_hubspot_record_decodes_into_a_change() {
    let server = MockServer::start().await;
    let record = fixture_json("contact.json");
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"total": 1, "results": [record]})),
        )
        .mount(&server)
        .await;
    let since = "2019-11-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
    let changes: Vec<_> = client(&server.uri())
        .contacts()
        .feed(&ObjectFeedParams::new(), since)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    assert_eq!(c.object_id, "512");
    assert_eq!(
        c.at,
        "2019-12-07T16:50:06.678Z".parse::<DateTime<Utc>>().unwrap()
    );
    // Created on 2019-10-30, before the start: an update.
    assert_eq!(c.kind, ChangeKind::Updated);
    assert_eq!(c.object.property("property_string"), Some("value"));
    let from_start = client(&server.uri())
        .contacts()
        .feed(
            &ObjectFeedParams::new(),
            "2019-10-01T00:00:00Z".parse().unwrap(),
        )
        .next()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(from_start.kind, ChangeKind::Created);
}

/// 10 500 records: no search ever pages with `after` (the mock refuses past 10 000, as
/// HubSpot does); each moves the window to the last modification handed out.
#[tokio::test]
async fn the_ceiling_is_walked_by_moving_the_window() {
    let portal = Portal::new("hs_lastmodifieddate");
    for id in 1..=10_500u64 {
        portal.add(id, T, T + id as i64);
    }
    let (server, hubspot) = serve(&portal, "deals").await;
    let got = ids(hubspot.deals().feed(&ObjectFeedParams::new(), at(T))).await;
    assert_eq!(got, (1..=10_500).collect::<Vec<_>>());
    let all = requests(&server).await;
    // 200 the first page, then 199 new a page (the first of each is the last handed out).
    assert_eq!(all.len(), 53);
    for (i, request) in all.iter().enumerate() {
        let sent = body(request);
        assert_eq!(sent["after"], "0", "request {i}");
    }
    let last = body(&all[52]);
    assert_eq!(
        num(&last["filterGroups"][0]["filters"][0]["value"]),
        T + 1 + 200 + 51 * 199 - 1
    );
}

/// More records modified in one millisecond than fit a page: the feed walks that
/// millisecond by id (`EQ` + `hs_object_id GT`), then goes on by time; each once.
#[tokio::test]
async fn a_millisecond_fuller_than_a_page_is_walked_by_id() {
    let portal = Portal::new("hs_lastmodifieddate");
    portal.add(100, T, T + 1);
    for id in 1..=7 {
        portal.add(id, T, T + 5);
    }
    portal.add(50, T, T + 6);
    let (server, hubspot) = serve(&portal, "companies").await;
    let changes: Vec<_> = hubspot
        .companies()
        .feed(&ObjectFeedParams::new().limit(2), at(T))
        .try_collect()
        .await
        .unwrap();
    let got: Vec<&str> = changes.iter().map(|c| c.object_id.as_str()).collect();
    // The first page of the instant in the server's order (7, 6), then by id the rest.
    assert_eq!(got, ["100", "7", "6", "1", "2", "3", "4", "5", "50"]);
    let c = changes[4].checkpoint.as_ref().unwrap();
    assert_eq!(
        (c.at, c.seen.clone(), c.cursor.as_deref()),
        (
            Some(at(T + 5)),
            vec!["7".to_owned(), "6".to_owned()],
            Some("2")
        )
    );
    let walked_by_id = requests(&server)
        .await
        .iter()
        .filter(|r| body(r)["sorts"][0]["propertyName"] == "hs_object_id")
        .count();
    assert_eq!(walked_by_id, 4);
}

/// Resuming from the checkpoint of every change (and from the start) yields exactly the
/// changes after it, in order.
#[tokio::test]
async fn resume_from_every_checkpoint_yields_exactly_the_later_changes() {
    let portal = Portal::new("lastmodifieddate");
    let times = [1, 2, 2, 2, 2, 3, 4, 4, 5, 6, 6, 6, 6, 6, 7];
    for (i, t) in times.iter().enumerate() {
        portal.add(i as u64 + 1, T, T + t);
    }
    let (_server, hubspot) = serve(&portal, "contacts").await;
    let contacts = hubspot.contacts();
    let params = ObjectFeedParams::new().limit(3);
    let feed = contacts.feed(&params, at(T));
    let start = feed.checkpoint().cloned().unwrap();
    let changes: Vec<_> = feed.try_collect().await.unwrap();
    let all: Vec<u64> = changes
        .iter()
        .map(|c| c.object_id.parse().unwrap())
        .collect();
    let mut sorted = all.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (1..=15).collect::<Vec<_>>(), "each once");
    assert_eq!(ids(contacts.feed_from(&params, &start)).await, all);
    for (i, change) in changes.iter().enumerate() {
        let resumed = ids(contacts.feed_from(&params, change.checkpoint.as_ref().unwrap())).await;
        assert_eq!(resumed, all[i + 1..], "after change {i}");
    }
}

/// Records modified during the walk move to the end of the results: none is skipped, and
/// the modified ones come again in their new state.
#[tokio::test]
async fn records_modified_during_the_walk_skip_nothing() {
    let portal = Portal::new("hs_lastmodifieddate");
    for id in 1..=9u64 {
        portal.add(id, T, T + 10 * id as i64);
    }
    *portal.after.lock().unwrap() = Some(Box::new(|answered, portal: &Portal| {
        if answered == 1 {
            portal.touch(1, T + 1_000);
            portal.touch(2, T + 1_001);
        }
    }));
    let (_server, hubspot) = serve(&portal, "tickets").await;
    let got = ids(hubspot
        .tickets()
        .feed(&ObjectFeedParams::new().limit(3), at(T)))
    .await;
    assert_eq!(got, [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2]);
}

/// A 429 and a 503 in the middle of the walk are resent on the client's path (a search
/// is a read-only POST, resent like a GET): the walk finishes with every record once and
/// no error reaches the caller.
#[tokio::test]
async fn rate_limits_and_server_errors_mid_walk_do_not_end_the_walk() {
    let portal = Portal::new("hs_lastmodifieddate");
    for id in 1..=10u64 {
        portal.add(id, T, T + id as i64);
    }
    portal.failures.lock().unwrap().extend([(2, 429), (4, 503)]);
    let (server, hubspot) = serve(&portal, "deals").await;
    let mut feed = hubspot
        .deals()
        .feed(&ObjectFeedParams::new().limit(4), at(T));
    let (mut got, mut errors) = (Vec::new(), Vec::new());
    while let Some(item) = feed.next().await {
        match item {
            Ok(change) => got.push(change.object_id.parse::<u64>().unwrap()),
            Err(e) => errors.push((e.kind(), e.is_retryable())),
        }
    }
    assert_eq!(got, (1..=10).collect::<Vec<_>>());
    assert_eq!(errors, []);
    // Pages 4 + 3 + 3, and the two refused requests sent again.
    assert_eq!(requests(&server).await.len(), 3 + 2);
}

/// A record modified within the index lag is left for the next run: the search stops
/// `index_lag` behind now and the checkpoint does not pass it.
#[tokio::test]
async fn the_feed_stays_behind_the_search_index() {
    let portal = Portal::new("hs_lastmodifieddate");
    let now = Utc::now().timestamp_millis();
    portal.add(1, now - 600_000, now - 600_000);
    portal.add(2, now - 5_000, now - 5_000);
    let (_server, hubspot) = serve(&portal, "deals").await;
    let deals = hubspot.deals();
    let changes: Vec<_> = deals
        .feed(&ObjectFeedParams::new(), at(now - 3_600_000))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(changes.len(), 1);
    let saved = changes[0].checkpoint.clone().unwrap();
    assert_eq!(saved.at, Some(at(now - 600_000)));
    let later = ObjectFeedParams::new().index_lag(Duration::ZERO);
    assert_eq!(ids(deals.feed_from(&later, &saved)).await, [2]);
    // A start inside the lag makes no request and ends.
    assert!(
        ids(deals.feed(&ObjectFeedParams::new(), Utc::now()))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn bad_starts_fail_before_any_request() {
    let portal = Portal::new("lastmodifieddate");
    let (server, hubspot) = serve(&portal, "contacts").await;
    let contacts = hubspot.contacts();
    let kind = |mut feed: atom_core::feed::ChangeFeed<atom_hubspot::CrmObject>| async move {
        feed.next().await.unwrap().err().map(|e| e.kind())
    };
    let ours = FeedCheckpoint::new(feed_name("contacts")).with_at(at(T));
    let params = ObjectFeedParams::new();
    let bad: Vec<(&str, FeedCheckpoint, ObjectFeedParams)> = vec![
        ("limit 0", ours.clone(), ObjectFeedParams::new().limit(0)),
        (
            "limit 201",
            ours.clone(),
            ObjectFeedParams::new().limit(201),
        ),
        (
            "bad property",
            ours.clone(),
            ObjectFeedParams::new().properties(["a b"]),
        ),
        (
            "another feed",
            FeedCheckpoint::new("github.issues").with_at(at(T)),
            params.clone(),
        ),
        (
            "another type",
            FeedCheckpoint::new(feed_name("deals")).with_at(at(T)),
            params.clone(),
        ),
        (
            "no time",
            FeedCheckpoint::new(feed_name("contacts")),
            params.clone(),
        ),
        (
            "future",
            ours.clone().with_at(Utc::now() + chrono::Duration::days(1)),
            params.clone(),
        ),
        ("cursor", ours.clone().with_cursor("../1"), params.clone()),
        (
            "seen",
            ours.clone().with_seen(vec!["1\"}".into()]),
            params.clone(),
        ),
        (
            "huge seen",
            ours.clone()
                .with_seen((0..=MAX_SEEN).map(|i| i.to_string()).collect()),
            params.clone(),
        ),
        (
            "lag",
            ours.clone(),
            ObjectFeedParams::new().index_lag(Duration::MAX),
        ),
    ];
    for (why, checkpoint, params) in bad {
        assert_eq!(
            kind(contacts.feed_from(&params, &checkpoint)).await,
            Some(ErrorKind::Config),
            "{why}"
        );
    }
    assert_eq!(
        kind(hubspot.objects("../owners").feed(&params, at(T))).await,
        Some(ErrorKind::Config)
    );
    assert!(requests(&server).await.is_empty());
}

/// A server that answers the same full page forever (ignoring the window): the feed
/// ends with an error after a few requests instead of looping.
#[tokio::test]
async fn a_server_repeating_a_page_ends_the_feed_with_an_error() {
    let server = MockServer::start().await;
    let results: Vec<Value> = (1..=2)
        .map(|i| {
            json!({"id": i.to_string(), "properties": {"hs_lastmodifieddate": iso(T + 1)},
                        "createdAt": iso(T), "updatedAt": iso(T + 1), "archived": false})
        })
        .collect();
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"total": 50, "results": results, "paging": {"next": {"after": "2"}}}),
        ))
        .mount(&server)
        .await;
    let mut feed = client(&server.uri())
        .deals()
        .feed(&ObjectFeedParams::new().limit(2), at(T));
    let mut handed = Vec::new();
    let error = loop {
        match feed.next().await.unwrap() {
            Ok(change) => handed.push(change.object_id),
            Err(e) => break e,
        }
    };
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(handed, ["1", "2"]);
    assert!(requests(&server).await.len() <= 5);
    assert!(feed.next().await.is_none());
}

#[tokio::test]
async fn a_page_of_bad_json_is_a_decode_error() {
    for answer in [
        ResponseTemplate::new(200).set_body_string("{\"results\": [ nope"),
        ResponseTemplate::new(200)
            .set_body_json(json!({"results": [{"id": "1", "properties": {}}]})),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let first = client(&server.uri())
            .deals()
            .feed(&ObjectFeedParams::new(), at(T))
            .next()
            .await
            .unwrap();
        assert_eq!(first.err().map(|e| e.kind()), Some(ErrorKind::Decode));
    }
}

/// A verified delivery (HubSpot batches several events in one) becomes the feeds'
/// `Change<CrmObject>`s, one per event, in order, without checkpoints.
#[test]
fn a_webhook_batch_becomes_the_feeds_changes() {
    use atom_core::Secret;
    use atom_core::feed::changes_from_webhook;
    use atom_hubspot::webhook::{Webhook, sign_v3};
    let secret = Secret::new("app-secret");
    let url = "https://app.example.com/hubspot";
    let event = |id: i64, kind: &str, object: i64, extra: Value| {
        let mut e = json!({"eventId": id, "subscriptionId": 2, "portalId": 62515, "appId": 3,
            "occurredAt": T + id, "subscriptionType": kind, "attemptNumber": 0,
            "objectId": object, "changeSource": "CRM"});
        e.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        e
    };
    let body = serde_json::to_vec(&json!([
        event(1, "contact.creation", 101, json!({})),
        event(2, "deal.propertyChange", 202,
              json!({"propertyName": "dealstage", "propertyValue": "closedwon"})),
        event(3, "company.deletion", 303, json!({})),
        event(4, "object.propertyChange", 404,
              json!({"objectTypeId": "2-123", "propertyName": "color", "propertyValue": "red"})),
        {"some": "future event"},
    ]))
    .unwrap();
    let headers = sign_v3(&secret, "POST", url, &body, Utc::now());
    let hook = Webhook::new(vec![secret], url);
    let changes = changes_from_webhook(&hook, &headers, &body).unwrap();
    let summary: Vec<(ChangeKind, &str, &str, DateTime<Utc>)> = changes
        .iter()
        .map(|c| (c.kind, c.object_type.as_str(), c.object_id.as_str(), c.at))
        .collect();
    assert_eq!(
        summary,
        [
            (ChangeKind::Created, "contacts", "101", at(T + 1)),
            (ChangeKind::Updated, "deals", "202", at(T + 2)),
            (ChangeKind::Deleted, "companies", "303", at(T + 3)),
            (ChangeKind::Updated, "2-123", "404", at(T + 4)),
        ]
    );
    assert!(changes.iter().all(|c| c.checkpoint.is_none()));
    assert_eq!(changes[1].object.property("dealstage"), Some("closedwon"));
    assert!(changes[2].object.archived);
    assert_eq!(changes[0].object.id, "101");
}

proptest::proptest! {
    // Each case starts a mock server and walks over HTTP twice: 48 cases keep the run to a
    // few seconds in a debug build.
    #![proptest_config(atom_core::testing::proptest_config(48))]

    /// Any records (many in one millisecond, more than a page too), any page size, a crash
    /// at any point: the run yields every record once, by modification time, and the rerun
    /// from the last saved checkpoint yields exactly the records after it.
    #[test]
    fn resuming_from_any_crash_point_yields_the_rest_once(
        groups in proptest::collection::vec((1usize..7, 1i64..3), 0..8),
        limit in 1u32..5,
        crash in 0usize..40,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let portal = Portal::new("hs_lastmodifieddate");
            let (mut id, mut t) = (0u64, T);
            for (count, gap) in &groups {
                t += gap;
                for _ in 0..*count {
                    // Ids not in time order.
                    id += 1;
                    portal.add(id * 7 % 101, T, t);
                }
            }
            let times = portal.times();
            let (_server, hubspot) = serve(&portal, "deals").await;
            let deals = hubspot.deals();
            let params = ObjectFeedParams::new().limit(limit);
            let all = ids(deals.feed(&params, at(T))).await;
            let mut sorted = all.clone();
            sorted.sort_unstable();
            let mut expected: Vec<u64> = times.keys().copied().collect();
            expected.sort_unstable();
            assert_eq!(sorted, expected, "each record once");
            assert!(all.windows(2).all(|w| times[&w[0]] <= times[&w[1]]), "by time");

            let mut feed = deals.feed(&params, at(T));
            let mut saved = feed.checkpoint().cloned().unwrap();
            let crash = crash.min(all.len());
            let mut handled = Vec::new();
            while handled.len() < crash {
                let change = feed.try_next().await.unwrap().unwrap();
                handled.push(change.object_id.parse::<u64>().unwrap());
                if handled.len() < crash {
                    saved = change.checkpoint.unwrap();
                }
            }
            drop(feed);
            assert_eq!(handled, all[..crash]);
            let resumed = ids(deals.feed_from(&params, &saved)).await;
            assert_eq!(resumed, all[crash.saturating_sub(1)..]);
        });
    }
}
