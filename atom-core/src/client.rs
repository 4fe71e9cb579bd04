//! The one request path every provider uses.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use tokio::time::Instant;
use tracing::Instrument as _;
use url::Url;

use crate::auth::credentials::{Authenticator, Authorization, Credentials};
use crate::http_util::{build_url, validate_base_url};
use crate::provider::Provider;
use crate::ratelimit::{RateLimitConfig, RateLimiter};
use crate::retry::{Decision, Failure, RetryPolicy, random_jitter};
use crate::{ApiResponse, Error, ErrorKind, RateLimitSnapshot, Request, ResponseMeta, Result};

/// Sends [`Request`]s: rate-limit permit, credentials (refreshed when due), the HTTP call,
/// rate-limit headers fed back, one refresh-and-replay after a 401, the provider's error
/// mapping, and the retry policy. Cheap to clone; clones share limits and connections.
///
/// ```
/// # async fn demo() -> atom_core::Result<()> {
/// use atom_core::{ApiClient, Credentials, GenericProvider, Request, Secret};
/// let client = ApiClient::builder(GenericProvider("example"), "https://api.example.com")?
///     .credentials(Credentials::bearer(Secret::new("token")))
///     .user_agent("my-app/1.0")?
///     .build()?;
/// let response = client.send(Request::get("/v1/things").operation("things.list")).await?;
/// let things: serde_json::Value = response.json()?;
/// # let _ = things; Ok(()) }
/// ```
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Arc<dyn Provider>,
    base_url: Url,
    http: reqwest::Client,
    auth: Arc<dyn Authenticator>,
    retry: RetryPolicy,
    limiter: Arc<RateLimiter>,
    tenant: String,
    default_headers: HeaderMap,
    timeout: Duration,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("service", &self.inner.provider.service())
            .field("base_url", &self.inner.base_url.as_str())
            .field("auth", &self.inner.auth)
            .field("tenant", &self.inner.tenant)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Configures an [`ApiClient`].
pub struct ApiClientBuilder {
    provider: Arc<dyn Provider>,
    base_url: Url,
    http: Option<reqwest::Client>,
    auth: Arc<dyn Authenticator>,
    retry: RetryPolicy,
    limiter: Option<Arc<RateLimiter>>,
    limits: RateLimitConfig,
    tenant: String,
    default_headers: HeaderMap,
    timeout: Duration,
    connect_timeout: Duration,
}

impl fmt::Debug for ApiClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClientBuilder")
            .field("service", &self.provider.service())
            .field("base_url", &self.base_url.as_str())
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl ApiClientBuilder {
    /// Injects a `reqwest::Client` (proxies, TLS roots, connection pool shared with the app).
    /// Use [`crate::reqwest`] so the versions match.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Static credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.auth = Arc::new(credentials);
        self
    }

    /// Any authenticator (OAuth through a [`crate::TokenManager`], app tokens).
    pub fn authenticator(mut self, auth: Arc<dyn Authenticator>) -> Self {
        self.auth = auth;
        self
    }

    /// The retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Pacing for this client's own limiter.
    pub fn rate_limits(mut self, limits: RateLimitConfig) -> Self {
        self.limits = limits;
        self
    }

    /// A limiter shared with other clients (several clients for one tenant).
    pub fn shared_limiter(mut self, limiter: Arc<RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// The tenant whose limits this client's calls count against.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = tenant.into();
        self
    }

    /// A header sent with every request. Invalid names or values are refused.
    pub fn default_header(mut self, name: &str, value: &str) -> Result<Self> {
        let service = self.provider.service();
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::config(service, format!("invalid header name {name:?}")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| Error::config(service, format!("invalid value for header {name}")))?;
        self.default_headers.insert(name, value);
        Ok(self)
    }

    /// The `User-Agent` (providers set `atom-<provider>/<version>`). A value that cannot be
    /// a header is refused.
    pub fn user_agent(self, agent: &str) -> Result<Self> {
        self.default_header(http::header::USER_AGENT.as_str(), agent)
    }

    /// The timeout of one attempt, from sending to the last body byte (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The connect timeout when the client builds its own `reqwest::Client` (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<ApiClient> {
        let service = self.provider.service();
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                // Credentials must not follow a redirect to another host.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::config(service, format!("cannot build HTTP client: {e}")))?,
        };
        let limiter = self
            .limiter
            .unwrap_or_else(|| Arc::new(RateLimiter::new(service, self.limits)));
        Ok(ApiClient {
            inner: Arc::new(Inner {
                provider: self.provider,
                base_url: self.base_url,
                http,
                auth: self.auth,
                retry: self.retry,
                limiter,
                tenant: self.tenant,
                default_headers: self.default_headers,
                timeout: self.timeout,
            }),
        })
    }
}

