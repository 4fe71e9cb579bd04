//! Change feeds: one stream of changes per provider that resumes where it stopped.
//!
//! A provider crate turns its own change source (Stripe's events list, GitHub's `since`
//! lists, Salesforce's `getUpdated`, ...) into a [`ChangeFeed`] of [`Change`]s. Each change
//! carries the [`FeedCheckpoint`] to save *after* the change is handled; a
//! [`CheckpointStore`](crate::CheckpointStore) keeps it between runs with compare-and-swap
//! saves, and the provider's `feed_from(checkpoint)` resumes there.
//!
//! # The delivery guarantee
//!
//! For a feed started from a checkpoint `c` (the one a change `x` carried, or a start
//! position):
//!
//! * **Every later change, at least once.** Every change the provider recorded after `x`
//!   (after the start position), and still keeps, is yielded. A change may be yielded
//!   again: after a crash between handling a change and saving its checkpoint, the resumed
//!   feed yields it once more. Handlers must therefore be idempotent (upsert by the
//!   provider's id, an idempotency key from the change), which is what makes the guarantee
//!   "exactly once" in effect.
//! * **In order per object.** Two changes of one object come out in the order the provider
//!   made them. Feeds whose source is totally ordered (Stripe events) also keep the global
//!   order; each provider's feed documents which it gives.
//! * **Gaps are errors, never silent.** When the provider no longer keeps the changes after
//!   `c` (Stripe keeps events 30 days), the feed yields an [`ErrorKind::FeedGap`] error
//!   with a [`FeedGap`] detail and ends. The caller then resynchronises by listing the
//!   objects themselves and starts a new feed from a deliberate start position.
//! * **Save only after the work.** A checkpoint saved before its change was handled can
//!   lose that change on a crash; saved after, the worst case is a repeat. Never save the
//!   checkpoint of a change that failed.
//! * **Save the start too.** A feed started from a time (or "now") reports that start as
//!   its [`ChangeFeed::checkpoint`] before any change. Save it before the first change: a
//!   run that crashes before handling one then resumes from the start instead of from a
//!   later "now", which would skip what happened in between.
//! * **A transient error is not the end.** A page that fails after the client's retries
//!   yields the error; polling the feed again fetches the same page. An error no retry can
//!   fix ends the feed (as [`Paginator`] does).
//!
//! # Pushes and polling with one handler
//!
//! A verified webhook becomes the same [`Change`]s through [`changes_from_webhook`] (for any
//! delivery type implementing [`ChangeSource`]). A webhook change has **no checkpoint**:
//! deliveries arrive out of order and may be missed, so saving the position of a pushed
//! change could skip an earlier change not delivered yet. A service that takes pushes
//! keeps polling its feed (less often) and saves only the feed's checkpoints; its handler
//! sees each change at least once from either side and must be idempotent anyway.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt as _};
use serde::{Deserialize, Serialize};

use crate::webhook::WebhookVerifier;
use crate::{Error, ErrorKind, Paginator, Result};

/// What happened to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// The object was created.
    Created,
    /// The object changed (any change that is neither a creation nor a deletion, such as a
    /// Stripe `payment_intent.succeeded`).
    Updated,
    /// The object was deleted.
    Deleted,
}

impl ChangeKind {
    /// `created`, `updated` or `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Deleted => "deleted",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a feed stands after a change: save it once the change is handled, and resume
/// the feed from it. Serialisable; its JSON form is what the checkpoint stores keep.
///
/// The fields mean what the feed named by `feed` says; callers treat the value as opaque.
/// `feed` names the feed that wrote it (`stripe.events`), so a checkpoint handed to another
/// feed is refused instead of misread.
///
/// ```
/// use atom_core::feed::FeedCheckpoint;
/// let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
/// let c = FeedCheckpoint::new("stripe.events").with_cursor("evt_1").with_at(at);
/// let json = serde_json::to_string(&c).unwrap_or_default();
/// assert_eq!(FeedCheckpoint::from_json(json.as_bytes()).ok(), Some(c));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FeedCheckpoint {
    /// The feed that wrote it (`stripe.events`, `github.issues`).
    pub feed: String,
    /// The provider's position after the change (Stripe: the event id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// The time of the change, for feeds that resume by time (GitHub `since`), and to tell
    /// a checkpoint older than the provider keeps before any request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// Ids already handled at exactly `at`, for feeds whose time filter includes its bound
    /// (so the changes of that instant are not handed out again on every resume).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<String>,
}

