//! Products and Prices: create, get, list.

use std::collections::BTreeMap;

use atom_core::{Checkpoint, Paginator, Result};
use http::Method;
use serde::Serialize;
use serde_json::Value;

use crate::Client;
use crate::client::{Call, handler};
use crate::models::{Currency, Interval, Metadata, Price, PriceType, Product};
use crate::pagination::{self, ListParams};

/// `POST /v1/products` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProductCreateParams {
    /// The name customers see.
    pub name: String,
    /// Whether it can be bought (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Your own id for it (`prod_…` is generated otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Key/value data.
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `GET /v1/products` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProductListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only active (or inactive) products.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// How a recurring price repeats (`recurring[interval]=month`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecurringParams {
    /// The interval.
    pub interval: Interval,
    /// How many intervals between bills (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval_count: Option<u32>,
}

/// `POST /v1/prices` parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceCreateParams {
    /// The currency.
    pub currency: Currency,
    /// The product (`prod_…`).
    pub product: String,
    /// Unit amount in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_amount: Option<i64>,
    /// Makes it recurring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring: Option<RecurringParams>,
    /// A lookup key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lookup_key: Option<String>,
    /// A short description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// Key/value data.
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl PriceCreateParams {
    /// A one-time price of `unit_amount` minor units for a product.
    pub fn new(
        product: impl Into<String>,
        unit_amount: i64,
        currency: impl Into<Currency>,
    ) -> Self {
        Self {
            currency: currency.into(),
            product: product.into(),
            unit_amount: Some(unit_amount),
            recurring: None,
            lookup_key: None,
            nickname: None,
            metadata: Metadata::new(),
            extra: BTreeMap::new(),
        }
    }
}

/// `GET /v1/prices` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PriceListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this product's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Only active (or inactive) prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Only one-time or recurring prices.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub price_type: Option<PriceType>,
}

handler! {
    /// Products (`client.products()`).
    Products
}

handler! {
    /// Prices (`client.prices()`).
    Prices
}

impl Client {
    /// Products.
    pub fn products(&self) -> Products {
        Products::new(self)
    }

    /// Prices.
    pub fn prices(&self) -> Prices {
        Prices::new(self)
    }
}

impl Products {
    /// Creates a product.
    pub async fn create(&self, params: &ProductCreateParams) -> Result<Product> {
        self.send(Call::new(Method::POST, "products.create", "/v1/products").params(params)?)
            .await
    }

    /// Gets a product.
    pub async fn get(&self, id: &str) -> Result<Product> {
        self.send(Call::new(Method::GET, "products.get", "/v1/products/{id}").id(id)?)
            .await
    }

    /// Every product matching the filters, page after page.
    pub fn list(&self, params: &ProductListParams) -> Paginator<Product> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(
        &self,
        params: &ProductListParams,
        checkpoint: Checkpoint,
    ) -> Paginator<Product> {
        pagination::list(
            &self.client,
            "products.list",
            "/v1/products",
            params,
            &self.options,
            checkpoint,
        )
    }
}

impl Prices {
    /// Creates a price.
    pub async fn create(&self, params: &PriceCreateParams) -> Result<Price> {
        self.send(Call::new(Method::POST, "prices.create", "/v1/prices").params(params)?)
            .await
    }

    /// Gets a price.
    pub async fn get(&self, id: &str) -> Result<Price> {
        self.send(Call::new(Method::GET, "prices.get", "/v1/prices/{id}").id(id)?)
            .await
    }

    /// Every price matching the filters, page after page.
    pub fn list(&self, params: &PriceListParams) -> Paginator<Price> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(&self, params: &PriceListParams, checkpoint: Checkpoint) -> Paginator<Price> {
        pagination::list(
            &self.client,
            "prices.list",
            "/v1/prices",
            params,
            &self.options,
            checkpoint,
        )
    }
}
