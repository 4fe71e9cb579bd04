//! The repository events feed: `GET /repos/{owner}/{repo}/events` as an
//! [`atom_core::feed::ChangeFeed`], oldest first, resumable from the last event handed out.
//!
//! # How it walks
//!
//! The events list offers no `since`: GitHub serves a repository's timeline newest first,
//! at most [`MAX_EVENTS`] (300) events and only those of the last 90 days
//! ([`EVENT_RETENTION`]), `per_page` up to 100, with `Link: rel="next"` paging. The feed
//! walks it newest first back to the checkpoint's event (or, from a start time, to the
//! first event older than that time), holding at most those 300 events, then yields them
//! oldest first. Every request goes through the client's own path (limits, retries, the
//! secondary-limit handling) and the walk through [`atom_core::Paginator`].
//!
//! # Checkpoints and guarantees
//!
//! Each [`Change`] carries `FeedCheckpoint { feed: "github.repo_events", cursor: <event
//! id>, at: <event created_at> }`; resume with [`RepoEvents::feed_from`]. The timeline is
//! one order, and the feed keeps it: an **event log** (every event, not the latest state),
//! every event after the checkpoint at least once, in GitHub's order. The change names the
//! object the event is about: an issue or pull request by number (`IssuesEvent`,
//! `IssueCommentEvent`, `PullRequest*Event`), a ref (`PushEvent`: `ref`; `CreateEvent`,
//! `DeleteEvent`: `branch` / `tag`), a release by id, else the repository by name. `kind`
//! is `Created` for `CreateEvent`, `ForkEvent` and actions `opened` / `created` /
//! `published` / `added`, `Deleted` for `DeleteEvent` and actions `deleted` / `removed`,
//! else `Updated`. Keep one checkpoint per repository.
//!
//! # Limits (the horizon)
//!
//! * A checkpoint (or start time) older than 90 days is a [`FeedGap`] error before any
//!   request. A checkpoint whose event GitHub no longer serves (pushed out by 300 later
//!   events, or aged out) is a `FeedGap` error once the walk has read all GitHub serves
//!   without finding it or an older event; so is a start time older than the oldest of
//!   300 events served. A walk that reads to its end with no event in the last
//!   [`SETTLE`] (6 hours, GitHub's longest event latency) before GitHub's `Date` moves the
//!   feed's checkpoint to that time, so a repository quiet for 90 days still resumes
//!   without a gap. The error comes instead of any change: resynchronise (list the
//!   issues, pulls, refs you follow) and start a new feed. Poll a busy repository often.
//! * GitHub: "This API is not built to serve real-time use cases. Depending on the time of
//!   day, event latency can be anywhere from 30s to 6h." An event that shows up in the
//!   timeline after a later one was handed out is missed; services that need every
//!   change also take webhooks.
//! * GitHub asks clients to wait `X-Poll-Interval` seconds between polls (60 on
//!   api.github.com): the feed reports it through [`PollInterval`]; wait that long before
//!   running the feed again. With the client's ETag cache on
//!   ([`ClientBuilder::etag_cache`](crate::ClientBuilder::etag_cache)) an unchanged first
//!   page is a `304 Not Modified`, which does not count against the rate limit.
//!
//! # Webhooks
//!
//! The crate's [`Delivery`](crate::webhook::Delivery) is already the issues feed's change
//! source (`Change<Issue>`), and a type has one `ChangeSource`. For this feed, verify with
//! [`RepoEventsWebhook`] instead: its deliveries become `Change<RepoEvent>`s named as this
//! feed names them (see [`crate::events_webhook`]).
//!
//! ```no_run
//! # async fn demo(github: atom_github::Client) -> atom_core::Result<()> {
//! use atom_core::{CheckpointKey, CheckpointStore, FileCheckpointStore};
//! use atom_github::events_feed::{EVENTS_FEED, EventFeedParams, PollInterval};
//! use futures::TryStreamExt as _;
//! let store = FileCheckpointStore::new("checkpoints")?;
//! let key = CheckpointKey::new(format!("{EVENTS_FEED}/octocat/hello-world"), "audit");
//! let events = github.repo_events("octocat", "hello-world");
//! let poll = PollInterval::default();
//! let params = EventFeedParams::new().poll_interval(poll.clone());
//! let (mut feed, mut version) = match store.load(&key).await? {
//!     Some(saved) => (events.feed_from(&params, &saved.checkpoint), saved.version),
//!     None => {
//!         let feed = events.feed(&params, chrono::Utc::now());
//!         let mut version = 0;
//!         if let Some(start) = feed.checkpoint() {
//!             version = store.save(&key, start, Some(0)).await?;
//!         }
//!         (feed, version)
//!     }
//! };
//! while let Some(change) = feed.try_next().await? {
//!     println!("{} {} {}", change.object.event_type.as_deref().unwrap_or("?"), change.object_type, change.object_id);
//!     if let Some(checkpoint) = &change.checkpoint {
//!         version = store.save(&key, checkpoint, Some(version)).await?;
//!     }
//! }
//! let wait = poll.get().unwrap_or(std::time::Duration::from_secs(60));
//! # let _ = wait; Ok(()) }
//! ```

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use atom_core::feed::{
    Change, ChangeFeed, ChangeKind, FeedCheckpoint, FeedGap, FeedPosition, settled_before,
};
use atom_core::{Error, Page, Request, Result};
use chrono::{DateTime, Timelike as _, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::Client;
use crate::error::SERVICE;
use crate::models::RepoEvent;
use crate::pagination::{MAX_PER_PAGE, next_link};
use crate::path;

pub use crate::events_webhook::RepoEventsWebhook;

/// The name of the repository events feed in its checkpoints.
pub const EVENTS_FEED: &str = "github.repo_events";

/// How long GitHub keeps events in a repository's timeline (90 days).
pub const EVENT_RETENTION: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// The most events GitHub serves of a timeline.
pub const MAX_EVENTS: usize = 300;

const TEMPLATE: &str = "/repos/{owner}/{repo}/events";

/// How long before GitHub's clock the end of a quiet walk puts the feed's position: the
/// documented longest event latency, so an event still on its way falls after it.
pub const SETTLE: Duration = Duration::from_secs(6 * 60 * 60);

/// How far in the future a checkpoint's time may be (clock skew) before it is refused.
const FUTURE_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// The `X-Poll-Interval` GitHub sent with the feed's first page: how long to wait before
/// polling again. Clones share the value.
#[derive(Debug, Clone, Default)]
pub struct PollInterval(Arc<Mutex<Option<Duration>>>);

impl PollInterval {
    /// The interval last reported, if any.
    pub fn get(&self) -> Option<Duration> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, interval: Duration) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(interval);
    }
}

