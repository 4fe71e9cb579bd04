//! The ticket, user and organization feeds: Zendesk's incremental exports as
//! [`atom_core::feed::ChangeFeed`]s, resumable from a saved checkpoint.
//!
//! ```no_run
//! # async fn demo(client: atom_zendesk::Client, saved: Option<atom_core::feed::FeedCheckpoint>)
//! # -> atom_core::Result<()> {
//! use futures::TryStreamExt as _;
//! use atom_zendesk::feed::FeedStart;
//! let incremental = client.incremental();
//! let mut feed = match &saved {
//!     Some(checkpoint) => incremental.tickets_feed_from(checkpoint),
//!     None => incremental.tickets_feed(FeedStart::Now),
//! };
//! // Save the start first (see `atom_core::feed`), then each change's checkpoint after it
//! // is handled.
//! let start = feed.checkpoint().cloned();
//! # let _ = start;
//! while let Some(change) = feed.try_next().await? {
//!     // upsert change.object (a Ticket) by change.object_id, then save change.checkpoint
//!     let _ = (change.kind, change.checkpoint);
//! }
//! // The feed ended at `end_of_stream`: run it again later from the last checkpoint.
//! # Ok(()) }
//! ```
//!
//! # How it walks
//!
//! The first request is `GET /api/v2/incremental/tickets/cursor?start_time=<unix>` (users:
//! `/api/v2/incremental/users/cursor`), each later one `?cursor=<after_cursor>` of the page
//! before, until a page says `end_of_stream: true`: the feed then **ends for this run**. Run
//! it again from the last checkpoint to poll; Zendesk's cursor continues where the export
//! stopped. Every request goes through the client's own path (its auth, retries, error
//! mapping, and the [`INCREMENTAL_CLASS`](crate::INCREMENTAL_CLASS) pacing) and the pages
//! through [`atom_core::Paginator`] (prefetch, page cap, a repeated cursor ends the feed
//! with a `Decode` error instead of looping).
//!
//! # Checkpoints
//!
//! Each [`Change`] carries the [`FeedCheckpoint`] to save after handling it:
//!
//! * the **last change of a page**: `{ feed, cursor: <the page's after_cursor>, at:
//!   <updated_at> }`: the next run asks `?cursor=` and gets what changed after the page;
//! * a change **inside a page**: `{ feed, at: <its export time>, seen: <ids handed out at
//!   that second> }` without a cursor: a resume asks `?start_time=<at>` again and leaves
//!   out the `seen` records whose export time is still exactly `at` (records changed since
//!   have a later time and come again). A Zendesk cursor names the end of a page only, so
//!   this is how a crash in the middle of a 1 000-record page resumes without losing the
//!   rest of the page or repeating all of it. The export time is the earlier of the
//!   record's `generated_timestamp` (the key Zendesk orders the export by) and its
//!   `updated_at`, so the restart is early enough whichever Zendesk compares.
//!   At most [`MAX_SEEN`] ids are kept: records of a second beyond that are handed out
//!   again after a resume (duplicates, never losses);
//! * the start ([`ChangeFeed::checkpoint`] before the first change): `{ feed, at: <start> }`.
//!
//! A checkpoint of another feed, a damaged cursor, a start less than a minute ago or in the
//! future, or more than [`MAX_CHECKPOINT_SEEN`] `seen` ids is refused before any request
//! (a `Config` error as the feed's only item).
//!
//! # Guarantees
//!
//! The export is a **state feed**, not an event log: each record comes with its state at
//! export time, a record changed twice between runs comes once, and the same state may
//! come twice (after a resume, or when Zendesk regenerates a record). Handlers upsert by
//! id. Records come in Zendesk's export order (by export time), so the changes of one
//! ticket come in order; every change made after a checkpoint comes at least once.
//!
//! * Ticket kinds: `status: "deleted"` is [`ChangeKind::Deleted`] (the export keeps
//!   soft-deleted tickets with that status), `created_at == updated_at`
//!   [`ChangeKind::Created`], everything else [`ChangeKind::Updated`].
//! * User kinds: `active: false` (a deleted user) is `Deleted`, then as for tickets.
//! * Organization kinds: a `deleted_at` time is `Deleted`, then as for tickets.
//!
//! # Organizations
//!
//! Zendesk has no cursor export for organizations, only the time-based one
//! (`GET /api/v2/incremental/organizations?start_time=`): the feed walks it the same way with
//! the page's `end_time` as the cursor (`?start_time=<end_time>` for the next page and in
//! the page-end checkpoints). A time-based page ends in the middle of a second, so the
//! records of that second come again on the next page (more repeats than the cursor
//! exports, never losses); a whole page of records of one second repeats its `end_time` and
//! ends the feed with a `Decode` error, as a repeated cursor does.
//!
//! # Limits (Zendesk's numbers)
//!
//! * **10 requests a minute** for the incremental exports (30 with the High Volume
//!   add-on), counted apart from the account limit: the client paces them in
//!   [`INCREMENTAL_CLASS`](crate::INCREMENTAL_CLASS) and a 429 is retried after its
//!   `Retry-After`. A large backlog therefore takes a while: 1 000 records a request.
//! * **1 000 records a page** (the ticket export's fixed size; users default to 1 000,
//!   [`Incremental::per_page`]).
//! * **Lag**: the export leaves out what changed in the last minute, and `start_time` must
//!   be at least a minute in the past ([`MIN_START_AGE`]); [`FeedStart::Now`] starts a
//!   minute back.
//! * **No horizon**: any start time and any cursor Zendesk gave are served, so this feed
//!   reports no [`FeedGap`](atom_core::feed::FeedGap). Permanently deleted (scrubbed)
//!   tickets stop appearing; a sync that must see deletions should poll well within the 30
//!   days Zendesk keeps a soft-deleted ticket.
//!
//! # Webhooks
//!
//! A verified ticket event (`zen:event-type:ticket.*`) becomes a `Change<Ticket>` through
//! `atom_core::feed::changes_from_webhook(&webhook, headers, body)` (see the
//! [`ChangeSource`] impl of [`WebhookEvent`]). Its ticket holds only what the event's
//! `detail` carries (id, status, priority, subject, requester, ...); fetch the ticket for
//! the rest.

