//! Issues: list, get, create, update, close/reopen, lock/unlock; comments; labels.

use atom_core::feed::{ChangeFeed, FeedCheckpoint};
use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::client::{Client, WRITE_CLASS};
use crate::error::SERVICE;
use crate::feed::{ISSUES_FEED, IssueFeedParams};
use crate::models::{Issue, IssueComment, Label, StateReason};
use crate::pagination::{PerPage, array, paginate};
use crate::path;

/// Filters of `GET /repos/{owner}/{repo}/issues` (GitHub's defaults where `None`).
#[derive(Debug, Clone, Default)]
pub struct IssueListParams {
    /// `open` (default), `closed` or `all`.
    pub state: Option<String>,
    /// Only issues with every one of these labels. GitHub takes them comma-separated, so a
    /// label with a `,` (or an empty one) cannot be asked for: it is a `Config` error.
    pub labels: Vec<String>,
    /// A login, `none` or `*`.
    pub assignee: Option<String>,
    /// The author's login.
    pub creator: Option<String>,
    /// A login mentioned in the issue.
    pub mentioned: Option<String>,
    /// A milestone number, `none` or `*`.
    pub milestone: Option<String>,
    /// `created` (default), `updated` or `comments`.
    pub sort: Option<String>,
    /// `asc` or `desc` (default).
    pub direction: Option<String>,
    /// Only issues updated at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Page size (default 100, the most GitHub gives; `PerPage::Unset` sends none).
    pub per_page: PerPage,
}

/// A new issue.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IssueCreateParams {
    /// The title.
    pub title: String,
    /// The body (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Logins to assign.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assignees: Vec<String>,
    /// Label names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// A milestone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone: Option<u64>,
}

impl IssueCreateParams {
    /// An issue with a title.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            ..Self::default()
        }
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Adds a label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.labels.push(label.into());
        self
    }
}

/// Changes to an issue; `None` fields are left as they are.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IssueUpdateParams {
    /// A new title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A new body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `open` or `closed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Why it is closed or reopened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_reason: Option<StateReason>,
    /// Replaces every label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Replaces every assignee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignees: Option<Vec<String>>,
}

/// Why a conversation is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockReason {
    /// Off-topic.
    OffTopic,
    /// Too heated (GitHub writes it `too heated`, with a space).
    #[serde(rename = "too heated")]
    TooHeated,
    /// Resolved.
    Resolved,
    /// Spam.
    Spam,
}

#[derive(Serialize)]
struct CommentBody<'a> {
    body: &'a str,
}

#[derive(Serialize)]
struct LabelsBody<'a> {
    labels: &'a [&'a str],
}

#[derive(Serialize)]
struct LockBody {
    lock_reason: LockReason,
}

/// `GET /repos/{owner}/{repo}/issues/{number}/comments` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentListParams {
    /// Only comments updated at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Page size (default 100, the most GitHub gives; `PerPage::Unset` sends none).
    pub per_page: PerPage,
}

/// Issue calls for one repository; from [`Client::issues`].
#[derive(Debug, Clone)]
pub struct Issues {
    client: Client,
    base: Result<String>,
}

impl Client {
    /// Issue calls for `owner/repo` (an invalid name fails each call with `Config`).
    pub fn issues(&self, owner: &str, repo: &str) -> Issues {
        Issues {
            client: self.clone(),
            base: path::repo(owner, repo),
        }
    }
}

impl Issues {
    /// These calls with bodies in `format` (rendered HTML, plain text, or all forms).
    pub fn body_format(mut self, format: crate::media::BodyFormat) -> Self {
        self.client = self.client.with_body_format(format);
        self
    }

    fn base(&self) -> Result<&str> {
        self.base.as_deref().map_err(Clone::clone)
    }

