//! OAuth user tokens: web flow, device flow, refresh of expiring tokens.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use atom_core::retry::RetryPolicy;
use atom_core::{
    ApiClient, Authenticator, Body, ClientAuth, Error, ErrorKind, OAuthAuthenticator, OAuthClient,
    OAuthConfig, PendingAuthorization, Request, Result, Secret, TokenKey, TokenManager,
    TokenRefresher, TokenSet, TokenStore,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::client::USER_AGENT;
use crate::error::{GitHubProvider, SERVICE};

/// The web pages of the OAuth flows.
pub const GITHUB_WEB: &str = "https://github.com";

/// The longest [`GitHubOAuth::wait_for_device_token`] waits, whatever `expires_in` says
/// (GitHub's device codes last 15 minutes).
pub const MAX_DEVICE_WAIT: Duration = Duration::from_secs(30 * 60);

/// A device-flow start: show `user_code` and `verification_uri` to the user.
#[derive(Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeviceCode {
    /// The code the app polls with (secret).
    pub device_code: Secret,
    /// The code the user types.
    pub user_code: String,
    /// Where the user types it.
    pub verification_uri: String,
    /// Seconds the codes stay valid.
    pub expires_in: u64,
    /// Seconds between polls.
    pub interval: u64,
}

impl fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCode")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// What one device-flow poll means.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TokenReply {
    /// Tokens.
    Token(TokenSet),
    /// The user has not finished yet; poll again after the interval.
    Pending,
    /// Poll more slowly, every `interval` seconds from now on.
    SlowDown {
        /// The new interval.
        interval: u64,
    },
}

/// The device-code grant type (RFC 8628).
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// GitHub's own token-endpoint error codes, read into the core kinds (the core reads the
/// RFC 6749 ones; the codes are kept as `provider_code`).
fn github_kind(error: Error) -> Error {
    let kind = match error.provider_code() {
        Some(
            "expired_token"
            | "bad_refresh_token"
            | "bad_verification_code"
            | "incorrect_device_code"
            | "invalid_grant",
        ) => ErrorKind::ReauthorizationRequired,
        Some("access_denied") => ErrorKind::Forbidden,
        Some("incorrect_client_credentials" | "invalid_client") => ErrorKind::Unauthorized,
        _ => return error,
    };
    error.with_kind(kind)
}

/// Refuses a scope GitHub would read as several (it splits on spaces and commas) or none.
fn check_scopes<S: AsRef<str>>(scopes: &[S]) -> Result<()> {
    let bad = scopes.iter().map(AsRef::as_ref).any(|s| {
        s.is_empty() || s.contains(|c: char| c == ',' || c.is_whitespace() || c.is_control())
    });
    if bad {
        return Err(Error::config(
            SERVICE,
            "an OAuth scope cannot be empty or contain a space or a comma",
        ));
    }
    Ok(())
}

/// An OAuth app (or a GitHub App acting for users): web flow, device flow, token refresh.
///
/// ```no_run
/// # async fn demo() -> atom_core::Result<()> {
/// use atom_github::GitHubOAuth;
/// let oauth = GitHubOAuth::new("Iv1.8a61f9b3a7aba766", None)?;
/// let code = oauth.start_device_flow(&["repo"]).await?;
/// println!("open {} and enter {}", code.verification_uri, code.user_code);
/// let token = oauth.wait_for_device_token(&code).await?;
/// # let _ = token; Ok(()) }
/// ```
pub struct GitHubOAuth {
    client_id: String,
    client_secret: Option<Secret>,
    web_base: Url,
    /// `POST /login/device/code`, which is not a token endpoint.
    api: ApiClient,
    /// The token endpoint with the client secret: code exchange and refresh.
    tokens: OAuthClient,
    /// The token endpoint as a public client: device-flow polls send no secret.
    device: OAuthClient,
}

impl fmt::Debug for GitHubOAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubOAuth")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("web_base", &self.web_base.as_str())
            .finish_non_exhaustive()
    }
}

