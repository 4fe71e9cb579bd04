//! A Salesforce mock that keeps records: describe, SOQL queries of the shapes the sync
//! programs send (`SELECT … FROM o [WHERE f IN (…) | WHERE f = …] [ORDER BY …] [LIMIT n]`),
//! and collection upserts by an external id (`PATCH /composite/sobjects/{o}/{field}`),
//! checking every field it is sent against the object's fields and picklists.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Map, Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

use super::Storm;

/// A field of a mock object.
#[derive(Debug, Clone)]
struct Field {
    name: String,
    kind: &'static str,
    external_id: bool,
    picklist: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct Object {
    prefix: &'static str,
    fields: Vec<Field>,
    records: Vec<Map<String, Value>>,
}

#[derive(Debug, Default)]
struct State {
    objects: BTreeMap<String, Object>,
    next_id: u64,
}

/// The mock's org and its request counter; clones share both.
#[derive(Debug, Clone, Default)]
pub struct SalesforceMock {
    state: Arc<Mutex<State>>,
    /// Counts requests and answers a stretch of them with `503 SERVER_UNAVAILABLE`.
    pub storm: Storm,
}

fn field(name: &str, kind: &'static str) -> Field {
    Field {
        name: name.to_owned(),
        kind,
        external_id: false,
        picklist: Vec::new(),
    }
}

fn external(name: &str) -> Field {
    Field {
        external_id: true,
        ..field(name, "string")
    }
}

fn picklist(name: &str, values: &[&str]) -> Field {
    Field {
        picklist: values.iter().map(|v| (*v).to_owned()).collect(),
        ..field(name, "picklist")
    }
}

impl SalesforceMock {
    /// An org with Account, Contact, Opportunity, Case and Task, and the external id
    /// fields the sync programs use by default (`Stripe_Customer_Id__c` on Account,
    /// `Stripe_Id__c` on Opportunity, `Zendesk_Ticket_Id__c` on Case and Task).
    pub fn standard() -> Self {
        let mock = Self::default();
        {
            let mut state = mock.state();
            let mut add = |name: &str, prefix: &'static str, fields: Vec<Field>| {
                let mut all = vec![field("Id", "id")];
                all.extend(fields);
                state.objects.insert(
                    name.to_owned(),
                    Object {
                        prefix,
                        fields: all,
                        records: Vec::new(),
                    },
                );
            };
            add(
                "Account",
                "001",
                vec![
                    field("Name", "string"),
                    field("Website", "url"),
                    external("Stripe_Customer_Id__c"),
                ],
            );
            add(
                "Contact",
                "003",
                vec![
                    field("FirstName", "string"),
                    field("LastName", "string"),
                    field("Email", "email"),
                    field("AccountId", "reference"),
                ],
            );
            add(
                "Opportunity",
                "006",
                vec![
                    field("Name", "string"),
                    field("AccountId", "reference"),
                    field("Amount", "currency"),
                    field("CloseDate", "date"),
                    picklist(
                        "StageName",
                        &[
                            "Prospecting",
                            "Negotiation/Review",
                            "Closed Won",
                            "Closed Lost",
                        ],
                    ),
                    field("Description", "textarea"),
                    external("Stripe_Id__c"),
                ],
            );
            let activity = |with_status: Field, priorities: &[&str]| {
                vec![
                    field("Subject", "string"),
                    with_status,
                    field("Description", "textarea"),
                    picklist("Priority", priorities),
                    external("Zendesk_Ticket_Id__c"),
                    picklist(
                        "Zendesk_Satisfaction__c",
                        &["good", "bad", "offered", "unoffered"],
                    ),
                ]
            };
            let mut case = activity(
                picklist("Status", &["New", "Working", "Escalated", "Closed"]),
                &["High", "Medium", "Low"],
            );
            case.extend([
                field("ContactId", "reference"),
                field("AccountId", "reference"),
                picklist("Origin", &["Phone", "Email", "Web", "Zendesk"]),
            ]);
            add("Case", "500", case);
            let mut task = activity(
                picklist(
                    "Status",
                    &[
                        "Not Started",
                        "In Progress",
                        "Completed",
                        "Waiting on someone else",
                    ],
                ),
                &["High", "Normal", "Low"],
            );
            task.extend([field("WhoId", "reference"), field("WhatId", "reference")]);
            add("Task", "00T", task);
        }
        mock
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a local server answering from this org.
    pub async fn start(&self) -> MockServer {
        crate::mock::serve(self.clone()).await
    }

    /// Removes a field from an object (an org where an admin never created it).
    pub fn remove_field(&self, object: &str, name: &str) {
        if let Some(o) = self.state().objects.get_mut(object) {
            o.fields.retain(|f| f.name != name);
        }
    }

    /// Removes an object (an org without Cases).
    pub fn remove_object(&self, object: &str) {
        self.state().objects.remove(object);
    }

