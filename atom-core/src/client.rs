//! The one request path every provider uses.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::future::Either;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use tokio::time::Instant;
use tracing::Instrument as _;
use url::Url;

use crate::auth::credentials::{Authenticator, Authorization, Credentials};
use crate::http_util::{build_url, validate_base_url};
use crate::provider::Provider;
use crate::ratelimit::{RateLimitConfig, RateLimiter};
use crate::redirect::{Chain, DEFAULT_MAX_REDIRECTS, Hop, is_redirect};
use crate::request::is_credential_header;
use crate::retry::{Decision, Failure, RetryPolicy, random_jitter};
use crate::{
    ApiResponse, Body, Error, ErrorKind, RateLimitSnapshot, Request, ResponseMeta, Result,
    StreamBody, StreamingResponse,
};

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
    max_redirects: usize,
    max_response_bytes: usize,
}

/// The default cap on a response body: no JSON answer of these APIs comes near it, and a
/// hostile or broken server cannot make the client buffer hundreds of megabytes.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

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
    max_redirects: usize,
    max_response_bytes: usize,
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
    ///
    /// Redirects are followed by the client itself, not by `reqwest`, so the same rules hold
    /// whatever is injected: at most [`max_redirects`](Self::max_redirects) hops (10 by
    /// default); credentials (the authenticator's headers and any credential-named or
    /// sensitive header) only while every hop stays on the origin of the first request; 307
    /// and 308 keep the method and body, 303 (and 301/302 after a POST) become a GET without
    /// body; a request body is never sent to another origin; a redirect to plain http, a loop
    /// or a chain that is too long ends with an [`ErrorKind::Redirect`] error naming the last
    /// `Location`. For that, the injected client must not follow redirects on its own:
    /// build it with `.redirect(reqwest::redirect::Policy::none())`. [`build`](Self::build)
    /// refuses one that does, since it would carry credentials such as an API-key header to
    /// whatever host a redirect names before this client could stop it.
    ///
    /// ```
    /// use atom_core::{reqwest, ApiClient, GenericProvider};
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()
    ///     .map_err(|e| atom_core::Error::config("example", e.to_string()))?;
    /// let client = ApiClient::builder(GenericProvider("example"), "https://api.example.com")?
    ///     .http_client(http)
    ///     .build()?;
    /// # let _ = client; Ok::<(), atom_core::Error>(())
    /// ```
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
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| Error::config(service, format!("invalid value for header {name}")))?;
        if is_credential_header(&name) {
            value.set_sensitive(true);
        }
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

    /// How many redirects one attempt follows (default
    /// [`DEFAULT_MAX_REDIRECTS`](crate::DEFAULT_MAX_REDIRECTS)); 0 follows none and returns an
    /// [`ErrorKind::Redirect`] error naming the `Location`.
    pub fn max_redirects(mut self, hops: usize) -> Self {
        self.max_redirects = hops;
        self
    }

    /// The largest response body read (default [`DEFAULT_MAX_RESPONSE_BYTES`], 16 MiB). A
    /// larger one is not buffered: the call fails with an [`ErrorKind::Decode`] error (or,
    /// for an error status, an error of that status) saying so. Per call:
    /// [`Request::max_response_bytes`].
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<ApiClient> {
        let service = self.provider.service();
        let http = match self.http {
            Some(http) if follows_redirects(&http) => {
                return Err(Error::config(
                    service,
                    "the injected reqwest::Client follows redirects on its own, which would \
                     carry credentials to whatever host a redirect names: build it with \
                     .redirect(reqwest::redirect::Policy::none()); atom follows redirects itself",
                ));
            }
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
                max_redirects: self.max_redirects,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

/// Whether a `reqwest::Client` follows redirects itself. reqwest keeps no public accessor
/// for its policy, but its `Debug` names any policy other than the default (which follows
/// 10). A test pins this reading to the reqwest version in use.
fn follows_redirects(client: &reqwest::Client) -> bool {
    let shown = format!("{client:?}");
    !(shown.contains("redirect_policy: \"Policy(None)\"")
        || shown.contains("redirect_policy: \"Policy(Limit(0))\""))
}

/// One attempt's result before the retry decision.
enum AttemptOutcome {
    Done(Reply),
    Failed { error: Error, failure: Failure },
}

/// A successful answer, its body read or still to be read.
enum Reply {
    Buffered(Box<ApiResponse>),
    Streaming(Box<StreamingResponse>),
}

impl Reply {
    fn status(&self) -> StatusCode {
        match self {
            Reply::Buffered(response) => response.status,
            Reply::Streaming(response) => response.status,
        }
    }

    fn meta(&mut self) -> &mut ResponseMeta {
        match self {
            Reply::Buffered(response) => &mut response.meta,
            Reply::Streaming(response) => &mut response.meta,
        }
    }
}

/// The answer to a call whose mode asked for the other kind: never made, since an attempt
/// replies in the mode it was given.
fn mode_mismatch(service: &'static str) -> Error {
    Error::new(
        ErrorKind::Decode,
        service,
        "the answer came in the other body mode",
    )
}

/// Whether a successful answer's body is read before it is returned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyMode {
    Buffered,
    Streaming,
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
            max_redirects: DEFAULT_MAX_REDIRECTS,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
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
        let service = self.inner.provider.service();
        // Errors made by shared parts on the way (a token store, a credential) name this
        // client's service, not the core's placeholder.
        match self.send_once(tenant, request, BodyMode::Buffered).await {
            Ok(Reply::Buffered(response)) => Ok(*response),
            Ok(Reply::Streaming(_)) => Err(mode_mismatch(service)),
            Err(e) => Err(e.for_service(service)),
        }
    }

    /// Sends a request and returns once the headers of a successful answer are in, leaving
    /// the body to be read chunk by chunk ([`StreamingResponse::chunk`]): bulk results and
    /// file downloads of any size in flat memory. Failed answers are read, mapped and
    /// retried as by [`send`](Self::send); a successful body is not checked for an error
    /// in it ([`Provider::error_in_success`]).
    ///
    /// ```
    /// # async fn demo(client: atom_core::ApiClient) -> atom_core::Result<()> {
    /// use atom_core::Request;
    /// let mut download = client.send_streaming(Request::get("/files/1/content")).await?;
    /// let mut total = 0;
    /// while let Some(chunk) = download.chunk().await? {
    ///     total += chunk.len();
    /// }
    /// # let _ = total; Ok(()) }
    /// ```
    pub async fn send_streaming(&self, request: Request) -> Result<StreamingResponse> {
        self.send_streaming_for(&self.inner.tenant, request).await
    }

    /// [`send_streaming`](Self::send_streaming) against another tenant's limits.
    pub async fn send_streaming_for(
        &self,
        tenant: &str,
        request: Request,
    ) -> Result<StreamingResponse> {
        let service = self.inner.provider.service();
        match self.send_once(tenant, request, BodyMode::Streaming).await {
            Ok(Reply::Streaming(response)) => Ok(*response),
            Ok(Reply::Buffered(_)) => Err(mode_mismatch(service)),
            Err(e) => Err(e.for_service(service)),
        }
    }

    async fn send_once(&self, tenant: &str, request: Request, mode: BodyMode) -> Result<Reply> {
        if let Some(error) = request.deferred {
            return Err(error);
        }
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
                .attempt(tenant, &request, started, attempt, mode)
                .instrument(span.clone())
                .await?;
            let (error, failure, auth) = match outcome {
                (AttemptOutcome::Done(mut reply), _) => {
                    span.record("status", reply.status().as_u16());
                    let meta = reply.meta();
                    if let Some(id) = &meta.request_id {
                        span.record("request_id", id.as_str());
                    }
                    meta.attempts = attempt;
                    meta.elapsed = started.elapsed();
                    return Ok(reply);
                }
                (AttemptOutcome::Failed { error, failure }, auth) => {
                    let secrets = sent_secrets(&auth, &inner.default_headers, &request);
                    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
                    (error.scrubbed(&secrets), failure, auth)
                }
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
                // A one-time streamed body is gone: nothing to replay it with.
                if request.body.can_send() && inner.auth.unauthorized(&auth).await? {
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
            let decision = if request.body.can_send() {
                inner.retry.decide(
                    attempt,
                    idempotent,
                    &failure,
                    started.elapsed(),
                    random_jitter(),
                )
            } else {
                Decision::Stop
            };
            match decision {
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
        mode: BodyMode,
    ) -> Result<(AttemptOutcome, Authorization)> {
        let inner = &self.inner;
        let provider = &inner.provider;
        let service = provider.service();
        let _permit = inner.limiter.acquire(tenant, request.rate_class).await?;
        let auth = match inner.auth.authorize().await {
            Ok(auth) => auth,
            // A token endpoint that is down or busy: nothing reached the API, so the retry
            // policy may try again whatever the method.
            Err(error) if error.is_retryable() => {
                let failure = Failure::Connect;
                let outcome = AttemptOutcome::Failed { error, failure };
                return Ok((outcome, Authorization::default()));
            }
            Err(error) => return Err(error),
        };
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
            // A streamed upload is timed by its progress: the deadline does not cut one
            // that is moving (it still stops retries).
            if !matches!(request.body, Body::Stream(_)) {
                timeout = timeout.min(left);
            }
        }

        let attempt_started = Instant::now();
        let has_body = request.body.content_type().is_some();
        let mut chain = Chain::new(url.clone(), inner.max_redirects);
        let mut hop = Hop {
            url,
            method: request.method.clone(),
            keep_body: has_body,
            credentials: true,
        };
        let mut response = loop {
            let left = timeout.saturating_sub(attempt_started.elapsed());
            let response = match self.send_hop(request, &auth, &hop, left, mode).await {
                Ok(r) => r,
                Err(e) => return Ok((e.into_outcome(service, attempt, timeout), auth)),
            };
            if !is_redirect(response.status()) {
                break response;
            }
            let status = response.status();
            let location = response
                .headers()
                .get(http::header::LOCATION)
                .and_then(|v| v.to_str().ok());
            match chain.next(service, status, location, &hop.method, hop.keep_body) {
                Ok(next) => hop = next,
                Err(error) => {
                    let error = error.with_request_id_opt(provider.request_id(response.headers()));
                    let failure = Failure::Status {
                        status: status.as_u16(),
                        retry_after: None,
                        provider_says: Some(false),
                    };
                    return Ok((AttemptOutcome::Failed { error, failure }, auth));
                }
            }
        };
        if response.url() != &hop.url {
            // Only an injected client that bypassed the check in `build` gets here.
            return Err(Error::config(
                service,
                "the HTTP client followed a redirect on its own; its reply is not trusted",
            ));
        }
        let status = response.status();
        // Taken, not cloned: the body is read by length and stream, not from the headers.
        let headers = std::mem::take(response.headers_mut());
        let request_id = provider.request_id(&headers);
        let rate_limit = provider.rate_limit(&headers);
        if let Some(snapshot) = &rate_limit {
            inner.limiter.observe(tenant, request.rate_class, snapshot);
        }
        let success = status.is_success() || status == StatusCode::NOT_MODIFIED;
        if success && mode == BodyMode::Streaming {
            let meta = ResponseMeta {
                request_id,
                attempts: attempt,
                elapsed: Duration::ZERO,
                rate_limit,
            };
            let streaming = StreamingResponse::new(service, response, headers, meta, timeout);
            return Ok((
                AttemptOutcome::Done(Reply::Streaming(Box::new(streaming))),
                auth,
            ));
        }
        let limit = request
            .max_response_bytes
            .unwrap_or(inner.max_response_bytes);
        // An upload's hops run without reqwest's whole-exchange timeout: time the answer here
        // (only there: a timer per call costs the other calls).
        let read = if matches!(request.body, Body::Stream(_)) {
            tokio::time::timeout(timeout, read_body(response, limit))
                .await
                .ok()
        } else {
            Some(read_body(response, limit).await)
        };
        let Some(read) = read else {
            let error = Error::new(
                ErrorKind::Timeout,
                service,
                format!("the response body did not arrive in time (attempt {attempt})"),
            )
            .with_status(status.as_u16())
            .with_request_id_opt(request_id);
            let failure = Failure::Timeout;
            return Ok((AttemptOutcome::Failed { error, failure }, auth));
        };
        let body = match read {
            Ok(b) => Some(b),
            Err(BodyError::Transport(e)) => {
                let outcome = transport_failure(service, e, attempt);
                return Ok((with_request_id(outcome, request_id, status), auth));
            }
            Err(BodyError::TooLarge) => None,
        };
        let in_band = match &body {
            Some(body) if success => provider.error_in_success(status, &headers, body),
            _ => None,
        };
        let body = match (body, success) {
            (Some(body), true) if in_band.is_some() => body,
            (Some(body), true) => {
                return Ok((
                    AttemptOutcome::Done(Reply::Buffered(Box::new(ApiResponse {
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
                    }))),
                    auth,
                ));
            }
            (Some(body), false) => body,
            (None, _) => {
                let kind = if success {
                    ErrorKind::Decode
                } else {
                    ErrorKind::from_status(status.as_u16())
                };
                let error = Error::new(
                    kind,
                    service,
                    format!(
                        "HTTP {}: response body larger than the limit of {limit} bytes, not read \
                         (max_response_bytes)",
                        status.as_u16()
                    ),
                )
                .with_status(status.as_u16())
                .with_request_id_opt(request_id);
                let failure = Failure::Status {
                    status: status.as_u16(),
                    retry_after: None,
                    provider_says: success.then_some(false),
                };
                return Ok((AttemptOutcome::Failed { error, failure }, auth));
            }
        };
        let mut error = match in_band {
            Some(error) => error,
            None => provider.map_error(status, &headers, &body),
        };
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

    /// Sends one HTTP request of an attempt (the first, or a redirect hop). Credentials go
    /// only on hops the redirect rules allow them on.
    async fn send_hop(
        &self,
        request: &Request,
        auth: &Authorization,
        hop: &Hop,
        timeout: Duration,
        mode: BodyMode,
    ) -> std::result::Result<reqwest::Response, HopError> {
        let inner = &self.inner;
        let mut builder = inner.http.request(hop.method.clone(), hop.url.clone());
        let upload = match &request.body {
            Body::Stream(stream) if hop.keep_body => Some(stream),
            _ => None,
        };
        // reqwest's timeout runs until the answer's body is read. A streamed answer is read
        // later, one chunk at a time with its own wait, and an upload is timed by its
        // progress, so neither gets it.
        if mode == BodyMode::Buffered && upload.is_none() {
            builder = builder.timeout(timeout);
        }
        if hop.credentials {
            // The builder's map is still empty: appending each default is what `headers`
            // (replace) would do, without cloning the whole map per call.
            for (name, value) in &inner.default_headers {
                builder = builder.header(name, value);
            }
            for (name, value) in &auth.headers {
                builder = builder.header(name, value);
            }
            if !request.headers.is_empty() {
                builder = builder.headers(request.headers.clone());
            }
        } else {
            builder = builder
                .headers(without_credentials(&inner.default_headers))
                .headers(without_credentials(&request.headers));
        }
        if let Some(key) = &request.idempotency_key {
            builder = builder.header(inner.provider.idempotency_header(), key.as_str());
        }
        match (&request.body, request.body.parts()) {
            (Body::Stream(stream), _) if hop.keep_body => {
                let body = stream.take().ok_or(HopError::BodyGone)?;
                builder = builder.header(http::header::CONTENT_TYPE, stream.content_type());
                if let Some(length) = stream.length() {
                    builder = builder.header(http::header::CONTENT_LENGTH, length);
                }
                builder = builder.body(body);
            }
            (_, Some((content_type, bytes))) if hop.keep_body => {
                builder = builder
                    .header(http::header::CONTENT_TYPE, content_type)
                    .body(bytes.clone());
            }
            // HTTP/1.1 servers may refuse a write without a length (411); GitHub's
            // description asks for `Content-Length: 0` on its bodiless PUTs.
            _ if matches!(hop.method, Method::POST | Method::PUT | Method::PATCH) => {
                builder = builder.header(http::header::CONTENT_LENGTH, "0");
            }
            _ => {}
        }
        match (upload, mode) {
            (Some(stream), _) => watch_upload(builder.send(), stream, timeout).await,
            (None, BodyMode::Buffered) => builder.send().await.map_err(HopError::Transport),
            (None, BodyMode::Streaming) => {
                match tokio::time::timeout(timeout, builder.send()).await {
                    Ok(sent) => sent.map_err(HopError::Transport),
                    Err(_) => Err(HopError::NoHeaders),
                }
            }
        }
    }
}

/// Waits for the answer to an upload for as long as its body keeps moving: it fails when
/// no chunk was taken for `idle`, or no answer came `idle` after the last one.
async fn watch_upload(
    send: impl Future<Output = std::result::Result<reqwest::Response, reqwest::Error>>,
    body: &StreamBody,
    idle: Duration,
) -> std::result::Result<reqwest::Response, HopError> {
    let mut send = std::pin::pin!(send);
    loop {
        let timer = std::pin::pin!(tokio::time::sleep_until(body.last_progress() + idle));
        match futures::future::select(send.as_mut(), timer).await {
            Either::Left((sent, _)) => return sent.map_err(HopError::Transport),
            Either::Right(((), _)) if body.last_progress() + idle <= Instant::now() => {
                return Err(HopError::Stalled);
            }
            Either::Right(_) => {}
        }
    }
}

impl HopError {
    fn into_outcome(
        self,
        service: &'static str,
        attempt: u32,
        timeout: Duration,
    ) -> AttemptOutcome {
        let (kind, failure, what) = match self {
            HopError::Transport(e) => return transport_failure(service, e, attempt),
            HopError::NoHeaders => (
                ErrorKind::Timeout,
                Failure::Timeout,
                "no response in time".to_owned(),
            ),
            HopError::Stalled => (
                ErrorKind::Timeout,
                Failure::Timeout,
                format!(
                    "the upload made no progress for {timeout:?}: the server took no more of \
                     the body, or did not answer after its end"
                ),
            ),
            HopError::BodyGone => (
                ErrorKind::Config,
                Failure::Invalid,
                "the streamed request body was already sent and cannot be sent again; use \
                 StreamBody::replayable for a body a redirect or retry may resend"
                    .to_owned(),
            ),
        };
        let mut error = Error::new(kind, service, format!("{what} (attempt {attempt})"));
        if kind == ErrorKind::Config {
            error = error.with_retryable(false);
        }
        AttemptOutcome::Failed { error, failure }
    }
}

/// Why one hop got no response.
enum HopError {
    Transport(reqwest::Error),
    /// A streaming call's headers did not come in time.
    NoHeaders,
    /// An upload stopped moving, or its answer did not come after it.
    Stalled,
    /// A one-time streamed body was taken by an earlier hop or attempt.
    BodyGone,
}

/// The headers that may go to another origin: none that is sensitive or credential-named.
fn without_credentials(headers: &HeaderMap) -> HeaderMap {
    headers
        .iter()
        .filter(|(name, value)| !value.is_sensitive() && !is_credential_header(name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

/// Reads a body of at most `limit` bytes, refusing a larger one before buffering it.
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> std::result::Result<Bytes, BodyError> {
    let declared = response.content_length();
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    if declared.is_some() {
        // hyper delivers no more than the declared length: one read, no copy.
        return response.bytes().await.map_err(BodyError::Transport);
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The credential values an attempt sent, to scrub from anything the server echoes back.
fn sent_secrets(auth: &Authorization, defaults: &HeaderMap, request: &Request) -> Vec<String> {
    let mut secrets = Vec::new();
    let sensitive = auth.headers.iter().map(|(_, v)| v).chain(
        defaults
            .values()
            .chain(request.headers.values())
            .filter(|v| v.is_sensitive()),
    );
    for value in sensitive {
        if let Ok(text) = value.to_str() {
            if let Some((_, credential)) = text.split_once(' ') {
                secrets.push(credential.trim().to_owned());
            }
            secrets.push(text.to_owned());
        }
    }
    secrets
}

fn transport_failure(service: &'static str, e: reqwest::Error, attempt: u32) -> AttemptOutcome {
    let (kind, failure, what) = if e.is_builder() {
        (
            ErrorKind::Config,
            Failure::Invalid,
            "request refused by the HTTP layer",
        )
    } else if e.is_timeout() {
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
    )
    .with_source(e);
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
