//! The Salesforce client: one [`atom_core::ApiClient`] with Salesforce's error mapping,
//! `Sforce-Limit-Info` parsing, per-org limits and the API version.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use atom_core::retry::RetryPolicy;
use atom_core::{
    ApiClient, ApiResponse, AuthKind, Authenticator, Category, Connector, ConnectorInfo,
    Credentials, Error, Health, OAuthAuthenticator, Provider, RateLimitConfig, RateLimitSnapshot,
    RateLimiter, Request, Result, Secret, TokenManager,
};
use http::{HeaderMap, StatusCode};

use crate::{SERVICE, validate};

/// The API version used unless the builder sets another (Summer '26, GA).
pub const DEFAULT_API_VERSION: &str = "67.0";

/// Salesforce caps long-running concurrent requests at 25 per org; the client keeps at most
/// this many calls in flight per org.
pub const MAX_CONCURRENT_PER_ORG: usize = 25;

/// Salesforce's small functions on the shared request path.
#[derive(Debug, Clone, Copy, Default)]
pub struct SalesforceProvider;

impl Provider for SalesforceProvider {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn map_error(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        crate::error::map_error(status, headers, body)
    }

    fn rate_limit(&self, headers: &HeaderMap) -> Option<RateLimitSnapshot> {
        headers
            .get("sforce-limit-info")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_limit_info)
    }

    fn should_retry(&self, status: StatusCode, headers: &HeaderMap, error: &Error) -> Option<bool> {
        let _ = (status, headers);
        crate::error::should_retry(error)
    }
}

/// Reads `Sforce-Limit-Info: api-usage=18/5000` (other entries such as
/// `per-app-api-usage=…` are ignored). Salesforce reports usage in a rolling 24-hour window
/// and no reset time.
///
/// ```
/// use atom_salesforce::client::parse_limit_info;
/// let snap = parse_limit_info("api-usage=18/5000, per-app-api-usage=17/250(appName=x)").unwrap();
/// assert_eq!((snap.used, snap.limit, snap.remaining), (Some(18), Some(5000), Some(4982)));
/// assert!(parse_limit_info("api-usage=oops").is_none());
/// ```
pub fn parse_limit_info(value: &str) -> Option<RateLimitSnapshot> {
    let usage = value
        .split(',')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("api-usage="))?;
    let (used, limit) = usage.split_once('/')?;
    let used: u64 = used.trim().parse().ok()?;
    let limit: u64 = limit.trim().parse().ok()?;
    Some(
        RateLimitSnapshot::default()
            .with_limit(limit)
            .with_remaining(limit.saturating_sub(used))
            .with_used(used)
            .with_resource("api-usage".to_owned()),
    )
}

/// A Salesforce org client. Cheap to clone; clones share connections, limits and tokens.
///
/// Resource families hang off it: [`Client::sobjects`] (any object),
/// [`Client::accounts`] and the other typed objects, [`Client::query`],
/// [`Client::search`], [`Client::collections`], [`Client::composite`], [`Client::bulk`],
/// [`Client::leads`], [`Client::opportunities`], [`Client::analytics`], [`Client::limits`].
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) api: ApiClient,
    pub(crate) version: String,
    pub(crate) auth: Arc<dyn Authenticator>,
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The core client underneath (rate-limit snapshot, limiter, retry policy).
    pub fn api(&self) -> &ApiClient {
        &self.api
    }

    /// The API version, e.g. `62.0`.
    pub fn api_version(&self) -> &str {
        &self.version
    }

    /// `/services/data/v{version}` followed by `rest`.
    pub(crate) fn data_path(&self, rest: &str) -> String {
        format!("/services/data/v{}{rest}", self.version)
    }

    /// Sends any request with the client's auth, limits, retries and error mapping.
    pub async fn send(&self, request: Request) -> Result<ApiResponse> {
        self.api.send(request).await
    }

    /// The versions the org offers (`GET /services/data/`).
    pub async fn versions(&self) -> Result<Vec<crate::models::ApiVersion>> {
        self.send(
            Request::get("/services/data/")
                .operation("versions.list")
                .path_template("/services/data/"),
        )
        .await?
        .json()
    }
}

/// Configures a [`Client`].
///
/// ```no_run
/// # fn demo() -> atom_core::Result<()> {
/// use atom_salesforce::Client;
/// let client = Client::builder()
///     .instance_url("https://example.my.salesforce.com")
///     .access_token(atom_core::Secret::new("00D...!AQ..."))
///     .api_version("62.0")
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    instance_url: Option<String>,
    version: Option<String>,
    auth: Option<Arc<dyn Authenticator>>,
    tenant: Option<String>,
    retry: Option<RetryPolicy>,
    limits: Option<RateLimitConfig>,
    limiter: Option<Arc<RateLimiter>>,
    http: Option<atom_core::reqwest::Client>,
    timeout: Option<Duration>,
}