    /// `GET /repos/{owner}/{repo}/issues`: issues and pull requests, every page. A label
    /// that is empty or holds a `,` is the stream's only item, a `Config` error.
    pub fn list(&self, params: &IssueListParams) -> Paginator<Issue> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`].
    pub fn list_from(&self, params: &IssueListParams, from: Checkpoint) -> Paginator<Issue> {
        paginate(
            &self.client,
            self.list_request(params),
            "/repos/{owner}/{repo}/issues",
            array,
            from,
        )
    }

    fn list_request(&self, params: &IssueListParams) -> Result<Request> {
        // `bug,wontfix` as one label would filter on two; an empty one would drop the filter.
        if params
            .labels
            .iter()
            .any(|l| l.contains(',') || l.trim().is_empty())
        {
            return Err(Error::config(
                SERVICE,
                "a label filter cannot be empty or contain ',' (GitHub separates labels with commas)",
            ));
        }
        let labels = (!params.labels.is_empty()).then(|| params.labels.join(","));
        let since = params
            .since
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true));
        Ok(Request::get(format!("{}/issues", self.base()?))
            .operation("issues.list_for_repo")
            .path_template("/repos/{owner}/{repo}/issues")
            .query_opt("state", params.state.as_deref())
            .query_opt("labels", labels)
            .query_opt("assignee", params.assignee.as_deref())
            .query_opt("creator", params.creator.as_deref())
            .query_opt("mentioned", params.mentioned.as_deref())
            .query_opt("milestone", params.milestone.as_deref())
            .query_opt("sort", params.sort.as_deref())
            .query_opt("direction", params.direction.as_deref())
            .query_opt("since", since)
            .query_opt("per_page", params.per_page.query_value()))
    }

    /// A feed of the repository's issues and pull requests updated at or after `since`,
    /// oldest update first, each a [`Change`](atom_core::feed::Change) with the checkpoint
    /// to save once it is handled (see [`crate::feed`] for the walk, the guarantee and the
    /// limits).
    ///
    /// ```no_run
    /// # async fn demo(github: atom_github::Client) -> atom_core::Result<()> {
    /// use atom_core::{CheckpointKey, CheckpointStore, FileCheckpointStore};
    /// use atom_github::feed::{ISSUES_FEED, IssueFeedParams};
    /// use futures::TryStreamExt as _;
    /// let store = FileCheckpointStore::new("checkpoints")?;
    /// let key = CheckpointKey::new(format!("{ISSUES_FEED}/octocat/hello-world"), "triage-bot");
    /// let issues = github.issues("octocat", "hello-world");
    /// let (mut feed, mut version) = match store.load(&key).await? {
    ///     Some(saved) => (issues.feed_from(&IssueFeedParams::new(), &saved.checkpoint), saved.version),
    ///     None => {
    ///         let feed = issues.feed(&IssueFeedParams::new(), chrono::Utc::now());
    ///         // Save the start first: a crash before the first change resumes from it.
    ///         let mut version = 0;
    ///         if let Some(start) = feed.checkpoint() {
    ///             version = store.save(&key, start, Some(0)).await?;
    ///         }
    ///         (feed, version)
    ///     }
    /// };
    /// while let Some(change) = feed.try_next().await? {
    ///     println!("{} #{} {}", change.object_type, change.object_id, change.kind);
    ///     if let Some(checkpoint) = &change.checkpoint {
    ///         version = store.save(&key, checkpoint, Some(version)).await?;
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn feed(&self, params: &IssueFeedParams, since: DateTime<Utc>) -> ChangeFeed<Issue> {
        self.feed_from(params, &FeedCheckpoint::new(ISSUES_FEED).with_at(since))
    }

    /// [`feed`](Self::feed) resumed from a checkpoint one of its changes carried (or the
    /// start checkpoint `ChangeFeed::checkpoint` reports before any change). A checkpoint
    /// of another feed, or one without a time, is a `Config` error.
    pub fn feed_from(
        &self,
        params: &IssueFeedParams,
        checkpoint: &FeedCheckpoint,
    ) -> ChangeFeed<Issue> {
        crate::feed::issues_feed(&self.client, self.base.clone(), params, checkpoint)
    }

    /// `GET /repos/{owner}/{repo}/issues/{number}`.
    pub async fn get(&self, number: u64) -> Result<Issue> {
        let request = Request::get(format!("{}/issues/{number}", self.base()?))
            .operation("issues.get")
            .path_template("/repos/{owner}/{repo}/issues/{issue_number}");
        self.client.send_json(request).await
    }

    /// `POST /repos/{owner}/{repo}/issues` (paced as a write; not retried on 5xx, since a
    /// retry could open the issue twice).
    pub async fn create(&self, issue: &IssueCreateParams) -> Result<Issue> {
        let request = Request::post(format!("{}/issues", self.base()?))
            .operation("issues.create")
            .path_template("/repos/{owner}/{repo}/issues")
            .rate_class(WRITE_CLASS)
            .json(issue);
        self.client.send_json(request).await
    }

    /// `PATCH /repos/{owner}/{repo}/issues/{number}`.
    pub async fn update(&self, number: u64, update: &IssueUpdateParams) -> Result<Issue> {
        let request = Request::patch(format!("{}/issues/{number}", self.base()?))
            .operation("issues.update")
            .path_template("/repos/{owner}/{repo}/issues/{issue_number}")
            .rate_class(WRITE_CLASS)
            .json(update);
        self.client.send_json(request).await
    }

    /// Closes an issue, optionally saying why.
    pub async fn close(&self, number: u64, reason: Option<StateReason>) -> Result<Issue> {
        let update = IssueUpdateParams {
            state: Some("closed".into()),
            state_reason: reason,
            ..IssueUpdateParams::default()
        };
        self.update(number, &update).await
    }

