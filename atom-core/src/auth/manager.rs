//! Hands out a valid access token: refresh ahead of expiry, one refresh at a time, rotated
//! tokens saved before use (or kept in memory when the store fails), no newer token ever
//! thrown away, and a dead grant found out once.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::Utc;
use url::Url;

use super::credentials::{Authenticator, Authorization};
use super::oauth::TokenRefresher;
use super::store::TokenStore;
use super::token::{StoredToken, TokenKey, TokenSet};
use crate::{Error, ErrorKind, Result};

/// Saves of a refreshed token tried before it is kept in memory only.
const SAVE_ATTEMPTS: u32 = 3;
/// The wait before the second save attempt; it doubles for each further one.
const SAVE_BACKOFF: Duration = Duration::from_millis(50);
/// How often serving an unsaved token tries to save it again.
const UNSAVED_RETRY_EVERY: Duration = Duration::from_secs(1);

/// Keeps one key's token valid.
///
/// * Refreshes `margin` before expiry (default 60 s).
/// * One refresh in flight per key in this process (a hundred callers cause one call to the
///   token endpoint) and, through the store's lease, across processes. A store shared by
///   several processes must provide a lease (see [`TokenStore`]): without one, two
///   processes can present the same refresh token, which providers that detect reuse punish
///   by revoking the grant.
/// * Saves the rotated token (compare-and-swap) before handing it out. If the save keeps
///   failing (other than a compare-and-swap conflict), the new token set is not lost: this
///   call fails with [`ErrorKind::Storage`] carrying it ([`Error::unsaved_token`]: persist it
///   elsewhere, it holds the only valid refresh token), and the manager keeps it in memory,
///   serves it while fresh, retries the save about once a second from [`TokenManager::current`]
///   until it lands, and refreshes from it (never from the store's spent one). While it is
///   unsaved it carries the version of the stored token it replaces, and every
///   [`ErrorKind::Storage`] error from the manager carries it too.
/// * On `invalid_grant`, re-reads the store: if another process rotated the token meanwhile,
///   that one is used; otherwise the error is `ReauthorizationRequired`, the grant is
///   remembered as dead for that version (every queued caller fails at once, without a token
///   request) and recorded in the store ([`TokenStore::record_dead_grant`]) so that managers
///   in other processes fail at once too. A new token saved for the key (a fresh consent)
///   clears it.
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
    state: Mutex<State>,
    refresh_gate: tokio::sync::Mutex<()>,
    service: &'static str,
}

#[derive(Default)]
struct State {
    /// The token handed out. While `unsaved` is set it is not in the store, and its version
    /// is that of the stored token it replaces (whose refresh token is spent).
    cached: Option<StoredToken>,
    unsaved: Option<Unsaved>,
    /// An unsaved token that landed: (the version it was handed out with, its new version),
    /// so that a 401 reported against the first refers to the second.
    landed: Option<(u64, u64)>,
    dead: Option<DeadGrant>,
}

struct Unsaved {
    next_try: Instant,
}

/// A grant the provider refused: the store version it was found at and the answer.
struct DeadGrant {
    version: u64,
    error: Error,
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
            state: Mutex::default(),
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

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn cached(&self) -> Option<StoredToken> {
        self.state().cached.clone()
    }

    /// Adopts a token of record from the store.
    fn remember(&self, stored: &StoredToken) {
        let mut state = self.state();
        if state.unsaved.take().is_some()
            && let Some(unsaved) = &state.cached
            && unsaved.token == stored.token
        {
            state.landed = Some((unsaved.version, stored.version));
        }
        state.cached = Some(stored.clone());
    }

    /// Keeps a refreshed token that the store did not take, in place of version `replaces`.
    fn keep_unsaved(&self, replaces: u64, token: TokenSet) {
        let mut state = self.state();
        state.cached = Some(StoredToken {
            version: replaces,
            token,
        });
        state.unsaved = Some(Unsaved {
            next_try: Instant::now() + UNSAVED_RETRY_EVERY,
        });
    }

    /// The unsaved token, if one is kept.
    fn unsaved(&self) -> Option<StoredToken> {
        let state = self.state();
        state.unsaved.as_ref().and(state.cached.clone())
    }

    /// Drops what is cached (the store moved on, or the key was disconnected).
    fn forget(&self) {
        let mut state = self.state();
        state.cached = None;
        state.unsaved = None;
    }

    /// Whether serving the unsaved token should try to save it now; claims the attempt.
    fn unsaved_save_due(&self) -> bool {
        let mut state = self.state();
        match &mut state.unsaved {
            Some(unsaved) if Instant::now() >= unsaved.next_try => {
                unsaved.next_try = Instant::now() + UNSAVED_RETRY_EVERY;
                true
            }
            _ => false,
        }
    }

