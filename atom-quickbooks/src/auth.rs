//! Intuit sign-in: the OAuth 2.0 authorization-code flow through atom-core's
//! [`OAuthClient`] (authorize URL with scopes, `state` and PKCE; code exchange; refresh),
//! the realm id the redirect brings back, token storage per realm, revoke and the OpenID
//! user-info call.
//!
//! Access tokens last an hour and are refreshed ahead of time by the core
//! [`TokenManager`]; Intuit rotates the refresh token on use, and the manager saves the new
//! one (compare-and-swap, one refresh in flight per realm) before handing the access token
//! out. Tokens are stored under `TokenKey("quickbooks", realmId)`, with the realm also kept
//! in the token's extras as `realm_id`.
//!
//! ```no_run
//! # async fn demo() -> atom_core::Result<()> {
//! use std::sync::Arc;
//! use atom_core::{MemoryTokenStore, Secret};
//! use atom_quickbooks::auth::{self, Callback, Endpoints, scopes};
//! use atom_quickbooks::{Client, Environment};
//!
//! let oauth = auth::oauth_client(
//!     &Endpoints::production(),
//!     "client-id",
//!     Secret::new("client-secret"),
//!     "https://app.example.com/quickbooks/callback",
//!     &[scopes::ACCOUNTING, scopes::OPENID],
//! )?;
//! let pending = oauth.authorize_url()?; // send the user to pending.url; keep `pending`
//! // ... the redirect comes back as /quickbooks/callback?code=…&state=…&realmId=…
//! let callback = Callback::from_query("code=AB11&state=xyz&realmId=9130347596843992")?;
//! let store = Arc::new(MemoryTokenStore::default());
//! let key = auth::exchange_and_store(&oauth, &pending, &callback, store.as_ref()).await?;
//! let manager = auth::token_manager(oauth, store, &callback.realm_id)?;
//! let qb = Client::new(Environment::Production, &callback.realm_id, manager)?;
//! # let _ = (key, qb); Ok(()) }
//! ```

use std::sync::Arc;
use std::time::Duration;

use atom_core::{
    ApiClient, ClientAuth, Credentials, Error, ErrorKind, Extra, OAuthClient, OAuthConfig,
    PendingAuthorization, Request, Result, Secret, TokenKey, TokenManager, TokenStore,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::SERVICE;
use crate::client::{QuickBooksProvider, validate_realm_id};

/// Intuit's consent page.
pub const AUTHORIZE_URL: &str = "https://appcenter.intuit.com/connect/oauth2";
/// Intuit's token endpoint (code exchange and refresh).
pub const TOKEN_URL: &str = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer";
/// Intuit's revocation endpoint.
pub const REVOKE_URL: &str = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke";
/// The OpenID user-info endpoint (production).
pub const USERINFO_URL: &str = "https://accounts.platform.intuit.com/v1/openid_connect/userinfo";
/// The OpenID user-info endpoint (sandbox).
pub const USERINFO_SANDBOX_URL: &str =
    "https://sandbox-accounts.platform.intuit.com/v1/openid_connect/userinfo";

/// The refresh margin: a new access token is fetched this long before the old one expires.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// OAuth scopes.
pub mod scopes {
    /// The accounting API.
    pub const ACCOUNTING: &str = "com.intuit.quickbooks.accounting";
    /// QuickBooks Payments.
    pub const PAYMENT: &str = "com.intuit.quickbooks.payment";
    /// OpenID Connect.
    pub const OPENID: &str = "openid";
    /// The user's name.
    pub const PROFILE: &str = "profile";
    /// The user's email.
    pub const EMAIL: &str = "email";
    /// The user's phone.
    pub const PHONE: &str = "phone";
    /// The user's address.
    pub const ADDRESS: &str = "address";
}

/// The endpoints of Intuit's sign-in; overridable for tests and proxies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoints {
    /// The consent page.
    pub authorize: Url,
    /// The token endpoint.
    pub token: Url,
    /// The revocation endpoint.
    pub revoke: Url,
    /// The user-info endpoint.
    pub userinfo: Url,
}

fn url(text: &str) -> Result<Url> {
    let url = Url::parse(text).map_err(|e| Error::config(SERVICE, format!("bad URL: {e}")))?;
    atom_core::http_util::validate_base_url(SERVICE, &url)?;
    Ok(url)
}

impl Endpoints {
    /// Intuit's production endpoints.
    pub fn production() -> Self {
        Self::fixed(USERINFO_URL)
    }

