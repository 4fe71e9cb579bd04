//! Customers: create, get, update, delete, list, search.

use std::collections::BTreeMap;

use atom_core::{Checkpoint, Paginator, Result};
use http::Method;
use serde::Serialize;
use serde_json::Value;

use crate::Client;
use crate::client::{Call, handler};
use crate::form::Clearable;
use crate::models::{Customer, Deleted, Metadata};
use crate::pagination::{self, ListParams, SearchParams};

/// `POST /v1/customers` parameters. Unset fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerCreateParams {
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Full name or business name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// A payment method to attach (`pm_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// Key/value data (`metadata[key]=value`).
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Any other parameter, encoded the same way (`{"address": {"city": "Paris"}}` →
    /// `address[city]=Paris`).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `POST /v1/customers/{id}` parameters. Unset fields are left as they are;
/// [`Clearable::Clear`] unsets a field.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerUpdateParams {
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Clearable<String>>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Clearable<String>>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Clearable<String>>,
    /// Phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Clearable<String>>,
    /// Metadata to set; a key with an empty value is removed, `Clear` removes all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Clearable<Metadata>>,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `GET /v1/customers` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CustomerListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only customers with this exact email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

handler! {
    /// Customers (`client.customers()`).
    Customers
}

impl Client {
    /// Customers.
    pub fn customers(&self) -> Customers {
        Customers::new(self)
    }
}

impl Customers {
    /// Creates a customer.
    pub async fn create(&self, params: &CustomerCreateParams) -> Result<Customer> {
        self.send(Call::new(Method::POST, "customers.create", "/v1/customers").params(params)?)
            .await
    }

    /// Gets a customer (a deleted one comes back with `deleted: true`).
    pub async fn get(&self, id: &str) -> Result<Customer> {
        self.send(Call::new(Method::GET, "customers.get", "/v1/customers/{id}").id(id)?)
            .await
    }

    /// Updates a customer.
    pub async fn update(&self, id: &str, params: &CustomerUpdateParams) -> Result<Customer> {
        let call = Call::new(Method::POST, "customers.update", "/v1/customers/{id}")
            .id(id)?
            .params(params)?;
        self.send(call).await
    }

    /// Deletes a customer.
    pub async fn delete(&self, id: &str) -> Result<Deleted> {
        self.send(Call::new(Method::DELETE, "customers.delete", "/v1/customers/{id}").id(id)?)
            .await
    }

    /// Every customer matching the filters, page after page.
    pub fn list(&self, params: &CustomerListParams) -> Paginator<Customer> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(
        &self,
        params: &CustomerListParams,
        checkpoint: Checkpoint,
    ) -> Paginator<Customer> {
        pagination::list(
            &self.client,
            "customers.list",
            "/v1/customers",
            params,
            &self.options,
            checkpoint,
        )
    }

    /// Every customer matching a search query, page after page.
    pub fn search(&self, params: &SearchParams) -> Paginator<Customer> {
        self.search_from(params, Checkpoint::default())
    }

    /// [`search`](Self::search) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn search_from(
        &self,
        params: &SearchParams,
        checkpoint: Checkpoint,
    ) -> Paginator<Customer> {
        pagination::search(
            &self.client,
            "customers.search",
            "/v1/customers/search",
            params,
            &self.options,
            checkpoint,
        )
    }
}
