//! Refunds: create, get, list.

use std::collections::BTreeMap;

use atom_core::{Checkpoint, Paginator, Result};
use http::Method;
use serde::Serialize;
use serde_json::Value;

use crate::Client;
use crate::client::{Call, handler};
use crate::models::{Metadata, Refund};
use crate::pagination::{self, ListParams};

atom_core::string_enum! {
    /// Why a refund is made, as `POST /v1/refunds` accepts it. The response's
    /// [`RefundReason`](crate::models::RefundReason) has one more value
    /// (`expired_uncaptured_charge`), which only Stripe sets.
    #[non_exhaustive]
    pub enum RefundCreateReason {
        /// The charge was a duplicate.
        Duplicate = "duplicate",
        /// The charge was fraudulent (also blocks the card in Radar).
        Fraudulent = "fraudulent",
        /// The customer asked for it.
        RequestedByCustomer = "requested_by_customer",
    }
}

/// `POST /v1/refunds` parameters: name the charge or the PaymentIntent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RefundCreateParams {
    /// The charge to refund (`ch_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge: Option<String>,
    /// The PaymentIntent to refund (`pi_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_intent: Option<String>,
    /// A partial amount in minor units (default: all that is left).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<RefundCreateReason>,
    /// Key/value data.
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `GET /v1/refunds` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefundListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this charge's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge: Option<String>,
    /// Only this PaymentIntent's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_intent: Option<String>,
}

handler! {
    /// Refunds (`client.refunds()`).
    Refunds
}

impl Client {
    /// Refunds.
    pub fn refunds(&self) -> Refunds {
        Refunds::new(self)
    }
}

impl Refunds {
    /// Refunds a charge or PaymentIntent. Pass your own idempotency key (the refund request
    /// id of your system) so that a retry after a crash cannot refund twice.
    pub async fn create(&self, params: &RefundCreateParams) -> Result<Refund> {
        if params.charge.is_none() && params.payment_intent.is_none() {
            return Err(atom_core::Error::config(
                crate::SERVICE,
                "a refund needs a charge or a payment_intent",
            ));
        }
        self.send(Call::new(Method::POST, "refunds.create", "/v1/refunds").params(params)?)
            .await
    }

    /// Gets a refund.
    pub async fn get(&self, id: &str) -> Result<Refund> {
        self.send(Call::new(Method::GET, "refunds.get", "/v1/refunds/{id}").id(id)?)
            .await
    }

    /// Every refund matching the filters, page after page.
    pub fn list(&self, params: &RefundListParams) -> Paginator<Refund> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(
        &self,
        params: &RefundListParams,
        checkpoint: Checkpoint,
    ) -> Paginator<Refund> {
        pagination::list(
            &self.client,
            "refunds.list",
            "/v1/refunds",
            params,
            &self.options,
            checkpoint,
        )
    }
}
