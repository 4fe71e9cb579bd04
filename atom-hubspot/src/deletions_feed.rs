//! The deletions feed: the records of one CRM object type archived (deleted) since a time,
//! read from the recycle bin (`GET /crm/v3/objects/{type}?archived=true`), as `Deleted`
//! changes, oldest archive first, resumable from a checkpoint.
//!
//! The records feed ([`crate::feed`]) cannot see deletions: HubSpot search does not return
//! archived records. This feed completes it. The archived list has no time filter and no
//! sort, so each run reads the whole recycle bin of the type (100 records a request,
//! through [`Objects::list`](crate::Objects::list): the client's path and the core
//! paginator), keeps the records archived at or after the position and before the run
//! started, and yields them by `archivedAt` (then id). A record archived while the run
//! reads may sit on a page already read; the run's end at its own start leaves it to the
//! next run instead of checkpointing past it.
//!
//! Each change carries `FeedCheckpoint { feed: "hubspot.deletions:<type>", at:
//! <archivedAt>, seen: <ids handed out at that millisecond> }`; resume with
//! [`Objects::deletions_feed_from`](crate::Objects::deletions_feed_from). The guarantee is
//! the records feed's (every deletion after the checkpoint at least once, in order).
//!
//! # Limits
//!
//! * HubSpot keeps archived records **90 days** ([`ARCHIVE_RETENTION`]); a checkpoint older
//!   than that is a `FeedGap` error before any request. A run that reads the bin to its end
//!   moves the feed's checkpoint to [`SETTLE`] before the run's start when no deletion came
//!   after that, so a type with no deletion for 90 days still resumes without a gap. (This
//!   trusts the local clock to within a few minutes of HubSpot's.) A record restored from the bin
//!   leaves it (and comes back in the records feed).
//! * Each run reads the whole bin: poll it less often than the records feed. At most
//!   [`MAX_DELETIONS`] deletions are held for one run; more is an error (start from a
//!   later time).

use std::sync::Arc;
use std::time::Duration;

use atom_core::feed::{Change, ChangeFeed, ChangeKind, FeedCheckpoint, FeedGap, FeedPosition};
use atom_core::{Error, Page, Result};
use chrono::{DateTime, Utc};
use futures::TryStreamExt as _;

use crate::SERVICE;
use crate::models::CrmObject;
use crate::objects::{ObjectListParams, Objects};
use crate::pagination::MAX_LIST_LIMIT;

/// The prefix of the deletions feeds' names ([`deletions_feed_name`]).
pub const DELETIONS_FEED: &str = "hubspot.deletions";

/// How long HubSpot keeps archived records in the recycle bin (90 days).
pub const ARCHIVE_RETENTION: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// The most deletions one run holds before yielding them.
pub const MAX_DELETIONS: usize = 100_000;

/// How far before a run's start its end position is put: archives HubSpot has not listed
/// yet, and clock differences, fall after it.
pub const SETTLE: Duration = Duration::from_secs(5 * 60);

/// The most ids a checkpoint's `seen` may hold.
const MAX_SEEN: usize = 1_000;

/// The name of the deletions feed of `object_type` (`hubspot.deletions:deals`).
pub fn deletions_feed_name(object_type: &str) -> String {
    format!("{DELETIONS_FEED}:{object_type}")
}