/// A checkpoint larger than this is not a checkpoint: decoding refuses it.
pub const MAX_CHECKPOINT_BYTES: usize = 1024 * 1024;

impl FeedCheckpoint {
    /// The start of feed `feed`, with no position yet.
    pub fn new(feed: impl Into<String>) -> Self {
        Self {
            feed: feed.into(),
            ..Self::default()
        }
    }

    /// Sets the provider's cursor.
    pub fn with_cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Sets the time of the change.
    pub fn with_at(mut self, at: DateTime<Utc>) -> Self {
        self.at = Some(at);
        self
    }

    /// Sets the ids already handled at `at`.
    pub fn with_seen(mut self, seen: Vec<String>) -> Self {
        self.seen = seen;
        self
    }

    /// The JSON text of the checkpoint.
    pub fn to_json(&self) -> String {
        // Strings, a time and a list of strings: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a checkpoint from its JSON text. Damage is a `Decode` error that names the
    /// place (line, column), never a panic; more than [`MAX_CHECKPOINT_BYTES`] is refused.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_CHECKPOINT_BYTES {
            return Err(Error::decode(
                "atom",
                format!("a checkpoint is larger than {MAX_CHECKPOINT_BYTES} bytes"),
            ));
        }
        serde_json::from_slice(bytes).map_err(|e| {
            Error::decode(
                "atom",
                format!(
                    "not a feed checkpoint: line {} column {}",
                    e.line(),
                    e.column()
                ),
            )
        })
    }

    /// Refuses a checkpoint written by another feed (a `Config` error naming both).
    pub fn check_feed(&self, service: &'static str, feed: &str) -> Result<()> {
        if self.feed == feed {
            Ok(())
        } else {
            Err(Error::config(
                service,
                format!(
                    "this checkpoint belongs to feed {:?}, not {feed:?}",
                    self.feed
                ),
            ))
        }
    }
}

/// One change of one object, as a feed or a webhook reports it.
///
/// `object` is the provider's typed event or object (Stripe: the `Event`, whose
/// `data.object` is the typed object), or raw JSON for a feed that does not type it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Change<T> {
    /// Created, updated or deleted.
    pub kind: ChangeKind,
    /// The provider's type of the object (`payment_intent`, `issue`, `Account`).
    pub object_type: String,
    /// The provider's id of the object.
    pub object_id: String,
    /// When the provider made the change.
    pub at: DateTime<Utc>,
    /// The typed event or object, or its raw JSON.
    pub object: T,
    /// The checkpoint to save after handling this change; `None` for a change that came
    /// from a webhook (see the [module docs](self)).
    pub checkpoint: Option<FeedCheckpoint>,
}

impl<T> Change<T> {
    /// A change without a checkpoint (feeds add theirs with [`Change::with_checkpoint`]).
    pub fn new(
        kind: ChangeKind,
        object_type: impl Into<String>,
        object_id: impl Into<String>,
        at: DateTime<Utc>,
        object: T,
    ) -> Self {
        Self {
            kind,
            object_type: object_type.into(),
            object_id: object_id.into(),
            at,
            object,
            checkpoint: None,
        }
    }

    /// Sets the checkpoint to save after handling this change.
    pub fn with_checkpoint(mut self, checkpoint: FeedCheckpoint) -> Self {
        self.checkpoint = Some(checkpoint);
        self
    }

    /// The same change with its object mapped (to raw JSON, to one of its fields).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Change<U> {
        Change {
            kind: self.kind,
            object_type: self.object_type,
            object_id: self.object_id,
            at: self.at,
            object: f(self.object),
            checkpoint: self.checkpoint,
        }
    }
}