use std::sync::Arc;
use std::time::Duration;

use atom_core::feed::{Change, ChangeFeed, ChangeKind, ChangeSource, FeedCheckpoint};
use atom_core::{Error, Page, Result};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::SERVICE;
use crate::incremental::{self, ExportStart, Incremental, Kind};
use crate::models::{Organization, Ticket, TicketStatus, User};
use crate::webhook::{WebhookEvent, ZendeskEvent};

/// The name of the ticket feed in its checkpoints.
pub const TICKETS_FEED: &str = "zendesk.tickets";
/// The name of the user feed in its checkpoints.
pub const USERS_FEED: &str = "zendesk.users";
/// The name of the organization feed in its checkpoints.
pub const ORGANIZATIONS_FEED: &str = "zendesk.organizations";
/// How far in the past a start must be: Zendesk refuses a `start_time` of the last minute.
pub const MIN_START_AGE: Duration = Duration::from_secs(60);
/// The most ids a checkpoint keeps of one second (more only cause repeats on resume).
pub const MAX_SEEN: usize = 100;
/// A checkpoint with more `seen` ids than this is damaged and refused.
pub const MAX_CHECKPOINT_SEEN: usize = 1_000;
/// The longest cursor accepted from a checkpoint.
pub const MAX_CURSOR_LEN: usize = 1_024;
/// How far past now a checkpoint's time may be (clock skew) before it is refused.
const FUTURE_TOLERANCE: i64 = 10 * 60;

/// Where a new feed starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FeedStart {
    /// With what changes from a minute ago on (the most recent start Zendesk serves).
    Now,
    /// With every record changed at or after this time (at least a minute ago).
    Since(DateTime<Utc>),
}

/// A record of a cursor-based export.
pub(crate) trait Exported: DeserializeOwned + Send + 'static {
    const OBJECT_TYPE: &'static str;
    fn record_id(&self) -> u64;
    fn created(&self) -> Option<DateTime<Utc>>;
    fn updated(&self) -> Option<DateTime<Utc>>;
    /// `generated_timestamp`, the export's own time of the record.
    fn generated(&self) -> Option<i64>;
    fn deleted(&self) -> bool;
}

impl Exported for Ticket {
    const OBJECT_TYPE: &'static str = "ticket";
    fn record_id(&self) -> u64 {
        self.id
    }
    fn created(&self) -> Option<DateTime<Utc>> {
        self.created_at
    }
    fn updated(&self) -> Option<DateTime<Utc>> {
        self.updated_at
    }
    fn generated(&self) -> Option<i64> {
        self.extra.get("generated_timestamp")?.as_i64()
    }
    fn deleted(&self) -> bool {
        self.status == Some(TicketStatus::Deleted)
    }
}

