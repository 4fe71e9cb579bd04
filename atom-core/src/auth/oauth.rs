//! OAuth 2.0: authorization code with PKCE and `state`, code exchange, refresh, client
//! credentials. Built on the `oauth2` crate, sending through the workspace's `reqwest`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use async_trait::async_trait;
use chrono::Utc;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AsyncHttpClient, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, ExtraTokenFields, HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use super::token::TokenSet;
use crate::http_util::validate_base_url;
use crate::{Error, ErrorKind, Result, Secret};

/// Every field of a token response beyond the standard ones, kept as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExtraFields(pub Map<String, Value>);
impl ExtraTokenFields for ExtraFields {}

type TokenResponseFull = StandardTokenResponse<ExtraFields, BasicTokenType>;
type Oauth2Client = oauth2::Client<
    BasicErrorResponse,
    TokenResponseFull,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// How the client authenticates to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// HTTP Basic with client id and secret (RFC 6749's preferred form).
    #[default]
    BasicHeader,
    /// `client_id` and `client_secret` in the form body (Salesforce, GitHub, HubSpot accept this).
    RequestBody,
}

/// A provider's OAuth endpoints and this app's registration.
#[derive(Clone)]
pub struct OAuthConfig {
    /// The client id.
    pub client_id: String,
    /// The client secret (absent for public clients that rely on PKCE).
    pub client_secret: Option<Secret>,
    /// The consent page.
    pub authorize_url: Url,
    /// The token endpoint.
    pub token_url: Url,
    /// Where the provider sends the user back.
    pub redirect_url: Option<Url>,
    /// Scopes to ask for.
    pub scopes: Vec<String>,
    /// How to send the client credentials.
    pub client_auth: ClientAuth,
    /// Provider-specific parameters for the consent URL (`access_type=offline`, `prompt=consent`).
    pub extra_authorize_params: Vec<(String, String)>,
}

impl fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("authorize_url", &self.authorize_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("redirect_url", &self.redirect_url.as_ref().map(Url::as_str))
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// What the app keeps (in the user's session) between sending the user to consent and the
/// callback: the `state` to compare and the PKCE verifier to send with the code.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingAuthorization {
    /// The consent URL to send the user to.
    pub url: Url,
    /// The `state` value in that URL.
    pub state: String,
    /// The PKCE code verifier.
    pub pkce_verifier: Secret,
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("url", &self.url.as_str())
            .field("state", &self.state)
            .field("pkce_verifier", &self.pkce_verifier)
            .finish()
    }
}

/// An OAuth 2.0 client for one provider registration.
///
/// ```
/// use atom_core::{OAuthClient, OAuthConfig, Secret};
/// let config = OAuthConfig {
///     client_id: "3MVG9".into(),
///     client_secret: Some(Secret::new("s3cr3t")),
///     authorize_url: "https://login.salesforce.com/services/oauth2/authorize".parse().unwrap(),
///     token_url: "https://login.salesforce.com/services/oauth2/token".parse().unwrap(),
///     redirect_url: Some("https://app.example.com/callback".parse().unwrap()),
///     scopes: vec!["api".into(), "refresh_token".into()],
///     client_auth: Default::default(),
///     extra_authorize_params: vec![],
/// };
/// let client = OAuthClient::new("salesforce", config).unwrap();
/// let pending = client.authorize_url();
/// assert!(pending.url.as_str().contains("code_challenge_method=S256"));
/// assert!(pending.url.as_str().contains(&format!("state={}", pending.state)));
/// ```
#[derive(Clone)]
pub struct OAuthClient {
    service: &'static str,
    config: OAuthConfig,
    inner: Oauth2Client,
    http: reqwest::Client,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("service", &self.service)
            .field("config", &self.config)
            .finish()
    }
}

/// A token response larger than this is not a token response; reading stops there.
const MAX_TOKEN_BODY: usize = 256 * 1024;

/// The `oauth2` crate's HTTP hook over our `reqwest::Client`.
struct OAuthHttp<'a>(&'a reqwest::Client);

