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
///
/// # The refresh lease is part of the contract for shared stores
///
/// A store used by more than one process (or by more than one [`crate::TokenManager`] for
/// the same key) **must** implement [`TokenStore::lease`]. Compare-and-swap only decides
/// whose result is kept *after* two refreshes ran; by then both presented the same refresh
/// token, and providers that detect refresh-token reuse (Salesforce, Xero, Okta, Auth0 with
/// rotation) revoke the whole grant at the second presentation, so the user must consent
/// again. Only a lease held around "load, refresh, save" prevents the second presentation.
/// The default `lease` (no lease) is correct only for a store that one manager per key uses
/// in one process: that manager's own single flight is then the only coordination needed.
///
/// # Dead grants
///
/// [`TokenStore::record_dead_grant`] and [`TokenStore::dead_grant`] let a manager tell the
/// other processes that a token version's grant was refused (`invalid_grant`), so that they
/// fail at once instead of each sending a doomed refresh. A later save of any kind (a fresh
/// consent, `save(.., None)`) makes a new version and so clears the mark. The defaults record
/// nothing, which is correct but lets every process find out for itself.
#[async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The token and its version, if any.
    async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>>;

    /// Saves and returns the new version.
    async fn save(&self, key: &TokenKey, token: &TokenSet, expected: Option<u64>) -> Result<u64>;

    /// Removes the token (the user disconnected).
    async fn delete(&self, key: &TokenKey) -> Result<()>;

    /// Waits until this caller is the only refresher of `key`, across every process that
    /// shares the store, and holds that until the returned lease is dropped. A store that
    /// other processes share should bound the wait and fail with an error that says what
    /// was waited for (as [`crate::FileTokenStore`] does).
    ///
    /// Required for any store shared by more than one process (see the trait docs). The
    /// default returns `None` ("no lease"): the token manager then relies on compare-and-swap
    /// and a re-read, which is only safe when a single manager uses the store for `key`.
    async fn lease(&self, key: &TokenKey) -> Result<Option<RefreshLease>> {
        let _ = key;
        Ok(None)
    }

    /// Records that the grant of the token stored at `version` was refused by the provider
    /// (`invalid_grant`). Does nothing when the stored version is no longer `version`. The
    /// default records nothing.
    async fn record_dead_grant(&self, key: &TokenKey, version: u64) -> Result<()> {
        let _ = (key, version);
        Ok(())
    }

    /// The version whose grant was recorded dead, if the token of record is still that
    /// version. The default knows of none.
    async fn dead_grant(&self, key: &TokenKey) -> Result<Option<u64>> {
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
    dead: Mutex<HashMap<TokenKey, u64>>,
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
        self.dead
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
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
        self.dead
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

    async fn record_dead_grant(&self, key: &TokenKey, version: u64) -> Result<()> {
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        if tokens.get(key).map(|t| t.version) == Some(version) {
            self.dead
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key.clone(), version);
        }
        Ok(())
    }

    async fn dead_grant(&self, key: &TokenKey) -> Result<Option<u64>> {
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        let current = tokens.get(key).map(|t| t.version);
        let dead = self.dead.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(dead.get(key).copied().filter(|v| Some(*v) == current))
    }
}
