//! Batch: create, update, delete and query operations mixed, up to 30 per `/batch` call.
//!
//! Larger inputs are split into calls of 30, sent one after the other (each with its own
//! `requestid`, paced by [`BATCH_CLASS`](crate::BATCH_CLASS)). Every operation gets a `bId`
//! (its index in the input), and the answers are matched back by it, so the results come
//! back in input order whatever order QuickBooks answers in. A `Fault` for one item is that
//! item's error; a call that fails as a whole (after retries) fails its items, and the
//! items of later calls are not sent and carry that error too, so the caller knows exactly
//! which operations were applied.
//!
//! ```no_run
//! # async fn demo(qb: atom_quickbooks::Client) -> atom_core::Result<()> {
//! use atom_quickbooks::batch::BatchOp;
//! use atom_quickbooks::{Customer, Query};
//! let mut customer = Customer::default();
//! customer.display_name = Some("Acme Ltd".into());
//! let results = qb
//!     .batch(vec![BatchOp::create(&customer), BatchOp::query(&Query::new("Invoice"))])
//!     .await?;
//! let created: Customer = results[0].entity()?;
//! # let _ = created; Ok(()) }
//! ```

use atom_core::{Error, ErrorKind, Result};
use http::Method;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::SERVICE;
use crate::client::{Client, RequestOptions};
use crate::error::{Fault, fault_error_for};
use crate::models::{Creatable, Deletable, Entity, Updatable};
use crate::query::Query;

/// The most operations QuickBooks takes in one `/batch` call.
pub const MAX_BATCH_ITEMS: usize = 30;

/// The most operations one [`Client::batch`] call takes (it sends them 30 at a time).
pub const MAX_BATCH_INPUT: usize = 30 * 1000;

/// One operation of a batch.
#[derive(Debug, Clone)]
pub struct BatchOp {
    operation: Option<&'static str>,
    key: &'static str,
    body: std::result::Result<Value, Error>,
}

fn object<T: Entity>(entity: &T) -> std::result::Result<Map<String, Value>, Error> {
    match serde_json::to_value(entity) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::config(
            SERVICE,
            "an entity must encode as a JSON object",
        )),
        Err(e) => Err(Error::config(
            SERVICE,
            format!("{} cannot be encoded: {e}", T::NAME),
        )),
    }
}

fn versioned<T: Entity>(entity: &T) -> std::result::Result<(), Error> {
    if entity.id().is_none_or(str::is_empty) || entity.sync_token().is_none_or(str::is_empty) {
        return Err(Error::config(
            SERVICE,
            format!(
                "a batch update or delete of {} needs its Id and SyncToken",
                T::NAME
            ),
        ));
    }
    Ok(())
}

impl BatchOp {
    /// Creates `entity`.
    pub fn create<T: Creatable>(entity: &T) -> Self {
        Self {
            operation: Some("create"),
            key: T::NAME,
            body: object(entity).map(Value::Object),
        }
    }

    /// Fully updates `entity` (needs `Id` and `SyncToken`).
    pub fn update<T: Updatable>(entity: &T) -> Self {
        let body = versioned(entity)
            .and_then(|()| object(entity))
            .map(|mut m| {
                m.insert("sparse".to_owned(), Value::Bool(false));
                Value::Object(m)
            });
        Self {
            operation: Some("update"),
            key: T::NAME,
            body,
        }
    }

    /// Sparsely updates `entity`: only its set fields (needs `Id` and `SyncToken`).
    pub fn sparse_update<T: Updatable>(entity: &T) -> Self {
        let body = versioned(entity)
            .and_then(|()| object(entity))
            .map(|mut m| {
                m.insert("sparse".to_owned(), Value::Bool(true));
                Value::Object(m)
            });
        Self {
            operation: Some("update"),
            key: T::NAME,
            body,
        }
    }

    /// Deletes `entity` (needs `Id` and `SyncToken`).
    pub fn delete<T: Deletable>(entity: &T) -> Self {
        let body = versioned(entity).map(|()| {
            let mut m = Map::new();
            m.insert(
                "Id".to_owned(),
                Value::from(entity.id().unwrap_or_default()),
            );
            m.insert(
                "SyncToken".to_owned(),
                Value::from(entity.sync_token().unwrap_or_default()),
            );
            Value::Object(m)
        });
        Self {
            operation: Some("delete"),
            key: T::NAME,
            body,
        }
    }

