//! Zendesk credentials: an agent's API token (Basic `{email}/token:{token}`), and OAuth 2.0
//! (authorization code with PKCE and `state`, on the account's own
//! `https://{subdomain}.zendesk.com/oauth/authorizations/new` and `/oauth/tokens`) through
//! the core [`OAuthClient`] and [`atom_core::TokenManager`].
//!
//! Zendesk issues access tokens that do not expire unless the OAuth client asks for an
//! expiry (`expires_in`, with a refresh token); the token manager refreshes those ahead of
//! expiry and saves the rotated refresh token (compare-and-swap) under
//! [`token_key`]`(subdomain)`, so one integration can serve many accounts from one store.
//! Password Basic auth is deliberately not offered (Zendesk is retiring it).
//!
//! ```no_run
//! # async fn demo() -> atom_core::Result<()> {
//! use std::sync::Arc;
//! use atom_core::{MemoryTokenStore, Secret, TokenManager};
//! use atom_zendesk::{Client, auth};
//!
//! let oauth = auth::oauth_client(
//!     "acme",
//!     "my_zendesk_app",
//!     Some(Secret::new("client-secret")),
//!     "https://app.example.com/zendesk/callback",
//!     &["read", "write"],
//! )?;
//! let pending = oauth.authorize_url()?; // send the user to pending.url; keep `pending`
//! // ... the callback brings `state` and `code` back:
//! let store = Arc::new(MemoryTokenStore::default());
//! let key = auth::exchange_and_store(&oauth, "acme", &pending, "returned-state", "code", store.as_ref()).await?;
//! let manager = Arc::new(TokenManager::new(key, store, Arc::new(oauth)).service("zendesk"));
//! let client = Client::builder().subdomain("acme").oauth(manager).build()?;
//! # let _ = client; Ok(()) }
//! ```

use atom_core::{
    ClientAuth, Credentials, Error, OAuthClient, OAuthConfig, PendingAuthorization, Result, Secret,
    TokenKey, TokenStore,
};
use url::Url;

use crate::client::subdomain_url;
use crate::error::SERVICE;

/// The consent page, relative to the account.
pub const AUTHORIZE_PATH: &str = "/oauth/authorizations/new";
/// The token endpoint, relative to the account.
pub const TOKEN_PATH: &str = "/oauth/tokens";

/// Basic credentials for an agent's API token: user `{email}/token`, password the token.
/// An empty email or token, or an email with `:` or a control character (it would end the
/// Basic user name), is a `Config` error.
///
/// ```
/// use atom_core::Secret;
/// let creds = atom_zendesk::auth::api_token("agent@example.com", Secret::new("zd-token")).unwrap();
/// assert!(!format!("{creds:?}").contains("zd-token"));
/// assert!(atom_zendesk::auth::api_token("a:b@example.com", Secret::new("t")).is_err());
/// ```
pub fn api_token(email: &str, token: impl Into<Secret>) -> Result<Credentials> {
    let token = token.into();
    if email.is_empty() || email.contains(':') || email.chars().any(char::is_control) {
        return Err(Error::config(
            SERVICE,
            "the API token's email must be non-empty, without ':' or control characters",
        ));
    }
    if token.is_empty() {
        return Err(Error::config(SERVICE, "the API token is empty"));
    }
    Ok(Credentials::basic(format!("{email}/token"), token))
}

/// The consent page and token endpoint of an account: `(authorize, token)`.
pub fn endpoints(subdomain: &str) -> Result<(Url, Url)> {
    endpoints_at(&subdomain_url(subdomain)?)
}

/// The consent page and token endpoint under another base (a proxy, a local mock).
pub fn endpoints_at(base: &str) -> Result<(Url, Url)> {
    let base =
        Url::parse(base).map_err(|e| Error::config(SERVICE, format!("bad base URL: {e}")))?;
    atom_core::http_util::validate_base_url(SERVICE, &base)?;
    let join = |path: &str| {
        base.join(path)
            .map_err(|e| Error::config(SERVICE, format!("bad base URL: {e}")))
    };
    Ok((join(AUTHORIZE_PATH)?, join(TOKEN_PATH)?))
}

/// The core OAuth client for an OAuth client registered in the account (authorization code
/// with PKCE and `state`, refresh). The client id and secret go in the request body, as
/// Zendesk reads them; scopes such as `read`, `write`, `tickets:write`.
pub fn oauth_client(
    subdomain: &str,
    client_id: &str,
    client_secret: Option<Secret>,
    redirect_url: &str,
    scopes: &[&str],
) -> Result<OAuthClient> {
    oauth_client_at(
        &subdomain_url(subdomain)?,
        client_id,
        client_secret,
        redirect_url,
        scopes,
    )
}

/// [`oauth_client`] with the endpoints under another base URL (tests, proxies).
pub fn oauth_client_at(
    base: &str,
    client_id: &str,
    client_secret: Option<Secret>,
    redirect_url: &str,
    scopes: &[&str],
) -> Result<OAuthClient> {
    let (authorize, token) = endpoints_at(base)?;
    let redirect = Url::parse(redirect_url)
        .map_err(|e| Error::config(SERVICE, format!("bad redirect URL: {e}")))?;
    if scopes
        .iter()
        .any(|s| s.is_empty() || s.contains(char::is_whitespace))
    {
        return Err(Error::config(
            SERVICE,
            "an OAuth scope cannot be empty or contain a space",
        ));
    }
    let config = OAuthConfig::new(client_id, authorize, token)
        .redirect_url(redirect)
        .scopes(scopes.iter().copied())
        .client_auth(ClientAuth::RequestBody);
    OAuthClient::new(
        SERVICE,
        match client_secret {
            Some(secret) => config.client_secret(secret),
            None => config,
        },
    )
}

/// The store key of an account's token: service `zendesk`, tenant the subdomain.
pub fn token_key(subdomain: &str) -> Result<TokenKey> {
    crate::client::validate_subdomain(subdomain)?;
    Ok(TokenKey::new(SERVICE, subdomain))
}

/// Finishes the authorization-code flow: checks `state`, exchanges the code (with the PKCE
/// verifier), saves the token under the account's key, and returns the key.
pub async fn exchange_and_store(
    oauth: &OAuthClient,
    subdomain: &str,
    pending: &PendingAuthorization,
    returned_state: &str,
    code: &str,
    store: &dyn TokenStore,
) -> Result<TokenKey> {
    let key = token_key(subdomain)?;
    let token = oauth.exchange_code(pending, returned_state, code).await?;
    store.save(&key, &token, None).await?;
    Ok(key)
}
