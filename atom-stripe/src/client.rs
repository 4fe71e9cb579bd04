//! The Stripe client: configuration, the provider hooks, and the one place requests are built.

use std::sync::Arc;

use async_trait::async_trait;
use atom_core::{
    ApiClient, ApiResponse, AuthKind, Body, Category, ClientOptions, ConnectorInfo, Credentials,
    Error, Provider, ProviderClient, ProviderDefaults, RateLimitConfig, RateLimitSnapshot, Request,
    Result, Secret,
};
use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::SERVICE;
use crate::auth::KeyMode;
use crate::error::{map_error, should_retry};
use crate::form;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

/// The API version every request is pinned to unless the client is told otherwise.
///
/// The models of this crate follow this version; another version may rename fields, which
/// then land in the models' `extra` maps instead of their typed fields.
pub const DEFAULT_API_VERSION: &str = "2025-08-27.basil";

/// The default `User-Agent`.
pub(crate) const USER_AGENT: &str = concat!("atom-stripe/", env!("CARGO_PKG_VERSION"));

/// The rate class of search calls (`…/search`): Stripe allows 20 a second in both modes.
pub const SEARCH_CLASS: &str = "search";

/// The hooks Stripe adds to the shared request path: its error body, its
/// `Stripe-Should-Retry` header, `Idempotency-Key`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StripeProvider;

impl Provider for StripeProvider {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn map_error(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        map_error(status, headers, body)
    }

    fn should_retry(&self, status: StatusCode, headers: &HeaderMap, error: &Error) -> Option<bool> {
        let header = headers
            .get("stripe-should-retry")
            .and_then(|v| v.to_str().ok());
        should_retry(status.as_u16(), header, error)
    }

    fn idempotency_header(&self) -> &'static str {
        "idempotency-key"
    }
}

/// Options for one call: its idempotency key and the connected account it acts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// The `Idempotency-Key` of a POST. Without one, a fresh UUID v4 is used; either way the
    /// same key is sent on every retry of the call. Pass your own (an order id) to make a
    /// create safe to repeat across process restarts. At most 255 printable ASCII
    /// characters; anything else is a `Config` error before the request.
    pub idempotency_key: Option<String>,
    /// `Stripe-Account`: act on this connected account (overrides the client's).
    pub stripe_account: Option<String>,
}

/// A Stripe API client. Cheap to clone (an `Arc` inside); clones share connections and
/// rate limits.
///
/// ```no_run
/// # async fn demo() -> atom_core::Result<()> {
/// use atom_stripe::{Client, CustomerCreateParams};
/// let stripe = Client::new(std::env::var("STRIPE_SECRET_KEY").unwrap_or_default())?;
/// let customer = stripe
///     .customers()
///     .create(&CustomerCreateParams { email: Some("jenny@example.com".into()), ..Default::default() })
///     .await?;
/// println!("{}", customer.id);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    api: ApiClient,
    account: Option<String>,
    api_version: String,
    mode: KeyMode,
}

/// Configures a [`Client`]: the secret key, Stripe's own settings (`api_version`,
/// `stripe_account`, `class_limits`) and every [`ClientOptions`] setter.
///
/// ```no_run
/// # fn demo() -> atom_core::Result<()> {
/// use atom_core::RateLimitConfig;
/// use atom_stripe::{Client, SEARCH_CLASS};
/// let stripe = Client::builder()
///     .secret_key(std::env::var("STRIPE_SECRET_KEY").unwrap_or_default())
///     .api_version("2025-08-27.basil")
///     .timeout(std::time::Duration::from_secs(40))
///     .class_limits(SEARCH_CLASS, RateLimitConfig::new(10, std::time::Duration::from_secs(1), 8))
///     .build()?;
/// # let _ = stripe; Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    options: ClientOptions,
    key: Option<Secret>,
    api_version: Option<String>,
    account: Option<String>,
    class_limits: Vec<(&'static str, RateLimitConfig)>,
}

impl ClientBuilder {
    atom_core::client_options_setters!(options);

