//! The GitHub client and its builder.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use atom_core::retry::RetryPolicy;
use atom_core::{
    ApiClient, ApiResponse, AuthKind, Authenticator, Category, Connector, ConnectorInfo,
    Credentials, Error, Health, RateLimitConfig, RateLimitSnapshot, RateLimiter, Request, Result,
    Secret,
};
use http::{Method, StatusCode};

use crate::error::{GitHubProvider, SERVICE};
use crate::etag::{EtagCache, EtagStats, cache_key, from_cache};

/// The public GitHub API.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";
/// The REST API version this crate is written against (`X-GitHub-Api-Version`).
pub const DEFAULT_API_VERSION: &str = "2022-11-28";
/// The media type GitHub recommends (`Accept`).
pub const MEDIA_TYPE: &str = "application/vnd.github+json";
/// The `User-Agent` GitHub requires.
pub const USER_AGENT: &str = concat!("atom-github/", env!("CARGO_PKG_VERSION"));
/// The rate class of content-creating and other writing calls (paced to about one per second).
pub const WRITE_CLASS: &str = "write";
/// The rate class of search calls (30 per minute for authenticated callers).
pub const SEARCH_CLASS: &str = "search";

/// Client-side pacing (GitHub's published limits by default).
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Every call: no bucket (the primary limit is followed through the `x-ratelimit-*`
    /// headers: at `remaining: 0` calls wait for the reset, up to `max_wait`, then fail with
    /// `RateLimited`), and at most 20 calls in flight (GitHub counts concurrency towards its
    /// secondary limit).
    pub primary: RateLimitConfig,
    /// Writing calls (POST/PATCH/PUT/DELETE): one per second, no burst.
    pub write: RateLimitConfig,
    /// Search: 30 per minute.
    pub search: RateLimitConfig,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            primary: RateLimitConfig::default().max_concurrent(20),
            write: RateLimitConfig::new(1, Duration::from_secs(1), 20).burst(1),
            search: RateLimitConfig::new(30, Duration::from_secs(60), 20),
        }
    }
}

impl Limits {
    /// The limiter these limits describe (share it between clients of one installation).
    pub fn limiter(&self) -> RateLimiter {
        RateLimiter::new(SERVICE, self.primary.clone())
            .with_class(WRITE_CLASS, self.write.clone())
            // GitHub counts search apart (`x-ratelimit-resource: search`): an exhausted
            // search limit must not hold back other calls.
            .with_independent_class(SEARCH_CLASS, self.search.clone())
    }
}

/// A GitHub REST client: typed calls per resource family, and [`Connector::request`] for
/// anything else. Cheap to clone; clones share connections, limits and the ETag cache.
#[derive(Clone, Debug)]
pub struct Client {
    api: ApiClient,
    etags: Option<Arc<EtagCache>>,
    api_version: Arc<str>,
}

/// Configures a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    auth: Option<Arc<dyn Authenticator>>,
    retry: RetryPolicy,
    limits: Limits,
    limiter: Option<Arc<RateLimiter>>,
    http: Option<atom_core::reqwest::Client>,
    api_version: String,
    user_agent: String,
    etag: Option<(usize, usize)>,
    timeout: Option<Duration>,
    tenant: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            auth: None,
            retry: RetryPolicy::default(),
            limits: Limits::default(),
            limiter: None,
            http: None,
            api_version: DEFAULT_API_VERSION.to_owned(),
            user_agent: USER_AGENT.to_owned(),
            etag: None,
            timeout: None,
            tenant: None,
        }
    }
}

