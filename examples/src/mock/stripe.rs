//! A Stripe mock that keeps its events and customers: `GET /v1/events` with Stripe's list
//! semantics (newest first, `types[]`, `created[gte]`/`created[lt]`, `starting_after`,
//! `ending_before`, `limit`, `has_more`) and `GET /v1/customers/{id}`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

use super::Storm;

#[derive(Debug, Default)]
struct State {
    /// Oldest first, as they happened.
    events: Vec<Value>,
    customers: BTreeMap<String, Value>,
}

/// The mock's state and its request counter; clones share both.
#[derive(Debug, Clone, Default)]
pub struct StripeMock {
    state: Arc<Mutex<State>>,
    /// Counts requests and answers a stretch of them with `429 rate_limit`.
    pub storm: Storm,
}

impl StripeMock {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a local server answering from this state.
    pub async fn start(&self) -> MockServer {
        crate::mock::serve(self.clone()).await
    }

    /// Adds a customer.
    pub fn add_customer(&self, id: &str, email: Option<&str>, name: Option<&str>) {
        let customer = json!({
            "id": id, "object": "customer", "created": 1_700_000_000, "email": email,
            "name": name, "livemode": false, "metadata": {},
        });
        self.state().customers.insert(id.to_owned(), customer);
    }

    /// Records a `payment_intent.succeeded` event at `created` (Unix seconds); returns its id.
    pub fn payment_succeeded(
        &self,
        id: &str,
        customer: Option<&str>,
        amount: i64,
        currency: &str,
        created: i64,
    ) -> String {
        let intent = json!({
            "id": id, "object": "payment_intent", "amount": amount, "amount_received": amount,
            "created": created, "currency": currency, "customer": customer,
            "description": null, "livemode": false, "metadata": {},
            "payment_method_types": ["card"], "status": "succeeded",
        });
        self.push_event("payment_intent.succeeded", created, intent)
    }

    /// Records an `invoice.paid` event at `created`; returns its id.
    pub fn invoice_paid(
        &self,
        id: &str,
        customer: &str,
        amount: i64,
        currency: &str,
        created: i64,
    ) -> String {
        let email = self
            .state()
            .customers
            .get(customer)
            .and_then(|c| c["email"].as_str().map(str::to_owned));
        let invoice = json!({
            "id": id, "object": "invoice", "amount_due": amount, "amount_paid": amount,
            "amount_remaining": 0, "created": created, "currency": currency,
            "customer": customer, "customer_email": email, "livemode": false,
            "number": format!("INV-{id}"), "status": "paid", "subtotal": amount, "total": amount,
        });
        self.push_event("invoice.paid", created, invoice)
    }

    /// Records an event of another type (one the programs do not sync).
    pub fn other_event(&self, event_type: &str, object: Value, created: i64) -> String {
        self.push_event(event_type, created, object)
    }

    fn push_event(&self, event_type: &str, created: i64, object: Value) -> String {
        let mut state = self.state();
        let id = format!("evt_{:06}", state.events.len() + 1);
        state.events.push(json!({
            "id": id, "object": "event", "api_version": "2025-08-27.basil",
            "created": created, "data": {"object": object}, "livemode": false,
            "pending_webhooks": 0, "request": {"id": null, "idempotency_key": null},
            "type": event_type,
        }));
        id
    }

    fn events(&self, request: &Request) -> ResponseTemplate {
        let q: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let one = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let num = |k: &str| one(k).and_then(|v| v.parse::<i64>().ok());
        let types: Vec<&str> = q
            .iter()
            .filter(|(k, _)| k == "types[]")
            .map(|(_, v)| v.as_str())
            .collect();
        let limit = usize::try_from(num("limit").unwrap_or(10)).unwrap_or(10);
        let state = self.state();
        let index_of = |id: &str| state.events.iter().position(|e| e["id"] == id);
        let created = |e: &Value| e["created"].as_i64().unwrap_or(0);
        let matching: Vec<(usize, &Value)> = state
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| types.is_empty() || types.iter().any(|t| e["type"] == *t))
            .filter(|(_, e)| num("created[gte]").is_none_or(|t| created(e) >= t))
            .filter(|(_, e)| num("created[lt]").is_none_or(|t| created(e) < t))
            .collect();
        let (data, has_more): (Vec<Value>, bool) = if let Some(id) = one("ending_before") {
            let Some(at) = index_of(&id) else {
                return missing("ending_before", &id);
            };
            let newer: Vec<_> = matching.iter().filter(|(i, _)| *i > at).collect();
            let page = newer.iter().take(limit).rev().map(|(_, e)| (*e).clone());
            (page.collect(), newer.len() > limit)
        } else {
            let below = match one("starting_after") {
                Some(id) => match index_of(&id) {
                    Some(at) => at,
                    None => return missing("starting_after", &id),
                },
                None => usize::MAX,
            };
            let older: Vec<_> = matching.iter().rev().filter(|(i, _)| *i < below).collect();
            let page = older.iter().take(limit).map(|(_, e)| (*e).clone());
            (page.collect(), older.len() > limit)
        };
        ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "url": "/v1/events", "data": data, "has_more": has_more,
        }))
    }
}

fn missing(param: &str, id: &str) -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({"error": {
        "type": "invalid_request_error", "code": "resource_missing", "param": param,
        "message": format!("No such object: '{id}'"),
    }}))
}

impl Respond for StripeMock {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        let operation = if path.starts_with("/v1/customers/") {
            "/v1/customers/{id}"
        } else {
            path
        };
        if self.storm.next(&format!("{} {operation}", request.method)) {
            return ResponseTemplate::new(429).set_body_json(json!({"error": {
                "type": "invalid_request_error", "code": "rate_limit",
                "message": "Too many requests hit the API too quickly.",
            }}));
        }
        match (request.method.as_str(), path) {
            ("GET", "/v1/events") => self.events(request),
            ("GET", p) if p.starts_with("/v1/customers/") => {
                let id = p.trim_start_matches("/v1/customers/");
                match self.state().customers.get(id) {
                    Some(c) => ResponseTemplate::new(200).set_body_json(c),
                    None => missing("id", id),
                }
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({"error": {
                "type": "invalid_request_error", "message": "Unrecognized request URL",
            }})),
        }
    }
}