/// The time before which a provider's list can be taken as settled, once it answered with
/// nothing newer: `quiet` before the answer's `Date` header (the provider's clock, which
/// stamps the changes), or before this machine's clock when the header is missing or
/// later. A feed advances its [`FeedPosition`] to it only when its newest change is older.
///
/// ```
/// use std::time::Duration;
/// let mut headers = http::HeaderMap::new();
/// headers.insert("date", http::HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"));
/// let settled = atom_core::feed::settled_before(&headers, Duration::from_secs(60));
/// assert_eq!(settled.to_rfc3339(), "1994-11-06T08:48:37+00:00");
/// ```
pub fn settled_before(headers: &http::HeaderMap, quiet: std::time::Duration) -> DateTime<Utc> {
    let now = Utc::now();
    let server: Option<DateTime<Utc>> = headers
        .get(http::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .map(Into::into);
    let clock = server.map_or(now, |s| s.min(now));
    let quiet = chrono::Duration::from_std(quiet).unwrap_or(chrono::Duration::MAX);
    clock
        .checked_sub_signed(quiet)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A verified webhook delivery that reports changes (Stripe's `Event`, a GitHub
/// delivery): what a webhook pushes becomes the same [`Change`] a feed yields.
pub trait ChangeSource: Sized {
    /// The object type of the changes: the same as the provider's feed yields.
    type Object;

    /// The changes the delivery reports, without checkpoints: none for a delivery that
    /// reports no change (a ping), several for a provider that batches (HubSpot).
    fn into_changes(self) -> Result<Vec<Change<Self::Object>>>;
}

/// Verifies a webhook delivery with the provider's verifier and returns its [`Change`]s
/// (without checkpoints: see the [module docs](self)), so one handler takes both pushes
/// and the polled feed.
///
/// ```
/// use atom_core::feed::{Change, ChangeKind, ChangeSource, changes_from_webhook};
/// use atom_core::webhook::WebhookVerifier;
/// struct Pushed(String);
/// impl ChangeSource for Pushed {
///     type Object = String;
///     fn into_changes(self) -> atom_core::Result<Vec<Change<String>>> {
///         let id = self.0.clone();
///         Ok(vec![Change::new(ChangeKind::Updated, "thing", id, chrono::Utc::now(), self.0)])
///     }
/// }
/// struct Trusting;
/// impl WebhookVerifier for Trusting {
///     type Event = Pushed;
///     fn verify(&self, _: &http::HeaderMap, body: &[u8]) -> atom_core::Result<Pushed> {
///         Ok(Pushed(String::from_utf8_lossy(body).into_owned()))
///     }
/// }
/// let changes = changes_from_webhook(&Trusting, &http::HeaderMap::new(), b"thing_1");
/// let ids: Vec<_> = changes.unwrap_or_default().into_iter().map(|c| (c.object_id, c.checkpoint)).collect();
/// assert_eq!(ids, [("thing_1".to_owned(), None)]);
/// ```
pub fn changes_from_webhook<V>(
    verifier: &V,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<Vec<Change<<V::Event as ChangeSource>::Object>>>
where
    V: WebhookVerifier,
    V::Event: ChangeSource,
{
    let mut changes = verifier.verify(headers, body)?.into_changes()?;
    for change in &mut changes {
        change.checkpoint = None;
    }
    Ok(changes)
}

/// What a [`ErrorKind::FeedGap`] error lost: read it with
/// `error.provider_details::<FeedGap>()`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FeedGap {
    /// The feed (`stripe.events`).
    pub feed: String,
    /// Where the caller asked to resume from: the checkpoint's time, or the start time.
    pub resume_from: Option<DateTime<Utc>>,
    /// The oldest change the provider still keeps, as far as the feed can tell (Stripe:
    /// now minus 30 days). Changes between `resume_from` and this are lost to the feed.
    pub horizon: Option<DateTime<Utc>>,
}

impl FeedGap {
    /// A gap in `feed` between `resume_from` and `horizon`.
    pub fn new(
        feed: impl Into<String>,
        resume_from: Option<DateTime<Utc>>,
        horizon: Option<DateTime<Utc>>,
    ) -> Self {
        Self {
            feed: feed.into(),
            resume_from,
            horizon,
        }
    }

    /// The [`ErrorKind::FeedGap`] error carrying this gap; no retry can fix it.
    pub fn into_error(self, service: &'static str) -> Error {
        let message = format!(
            "{}: the changes after {} can no longer be replayed (the provider keeps them \
             from {}, or has dropped the checkpoint's position); resynchronise and start a \
             new feed",
            self.feed,
            self.resume_from
                .map_or_else(|| "the checkpoint".to_owned(), |t| t.to_rfc3339()),
            self.horizon
                .map_or_else(|| "a later time".to_owned(), |t| t.to_rfc3339()),
        );
        Error::new(ErrorKind::FeedGap, service, message)
            .with_retryable(false)
            .with_provider_details(self)
    }
}

/// A stream of [`Change`]s with the checkpoint of the last one handed out: a thin wrapper
/// over a [`Paginator`], so paging, retries, limits and the page cap stay on the one
/// request path. See the [module docs](self) for the delivery guarantee.
///
/// ```
/// # async fn demo() -> atom_core::Result<()> {
/// use futures::TryStreamExt as _;
/// use atom_core::feed::{Change, ChangeFeed, ChangeKind, FeedCheckpoint};
/// use atom_core::{Checkpoint, Page, Paginator};
/// let at = chrono::Utc::now();
/// let pages = Paginator::new(Checkpoint::default(), move |_| {
///     let change = Change::new(ChangeKind::Created, "thing", "t1", at, ())
///         .with_checkpoint(FeedCheckpoint::new("things").with_cursor("t1"));
///     Box::pin(async move { Ok(Page::new(vec![change], None)) })
/// });
/// let mut feed = ChangeFeed::new(pages, None);
/// while let Some(change) = feed.try_next().await? {
///     // handle the change, then save its checkpoint
///     let _ = change.checkpoint;
/// }
/// assert_eq!(feed.checkpoint().and_then(|c| c.cursor.as_deref()), Some("t1"));
/// # Ok(()) }
/// ```
pub struct ChangeFeed<T> {
    changes: Paginator<Change<T>>,
    last: Option<FeedCheckpoint>,
    position: Option<FeedPosition>,
}

/// Where a feed's source stands once the feed has handed out everything: set by the
/// provider's walk when it reaches the end, so that [`ChangeFeed::checkpoint`] moves past
/// a quiet spell even when no change came.
///
/// Without it, a feed whose changes stop for longer than the provider's horizon (Stripe's
/// 30 days) would resume from a checkpoint the provider no longer serves, and report a gap
/// although nothing was missed. Clones share the position.
///
/// ```
/// use atom_core::feed::{FeedCheckpoint, FeedPosition};
/// let position = FeedPosition::default();
/// position.advance(FeedCheckpoint::new("stripe.events").with_cursor("evt_9"));
/// # let _ = position;
/// ```
#[derive(Debug, Clone, Default)]
pub struct FeedPosition(std::sync::Arc<std::sync::Mutex<Option<FeedCheckpoint>>>);

impl FeedPosition {
    /// Records where the source stands after the last change handed out.
    pub fn advance(&self, checkpoint: FeedCheckpoint) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(checkpoint);
    }

    fn take(&self) -> Option<FeedCheckpoint> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

impl<T> fmt::Debug for ChangeFeed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangeFeed")
            .field("changes", &self.changes)
            .field("checkpoint", &self.last)
            .finish()
    }
}

impl<T: Send + 'static> ChangeFeed<T> {
    /// A feed over a stream of changes, started from `from` (reported by
    /// [`ChangeFeed::checkpoint`] until the first change is handed out).
    pub fn new(changes: Paginator<Change<T>>, from: Option<FeedCheckpoint>) -> Self {
        Self {
            changes,
            last: from,
            position: None,
        }
    }

    /// The feed with a [`FeedPosition`] its walk advances at the end: once the stream has
    /// ended, [`ChangeFeed::checkpoint`] is that position.
    pub fn with_position(mut self, position: FeedPosition) -> Self {
        self.position = Some(position);
        self
    }

    /// A feed over a provider's walk of its source: `step(walk, cursor)` answers one page
    /// of changes and the cursor of the next step, starting with `start` (the walk's own
    /// position, encoded as text); the pages go through a [`Paginator`] of `service` (page
    /// cap, repeated-cursor stop), and the feed reports `from` until its first change.
    ///
    /// ```
    /// # async fn demo() -> atom_core::Result<()> {
    /// use std::sync::Arc;
    /// use futures::TryStreamExt as _;
    /// use atom_core::feed::{Change, ChangeFeed, ChangeKind, FeedCheckpoint};
    /// use atom_core::Page;
    /// struct Source;
    /// impl Source {
    ///     async fn fetch(&self, cursor: Option<String>) -> atom_core::Result<Page<Change<u32>>> {
    ///         let n: u32 = cursor.and_then(|c| c.parse().ok()).unwrap_or(0);
    ///         let at = chrono::Utc::now();
    ///         let change = Change::new(ChangeKind::Updated, "n", n.to_string(), at, n)
    ///             .with_checkpoint(FeedCheckpoint::new("numbers").with_cursor(n.to_string()));
    ///         Ok(Page::new(vec![change], (n < 2).then(|| (n + 1).to_string())))
    ///     }
    /// }
    /// let from = FeedCheckpoint::new("numbers");
    /// let feed = ChangeFeed::walk("demo", &from, None, Arc::new(Source), |source, cursor| async move {
    ///     source.fetch(cursor).await
    /// });
    /// let all: Vec<u32> = feed.map_ok(|c| c.object).try_collect().await?;
    /// assert_eq!(all, [0, 1, 2]);
    /// # Ok(()) }
    /// ```
    pub fn walk<W, F, Fut>(
        service: &'static str,
        from: &FeedCheckpoint,
        start: Option<String>,
        walk: std::sync::Arc<W>,
        step: F,
    ) -> Self
    where
        W: Send + Sync + 'static,
        F: Fn(std::sync::Arc<W>, Option<String>) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<crate::Page<Change<T>>>> + Send + 'static,
    {
        let from_cursor = crate::Checkpoint {
            cursor: start,
            skip: 0,
        };
        let pages = Paginator::new(from_cursor, move |cursor| {
            Box::pin(step(walk.clone(), cursor))
        })
        .service(service);
        Self::new(pages, Some(from.clone()))
    }

    /// A feed that yields `error` once and ends: for a start refused before any request.
    pub fn failed(error: Error) -> Self {
        Self::new(Paginator::failed(error), None)
    }

    /// The checkpoint of the last change handed out (or the one the feed started from,
    /// or, once the stream has ended, the position its walk reached). Save it only once
    /// that change is handled.
    pub fn checkpoint(&self) -> Option<&FeedCheckpoint> {
        self.last.as_ref()
    }

    /// The paginator underneath (its page checkpoint, totals).
    pub fn pages(&self) -> &Paginator<Change<T>> {
        &self.changes
    }
}

