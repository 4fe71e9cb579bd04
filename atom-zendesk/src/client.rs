//! The Zendesk client and its builder.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use atom_core::{
    ApiClient, ApiResponse, AuthKind, Category, ClientOptions, ConnectorInfo, Credentials, Error,
    OAuthAuthenticator, ProviderClient, ProviderDefaults, RateLimitConfig, RateLimitSnapshot,
    RateLimiter, Request, Result, Secret, TokenManager,
};

use crate::error::{SERVICE, ZendeskProvider};

/// The `User-Agent` sent unless another is set.
pub const USER_AGENT: &str = concat!("atom-zendesk/", env!("CARGO_PKG_VERSION"));
/// The rate class of the incremental exports (Zendesk: 10 requests a minute, counted apart
/// from the account limit).
pub const INCREMENTAL_CLASS: &str = "incremental";
/// The longest subdomain (a DNS label).
pub const MAX_SUBDOMAIN_LEN: usize = 63;

/// Zendesk's published pacing, for building a limiter to share between clients
/// ([`Limits::limiter`]); a single client sets the same with
/// [`ClientBuilder::rate_limits`] and [`ClientBuilder::class_limits`].
///
/// The account limit depends on the plan (Team 200, Growth and Professional 400, Enterprise
/// 700 requests a minute, more with add-ons); the default paces at 200 a minute, which fits
/// every plan, and the `ratelimit-*` headers pause calls when the account runs out.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Limits {
    /// Every call: 200 a minute, at most 20 in flight.
    pub primary: RateLimitConfig,
    /// The incremental exports: 10 a minute, apart from the account limit.
    pub incremental: RateLimitConfig,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            primary: RateLimitConfig::new(200, Duration::from_secs(60), 20),
            incremental: RateLimitConfig::new(10, Duration::from_secs(60), 2),
        }
    }
}

impl Limits {
    /// Replaces the pacing of every call.
    pub fn primary(mut self, config: RateLimitConfig) -> Self {
        self.primary = config;
        self
    }

    /// Replaces the pacing of a rate class ([`INCREMENTAL_CLASS`]); another name is a
    /// `Config` error.
    pub fn class(mut self, class: &str, config: RateLimitConfig) -> Result<Self> {
        match class {
            INCREMENTAL_CLASS => self.incremental = config,
            other => {
                return Err(Error::config(
                    SERVICE,
                    format!("{other:?} is not a Zendesk rate class (use INCREMENTAL_CLASS)"),
                ));
            }
        }
        Ok(self)
    }

    /// The limiter these limits describe (share it between clients of one account).
    pub fn limiter(&self) -> RateLimiter {
        RateLimiter::new(SERVICE, self.primary.clone())
            // The export limit is Zendesk's own bucket: a spent export budget must not hold
            // back ticket calls.
            .with_independent_class(INCREMENTAL_CLASS, self.incremental.clone())
    }
}

/// Refuses a subdomain that could change the host: only ASCII letters, digits and inner
/// hyphens, 1 to 63 characters.
///
/// ```
/// use atom_zendesk::client::validate_subdomain;
/// assert!(validate_subdomain("acme-support").is_ok());
/// for bad in ["", "acme.evil.com", "acme/x", "a@b", "a?b", "a#b", "..", "-acme"] {
///     assert!(validate_subdomain(bad).is_err(), "{bad}");
/// }
/// ```
pub fn validate_subdomain(subdomain: &str) -> Result<()> {
    let ok = !subdomain.is_empty()
        && subdomain.len() <= MAX_SUBDOMAIN_LEN
        && subdomain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !subdomain.starts_with('-')
        && !subdomain.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::config(
            SERVICE,
            "a Zendesk subdomain is 1 to 63 letters, digits and inner hyphens",
        ))
    }
}

/// `https://{subdomain}.zendesk.com`, for a checked subdomain.
pub fn subdomain_url(subdomain: &str) -> Result<String> {
    validate_subdomain(subdomain)?;
    Ok(format!("https://{subdomain}.zendesk.com"))
}

/// A Zendesk client for one account (subdomain): typed calls per resource family, and
/// [`Client::send`] for anything else. Cheap to clone; clones share connections and limits.
#[derive(Clone, Debug)]
pub struct Client {
    api: ApiClient,
    subdomain: Option<Arc<str>>,
}

enum Credential {
    None,
    Token { email: String, token: Secret },
    OAuth(Arc<TokenManager>),
    Other(Credentials),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::None => "None",
            Self::Token { .. } => "ApiToken([redacted])",
            Self::OAuth(_) => "OAuth",
            Self::Other(_) => "Credentials",
        })
    }
}

/// Configures a [`Client`]: the shared options (`base_url`, `http_client`, `retry_policy`,
/// `rate_limits`, `shared_limiter`, `tenant`, `user_agent`, `timeout`, `connect_timeout`,
/// `max_redirects`, `max_response_bytes`, `authenticator`) and Zendesk's own (`subdomain`,
/// `api_token`, `oauth`, `bearer`, `class_limits`).
///
/// The base URL is `https://{subdomain}.zendesk.com`; `base_url` overrides the host (a
/// proxy, a local mock). The rate limiter's tenant defaults to the subdomain, so clients of
/// several accounts sharing one limiter are paced per account.
#[derive(Debug)]
pub struct ClientBuilder {
    options: ClientOptions,
    subdomain: Option<String>,
    credential: Credential,
    class_limits: Vec<(String, RateLimitConfig)>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::default(),
            subdomain: None,
            credential: Credential::None,
            class_limits: Vec::new(),
        }
    }
}

