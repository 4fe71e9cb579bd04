//! CRM objects of any type: contacts, companies, deals, tickets, custom objects.
//!
//! ```no_run
//! # async fn demo(client: atom_hubspot::Client) -> atom_core::Result<()> {
//! use atom_hubspot::{ObjectCreateParams, ObjectGetParams, ObjectListParams};
//! use futures::TryStreamExt as _;
//! let contacts = client.contacts();
//! let ann = contacts
//!     .create(&ObjectCreateParams::new().property("email", "ann@example.com"))
//!     .await?;
//! let same = contacts
//!     .get_by("email", "ann@example.com", &ObjectGetParams::properties(["email", "firstname"]))
//!     .await?;
//! assert_eq!(ann.id, same.id);
//! let all: Vec<_> = contacts
//!     .list(&ObjectListParams { properties: vec!["email".into()], ..Default::default() })
//!     .try_collect()
//!     .await?;
//! # let _ = all; Ok(()) }
//! ```

use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use serde::Serialize;

use crate::SERVICE;
use crate::client::Client;
use crate::models::{CrmObject, ObjectCreateParams, ObjectUpdateParams};
use crate::pagination::{self, MAX_LIST_LIMIT};
use crate::validate;

/// What a get reads besides the default properties.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectGetParams {
    /// Properties to return (default: HubSpot's few defaults).
    pub properties: Vec<String>,
    /// Properties to return with their history.
    pub properties_with_history: Vec<String>,
    /// Object types whose associated ids to return (`companies`).
    pub associations: Vec<String>,
    /// Read an archived record.
    pub archived: bool,
}

impl ObjectGetParams {
    /// Just these properties.
    pub fn properties<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Self {
        Self {
            properties: names.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    fn apply(&self, mut request: Request) -> Result<Request> {
        validate::property_names(&self.properties)?;
        validate::property_names(&self.properties_with_history)?;
        for kind in &self.associations {
            validate::object_type(kind)?;
        }
        for p in &self.properties {
            request = request.query("properties", p);
        }
        for p in &self.properties_with_history {
            request = request.query("propertiesWithHistory", p);
        }
        for a in &self.associations {
            request = request.query("associations", a);
        }
        if self.archived {
            request = request.query("archived", "true");
        }
        Ok(request)
    }
}

/// What a list reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectListParams {
    /// Page size, 1 to 100 (default 100).
    pub limit: Option<u32>,
    /// Properties to return.
    pub properties: Vec<String>,
    /// Properties to return with their history (HubSpot then serves at most 50 a page).
    pub properties_with_history: Vec<String>,
    /// Object types whose associated ids to return.
    pub associations: Vec<String>,
    /// List archived records instead.
    pub archived: bool,
}

/// The handler of one object type: `client.contacts()`, `client.objects("p123_cars")`.
/// The type's name is checked when a call is made.
#[derive(Debug, Clone)]
pub struct Objects {
    pub(crate) client: Client,
    pub(crate) object_type: String,
}

/// Object types with a merge endpoint.
const MERGEABLE: &[&str] = &[
    "contacts",
    "companies",
    "0-1",
    "0-2",
    "deals",
    "0-3",
    "tickets",
    "0-5",
];

impl Objects {
    pub(crate) fn new(client: Client, object_type: impl Into<String>) -> Self {
        Self {
            client,
            object_type: object_type.into(),
        }
    }

    /// The object type.
    pub fn object_type(&self) -> &str {
        &self.object_type
    }

    pub(crate) fn base(&self) -> Result<String> {
        let kind = validate::object_type(&self.object_type)?;
        Ok(format!("/crm/v3/objects/{kind}"))
    }

    fn record_path(&self, id: &str) -> Result<String> {
        Ok(format!(
            "{}/{}",
            self.base()?,
            validate::id("record id", id)?
        ))
    }

    /// `POST /crm/v3/objects/{type}`: creates a record (a duplicate unique value, such as
    /// a contact's email, is a `Conflict` whose details name the existing id).
    pub async fn create(&self, params: &ObjectCreateParams) -> Result<CrmObject> {
        check_properties(params.properties.keys())?;
        let request = Request::post(self.base()?)
            .operation("objects.create")
            .path_template("/crm/v3/objects/{objectType}")
            .json(params);
        self.client.send_json(request).await
    }

    /// `GET /crm/v3/objects/{type}/{id}`.
    pub async fn get(&self, id: &str, params: &ObjectGetParams) -> Result<CrmObject> {
        let request = Request::get(self.record_path(id)?)
            .operation("objects.get")
            .path_template("/crm/v3/objects/{objectType}/{objectId}");
        self.client.send_json(params.apply(request)?).await
    }

