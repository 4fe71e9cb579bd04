//! Pluggable token storage with compare-and-swap saves.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;

use super::token::{StoredToken, TokenKey, TokenSet};
use crate::{Error, ErrorKind, Result};

/// Held by the one task (or process) refreshing a key; dropping it lets the others go on.
pub struct RefreshLease(#[allow(dead_code)] Box<dyn Any + Send + Sync>);

impl RefreshLease {
    /// Wraps whatever keeps the lease held (a lock guard, a lock file).
    pub fn new(guard: impl Any + Send + Sync) -> Self {
        Self(Box::new(guard))
    }
}

impl fmt::Debug for RefreshLease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshLease")
    }
}

/// Where tokens live between calls and across processes.
///
/// `save` is compare-and-swap: with `expected = Some(v)` it succeeds only if the stored
/// version is still `v`, and fails with [`ErrorKind::Conflict`] otherwise, so that two
/// refreshers cannot overwrite each other's rotated refresh token. `expected = None` writes
/// unconditionally (a fresh consent). A database-backed store implements this same trait.
#[async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The token and its version, if any.
    async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>>;

    /// Saves and returns the new version.
    async fn save(&self, key: &TokenKey, token: &TokenSet, expected: Option<u64>) -> Result<u64>;

    /// Removes the token (the user disconnected).
    async fn delete(&self, key: &TokenKey) -> Result<()>;

    /// Waits until this caller is the only refresher of `key`. Stores that cannot lease
    /// return `None`; the token manager then relies on CAS plus a re-read.
    async fn lease(&self, key: &TokenKey) -> Result<Option<RefreshLease>> {
        let _ = key;
        Ok(None)
    }
}

pub(crate) fn conflict(key: &TokenKey, expected: Option<u64>, found: Option<u64>) -> Error {
    Error::new(
        ErrorKind::Conflict,
        "atom",
        format!("token for {key} changed: expected version {expected:?}, found {found:?}"),
    )
}

/// Tokens in memory, for tests and single-process services.
///
/// ```
/// # async fn demo() -> atom_core::Result<()> {
/// use atom_core::{MemoryTokenStore, Secret, TokenKey, TokenSet, TokenStore};
/// let store = MemoryTokenStore::default();
/// let key = TokenKey::new("hubspot", "portal-1");
/// let v1 = store.save(&key, &TokenSet::bearer(Secret::new("a")), None).await?;
/// assert!(store.save(&key, &TokenSet::bearer(Secret::new("b")), Some(v1 + 1)).await.is_err());
/// # Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<TokenKey, StoredToken>>,
    leases: Mutex<HashMap<TokenKey, Arc<tokio::sync::Mutex<()>>>>,
}

#[async_trait]
impl TokenStore for MemoryTokenStore {
    async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>> {
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(tokens.get(key).cloned())
    }

    async fn save(&self, key: &TokenKey, token: &TokenSet, expected: Option<u64>) -> Result<u64> {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        let current = tokens.get(key).map(|t| t.version);
        if expected.is_some() && expected != current {
            return Err(conflict(key, expected, current));
        }
        let version = current.unwrap_or(0) + 1;
        tokens.insert(
            key.clone(),
            StoredToken {
                version,
                token: token.clone(),
            },
        );
        Ok(version)
    }

    async fn delete(&self, key: &TokenKey) -> Result<()> {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
        Ok(())
    }

    async fn lease(&self, key: &TokenKey) -> Result<Option<RefreshLease>> {
        let lock = self
            .leases
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.clone())
            .or_default()
            .clone();
        Ok(Some(RefreshLease::new(lock.lock_owned().await)))
    }
}
