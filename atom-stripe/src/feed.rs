//! The events feed: Stripe's events list (`GET /v1/events`) as an
//! [`atom_core::feed::ChangeFeed`], oldest first, resumable from a saved checkpoint.
//!
//! # How it walks
//!
//! Stripe lists events newest first. The feed yields them oldest first:
//!
//! 1. **Start** ([`Events::feed`](crate::Events::feed) with [`FeedStart::Since`] a time, or [`FeedStart::Now`]):
//!    one request (`limit=1&created[lt]=<start>`) finds the newest event older than the
//!    start, the *anchor*. When there is none (every kept event is newer), the feed walks
//!    the window `created[gte]=<start>` with `starting_after` to its oldest page instead,
//!    keeping the pages it passes (up to 16 MiB of bodies) to yield them on the way forward
//!    without asking again; pages beyond that are asked for again, one request each.
//! 2. **Forward**: `ending_before=<id>` returns the page of events just newer than `<id>`;
//!    the feed reverses it, yields it, and asks again with the newest id of that page, until
//!    Stripe says there is no more (`has_more: false`). The feed then ends; run it again
//!    from its checkpoint to poll.
//!
//! Every request goes through the client's own path (its account, limits, retries), and
//! the pages through [`atom_core::Paginator`] (prefetch, page cap, repeated-cursor stop).
//!
//! # Checkpoints and guarantees
//!
//! Each [`Change`] carries `FeedCheckpoint { feed: "stripe.events", cursor: <event id>,
//! at: <event created> }`; resume with [`Events::feed_from`](crate::Events::feed_from). Stripe's events list is one
//! total order, so the feed keeps it: every event after the checkpoint, in Stripe's order,
//! at least once (see [`atom_core::feed`]). Keep one checkpoint per connected account
//! (`Stripe-Account`) and per filter: resuming with other `types` than the checkpoint was
//! made with is not supported.
//!
//! When the walk reaches the end and the list has been quiet for a minute, the feed's
//! [`ChangeFeed::checkpoint`](atom_core::feed::ChangeFeed::checkpoint) becomes `{ at: now -
//! 1 min }` (resumed like a start time), so a feed with no change for longer than Stripe
//! keeps events still resumes without a gap; save it at the end of a run.
//!
//! # Limits
//!
//! * Stripe keeps events for **30 days** ([`EVENT_RETENTION`]). A checkpoint or a start
//!   time older than that, or a checkpoint event Stripe no longer has (`resource_missing`),
//!   ends the feed with an [`ErrorKind::FeedGap`](atom_core::ErrorKind::FeedGap) error and
//!   a [`FeedGap`] detail: changes were lost, and the caller resynchronises (lists the
//!   objects) before starting a new feed. Poll well within 30 days.
//! * The list shows the object as it is *now* for some expansions, and as it was at the
//!   event for `data.object`; handlers that need the current state get the object.
//! * An event Stripe makes visible in its list after a later one was already listed would
//!   sort before the checkpoint and be missed; Stripe documents no such delay, and services
//!   that also take webhooks see it there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use atom_core::feed::{
    Change, ChangeFeed, ChangeKind, ChangeSource, FeedCheckpoint, FeedGap, FeedPosition,
    settled_before,
};
use atom_core::{Error, Page, Request, Result};
use chrono::{DateTime, Utc};

use crate::models::{Event, List};
use crate::{Client, RequestOptions, SERVICE};

/// The name of the events feed in its checkpoints.
pub const EVENTS_FEED: &str = "stripe.events";

/// How long Stripe keeps events (30 days): older changes cannot be replayed.
pub const EVENT_RETENTION: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Where a new feed starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FeedStart {
    /// With the events made from now on.
    Now,
    /// With every event created at or after this time (at most [`EVENT_RETENTION`] ago).
    Since(DateTime<Utc>),
}

/// Filters and page size of the events feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventFeedParams {
    /// Only these event types (up to 20, `payment_intent.succeeded`); empty: every type.
    pub types: Vec<String>,
    /// Events per request, 1 to 100 (default 100).
    pub limit: Option<u32>,
}

