//! OAuth 2.0: authorization code with PKCE and `state`, code exchange, refresh, client
//! credentials and any other grant (device code, JWT bearer), every token request sent on
//! the core request path: the injected HTTP client, timeouts, redirect rules, body limit and
//! tracing apply, and a request is sent again only where no grant can have been used up.

use std::fmt;

use async_trait::async_trait;
use base64::Engine as _;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use url::Url;

use super::credentials::Credentials;
use super::token::TokenSet;
use super::token_endpoint::{MAX_TOKEN_BODY, TokenEndpoint, parse_token_response, submitted_forms};
use crate::http_util::validate_base_url;
use crate::ratelimit::RateLimitConfig;
use crate::{ApiClient, Body, Error, ErrorKind, Request, Result, Secret};

/// How the client authenticates to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// HTTP Basic with client id and secret (RFC 6749's preferred form).
    #[default]
    BasicHeader,
    /// `client_id` and `client_secret` in the form body (Salesforce, GitHub, HubSpot accept this).
    RequestBody,
}

/// A provider's OAuth endpoints and this app's registration.
///
/// ```
/// use atom_core::{ClientAuth, OAuthConfig, Secret};
/// let config = OAuthConfig::new(
///     "client-id",
///     "https://app.hubspot.com/oauth/authorize".parse().unwrap(),
///     "https://api.hubapi.com/oauth/v1/token".parse().unwrap(),
/// )
/// .client_secret(Secret::new("client-secret"))
/// .redirect_url("https://app.example.com/callback".parse().unwrap())
/// .scopes(["crm.objects.contacts.read"])
/// .client_auth(ClientAuth::RequestBody);
/// assert_eq!(config.scopes, vec!["crm.objects.contacts.read"]);
/// ```
#[derive(Clone)]
#[non_exhaustive]
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
    /// Whether the flow sends a PKCE S256 challenge and verifier (on by default; off for
    /// providers that do not document PKCE).
    pub pkce: bool,
}

impl OAuthConfig {
    /// A registration with its consent page and token endpoint; everything else unset
    /// (no secret: a public client relying on PKCE; Basic client authentication).
    pub fn new(client_id: impl Into<String>, authorize_url: Url, token_url: Url) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: None,
            authorize_url,
            token_url,
            redirect_url: None,
            scopes: Vec::new(),
            client_auth: ClientAuth::default(),
            extra_authorize_params: Vec::new(),
            pkce: true,
        }
    }

    /// Turns PKCE on (the default) or off. Leave it on wherever the provider supports it;
    /// turn it off only where the provider does not document it.
    pub fn pkce(mut self, enabled: bool) -> Self {
        self.pkce = enabled;
        self
    }

    /// Sets the client secret.
    pub fn client_secret(mut self, secret: Secret) -> Self {
        self.client_secret = Some(secret);
        self
    }

    /// Sets where the provider sends the user back.
    pub fn redirect_url(mut self, url: Url) -> Self {
        self.redirect_url = Some(url);
        self
    }

    /// Sets the scopes to ask for.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets how the client credentials are sent.
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = auth;
        self
    }

    /// Adds a provider-specific parameter to the consent URL.
    pub fn authorize_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_authorize_params
            .push((name.into(), value.into()));
        self
    }
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
            .field("pkce", &self.pkce)
            .finish()
    }
}

/// What the app keeps (in the user's session) between sending the user to consent and the
/// callback: the `state` to compare and, when PKCE is on, the verifier to send with the code.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingAuthorization {
    /// The consent URL to send the user to.
    pub url: Url,
    /// The `state` value in that URL.
    pub state: String,
    /// The PKCE code verifier (`None` when the configuration turned PKCE off).
    pub pkce_verifier: Option<Secret>,
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
/// let config = OAuthConfig::new(
///     "3MVG9",
///     "https://login.salesforce.com/services/oauth2/authorize".parse().unwrap(),
///     "https://login.salesforce.com/services/oauth2/token".parse().unwrap(),
/// )
/// .client_secret(Secret::new("s3cr3t"))
/// .redirect_url("https://app.example.com/callback".parse().unwrap())
/// .scopes(["api", "refresh_token"]);
/// let client = OAuthClient::new("salesforce", config).unwrap();
/// let pending = client.authorize_url().unwrap();
/// assert!(pending.url.as_str().contains("code_challenge_method=S256"));
/// assert!(pending.url.as_str().contains(&format!("state={}", pending.state)));
/// ```
#[derive(Clone)]
pub struct OAuthClient {
    service: &'static str,
    config: OAuthConfig,
    api: ApiClient,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("service", &self.service)
            .field("config", &self.config)
            .finish()
    }
}

/// `n` random bytes from the operating system, base64url without padding.
fn random_token(service: &'static str, n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| {
        Error::config(
            service,
            format!("no randomness from the operating system: {e}"),
        )
    })?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

impl OAuthClient {
    /// A client. Endpoints must be https (loopback http is allowed for tests).
    pub fn new(service: &'static str, config: OAuthConfig) -> Result<Self> {
        Self::build(service, config, None)
    }

