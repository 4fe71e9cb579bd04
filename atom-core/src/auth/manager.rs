//! Hands out a valid access token: refresh ahead of expiry, one refresh at a time, rotated
//! tokens saved before use, and no newer token ever thrown away.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use url::Url;

use super::credentials::{Authenticator, Authorization};
use super::oauth::TokenRefresher;
use super::store::TokenStore;
use super::token::{StoredToken, TokenKey};
use crate::{Error, ErrorKind, Result};

/// Keeps one key's token valid.
///
/// * Refreshes `margin` before expiry (default 60 s).
/// * One refresh in flight per key in this process (a hundred callers cause one call to the
///   token endpoint) and, through the store's lease, across processes.
/// * Saves the rotated token (compare-and-swap) before handing it out.
/// * On `invalid_grant`, re-reads the store: if another process rotated the token meanwhile,
///   that one is used; otherwise the error is `ReauthorizationRequired`.
/// * After a 401, refreshes only if the refused token is still the current one, so a token a
///   concurrent task just refreshed is not discarded.
///
/// ```no_run
/// # async fn demo(oauth: atom_core::OAuthClient) -> atom_core::Result<()> {
/// use std::sync::Arc;
/// use atom_core::{MemoryTokenStore, TokenKey, TokenManager};
/// let manager = TokenManager::new(
///     TokenKey::new("hubspot", "portal-62515"),
///     Arc::new(MemoryTokenStore::default()),
///     Arc::new(oauth),
/// );
/// let (token, _version) = manager.access_token().await?;
/// # let _ = token; Ok(()) }
/// ```
pub struct TokenManager {
    key: TokenKey,
    store: Arc<dyn TokenStore>,
    refresher: Arc<dyn TokenRefresher>,
    margin: Duration,
    cached: Mutex<Option<StoredToken>>,
    refresh_gate: tokio::sync::Mutex<()>,
    service: &'static str,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("key", &self.key)
            .field("store", &self.store)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl TokenManager {
    /// A manager for `key`, reading and writing `store`, refreshing with `refresher`.
    pub fn new(
        key: TokenKey,
        store: Arc<dyn TokenStore>,
        refresher: Arc<dyn TokenRefresher>,
    ) -> Self {
        Self {
            key,
            store,
            refresher,
            margin: Duration::from_secs(60),
            cached: Mutex::new(None),
            refresh_gate: tokio::sync::Mutex::new(()),
            service: "atom",
        }
    }

    /// Refresh this long before expiry.
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The service id used in errors.
    pub fn service(mut self, service: &'static str) -> Self {
        self.service = service;
        self
    }

    /// The key.
    pub fn key(&self) -> &TokenKey {
        &self.key
    }

    fn cached(&self) -> Option<StoredToken> {
        self.cached
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn remember(&self, stored: &StoredToken) {
        *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = Some(stored.clone());
    }

    fn fresh(&self, stored: &StoredToken) -> bool {
        !stored.token.expires_within(self.margin, Utc::now())
    }

    /// A usable token set and its store version, refreshing first when needed.
    pub async fn current(&self) -> Result<StoredToken> {
        if let Some(stored) = self.cached()
            && self.fresh(&stored)
        {
            return Ok(stored);
        }
        let stale = self.cached().map(|s| s.version);
        self.renew(stale).await
    }

    /// The access token and its version.
    pub async fn access_token(&self) -> Result<(crate::Secret, u64)> {
        let stored = self.current().await?;
        Ok((stored.token.access_token, stored.version))
    }

    /// The token of version `refused` was refused (401): refresh unless a newer one exists.
    pub async fn invalidate(&self, refused: u64) -> Result<StoredToken> {
        self.renew(Some(refused)).await
    }

    /// Returns a token newer than `stale` that is fresh, refreshing only if none exists.
    async fn renew(&self, stale: Option<u64>) -> Result<StoredToken> {
        let acceptable = |s: &StoredToken| Some(s.version) != stale && self.fresh(s);
        let _gate = self.refresh_gate.lock().await;
        if let Some(cached) = self.cached()
            && acceptable(&cached)
        {
            return Ok(cached);
        }
        if let Some(stored) = self.store.load(&self.key).await?
            && acceptable(&stored)
        {
            self.remember(&stored);
            return Ok(stored);
        }
        let _lease = self.store.lease(&self.key).await?;
        let Some(stored) = self.store.load(&self.key).await? else {
            return self.issue_first().await;
        };
        if acceptable(&stored) {
            self.remember(&stored);
            return Ok(stored);
        }
        tracing::debug!(key = %self.key, version = stored.version, "refreshing access token");
        match self.refresher.refresh(&stored.token).await {
            Ok(token) => {
                let saved = self
                    .store
                    .save(&self.key, &token, Some(stored.version))
                    .await;
                let fresh = match saved {
                    Ok(version) => StoredToken { version, token },
                    // Someone without a lease wrote first; theirs is the token of record.
                    Err(e) if e.kind() == ErrorKind::Conflict => self.reload(e).await?,
                    Err(e) => return Err(e),
                };
                self.remember(&fresh);
                Ok(fresh)
            }
            Err(e) if e.kind() == ErrorKind::ReauthorizationRequired => {
                let again = self.store.load(&self.key).await?;
                match again {
                    Some(rotated) if rotated.version != stored.version => {
                        self.remember(&rotated);
                        Ok(rotated)
                    }
                    _ => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Nothing stored: grants without consent issue a first token; others need the user.
    async fn issue_first(&self) -> Result<StoredToken> {
        let Some(token) = self.refresher.issue().await? else {
            return Err(Error::new(
                ErrorKind::ReauthorizationRequired,
                self.service,
                format!("no token stored for {}: the user must authorize", self.key),
            ));
        };
        let version = self.store.save(&self.key, &token, None).await?;
        let stored = StoredToken { version, token };
        self.remember(&stored);
        Ok(stored)
    }

    async fn reload(&self, cause: Error) -> Result<StoredToken> {
        self.store.load(&self.key).await?.ok_or(cause)
    }
}

/// Bearer auth from a [`TokenManager`], with one refresh and replay after a 401.
///
/// `base_url_field` names a token extra that holds the API base for this token
/// (Salesforce's `instance_url`).
#[derive(Debug, Clone)]
pub struct OAuthAuthenticator {
    manager: Arc<TokenManager>,
    base_url_field: Option<&'static str>,
}

impl OAuthAuthenticator {
    /// Bearer auth from `manager`.
    pub fn new(manager: Arc<TokenManager>) -> Self {
        Self {
            manager,
            base_url_field: None,
        }
    }

    /// Takes each call's base URL from this token extra.
    pub fn base_url_from(mut self, field: &'static str) -> Self {
        self.base_url_field = Some(field);
        self
    }

    /// The manager.
    pub fn manager(&self) -> &Arc<TokenManager> {
        &self.manager
    }

    fn authorization(&self, stored: &StoredToken) -> Result<Authorization> {
        let service = self.manager.service;
        let mut auth = Authorization::header(
            http::header::AUTHORIZATION,
            &format!("Bearer {}", stored.token.access_token.expose()),
            service,
        )?;
        auth.token_version = Some(stored.version);
        if let Some(field) = self.base_url_field {
            let raw = stored.token.extra_str(field).ok_or_else(|| {
                Error::config(
                    service,
                    format!("token has no `{field}` to use as the API base URL"),
                )
            })?;
            let url = Url::parse(raw).map_err(|e| {
                Error::config(service, format!("token `{field}` is not a URL: {e}"))
            })?;
            crate::http_util::validate_base_url(service, &url)?;
            auth.base_url = Some(url);
        }
        Ok(auth)
    }
}

#[async_trait]
impl Authenticator for OAuthAuthenticator {
    async fn authorize(&self) -> Result<Authorization> {
        let stored = self.manager.current().await?;
        self.authorization(&stored)
    }

    async fn unauthorized(&self, used: &Authorization) -> Result<bool> {
        match used.token_version {
            Some(version) => {
                self.manager.invalidate(version).await?;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}