impl<T> Unpin for ChangeFeed<T> {}

impl<T: Send + 'static> Stream for ChangeFeed<T> {
    type Item = Result<Change<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let polled = this.changes.poll_next_unpin(cx);
        match &polled {
            Poll::Ready(Some(Ok(change))) => {
                if let Some(checkpoint) = &change.checkpoint {
                    this.last = Some(checkpoint.clone());
                }
            }
            Poll::Ready(None) => {
                if let Some(position) = this.position.as_ref().and_then(FeedPosition::take) {
                    this.last = Some(position);
                }
            }
            _ => {}
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_error_is_typed_and_final() {
        let at = DateTime::from_timestamp(1_700_000_000, 0);
        let err = FeedGap::new("stripe.events", at, None).into_error("stripe");
        assert_eq!(err.kind(), ErrorKind::FeedGap);
        assert!(!err.is_retryable());
        assert_eq!(
            err.provider_details::<FeedGap>().map(|g| g.resume_from),
            Some(at)
        );
    }

    #[tokio::test]
    async fn the_position_replaces_the_checkpoint_only_once_the_stream_ended() {
        use crate::{Checkpoint, Page};
        let position = FeedPosition::default();
        let walk = position.clone();
        let pages = Paginator::new(Checkpoint::default(), move |_| {
            walk.advance(FeedCheckpoint::new("things").with_cursor("end"));
            let change = Change::new(ChangeKind::Created, "thing", "t1", Utc::now(), ())
                .with_checkpoint(FeedCheckpoint::new("things").with_cursor("t1"));
            Box::pin(async move { Ok(Page::new(vec![change], None)) })
        });
        let mut feed = ChangeFeed::new(pages, None).with_position(position);
        let first = feed.next().await.and_then(|c| c.ok());
        assert!(first.is_some());
        let cursor = |f: &ChangeFeed<()>| f.checkpoint().and_then(|c| c.cursor.clone());
        assert_eq!(cursor(&feed).as_deref(), Some("t1"), "not before the end");
        assert!(feed.next().await.is_none());
        assert_eq!(cursor(&feed).as_deref(), Some("end"));
    }

    #[test]
    fn a_checkpoint_of_another_feed_is_refused() {
        let c = FeedCheckpoint::new("github.issues");
        assert!(c.check_feed("t", "github.issues").is_ok());
        assert_eq!(
            c.check_feed("t", "stripe.events").map_err(|e| e.kind()),
            Err(ErrorKind::Config)
        );
    }

    #[test]
    fn damaged_checkpoints_are_decode_errors() {
        for bad in [&b""[..], b"{", b"[]", b"{\"feed\":1}", b"\xff"] {
            let err = FeedCheckpoint::from_json(bad).err().map(|e| e.kind());
            assert_eq!(err, Some(ErrorKind::Decode));
        }
        let big = vec![b' '; MAX_CHECKPOINT_BYTES + 1];
        assert!(FeedCheckpoint::from_json(&big).is_err());
    }
}