    /// Runs a query (one page: the query's first row, up to its page size).
    pub fn query(query: &Query) -> Self {
        let body = query
            .page_text(query.first_row(), query.rows_per_page())
            .map(Value::String);
        Self {
            operation: None,
            key: "Query",
            body,
        }
    }

    fn to_item(&self, bid: &str) -> Result<Value> {
        let body = self.body.clone()?;
        let mut item = Map::new();
        item.insert("bId".to_owned(), Value::from(bid));
        if let Some(op) = self.operation {
            item.insert("operation".to_owned(), Value::from(op));
        }
        item.insert(self.key.to_owned(), body);
        Ok(Value::Object(item))
    }
}

/// What a successful batch item returned.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BatchOutcome {
    /// The entity created, updated or deleted, under its name.
    Entity {
        /// The entity name (`Customer`).
        name: String,
        /// The entity as returned.
        value: Value,
    },
    /// A query's `QueryResponse`.
    Query(Value),
}

/// The result of one operation, in input order.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchItem {
    /// The operation's `bId` (its index in the input).
    pub bid: String,
    /// Its outcome, or its error (the item's `Fault`, or the failure of its call).
    pub result: Result<BatchOutcome>,
}

impl BatchItem {
    /// The returned entity as `T`; the item's error if it failed.
    pub fn entity<T: Entity>(&self) -> Result<T> {
        match &self.result {
            Err(e) => Err(e.clone()),
            Ok(BatchOutcome::Entity { name, value }) if name == T::NAME => T::deserialize(value)
                .map_err(|e| {
                    Error::decode(
                        SERVICE,
                        format!("batch item {} is not a {}: {e}", self.bid, T::NAME),
                    )
                }),
            Ok(_) => Err(Error::decode(
                SERVICE,
                format!("batch item {} holds no {}", self.bid, T::NAME),
            )),
        }
    }

    /// The rows of a query item as `T`.
    pub fn rows<T: Entity>(&self) -> Result<Vec<T>> {
        match &self.result {
            Err(e) => Err(e.clone()),
            Ok(BatchOutcome::Query(value)) => match value.get(T::NAME) {
                None => Ok(Vec::new()),
                Some(rows) => Vec::<T>::deserialize(rows).map_err(|e| {
                    Error::decode(SERVICE, format!("batch query {} rows: {e}", self.bid))
                }),
            },
            Ok(_) => Err(Error::decode(
                SERVICE,
                format!("batch item {} is not a query", self.bid),
            )),
        }
    }
}

#[derive(Deserialize)]
struct BatchResponse {
    #[serde(default, rename = "BatchItemResponse")]
    items: Vec<Map<String, Value>>,
    #[serde(default, rename = "Fault", alias = "fault")]
    fault: Option<Fault>,
}

fn outcome(
    bid: &str,
    mut item: Map<String, Value>,
    status: u16,
    request_id: Option<&String>,
) -> Result<BatchOutcome> {
    item.remove("bId");
    if let Some(fault) = item.remove("Fault").or_else(|| item.remove("fault")) {
        let fault: Fault = serde_json::from_value(fault).map_err(|e| {
            Error::decode(SERVICE, format!("batch item {bid} has a bad Fault: {e}"))
        })?;
        return Err(fault_error_for(&fault, Some(status), Some(bid))
            .with_request_id_opt(request_id.cloned()));
    }
    if let Some(query) = item.remove("QueryResponse") {
        return Ok(BatchOutcome::Query(query));
    }
    // The entity is the one remaining object-valued key (besides `time`-like scalars).
    let entry = item.into_iter().find(|(_, v)| v.is_object());
    match entry {
        Some((name, value)) => Ok(BatchOutcome::Entity { name, value }),
        None => Err(Error::decode(
            SERVICE,
            format!("batch item {bid} holds no result"),
        )),
    }
}

