//! Users: create, create or update (by email or external id), get, update, delete, list,
//! search; their identities and organization memberships.
//!
//! ```no_run
//! # async fn demo(client: atom_zendesk::Client) -> atom_core::Result<()> {
//! use atom_zendesk::users::{UserCreateParams, UserSearch};
//! use futures::TryStreamExt as _;
//! let jane = client.users().create_or_update(&UserCreateParams {
//!     name: "Jane Doe".into(),
//!     email: Some("jane@example.com".into()),
//!     external_id: Some("crm-contact-7".into()),
//!     ..Default::default()
//! }).await?;
//! let same: Vec<_> = client.users().search(&UserSearch::ExternalId("crm-contact-7".into())).try_collect().await?;
//! let identities: Vec<_> = client.users().identities(jane.id).try_collect().await?;
//! # let _ = (same, identities); Ok(()) }
//! ```

use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::SERVICE;
use crate::models::{Identity, OrganizationMembership, Role, User};
use crate::pagination::{Scheme, cursor_first, paginate};

/// A user to create, or to create or update by email or external id.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UserCreateParams {
    /// The name (required by Zendesk for a new user).
    pub name: String,
    /// The primary email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The id in another system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The role (default end user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The default organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<u64>,
    /// The phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Custom user fields by key.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub user_fields: Map<String, Value>,
    /// Whether the email is verified (no verification mail is sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// The time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// A change to a user; setting nothing is refused before any request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UserUpdateParams {
    /// The name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The primary email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The id in another system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The default organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<u64>,
    /// The phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Replaces the tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Custom user fields to set, by key.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub user_fields: Map<String, Value>,
    /// Suspends or reinstates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspended: Option<bool>,
}

impl UserUpdateParams {
    /// Whether the update sets nothing.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// Options of a user list (cursor paging).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserListParams {
    /// Only this role.
    pub role: Option<Role>,
    /// Items per page (1 to 100, default 100).
    pub page_size: Option<u32>,
}

/// What a user search looks for.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum UserSearch {
    /// An email address (or part of a name: Zendesk matches both).
    Email(String),
    /// The exact external id.
    ExternalId(String),
    /// A query in Zendesk's user search syntax (see [`crate::search::SearchQuery`]).
    Query(String),
}

#[derive(Serialize)]
struct Wrap<'a, T: Serialize> {
    user: &'a T,
}

#[derive(Deserialize)]
struct UserBody {
    user: User,
}

#[derive(Deserialize)]
struct UsersBody {
    users: Vec<User>,
}

/// Most users one `show_many` request takes.
pub const MAX_SHOW_MANY: usize = 100;

/// The account's users.
#[derive(Debug, Clone)]
pub struct Users {
    client: Client,
}

impl Client {
    /// The users handler.
    pub fn users(&self) -> Users {
        Users {
            client: self.clone(),
        }
    }
}

fn check_create(params: &UserCreateParams) -> Result<()> {
    if params.name.trim().is_empty() {
        return Err(Error::config(SERVICE, "a user needs a name"));
    }
    Ok(())
}

impl Users {
    /// `POST /api/v2/users`.
    pub async fn create(&self, params: &UserCreateParams) -> Result<User> {
        check_create(params)?;
        let body: UserBody = self
            .client
            .send_json(
                Request::post("/api/v2/users")
                    .operation("users.create")
                    .path_template("/api/v2/users")
                    .json(&Wrap { user: params }),
            )
            .await?;
        Ok(body.user)
    }

    /// `POST /api/v2/users/create_or_update`: updates the user with this email or external
    /// id, or creates one. Needs an email or an external id; safe to repeat.
    pub async fn create_or_update(&self, params: &UserCreateParams) -> Result<User> {
        check_create(params)?;
        if params.email.is_none() && params.external_id.is_none() {
            return Err(Error::config(
                SERVICE,
                "create_or_update matches by email or external_id: set one",
            ));
        }
        let body: UserBody = self
            .client
            .send_json(
                Request::post("/api/v2/users/create_or_update")
                    .operation("users.create_or_update")
                    .path_template("/api/v2/users/create_or_update")
                    .json(&Wrap { user: params })
                    // Matching by email or external id makes a resend harmless.
                    .idempotency_key(uuid::Uuid::new_v4().to_string()),
            )
            .await?;
        Ok(body.user)
    }