    fn known_dead(&self, version: u64) -> Option<Error> {
        let state = self.state();
        let dead = state.dead.as_ref()?;
        (dead.version == version).then(|| dead.error.clone())
    }

    fn remember_dead(&self, version: u64, error: &Error) {
        let mut state = self.state();
        state.dead = Some(DeadGrant {
            version,
            error: error.clone(),
        });
        state.cached = None;
        state.unsaved = None;
    }

    /// A 401 against the version an unsaved token was handed out with means its new version.
    fn resolve_landed(&self, stale: Option<u64>) -> Option<u64> {
        match (stale, self.state().landed) {
            (Some(refused), Some((from, to))) if refused == from => Some(to),
            _ => stale,
        }
    }

    /// A storage error carries the unsaved token while one is kept.
    fn with_unsaved(&self, error: Error) -> Error {
        if error.kind() != ErrorKind::Storage || error.unsaved_token().is_some() {
            return error;
        }
        match self.unsaved() {
            Some(unsaved) => error.with_unsaved_token(unsaved.token),
            None => error,
        }
    }

    fn fresh(&self, stored: &StoredToken) -> bool {
        !stored.token.expires_within(self.margin, Utc::now())
    }

    /// A usable token set and its store version, refreshing first when needed.
    ///
    /// While a refreshed token could not be saved, it is served from memory (and this
    /// tries to save it again, about once a second).
    pub async fn current(&self) -> Result<StoredToken> {
        self.current_inner()
            .await
            .map_err(|e| e.for_service(self.service))
    }

