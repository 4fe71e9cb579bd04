//! # atom-hubspot
//!
//! A HubSpot CRM client on [`atom_core`]: records of every object type (contacts, companies,
//! deals, tickets, custom objects) with batch calls and search, associations with labels,
//! properties, pipelines, owners, marketing campaigns and email statistics, the analytics a
//! sales team asks for, OAuth for public apps installed in many portals, and webhook
//! verification (v3, v2, v1). Limits, retries, auth refresh, paging and the error taxonomy
//! come from the core; this crate describes HubSpot.
//!
//! | family | handler | module |
//! |---|---|---|
//! | records: create, get (by id or unique property), update, archive, list, merge | [`Client::contacts`], [`Client::companies`], [`Client::deals`], [`Client::tickets`], [`Client::objects`] | [`objects`] |
//! | batch read / create / update / upsert / archive (100 a call, input order, 207) | same | [`batch`] |
//! | search (typed filters, the 10 000 ceiling) | same | [`search`] |
//! | associations v4 and labels | [`Client::associations`] | [`associations`] |
//! | properties and groups | [`Client::properties`] | [`properties`] |
//! | pipelines and stages, validated stage moves | [`Client::pipelines`] | [`pipelines`] |
//! | owners | [`Client::owners`] | [`owners`] |
//! | marketing campaigns, metrics, email statistics | [`Client::campaigns`], [`Client::marketing_emails`] | [`campaigns`] |
//! | totals, open pipeline, won revenue, win rate, conversion | [`Client::analytics`] | [`analytics`] |
//! | OAuth (per portal), token metadata, revocation | [`auth::OAuthApp`] | [`auth`] |
//! | webhook signatures v3 / v2 / v1 and typed events | [`webhook::Webhook`] | [`webhook`] |
//! | change feed of a type's records by last modification, resumable from a checkpoint; webhook deliveries as the same changes | [`Objects::feed`], [`Objects::feed_from`] | [`feed`] |
//! | deletions feed of a type's records from the recycle bin | [`Objects::deletions_feed`], [`Objects::deletions_feed_from`] | [`deletions_feed`] |
//!
//! Anything else goes through [`Client::send`] (or `Connector::request`) on the same path.
//!
//! **Not covered:** the legacy v1/v2 contact lists and engagements APIs, files, CMS,
//! conversations, the GDPR delete endpoint, and imports/exports (use [`Client::send`]).
//!
//! ## Limits
//!
//! Limits are kept per portal (the client's `tenant`, which [`ClientBuilder::token_manager`]
//! sets to the portal id): 100 calls per 10 s by default (HubSpot's lowest published tier),
//! paced further by the `X-HubSpot-RateLimit-*` headers (see [`limits`]); search is its own
//! class ([`SEARCH_CLASS`], 5 a second) on top of that. A 429 is retried after the wait its
//! `policyName` implies, and its `policyName` is kept in the error.
//!
//! ## Example
//!
//! ```no_run
//! use atom_hubspot::search::{Filter, SearchParams};
//! use atom_hubspot::{Client, ObjectCreateParams};
//! use futures::TryStreamExt as _;
//!
//! async fn demo() -> atom_core::Result<()> {
//!     let client = Client::new(std::env::var("HUBSPOT_TOKEN").unwrap_or_default())?;
//!     let contact = client
//!         .contacts()
//!         .create(&ObjectCreateParams::new().property("email", "ann@example.com"))
//!         .await?;
//!     let found: Vec<_> = client
//!         .contacts()
//!         .search(&SearchParams::new().filter(Filter::eq("email", "ann@example.com")))
//!         .try_collect()
//!         .await?;
//!     println!("{} found {} time(s)", contact.id, found.len());
//!     Ok(())
//! }
//! ```

pub mod analytics;
pub mod associations;
pub mod auth;
pub mod batch;
pub mod campaigns;
mod client;
pub mod deletions_feed;
pub mod error;
pub mod feed;
pub mod limits;
pub mod models;
pub mod objects;
pub mod owners;
pub mod pagination;
pub mod pipelines;
pub mod properties;
pub mod search;
pub mod validate;
pub mod webhook;

pub use batch::{BatchReadParams, BatchUpdateInput, BatchUpsertInput};
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, HubSpotProvider, USER_AGENT};
pub use error::{ErrorCategory, HubSpotErrorInfo};
pub use limits::{HubSpotRateLimit, Limits};
pub use models::{BatchResult, CrmObject, LifecycleStage, ObjectCreateParams, ObjectUpdateParams};
pub use objects::{ObjectGetParams, ObjectListParams, Objects};

/// The service id (`"hubspot"`).
pub const SERVICE: &str = "hubspot";
/// The rate class of search calls (five a second per portal, on top of the portal limit).
pub const SEARCH_CLASS: &str = "search";

impl Client {
    /// Contacts (`0-1`).
    pub fn contacts(&self) -> Objects {
        Objects::new(self.clone(), "contacts")
    }

    /// Companies (`0-2`).
    pub fn companies(&self) -> Objects {
        Objects::new(self.clone(), "companies")
    }

    /// Deals (`0-3`).
    pub fn deals(&self) -> Objects {
        Objects::new(self.clone(), "deals")
    }

    /// Tickets (`0-5`).
    pub fn tickets(&self) -> Objects {
        Objects::new(self.clone(), "tickets")
    }

    /// Any object type by name or id (`line_items`, `2-1234567`, `p1234_cars`); the name is
    /// checked when a call is made.
    pub fn objects(&self, object_type: impl Into<String>) -> Objects {
        Objects::new(self.clone(), object_type)
    }

    /// Associations (v4).
    pub fn associations(&self) -> associations::Associations {
        associations::Associations::new(self.clone())
    }

    /// Property definitions and groups of an object type.
    pub fn properties(&self, object_type: impl Into<String>) -> properties::Properties {
        properties::Properties::new(self.clone(), object_type)
    }

    /// Pipelines of an object type (`deals`, `tickets`).
    pub fn pipelines(&self, object_type: impl Into<String>) -> pipelines::Pipelines {
        pipelines::Pipelines::new(self.clone(), object_type)
    }

    /// Owners.
    pub fn owners(&self) -> owners::Owners {
        owners::Owners::new(self.clone())
    }

    /// Marketing campaigns.
    pub fn campaigns(&self) -> campaigns::Campaigns {
        campaigns::Campaigns::new(self.clone())
    }

    /// Marketing email statistics.
    pub fn marketing_emails(&self) -> campaigns::MarketingEmails {
        campaigns::MarketingEmails::new(self.clone())
    }

    /// Pipeline and funnel figures computed from the API.
    pub fn analytics(&self) -> analytics::Analytics {
        analytics::Analytics::new(self.clone())
    }
}
