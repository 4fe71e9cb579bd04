//! The change-data-capture feed: QuickBooks' `GET /cdc` as an
//! [`atom_core::feed::ChangeFeed`], oldest change first, resumable from a checkpoint.
//!
//! ```no_run
//! # async fn demo(qb: atom_quickbooks::Client, saved: Option<atom_core::feed::FeedCheckpoint>)
//! # -> atom_core::Result<()> {
//! use futures::TryStreamExt as _;
//! use atom_quickbooks::feed::{CdcFeedParams, FeedStart};
//! use atom_quickbooks::Invoice;
//! let params = CdcFeedParams::new(&["Invoice", "Payment"]);
//! let mut feed = match &saved {
//!     Some(checkpoint) => qb.cdc_feed_from(&params, checkpoint),
//!     None => qb.cdc_feed(&params, FeedStart::Since(chrono::Utc::now() - chrono::Duration::days(1))),
//! };
//! // Save the start first (see `atom_core::feed`), then each change's checkpoint.
//! let start = feed.checkpoint().cloned();
//! # let _ = start;
//! while let Some(change) = feed.try_next().await? {
//!     if change.object_type == "Invoice" && !change.object.deleted {
//!         let invoice: Invoice = change.object.decode()?;
//!         # let _ = invoice;
//!     }
//!     // then save change.checkpoint
//! }
//! # Ok(()) }
//! ```
//!
//! # How it walks
//!
//! `GET /v3/company/{realmId}/cdc?entities=Invoice,Payment&changedSince=<time>` returns
//! every object of those entities changed since the time, in its latest state. The feed
//! merges the entities, sorts the objects by `MetaData.LastUpdatedTime` (then entity and
//! id) and hands them out oldest first. QuickBooks returns **at most 1 000 objects** in
//! one answer ([`MAX_PER_ENTITY`]; Intuit's documentation does
//! not say whether per entity or in all, so the feed assumes either): an answer of 1 000
//! or more objects in all may be cut short, so the feed hands out only the objects up to
//! the newest new object of each entity in it (the oldest of those times), then asks again
//! with `changedSince` moved to that time, leaving out the ids it already handed out at
//! that instant: nothing after it is lost, and the objects past it come with the
//! next answer. An answer that is not full ends the feed for this run; run it again from
//! the last checkpoint to poll. Every request goes through the client's own path (realm
//! credential, `minorversion`, limits, retries, faults) and the answers through
//! [`atom_core::Paginator`].
//!
//! # Checkpoints and guarantees
//!
//! Each [`Change`] carries `FeedCheckpoint { feed: "quickbooks.cdc", cursor: <the entity
//! list, "Invoice,Payment">, at: <its LastUpdatedTime>, seen: <"Entity:Id" of the objects
//! handed out at that instant> }`; resume with [`Client::cdc_feed_from`] with the same
//! entities (others are refused: a new entity needs its own start). The start reported
//! before any change is `{ cursor, at: <start> }`.
//!
//! It is a **state feed**: each object in its state at the answer, two changes of one
//! object between runs come as one, and an object may come twice (after a resume, or when
//! more than [`MAX_SEEN`] objects share one instant: the checkpoint keeps [`MAX_SEEN`] ids
//! of an instant, the others come again). Changes come out in `LastUpdatedTime` order
//! across the entities, so the changes of one object are in order; every change after a
//! checkpoint comes at least once. Handlers upsert by entity and id.
//!
//! * `status: "Deleted"` objects (only `Id` and `MetaData` remain) are
//!   [`ChangeKind::Deleted`]; `MetaData.CreateTime == LastUpdatedTime` is
//!   [`ChangeKind::Created`]; everything else (voids included) [`ChangeKind::Updated`].
//! * The object is a [`CdcObject`] (entity, id, deleted flag, time, raw JSON) whatever the
//!   entity: [`CdcObject::decode`] gives the typed entity.
//!
//! # Limits
//!
//! * **30 days**: QuickBooks looks back at most 30 days
//!   ([`MAX_LOOKBACK`]). A checkpoint or start older than that is
//!   an [`ErrorKind::FeedGap`](atom_core::ErrorKind::FeedGap) error with a
//!   [`FeedGap`] detail, before any request: read the entities in full with a query, then
//!   start a new feed. Poll well within 30 days. When a walk reaches the end and change
//!   data capture has been quiet for a minute (by Intuit's `Date` header), the feed's
//!   [`ChangeFeed::checkpoint`] moves to that time, so a feed whose entities did not change
//!   for 30 days still resumes; save it at the end of a run.
//! * **1 000 objects per answer**, walked as above; this assumes QuickBooks keeps the
//!   oldest changes in a cut answer (it documents no order; if it kept others, changes
//!   between `changedSince` and them could not be read by CDC at all). 1 000 or more
//!   objects with the very same `LastUpdatedTime` cannot be paged past by `changedSince`:
//!   that answer ends the feed with a `Decode` error naming the time, rather than a loop
//!   (read those with a query).
//! * A checkpoint naming another feed or other entities, a time in the future, more than
//!   [`MAX_CHECKPOINT_SEEN`] `seen` ids, or an id not of the form `Entity:Id` is refused
//!   before any request (`Config`).
//!
//! # Webhooks
//!
//! A verified [`WebhookPayload`] becomes `Change<CdcObject>`s through
//! `atom_core::feed::changes_from_webhook(&webhook, headers, body)`. A notification
//! carries only the entity, id, operation and time, so the [`CdcObject`]'s `value` is
//! just `{"Id": id}` (plus `"status": "Deleted"` for a deletion): fetch the object for its
//! state. `Create` is a creation, `Delete` a deletion, `Merge` an update of the surviving
//! object plus (classic form, which names it in `deletedId`) a deletion of the merged one,
//! every other operation (`Update`, `Void`, `Emailed`) an update. The realm is not in the
//! change: a service serving several realms reads it from [`WebhookPayload::events`].

