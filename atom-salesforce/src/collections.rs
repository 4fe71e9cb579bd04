//! sObject Collections: up to 200 records per request, larger inputs split into chunks
//! automatically, per-record results returned in input order.
//!
//! `all_or_none` applies within each request: with more than 200 records, a chunk that
//! succeeded stays committed when another one fails (Salesforce offers no transaction
//! across requests; use a Bulk API job or Composite for that). Its results are kept: the
//! records of a request that failed as a whole get a failed result carrying the error.
//!
//! Records that met a locked row (`UNABLE_TO_LOCK_ROW` inside a 200 answer) are resent
//! with backoff, as Salesforce advises: alone without `all_or_none`, as their whole chunk
//! with it when the lock is the only reason the chunk rolled back.

use atom_core::retry::random_jitter;
use atom_core::{Error, Request, Result};
use futures::{StreamExt as _, TryStreamExt as _};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::UNABLE_TO_LOCK_ROW;
use crate::models::{SObject, SaveError, SaveResult};
use crate::sobjects::collection_record;
use crate::validate::{field_path, identifier, record_id};
use crate::{Client, SERVICE};
use serde::de::DeserializeOwned;

/// Most records Salesforce takes in one collections request.
pub const MAX_PER_REQUEST: usize = 200;

/// Collections calls; from [`Client::collections`].
///
/// ```no_run
/// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
/// use atom_salesforce::Contact;
/// let contacts: Vec<Contact> = (0..450)
///     .map(|i| Contact { last_name: Some(format!("Imported {i}")), ..Default::default() })
///     .collect();
/// // 3 requests (200 + 200 + 50); results in input order.
/// let results = client.collections().create(&contacts, false).await?;
/// assert_eq!(results.len(), 450);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Collections {
    client: Client,
    concurrency: usize,
}

impl Client {
    /// sObject Collections.
    pub fn collections(&self) -> Collections {
        Collections {
            client: self.clone(),
            concurrency: 4,
        }
    }
}