    /// Intuit's endpoints for sandbox companies (the user-info host differs).
    pub fn sandbox() -> Self {
        Self::fixed(USERINFO_SANDBOX_URL)
    }

    fn fixed(userinfo: &'static str) -> Self {
        Self {
            authorize: constant_url(AUTHORIZE_URL),
            token: constant_url(TOKEN_URL),
            revoke: constant_url(REVOKE_URL),
            userinfo: constant_url(userinfo),
        }
    }

    /// Every endpoint on another base (a local mock): `{base}/connect/oauth2`,
    /// `{base}/oauth2/v1/tokens/bearer`, `{base}/v2/oauth2/tokens/revoke`,
    /// `{base}/v1/openid_connect/userinfo`.
    pub fn at(base: &str) -> Result<Self> {
        let base = base.trim_end_matches('/');
        Ok(Self {
            authorize: url(&format!("{base}/connect/oauth2"))?,
            token: url(&format!("{base}/oauth2/v1/tokens/bearer"))?,
            revoke: url(&format!("{base}/v2/oauth2/tokens/revoke"))?,
            userinfo: url(&format!("{base}/v1/openid_connect/userinfo"))?,
        })
    }
}

/// Parses one of this module's URL constants (never caller or network data).
#[allow(clippy::expect_used)]
fn constant_url(text: &'static str) -> Url {
    Url::parse(text).expect("the endpoint constants are valid URLs")
}

/// The core OAuth client for an Intuit app: client id and secret as HTTP Basic (as Intuit
/// asks), the redirect URL and scopes.
pub fn oauth_client(
    endpoints: &Endpoints,
    client_id: &str,
    client_secret: Secret,
    redirect_url: &str,
    scopes: &[&str],
) -> Result<OAuthClient> {
    let redirect = Url::parse(redirect_url)
        .map_err(|e| Error::config(SERVICE, format!("bad redirect URL: {e}")))?;
    if scopes.is_empty() {
        return Err(Error::config(
            SERVICE,
            "at least one scope is needed (scopes::ACCOUNTING)",
        ));
    }
    let config = OAuthConfig::new(
        client_id,
        endpoints.authorize.clone(),
        endpoints.token.clone(),
    )
    .client_secret(client_secret)
    .redirect_url(redirect)
    .scopes(scopes.iter().copied())
    .client_auth(ClientAuth::BasicHeader);
    OAuthClient::new(SERVICE, config)
}

/// What Intuit's redirect brings back: `code`, `state` and the company's `realmId`.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Callback {
    /// The authorization code (a secret until exchanged).
    pub code: Secret,
    /// The `state` to check against the pending authorization.
    pub state: String,
    /// The company the user connected.
    pub realm_id: String,
}

impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callback")
            .field("code", &"[redacted]")
            .field("state", &self.state)
            .field("realm_id", &self.realm_id)
            .finish()
    }
}

impl Callback {
    /// Reads the redirect's query string (with or without the leading `?`). An `error`
    /// parameter (the user declined) is an `Unauthorized` error; a missing code or state, or
    /// a realm id that is not digits, a `Config` error.
    pub fn from_query(query: &str) -> Result<Self> {
        let query = query.trim_start_matches('?');
        let mut code = None;
        let mut state = None;
        let mut realm = None;
        let mut error = None;
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            match k.as_ref() {
                "code" => code = Some(v.into_owned()),
                "state" => state = Some(v.into_owned()),
                "realmId" => realm = Some(v.into_owned()),
                "error" => error = Some(v.into_owned()),
                _ => {}
            }
        }
        if let Some(error) = error {
            let error: String = error.chars().take(64).collect();
            return Err(Error::new(
                ErrorKind::Unauthorized,
                SERVICE,
                format!("the user did not authorize the app ({error})"),
            )
            .with_provider_code(error));
        }
        let code = code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Error::config(SERVICE, "the redirect has no code"))?;
        let state = state.ok_or_else(|| Error::config(SERVICE, "the redirect has no state"))?;
        let realm_id =
            realm.ok_or_else(|| Error::config(SERVICE, "the redirect has no realmId"))?;
        validate_realm_id(&realm_id)?;
        Ok(Self {
            code: Secret::new(code),
            state,
            realm_id,
        })
    }
}

/// The store key of a realm's token.
pub fn token_key(realm_id: &str) -> Result<TokenKey> {
    validate_realm_id(realm_id)?;
    Ok(TokenKey::new(SERVICE, realm_id))
}