impl Exported for User {
    const OBJECT_TYPE: &'static str = "user";
    fn record_id(&self) -> u64 {
        self.id
    }
    fn created(&self) -> Option<DateTime<Utc>> {
        self.created_at
    }
    fn updated(&self) -> Option<DateTime<Utc>> {
        self.updated_at
    }
    fn generated(&self) -> Option<i64> {
        self.extra.get("generated_timestamp")?.as_i64()
    }
    fn deleted(&self) -> bool {
        self.active == Some(false)
    }
}

impl Exported for Organization {
    const OBJECT_TYPE: &'static str = "organization";
    fn record_id(&self) -> u64 {
        self.id
    }
    fn created(&self) -> Option<DateTime<Utc>> {
        self.created_at
    }
    fn updated(&self) -> Option<DateTime<Utc>> {
        self.updated_at
    }
    fn generated(&self) -> Option<i64> {
        self.extra.get("generated_timestamp")?.as_i64()
    }
    fn deleted(&self) -> bool {
        self.extra.get("deleted_at").is_some_and(|v| !v.is_null())
    }
}

/// The change a record reports, without a checkpoint.
fn record_change<T: Exported>(record: T, at: DateTime<Utc>) -> Change<T> {
    let kind = if record.deleted() {
        ChangeKind::Deleted
    } else if record.created().is_some() && record.created() == record.updated() {
        ChangeKind::Created
    } else {
        ChangeKind::Updated
    };
    let id = record.record_id().to_string();
    Change::new(kind, T::OBJECT_TYPE, id, at, record)
}

/// Where the walk stands between requests (the paginator's cursor, as JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Position {
    /// Zendesk's cursor of the page to fetch; `None`: fetch by `time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cursor: Option<String>,
    /// The `start_time` of a fetch without a cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time: Option<i64>,
    /// Ids handed out (before a resume) at exactly `time`: left out of the page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    skip: Vec<u64>,
    /// The export second of the last record handed out, and the ids handed out at it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    run: Option<(i64, Vec<u64>)>,
}

struct Walk {
    incremental: Incremental,
    kind: Kind,
    feed: &'static str,
}

fn lost() -> Error {
    Error::decode(SERVICE, "the export feed lost its position")
}

fn time_of(seconds: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| Error::decode(SERVICE, "an export time is out of range"))
}

impl Walk {
    async fn fetch<T: Exported>(&self, cursor: Option<String>) -> Result<Page<Change<T>>> {
        let position: Position = cursor
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .ok_or_else(lost)?;
        let start = match (&position.cursor, position.time) {
            (Some(cursor), _) => ExportStart::Cursor(cursor.clone()),
            (None, Some(time)) => ExportStart::Time(time),
            (None, None) => return Err(lost()),
        };
        let per_page = if self.kind.key == "tickets" {
            None
        } else {
            self.incremental.per_page
        };
        let request = incremental::request(self.kind, &start, per_page)?;
        let response = self.incremental.client.send(request).await?;
        let page = incremental::decode::<T>(&response, self.kind)?;
        let after = page.after_cursor.filter(|c| !c.is_empty());
        if !page.end_of_stream && after.is_some() && after == position.cursor {
            return Err(Error::decode(
                SERVICE,
                "the export answered with the cursor it was asked for: it would repeat forever",
            ));
        }
        let (mut run_at, mut run_ids) = match position.run {
            Some(run) => run,
            None => (position.time.unwrap_or(i64::MIN), position.skip.clone()),
        };
        let count = page.items.len();
        let mut changes = Vec::with_capacity(count);
        for (i, record) in page.items.into_iter().enumerate() {
            let id = record.record_id();
            let updated = record.updated().or(record.created());
            // The earlier of the two times: a restart from it is safe whichever one Zendesk
            // compares `start_time` with (only repeats can follow, never a loss).
            let updated_secs = updated.map(|t| t.timestamp());
            let stamp = match (record.generated(), updated_secs) {
                (Some(g), Some(u)) => Some(g.min(u)),
                (g, u) => g.or(u),
            }
            .ok_or_else(|| {
                Error::decode(
                    SERVICE,
                    format!("an exported {} has no time", T::OBJECT_TYPE),
                )
            })?;
            // Handed out already in this state: before the crash this run resumes from,
            // or on the page before (a time-based page starts again at its second).
            if stamp == run_at && run_ids.contains(&id) {
                continue;
            }
            if stamp != run_at {
                run_at = stamp;
                run_ids.clear();
            }
            if run_ids.len() < MAX_SEEN && !run_ids.contains(&id) {
                run_ids.push(id);
            }
            let at = match updated {
                Some(t) => t,
                None => time_of(stamp)?,
            };
            let checkpoint = match (&after, i + 1 == count) {
                (Some(after), true) => FeedCheckpoint::new(self.feed)
                    .with_cursor(after.clone())
                    .with_at(at),
                _ => FeedCheckpoint::new(self.feed)
                    .with_at(time_of(stamp)?)
                    .with_seen(run_ids.iter().map(u64::to_string).collect()),
            };
            changes.push(record_change(record, at).with_checkpoint(checkpoint));
        }
        let next = match (page.end_of_stream, after) {
            (true, _) => None,
            (false, Some(after)) => {
                let next = Position {
                    cursor: Some(after),
                    time: None,
                    skip: Vec::new(),
                    run: Some((run_at, run_ids)),
                };
                Some(
                    serde_json::to_string(&next)
                        .map_err(|e| Error::decode(SERVICE, e.to_string()))?,
                )
            }
            // `decode` refuses a page that is not the last and names no cursor.
            (false, None) => return Err(lost()),
        };
        Ok(Page::new(changes, next))
    }
}

