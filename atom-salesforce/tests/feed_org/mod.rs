//! A mock org for the feed tests: keeps Account records and deletions and answers as
//! Salesforce does: `/query?q=` evaluated on `SystemModstamp`/`Id` with `nextRecordsUrl`
//! locators (a few records a page, so the 2 000-record batches are walked), and
//! `sobjects/Account/deleted/?start=&end=` checked for whole-minute UTC windows.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use atom_core::ErrorKind;
use atom_core::feed::{Change, ChangeKind, FeedCheckpoint, FeedGap};
use atom_salesforce::models::datetime;
use chrono::{DateTime, Duration, DurationRound as _, Utc};
use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::common::{client, data, id};

#[derive(Clone, Debug)]
pub struct Rec {
    pub id: String,
    pub created: DateTime<Utc>,
    pub modstamp: DateTime<Utc>,
    pub name: String,
}

#[derive(Default)]
pub struct State {
    pub live: Vec<Rec>,
    pub deleted: Vec<(String, DateTime<Utc>)>,
    pub locators: HashMap<String, VecDeque<Value>>,
    pub next_locator: usize,
    pub page_size: usize,
    pub earliest: Option<DateTime<Utc>>,
    /// `latestDateCovered`, when earlier than the window's end.
    pub covered_at: Option<DateTime<Utc>>,
    pub queries: Vec<String>,
    pub windows: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Statuses to answer to the next query-page requests, before serving them.
    pub fail: VecDeque<u16>,
    pub requests: usize,
    /// Answer the next locator page with `INVALID_QUERY_LOCATOR` (an expired locator).
    pub expire_next: bool,
}

#[derive(Clone, Default)]
pub struct Org(pub Arc<Mutex<State>>);

pub fn sf_time(t: DateTime<Utc>) -> String {
    datetime::format(&t)
}

pub fn record_json(r: &Rec) -> Value {
    json!({
        "attributes": {"type": "Account", "url": format!("/services/data/v67.0/sobjects/Account/{}", r.id)},
        "Id": r.id,
        "Name": r.name,
        "CreatedDate": sf_time(r.created),
        "SystemModstamp": sf_time(r.modstamp),
    })
}

pub fn error(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!([{"message": code, "errorCode": code}]))
}

