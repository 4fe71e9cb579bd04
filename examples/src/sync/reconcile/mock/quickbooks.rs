//! A QuickBooks company that keeps accounts and deposits, honours `requestid` like Intuit
//! (a repeated id gets the first answer; no second deposit) for single creates and
//! `/batch` calls, and answers the two queries
//! the program makes: accounts by `Id IN (…)` and deposits by a `TxnDate` range.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use atom_core::Decimal;
use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

use super::{Storm, rate_limited, storm_failure, unavailable};

#[derive(Debug, Default)]
struct State {
    accounts: Vec<Value>,
    deposits: Vec<Value>,
    answers: HashMap<String, Value>,
    next_id: u64,
    storm: Storm,
    requests: u64,
    writes: u64,
    failures: u64,
    replays: u64,
    blind: bool,
    refused: Vec<String>,
    failing_posts: u64,
}

/// The QuickBooks mock. Clones share the state.
#[derive(Debug, Clone, Default)]
pub struct QuickBooksMock {
    state: Arc<Mutex<State>>,
}

fn fault(message: &str) -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({
        "Fault": {"Error": [{"Message": message, "Detail": message, "code": "2010"}], "type": "ValidationFault"},
        "time": "2026-11-29T10:00:00.000-08:00"
    }))
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("intuit_tid", "1-mock-tid")
        .set_body_json(body)
}

/// The quoted values after `marker` up to the closing parenthesis (`IN ('1', '2')`).
fn quoted_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    let Some(start) = text.find(marker) else {
        return Vec::new();
    };
    let rest = text.get(start + marker.len()..).unwrap_or_default();
    let end = rest.find(')').unwrap_or(rest.len());
    rest.get(..end)
        .unwrap_or_default()
        .split(',')
        .map(|v| v.trim().trim_matches('\''))
        .collect()
}

/// The quoted value right after `marker` (`TxnDate >= '2026-01-01'`).
fn value_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    let rest = text.get(start..)?.trim_start().strip_prefix('\'')?;
    rest.get(..rest.find('\'')?)
}

fn number_after(text: &str, marker: &str) -> Option<usize> {
    let start = text.find(marker)? + marker.len();
    text.get(start..)?.split_whitespace().next()?.parse().ok()
}

impl QuickBooksMock {
    /// A company with these accounts (`(id, name, AccountType)`).
    pub fn new(accounts: &[(&str, &str, &str)]) -> Self {
        let mock = Self::default();
        mock.state().accounts = accounts
            .iter()
            .map(|(id, name, kind)| {
                json!({"Id": id, "Name": name, "AccountType": kind, "Active": true, "SyncToken": "0"})
            })
            .collect();
        mock
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores a deposit as if someone had entered it (given an `Id` if it has none).
    pub fn insert_deposit(&self, mut deposit: Value) {
        let mut state = self.state();
        state.next_id += 1;
        if deposit.get("Id").is_none() {
            deposit["Id"] = json!(format!("9{:04}", state.next_id));
        }
        state.deposits.push(deposit);
    }

    /// The deposits stored, in creation order.
    pub fn deposits(&self) -> Vec<Value> {
        self.state().deposits.clone()
    }

    /// The write requests (POST) received, failed ones included.
    pub fn writes(&self) -> u64 {
        self.state().writes
    }

    /// Requests received, failed ones included.
    pub fn requests(&self) -> u64 {
        self.state().requests
    }

    /// Requests the storm failed.
    pub fn failures(&self) -> u64 {
        self.state().failures
    }

    /// While `blind`, deposit queries see no deposit (a search index lagging behind the
    /// writes), so only the `requestid` stands between a rerun and a duplicate.
    pub fn blind_queries(&self, blind: bool) {
        self.state().blind = blind;
    }

    /// Refuses (with a `ValidationFault`) every deposit whose `PrivateNote` names `payout`.
    pub fn refuse(&self, payout: &str) {
        self.state().refused.push(payout.to_owned());
    }

    /// Answers the next `n` writes with 503 without applying them (QuickBooks down).
    pub fn fail_posts(&self, n: u64) {
        self.state().failing_posts = n;
    }

    /// Creates answered with the first answer of their `requestid`, creating nothing.
    pub fn replays(&self) -> u64 {
        self.state().replays
    }

    /// Puts the mock into a storm, counting requests from now.
    pub fn storm(&self, storm: Storm) {
        let mut state = self.state();
        state.storm = Storm {
            start: storm.start.saturating_add(state.requests),
            ..storm
        };
    }

    /// Starts a server answering with this mock.
    pub async fn start(&self) -> MockServer {
        crate::mock::serve(self.clone()).await
    }
}

impl State {
    fn query(&self, text: &str) -> ResponseTemplate {
        let start = number_after(text, "STARTPOSITION ").unwrap_or(1).max(1);
        let max = number_after(text, "MAXRESULTS ")
            .unwrap_or(1000)
            .clamp(1, 1000);
        let (entity, rows): (&str, Vec<&Value>) = if text.contains(" FROM Account") {
            let ids = quoted_after(text, "Id IN (");
            let rows = self
                .accounts
                .iter()
                .filter(|a| ids.iter().any(|id| a["Id"].as_str() == Some(*id)))
                .collect();
            ("Account", rows)
        } else if text.contains(" FROM Deposit") {
            let from = value_after(text, "TxnDate >=").unwrap_or("0000-00-00");
            let to = value_after(text, "TxnDate <=").unwrap_or("9999-99-99");
            let rows = self
                .deposits
                .iter()
                .filter(|_| !self.blind)
                .filter(|d| {
                    let date = d["TxnDate"].as_str().unwrap_or_default();
                    date >= from && date <= to
                })
                .collect();
            ("Deposit", rows)
        } else {
            return fault("the mock answers Account and Deposit queries only");
        };
        let page: Vec<Value> = rows
            .into_iter()
            .skip(start - 1)
            .take(max)
            .cloned()
            .collect();
        let response = if page.is_empty() {
            json!({})
        } else {
            json!({entity: page, "startPosition": start, "maxResults": page.len()})
        };
        ok(json!({"QueryResponse": response, "time": "2026-11-29T10:00:00.000-08:00"}))
    }