impl Collections {
    /// Requests in flight at once for large inputs (default 4; results stay in order).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.clamp(1, crate::client::MAX_CONCURRENT_PER_ORG);
        self
    }

    /// Sends `items` 200 a request, `concurrency` requests at a time; results in input order.
    ///
    /// A request that fails does not discard what other requests committed: its records
    /// get a failed [`SaveResult`] carrying the error, so the caller keeps every id that was
    /// created and retries only the failed ones. When no request got through, the error
    /// itself is returned.
    async fn run<I: Sync + Clone>(
        &self,
        items: &[I],
        all_or_none: bool,
        request_for: impl Fn(&[I]) -> Result<Request> + Sync,
    ) -> Result<Vec<SaveResult>> {
        let request_for = &request_for;
        let outcomes: Vec<(usize, Result<Vec<SaveResult>>)> =
            futures::stream::iter(items.chunks(MAX_PER_REQUEST))
                .map(|chunk| async move {
                    let outcome = self.send_chunk(chunk, all_or_none, request_for).await;
                    (chunk.len(), outcome)
                })
                .buffered(self.concurrency)
                .collect()
                .await;
        if outcomes.iter().all(|(_, outcome)| outcome.is_err()) {
            return match outcomes.into_iter().next() {
                Some((_, Err(error))) => Err(error),
                _ => Ok(Vec::new()),
            };
        }
        Ok(outcomes
            .into_iter()
            .flat_map(|(records, outcome)| match outcome {
                Ok(results) => results,
                Err(error) => vec![failed_result(&error); records],
            })
            .collect())
    }

    /// One chunk, then the records that met a locked row again.
    ///
    /// A 200 answer can carry `UNABLE_TO_LOCK_ROW` for single records (another transaction
    /// held them); Salesforce advises retrying those. Without `all_or_none` only those
    /// records are resent; with it, the whole chunk is, but only when the lock is all that
    /// failed it (the others rolled back). Rounds and waits follow the client's retry policy;
    /// when rounds run out the lock errors are the records' results.
    async fn send_chunk<I: Clone>(
        &self,
        chunk: &[I],
        all_or_none: bool,
        request_for: &(impl Fn(&[I]) -> Result<Request> + Sync),
    ) -> Result<Vec<SaveResult>> {
        let mut results = self.send_records(chunk, request_for).await?;
        let policy = self.client.api.retry_policy();
        let mut attempt = 1;
        loop {
            let locked = locked_positions(&results, all_or_none);
            if locked.is_empty() || attempt >= policy.max_attempts {
                return Ok(results);
            }
            tokio::time::sleep(policy.backoff(attempt, random_jitter())).await;
            attempt += 1;
            let again: Vec<I> = locked
                .iter()
                .filter_map(|&i| chunk.get(i).cloned())
                .collect();
            let Ok(retried) = self.send_records(&again, request_for).await else {
                return Ok(results);
            };
            for (position, result) in locked.into_iter().zip(retried) {
                if let Some(slot) = results.get_mut(position) {
                    *slot = result;
                }
            }
        }
    }

    /// One request; its answer must hold a result for each record.
    async fn send_records<I>(
        &self,
        records: &[I],
        request_for: &(impl Fn(&[I]) -> Result<Request> + Sync),
    ) -> Result<Vec<SaveResult>> {
        let expected = records.len();
        let results: Vec<SaveResult> = self.client.send(request_for(records)?).await?.json()?;
        if results.len() != expected {
            return Err(Error::decode(
                SERVICE,
                format!(
                    "collections answered {} results for {expected} records",
                    results.len()
                ),
            ));
        }
        Ok(results)
    }

    fn write_request(
        &self,
        request: Request,
        all_or_none: bool,
        records: &[Value],
    ) -> Result<Request> {
        Ok(request.json(&CollectionBody {
            all_or_none,
            records,
        }))
    }

    /// Creates records (`POST /composite/sobjects`).
    pub async fn create<T: SObject>(
        &self,
        records: &[T],
        all_or_none: bool,
    ) -> Result<Vec<SaveResult>> {
        let bodies = records
            .iter()
            .map(|r| collection_record(r, false))
            .collect::<Result<Vec<_>>>()?;
        let path = self.client.data_path("/composite/sobjects");
        self.run(&bodies, all_or_none, |chunk| {
            let request = Request::post(path.clone())
                .operation("collections.create")
                .path_template("/services/data/vXX.X/composite/sobjects");
            self.write_request(request, all_or_none, chunk)
        })
        .await
    }

    /// Updates records by their `Id` (`PATCH /composite/sobjects`).
    pub async fn update<T: SObject>(
        &self,
        records: &[T],
        all_or_none: bool,
    ) -> Result<Vec<SaveResult>> {
        let bodies = records
            .iter()
            .map(|r| collection_record(r, true))
            .collect::<Result<Vec<_>>>()?;
        let path = self.client.data_path("/composite/sobjects");
        self.run(&bodies, all_or_none, |chunk| {
            let request = Request::patch(path.clone())
                .operation("collections.update")
                .path_template("/services/data/vXX.X/composite/sobjects");
            self.write_request(request, all_or_none, chunk)
        })
        .await
    }

    /// Upserts records of one object by an external id field
    /// (`PATCH /composite/sobjects/{object}/{field}`); `created` tells which were new.
    pub async fn upsert<T: SObject>(
        &self,
        object: &str,
        external_id_field: &str,
        records: &[T],
        all_or_none: bool,
    ) -> Result<Vec<SaveResult>> {
        let object = identifier(object)?;
        let field = identifier(external_id_field)?;
        let bodies = records
            .iter()
            .map(|r| collection_record(r, false))
            .collect::<Result<Vec<_>>>()?;
        if bodies.iter().any(|b| b.get(field).is_none()) {
            return Err(Error::config(
                SERVICE,
                format!("every record to upsert needs a value for {field}"),
            ));
        }
        let path = self
            .client
            .data_path(&format!("/composite/sobjects/{object}/{field}"));
        self.run(&bodies, all_or_none, |chunk| {
            let request = Request::patch(path.clone())
                .operation("collections.upsert")
                .path_template("/services/data/vXX.X/composite/sobjects/{object}/{field}");
            self.write_request(request, all_or_none, chunk)
        })
        .await
    }

    /// Deletes records by id (`DELETE /composite/sobjects?ids=…`).
    pub async fn delete(&self, ids: &[&str], all_or_none: bool) -> Result<Vec<SaveResult>> {
        let ids = ids
            .iter()
            .map(|id| record_id(id))
            .collect::<Result<Vec<_>>>()?;
        let path = self.client.data_path("/composite/sobjects");
        self.run(&ids, all_or_none, |chunk| {
            Ok(Request::delete(path.clone())
                .query("ids", chunk.join(","))
                .query("allOrNone", all_or_none.to_string())
                .operation("collections.delete")
                .path_template("/services/data/vXX.X/composite/sobjects"))
        })
        .await
    }
}

