//! Change data capture: `GET /cdc?entities=…&changedSince=…`, the objects of the listed
//! entities changed since a time, deleted ones flagged.
//!
//! QuickBooks looks back at most 30 days: an older `changedSince` is refused here before
//! any request (a sync that fell behind must read everything again with a query). It
//! returns at most 1000 objects per entity; [`CdcResult::truncated`] names the entities
//! that hit the cap, and the next checkpoint then starts at the last change read for them
//! (so the rest comes next time; a few objects may come twice, never none). A thousand
//! changes with the checkpoint's own timestamp cannot be paged past: that answer is a
//! `Decode` error rather than a loop that never moves.
//!
//! A sync loop keeps a [`CdcCheckpoint`] (serialisable): read with [`Client::cdc_from`],
//! apply the changes, save `result.checkpoint`, repeat.
//!
//! ```no_run
//! # async fn demo(qb: atom_quickbooks::Client) -> atom_core::Result<()> {
//! use atom_quickbooks::cdc::CdcCheckpoint;
//! let since = chrono::Utc::now().fixed_offset() - chrono::Duration::days(1);
//! let mut checkpoint = CdcCheckpoint::new(&["Invoice", "Payment"], since);
//! let result = qb.cdc_from(&checkpoint).await?;
//! for change in &result.changes {
//!     println!("{} {} deleted={}", change.entity, change.id, change.deleted);
//! }
//! checkpoint = result.checkpoint; // save after the changes are applied
//! # let _ = checkpoint; Ok(()) }
//! ```

use std::time::Duration;

use atom_core::{Error, Result};
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::SERVICE;
use crate::client::{Client, RequestOptions};
use crate::models::Entity;

/// How far back QuickBooks' change data capture looks.
pub const MAX_LOOKBACK: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The most objects QuickBooks returns per entity in one answer.
pub const MAX_PER_ENTITY: usize = 1000;

/// Where a change-data-capture sync stands: the entities it follows and the time from
/// which changes are still to be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CdcCheckpoint {
    /// The entities followed (`Invoice`, `Customer`).
    pub entities: Vec<String>,
    /// Changes at or after this time are still to be read.
    pub since: DateTime<FixedOffset>,
}

impl CdcCheckpoint {
    /// A checkpoint for these entities from `since`.
    pub fn new(entities: &[&str], since: DateTime<FixedOffset>) -> Self {
        Self {
            entities: entities.iter().map(|e| (*e).to_owned()).collect(),
            since,
        }
    }
}

/// One changed object.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Change {
    /// The entity name.
    pub entity: String,
    /// The object's id.
    pub id: String,
    /// True when the object was deleted (`status` `Deleted`): only `Id` and `MetaData`
    /// remain.
    pub deleted: bool,
    /// When it last changed.
    pub last_updated: Option<DateTime<FixedOffset>>,
    /// The object as QuickBooks sent it.
    pub value: Value,
}

impl Change {
    /// The object as `T` (deleted objects decode with only `Id`, `status` and metadata).
    pub fn decode<T: Entity>(&self) -> Result<T> {
        if self.entity != T::NAME {
            return Err(Error::decode(
                SERVICE,
                format!("the change is a {}, not a {}", self.entity, T::NAME),
            ));
        }
        T::deserialize(&self.value)
            .map_err(|e| Error::decode(SERVICE, format!("{} {}: {e}", self.entity, self.id)))
    }
}

/// One change-data-capture answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CdcResult {
    /// Every changed object, entity by entity.
    pub changes: Vec<Change>,
    /// The server's time of the answer.
    pub time: Option<DateTime<FixedOffset>>,
    /// Entities that hit the 1000-object cap (read again from `checkpoint`).
    pub truncated: Vec<String>,
    /// Where the next read starts.
    pub checkpoint: CdcCheckpoint,
}

fn validate(checkpoint: &CdcCheckpoint, now: DateTime<Utc>) -> Result<()> {
    if checkpoint.entities.is_empty() {
        return Err(Error::config(
            SERVICE,
            "change data capture needs at least one entity",
        ));
    }
    for e in &checkpoint.entities {
        if e.is_empty() || e.len() > 64 || !e.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(Error::config(SERVICE, "an entity name is letters only"));
        }
    }
    let oldest = now - chrono::Duration::from_std(MAX_LOOKBACK).unwrap_or(chrono::Duration::MAX);
    if checkpoint.since.with_timezone(&Utc) < oldest {
        return Err(Error::config(
            SERVICE,
            "changedSince is more than 30 days ago: QuickBooks keeps changes for 30 days; \
             read the entities in full with a query instead",
        ));
    }
    if checkpoint.since.with_timezone(&Utc) > now + chrono::Duration::minutes(5) {
        return Err(Error::config(SERVICE, "changedSince is in the future"));
    }
    Ok(())
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default, rename = "CDCResponse")]
    cdc: Vec<CdcBlock>,
    #[serde(default, rename = "Fault", alias = "fault")]
    fault: Option<crate::error::Fault>,
    #[serde(default)]
    time: Option<DateTime<FixedOffset>>,
}