impl ClientBuilder {
    /// The API base: `https://api.github.com` by default; GitHub Enterprise Server is
    /// `https://HOST/api/v3`. Must be https (http only on loopback, for tests).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// A personal access token, an OAuth user token or an installation token, as bearer.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.auth = Some(Arc::new(Credentials::bearer(token)));
        self
    }

    /// Any credentials (for `Credentials::None`: public data at 60 requests an hour).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.auth = Some(Arc::new(credentials));
        self
    }

    /// An authenticator: an app installation
    /// ([`GitHubApp::installation_authenticator`](crate::GitHubApp::installation_authenticator)),
    /// an expiring user token through a [`TokenManager`](atom_core::TokenManager).
    pub fn authenticator(mut self, auth: Arc<dyn Authenticator>) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The retry policy (default: 4 attempts, jittered backoff, `retry-after` up to 60 s).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Client-side pacing for this client's own limiter.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// A limiter shared with other clients (build it with [`Limits::limiter`]).
    pub fn shared_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// The key this client's calls count against in a shared limiter (an installation id).
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Injects a `reqwest::Client` (proxies, TLS roots); use [`atom_core::reqwest`].
    pub fn http_client(mut self, client: atom_core::reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Pins another `X-GitHub-Api-Version`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Replaces the `User-Agent` (GitHub asks for the app's name or the owner's login).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Turns on conditional GETs with a cache of at most `capacity` responses of at most
    /// `max_body` bytes each (see [`crate::etag`]).
    pub fn etag_cache(mut self, capacity: usize, max_body: usize) -> Self {
        self.etag = Some((capacity, max_body));
        self
    }

    /// The timeout of one attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Builds the client; a bad base URL, header value or HTTP setup is a `Config` error.
    pub fn build(self) -> Result<Client> {
        let limiter = self
            .limiter
            .unwrap_or_else(|| Arc::new(self.limits.limiter()));
        let mut builder = ApiClient::builder(GitHubProvider, &self.base_url)?
            .retry_policy(self.retry)
            .shared_limiter(limiter)
            .default_header("accept", MEDIA_TYPE)?
            .default_header("x-github-api-version", &self.api_version)?
            .default_header("user-agent", &self.user_agent)?;
        if let Some(auth) = self.auth {
            builder = builder.authenticator(auth);
        }
        if let Some(http) = self.http {
            builder = builder.http_client(http);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        let tenant = self.tenant.unwrap_or_default();
        builder = builder.tenant(tenant);
        Ok(Client {
            api: builder.build()?,
            etags: self
                .etag
                .map(|(capacity, max_body)| Arc::new(EtagCache::new(capacity, max_body))),
            api_version: self.api_version.into(),
        })
    }
}

impl Client {
    /// A builder with GitHub's defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for `https://api.github.com` with a bearer token.
    pub fn with_token(token: impl Into<Secret>) -> Result<Self> {
        Self::builder().token(token).build()
    }

    /// The underlying core client.
    pub fn api(&self) -> &ApiClient {
        &self.api
    }

    /// The pinned API version.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The last rate-limit position GitHub reported.
    pub fn rate_limit(&self) -> Option<RateLimitSnapshot> {
        self.api.rate_limit()
    }

    /// The ETag cache's counters, when the cache is on.
    pub fn etag_stats(&self) -> Option<EtagStats> {
        self.etags.as_ref().map(|c| c.stats())
    }

    /// Sends a request through the request path (limits, auth, retries, error mapping) and,
    /// when the ETag cache is on, answers an unchanged GET from the cache.
    pub async fn send(&self, request: Request) -> Result<ApiResponse> {
        let Some(cache) = self
            .etags
            .as_ref()
            .filter(|_| request.method() == Method::GET)
            .filter(|_| !request.headers().contains_key(http::header::IF_NONE_MATCH))
        else {
            return self.api.send(request).await;
        };
        let key = cache_key(&request);
        let cached = cache.get(&key);
        let request = match &cached {
            Some(entry) => request.header("if-none-match", &entry.etag)?,
            None => request,
        };
        let response = self.api.send(request).await?;
        match (response.status, cached) {
            (StatusCode::NOT_MODIFIED, Some(entry)) => {
                cache.hit();
                Ok(from_cache(&entry, response))
            }
            (StatusCode::NOT_MODIFIED, None) => Err(Error::decode(
                SERVICE,
                "304 Not Modified to a request that carried no If-None-Match",
            )),
            (StatusCode::OK, _) => {
                cache.put(key, &response);
                Ok(response)
            }
            _ => Ok(response),
        }
    }

    /// Sends and decodes the JSON body.
    pub(crate) async fn send_json<T: serde::de::DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T> {
        self.send(request).await?.json()
    }

    /// `GET /rate_limit`: every bucket's position (the call itself does not count).
    pub async fn rate_limit_status(&self) -> Result<crate::models::RateLimitOverview> {
        self.send_json(
            Request::get("/rate_limit")
                .operation("rate_limit.get")
                .path_template("/rate_limit"),
        )
        .await
    }
}

#[async_trait]
impl Connector for Client {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn info(&self) -> ConnectorInfo {
        ConnectorInfo::new(
            SERVICE,
            "GitHub",
            Category::DevTools,
            &[AuthKind::ApiKey, AuthKind::Jwt, AuthKind::OAuth2],
        )
        .api_version(self.api_version.to_string())
    }

    /// `GET /rate_limit`: proves credentials and reachability without spending quota.
    async fn health(&self) -> Result<Health> {
        let response = self
            .send(
                Request::get("/rate_limit")
                    .operation("health")
                    .path_template("/rate_limit"),
            )
            .await?;
        Ok(Health::from_response(&response))
    }

    async fn request(&self, request: Request) -> Result<ApiResponse> {
        self.send(request).await
    }
}
