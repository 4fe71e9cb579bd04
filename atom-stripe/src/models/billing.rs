//! Invoices, invoice items and subscriptions.

use atom_core::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::catalog::Price;
use super::common::{CollectionMethod, Currency, Expandable, List, Metadata, has_id, ts};
use super::customer::Customer;

atom_core::string_enum! {
    /// Where an invoice is.
    #[non_exhaustive]
    pub enum InvoiceStatus {
        /// Being edited.
        Draft = "draft",
        /// Finalised, waiting for payment.
        Open = "open",
        /// Paid.
        Paid = "paid",
        /// Will not be paid.
        Uncollectible = "uncollectible",
        /// Voided.
        Void = "void",
    }
}

/// A billing period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Period {
    /// Start.
    #[serde(with = "ts::required")]
    pub start: DateTime<Utc>,
    /// End.
    #[serde(with = "ts::required")]
    pub end: DateTime<Utc>,
}

/// One line of an invoice (`il_…`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InvoiceLineItem {
    /// The id.
    pub id: String,
    /// Always `line_item`.
    pub object: String,
    /// Amount in minor units of `currency`.
    pub amount: i64,
    /// The currency.
    pub currency: Currency,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// The period it bills for.
    #[serde(default)]
    pub period: Option<Period>,
    /// Quantity.
    #[serde(default)]
    pub quantity: Option<u64>,
    /// The caller's key/value data.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An invoice (`in_…`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Invoice {
    /// The id.
    pub id: String,
    /// Always `invoice`.
    pub object: String,
    /// Amount due, in minor units of `currency`.
    pub amount_due: i64,
    /// Amount paid.
    pub amount_paid: i64,
    /// Amount left to pay.
    pub amount_remaining: i64,
    /// Payment attempts so far.
    #[serde(default)]
    pub attempt_count: Option<u64>,
    /// Whether a payment was attempted.
    #[serde(default)]
    pub attempted: Option<bool>,
    /// Whether Stripe finalises and collects it automatically.
    #[serde(default)]
    pub auto_advance: Option<bool>,
    /// Why it was created (`manual`, `subscription_cycle`).
    #[serde(default)]
    pub billing_reason: Option<String>,
    /// How it is collected.
    #[serde(default)]
    pub collection_method: Option<CollectionMethod>,
    /// When it was created.
    #[serde(with = "ts::required")]
    pub created: DateTime<Utc>,
    /// The currency.
    pub currency: Currency,
    /// The customer.
    #[serde(default)]
    pub customer: Option<Expandable<Customer>>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// When payment is due (`send_invoice`).
    #[serde(default, with = "ts::optional")]
    pub due_date: Option<DateTime<Utc>>,
    /// The hosted payment page.
    #[serde(default)]
    pub hosted_invoice_url: Option<String>,
    /// The PDF.
    #[serde(default)]
    pub invoice_pdf: Option<String>,
    /// The first page of lines.
    #[serde(default)]
    pub lines: Option<List<InvoiceLineItem>>,
    /// Live (true) or test mode.
    pub livemode: bool,
    /// The caller's key/value data.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// The invoice number, once finalised.
    #[serde(default)]
    pub number: Option<String>,
    /// Start of the billed period.
    #[serde(default, with = "ts::optional")]
    pub period_start: Option<DateTime<Utc>>,
    /// End of the billed period.
    #[serde(default, with = "ts::optional")]
    pub period_end: Option<DateTime<Utc>>,
    /// The status.
    #[serde(default)]
    pub status: Option<InvoiceStatus>,
    /// Total before discounts and taxes.
    pub subtotal: i64,
    /// Total.
    pub total: i64,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An invoice item (`ii_…`): a charge added to a customer's next or a draft invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InvoiceItem {
    /// The id.
    pub id: String,
    /// Always `invoiceitem`.
    pub object: String,
    /// Amount in minor units of `currency`.
    pub amount: i64,
    /// The currency.
    pub currency: Currency,
    /// The customer.
    pub customer: Expandable<Customer>,
    /// When it was added.
    #[serde(with = "ts::required")]
    pub date: DateTime<Utc>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether discounts apply.
    #[serde(default)]
    pub discountable: Option<bool>,
    /// The invoice it is on.
    #[serde(default)]
    pub invoice: Option<Expandable<Invoice>>,
    /// Live (true) or test mode.
    pub livemode: bool,
    /// The caller's key/value data.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// The period it bills for.
    #[serde(default)]
    pub period: Option<Period>,
    /// Whether it is a proration.
    #[serde(default)]
    pub proration: Option<bool>,
    /// Quantity.
    #[serde(default)]
    pub quantity: Option<u64>,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

atom_core::string_enum! {
    /// Where a subscription is.
    #[non_exhaustive]
    pub enum SubscriptionStatus {
        /// Waiting for the first payment.
        Incomplete = "incomplete",
        /// The first payment never came.
        IncompleteExpired = "incomplete_expired",
        /// In a trial.
        Trialing = "trialing",
        /// Active.
        Active = "active",
        /// A payment failed; retrying.
        PastDue = "past_due",
        /// Canceled.
        Canceled = "canceled",
        /// Unpaid after retries.
        Unpaid = "unpaid",
        /// Paused.
        Paused = "paused",
    }
}

/// One price on a subscription (`si_…`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionItem {
    /// The id.
    pub id: String,
    /// Always `subscription_item`.
    pub object: String,
    /// When it was added.
    #[serde(with = "ts::required")]
    pub created: DateTime<Utc>,
    /// The caller's key/value data.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// The price.
    pub price: Price,
    /// Quantity.
    #[serde(default)]
    pub quantity: Option<u64>,
    /// The subscription id.
    pub subscription: String,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A subscription (`sub_…`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Subscription {
    /// The id.
    pub id: String,
    /// Always `subscription`.
    pub object: String,
    /// When it will be canceled.
    #[serde(default, with = "ts::optional")]
    pub cancel_at: Option<DateTime<Utc>>,
    /// Whether it cancels at the end of the period.
    #[serde(default)]
    pub cancel_at_period_end: Option<bool>,
    /// When it was canceled.
    #[serde(default, with = "ts::optional")]
    pub canceled_at: Option<DateTime<Utc>>,
    /// How it is collected.
    #[serde(default)]
    pub collection_method: Option<CollectionMethod>,
    /// When it was created.
    #[serde(with = "ts::required")]
    pub created: DateTime<Utc>,
    /// The currency.
    pub currency: Currency,
    /// The customer.
    pub customer: Expandable<Customer>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// When it ended.
    #[serde(default, with = "ts::optional")]
    pub ended_at: Option<DateTime<Utc>>,
    /// Its items (first page).
    pub items: List<SubscriptionItem>,
    /// The latest invoice.
    #[serde(default)]
    pub latest_invoice: Option<Expandable<Invoice>>,
    /// Live (true) or test mode.
    pub livemode: bool,
    /// The caller's key/value data.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// When it started.
    #[serde(default, with = "ts::optional")]
    pub start_date: Option<DateTime<Utc>>,
    /// The status.
    pub status: SubscriptionStatus,
    /// End of the trial.
    #[serde(default, with = "ts::optional")]
    pub trial_end: Option<DateTime<Utc>>,
    /// Start of the trial.
    #[serde(default, with = "ts::optional")]
    pub trial_start: Option<DateTime<Utc>>,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

has_id!(
    InvoiceLineItem,
    Invoice,
    InvoiceItem,
    SubscriptionItem,
    Subscription
);
