//! Accounts: the short form embedded everywhere, and the authenticated user.

use super::Timestamp;

model! {
    /// An account as embedded in other resources (`simple-user`).
    pub struct SimpleUser {
        /// The login.
        pub login: String,
        /// The numeric id.
        pub id: u64,
        /// The GraphQL node id.
        pub node_id: Option<String>,
        /// The avatar.
        pub avatar_url: Option<String>,
        /// The profile page.
        pub html_url: Option<String>,
        /// `User`, `Organization` or `Bot`.
        @rename("type")
        pub account_type: Option<String>,
        /// Whether the account is a GitHub staff administrator.
        pub site_admin: Option<bool>,
        /// The display name, when sent.
        pub name: Option<String>,
        /// The public e-mail, when sent.
        pub email: Option<String>,
    }
}

model! {
    /// The authenticated user (`GET /user`, `private-user`).
    pub struct PrivateUser {
        /// The login.
        pub login: String,
        /// The numeric id.
        pub id: u64,
        /// The GraphQL node id.
        pub node_id: Option<String>,
        /// `User`, `Organization` or `Bot`.
        @rename("type")
        pub account_type: Option<String>,
        /// The display name.
        pub name: Option<String>,
        /// The public e-mail.
        pub email: Option<String>,
        /// The company.
        pub company: Option<String>,
        /// The profile page.
        pub html_url: Option<String>,
        /// Public repositories.
        pub public_repos: Option<u64>,
        /// Private repositories the user owns.
        pub owned_private_repos: Option<u64>,
        /// Followers.
        pub followers: Option<u64>,
        /// Whether two-factor authentication is on.
        pub two_factor_authentication: Option<bool>,
        /// When the account was created.
        pub created_at: Option<Timestamp>,
        /// When the account was last updated.
        pub updated_at: Option<Timestamp>,
    }
}
