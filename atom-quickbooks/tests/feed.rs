//! The CDC change feed against a mock that keeps state: the exact request, decoding of the
//! recorded answer, oldest first across entities, the 1 000-per-entity cap walked without
//! losing the rest, resume from every checkpoint, a later run, the 30-day gap, refused
//! checkpoints, retries mid-walk, and webhook notifications as the same changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use atom_core::ErrorKind;
use atom_core::Secret;
use atom_core::feed::{
    Change, ChangeFeed, ChangeKind, FeedCheckpoint, FeedGap, changes_from_webhook,
};
use atom_quickbooks::Invoice;
use atom_quickbooks::feed::{CDC_FEED, CdcFeedParams, CdcObject, FeedStart, MAX_SEEN};
use atom_quickbooks::webhook::{SIGNATURE_HEADER, Webhook, sign};
use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Timelike as _, Utc};
use common::*;
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Two days before the tests started, to the second (one value for the whole run).
fn base() -> DateTime<Utc> {
    static BASE: std::sync::OnceLock<DateTime<Utc>> = std::sync::OnceLock::new();
    *BASE.get_or_init(|| (Utc::now() - Duration::days(2)).with_nanosecond(0).unwrap())
}

#[derive(Debug, Clone)]
struct Rec {
    entity: &'static str,
    id: u64,
    updated: DateTime<Utc>,
    created: DateTime<Utc>,
    deleted: bool,
}

fn rec(entity: &'static str, id: u64, updated: DateTime<Utc>) -> Rec {
    Rec {
        entity,
        id,
        updated,
        created: updated - Duration::hours(1),
        deleted: false,
    }
}

/// QuickBooks' CDC, keeping state: objects of the asked entities with `LastUpdatedTime` at
/// or after `changedSince`, oldest first, at most `cap` per entity.
#[derive(Clone)]
struct Cdc {
    records: Arc<Mutex<Vec<Rec>>>,
    cap: usize,
    /// The cap counts the objects of all entities together (the oldest first).
    global: bool,
}

/// Pacific time, as QuickBooks sends it.
fn pacific(t: DateTime<Utc>) -> String {
    let offset = FixedOffset::west_opt(8 * 3600).unwrap();
    t.with_timezone(&offset)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn object(r: &Rec) -> Value {
    if r.deleted {
        return json!({"domain": "QBO", "status": "Deleted", "Id": r.id.to_string(),
            "MetaData": {"LastUpdatedTime": pacific(r.updated)}});
    }
    static TEMPLATES: std::sync::OnceLock<(Value, Value)> = std::sync::OnceLock::new();
    let (invoice, customer) = TEMPLATES.get_or_init(|| {
        (
            fixture("invoice")["Invoice"].clone(),
            fixture("customer")["Customer"].clone(),
        )
    });
    let mut v = if r.entity == "Invoice" {
        invoice.clone()
    } else {
        customer.clone()
    };
    v["Id"] = json!(r.id.to_string());
    v["MetaData"] =
        json!({"CreateTime": pacific(r.created), "LastUpdatedTime": pacific(r.updated)});
    v
}

impl Cdc {
    fn new(records: Vec<Rec>) -> Self {
        Self {
            records: Arc::new(Mutex::new(records)),
            cap: 1000,
            global: false,
        }
    }

    fn set(&self, r: Rec) {
        let mut records = self.records.lock().unwrap();
        records.retain(|x| !(x.entity == r.entity && x.id == r.id));
        records.push(r);
    }
}

impl Respond for Cdc {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let since = query_value(request, "changedSince")
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok());
        let (Some(entities), Some(since)) = (query_value(request, "entities"), since) else {
            return ResponseTemplate::new(400).set_body_json(json!({"Fault": {"Error": [{"Message": "bad", "code": "2010"}], "type": "ValidationFault"}}));
        };
        let mut records = self.records.lock().unwrap().clone();
        records.sort_by_key(|r| (r.updated, r.id));
        if self.global {
            let asked: Vec<&str> = entities.split(',').collect();
            records = records
                .into_iter()
                .filter(|r| asked.contains(&r.entity) && r.updated >= since)
                .take(self.cap)
                .collect();
        }
        let mut answers = Vec::new();
        for entity in entities.split(',') {
            let rows: Vec<Value> = records
                .iter()
                .filter(|r| r.entity == entity && r.updated >= since)
                .take(self.cap)
                .map(object)
                .collect();
            let mut q = json!({"startPosition": 1, "maxResults": rows.len()});
            if !rows.is_empty() {
                q[entity] = Value::Array(rows);
            }
            answers.push(q);
        }
        ResponseTemplate::new(200).set_body_json(json!({
            "CDCResponse": [{"QueryResponse": answers}],
            "time": Utc::now().to_rfc3339(),
        }))
    }
}