    async fn current_inner(&self) -> Result<StoredToken> {
        if let Some(stored) = self.cached()
            && self.fresh(&stored)
        {
            if !self.unsaved_save_due() {
                return Ok(stored);
            }
            self.retry_unsaved().await;
            if let Some(now) = self.cached()
                && self.fresh(&now)
            {
                return Ok(now);
            }
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
        self.renew(Some(refused))
            .await
            .map_err(|e| e.for_service(self.service))
    }

    /// One more save of the unsaved token; failures leave it kept in memory.
    async fn retry_unsaved(&self) {
        // A renewal in progress saves on its own: never two writers of our token at once.
        let Ok(_gate) = self.refresh_gate.try_lock() else {
            return;
        };
        let Some(unsaved) = self.unsaved() else {
            return;
        };
        match self
            .store
            .save(&self.key, &unsaved.token, Some(unsaved.version))
            .await
        {
            Ok(version) => {
                tracing::info!(key = %self.key, version, "saved the refreshed token kept in memory");
                self.remember(&StoredToken {
                    version,
                    token: unsaved.token,
                });
            }
            Err(e) if e.kind() == ErrorKind::Conflict => match self.store.load(&self.key).await {
                // The store moved on (a fresh consent, or an earlier attempt of ours landed
                // though it reported failure): its token is the token of record.
                Ok(Some(stored)) => self.remember(&stored),
                Ok(None) => self.forget(),
                Err(e) => {
                    tracing::warn!(key = %self.key, error = %e, "cannot re-read the token store")
                }
            },
            Err(e) => {
                tracing::warn!(key = %self.key, error = %e, "refreshed token still not saved; serving it from memory");
            }
        }
    }

    /// Returns a token newer than `stale` that is fresh, refreshing only if none exists.
    async fn renew(&self, stale: Option<u64>) -> Result<StoredToken> {
        let _gate = self.refresh_gate.lock().await;
        self.renew_gated(stale)
            .await
            .map_err(|e| self.with_unsaved(e))
    }

    async fn renew_gated(&self, stale: Option<u64>) -> Result<StoredToken> {
        let stale = self.resolve_landed(stale);
        let acceptable = |s: &StoredToken| Some(s.version) != stale && self.fresh(s);
        if let Some(cached) = self.cached()
            && acceptable(&cached)
        {
            return Ok(cached);
        }
        let unsaved = self.unsaved();
        // The stored copy of the version an unsaved token replaced has a spent refresh token.
        let superseded = |s: &StoredToken| unsaved.as_ref().is_some_and(|u| u.version == s.version);
        if let Some(stored) = self.store.load(&self.key).await?
            && !superseded(&stored)
        {
            if acceptable(&stored) {
                self.remember(&stored);
                return Ok(stored);
            }
            // Queued behind a refresh that found the grant dead: fail without asking again.
            if let Some(dead) = self.known_dead(stored.version) {
                return Err(dead);
            }
        }
        let _lease = match self.store.lease(&self.key).await {
            Ok(lease) => lease,
            // Only this process holds a valid refresh token (the stored one is spent), so a
            // refresh without the lease cannot race another refresher of it.
            Err(e) if unsaved.is_some() => {
                tracing::warn!(key = %self.key, error = %e, "no refresh lease; refreshing the unsaved token anyway");
                None
            }
            Err(e) => return Err(e),
        };
        let Some(stored) = self.store.load(&self.key).await? else {
            self.forget();
            return self.issue_first().await;
        };
        let base = match unsaved {
            Some(unsaved) if unsaved.version == stored.version => unsaved,
            _ => {
                if acceptable(&stored) {
                    self.remember(&stored);
                    return Ok(stored);
                }
                if unsaved.is_some() {
                    // A new grant was saved meanwhile; the unsaved token is not the newest.
                    self.forget();
                }
                self.check_not_dead(stored.version).await?;
                stored
            }
        };
        tracing::debug!(key = %self.key, version = base.version, "refreshing access token");
        match self.refresher.refresh(&base.token).await {
            Ok(token) => self.save_refreshed(base.version, token).await,
            Err(e) if e.kind() == ErrorKind::ReauthorizationRequired => {
                self.grant_refused(base.version, e).await
            }
            Err(e) => Err(e),
        }
    }

    /// Fails when this process or the store knows the grant of `version` to be dead.
    async fn check_not_dead(&self, version: u64) -> Result<()> {
        if let Some(dead) = self.known_dead(version) {
            return Err(dead);
        }
        if self.store.dead_grant(&self.key).await? == Some(version) {
            let error = Error::new(
                ErrorKind::ReauthorizationRequired,
                self.service,
                format!(
                    "the grant of {} (version {version}) was refused by the provider, as \
                     recorded in the token store: the user must authorize again",
                    self.key
                ),
            )
            .with_provider_code("invalid_grant");
            self.remember_dead(version, &error);
            return Err(error);
        }
        Ok(())
    }

    /// Saves a refreshed token, retrying; keeps it in memory when the store will not take it.
    async fn save_refreshed(&self, replaces: u64, token: TokenSet) -> Result<StoredToken> {
        let mut last = None;
        let mut backoff = SAVE_BACKOFF;
        for attempt in 1..=SAVE_ATTEMPTS {
            match self.store.save(&self.key, &token, Some(replaces)).await {
                Ok(version) => {
                    let fresh = StoredToken { version, token };
                    self.remember(&fresh);
                    return Ok(fresh);
                }
                // Someone without a lease wrote first, or an attempt of ours that reported
                // failure landed after all: the store's token is the token of record.
                Err(e) if e.kind() == ErrorKind::Conflict => {
                    return match self.store.load(&self.key).await {
                        Ok(Some(stored)) => {
                            self.remember(&stored);
                            Ok(stored)
                        }
                        Ok(None) => Err(e),
                        Err(load) => {
                            // Unknown what the store holds: keep ours rather than lose it.
                            self.keep_unsaved(replaces, token);
                            Err(load)
                        }
                    };
                }
                Err(e) => {
                    tracing::warn!(key = %self.key, attempt, error = %e, "cannot save the refreshed token");
                    last = Some(e);
                }
            }
            if attempt < SAVE_ATTEMPTS {
                tokio::time::sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
            }
        }
        let cause = last.map(|e| e.message().to_owned()).unwrap_or_default();
        self.keep_unsaved(replaces, token.clone());
        Err(Error::new(
            ErrorKind::Storage,
            self.service,
            format!(
                "refreshed the token of {} but could not save it after {SAVE_ATTEMPTS} attempts \
                 ({cause}); it is kept in memory and used until a save succeeds: persist \
                 Error::unsaved_token elsewhere, it holds the only valid refresh token",
                self.key
            ),
        )
        .with_unsaved_token(token))
    }

    /// The provider refused the grant of `version`: use a token another process rotated
    /// meanwhile, or remember (here and in the store) that the grant is dead.
    async fn grant_refused(&self, version: u64, error: Error) -> Result<StoredToken> {
        if let Some(rotated) = self.store.load(&self.key).await?
            && rotated.version != version
        {
            self.remember(&rotated);
            return Ok(rotated);
        }
        self.remember_dead(version, &error);
        if let Err(e) = self.store.record_dead_grant(&self.key, version).await {
            tracing::warn!(key = %self.key, error = %e, "cannot record the dead grant in the token store");
        }
        Err(error)
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
