//! PaymentIntents: create, get, update, confirm, capture, cancel, list, search.

use std::collections::BTreeMap;

use atom_core::{Checkpoint, Paginator, Result};
use http::Method;
use serde::Serialize;
use serde_json::Value;

use crate::Client;
use crate::client::{Call, handler};
use crate::form::Clearable;
use crate::models::{CaptureMethod, Currency, Metadata, PaymentIntent};
use crate::pagination::{self, ListParams, SearchParams};

/// Automatic payment methods.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AutomaticPaymentMethods {
    /// Turn them on.
    pub enabled: bool,
}

/// `POST /v1/payment_intents` parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentIntentCreateParams {
    /// Amount in minor units of `currency` (1099 = 10.99 USD).
    pub amount: i64,
    /// The currency.
    pub currency: Currency,
    /// The customer (`cus_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The payment method (`pm_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// Payment method types (`card`); leave empty to use automatic payment methods.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payment_method_types: Vec<String>,
    /// Let Stripe pick payment methods from the dashboard settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automatic_payment_methods: Option<AutomaticPaymentMethods>,
    /// Confirm at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<bool>,
    /// When the payment is captured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<CaptureMethod>,
    /// Email for the receipt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_email: Option<String>,
    /// Key/value data.
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl PaymentIntentCreateParams {
    /// An amount in a currency, nothing else set.
    pub fn new(amount: i64, currency: impl Into<Currency>) -> Self {
        Self {
            amount,
            currency: currency.into(),
            customer: None,
            description: None,
            payment_method: None,
            payment_method_types: Vec::new(),
            automatic_payment_methods: None,
            confirm: None,
            capture_method: None,
            receipt_email: None,
            metadata: Metadata::new(),
            extra: BTreeMap::new(),
        }
    }
}

/// `POST /v1/payment_intents/{id}` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PaymentIntentUpdateParams {
    /// A new amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// A new currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// The customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Clearable<String>>,
    /// The payment method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// Email for the receipt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_email: Option<Clearable<String>>,
    /// Metadata to set; an empty value removes a key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Clearable<Metadata>>,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `POST /v1/payment_intents/{id}/confirm` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PaymentIntentConfirmParams {
    /// The payment method to confirm with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// Where the customer returns after an off-site step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `POST /v1/payment_intents/{id}/capture` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentIntentCaptureParams {
    /// Capture less than authorised (the rest is released).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_to_capture: Option<i64>,
}

atom_core::string_enum! {
    /// Why a PaymentIntent is canceled, as the cancel call accepts it (the response's
    /// `cancellation_reason` has more values, which only Stripe sets).
    #[non_exhaustive]
    pub enum PaymentIntentCancelReason {
        /// Abandoned by the customer.
        Abandoned = "abandoned",
        /// A duplicate.
        Duplicate = "duplicate",
        /// Fraudulent.
        Fraudulent = "fraudulent",
        /// The customer asked for it.
        RequestedByCustomer = "requested_by_customer",
    }
}

/// `POST /v1/payment_intents/{id}/cancel` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentIntentCancelParams {
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<PaymentIntentCancelReason>,
}

/// `GET /v1/payment_intents` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PaymentIntentListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this customer's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
}

handler! {
    /// PaymentIntents (`client.payment_intents()`).
    PaymentIntents
}

impl Client {
    /// PaymentIntents.
    pub fn payment_intents(&self) -> PaymentIntents {
        PaymentIntents::new(self)
    }
}

const ONE: &str = "/v1/payment_intents/{id}";

impl PaymentIntents {
    /// Creates a PaymentIntent.
    pub async fn create(&self, params: &PaymentIntentCreateParams) -> Result<PaymentIntent> {
        let call = Call::new(
            Method::POST,
            "payment_intents.create",
            "/v1/payment_intents",
        );
        self.send(call.params(params)?).await
    }

    /// Gets a PaymentIntent.
    pub async fn get(&self, id: &str) -> Result<PaymentIntent> {
        self.send(Call::new(Method::GET, "payment_intents.get", ONE).id(id)?)
            .await
    }

    /// Updates a PaymentIntent.
    pub async fn update(
        &self,
        id: &str,
        params: &PaymentIntentUpdateParams,
    ) -> Result<PaymentIntent> {
        let call = Call::new(Method::POST, "payment_intents.update", ONE).id(id)?;
        self.send(call.params(params)?).await
    }

    /// Confirms a PaymentIntent. A declined card is an `ErrorKind::PaymentDeclined` error.
    pub async fn confirm(
        &self,
        id: &str,
        params: &PaymentIntentConfirmParams,
    ) -> Result<PaymentIntent> {
        let call = Call::new(
            Method::POST,
            "payment_intents.confirm",
            "/v1/payment_intents/{id}/confirm",
        );
        self.send(call.id(id)?.params(params)?).await
    }

    /// Captures an authorised PaymentIntent.
    pub async fn capture(
        &self,
        id: &str,
        params: &PaymentIntentCaptureParams,
    ) -> Result<PaymentIntent> {
        let call = Call::new(
            Method::POST,
            "payment_intents.capture",
            "/v1/payment_intents/{id}/capture",
        );
        self.send(call.id(id)?.params(params)?).await
    }

    /// Cancels a PaymentIntent.
    pub async fn cancel(
        &self,
        id: &str,
        params: &PaymentIntentCancelParams,
    ) -> Result<PaymentIntent> {
        let call = Call::new(
            Method::POST,
            "payment_intents.cancel",
            "/v1/payment_intents/{id}/cancel",
        );
        self.send(call.id(id)?.params(params)?).await
    }

    /// Every PaymentIntent matching the filters, page after page.
    pub fn list(&self, params: &PaymentIntentListParams) -> Paginator<PaymentIntent> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(
        &self,
        params: &PaymentIntentListParams,
        checkpoint: Checkpoint,
    ) -> Paginator<PaymentIntent> {
        pagination::list(
            &self.client,
            "payment_intents.list",
            "/v1/payment_intents",
            params,
            &self.options,
            checkpoint,
        )
    }

    /// Every PaymentIntent matching a search query, page after page.
    pub fn search(&self, params: &SearchParams) -> Paginator<PaymentIntent> {
        self.search_from(params, Checkpoint::default())
    }

    /// [`search`](Self::search) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn search_from(
        &self,
        params: &SearchParams,
        checkpoint: Checkpoint,
    ) -> Paginator<PaymentIntent> {
        pagination::search(
            &self.client,
            "payment_intents.search",
            "/v1/payment_intents/search",
            params,
            &self.options,
            checkpoint,
        )
    }
}
