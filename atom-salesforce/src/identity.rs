//! Who the token belongs to, and ending a connection: the OpenID Connect UserInfo
//! endpoint (`GET /services/oauth2/userinfo`), the identity URL a token response names
//! (`GET /id/{org id}/{user id}`) and token revocation (`POST /services/oauth2/revoke`),
//! all on the org's instance with the client's auth.
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client, refresh: atom_core::Secret) -> atom_core::Result<()> {
//! let me = client.userinfo().await?;
//! println!("{:?} in org {:?}", me.preferred_username, me.organization_id);
//! // The user disconnects the app: revoking the refresh token also ends its access tokens.
//! client.revoke_token(&refresh).await?;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use atom_core::{Body, Error, Request, Result, Secret};

use crate::validate::record_id;
use crate::{Client, SERVICE};

atom_core::model! {
    /// The user an access token acts for, as the UserInfo endpoint describes them (OpenID
    /// Connect claims plus Salesforce's own). Fields not named here (`photos`, `address`,
    /// `is_app_installed`, …) are kept in `extra`.
    pub struct UserInfo {
        /// The identity URL (`https://login.salesforce.com/id/{org id}/{user id}`).
        pub sub: Option<String>,
        /// The user id (`005…`).
        pub user_id: Option<String>,
        /// The org id (`00D…`).
        pub organization_id: Option<String>,
        /// The username (`jane@acme.example`).
        pub preferred_username: Option<String>,
        /// The community nickname.
        pub nickname: Option<String>,
        /// The full name.
        pub name: Option<String>,
        /// The e-mail address.
        pub email: Option<String>,
        /// Whether the e-mail address was verified.
        pub email_verified: Option<bool>,
        /// The first name.
        pub given_name: Option<String>,
        /// The last name.
        pub family_name: Option<String>,
        /// The time zone (`America/Los_Angeles`).
        pub zoneinfo: Option<String>,
        /// The profile page.
        pub profile: Option<String>,
        /// The profile photo.
        pub picture: Option<String>,
        /// Whether the user is active.
        pub active: Option<bool>,
        /// The user type (`STANDARD`, …).
        pub user_type: Option<String>,
        /// The language (`en_US`).
        pub language: Option<String>,
        /// The locale (`en_US`).
        pub locale: Option<String>,
        /// The offset from UTC, in milliseconds.
        @rename("utcOffset")
        pub utc_offset: Option<i64>,
        /// When the user record last changed (as sent, e.g. `2026-01-09T18:04:12Z`).
        pub updated_at: Option<String>,
        /// The org's API endpoints by name (`rest`, `sobjects`, `query`, …), with
        /// `{version}` where the caller puts an API version.
        pub urls: BTreeMap<String, serde_json::Value>,
    }
}

atom_core::model! {
    /// A user and their org as the identity URL describes them. Fields not named here
    /// (`photos`, `status`, `addr_*`, `mobile_phone`, …) are kept in `extra`.
    pub struct Identity {
        /// The identity URL itself.
        pub id: Option<String>,
        /// Whether the token was issued to this user (an admin may read other users').
        pub asserted_user: Option<bool>,
        /// The user id (`005…`).
        pub user_id: Option<String>,
        /// The org id (`00D…`).
        pub organization_id: Option<String>,
        /// The username.
        pub username: Option<String>,
        /// The community nickname.
        pub nick_name: Option<String>,
        /// The full name.
        pub display_name: Option<String>,
        /// The e-mail address.
        pub email: Option<String>,
        /// Whether the e-mail address was verified.
        pub email_verified: Option<bool>,
        /// The first name.
        pub first_name: Option<String>,
        /// The last name.
        pub last_name: Option<String>,
        /// The time zone (`America/Los_Angeles`).
        pub timezone: Option<String>,
        /// Whether the user is active.
        pub active: Option<bool>,
        /// The user type (`STANDARD`, …).
        pub user_type: Option<String>,
        /// The language (`en_US`).
        pub language: Option<String>,
        /// The locale (`en_US`).
        pub locale: Option<String>,
        /// The offset from UTC, in milliseconds.
        @rename("utcOffset")
        pub utc_offset: Option<i64>,
        /// When the user record last changed (as sent).
        pub last_modified_date: Option<String>,
        /// Whether the connected app is installed in the org.
        pub is_app_installed: Option<bool>,
        /// The org's API endpoints by name, with `{version}` filled in by the client's API
        /// version.
        pub urls: BTreeMap<String, serde_json::Value>,
    }
}

impl Identity {
    /// One of the org's endpoints by name (`"rest"`, `"query"`), as text.
    pub fn url(&self, name: &str) -> Option<&str> {
        self.urls.get(name).and_then(serde_json::Value::as_str)
    }
}

/// The org and user ids of an identity URL (`https://login.salesforce.com/id/{org}/{user}`,
/// the `id` of a token response, or `sub` of [`UserInfo`]), both checked as Salesforce ids.
///
/// ```
/// use atom_salesforce::identity::identity_ids;
/// let (org, user) =
///     identity_ids("https://login.salesforce.com/id/00Dx0000000BV7zEAG/005x00000012Q9PAAU")?;
/// assert_eq!((org, user), ("00Dx0000000BV7zEAG", "005x00000012Q9PAAU"));
/// assert!(identity_ids("https://login.salesforce.com/id/00Dx0000000BV7zEAG/../x").is_err());
/// # Ok::<(), atom_core::Error>(())
/// ```
pub fn identity_ids(identity_url: &str) -> Result<(&str, &str)> {
    let path = identity_url
        .split_once("://")
        .map_or(identity_url, |(_, rest)| {
            rest.find('/')
                .and_then(|at| rest.get(at..))
                .unwrap_or_default()
        });
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut segments = path.trim_start_matches('/').split('/');
    match (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) {
        (Some("id"), Some(org), Some(user), None) => Ok((record_id(org)?, record_id(user)?)),
        _ => Err(Error::config(
            SERVICE,
            "an identity URL has the form https://{host}/id/{org id}/{user id}",
        )),
    }
}

impl UserInfo {
    /// One of the org's endpoints by name (`"rest"`, `"query"`), as text.
    pub fn url(&self, name: &str) -> Option<&str> {
        self.urls.get(name).and_then(serde_json::Value::as_str)
    }
}

impl Client {
    /// The user the client's access token acts for (`GET /services/oauth2/userinfo` on the
    /// instance). A `401` refreshes the token and replays, as for any call.
    pub async fn userinfo(&self) -> Result<UserInfo> {
        self.send(
            Request::get("/services/oauth2/userinfo")
                .operation("oauth.userinfo")
                .path_template("/services/oauth2/userinfo"),
        )
        .await?
        .json()
    }

    /// The identity URL's description of a user (`GET /id/{org id}/{user id}` on the org's
    /// instance, which serves the same identity service as the login host; `version` asks
    /// for endpoint URLs with the client's API version filled in). Pass the `id` of a token
    /// response or the `sub` of [`UserInfo`]; see [`identity_ids`].
    pub async fn identity(&self, identity_url: &str) -> Result<Identity> {
        let (org, user) = identity_ids(identity_url)?;
        self.send(
            Request::get(format!("/id/{org}/{user}"))
                .query("version", self.version.as_str())
                .operation("oauth.identity")
                .path_template("/id/{org_id}/{user_id}"),
        )
        .await?
        .json()
    }

    /// Revokes a token (`POST /services/oauth2/revoke`, the token in a form body): an
    /// access token ends that session; a refresh token ends itself and every access token
    /// issued from it. Salesforce answers `200`, or `400` with `invalid_token` or
    /// `unsupported_token_type` (an `InvalidRequest` error with that provider code).
    ///
    /// Not retried after it may have reached Salesforce (it is a POST); a retry after a
    /// network error would at worst be answered `invalid_token`.
    pub async fn revoke_token(&self, token: &Secret) -> Result<()> {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("token", token.expose())
            .finish();
        self.send(
            Request::post("/services/oauth2/revoke")
                .body(Body::Form(form.into_bytes().into()))
                .operation("oauth.revoke")
                .path_template("/services/oauth2/revoke"),
        )
        .await?;
        Ok(())
    }
}
