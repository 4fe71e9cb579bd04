//! The records feed: the records of one CRM object type by their last modification, as an
//! [`atom_core::feed::ChangeFeed`], oldest first, resumable from a checkpoint.
//!
//! # How it walks
//!
//! `POST /crm/v3/objects/{type}/search` with one filter, the last-modified property
//! `BETWEEN` the position and the window's end, sorted ascending by that property
//! ([`modified_property`]: `lastmodifieddate` for contacts, `hs_lastmodifieddate` for
//! companies, deals, tickets and every other type). HubSpot serves at most 10 000 results
//! of one search ([`RESULT_CEILING`](crate::search::RESULT_CEILING)); the feed never pages that far. Each request starts
//! a new search at the modification time of the last record handed out (`BETWEEN` is
//! inclusive, to the millisecond) and leaves out the records of that millisecond already
//! handed out (the checkpoint's `seen`), as the GitHub issues feed does with `since`. So
//! the window moves on with every page, and a record modified during the walk (which moves
//! to the end of the sorted results, every later record one place up) skips nothing, as
//! offset paging with `after` would.
//!
//! Only when a whole page falls in one millisecond (a bulk import) does the search not
//! move the window. The feed then walks that millisecond by id, with the pieces of
//! [`Objects::search_all`](crate::Objects::search_all): the property `EQ` that instant,
//! `hs_object_id GT` the last id, sorted by `hs_object_id` (so no search of it reaches the
//! ceiling either), and goes on by time after it. Unlike `search_all`, which walks one
//! fixed search by id and whose checkpoint is an id, the feed follows time, so it sees
//! records modified after it started, and its checkpoint is a time.
//!
//! Every request goes through the client's own path (the portal's limits, the search rate
//! class, retries, auth) and the pages through [`atom_core::Paginator`] (page cap,
//! repeated-cursor stop).
//!
//! # Checkpoints and guarantees
//!
//! Each [`Change`] carries `FeedCheckpoint { feed: "hubspot.objects:<type>", at: <last
//! modified>, seen: <ids handed out at that millisecond> }` (and `cursor: <id>` while a
//! millisecond is walked by id); resume with
//! [`Objects::feed_from`](crate::Objects::feed_from). The feed yields every record of the
//! type modified after the checkpoint at least once, **in its latest state**: two changes
//! of one record between runs come out as one change (a state feed, not an event log), so
//! the order per record holds, and the global order is by last modification. `kind` is
//! `Created` for a record created at or after the position the feed resumed from (a hint:
//! handle both as upserts), else `Updated`. Keep one checkpoint per portal and type.
//!
//! # Limits
//!
//! * **The search index trails writes** by a few seconds (HubSpot: "it may take a few
//!   moments for newly created or updated CRM objects to appear in search results"). A
//!   record written just before a search can be missing from it while later ones are
//!   there; a checkpoint past it would lose it for good. The feed therefore reads only up
//!   to `now - index_lag` (taken when the feed starts; default [`DEFAULT_INDEX_LAG`],
//!   30 s), and never advances past it: later changes come with the next run.
//! * **Deletions do not appear.** HubSpot search does not return archived (deleted)
//!   records, and has no filter on the archive time. A record deleted after it was handed
//!   out simply stops appearing. Read deletions from webhooks (`*.deletion` becomes a
//!   `Deleted` change, see the `ChangeSource` impl of [`Delivery`]), or from the
//!   deletions feed ([`crate::deletions_feed`], `Objects::deletions_feed`), which reads
//!   the recycle bin (`archived=true`; HubSpot keeps it 90 days, and the list has no time
//!   filter, so each of its runs is a full read). Run both feeds with their own
//!   checkpoints; a record deleted and restored comes out of each in its own order.
//! * **No horizon:** HubSpot keeps records, not changes, so any start time is served and
//!   this feed reports no `FeedGap`; what it cannot report is an intermediate state.
//! * Searches are paced as their own rate class ([`crate::SEARCH_CLASS`], five a second
//!   per portal); a page is at most 200 records ([`MAX_SEARCH_LIMIT`]).
//! * A search is a `POST`: the client resends it after a 429, but not after a 5xx (the
//!   core resends only calls it knows to be safe). The feed then yields that retryable
//!   error, and polling the feed again sends the same search: the walk goes on.
//! * Ties within one millisecond come in HubSpot's order; the feed handles them by `seen`
//!   and the walk by id, whatever that order is.
//!
//! # Webhooks
//!
//! A verified delivery ([`Delivery`], a batch of up to 100 events) becomes `Change<CrmObject>`s
//! through `atom_core::feed::changes_from_webhook(&webhook, headers, body)`, one per CRM
//! event, with the same `object_type` names as the feeds (`contacts`, `companies`, `deals`,
//! `tickets`, or the event's `objectTypeId`), and the record as far as the event tells it
//! (its id, the changed property).
//!
//! ```no_run
//! # async fn demo(hubspot: atom_hubspot::Client) -> atom_core::Result<()> {
//! use atom_core::{CheckpointKey, CheckpointStore, FileCheckpointStore};
//! use atom_hubspot::feed::{ObjectFeedParams, feed_name};
//! use futures::TryStreamExt as _;
//! let store = FileCheckpointStore::new("checkpoints")?;
//! let key = CheckpointKey::new(format!("{}/{}", feed_name("deals"), hubspot.portal_id()), "sync");
//! let deals = hubspot.deals();
//! let params = ObjectFeedParams::new().properties(["dealname", "amount", "dealstage"]);
//! let (mut feed, mut version) = match store.load(&key).await? {
//!     Some(saved) => (deals.feed_from(&params, &saved.checkpoint), saved.version),
//!     None => {
//!         let feed = deals.feed(&params, chrono::Utc::now());
//!         // Save the start first: a crash before the first change resumes from it.
//!         let mut version = 0;
//!         if let Some(start) = feed.checkpoint() {
//!             version = store.save(&key, start, Some(0)).await?;
//!         }
//!         (feed, version)
//!     }
//! };
//! while let Some(change) = feed.try_next().await? {
//!     println!("deal {} {} at {}", change.object_id, change.kind, change.at);
//!     if let Some(checkpoint) = &change.checkpoint {
//!         version = store.save(&key, checkpoint, Some(version)).await?;
//!     }
//! }
//! # Ok(()) }
//! ```

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use atom_core::feed::{Change, ChangeFeed, ChangeKind, ChangeSource, FeedCheckpoint};
use atom_core::{Error, Page, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::models::{CrmObject, parse_timestamp};
use crate::objects::Objects;
use crate::pagination::collection;
use crate::search::{Filter, MAX_SEARCH_LIMIT, SearchParams, Sort, search_request, windowed};
use crate::webhook::{CrmEvent, Event};
use crate::{SERVICE, validate};

pub use crate::webhook::Delivery;

/// The prefix of the records feeds' names: a feed's checkpoints name
/// `hubspot.objects:<type>` ([`feed_name`]).
pub const OBJECTS_FEED: &str = "hubspot.objects";

/// How far behind now the feed reads by default: HubSpot's search index trails writes by
/// a few seconds, and a checkpoint past a record not indexed yet would lose it.
pub const DEFAULT_INDEX_LAG: Duration = Duration::from_secs(30);

/// The most ids a checkpoint's `seen` may hold. The feed writes at most one page's worth
/// (200); a longer list is not this feed's and is refused.
pub const MAX_SEEN: usize = 1_000;

/// How far in the future a checkpoint's time may be (clock skew) before it is refused.
const FUTURE_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// The name of the feed of `object_type` in its checkpoints (`hubspot.objects:deals`).
/// The name is the type as the handler was given it: `contacts` and `0-1` name two feeds,
/// and a checkpoint of one is refused by the other.
pub fn feed_name(object_type: &str) -> String {
    format!("{OBJECTS_FEED}:{object_type}")
}

/// The last-modified property search sorts and filters on: `lastmodifieddate` for contacts
/// (HubSpot's contacts keep that name), `hs_lastmodifieddate` for every other type.
pub fn modified_property(object_type: &str) -> &'static str {
    match object_type {
        "contacts" | "contact" | "0-1" => "lastmodifieddate",
        _ => "hs_lastmodifieddate",
    }
}

