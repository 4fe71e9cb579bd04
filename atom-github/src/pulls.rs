//! Pull requests: list, get, create, update, merge; files, commits; reviews.

use atom_core::{Checkpoint, Paginator, Request, Result};
use serde::Serialize;

use crate::client::{Client, WRITE_CLASS};
use crate::models::{Commit, DiffEntry, MergeResult, PullRequest, Review};
use crate::pagination::{PerPage, array, paginate};
use crate::path;

/// Filters of `GET /repos/{owner}/{repo}/pulls`.
#[derive(Debug, Clone, Default)]
pub struct PullListParams {
    /// `open` (default), `closed` or `all`.
    pub state: Option<String>,
    /// `user:branch` of the head.
    pub head: Option<String>,
    /// The base branch.
    pub base: Option<String>,
    /// `created` (default), `updated`, `popularity`, `long-running`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub direction: Option<String>,
    /// Page size (default 100, the most GitHub gives; `PerPage::Unset` sends none).
    pub per_page: PerPage,
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/files` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullFileListParams {
    /// Page size (default 100, the most GitHub gives; `PerPage::Unset` sends none).
    pub per_page: PerPage,
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/commits` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullCommitListParams {
    /// Page size (default 100, the most GitHub gives; `PerPage::Unset` sends none).
    pub per_page: PerPage,
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/reviews` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewListParams {
    /// Page size (default 100, the most GitHub gives; `PerPage::Unset` sends none).
    pub per_page: PerPage,
}

/// A new pull request.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PullCreateParams {
    /// The title.
    pub title: String,
    /// The branch with the changes (`branch` or `user:branch`).
    pub head: String,
    /// The branch to merge into.
    pub base: String,
    /// The body (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Open as a draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<bool>,
    /// Let maintainers push to the head branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintainer_can_modify: Option<bool>,
}

/// Changes to a pull request; `None` fields are left as they are.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PullUpdateParams {
    /// A new title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A new body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `open` or `closed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// A new base branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
}

/// How to merge.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PullMergeParams {
    /// The merge commit's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_title: Option<String>,
    /// The merge commit's message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_message: Option<String>,
    /// Merge only if the head is still this commit (else 409 `Conflict`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// `merge`, `squash` or `rebase`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge_method: Option<String>,
}

/// A new review.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewCreateParams {
    /// The summary text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `APPROVE`, `REQUEST_CHANGES` or `COMMENT`; `None` leaves the review pending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The commit reviewed (default: the head).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_id: Option<String>,
}

/// Pull request calls for one repository; from [`Client::pulls`].
#[derive(Debug, Clone)]
pub struct Pulls {
    client: Client,
    base: Result<String>,
}

impl Client {
    /// Pull request calls for `owner/repo` (an invalid name fails each call with `Config`).
    pub fn pulls(&self, owner: &str, repo: &str) -> Pulls {
        Pulls {
            client: self.clone(),
            base: path::repo(owner, repo),
        }
    }
}

impl Pulls {
    /// These calls with bodies in `format` (rendered HTML, plain text, or all forms).
    pub fn body_format(mut self, format: crate::media::BodyFormat) -> Self {
        self.client = self.client.with_body_format(format);
        self
    }

    fn base(&self) -> Result<&str> {
        self.base.as_deref().map_err(Clone::clone)
    }