async fn serve(cdc: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .respond_with(cdc)
        .mount(&server)
        .await;
    server
}

fn params() -> CdcFeedParams {
    CdcFeedParams::new(&["Invoice", "Customer"])
}

fn from_base() -> FeedStart {
    FeedStart::Since(base())
}

async fn all(feed: ChangeFeed<CdcObject>) -> Vec<Change<CdcObject>> {
    feed.try_collect().await.unwrap()
}

fn keys(changes: &[Change<CdcObject>]) -> Vec<String> {
    changes
        .iter()
        .map(|c| format!("{}:{}", c.object_type, c.object_id))
        .collect()
}

async fn first_error(mut feed: ChangeFeed<CdcObject>) -> atom_core::Error {
    loop {
        match feed.next().await {
            Some(Err(e)) => return e,
            Some(Ok(_)) => {}
            None => panic!("the feed ended without an error"),
        }
    }
}

#[tokio::test]
async fn the_request_is_exactly_quickbooks_cdc() {
    let server = serve(Cdc::new(vec![rec(
        "Invoice",
        1,
        base() + Duration::seconds(5),
    )]))
    .await;
    let changes = all(client(&server).cdc_feed(&params(), from_base())).await;
    assert_eq!(keys(&changes), ["Invoice:1"]);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1, "an answer under the cap ends the feed");
    let r = &sent[0];
    assert_eq!(r.url.path(), p("cdc"));
    let pairs: Vec<(String, String)> = r
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let since = base().to_rfc3339_opts(SecondsFormat::Secs, false);
    assert_eq!(
        pairs,
        [
            ("entities".to_owned(), "Invoice,Customer".to_owned()),
            ("changedSince".to_owned(), since),
            ("minorversion".to_owned(), "75".to_owned()),
        ]
    );
    assert_eq!(
        r.headers.get("authorization").unwrap().to_str().unwrap(),
        format!("Bearer {TOKEN}")
    );
}

#[tokio::test]
async fn the_recorded_answer_decodes_into_typed_changes() {
    // The recorded answer, its times moved into the window.
    let mut answer = fixture("cdc_response");
    let recent = pacific(base() + Duration::hours(1));
    for block in answer["CDCResponse"][0]["QueryResponse"]
        .as_array_mut()
        .unwrap()
    {
        for (_, rows) in block.as_object_mut().unwrap() {
            if let Some(rows) = rows.as_array_mut() {
                for row in rows {
                    row["MetaData"]["LastUpdatedTime"] = json!(recent);
                }
            }
        }
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .mount(&server)
        .await;
    let changes =
        all(client(&server).cdc_feed(&CdcFeedParams::new(&["Bill", "Customer"]), from_base()))
            .await;
    assert!(!changes.is_empty());
    let bill = changes.iter().find(|c| c.object_type == "Bill").unwrap();
    let decoded: atom_quickbooks::Bill = bill.object.decode().unwrap();
    assert_eq!(decoded.id.as_deref(), Some(bill.object_id.as_str()));
    assert_eq!(bill.kind, ChangeKind::Updated);
    let cp = bill.checkpoint.clone().unwrap();
    assert_eq!(
        (cp.feed.as_str(), cp.cursor.as_deref()),
        (CDC_FEED, Some("Bill,Customer"))
    );
    assert_eq!(cp.at, Some(bill.at));
}

#[tokio::test]
async fn changes_come_oldest_first_across_entities_with_kinds() {
    let b = base();
    let mut gone = rec("Customer", 7, b + Duration::seconds(30));
    gone.deleted = true;
    let mut new = rec("Customer", 8, b + Duration::seconds(20));
    new.created = new.updated;
    let server = serve(Cdc::new(vec![
        rec("Invoice", 1, b + Duration::seconds(40)),
        gone,
        rec("Invoice", 2, b + Duration::seconds(10)),
        new,
    ]))
    .await;
    let changes = all(client(&server).cdc_feed(&params(), from_base())).await;
    assert_eq!(
        keys(&changes),
        ["Invoice:2", "Customer:8", "Customer:7", "Invoice:1"]
    );
    let kinds: Vec<_> = changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ChangeKind::Updated,
            ChangeKind::Created,
            ChangeKind::Deleted,
            ChangeKind::Updated
        ]
    );
    assert!(changes[2].object.deleted);
    let invoice: Invoice = changes[0].object.decode().unwrap();
    assert_eq!(invoice.id.as_deref(), Some("2"));
}

