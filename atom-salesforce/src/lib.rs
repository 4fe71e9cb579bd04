//! # atom-salesforce
//!
//! A Salesforce REST client on [`atom_core`]: the shared request path (retries, per-org
//! limits, token refresh, one error taxonomy) with Salesforce's API on top.
//!
//! **What it does:** OAuth (web-server flow with PKCE and `state`, JWT bearer, client
//! credentials; refresh tokens that rotate are saved before use), sObjects typed for
//! Account, Contact, Opportunity and Lead and generic for any object (custom ones
//! included), SOQL and SOSL through builders that escape every value, `query`/`queryAll` as
//! streams, aggregate queries and sales analytics, sObject Collections with automatic
//! chunking, Composite and Composite Graph, Bulk API 2.0 ingest and query jobs, lead
//! conversion (SOAP `convertLead()`), opportunity stage advance checked against the
//! picklist, files (`ContentVersion` uploads streamed from a reader,
//! `ContentDocumentLink`s, blob downloads chunk by chunk: [`files`]), the `limits`
//! resource, a change feed per object that resumes from a
//! checkpoint ([`feed`]), and Outbound Message parsing (filtered by org id; Salesforce does not sign them).
//!
//! **What it does not:** no Streaming API / Pub/Sub API (long-lived subscriptions belong to
//! a separate service), no Metadata API, only Tooling queries of the Tooling API, no blocking
//! API.
//! Anything else goes through [`atom_core::Connector::request`] with this client's auth,
//! limits and retries.
//!
//! ## How calls behave
//!
//! * [`Client::new`] takes an `Arc<TokenManager>`: every call then goes to the token's
//!   `instance_url`. With a fixed token, the builder's `base_url` is the instance URL. Calls
//!   go under `/services/data/v{version}` ([`DEFAULT_API_VERSION`] unless set).
//! * `Sforce-Limit-Info: api-usage=N/M` is read on every response into the client's
//!   [`atom_core::RateLimitSnapshot`]; at most 25 calls are in flight per org.
//! * Salesforce sends no token expiry: a `401 INVALID_SESSION_ID` refreshes once and replays.
//! * Errors keep status, the first `errorCode` as provider code (`MALFORMED_QUERY`,
//!   `INVALID_FIELD`, `DUPLICATE_VALUE`, `ENTITY_IS_DELETED`) and every further entry in
//!   `details`; the whole error array is
//!   `err.provider_details::<`[`error::SalesforceErrorInfo`]`>()`.
//!   `403 REQUEST_LIMIT_EXCEEDED` is `RateLimited`.
//!   `UNABLE_TO_LOCK_ROW` is retried with backoff (even a POST: its transaction was rolled back).
//! * Child-relationship lists cut short (`done: false`) are followed before a record is handed out ([`ChildPages`]).
//! * Queries are streams ([`atom_core::Paginator`]) with `totalSize` as `total()`; each has a
//!   `*_from(.., checkpoint)` twin that resumes where a stream stopped.
//! * Ids are checked (15 or 18 letters and digits, the 18-character case checksum
//!   included; [`validate::case_safe_id`] converts 15 to 18) and names are checked as API
//!   names before any request.
//!
//! ## Example
//!
//! ```no_run
//! use futures::TryStreamExt as _;
//! use atom_core::{Envelope, Secret};
//! use atom_salesforce::{Account, Client, soql::{Filter, Query}};
//!
//! # async fn demo() -> atom_core::Result<()> {
//! let client = Client::builder()
//!     .base_url("https://acme.my.salesforce.com")
//!     .access_token(Secret::new(std::env::var("SF_TOKEN").unwrap_or_default()))
//!     .build()?;
//! let soql = Query::select(["Id", "Name"])
//!     .from("Account")
//!     .filter(Filter::starts_with("Name", "Acme"))
//!     .build()?;
//! let accounts: atom_core::Result<Vec<Account>> = client.query(&soql).try_collect().await;
//! println!("{}", serde_json::to_string(&Envelope::from_result("salesforce", accounts)).unwrap_or_default());
//! # Ok(()) }
//! ```
//!
//! Building a client and a query needs no network (this example runs as a test):
//!
//! ```
//! use atom_salesforce::{Client, soql::{Filter, Query}};
//! let client = Client::builder()
//!     .base_url("https://acme.my.salesforce.com")
//!     .access_token(atom_core::Secret::new("00D...!token"))
//!     .build()?;
//! assert_eq!(client.api_version(), atom_salesforce::DEFAULT_API_VERSION);
//! let soql = Query::select(["Id"]).from("Lead")
//!     .filter(Filter::eq("Company", "O'Reilly")).build()?;
//! assert_eq!(soql.as_str(), "SELECT Id FROM Lead WHERE Company = 'O\\'Reilly'");
//! assert!(Query::select(["Name FROM Account --"]).from("Lead").build().is_err());
//! # Ok::<(), atom_core::Error>(())
//! ```
//!
//! ## By feature
//!
//! | feature | where | example |
//! |---|---|---|
//! | sign-in | [`auth`] | web-server flow, JWT bearer, client credentials |
//! | who, sign-out | [`identity`] | `client.userinfo()`, `client.identity(&id_url)`, `client.revoke_token(&refresh)` |
//! | records | [`sobjects::SObjects`] | `client.accounts().create(&account)` |
//! | any object | [`Client::sobject`] | `client.sobject("Invoice__c").get(id, &["Amount__c"])` |
//! | SOQL | [`soql`], [`Client::query`] | `client.query::<Account>(&soql)` (a stream) |
//! | SOSL | [`sosl`], [`Client::search`] | `client.search(&Search::find("Acme").build()?)` |
//! | many records | [`collections`] | `client.collections().create(&contacts, false)` |
//! | related writes | [`composite`] | `CompositeRequest::new(true).create(..)` |
//! | millions of records | [`bulk`] | `client.bulk().ingest("Account", Insert, None, &csv)` |
//! | files | [`files`] | `client.files().upload(&NewVersion::new(title, "a.pdf"), FileUpload::from_reader(file, len))` |
//! | lead conversion | [`leads`] | `client.leads().convert(&[LeadConvert::new(id, status)])` |
//! | stage advance | [`opportunities`] | `client.opportunities().advance_stage(id, "Closed Won")` |
//! | describe cache | [`describe_cache`] | `client.describe_cached("Invoice__c")`, `client.invalidate_describe(..)` |
//! | Apex REST, Tooling | [`apex`] | `client.apex::<Value>(&ApexCall::get(&["Invoices", id])?)`, `client.tooling_query(&soql)` |
//! | analytics | [`analytics`] | `client.analytics().pipeline_by_stage(&range)` |
//! | limits | [`limits`] | `client.limits().get()` |
//! | change feed | [`feed`] | `client.accounts().feed(&RecordFeedParams::new(), since)` |
//! | outbound messages | [`webhook`] | `OutboundMessages::new([org_id]).parse(body)` (unsigned: see the module docs) |
//!
//! Each module's docs open with a complete example.
//!
//! ## Cargo features
//!
//! * `rustls` (default) or `native-tls`: the TLS library.
//! * `jwt` (default): the JWT bearer flow ([`auth::JwtBearer`]), which needs `jsonwebtoken`;
//!   without it the crate builds with no JWT signing code.

pub mod analytics;
pub mod apex;
pub mod auth;
pub mod bulk;
pub mod bulk_csv;
pub mod client;
pub mod collections;
pub mod composite;
mod composite_graph;
pub mod describe_cache;
pub mod error;
pub mod feed;
pub mod files;
pub mod identity;
mod lead_record;
pub mod leads;
pub mod limits;
pub mod models;
pub mod opportunities;
mod pagination;
mod query;
mod soap;
pub mod sobjects;
pub mod soql;
pub mod sosl;
mod subquery;
pub mod validate;
pub mod webhook;

pub use client::{Client, ClientBuilder, DEFAULT_API_VERSION, SalesforceProvider};
pub use models::{Account, Contact, Decimal, Lead, Opportunity, Record, SObject};
pub use pagination::{ChildPages, next_cursor};
pub use query::QueryParams;

/// The service id: `"salesforce"`.
pub const SERVICE: &str = "salesforce";
