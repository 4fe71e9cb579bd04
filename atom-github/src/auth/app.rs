//! GitHub App authentication: JWTs and installation tokens.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use atom_core::retry::RetryPolicy;
use atom_core::{
    ApiClient, Authenticator, Authorization, Error, MemoryTokenStore, OAuthAuthenticator, Request,
    Result, Secret, TokenKey, TokenManager, TokenRefresher, TokenSet,
};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::{DEFAULT_API_VERSION, DEFAULT_BASE_URL, MEDIA_TYPE, USER_AGENT};
use crate::error::{GitHubProvider, SERVICE};

/// The claims of a GitHub App JWT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppClaims {
    /// Issued at (Unix seconds), 60 s in the past against clock drift.
    pub iat: i64,
    /// Expiry (Unix seconds), 9 minutes ahead (GitHub allows at most 10).
    pub exp: i64,
    /// The app id (or client id).
    pub iss: String,
}

/// The claims for `now` (Unix seconds) with the learnt clock offset `skew` (pure).
pub fn app_claims(app_id: &str, now: i64, skew: i64) -> AppClaims {
    let server_now = now.saturating_add(skew);
    AppClaims {
        iat: server_now.saturating_sub(60),
        exp: server_now.saturating_add(9 * 60),
        iss: app_id.to_owned(),
    }
}

/// The largest clock offset learnt from a `Date` header: a day. A machine whose clock is
/// further off has a problem no JWT can fix, and a proxy's broken `Date` (year 9999) must
/// not make every later JWT worthless.
pub const MAX_CLOCK_SKEW_SECS: i64 = 24 * 60 * 60;

/// The server's clock minus ours, in seconds, from an HTTP `Date` value (pure). `None` when
/// the value is not an HTTP date or is more than [`MAX_CLOCK_SKEW_SECS`] away.
pub fn clock_skew(server_date: &str, now: DateTime<Utc>) -> Option<i64> {
    let server: DateTime<Utc> = httpdate::parse_http_date(server_date.trim()).ok()?.into();
    let skew = server.signed_duration_since(now).num_seconds();
    (skew.abs() <= MAX_CLOCK_SKEW_SECS).then_some(skew)
}

/// Signs app JWTs and exchanges them for installation tokens.
struct AppSigner {
    app_id: String,
    key: EncodingKey,
    skew: AtomicI64,
    api: ApiClient,
}

impl fmt::Debug for AppSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppSigner")
            .field("app_id", &self.app_id)
            .field("key", &"[redacted]")
            .field("skew", &self.skew.load(Ordering::Relaxed))
            .finish()
    }
}

#[derive(Deserialize)]
struct InstallationTokenBody {
    token: Secret,
    expires_at: DateTime<Utc>,
    #[serde(default)]
    permissions: Option<Value>,
    #[serde(default)]
    repository_selection: Option<String>,
}

fn jwt_error(e: &jsonwebtoken::errors::Error) -> Error {
    Error::config(
        SERVICE,
        format!("cannot sign the GitHub App JWT with this private key: {e}"),
    )
}

impl AppSigner {
    fn jwt(&self) -> Result<Secret> {
        let claims = app_claims(
            &self.app_id,
            Utc::now().timestamp(),
            self.skew.load(Ordering::Relaxed),
        );
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map(Secret::new)
            .map_err(|e| jwt_error(&e))
    }

    async fn exchange_once(&self, installation_id: u64) -> Result<TokenSet> {
        let jwt = self.jwt()?;
        let request = Request::post(format!(
            "/app/installations/{installation_id}/access_tokens"
        ))
        .operation("apps.create_installation_access_token")
        .path_template("/app/installations/{installation_id}/access_tokens")
        .header("authorization", &format!("Bearer {}", jwt.expose()));
        let response = self.api.send(request).await?;
        let body: InstallationTokenBody = response.json()?;
        let mut extra = Map::new();
        extra.insert("installation_id".into(), Value::from(installation_id));
        if let Some(p) = body.permissions {
            extra.insert("permissions".into(), p);
        }
        if let Some(s) = body.repository_selection {
            extra.insert("repository_selection".into(), Value::String(s));
        }
        Ok(TokenSet {
            access_token: body.token,
            refresh_token: None,
            expires_at: Some(body.expires_at),
            scopes: Vec::new(),
            extra,
        })
    }

