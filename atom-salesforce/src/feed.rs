//! The records feed: one sObject type's creations, updates and deletions as an
//! [`atom_core::feed::ChangeFeed`], oldest first, resumable from a checkpoint.
//!
//! # How it walks
//!
//! The feed walks in *rounds*, each covering a time window `[position, end)`:
//!
//! 1. **Deletions** (unless [`RecordFeedParams::deletions`] is off): one `GET
//!    /services/data/vXX.X/sobjects/{object}/deleted/?start=&end=` (sObject Get Deleted)
//!    on whole-minute UTC bounds (from the minute before the position, so a deletion at
//!    a window's edge is not lost), `end` at most one day on and no later than now minus
//!    [`RecordFeedParams::settle`]. Salesforce answers with `deletedRecords`
//!    (`id`, `deletedDate`), `earliestDateAvailable` and `latestDateCovered`; the round
//!    ends at `latestDateCovered` when Salesforce gives an earlier one, since changes from
//!    there on may still be in flight (its replication guidance: use it as the next
//!    start).
//! 2. **Creations and updates**: a SOQL query built with [`crate::soql::Query`] (never
//!    spliced text), `SELECT Id, SystemModstamp, CreatedDate, <your fields> FROM <object>
//!    WHERE <after the position> AND SystemModstamp < <end> ORDER BY SystemModstamp ASC,
//!    Id ASC`, sent to `/query` and followed page by page (Salesforce's 2 000-record
//!    batches) through `nextRecordsUrl`, each checked like every query page of the crate
//!    ([`crate::next_cursor`]).
//! 3. **Merge**: deletions are placed between the updates by time, so the feed is one
//!    stream ordered by `(time, updates before deletions, Id)`.
//!
//! The position is a *keyset* `(SystemModstamp, Id)`: resuming after `(t, X)` asks for
//! `SystemModstamp > t OR (SystemModstamp = t AND Id > 'X')`, so records changed in the
//! same second are neither lost nor handed out again and again. Once caught up (the round's
//! end is the settle bound or Salesforce's `latestDateCovered`) the feed ends; run it
//! again from its last checkpoint to poll. Every request goes through the client's own
//! path (limits, retries, token refresh, error mapping) and the pages through
//! [`atom_core::Paginator`] (page cap, repeated-cursor stop).
//!
//! # Why this design
//!
//! `getUpdated` returns ids without times (no order per record, a second request per
//! batch for the fields) and refuses windows older than 30 days; a query on
//! `SystemModstamp` returns the chosen fields in time order with no horizon. Deletions
//! leave the query, so they come from `getDeleted`. `SystemModstamp` is written when a
//! transaction writes, not when it commits: a long transaction can make a record visible
//! with a time the feed has already passed. The feed never moves past
//! `latestDateCovered` (Salesforce's own bound for changes still in flight) nor past
//! now minus `settle` (two minutes by default), instead of re-reading an overlap and
//! carrying the ids seen in it: that keeps checkpoints small (no `seen` list) at the cost
//! of trailing real time by a few minutes.
//!
//! # Checkpoints and guarantees
//!
//! Each [`Change`] carries `FeedCheckpoint { feed: "salesforce.sobjects/<object>", at:
//! <SystemModstamp or deletedDate>, cursor: "updated:<Id>" | "deleted:<Id>" }`; resume
//! with [`SObjects::feed_from`](crate::sobjects::SObjects::feed_from). The feed yields
//! every record created, updated or deleted after the checkpoint at least once, **in its
//! latest state** (a state feed, not an event log: two updates between polls come out as
//! one change, an update followed by a deletion as the deletion only). Changes of one
//! record come out in order; the whole stream is ordered by time. Keep one checkpoint per
//! object (the feed name holds the object: a checkpoint of `Contact` is refused by the
//! `Account` feed).
//!
//! * `kind` is `Created` when `CreatedDate == SystemModstamp` (nothing changed the record
//!   since it was made), `Updated` otherwise, `Deleted` for a `getDeleted` entry. A record
//!   restored from the recycle bin comes back as `Updated`.
//! * A deletion's object is `T` read from `{"attributes": {"type": <object>}, "Id": <id>,
//!   "IsDeleted": true}`: the crate's types and [`Record`] read it; a type of your own
//!   must accept a record with only these fields (make the others optional).
//!
//! # Limits
//!
//! * Salesforce keeps deletions for **15 days** ([`DELETED_RETENTION`]) and may purge its
//!   delete log earlier. A checkpoint older than 15 days (less five minutes, the margin of
//!   the windows reaching back), or a `getDeleted` answer whose
//!   `earliestDateAvailable` is after the position, ends the feed with an
//!   [`ErrorKind::FeedGap`](atom_core::ErrorKind::FeedGap) error carrying a [`FeedGap`]:
//!   resynchronise (query the object) and start a new feed. A feed with deletions off
//!   has no horizon. Checkpoints only move with changes: poll an object that rarely
//!   changes with deletions off, or save a fresh start after a resync.
//! * `getDeleted` returns at most 600 000 ids a call (`EXCEEDED_ID_LIMIT`); the feed asks
//!   for at most a day at a time and holds at most [`MAX_ROUND_DELETIONS`] deletions
//!   between pages (a round with more ends before the second of the first one left out;
//!   more are held only when they all fall in one second, a mass delete).
//! * The feed trails real time by `settle` plus up to a minute (whole-minute windows).
//! * Records the user cannot see (sharing) are not reported, neither by the query nor by
//!   `getDeleted`.
//! * A `nextRecordsUrl` expires after about 15 minutes unused (`INVALID_QUERY_LOCATOR`):
//!   the feed then queries again from its position, so a slow handler loses nothing.
//! * A record your type `T` cannot read is a `Decode` error that ends the feed (and ends
//!   it again on resume): use [`Record`] or optional fields for what may be missing.
//!
//! # Webhooks
//!
//! A parsed Outbound Message becomes the same `Change<Record>` through its
//! [`ChangeSource`] impl: `messages.parse(body)?.into_changes()` (outbound messages are
//! not signed, so they go through [`crate::webhook::OutboundMessages::parse`] rather than
//! `atom_core::feed::changes_from_webhook`; authenticate the sender as that module says).
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
//! use atom_core::{CheckpointKey, CheckpointStore, FileCheckpointStore};
//! use atom_salesforce::feed::{RecordFeedParams, feed_name};
//! use futures::TryStreamExt as _;
//! let store = FileCheckpointStore::new("checkpoints")?;
//! let key = CheckpointKey::new(feed_name("Account"), "erp-sync");
//! let accounts = client.accounts();
//! let params = RecordFeedParams::new().fields(["Name", "BillingCountry"]);
//! let (mut feed, mut version) = match store.load(&key).await? {
//!     Some(saved) => (accounts.feed_from(&params, &saved.checkpoint), saved.version),
//!     None => {
//!         let feed = accounts.feed(&params, chrono::Utc::now());
//!         // Save the start first: a crash before the first change resumes from it.
//!         let mut version = 0;
//!         if let Some(start) = feed.checkpoint() {
//!             version = store.save(&key, start, Some(0)).await?;
//!         }
//!         (feed, version)
//!     }
//! };
//! while let Some(change) = feed.try_next().await? {
//!     println!("{} {} {}", change.object_type, change.object_id, change.kind);
//!     if let Some(checkpoint) = &change.checkpoint {
//!         version = store.save(&key, checkpoint, Some(version)).await?;
//!     }
//! }
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use atom_core::feed::{Change, ChangeFeed, ChangeKind, ChangeSource, FeedCheckpoint, FeedGap};
use atom_core::{Checkpoint, Error, Page, Paginator, Result};
use chrono::{DateTime, DurationRound as _, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::models::datetime;
use crate::models::{QueryResult, SObject};
use crate::pagination::{Scope, first_request, next_cursor, next_request};
use crate::soql::{Filter, Order, Query, Soql};
use crate::validate::{field_path, identifier, record_id};
use crate::webhook::OutboundMessage;
use crate::{Client, Record, SERVICE};

/// The records feed's name; a checkpoint names `salesforce.sobjects/<object>`
/// ([`feed_name`]).
pub const SOBJECTS_FEED: &str = "salesforce.sobjects";

/// How long Salesforce keeps deletions for `getDeleted` (15 days): an older position is a
/// gap when the feed follows deletions.
pub const DELETED_RETENTION: Duration = Duration::from_secs(15 * 24 * 60 * 60);

/// How far behind now the feed stays by default (two minutes), so a transaction that
/// wrote `SystemModstamp` but had not committed yet is not passed over.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(120);

/// The longest `getDeleted` window of one round (one day).
pub const MAX_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// At most this many deletions are held between pages; a round with more ends after the
/// time of the last one kept.
pub const MAX_ROUND_DELETIONS: usize = 2000;

/// Clock skew tolerated on a checkpoint time before it counts as in the future.
const FUTURE_SKEW: Duration = Duration::from_secs(5 * 60);

/// Fields every feed query selects: the keyset and the creation test.
const KEY_FIELDS: [&str; 3] = ["Id", "SystemModstamp", "CreatedDate"];

/// The name of the records feed of `object` in its checkpoints
/// (`salesforce.sobjects/Account`).
pub fn feed_name(object: &str) -> String {
    format!("{SOBJECTS_FEED}/{object}")
}

/// Fields, deletions and settle time of the records feed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordFeedParams {
    /// Fields to select besides `Id`, `SystemModstamp` and `CreatedDate` (always
    /// selected); relationship paths (`Account.Name`) allowed.
    pub fields: Vec<String>,
    /// Whether deletions are followed through `getDeleted` (default `true`; then the
    /// 15-day horizon applies).
    pub deletions: bool,
    /// How far behind now the feed stays (default [`DEFAULT_SETTLE`], at most a day).
    pub settle: Duration,
}