/// A transport failure at the token endpoint.
#[derive(Debug, thiserror::Error)]
enum TransportError {
    #[error("{0}")]
    Reqwest(#[from] reqwest::Error),
    #[error("token endpoint answered HTTP {0}")]
    Status(u16),
    #[error("token endpoint response is larger than {MAX_TOKEN_BODY} bytes")]
    TooLarge,
    #[error("{0}")]
    Http(#[from] http::Error),
}

impl<'c> AsyncHttpClient<'c> for OAuthHttp<'_> {
    type Error = TransportError;
    type Future = Pin<
        Box<dyn Future<Output = std::result::Result<HttpResponse, TransportError>> + Send + 'c>,
    >;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)?;
            let mut response = self.0.execute(request).await?;
            let status = response.status();
            // A 5xx or 429 is the server's trouble, not an OAuth error body: say so, so that
            // it is not mistaken for a dead refresh token.
            if status.is_server_error() || status.as_u16() == 429 {
                return Err(TransportError::Status(status.as_u16()));
            }
            let content_type = response.headers().get(http::header::CONTENT_TYPE).cloned();
            let headers = response.headers().clone();
            let mut raw = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if raw.len() + chunk.len() > MAX_TOKEN_BODY {
                    return Err(TransportError::TooLarge);
                }
                raw.extend_from_slice(&chunk);
            }
            let (is_json, is_error, body) = normalize_token_body(&raw);
            // Some servers (GitHub) answer token errors with 200; read them as the error
            // responses they are, so `invalid_grant` still means "authorize again".
            let status = if is_error && status.is_success() {
                http::StatusCode::BAD_REQUEST
            } else {
                status
            };
            let mut builder = http::Response::builder().status(status);
            for (name, value) in &headers {
                if name != http::header::CONTENT_TYPE {
                    builder = builder.header(name, value);
                }
            }
            if is_json {
                builder = builder.header(http::header::CONTENT_TYPE, "application/json");
            } else if let Some(content_type) = content_type {
                builder = builder.header(http::header::CONTENT_TYPE, content_type);
            }
            Ok(builder.body(body)?)
        })
    }
}

/// Token endpoints in the wild deviate from RFC 6749 in small ways the `oauth2` crate is
/// strict about: a JSON body under `text/plain`, or no `token_type` (recorded Salesforce
/// responses). Returns whether the body is a JSON object, whether it is an error answer
/// (`error` without `access_token`), and the body to pass on, with `token_type` defaulting
/// to `Bearer` when an `access_token` is present.
fn normalize_token_body(body: &[u8]) -> (bool, bool, Vec<u8>) {
    match serde_json::from_slice::<Map<String, Value>>(body) {
        Ok(mut object) => {
            let has_token = object.contains_key("access_token");
            let is_error = !has_token && object.contains_key("error");
            if has_token && !object.contains_key("token_type") {
                object.insert("token_type".into(), Value::String("Bearer".into()));
                let rewritten = serde_json::to_vec(&object).unwrap_or_else(|_| body.to_vec());
                return (true, false, rewritten);
            }
            (true, is_error, body.to_vec())
        }
        Err(_) => (false, false, body.to_vec()),
    }
}

impl OAuthClient {
    /// A client. Endpoints must be https (loopback http is allowed for tests).
    pub fn new(service: &'static str, config: OAuthConfig) -> Result<Self> {
        // Token requests must not follow redirects (RFC 6749 §3.2 / OAuth 2.0 security BCP).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| Error::config(service, format!("cannot build HTTP client: {e}")))?;
        Self::with_http(service, config, http)
    }

