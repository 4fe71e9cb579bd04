//! Keys, key modes and their rate limits, and the Stripe Connect OAuth flow.
//!
//! Stripe authenticates with a secret (`sk_…`) or restricted (`rk_…`) key sent as a bearer
//! token. Platforms act on connected accounts with their own key plus `Stripe-Account`
//! (see [`crate::Client::with_account`]); the connected account id comes from the Connect
//! OAuth flow below (authorize → code exchange → `stripe_user_id`), built on atom-core's
//! [`OAuthClient`].

use std::time::Duration;

use atom_core::{
    ApiClient, Body, ClientAuth, ClientOptions, Credentials, Error, OAuthClient, OAuthConfig,
    PendingAuthorization, ProviderDefaults, RateLimitConfig, RateLimiter, Request, Result, Secret,
    TokenSet,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::{StripeProvider, USER_AGENT, validate_account};
use crate::{SEARCH_CLASS, SERVICE};

/// Live or test mode, read from the key's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum KeyMode {
    /// `sk_live_…`, `rk_live_…`.
    Live,
    /// `sk_test_…`, `rk_test_…` (sandboxes).
    Test,
    /// Another prefix (an OAuth access token, a mock key): paced like test mode.
    Unknown,
}

impl KeyMode {
    /// The mode of a key.
    ///
    /// ```
    /// use atom_core::Secret;
    /// use atom_stripe::auth::KeyMode;
    /// assert_eq!(KeyMode::of(&Secret::new("rk_live_abc")), KeyMode::Live);
    /// assert_eq!(KeyMode::of(&Secret::new("sk_test_abc")), KeyMode::Test);
    /// ```
    pub fn of(key: &Secret) -> Self {
        let key = key.expose();
        if key.starts_with("sk_live_") || key.starts_with("rk_live_") {
            Self::Live
        } else if key.starts_with("sk_test_") || key.starts_with("rk_test_") {
            Self::Test
        } else {
            Self::Unknown
        }
    }

    /// Stripe's published global limit for the mode: 100 operations per second in live mode,
    /// 25 in test mode.
    pub fn requests_per_second(self) -> u32 {
        match self {
            Self::Live => 100,
            Self::Test | Self::Unknown => 25,
        }
    }
}

/// Stripe's published search limit (20 read operations per second, in both modes).
pub const SEARCH_REQUESTS_PER_SECOND: u32 = 20;

/// The default pacing for a key's mode: the global limit per second per account (each
/// connected account is its own tenant key), and the search limit for `*/search` calls
/// ([`SEARCH_CLASS`]).
pub fn default_limiter(mode: KeyMode) -> RateLimiter {
    limiter(mode, None, &[])
}

/// The client's limiter: `global` (the mode's published limit when `None`), Stripe's search
/// limit on top, then any class the caller configured.
pub(crate) fn limiter(
    mode: KeyMode,
    global: Option<RateLimitConfig>,
    classes: &[(&'static str, RateLimitConfig)],
) -> RateLimiter {
    let global = global.unwrap_or_else(|| {
        RateLimitConfig::new(mode.requests_per_second(), Duration::from_secs(1), 32)
    });
    let search = RateLimitConfig::new(SEARCH_REQUESTS_PER_SECOND, Duration::from_secs(1), 32);
    classes.iter().fold(
        RateLimiter::new(SERVICE, global).with_class(SEARCH_CLASS, search),
        |limiter, (class, config)| limiter.with_class(class, config.clone()),
    )
}

/// Where the Connect OAuth endpoints live (tests point this at a local mock).
pub const CONNECT_BASE_URL: &str = "https://connect.stripe.com";

/// The access a platform asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnectScope {
    /// `read_write` (Stripe's default).
    #[default]
    ReadWrite,
    /// `read_only`.
    ReadOnly,
}

impl ConnectScope {
    fn as_str(self) -> &'static str {
        match self {
            Self::ReadWrite => "read_write",
            Self::ReadOnly => "read_only",
        }
    }
}

/// A connected account that finished the OAuth flow.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ConnectedAccount {
    /// The connected account id (`acct_…`): use it with [`crate::Client::with_account`].
    pub stripe_user_id: String,
    /// Live (true) or test mode.
    pub livemode: Option<bool>,
    /// The account's publishable key.
    pub stripe_publishable_key: Option<String>,
    /// The whole token response; `extra` keeps `stripe_user_id` and the other fields.
    pub token: TokenSet,
}

/// The Stripe Connect OAuth flow for a platform.
///
/// ```no_run
/// # async fn demo(state_from_callback: &str, code: &str) -> atom_core::Result<()> {
/// use atom_stripe::auth::{ConnectOAuth, ConnectScope};
/// let connect = ConnectOAuth::new(
///     "ca_123",
///     atom_core::Secret::new(std::env::var("STRIPE_SECRET_KEY").unwrap_or_default()),
///     Some("https://platform.example.com/stripe/callback".parse().unwrap()),
///     ConnectScope::ReadWrite,
/// )?;
/// let pending = connect.authorize_url()?; // keep `pending` in the user's session
/// println!("send the user to {}", pending.url);
/// // … on the callback:
/// let account = connect.exchange_code(&pending, state_from_callback, code).await?;
/// println!("connected {}", account.stripe_user_id);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ConnectOAuth {
    oauth: OAuthClient,
    api: ApiClient,
    client_id: String,
}