    /// `GET /crm/v3/objects/{type}/{value}?idProperty=`: a record by a unique property
    /// (`email` for contacts, or a custom unique property).
    pub async fn get_by(
        &self,
        id_property: &str,
        value: &str,
        params: &ObjectGetParams,
    ) -> Result<CrmObject> {
        validate::property_name(id_property)?;
        let request = Request::get(self.record_path(value)?)
            .operation("objects.get")
            .path_template("/crm/v3/objects/{objectType}/{objectId}")
            .query("idProperty", id_property);
        self.client.send_json(params.apply(request)?).await
    }

    /// `PATCH /crm/v3/objects/{type}/{id}`.
    pub async fn update(&self, id: &str, params: &ObjectUpdateParams) -> Result<CrmObject> {
        self.update_request(id, None, params).await
    }

    /// `PATCH /crm/v3/objects/{type}/{value}?idProperty=`: updates the record a unique
    /// property value names.
    pub async fn update_by(
        &self,
        id_property: &str,
        value: &str,
        params: &ObjectUpdateParams,
    ) -> Result<CrmObject> {
        self.update_request(value, Some(id_property), params).await
    }

    async fn update_request(
        &self,
        id: &str,
        id_property: Option<&str>,
        params: &ObjectUpdateParams,
    ) -> Result<CrmObject> {
        check_properties(params.properties.keys())?;
        if params.properties.is_empty() {
            return Err(Error::config(
                SERVICE,
                "an update needs at least one property",
            ));
        }
        let mut request = Request::patch(self.record_path(id)?)
            .operation("objects.update")
            .path_template("/crm/v3/objects/{objectType}/{objectId}")
            .json(params);
        if let Some(name) = id_property {
            request = request.query("idProperty", validate::property_name(name)?);
        }
        self.client.send_json(request).await
    }

    /// `DELETE /crm/v3/objects/{type}/{id}`: moves the record to the recycle bin
    /// (HubSpot's "archive").
    pub async fn archive(&self, id: &str) -> Result<()> {
        let request = Request::delete(self.record_path(id)?)
            .operation("objects.archive")
            .path_template("/crm/v3/objects/{objectType}/{objectId}");
        self.client.send_empty(request).await
    }

    /// `GET /crm/v3/objects/{type}`: every record, page by page.
    pub fn list(&self, params: &ObjectListParams) -> Paginator<CrmObject> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`Objects::list`] from a checkpoint.
    pub fn list_from(&self, params: &ObjectListParams, from: Checkpoint) -> Paginator<CrmObject> {
        let first = (|| {
            let limit = params.limit.unwrap_or(MAX_LIST_LIMIT);
            if !(1..=MAX_LIST_LIMIT).contains(&limit) {
                return Err(Error::config(SERVICE, "limit must be 1 to 100"));
            }
            let request = Request::get(self.base()?)
                .operation("objects.list")
                .path_template("/crm/v3/objects/{objectType}")
                .query("limit", limit.to_string());
            ObjectGetParams {
                properties: params.properties.clone(),
                properties_with_history: params.properties_with_history.clone(),
                associations: params.associations.clone(),
                archived: params.archived,
            }
            .apply(request)
        })();
        pagination::list(&self.client, first, from)
    }

    /// `POST /crm/v3/objects/{type}/merge`: merges `merge_id` into `primary_id` (contacts,
    /// companies, deals, tickets) and returns the merged record.
    pub async fn merge(&self, primary_id: &str, merge_id: &str) -> Result<CrmObject> {
        if !MERGEABLE.contains(&self.object_type.as_str()) {
            return Err(Error::config(
                SERVICE,
                format!("{:?} records cannot be merged", self.object_type),
            ));
        }
        validate::id("primary id", primary_id)?;
        validate::id("merged id", merge_id)?;
        #[derive(Serialize)]
        struct Merge<'a> {
            #[serde(rename = "primaryObjectId")]
            primary: &'a str,
            #[serde(rename = "objectIdToMerge")]
            merge: &'a str,
        }
        let request = Request::post(format!("{}/merge", self.base()?))
            .operation("objects.merge")
            .path_template("/crm/v3/objects/{objectType}/merge")
            .json(&Merge {
                primary: primary_id,
                merge: merge_id,
            });
        self.client.send_json(request).await
    }
}

/// Every property name of an input.
pub(crate) fn check_properties<'a>(names: impl IntoIterator<Item = &'a String>) -> Result<()> {
    names
        .into_iter()
        .try_for_each(|n| validate::property_name(n).map(|_| ()))
}
