//! The trait every provider client implements.

use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;

use crate::{ApiResponse, RateLimitSnapshot, Request, Result};

/// What kind of business system a connector talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Category {
    /// Customer relationship management (Salesforce, HubSpot).
    Crm,
    /// Accounting and billing (QuickBooks).
    Billing,
    /// Customer support (Zendesk).
    Support,
    /// Payments (Stripe).
    Payments,
    /// Developer tools (GitHub).
    DevTools,
}

/// A way a connector can authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum AuthKind {
    /// OAuth 2.0 authorization code (with PKCE where offered).
    OAuth2,
    /// OAuth 2.0 client credentials.
    ClientCredentials,
    /// A signed JWT assertion (Salesforce JWT bearer, GitHub App).
    Jwt,
    /// A static API key or personal token.
    ApiKey,
    /// HTTP Basic.
    Basic,
}

/// Static facts about a connector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ConnectorInfo {
    /// Stable id (`"salesforce"`).
    pub service: &'static str,
    /// Name for people (`"Salesforce"`).
    pub display_name: &'static str,
    /// The category.
    pub category: Category,
    /// Supported ways to authenticate.
    pub auth_kinds: &'static [AuthKind],
    /// The API version the client speaks, when the provider versions its API.
    pub api_version: Option<String>,
}

impl ConnectorInfo {
    /// Facts about a connector that speaks no versioned API.
    pub fn new(
        service: &'static str,
        display_name: &'static str,
        category: Category,
        auth_kinds: &'static [AuthKind],
    ) -> Self {
        Self {
            service,
            display_name,
            category,
            auth_kinds,
            api_version: None,
        }
    }

    /// The API version the client speaks.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }
}

/// The result of a health check.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Health {
    /// The service.
    pub service: &'static str,
    /// Round-trip time of the check.
    pub latency: Duration,
    /// The provider's request id.
    pub request_id: Option<String>,
    /// The rate-limit position the check reported.
    pub rate_limit: Option<RateLimitSnapshot>,
}

impl Health {
    /// Health from the response of the check call.
    pub fn from_response(response: &ApiResponse) -> Self {
        Self {
            service: response.service,
            latency: response.meta.elapsed,
            request_id: response.meta.request_id.clone(),
            rate_limit: response.meta.rate_limit.clone(),
        }
    }
}

/// One integration. Object safe: `Vec<Box<dyn Connector>>` is how an app checks all of them.
///
/// ```
/// use atom_core::Connector;
/// fn services(all: &[Box<dyn Connector>]) -> Vec<&'static str> {
///     all.iter().map(|c| c.service()).collect()
/// }
/// ```
#[async_trait]
pub trait Connector: Send + Sync {
    /// The stable id (`"stripe"`).
    fn service(&self) -> &'static str;

    /// Static facts.
    fn info(&self) -> ConnectorInfo;

    /// A cheap authenticated call that proves credentials and reachability.
    async fn health(&self) -> Result<Health>;

    /// Any endpoint, with the client's auth, limits, retries and error mapping.
    async fn request(&self, request: Request) -> Result<ApiResponse>;
}

/// What a provider client supplies so that it is a [`Connector`] without writing one: its
/// service id, its facts, its cheapest authenticated request, and its own send path (which
/// may add provider headers or a cache in front of [`crate::ApiClient::send`]).
///
/// ```
/// use atom_core::{
///     ApiClient, ApiResponse, AuthKind, Category, Connector, ConnectorInfo, ProviderClient,
///     Request, Result,
/// };
/// struct Client(ApiClient);
/// #[async_trait::async_trait]
/// impl ProviderClient for Client {
///     const SERVICE: &'static str = "example";
///     fn connector_info(&self) -> ConnectorInfo {
///         ConnectorInfo::new("example", "Example", Category::Crm, &[AuthKind::ApiKey])
///     }
///     fn health_request(&self) -> Request {
///         Request::get("/v1/me").operation("health")
///     }
///     async fn send_request(&self, request: Request) -> Result<ApiResponse> {
///         self.0.send(request).await
///     }
/// }
/// fn as_connector(client: Client) -> Box<dyn Connector> {
///     Box::new(client)
/// }
/// ```
#[async_trait]
pub trait ProviderClient: Send + Sync {
    /// The stable id (`"stripe"`).
    const SERVICE: &'static str;

    /// Static facts (name, category, auth kinds, API version).
    fn connector_info(&self) -> ConnectorInfo;

    /// The cheapest authenticated call: it proves credentials and reachability.
    fn health_request(&self) -> Request;

    /// Sends a request on the client's own path.
    async fn send_request(&self, request: Request) -> Result<ApiResponse>;
}

#[async_trait]
impl<T: ProviderClient> Connector for T {
    fn service(&self) -> &'static str {
        T::SERVICE
    }

    fn info(&self) -> ConnectorInfo {
        self.connector_info()
    }

    async fn health(&self) -> Result<Health> {
        let response = self.send_request(self.health_request()).await?;
        Ok(Health::from_response(&response))
    }

    async fn request(&self, request: Request) -> Result<ApiResponse> {
        self.send_request(request).await
    }
}