#[derive(Deserialize)]
struct CdcBlock {
    #[serde(default, rename = "QueryResponse")]
    queries: Vec<Map<String, Value>>,
}

fn last_updated(value: &Value) -> Option<DateTime<FixedOffset>> {
    let text = value.get("MetaData")?.get("LastUpdatedTime")?.as_str()?;
    DateTime::parse_from_rfc3339(text).ok()
}

/// The entities' rows of one answer, entity by entity, and the server's time; a `Fault`
/// in the answer is its error.
pub(crate) type Answer = (Vec<(String, Vec<Value>)>, Option<DateTime<FixedOffset>>);

/// Reads a change-data-capture answer.
pub(crate) fn parse_answer(response: &atom_core::ApiResponse) -> Result<Answer> {
    let envelope: Envelope = response.json()?;
    if let Some(fault) = &envelope.fault {
        return Err(
            crate::error::fault_error(fault, Some(response.status.as_u16()))
                .with_request_id_opt(response.meta.request_id.clone()),
        );
    }
    let mut rows = Vec::new();
    for block in envelope.cdc {
        for query in block.queries {
            for (entity, value) in query {
                if let Value::Array(values) = value {
                    rows.push((entity, values));
                }
            }
        }
    }
    Ok((rows, envelope.time))
}

impl Client {
    /// `GET /cdc?entities=..&changedSince=..` (seconds, with the offset).
    pub(crate) fn cdc_request(
        &self,
        entities: &[String],
        since: DateTime<FixedOffset>,
    ) -> atom_core::Request {
        self.request(Method::GET, "cdc", "cdc", "/v3/company/{realmId}/cdc")
            .query("entities", entities.join(","))
            .query(
                "changedSince",
                since.to_rfc3339_opts(SecondsFormat::Secs, false),
            )
    }
}

impl Client {
    /// Objects of `entities` changed since `since` (at most 30 days ago).
    pub async fn cdc(&self, entities: &[&str], since: DateTime<FixedOffset>) -> Result<CdcResult> {
        self.cdc_from(&CdcCheckpoint::new(entities, since)).await
    }

    /// Objects changed since the checkpoint; the result's checkpoint is where the next
    /// read starts.
    pub async fn cdc_from(&self, checkpoint: &CdcCheckpoint) -> Result<CdcResult> {
        validate(checkpoint, Utc::now())?;
        let request = self.cdc_request(&checkpoint.entities, checkpoint.since);
        let response = self.send_raw(request, &RequestOptions::default()).await?;
        let (rows, envelope_time) = parse_answer(&response)?;
        let mut changes = Vec::new();
        let mut truncated = Vec::new();
        let mut resume: Option<DateTime<FixedOffset>> = None;
        for (entity, rows) in rows {
            let full = rows.len() >= MAX_PER_ENTITY;
            let mut latest: Option<DateTime<FixedOffset>> = None;
            for value in rows {
                let id = value
                    .get("Id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let deleted = value.get("status").and_then(Value::as_str) == Some("Deleted");
                let updated = last_updated(&value);
                latest = latest.max(updated);
                changes.push(Change {
                    entity: entity.clone(),
                    id,
                    deleted,
                    last_updated: updated,
                    value,
                });
            }
            if full {
                resume = match (resume, latest) {
                    (Some(r), Some(l)) => Some(r.min(l)),
                    (r, l) => r.or(l),
                };
                truncated.push(entity);
            }
        }
        if let Some(at) = resume
            && at <= checkpoint.since
        {
            // A thousand changes with one timestamp: the next read would return the same
            // thousand, so the loop could never move on.
            return Err(Error::decode(
                SERVICE,
                format!(
                    "{} has 1000 or more changes at {at}: change data capture cannot page \
                     past them; read those entities with a query",
                    truncated.join(", ")
                ),
            )
            .with_request_id_opt(response.meta.request_id.clone()));
        }
        let since = resume
            .or(envelope_time)
            .unwrap_or(checkpoint.since)
            .max(checkpoint.since);
        Ok(CdcResult {
            changes,
            time: envelope_time,
            truncated,
            checkpoint: CdcCheckpoint {
                entities: checkpoint.entities.clone(),
                since,
            },
        })
    }
}
