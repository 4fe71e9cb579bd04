//! Salesforce sign-in: login hosts, the OAuth web-server flow with PKCE and `state` (core
//! [`OAuthClient`]), the JWT bearer flow (feature `jwt`, on by default) and the
//! client-credentials flow (as
//! [`TokenRefresher`]s for the core [`atom_core::TokenManager`]), and the token extras
//! Salesforce adds (`instance_url`, `id`, `issued_at`, `signature`).
//!
//! Salesforce sends no `expires_in`: the session's end is learned from a `401` with
//! `INVALID_SESSION_ID`, on which the client refreshes once and replays. Refresh tokens may
//! rotate; the token manager saves the new one (compare-and-swap) before using it.
//!
//! ```no_run
//! # async fn demo() -> atom_core::Result<()> {
//! use std::sync::Arc;
//! use atom_core::{MemoryTokenStore, Secret, TokenManager};
//! use atom_salesforce::auth::{self, LoginHost};
//! use atom_salesforce::Client;
//!
//! let oauth = auth::oauth_client(
//!     &LoginHost::Production,
//!     "3MVG9...client-id",
//!     Some(Secret::new("client-secret")),
//!     "https://app.example.com/salesforce/callback",
//!     &["api", "refresh_token"],
//! )?;
//! let pending = oauth.authorize_url()?; // send the user to pending.url; keep `pending`
//! // ... the callback brings `state` and `code` back:
//! let store = Arc::new(MemoryTokenStore::default());
//! let key = auth::exchange_and_store(&oauth, &pending, "returned-state", "code", store.as_ref()).await?;
//! let manager = Arc::new(TokenManager::new(key, store, Arc::new(oauth)).service("salesforce"));
//! let client = Client::new(manager)?;
//! # let _ = client; Ok(()) }
//! ```

#[cfg(feature = "jwt")]
use std::fmt;
#[cfg(feature = "jwt")]
use std::time::Duration;

#[cfg(feature = "jwt")]
use async_trait::async_trait;
#[cfg(feature = "jwt")]
use atom_core::TokenRefresher;
use atom_core::webhook::{SignatureEncoding, verify_hmac_sha256};
use atom_core::{
    ClientAuth, Error, ErrorKind, OAuthClient, OAuthConfig, PendingAuthorization, Result, Secret,
    TokenKey, TokenSet, TokenStore,
};
use url::Url;

use crate::SERVICE;

/// Where users sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginHost {
    /// `https://login.salesforce.com`.
    Production,
    /// `https://test.salesforce.com`.
    Sandbox,
    /// The org's My Domain (`https://acme.my.salesforce.com`), required for the
    /// client-credentials flow.
    MyDomain(Url),
}

impl LoginHost {
    /// The host's base URL.
    pub fn base(&self) -> Result<Url> {
        let url = match self {
            Self::Production => Url::parse("https://login.salesforce.com"),
            Self::Sandbox => Url::parse("https://test.salesforce.com"),
            Self::MyDomain(url) => Ok(url.clone()),
        }
        .map_err(|e| Error::config(SERVICE, format!("bad login host: {e}")))?;
        atom_core::http_util::validate_base_url(SERVICE, &url)?;
        Ok(url)
    }

    fn endpoint(&self, path: &str) -> Result<Url> {
        self.base()?
            .join(path)
            .map_err(|e| Error::config(SERVICE, format!("bad login host: {e}")))
    }

    /// `/services/oauth2/authorize`.
    pub fn authorize_url(&self) -> Result<Url> {
        self.endpoint("/services/oauth2/authorize")
    }

    /// `/services/oauth2/token`.
    pub fn token_url(&self) -> Result<Url> {
        self.endpoint("/services/oauth2/token")
    }

    /// The JWT `aud` for this host: the production or sandbox login URL.
    pub fn audience(&self) -> String {
        match self {
            Self::Sandbox => "https://test.salesforce.com".to_owned(),
            Self::MyDomain(url)
                if url
                    .host_str()
                    .is_some_and(|h| h.contains(".sandbox.") || h.starts_with("test.")) =>
            {
                "https://test.salesforce.com".to_owned()
            }
            _ => "https://login.salesforce.com".to_owned(),
        }
    }
}