impl GitHubOAuth {
    /// An app registered on github.com (`client_secret`: `None` for device flow only).
    pub fn new(client_id: impl Into<String>, client_secret: Option<Secret>) -> Result<Self> {
        Self::with_base_url(client_id, client_secret, GITHUB_WEB, RetryPolicy::default())
    }

    /// An app on another host (GitHub Enterprise Server's web root, or a test server);
    /// `retry` applies to starting the device flow.
    pub fn with_base_url(
        client_id: impl Into<String>,
        client_secret: Option<Secret>,
        web_base: &str,
        retry: RetryPolicy,
    ) -> Result<Self> {
        let client_id = client_id.into();
        let web_base = Url::parse(web_base)
            .map_err(|e| Error::config(SERVICE, format!("invalid OAuth base URL: {e}")))?;
        let api = ApiClient::builder(GitHubProvider, web_base.as_str())?
            .retry_policy(retry)
            .default_header("accept", "application/json")?
            .default_header("user-agent", USER_AGENT)?
            .build()?;
        let config = OAuthConfig::new(
            client_id.clone(),
            join(&web_base, "/login/oauth/authorize")?,
            join(&web_base, "/login/oauth/access_token")?,
        )
        .client_auth(ClientAuth::RequestBody);
        let device = OAuthClient::new(SERVICE, config.clone())?;
        let tokens = match client_secret.clone() {
            Some(secret) => OAuthClient::new(SERVICE, config.client_secret(secret))?,
            None => device.clone(),
        };
        Ok(Self {
            client_id,
            client_secret,
            web_base,
            api,
            tokens,
            device,
        })
    }

    /// The web flow's client, through the core [`OAuthClient`]: `authorize_url()` gives the
    /// URL with a fresh `state` and a PKCE challenge, and `exchange_code` finishes the
    /// callback (or use [`GitHubOAuth::exchange_code`], which also reads GitHub's own error
    /// codes into kinds). A scope that is empty or holds a space or a comma is a `Config`
    /// error.
    pub fn web_flow(&self, redirect_url: Url, scopes: Vec<String>) -> Result<OAuthClient> {
        check_scopes(&scopes)?;
        OAuthClient::new(SERVICE, self.web_config(Some(redirect_url)).scopes(scopes))
    }

    fn web_config(&self, redirect_url: Option<Url>) -> OAuthConfig {
        let config = self.tokens.config().clone();
        match redirect_url {
            Some(url) => config.redirect_url(url),
            None => config,
        }
    }

    /// Finishes the web flow with the core [`OAuthClient::exchange_code`]: checks the
    /// callback's `state` against the pending authorization (constant time), then exchanges
    /// `code` with the PKCE verifier and the authorization's `redirect_uri`. A used or
    /// expired code is `ReauthorizationRequired` (`bad_verification_code`); a wrong
    /// redirect is `InvalidRequest`.
    pub async fn exchange_code(
        &self,
        pending: &PendingAuthorization,
        returned_state: &str,
        code: &str,
    ) -> Result<TokenSet> {
        let redirect = pending
            .url
            .query_pairs()
            .find(|(k, _)| k == "redirect_uri")
            .and_then(|(_, v)| Url::parse(&v).ok());
        let client = OAuthClient::new(SERVICE, self.web_config(redirect))?;
        client
            .exchange_code(pending, returned_state, code)
            .await
            .map_err(github_kind)
    }

    /// Starts the device flow (`POST /login/device/code`).
    ///
    /// A scope that is empty or holds a space or a comma is a `Config` error (GitHub splits
    /// the list on both, so it would ask for other scopes).
    pub async fn start_device_flow(&self, scopes: &[&str]) -> Result<DeviceCode> {
        check_scopes(scopes)?;
        let scope = scopes.join(" ");
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("scope", &scope)
            .finish();
        let request = Request::post("/login/device/code")
            .operation("oauth.device_code")
            .path_template("/login/device/code")
            .body(Body::Form(encoded.into_bytes().into()));
        let body = self.api.send(request).await?.body;
        match serde_json::from_slice::<DeviceCode>(&body) {
            Ok(code) => Ok(code),
            // GitHub answers refusals with HTTP 200 and an `error` field.
            Err(_) => Err(device_refusal(&body)),
        }
    }

