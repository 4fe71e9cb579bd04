//! Webhook deliveries as the repository events feed's changes.
//!
//! [`Delivery`] is the issues feed's `ChangeSource` (`Change<Issue>`), and a type has one,
//! so the events feed takes pushes through [`RepoEventsWebhook`]: the same verification
//! ([`Webhook`]), its deliveries read as the [`RepoEvent`] the timeline would show. The
//! webhook names map to the events API's types (`issues` → `IssuesEvent`, `push` →
//! `PushEvent`, `create` → `CreateEvent`, ...; `star` → `WatchEvent`); the payload is the
//! webhook's (a superset of the timeline's for these types: `action`, `issue`, `number`,
//! `ref`, `ref_type`, `release` are where the feed reads them). A delivery has no event id
//! and no creation time: the event's `id` is the delivery's GUID (`X-GitHub-Delivery`),
//! and its `created_at` the object's own time (`updated_at` of the issue, pull request or
//! comment, the release's `published_at`, the head commit's `timestamp`) or, without one,
//! the time of receipt. Deliveries with no timeline counterpart (`ping`,
//! `installation`, `check_run`, ...) report no change.
//!
//! ```
//! use atom_core::feed::changes_from_webhook;
//! use atom_core::Secret;
//! use atom_github::events_feed::RepoEventsWebhook;
//! use atom_github::webhook::{Webhook, sign};
//! let secret = Secret::new("hook-secret");
//! let hook = RepoEventsWebhook::new(Webhook::new([secret.clone()]));
//! let body = br#"{"ref": "refs/heads/main", "before": "a", "after": "b", "commits": [],
//!     "repository": {"id": 1, "name": "r", "full_name": "o/r"}}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert("x-github-event", "push".parse().unwrap());
//! headers.insert("x-hub-signature-256", sign(&secret, body).parse().unwrap());
//! let changes = changes_from_webhook(&hook, &headers, body)?;
//! assert_eq!(changes[0].object.event_type.as_deref(), Some("PushEvent"));
//! assert_eq!((changes[0].object_type.as_str(), changes[0].object_id.as_str()), ("ref", "refs/heads/main"));
//! # Ok::<(), atom_core::Error>(())
//! ```

use atom_core::feed::{Change, ChangeSource};
use atom_core::webhook::WebhookVerifier;
use atom_core::{Error, Result};
use chrono::Utc;
use http::HeaderMap;
use serde_json::{Value, json};

use crate::error::SERVICE;
use crate::models::RepoEvent;
use crate::webhook::{Delivery, Webhook};

/// Verifies deliveries like [`Webhook`] and reads them as repository events.
#[derive(Debug, Clone)]
pub struct RepoEventsWebhook {
    webhook: Webhook,
}

impl RepoEventsWebhook {
    /// The events feed's view of `webhook`.
    pub fn new(webhook: Webhook) -> Self {
        Self { webhook }
    }
}

/// A verified delivery, to be read as a repository event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RepoEventDelivery {
    /// The delivery.
    pub delivery: Delivery,
}

impl WebhookVerifier for RepoEventsWebhook {
    type Event = RepoEventDelivery;

    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<RepoEventDelivery> {
        let delivery = WebhookVerifier::verify(&self.webhook, headers, body)?;
        Ok(RepoEventDelivery { delivery })
    }
}

/// The events API type of a webhook event name, for those with a timeline counterpart.
fn timeline_type(event_name: &str) -> Option<&'static str> {
    Some(match event_name {
        "issues" => "IssuesEvent",
        "issue_comment" => "IssueCommentEvent",
        "pull_request" => "PullRequestEvent",
        "pull_request_review" => "PullRequestReviewEvent",
        "pull_request_review_comment" => "PullRequestReviewCommentEvent",
        "push" => "PushEvent",
        "create" => "CreateEvent",
        "delete" => "DeleteEvent",
        "fork" => "ForkEvent",
        "watch" | "star" => "WatchEvent",
        "release" => "ReleaseEvent",
        "member" => "MemberEvent",
        "public" => "PublicEvent",
        "gollum" => "GollumEvent",
        "commit_comment" => "CommitCommentEvent",
        "discussion" => "DiscussionEvent",
        _ => return None,
    })
}

/// The object's own time in the payload, if it has one.
fn payload_time(payload: &Value) -> Option<Value> {
    [
        &["comment", "updated_at"][..],
        &["review", "submitted_at"],
        &["pull_request", "updated_at"],
        &["issue", "updated_at"],
        &["release", "published_at"],
        &["release", "created_at"],
        &["head_commit", "timestamp"],
    ]
    .iter()
    .find_map(|path| {
        path.iter()
            .try_fold(payload, |v, k| v.get(*k))
            .filter(|v| v.is_string())
            .cloned()
    })
}

impl RepoEventDelivery {
    /// The delivery as the timeline's event; `None` for one with no timeline counterpart.
    pub fn into_repo_event(self) -> Result<Option<RepoEvent>> {
        let Some(event_type) = timeline_type(&self.delivery.event_name) else {
            return Ok(None);
        };
        let mut tagged = serde_json::to_value(&self.delivery.event)
            .map_err(|e| Error::decode(SERVICE, e.to_string()))?;
        let payload = tagged
            .get_mut("payload")
            .map(Value::take)
            .unwrap_or_default();
        let repository = payload.get("repository");
        let repo = repository.map(|r| {
            json!({
                "id": r.get("id").cloned().unwrap_or(json!(0)),
                "name": r.get("full_name").cloned().unwrap_or_default(),
                "url": r.get("url").cloned().unwrap_or_default(),
            })
        });
        let public = repository
            .and_then(|r| r.get("private"))
            .and_then(Value::as_bool)
            .map(|private| !private);
        let created_at = payload_time(&payload).unwrap_or_else(|| json!(Utc::now()));
        let event = json!({
            "id": self.delivery.id.clone().unwrap_or_default(),
            "type": event_type,
            "actor": payload.get("sender").cloned(),
            "repo": repo,
            "org": payload.get("organization").cloned(),
            "public": public,
            "created_at": created_at,
            "payload": payload,
        });
        serde_json::from_value(event).map(Some).map_err(|e| {
            Error::decode(
                SERVICE,
                format!("a webhook delivery does not read as a repository event: {e}"),
            )
        })
    }
}

/// A delivery is the events feed's change for the timeline event it stands for (see the
/// module docs); none for a delivery with no timeline counterpart.
impl ChangeSource for RepoEventDelivery {
    type Object = RepoEvent;

    fn into_changes(self) -> Result<Vec<Change<RepoEvent>>> {
        match self.into_repo_event()? {
            Some(event) => Ok(vec![event.into_change()?]),
            None => Ok(Vec::new()),
        }
    }
}
