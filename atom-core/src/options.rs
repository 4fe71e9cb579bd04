//! The options every provider client takes, under the same names in every crate.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::credentials::Authenticator;
use crate::provider::Provider;
use crate::ratelimit::{RateLimitConfig, RateLimiter};
use crate::retry::RetryPolicy;
use crate::{ApiClient, ApiClientBuilder, Result};

/// What a provider builder embeds so that base URL, HTTP client, retries, limits, tenant,
/// user agent, timeouts and credentials are set the same way everywhere. The setters are
/// generated on the provider's builder by [`client_options_setters!`](crate::client_options_setters);
/// a provider's builder adds only what is its own (API version, account, login host).
///
/// Unset options keep the provider's defaults: its base URL, user agent and published
/// limits, and the core's retry policy, 30 s timeout, 10 redirects and 16 MiB body limit.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ClientOptions {
    /// Another API base (a local mock, a proxy, a GitHub Enterprise host).
    pub base_url: Option<String>,
    /// An injected `reqwest::Client` (built with `redirect::Policy::none()`).
    pub http: Option<reqwest::Client>,
    /// The retry policy.
    pub retry: Option<RetryPolicy>,
    /// Pacing of the tenant's own calls (the provider's published limits when unset).
    pub rate_limits: Option<RateLimitConfig>,
    /// A limiter shared with other clients of the same tenants (wins over `rate_limits`).
    pub limiter: Option<Arc<RateLimiter>>,
    /// The tenant whose limits the calls count against (org, portal, realm, installation).
    pub tenant: Option<String>,
    /// The `User-Agent` (default `atom-<provider>/<version>`).
    pub user_agent: Option<String>,
    /// The timeout of one attempt.
    pub timeout: Option<Duration>,
    /// The connect timeout of the client's own `reqwest::Client`.
    pub connect_timeout: Option<Duration>,
    /// Redirect hops followed per attempt.
    pub max_redirects: Option<usize>,
    /// The largest response body read.
    pub max_response_bytes: Option<usize>,
    /// Credentials other than the provider's usual one (OAuth through a token manager, an
    /// app installation).
    pub authenticator: Option<Arc<dyn Authenticator>>,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base_url", &self.base_url)
            .field("http", &self.http.is_some())
            .field("retry", &self.retry)
            .field("rate_limits", &self.rate_limits)
            .field("shared_limiter", &self.limiter.is_some())
            .field("tenant", &self.tenant)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("authenticator", &self.authenticator)
            .finish_non_exhaustive()
    }
}

/// What a provider supplies when it turns [`ClientOptions`] into an [`ApiClient`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ProviderDefaults {
    /// The production API base.
    pub base_url: &'static str,
    /// `atom-<provider>/<version>`.
    pub user_agent: &'static str,
}

impl ProviderDefaults {
    /// Defaults for a provider.
    pub const fn new(base_url: &'static str, user_agent: &'static str) -> Self {
        Self {
            base_url,
            user_agent,
        }
    }
}

