//! Invoices, invoice items and subscriptions.

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

atom_core::model! {
    /// One line of an invoice (`il_…`).
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
        pub description: Option<String>,
        /// The period it bills for.
        pub period: Option<Period>,
        /// Quantity.
        pub quantity: Option<u64>,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
    }
}

atom_core::model! {
    /// An invoice (`in_…`).
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
        pub attempt_count: Option<u64>,
        /// Whether a payment was attempted.
        pub attempted: Option<bool>,
        /// Whether Stripe finalises and collects it automatically.
        pub auto_advance: Option<bool>,
        /// Why it was created (`manual`, `subscription_cycle`).
        pub billing_reason: Option<String>,
        /// How it is collected.
        pub collection_method: Option<CollectionMethod>,
        /// When it was created.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The currency.
        pub currency: Currency,
        /// The customer.
        pub customer: Option<Expandable<Customer>>,
        /// Free text.
        pub description: Option<String>,
        /// When payment is due (`send_invoice`).
        @with(ts::optional)
        pub due_date: Option<DateTime<Utc>>,
        /// The hosted payment page.
        pub hosted_invoice_url: Option<String>,
        /// The PDF.
        pub invoice_pdf: Option<String>,
        /// The first page of lines.
        pub lines: Option<List<InvoiceLineItem>>,
        /// Live (true) or test mode.
        pub livemode: bool,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// The invoice number, once finalised.
        pub number: Option<String>,
        /// Start of the billed period.
        @with(ts::optional)
        pub period_start: Option<DateTime<Utc>>,
        /// End of the billed period.
        @with(ts::optional)
        pub period_end: Option<DateTime<Utc>>,
        /// The status.
        pub status: Option<InvoiceStatus>,
        /// Total before discounts and taxes.
        pub subtotal: i64,
        /// Total.
        pub total: i64,
    }
}

atom_core::model! {
    /// An invoice item (`ii_…`): a charge added to a customer's next or a draft invoice.
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
        @with(ts::required)
        pub date: DateTime<Utc>,
        /// Free text.
        pub description: Option<String>,
        /// Whether discounts apply.
        pub discountable: Option<bool>,
        /// The invoice it is on.
        pub invoice: Option<Expandable<Invoice>>,
        /// Live (true) or test mode.
        pub livemode: bool,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// The period it bills for.
        pub period: Option<Period>,
        /// Whether it is a proration.
        pub proration: Option<bool>,
        /// Quantity.
        pub quantity: Option<u64>,
    }
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

atom_core::model! {
    /// One price on a subscription (`si_…`).
    pub struct SubscriptionItem {
        /// The id.
        pub id: String,
        /// Always `subscription_item`.
        pub object: String,
        /// When it was added.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// The price.
        pub price: Price,
        /// Quantity.
        pub quantity: Option<u64>,
        /// The subscription id.
        pub subscription: String,
    }
}

atom_core::model! {
    /// A subscription (`sub_…`).
    pub struct Subscription {
        /// The id.
        pub id: String,
        /// Always `subscription`.
        pub object: String,
        /// When it will be canceled.
        @with(ts::optional)
        pub cancel_at: Option<DateTime<Utc>>,
        /// Whether it cancels at the end of the period.
        pub cancel_at_period_end: Option<bool>,
        /// When it was canceled.
        @with(ts::optional)
        pub canceled_at: Option<DateTime<Utc>>,
        /// How it is collected.
        pub collection_method: Option<CollectionMethod>,
        /// When it was created.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The currency.
        pub currency: Currency,
        /// The customer.
        pub customer: Expandable<Customer>,
        /// Free text.
        pub description: Option<String>,
        /// When it ended.
        @with(ts::optional)
        pub ended_at: Option<DateTime<Utc>>,
        /// Its items (first page).
        pub items: List<SubscriptionItem>,
        /// The latest invoice.
        pub latest_invoice: Option<Expandable<Invoice>>,
        /// Live (true) or test mode.
        pub livemode: bool,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// When it started.
        @with(ts::optional)
        pub start_date: Option<DateTime<Utc>>,
        /// The status.
        pub status: SubscriptionStatus,
        /// End of the trial.
        @with(ts::optional)
        pub trial_end: Option<DateTime<Utc>>,
        /// Start of the trial.
        @with(ts::optional)
        pub trial_start: Option<DateTime<Utc>>,
    }
}

has_id!(
    InvoiceLineItem,
    Invoice,
    InvoiceItem,
    SubscriptionItem,
    Subscription
);