/// `2026-11-29T10:00:00Z` or `…+00:00`.
pub fn parse_literal(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// The bounds of the feed's query: (lower op, lower time, Id after, upper time).
pub fn bounds(q: &str) -> (String, DateTime<Utc>, Option<String>, DateTime<Utc>) {
    let (_, rest) = q.split_once(" WHERE ").expect("a WHERE clause");
    let (cond, order) = rest.split_once(" ORDER BY ").expect("an ORDER BY");
    assert_eq!(order, "SystemModstamp ASC, Id ASC");
    let cleaned = cond.replace(['(', ')'], "");
    let tokens: Vec<&str> = cleaned.split(' ').collect();
    let (mut lower, mut id, mut upper) = (None, None, None);
    for w in tokens.windows(3) {
        match (w[0], w[1]) {
            ("SystemModstamp", op @ (">" | ">=")) if lower.is_none() => {
                lower = Some((op.to_owned(), parse_literal(w[2])));
            }
            ("SystemModstamp", "<") => upper = Some(parse_literal(w[2])),
            ("Id", ">") => id = Some(w[2].trim_matches('\'').to_owned()),
            _ => {}
        }
    }
    let (op, t) = lower.expect("a lower bound");
    (op, t, id, upper.expect("an upper bound"))
}

impl Org {
    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.0.lock().unwrap())
    }

    pub fn new(page_size: usize) -> Self {
        let org = Self::default();
        org.with(|s| s.page_size = page_size);
        org
    }

    pub fn create(&self, n: usize, at: DateTime<Utc>) -> String {
        let id = id("001", n);
        self.with(|s| {
            s.live.push(Rec {
                id: id.clone(),
                created: at,
                modstamp: at,
                name: format!("Account {n}"),
            });
        });
        id
    }

    pub fn update(&self, n: usize, at: DateTime<Utc>) {
        let id = id("001", n);
        self.with(|s| {
            for r in &mut s.live {
                if r.id == id {
                    r.modstamp = at;
                    r.name = format!("Account {n} v{}", at.timestamp());
                }
            }
        });
    }

    pub fn delete(&self, n: usize, at: DateTime<Utc>) {
        let id = id("001", n);
        self.with(|s| {
            s.live.retain(|r| r.id != id);
            s.deleted.push((id, at));
        });
    }

    /// What the feed must yield after `(t, kind rank, id)`, in its order.
    pub fn expected_after(&self, from: (DateTime<Utc>, u8, String)) -> Vec<(ChangeKind, String)> {
        self.expected_timed(from)
            .into_iter()
            .map(|(_, k, id)| (k, id))
            .collect()
    }

    pub fn expected_timed(
        &self,
        from: (DateTime<Utc>, u8, String),
    ) -> Vec<(DateTime<Utc>, ChangeKind, String)> {
        self.with(|s| {
            let mut all: Vec<(DateTime<Utc>, u8, String, ChangeKind)> = s
                .live
                .iter()
                .map(|r| {
                    let kind = if r.created == r.modstamp {
                        ChangeKind::Created
                    } else {
                        ChangeKind::Updated
                    };
                    (r.modstamp, 1, r.id.clone(), kind)
                })
                .chain(
                    s.deleted
                        .iter()
                        .map(|(id, t)| (*t, 2, id.clone(), ChangeKind::Deleted)),
                )
                .collect();
            all.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
            all.into_iter()
                .filter(|e| (e.0, e.1, &e.2) > (from.0, from.1, &from.2))
                .map(|e| (e.0, e.3, e.2))
                .collect()
        })
    }

    pub fn query(&self, q: &str) -> ResponseTemplate {
        assert!(
            q.starts_with("SELECT Id, SystemModstamp, CreatedDate"),
            "{q}"
        );
        assert!(q.contains(" FROM Account WHERE "), "{q}");
        let (op, t, after, end) = bounds(q);
        let page = self.with(|s| {
            s.queries.push(q.to_owned());
            let mut hits: Vec<&Rec> = s
                .live
                .iter()
                .filter(|r| r.modstamp < end)
                .filter(|r| match (op.as_str(), &after) {
                    (">=", None) => r.modstamp >= t,
                    (">", None) => r.modstamp > t,
                    (">", Some(x)) => r.modstamp > t || (r.modstamp == t && r.id > *x),
                    other => panic!("unexpected bound {other:?}"),
                })
                .collect();
            hits.sort_by(|a, b| (a.modstamp, &a.id).cmp(&(b.modstamp, &b.id)));
            let records: VecDeque<Value> = hits.into_iter().map(record_json).collect();
            s.next_locator += 1;
            let locator = format!("01gD0000002HU6K{:03}", s.next_locator);
            s.locators.insert(locator.clone(), records);
            locator
        });
        self.page(&page)
    }

    pub fn page(&self, locator: &str) -> ResponseTemplate {
        self.with(|s| {
            let size = s.page_size;
            let rest = s.locators.get_mut(locator).expect("a known locator");
            let total = rest.len();
            let records: Vec<Value> = rest.drain(..size.min(total)).collect();
            let mut body = json!({"totalSize": total, "done": rest.is_empty(), "records": records});
            if !rest.is_empty() {
                body["nextRecordsUrl"] = json!(format!(
                    "/services/data/v67.0/query/{locator}-{}",
                    s.requests
                ));
                let rest = s.locators.remove(locator).unwrap();
                s.locators.insert(format!("{locator}-{}", s.requests), rest);
            }
            ResponseTemplate::new(200).set_body_json(body)
        })
    }

    pub fn deleted(&self, start: &str, end: &str) -> ResponseTemplate {
        // Salesforce's documented form: UTC with an offset, whole minutes.
        let (start_t, end_t) = (parse_literal(start), parse_literal(end));
        assert!(start.ends_with(":00+00:00") && end.ends_with(":00+00:00"));
        let now = Utc::now();
        if end_t - start_t <= Duration::minutes(1)
            || start_t < now - Duration::days(15)
            || end_t > now
        {
            return error(400, "INVALID_REPLICATION_DATE");
        }
        self.with(|s| {
            s.windows.push((start_t, end_t));
            let covered = s.covered_at.map_or(end_t, |c| c.min(end_t));
            let records: Vec<Value> = s
                .deleted
                .iter()
                .filter(|(_, t)| *t >= start_t && *t < covered)
                .map(|(id, t)| json!({"id": id, "deletedDate": sf_time(*t)}))
                .collect();
            let earliest = s.earliest.unwrap_or(now - Duration::days(15));
            ResponseTemplate::new(200).set_body_json(json!({
                "deletedRecords": records,
                "earliestDateAvailable": sf_time(earliest),
                "latestDateCovered": sf_time(covered),
            }))
        })
    }
}