    /// Stores a new deposit: `Id`, `SyncToken`, and `TotalAmt` summed exactly from the lines.
    fn create(&mut self, mut deposit: Value) -> Result<Value, String> {
        let note = deposit["PrivateNote"].as_str().unwrap_or_default();
        if self.refused.iter().any(|p| note.contains(p.as_str())) {
            return Err("Business Validation Error: the mock refuses this deposit".to_owned());
        }
        let bank = deposit["DepositToAccountRef"]["value"]
            .as_str()
            .unwrap_or_default();
        if !self.accounts.iter().any(|a| a["Id"].as_str() == Some(bank)) {
            return Err(format!("Invalid Reference Id: DepositToAccountRef {bank}"));
        }
        let mut total = Decimal::zero();
        for line in deposit["Line"].as_array().cloned().unwrap_or_default() {
            let amount: Decimal = serde_json::from_value(line["Amount"].clone())
                .map_err(|_| "a line has no Amount".to_owned())?;
            let account = line["DepositLineDetail"]["AccountRef"]["value"]
                .as_str()
                .unwrap_or_default();
            if !self
                .accounts
                .iter()
                .any(|a| a["Id"].as_str() == Some(account))
            {
                return Err(format!("Invalid Reference Id: AccountRef {account}"));
            }
            total = total
                .checked_add(&amount)
                .ok_or_else(|| "amount out of range".to_owned())?;
        }
        self.next_id += 1;
        deposit["Id"] = json!(self.next_id.to_string());
        deposit["SyncToken"] = json!("0");
        deposit["TotalAmt"] = serde_json::to_value(&total).map_err(|e| e.to_string())?;
        self.deposits.push(deposit.clone());
        Ok(deposit)
    }

    /// A `/batch` of deposit creates: each item created or answered with its own `Fault`.
    fn batch(&mut self, body: &[u8]) -> Result<Value, String> {
        let body: Value = serde_json::from_slice(body).map_err(|e| format!("bad JSON: {e}"))?;
        let items = body["BatchItemRequest"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if items.is_empty() || items.len() > 30 {
            return Err("a batch holds 1 to 30 items".to_owned());
        }
        let mut answers = Vec::new();
        for item in items {
            let bid = item["bId"].clone();
            if item["operation"] != "create" || item.get("Deposit").is_none() {
                return Err("the mock batches deposit creates only".to_owned());
            }
            answers.push(match self.create(item["Deposit"].clone()) {
                Ok(deposit) => json!({"bId": bid, "Deposit": deposit}),
                Err(message) => json!({"bId": bid, "Fault": {
                    "Error": [{"Message": message, "Detail": message, "code": "2010"}],
                    "type": "ValidationFault"
                }}),
            });
        }
        Ok(json!({"BatchItemResponse": answers, "time": "2026-11-29T10:00:00.000-08:00"}))
    }

    /// A deposit create or a batch, answered once per `requestid`.
    fn post(&mut self, request: &Request) -> ResponseTemplate {
        let request_id = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "requestid")
            .map(|(_, v)| v.into_owned());
        if let Some(answer) = request_id.as_ref().and_then(|id| self.answers.get(id)) {
            let answer = answer.clone();
            self.replays += 1;
            return ok(answer);
        }
        let answer = if request.url.path().ends_with("/batch") {
            self.batch(&request.body)
        } else {
            serde_json::from_slice(&request.body)
                .map_err(|e| format!("bad JSON: {e}"))
                .and_then(|deposit| self.create(deposit))
                .map(|d| json!({"Deposit": d, "time": "2026-11-29T10:00:00.000-08:00"}))
        };
        match answer {
            Ok(answer) => {
                if let Some(id) = request_id {
                    self.answers.insert(id, answer.clone());
                }
                ok(answer)
            }
            Err(message) => fault(&message),
        }
    }
}

impl Respond for QuickBooksMock {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state();
        state.requests += 1;
        let post = request.method.as_str() == "POST";
        if post {
            state.writes += 1;
        }
        let path = request.url.path();
        if post && state.failing_posts > 0 {
            state.failing_posts -= 1;
            state.failures += 1;
            return unavailable();
        }
        let failure = storm_failure(&state.storm, state.requests);
        if let Some(limited) = failure {
            state.failures += 1;
            if limited {
                return rate_limited(state.storm.retry_after);
            }
            // A 503 after the write was applied: the answer is lost, the deposit is not.
            if post && (path.ends_with("/deposit") || path.ends_with("/batch")) {
                let _ = state.post(request);
            }
            return unavailable();
        }
        if post && (path.ends_with("/deposit") || path.ends_with("/batch")) {
            return state.post(request);
        }
        if !post && path.ends_with("/query") {
            let text = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "query")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            return state.query(&text);
        }
        ResponseTemplate::new(404).set_body_string("not found")
    }
}