#[derive(Serialize)]
struct DeauthorizeParams<'a> {
    client_id: &'a str,
    stripe_user_id: &'a str,
}

#[derive(Deserialize)]
struct DeauthorizeResponse {
    stripe_user_id: String,
}

impl ConnectOAuth {
    /// The flow on `connect.stripe.com` for the platform's `client_id` (`ca_…`), with the
    /// platform's secret key as the client secret.
    pub fn new(
        client_id: &str,
        secret_key: Secret,
        redirect_url: Option<Url>,
        scope: ConnectScope,
    ) -> Result<Self> {
        Self::with_base_url(CONNECT_BASE_URL, client_id, secret_key, redirect_url, scope)
    }

    /// The flow against another host (a local mock in tests).
    pub fn with_base_url(
        base_url: &str,
        client_id: &str,
        secret_key: Secret,
        redirect_url: Option<Url>,
        scope: ConnectScope,
    ) -> Result<Self> {
        if client_id.is_empty() || secret_key.is_empty() {
            return Err(Error::config(
                SERVICE,
                "Connect OAuth needs a client id and the platform's secret key",
            ));
        }
        let base = Url::parse(base_url)
            .map_err(|e| Error::config(SERVICE, format!("invalid Connect base URL: {e}")))?;
        let endpoint = |path: &str| {
            base.join(path)
                .map_err(|e| Error::config(SERVICE, format!("invalid Connect URL: {e}")))
        };
        let mut config = OAuthConfig::new(
            client_id,
            endpoint("/oauth/authorize")?,
            endpoint("/oauth/token")?,
        )
        .client_secret(secret_key.clone())
        .scopes([scope.as_str()])
        .client_auth(ClientAuth::RequestBody)
        // Stripe's Connect OAuth documents no PKCE parameters: off unless asked for.
        .pkce(false);
        if let Some(redirect) = redirect_url {
            config = config.redirect_url(redirect);
        }
        let oauth = OAuthClient::new(SERVICE, config)?;
        // The same construction as the API client's: Stripe's defaults, its error mapping,
        // and the test-mode pace (deauthorizing is rare).
        let mut options = ClientOptions::default();
        options.base_url = Some(base_url.to_owned());
        let api = options
            .api_client(
                StripeProvider,
                ProviderDefaults::new(CONNECT_BASE_URL, USER_AGENT),
                |limits| limiter(KeyMode::of(&secret_key), limits, &[]),
            )?
            .credentials(Credentials::Bearer(secret_key))
            .build()?;
        Ok(Self {
            oauth,
            api,
            client_id: client_id.to_owned(),
        })
    }

    /// Sends PKCE parameters (`code_challenge`, `code_verifier`) too. Off by default:
    /// Stripe's Connect OAuth does not document them.
    pub fn with_pkce(mut self) -> Result<Self> {
        let config = self.oauth.config().clone().pkce(true);
        self.oauth = OAuthClient::new(SERVICE, config)?;
        Ok(self)
    }

    /// The consent URL, with a fresh `state` to check on the callback.
    pub fn authorize_url(&self) -> Result<PendingAuthorization> {
        self.oauth.authorize_url()
    }

    /// Exchanges the callback's code (after checking `state`) for the connected account id.
    pub async fn exchange_code(
        &self,
        pending: &PendingAuthorization,
        returned_state: &str,
        code: &str,
    ) -> Result<ConnectedAccount> {
        let token = self
            .oauth
            .exchange_code(pending, returned_state, code)
            .await?;
        let stripe_user_id = token
            .extra_str("stripe_user_id")
            .map(str::to_owned)
            .ok_or_else(|| Error::decode(SERVICE, "the token response has no stripe_user_id"))?;
        validate_account(&stripe_user_id)?;
        Ok(ConnectedAccount {
            livemode: token
                .extra
                .get("livemode")
                .and_then(serde_json::Value::as_bool),
            stripe_publishable_key: token.extra_str("stripe_publishable_key").map(str::to_owned),
            stripe_user_id,
            token,
        })
    }

    /// Disconnects an account from the platform; returns the disconnected account id.
    pub async fn deauthorize(&self, stripe_user_id: &str) -> Result<String> {
        validate_account(stripe_user_id)?;
        let body = crate::form::encode(&DeauthorizeParams {
            client_id: &self.client_id,
            stripe_user_id,
        })
        .map_err(|e| Error::config(SERVICE, e.to_string()))?;
        // Deauthorizing twice has the same effect: a key makes the POST safe to retry.
        let request = Request::post("/oauth/deauthorize")
            .operation("connect.deauthorize")
            .idempotency_key(uuid::Uuid::new_v4().to_string())
            .body(Body::Form(body.into_bytes().into()));
        let response: DeauthorizeResponse = self.api.send(request).await?.json()?;
        Ok(response.stripe_user_id)
    }
}