impl Collections {
    /// Reads records of one object by id (`GET /composite/sobjects/{object}?ids=…&fields=…`,
    /// 200 ids a request). Results are in input order; an id that matches nothing (or that
    /// the user cannot see) gives `None`.
    pub async fn get<T: DeserializeOwned + Send + 'static>(
        &self,
        object: &str,
        ids: &[&str],
        fields: &[&str],
    ) -> Result<Vec<Option<T>>> {
        let object = identifier(object)?;
        if fields.is_empty() {
            return Err(Error::config(SERVICE, "get needs at least one field"));
        }
        let fields = fields
            .iter()
            .map(|f| field_path(f))
            .collect::<Result<Vec<_>>>()?
            .join(",");
        let ids = ids
            .iter()
            .map(|id| record_id(id))
            .collect::<Result<Vec<_>>>()?;
        let path = self
            .client
            .data_path(&format!("/composite/sobjects/{object}"));
        let client = &self.client;
        let pages: Vec<Vec<Option<T>>> = futures::stream::iter(ids.chunks(MAX_PER_REQUEST))
            .map(|chunk| {
                let request = Request::get(path.clone())
                    .query("ids", chunk.join(","))
                    .query("fields", fields.clone())
                    .operation("collections.get")
                    .path_template("/services/data/vXX.X/composite/sobjects/{object}");
                let expected = chunk.len();
                async move {
                    let records: Vec<Option<T>> = client.send(request).await?.json()?;
                    if records.len() != expected {
                        return Err(Error::decode(
                            SERVICE,
                            format!(
                                "collections get answered {} records for {expected} ids",
                                records.len()
                            ),
                        ));
                    }
                    Ok(records)
                }
            })
            .buffered(self.concurrency)
            .try_collect()
            .await?;
        Ok(pages.into_iter().flatten().collect())
    }
}

/// One collections write: serialised straight from the caller's chunk, without copies.
#[derive(Serialize)]
struct CollectionBody<'a> {
    #[serde(rename = "allOrNone")]
    all_or_none: bool,
    records: &'a [Value],
}

/// Where a chunk's results call for a resend because of a locked row (see
/// [`Collections::send_chunk`]).
fn locked_positions(results: &[SaveResult], all_or_none: bool) -> Vec<usize> {
    let code_is = |error: &SaveError, code: &str| error.status_code.as_deref() == Some(code);
    if all_or_none {
        let only_locks = results.iter().all(|r| {
            !r.success
                && r.errors.iter().all(|e| {
                    code_is(e, UNABLE_TO_LOCK_ROW) || code_is(e, ALL_OR_NONE_OPERATION_ROLLED_BACK)
                })
        });
        let any_lock = results
            .iter()
            .any(|r| r.errors.iter().any(|e| code_is(e, UNABLE_TO_LOCK_ROW)));
        return if only_locks && any_lock {
            (0..results.len()).collect()
        } else {
            Vec::new()
        };
    }
    results
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            !r.success
                && !r.errors.is_empty()
                && r.errors.iter().all(|e| code_is(e, UNABLE_TO_LOCK_ROW))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The code of every record of an `allOrNone` request that failed because another did.
const ALL_OR_NONE_OPERATION_ROLLED_BACK: &str = "ALL_OR_NONE_OPERATION_ROLLED_BACK";

/// The result given to each record of a request that failed as a whole.
fn failed_result(error: &Error) -> SaveResult {
    SaveResult {
        id: None,
        success: false,
        errors: vec![SaveError {
            status_code: Some(
                error
                    .provider_code()
                    .unwrap_or(error.kind().code())
                    .to_owned(),
            ),
            message: error.to_string(),
            fields: Vec::new(),
        }],
        created: None,
        extra: Map::new(),
    }
}