/// The position a checkpoint resumes from, or why it is refused.
fn start_position(checkpoint: &FeedCheckpoint, feed: &str) -> Result<Position> {
    checkpoint.check_feed(SERVICE, feed)?;
    let now = Utc::now().timestamp();
    if let Some(at) = checkpoint.at
        && at.timestamp() > now.saturating_add(FUTURE_TOLERANCE)
    {
        return Err(Error::config(
            SERVICE,
            "the checkpoint's time is in the future",
        ));
    }
    if checkpoint.seen.len() > MAX_CHECKPOINT_SEEN {
        return Err(Error::config(
            SERVICE,
            format!("a checkpoint of {feed} holds at most {MAX_CHECKPOINT_SEEN} seen ids"),
        ));
    }
    if let Some(cursor) = &checkpoint.cursor {
        let printable = cursor.bytes().all(|b| b.is_ascii_graphic());
        if cursor.is_empty() || cursor.len() > MAX_CURSOR_LEN || !printable {
            return Err(Error::config(
                SERVICE,
                "the checkpoint's export cursor is damaged",
            ));
        }
        if !checkpoint.seen.is_empty() {
            return Err(Error::config(
                SERVICE,
                "a checkpoint with an export cursor carries no seen ids: it is damaged",
            ));
        }
        return Ok(Position {
            cursor: Some(cursor.clone()),
            ..Position::default()
        });
    }
    let at = checkpoint.at.ok_or_else(|| {
        Error::config(
            SERVICE,
            "the checkpoint names neither a cursor nor a start time",
        )
    })?;
    let time = at.timestamp();
    let latest = now.saturating_sub(MIN_START_AGE.as_secs().cast_signed());
    if time < 0 || time > latest {
        return Err(Error::config(
            SERVICE,
            "an export starts at least a minute in the past and not before 1970",
        ));
    }
    let skip = checkpoint
        .seen
        .iter()
        .map(|id| id.parse::<u64>())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| Error::config(SERVICE, "the checkpoint's seen ids are not record ids"))?;
    Ok(Position {
        cursor: None,
        time: Some(time),
        skip,
        run: None,
    })
}

fn export_feed<T: Exported>(
    incremental: &Incremental,
    kind: Kind,
    feed: &'static str,
    checkpoint: &FeedCheckpoint,
) -> ChangeFeed<T> {
    let cursor = start_position(checkpoint, feed)
        .and_then(|p| serde_json::to_string(&p).map_err(|e| Error::decode(SERVICE, e.to_string())));
    let cursor = match cursor {
        Ok(cursor) => cursor,
        Err(e) => return ChangeFeed::failed(e),
    };
    let walk = Arc::new(Walk {
        incremental: incremental.clone(),
        kind,
        feed,
    });
    ChangeFeed::walk(
        SERVICE,
        checkpoint,
        Some(cursor),
        walk,
        |walk, cursor| async move { walk.fetch::<T>(cursor).await },
    )
}