    /// A client over an injected `reqwest::Client` (build it with redirects disabled).
    pub fn with_http(
        service: &'static str,
        config: OAuthConfig,
        http: reqwest::Client,
    ) -> Result<Self> {
        validate_base_url(service, &config.authorize_url)?;
        validate_base_url(service, &config.token_url)?;
        let mut inner = oauth2::Client::new(ClientId::new(config.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(config.authorize_url.clone()))
            .set_token_uri(TokenUrl::from_url(config.token_url.clone()))
            .set_auth_type(match config.client_auth {
                ClientAuth::BasicHeader => oauth2::AuthType::BasicAuth,
                ClientAuth::RequestBody => oauth2::AuthType::RequestBody,
            });
        if let Some(secret) = &config.client_secret {
            inner = inner.set_client_secret(ClientSecret::new(secret.expose().to_owned()));
        }
        if let Some(redirect) = &config.redirect_url {
            inner = inner.set_redirect_uri(RedirectUrl::from_url(redirect.clone()));
        }
        Ok(Self {
            service,
            config,
            inner,
            http,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &OAuthConfig {
        &self.config
    }

    /// A consent URL with a fresh random `state` and a PKCE S256 challenge.
    pub fn authorize_url(&self) -> PendingAuthorization {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self
            .inner
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge)
            .add_scopes(self.config.scopes.iter().cloned().map(Scope::new));
        for (name, value) in &self.config.extra_authorize_params {
            request = request.add_extra_param(name.clone(), value.clone());
        }
        let (url, state) = request.url();
        PendingAuthorization {
            url,
            state: state.secret().clone(),
            pkce_verifier: Secret::new(verifier.secret().clone()),
        }
    }

    /// Exchanges the callback's `code` for tokens, after checking that the callback's
    /// `state` is the one this authorization was started with.
    pub async fn exchange_code(
        &self,
        pending: &PendingAuthorization,
        returned_state: &str,
        code: &str,
    ) -> Result<TokenSet> {
        if !crate::webhook::constant_time_eq(pending.state.as_bytes(), returned_state.as_bytes()) {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                self.service,
                "OAuth callback state does not match the authorization request (possible CSRF)",
            )
            .with_provider_code("state_mismatch"));
        }
        // Expiry counts from the send: the token's lifetime starts before its answer arrives.
        let sent = Utc::now();
        let response = self
            .inner
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(
                pending.pkce_verifier.expose().to_owned(),
            ))
            .request_async(&OAuthHttp(&self.http))
            .await
            .map_err(|e| self.map_error(e, &[code, pending.pkce_verifier.expose()]))?;
        Ok(to_token_set(response, None, sent))
    }

    /// Exchanges a refresh token. A refresh token the server no longer accepts
    /// (`invalid_grant`) is [`ErrorKind::ReauthorizationRequired`].
    pub async fn refresh(&self, token: &TokenSet) -> Result<TokenSet> {
        let refresh = token.refresh_token.as_ref().ok_or_else(|| {
            Error::new(
                ErrorKind::ReauthorizationRequired,
                self.service,
                "no refresh token: the user must authorize again",
            )
        })?;
        let refresh_token = RefreshToken::new(refresh.expose().to_owned());
        let sent = Utc::now();
        let response = self
            .inner
            .exchange_refresh_token(&refresh_token)
            .request_async(&OAuthHttp(&self.http))
            .await
            .map_err(|e| self.map_error(e, &[refresh.expose()]))?;
        Ok(to_token_set(response, Some(token), sent))
    }

    /// The client-credentials grant (server-to-server).
    pub async fn client_credentials(&self) -> Result<TokenSet> {
        let sent = Utc::now();
        let response = self
            .inner
            .exchange_client_credentials()
            .add_scopes(self.config.scopes.iter().cloned().map(Scope::new))
            .request_async(&OAuthHttp(&self.http))
            .await
            .map_err(|e| self.map_error(e, &[]))?;
        Ok(to_token_set(response, None, sent))
    }

