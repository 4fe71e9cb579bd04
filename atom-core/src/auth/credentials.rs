//! Static credentials and the authenticator contract.

use std::fmt;

use async_trait::async_trait;
use base64::Engine as _;
use http::{HeaderName, HeaderValue};
use url::Url;

use crate::{Error, Result, Secret};

/// What an authenticator adds to one attempt.
#[derive(Clone, Default)]
pub struct Authorization {
    /// Headers to set (marked sensitive).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// A base URL that replaces the client's (Salesforce `instance_url`).
    pub base_url: Option<Url>,
    /// Which token this was, so that a 401 invalidates only that one.
    pub token_version: Option<u64>,
}

impl Authorization {
    /// One header, marked sensitive so that `http`'s own `Debug` hides it.
    pub fn header(name: HeaderName, value: &str, service: &'static str) -> Result<Self> {
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            Error::config(
                service,
                format!("credential for {name} is not a valid header value"),
            )
        })?;
        value.set_sensitive(true);
        Ok(Self {
            headers: vec![(name, value)],
            ..Self::default()
        })
    }
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("base_url", &self.base_url.as_ref().map(Url::as_str))
            .field("token_version", &self.token_version)
            .finish()
    }
}

/// Adds credentials to requests, and recovers from a 401 when it can.
#[async_trait]
pub trait Authenticator: Send + Sync + fmt::Debug {
    /// Credentials for the next attempt, refreshing first when the token is near expiry.
    async fn authorize(&self) -> Result<Authorization>;

    /// A call made with `used` was refused with 401. Returns `Ok(true)` when a replay may
    /// succeed (the token was refreshed), `Ok(false)` when nothing can be done.
    async fn unauthorized(&self, used: &Authorization) -> Result<bool> {
        let _ = used;
        Ok(false)
    }
}

/// Credentials that do not change: bearer token, API key header, Basic auth, or none.
///
/// ```
/// use atom_core::{Credentials, Secret};
/// let c = Credentials::basic("agent@example.com/token", Secret::new("zd-api-token"));
/// assert!(!format!("{c:?}").contains("zd-api-token"));
/// ```
#[derive(Clone)]
pub enum Credentials {
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// A key in a header of the provider's choosing.
    ApiKey {
        /// The header.
        header: HeaderName,
        /// The key.
        key: Secret,
    },
    /// `Authorization: Basic base64(user:password)`.
    Basic {
        /// The user name.
        username: String,
        /// The password or API token.
        password: Secret,
    },
    /// No credentials (public endpoints, tests).
    None,
}

impl Credentials {
    /// A bearer token.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Self::Bearer(token.into())
    }

    /// Basic auth.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::Basic {
            username: username.into(),
            password: password.into(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bearer(_) => f.write_str("Credentials::Bearer([redacted])"),
            Self::ApiKey { header, .. } => write!(f, "Credentials::ApiKey({header}: [redacted])"),
            Self::Basic { username, .. } => write!(f, "Credentials::Basic({username}:[redacted])"),
            Self::None => f.write_str("Credentials::None"),
        }
    }
}

#[async_trait]
impl Authenticator for Credentials {
    async fn authorize(&self) -> Result<Authorization> {
        match self {
            Self::Bearer(token) => Authorization::header(
                http::header::AUTHORIZATION,
                &format!("Bearer {}", token.expose()),
                "atom",
            ),
            Self::ApiKey { header, key } => {
                Authorization::header(header.clone(), key.expose(), "atom")
            }
            Self::Basic { username, password } => {
                let raw = format!("{username}:{}", password.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
                Authorization::header(
                    http::header::AUTHORIZATION,
                    &format!("Basic {encoded}"),
                    "atom",
                )
            }
            Self::None => Ok(Authorization::default()),
        }
    }
}
