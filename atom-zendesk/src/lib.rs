//! Zendesk Support and Help Center client for atom: tickets (idempotent create, bulk jobs
//! polled to completion), users and organizations, search with an escaping query builder,
//! customer satisfaction with a summary, Help Center articles, incremental exports with a
//! resumable checkpoint, and webhook verification, on `atom-core`'s request path (limits,
//! retries, redirects, error taxonomy).
//!
//! One [`Client`] serves one account (`https://{subdomain}.zendesk.com`); an integration
//! that serves many accounts builds one client per subdomain, optionally over one shared
//! limiter keyed by subdomain. Authentication is an agent's API token
//! ([`ClientBuilder::api_token`]) or OAuth ([`auth`]).
//!
//! ```no_run
//! # async fn demo() -> atom_core::Result<()> {
//! use atom_core::Secret;
//! use atom_zendesk::Client;
//! use atom_zendesk::search::{SearchQuery, SearchType};
//! use atom_zendesk::tickets::{CommentParams, Requester, TicketCreateParams};
//! use futures::TryStreamExt as _;
//!
//! let client = Client::new("acme", "agent@acme.com", Secret::new("api-token"))?;
//!
//! // Open a ticket for a failed payment: the idempotency key makes a rerun harmless.
//! let created = client.tickets().create(&TicketCreateParams {
//!     subject: Some("Payment failed".into()),
//!     comment: Some(CommentParams::public("Your card was declined.")),
//!     requester: Some(Requester::new("jane@example.com", "Jane")),
//!     external_id: Some("pi_123".into()),
//!     idempotency_key: Some("payment-failed-pi_123".into()),
//!     ..Default::default()
//! }).await?;
//! client.tickets().comment(created.ticket.id, CommentParams::private("Retry scheduled.")).await?;
//!
//! // Open tickets tagged vip.
//! let query = SearchQuery::new().kind(SearchType::Ticket).tag("vip").status_below(atom_zendesk::models::TicketStatus::Solved);
//! let found: Vec<_> = client.search().search(&query, &Default::default()).try_collect().await?;
//!
//! // Help Center articles that may answer it.
//! let articles = client.help_center("en-us").articles_for_ticket(&created.ticket, 3).await?;
//! # let _ = (found, articles); Ok(()) }
//! ```
//!
//! # Families
//!
//! | handler | calls |
//! |---|---|
//! | [`Client::tickets`] | create (idempotent), get, get_many, update, comment, delete, list (all, by external id, by organization, by requester), comments, create_many / update_many / update_many_ids (+ `_and_wait`), merge |
//! | [`Client::jobs`] | get, wait (backoff; failed items surfaced per item) |
//! | [`Client::users`] | create, create_or_update, get, me, update, delete, list, search, identities, organization memberships |
//! | [`Client::organizations`] | create, create_or_update, get, update, delete, list, search, memberships |
//! | [`Client::search`] | search (1 000-result ceiling), export (cursor), count |
//! | [`Client::satisfaction_ratings`] | list (score, period), get, summary |
//! | [`Client::help_center`] | categories, sections, articles, get/create/update article, translations, search, labels, articles_for_ticket |
//! | [`Client::incremental`] | tickets, users, organizations (items or pages, resumable); change feeds of tickets, users and organizations ([`feed`]) |
//! | [`Client::ticket_fields`], [`Client::custom_statuses`] | list, ids by title |
//! | [`webhook::Webhook`] | verify, test signer |
//!
//! Anything else: [`Client::send`] or `Connector::request` with a raw
//! [`atom_core::Request`].
//!
//! # Not covered
//!
//! Attachments upload, macros, views, triggers, SLA policies, side-loading (`include=`),
//! the Chat, Talk and Sell APIs, and Help Center community posts: use [`Client::send`].

pub mod auth;
pub mod client;
pub mod error;
pub mod feed;
pub mod help_center;
pub mod incremental;
pub mod jobs;
pub mod models;
pub mod organizations;
pub mod pagination;
pub mod satisfaction;
pub mod search;
pub mod ticket_fields;
pub mod tickets;
pub mod users;
pub mod webhook;

pub use client::{Client, ClientBuilder, INCREMENTAL_CLASS, Limits};
pub use error::{SERVICE, ZendeskErrorInfo, ZendeskProvider};
