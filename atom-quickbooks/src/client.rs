//! The QuickBooks client: hosts, realm, `minorversion`, `requestid`, the provider hooks,
//! and the one place requests are sent.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use atom_core::{
    ApiClient, ApiResponse, AuthKind, Category, ClientOptions, ConnectorInfo, Credentials, Error,
    Provider, ProviderClient, ProviderDefaults, RateLimitConfig, RateLimitSnapshot, RateLimiter,
    Request, Result, Secret, TokenManager,
};
use http::{HeaderMap, Method, StatusCode};

use crate::SERVICE;
use crate::error::{map_error, should_retry};

/// The production API host.
pub const PRODUCTION_BASE_URL: &str = "https://quickbooks.api.intuit.com";
/// The sandbox API host (development companies).
pub const SANDBOX_BASE_URL: &str = "https://sandbox-quickbooks.api.intuit.com";

/// The `minorversion` sent with every call unless the client is told otherwise: 75, the
/// lowest Intuit accepts since August 2025 (older minor versions are served as 75).
pub const DEFAULT_MINOR_VERSION: u32 = 75;

/// The rate class of `/batch` calls, which Intuit limits apart from the realm's other calls.
pub const BATCH_CLASS: &str = "batch";

/// The longest `requestid` accepted (Intuit keeps ids of up to 50 characters).
pub const MAX_REQUEST_ID_LEN: usize = 50;

/// The default `User-Agent`.
pub(crate) const USER_AGENT: &str = concat!("atom-quickbooks/", env!("CARGO_PKG_VERSION"));

/// Intuit's published limits per realm: 500 requests a minute, 10 at once.
pub fn default_rate_limits() -> RateLimitConfig {
    RateLimitConfig::new(500, Duration::from_secs(60), 10)
}

/// Intuit's published batch limit per realm: 40 `/batch` calls a minute.
pub fn default_batch_limits() -> RateLimitConfig {
    RateLimitConfig::new(40, Duration::from_secs(60), 10)
}

/// Which QuickBooks Online hosts to talk to: chosen explicitly, since a sandbox company's
/// tokens and realm ids mean nothing to production and the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `quickbooks.api.intuit.com`.
    Production,
    /// `sandbox-quickbooks.api.intuit.com`.
    Sandbox,
}

impl Environment {
    /// The API base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Production => PRODUCTION_BASE_URL,
            Self::Sandbox => SANDBOX_BASE_URL,
        }
    }
}

/// The hooks QuickBooks adds to the shared request path: its `Fault` body, `intuit_tid`,
/// throttle faults retried.
#[derive(Debug, Clone, Copy, Default)]
pub struct QuickBooksProvider;

impl Provider for QuickBooksProvider {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn map_error(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        map_error(status, headers, body)
    }

    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        headers
            .get("intuit_tid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    fn should_retry(&self, status: StatusCode, headers: &HeaderMap, error: &Error) -> Option<bool> {
        let _ = (status, headers);
        should_retry(error)
    }

    fn error_in_success(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Option<Error> {
        let _ = headers;
        // Only a whole-answer Fault (at the top of the body); a batch item's Fault belongs to
        // that item. Looking at the start keeps large query pages from being parsed twice.
        if !crate::error::starts_with_fault(body) {
            return None;
        }
        let fault = crate::error::parse_fault(body)?;
        Some(crate::error::fault_error(&fault, Some(status.as_u16())).with_status(status.as_u16()))
    }

    fn idempotency_header(&self) -> &'static str {
        // The id travels as the `requestid` query parameter Intuit reads; the header copy
        // only tells the core that the POST is safe to retry.
        "requestid"
    }
}

/// Options for one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// The `requestid` of a create, update, delete, void or batch. Without one a fresh
    /// UUID v4 is used; either way the same id is sent on every retry, so QuickBooks
    /// answers a repeated request with the first one's result instead of posting twice.
    /// Pass your own (an order id) to make the call safe to repeat across restarts. At most
    /// 50 characters of `A–Z a–z 0–9 - _ .`.
    pub request_id: Option<String>,
}

impl RequestOptions {
    /// Options with this `requestid`.
    pub fn request_id(id: impl Into<String>) -> Self {
        Self {
            request_id: Some(id.into()),
        }
    }
}

