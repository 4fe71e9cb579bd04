//! Property definitions and property groups of an object type.
//!
//! ```no_run
//! # async fn demo(client: atom_hubspot::Client) -> atom_core::Result<()> {
//! use atom_hubspot::models::PropertyCreateParams;
//! let props = client.properties("contacts");
//! let created = props
//!     .create(&PropertyCreateParams {
//!         name: "favorite_color".into(),
//!         label: "Favorite color".into(),
//!         kind: "string".into(),
//!         field_type: "text".into(),
//!         group_name: "contactinformation".into(),
//!         ..Default::default()
//!     })
//!     .await?;
//! # let _ = created; Ok(()) }
//! ```

use atom_core::{Checkpoint, Paginator, Request, Result};

use crate::client::Client;
use crate::models::{Property, PropertyCreateParams, PropertyGroup, PropertyGroupCreateParams};
use crate::pagination;
use crate::validate;

/// The properties of one object type.
#[derive(Debug, Clone)]
pub struct Properties {
    client: Client,
    object_type: String,
}

impl Properties {
    pub(crate) fn new(client: Client, object_type: impl Into<String>) -> Self {
        Self {
            client,
            object_type: object_type.into(),
        }
    }

    fn base(&self) -> Result<String> {
        Ok(format!(
            "/crm/v3/properties/{}",
            validate::object_type(&self.object_type)?
        ))
    }

    /// `GET /crm/v3/properties/{type}`: every property definition (one page).
    pub fn list(&self) -> Paginator<Property> {
        self.list_from(Checkpoint::default())
    }

    /// [`Properties::list`] from a checkpoint.
    pub fn list_from(&self, from: Checkpoint) -> Paginator<Property> {
        let first = self.base().map(|base| {
            Request::get(base)
                .operation("properties.list")
                .path_template("/crm/v3/properties/{objectType}")
        });
        pagination::list(&self.client, first, from)
    }

    /// `GET /crm/v3/properties/{type}/{name}`.
    pub async fn get(&self, name: &str) -> Result<Property> {
        let request = Request::get(format!(
            "{}/{}",
            self.base()?,
            validate::property_name(name)?
        ))
        .operation("properties.get")
        .path_template("/crm/v3/properties/{objectType}/{propertyName}");
        self.client.send_json(request).await
    }

    /// `POST /crm/v3/properties/{type}`: a custom property.
    pub async fn create(&self, params: &PropertyCreateParams) -> Result<Property> {
        validate::property_name(&params.name)?;
        validate::property_name(&params.group_name)?;
        let request = Request::post(self.base()?)
            .operation("properties.create")
            .path_template("/crm/v3/properties/{objectType}")
            .json(params);
        self.client.send_json(request).await
    }

    /// `GET /crm/v3/properties/{type}/groups`.
    pub fn list_groups(&self) -> Paginator<PropertyGroup> {
        self.list_groups_from(Checkpoint::default())
    }

    /// [`Properties::list_groups`] from a checkpoint.
    pub fn list_groups_from(&self, from: Checkpoint) -> Paginator<PropertyGroup> {
        let first = self.base().map(|base| {
            Request::get(format!("{base}/groups"))
                .operation("properties.list_groups")
                .path_template("/crm/v3/properties/{objectType}/groups")
        });
        pagination::list(&self.client, first, from)
    }

    /// `GET /crm/v3/properties/{type}/groups/{name}`.
    pub async fn get_group(&self, name: &str) -> Result<PropertyGroup> {
        let request = Request::get(format!(
            "{}/groups/{}",
            self.base()?,
            validate::property_name(name)?
        ))
        .operation("properties.get_group")
        .path_template("/crm/v3/properties/{objectType}/groups/{groupName}");
        self.client.send_json(request).await
    }

    /// `POST /crm/v3/properties/{type}/groups`.
    pub async fn create_group(&self, params: &PropertyGroupCreateParams) -> Result<PropertyGroup> {
        validate::property_name(&params.name)?;
        let request = Request::post(format!("{}/groups", self.base()?))
            .operation("properties.create_group")
            .path_template("/crm/v3/properties/{objectType}/groups")
            .json(params);
        self.client.send_json(request).await
    }
}
