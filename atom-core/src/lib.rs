//! # atom-core
//!
//! The machinery every atom connector shares, so that a provider crate (`atom-stripe`,
//! `atom-github`, `atom-salesforce`, …) only describes its API: base URL, how to
//! authenticate, how to read its error body, where the next page is, which headers carry
//! rate limits. It never writes its own retry loop, token refresh, pager or error type.
//!
//! ## The request path
//!
//! [`ApiClient::send`] takes a [`Request`] through, in one direction:
//! rate-limit permit ([`RateLimiter`]) → credentials ([`Authenticator`], refreshing first
//! when a token is near expiry) → HTTP (`reqwest`, rustls) → rate-limit headers fed back →
//! on 401 one refresh and one replay → the provider's error mapping ([`Provider`]) into one
//! [`Error`] taxonomy → the [`retry::RetryPolicy`] decides to retry or return.
//!
//! ## What is here
//!
//! | module | what |
//! |---|---|
//! | [`Connector`] | the trait every provider client implements (object safe) |
//! | [`Error`], [`ErrorKind`], [`Envelope`] | one taxonomy; the JSON shape apps return |
//! | [`ApiClient`], [`Provider`] | the request path and the provider hooks |
//! | [`retry`] | the pure retry decision, `Retry-After` parsing |
//! | [`RateLimiter`] | token bucket, concurrency cap, pause until reset, per tenant; optionally a [`SharedBudget`] across processes |
//! | [`Paginator`] | one `Stream` of items over any page scheme, with checkpoints |
//! | [`StreamingResponse`], [`StreamBody`] | large bodies streamed both ways: downloads read chunk by chunk, uploads from a reader |
//! | [`auth`] | static credentials, OAuth 2.0 (PKCE + state), [`TokenStore`], [`TokenManager`] |
//! | [`webhook`] | HMAC-SHA256 verification primitives with rotation and tolerance |
//! | [`feed`], [`CheckpointStore`] | change feeds that resume from a saved checkpoint |
//! | [`Decimal`] | an exact decimal for money, with exact sums |
//!
//! Not here on purpose: no server (webhook handlers belong to the app's framework), no
//! database token store (a separate crate implements [`TokenStore`]), no blocking API.
//!
//! `reqwest` and `http` are re-exported and part of this crate's public API (a major version
//! bump of either is a major bump here): inject a client built from [`reqwest`] so versions match.
//!
//! ## Example
//!
//! ```no_run
//! use atom_core::{ApiClient, Credentials, Envelope, GenericProvider, Request, Secret};
//!
//! # async fn demo() -> Result<(), atom_core::Error> {
//! let client = ApiClient::builder(GenericProvider("example"), "https://api.example.com")?
//!     .credentials(Credentials::bearer(Secret::new(std::env::var("TOKEN").unwrap_or_default())))
//!     .build()?;
//! let result = client
//!     .send(Request::get("/v1/things").operation("things.list"))
//!     .await
//!     .and_then(|r| r.json::<serde_json::Value>());
//! println!("{}", serde_json::to_string(&Envelope::from_result("example", result)).unwrap());
//! # Ok(()) }
//! ```

pub mod auth;
mod checkpoint_store;
mod client;
mod connector;
mod decimal;
mod envelope;
mod error;
mod extra;
pub mod feed;
pub mod http_util;
pub mod model;
mod options;
mod pagination;
mod provider;
pub mod ratelimit;
mod raw_fields;
pub mod redact;
mod redirect;
mod request;
mod response;
pub mod retry;
mod secret;
mod shared_budget;
mod stream_body;
mod streaming;
mod string_enum;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod webhook;

pub use auth::credentials::{Authenticator, Authorization, Credentials};
pub use auth::file_store::FileTokenStore;
pub use auth::manager::{OAuthAuthenticator, TokenManager};
pub use auth::oauth::{
    ClientAuth, ClientCredentialsGrant, OAuthClient, OAuthConfig, PendingAuthorization,
    TokenRefresher,
};
pub use auth::store::{MemoryTokenStore, RefreshLease, TokenStore};
pub use auth::token::{StoredToken, TokenKey, TokenSet};
pub use checkpoint_store::{
    CheckpointKey, CheckpointStore, FileCheckpointStore, MemoryCheckpointStore, StoredCheckpoint,
};
pub use client::{ApiClient, ApiClientBuilder, DEFAULT_MAX_RESPONSE_BYTES};
pub use connector::{AuthKind, Category, Connector, ConnectorInfo, Health, ProviderClient};
pub use decimal::{Decimal, ParseDecimalError};
pub use envelope::Envelope;
pub use error::{Error, ErrorKind, ProviderDetail, ProviderDetails, Result};
pub use extra::{Extra, RedactedJson};
pub use options::{ClientOptions, ProviderDefaults};
pub use pagination::{Checkpoint, DEFAULT_MAX_PAGES, Page, Paginator};
pub use provider::{GenericProvider, Provider, default_error};
pub use ratelimit::{RateLimitConfig, RateLimiter};
pub use raw_fields::RawFields;
pub use redirect::DEFAULT_MAX_REDIRECTS;
pub use request::{Body, Request};
pub use response::{ApiResponse, RateLimitSnapshot, ResponseMeta, decode_json};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use shared_budget::{BudgetDecision, SharedBucket, SharedBudget};
pub use stream_body::StreamBody;
pub use streaming::StreamingResponse;

/// The `http` types in this crate's API (`HeaderMap`, `Method`, `StatusCode`), re-exported so
/// that callers need not match its version themselves.
pub use http;
pub use reqwest;

/// What the core's macros expand to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}