    /// A client over an injected `reqwest::Client` (built with
    /// `redirect(Policy::none())`: token requests follow redirects only on the core's rules).
    pub fn with_http(
        service: &'static str,
        config: OAuthConfig,
        http: reqwest::Client,
    ) -> Result<Self> {
        Self::build(service, config, Some(http))
    }

    fn build(
        service: &'static str,
        config: OAuthConfig,
        http: Option<reqwest::Client>,
    ) -> Result<Self> {
        validate_base_url(service, &config.authorize_url)?;
        validate_base_url(service, &config.token_url)?;
        let mut builder = ApiClient::builder(TokenEndpoint(service), config.token_url.as_str())?
            .rate_limits(RateLimitConfig::unlimited())
            .default_header("accept", "application/json")?;
        if let (ClientAuth::BasicHeader, Some(secret)) = (config.client_auth, &config.client_secret)
        {
            // RFC 6749 §2.3.1: both are form-encoded before they are joined.
            let encode =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            builder = builder.credentials(Credentials::basic(
                encode(&config.client_id),
                Secret::new(encode(secret.expose())),
            ));
        }
        if let Some(http) = http {
            builder = builder.http_client(http);
        }
        Ok(Self {
            service,
            api: builder.build()?,
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &OAuthConfig {
        &self.config
    }

    /// A consent URL with a fresh random `state` and (unless turned off) a PKCE S256
    /// challenge. Fails only when the operating system has no randomness to give.
    pub fn authorize_url(&self) -> Result<PendingAuthorization> {
        let state = random_token(self.service, 16)?;
        let verifier = if self.config.pkce {
            Some(random_token(self.service, 32)?)
        } else {
            None
        };
        let mut url = self.config.authorize_url.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &self.config.client_id)
                .append_pair("state", &state);
            if let Some(verifier) = &verifier {
                let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes()));
                query
                    .append_pair("code_challenge", &challenge)
                    .append_pair("code_challenge_method", "S256");
            }
            if let Some(redirect) = &self.config.redirect_url {
                query.append_pair("redirect_uri", redirect.as_str());
            }
            if !self.config.scopes.is_empty() {
                query.append_pair("scope", &self.config.scopes.join(" "));
            }
            for (name, value) in &self.config.extra_authorize_params {
                query.append_pair(name, value);
            }
        }
        Ok(PendingAuthorization {
            url,
            state,
            pkce_verifier: verifier.map(Secret::new),
        })
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
        let mut params = vec![("grant_type", "authorization_code"), ("code", code)];
        let mut sent_secrets = vec![code];
        if let Some(verifier) = &pending.pkce_verifier {
            params.push(("code_verifier", verifier.expose()));
            sent_secrets.push(verifier.expose());
        }
        if let Some(redirect) = &self.config.redirect_url {
            params.push(("redirect_uri", redirect.as_str()));
        }
        self.token_request(&params, &sent_secrets, None).await
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
        let params = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose()),
        ];
        self.token_request(&params, &[refresh.expose()], Some(token))
            .await
    }

    /// The client-credentials grant (server-to-server).
    pub async fn client_credentials(&self) -> Result<TokenSet> {
        let scope = self.config.scopes.join(" ");
        let mut params = vec![("grant_type", "client_credentials")];
        if !scope.is_empty() {
            params.push(("scope", scope.as_str()));
        }
        self.token_request(&params, &[], None).await
    }

    /// Any other grant at the token endpoint (`urn:ietf:params:oauth:grant-type:device_code`,
    /// `…:jwt-bearer`): `params` are sent as the form body with the client's credentials, and
    /// `secrets` are the values among them to keep out of error text. The answer is read like
    /// every token response; RFC 6749 error codes keep their `provider_code`
    /// (`authorization_pending`, `slow_down`).
    pub async fn grant(&self, params: &[(&str, &str)], secrets: &[&str]) -> Result<TokenSet> {
        self.token_request(params, secrets, None).await
    }

    async fn token_request(
        &self,
        params: &[(&str, &str)],
        secrets: &[&str],
        previous: Option<&TokenSet>,
    ) -> Result<TokenSet> {
        let body = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.extend_pairs(params.iter().copied());
            if self.config.client_auth == ClientAuth::RequestBody
                || self.config.client_secret.is_none()
            {
                form.append_pair("client_id", &self.config.client_id);
                if let Some(secret) = &self.config.client_secret {
                    form.append_pair("client_secret", secret.expose());
                }
            }
            form.finish()
        };
        let request = Request::post(self.config.token_url.as_str())
            .operation("oauth.token")
            .path_template(self.config.token_url.path().to_owned())
            .max_response_bytes(MAX_TOKEN_BODY)
            .body(Body::Form(body.into()));
        let client_secret = self.config.client_secret.as_ref().map(Secret::expose);
        let known = submitted_forms(secrets.iter().copied().chain(client_secret));
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        // Expiry counts from the send: the token's lifetime starts before its answer arrives.
        let sent = Utc::now();
        let response = self
            .api
            .send(request)
            .await
            .map_err(|e| e.scrubbed(&known))?;
        parse_token_response(self.service, &response.body, previous, sent)
            .map_err(|e| e.with_status(response.status.as_u16()).scrubbed(&known))
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