/// 2 300 invoices two a second, and customers every 7 seconds across the same span.
fn many() -> Vec<Rec> {
    let b = base();
    let mut records: Vec<Rec> = (0..2300u64)
        .map(|i| rec("Invoice", i + 1, b + Duration::seconds(i as i64 / 2)))
        .collect();
    records
        .extend((0..170u64).map(|i| rec("Customer", i + 1, b + Duration::seconds(i as i64 * 7))));
    records
}

#[tokio::test]
async fn a_full_answer_is_continued_from_the_last_time_handed_out_and_nothing_is_lost() {
    let server = serve(Cdc::new(many())).await;
    let changes = all(client(&server).cdc_feed(&params(), from_base())).await;
    let got = keys(&changes);
    let mut unique = got.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 2470, "every object");
    assert_eq!(got.len(), 2470, "each once");
    assert!(
        changes.windows(2).all(|w| w[0].at <= w[1].at),
        "oldest first"
    );
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    let since: Vec<String> = sent
        .iter()
        .map(|r| query_value(r, "changedSince").unwrap())
        .collect();
    // Moved to the newest invoice of each full answer (invoice 1000 at +499 s, 1998 at +998 s).
    assert_eq!(
        since[1],
        (base() + Duration::seconds(499)).to_rfc3339_opts(SecondsFormat::Secs, false)
    );
    assert_eq!(
        since[2],
        (base() + Duration::seconds(998)).to_rfc3339_opts(SecondsFormat::Secs, false)
    );
}