impl ClientOptions {
    /// The core builder with every option applied: the provider then adds its own headers
    /// and credentials and calls `build`. `default_limiter` is called only when neither a
    /// shared limiter nor `rate_limits` was given; `with_limits` turns `rate_limits` into a
    /// limiter with the provider's rate classes.
    ///
    /// ```
    /// use atom_core::{ClientOptions, GenericProvider, ProviderDefaults, RateLimitConfig, RateLimiter};
    /// let defaults = ProviderDefaults::new("https://api.example.com", "atom-example/0.1");
    /// let mut options = ClientOptions::default();
    /// options.tenant = Some("acct_1".into());
    /// let client = options
    ///     .api_client(GenericProvider("example"), defaults, |limits| {
    ///         RateLimiter::new("example", limits.unwrap_or_default())
    ///     })?
    ///     .build()?;
    /// assert_eq!(client.base_url().as_str(), "https://api.example.com/");
    /// # Ok::<(), atom_core::Error>(())
    /// ```
    pub fn api_client(
        &self,
        provider: impl Provider,
        defaults: ProviderDefaults,
        limiter: impl FnOnce(Option<RateLimitConfig>) -> RateLimiter,
    ) -> Result<ApiClientBuilder> {
        let base = self.base_url.as_deref().unwrap_or(defaults.base_url);
        let mut builder = ApiClient::builder(provider, base)?
            .user_agent(self.user_agent.as_deref().unwrap_or(defaults.user_agent))?
            .tenant(self.tenant.clone().unwrap_or_default());
        builder = match &self.limiter {
            Some(shared) => builder.shared_limiter(shared.clone()),
            None => builder.shared_limiter(Arc::new(limiter(self.rate_limits.clone()))),
        };
        if let Some(retry) = &self.retry {
            builder = builder.retry_policy(retry.clone());
        }
        if let Some(http) = &self.http {
            builder = builder.http_client(http.clone());
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(timeout) = self.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(hops) = self.max_redirects {
            builder = builder.max_redirects(hops);
        }
        if let Some(bytes) = self.max_response_bytes {
            builder = builder.max_response_bytes(bytes);
        }
        if let Some(auth) = &self.authenticator {
            builder = builder.authenticator(auth.clone());
        }
        Ok(builder)
    }
}

/// Generates the [`ClientOptions`] setters on a provider's builder, whose `options` field
/// holds them, so every crate offers the same names with the same meaning:
/// `base_url`, `http_client`, `retry_policy`, `rate_limits`, `shared_limiter`, `tenant`,
/// `user_agent`, `timeout`, `connect_timeout`, `max_redirects`, `max_response_bytes`,
/// `authenticator`.
///
/// ```
/// use atom_core::ClientOptions;
/// #[derive(Debug, Default)]
/// pub struct ClientBuilder {
///     options: ClientOptions,
/// }
/// impl ClientBuilder {
///     atom_core::client_options_setters!(options);
/// }
/// let builder = ClientBuilder::default().tenant("portal-1").user_agent("my-app/1.0");
/// assert_eq!(builder.options.tenant.as_deref(), Some("portal-1"));
/// ```
#[macro_export]
macro_rules! client_options_setters {
    ($field:ident) => {
        /// Another API base (a local mock, a proxy). Must be https, or http on loopback.
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.$field.base_url = Some(url.into());
            self
        }

        /// Injects a `reqwest::Client` (proxies, TLS roots, a shared connection pool); use
        /// `atom_core::reqwest` so the versions match, and build it with
        /// `.redirect(reqwest::redirect::Policy::none())`: redirects are followed by atom,
        /// which keeps credentials on the configured origin.
        pub fn http_client(mut self, client: $crate::reqwest::Client) -> Self {
            self.$field.http = Some(client);
            self
        }

        /// The retry policy (default: the core's, 3 attempts within 60 s).
        pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
            self.$field.retry = Some(policy);
            self
        }

        /// Pacing of the tenant's own calls (default: the provider's published limits).
        pub fn rate_limits(mut self, limits: $crate::RateLimitConfig) -> Self {
            self.$field.rate_limits = Some(limits);
            self
        }

        /// A limiter shared with other clients of the same tenants (wins over
        /// `rate_limits`).
        pub fn shared_limiter(mut self, limiter: ::std::sync::Arc<$crate::RateLimiter>) -> Self {
            self.$field.limiter = Some(limiter);
            self
        }

        /// The tenant whose limits the calls count against (org, portal, realm,
        /// installation, connected account).
        pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
            self.$field.tenant = Some(tenant.into());
            self
        }

        /// The `User-Agent` (default `atom-<provider>/<version>`). A value that cannot be a
        /// header is refused by `build`.
        pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
            self.$field.user_agent = Some(agent.into());
            self
        }

        /// The timeout of one attempt, from sending to the last body byte (default 30 s).
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field.timeout = Some(timeout);
            self
        }

        /// The connect timeout of the client's own HTTP client (default 10 s).
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field.connect_timeout = Some(timeout);
            self
        }

        /// Redirect hops followed per attempt (default 10; 0 follows none).
        pub fn max_redirects(mut self, hops: usize) -> Self {
            self.$field.max_redirects = Some(hops);
            self
        }

        /// The largest response body read (default 16 MiB).
        pub fn max_response_bytes(mut self, bytes: usize) -> Self {
            self.$field.max_response_bytes = Some(bytes);
            self
        }

        /// Any authenticator (OAuth through an `atom_core::TokenManager`, app tokens),
        /// instead of the provider's usual credential.
        pub fn authenticator(mut self, auth: ::std::sync::Arc<dyn $crate::Authenticator>) -> Self {
            self.$field.authenticator = Some(auth);
            self
        }
    };
}
