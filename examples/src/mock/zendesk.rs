//! A Zendesk mock that keeps tickets and users: the cursor-based ticket export
//! (`GET /api/v2/incremental/tickets/cursor` with `start_time` or `cursor`, ordered by
//! export time then id, `after_cursor` and `end_of_stream`) and
//! `GET /api/v2/users/show_many?ids=…`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

use super::Storm;

#[derive(Debug, Default)]
struct State {
    /// By id; each with its `generated_timestamp`.
    tickets: BTreeMap<u64, Value>,
    users: BTreeMap<u64, Value>,
    per_page: usize,
}

/// The mock's account and its request counter; clones share both.
#[derive(Debug, Clone, Default)]
pub struct ZendeskMock {
    state: Arc<Mutex<State>>,
    /// Counts requests and answers a stretch of them with `429` and `Retry-After: 0`.
    pub storm: Storm,
}

/// A ticket as the mock keeps it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TicketSpec {
    /// The ticket id.
    pub id: u64,
    /// The requester's user id.
    pub requester: u64,
    /// `new`, `open`, `pending`, `hold`, `solved`, `closed` or `deleted`.
    pub status: String,
    /// `good`, `bad`, `offered` or `unoffered`.
    pub satisfaction: String,
    /// When it last changed (Unix seconds): its export time.
    pub at: i64,
}

impl TicketSpec {
    /// An open ticket with no rating yet.
    pub fn new(id: u64, requester: u64, at: i64) -> Self {
        Self {
            id,
            requester,
            status: "open".to_owned(),
            satisfaction: "unoffered".to_owned(),
            at,
        }
    }

    /// With this status.
    pub fn status(mut self, status: &str) -> Self {
        self.status = status.to_owned();
        self
    }

    /// With this satisfaction score.
    pub fn satisfaction(mut self, score: &str) -> Self {
        self.satisfaction = score.to_owned();
        self
    }
}

fn time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl ZendeskMock {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a local server answering from this account; export pages hold `per_page`
    /// tickets (Zendesk: 1 000).
    pub async fn start(&self, per_page: usize) -> MockServer {
        self.state().per_page = per_page.max(1);
        crate::mock::serve(self.clone()).await
    }

    /// Adds an end user.
    pub fn add_user(&self, id: u64, email: Option<&str>, name: &str) {
        let user =
            json!({"id": id, "name": name, "email": email, "role": "end-user", "active": true});
        self.state().users.insert(id, user);
    }

    /// Creates or changes a ticket (its export time becomes `spec.at`).
    pub fn put_ticket(&self, spec: &TicketSpec) {
        let mut state = self.state();
        let created = state
            .tickets
            .get(&spec.id)
            .and_then(|t| t["created_at"].as_str().map(str::to_owned))
            .unwrap_or_else(|| time(spec.at));
        let ticket = json!({
            "id": spec.id, "subject": format!("Ticket {}", spec.id),
            "description": format!("Help with order {}", spec.id), "status": spec.status,
            "priority": if spec.id.is_multiple_of(2) { "high" } else { "normal" },
            "requester_id": spec.requester, "submitter_id": spec.requester,
            "satisfaction_rating": {"score": spec.satisfaction},
            "tags": [], "custom_fields": [], "collaborator_ids": [], "follower_ids": [],
            "email_cc_ids": [], "created_at": created, "updated_at": time(spec.at),
            "generated_timestamp": spec.at,
        });
        state.tickets.insert(spec.id, ticket);
    }

    fn export(&self, request: &Request) -> ResponseTemplate {
        let q: BTreeMap<String, String> = request.url.query_pairs().into_owned().collect();
        // Position: (export time, id) after which the page starts.
        let after: (i64, u64) = if let Some(cursor) = q.get("cursor") {
            let parsed = cursor
                .strip_prefix("c.")
                .and_then(|c| c.split_once('.'))
                .and_then(|(t, id)| Some((t.parse().ok()?, id.parse().ok()?)));
            match parsed {
                Some(p) => p,
                None => {
                    return ResponseTemplate::new(400).set_body_json(
                        json!({"error": "InvalidCursor", "description": "bad cursor"}),
                    );
                }
            }
        } else if let Some(t) = q.get("start_time").and_then(|t| t.parse::<i64>().ok()) {
            (t - 1, u64::MAX)
        } else {
            return ResponseTemplate::new(400).set_body_json(
                json!({"error": "InvalidValue", "description": "start_time or cursor"}),
            );
        };
        let state = self.state();
        let mut ordered: Vec<(i64, u64, &Value)> = state
            .tickets
            .values()
            .map(|t| {
                (
                    t["generated_timestamp"].as_i64().unwrap_or(0),
                    t["id"].as_u64().unwrap_or(0),
                    t,
                )
            })
            .filter(|(t, id, _)| (*t, *id) > after)
            .collect();
        ordered.sort_by_key(|(t, id, _)| (*t, *id));
        let page: Vec<&(i64, u64, &Value)> = ordered.iter().take(state.per_page).collect();
        let end_of_stream = ordered.len() <= state.per_page;
        let last = page.last().map_or(after, |(t, id, _)| (*t, *id));
        let cursor = format!("c.{}.{}", last.0, last.1);
        ResponseTemplate::new(200).set_body_json(json!({
            "tickets": page.iter().map(|(_, _, t)| (*t).clone()).collect::<Vec<_>>(),
            "after_cursor": cursor,
            "after_url": format!("https://example.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor={cursor}"),
            "before_cursor": null, "before_url": null,
            "end_of_stream": end_of_stream,
        }))
    }

    fn show_many(&self, request: &Request) -> ResponseTemplate {
        let ids = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "ids")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let ids: Vec<u64> = ids.split(',').filter_map(|i| i.parse().ok()).collect();
        if ids.len() > 100 {
            return ResponseTemplate::new(400)
                .set_body_json(json!({"error": "InvalidValue", "description": "at most 100 ids"}));
        }
        let state = self.state();
        let users: Vec<Value> = ids
            .iter()
            .filter_map(|id| state.users.get(id).cloned())
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"users": users}))
    }
}

impl Respond for ZendeskMock {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path().trim_end_matches(".json");
        if self.storm.next(&format!("{} {path}", request.method)) {
            return ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .set_body_json(
                    json!({"error": "APIRateLimitExceeded", "description": "Rate limit exceeded"}),
                );
        }
        match (request.method.as_str(), path) {
            ("GET", "/api/v2/incremental/tickets/cursor") => self.export(request),
            ("GET", "/api/v2/users/show_many") => self.show_many(request),
            _ => ResponseTemplate::new(404).set_body_json(json!({"error": "InvalidEndpoint"})),
        }
    }
}