/// The core OAuth client for a connected app (web-server flow with PKCE and `state`,
/// refresh, client credentials). The client id and secret go in the form body.
pub fn oauth_client(
    host: &LoginHost,
    client_id: &str,
    client_secret: Option<Secret>,
    redirect_url: &str,
    scopes: &[&str],
) -> Result<OAuthClient> {
    let redirect = Url::parse(redirect_url)
        .map_err(|e| Error::config(SERVICE, format!("bad redirect URL: {e}")))?;
    OAuthClient::new(SERVICE, {
        let config = OAuthConfig::new(client_id, host.authorize_url()?, host.token_url()?)
            .redirect_url(redirect)
            .scopes(scopes.iter().copied())
            .client_auth(ClientAuth::RequestBody);
        match client_secret {
            Some(secret) => config.client_secret(secret),
            None => config,
        }
    })
}

/// The org id (`00D…`) from the token's identity URL
/// (`https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P`).
///
/// ```
/// use atom_core::{Secret, TokenSet};
/// let mut t = TokenSet::bearer(Secret::new("x"));
/// t.extra.insert("id".into(), "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P".into());
/// assert_eq!(atom_salesforce::auth::org_id(&t).as_deref(), Some("00Dx0000000BV7z"));
/// ```
pub fn org_id(token: &TokenSet) -> Option<String> {
    let url = Url::parse(token.extra_str("id")?).ok()?;
    let mut segments = url.path_segments()?;
    if segments.next()? != "id" {
        return None;
    }
    let org = segments.next()?;
    crate::validate::record_id(org).ok().map(str::to_owned)
}

/// The token's `instance_url`, checked (https, or loopback for tests).
pub fn instance_url(token: &TokenSet) -> Result<Url> {
    let raw = token
        .extra_str("instance_url")
        .ok_or_else(|| Error::config(SERVICE, "token has no instance_url"))?;
    let url =
        Url::parse(raw).map_err(|e| Error::config(SERVICE, format!("bad instance_url: {e}")))?;
    atom_core::http_util::validate_base_url(SERVICE, &url)?;
    Ok(url)
}

/// The store key for a token: service `salesforce`, tenant = the org id (the instance URL's
/// host when the token has no identity URL).
pub fn token_key(token: &TokenSet) -> Result<TokenKey> {
    let tenant = match org_id(token) {
        Some(org) => org,
        None => instance_url(token)?
            .host_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::config(SERVICE, "token names no org"))?,
    };
    Ok(TokenKey::new(SERVICE, tenant))
}

/// Checks the token response's `signature`: base64 HMAC-SHA256 of `id` + `issued_at` with the
/// client secret, which proves the response came from Salesforce for this app.
pub fn verify_token_signature(token: &TokenSet, client_secret: &Secret) -> Result<()> {
    let field = |name: &str| {
        token
            .extra_str(name)
            .ok_or_else(|| Error::new(ErrorKind::Decode, SERVICE, format!("token has no {name}")))
    };
    let (id, issued_at, signature) = (field("id")?, field("issued_at")?, field("signature")?);
    verify_hmac_sha256(
        SERVICE,
        std::slice::from_ref(client_secret),
        &[id.as_bytes(), issued_at.as_bytes()],
        &[signature],
        SignatureEncoding::Base64,
    )
}

/// Finishes the web-server flow: checks `state`, exchanges the code (with the PKCE
/// verifier), saves the token under its org's key, and returns the key.
pub async fn exchange_and_store(
    oauth: &OAuthClient,
    pending: &PendingAuthorization,
    returned_state: &str,
    code: &str,
    store: &dyn TokenStore,
) -> Result<TokenKey> {
    let token = oauth.exchange_code(pending, returned_state, code).await?;
    instance_url(&token)?;
    let key = token_key(&token)?;
    store.save(&key, &token, None).await?;
    Ok(key)
}

/// The client-credentials flow (a connected app acting as its run-as user; the login host
/// must be My Domain) is atom-core's [`atom_core::ClientCredentialsGrant`] over an
/// [`OAuthClient`] from [`oauth_client`]: a [`atom_core::TokenManager`] built with it issues
/// the first token itself.
pub use atom_core::ClientCredentialsGrant;

/// The grant type of the JWT bearer flow (RFC 7523).
#[cfg(feature = "jwt")]
const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// The longest assertion lifetime Salesforce accepts.
#[cfg(feature = "jwt")]
pub const MAX_ASSERTION_LIFETIME: Duration = Duration::from_secs(180);

#[cfg(feature = "jwt")]
#[derive(serde::Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
}

