//! Commits: list, get, compare.

use atom_core::{Checkpoint, Paginator, Request, Result};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::client::Client;
use crate::models::{Commit, Comparison};
use crate::pagination::{PerPage, array, paginate};
use crate::path;

/// Filters of `GET /repos/{owner}/{repo}/commits`.
#[derive(Debug, Clone, Default)]
pub struct CommitListParams {
    /// A branch, tag or SHA to start from (default: the default branch).
    pub sha: Option<String>,
    /// Only commits touching this path.
    pub path: Option<String>,
    /// A login or e-mail.
    pub author: Option<String>,
    /// Only commits after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only commits before this time.
    pub until: Option<DateTime<Utc>>,
    /// Page size (default 100, the most GitHub gives; `PerPage::Unset` sends none).
    pub per_page: PerPage,
}

/// Commit calls for one repository; from [`Client::commits`].
#[derive(Debug, Clone)]
pub struct Commits {
    client: Client,
    base: Result<String>,
}

impl Client {
    /// Commit calls for `owner/repo` (an invalid name fails each call with `Config`).
    pub fn commits(&self, owner: &str, repo: &str) -> Commits {
        Commits {
            client: self.clone(),
            base: path::repo(owner, repo),
        }
    }
}

fn time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

impl Commits {
    fn base(&self) -> Result<&str> {
        self.base.as_deref().map_err(Clone::clone)
    }

    /// `GET /repos/{owner}/{repo}/commits`, every page.
    pub fn list(&self, params: &CommitListParams) -> Paginator<Commit> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`].
    pub fn list_from(&self, params: &CommitListParams, from: Checkpoint) -> Paginator<Commit> {
        let first = self.base().map(|base| {
            Request::get(format!("{base}/commits"))
                .operation("repos.list_commits")
                .path_template("/repos/{owner}/{repo}/commits")
                .query_opt("sha", params.sha.as_deref())
                .query_opt("path", params.path.as_deref())
                .query_opt("author", params.author.as_deref())
                .query_opt("since", time(params.since))
                .query_opt("until", time(params.until))
                .query_opt("per_page", params.per_page.query_value())
        });
        paginate(
            &self.client,
            first,
            "/repos/{owner}/{repo}/commits",
            array,
            from,
        )
    }

    /// `GET /repos/{owner}/{repo}/commits/{ref}`: a SHA, branch (`feature/x` is fine) or tag.
    pub async fn get(&self, git_ref: &str) -> Result<Commit> {
        let request = Request::get(format!(
            "{}/commits/{}",
            self.base()?,
            path::git_ref(git_ref)?
        ))
        .operation("repos.get_commit")
        .path_template("/repos/{owner}/{repo}/commits/{ref}");
        self.client.send_json(request).await
    }

    /// `GET /repos/{owner}/{repo}/commits/{ref}` as a unified diff
    /// (`application/vnd.github.diff`).
    pub async fn diff(&self, git_ref: &str) -> Result<String> {
        self.text_form(git_ref, crate::media::DIFF, "repos.get_commit_diff")
            .await
    }

    /// `GET /repos/{owner}/{repo}/commits/{ref}` as a patch (`application/vnd.github.patch`).
    pub async fn patch(&self, git_ref: &str) -> Result<String> {
        self.text_form(git_ref, crate::media::PATCH, "repos.get_commit_patch")
            .await
    }

    async fn text_form(
        &self,
        git_ref: &str,
        media_type: &str,
        operation: &'static str,
    ) -> Result<String> {
        let request = Request::get(format!(
            "{}/commits/{}",
            self.base()?,
            path::git_ref(git_ref)?
        ))
        .operation(operation)
        .path_template("/repos/{owner}/{repo}/commits/{ref}")
        .header("accept", media_type);
        crate::media::text(&self.client.send(request).await?)
    }

    /// `GET /repos/{owner}/{repo}/compare/{base}...{head}`.
    pub async fn compare(&self, base: &str, head: &str) -> Result<Comparison> {
        let spec = format!("{}...{}", path::git_ref(base)?, path::git_ref(head)?);
        let request = Request::get(format!("{}/compare/{spec}", self.base()?))
            .operation("repos.compare_commits")
            .path_template("/repos/{owner}/{repo}/compare/{basehead}");
        self.client.send_json(request).await
    }
}
