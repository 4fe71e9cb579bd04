//! # atom-github
//!
//! An async client for the GitHub REST API (api.github.com and GitHub Enterprise Server)
//! on [`atom_core`], for services and bots that automate development work across many
//! repositories and installations and must stay inside GitHub's rate limits unattended.
//!
//! **What it does:** typed calls for repositories, issues (with comments and labels), pull
//! requests (files, commits, reviews, merge), commits (list, get, compare), the authenticated
//! user, the rate-limit status and search, each list an auto-paging [`futures::Stream`]
//! (the core [`Paginator`](atom_core::Paginator), following `Link: rel="next"`); personal,
//! installation and OAuth user tokens ([`auth`]); GitHub's primary and secondary rate limits
//! and write/search pacing ([`error`], [`ClientBuilder::class_limits`], [`Limits`]); an
//! opt-in ETag cache ([`etag`]); webhook verification and typed events
//! ([`webhook::Webhook`]); a change feed of a repository's issues and pull requests
//! ([`feed`], `client.issues(owner, repo).feed(params, since)`) and of its events timeline
//! ([`events_feed`], `client.repo_events(owner, repo).feed(params, since)`, with GitHub's
//! 300-event / 90-day horizon reported as a gap), each resuming from a saved checkpoint. Anything else goes through [`Client::send`] with the same auth, limits and
//! errors.
//!
//! **What it does not:** GraphQL, uploads (release assets), the Git data API, Actions,
//! webhook delivery management; no server for webhooks (hand
//! [`Webhook::verify`](webhook::Webhook::verify) the raw body in your framework's handler);
//! no blocking API.
//!
//! Every request carries `Accept: application/vnd.github+json`, a pinned
//! `X-GitHub-Api-Version` ([`ClientBuilder::api_version`] changes it) and
//! `User-Agent: atom-github/<version>`. Owner, repository and user names are validated and
//! refs encoded segment by segment, so no input can change a request's path. Errors are the
//! core [`Error`](atom_core::Error) with GitHub's message, status and `x-github-request-id`,
//! and its body typed as [`GitHubErrorInfo`] (`errors[]`, `documentation_url`); see
//! [`error`] for 404-for-private versus 403.
//!
//! ## Cargo features
//!
//! `rustls` (default) or `native-tls` for TLS; `jwt` (default) for GitHub App
//! authentication (`GitHubApp`, see [`auth`]), the only part that needs a JWT library.
//!
//! ## Example
//!
//! ```no_run
//! use futures::TryStreamExt as _;
//! use atom_core::Envelope;
//! use atom_github::{Client, issues::IssueListParams};
//!
//! # async fn demo() -> atom_core::Result<()> {
//! let github = Client::new(std::env::var("GITHUB_TOKEN").unwrap_or_default())?;
//! let open: Vec<_> = github
//!     .issues("rust-lang", "rust")
//!     .list(&IssueListParams { labels: vec!["E-easy".into()], ..Default::default() })
//!     .try_collect()
//!     .await?;
//! println!("{}", serde_json::to_string(&Envelope::from_result("github", Ok(open.len()))).unwrap_or_default());
//! # Ok(()) }
//! ```
//!
//! ## Repositories
//!
//! ```no_run
//! # async fn demo(github: atom_github::Client) -> atom_core::Result<()> {
//! use futures::TryStreamExt as _;
//! let repo = github.repos().get("octocat", "Hello-World").await?;
//! let mine: Vec<_> = github.repos().list_mine(&Default::default()).try_collect().await?;
//! let org = github.repos().list_for_org("github", &Default::default());
//! # let _ = (repo, mine, org); Ok(()) }
//! ```
//!
//! ## Issues, comments, labels
//!
//! ```no_run
//! # async fn demo(github: atom_github::Client) -> atom_core::Result<()> {
//! use atom_github::issues::IssueCreateParams;
//! let issues = github.issues("octocat", "Hello-World");
//! let issue = issues.create(&IssueCreateParams::new("Found a bug").body("It crashes").label("bug")).await?;
//! issues.create_comment(issue.number, "Looking into it").await?;
//! issues.add_labels(issue.number, &["triaged"]).await?;
//! issues.close(issue.number, Some(atom_github::models::StateReason::Completed)).await?;
//! # Ok(()) }
//! ```
//!
//! ## Pull requests
//!
//! ```no_run
//! # async fn demo(github: atom_github::Client) -> atom_core::Result<()> {
//! use futures::TryStreamExt as _;
//! use atom_github::pulls::{PullMergeParams, ReviewCreateParams};
//! let pulls = github.pulls("octocat", "Hello-World");
//! let files: Vec<_> = pulls.files(1347, &Default::default()).try_collect().await?;
//! pulls.create_review(1347, &ReviewCreateParams { event: Some("APPROVE".into()), ..Default::default() }).await?;
//! let merged = pulls.merge(1347, &PullMergeParams { merge_method: Some("squash".into()), ..Default::default() }).await?;
//! # let _ = (files, merged); Ok(()) }
//! ```
//!
//! ## Commits
//!
//! ```no_run
//! # async fn demo(github: atom_github::Client) -> atom_core::Result<()> {
//! let commits = github.commits("octocat", "Hello-World");
//! let head = commits.get("feature/login").await?;
//! let diff = commits.compare("main", "feature/login").await?;
//! println!("{} ahead, {} files", diff.ahead_by, diff.files.map(|f| f.len()).unwrap_or(0));
//! # let _ = head; Ok(()) }
//! ```
//!
//! ## Users, rate limit, health
//!
//! ```no_run
//! # async fn demo(github: atom_github::Client) -> atom_core::Result<()> {
//! use atom_core::Connector as _;
//! let me = github.current_user().await?;
//! let limits = github.rate_limit_status().await?;
//! let health = github.health().await?;
//! println!("{} has {} calls left", me.login, limits.resources.core.remaining);
//! # let _ = health; Ok(()) }
//! ```
//!
//! ## Search
//!
//! Everything a caller passes is a literal term (an `AND`, `OR` or `NOT` in the text is
//! quoted and searched for); operators and groups are asked for by name.
//!
//! ```no_run
//! # async fn demo(github: atom_github::Client) -> atom_core::Result<()> {
//! use futures::TryStreamExt as _;
//! use atom_github::search::SearchQuery;
//! let q = SearchQuery::new().repo("rust-lang", "rust")?.qualifier("label", "good first issue")?.is("open");
//! let mut found = github.search().issues(&q, &Default::default());
//! let first = found.try_next().await?;
//! println!("{:?} matches (complete: {:?})", found.total(), found.complete());
//! let either = SearchQuery::new().group(SearchQuery::new().text("panic").or().text("abort")).not("flaky");
//! let also: Vec<_> = github.search().issues(&either, &Default::default()).try_collect().await?;
//! # let _ = (first, also); Ok(()) }
//! ```
//!
//! ## GitHub App installations
//!
//! With the `jwt` feature (on by default):
//!
//! ```no_run
//! # #[cfg(feature = "jwt")]
//! # async fn demo() -> atom_core::Result<()> {
//! use atom_github::{Client, GitHubApp};
//! let app = GitHubApp::builder("123456", &std::fs::read("key.pem").unwrap_or_default()).build()?;
//! let github = Client::builder()
//!     .authenticator(app.installation_authenticator(987654))
//!     .tenant("installation-987654")
//!     .build()?;
//! let repos = github.repos().list_for_installation(&Default::default());
//! # let _ = repos; Ok(()) }
//! ```
//!
//! ## Webhooks
//!
//! ```
//! # fn handler(headers: &http::HeaderMap, body: &[u8]) -> atom_core::Result<()> {
//! use atom_core::Secret;
//! use atom_github::webhook::{Webhook, WebhookEvent};
//! let webhook = Webhook::new([Secret::new(std::env::var("GITHUB_WEBHOOK_SECRET").unwrap_or_default())]);
//! match webhook.verify(headers, body)?.event {
//!     WebhookEvent::Push(push) => println!("pushed to {}", push.git_ref),
//!     other => println!("{other:?}"),
//! }
//! # Ok(()) }
//! ```
//!
//! See [`webhook`].

#[macro_use]
pub mod models;

pub mod auth;
mod client;
pub mod commits;
pub mod error;
pub mod etag;
pub mod events_feed;
pub mod events_webhook;
pub mod feed;
pub mod issues;
pub mod media;
pub mod pagination;
mod path;
pub mod pulls;
pub mod repos;
pub mod search;
mod users;
pub mod webhook;

pub use auth::{DeviceCode, GitHubOAuth, TokenReply};
#[cfg(feature = "jwt")]
pub use auth::{GitHubApp, GitHubAppBuilder};
pub use client::{
    Client, ClientBuilder, DEFAULT_API_VERSION, DEFAULT_BASE_URL, Limits, MEDIA_TYPE, SEARCH_CLASS,
    USER_AGENT, WRITE_CLASS,
};
pub use error::{GitHubErrorEntry, GitHubErrorInfo, GitHubProvider, SERVICE};
pub use etag::EtagStats;