use std::collections::HashSet;
use std::sync::Arc;

use atom_core::feed::{
    Change, ChangeFeed, ChangeKind, ChangeSource, FeedCheckpoint, FeedGap, FeedPosition,
    settled_before,
};
use atom_core::{Error, Page, Result};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::SERVICE;
use crate::cdc::{MAX_LOOKBACK, MAX_PER_ENTITY};
use crate::client::{Client, RequestOptions};
use crate::webhook::WebhookPayload;

/// The object of a feed change: the entity, id, deleted flag, time and raw JSON of one
/// changed object (decode it with [`CdcObject::decode`]).
pub type CdcObject = crate::cdc::Change;

/// The name of the change-data-capture feed in its checkpoints.
pub const CDC_FEED: &str = "quickbooks.cdc";
/// The most `Entity:Id`s a checkpoint keeps of one instant (more only cause repeats).
pub const MAX_SEEN: usize = 100;
/// A checkpoint with more `seen` ids than this is damaged and refused.
pub const MAX_CHECKPOINT_SEEN: usize = 10_000;
/// How far past now a checkpoint's time may be (clock skew) before it is refused.
const FUTURE_TOLERANCE_SECS: i64 = 5 * 60;

/// Where a new feed starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FeedStart {
    /// With the changes made from now on.
    Now,
    /// With every change at or after this time (at most 30 days ago).
    Since(DateTime<Utc>),
}

/// The entities the feed follows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CdcFeedParams {
    /// Entity names as in the API (`Invoice`, `Payment`, `Customer`).
    pub entities: Vec<String>,
}

impl CdcFeedParams {
    /// These entities.
    pub fn new(entities: &[&str]) -> Self {
        Self {
            entities: entities.iter().map(|e| (*e).to_owned()).collect(),
        }
    }

    /// Adds an entity.
    pub fn entity(mut self, entity: impl Into<String>) -> Self {
        self.entities.push(entity.into());
        self
    }

    /// The entity list as the checkpoint's cursor and the request send it.
    fn list(&self) -> Result<String> {
        if self.entities.is_empty() {
            return Err(Error::config(
                SERVICE,
                "the CDC feed needs at least one entity",
            ));
        }
        for e in &self.entities {
            if e.is_empty() || e.len() > 64 || !e.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(Error::config(SERVICE, "an entity name is letters only"));
            }
        }
        Ok(self.entities.join(","))
    }
}

/// Where the walk stands between answers (the paginator's cursor, as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Position {
    since: DateTime<Utc>,
    /// `Entity:Id` handed out at exactly `since`.
    seen: Vec<String>,
}

struct Walk {
    client: Client,
    entities: Vec<String>,
    list: String,
    /// Where the feed stands when it ends (see [`Walk::fetch`]).
    position: FeedPosition,
}

/// How long change data capture must have been quiet before the feed's end moves its
/// checkpoint to a time: an object stamped before that time but visible only later could
/// be missed by a resume from it.
const QUIET: std::time::Duration = std::time::Duration::from_secs(60);

/// One object of an answer, with what the feed orders and filters it by.
struct Row {
    at: DateTime<Utc>,
    key: String,
    object: CdcObject,
    created: Option<DateTime<FixedOffset>>,
}