/// The properties, page size and index lag of a records feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectFeedParams {
    /// Properties to return (the last-modified property is always added).
    pub properties: Vec<String>,
    /// Records per search, 1 to 200 (default 200).
    pub limit: Option<u32>,
    /// How far behind now to stop (default [`DEFAULT_INDEX_LAG`]).
    pub index_lag: Option<Duration>,
}

impl ObjectFeedParams {
    /// HubSpot's default properties, 200 a page, 30 s behind now.
    pub fn new() -> Self {
        Self::default()
    }

    /// Properties to return.
    pub fn properties<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.properties = names.into_iter().map(Into::into).collect();
        self
    }

    /// Records per search (1 to 200).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// How far behind now the feed stops (see the module docs).
    pub fn index_lag(mut self, lag: Duration) -> Self {
        self.index_lag = Some(lag);
        self
    }
}

/// Where the walk stands between requests (the paginator's cursor, as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Position {
    /// Epoch milliseconds, inclusive.
    since: i64,
    /// Ids already handed out at `since`.
    seen: Vec<String>,
    /// Walking the millisecond `since` by id, above this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    by_id: Option<String>,
}

struct Walk {
    client: Client,
    base: String,
    feed: String,
    object_type: String,
    property: &'static str,
    properties: Vec<String>,
    limit: u32,
    /// The window's end, epoch milliseconds inclusive: `now - index_lag` at the start.
    until: i64,
    /// Records created at or after this are `Created`.
    resumed_from: DateTime<Utc>,
}