#[tokio::test]
async fn an_answer_capped_across_entities_is_continued_too() {
    let b = base();
    let records: Vec<Rec> = (0..1400u64)
        .map(|i| {
            rec(
                if i % 2 == 0 { "Invoice" } else { "Customer" },
                i + 1,
                b + Duration::seconds(i as i64),
            )
        })
        .collect();
    let mut cdc = Cdc::new(records);
    cdc.global = true;
    let server = serve(cdc).await;
    let changes = all(client(&server).cdc_feed(&params(), from_base())).await;
    let got = keys(&changes);
    assert_eq!(got.len(), 1400, "every object once");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn resuming_from_every_checkpoint_yields_exactly_the_later_changes() {
    let b = base();
    let records: Vec<Rec> = (0..14u64)
        .map(|i| {
            rec(
                if i % 3 == 0 { "Customer" } else { "Invoice" },
                i + 1,
                b + Duration::seconds(i as i64 / 3),
            )
        })
        .collect();
    let server = serve(Cdc::new(records)).await;
    let c = client(&server);
    let changes = all(c.cdc_feed(&params(), from_base())).await;
    let everything = keys(&changes);
    assert_eq!(everything.len(), 14);
    for (k, change) in changes.iter().enumerate() {
        let saved =
            FeedCheckpoint::from_json(change.checkpoint.as_ref().unwrap().to_json().as_bytes())
                .unwrap();
        let resumed = all(c.cdc_feed_from(&params(), &saved)).await;
        assert_eq!(
            keys(&resumed),
            everything[k + 1..],
            "after change {k}: {saved:?}"
        );
    }
}

#[tokio::test]
async fn resuming_mid_walk_over_full_answers_loses_nothing() {
    let server = serve(Cdc::new(many())).await;
    let c = client(&server);
    let changes = all(c.cdc_feed(&params(), from_base())).await;
    let everything = keys(&changes);
    for k in [0usize, 998, 999, 1000, 1500, 2200] {
        let saved = changes[k].checkpoint.clone().unwrap();
        let resumed = keys(&all(c.cdc_feed_from(&params(), &saved)).await);
        assert_eq!(resumed, everything[k + 1..], "after change {k}");
    }
}

#[tokio::test]
async fn the_start_is_saved_and_a_later_run_brings_what_changed() {
    let b = base();
    let cdc = Cdc::new(vec![
        rec("Invoice", 1, b + Duration::seconds(1)),
        rec("Customer", 2, b + Duration::seconds(2)),
    ]);
    let server = serve(cdc.clone()).await;
    let c = client(&server);
    let mut feed = c.cdc_feed(&params(), from_base());
    assert_eq!(feed.checkpoint().and_then(|c| c.at), Some(b));
    while feed.try_next().await.unwrap().is_some() {}
    let saved = feed.checkpoint().cloned().unwrap();
    // Quiet for two days: the end moved the checkpoint to a minute back, so a feed with
    // no change for 30 days would still resume.
    let moved = saved.at.unwrap();
    assert!(
        moved > Utc::now() - Duration::seconds(90) && saved.seen.is_empty(),
        "{saved:?}"
    );
    assert!(
        all(c.cdc_feed_from(&params(), &saved)).await.is_empty(),
        "nothing new"
    );
    let now = Utc::now().with_nanosecond(0).unwrap();
    cdc.set(rec("Invoice", 1, now));
    let mut deleted = rec("Customer", 3, now + Duration::seconds(1));
    deleted.deleted = true;
    cdc.set(deleted);
    let later = all(c.cdc_feed_from(&params(), &saved)).await;
    assert_eq!(keys(&later), ["Invoice:1", "Customer:3"]);
    assert_eq!(later[1].kind, ChangeKind::Deleted);
}

#[tokio::test]
async fn a_thousand_changes_at_one_instant_end_with_an_error_not_a_loop() {
    let b = base() + Duration::seconds(9);
    let records: Vec<Rec> = (0..1200u64).map(|i| rec("Invoice", i + 1, b)).collect();
    let server = serve(Cdc::new(records)).await;
    let e = first_error(client(&server).cdc_feed(&params(), from_base())).await;
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(e.message().contains("1000"), "{e}");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_checkpoint_older_than_30_days_is_a_gap_before_any_request() {
    let server = serve(Cdc::new(Vec::new())).await;
    let c = client(&server);
    let old = Utc::now() - Duration::days(31);
    let checkpoint = FeedCheckpoint::new(CDC_FEED)
        .with_cursor("Invoice,Customer")
        .with_at(old);
    let e = first_error(c.cdc_feed_from(&params(), &checkpoint)).await;
    assert_eq!(e.kind(), ErrorKind::FeedGap);
    let gap = e.provider_details::<FeedGap>().unwrap();
    assert_eq!(gap.resume_from, Some(old));
    assert!(gap.horizon.unwrap() > old + Duration::days(1));
    let e = first_error(c.cdc_feed(&params(), FeedStart::Since(old))).await;
    assert_eq!(e.kind(), ErrorKind::FeedGap);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn damaged_and_foreign_checkpoints_are_refused_before_any_request() {
    let server = serve(Cdc::new(Vec::new())).await;
    let c = client(&server);
    let at = base();
    let good = || {
        FeedCheckpoint::new(CDC_FEED)
            .with_cursor("Invoice,Customer")
            .with_at(at)
    };
    let huge: Vec<String> = (0..20_000).map(|i| format!("Invoice:{i}")).collect();
    let bad = [
        FeedCheckpoint::new("stripe.events")
            .with_cursor("Invoice,Customer")
            .with_at(at),
        FeedCheckpoint::new(CDC_FEED)
            .with_cursor("Invoice")
            .with_at(at),
        FeedCheckpoint::new(CDC_FEED).with_at(at),
        FeedCheckpoint::new(CDC_FEED).with_cursor("Invoice,Customer"),
        good().with_at(Utc::now() + Duration::hours(1)),
        good().with_seen(huge),
        good().with_seen(vec!["no-colon".into()]),
        good().with_seen(vec![":1".into()]),
    ];
    for checkpoint in &bad {
        let e = first_error(c.cdc_feed_from(&params(), checkpoint)).await;
        assert_eq!(e.kind(), ErrorKind::Config, "{checkpoint:?}: {e}");
    }
    for entities in [&[][..], &["Invoice&x=1"], &[""]] {
        let e = first_error(c.cdc_feed(&CdcFeedParams::new(entities), from_base())).await;
        assert_eq!(e.kind(), ErrorKind::Config);
    }
    assert!(requests(&server).await.is_empty());
    // A checkpoint keeps at most MAX_SEEN ids of an instant and is accepted back.
    assert!(
        all(c.cdc_feed_from(
            &params(),
            &good().with_seen(vec!["Invoice:1".into(); MAX_SEEN])
        ))
        .await
        .is_empty()
    );
}

#[tokio::test]
async fn damaged_answers_are_decode_errors_and_faults_are_their_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"CDCResponse\": [", "application/json"),
        )
        .mount(&server)
        .await;
    let e = first_error(client(&server).cdc_feed(&params(), from_base())).await;
    assert_eq!(e.kind(), ErrorKind::Decode);

    let server = MockServer::start().await;
    let no_time = json!({"CDCResponse": [{"QueryResponse": [{"Invoice": [{"Id": "1"}]}]}]});
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .respond_with(ResponseTemplate::new(200).set_body_json(no_time))
        .mount(&server)
        .await;
    let e = first_error(client(&server).cdc_feed(&params(), from_base())).await;
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.message().contains("LastUpdatedTime"), "{e}");

    let server = MockServer::start().await;
    let fault = json!({"Fault": {"Error": [{"Message": "message=Invalid date", "Detail": "changedSince", "code": "2010"}], "type": "ValidationFault"}, "time": Utc::now().to_rfc3339()});
    Mock::given(method("GET"))
        .and(path(p("cdc")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fault))
        .mount(&server)
        .await;
    let e = first_error(client(&server).cdc_feed(&params(), from_base())).await;
    assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
}