    /// Reopens an issue.
    pub async fn reopen(&self, number: u64) -> Result<Issue> {
        let update = IssueUpdateParams {
            state: Some("open".into()),
            ..IssueUpdateParams::default()
        };
        self.update(number, &update).await
    }

    /// `PUT /repos/{owner}/{repo}/issues/{number}/lock`.
    pub async fn lock(&self, number: u64, reason: Option<LockReason>) -> Result<()> {
        let mut request = Request::put(format!("{}/issues/{number}/lock", self.base()?))
            .operation("issues.lock")
            .path_template("/repos/{owner}/{repo}/issues/{issue_number}/lock")
            .rate_class(WRITE_CLASS);
        if let Some(lock_reason) = reason {
            request = request.json(&LockBody { lock_reason });
        }
        self.client.send(request).await.map(drop)
    }

    /// `DELETE /repos/{owner}/{repo}/issues/{number}/lock`.
    pub async fn unlock(&self, number: u64) -> Result<()> {
        let request = Request::delete(format!("{}/issues/{number}/lock", self.base()?))
            .operation("issues.unlock")
            .path_template("/repos/{owner}/{repo}/issues/{issue_number}/lock")
            .rate_class(WRITE_CLASS);
        self.client.send(request).await.map(drop)
    }

    /// `GET /repos/{owner}/{repo}/issues/{number}/comments`, every page.
    pub fn list_comments(
        &self,
        number: u64,
        params: &CommentListParams,
    ) -> Paginator<IssueComment> {
        self.list_comments_from(number, params, Checkpoint::default())
    }

    /// [`list_comments`](Self::list_comments) resumed from a [`Paginator::checkpoint`].
    pub fn list_comments_from(
        &self,
        number: u64,
        params: &CommentListParams,
        from: Checkpoint,
    ) -> Paginator<IssueComment> {
        let since = params
            .since
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true));
        let first = self.base().map(|base| {
            Request::get(format!("{base}/issues/{number}/comments"))
                .operation("issues.list_comments")
                .path_template("/repos/{owner}/{repo}/issues/{issue_number}/comments")
                .query_opt("since", since)
                .query_opt("per_page", params.per_page.query_value())
        });
        paginate(
            &self.client,
            first,
            "/repos/{owner}/{repo}/issues/{issue_number}/comments",
            array,
            from,
        )
    }

    /// `POST /repos/{owner}/{repo}/issues/{number}/comments`.
    pub async fn create_comment(&self, number: u64, body: &str) -> Result<IssueComment> {
        let request = Request::post(format!("{}/issues/{number}/comments", self.base()?))
            .operation("issues.create_comment")
            .path_template("/repos/{owner}/{repo}/issues/{issue_number}/comments")
            .rate_class(WRITE_CLASS)
            .json(&CommentBody { body });
        self.client.send_json(request).await
    }

    /// `PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}`.
    pub async fn update_comment(&self, comment_id: u64, body: &str) -> Result<IssueComment> {
        let request = Request::patch(format!("{}/issues/comments/{comment_id}", self.base()?))
            .operation("issues.update_comment")
            .path_template("/repos/{owner}/{repo}/issues/comments/{comment_id}")
            .rate_class(WRITE_CLASS)
            .json(&CommentBody { body });
        self.client.send_json(request).await
    }

    /// `DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}`.
    pub async fn delete_comment(&self, comment_id: u64) -> Result<()> {
        let request = Request::delete(format!("{}/issues/comments/{comment_id}", self.base()?))
            .operation("issues.delete_comment")
            .path_template("/repos/{owner}/{repo}/issues/comments/{comment_id}")
            .rate_class(WRITE_CLASS);
        self.client.send(request).await.map(drop)
    }

    /// `POST /repos/{owner}/{repo}/issues/{number}/labels`: adds labels; returns them all.
    pub async fn add_labels(&self, number: u64, labels: &[&str]) -> Result<Vec<Label>> {
        let request = Request::post(format!("{}/issues/{number}/labels", self.base()?))
            .operation("issues.add_labels")
            .path_template("/repos/{owner}/{repo}/issues/{issue_number}/labels")
            .rate_class(WRITE_CLASS)
            .json(&LabelsBody { labels });
        self.client.send_json(request).await
    }

    /// `DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}`: returns the rest.
    pub async fn remove_label(&self, number: u64, label: &str) -> Result<Vec<Label>> {
        let segment = atom_core::http_util::path_segment(crate::error::SERVICE, label)?;
        let request = Request::delete(format!("{}/issues/{number}/labels/{segment}", self.base()?))
            .operation("issues.remove_label")
            .path_template("/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}")
            .rate_class(WRITE_CLASS);
        self.client.send_json(request).await
    }
}