    async fn exchange(&self, installation_id: u64) -> Result<TokenSet> {
        match self.exchange_once(installation_id).await {
            Err(e) if e.status() == Some(401) => {
                let learnt = e
                    .provider_field("server_date")
                    .and_then(Value::as_str)
                    .and_then(|d| clock_skew(d, Utc::now()));
                let current = self.skew.load(Ordering::Relaxed);
                match learnt {
                    // Only a real offset: a bad key or app id would fail the same way again.
                    Some(skew) if skew.abs_diff(current) >= 30 => {
                        tracing::warn!(skew, "GitHub refused the app JWT; correcting clock skew");
                        self.skew.store(skew, Ordering::Relaxed);
                        self.exchange_once(installation_id).await
                    }
                    _ => Err(e),
                }
            }
            other => other,
        }
    }
}

/// Gets installation tokens for one installation (a [`TokenRefresher`]).
#[derive(Debug)]
struct InstallationRefresher {
    signer: Arc<AppSigner>,
    installation_id: u64,
}

#[async_trait]
impl TokenRefresher for InstallationRefresher {
    async fn refresh(&self, _current: &TokenSet) -> Result<TokenSet> {
        self.signer.exchange(self.installation_id).await
    }

    /// Installation tokens need no consent: the first one is minted on first use.
    async fn issue(&self) -> Result<Option<TokenSet>> {
        self.signer.exchange(self.installation_id).await.map(Some)
    }
}

/// A GitHub App: signs JWTs and hands out installation tokens, cached per installation.
///
/// ```no_run
/// # async fn demo() -> atom_core::Result<()> {
/// use atom_github::{Client, GitHubApp};
/// let pem = std::fs::read("app.private-key.pem").unwrap_or_default();
/// let app = GitHubApp::builder("123456", &pem).build()?;
/// let auth = app.installation_authenticator(987654);
/// let client = Client::builder().authenticator(auth).tenant("installation-987654").build()?;
/// let repo = client.repos().get("octocat", "Hello-World").await?;
/// # let _ = repo; Ok(()) }
/// ```
pub struct GitHubApp {
    signer: Arc<AppSigner>,
    store: Arc<MemoryTokenStore>,
    managers: Mutex<HashMap<u64, Arc<TokenManager>>>,
    margin: Duration,
}

impl fmt::Debug for GitHubApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubApp")
            .field("signer", &self.signer)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

/// Configures a [`GitHubApp`].
pub struct GitHubAppBuilder {
    app_id: String,
    pem: Vec<u8>,
    base_url: String,
    http: Option<atom_core::reqwest::Client>,
    retry: RetryPolicy,
    margin: Duration,
}

