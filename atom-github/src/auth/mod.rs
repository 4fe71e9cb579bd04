//! Authentication: personal access tokens, GitHub App installation tokens, OAuth user tokens.
//!
//! * **Token** (personal access token, or any token you already hold):
//!   [`ClientBuilder::token`](crate::ClientBuilder::token).
//! * **GitHub App** (`GitHubApp`, with the `jwt` feature, on by default): a JWT (RS256, `iat` 60 s in the past, `exp` 9 minutes
//!   ahead, `iss` = app id) signed with the app's private key is exchanged at
//!   `POST /app/installations/{id}/access_tokens` for an installation token. Tokens are cached
//!   per installation and renewed 5 minutes before `expires_at`, with one exchange in flight per
//!   installation however many tasks ask (the core [`TokenManager`](atom_core::TokenManager)). When GitHub refuses the
//!   JWT with 401 and its `Date` header shows the local clock is off, the clock offset is
//!   learnt (up to a day, [`MAX_CLOCK_SKEW_SECS`]) and the exchange is tried once more.
//! * **OAuth app / GitHub App user tokens** ([`GitHubOAuth`]): the web flow (consent URL
//!   with PKCE and `state`, and the code exchange, through the core
//!   [`OAuthClient`](atom_core::OAuthClient), GitHub's own error codes read into kinds),
//!   the device flow (polled with the core's device-code grant), and expiring user tokens whose rotating refresh tokens are renewed
//!   through a [`TokenManager`](atom_core::TokenManager) ([`GitHubOAuth`] is its
//!   [`TokenRefresher`](atom_core::TokenRefresher)).

#[cfg(feature = "jwt")]
mod app;
mod user;

#[cfg(feature = "jwt")]
pub use app::{
    AppClaims, GitHubApp, GitHubAppBuilder, MAX_CLOCK_SKEW_SECS, app_claims, clock_skew,
};
pub use user::{DeviceCode, GITHUB_WEB, GitHubOAuth, MAX_DEVICE_WAIT, TokenReply};