fn chunk_request_id(base: Option<&str>, chunk: usize) -> Option<String> {
    base.map(|b| {
        if chunk == 0 {
            b.to_owned()
        } else {
            format!("{b}-{chunk}")
        }
    })
}

impl Client {
    /// Runs `ops` through `/batch`, 30 per call, and returns one result per operation in
    /// input order. Refused before any request: an empty input, more than
    /// [`MAX_BATCH_INPUT`] operations, or any operation that cannot be sent (an update
    /// without `SyncToken`, a bad query).
    pub async fn batch(&self, ops: Vec<BatchOp>) -> Result<Vec<BatchItem>> {
        self.batch_with(ops, &RequestOptions::default()).await
    }

    /// [`Client::batch`] with a `requestid` base: call `k` (from 0) sends `{id}` for the
    /// first call and `{id}-{k}` after, so a rerun of the same input is recognised.
    pub async fn batch_with(
        &self,
        ops: Vec<BatchOp>,
        options: &RequestOptions,
    ) -> Result<Vec<BatchItem>> {
        if ops.is_empty() {
            return Err(Error::config(
                SERVICE,
                "a batch needs at least one operation",
            ));
        }
        if ops.len() > MAX_BATCH_INPUT {
            return Err(Error::config(
                SERVICE,
                format!("a batch takes at most {MAX_BATCH_INPUT} operations"),
            ));
        }
        // Every call's requestid is checked before the first call is sent, so a long base
        // id cannot fail a later call after earlier ones were applied.
        let calls = ops.len().div_ceil(MAX_BATCH_ITEMS);
        for chunk in 0..calls {
            if let Some(id) = chunk_request_id(options.request_id.as_deref(), chunk) {
                crate::client::validate_request_id(&id)?;
            }
        }
        let mut items = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            items.push(op.to_item(&i.to_string())?);
        }
        let mut results: Vec<BatchItem> = Vec::with_capacity(ops.len());
        let mut failed: Option<Error> = None;
        for (chunk_index, chunk) in items.chunks(MAX_BATCH_ITEMS).enumerate() {
            let first = chunk_index * MAX_BATCH_ITEMS;
            let bids: Vec<String> = (first..first + chunk.len())
                .map(|i| i.to_string())
                .collect();
            if let Some(error) = &failed {
                results.extend(bids.into_iter().map(|bid| BatchItem {
                    bid,
                    result: Err(error.clone()),
                }));
                continue;
            }
            let request_id = chunk_request_id(options.request_id.as_deref(), chunk_index);
            let body = serde_json::json!({ "BatchItemRequest": chunk });
            let request = self
                .request(
                    Method::POST,
                    "batch",
                    "batch",
                    "/v3/company/{realmId}/batch",
                )
                .json(&body);
            let call_options = RequestOptions { request_id };
            match self.send_raw(request, &call_options).await.and_then(|r| {
                let status = r.status.as_u16();
                let parsed: BatchResponse = r.json()?;
                if let Some(fault) = &parsed.fault {
                    return Err(crate::error::fault_error(fault, Some(status))
                        .with_request_id_opt(r.meta.request_id.clone()));
                }
                Ok((parsed, status, r.meta.request_id.clone()))
            }) {
                Ok((parsed, status, request_id)) => {
                    let mut by_bid: std::collections::HashMap<String, Map<String, Value>> = parsed
                        .items
                        .into_iter()
                        .filter_map(|item| {
                            let bid = item.get("bId").and_then(Value::as_str)?.to_owned();
                            Some((bid, item))
                        })
                        .collect();
                    for bid in bids {
                        let result = match by_bid.remove(&bid) {
                            Some(item) => outcome(&bid, item, status, request_id.as_ref()),
                            None => Err(Error::new(
                                ErrorKind::Decode,
                                SERVICE,
                                format!("the batch answer has no item for bId {bid}"),
                            )),
                        };
                        results.push(BatchItem { bid, result });
                    }
                }
                Err(error) => {
                    results.extend(bids.into_iter().map(|bid| BatchItem {
                        bid,
                        result: Err(error.clone()),
                    }));
                    failed = Some(error);
                }
            }
        }
        Ok(results)
    }
}
