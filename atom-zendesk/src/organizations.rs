//! Organizations: create, create or update, get, update, delete, list, search by external
//! id or name.
//!
//! ```no_run
//! # async fn demo(client: atom_zendesk::Client) -> atom_core::Result<()> {
//! use atom_zendesk::organizations::OrganizationParams;
//! let acme = client.organizations().create_or_update(&OrganizationParams {
//!     name: Some("Acme".into()),
//!     external_id: Some("crm-account-1".into()),
//!     domain_names: Some(vec!["acme.com".into()]),
//!     ..Default::default()
//! }).await?;
//! # let _ = acme; Ok(()) }
//! ```

use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::SERVICE;
use crate::models::{Organization, OrganizationMembership};
use crate::pagination::{Scheme, cursor_first, paginate};

/// An organization to create (or create or update by id or external id); also a change to
/// one, where setting nothing is refused.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OrganizationParams {
    /// The unique name (required to create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The id in another system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Email domains whose users join it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_names: Option<Vec<String>>,
    /// The default group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<u64>,
    /// Details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// Notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Replaces the tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Custom organization fields by key.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub organization_fields: Map<String, Value>,
}

impl OrganizationParams {
    /// Whether it sets nothing.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// What an organization search looks for.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum OrganizationSearch {
    /// The exact external id.
    ExternalId(String),
    /// The exact name.
    Name(String),
}

#[derive(Serialize)]
struct Wrap<'a> {
    organization: &'a OrganizationParams,
}

#[derive(Deserialize)]
struct OrganizationBody {
    organization: Organization,
}

/// The account's organizations.
#[derive(Debug, Clone)]
pub struct Organizations {
    client: Client,
}

impl Client {
    /// The organizations handler.
    pub fn organizations(&self) -> Organizations {
        Organizations {
            client: self.clone(),
        }
    }
}

impl Organizations {
    async fn write(&self, request: Request, params: &OrganizationParams) -> Result<Organization> {
        let body: OrganizationBody = self
            .client
            .send_json(request.json(&Wrap {
                organization: params,
            }))
            .await?;
        Ok(body.organization)
    }

    /// `POST /api/v2/organizations`; needs a name.
    pub async fn create(&self, params: &OrganizationParams) -> Result<Organization> {
        if params.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(Error::config(SERVICE, "an organization needs a name"));
        }
        self.write(
            Request::post("/api/v2/organizations")
                .operation("organizations.create")
                .path_template("/api/v2/organizations"),
            params,
        )
        .await
    }

    /// `POST /api/v2/organizations/create_or_update`: matched by external id (or name);
    /// safe to repeat.
    pub async fn create_or_update(&self, params: &OrganizationParams) -> Result<Organization> {
        if params.external_id.is_none() && params.name.is_none() {
            return Err(Error::config(
                SERVICE,
                "create_or_update matches by external_id or name: set one",
            ));
        }
        self.write(
            Request::post("/api/v2/organizations/create_or_update")
                .operation("organizations.create_or_update")
                .path_template("/api/v2/organizations/create_or_update")
                .idempotency_key(uuid::Uuid::new_v4().to_string()),
            params,
        )
        .await
    }

    /// `GET /api/v2/organizations/{id}`.
    pub async fn get(&self, id: u64) -> Result<Organization> {
        let body: OrganizationBody = self
            .client
            .send_json(
                Request::get(format!("/api/v2/organizations/{id}"))
                    .operation("organizations.get")
                    .path_template("/api/v2/organizations/{id}"),
            )
            .await?;
        Ok(body.organization)
    }

    /// `PUT /api/v2/organizations/{id}`; an update that sets nothing is refused.
    pub async fn update(&self, id: u64, params: &OrganizationParams) -> Result<Organization> {
        if params.is_empty() {
            return Err(Error::config(
                SERVICE,
                "an organization update must set a field",
            ));
        }
        self.write(
            Request::put(format!("/api/v2/organizations/{id}"))
                .operation("organizations.update")
                .path_template("/api/v2/organizations/{id}"),
            params,
        )
        .await
    }

    /// `DELETE /api/v2/organizations/{id}`.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client
            .send(
                Request::delete(format!("/api/v2/organizations/{id}"))
                    .operation("organizations.delete")
                    .path_template("/api/v2/organizations/{id}"),
            )
            .await
            .map(drop)
    }

    /// `GET /api/v2/organizations` (cursor paging).
    pub fn list(&self) -> Paginator<Organization> {
        self.list_from(Checkpoint::default())
    }

    /// [`list`](Self::list) from a checkpoint.
    pub fn list_from(&self, from: Checkpoint) -> Paginator<Organization> {
        let request = cursor_first(
            Request::get("/api/v2/organizations")
                .operation("organizations.list")
                .path_template("/api/v2/organizations"),
            None,
        );
        paginate(
            &self.client,
            Ok(request),
            "organizations",
            Scheme::Cursor,
            from,
        )
    }

    /// `GET /api/v2/organizations/search` by external id or name.
    pub fn search(&self, search: &OrganizationSearch) -> Paginator<Organization> {
        self.search_from(search, Checkpoint::default())
    }

    /// [`search`](Self::search) from a checkpoint.
    pub fn search_from(
        &self,
        search: &OrganizationSearch,
        from: Checkpoint,
    ) -> Paginator<Organization> {
        let request = Request::get("/api/v2/organizations/search")
            .operation("organizations.search")
            .path_template("/api/v2/organizations/search");
        let request = match search {
            OrganizationSearch::ExternalId(v) if !v.is_empty() => {
                Ok(request.query("external_id", v.clone()))
            }
            OrganizationSearch::Name(v) if !v.is_empty() => Ok(request.query("name", v.clone())),
            _ => Err(Error::config(
                SERVICE,
                "an organization search needs a value",
            )),
        };
        paginate(
            &self.client,
            request,
            "organizations",
            Scheme::Offset { max_results: None },
            from,
        )
    }

    /// `GET /api/v2/organizations/{id}/organization_memberships` (cursor paging).
    pub fn memberships(&self, id: u64) -> Paginator<OrganizationMembership> {
        self.memberships_from(id, Checkpoint::default())
    }

    /// [`memberships`](Self::memberships) from a checkpoint.
    pub fn memberships_from(&self, id: u64, from: Checkpoint) -> Paginator<OrganizationMembership> {
        let request = cursor_first(
            Request::get(format!(
                "/api/v2/organizations/{id}/organization_memberships"
            ))
            .operation("organizations.memberships")
            .path_template("/api/v2/organizations/{id}/organization_memberships"),
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
}