/// Page size of the events feed, and where to report the poll interval.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct EventFeedParams {
    /// Events per request, 1 to 100 (default 100).
    pub per_page: Option<u8>,
    /// Where to report `X-Poll-Interval`.
    pub poll_interval: Option<PollInterval>,
}

impl EventFeedParams {
    /// 100 a page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Events per request (1 to 100).
    pub fn per_page(mut self, per_page: u8) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Reports GitHub's `X-Poll-Interval` into `interval`.
    pub fn poll_interval(mut self, interval: PollInterval) -> Self {
        self.poll_interval = Some(interval);
        self
    }
}

/// A repository's events; from [`Client::repo_events`].
#[derive(Debug, Clone)]
pub struct RepoEvents {
    client: Client,
    base: Result<String>,
}

impl Client {
    /// The events of `owner/repo` (an invalid name fails the feed with `Config`).
    pub fn repo_events(&self, owner: &str, repo: &str) -> RepoEvents {
        RepoEvents {
            client: self.clone(),
            base: path::repo(owner, repo),
        }
    }
}

impl RepoEvents {
    /// A feed of the repository's events created at or after `since` (at most 90 days
    /// ago), oldest first, each a [`Change`] with the checkpoint to save once it is handled
    /// (see [the module docs](self)).
    pub fn feed(&self, params: &EventFeedParams, since: DateTime<Utc>) -> ChangeFeed<RepoEvent> {
        self.feed_from(params, &FeedCheckpoint::new(EVENTS_FEED).with_at(since))
    }

    /// [`feed`](Self::feed) resumed from a checkpoint one of its changes carried (or the
    /// start checkpoint). A checkpoint of another feed, without a time, with a time in the
    /// future or a cursor that is not an event id is a `Config` error; one older than 90
    /// days a `FeedGap` error; both before any request.
    pub fn feed_from(
        &self,
        params: &EventFeedParams,
        checkpoint: &FeedCheckpoint,
    ) -> ChangeFeed<RepoEvent> {
        events_feed(self, params, checkpoint)
    }
}