impl EventFeedParams {
    /// Every event type, 100 a page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an event type to follow.
    pub fn event_type(mut self, event_type: impl Into<String>) -> Self {
        self.types.push(event_type.into());
        self
    }

    /// Events per request (1 to 100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }
}

impl Event {
    /// The change this event reports, without a checkpoint: `*.created` is a creation,
    /// `*.deleted` a deletion, every other type an update of the event's object
    /// (`payment_intent.succeeded`). An object without an id (the balance) is named by its
    /// type, its only instance in an account.
    pub fn into_change(self) -> Change<Event> {
        let event_type = self.event_type.as_str();
        let kind = if event_type.ends_with(".created") {
            ChangeKind::Created
        } else if event_type.ends_with(".deleted") {
            ChangeKind::Deleted
        } else {
            ChangeKind::Updated
        };
        let object = &self.data.object;
        let object_type = object.object_type().to_owned();
        let object_id = object.id().unwrap_or(&object_type).to_owned();
        let at = self.created;
        Change::new(kind, object_type, object_id, at, self)
    }
}

/// A webhook event is one change, the same the events feed yields for it
/// (`atom_core::feed::changes_from_webhook(&webhook, headers, body)`).
impl ChangeSource for Event {
    type Object = Event;

    fn into_changes(self) -> Result<Vec<Change<Event>>> {
        Ok(vec![self.into_change()])
    }
}

/// The checkpoint to save after handling `event`.
pub fn checkpoint_of(event: &Event) -> FeedCheckpoint {
    FeedCheckpoint::new(EVENTS_FEED)
        .with_cursor(event.id.clone())
        .with_at(event.created)
}

