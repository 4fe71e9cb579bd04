//! OAuth user tokens: web flow, device flow, refresh of expiring tokens.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use atom_core::retry::RetryPolicy;
use atom_core::webhook::constant_time_eq;
use atom_core::{
    ApiClient, Authenticator, Body, ClientAuth, Error, ErrorKind, OAuthAuthenticator, OAuthClient,
    OAuthConfig, PendingAuthorization, Request, Result, Secret, TokenKey, TokenManager,
    TokenRefresher, TokenSet, TokenStore,
};
use chrono::{DateTime, Utc};
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

/// What one answer of the token endpoint means.
#[derive(Debug, Clone)]
pub enum TokenReply {
    /// Tokens.
    Token(TokenSet),
    /// Device flow: the user has not finished yet; poll again after the interval.
    Pending,
    /// Device flow: poll more slowly, every `interval` seconds from now on.
    SlowDown {
        /// The new interval.
        interval: u64,
    },
}

/// Reads a token endpoint answer (GitHub answers errors with HTTP 200 and an `error` field).
/// `previous` supplies what a refresh answer leaves out; `interval` is the current polling
/// interval (pure).
pub fn parse_token_reply(
    body: &[u8],
    previous: Option<&TokenSet>,
    interval: u64,
    now: DateTime<Utc>,
) -> Result<TokenReply> {
    let value: Map<String, Value> = serde_json::from_slice(body).map_err(|e| {
        Error::decode(
            SERVICE,
            format!("token endpoint answer did not decode: {e}"),
        )
    })?;
    let text = |name: &str| value.get(name).and_then(Value::as_str);
    if let Some(code) = text("error") {
        let message = text("error_description").unwrap_or(code).to_owned();
        let kind = match code {
            "authorization_pending" => return Ok(TokenReply::Pending),
            "slow_down" => {
                let interval = value
                    .get("interval")
                    .and_then(Value::as_u64)
                    .unwrap_or(interval.saturating_add(5));
                return Ok(TokenReply::SlowDown { interval });
            }
            "expired_token"
            | "bad_refresh_token"
            | "bad_verification_code"
            | "incorrect_device_code" => ErrorKind::ReauthorizationRequired,
            "access_denied" => ErrorKind::Forbidden,
            "incorrect_client_credentials" => ErrorKind::Unauthorized,
            _ => ErrorKind::InvalidRequest,
        };
        return Err(Error::new(kind, SERVICE, message).with_provider_code(code));
    }
    let access = text("access_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::decode(SERVICE, "token endpoint answer has no access_token"))?;
    let after = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_i64)
            // `TimeDelta::seconds` panics beyond ±2^63 ms: a hostile `expires_in` must not.
            .and_then(chrono::TimeDelta::try_seconds)
            .and_then(|d| now.checked_add_signed(d))
    };
    let mut extra = previous.map(|p| p.extra.clone()).unwrap_or_default();
    for (name, v) in &value {
        if !matches!(
            name.as_str(),
            "access_token" | "refresh_token" | "expires_in" | "scope"
        ) {
            extra.insert(name.clone(), v.clone());
        }
    }
    if let Some(at) = after("refresh_token_expires_in") {
        extra.insert(
            "refresh_token_expires_at".into(),
            Value::String(at.to_rfc3339()),
        );
    }
    let scopes = match text("scope") {
        Some(s) => s
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        None => previous.map(|p| p.scopes.clone()).unwrap_or_default(),
    };
    Ok(TokenReply::Token(TokenSet {
        access_token: Secret::new(access),
        refresh_token: text("refresh_token")
            .map(Secret::new)
            .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
        expires_at: after("expires_in"),
        scopes,
        extra,
    }))
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
    api: ApiClient,
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
            .finish()
    }
}

impl GitHubOAuth {
    /// An app registered on github.com (`client_secret`: `None` for device flow only).
    pub fn new(client_id: impl Into<String>, client_secret: Option<Secret>) -> Result<Self> {
        Self::with_base_url(client_id, client_secret, GITHUB_WEB, RetryPolicy::default())
    }

    /// An app on another host (GitHub Enterprise Server's web root, or a test server).
    pub fn with_base_url(
        client_id: impl Into<String>,
        client_secret: Option<Secret>,
        web_base: &str,
        retry: RetryPolicy,
    ) -> Result<Self> {
        let web_base = Url::parse(web_base)
            .map_err(|e| Error::config(SERVICE, format!("invalid OAuth base URL: {e}")))?;
        let api = ApiClient::builder(GitHubProvider, web_base.as_str())?
            .retry_policy(retry)
            .default_header("accept", "application/json")?
            .default_header("user-agent", USER_AGENT)?
            .build()?;
        Ok(Self {
            client_id: client_id.into(),
            client_secret,
            web_base,
            api,
        })
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.web_base
            .join(path)
            .map_err(|e| Error::config(SERVICE, format!("invalid OAuth URL: {e}")))
    }

