//! The HubSpot client and its builder.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use atom_core::{
    ApiClient, ApiResponse, AuthKind, Category, ClientOptions, ConnectorInfo, Credentials, Error,
    OAuthAuthenticator, Provider, ProviderClient, ProviderDefaults, RateLimitConfig,
    RateLimitSnapshot, Request, Result, Secret, TokenManager,
};
use chrono::Utc;
use http::{HeaderMap, StatusCode};

use crate::limits::{HubSpotRateLimit, Limits};
use crate::{SEARCH_CLASS, SERVICE};

/// The public HubSpot API.
pub const DEFAULT_BASE_URL: &str = "https://api.hubapi.com";
/// `atom-hubspot/<version>`.
pub const USER_AGENT: &str = concat!("atom-hubspot/", env!("CARGO_PKG_VERSION"));

/// HubSpot's small functions on the core request path: its error body, its rate-limit
/// headers, its correlation id, and its verdict that a 429 is safe to resend.
#[derive(Debug, Clone, Copy, Default)]
pub struct HubSpotProvider;

impl Provider for HubSpotProvider {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn map_error(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        crate::error::map_error(status, headers, body, Utc::now())
    }

    fn rate_limit(&self, headers: &HeaderMap) -> Option<RateLimitSnapshot> {
        HubSpotRateLimit::from_headers(headers).map(|l| l.snapshot(Utc::now()))
    }

    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        crate::limits::header(headers, "x-hubspot-correlation-id").map(str::to_owned)
    }

    fn should_retry(&self, status: StatusCode, headers: &HeaderMap, error: &Error) -> Option<bool> {
        let _ = (headers, error);
        // A 429 was refused before anything was done: resending a POST creates no duplicate.
        (status == StatusCode::TOO_MANY_REQUESTS).then_some(true)
    }
}

/// A HubSpot client: typed calls per resource family, and [`Client::send`] for anything
/// else. Cheap to clone; clones share connections and limits.
#[derive(Clone, Debug)]
pub struct Client {
    api: ApiClient,
    tenant: Arc<str>,
    /// Every `X-HubSpot-RateLimit-*` header of the last answer that carried them.
    last_limits: Arc<Mutex<Option<HubSpotRateLimit>>>,
}

/// Configures a [`Client`]: the shared options (`base_url`, `http_client`, `retry_policy`,
/// `rate_limits`, `shared_limiter`, `tenant`, `user_agent`, `timeout`, `connect_timeout`,
/// `max_redirects`, `max_response_bytes`, `authenticator`) and HubSpot's own
/// (`access_token`, `credentials`, `token_manager`, `class_limits`).
///
/// The tenant is the portal (hub) id: limits are kept per portal.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    options: ClientOptions,
    class_limits: Vec<(String, RateLimitConfig)>,
}

impl ClientBuilder {
    atom_core::client_options_setters!(options);

    /// A private app's access token (or any bearer token).
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.options.authenticator = Some(Arc::new(Credentials::bearer(token)));
        self
    }

    /// Any credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.options.authenticator = Some(Arc::new(credentials));
        self
    }

    /// OAuth through a token manager (refreshed ahead of expiry, one refresh in flight);
    /// its key's tenant, the portal id, becomes the client's tenant unless one is set.
    pub fn token_manager(mut self, manager: Arc<TokenManager>) -> Self {
        if self.options.tenant.is_none() {
            self.options.tenant = Some(manager.key().tenant.clone());
        }
        self.options.authenticator = Some(Arc::new(OAuthAuthenticator::new(manager)));
        self
    }

    /// Pacing of a rate class: [`SEARCH_CLASS`] (default 5 a second). Another name is
    /// refused by `build`. Ignored when a shared limiter is given.
    pub fn class_limits(mut self, class: &str, config: RateLimitConfig) -> Self {
        self.class_limits.push((class.to_owned(), config));
        self
    }

    /// Builds the client; a bad base URL, header value or rate class is a `Config` error.
    pub fn build(self) -> Result<Client> {
        let mut limits = Limits::default();
        for (class, config) in self.class_limits {
            if class != SEARCH_CLASS {
                return Err(Error::config(
                    SERVICE,
                    format!("{class:?} is not a HubSpot rate class (use SEARCH_CLASS)"),
                ));
            }
            limits = limits.search(config);
        }
        let tenant: Arc<str> = self.options.tenant.clone().unwrap_or_default().into();
        let defaults = ProviderDefaults::new(DEFAULT_BASE_URL, USER_AGENT);
        let api = self
            .options
            .api_client(HubSpotProvider, defaults, |portal| {
                match portal {
                    Some(portal) => limits.portal(portal),
                    None => limits,
                }
                .limiter()
            })?
            .default_header("accept", "application/json")?
            .build()?;
        Ok(Client {
            api,
            tenant,
            last_limits: Arc::default(),
        })
    }
}

impl Client {
    /// A builder with HubSpot's defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for `https://api.hubapi.com` with a private app's access token.
    pub fn new(access_token: impl Into<Secret>) -> Result<Self> {
        Self::builder().access_token(access_token).build()
    }

    /// The underlying core client.
    pub fn api(&self) -> &ApiClient {
        &self.api
    }

    /// The portal (hub) id the client's limits are kept under (`""` when unset).
    pub fn portal_id(&self) -> &str {
        &self.tenant
    }

    /// The last rate-limit position HubSpot reported for the portal.
    pub fn rate_limit(&self) -> Option<RateLimitSnapshot> {
        self.api.rate_limit()
    }

    /// Everything the `X-HubSpot-RateLimit-*` headers of the last answer that carried them
    /// said (interval, secondly and daily limits and what remains of each);
    /// [`Client::rate_limit`] is the most pressing of them as the core sees it.
    pub fn rate_limit_headers(&self) -> Option<HubSpotRateLimit> {
        self.last_limits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sends a request through the request path (limits, auth, retries, error mapping).
    pub async fn send(&self, request: Request) -> Result<ApiResponse> {
        let response = self
            .api
            .send(request)
            .await
            .map_err(crate::error::sync_message)?;
        if let Some(limits) = HubSpotRateLimit::from_headers(&response.headers) {
            *self
                .last_limits
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(limits);
        }
        Ok(response)
    }

    /// Sends and decodes the JSON body.
    pub(crate) async fn send_json<T: serde::de::DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T> {
        self.send(request).await?.json()
    }

    /// Sends and expects no body (204).
    pub(crate) async fn send_empty(&self, request: Request) -> Result<()> {
        self.send(request).await.map(|_| ())
    }
}

/// [`Connector`](atom_core::Connector) comes from the core through this.
#[async_trait]
impl ProviderClient for Client {
    const SERVICE: &'static str = SERVICE;

    fn connector_info(&self) -> ConnectorInfo {
        ConnectorInfo::new(
            SERVICE,
            "HubSpot",
            Category::Crm,
            &[AuthKind::ApiKey, AuthKind::OAuth2],
        )
        .api_version("v3")
    }

    /// `GET /crm/v3/objects/contacts?limit=1`: proves the token and its contacts scope.
    fn health_request(&self) -> Request {
        Request::get("/crm/v3/objects/contacts")
            .query("limit", "1")
            .operation("health")
            .path_template("/crm/v3/objects/contacts")
            .timeout(Duration::from_secs(10))
    }

    async fn send_request(&self, request: Request) -> Result<ApiResponse> {
        self.send(request).await
    }
}