fn lost_position() -> Error {
    Error::decode(SERVICE, "the records feed lost its position")
}

fn millis(at: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(at).ok_or_else(lost_position)
}

impl Walk {
    fn search(&self) -> SearchParams {
        SearchParams::new()
            .properties(self.properties.iter().cloned())
            .limit(self.limit)
    }

    /// The record's last modification: the property, else `updatedAt` (the same time).
    fn modified(&self, record: &CrmObject) -> Result<DateTime<Utc>> {
        record
            .property(self.property)
            .and_then(parse_timestamp)
            .or(record.updated_at)
            .ok_or_else(|| {
                Error::decode(
                    SERVICE,
                    format!(
                        "record {} has no readable {} or updatedAt",
                        record.id, self.property
                    ),
                )
            })
    }

    fn change(
        &self,
        record: CrmObject,
        at: DateTime<Utc>,
        checkpoint: FeedCheckpoint,
    ) -> Change<CrmObject> {
        let kind = match record.created_at {
            Some(created) if created >= self.resumed_from => ChangeKind::Created,
            _ => ChangeKind::Updated,
        };
        let id = record.id.clone();
        Change::new(kind, self.object_type.clone(), id, at, record).with_checkpoint(checkpoint)
    }

    async fn fetch(&self, cursor: Option<String>) -> Result<Page<Change<CrmObject>>> {
        let position: Position = cursor
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .ok_or_else(lost_position)?;
        if position.since > self.until {
            // Nothing is old enough to be surely indexed: the next run takes it.
            return Ok(Page::new(Vec::new(), None));
        }
        match position.by_id.clone() {
            None => self.by_time(position).await,
            Some(after) => self.by_id(position, &after).await,
        }
    }

    /// One search from the position on, by time.
    async fn by_time(&self, position: Position) -> Result<Page<Change<CrmObject>>> {
        let params = self
            .search()
            .filter(Filter::between(
                self.property,
                position.since.to_string(),
                self.until.to_string(),
            ))
            .sort(Sort::asc(self.property));
        let response = self
            .client
            .send(search_request(&self.base, &params.body(None)))
            .await?;
        let page: Page<CrmObject> = collection(&response)?;
        let more = page.next.is_some() && !page.items.is_empty();
        let (mut at, mut seen) = (position.since, position.seen);
        let mut changes = Vec::with_capacity(page.items.len());
        for record in page.items {
            let modified = self.modified(&record)?;
            let ms = modified.timestamp_millis();
            // Outside the window (a server ignoring the filter), or handed out already.
            if ms < at || ms > self.until || (ms == at && seen.contains(&record.id)) {
                continue;
            }
            if ms > at {
                at = ms;
                seen.clear();
            }
            seen.push(record.id.clone());
            let checkpoint = FeedCheckpoint::new(self.feed.clone())
                .with_at(modified)
                .with_seen(seen.clone());
            changes.push(self.change(record, modified, checkpoint));
        }
        let next = if !more {
            None
        } else if at > position.since {
            Some(Position {
                since: at,
                seen,
                by_id: None,
            })
        } else {
            // A whole page in one millisecond: walk it by id.
            Some(Position {
                since: at,
                seen,
                by_id: Some("0".to_owned()),
            })
        };
        Ok(Page::new(changes, next.map(|p| encode(&p)).transpose()?))
    }