    /// The secret (`sk_…`) or restricted (`rk_…`) key, sent as a bearer token. Its prefix
    /// sets the default pacing (live or test mode). Not needed with an `authenticator`.
    pub fn secret_key(mut self, key: impl Into<Secret>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Pins another API version (`Stripe-Version`, default [`DEFAULT_API_VERSION`]).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Acts on a connected account for every call (`Stripe-Account`), unless a call says
    /// otherwise.
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// Pacing of one rate class on top of the global limit: [`SEARCH_CLASS`] (default
    /// Stripe's published 20 searches per second). Ignored with a `shared_limiter`, which
    /// carries its own classes.
    pub fn class_limits(mut self, class: &'static str, limits: RateLimitConfig) -> Self {
        self.class_limits.retain(|(c, _)| *c != class);
        self.class_limits.push((class, limits));
        self
    }

    /// Builds the client. Fails on a missing or empty key (without an `authenticator`), a
    /// bad base URL, user agent, version or account id.
    pub fn build(self) -> Result<Client> {
        let key = self.key.unwrap_or_else(|| Secret::new(""));
        if key.is_empty() && self.options.authenticator.is_none() {
            return Err(Error::config(SERVICE, "the Stripe secret key is empty"));
        }
        if let Some(account) = &self.account {
            validate_account(account)?;
        }
        let api_version = self
            .api_version
            .unwrap_or_else(|| DEFAULT_API_VERSION.to_owned());
        let mode = KeyMode::of(&key);
        let class_limits = self.class_limits;
        let defaults = ProviderDefaults::new(DEFAULT_BASE_URL, USER_AGENT);
        let mut builder = self
            .options
            .api_client(StripeProvider, defaults, |limits| {
                crate::auth::limiter(mode, limits, &class_limits)
            })?
            .default_header("stripe-version", &api_version)?;
        if self.options.authenticator.is_none() {
            builder = builder.credentials(Credentials::Bearer(key));
        }
        Ok(Client {
            inner: Arc::new(Inner {
                api: builder.build()?,
                account: self.account,
                api_version,
                mode,
            }),
        })
    }
}

/// Refuses an account id that is not a plain `acct_…` token (it goes into a header).
pub(crate) fn validate_account(account: &str) -> Result<()> {
    let ok = account.starts_with("acct_")
        && account.len() > 5
        && account
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::config(
            SERVICE,
            "a connected account id must look like acct_…",
        ))
    }
}

/// Stripe's limit on an `Idempotency-Key`.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// Refuses an idempotency key that cannot be sent as the header Stripe reads: empty, over
/// 255 characters, or anything but printable ASCII (a line break would end the header).
pub(crate) fn validate_idempotency_key(key: &str) -> Result<()> {
    let ok = !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY_LEN
        && key.bytes().all(|b| (0x20..=0x7e).contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::config(
            SERVICE,
            "an idempotency key must be 1 to 255 printable ASCII characters",
        ))
    }
}

/// Refuses an id that could change the request path, then encodes it as one segment.
pub(crate) fn id_segment(id: &str) -> Result<String> {
    let bad = id.is_empty()
        || id.contains("..")
        || id
            .bytes()
            .any(|b| matches!(b, b'/' | b'?' | b'#' | b'%' | b'\\') || b.is_ascii_whitespace())
        || id.chars().any(char::is_control);
    if bad {
        return Err(Error::config(
            SERVICE,
            "invalid id: empty, or contains '/', '?', '#', '%', '..' or whitespace",
        ));
    }
    atom_core::http_util::path_segment(SERVICE, id)
}

/// One call as the resource handlers describe it.
pub(crate) struct Call {
    pub method: Method,
    pub path: String,
    pub template: &'static str,
    pub operation: &'static str,
    pub params: Vec<(String, String)>,
}

impl Call {
    pub fn new(method: Method, operation: &'static str, template: &'static str) -> Self {
        Self {
            method,
            path: template.to_owned(),
            template,
            operation,
            params: Vec::new(),
        }
    }

