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
//!   [`ErrorKind::FeedGap`](atom_core::ErrorKind::FeedGap) error carrying a [`FeedGap`](atom_core::feed::FeedGap):
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

use std::sync::Arc;
use std::time::Duration;

use atom_core::feed::{Change, ChangeFeed, ChangeKind, ChangeSource, FeedCheckpoint, FeedPosition};
use atom_core::{Error, Result};
use chrono::Utc;
use serde_json::Value;

use crate::models::SObject;
use crate::validate::{field_path, identifier};
use crate::webhook::OutboundMessage;
use crate::{Client, Record, SERVICE};

mod walk;

use walk::{After, Position, Walk, chrono_duration, horizon, kind_of, time_field, whole_second};

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
            position: FeedPosition::default(),
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
    let position = walk.position.clone();
    let walk = Arc::new(walk);
    ChangeFeed::walk(
        SERVICE,
        checkpoint,
        Some(cursor),
        walk,
        |walk, cursor| async move { walk.fetch::<T>(cursor).await },
    )
    .with_position(position)
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
                let fields = Value::Object(record.fields.to_map());
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