impl fmt::Debug for GitHubAppBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubAppBuilder")
            .field("app_id", &self.app_id)
            .field("pem", &"[redacted]")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl GitHubAppBuilder {
    /// The API base (GitHub Enterprise Server: `https://HOST/api/v3`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Injects a `reqwest::Client` for the token exchanges.
    pub fn http_client(mut self, client: atom_core::reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The retry policy of the token exchanges.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Renew an installation token this long before it expires (default 5 minutes).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Builds the app. A private key that is not an RSA PEM key, or that cannot sign, is a
    /// `Config` error here, before any request.
    pub fn build(self) -> Result<Arc<GitHubApp>> {
        let key = EncodingKey::from_rsa_pem(&self.pem).map_err(|e| jwt_error(&e))?;
        if self.app_id.trim().is_empty() {
            return Err(Error::config(SERVICE, "the GitHub App id is empty"));
        }
        // Sign once now, so that a key the PEM parser accepts but RSA cannot use fails here.
        jsonwebtoken::encode(
            &Header::new(Algorithm::RS256),
            &app_claims(&self.app_id, 0, 0),
            &key,
        )
        .map_err(|e| jwt_error(&e))?;
        let mut api = ApiClient::builder(GitHubProvider, &self.base_url)?
            .retry_policy(self.retry)
            .default_header("accept", MEDIA_TYPE)?
            .default_header("x-github-api-version", DEFAULT_API_VERSION)?
            .default_header("user-agent", USER_AGENT)?;
        if let Some(http) = self.http {
            api = api.http_client(http);
        }
        Ok(Arc::new(GitHubApp {
            signer: Arc::new(AppSigner {
                app_id: self.app_id,
                key,
                skew: AtomicI64::new(0),
                api: api.build()?,
            }),
            store: Arc::new(MemoryTokenStore::default()),
            managers: Mutex::new(HashMap::new()),
            margin: self.margin,
        }))
    }
}

impl GitHubApp {
    /// Starts an app from its id and its private key (PEM, as downloaded from GitHub).
    pub fn builder(app_id: impl Into<String>, private_key_pem: &[u8]) -> GitHubAppBuilder {
        GitHubAppBuilder {
            app_id: app_id.into(),
            pem: private_key_pem.to_vec(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            margin: Duration::from_secs(300),
        }
    }

    /// A JWT for app-level calls (`GET /app`, `GET /app/installations`).
    pub fn jwt(&self) -> Result<Secret> {
        self.signer.jwt()
    }

    /// The clock offset learnt from GitHub's `Date` header, in seconds.
    pub fn clock_skew(&self) -> i64 {
        self.signer.skew.load(Ordering::Relaxed)
    }

    /// The token manager of one installation (created on first use, then shared).
    pub fn installation_manager(&self, installation_id: u64) -> Arc<TokenManager> {
        let mut managers = self.managers.lock().unwrap_or_else(PoisonError::into_inner);
        managers
            .entry(installation_id)
            .or_insert_with(|| {
                let refresher = InstallationRefresher {
                    signer: self.signer.clone(),
                    installation_id,
                };
                Arc::new(
                    TokenManager::new(
                        TokenKey::new(SERVICE, format!("installation-{installation_id}")),
                        self.store.clone(),
                        Arc::new(refresher),
                    )
                    .margin(self.margin)
                    .service(SERVICE),
                )
            })
            .clone()
    }

    /// An installation token, from the cache while it has more than the margin left.
    pub async fn installation_token(&self, installation_id: u64) -> Result<TokenSet> {
        Ok(self
            .installation_manager(installation_id)
            .current()
            .await?
            .token)
    }

    /// Bearer auth with this installation's tokens (renewed before expiry, and once after
    /// a 401), for [`ClientBuilder::authenticator`](crate::ClientBuilder::authenticator).
    pub fn installation_authenticator(&self, installation_id: u64) -> Arc<dyn Authenticator> {
        Arc::new(OAuthAuthenticator::new(
            self.installation_manager(installation_id),
        ))
    }

    /// Bearer auth with a fresh app JWT per call, for the app-level endpoints.
    pub fn app_authenticator(&self) -> Arc<dyn Authenticator> {
        Arc::new(AppJwtAuthenticator {
            signer: self.signer.clone(),
        })
    }
}

/// Signs a JWT for each call to an app-level endpoint.
#[derive(Debug)]
struct AppJwtAuthenticator {
    signer: Arc<AppSigner>,
}

#[async_trait]
impl Authenticator for AppJwtAuthenticator {
    async fn authorize(&self) -> Result<Authorization> {
        let jwt = self.signer.jwt()?;
        Authorization::header(
            http::header::AUTHORIZATION,
            &format!("Bearer {}", jwt.expose()),
            SERVICE,
        )
    }
}