impl Default for RecordFeedParams {
    fn default() -> Self {
        Self {
            fields: Vec::new(),
            deletions: true,
            settle: DEFAULT_SETTLE,
        }
    }
}

impl RecordFeedParams {
    /// The key fields only, deletions followed, the default settle time.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field to select.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.fields.push(field.into());
        self
    }

    /// Adds fields to select.
    pub fn fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.fields.extend(fields.into_iter().map(Into::into));
        self
    }

    /// Whether to follow deletions (`getDeleted`).
    pub fn deletions(mut self, deletions: bool) -> Self {
        self.deletions = deletions;
        self
    }

    /// How far behind now the feed stays.
    pub fn settle(mut self, settle: Duration) -> Self {
        self.settle = settle;
        self
    }
}

/// Where, within one instant, the walk stands: the keyset's second half. The derived
/// order is the feed's order at one instant: before everything, updates by Id, deletions
/// by Id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum After {
    Start,
    Updated(String),
    Deleted(String),
}

const UPDATED: &str = "updated:";
const DELETED: &str = "deleted:";

impl After {
    /// The checkpoint cursor: none at a start, `updated:<Id>` or `deleted:<Id>`.
    fn from_cursor(cursor: Option<&str>) -> Result<Self> {
        let Some(cursor) = cursor else {
            return Ok(Self::Start);
        };
        let bad = || {
            Error::config(
                SERVICE,
                "the records feed checkpoint has a cursor this feed did not write",
            )
        };
        if let Some(id) = cursor.strip_prefix(UPDATED) {
            Ok(Self::Updated(record_id(id).map_err(|_| bad())?.to_owned()))
        } else if let Some(id) = cursor.strip_prefix(DELETED) {
            Ok(Self::Deleted(record_id(id).map_err(|_| bad())?.to_owned()))
        } else {
            Err(bad())
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum QueryState {
    First,
    Next(String),
    Done,
}

/// One window being walked: everything after the position and before `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Round {
    end: DateTime<Utc>,
    /// Whether another round follows (the window was cut short, not caught up).
    more: bool,
    /// Deletions not handed out yet, in feed order.
    deleted: VecDeque<(DateTime<Utc>, String)>,
    query: QueryState,
}

/// The paginator's cursor (as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Position {
    at: DateTime<Utc>,
    after: After,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    round: Option<Round>,
}

fn whole_second(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(chrono::Duration::seconds(1)).unwrap_or(t)
}

fn whole_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(chrono::Duration::minutes(1)).unwrap_or(t)
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

fn before(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now.checked_sub_signed(chrono_duration(d))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The oldest position a feed following deletions can resume from, now: 15 days back,
/// less a few minutes, so the window reaching back before the position stays within
/// what `getDeleted` accepts.
fn horizon(now: DateTime<Utc>) -> DateTime<Utc> {
    before(now, DELETED_RETENTION) + chrono::Duration::minutes(5)
}

/// A Salesforce date-time field of a record, to the second.
fn time_field(record: &Value, field: &str) -> Option<DateTime<Utc>> {
    record
        .get(field)
        .and_then(Value::as_str)
        .and_then(datetime::parse)
        .map(whole_second)
}

/// `Created` when the record was not changed since it was made.
fn kind_of(created: Option<DateTime<Utc>>, modstamp: DateTime<Utc>) -> ChangeKind {
    if created == Some(modstamp) {
        ChangeKind::Created
    } else {
        ChangeKind::Updated
    }
}

struct Walk {
    client: Client,
    object: String,
    feed: String,
    select: Vec<String>,
    deletions: bool,
    settle: Duration,
}

impl Walk {
    fn checkpoint(&self, at: DateTime<Utc>, cursor: String) -> FeedCheckpoint {
        FeedCheckpoint::new(self.feed.clone())
            .with_at(at)
            .with_cursor(cursor)
    }

    fn gap(&self, at: DateTime<Utc>, horizon: DateTime<Utc>) -> Error {
        FeedGap::new(self.feed.clone(), Some(at), Some(horizon)).into_error(SERVICE)
    }

    /// The query of a round: after the position, before `end`, in keyset order.
    fn soql(&self, at: DateTime<Utc>, after: &After, end: DateTime<Utc>) -> Result<Soql> {
        let lower = match after {
            After::Start => Filter::ge("SystemModstamp", at),
            After::Updated(id) => {
                Filter::gt("SystemModstamp", at)
                    .or(Filter::eq("SystemModstamp", at).and(Filter::gt("Id", id.as_str())))
            }
            After::Deleted(_) => Filter::gt("SystemModstamp", at),
        };
        Query::select(&self.select)
            .from(&self.object)
            .filter(lower)
            .filter(Filter::lt("SystemModstamp", end))
            .order_by("SystemModstamp", Order::Asc)
            .order_by("Id", Order::Asc)
            .build()
    }

    /// Starts a round after the position, or `None` when there is nothing to cover yet.
    async fn open_round(&self, at: DateTime<Utc>, after: &After) -> Result<Option<Round>> {
        let now = Utc::now();
        if !self.deletions {
            let end = whole_second(before(now, self.settle));
            return Ok((end > at).then(|| Round {
                end,
                more: false,
                deleted: VecDeque::new(),
                query: QueryState::First,
            }));
        }
        if at < horizon(now) {
            return Err(self.gap(at, horizon(now)));
        }
        let bound = whole_minute(before(now, self.settle));
        let from = whole_minute(at);
        let window_end = from
            .checked_add_signed(chrono_duration(MAX_WINDOW))
            .unwrap_or(bound)
            .min(bound);
        if window_end <= at {
            return Ok(None);
        }
        // One minute back, whether Salesforce counts a deletion at the start's exact minute
        // in or not, and two before the end, since getDeleted wants the start more than a
        // minute before it. Reaching back is harmless: what is at or before the position is
        // dropped below.
        let start =
            (from - chrono::Duration::minutes(1)).min(window_end - chrono::Duration::minutes(2));
        let answer = self
            .client
            .sobject(&self.object)
            .deleted(start, window_end)
            .await?;
        if let Some(earliest) = answer.earliest_date_available
            && earliest > at
        {
            return Err(self.gap(at, earliest));
        }
        let mut end = window_end;
        let mut more = window_end < bound;
        if let Some(covered) = answer.latest_date_covered
            && covered < end
        {
            end = whole_second(covered);
            more = false;
        }
        let position = (at, after.clone());
        let mut deleted = Vec::with_capacity(answer.deleted_records.len().min(4096));
        for record in answer.deleted_records {
            let id = record_id(&record.id)
                .map_err(|_| {
                    Error::decode(SERVICE, "getDeleted named a record id that is not one")
                })?
                .to_owned();
            let time = record.deleted_date.map(whole_second).ok_or_else(|| {
                Error::decode(SERVICE, "getDeleted named a record without deletedDate")
            })?;
            if (time, After::Deleted(id.clone())) > position && time < end {
                deleted.push((time, id));
            }
        }
        deleted.sort();
        deleted.dedup();
        if let (Some((first, _)), Some((cut, _))) =
            (deleted.first(), deleted.get(MAX_ROUND_DELETIONS))
        {
            // Too many to carry between pages: end this round before the second of the
            // first one left out, or, when they all fall in one second, after that second.
            let (first, cut) = (*first, *cut);
            if first < cut {
                deleted.retain(|(t, _)| *t < cut);
                end = cut;
            } else {
                deleted.retain(|(t, _)| *t <= cut);
                end = cut + chrono::Duration::seconds(1);
            }
            more = true;
        }
        if end <= at {
            return Ok(None);
        }
        Ok(Some(Round {
            end,
            more,
            deleted: deleted.into_iter().collect(),
            query: QueryState::First,
        }))
    }

    fn deletion<T: SObject>(&self, time: DateTime<Utc>, id: String) -> Result<Change<T>> {
        let stub = serde_json::json!({
            "attributes": { "type": self.object },
            "Id": id,
            "IsDeleted": true,
        });
        let object: T = serde_json::from_value(stub).map_err(|e| {
            Error::decode(
                SERVICE,
                format!(
                    "a deleted {} does not read as {}: {e}",
                    self.object,
                    std::any::type_name::<T>()
                ),
            )
        })?;
        let checkpoint = self.checkpoint(time, format!("{DELETED}{id}"));
        Ok(
            Change::new(ChangeKind::Deleted, self.object.clone(), id, time, object)
                .with_checkpoint(checkpoint),
        )
    }

    /// The round's next query page. A `nextRecordsUrl` Salesforce no longer keeps (query
    /// locators expire after about 15 minutes unused: `INVALID_QUERY_LOCATOR`) is replaced
    /// by the query again from the position, which the keyset makes exact.
    async fn query_page(&self, position: &Position, round: &Round) -> Result<QueryResult<Value>> {
        let first = || -> Result<atom_core::Request> {
            let soql = self.soql(position.at, &position.after, round.end)?;
            Ok(first_request(&self.client, soql.as_str(), Scope::Live))
        };
        let response = match &round.query {
            QueryState::Next(url) => match self.client.send(next_request(url, Scope::Live)).await {
                Err(e) if e.provider_code() == Some("INVALID_QUERY_LOCATOR") => {
                    self.client.send(first()?).await?
                }
                other => other?,
            },
            _ => self.client.send(first()?).await?,
        };
        response.json()
    }

    /// One step: opens a round if none is running, reads one query page, merges.
    async fn fetch<T: SObject>(&self, cursor: Option<String>) -> Result<Page<Change<T>>> {
        let mut position: Position = cursor
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .ok_or_else(|| Error::decode(SERVICE, "the records feed lost its position"))?;
        let mut round = match position.round.take() {
            Some(round) => round,
            None => match self.open_round(position.at, &position.after).await? {
                Some(round) => round,
                None => return Ok(Page::new(Vec::new(), None)),
            },
        };
        let mut records = Vec::new();
        if round.query != QueryState::Done {
            let page = self.query_page(&position, &round).await?;
            round.query = match next_cursor(&page)? {
                Some(url) => QueryState::Next(url),
                None => QueryState::Done,
            };
            records = page.records;
        }
        let mut changes = Vec::with_capacity(records.len());
        let mut updates = Vec::with_capacity(records.len());
        for record in records {
            // Checked as an id: it becomes the checkpoint's cursor and the next query's key.
            let id = record
                .get("Id")
                .and_then(Value::as_str)
                .and_then(|id| record_id(id).ok())
                .ok_or_else(|| Error::decode(SERVICE, "a feed record has no valid Id"))?
                .to_owned();
            let modstamp = time_field(&record, "SystemModstamp")
                .ok_or_else(|| Error::decode(SERVICE, "a feed record has no SystemModstamp"))?;
            updates.push((modstamp, id, record));
        }
        // Salesforce sorts by the query; a stable sort by time keeps its Id order within a
        // second and protects the merge from a page out of order.
        updates.sort_by_key(|(t, _, _)| *t);
        for (modstamp, id, record) in updates {
            let done_at_instant = match &position.after {
                After::Deleted(_) => true,
                After::Updated(last) => *last == id,
                After::Start => false,
            };
            if modstamp < position.at
                || (modstamp == position.at && done_at_instant)
                || modstamp >= round.end
            {
                continue;
            }
            while let Some((time, _)) = round.deleted.front()
                && *time < modstamp
            {
                if let Some((time, id)) = round.deleted.pop_front() {
                    position.at = time;
                    position.after = After::Deleted(id.clone());
                    changes.push(self.deletion(time, id)?);
                }
            }
            let kind = kind_of(time_field(&record, "CreatedDate"), modstamp);
            let object: T = serde_json::from_value(record).map_err(|e| {
                Error::decode(
                    SERVICE,
                    format!("a {} record does not read: {e}", self.object),
                )
            })?;
            let checkpoint = self.checkpoint(modstamp, format!("{UPDATED}{id}"));
            position.at = modstamp;
            position.after = After::Updated(id.clone());
            changes.push(
                Change::new(kind, self.object.clone(), id, modstamp, object)
                    .with_checkpoint(checkpoint),
            );
        }
        let next = if round.query == QueryState::Done {
            while let Some((time, id)) = round.deleted.pop_front() {
                changes.push(self.deletion(time, id)?);
            }
            round.more.then_some(Position {
                at: round.end,
                after: After::Start,
                round: None,
            })
        } else {
            Some(Position {
                round: Some(round),
                ..position
            })
        };
        let next = next
            .map(|p| serde_json::to_string(&p))
            .transpose()
            .map_err(|e| Error::decode(SERVICE, e.to_string()))?;
        Ok(Page::new(changes, next))
    }
}

/// The select list: the key fields, then the caller's, each once (names compare without
/// case, as Salesforce's do).
fn select_list(fields: &[String]) -> Result<Vec<String>> {
    let mut select: Vec<String> = KEY_FIELDS.iter().map(|f| (*f).to_owned()).collect();
    for field in fields {
        let field = field_path(field)?;
        if !select.iter().any(|s| s.eq_ignore_ascii_case(field)) {
            select.push(field.to_owned());
        }
    }
    Ok(select)
}

/// The feed of [`SObjects::feed`](crate::sobjects::SObjects::feed) and
/// [`SObjects::feed_from`](crate::sobjects::SObjects::feed_from) for `object` on `client`.
pub(crate) fn records_feed<T: SObject>(
    client: &Client,
    object: &str,
    params: &RecordFeedParams,
    checkpoint: &FeedCheckpoint,
) -> ChangeFeed<T> {
    let start = (|| {
        let object = identifier(object)?;
        let feed = feed_name(object);
        checkpoint.check_feed(SERVICE, &feed)?;
        if params.settle > MAX_WINDOW {
            return Err(Error::config(
                SERVICE,
                "the records feed settle time is at most a day",
            ));
        }
        let at = checkpoint.at.map(whole_second).ok_or_else(|| {
            Error::config(
                SERVICE,
                "the records feed checkpoint has no time to resume from",
            )
        })?;
        let now = Utc::now();
        if at > now + chrono_duration(FUTURE_SKEW) {
            return Err(Error::config(
                SERVICE,
                "the records feed checkpoint time is in the future",
            ));
        }
        let after = After::from_cursor(checkpoint.cursor.as_deref())?;
        let walk = Walk {
            client: client.clone(),
            object: object.to_owned(),
            feed,
            select: select_list(&params.fields)?,
            deletions: params.deletions,
            settle: params.settle,
        };
        // Refuse a query that cannot be built before any request.
        walk.soql(at, &after, now)?;
        if params.deletions && at < horizon(now) {
            return Err(walk.gap(at, horizon(now)));
        }
        let position = Position {
            at,
            after,
            round: None,
        };
        let cursor =
            serde_json::to_string(&position).map_err(|e| Error::decode(SERVICE, e.to_string()))?;
        Ok((walk, cursor))
    })();
    let (walk, cursor) = match start {
        Ok(start) => start,
        Err(e) => return ChangeFeed::failed(e),
    };
    let walk = Arc::new(walk);
    let pages = Paginator::new(
        Checkpoint {
            cursor: Some(cursor),
            skip: 0,
        },
        move |cursor| {
            let walk = walk.clone();
            Box::pin(async move { walk.fetch::<T>(cursor).await })
        },
    )
    .service(SERVICE);
    ChangeFeed::new(pages, Some(checkpoint.clone()))
}

/// An Outbound Message reports its records as the records feed's changes (without
/// checkpoints), so one handler takes pushes and the polled `SObjects<Record>` feed:
/// `object_type` is the notification's object, `object_id` the record `Id`, `at` its
/// `SystemModstamp` (else `LastModifiedDate`, else the time of reading: include
/// `SystemModstamp` in the message), `kind` `Created` when `CreatedDate` equals it, else
/// `Updated`. Outbound messages do not report deletions. A notification without a record
/// `Id` is a `Decode` error.
impl ChangeSource for OutboundMessage {
    type Object = Record;

    fn into_changes(self) -> Result<Vec<Change<Record>>> {
        self.notifications
            .into_iter()
            .map(|notification| {
                let record = notification.record;
                let id = record
                    .id
                    .clone()
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| {
                        Error::decode(SERVICE, "an outbound message notification has no record Id")
                    })?;
                let fields = Value::Object(record.fields.clone());
                let modstamp = time_field(&fields, "SystemModstamp");
                let at = modstamp
                    .or_else(|| time_field(&fields, "LastModifiedDate"))
                    .unwrap_or_else(|| whole_second(Utc::now()));
                let kind = match modstamp {
                    Some(m) => kind_of(time_field(&fields, "CreatedDate"), m),
                    None => ChangeKind::Updated,
                };
                Ok(Change::new(kind, notification.object, id, at, record))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyset_order_within_an_instant() {
        let a = After::Start;
        let u = After::Updated("001".into());
        let d = After::Deleted("000".into());
        assert!(a < u && u < d);
    }

    #[test]
    fn cursors_round_trip_and_refuse_damage() {
        let id = "001D000000JliSTIAZ";
        assert_eq!(
            After::from_cursor(Some(&format!("updated:{id}"))).ok(),
            Some(After::Updated(id.into()))
        );
        assert_eq!(After::from_cursor(None).ok(), Some(After::Start));
        for bad in [
            "",
            "updated:",
            "deleted:x' OR Id != '",
            "evt_1",
            "updated:001D000000JlisTIAZ",
        ] {
            assert!(After::from_cursor(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn select_list_has_the_keys_once() {
        let fields = vec![
            "name".to_owned(),
            "id".to_owned(),
            "Account.Name".to_owned(),
        ];
        assert_eq!(
            select_list(&fields).ok(),
            Some(
                [
                    "Id",
                    "SystemModstamp",
                    "CreatedDate",
                    "name",
                    "Account.Name"
                ]
                .map(str::to_owned)
                .to_vec()
            )
        );
        assert!(select_list(&["Name FROM User --".to_owned()]).is_err());
    }
}