/// Finishes the flow: checks `state`, exchanges the code (with the PKCE verifier), records
/// the realm in the token (`realm_id`), saves it under the realm's key and returns the key.
pub async fn exchange_and_store(
    oauth: &OAuthClient,
    pending: &PendingAuthorization,
    callback: &Callback,
    store: &dyn TokenStore,
) -> Result<TokenKey> {
    let key = token_key(&callback.realm_id)?;
    let mut token = oauth
        .exchange_code(pending, &callback.state, callback.code.expose())
        .await?;
    token.extra.insert(
        "realm_id".to_owned(),
        serde_json::Value::from(callback.realm_id.clone()),
    );
    store.save(&key, &token, None).await?;
    Ok(key)
}

/// A token manager for one realm: refreshes 5 minutes ahead of the hour, one refresh at a
/// time, the rotated refresh token saved before use.
pub fn token_manager(
    oauth: OAuthClient,
    store: Arc<dyn TokenStore>,
    realm_id: &str,
) -> Result<Arc<TokenManager>> {
    Ok(Arc::new(
        TokenManager::new(token_key(realm_id)?, store, Arc::new(oauth))
            .service(SERVICE)
            .margin(REFRESH_MARGIN),
    ))
}

/// The OpenID user-info answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserInfo {
    /// The user's id.
    #[serde(default)]
    pub sub: String,
    /// The email.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the email is verified.
    #[serde(default)]
    pub email_verified: Option<bool>,
    /// The given name.
    #[serde(default)]
    pub given_name: Option<String>,
    /// The family name.
    #[serde(default)]
    pub family_name: Option<String>,
    /// The phone number.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Other claims.
    #[serde(flatten)]
    pub extra: Extra,
}

fn endpoint_client(
    url: &Url,
    credentials: Credentials,
    http: Option<&atom_core::reqwest::Client>,
) -> Result<ApiClient> {
    let mut builder = ApiClient::builder(QuickBooksProvider, url.as_str())?
        .default_header("accept", "application/json")?
        .credentials(credentials);
    if let Some(http) = http {
        builder = builder.http_client(http.clone());
    }
    builder.build()
}

/// Revoke and user-info calls for an Intuit app.
#[derive(Debug, Clone)]
pub struct AuthClient {
    endpoints: Endpoints,
    client_id: String,
    client_secret: Secret,
    http: Option<atom_core::reqwest::Client>,
}

impl AuthClient {
    /// For the app with this id and secret.
    pub fn new(endpoints: Endpoints, client_id: impl Into<String>, client_secret: Secret) -> Self {
        Self {
            endpoints,
            client_id: client_id.into(),
            client_secret,
            http: None,
        }
    }

    /// Uses this `reqwest::Client` (built without redirects).
    pub fn http_client(mut self, http: atom_core::reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Revokes a refresh token (and the access tokens issued with it) or an access token:
    /// `POST {"token": …}` with the app's Basic credentials. Revoke on disconnect.
    pub async fn revoke(&self, token: &Secret) -> Result<()> {
        if token.is_empty() {
            return Err(Error::config(SERVICE, "no token to revoke"));
        }
        let client = endpoint_client(
            &self.endpoints.revoke,
            Credentials::basic(self.client_id.clone(), self.client_secret.clone()),
            self.http.as_ref(),
        )?;
        let body = serde_json::json!({ "token": token.expose() });
        let request = Request::post(self.endpoints.revoke.as_str())
            .operation("oauth.revoke")
            .path_template(self.endpoints.revoke.path().to_owned())
            // Revoking twice is harmless: the call may be retried.
            .idempotency_key(uuid::Uuid::new_v4().to_string())
            .json(&body);
        client
            .send(request)
            .await
            .map_err(|e| e.scrubbed(&[token.expose()]))?;
        Ok(())
    }

    /// The OpenID user-info of the user an access token belongs to (needs the `openid`
    /// scope, and `email`/`profile`/`phone` for those claims).
    pub async fn userinfo(&self, access_token: &Secret) -> Result<UserInfo> {
        let client = endpoint_client(
            &self.endpoints.userinfo,
            Credentials::Bearer(access_token.clone()),
            self.http.as_ref(),
        )?;
        let request = Request::get(self.endpoints.userinfo.as_str())
            .operation("oauth.userinfo")
            .path_template(self.endpoints.userinfo.path().to_owned());
        client.send(request).await?.json()
    }
}
