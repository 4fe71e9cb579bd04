//! Owners: the users records are assigned to (`hubspot_owner_id`).
//!
//! ```no_run
//! # async fn demo(client: atom_hubspot::Client) -> atom_core::Result<()> {
//! use futures::TryStreamExt as _;
//! let owners: Vec<_> = client.owners().list(&Default::default()).try_collect().await?;
//! # let _ = owners; Ok(()) }
//! ```

use atom_core::{Checkpoint, Error, Paginator, Request, Result};

use crate::client::Client;
use crate::models::Owner;
use crate::{SERVICE, pagination, validate};

/// What an owner list reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnerListParams {
    /// Only the owner with this email.
    pub email: Option<String>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<u32>,
    /// List archived (deactivated) owners instead.
    pub archived: bool,
}

/// The owners handler.
#[derive(Debug, Clone)]
pub struct Owners {
    client: Client,
}

impl Owners {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `GET /crm/v3/owners`.
    pub fn list(&self, params: &OwnerListParams) -> Paginator<Owner> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`Owners::list`] from a checkpoint.
    pub fn list_from(&self, params: &OwnerListParams, from: Checkpoint) -> Paginator<Owner> {
        let limit = params.limit.unwrap_or(100);
        let first = if (1..=500).contains(&limit) {
            let mut request = Request::get("/crm/v3/owners")
                .operation("owners.list")
                .path_template("/crm/v3/owners")
                .query("limit", limit.to_string());
            if let Some(email) = &params.email {
                request = request.query("email", email);
            }
            if params.archived {
                request = request.query("archived", "true");
            }
            Ok(request)
        } else {
            Err(Error::config(SERVICE, "owner page size must be 1 to 500"))
        };
        pagination::list(&self.client, first, from)
    }

    /// `GET /crm/v3/owners/{ownerId}`.
    pub async fn get(&self, owner_id: &str) -> Result<Owner> {
        let request = Request::get(format!(
            "/crm/v3/owners/{}",
            validate::id("owner id", owner_id)?
        ))
        .operation("owners.get")
        .path_template("/crm/v3/owners/{ownerId}");
        self.client.send_json(request).await
    }
}
