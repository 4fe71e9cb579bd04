//! The Salesforce client: one [`atom_core::ApiClient`] with Salesforce's error mapping,
//! `Sforce-Limit-Info` parsing, per-org limits and the API version.

use std::sync::Arc;

use async_trait::async_trait;
use atom_core::{
    ApiClient, ApiResponse, AuthKind, Authenticator, Category, ClientOptions, ConnectorInfo,
    Credentials, Error, OAuthAuthenticator, Provider, ProviderClient, ProviderDefaults,
    RateLimitConfig, RateLimitSnapshot, RateLimiter, Request, Result, Secret, StreamingResponse,
    TokenManager,
};
use http::{HeaderMap, StatusCode};

use crate::{SERVICE, validate};

/// Where calls go when neither a base URL nor a token's `instance_url` says otherwise.
const DEFAULT_BASE_URL: &str = "https://login.salesforce.com";

/// The default `User-Agent`.
const USER_AGENT: &str = concat!("atom-salesforce/", env!("CARGO_PKG_VERSION"));

/// The API version used unless the builder sets another: Summer '26, the newest
/// generally available release in Salesforce's REST API Developer Guide when this was
/// written (Winter '27, 68.0, was listed as a preview). [`Client::latest_version`] asks
/// an org for its newest.
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
/// Resource families hang off it: [`Client::sobject`] (any object),
/// [`Client::accounts`] and the other typed objects, [`Client::query`],
/// [`Client::search`], [`Client::collections`], [`Client::composite`], [`Client::bulk`],
/// [`Client::leads`], [`Client::opportunities`], [`Client::analytics`], [`Client::limits`].
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) api: ApiClient,
    pub(crate) version: String,
    pub(crate) auth: Arc<dyn Authenticator>,
    /// Cached describes, shared by clones ([`crate::describe_cache`]).
    pub(crate) describes: Arc<crate::describe_cache::DescribeCache>,
    /// The org's key in that cache: the tenant.
    pub(crate) org: String,
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for the org a [`TokenManager`] holds tokens for: calls go to the token's
    /// `instance_url`, count against the token key's tenant, and refresh on a `401`. The
    /// shortcut for `Client::builder().token_manager(manager).build()`.
    ///
    /// ```
    /// # fn demo(manager: std::sync::Arc<atom_core::TokenManager>) -> atom_core::Result<()> {
    /// let client = atom_salesforce::Client::new(manager)?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn new(manager: Arc<TokenManager>) -> Result<Client> {
        Self::builder().token_manager(manager).build()
    }

    /// The core client underneath (rate-limit snapshot, limiter, retry policy).
    pub fn api(&self) -> &ApiClient {
        &self.api
    }

    /// What the last response said about the org's daily API allocation
    /// (`Sforce-Limit-Info`), if any response said.
    pub fn rate_limit(&self) -> Option<RateLimitSnapshot> {
        self.api.rate_limit()
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

    /// [`send`](Self::send) for an answer read chunk by chunk (a bulk result, a file):
    /// see [`atom_core::ApiClient::send_streaming`].
    pub async fn send_streaming(&self, request: Request) -> Result<StreamingResponse> {
        self.api.send_streaming(request).await
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

    /// The newest version the org offers (`GET /services/data/`), compared as numbers
    /// (`100.0` is newer than `67.0`, `67.0` newer than `9.0`). Entries that are not of the
    /// `major.minor` form this client can address are skipped; none left is a `Decode`
    /// error. Switch to it with [`Client::with_api_version`].
    ///
    /// ```no_run
    /// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
    /// let newest = client.latest_version().await?;
    /// let client = client.with_api_version(&newest.version)?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub async fn latest_version(&self) -> Result<crate::models::ApiVersion> {
        self.versions()
            .await?
            .into_iter()
            .filter_map(|v| version_number(&v.version).map(|n| (n, v)))
            .max_by_key(|(n, _)| *n)
            .map(|(_, v)| v)
            .ok_or_else(|| Error::decode(SERVICE, "the org listed no usable API version"))
    }

    /// This client on another API version (`62.0`); connections, limits and tokens stay
    /// shared with `self`.
    pub fn with_api_version(&self, version: &str) -> Result<Client> {
        Ok(Client {
            api: self.api.clone(),
            version: validate::api_version(version)?,
            auth: self.auth.clone(),
            describes: self.describes.clone(),
            org: self.org.clone(),
        })
    }
}

/// `67.0` as `(67, 0)`; `None` for anything [`validate::api_version`] refuses.
fn version_number(version: &str) -> Option<(u32, u32)> {
    let v = validate::api_version(version).ok()?;
    let (major, minor) = v.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Configures a [`Client`].
///
/// The org's instance URL is the builder's `base_url` (`https://acme.my.salesforce.com`):
/// the base for a fixed access token and for local mocks. With a
/// [`ClientBuilder::token_manager`], the token's own `instance_url` wins, so the base URL
/// can be left unset. Every other common option (`http_client`, `retry_policy`,
/// `rate_limits`, `shared_limiter`, `tenant`, `user_agent`, `timeout`, `connect_timeout`,
/// `max_redirects`, `max_response_bytes`, `authenticator`) has the meaning
/// [`atom_core::client_options_setters`] gives it in every atom crate.
///
/// ```no_run
/// # fn demo() -> atom_core::Result<()> {
/// use atom_salesforce::Client;
/// let client = Client::builder()
///     .base_url("https://example.my.salesforce.com")
///     .access_token(atom_core::Secret::new("00D...!AQ..."))
///     .api_version("62.0")
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    options: ClientOptions,
    version: Option<String>,
    /// The token key's tenant, used when `tenant` is not set.
    manager_tenant: Option<String>,
    describes: Option<Arc<crate::describe_cache::DescribeCache>>,
}