impl ClientBuilder {
    atom_core::client_options_setters!(options);

    /// The account's subdomain (`acme` for `acme.zendesk.com`); checked by `build`.
    pub fn subdomain(mut self, subdomain: impl Into<String>) -> Self {
        self.subdomain = Some(subdomain.into());
        self
    }

    /// An API token of an agent: Basic `{email}/token:{token}` (replaces any earlier
    /// credential). Zendesk's password Basic auth is not offered.
    pub fn api_token(mut self, email: impl Into<String>, token: impl Into<Secret>) -> Self {
        self.credential = Credential::Token {
            email: email.into(),
            token: token.into(),
        };
        self
    }

    /// An OAuth access token kept fresh by a [`TokenManager`] (see [`crate::auth`]).
    pub fn oauth(mut self, manager: Arc<TokenManager>) -> Self {
        self.credential = Credential::OAuth(manager);
        self
    }

    /// A fixed OAuth access token, as bearer.
    pub fn bearer(mut self, token: impl Into<Secret>) -> Self {
        self.credential = Credential::Other(Credentials::bearer(token));
        self
    }

    /// Pacing of a rate class: [`INCREMENTAL_CLASS`] (default 10 a minute). Another name is
    /// refused by `build`. Ignored when a [`shared_limiter`](Self::shared_limiter) is given.
    pub fn class_limits(mut self, class: &str, config: RateLimitConfig) -> Self {
        self.class_limits.push((class.to_owned(), config));
        self
    }

    /// Builds the client. A bad subdomain, no subdomain and no `base_url`, a bad email, base
    /// URL, rate class or HTTP setup is a `Config` error.
    pub fn build(mut self) -> Result<Client> {
        let mut limits = Limits::default();
        for (class, config) in std::mem::take(&mut self.class_limits) {
            limits = limits.class(&class, config)?;
        }
        if let Some(subdomain) = &self.subdomain {
            validate_subdomain(subdomain)?;
            if self.options.base_url.is_none() {
                self.options.base_url = Some(subdomain_url(subdomain)?);
            }
            if self.options.tenant.is_none() {
                self.options.tenant = Some(subdomain.clone());
            }
        } else if self.options.base_url.is_none() {
            return Err(Error::config(
                SERVICE,
                "a Zendesk client needs a subdomain (or a base_url)",
            ));
        }
        match std::mem::replace(&mut self.credential, Credential::None) {
            Credential::None => {}
            Credential::Token { email, token } => {
                self.options.authenticator = Some(Arc::new(crate::auth::api_token(&email, token)?));
            }
            Credential::OAuth(manager) => {
                self.options.authenticator = Some(Arc::new(OAuthAuthenticator::new(manager)));
            }
            Credential::Other(credentials) => {
                self.options.authenticator = Some(Arc::new(credentials));
            }
        }
        // The production default is never used: `base_url` is always set above.
        let defaults = ProviderDefaults::new("https://example.zendesk.com", USER_AGENT);
        let api = self
            .options
            .api_client(ZendeskProvider, defaults, |primary| {
                match primary {
                    Some(primary) => limits.primary(primary),
                    None => limits,
                }
                .limiter()
            })?
            .default_header("accept", "application/json")?
            .build()?;
        Ok(Client {
            api,
            subdomain: self.subdomain.map(Into::into),
        })
    }
}

impl Client {
    /// A builder with Zendesk's defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for `https://{subdomain}.zendesk.com` with an agent's API token.
    pub fn new(
        subdomain: impl Into<String>,
        email: impl Into<String>,
        token: impl Into<Secret>,
    ) -> Result<Self> {
        Self::builder()
            .subdomain(subdomain)
            .api_token(email, token)
            .build()
    }

    /// The underlying core client.
    pub fn api(&self) -> &ApiClient {
        &self.api
    }

    /// The account's subdomain, when the client was built with one.
    pub fn subdomain(&self) -> Option<&str> {
        self.subdomain.as_deref()
    }

    /// The last rate-limit position Zendesk reported.
    pub fn rate_limit(&self) -> Option<RateLimitSnapshot> {
        self.api.rate_limit()
    }

    /// Sends a request through the request path (limits, auth, retries, error mapping).
    pub async fn send(&self, request: Request) -> Result<ApiResponse> {
        self.api.send(request).await
    }

    /// Sends and decodes the JSON body.
    pub(crate) async fn send_json<T: serde::de::DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T> {
        self.send(request).await?.json()
    }
}

/// [`Connector`](atom_core::Connector) comes from the core through this.
#[async_trait]
impl ProviderClient for Client {
    const SERVICE: &'static str = SERVICE;

    fn connector_info(&self) -> ConnectorInfo {
        ConnectorInfo::new(
            SERVICE,
            "Zendesk",
            Category::Support,
            &[AuthKind::ApiKey, AuthKind::OAuth2],
        )
        .api_version("v2")
    }

    /// `GET /api/v2/users/me`: proves the credentials and reachability.
    fn health_request(&self) -> Request {
        Request::get("/api/v2/users/me")
            .operation("health")
            .path_template("/api/v2/users/me")
    }

    async fn send_request(&self, request: Request) -> Result<ApiResponse> {
        self.send(request).await
    }
}