    /// An error from the token endpoint. Text taken from its answer is scrubbed of every
    /// credential this request sent (`submitted`) and of the client secret, since servers
    /// echo submitted values in `error_description`.
    fn map_error(
        &self,
        err: RequestTokenError<TransportError, BasicErrorResponse>,
        submitted: &[&str],
    ) -> Error {
        let secret = self.config.client_secret.as_ref().map(Secret::expose);
        let scrub = |text: &str| scrub(text, submitted.iter().copied().chain(secret));
        match err {
            RequestTokenError::ServerResponse(body) => {
                let code = scrub(body.error().as_ref());
                let message = body.error_description().map_or_else(
                    || format!("token endpoint refused the request: {code}"),
                    |d| scrub(d),
                );
                let kind = match body.error() {
                    BasicErrorResponseType::InvalidGrant => ErrorKind::ReauthorizationRequired,
                    BasicErrorResponseType::InvalidClient
                    | BasicErrorResponseType::UnauthorizedClient => ErrorKind::Unauthorized,
                    // RFC 6749 §4.1.2.1: the server's own trouble, worth trying again later.
                    BasicErrorResponseType::Extension(ext)
                        if ext == "temporarily_unavailable" || ext == "server_error" =>
                    {
                        ErrorKind::Server
                    }
                    _ => ErrorKind::InvalidRequest,
                };
                Error::new(kind, self.service, message).with_provider_code(code)
            }
            RequestTokenError::Request(TransportError::Status(status)) => Error::new(
                ErrorKind::from_status(status),
                self.service,
                format!("token endpoint answered HTTP {status}"),
            )
            .with_status(status),
            RequestTokenError::Request(TransportError::Reqwest(e)) => {
                let kind = if e.is_timeout() {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Network
                };
                Error::new(
                    kind,
                    self.service,
                    scrub(&format!("token endpoint unreachable: {}", e.without_url())),
                )
            }
            RequestTokenError::Request(TransportError::TooLarge) => Error::decode(
                self.service,
                format!("token endpoint response is larger than {MAX_TOKEN_BODY} bytes"),
            ),
            RequestTokenError::Request(TransportError::Http(e)) => Error::decode(
                self.service,
                scrub(&format!("token endpoint response unreadable: {e}")),
            ),
            RequestTokenError::Parse(e, _body) => Error::decode(
                self.service,
                scrub(&format!(
                    "token endpoint response did not decode at {}",
                    e.path()
                )),
            ),
            RequestTokenError::Other(message) => Error::decode(self.service, scrub(&message)),
        }
    }
}

/// `text` with every non-empty value of `secrets`, as sent or form-encoded, replaced by
/// `[redacted]`.
fn scrub<'a>(text: &str, secrets: impl Iterator<Item = &'a str>) -> String {
    let mut out = text.to_owned();
    for secret in secrets.filter(|s| !s.is_empty()) {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        for form in [secret, encoded.as_str()] {
            if out.contains(form) {
                out = out.replace(form, "[redacted]");
            }
        }
    }
    out
}

/// Converts a token response; on refresh, keeps what the new response leaves out (a
/// non-rotating refresh token, extras such as `realm_id` learned at consent).
/// `sent` is when the request left: `expires_in` counts from the server's answer, which is
/// no earlier than that, so expiry is never later than the server meant.
fn to_token_set(
    response: TokenResponseFull,
    previous: Option<&TokenSet>,
    sent: chrono::DateTime<Utc>,
) -> TokenSet {
    let expires_at = response
        .expires_in()
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .and_then(|d| sent.checked_add_signed(d));
    let mut extra = previous.map(|p| p.extra.clone()).unwrap_or_default();
    extra.extend(response.extra_fields().0.clone());
    TokenSet {
        access_token: Secret::new(response.access_token().secret().clone()),
        refresh_token: response
            .refresh_token()
            .map(|r| Secret::new(r.secret().clone()))
            .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
        expires_at,
        scopes: response
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect())
            .or_else(|| previous.map(|p| p.scopes.clone()))
            .unwrap_or_default(),
        extra,
    }
}

/// Gets a new token set from an old one: an OAuth refresh, a JWT bearer assertion, a
/// GitHub App installation token exchange.
#[async_trait]
pub trait TokenRefresher: Send + Sync + fmt::Debug {
    /// The new token set. A dead grant is [`ErrorKind::ReauthorizationRequired`].
    async fn refresh(&self, current: &TokenSet) -> Result<TokenSet>;

    /// A first token when none is stored, for grants that need no user consent (client
    /// credentials, JWT bearer, app installations). `None` (the default): the user must
    /// authorize first.
    async fn issue(&self) -> Result<Option<TokenSet>> {
        Ok(None)
    }
}

/// The client-credentials grant as a [`TokenRefresher`]: every "refresh" asks for a new
/// token, and a first token is issued without consent.
#[derive(Debug, Clone)]
pub struct ClientCredentialsGrant(pub OAuthClient);

#[async_trait]
impl TokenRefresher for ClientCredentialsGrant {
    async fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        let _ = current;
        self.0.client_credentials().await
    }

    async fn issue(&self) -> Result<Option<TokenSet>> {
        self.0.client_credentials().await.map(Some)
    }
}

#[async_trait]
impl TokenRefresher for OAuthClient {
    async fn refresh(&self, current: &TokenSet) -> Result<TokenSet> {
        OAuthClient::refresh(self, current).await
    }
}

#[cfg(test)]
#[path = "oauth_tests.rs"]
mod tests;