    fn list_of<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        number: u64,
        what: &str,
        operation: &'static str,
        template: &'static str,
        per_page: PerPage,
        from: Checkpoint,
    ) -> Paginator<T> {
        let first = self.base().map(|base| {
            Request::get(format!("{base}/pulls/{number}/{what}"))
                .operation(operation)
                .path_template(template)
                .query_opt("per_page", per_page.query_value())
        });
        paginate(&self.client, first, template, array, from)
    }

    /// `GET /repos/{owner}/{repo}/pulls`, every page (items in the shorter list form).
    pub fn list(&self, params: &PullListParams) -> Paginator<PullRequest> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`].
    pub fn list_from(&self, params: &PullListParams, from: Checkpoint) -> Paginator<PullRequest> {
        let first = self.base().map(|base| {
            Request::get(format!("{base}/pulls"))
                .operation("pulls.list")
                .path_template("/repos/{owner}/{repo}/pulls")
                .query_opt("state", params.state.as_deref())
                .query_opt("head", params.head.as_deref())
                .query_opt("base", params.base.as_deref())
                .query_opt("sort", params.sort.as_deref())
                .query_opt("direction", params.direction.as_deref())
                .query_opt("per_page", params.per_page.query_value())
        });
        paginate(
            &self.client,
            first,
            "/repos/{owner}/{repo}/pulls",
            array,
            from,
        )
    }

    /// `GET /repos/{owner}/{repo}/pulls/{number}`.
    pub async fn get(&self, number: u64) -> Result<PullRequest> {
        let request = Request::get(format!("{}/pulls/{number}", self.base()?))
            .operation("pulls.get")
            .path_template("/repos/{owner}/{repo}/pulls/{pull_number}");
        self.client.send_json(request).await
    }

    /// `GET /repos/{owner}/{repo}/pulls/{number}` as a unified diff
    /// (`application/vnd.github.diff`).
    pub async fn diff(&self, number: u64) -> Result<String> {
        self.text_form(number, crate::media::DIFF, "pulls.get_diff")
            .await
    }

    /// `GET /repos/{owner}/{repo}/pulls/{number}` as a patch series
    /// (`application/vnd.github.patch`).
    pub async fn patch(&self, number: u64) -> Result<String> {
        self.text_form(number, crate::media::PATCH, "pulls.get_patch")
            .await
    }

    async fn text_form(
        &self,
        number: u64,
        media_type: &str,
        operation: &'static str,
    ) -> Result<String> {
        let request = Request::get(format!("{}/pulls/{number}", self.base()?))
            .operation(operation)
            .path_template("/repos/{owner}/{repo}/pulls/{pull_number}")
            .header("accept", media_type);
        crate::media::text(&self.client.send(request).await?)
    }

    /// `POST /repos/{owner}/{repo}/pulls`.
    pub async fn create(&self, pull: &PullCreateParams) -> Result<PullRequest> {
        let request = Request::post(format!("{}/pulls", self.base()?))
            .operation("pulls.create")
            .path_template("/repos/{owner}/{repo}/pulls")
            .rate_class(WRITE_CLASS)
            .json(pull);
        self.client.send_json(request).await
    }

    /// `PATCH /repos/{owner}/{repo}/pulls/{number}`.
    pub async fn update(&self, number: u64, update: &PullUpdateParams) -> Result<PullRequest> {
        let request = Request::patch(format!("{}/pulls/{number}", self.base()?))
            .operation("pulls.update")
            .path_template("/repos/{owner}/{repo}/pulls/{pull_number}")
            .rate_class(WRITE_CLASS)
            .json(update);
        self.client.send_json(request).await
    }

    /// `PUT /repos/{owner}/{repo}/pulls/{number}/merge` (405 `InvalidRequest` when not
    /// mergeable, 409 `Conflict` when `sha` is stale).
    pub async fn merge(&self, number: u64, params: &PullMergeParams) -> Result<MergeResult> {
        let request = Request::put(format!("{}/pulls/{number}/merge", self.base()?))
            .operation("pulls.merge")
            .path_template("/repos/{owner}/{repo}/pulls/{pull_number}/merge")
            .rate_class(WRITE_CLASS)
            .json(params);
        self.client.send_json(request).await
    }

    /// `GET /repos/{owner}/{repo}/pulls/{number}/files`, every page (GitHub stops at 3000).
    pub fn files(&self, number: u64, params: &PullFileListParams) -> Paginator<DiffEntry> {
        self.files_from(number, params, Checkpoint::default())
    }

    /// [`files`](Self::files) resumed from a [`Paginator::checkpoint`].
    pub fn files_from(
        &self,
        number: u64,
        params: &PullFileListParams,
        from: Checkpoint,
    ) -> Paginator<DiffEntry> {
        self.list_of(
            number,
            "files",
            "pulls.list_files",
            "/repos/{owner}/{repo}/pulls/{pull_number}/files",
            params.per_page,
            from,
        )
    }

    /// `GET /repos/{owner}/{repo}/pulls/{number}/commits`, every page (GitHub stops at 250).
    pub fn commits(&self, number: u64, params: &PullCommitListParams) -> Paginator<Commit> {
        self.commits_from(number, params, Checkpoint::default())
    }

    /// [`commits`](Self::commits) resumed from a [`Paginator::checkpoint`].
    pub fn commits_from(
        &self,
        number: u64,
        params: &PullCommitListParams,
        from: Checkpoint,
    ) -> Paginator<Commit> {
        self.list_of(
            number,
            "commits",
            "pulls.list_commits",
            "/repos/{owner}/{repo}/pulls/{pull_number}/commits",
            params.per_page,
            from,
        )
    }

    /// `GET /repos/{owner}/{repo}/pulls/{number}/reviews`, every page.
    pub fn reviews(&self, number: u64, params: &ReviewListParams) -> Paginator<Review> {
        self.reviews_from(number, params, Checkpoint::default())
    }

    /// [`reviews`](Self::reviews) resumed from a [`Paginator::checkpoint`].
    pub fn reviews_from(
        &self,
        number: u64,
        params: &ReviewListParams,
        from: Checkpoint,
    ) -> Paginator<Review> {
        self.list_of(
            number,
            "reviews",
            "pulls.list_reviews",
            "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
            params.per_page,
            from,
        )
    }

    /// `POST /repos/{owner}/{repo}/pulls/{number}/reviews`.
    pub async fn create_review(&self, number: u64, review: &ReviewCreateParams) -> Result<Review> {
        let request = Request::post(format!("{}/pulls/{number}/reviews", self.base()?))
            .operation("pulls.create_review")
            .path_template("/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
            .rate_class(WRITE_CLASS)
            .json(review);
        self.client.send_json(request).await
    }
}
