//! Subscriptions: create, get, update, cancel, list.

use std::collections::BTreeMap;

use atom_core::{Checkpoint, Paginator, Result};
use http::Method;
use serde::Serialize;
use serde_json::Value;

use crate::Client;
use crate::client::{Call, handler};
use crate::form::Clearable;
use crate::models::{CollectionMethod, Metadata, Subscription};
use crate::pagination::{self, ListParams};

atom_core::string_enum! {
    /// The `status` filter of `GET /v1/subscriptions`. Besides the statuses a subscription
    /// can have, Stripe accepts `all` and `ended`; with no filter the list leaves out
    /// canceled subscriptions.
    #[non_exhaustive]
    pub enum SubscriptionListStatus {
        /// Every status, canceled ones included.
        All = "all",
        /// Canceled and incomplete-expired subscriptions.
        Ended = "ended",
        /// Active.
        Active = "active",
        /// Canceled.
        Canceled = "canceled",
        /// The first payment has not succeeded yet.
        Incomplete = "incomplete",
        /// The first payment never succeeded.
        IncompleteExpired = "incomplete_expired",
        /// A renewal payment failed.
        PastDue = "past_due",
        /// Paused after a trial without a payment method.
        Paused = "paused",
        /// In a trial.
        Trialing = "trialing",
        /// Payments failed and retries are exhausted.
        Unpaid = "unpaid",
    }
}

atom_core::string_enum! {
    /// What happens when the first payment of a subscription create or update needs action
    /// or fails (`payment_behavior`).
    #[non_exhaustive]
    pub enum PaymentBehavior {
        /// Create it `incomplete` when payment needs action; fail on a decline.
        AllowIncomplete = "allow_incomplete",
        /// Create it `incomplete` and leave the payment to be confirmed by the client.
        DefaultIncomplete = "default_incomplete",
        /// Fail the call when payment needs action or fails.
        ErrorIfIncomplete = "error_if_incomplete",
        /// Update only: apply the change when the payment succeeds (pending updates).
        PendingIfIncomplete = "pending_if_incomplete",
    }
}

atom_core::string_enum! {
    /// How a change of price or quantity is prorated (`proration_behavior`).
    #[non_exhaustive]
    pub enum ProrationBehavior {
        /// Create proration items (the default).
        CreateProrations = "create_prorations",
        /// No prorations.
        None = "none",
        /// Create prorations and invoice them at once.
        AlwaysInvoice = "always_invoice",
    }
}

/// One item of a subscription create or update (`items[0][price]=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SubscriptionItemParams {
    /// An existing subscription item to change (`si_…`), on update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The price (`price_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    /// Quantity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u64>,
    /// Remove this item, on update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
}

impl SubscriptionItemParams {
    /// A price with a quantity.
    pub fn price(price: impl Into<String>, quantity: u64) -> Self {
        Self {
            price: Some(price.into()),
            quantity: Some(quantity),
            ..Self::default()
        }
    }
}

/// `POST /v1/subscriptions` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SubscriptionCreateParams {
    /// The customer (`cus_…`).
    pub customer: String,
    /// The prices to subscribe to.
    pub items: Vec<SubscriptionItemParams>,
    /// How it is collected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection_method: Option<CollectionMethod>,
    /// Days to pay, for `send_invoice`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_until_due: Option<u32>,
    /// The default payment method (`pm_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_payment_method: Option<String>,
    /// What happens when the first payment needs action or fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_behavior: Option<PaymentBehavior>,
    /// Trial length in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial_period_days: Option<u32>,
    /// Cancel at the end of the first period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_at_period_end: Option<bool>,
    /// Key/value data.
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Fields to expand in the answer (`latest_invoice.payment_intent`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expand: Vec<String>,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `POST /v1/subscriptions/{id}` parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SubscriptionUpdateParams {
    /// Items to add, change or remove.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<SubscriptionItemParams>,
    /// Cancel at the end of the period (or undo that).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_at_period_end: Option<bool>,
    /// The default payment method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_payment_method: Option<Clearable<String>>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Clearable<String>>,
    /// How the change is prorated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proration_behavior: Option<ProrationBehavior>,
    /// What happens when a payment the change causes needs action or fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_behavior: Option<PaymentBehavior>,
    /// Metadata to set; an empty value removes a key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Clearable<Metadata>>,
    /// Any other parameter.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `DELETE /v1/subscriptions/{id}` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SubscriptionCancelParams {
    /// Invoice pending usage and prorations now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_now: Option<bool>,
    /// Credit unused time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prorate: Option<bool>,
}

/// `GET /v1/subscriptions` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SubscriptionListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this customer's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Only those with this price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    /// Only this status; [`SubscriptionListStatus::All`] includes canceled ones, which are
    /// left out when this is unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SubscriptionListStatus>,
}

handler! {
    /// Subscriptions (`client.subscriptions()`).
    Subscriptions
}

impl Client {
    /// Subscriptions.
    pub fn subscriptions(&self) -> Subscriptions {
        Subscriptions::new(self)
    }
}

const ONE: &str = "/v1/subscriptions/{id}";

impl Subscriptions {
    /// Creates a subscription.
    pub async fn create(&self, params: &SubscriptionCreateParams) -> Result<Subscription> {
        let call = Call::new(Method::POST, "subscriptions.create", "/v1/subscriptions");
        self.send(call.params(params)?).await
    }

    /// Gets a subscription.
    pub async fn get(&self, id: &str) -> Result<Subscription> {
        self.send(Call::new(Method::GET, "subscriptions.get", ONE).id(id)?)
            .await
    }

    /// Updates a subscription.
    pub async fn update(
        &self,
        id: &str,
        params: &SubscriptionUpdateParams,
    ) -> Result<Subscription> {
        let call = Call::new(Method::POST, "subscriptions.update", ONE).id(id)?;
        self.send(call.params(params)?).await
    }

    /// Cancels a subscription now (use `cancel_at_period_end` on update to cancel later).
    pub async fn cancel(
        &self,
        id: &str,
        params: &SubscriptionCancelParams,
    ) -> Result<Subscription> {
        let call = Call::new(Method::DELETE, "subscriptions.cancel", ONE).id(id)?;
        self.send(call.params(params)?).await
    }

    /// Every subscription matching the filters, page after page.
    pub fn list(&self, params: &SubscriptionListParams) -> Paginator<Subscription> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(
        &self,
        params: &SubscriptionListParams,
        checkpoint: Checkpoint,
    ) -> Paginator<Subscription> {
        pagination::list(
            &self.client,
            "subscriptions.list",
            "/v1/subscriptions",
            params,
            &self.options,
            checkpoint,
        )
    }
}