/// The checkpoint a feed named `feed` starts from.
fn start_checkpoint(feed: &str, start: FeedStart) -> FeedCheckpoint {
    let at = match start {
        FeedStart::Since(at) => at,
        FeedStart::Now => {
            let age = chrono::Duration::from_std(MIN_START_AGE).unwrap_or_default();
            Utc::now() - age
        }
    };
    FeedCheckpoint::new(feed).with_at(at)
}

impl Incremental {
    /// Every ticket changed since `start`, oldest export time first, as changes with
    /// checkpoints (see the [module docs](crate::feed)). A start less than a minute ago is
    /// refused (`Config`), as Zendesk would.
    pub fn tickets_feed(&self, start: FeedStart) -> ChangeFeed<Ticket> {
        self.tickets_feed_from(&start_checkpoint(TICKETS_FEED, start))
    }

    /// The ticket feed from a saved checkpoint of it (or a start checkpoint).
    pub fn tickets_feed_from(&self, checkpoint: &FeedCheckpoint) -> ChangeFeed<Ticket> {
        export_feed(self, incremental::TICKETS, TICKETS_FEED, checkpoint)
    }

    /// Every user changed since `start`, as changes with checkpoints (a deleted user,
    /// `active: false`, is a deletion).
    pub fn users_feed(&self, start: FeedStart) -> ChangeFeed<User> {
        self.users_feed_from(&start_checkpoint(USERS_FEED, start))
    }

    /// The user feed from a saved checkpoint of it.
    pub fn users_feed_from(&self, checkpoint: &FeedCheckpoint) -> ChangeFeed<User> {
        export_feed(self, incremental::USERS, USERS_FEED, checkpoint)
    }

    /// Every organization changed since `start`, as changes with checkpoints. Zendesk
    /// offers only the time-based export for organizations: its cursor is the page's
    /// `end_time` (see the [module docs](crate::feed)).
    pub fn organizations_feed(&self, start: FeedStart) -> ChangeFeed<Organization> {
        self.organizations_feed_from(&start_checkpoint(ORGANIZATIONS_FEED, start))
    }

    /// The organization feed from a saved checkpoint of it.
    pub fn organizations_feed_from(&self, checkpoint: &FeedCheckpoint) -> ChangeFeed<Organization> {
        export_feed(
            self,
            incremental::ORGANIZATIONS,
            ORGANIZATIONS_FEED,
            checkpoint,
        )
    }
}

/// The fields of a ticket event's `detail` that are ids sent as strings.
const DETAIL_IDS: [&str; 8] = [
    "id",
    "requester_id",
    "submitter_id",
    "assignee_id",
    "organization_id",
    "group_id",
    "brand_id",
    "custom_status_id",
];

/// A ticket event's `detail` read as the ticket the feed yields: ids from strings, enum
/// values in lower case (`"SOLVED"` is `solved`), fields it lacks left empty.
fn detail_ticket(event: &ZendeskEvent, id: u64) -> Result<Ticket> {
    let mut detail = match &event.detail {
        Value::Object(map) => map.clone(),
        _ => serde_json::Map::new(),
    };
    for key in DETAIL_IDS {
        if let Some(Value::String(s)) = detail.get(key) {
            let parsed = s
                .parse::<u64>()
                .ok()
                .map(Value::from)
                .unwrap_or(Value::Null);
            detail.insert(key.to_owned(), parsed);
        }
    }
    for key in ["status", "priority", "type"] {
        if let Some(Value::String(s)) = detail.get(key) {
            let lower = s.to_ascii_lowercase();
            detail.insert(key.to_owned(), Value::String(lower));
        }
    }
    if let Some(Value::String(channel)) = detail.get("via").and_then(|v| v.get("channel")) {
        let channel = channel.clone();
        detail.insert("via".to_owned(), serde_json::json!({ "channel": channel }));
    }
    detail.insert("id".to_owned(), Value::from(id));
    serde_json::from_value(Value::Object(detail)).map_err(|e| {
        Error::decode(
            SERVICE,
            format!("a ticket event's detail does not read as a ticket: {e}"),
        )
    })
}