/// A QuickBooks Online Accounting API client for one company (realm). Cheap to clone (an
/// `Arc` inside); clones share connections and limits.
///
/// ```no_run
/// # async fn demo(manager: std::sync::Arc<atom_core::TokenManager>) -> atom_core::Result<()> {
/// use atom_quickbooks::{Client, Environment};
/// let qb = Client::new(Environment::Sandbox, "9130347596843992", manager)?;
/// let info = qb.company_info().await?;
/// println!("{:?}", info.company_name);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    api: ApiClient,
    realm_id: String,
    minor_version: u32,
    environment: Option<Environment>,
}

/// Configures a [`Client`]: the environment, the realm, the credential, `minorversion`,
/// batch limits and every [`ClientOptions`] setter.
///
/// ```no_run
/// # fn demo() -> atom_core::Result<()> {
/// use atom_quickbooks::{Client, Environment};
/// let qb = Client::builder()
///     .environment(Environment::Production)
///     .realm_id("9130347596843992")
///     .access_token(std::env::var("QB_ACCESS_TOKEN").unwrap_or_default())
///     .minor_version(75)
///     .build()?;
/// # let _ = qb; Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    options: ClientOptions,
    environment: Option<Environment>,
    realm_id: Option<String>,
    access_token: Option<Secret>,
    minor_version: Option<u32>,
    batch_limits: Option<RateLimitConfig>,
}

impl ClientBuilder {
    atom_core::client_options_setters!(options);

    /// Production or sandbox. Required unless `base_url` points elsewhere (a mock).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// The company (realm) id every path is under; digits only.
    pub fn realm_id(mut self, realm_id: impl Into<String>) -> Self {
        self.realm_id = Some(realm_id.into());
        self
    }

    /// A fixed OAuth access token (bearer); use `authenticator` with an
    /// `atom_core::OAuthAuthenticator` to have tokens refreshed.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// The `minorversion` sent on every call (default [`DEFAULT_MINOR_VERSION`]).
    pub fn minor_version(mut self, version: u32) -> Self {
        self.minor_version = Some(version);
        self
    }

    /// Pacing of `/batch` calls (default [`default_batch_limits`]). Ignored with a
    /// `shared_limiter`, which carries its own classes.
    pub fn batch_limits(mut self, limits: RateLimitConfig) -> Self {
        self.batch_limits = Some(limits);
        self
    }

    /// Builds the client. Fails without an environment (and no `base_url`), without a
    /// realm id of digits, or without a credential.
    pub fn build(self) -> Result<Client> {
        let realm_id = self
            .realm_id
            .ok_or_else(|| Error::config(SERVICE, "the realm id (company id) is not set"))?;
        validate_realm_id(&realm_id)?;
        let base = match (self.environment, &self.options.base_url) {
            (Some(env), _) => env.base_url(),
            (None, Some(_)) => PRODUCTION_BASE_URL,
            (None, None) => {
                return Err(Error::config(
                    SERVICE,
                    "choose Environment::Production or Environment::Sandbox (or set base_url)",
                ));
            }
        };
        let token = self.access_token.filter(|t| !t.is_empty());
        if token.is_none() && self.options.authenticator.is_none() {
            return Err(Error::config(
                SERVICE,
                "no credential: set access_token or an authenticator (OAuth token manager)",
            ));
        }
        let mut options = self.options;
        // The realm is the tenant Intuit limits by.
        if options.tenant.is_none() {
            options.tenant = Some(realm_id.clone());
        }
        let batch = self.batch_limits.unwrap_or_else(default_batch_limits);
        let defaults = ProviderDefaults::new(base, USER_AGENT);
        let mut builder = options
            .api_client(QuickBooksProvider, defaults, |limits| {
                RateLimiter::new(SERVICE, limits.unwrap_or_else(default_rate_limits))
                    .with_independent_class(BATCH_CLASS, batch)
            })?
            .default_header("accept", "application/json")?;
        if let Some(token) = token {
            builder = builder.credentials(Credentials::Bearer(token));
        }
        Ok(Client {
            inner: Arc::new(Inner {
                api: builder.build()?,
                realm_id,
                minor_version: self.minor_version.unwrap_or(DEFAULT_MINOR_VERSION),
                environment: self.environment,
            }),
        })
    }
}