/// The OAuth 2.0 JWT bearer flow: an RS256 assertion (iss = client id, sub = username,
/// aud = login host, exp ≤ 3 minutes) exchanged for an access token. No refresh token: the
/// token manager mints a new one when the session ends. Needs the `jwt` feature (on by
/// default).
///
/// ```no_run
/// # async fn demo(pem: &[u8]) -> atom_core::Result<()> {
/// use std::sync::Arc;
/// use atom_core::{MemoryTokenStore, TokenKey, TokenManager};
/// use atom_salesforce::auth::{self, JwtBearer, LoginHost};
/// let jwt = Arc::new(JwtBearer::new(&LoginHost::Production, "3MVG9...", "etl@acme.com", pem)?);
/// let store = Arc::new(MemoryTokenStore::default());
/// let key = TokenKey::new("salesforce", "00Dx0000000BV7z");
/// // Nothing stored yet: the manager mints the first token with the assertion.
/// let manager = Arc::new(TokenManager::new(key, store, jwt).service("salesforce"));
/// # let _ = manager; Ok(()) }
/// ```
#[cfg(feature = "jwt")]
pub struct JwtBearer {
    client_id: String,
    username: String,
    audience: String,
    key: jsonwebtoken::EncodingKey,
    lifetime: Duration,
    // The core's token-endpoint client: the shared request path (timeouts, retries only of
    // what the server says it did not process), and token answers read like every grant's.
    oauth: OAuthClient,
}

#[cfg(feature = "jwt")]
impl fmt::Debug for JwtBearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtBearer")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("audience", &self.audience)
            .field("token_url", &self.oauth.config().token_url.as_str())
            .field("key", &"[redacted]")
            .finish()
    }
}

/// The token-endpoint configuration of a connected app with no secret (the JWT bearer
/// flow proves the app by the assertion's signature).
#[cfg(feature = "jwt")]
fn jwt_config(host: &LoginHost, client_id: &str) -> Result<OAuthConfig> {
    Ok(
        OAuthConfig::new(client_id, host.authorize_url()?, host.token_url()?)
            .client_auth(ClientAuth::RequestBody),
    )
}

#[cfg(feature = "jwt")]
impl JwtBearer {
    /// A JWT bearer grant for `username` through the connected app `client_id`, signed with
    /// the RSA private key in `private_key_pem`.
    pub fn new(
        host: &LoginHost,
        client_id: &str,
        username: &str,
        private_key_pem: &[u8],
    ) -> Result<Self> {
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(private_key_pem)
            .map_err(|e| Error::config(SERVICE, format!("JWT private key unusable: {e}")))?;
        Ok(Self {
            client_id: client_id.to_owned(),
            username: username.to_owned(),
            audience: host.audience(),
            oauth: OAuthClient::new(SERVICE, jwt_config(host, client_id)?)?,
            key,
            lifetime: MAX_ASSERTION_LIFETIME,
        })
    }

    /// Overrides the `aud` claim (an Experience Cloud site URL).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = audience.into();
        self
    }

    /// Assertion lifetime (at most three minutes).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime.min(MAX_ASSERTION_LIFETIME);
        self
    }

    /// Injects the HTTP client used for the token endpoint.
    pub fn http_client(mut self, http: atom_core::reqwest::Client) -> Result<Self> {
        let config = self.oauth.config().clone();
        self.oauth = OAuthClient::with_http(SERVICE, config, http)?;
        Ok(self)
    }

    /// A signed assertion expiring `lifetime` from now.
    pub fn assertion(&self) -> Result<String> {
        let lifetime = i64::try_from(self.lifetime.as_secs()).unwrap_or(180);
        let claims = Claims {
            iss: &self.client_id,
            sub: &self.username,
            aud: &self.audience,
            exp: chrono::Utc::now().timestamp() + lifetime,
        };
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
            &claims,
            &self.key,
        )
        .map_err(|e| Error::config(SERVICE, format!("cannot sign JWT assertion: {e}")))
    }

    /// Exchanges a fresh assertion for a token set (extras: `instance_url`, `id`, …), through
    /// the core's [`OAuthClient::grant`]: an `invalid_grant` refusal is
    /// `ReauthorizationRequired` with its `provider_code`, and the assertion never appears in
    /// error text.
    pub async fn fetch(&self) -> Result<TokenSet> {
        let assertion = self.assertion()?;
        self.oauth
            .grant(
                &[("grant_type", JWT_BEARER_GRANT), ("assertion", &assertion)],
                &[&assertion],
            )
            .await
    }
}

#[cfg(feature = "jwt")]
#[async_trait]
impl TokenRefresher for JwtBearer {
    async fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        let _ = current;
        self.fetch().await
    }

    async fn issue(&self) -> Result<Option<TokenSet>> {
        self.fetch().await.map(Some)
    }
}