    /// One search of the millisecond `since`, by id above `after`.
    async fn by_id(&self, position: Position, after: &str) -> Result<Page<Change<CrmObject>>> {
        let instant = millis(position.since)?;
        let params = windowed(
            &self
                .search()
                .filter(Filter::eq(self.property, position.since.to_string())),
            after,
        );
        let response = self
            .client
            .send(search_request(&self.base, &params.body(None)))
            .await?;
        let page: Page<CrmObject> = collection(&response)?;
        let full = page.items.len() >= self.limit as usize || page.next.is_some();
        let last = page.items.last().map(|r| r.id.clone());
        let mut changes = Vec::with_capacity(page.items.len());
        for record in page.items {
            let ms = self.modified(&record)?.timestamp_millis();
            if ms != position.since || position.seen.contains(&record.id) {
                continue;
            }
            let checkpoint = FeedCheckpoint::new(self.feed.clone())
                .with_at(instant)
                .with_seen(position.seen.clone())
                .with_cursor(record.id.clone());
            changes.push(self.change(record, instant, checkpoint));
        }
        let next = match last {
            Some(last) if full => Position {
                since: position.since,
                seen: position.seen,
                by_id: Some(last),
            },
            // The millisecond is done: go on by time after it.
            _ => Position {
                since: position.since.saturating_add(1),
                seen: Vec::new(),
                by_id: None,
            },
        };
        Ok(Page::new(changes, Some(encode(&next)?)))
    }
}

fn encode(position: &Position) -> Result<String> {
    serde_json::to_string(position).map_err(|e| Error::decode(SERVICE, e.to_string()))
}

/// Checks a checkpoint's fields; the refusal says which.
fn check_checkpoint(checkpoint: &FeedCheckpoint, feed: &str) -> Result<(i64, Option<String>)> {
    checkpoint.check_feed(SERVICE, feed)?;
    let refuse = |why: &str| Err(Error::config(SERVICE, format!("{feed} checkpoint: {why}")));
    let Some(at) = checkpoint.at else {
        return refuse("it has no time to resume from");
    };
    if at > Utc::now() + FUTURE_SKEW {
        return refuse("its time is in the future");
    }
    if checkpoint.seen.len() > MAX_SEEN {
        return refuse(&format!("it lists more than {MAX_SEEN} seen ids"));
    }
    let numeric =
        |id: &str| !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit());
    if !checkpoint.seen.iter().all(|id| numeric(id)) {
        return refuse("a seen id is not a record id");
    }
    let cursor = match checkpoint.cursor.as_deref() {
        None => None,
        Some(id) if numeric(id) => Some(id.to_owned()),
        Some(_) => return refuse("its cursor is not a record id"),
    };
    Ok((at.timestamp_millis(), cursor))
}

/// The feed of [`Objects::feed`] and [`Objects::feed_from`].
fn objects_feed(
    objects: &Objects,
    params: &ObjectFeedParams,
    checkpoint: &FeedCheckpoint,
) -> ChangeFeed<CrmObject> {
    let start = (|| {
        let base = objects.base()?;
        let object_type = objects.object_type().to_owned();
        let feed = feed_name(&object_type);
        let (since, cursor) = check_checkpoint(checkpoint, &feed)?;
        let limit = params.limit.unwrap_or(MAX_SEARCH_LIMIT);
        if !(1..=MAX_SEARCH_LIMIT).contains(&limit) {
            return Err(Error::config(
                SERVICE,
                format!("the records feed limit must be 1 to {MAX_SEARCH_LIMIT}"),
            ));
        }
        let property = modified_property(&object_type);
        let mut properties = params.properties.clone();
        if !properties.iter().any(|p| p == property) {
            properties.push(property.to_owned());
        }
        validate::property_names(&properties)?;
        let lag = chrono::Duration::from_std(params.index_lag.unwrap_or(DEFAULT_INDEX_LAG))
            .map_err(|_| Error::config(SERVICE, "the records feed index lag is too long"))?;
        let until = Utc::now()
            .checked_sub_signed(lag)
            .ok_or_else(|| Error::config(SERVICE, "the records feed index lag is too long"))?
            .timestamp_millis();
        let position = Position {
            since,
            // A set: a repeated id in a damaged checkpoint is one id.
            seen: dedup(&checkpoint.seen),
            by_id: cursor,
        };
        let walk = Walk {
            client: objects.client.clone(),
            base,
            feed,
            object_type,
            property,
            properties,
            limit,
            until,
            resumed_from: millis(since)?,
        };
        Ok((walk, encode(&position)?))
    })();
    let (walk, cursor) = match start {
        Ok(start) => start,
        Err(e) => return ChangeFeed::failed(e),
    };
    let walk = Arc::new(walk);
    ChangeFeed::walk(
        SERVICE,
        checkpoint,
        Some(cursor),
        walk,
        |walk, cursor| async move { walk.fetch(cursor).await },
    )
}

