//! The GitHub client and its builder.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use atom_core::{
    ApiClient, ApiResponse, AuthKind, Category, ClientOptions, ConnectorInfo, Credentials, Error,
    ProviderClient, ProviderDefaults, RateLimitConfig, RateLimitSnapshot, RateLimiter, Request,
    Result, Secret,
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

/// GitHub's published pacing, for building a limiter to share between clients
/// ([`Limits::limiter`]); a single client sets the same through
/// [`ClientBuilder::rate_limits`] and [`ClientBuilder::class_limits`].
///
/// ```
/// use std::sync::Arc;
/// use atom_github::{Client, Limits, WRITE_CLASS};
/// let shared = Arc::new(Limits::default().limiter());
/// let a = Client::builder().shared_limiter(shared.clone()).tenant("installation-1").build()?;
/// let b = Client::builder().shared_limiter(shared).tenant("installation-2").build()?;
/// # let _ = (a, b, WRITE_CLASS); Ok::<(), atom_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    /// Replaces the pacing of every call.
    pub fn primary(mut self, config: RateLimitConfig) -> Self {
        self.primary = config;
        self
    }

    /// Replaces the pacing of one rate class ([`WRITE_CLASS`] or [`SEARCH_CLASS`]); any
    /// other name is a `Config` error.
    pub fn class(mut self, class: &str, config: RateLimitConfig) -> Result<Self> {
        match class {
            WRITE_CLASS => self.write = config,
            SEARCH_CLASS => self.search = config,
            other => {
                return Err(Error::config(
                    SERVICE,
                    format!(
                        "{other:?} is not a GitHub rate class (use WRITE_CLASS or SEARCH_CLASS)"
                    ),
                ));
            }
        }
        Ok(self)
    }

    /// The limiter these limits describe (share it between clients of one installation).
    pub fn limiter(&self) -> RateLimiter {
        RateLimiter::new(SERVICE, self.primary.clone())
            .with_class(WRITE_CLASS, self.write.clone())
            // GitHub counts search apart (`x-ratelimit-resource: search`): an exhausted
            // search limit must not hold back other calls.
            .with_independent_class(SEARCH_CLASS, self.search.clone())
    }
}

/// A GitHub REST client: typed calls per resource family, and [`Client::send`] for
/// anything else. Cheap to clone; clones share connections, limits and the ETag cache.
#[derive(Clone, Debug)]
pub struct Client {
    api: ApiClient,
    etags: Option<Arc<EtagCache>>,
    api_version: Arc<str>,
    /// The media type for bodies, set per handler (`issues(..).body_format(..)`).
    body_format: crate::media::BodyFormat,
}

/// Configures a [`Client`]: the shared options (`base_url`, `http_client`, `retry_policy`,
/// `rate_limits`, `shared_limiter`, `tenant`, `user_agent`, `timeout`, `connect_timeout`,
/// `max_redirects`, `max_response_bytes`, `authenticator`) and GitHub's own (`token`,
/// `credentials`, `api_version`, `class_limits`, `etag_cache`).
#[derive(Debug)]
pub struct ClientBuilder {
    options: ClientOptions,
    class_limits: Vec<(String, RateLimitConfig)>,
    api_version: String,
    etag: Option<(usize, usize)>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            options: ClientOptions::default(),
            class_limits: Vec::new(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            etag: None,
        }
    }
}

impl ClientBuilder {
    atom_core::client_options_setters!(options);

    /// A personal access token, an OAuth user token or an installation token, as bearer
    /// (replaces any earlier credential or authenticator).
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.options.authenticator = Some(Arc::new(Credentials::bearer(token)));
        self
    }

    /// Any credentials (for `Credentials::None`: public data at 60 requests an hour).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.options.authenticator = Some(Arc::new(credentials));
        self
    }

    /// Pacing of one rate class: [`WRITE_CLASS`] (default one call a second) or
    /// [`SEARCH_CLASS`] (default 30 a minute). Another name is refused by `build`.
    /// Ignored when a [`shared_limiter`](Self::shared_limiter) is given.
    pub fn class_limits(mut self, class: &str, config: RateLimitConfig) -> Self {
        self.class_limits.push((class.to_owned(), config));
        self
    }

    /// Pins another `X-GitHub-Api-Version`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Turns on conditional GETs with a cache of at most `capacity` responses of at most
    /// `max_body` bytes each (see [`crate::etag`]).
    pub fn etag_cache(mut self, capacity: usize, max_body: usize) -> Self {
        self.etag = Some((capacity, max_body));
        self
    }

    /// Builds the client; a bad base URL, header value, rate class or HTTP setup is a
    /// `Config` error.
    pub fn build(self) -> Result<Client> {
        let mut limits = Limits::default();
        for (class, config) in self.class_limits {
            limits = limits.class(&class, config)?;
        }
        let defaults = ProviderDefaults::new(DEFAULT_BASE_URL, USER_AGENT);
        let api = self
            .options
            .api_client(GitHubProvider, defaults, |primary| {
                match primary {
                    Some(primary) => limits.primary(primary),
                    None => limits,
                }
                .limiter()
            })?
            .default_header("accept", MEDIA_TYPE)?
            .default_header("x-github-api-version", &self.api_version)?
            .build()?;
        Ok(Client {
            api,
            etags: self
                .etag
                .map(|(capacity, max_body)| Arc::new(EtagCache::new(capacity, max_body))),
            api_version: self.api_version.into(),
            body_format: crate::media::BodyFormat::Default,
        })
    }
}

impl Client {
    /// A builder with GitHub's defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for `https://api.github.com` with a bearer token (a personal access token,
    /// an OAuth user token or an installation token).
    pub fn new(token: impl Into<Secret>) -> Result<Self> {
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
        let request = if request.headers().contains_key(http::header::ACCEPT) {
            request
        } else {
            self.body_format.apply(request)
        };
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
            Some(entry) => request.header("if-none-match", &entry.etag),
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

    /// This client asking for bodies in `format` (handlers use it for `body_format`).
    pub(crate) fn with_body_format(mut self, format: crate::media::BodyFormat) -> Self {
        self.body_format = format;
        self
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

/// [`Connector`](atom_core::Connector) comes from the core through this.
#[async_trait]
impl ProviderClient for Client {
    const SERVICE: &'static str = SERVICE;

    fn connector_info(&self) -> ConnectorInfo {
        ConnectorInfo::new(
            SERVICE,
            "GitHub",
            Category::DevTools,
            &[AuthKind::ApiKey, AuthKind::Jwt, AuthKind::OAuth2],
        )
        .api_version(self.api_version.to_string())
    }

    /// `GET /rate_limit`: proves credentials and reachability without spending quota.
    fn health_request(&self) -> Request {
        Request::get("/rate_limit")
            .operation("health")
            .path_template("/rate_limit")
    }

    async fn send_request(&self, request: Request) -> Result<ApiResponse> {
        self.send(request).await
    }
}