/// The real CDC, failing the second request with a 429 and then a 503.
struct Flaky {
    inner: Cdc,
    calls: AtomicUsize,
}

impl Respond for Flaky {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self.calls.fetch_add(1, Ordering::SeqCst) {
            1 => ResponseTemplate::new(429).insert_header("retry-after", "0"),
            2 => ResponseTemplate::new(503),
            _ => self.inner.respond(request),
        }
    }
}

#[tokio::test]
async fn a_429_and_a_503_mid_walk_are_retried_and_the_walk_finishes() {
    let server = serve(Flaky {
        inner: Cdc::new(many()),
        calls: AtomicUsize::new(0),
    })
    .await;
    let changes = all(client(&server).cdc_feed(&params(), from_base())).await;
    assert_eq!(changes.len(), 2470);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 5, "3 answers and 2 retries");
    assert_eq!(
        query_value(&sent[1], "changedSince"),
        query_value(&sent[3], "changedSince")
    );
}

fn signed(body: &[u8]) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        SIGNATURE_HEADER,
        sign(&Secret::new("verifier"), body).parse().unwrap(),
    );
    headers
}

#[test]
fn webhook_notifications_are_the_feeds_changes_with_ids_only() {
    let hook = Webhook::new([Secret::new("verifier")]);
    let body = fixture_text("webhook_classic.json");
    let changes = changes_from_webhook(&hook, &signed(body.as_bytes()), body.as_bytes()).unwrap();
    let summary: Vec<(ChangeKind, String, Option<FeedCheckpoint>)> = changes
        .iter()
        .map(|c| {
            (
                c.kind,
                format!("{}:{}", c.object_type, c.object_id),
                c.checkpoint.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (ChangeKind::Created, "Customer:1".to_owned(), None),
            (ChangeKind::Updated, "Invoice:130".to_owned(), None),
            (ChangeKind::Updated, "Vendor:44".to_owned(), None),
            (ChangeKind::Deleted, "Vendor:43".to_owned(), None),
        ]
    );
    // `-0700`, the classic form's offset.
    assert_eq!(
        changes[0].at,
        "2026-11-29T21:42:19Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(changes[1].object.value, json!({"Id": "130"}));
    assert!(changes[3].object.deleted);

    let body = fixture_text("webhook_cloudevents.json");
    let changes = changes_from_webhook(&hook, &signed(body.as_bytes()), body.as_bytes()).unwrap();
    let summary: Vec<(ChangeKind, String)> = changes
        .iter()
        .map(|c| (c.kind, format!("{}:{}", c.object_type, c.object_id)))
        .collect();
    assert_eq!(
        summary,
        [
            (ChangeKind::Created, "Invoice:130".to_owned()),
            (ChangeKind::Updated, "SalesReceipt:77".to_owned())
        ]
    );

    let no_time = br#"{"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[{"name":"Invoice","id":"1","operation":"Update"}]}}]}"#;
    let e = changes_from_webhook(&hook, &signed(no_time), no_time).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
}
