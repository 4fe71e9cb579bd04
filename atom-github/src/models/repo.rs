//! Repositories.

use super::{SimpleUser, Timestamp};

model! {
    /// A repository (`full-repository`, `repository`, `minimal-repository`).
    pub struct Repository {
        /// The numeric id.
        pub id: u64,
        /// The GraphQL node id.
        pub node_id: Option<String>,
        /// The name (`Hello-World`).
        pub name: String,
        /// `owner/name`.
        pub full_name: String,
        /// The owner.
        pub owner: Option<SimpleUser>,
        /// Whether the repository is private.
        pub private: Option<bool>,
        /// `public`, `private` or `internal`.
        pub visibility: Option<String>,
        /// The web page.
        pub html_url: Option<String>,
        /// The description.
        pub description: Option<String>,
        /// Whether it is a fork.
        pub fork: Option<bool>,
        /// The API URL.
        pub url: Option<String>,
        /// The default branch.
        pub default_branch: Option<String>,
        /// The main language.
        pub language: Option<String>,
        /// Topics.
        pub topics: Option<Vec<String>>,
        /// Whether it is archived.
        pub archived: Option<bool>,
        /// Stars.
        pub stargazers_count: Option<u64>,
        /// Forks.
        pub forks_count: Option<u64>,
        /// Open issues and pull requests.
        pub open_issues_count: Option<u64>,
        /// The last push.
        pub pushed_at: Option<Timestamp>,
        /// When it was created.
        pub created_at: Option<Timestamp>,
        /// When it was last updated.
        pub updated_at: Option<Timestamp>,
    }
}

model! {
    /// One page of `GET /installation/repositories`.
    pub struct InstallationRepositories {
        /// Repositories the installation can reach in all.
        pub total_count: u64,
        /// This page's repositories.
        pub repositories: Vec<Repository>,
        /// `all` or `selected`.
        pub repository_selection: Option<String>,
    }
}

model! {
    /// One page of `GET /search/repositories` (each item's `score` is in its `extra`).
    pub struct RepoSearchResults {
        /// Matches in all (GitHub serves at most 1000).
        pub total_count: u64,
        /// Whether the search timed out before finding every match.
        pub incomplete_results: bool,
        /// This page's repositories.
        pub items: Vec<Repository>,
    }
}