    /// Fills the `{id}` placeholder of the template with a validated id.
    pub fn id(mut self, id: &str) -> Result<Self> {
        let segment = id_segment(id)?;
        self.path = self.template.replacen("{id}", &segment, 1);
        Ok(self)
    }

    /// Sets the parameters (query for GET/DELETE, form body for POST).
    pub fn params<P: serde::Serialize + ?Sized>(mut self, params: &P) -> Result<Self> {
        self.params = form::to_pairs(params).map_err(|e| Error::config(SERVICE, e.to_string()))?;
        Ok(self)
    }
}

impl Client {
    /// A client for a secret (`sk_…`) or restricted (`rk_…`) key with every default: the
    /// shortcut for `Client::builder().secret_key(key).build()`.
    pub fn new(secret_key: impl Into<Secret>) -> Result<Self> {
        Self::builder().secret_key(secret_key).build()
    }

    /// A builder: set the key with [`ClientBuilder::secret_key`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client acting on a connected account (`Stripe-Account`); its calls count
    /// against that account's rate limits.
    pub fn with_account(&self, account: &str) -> Result<Self> {
        validate_account(account)?;
        let inner = &self.inner;
        Ok(Self {
            inner: Arc::new(Inner {
                api: inner.api.clone(),
                account: Some(account.to_owned()),
                api_version: inner.api_version.clone(),
                mode: inner.mode,
            }),
        })
    }

    /// The pinned API version.
    pub fn api_version(&self) -> &str {
        &self.inner.api_version
    }

    /// Live or test mode, from the key's prefix.
    pub fn mode(&self) -> KeyMode {
        self.inner.mode
    }

    /// The connected account every call acts on, if any.
    pub fn stripe_account(&self) -> Option<&str> {
        self.inner.account.as_deref()
    }

    /// The underlying core client (limits, retry policy, base URL).
    pub fn api(&self) -> &ApiClient {
        &self.inner.api
    }

    /// The last rate-limit position reported for the client's account (the connected
    /// account, or the platform's tenant).
    pub fn rate_limit(&self) -> Option<RateLimitSnapshot> {
        match &self.inner.account {
            Some(account) => self.inner.api.limiter().snapshot(account),
            None => self.inner.api.rate_limit(),
        }
    }

    /// Adds `Stripe-Account`, and an idempotency key to a POST without one; returns the
    /// rate-limit tenant (the account, or `""` for the platform).
    fn prepare(
        &self,
        mut request: Request,
        options: &RequestOptions,
    ) -> Result<(Option<String>, Request)> {
        let account = options
            .stripe_account
            .as_ref()
            .or(self.inner.account.as_ref());
        let tenant = match account {
            Some(account) => {
                validate_account(account)?;
                request = request.header("stripe-account", account);
                Some(account.clone())
            }
            None => None,
        };
        // Search has its own, stricter limit; raw `Connector::request` calls are paced too.
        if request.rate_class_name().is_none() && request.template().ends_with("/search") {
            request = request.rate_class(SEARCH_CLASS);
        }
        if request.method() == Method::POST && request.idempotency().is_none() {
            let key = options
                .idempotency_key
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            request = request.idempotency_key(key);
        }
        if let Some(key) = request.idempotency() {
            validate_idempotency_key(key)?;
        }
        Ok((tenant, request))
    }

    /// Sends any request on the typed calls' path: the client's key, `Stripe-Version`,
    /// `Stripe-Account`, limits (a `…/search` path is paced by [`SEARCH_CLASS`]), retries and
    /// error mapping; a POST without an idempotency key gets a fresh UUID v4, kept on every
    /// retry.
    ///
    /// ```no_run
    /// # async fn demo(stripe: atom_stripe::Client) -> atom_core::Result<()> {
    /// let response = stripe.send(atom_core::Request::get("/v1/tax_rates").query("limit", "3")).await?;
    /// let body: serde_json::Value = response.json()?;
    /// # let _ = body; Ok(()) }
    /// ```
    pub async fn send(&self, request: Request) -> Result<ApiResponse> {
        self.send_with(request, &RequestOptions::default()).await
    }