    /// Adds a record as an admin would; returns its id.
    pub fn insert(&self, object: &str, fields: Value) -> String {
        let mut state = self.state();
        let id = state.new_id(object);
        if let (Some(o), Value::Object(mut record)) = (state.objects.get_mut(object), fields) {
            record.insert("Id".into(), Value::String(id.clone()));
            o.records.push(record);
        }
        id
    }

    /// Every record of an object, in creation order.
    pub fn records(&self, object: &str) -> Vec<Map<String, Value>> {
        self.state()
            .objects
            .get(object)
            .map(|o| o.records.clone())
            .unwrap_or_default()
    }

    fn describe(&self, object: &str) -> ResponseTemplate {
        let state = self.state();
        let Some(o) = state.objects.get(object) else {
            return not_found(object);
        };
        let fields: Vec<Value> = o
            .fields
            .iter()
            .map(|f| {
                json!({
                    "name": f.name, "type": f.kind, "externalId": f.external_id,
                    "createable": f.name != "Id", "updateable": f.name != "Id",
                    "nillable": true, "custom": f.name.ends_with("__c"),
                    "picklistValues": f.picklist.iter().map(|v| json!({
                        "value": v, "label": v, "active": true, "defaultValue": false,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "name": object, "label": object, "custom": false, "keyPrefix": o.prefix,
            "createable": true, "updateable": true, "fields": fields,
        }))
    }

    fn query(&self, request: &Request) -> ResponseTemplate {
        let soql = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let Some(query) = parse_query(&soql) else {
            return error(400, "MALFORMED_QUERY", &format!("mock cannot run: {soql}"));
        };
        let state = self.state();
        let Some(o) = state.objects.get(&query.object) else {
            return error(
                400,
                "INVALID_TYPE",
                &format!("sObject type '{}' is not supported", query.object),
            );
        };
        for name in query
            .fields
            .iter()
            .chain(query.filter.as_ref().map(|(f, _)| f))
        {
            if !o.fields.iter().any(|f| &f.name == name) {
                return error(
                    400,
                    "INVALID_FIELD",
                    &format!("No such column '{name}' on entity '{}'", query.object),
                );
            }
        }
        let mut records: Vec<Value> = o
            .records
            .iter()
            .filter(|r| {
                query.filter.as_ref().is_none_or(|(f, values)| {
                    let value = r.get(f).and_then(Value::as_str).unwrap_or_default();
                    values.iter().any(|v| v.eq_ignore_ascii_case(value))
                })
            })
            .map(|r| {
                let mut out = Map::new();
                out.insert("attributes".into(), json!({"type": query.object}));
                for f in &query.fields {
                    out.insert(f.clone(), r.get(f).cloned().unwrap_or(Value::Null));
                }
                Value::Object(out)
            })
            .collect();
        if let Some(limit) = query.limit {
            records.truncate(limit);
        }
        ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": records.len(), "done": true, "records": records,
        }))
    }

    fn upsert(&self, object: &str, key: &str, body: &[u8]) -> ResponseTemplate {
        let Ok(body) = serde_json::from_slice::<Value>(body) else {
            return error(400, "JSON_PARSER_ERROR", "body is not JSON");
        };
        let Some(records) = body["records"].as_array() else {
            return error(400, "INVALID_INPUT", "records missing");
        };
        if records.len() > 200 {
            return error(400, "EXCEEDED_ID_LIMIT", "record limit is 200");
        }
        let mut state = self.state();
        let Some(o) = state.objects.get(object).cloned() else {
            return not_found(object);
        };
        if !o.fields.iter().any(|f| f.name == key && f.external_id) {
            return error(
                400,
                "NOT_FOUND",
                &format!("Provided external ID field does not exist or is not accessible: {key}"),
            );
        }
        let mut results = Vec::new();
        for record in records {
            let checked = o.check(record, key);
            let result = match checked {
                Err(e) => json!({"success": false, "errors": [e]}),
                Ok(fields) => {
                    let key_value = fields
                        .get(key)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    let existing = state.objects.get(object).and_then(|o| {
                        o.records.iter().position(|r| {
                            r.get(key).and_then(Value::as_str) == Some(key_value.as_str())
                        })
                    });
                    match existing {
                        Some(at) => {
                            let Some(o) = state.objects.get_mut(object) else {
                                continue;
                            };
                            let Some(stored) = o.records.get_mut(at) else {
                                continue;
                            };
                            stored.extend(fields);
                            json!({"id": stored["Id"], "success": true, "errors": [], "created": false})
                        }
                        None => {
                            let id = state.new_id(object);
                            let Some(o) = state.objects.get_mut(object) else {
                                continue;
                            };
                            let mut stored = fields;
                            stored.insert("Id".into(), Value::String(id.clone()));
                            o.records.push(stored);
                            json!({"id": id, "success": true, "errors": [], "created": true})
                        }
                    }
                }
            };
            results.push(result);
        }
        ResponseTemplate::new(200).set_body_json(results)
    }
}

impl State {
    fn new_id(&mut self, object: &str) -> String {
        self.next_id += 1;
        let prefix = self.objects.get(object).map_or("000", |o| o.prefix);
        format!("{prefix}{:012}AAA", self.next_id)
    }
}

impl Object {
    /// The record's fields if every one exists on the object and every picklist value is
    /// allowed, else the error Salesforce reports for the record.
    fn check(&self, record: &Value, key: &str) -> Result<Map<String, Value>, Value> {
        let Some(fields) = record.as_object() else {
            return Err(
                json!({"statusCode": "INVALID_INPUT", "message": "not an object", "fields": []}),
            );
        };
        let mut out = Map::new();
        for (name, value) in fields {
            if name == "attributes" {
                continue;
            }
            let Some(field) = self.fields.iter().find(|f| &f.name == name) else {
                return Err(
                    json!({"statusCode": "INVALID_FIELD", "message": format!("No such column '{name}'"), "fields": [name]}),
                );
            };
            if !field.picklist.is_empty()
                && !value
                    .as_str()
                    .is_some_and(|v| field.picklist.iter().any(|p| p == v))
            {
                return Err(
                    json!({"statusCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "message": format!("bad value for restricted picklist field: {value}"), "fields": [name]}),
                );
            }
            out.insert(name.clone(), value.clone());
        }
        if out
            .get(key)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(
                json!({"statusCode": "REQUIRED_FIELD_MISSING", "message": format!("missing {key}"), "fields": [key]}),
            );
        }
        Ok(out)
    }
}

fn error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!([{"errorCode": code, "message": message}]))
}

fn not_found(object: &str) -> ResponseTemplate {
    error(
        404,
        "NOT_FOUND",
        &format!("The requested resource does not exist: {object}"),
    )
}

struct Query {
    fields: Vec<String>,
    object: String,
    filter: Option<(String, Vec<String>)>,
    limit: Option<usize>,
}

/// Parses the SOQL shapes the programs send; anything else is `None` (a test failure).
fn parse_query(soql: &str) -> Option<Query> {
    let rest = soql.strip_prefix("SELECT ")?;
    let (fields, rest) = rest.split_once(" FROM ")?;
    let (rest, limit) = match rest.rsplit_once(" LIMIT ") {
        Some((r, n)) => (r, Some(n.trim().parse().ok()?)),
        None => (rest, None),
    };
    let rest = rest.split(" ORDER BY ").next()?;
    let (object, filter) = match rest.split_once(" WHERE ") {
        Some((o, w)) => (o, Some(parse_filter(w)?)),
        None => (rest, None),
    };
    Some(Query {
        fields: fields.split(',').map(|f| f.trim().to_owned()).collect(),
        object: object.trim().to_owned(),
        filter,
        limit,
    })
}

fn parse_filter(text: &str) -> Option<(String, Vec<String>)> {
    let text = text.trim().trim_start_matches('(').trim_end_matches(')');
    if let Some((f, list)) = text.split_once(" IN (") {
        return Some((
            f.trim().to_owned(),
            parse_literals(list.trim_end_matches(')'))?,
        ));
    }
    let (f, v) = text.split_once(" = ")?;
    Some((f.trim().to_owned(), parse_literals(v)?))
}

/// Quoted literals separated by commas, with SOQL's backslash escapes.
fn parse_literals(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ' ' || *c == ',') {
            chars.next();
        }
        match chars.next() {
            None => return Some(out),
            Some('\'') => {}
            Some(_) => return None,
        }
        let mut value = String::new();
        loop {
            match chars.next()? {
                '\\' => value.push(match chars.next()? {
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    other => other,
                }),
                '\'' => break,
                c => value.push(c),
            }
        }
        out.push(value);
    }
}

impl Respond for SalesforceMock {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        // `/services/data/v62.0/…` at any API version.
        let rest = path
            .strip_prefix("/services/data/")
            .and_then(|p| p.split_once('/'))
            .map_or("", |(_, rest)| rest);
        let parts: Vec<&str> = rest.split('/').collect();
        let operation = match (request.method.as_str(), parts.as_slice()) {
            ("GET", ["sobjects", _, "describe"]) => "describe",
            ("GET", ["query"]) => "query",
            ("PATCH", ["composite", "sobjects", _, _]) => "collections.upsert",
            _ => "other",
        };
        if self.storm.next(operation) {
            return error(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable");
        }
        match (operation, parts.as_slice()) {
            ("describe", ["sobjects", object, _]) => self.describe(object),
            ("query", _) => self.query(request),
            ("collections.upsert", [_, _, object, key]) => self.upsert(object, key, &request.body),
            _ => error(
                404,
                "NOT_FOUND",
                &format!("mock has no {} {path}", request.method),
            ),
        }
    }
}