impl Respond for Org {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let q: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let path = request.url.path().to_owned();
        assert_eq!(
            request
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer 00Dx0000000BV7z!static")
        );
        let fail = self.with(|s| {
            s.requests += 1;
            if path.contains("/query") {
                s.fail.pop_front()
            } else {
                None
            }
        });
        if let Some(status) = fail {
            return match status {
                429 => ResponseTemplate::new(429).insert_header("retry-after", "0"),
                _ => error(status, "SERVER_UNAVAILABLE"),
            };
        }
        if path == data("/sobjects/Account/deleted/") {
            return self.deleted(&q["start"], &q["end"]);
        }
        if path == data("/query") {
            return self.query(&q["q"]);
        }
        if let Some(locator) = path.strip_prefix("/services/data/v67.0/query/") {
            if self.with(|s| std::mem::take(&mut s.expire_next)) {
                return error(400, "INVALID_QUERY_LOCATOR");
            }
            return self.page(locator);
        }
        panic!("unexpected request {path}");
    }
}

pub async fn org_server(org: &Org) -> (MockServer, atom_salesforce::Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("^/services/data/"))
        .respond_with(org.clone())
        .mount(&server)
        .await;
    let sf = client(&server);
    (server, sf)
}

pub fn minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::minutes(1)).unwrap()
}

/// A base time well inside what the feed covers: three hours ago, on a minute, the same
/// for the whole run (a minute turning during a test must not move it).
pub fn base() -> DateTime<Utc> {
    static BASE: std::sync::LazyLock<DateTime<Utc>> =
        std::sync::LazyLock::new(|| minute(Utc::now() - Duration::hours(3)));
    *BASE
}

pub fn kinds<T>(changes: &[Change<T>]) -> Vec<(ChangeKind, String)> {
    changes
        .iter()
        .map(|c| (c.kind, c.object_id.clone()))
        .collect()
}

pub fn rank_of(checkpoint: &FeedCheckpoint) -> (DateTime<Utc>, u8, String) {
    let cursor = checkpoint.cursor.clone().unwrap_or_default();
    let (rank, id) = match cursor.split_once(':') {
        Some(("updated", id)) => (1, id.to_owned()),
        Some(("deleted", id)) => (2, id.to_owned()),
        _ => (0, String::new()),
    };
    (checkpoint.at.unwrap(), rank, id)
}

/// Twelve accounts over an hour, five in one second (more than a page), three deleted
/// between them, two updated after creation.
pub fn populated(page_size: usize) -> Org {
    let org = Org::new(page_size);
    let b = base();
    for n in 1..=6 {
        org.create(n, b + Duration::seconds(60 * n as i64));
    }
    for n in 7..=11 {
        org.create(n, b + Duration::seconds(900));
    }
    org.create(12, b + Duration::seconds(1200));
    org.update(2, b + Duration::seconds(901));
    org.update(3, b + Duration::seconds(900));
    org.delete(4, b + Duration::seconds(300));
    org.delete(5, b + Duration::seconds(900));
    org.delete(6, b + Duration::seconds(1500));
    org
}

/// The gap detail of a `FeedGap` error (which no retry can fix).
pub fn gap_of(err: &atom_core::Error) -> FeedGap {
    assert_eq!(err.kind(), ErrorKind::FeedGap, "{err}");
    assert!(!err.is_retryable());
    err.provider_details::<FeedGap>().unwrap().clone()
}