    /// [`Client::send`] with per-call options.
    pub(crate) async fn send_with(
        &self,
        request: Request,
        options: &RequestOptions,
    ) -> Result<ApiResponse> {
        let (tenant, request) = self.prepare(request, options)?;
        match tenant {
            Some(account) => self.inner.api.send_for(&account, request).await,
            // The platform's own calls count against the client's tenant (`""` unless set).
            None => self.inner.api.send(request).await,
        }
    }

    /// Builds the core request of a call.
    pub(crate) fn request_of(call: Call) -> Request {
        let mut request = Request::new(call.method.clone(), call.path)
            .operation(call.operation)
            .path_template(call.template);
        if call.method == Method::POST {
            let body = form::encode_pairs(&call.params);
            request = request.body(Body::Form(body.into_bytes().into()));
        } else {
            for (k, v) in call.params {
                request = request.query(k, v);
            }
        }
        request
    }

    /// Sends a call and decodes the JSON answer.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        call: Call,
        options: &RequestOptions,
    ) -> Result<T> {
        let response = self.send_with(Self::request_of(call), options).await?;
        response.json()
    }
}

/// Declares a resource handler: a clone of the client (cheap: an `Arc`) plus per-call
/// options, so a handler can be kept, moved into a task or returned.
macro_rules! handler {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name {
            client: $crate::Client,
            options: $crate::RequestOptions,
            expand: Vec<String>,
        }

        impl $name {
            pub(crate) fn new(client: &$crate::Client) -> Self {
                Self {
                    client: client.clone(),
                    options: $crate::RequestOptions::default(),
                    expand: Vec::new(),
                }
            }

            /// Expands a field in the object the next get, create or update returns
            /// (`customer`, `latest_charge`); lists take `expand` in their parameters.
            pub fn expand(mut self, field: impl Into<String>) -> Self {
                self.expand.push(field.into());
                self
            }

            /// Adds the handler's `expand[]` to a call and sends it.
            #[allow(dead_code)]
            async fn send<T: ::serde::de::DeserializeOwned>(
                &self,
                mut call: $crate::client::Call,
            ) -> ::atom_core::Result<T> {
                for field in &self.expand {
                    call.params.push(("expand[]".to_owned(), field.clone()));
                }
                self.client.call(call, &self.options).await
            }

            /// Sets the options of every call made through this handler (idempotency key,
            /// connected account).
            pub fn options(mut self, options: $crate::RequestOptions) -> Self {
                self.options = options;
                self
            }

            /// Uses this `Idempotency-Key` (instead of a fresh UUID) for the POSTs made through
            /// this handler: take a new handler (`stripe.customers()`) for each operation,
            /// since Stripe refuses one key reused for different requests.
            pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
                self.options.idempotency_key = Some(key.into());
                self
            }

            /// Acts on this connected account (`Stripe-Account`).
            pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
                self.options.stripe_account = Some(account.into());
                self
            }
        }
    };
}
pub(crate) use handler;

/// [`Connector`](atom_core::Connector) comes from the core through this.
#[async_trait]
impl ProviderClient for Client {
    const SERVICE: &'static str = SERVICE;

    fn connector_info(&self) -> ConnectorInfo {
        ConnectorInfo::new(
            SERVICE,
            "Stripe",
            Category::Payments,
            &[AuthKind::ApiKey, AuthKind::OAuth2],
        )
        .api_version(self.inner.api_version.clone())
    }

    /// `GET /v1/balance`: cheap, authenticated, readable by restricted keys with balance read.
    fn health_request(&self) -> Request {
        Request::get("/v1/balance").operation("balance.get")
    }

    /// Any endpoint: with the client's key, `Stripe-Version`, `Stripe-Account`, limits,
    /// retries and error mapping; a POST without an idempotency key gets a fresh one.
    async fn send_request(&self, request: Request) -> Result<ApiResponse> {
        self.send(request).await
    }
}