fn dedup(ids: &[String]) -> Vec<String> {
    let mut set = HashSet::new();
    ids.iter()
        .filter(|id| set.insert(id.as_str()))
        .cloned()
        .collect()
}

impl Objects {
    /// A feed of the records of this type modified at or after `since`, oldest
    /// modification first, each a [`Change`] with the checkpoint to save once it is
    /// handled (see [`crate::feed`] for the walk, the guarantee and the limits).
    pub fn feed(&self, params: &ObjectFeedParams, since: DateTime<Utc>) -> ChangeFeed<CrmObject> {
        let start = FeedCheckpoint::new(feed_name(self.object_type())).with_at(since);
        objects_feed(self, params, &start)
    }

    /// [`feed`](Self::feed) resumed from a checkpoint one of its changes carried (or the
    /// start checkpoint `ChangeFeed::checkpoint` reports before any change). A checkpoint
    /// of another feed or type, without a time, with a time in the future, or with a
    /// damaged cursor or `seen` list is a `Config` error, before any request.
    pub fn feed_from(
        &self,
        params: &ObjectFeedParams,
        checkpoint: &FeedCheckpoint,
    ) -> ChangeFeed<CrmObject> {
        objects_feed(self, params, checkpoint)
    }
}

/// The records feed's `object_type` of a subscription type's object (`contact` →
/// `contacts`, `company` → `companies`), or the event's `objectTypeId` for the generic
/// `object.*` subscriptions.
fn webhook_object_type(prefix: &str, event: &CrmEvent) -> String {
    match prefix {
        "object" => event
            .extra
            .get("objectTypeId")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("objects")
            .to_owned(),
        "company" => "companies".to_owned(),
        other => format!("{other}s"),
    }
}

/// One CRM event as a change, or `None` for an event that names no record.
fn webhook_change(event: CrmEvent) -> Result<Option<Change<CrmObject>>> {
    let subscription = event.subscription_type.as_str().to_owned();
    let (prefix, action) = subscription
        .split_once('.')
        .unwrap_or((subscription.as_str(), ""));
    let kind = match action {
        "creation" => ChangeKind::Created,
        "deletion" | "privacyDeletion" => ChangeKind::Deleted,
        _ => ChangeKind::Updated,
    };
    // An association change names its records `fromObjectId` / `toObjectId`.
    let id = event.object_id.clone().or_else(|| {
        event.extra.get("fromObjectId").and_then(|v| match v {
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::String(s) => Some(s.clone()),
            _ => None,
        })
    });
    // An empty id names no record either.
    let Some(id) = id.filter(|id| !id.trim().is_empty()) else {
        return Ok(None);
    };
    let at = event.occurred_at.ok_or_else(|| {
        Error::decode(
            SERVICE,
            format!("webhook event {:?} has no occurredAt", event.event_id),
        )
    })?;
    let stamp = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut record = serde_json::json!({ "id": id, "updatedAt": stamp, "properties": {} });
    if let (Some(name), Some(value)) = (&event.property_name, &event.property_value) {
        record["properties"][name] = serde_json::json!(value);
    }
    match kind {
        ChangeKind::Created => record["createdAt"] = serde_json::json!(stamp),
        ChangeKind::Deleted => {
            record["archived"] = serde_json::json!(true);
            record["archivedAt"] = serde_json::json!(stamp);
        }
        _ => {}
    }
    let object: CrmObject = serde_json::from_value(record)
        .map_err(|e| Error::decode(SERVICE, format!("webhook event as a record: {e}")))?;
    let object_type = webhook_object_type(prefix, &event);
    Ok(Some(Change::new(kind, object_type, id, at, object)))
}

/// A delivery as the records feeds' changes, one per CRM event in the order sent, so one
/// handler takes both: `*.creation` is a creation, `*.deletion` and `*.privacyDeletion`
/// deletions, every other event (`propertyChange`, `merge`, `associationChange`,
/// `restore`) an update. The record holds what the event tells: its id, the changed
/// property and value, the time as `updatedAt` (and `createdAt` / `archivedAt`); fetch
/// the record for the rest. Events the crate cannot read (kept raw) and events naming no
/// record report no change; an event without `occurredAt` is a `Decode` error.
impl ChangeSource for Delivery {
    type Object = CrmObject;

    fn into_changes(self) -> Result<Vec<Change<CrmObject>>> {
        let mut changes = Vec::with_capacity(self.events.len());
        for event in self.events {
            if let Event::Crm(event) = event
                && let Some(change) = webhook_change(*event)?
            {
                changes.push(change);
            }
        }
        Ok(changes)
    }
}
