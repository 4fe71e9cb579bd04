//! A Stripe that serves payouts and balance transactions, newest first, with
//! `limit` / `starting_after` paging and the `created[gte]` and `payout` filters.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

use super::{Storm, rate_limited, storm_failure, unavailable};

/// One payout to serve: its transactions are `(type, gross amount, fee)` in minor units;
/// the payout amount is their net unless `amount` overrides it (to make Stripe's numbers
/// disagree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutSpec {
    /// `po_…`.
    pub id: String,
    /// Unix seconds.
    pub created: i64,
    /// Lower-case ISO code.
    pub currency: String,
    /// `paid`, `pending`, `in_transit`, `failed`, `canceled`.
    pub status: String,
    /// The transactions: `(type, amount, fee)`.
    pub txns: Vec<(String, i64, i64)>,
    /// The payout amount, when not the transactions' net.
    pub amount: Option<i64>,
}

impl PayoutSpec {
    /// A paid payout of these `(type, amount, fee)` transactions.
    pub fn paid(id: &str, created: i64, currency: &str, txns: &[(&str, i64, i64)]) -> Self {
        Self {
            id: id.to_owned(),
            created,
            currency: currency.to_owned(),
            status: "paid".to_owned(),
            txns: txns
                .iter()
                .map(|(t, a, f)| ((*t).to_owned(), *a, *f))
                .collect(),
            amount: None,
        }
    }

    /// The same payout in another status.
    pub fn status(mut self, status: &str) -> Self {
        self.status = status.to_owned();
        self
    }

    /// The payout amount in minor units (Stripe's transactions' net, saturated).
    pub fn payout_amount(&self) -> i64 {
        self.amount.unwrap_or_else(|| {
            let net: i128 = self
                .txns
                .iter()
                .map(|(_, a, f)| i128::from(*a) - i128::from(*f))
                .sum();
            i64::try_from(net).unwrap_or(i64::MAX)
        })
    }
}

#[derive(Debug, Default)]
struct State {
    payouts: Vec<Value>,
    txns: HashMap<String, Vec<Value>>,
    storm: Storm,
    requests: u64,
    failures: u64,
}

/// The Stripe mock. Clones share the state.
#[derive(Debug, Clone, Default)]
pub struct StripeMock {
    state: Arc<Mutex<State>>,
}

fn txn_json(
    id: &str,
    payout: &str,
    created: i64,
    kind: &str,
    amount: i64,
    fee: i64,
    currency: &str,
) -> Value {
    json!({
        "id": id, "object": "balance_transaction", "amount": amount,
        "available_on": created, "created": created, "currency": currency,
        "description": null, "fee": fee,
        "fee_details": if fee == 0 { json!([]) } else {
            json!([{"amount": fee, "currency": currency, "description": "Stripe processing fees", "type": "stripe_fee"}])
        },
        "net": amount.saturating_sub(fee),
        "reporting_category": kind, "source": format!("src_{payout}"),
        "status": "available", "type": kind
    })
}

impl StripeMock {
    /// An empty Stripe.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a payout and its balance transactions (plus the payout's own transaction).
    pub fn add_payout(&self, spec: &PayoutSpec) {
        let amount = spec.payout_amount();
        let arrival = spec.created + 2 * 86_400;
        let payout = json!({
            "id": spec.id, "object": "payout", "amount": amount, "arrival_date": arrival,
            "automatic": true, "balance_transaction": format!("txn_{}", spec.id),
            "created": spec.created, "currency": spec.currency, "description": "STRIPE PAYOUT",
            "failure_code": null, "failure_message": null, "livemode": false, "metadata": {},
            "method": "standard", "status": spec.status, "type": "bank_account"
        });
        let mut txns = vec![txn_json(
            &format!("txn_{}", spec.id),
            &spec.id,
            spec.created,
            "payout",
            amount.saturating_neg(),
            0,
            &spec.currency,
        )];
        for (i, (kind, amount, fee)) in spec.txns.iter().enumerate() {
            let created = spec.created - 3600 - i64::try_from(i).unwrap_or(0);
            txns.push(txn_json(
                &format!("txn_{}_{i:05}", spec.id),
                &spec.id,
                created,
                kind,
                *amount,
                *fee,
                &spec.currency,
            ));
        }
        let mut state = self.state();
        state.payouts.push(payout);
        state.txns.insert(spec.id.clone(), txns);
    }

    /// Puts the mock into a storm, counting requests from now.
    pub fn storm(&self, storm: Storm) {
        let mut state = self.state();
        state.storm = Storm {
            start: storm.start.saturating_add(state.requests),
            ..storm
        };
    }

    /// Requests received, failed ones included.
    pub fn requests(&self) -> u64 {
        self.state().requests
    }

    /// Requests the storm failed.
    pub fn failures(&self) -> u64 {
        self.state().failures
    }

    /// Starts a server answering with this mock.
    pub async fn start(&self) -> MockServer {
        crate::mock::serve(self.clone()).await
    }
}

fn page(all: Vec<Value>, request: &Request, url: &str) -> ResponseTemplate {
    let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
    let limit = query
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, 100);
    let mut items = all;
    // Newest first, as Stripe lists.
    items.sort_by(|a, b| {
        let key = |v: &Value| {
            (
                v["created"].as_i64().unwrap_or(0),
                v["id"].as_str().unwrap_or("").to_owned(),
            )
        };
        key(b).cmp(&key(a))
    });
    if let Some(gte) = query
        .get("created[gte]")
        .and_then(|v| v.parse::<i64>().ok())
    {
        items.retain(|v| v["created"].as_i64().unwrap_or(0) >= gte);
    }
    let start = match query.get("starting_after") {
        Some(after) => match items
            .iter()
            .position(|v| v["id"].as_str() == Some(after.as_str()))
        {
            Some(i) => i + 1,
            None => {
                return ResponseTemplate::new(400).set_body_json(json!({"error": {
                    "type": "invalid_request_error", "message": "No such object", "param": "starting_after"
                }}));
            }
        },
        None => 0,
    };
    let rest = items.get(start..).unwrap_or_default();
    let data: Vec<Value> = rest.iter().take(limit).cloned().collect();
    let has_more = rest.len() > limit;
    ResponseTemplate::new(200)
        .insert_header("request-id", "req_mock")
        .set_body_json(json!({"object": "list", "url": url, "has_more": has_more, "data": data}))
}

impl Respond for StripeMock {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state();
        state.requests += 1;
        if let Some(limited) = storm_failure(&state.storm, state.requests) {
            state.failures += 1;
            return if limited {
                rate_limited(state.storm.retry_after)
            } else {
                unavailable()
            };
        }
        if request.method.as_str() != "GET" {
            return ResponseTemplate::new(405);
        }
        match request.url.path() {
            "/v1/payouts" => page(state.payouts.clone(), request, "/v1/payouts"),
            "/v1/balance_transactions" => {
                let payout = request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == "payout")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                let txns = state.txns.get(&payout).cloned().unwrap_or_default();
                page(txns, request, "/v1/balance_transactions")
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({"error": {
                "type": "invalid_request_error", "message": "Unrecognized request URL"
            }})),
        }
    }
}