/// One attempt's result before the retry decision.
enum AttemptOutcome {
    Done(Box<ApiResponse>),
    Failed { error: Error, failure: Failure },
}

impl ApiClient {
    /// Starts a client for `provider` at `base_url` (https, or http on loopback).
    pub fn builder(provider: impl Provider, base_url: &str) -> Result<ApiClientBuilder> {
        let service = provider.service();
        let base_url = Url::parse(base_url)
            .map_err(|e| Error::config(service, format!("invalid base URL: {e}")))?;
        validate_base_url(service, &base_url)?;
        Ok(ApiClientBuilder {
            provider: Arc::new(provider),
            base_url,
            http: None,
            auth: Arc::new(Credentials::None),
            retry: RetryPolicy::default(),
            limiter: None,
            limits: RateLimitConfig::default(),
            tenant: String::new(),
            default_headers: HeaderMap::new(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        })
    }

    /// The service id.
    pub fn service(&self) -> &'static str {
        self.inner.provider.service()
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The limiter (shared by clones).
    pub fn limiter(&self) -> &Arc<RateLimiter> {
        &self.inner.limiter
    }

    /// The last rate-limit position reported for this client's tenant.
    pub fn rate_limit(&self) -> Option<RateLimitSnapshot> {
        self.inner.limiter.snapshot(&self.inner.tenant)
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Sends a request for this client's tenant.
    pub async fn send(&self, request: Request) -> Result<ApiResponse> {
        self.send_for(&self.inner.tenant, request).await
    }

    /// Sends a request that counts against another tenant's limits (Stripe Connect).
    pub async fn send_for(&self, tenant: &str, request: Request) -> Result<ApiResponse> {
        let inner = &self.inner;
        let service = inner.provider.service();
        let started = Instant::now();
        let idempotent = request.is_idempotent();
        let mut attempt: u32 = 0;
        let mut replayed_after_401 = false;
        loop {
            attempt += 1;
            let span = tracing::info_span!(
                "atom.request",
                service,
                operation = %request.operation,
                method = %request.method,
                path = %request.path_template,
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let outcome = self
                .attempt(tenant, &request, started, attempt)
                .instrument(span.clone())
                .await?;
            let (error, failure, auth) = match outcome {
                (AttemptOutcome::Done(mut response), _) => {
                    span.record("status", response.status.as_u16());
                    if let Some(id) = &response.meta.request_id {
                        span.record("request_id", id.as_str());
                    }
                    response.meta.attempts = attempt;
                    response.meta.elapsed = started.elapsed();
                    return Ok(*response);
                }
                (AttemptOutcome::Failed { error, failure }, auth) => (error, failure, auth),
            };
            if let Some(status) = error.status() {
                span.record("status", status);
            }
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            let status = error.status().and_then(|s| StatusCode::from_u16(s).ok());
            if let Some(status) = status
                && !replayed_after_401
                && inner.provider.is_auth_failure(status, &error)
            {
                replayed_after_401 = true;
                if inner.auth.unauthorized(&auth).await? {
                    // The replay with the refreshed token is not a retry: it does not count.
                    attempt -= 1;
                    continue;
                }
            }
            // Any rate-limit answer with a wait (GitHub also limits with 403) holds back the
            // tenant's other calls too, not only this one's retry.
            if error.kind() == ErrorKind::RateLimited
                && let Some(wait) = error.retry_after()
            {
                inner.limiter.pause(tenant, request.rate_class, wait);
            }
            match inner.retry.decide(
                attempt,
                idempotent,
                &failure,
                started.elapsed(),
                random_jitter(),
            ) {
                Decision::Retry(delay) => {
                    tracing::debug!(parent: &span, ?delay, error = %error, "retrying");
                    tokio::time::sleep(delay).await;
                }
                Decision::Stop => {
                    tracing::debug!(parent: &span, error = %error, "request failed");
                    return Err(error);
                }
            }
        }
    }

    /// One attempt. `Err` only for failures no retry can fix (configuration, credentials).
    async fn attempt(
        &self,
        tenant: &str,
        request: &Request,
        started: Instant,
        attempt: u32,
    ) -> Result<(AttemptOutcome, Authorization)> {
        let inner = &self.inner;
        let provider = &inner.provider;
        let service = provider.service();
        let _permit = inner.limiter.acquire(tenant, request.rate_class).await?;
        let auth = inner.auth.authorize().await?;
        let base = auth.base_url.as_ref().unwrap_or(&inner.base_url);
        let url = build_url(service, base, &request.path, &request.query)?;

        let mut timeout = request.timeout.unwrap_or(inner.timeout);
        if let Some(deadline) = inner.retry.deadline {
            let left = deadline.saturating_sub(started.elapsed());
            if left.is_zero() {
                let err = Error::new(ErrorKind::Timeout, service, "overall deadline passed")
                    .with_retryable(false);
                return Ok((
                    AttemptOutcome::Failed {
                        error: err,
                        failure: Failure::Timeout,
                    },
                    auth,
                ));
            }
            timeout = timeout.min(left);
        }

        let mut builder = inner
            .http
            .request(request.method.clone(), url)
            .headers(inner.default_headers.clone())
            .timeout(timeout);
        for (name, value) in &auth.headers {
            builder = builder.header(name, value);
        }
        builder = builder.headers(request.headers.clone());
        if let Some(key) = &request.idempotency_key {
            builder = builder.header(provider.idempotency_header(), key.as_str());
        }
        if let Some((content_type, bytes)) = request.body.parts() {
            builder = builder
                .header(http::header::CONTENT_TYPE, content_type)
                .body(bytes.clone());
        }

        let sent = builder.send().await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => return Ok((transport_failure(service, e, attempt), auth)),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let request_id = provider.request_id(&headers);
        let rate_limit = provider.rate_limit(&headers);
        if let Some(snapshot) = &rate_limit {
            inner.limiter.observe(tenant, request.rate_class, snapshot);
        }
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let outcome = transport_failure(service, e, attempt);
                return Ok((with_request_id(outcome, request_id, status), auth));
            }
        };
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok((
                AttemptOutcome::Done(Box::new(ApiResponse {
                    service,
                    status,
                    headers,
                    body,
                    meta: ResponseMeta {
                        request_id,
                        attempts: attempt,
                        elapsed: Duration::ZERO,
                        rate_limit,
                    },
                })),
                auth,
            ));
        }
        let mut error = provider.map_error(status, &headers, &body);
        if error.status().is_none() {
            error = error.with_status(status.as_u16());
        }
        if error.request_id().is_none() {
            error = error.with_request_id_opt(request_id);
        }
        let retry_after = provider.retry_after(status, &headers, &error);
        if error.retry_after().is_none() {
            error = error.with_retry_after(retry_after);
        }
        let provider_says = provider.should_retry(status, &headers, &error);
        if let Some(verdict) = provider_says {
            error = error.with_retryable(verdict);
        }
        let failure = Failure::Status {
            status: status.as_u16(),
            retry_after: error.retry_after(),
            provider_says,
        };
        Ok((AttemptOutcome::Failed { error, failure }, auth))
    }
}

fn transport_failure(service: &'static str, e: reqwest::Error, attempt: u32) -> AttemptOutcome {
    let (kind, failure, what) = if e.is_timeout() {
        (ErrorKind::Timeout, Failure::Timeout, "no response in time")
    } else if e.is_connect() {
        (ErrorKind::Network, Failure::Connect, "could not connect")
    } else {
        (ErrorKind::Network, Failure::Network, "connection failed")
    };
    // The URL may carry credentials in its query: describe the cause without it.
    let e = e.without_url();
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    let error = Error::new(
        kind,
        service,
        format!("{what} (attempt {attempt}): {detail}"),
    );
    AttemptOutcome::Failed { error, failure }
}

fn with_request_id(
    outcome: AttemptOutcome,
    id: Option<String>,
    status: StatusCode,
) -> AttemptOutcome {
    match outcome {
        AttemptOutcome::Failed { error, failure } => AttemptOutcome::Failed {
            error: error.with_request_id_opt(id).with_status(status.as_u16()),
            failure,
        },
        done => done,
    }
}
