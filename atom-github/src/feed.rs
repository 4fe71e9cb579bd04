//! The issues feed: a repository's issues and pull requests updated since a time, as an
//! [`atom_core::feed::ChangeFeed`], oldest update first, resumable from a checkpoint.
//!
//! # How it walks
//!
//! `GET /repos/{owner}/{repo}/issues?state=all&sort=updated&direction=asc&since=<t>` lists
//! issues and pull requests (a pull request is an issue carrying `pull_request`) by their
//! last update, oldest first. The feed does **not** follow page numbers across the whole
//! list: an issue updated during the walk moves to the end, every later one moves up one
//! place, and page-number paging would skip one. Instead each request starts again from
//! the `updated_at` of the last issue handed out (`since` is inclusive, to the second),
//! and the issues of that second already handed out are left out by their numbers. Only
//! when a whole page falls in one second does the feed follow `Link: rel="next"` within
//! that second. Every request goes through the client's own path (limits, retries, the
//! secondary-limit handling) and the pages through [`atom_core::Paginator`].
//!
//! # Checkpoints and guarantees
//!
//! Each [`Change`] carries `FeedCheckpoint { feed: "github.issues", at: <updated_at>,
//! seen: <numbers handed out at that second> }`; resume with
//! [`Issues::feed_from`](crate::issues::Issues::feed_from). The feed yields every issue
//! and pull request updated after the checkpoint at least once, **in its latest state**:
//! two updates of one issue between runs come out as one change (a state feed, not an
//! event log). Changes of one object come out in order. Keep one checkpoint per
//! repository.
//!
//! # Webhooks
//!
//! A verified `issues`, `issue_comment` or `pull_request` delivery becomes the same
//! `Change<Issue>` through `atom_core::feed::changes_from_webhook(&webhook, headers, body)`
//! (see the `ChangeSource` impl of [`Delivery`]).
//!
//! # Limits
//!
//! * GitHub keeps no deletion record in this list: a deleted or transferred issue simply
//!   stops appearing. `kind` is `Created` when `created_at == updated_at`, else `Updated`.
//! * There is no horizon: any `since` is served.
//! * More issues updated in one second than fit a page are walked by page number within
//!   that second; an issue of that second updated during that walk can make another of the
//!   same second be skipped (it reappears with its next update).

use std::sync::Arc;

use atom_core::feed::{Change, ChangeFeed, ChangeKind, ChangeSource, FeedCheckpoint};
use atom_core::{Error, Page, Request, Result};
use chrono::{DateTime, SecondsFormat, Timelike as _, Utc};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::SERVICE;
use crate::models::{Issue, PullRequest};
use crate::pagination::{MAX_PER_PAGE, next_link};
use crate::webhook::{Delivery, WebhookEvent};

/// The name of the issues feed in its checkpoints.
pub const ISSUES_FEED: &str = "github.issues";

const TEMPLATE: &str = "/repos/{owner}/{repo}/issues";

/// Page size of the issues feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IssueFeedParams {
    /// Issues per request, 1 to 100 (default 100).
    pub per_page: Option<u8>,
}

impl IssueFeedParams {
    /// 100 a page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Issues per request (1 to 100).
    pub fn per_page(mut self, per_page: u8) -> Self {
        self.per_page = Some(per_page);
        self
    }
}

/// Where the walk stands between requests (the paginator's cursor, as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Position {
    since: DateTime<Utc>,
    /// Numbers already handed out at `since`.
    seen: Vec<String>,
    /// The next page within one second, when a whole page fell in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

struct Walk {
    client: Client,
    base: String,
    per_page: u8,
}

/// The change an issue as listed reports: `Created` when never updated since.
fn listed_change(issue: Issue) -> Change<Issue> {
    let kind = if issue.created_at == issue.updated_at {
        ChangeKind::Created
    } else {
        ChangeKind::Updated
    };
    issue_change(kind, issue)
}

fn issue_change(kind: ChangeKind, issue: Issue) -> Change<Issue> {
    let object_type = if issue.is_pull_request() {
        "pull_request"
    } else {
        "issue"
    };
    let number = issue.number.to_string();
    let updated = issue.updated_at;
    Change::new(kind, object_type, number, updated, issue)
}

/// A pull request as the issues list shows it: the same fields, and `pull_request`
/// naming it (its `url` stays the pull request's).
fn pull_as_issue(pull: PullRequest) -> Result<Issue> {
    let mut value =
        serde_json::to_value(&pull).map_err(|e| Error::decode(SERVICE, e.to_string()))?;
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "pull_request".to_owned(),
            serde_json::json!({ "url": pull.url, "html_url": pull.html_url }),
        );
    }
    serde_json::from_value(value).map_err(|e| {
        Error::decode(
            SERVICE,
            format!("a pull request does not read as an issue: {e}"),
        )
    })
}