    /// Polls once for the device flow's token, through the core
    /// [`OAuthClient::grant`]; `interval` is the current polling interval (`slow_down`
    /// adds 5 s to it, RFC 8628 §3.5).
    pub async fn poll_device_flow(&self, code: &DeviceCode, interval: u64) -> Result<TokenReply> {
        let device_code = code.device_code.expose();
        let reply = self
            .device
            .grant(
                &[("grant_type", DEVICE_GRANT), ("device_code", device_code)],
                &[device_code],
            )
            .await;
        match reply {
            Ok(token) => Ok(TokenReply::Token(token)),
            Err(e) => match e.provider_code() {
                Some("authorization_pending") => Ok(TokenReply::Pending),
                Some("slow_down") => Ok(TokenReply::SlowDown {
                    interval: interval.saturating_add(5),
                }),
                _ => Err(github_kind(e)),
            },
        }
    }

    /// Polls at the interval GitHub asks for (slowing down when told) until the user
    /// finishes, refuses (`Forbidden`) or the code expires (`ReauthorizationRequired`).
    /// The whole wait is bounded by `expires_in`, at most [`MAX_DEVICE_WAIT`], whatever
    /// interval the server asks for.
    pub async fn wait_for_device_token(&self, code: &DeviceCode) -> Result<TokenSet> {
        let started = tokio::time::Instant::now();
        let lifetime = Duration::from_secs(code.expires_in).min(MAX_DEVICE_WAIT);
        let mut interval = code.interval.max(1);
        loop {
            let left = lifetime.saturating_sub(started.elapsed());
            tokio::time::sleep(Duration::from_secs(interval).min(left)).await;
            if started.elapsed() >= lifetime {
                return Err(Error::new(
                    ErrorKind::ReauthorizationRequired,
                    SERVICE,
                    "the device code expired before the user finished",
                ));
            }
            match self.poll_device_flow(code, interval).await? {
                TokenReply::Token(token) => return Ok(token),
                TokenReply::Pending => {}
                TokenReply::SlowDown { interval: next } => interval = next.max(interval),
            }
        }
    }

    /// Exchanges an expiring user token's refresh token through the core
    /// [`OAuthClient::refresh`] (GitHub rotates it: the answer holds a new one). A dead
    /// refresh token is `ReauthorizationRequired`.
    pub async fn refresh_user_token(&self, token: &TokenSet) -> Result<TokenSet> {
        self.tokens.refresh(token).await.map_err(github_kind)
    }

    /// Bearer auth with an expiring user token kept in `store` under `key` (save the first
    /// token there after consent): renewed before expiry and once after a 401, one refresh
    /// at a time, rotated refresh tokens saved before use.
    pub fn user_authenticator(
        self: &Arc<Self>,
        key: TokenKey,
        store: Arc<dyn TokenStore>,
    ) -> Arc<dyn Authenticator> {
        let manager = TokenManager::new(key, store, self.clone()).service(SERVICE);
        Arc::new(OAuthAuthenticator::new(Arc::new(manager)))
    }
}

fn join(base: &Url, path: &str) -> Result<Url> {
    base.join(path)
        .map_err(|e| Error::config(SERVICE, format!("invalid OAuth URL: {e}")))
}

/// A device-code answer that is not a device code: GitHub's `{"error", "error_description"}`
/// (sent with HTTP 200), or something that does not decode.
fn device_refusal(body: &[u8]) -> Error {
    let value: Option<Map<String, Value>> = serde_json::from_slice(body).ok();
    let text = |name: &str| {
        value
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(Value::as_str)
    };
    match text("error") {
        Some(code) => github_kind(
            Error::new(
                ErrorKind::InvalidRequest,
                SERVICE,
                text("error_description").unwrap_or(code),
            )
            .with_provider_code(code),
        ),
        None => Error::decode(SERVICE, "device code answer did not decode"),
    }
}

#[async_trait]
impl TokenRefresher for GitHubOAuth {
    async fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        self.refresh_user_token(current).await
    }
}