/// Refuses a realm id that is not 1 to 32 ASCII digits (it goes into every path).
pub fn validate_realm_id(realm_id: &str) -> Result<()> {
    if !realm_id.is_empty() && realm_id.len() <= 32 && realm_id.bytes().all(|b| b.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(Error::config(
            SERVICE,
            "a realm id (company id) is 1 to 32 digits",
        ))
    }
}

/// Refuses a `requestid` QuickBooks would not keep as sent.
pub(crate) fn validate_request_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Error::config(
            SERVICE,
            "a requestid is 1 to 50 characters of A-Z a-z 0-9 - _ .",
        ))
    }
}

/// Refuses an entity id that could change the request path, then encodes it as one segment.
pub(crate) fn id_segment(id: &str) -> Result<String> {
    let bad = id.is_empty()
        || id.len() > 64
        || id.contains("..")
        || id
            .bytes()
            .any(|b| matches!(b, b'/' | b'?' | b'#' | b'%' | b'\\') || b.is_ascii_whitespace())
        || id.chars().any(char::is_control);
    if bad {
        return Err(Error::config(
            SERVICE,
            "invalid entity id: empty, longer than 64, or contains '/', '?', '#', '%', '..' or whitespace",
        ));
    }
    atom_core::http_util::path_segment(SERVICE, id)
}

impl Client {
    /// A client for one realm with tokens from an OAuth token manager (refreshed ahead of
    /// expiry, rotated refresh tokens saved before use): the shortcut for
    /// `Client::builder().environment(env).realm_id(realm).authenticator(OAuthAuthenticator::new(manager))`.
    pub fn new(
        environment: Environment,
        realm_id: impl Into<String>,
        manager: Arc<TokenManager>,
    ) -> Result<Self> {
        Self::builder()
            .environment(environment)
            .realm_id(realm_id)
            .authenticator(Arc::new(atom_core::OAuthAuthenticator::new(manager)))
            .build()
    }

    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The company (realm) id.
    pub fn realm_id(&self) -> &str {
        &self.inner.realm_id
    }

    /// The `minorversion` sent on every call.
    pub fn minor_version(&self) -> u32 {
        self.inner.minor_version
    }

    /// The environment chosen, if one was (a client built with only a `base_url` has none).
    pub fn environment(&self) -> Option<Environment> {
        self.inner.environment
    }

    /// The underlying core client (limits, retry policy, base URL).
    pub fn api(&self) -> &ApiClient {
        &self.inner.api
    }

    /// The last rate-limit position reported for the realm.
    pub fn rate_limit(&self) -> Option<RateLimitSnapshot> {
        self.inner.api.rate_limit()
    }

    /// `/v3/company/{realmId}/{rest}`.
    pub fn company_path(&self, rest: &str) -> String {
        format!(
            "/v3/company/{}/{}",
            self.inner.realm_id,
            rest.trim_start_matches('/')
        )
    }

    /// A request under the company path, named for tracing.
    pub(crate) fn request(
        &self,
        method: Method,
        rest: &str,
        operation: &'static str,
        template: &'static str,
    ) -> Request {
        Request::new(method, self.company_path(rest))
            .operation(operation)
            .path_template(template)
    }