    /// `GET /api/v2/users/{id}`.
    pub async fn get(&self, id: u64) -> Result<User> {
        let body: UserBody = self
            .client
            .send_json(
                Request::get(format!("/api/v2/users/{id}"))
                    .operation("users.get")
                    .path_template("/api/v2/users/{id}"),
            )
            .await?;
        Ok(body.user)
    }

    /// `GET /api/v2/users/show_many?ids=..`: up to [`MAX_SHOW_MANY`] users in one request
    /// (ids Zendesk does not know are left out of the answer; so are deleted users).
    pub async fn get_many(&self, ids: &[u64]) -> Result<Vec<User>> {
        if ids.is_empty() || ids.len() > MAX_SHOW_MANY {
            return Err(atom_core::Error::config(
                crate::SERVICE,
                format!(
                    "show_many takes 1 to {MAX_SHOW_MANY} users, not {}",
                    ids.len()
                ),
            ));
        }
        let ids = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        let body: UsersBody = self
            .client
            .send_json(
                Request::get("/api/v2/users/show_many")
                    .operation("users.get_many")
                    .path_template("/api/v2/users/show_many")
                    .query("ids", ids),
            )
            .await?;
        Ok(body.users)
    }

    /// `GET /api/v2/users/me`: the authenticated user.
    pub async fn me(&self) -> Result<User> {
        let body: UserBody = self
            .client
            .send_json(
                Request::get("/api/v2/users/me")
                    .operation("users.me")
                    .path_template("/api/v2/users/me"),
            )
            .await?;
        Ok(body.user)
    }

    /// `PUT /api/v2/users/{id}`; an update that sets nothing is refused.
    pub async fn update(&self, id: u64, params: &UserUpdateParams) -> Result<User> {
        if params.is_empty() {
            return Err(Error::config(SERVICE, "a user update must set a field"));
        }
        let body: UserBody = self
            .client
            .send_json(
                Request::put(format!("/api/v2/users/{id}"))
                    .operation("users.update")
                    .path_template("/api/v2/users/{id}")
                    .json(&Wrap { user: params }),
            )
            .await?;
        Ok(body.user)
    }

    /// `DELETE /api/v2/users/{id}` (soft delete); returns the user as deleted.
    pub async fn delete(&self, id: u64) -> Result<User> {
        let body: UserBody = self
            .client
            .send_json(
                Request::delete(format!("/api/v2/users/{id}"))
                    .operation("users.delete")
                    .path_template("/api/v2/users/{id}"),
            )
            .await?;
        Ok(body.user)
    }