    /// The web flow's consent side, through the core [`OAuthClient`]: `authorize_url()`
    /// gives the URL with a fresh `state` and a PKCE challenge. Finish the callback with
    /// [`GitHubOAuth::exchange_code`], which reads GitHub's error answers (sent with HTTP 200)
    /// into typed errors. A scope that is empty or holds a space or a comma is a `Config`
    /// error.
    pub fn web_flow(&self, redirect_url: Url, scopes: Vec<String>) -> Result<OAuthClient> {
        check_scopes(&scopes)?;
        OAuthClient::new(SERVICE, {
            let config = OAuthConfig::new(
                self.client_id.clone(),
                self.url("/login/oauth/authorize")?,
                self.url("/login/oauth/access_token")?,
            )
            .redirect_url(redirect_url)
            .scopes(scopes)
            .client_auth(ClientAuth::RequestBody);
            match self.client_secret.clone() {
                Some(secret) => config.client_secret(secret),
                None => config,
            }
        })
    }

    /// Finishes the web flow: checks the callback's `state` against the pending
    /// authorization (constant time), then exchanges `code` with the PKCE verifier and the
    /// same `redirect_uri`. A used or expired code is `ReauthorizationRequired`
    /// (`bad_verification_code`); a wrong redirect is `InvalidRequest`.
    pub async fn exchange_code(
        &self,
        pending: &PendingAuthorization,
        returned_state: &str,
        code: &str,
    ) -> Result<TokenSet> {
        if !constant_time_eq(pending.state.as_bytes(), returned_state.as_bytes()) {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                SERVICE,
                "OAuth callback state does not match the authorization request (possible CSRF)",
            )
            .with_provider_code("state_mismatch"));
        }
        let redirect = pending
            .url
            .query_pairs()
            .find(|(k, _)| k == "redirect_uri")
            .map(|(_, v)| v.into_owned());
        let secret = self
            .client_secret
            .as_ref()
            .map(Secret::expose)
            .unwrap_or_default();
        let mut pairs = vec![
            ("client_secret", secret),
            ("code", code),
            ("code_verifier", pending.pkce_verifier.expose()),
        ];
        if let Some(redirect) = redirect.as_deref() {
            pairs.push(("redirect_uri", redirect));
        }
        let body = self
            .post_form("/login/oauth/access_token", "oauth.exchange_code", &pairs)
            .await?;
        match parse_token_reply(&body, None, 5, Utc::now())? {
            TokenReply::Token(token) => Ok(token),
            _ => Err(Error::decode(
                SERVICE,
                "unexpected device-flow answer to a code exchange",
            )),
        }
    }

    async fn post_form(
        &self,
        path: &'static str,
        operation: &'static str,
        pairs: &[(&str, &str)],
    ) -> Result<Vec<u8>> {
        let encoded = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("client_id", &self.client_id);
            for (name, value) in pairs {
                form.append_pair(name, value);
            }
            form.finish()
        };
        let request = Request::post(path)
            .operation(operation)
            .path_template(path)
            .body(Body::Form(encoded.into_bytes().into()));
        Ok(self.api.send(request).await?.body.to_vec())
    }

    /// Starts the device flow (`POST /login/device/code`).
    ///
    /// A scope that is empty or holds a space or a comma is a `Config` error (GitHub splits
    /// the list on both, so it would ask for other scopes).
    pub async fn start_device_flow(&self, scopes: &[&str]) -> Result<DeviceCode> {
        check_scopes(scopes)?;
        let scope = scopes.join(" ");
        let body = self
            .post_form(
                "/login/device/code",
                "oauth.device_code",
                &[("scope", &scope)],
            )
            .await?;
        match serde_json::from_slice::<DeviceCode>(&body) {
            Ok(code) => Ok(code),
            // GitHub answers refusals with HTTP 200 and an `error` field.
            Err(_) => match parse_token_reply(&body, None, 5, Utc::now()) {
                Err(e) => Err(e),
                Ok(_) => Err(Error::decode(SERVICE, "device code answer did not decode")),
            },
        }
    }

    /// Polls once for the device flow's token.
    pub async fn poll_device_flow(&self, code: &DeviceCode, interval: u64) -> Result<TokenReply> {
        let body = self
            .post_form(
                "/login/oauth/access_token",
                "oauth.device_token",
                &[
                    ("device_code", code.device_code.expose()),
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ],
            )
            .await?;
        parse_token_reply(&body, None, interval, Utc::now())
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

    /// Exchanges an expiring user token's refresh token (GitHub rotates it: the answer holds
    /// a new one). A dead refresh token is `ReauthorizationRequired`.
    pub async fn refresh_user_token(&self, token: &TokenSet) -> Result<TokenSet> {
        let refresh = token.refresh_token.as_ref().ok_or_else(|| {
            Error::new(
                ErrorKind::ReauthorizationRequired,
                SERVICE,
                "no refresh token: the user must authorize again",
            )
        })?;
        let secret = self
            .client_secret
            .as_ref()
            .map(Secret::expose)
            .unwrap_or_default();
        let body = self
            .post_form(
                "/login/oauth/access_token",
                "oauth.refresh",
                &[
                    ("client_secret", secret),
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.expose()),
                ],
            )
            .await?;
        match parse_token_reply(&body, Some(token), 5, Utc::now())? {
            TokenReply::Token(token) => Ok(token),
            _ => Err(Error::decode(
                SERVICE,
                "unexpected device-flow answer to a refresh",
            )),
        }
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

#[async_trait]
impl TokenRefresher for GitHubOAuth {
    async fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        self.refresh_user_token(current).await
    }
}
