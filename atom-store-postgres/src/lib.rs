//! OAuth tokens in PostgreSQL, shared by every replica of a service.
//!
//! [`PostgresTokenStore`] implements atom-core's [`TokenStore`](atom_core::TokenStore): a
//! service running on several machines keeps one copy of each token, saves refreshed tokens
//! by compare-and-swap on a version, and lets one replica at a time refresh a key (the
//! refresh lease), so a rotating refresh token is never presented twice.
//! [`PostgresCheckpointStore`] keeps change-feed checkpoints (atom-core's
//! [`CheckpointStore`](atom_core::CheckpointStore)) in the same database, and
//! [`PostgresRateBudget`] lets every replica's [`RateLimiter`](atom_core::RateLimiter) pace
//! against one per-account limit.
//!
//! ```no_run
//! # async fn demo(oauth: atom_core::OAuthClient) -> atom_core::Result<()> {
//! use std::sync::Arc;
//! use std::time::Duration;
//! use atom_core::{TokenKey, TokenManager};
//! use atom_store_postgres::PostgresTokenStore;
//!
//! let store = PostgresTokenStore::builder()
//!     .schema("oauth")
//!     .lease_time(Duration::from_secs(15))
//!     .connect("postgres://app@db.internal/app?sslmode=require")
//!     .await?;
//! let manager = TokenManager::new(
//!     TokenKey::new("salesforce", "00D000000000001"),
//!     Arc::new(store),
//!     Arc::new(oauth),
//! );
//! let (token, _version) = manager.access_token().await?;
//! # let _ = token; Ok(()) }
//! ```
//!
//! With encryption at rest, checkpoints and a shared rate budget on the same database:
//!
//! ```no_run
//! async fn more(key_now: &[u8], key_before: &[u8]) -> atom_core::Result<()> {
//! use std::sync::Arc;
//! use std::time::Duration;
//! use atom_core::{RateLimitConfig, RateLimiter};
//! use atom_store_postgres::{Keyring, PostgresTokenStore};
//!
//! let store = PostgresTokenStore::builder()
//!     // 32-byte keys from your secret manager; rows under "2026-05" stay readable.
//!     .encryption(Keyring::new("2026-11", key_now)?.with_old_key("2026-05", key_before)?)
//!     .connect("postgres://app@db.internal/app?sslmode=require")
//!     .await?;
//! let checkpoints = store.checkpoints(); // an atom_core::CheckpointStore
//! let limiter = RateLimiter::new("hubspot", RateLimitConfig::new(100, Duration::from_secs(10), 10))
//!     .with_shared_budget(Arc::new(store.rate_budget())); // give it to ApiClientBuilder::shared_limiter
//! // ... and before the process exits:
//! store.close().await;
//! let _ = (checkpoints, limiter); Ok(()) }
//! ```
//!
//! # Tables
//!
//! The embedded migrations (`migrations/`, applied by `sqlx::migrate!` when the store is
//! built unless [`PostgresTokenStoreBuilder::run_migrations`] says not to) create, in the
//! chosen [`Schema`] (default `atom`):
//!
//! * `atom_tokens (service, tenant, version, token, grant_dead, updated_at, key_id)`: the
//!   token set as JSON text, its compare-and-swap version, the dead-grant flag and the id
//!   of the key that encrypted it (`NULL` when stored unencrypted);
//! * `atom_token_leases (service, tenant, holder, expires_at)`: the refresh leases;
//! * `atom_checkpoints (feed, consumer, version, checkpoint, updated_at)`: feed checkpoints
//!   of [`PostgresCheckpointStore`] (from [`PostgresTokenStore::checkpoints`]), the same
//!   compare-and-swap contract as atom-core's memory and file checkpoint stores;
//! * `atom_rate_buckets (service, tenant, class, tokens, updated_at, granted)`: the token
//!   buckets of [`PostgresRateBudget`] (from [`PostgresTokenStore::rate_budget`]), a rate
//!   budget shared by every replica through atom-core's
//!   [`SharedBudget`](atom_core::ratelimit::SharedBudget);
//! * `_sqlx_migrations`: this crate's migration history, apart from the application's.
//!
//! # Why a lease row and not an advisory lock
//!
//! PostgreSQL's advisory locks belong to a session (a connection) or a transaction. A
//! session lock would have to pin one pooled connection for the whole refresh (an HTTP call
//! to the provider), cannot work through a transaction-pooling proxy (PgBouncer), and is
//! released only when the server notices that the holder's connection is gone, which after
//! a crash or a network partition can take as long as the TCP keepalive settings say (often
//! hours). A transaction lock needs a transaction held open across that HTTP call.
//!
//! A lease row is taken by one short statement on any pooled connection, and carries its
//! own expiry computed by the database's clock (replicas' clocks do not matter): a replica
//! that dies holding it blocks the others for at most the lease time. The holder renews the
//! expiry every third of the lease time while it refreshes, so a slow token endpoint does
//! not let a second replica in. The cost is that waiters poll (from 10 ms up to every
//! 200 ms, one waiter per key and replica), and a lease is visible to operators as a row.
//! Within a replica, callers queue first come, first served; across replicas the order is
//! not guaranteed (a token manager that waited re-reads the refreshed token rather than
//! refreshing again, so it rarely needs the lease twice in a row).
//!
//! Behind a transaction-pooling proxy (PgBouncer `pool_mode = transaction`), sqlx's
//! prepared statements need PgBouncer 1.21 or later with `max_prepared_statements` set.
//!
//! # Encryption at rest
//!
//! With [`PostgresTokenStoreBuilder::encryption`] and a [`Keyring`], the access and refresh
//! tokens are stored encrypted with XChaCha20-Poly1305 (a random 192-bit nonce per field),
//! each bound to its key (service and tenant), its field and its key id as associated data;
//! the row's `key_id` column names the key. The rest of the token set (expiry, scopes)
//! stays readable. A row that does not decrypt is a storage error naming the key and the
//! key id, never "no token". Keys rotate: the keyring's current key encrypts every save,
//! older keys still decrypt, and each row moves to the current key at its next save, or
//! at once with [`PostgresTokenStore::reencrypt`].
//!
//! # Errors
//!
//! Database failures are [`ErrorKind::Storage`](atom_core::ErrorKind::Storage) errors that
//! name the action and the key; each call is bounded by
//! [`PostgresTokenStoreBuilder::statement_timeout`]. A damaged row (not JSON, not a token
//! set) is a storage error naming the key and where the text is damaged, never its content.
//! A compare-and-swap that lost is [`ErrorKind::Conflict`](atom_core::ErrorKind::Conflict);
//! a lease not obtained within the lock timeout is
//! [`ErrorKind::Timeout`](atom_core::ErrorKind::Timeout).

mod budget;
mod checkpoints;
mod crypto;
mod error;
mod lease;
mod rekey;
mod schema;
mod store;

pub use budget::PostgresRateBudget;
pub use checkpoints::PostgresCheckpointStore;
pub use crypto::Keyring;
pub use schema::Schema;
pub use store::{PostgresTokenStore, PostgresTokenStoreBuilder};

/// The service name in this crate's errors.
const SERVICE: &str = "postgres";