/// A webhook delivery as the issues feed's changes, so one handler takes both: `issues`
/// (`opened` is a creation; `deleted` and `transferred`, which take the issue out of the
/// repository, are deletions; every other action an update), `issue_comment` (an update
/// of the issue commented on, as the feed sees it) and `pull_request` (`opened` is a
/// creation, every other action an update; the pull request read as the issue the feed
/// lists). Other events (`ping`, `push`) report no issue change.
impl ChangeSource for Delivery {
    type Object = Issue;

    fn into_changes(self) -> Result<Vec<Change<Issue>>> {
        let created_if = |action: &str| match action {
            "opened" => ChangeKind::Created,
            _ => ChangeKind::Updated,
        };
        Ok(match self.event {
            WebhookEvent::Issues(event) => {
                let kind = match event.action.as_str() {
                    "deleted" | "transferred" => ChangeKind::Deleted,
                    action => created_if(action),
                };
                vec![issue_change(kind, event.issue)]
            }
            WebhookEvent::IssueComment(event) => {
                vec![issue_change(ChangeKind::Updated, event.issue)]
            }
            WebhookEvent::PullRequest(event) => {
                let kind = created_if(&event.action);
                vec![issue_change(kind, pull_as_issue(event.pull_request)?)]
            }
            _ => Vec::new(),
        })
    }
}

impl Walk {
    fn first(&self, since: DateTime<Utc>) -> Request {
        Request::get(format!("{}/issues", self.base))
            .operation("issues.list_for_repo")
            .path_template(TEMPLATE)
            .query("state", "all")
            .query("sort", "updated")
            .query("direction", "asc")
            .query("since", since.to_rfc3339_opts(SecondsFormat::Secs, true))
            .query("per_page", self.per_page.to_string())
    }

    async fn fetch(&self, cursor: Option<String>) -> Result<Page<Change<Issue>>> {
        let position: Position = cursor
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .ok_or_else(|| Error::decode(SERVICE, "the issues feed lost its position"))?;
        let request = match &position.next {
            Some(url) => Request::get(url.clone())
                .operation("issues.list_for_repo")
                .path_template(TEMPLATE),
            None => self.first(position.since),
        };
        let response = self.client.send(request).await?;
        let issues: Vec<Issue> = response.json()?;
        let link = next_link(response.header("link"))?;
        let (mut at, mut seen) = (position.since, position.seen);
        let mut changes = Vec::with_capacity(issues.len());
        for issue in issues {
            let number = issue.number.to_string();
            // Older than the position (GitHub's `since` is inclusive) or handed out at it.
            if issue.updated_at < at || (issue.updated_at == at && seen.contains(&number)) {
                continue;
            }
            if issue.updated_at > at {
                at = issue.updated_at;
                seen.clear();
            }
            seen.push(number);
            changes.push(
                listed_change(issue).with_checkpoint(
                    FeedCheckpoint::new(ISSUES_FEED)
                        .with_at(at)
                        .with_seen(seen.clone()),
                ),
            );
        }
        let next = link.map(|url| {
            let stuck = at == position.since;
            Position {
                since: at,
                seen,
                // No progress past the second: walk on within it by page number.
                next: stuck.then_some(url),
            }
        });
        let next = next
            .map(|p| serde_json::to_string(&p))
            .transpose()
            .map_err(|e| Error::decode(SERVICE, e.to_string()))?;
        Ok(Page::new(changes, next))
    }
}

/// The feed of [`Issues::feed`](crate::issues::Issues::feed) and
/// [`Issues::feed_from`](crate::issues::Issues::feed_from) on `client`, for the repository
/// at `base` (`/repos/{owner}/{repo}`).
pub(crate) fn issues_feed(
    client: &Client,
    base: Result<String>,
    params: &IssueFeedParams,
    checkpoint: &FeedCheckpoint,
) -> ChangeFeed<Issue> {
    let start = (|| {
        let base = base?;
        checkpoint.check_feed(SERVICE, ISSUES_FEED)?;
        let per_page = params.per_page.unwrap_or(MAX_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(Error::config(
                SERVICE,
                "the issues feed per_page must be 1 to 100",
            ));
        }
        let since = checkpoint.at.ok_or_else(|| {
            Error::config(
                SERVICE,
                "the issues feed checkpoint has no time to resume from",
            )
        })?;
        // GitHub times are whole seconds: an issue updated in the start's second counts.
        let since = since.with_nanosecond(0).unwrap_or(since);
        let position = Position {
            since,
            seen: checkpoint.seen.clone(),
            next: None,
        };
        let cursor =
            serde_json::to_string(&position).map_err(|e| Error::decode(SERVICE, e.to_string()))?;
        Ok((base, per_page, cursor))
    })();
    let (base, per_page, cursor) = match start {
        Ok(start) => start,
        Err(e) => return ChangeFeed::failed(e),
    };
    let walk = Arc::new(Walk {
        client: client.clone(),
        base,
        per_page,
    });
    ChangeFeed::walk(
        SERVICE,
        checkpoint,
        Some(cursor),
        walk,
        |walk, cursor| async move { walk.fetch(cursor).await },
    )
}