impl ClientBuilder {
    atom_core::client_options_setters!(options);

    /// The API version (`62.0`; default [`DEFAULT_API_VERSION`]). `GET /services/data/`
    /// ([`Client::versions`]) lists what the org offers.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// A fixed access token (session id), for scripts and tests. Nothing refreshes it; calls
    /// go to the builder's `base_url` (the instance URL).
    pub fn access_token(mut self, token: Secret) -> Self {
        self.manager_tenant = None;
        self.options.authenticator = Some(Arc::new(Credentials::Bearer(token)));
        self
    }

    /// OAuth tokens from a [`TokenManager`] (any grant: web server, JWT bearer, client
    /// credentials). Every call goes to the token's `instance_url`; a `401` refreshes once and
    /// replays. The tenant (whose limits calls count against) defaults to the manager's key.
    pub fn token_manager(mut self, manager: Arc<TokenManager>) -> Self {
        self.manager_tenant = Some(manager.key().tenant.clone());
        self.options.authenticator = Some(Arc::new(
            OAuthAuthenticator::new(manager).base_url_from("instance_url"),
        ));
        self
    }

    /// A describe cache shared with other clients (entries are kept apart by org);
    /// default: a cache of the client's own with
    /// [`crate::describe_cache::DEFAULT_MAX_AGE`].
    pub fn describe_cache(mut self, cache: Arc<crate::describe_cache::DescribeCache>) -> Self {
        self.describes = Some(cache);
        self
    }

    /// Builds the client.
    ///
    /// The tenant defaults to the token key's tenant (with a token manager), else the
    /// instance URL's host; pacing defaults to [`default_limits`].
    pub fn build(self) -> Result<Client> {
        let version =
            validate::api_version(self.version.as_deref().unwrap_or(DEFAULT_API_VERSION))?;
        let mut options = self.options;
        let auth: Arc<dyn Authenticator> = options.authenticator.clone().ok_or_else(|| {
            Error::config(SERVICE, "no credentials: set access_token or token_manager")
        })?;
        // Without a token key, the org is known by its instance host.
        let tenant = options.tenant.take().or(self.manager_tenant).or_else(|| {
            options
                .base_url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .and_then(|u| u.host_str().map(str::to_owned))
        });
        let org = tenant.clone().unwrap_or_default();
        options.tenant = tenant;
        let api = options
            .api_client(
                SalesforceProvider,
                ProviderDefaults::new(DEFAULT_BASE_URL, USER_AGENT),
                |limits| RateLimiter::new(SERVICE, limits.unwrap_or_else(default_limits)),
            )?
            .build()?;
        Ok(Client {
            api,
            version,
            auth,
            describes: self.describes.unwrap_or_default(),
            org,
        })
    }
}

/// Per-org pacing: no client-side bucket (the allocation is per 24 h, reported in
/// `Sforce-Limit-Info`), at most [`MAX_CONCURRENT_PER_ORG`] in flight.
pub fn default_limits() -> RateLimitConfig {
    RateLimitConfig::unlimited().max_concurrent(MAX_CONCURRENT_PER_ORG)
}

/// [`Connector`](atom_core::Connector) comes from the core through this.
#[async_trait]
impl ProviderClient for Client {
    const SERVICE: &'static str = SERVICE;

    fn connector_info(&self) -> ConnectorInfo {
        ConnectorInfo::new(
            SERVICE,
            "Salesforce",
            Category::Crm,
            &[AuthKind::OAuth2, AuthKind::Jwt, AuthKind::ClientCredentials],
        )
        .api_version(self.version.clone())
    }

    /// `GET /services/data/vXX.X/limits`: authenticated, cheap, and reports the allocation.
    fn health_request(&self) -> Request {
        self.limits().request()
    }

    async fn send_request(&self, request: Request) -> Result<ApiResponse> {
        self.send(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::version_number;

    #[test]
    fn versions_compare_as_numbers() {
        assert!(version_number("100.0") > version_number("67.0"));
        assert!(version_number("67.0") > version_number("9.0"));
        assert_eq!(version_number("v62.0"), Some((62, 0)));
        assert_eq!(version_number("100"), None);
        assert_eq!(version_number("../x"), None);
    }

    proptest::proptest! {
        #![proptest_config(atom_core::testing::proptest_config(2_000))]
        /// Never panics; what it reads prints back as the same numbers.
        #[test]
        fn version_numbers_round_trip(text in "v?[0-9.]{0,10}", a in 0u32..10_000, b in 0u32..10_000) {
            let _ = version_number(&text);
            proptest::prop_assert_eq!(version_number(&format!("{a}.{b}")), Some((a, b)));
        }
    }
}