fn meta_time(value: &Value, field: &str) -> Option<DateTime<FixedOffset>> {
    let text = value.get("MetaData")?.get(field)?.as_str()?;
    DateTime::parse_from_rfc3339(text).ok()
}

fn row(entity: &str, value: Value) -> Result<Row> {
    let id = value
        .get("Id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| Error::decode(SERVICE, format!("a changed {entity} has no Id")))?
        .to_owned();
    let updated = meta_time(&value, "LastUpdatedTime").ok_or_else(|| {
        Error::decode(
            SERVICE,
            format!("{entity} {id} has no MetaData.LastUpdatedTime"),
        )
    })?;
    let created = meta_time(&value, "CreateTime");
    let deleted = value.get("status").and_then(Value::as_str) == Some("Deleted");
    Ok(Row {
        at: updated.with_timezone(&Utc),
        key: format!("{entity}:{id}"),
        created,
        object: CdcObject {
            entity: entity.to_owned(),
            id,
            deleted,
            last_updated: Some(updated),
            value,
        },
    })
}

impl Walk {
    async fn fetch(&self, cursor: Option<String>) -> Result<Page<Change<CdcObject>>> {
        let position: Position = cursor
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .ok_or_else(|| Error::decode(SERVICE, "the CDC feed lost its position"))?;
        let request = self
            .client
            .cdc_request(&self.entities, position.since.fixed_offset());
        let response = self
            .client
            .send_raw(request, &RequestOptions::default())
            .await?;
        let (answer, _) = crate::cdc::parse_answer(&response)?;
        let settled = settled_before(&response.headers, QUIET);
        let seen: HashSet<&str> = position.seen.iter().map(String::as_str).collect();
        let fresh = |r: &Row| {
            r.at > position.since || (r.at == position.since && !seen.contains(r.key.as_str()))
        };
        // QuickBooks documents "a maximum of 1,000 objects" an answer without saying per
        // entity or in all: an answer of 1 000 or more objects in all may be cut short, and
        // only the objects up to the newest new one of every entity in it are sure to be
        // complete (assuming the answer keeps the oldest changes, as change data capture
        // does). Objects already handed out say nothing about where the answer stops.
        let total: usize = answer.iter().map(|(_, values)| values.len()).sum();
        let truncated = total >= MAX_PER_ENTITY;
        let mut cut: Option<DateTime<Utc>> = None;
        let mut rows = Vec::with_capacity(total);
        for (entity, values) in answer {
            let mut newest: Option<DateTime<Utc>> = None;
            for value in values {
                let row = row(&entity, value)?;
                if fresh(&row) {
                    newest = newest.max(Some(row.at));
                    rows.push(row);
                }
            }
            if truncated && let Some(newest) = newest {
                cut = Some(cut.map_or(newest, |c| c.min(newest)));
            }
        }
        if truncated && cut.is_none() {
            // Every object of a full answer was handed out already: the next answer
            // would be the same one.
            return Err(Error::decode(
                SERVICE,
                format!(
                    "1000 or more changes at {}: change data capture cannot page past them; \
                     read those entities with a query",
                    position.since
                ),
            ));
        }
        rows.retain(|r| cut.is_none_or(|cut| r.at <= cut));
        drop(seen);
        rows.sort_by(|a, b| {
            (a.at, &a.object.entity, &a.object.id).cmp(&(b.at, &b.object.entity, &b.object.id))
        });
        let (mut run_at, mut run) = (position.since, position.seen);
        let mut changes = Vec::with_capacity(rows.len());
        for r in rows {
            if r.at != run_at {
                run_at = r.at;
                run.clear();
            }
            run.push(r.key);
            let checkpoint = FeedCheckpoint::new(CDC_FEED)
                .with_cursor(self.list.clone())
                .with_at(r.at)
                .with_seen(run.iter().take(MAX_SEEN).cloned().collect());
            let kind = if r.object.deleted {
                ChangeKind::Deleted
            } else if r.created == r.object.last_updated {
                ChangeKind::Created
            } else {
                ChangeKind::Updated
            };
            let (entity, id) = (r.object.entity.clone(), r.object.id.clone());
            changes.push(Change::new(kind, entity, id, r.at, r.object).with_checkpoint(checkpoint));
        }
        let Some(cut) = cut else {
            // The end: past a quiet spell, the position moves to a time, so a feed with no
            // change for longer than the 30 days CDC serves still resumes without a gap.
            if run_at < settled {
                self.position.advance(
                    FeedCheckpoint::new(CDC_FEED)
                        .with_cursor(self.list.clone())
                        .with_at(settled),
                );
            }
            return Ok(Page::new(changes, None));
        };
        let seen = if run_at == cut { run } else { Vec::new() };
        let next = Position { since: cut, seen };
        let next =
            serde_json::to_string(&next).map_err(|e| Error::decode(SERVICE, e.to_string()))?;
        Ok(Page::new(changes, Some(next)))
    }
}

fn horizon(now: DateTime<Utc>) -> DateTime<Utc> {
    let lookback = chrono::Duration::from_std(MAX_LOOKBACK).unwrap_or(chrono::Duration::MAX);
    now.checked_sub_signed(lookback)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The position a checkpoint resumes from, or why it is refused.
fn start_position(
    params: &CdcFeedParams,
    checkpoint: &FeedCheckpoint,
) -> Result<(String, Position)> {
    checkpoint.check_feed(SERVICE, CDC_FEED)?;
    let list = params.list()?;
    if checkpoint.cursor.as_deref() != Some(list.as_str()) {
        return Err(Error::config(
            SERVICE,
            "this checkpoint follows other entities than the feed: a new entity needs its own start",
        ));
    }
    let at = checkpoint
        .at
        .ok_or_else(|| Error::config(SERVICE, "the CDC checkpoint has no time"))?;
    let now = Utc::now();
    if at > now + chrono::Duration::seconds(FUTURE_TOLERANCE_SECS) {
        return Err(Error::config(
            SERVICE,
            "the CDC checkpoint's time is in the future",
        ));
    }
    if checkpoint.seen.len() > MAX_CHECKPOINT_SEEN {
        return Err(Error::config(
            SERVICE,
            format!("a CDC checkpoint holds at most {MAX_CHECKPOINT_SEEN} seen ids"),
        ));
    }
    let well_formed = |key: &String| {
        key.len() <= 128
            && key
                .split_once(':')
                .is_some_and(|(e, id)| !e.is_empty() && !id.is_empty())
    };
    if !checkpoint.seen.iter().all(well_formed) {
        return Err(Error::config(
            SERVICE,
            "the CDC checkpoint's seen ids are damaged",
        ));
    }
    let oldest = horizon(now);
    if at < oldest {
        return Err(FeedGap::new(CDC_FEED, Some(at), Some(oldest)).into_error(SERVICE));
    }
    // changedSince is sent to the second: the start's own second counts.
    let since = DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at);
    let seen = if since == at {
        checkpoint.seen.clone()
    } else {
        Vec::new()
    };
    Ok((list, Position { since, seen }))
}

impl Client {
    /// The changes of `params`' entities since `start` (at most 30 days ago), oldest
    /// first, each with its checkpoint (see the [module docs](crate::feed)).
    pub fn cdc_feed(&self, params: &CdcFeedParams, start: FeedStart) -> ChangeFeed<CdcObject> {
        let at = match start {
            FeedStart::Now => Utc::now(),
            FeedStart::Since(at) => at,
        };
        let list = params.entities.join(",");
        let checkpoint = FeedCheckpoint::new(CDC_FEED).with_cursor(list).with_at(at);
        self.cdc_feed_from(params, &checkpoint)
    }

    /// The CDC feed from a saved checkpoint of the same entities.
    pub fn cdc_feed_from(
        &self,
        params: &CdcFeedParams,
        checkpoint: &FeedCheckpoint,
    ) -> ChangeFeed<CdcObject> {
        let start = start_position(params, checkpoint).and_then(|(list, position)| {
            serde_json::to_string(&position)
                .map(|cursor| (list, cursor))
                .map_err(|e| Error::decode(SERVICE, e.to_string()))
        });
        let (list, cursor) = match start {
            Ok(start) => start,
            Err(e) => return ChangeFeed::failed(e),
        };
        let position = FeedPosition::default();
        let walk = Arc::new(Walk {
            client: self.clone(),
            entities: params.entities.clone(),
            list,
            position: position.clone(),
        });
        ChangeFeed::walk(
            SERVICE,
            checkpoint,
            Some(cursor),
            walk,
            |walk, cursor| async move { walk.fetch(cursor).await },
        )
        .with_position(position)
    }
}

/// A notification's time: RFC 3339, or the classic form's `-0700` offset.
fn notification_time(text: Option<&str>) -> Result<DateTime<FixedOffset>> {
    let text = text
        .map(str::trim)
        .ok_or_else(|| Error::decode(SERVICE, "a webhook change has no time"))?;
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map_err(|_| Error::decode(SERVICE, "a webhook change's time is not a time"))
}

fn pushed(
    kind: ChangeKind,
    entity: &str,
    id: &str,
    at: DateTime<FixedOffset>,
) -> Change<CdcObject> {
    let mut value = serde_json::json!({ "Id": id });
    if kind == ChangeKind::Deleted {
        value["status"] = Value::from("Deleted");
    }
    let object = CdcObject {
        entity: entity.to_owned(),
        id: id.to_owned(),
        deleted: kind == ChangeKind::Deleted,
        last_updated: Some(at),
        value,
    };
    Change::new(kind, entity, id, at.with_timezone(&Utc), object)
}

/// A verified delivery as the CDC feed's changes (ids and operations only: see the
/// [module docs](crate::feed)).
impl ChangeSource for WebhookPayload {
    type Object = CdcObject;

    fn into_changes(self) -> Result<Vec<Change<CdcObject>>> {
        // The classic form names the object a merge removed; the common events do not.
        let merged_away: Vec<Option<String>> = match &self {
            WebhookPayload::Classic(notifications) => notifications
                .iter()
                .flat_map(|n| {
                    n.data_change_event
                        .entities
                        .iter()
                        .map(|e| e.deleted_id.clone())
                })
                .collect(),
            WebhookPayload::CloudEvents(_) => Vec::new(),
        };
        let mut changes = Vec::new();
        for (i, event) in self.events().into_iter().enumerate() {
            if event.entity.is_empty() || event.id.is_empty() {
                return Err(Error::decode(SERVICE, "a webhook change names no object"));
            }
            let at = notification_time(event.time.as_deref())?;
            let kind = match event.operation.as_str() {
                "Create" => ChangeKind::Created,
                "Delete" => ChangeKind::Deleted,
                _ => ChangeKind::Updated,
            };
            changes.push(pushed(kind, &event.entity, &event.id, at));
            if event.operation == "Merge"
                && let Some(Some(gone)) = merged_away.get(i)
                && !gone.is_empty()
            {
                changes.push(pushed(ChangeKind::Deleted, &event.entity, gone, at));
            }
        }
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn checkpoints() -> impl Strategy<Value = FeedCheckpoint> {
        let now = Utc::now().timestamp();
        (
            prop::sample::select(vec![CDC_FEED, "zendesk.tickets", ""]),
            prop::option::of(prop_oneof![Just("Invoice,Customer".to_owned()), ".{0,20}"]),
            prop::option::of(prop_oneof![
                now - 40 * 86_400..now + 86_400,
                -100_000_000_000i64..100_000_000_000
            ]),
            prop_oneof![
                prop::collection::vec("[A-Za-z]{1,8}:[0-9]{1,6}", 0..10),
                prop::collection::vec(".{0,10}", 0..20),
                Just(vec!["Invoice:1".to_owned(); MAX_CHECKPOINT_SEEN + 1]),
            ],
        )
            .prop_map(|(feed, cursor, at, seen)| {
                let mut c = FeedCheckpoint::new(feed).with_seen(seen);
                c.cursor = cursor;
                c.at = at.and_then(|t| DateTime::from_timestamp(t, 0));
                c
            })
    }

    proptest! {
        #![proptest_config(atom_core::testing::proptest_config(1_000))]

        /// Any checkpoint is refused (`Config`, or `FeedGap` past the 30 days) or resumes
        /// within the window with a bounded, well-formed seen list.
        #[test]
        fn a_checkpoint_is_refused_or_resumes_within_the_window(c in checkpoints()) {
            let params = CdcFeedParams::new(&["Invoice", "Customer"]);
            match start_position(&params, &c) {
                Err(e) => prop_assert!(matches!(
                    e.kind(),
                    atom_core::ErrorKind::Config | atom_core::ErrorKind::FeedGap
                )),
                Ok((list, p)) => {
                    prop_assert_eq!(list.as_str(), "Invoice,Customer");
                    prop_assert!(p.since >= horizon(Utc::now()) - chrono::Duration::seconds(5));
                    prop_assert!(p.since <= Utc::now() + chrono::Duration::minutes(6));
                    prop_assert!(p.seen.len() <= MAX_CHECKPOINT_SEEN);
                    prop_assert!(p.seen.iter().all(|k| k.contains(':')));
                }
            }
        }

        /// Any notification time parses or is a `Decode` error.
        #[test]
        fn any_notification_time_parses_or_is_a_decode_error(text in prop::option::of(".{0,40}")) {
            if let Err(e) = notification_time(text.as_deref()) {
                prop_assert_eq!(e.kind(), atom_core::ErrorKind::Decode);
            }
        }
    }

    #[test]
    fn the_classic_offset_without_a_colon_parses() {
        let t = notification_time(Some("2026-01-05T14:42:19-0700")).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-05T14:42:19-07:00");
    }
}