    /// `GET /api/v2/users` (cursor paging).
    pub fn list(&self, params: &UserListParams) -> Paginator<User> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) from a checkpoint.
    pub fn list_from(&self, params: &UserListParams, from: Checkpoint) -> Paginator<User> {
        let request = cursor_first(
            Request::get("/api/v2/users")
                .operation("users.list")
                .path_template("/api/v2/users"),
            params.page_size,
        )
        .query_opt("role", params.role.as_ref().map(|r| r.as_str().to_owned()));
        paginate(&self.client, Ok(request), "users", Scheme::Cursor, from)
    }

    /// `GET /api/v2/users/search` by email, external id or query (offset paging: at most
    /// 100 pages).
    pub fn search(&self, search: &UserSearch) -> Paginator<User> {
        self.search_from(search, Checkpoint::default())
    }

    /// [`search`](Self::search) from a checkpoint.
    pub fn search_from(&self, search: &UserSearch, from: Checkpoint) -> Paginator<User> {
        let request = Request::get("/api/v2/users/search")
            .operation("users.search")
            .path_template("/api/v2/users/search");
        let request = match search {
            UserSearch::Email(v) | UserSearch::Query(v) if !v.trim().is_empty() => {
                Ok(request.query("query", v.clone()))
            }
            UserSearch::ExternalId(v) if !v.is_empty() => {
                Ok(request.query("external_id", v.clone()))
            }
            _ => Err(Error::config(SERVICE, "a user search needs a value")),
        };
        paginate(
            &self.client,
            request,
            "users",
            Scheme::Offset { max_results: None },
            from,
        )
    }

    /// `GET /api/v2/users/{id}/identities` (cursor paging).
    pub fn identities(&self, user_id: u64) -> Paginator<Identity> {
        self.identities_from(user_id, Checkpoint::default())
    }

    /// [`identities`](Self::identities) from a checkpoint.
    pub fn identities_from(&self, user_id: u64, from: Checkpoint) -> Paginator<Identity> {
        let request = cursor_first(
            Request::get(format!("/api/v2/users/{user_id}/identities"))
                .operation("users.identities")
                .path_template("/api/v2/users/{id}/identities"),
            None,
        );
        paginate(
            &self.client,
            Ok(request),
            "identities",
            Scheme::Cursor,
            from,
        )
    }

    /// `POST /api/v2/users/{id}/identities`: adds an identity (`email`, `phone_number`,
    /// `twitter`, `facebook`, `google`, ...).
    pub async fn add_identity(
        &self,
        user_id: u64,
        identity_type: &str,
        value: &str,
    ) -> Result<Identity> {
        if identity_type.trim().is_empty() || value.trim().is_empty() {
            return Err(Error::config(
                SERVICE,
                "an identity needs a type and a value",
            ));
        }
        #[derive(Serialize)]
        struct NewIdentity<'a> {
            #[serde(rename = "type")]
            identity_type: &'a str,
            value: &'a str,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            identity: NewIdentity<'a>,
        }
        #[derive(Deserialize)]
        struct Answer {
            identity: Identity,
        }
        let answer: Answer = self
            .client
            .send_json(
                Request::post(format!("/api/v2/users/{user_id}/identities"))
                    .operation("users.add_identity")
                    .path_template("/api/v2/users/{id}/identities")
                    .json(&Body {
                        identity: NewIdentity {
                            identity_type,
                            value,
                        },
                    }),
            )
            .await?;
        Ok(answer.identity)
    }

    /// `GET /api/v2/users/{id}/organization_memberships` (cursor paging).
    pub fn organization_memberships(&self, user_id: u64) -> Paginator<OrganizationMembership> {
        self.organization_memberships_from(user_id, Checkpoint::default())
    }

    /// [`organization_memberships`](Self::organization_memberships) from a checkpoint.
    pub fn organization_memberships_from(
        &self,
        user_id: u64,
        from: Checkpoint,
    ) -> Paginator<OrganizationMembership> {
        let request = cursor_first(
            Request::get(format!("/api/v2/users/{user_id}/organization_memberships"))
                .operation("users.organization_memberships")
                .path_template("/api/v2/users/{id}/organization_memberships"),
            None,
        );
        paginate(
            &self.client,
            Ok(request),
            "organization_memberships",
            Scheme::Cursor,
            from,
        )
    }

    /// `POST /api/v2/organization_memberships`: adds the user to an organization.
    pub async fn add_to_organization(
        &self,
        user_id: u64,
        organization_id: u64,
    ) -> Result<OrganizationMembership> {
        #[derive(Serialize)]
        struct Membership {
            user_id: u64,
            organization_id: u64,
        }
        #[derive(Serialize)]
        struct Body {
            organization_membership: Membership,
        }
        #[derive(Deserialize)]
        struct Answer {
            organization_membership: OrganizationMembership,
        }
        let answer: Answer = self
            .client
            .send_json(
                Request::post("/api/v2/organization_memberships")
                    .operation("organization_memberships.create")
                    .path_template("/api/v2/organization_memberships")
                    .json(&Body {
                        organization_membership: Membership {
                            user_id,
                            organization_id,
                        },
                    }),
            )
            .await?;
        Ok(answer.organization_membership)
    }
}