/// A verified delivery as the ticket feed's changes, so one handler takes both: a ticket
/// event is one change of the ticket (`ticket.created` a creation, `ticket.soft_deleted`
/// and `ticket.permanently_deleted` deletions, every other event an update), its object the
/// ticket as the event's `detail` shows it (partial: fetch it for the rest). Other events
/// and trigger payloads report no ticket change.
impl ChangeSource for WebhookEvent {
    type Object = Ticket;

    fn into_changes(self) -> Result<Vec<Change<Ticket>>> {
        let WebhookEvent::Ticket(event) = self else {
            return Ok(Vec::new());
        };
        let id = event
            .ticket_id()
            .ok_or_else(|| Error::decode(SERVICE, "a ticket event names no ticket"))?;
        let ticket = detail_ticket(&event, id)?;
        let kind = match event.kind() {
            "ticket.created" => ChangeKind::Created,
            "ticket.soft_deleted" | "ticket.permanently_deleted" => ChangeKind::Deleted,
            _ => ChangeKind::Updated,
        };
        let at = event
            .time
            .or(ticket.updated_at)
            .ok_or_else(|| Error::decode(SERVICE, "a ticket event has no time"))?;
        Ok(vec![Change::new(
            kind,
            "ticket",
            id.to_string(),
            at,
            ticket,
        )])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn checkpoints() -> impl Strategy<Value = FeedCheckpoint> {
        (
            prop::sample::select(vec![TICKETS_FEED, USERS_FEED, "stripe.events", ""]),
            prop::option::of(prop_oneof![
                "[ -~]{0,40}",
                ".{0,8}",
                "[A-Za-z0-9+/=]{1,2000}"
            ]),
            prop::option::of(prop_oneof![
                1_600_000_000i64..1_800_000_000,
                -100_000_000_000i64..100_000_000_000
            ]),
            prop_oneof![
                prop::collection::vec("[0-9]{1,19}", 0..10),
                prop::collection::vec(prop_oneof!["[0-9]{1,20}", ".{0,6}"], 0..1_200),
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

        /// Any checkpoint is refused with a `Config` error or gives a position Zendesk
        /// accepts: a bounded printable cursor without seen ids, or a past start time
        /// with at most MAX_CHECKPOINT_SEEN ids.
        #[test]
        fn a_checkpoint_is_refused_or_resumes_within_bounds(c in checkpoints()) {
            match start_position(&c, TICKETS_FEED) {
                Err(e) => prop_assert_eq!(e.kind(), atom_core::ErrorKind::Config),
                Ok(p) => {
                    prop_assert_eq!(c.feed.as_str(), TICKETS_FEED);
                    if let Some(cursor) = &p.cursor {
                        prop_assert!(!cursor.is_empty() && cursor.len() <= MAX_CURSOR_LEN);
                        prop_assert!(p.skip.is_empty() && p.time.is_none());
                    } else {
                        let t = p.time.unwrap();
                        prop_assert!(t >= 0 && t <= Utc::now().timestamp() - 60);
                        prop_assert!(p.skip.len() <= MAX_CHECKPOINT_SEEN);
                    }
                }
            }
        }

        /// Any ticket event detail reads as a ticket or is a `Decode` error.
        #[test]
        fn any_event_detail_reads_or_is_a_decode_error(
            keys in prop::collection::vec(prop::sample::select(vec![
                "id", "status", "priority", "type", "requester_id", "tags", "via",
                "created_at", "updated_at", "subject",
            ]), 0..8),
            values in prop::collection::vec(prop_oneof![
                Just(Value::Null),
                any::<i64>().prop_map(Value::from),
                ".{0,12}".prop_map(Value::from),
                Just(serde_json::json!({"channel": "web"})),
                Just(serde_json::json!(["a", 1])),
            ], 8),
        ) {
            let detail: serde_json::Map<String, Value> = keys
                .iter()
                .zip(values)
                .map(|(k, v)| ((*k).to_owned(), v))
                .collect();
            let event = ZendeskEvent {
                event_type: "zen:event-type:ticket.updated".into(),
                id: None,
                subject: Some("zen:ticket:1".into()),
                time: None,
                account_id: None,
                zendesk_event_version: None,
                detail: Value::Object(detail),
                event: Value::Null,
            };
            match detail_ticket(&event, 1) {
                Ok(ticket) => prop_assert_eq!(ticket.id, 1),
                Err(e) => prop_assert_eq!(e.kind(), atom_core::ErrorKind::Decode),
            }
        }
    }
}
