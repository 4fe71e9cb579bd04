//! Repositories: get, and lists for the authenticated user, a user, an organisation and an
//! app installation.

use atom_core::{ApiResponse, Checkpoint, Page, Paginator, Request, Result};

use crate::client::Client;
use crate::models::{InstallationRepositories, Repository};
use crate::pagination::{PerPage, array, paginate};
use crate::path;

/// Filters and order of a repository list (GitHub's defaults where `None`).
#[derive(Debug, Clone, Default)]
pub struct RepoListParams {
    /// `all`, `owner`, `public`, `private`, `member` (users); `forks`, `sources`, ... (orgs).
    pub kind: Option<String>,
    /// `created`, `updated`, `pushed`, `full_name`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub direction: Option<String>,
    /// Page size (default 100, the most GitHub gives; `PerPage::Unset` sends none).
    pub per_page: PerPage,
}

impl RepoListParams {
    fn apply(&self, request: Request) -> Request {
        request
            .query_opt("type", self.kind.as_deref())
            .query_opt("sort", self.sort.as_deref())
            .query_opt("direction", self.direction.as_deref())
            .query_opt("per_page", self.per_page.query_value())
    }
}

/// `GET /installation/repositories` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallationRepoListParams {
    /// Page size (default 100, the most GitHub gives; `PerPage::Unset` sends none).
    pub per_page: PerPage,
}

/// Repository calls; from [`Client::repos`].
#[derive(Debug, Clone)]
pub struct Repos {
    client: Client,
}

impl Client {
    /// Repository calls.
    pub fn repos(&self) -> Repos {
        Repos {
            client: self.clone(),
        }
    }
}

fn installation_page(response: &ApiResponse) -> Result<Page<Repository>> {
    let body = response.json::<InstallationRepositories>()?;
    Ok(Page::new(body.repositories, None).with_total(body.total_count))
}

impl Repos {
    /// `GET /repos/{owner}/{repo}`.
    pub async fn get(&self, owner: &str, repo: &str) -> Result<Repository> {
        let path = path::repo(owner, repo)?;
        self.client
            .send_json(
                Request::get(path)
                    .operation("repos.get")
                    .path_template("/repos/{owner}/{repo}"),
            )
            .await
    }

    /// `GET /user/repos`: repositories the authenticated user can reach.
    pub fn list_mine(&self, params: &RepoListParams) -> Paginator<Repository> {
        self.list_mine_from(params, Checkpoint::default())
    }

    /// [`list_mine`](Self::list_mine) resumed from a [`Paginator::checkpoint`].
    pub fn list_mine_from(
        &self,
        params: &RepoListParams,
        from: Checkpoint,
    ) -> Paginator<Repository> {
        let first = params.apply(
            Request::get("/user/repos")
                .operation("repos.list_for_authenticated_user")
                .path_template("/user/repos"),
        );
        paginate(&self.client, Ok(first), "/user/repos", array, from)
    }

    /// `GET /users/{username}/repos`: a user's public repositories (an invalid name is the
    /// stream's only item, a `Config` error).
    pub fn list_for_user(&self, username: &str, params: &RepoListParams) -> Paginator<Repository> {
        self.list_for_user_from(username, params, Checkpoint::default())
    }

    /// [`list_for_user`](Self::list_for_user) resumed from a [`Paginator::checkpoint`].
    pub fn list_for_user_from(
        &self,
        username: &str,
        params: &RepoListParams,
        from: Checkpoint,
    ) -> Paginator<Repository> {
        let first = path::name("user", username).map(|name| {
            params.apply(
                Request::get(format!("/users/{name}/repos"))
                    .operation("repos.list_for_user")
                    .path_template("/users/{username}/repos"),
            )
        });
        paginate(&self.client, first, "/users/{username}/repos", array, from)
    }

    /// `GET /orgs/{org}/repos` (an invalid name is the stream's only item, a `Config`
    /// error).
    pub fn list_for_org(&self, org: &str, params: &RepoListParams) -> Paginator<Repository> {
        self.list_for_org_from(org, params, Checkpoint::default())
    }

    /// [`list_for_org`](Self::list_for_org) resumed from a [`Paginator::checkpoint`].
    pub fn list_for_org_from(
        &self,
        org: &str,
        params: &RepoListParams,
        from: Checkpoint,
    ) -> Paginator<Repository> {
        let first = path::name("organization", org).map(|name| {
            params.apply(
                Request::get(format!("/orgs/{name}/repos"))
                    .operation("repos.list_for_org")
                    .path_template("/orgs/{org}/repos"),
            )
        });
        paginate(&self.client, first, "/orgs/{org}/repos", array, from)
    }

    /// `GET /installation/repositories`: what an app installation token can reach (the
    /// stream's [`total`](Paginator::total) is GitHub's `total_count`).
    pub fn list_for_installation(
        &self,
        params: &InstallationRepoListParams,
    ) -> Paginator<Repository> {
        self.list_for_installation_from(params, Checkpoint::default())
    }

    /// [`list_for_installation`](Self::list_for_installation) resumed from a
    /// [`Paginator::checkpoint`].
    pub fn list_for_installation_from(
        &self,
        params: &InstallationRepoListParams,
        from: Checkpoint,
    ) -> Paginator<Repository> {
        let first = Request::get("/installation/repositories")
            .operation("apps.list_repos_accessible_to_installation")
            .path_template("/installation/repositories")
            .query_opt("per_page", params.per_page.query_value());
        paginate(
            &self.client,
            Ok(first),
            "/installation/repositories",
            installation_page,
            from,
        )
    }
}
