//! Credentials: a private app's access token ([`crate::ClientBuilder::access_token`]) or
//! OAuth 2.0 for a public app installed in many portals ([`OAuthApp`]).
//!
//! A public app sends the user to HubSpot's consent page with its required `scope` and
//! its `optional_scope`, exchanges the returned code, learns the portal (hub) id the token
//! acts for (the token answer's `hub_id`, else the token metadata endpoint), and stores
//! the token under `TokenKey("hubspot", <hub id>)`: one token per portal. HubSpot access
//! tokens live 30 minutes; the [`atom_core::TokenManager`] from
//! [`OAuthApp::token_manager`] refreshes five minutes ahead of expiry, one refresh in
//! flight per portal, and the client it authenticates keeps its limits under the portal
//! id.
//!
//! ```no_run
//! # async fn demo() -> atom_core::Result<()> {
//! use std::sync::Arc;
//! use atom_core::{MemoryTokenStore, Secret};
//! use atom_hubspot::auth::OAuthApp;
//! use atom_hubspot::Client;
//!
//! let app = OAuthApp::new(
//!     "client-id",
//!     Secret::new("client-secret"),
//!     "https://app.example.com/hubspot/callback",
//!     &["crm.objects.contacts.read", "crm.objects.contacts.write"],
//! )?
//! .optional_scopes(&["crm.objects.deals.read"])?;
//! let pending = app.authorize_url()?; // send the user to pending.url; keep `pending`
//! // ... the callback brings `state` and `code` back:
//! let store = Arc::new(MemoryTokenStore::default());
//! let key = app.exchange_and_store(&pending, "returned-state", "code", store.as_ref()).await?;
//! let client = Client::builder().token_manager(app.token_manager(key, store)).build()?;
//! # let _ = client; Ok(()) }
//! ```

use std::sync::Arc;
use std::time::Duration;

use atom_core::{
    ClientAuth, Error, ErrorKind, OAuthClient, OAuthConfig, PendingAuthorization, Request, Result,
    Secret, TokenKey, TokenManager, TokenRefresher, TokenSet, TokenStore,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::SERVICE;
use crate::client::{Client, DEFAULT_BASE_URL};

/// HubSpot's consent page.
pub const AUTHORIZE_URL: &str = "https://app.hubspot.com/oauth/authorize";
/// The token endpoint path on the API host.
pub const TOKEN_PATH: &str = "/oauth/v1/token";
/// How long before expiry a token is refreshed (HubSpot tokens live 30 minutes).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// What HubSpot says about an access token (`GET /oauth/v1/access-tokens/{token}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenInfo {
    /// The portal the token acts for (HubSpot's description types it int32).
    pub hub_id: i64,
    /// The portal's domain.
    #[serde(default)]
    pub hub_domain: Option<String>,
    /// The app.
    #[serde(default)]
    pub app_id: Option<i64>,
    /// The user who installed the app (an email).
    #[serde(default)]
    pub user: Option<String>,
    /// That user's id.
    #[serde(default)]
    pub user_id: Option<i64>,
    /// Granted scopes.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Seconds left.
    #[serde(default)]
    pub expires_in: Option<i64>,
    /// `access`.
    #[serde(default)]
    pub token_type: Option<String>,
}

/// A public app: its registration, consent URLs, code exchange, token metadata and
/// refresh-token revocation. Its `Debug` shows no secret.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    oauth: OAuthClient,
    api: Client,
}

fn bad(what: &str, e: impl std::fmt::Display) -> Error {
    Error::config(SERVICE, format!("bad {what}: {e}"))
}

impl OAuthApp {
    /// An app talking to the production hosts.
    pub fn new(
        client_id: &str,
        client_secret: Secret,
        redirect_url: &str,
        scopes: &[&str],
    ) -> Result<Self> {
        Self::with_hosts(
            client_id,
            client_secret,
            redirect_url,
            scopes,
            AUTHORIZE_URL,
            DEFAULT_BASE_URL,
        )
    }

    /// An app talking to other hosts (a local mock): the consent page and the API base
    /// that serves `/oauth/v1/*`.
    pub fn with_hosts(
        client_id: &str,
        client_secret: Secret,
        redirect_url: &str,
        scopes: &[&str],
        authorize_url: &str,
        api_base: &str,
    ) -> Result<Self> {
        let redirect = Url::parse(redirect_url).map_err(|e| bad("redirect URL", e))?;
        let authorize = Url::parse(authorize_url).map_err(|e| bad("authorize URL", e))?;
        let token = Url::parse(api_base)
            .and_then(|b| b.join(TOKEN_PATH))
            .map_err(|e| bad("API base", e))?;
        let config = OAuthConfig::new(client_id, authorize, token)
            .client_secret(client_secret)
            .redirect_url(redirect)
            .scopes(scopes.iter().copied())
            // HubSpot reads the client id and secret from the form body.
            .client_auth(ClientAuth::RequestBody);
        Ok(Self {
            oauth: OAuthClient::new(SERVICE, config)?,
            api: Client::builder().base_url(api_base).build()?,
        })
    }

    /// Scopes the app can use when the portal has them, without requiring them
    /// (`optional_scope`).
    pub fn optional_scopes(mut self, scopes: &[&str]) -> Result<Self> {
        if scopes.is_empty() {
            return Ok(self);
        }
        let config = self
            .oauth
            .config()
            .clone()
            .authorize_param("optional_scope", scopes.join(" "));
        self.oauth = OAuthClient::new(SERVICE, config)?;
        Ok(self)
    }