fn horizon() -> DateTime<Utc> {
    let retention = chrono::Duration::from_std(EVENT_RETENTION).unwrap_or(chrono::Duration::MAX);
    Utc::now()
        .checked_sub_signed(retention)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// What every request of one feed shares.
struct Walk {
    client: Client,
    options: RequestOptions,
    types: Vec<String>,
    limit: String,
    /// The start time of a feed that starts by time (`created[lt]` / `created[gte]`).
    since: Option<i64>,
    /// Where the caller resumes from, for the gap report.
    resume_from: Option<DateTime<Utc>>,
    /// Pages read while walking the window back to its oldest page, kept to be yielded on
    /// the way forward instead of being asked for again.
    stash: Mutex<Stash>,
    /// The newest event time handed out (or resumed from).
    newest: Mutex<Option<DateTime<Utc>>>,
    /// Where the feed stands when it ends (see [`Walk::forward`]).
    position: FeedPosition,
}

/// How long the events list must have been quiet before the feed's end moves its
/// checkpoint to a time: an event made visible later than this after its creation, and
/// before a later one, could be missed by a resume from that time.
const QUIET: Duration = Duration::from_secs(60);

/// Most bytes of response bodies the window walk keeps for the way forward; pages beyond
/// it are asked for again (one request each) rather than held.
const MAX_STASH_BYTES: usize = 16 * 1024 * 1024;

/// The pages of a window walk, each keyed by the id of the newest event just older than
/// it: the `after:` cursor that asks for it on the way forward.
#[derive(Default)]
struct Stash {
    pages: HashMap<String, List<Event>>,
    /// The page read last, waiting for the next older page to know its key.
    newer: Option<(List<Event>, usize)>,
    bytes: usize,
}

impl Stash {
    /// Takes a page read on the way back (`bytes` long) that has older pages after it.
    fn hold(&mut self, page: List<Event>, bytes: usize) {
        self.key_newer(&page);
        self.newer = Some((page, bytes));
    }

    /// The oldest page was read: the page before it now has its key.
    fn hold_last(&mut self, page: &List<Event>) {
        self.key_newer(page);
    }

    /// Keys the page read before `older` by the newest event of `older`.
    fn key_newer(&mut self, older: &List<Event>) {
        if let (Some((newer, bytes)), Some(key)) = (self.newer.take(), older.data.first())
            && self.bytes.saturating_add(bytes) <= MAX_STASH_BYTES
        {
            self.bytes += bytes;
            self.pages.insert(key.id.clone(), newer);
        }
    }

    /// The page that comes after the event `after`, if the walk kept it.
    fn take(&mut self, after: &str) -> Option<List<Event>> {
        self.pages.remove(after)
    }
}

const SCAN: &str = "scan:";
const AFTER: &str = "after:";
/// Like `after:`, for the anchor found at the start: when Stripe has dropped it since (it
/// was the oldest event kept), the start is still within what Stripe keeps, so the feed
/// walks the window instead of reporting a gap.
const ANCHOR: &str = "anchor:";

impl Walk {
    async fn list(&self, params: &[(&str, &str)]) -> Result<List<Event>> {
        Ok(self.list_sized(params).await?.0)
    }

    /// A page of events just newer than `after`, as changes.
    async fn after(&self, after: &str) -> Result<Page<Change<Event>>> {
        let (page, _, settled) = self.list_sized(&[("ending_before", after)]).await?;
        self.forward(page, settled)
    }

    /// A page, the length of its body, and when Stripe's list was settled at its answer.
    async fn list_sized(
        &self,
        params: &[(&str, &str)],
    ) -> Result<(List<Event>, usize, DateTime<Utc>)> {
        let mut request = Request::get("/v1/events")
            .operation("events.feed")
            .path_template("/v1/events")
            .query("limit", self.limit.clone());
        for (k, v) in params {
            request = request.query(*k, *v);
        }
        for t in &self.types {
            request = request.query("types[]", t.clone());
        }
        let response = self.client.send_with(request, &self.options).await?;
        let settled = settled_before(&response.headers, QUIET);
        Ok((response.json()?, response.body.len(), settled))
    }

    fn stash(&self) -> std::sync::MutexGuard<'_, Stash> {
        self.stash.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn since(&self) -> Result<String> {
        self.since
            .map(|s| s.to_string())
            .ok_or_else(|| Error::config(SERVICE, "the events feed has no start position"))
    }

    /// One step of the walk; the cursor says which (see the module docs).
    async fn fetch(&self, cursor: Option<String>) -> Result<Page<Change<Event>>> {
        let Some(cursor) = cursor else {
            // Find the anchor: the newest event older than the start.
            let since = self.since()?;
            let page = self.list(&[("created[lt]", &since)]).await?;
            let next = match page.data.first() {
                Some(anchor) => format!("{ANCHOR}{}", anchor.id),
                None => SCAN.to_owned(),
            };
            return Ok(Page::new(Vec::new(), Some(next)));
        };
        if let Some(after) = cursor.strip_prefix(SCAN) {
            // No anchor: walk the window newest first down to its oldest page.
            let since = self.since()?;
            let mut params = vec![("created[gte]", since.as_str())];
            if !after.is_empty() {
                params.push(("starting_after", after));
            }
            let (page, bytes, _) = self.list_sized(&params).await?;
            if page.has_more {
                let last = page.data.last().ok_or_else(more_but_empty)?.id.clone();
                self.stash().hold(page, bytes);
                return Ok(Page::new(Vec::new(), Some(format!("{SCAN}{last}"))));
            }
            self.stash().hold_last(&page);
            let next = page.data.first().map(|e| format!("{AFTER}{}", e.id));
            return oldest_first(page.data, next);
        }
        if let Some(anchor) = cursor.strip_prefix(ANCHOR) {
            return match self.after(anchor).await {
                Ok(page) => Ok(page),
                Err(e) if is_missing(&e) => Ok(Page::new(Vec::new(), Some(SCAN.to_owned()))),
                Err(e) => Err(e),
            };
        }
        let Some(after) = cursor.strip_prefix(AFTER) else {
            return Err(Error::decode(SERVICE, "the events feed lost its position"));
        };
        if let Some(page) = self.stash().take(after) {
            // Kept from the window walk; newer events (made since) come by asking after it.
            let newest = page.data.first().map(|e| format!("{AFTER}{}", e.id));
            return oldest_first(page.data, newest);
        }
        self.after(after).await.map_err(|e| self.gap_if_missing(e))
    }

    /// A page of the events just newer than a cursor, as changes, and the next cursor. On
    /// the last page, a list quiet for [`QUIET`] (by Stripe's clock) moves the feed's
    /// position to that time, so a feed with no change for longer than Stripe keeps events
    /// can still resume.
    fn forward(&self, page: List<Event>, settled: DateTime<Utc>) -> Result<Page<Change<Event>>> {
        let newest = page.data.first().map(|e| e.created);
        let mut seen = self.newest.lock().unwrap_or_else(PoisonError::into_inner);
        *seen = (*seen).max(newest);
        if page.has_more {
            let newest = page.data.first().ok_or_else(more_but_empty)?;
            let next = Some(format!("{AFTER}{}", newest.id));
            return oldest_first(page.data, next);
        }
        if seen.is_none_or(|t| t < settled) {
            self.position
                .advance(FeedCheckpoint::new(EVENTS_FEED).with_at(settled));
        }
        oldest_first(page.data, None)
    }

    /// Stripe no longer has the event the feed resumes after: a gap, not a bad request.
    fn gap_if_missing(&self, error: Error) -> Error {
        if is_missing(&error) {
            FeedGap::new(EVENTS_FEED, self.resume_from, Some(horizon())).into_error(SERVICE)
        } else {
            error
        }
    }
}

fn is_missing(error: &Error) -> bool {
    error.provider_code() == Some("resource_missing")
}

fn more_but_empty() -> Error {
    Error::decode(
        SERVICE,
        "an events page says there is more but holds no events",
    )
}

/// A page of events (newest first, as Stripe sends them) as changes, oldest first.
fn oldest_first(events: Vec<Event>, next: Option<String>) -> Result<Page<Change<Event>>> {
    let changes = events
        .into_iter()
        .rev()
        .map(|event| {
            let checkpoint = checkpoint_of(&event);
            event.into_change().with_checkpoint(checkpoint)
        })
        .collect();
    Ok(Page::new(changes, next))
}

fn check_params(params: &EventFeedParams) -> Result<String> {
    let limit = params.limit.unwrap_or(100);
    if !(1..=100).contains(&limit) {
        return Err(Error::config(
            SERVICE,
            "the events feed limit must be 1 to 100",
        ));
    }
    if params.types.len() > 20 {
        return Err(Error::config(
            SERVICE,
            "the events feed takes at most 20 types",
        ));
    }
    Ok(limit.to_string())
}

/// The feed of [`Events::feed`](crate::Events::feed)(crate::Events::feed) and
/// [`Events::feed_from`](crate::Events::feed_from)(crate::Events::feed_from), on `client` with `options`.
pub(crate) fn events_feed(
    client: &Client,
    options: &RequestOptions,
    params: &EventFeedParams,
    checkpoint: &FeedCheckpoint,
) -> ChangeFeed<Event> {
    let limit = match check_params(params)
        .and_then(|limit| checkpoint.check_feed(SERVICE, EVENTS_FEED).map(|()| limit))
    {
        Ok(limit) => limit,
        Err(e) => return ChangeFeed::failed(e),
    };
    if let Some(at) = checkpoint.at
        && at < horizon()
    {
        let gap = FeedGap::new(EVENTS_FEED, Some(at), Some(horizon()));
        return ChangeFeed::failed(gap.into_error(SERVICE));
    }
    let cursor = match (&checkpoint.cursor, checkpoint.at) {
        (Some(id), _) if !id.trim().is_empty() => Some(format!("{AFTER}{id}")),
        (None, Some(_)) => None,
        _ => {
            return ChangeFeed::failed(Error::config(
                SERVICE,
                "the checkpoint names neither an event nor a start time",
            ));
        }
    };
    let position = FeedPosition::default();
    let walk = Arc::new(Walk {
        client: client.clone(),
        options: options.clone(),
        types: params.types.clone(),
        limit,
        since: checkpoint.at.map(|at| at.timestamp()),
        resume_from: checkpoint.at,
        stash: Mutex::new(Stash::default()),
        newest: Mutex::new(checkpoint.at),
        position: position.clone(),
    });
    ChangeFeed::walk(
        SERVICE,
        checkpoint,
        cursor,
        walk,
        |walk, cursor| async move { walk.fetch(cursor).await },
    )
    .with_position(position)
}