impl ClientBuilder {
    /// The org's instance URL (`https://acme.my.salesforce.com`). With a
    /// [`ClientBuilder::token_manager`], the token's own `instance_url` wins; this is the
    /// base for static tokens and local mocks.
    pub fn instance_url(mut self, url: impl Into<String>) -> Self {
        self.instance_url = Some(url.into());
        self
    }

    /// The API version (`62.0`; default [`DEFAULT_API_VERSION`]). `GET /services/data/`
    /// ([`Client::versions`]) lists what the org offers.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// A fixed access token (session id), for scripts and tests. Nothing refreshes it.
    pub fn access_token(mut self, token: Secret) -> Self {
        self.auth = Some(Arc::new(Credentials::Bearer(token)));
        self
    }

    /// OAuth tokens from a [`TokenManager`] (any grant: web server, JWT bearer, client
    /// credentials). Every call goes to the token's `instance_url`; a `401` refreshes once and
    /// replays. The tenant (whose limits calls count against) defaults to the manager's key.
    pub fn token_manager(mut self, manager: Arc<TokenManager>) -> Self {
        if self.tenant.is_none() {
            self.tenant = Some(manager.key().tenant.clone());
        }
        self.auth = Some(Arc::new(
            OAuthAuthenticator::new(manager).base_url_from("instance_url"),
        ));
        self
    }

    /// Any authenticator.
    pub fn authenticator(mut self, auth: Arc<dyn Authenticator>) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The org whose limits these calls count against (default: the token key's tenant, or
    /// the instance URL's host for a fixed access token).
    pub fn tenant(mut self, org: impl Into<String>) -> Self {
        self.tenant = Some(org.into());
        self
    }

    /// The retry policy (default: core's).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Pacing (default: at most [`MAX_CONCURRENT_PER_ORG`] calls in flight per org).
    pub fn rate_limits(mut self, limits: RateLimitConfig) -> Self {
        self.limits = Some(limits);
        self
    }

    /// A limiter shared with other clients of the same orgs.
    pub fn shared_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Injects a `reqwest::Client` (use [`atom_core::reqwest`]).
    pub fn http_client(mut self, client: atom_core::reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The timeout of one attempt (default 30 s; Bulk and long queries may set their own).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let version =
            validate::api_version(self.version.as_deref().unwrap_or(DEFAULT_API_VERSION))?;
        // Without a token key, the org is known by its instance host.
        let tenant = self.tenant.or_else(|| {
            self.instance_url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .and_then(|u| u.host_str().map(str::to_owned))
        });
        let base = self
            .instance_url
            .unwrap_or_else(|| "https://login.salesforce.com".to_owned());
        let auth: Arc<dyn Authenticator> = self.auth.ok_or_else(|| {
            Error::config(SERVICE, "no credentials: set access_token or token_manager")
        })?;
        let mut builder = ApiClient::builder(SalesforceProvider, &base)?
            .authenticator(auth.clone())
            .user_agent(concat!("atom-salesforce/", env!("CARGO_PKG_VERSION")))?
            .tenant(tenant.unwrap_or_default())
            .retry_policy(self.retry.unwrap_or_default());
        builder = match self.limiter {
            Some(limiter) => builder.shared_limiter(limiter),
            None => builder.rate_limits(self.limits.unwrap_or_else(default_limits)),
        };
        if let Some(http) = self.http {
            builder = builder.http_client(http);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        Ok(Client {
            api: builder.build()?,
            version,
            auth,
        })
    }
}

/// Per-org pacing: no client-side bucket (the allocation is per 24 h, reported in
/// `Sforce-Limit-Info`), at most [`MAX_CONCURRENT_PER_ORG`] in flight.
pub fn default_limits() -> RateLimitConfig {
    RateLimitConfig::unlimited().max_concurrent(MAX_CONCURRENT_PER_ORG)
}

#[async_trait]
impl Connector for Client {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn info(&self) -> ConnectorInfo {
        ConnectorInfo::new(
            SERVICE,
            "Salesforce",
            Category::Crm,
            &[AuthKind::OAuth2, AuthKind::Jwt, AuthKind::ClientCredentials],
        )
        .api_version(self.version.clone())
    }

    /// `GET /services/data/vXX.X/limits`: authenticated, cheap, and reports the allocation.
    async fn health(&self) -> Result<Health> {
        let response = self.send(self.limits().request()).await?;
        Ok(Health::from_response(&response))
    }

    async fn request(&self, request: Request) -> Result<ApiResponse> {
        self.send(request).await
    }
}