    /// Injects the HTTP client used for the token endpoint and the metadata calls.
    pub fn http_client(mut self, http: atom_core::reqwest::Client) -> Result<Self> {
        let config = self.oauth.config().clone();
        let base = self.api.api().base_url().to_string();
        self.oauth = OAuthClient::with_http(SERVICE, config, http.clone())?;
        self.api = Client::builder().base_url(base).http_client(http).build()?;
        Ok(self)
    }

    /// The core OAuth client (refresh, any grant).
    pub fn oauth(&self) -> &OAuthClient {
        &self.oauth
    }

    /// A consent URL with a fresh `state` (and PKCE); keep the result until the callback.
    pub fn authorize_url(&self) -> Result<PendingAuthorization> {
        self.oauth.authorize_url()
    }

    /// Exchanges the callback's code (after checking its `state`).
    pub async fn exchange_code(
        &self,
        pending: &PendingAuthorization,
        returned_state: &str,
        code: &str,
    ) -> Result<TokenSet> {
        self.oauth
            .exchange_code(pending, returned_state, code)
            .await
    }

    /// Finishes the flow: exchanges the code, learns the portal id, saves the token under
    /// `TokenKey("hubspot", <hub id>)` and returns the key.
    pub async fn exchange_and_store(
        &self,
        pending: &PendingAuthorization,
        returned_state: &str,
        code: &str,
        store: &dyn TokenStore,
    ) -> Result<TokenKey> {
        let mut token = self.exchange_code(pending, returned_state, code).await?;
        let hub_id = match hub_id(&token) {
            Some(id) => id,
            None => {
                let info = self.token_info(&token.access_token).await?;
                let id = u64::try_from(info.hub_id)
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| {
                        Error::decode(SERVICE, "the token metadata names no portal (hub_id)")
                    })?;
                token
                    .extra
                    .insert("hub_id".into(), serde_json::Value::from(id));
                id
            }
        };
        let key = token_key(hub_id);
        store.save(&key, &token, None).await?;
        Ok(key)
    }

    /// A token manager for a stored portal token: refreshes five minutes before the
    /// 30-minute expiry, one refresh in flight, through [`Refresher`].
    pub fn token_manager(&self, key: TokenKey, store: Arc<dyn TokenStore>) -> Arc<TokenManager> {
        Arc::new(
            TokenManager::new(key, store, Arc::new(Refresher(self.oauth.clone())))
                .margin(REFRESH_MARGIN)
                .service(SERVICE),
        )
    }

    /// `GET /oauth/v1/access-tokens/{token}`: the portal, user, app and scopes of a token.
    /// The token never appears in logs or error text.
    pub async fn token_info(&self, access_token: &Secret) -> Result<TokenInfo> {
        let raw = access_token.expose();
        let segment = crate::validate::id("access token", raw)
            .map_err(|_| Error::config(SERVICE, "the access token is not a valid path segment"))?;
        let request = Request::get(format!("/oauth/v1/access-tokens/{segment}"))
            .operation("oauth.token_info")
            .path_template("/oauth/v1/access-tokens/{token}");
        self.api
            .send_json(request)
            .await
            .map_err(|e| crate::error::scrub_error(e, &[raw, &segment]))
    }

    /// `DELETE /oauth/v1/refresh-tokens/{token}`: revokes a refresh token (the app is
    /// uninstalled from the portal's point of view; the user must consent again). A token
    /// HubSpot no longer knows (404) counts as revoked, so a retried revocation succeeds.
    pub async fn revoke_refresh_token(&self, refresh_token: &Secret) -> Result<()> {
        let raw = refresh_token.expose();
        let segment = crate::validate::id("refresh token", raw)
            .map_err(|_| Error::config(SERVICE, "the refresh token is not a valid path segment"))?;
        let request = Request::delete(format!("/oauth/v1/refresh-tokens/{segment}"))
            .operation("oauth.revoke")
            .path_template("/oauth/v1/refresh-tokens/{token}");
        match self.api.send(request).await {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(crate::error::scrub_error(e, &[raw, &segment])),
        }
    }
}

/// HubSpot's refresh as a [`TokenRefresher`]: the core OAuth refresh, with HubSpot's way of
/// saying the grant is dead understood. HubSpot answers a refused refresh with `400` and
/// `{"status": "BAD_REFRESH_TOKEN", "message": …}` rather than RFC 6749's `invalid_grant`;
/// a `400`/`401` to a refresh (a revoked or unknown refresh token, an uninstalled app, or
/// wrong app credentials) is [`ErrorKind::ReauthorizationRequired`], so the token manager
/// stops refreshing and the caller asks the portal's user to install the app again.
#[derive(Debug, Clone)]
pub struct Refresher(pub OAuthClient);

#[async_trait::async_trait]
impl TokenRefresher for Refresher {
    async fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        self.0.refresh(current).await.map_err(|e| {
            let refused = matches!(e.status(), Some(400 | 401))
                && matches!(
                    e.kind(),
                    ErrorKind::InvalidRequest | ErrorKind::Unauthorized
                );
            if refused {
                e.with_kind(ErrorKind::ReauthorizationRequired)
            } else {
                e
            }
        })
    }
}

/// The portal id a token answer names (`hub_id`), if any.
pub fn hub_id(token: &TokenSet) -> Option<u64> {
    match token.extra.get("hub_id")? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
}

/// The store key of a portal's token: `TokenKey("hubspot", "<hub id>")`.
pub fn token_key(hub_id: u64) -> TokenKey {
    TokenKey::new(SERVICE, hub_id.to_string())
}