fn horizon() -> DateTime<Utc> {
    let retention = chrono::Duration::from_std(ARCHIVE_RETENTION).unwrap_or(chrono::Duration::MAX);
    Utc::now()
        .checked_sub_signed(retention)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

struct Walk {
    objects: Objects,
    feed: String,
    properties: Vec<String>,
    since: DateTime<Utc>,
    seen: Vec<String>,
    /// The run's start: later archives are the next run's.
    until: DateTime<Utc>,
    /// Where the run stands once it has handed everything out.
    position: FeedPosition,
}

impl Walk {
    async fn fetch(&self) -> Result<Page<Change<CrmObject>>> {
        let params = ObjectListParams {
            limit: Some(MAX_LIST_LIMIT),
            properties: self.properties.clone(),
            archived: true,
            ..ObjectListParams::default()
        };
        let mut bin = self.objects.list(&params);
        let mut kept: Vec<(DateTime<Utc>, CrmObject)> = Vec::new();
        while let Some(record) = bin.try_next().await? {
            let Some(at) = record.archived_at else {
                continue;
            };
            let handed = at == self.since && self.seen.contains(&record.id);
            if at < self.since || at > self.until || handed {
                continue;
            }
            if kept.len() >= MAX_DELETIONS {
                return Err(Error::decode(
                    SERVICE,
                    format!("more than {MAX_DELETIONS} deletions in one run: start later"),
                ));
            }
            kept.push((at, record));
        }
        // By archive time, then by id as a number (HubSpot ids are numbers).
        kept.sort_by(|a, b| (a.0, a.1.id.len(), &a.1.id).cmp(&(b.0, b.1.id.len(), &b.1.id)));
        let (mut at, mut seen) = (self.since, self.seen.clone());
        let mut changes = Vec::with_capacity(kept.len());
        for (archived, record) in kept {
            if archived > at {
                at = archived;
                seen.clear();
            }
            seen.push(record.id.clone());
            let checkpoint = FeedCheckpoint::new(self.feed.clone())
                .with_at(archived)
                .with_seen(seen.clone());
            let id = record.id.clone();
            let change = Change::new(
                ChangeKind::Deleted,
                self.objects.object_type().to_owned(),
                id,
                archived,
                record,
            );
            changes.push(change.with_checkpoint(checkpoint));
        }
        let settle = chrono::Duration::from_std(SETTLE).unwrap_or(chrono::Duration::zero());
        let settled = self.until - settle;
        if at < settled {
            self.position
                .advance(FeedCheckpoint::new(self.feed.clone()).with_at(settled));
        }
        Ok(Page::new(changes, None))
    }
}

fn start(objects: &Objects, properties: &[String], checkpoint: &FeedCheckpoint) -> Result<Walk> {
    objects.base()?;
    let feed = deletions_feed_name(objects.object_type());
    checkpoint.check_feed(SERVICE, &feed)?;
    let refuse = |why: &str| Error::config(SERVICE, format!("{feed} checkpoint: {why}"));
    let since = checkpoint
        .at
        .ok_or_else(|| refuse("it has no time to resume from"))?;
    let now = Utc::now();
    if since > now + chrono::Duration::minutes(5) {
        return Err(refuse("its time is in the future"));
    }
    if checkpoint.seen.len() > MAX_SEEN {
        return Err(refuse(&format!("it lists more than {MAX_SEEN} seen ids")));
    }
    if checkpoint.cursor.is_some() {
        return Err(refuse("it has a cursor, which this feed never writes"));
    }
    if since < horizon() {
        let gap = FeedGap::new(feed, Some(since), Some(horizon()));
        return Err(gap.into_error(SERVICE));
    }
    crate::validate::property_names(properties)?;
    Ok(Walk {
        objects: objects.clone(),
        feed,
        properties: properties.to_vec(),
        since,
        seen: checkpoint.seen.clone(),
        until: now,
        position: FeedPosition::default(),
    })
}

impl Objects {
    /// A feed of the records of this type archived (deleted) at or after `since` (at most
    /// 90 days ago), oldest first, as `Deleted` changes with `properties` of each record
    /// (see [`crate::deletions_feed`]).
    pub fn deletions_feed(
        &self,
        properties: &[String],
        since: DateTime<Utc>,
    ) -> ChangeFeed<CrmObject> {
        let start = FeedCheckpoint::new(deletions_feed_name(self.object_type())).with_at(since);
        self.deletions_feed_from(properties, &start)
    }

    /// [`deletions_feed`](Self::deletions_feed) resumed from a checkpoint one of its
    /// changes carried (or its start checkpoint). A checkpoint of another feed or type,
    /// without a time or with one in the future is a `Config` error; one older than 90
    /// days a `FeedGap` error; both before any request.
    pub fn deletions_feed_from(
        &self,
        properties: &[String],
        checkpoint: &FeedCheckpoint,
    ) -> ChangeFeed<CrmObject> {
        let walk = match start(self, properties, checkpoint) {
            Ok(walk) => Arc::new(walk),
            Err(e) => return ChangeFeed::failed(e),
        };
        let position = walk.position.clone();
        ChangeFeed::walk(
            SERVICE,
            checkpoint,
            Some("bin".to_owned()),
            walk,
            |walk, _| async move { walk.fetch().await },
        )
        .with_position(position)
    }
}