/// The checkpoint to save after handling `event` (`None` without `created_at`).
pub fn checkpoint_of(event: &RepoEvent) -> Option<FeedCheckpoint> {
    event.created_at.map(|at| {
        FeedCheckpoint::new(EVENTS_FEED)
            .with_cursor(event.id.clone())
            .with_at(at)
    })
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl RepoEvent {
    /// The change this event reports, without a checkpoint (see the module docs for the
    /// kind and the object named); a `Decode` error without `created_at`.
    pub fn into_change(self) -> Result<Change<RepoEvent>> {
        let at = self.created_at.ok_or_else(|| {
            Error::decode(SERVICE, format!("event {} has no created_at", self.id))
        })?;
        let event_type = self.event_type.clone().unwrap_or_default();
        let payload = &self.payload;
        let action = payload.get("action").and_then(Value::as_str).unwrap_or("");
        let kind = match (event_type.as_str(), action) {
            ("CreateEvent" | "ForkEvent", _) => ChangeKind::Created,
            ("DeleteEvent", _) => ChangeKind::Deleted,
            (_, "opened" | "created" | "published" | "added") => ChangeKind::Created,
            (_, "deleted" | "removed") => ChangeKind::Deleted,
            _ => ChangeKind::Updated,
        };
        let field = |path: &[&str]| {
            path.iter()
                .try_fold(payload, |v, k| v.get(*k))
                .and_then(text)
        };
        let repo = self
            .repo
            .as_ref()
            .map(|r| r.name.clone())
            .unwrap_or_default();
        let (object_type, object_id) = match event_type.as_str() {
            "IssuesEvent" | "IssueCommentEvent" => {
                let is_pull = payload
                    .get("issue")
                    .and_then(|i| i.get("pull_request"))
                    .is_some_and(|p| !p.is_null());
                let kind = if is_pull { "pull_request" } else { "issue" };
                (kind, field(&["issue", "number"]))
            }
            "PullRequestEvent" | "PullRequestReviewEvent" | "PullRequestReviewCommentEvent" => (
                "pull_request",
                field(&["number"]).or_else(|| field(&["pull_request", "number"])),
            ),
            "PushEvent" => ("ref", field(&["ref"])),
            "CreateEvent" | "DeleteEvent" => match field(&["ref_type"]).as_deref() {
                Some("branch") => ("branch", field(&["ref"])),
                Some("tag") => ("tag", field(&["ref"])),
                _ => ("repository", None),
            },
            "ReleaseEvent" => ("release", field(&["release", "id"])),
            _ => ("repository", None),
        };
        let (object_type, object_id) = match object_id {
            Some(id) => (object_type, id),
            None => ("repository", repo),
        };
        Ok(Change::new(kind, object_type, object_id, at, self))
    }
}

/// One step of the walk: the page to read (`url` from the previous page's `Link`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Step {
    page: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

struct Walk {
    client: Client,
    base: String,
    per_page: u8,
    /// The checkpoint's event id, when resuming after an event.
    after: Option<String>,
    /// The checkpoint's (or start) time: events older than this are behind the position.
    since: DateTime<Utc>,
    /// Where the caller resumes from, for the gap report.
    resume_from: DateTime<Utc>,
    poll: Option<PollInterval>,
    /// The events newer than the position, one list per page read (newest first).
    pages: Mutex<Vec<Vec<RepoEvent>>>,
    /// Events served so far, per page (to tell the 300 horizon).
    served: Mutex<Vec<usize>>,
    /// Where the walk stands once it has handed everything out.
    position: FeedPosition,
}

fn horizon() -> DateTime<Utc> {
    let retention = chrono::Duration::from_std(EVENT_RETENTION).unwrap_or(chrono::Duration::MAX);
    Utc::now()
        .checked_sub_signed(retention)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl Walk {
    /// The most pages the walk reads: 300 events' worth, and one more for a short page.
    fn max_pages(&self) -> usize {
        MAX_EVENTS.div_ceil(usize::from(self.per_page)) + 1
    }

    fn gap(&self, oldest: Option<DateTime<Utc>>) -> Error {
        let horizon = oldest.map_or_else(horizon, |o| o.max(horizon()));
        FeedGap::new(EVENTS_FEED, Some(self.resume_from), Some(horizon)).into_error(SERVICE)
    }

    async fn fetch(&self, cursor: Option<String>) -> Result<Page<Change<RepoEvent>>> {
        let step: Step = cursor
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .ok_or_else(|| Error::decode(SERVICE, "the events feed lost its position"))?;
        let request = match &step.url {
            Some(url) => Request::get(url.clone()),
            None => Request::get(format!("{}/events", self.base))
                .query("per_page", self.per_page.to_string()),
        }
        .operation("activity.list_repo_events")
        .path_template(TEMPLATE);
        let response = self.client.send(request).await?;
        if step.page == 0
            && let Some(poll) = &self.poll
            && let Some(seconds) = response
                .header("x-poll-interval")
                .and_then(|v| v.trim().parse::<u64>().ok())
        {
            poll.set(Duration::from_secs(seconds.min(3_600)));
        }
        let events: Vec<RepoEvent> = response.json()?;
        let link = next_link(response.header("link"))?;
        let served_here = events.len();
        let mut reached = false;
        let mut newer = Vec::with_capacity(events.len());
        let mut oldest = None;
        for event in events {
            let at = event.created_at.ok_or_else(|| {
                Error::decode(SERVICE, format!("event {} has no created_at", event.id))
            })?;
            oldest = Some(at);
            if self.after.as_deref() == Some(event.id.as_str()) || at < self.since {
                reached = true;
                break;
            }
            newer.push(event);
        }
        let served = {
            let mut served = self.served.lock().unwrap_or_else(PoisonError::into_inner);
            served.truncate(step.page);
            served.push(served_here);
            served.iter().sum::<usize>()
        };
        let collected = {
            let mut pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
            // A page read again (after an error) replaces what it gave before.
            pages.truncate(step.page);
            pages.push(newer);
            if reached || link.is_none() || served >= MAX_EVENTS {
                Some(std::mem::take(&mut *pages))
            } else {
                None
            }
        };
        let Some(collected) = collected else {
            if step.page + 1 >= self.max_pages() {
                return Err(Error::decode(
                    SERVICE,
                    "GitHub served more event pages than its 300 events fill",
                ));
            }
            let next = Step {
                page: step.page + 1,
                url: link,
            };
            let next =
                serde_json::to_string(&next).map_err(|e| Error::decode(SERVICE, e.to_string()))?;
            return Ok(Page::new(Vec::new(), Some(next)));
        };
        // The whole timeline read without reaching the position: what lies between was
        // dropped (a start time: only when GitHub's 300 were all served).
        if !reached && (self.after.is_some() || served >= MAX_EVENTS || link.is_some()) {
            return Err(self.gap(oldest));
        }
        let mut changes = Vec::with_capacity(collected.iter().map(Vec::len).sum());
        for event in collected.into_iter().flatten().rev() {
            let checkpoint = checkpoint_of(&event);
            let mut change = event.into_change()?;
            change.checkpoint = checkpoint;
            changes.push(change);
        }
        let newest = changes.last().map_or(self.since, |c| c.at);
        let settled = settled_before(&response.headers, SETTLE);
        if newest < settled {
            self.position
                .advance(FeedCheckpoint::new(EVENTS_FEED).with_at(settled));
        }
        Ok(Page::new(changes, None))
    }
}

fn start(
    events: &RepoEvents,
    params: &EventFeedParams,
    checkpoint: &FeedCheckpoint,
) -> Result<Walk> {
    let base = events.base.clone()?;
    checkpoint.check_feed(SERVICE, EVENTS_FEED)?;
    let per_page = params.per_page.unwrap_or(MAX_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(Error::config(
            SERVICE,
            "the events feed per_page must be 1 to 100",
        ));
    }
    let since = checkpoint.at.ok_or_else(|| {
        Error::config(
            SERVICE,
            "the events feed checkpoint has no time to resume from",
        )
    })?;
    let resume_from = since;
    // GitHub times are whole seconds: an event created in the start's second counts.
    let since = since.with_nanosecond(0).unwrap_or(since);
    if since > Utc::now() + FUTURE_SKEW {
        return Err(Error::config(
            SERVICE,
            "the events feed checkpoint's time is in the future",
        ));
    }
    let after = match checkpoint.cursor.as_deref() {
        None => None,
        Some(id) if !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) => {
            Some(id.to_owned())
        }
        Some(_) => {
            return Err(Error::config(
                SERVICE,
                "the events feed checkpoint's cursor is not an event id",
            ));
        }
    };
    if since < horizon() {
        let gap = FeedGap::new(EVENTS_FEED, Some(resume_from), Some(horizon()));
        return Err(gap.into_error(SERVICE));
    }
    Ok(Walk {
        client: events.client.clone(),
        base,
        per_page,
        after,
        since,
        resume_from,
        poll: params.poll_interval.clone(),
        pages: Mutex::default(),
        served: Mutex::default(),
        position: FeedPosition::default(),
    })
}

fn events_feed(
    events: &RepoEvents,
    params: &EventFeedParams,
    checkpoint: &FeedCheckpoint,
) -> ChangeFeed<RepoEvent> {
    let walk = match start(events, params, checkpoint) {
        Ok(walk) => Arc::new(walk),
        Err(e) => return ChangeFeed::failed(e),
    };
    let position = walk.position.clone();
    let first = serde_json::to_string(&Step { page: 0, url: None }).unwrap_or_default();
    ChangeFeed::walk(
        SERVICE,
        checkpoint,
        Some(first),
        walk,
        |walk, cursor| async move { walk.fetch(cursor).await },
    )
    .with_position(position)
}