    /// Adds `minorversion` (unless set), and to a POST a `requestid` (the caller's, the
    /// request's idempotency key, or a fresh UUID v4) kept on every retry.
    fn prepare(&self, mut request: Request, options: &RequestOptions) -> Result<Request> {
        if let Some(error) = request.build_error() {
            return Err(error.clone().for_service(SERVICE));
        }
        if !request.path().starts_with('/') && !request.path().starts_with("http") {
            let path = self.company_path(request.path());
            let mut rebuilt = Request::new(request.method().clone(), path)
                .operation(request.operation_name().to_owned())
                .path_template(request.template().to_owned())
                .body(request.body_ref().clone());
            for (k, v) in request.query_pairs() {
                rebuilt = rebuilt.query(k.clone(), v.clone());
            }
            for (name, value) in request.headers() {
                if let Ok(value) = value.to_str() {
                    rebuilt = rebuilt.header(name.as_str(), value);
                }
            }
            if let Some(key) = request.idempotency() {
                rebuilt = rebuilt.idempotency_key(key.to_owned());
            }
            if let Some(class) = request.rate_class_name() {
                rebuilt = rebuilt.rate_class(class);
            }
            request = rebuilt;
        }
        let has = |request: &Request, name: &str| {
            request
                .query_pairs()
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        if has(&request, "minorversion").is_none() {
            request = request.query("minorversion", self.inner.minor_version.to_string());
        }
        if request.method() == Method::POST {
            let id = match has(&request, "requestid") {
                Some(id) => id,
                None => {
                    let id = options
                        .request_id
                        .clone()
                        .or_else(|| request.idempotency().map(str::to_owned))
                        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                    request = request.query("requestid", id.clone());
                    id
                }
            };
            validate_request_id(&id)?;
            request = request.idempotency_key(id);
        }
        if request.rate_class_name().is_none() && request.path().ends_with("/batch") {
            request = request.rate_class(BATCH_CLASS);
        }
        Ok(request)
    }

    /// Sends any request on the typed calls' path: the realm's credential, `minorversion`,
    /// a `requestid` on POSTs, limits, retries and error mapping. A path without a leading
    /// `/` is taken under `/v3/company/{realmId}/` (the request is rebuilt for that, keeping
    /// method, query, headers, body, idempotency key and rate class, but not a per-request
    /// timeout or body limit, which the core offers no way to read back: give a full path to
    /// keep those). A `Fault` inside an HTTP 200 answer is returned as the error it
    /// describes, never as success.
    ///
    /// ```no_run
    /// # async fn demo(qb: atom_quickbooks::Client) -> atom_core::Result<()> {
    /// let response = qb.send(atom_core::Request::get("class/1")).await?;
    /// let body: serde_json::Value = response.json()?;
    /// # let _ = body; Ok(()) }
    /// ```
    pub async fn send(&self, request: Request) -> Result<ApiResponse> {
        let response = self.send_raw(request, &RequestOptions::default()).await?;
        check_fault(&response)?;
        Ok(response)
    }

    /// Sends without looking for a `Fault` in a 200 answer: for the typed calls, whose
    /// decoders read the fault in the same pass as the data.
    pub(crate) async fn send_raw(
        &self,
        request: Request,
        options: &RequestOptions,
    ) -> Result<ApiResponse> {
        let request = self.prepare(request, options)?;
        self.inner.api.send(request).await
    }
}

/// Fails with the fault's error when a successful JSON or XML answer carries a `Fault`.
pub(crate) fn check_fault(response: &ApiResponse) -> Result<()> {
    match crate::error::parse_fault(&response.body) {
        Some(fault) => Err(
            crate::error::fault_error(&fault, Some(response.status.as_u16()))
                .with_status(response.status.as_u16())
                .with_request_id_opt(response.meta.request_id.clone()),
        ),
        None => Ok(()),
    }
}

/// [`Connector`](atom_core::Connector) comes from the core through this.
#[async_trait]
impl ProviderClient for Client {
    const SERVICE: &'static str = SERVICE;

    fn connector_info(&self) -> ConnectorInfo {
        ConnectorInfo::new(
            SERVICE,
            "QuickBooks Online",
            Category::Billing,
            &[AuthKind::OAuth2],
        )
        .api_version(format!("v3 minorversion {}", self.inner.minor_version))
    }

    /// `GET /v3/company/{realmId}/companyinfo/{realmId}`: cheap and authenticated.
    fn health_request(&self) -> Request {
        let realm = self.inner.realm_id.clone();
        self.request(
            Method::GET,
            &format!("companyinfo/{realm}"),
            "companyinfo.get",
            "/v3/company/{realmId}/companyinfo/{id}",
        )
    }

    /// Any endpoint, with the client's credential, `minorversion`, `requestid`, limits,
    /// retries, error mapping and `Fault` check.
    async fn send_request(&self, request: Request) -> Result<ApiResponse> {
        self.send(request).await
    }
}
