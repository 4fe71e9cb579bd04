//! Events: get, list (by type and created range).

use atom_core::feed::{ChangeFeed, FeedCheckpoint};
use atom_core::{Checkpoint, Paginator, Result};
use chrono::Utc;
use http::Method;
use serde::Serialize;

use crate::Client;
use crate::client::{Call, handler};
use crate::feed::{EVENTS_FEED, EventFeedParams, FeedStart, events_feed};
use crate::models::Event;
use crate::pagination::{self, ListParams};

/// `GET /v1/events` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EventListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this type (`payment_intent.succeeded`, or a wildcard `payment_intent.*`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Only these types (up to 20).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// Only events with webhooks still pending delivery (or delivered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_success: Option<bool>,
}

handler! {
    /// Events (`client.events()`).
    Events
}

impl Client {
    /// Events.
    pub fn events(&self) -> Events {
        Events::new(self)
    }
}

impl Events {
    /// Gets an event (of the last 30 days).
    pub async fn get(&self, id: &str) -> Result<Event> {
        self.send(Call::new(Method::GET, "events.get", "/v1/events/{id}").id(id)?)
            .await
    }

    /// Every event matching the filters, newest first, page after page.
    pub fn list(&self, params: &EventListParams) -> Paginator<Event> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(&self, params: &EventListParams, checkpoint: Checkpoint) -> Paginator<Event> {
        pagination::list(
            &self.client,
            "events.list",
            "/v1/events",
            params,
            &self.options,
            checkpoint,
        )
    }

    /// A feed of events from `start`, oldest first, each a [`Change`](atom_core::feed::Change)
    /// with the checkpoint to save once it is handled (see [`crate::feed`] for the walk,
    /// the guarantee and the limits). A start older than
    /// [`EVENT_RETENTION`](crate::feed::EVENT_RETENTION) is an `ErrorKind::FeedGap` error.
    ///
    /// ```no_run
    /// # async fn demo(stripe: atom_stripe::Client) -> atom_core::Result<()> {
    /// use atom_core::{CheckpointKey, CheckpointStore, MemoryCheckpointStore};
    /// use atom_stripe::feed::{EventFeedParams, FeedStart};
    /// use futures::TryStreamExt as _;
    /// let store = MemoryCheckpointStore::default();
    /// let key = CheckpointKey::new("stripe.events", "to-salesforce");
    /// let params = EventFeedParams::new().event_type("payment_intent.succeeded");
    /// let (mut feed, mut version) = match store.load(&key).await? {
    ///     Some(saved) => (stripe.events().feed_from(&params, &saved.checkpoint), saved.version),
    ///     None => {
    ///         let feed = stripe.events().feed(&params, FeedStart::Now);
    ///         // Save the start first: a crash before the first change resumes from it.
    ///         let mut version = 0;
    ///         if let Some(start) = feed.checkpoint() {
    ///             version = store.save(&key, start, Some(0)).await?;
    ///         }
    ///         (feed, version)
    ///     }
    /// };
    /// while let Some(change) = feed.try_next().await? {
    ///     // write the change to the target (idempotently), then:
    ///     if let Some(checkpoint) = &change.checkpoint {
    ///         version = store.save(&key, checkpoint, Some(version)).await?;
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn feed(&self, params: &EventFeedParams, start: FeedStart) -> ChangeFeed<Event> {
        let since = match start {
            FeedStart::Now => Utc::now(),
            FeedStart::Since(since) => since,
        };
        self.feed_from(params, &FeedCheckpoint::new(EVENTS_FEED).with_at(since))
    }

    /// [`feed`](Self::feed) resumed from a checkpoint one of its changes carried (or the
    /// start checkpoint `ChangeFeed::checkpoint` reports before any change): every later
    /// event, oldest first, with the same parameters. A checkpoint older than
    /// [`EVENT_RETENTION`](crate::feed::EVENT_RETENTION), or whose event Stripe no longer
    /// has, is an `ErrorKind::FeedGap` error; one of another feed a `Config` error.
    pub fn feed_from(
        &self,
        params: &EventFeedParams,
        checkpoint: &FeedCheckpoint,
    ) -> ChangeFeed<Event> {
        events_feed(&self.client, &self.options, params, checkpoint)
    }
}
