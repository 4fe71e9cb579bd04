//! Invoices (create, get, update, finalize, pay, void, list) and invoice items (create).

use std::collections::BTreeMap;

use atom_core::{Checkpoint, Paginator, Result};
use http::Method;
use serde::Serialize;
use serde_json::Value;

use crate::Client;
use crate::client::{Call, handler};
use crate::form::Clearable;
use crate::models::{CollectionMethod, Currency, Invoice, InvoiceItem, InvoiceStatus, Metadata};
use crate::pagination::{self, ListParams};

atom_core::string_enum! {
    /// Whether a new invoice takes the customer's pending invoice items
    /// (`pending_invoice_items_behavior`).
    #[non_exhaustive]
    pub enum PendingInvoiceItemsBehavior {
        /// Leave them pending (the default since API version 2022-08-01).
        Exclude = "exclude",
        /// Add them to the invoice.
        Include = "include",
        /// Add them and fail when there are none (deprecated by Stripe; prefer `Include`).
        IncludeAndRequire = "include_and_require",
    }
}

/// `POST /v1/invoices` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InvoiceCreateParams {
    /// The customer (`cus_…`).
    pub customer: String,
    /// Finalise and collect automatically (default true unless `collection_method` is
    /// `send_invoice`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_advance: Option<bool>,
    /// How it is collected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection_method: Option<CollectionMethod>,
    /// Days to pay, for `send_invoice`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_until_due: Option<u32>,
    /// The currency (default: the customer's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the customer's pending invoice items are added (default: excluded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_invoice_items_behavior: Option<PendingInvoiceItemsBehavior>,
    /// A subscription to invoice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    /// Key/value data.
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `POST /v1/invoices/{id}` parameters (drafts mostly).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InvoiceUpdateParams {
    /// Finalise and collect automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_advance: Option<bool>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Clearable<String>>,
    /// Footer text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<Clearable<String>>,
    /// Days to pay, for `send_invoice`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_until_due: Option<u32>,
    /// Metadata to set; an empty value removes a key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Clearable<Metadata>>,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `POST /v1/invoices/{id}/finalize` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InvoiceFinalizeParams {
    /// Whether Stripe collects it automatically afterwards.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_advance: Option<bool>,
}

/// `POST /v1/invoices/{id}/pay` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InvoicePayParams {
    /// Mark as paid outside Stripe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_out_of_band: Option<bool>,
    /// Pay with this payment method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// Do not fail when the card is declined; leave the invoice open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forgive: Option<bool>,
}

/// `GET /v1/invoices` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InvoiceListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this customer's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Only this subscription's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    /// Only invoices in this status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<InvoiceStatus>,
}

/// `POST /v1/invoiceitems` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InvoiceItemCreateParams {
    /// The customer (`cus_…`).
    pub customer: String,
    /// Amount in minor units of `currency` (or use a `pricing[price]` in `extra`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// The currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Put it on this draft invoice (default: the customer's next invoice).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice: Option<String>,
    /// Quantity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u64>,
    /// Key/value data.
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

handler! {
    /// Invoices (`client.invoices()`).
    Invoices
}

handler! {
    /// Invoice items (`client.invoice_items()`).
    InvoiceItems
}

impl Client {
    /// Invoices.
    pub fn invoices(&self) -> Invoices {
        Invoices::new(self)
    }

    /// Invoice items.
    pub fn invoice_items(&self) -> InvoiceItems {
        InvoiceItems::new(self)
    }
}

const ONE: &str = "/v1/invoices/{id}";

impl Invoices {
    /// Creates a draft invoice.
    pub async fn create(&self, params: &InvoiceCreateParams) -> Result<Invoice> {
        self.send(Call::new(Method::POST, "invoices.create", "/v1/invoices").params(params)?)
            .await
    }

    /// Gets an invoice.
    pub async fn get(&self, id: &str) -> Result<Invoice> {
        self.send(Call::new(Method::GET, "invoices.get", ONE).id(id)?)
            .await
    }

    /// Updates an invoice.
    pub async fn update(&self, id: &str, params: &InvoiceUpdateParams) -> Result<Invoice> {
        let call = Call::new(Method::POST, "invoices.update", ONE).id(id)?;
        self.send(call.params(params)?).await
    }

    /// Finalises a draft invoice.
    pub async fn finalize(&self, id: &str, params: &InvoiceFinalizeParams) -> Result<Invoice> {
        let call = Call::new(
            Method::POST,
            "invoices.finalize",
            "/v1/invoices/{id}/finalize",
        );
        self.send(call.id(id)?.params(params)?).await
    }

    /// Pays an open invoice now.
    pub async fn pay(&self, id: &str, params: &InvoicePayParams) -> Result<Invoice> {
        let call = Call::new(Method::POST, "invoices.pay", "/v1/invoices/{id}/pay");
        self.send(call.id(id)?.params(params)?).await
    }

    /// Voids a finalised invoice.
    pub async fn void(&self, id: &str) -> Result<Invoice> {
        let call = Call::new(Method::POST, "invoices.void", "/v1/invoices/{id}/void");
        self.send(call.id(id)?).await
    }

    /// Every invoice matching the filters, page after page.
    pub fn list(&self, params: &InvoiceListParams) -> Paginator<Invoice> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(
        &self,
        params: &InvoiceListParams,
        checkpoint: Checkpoint,
    ) -> Paginator<Invoice> {
        pagination::list(
            &self.client,
            "invoices.list",
            "/v1/invoices",
            params,
            &self.options,
            checkpoint,
        )
    }
}

impl InvoiceItems {
    /// Adds an invoice item.
    pub async fn create(&self, params: &InvoiceItemCreateParams) -> Result<InvoiceItem> {
        let call = Call::new(Method::POST, "invoice_items.create", "/v1/invoiceitems");
        self.send(call.params(params)?).await
    }
}
