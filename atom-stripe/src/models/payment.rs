//! PaymentIntents, Charges and Refunds.

use atom_core::Secret;
use chrono::{DateTime, Utc};

use serde_json::Value;

use super::balance::BalanceTransaction;
use super::common::{CaptureMethod, Currency, Expandable, Metadata, has_id, ts};
use super::customer::Customer;

atom_core::string_enum! {
    /// Where a PaymentIntent is in its life.
    #[non_exhaustive]
    pub enum PaymentIntentStatus {
        /// Waiting for a payment method.
        RequiresPaymentMethod = "requires_payment_method",
        /// Waiting for confirmation.
        RequiresConfirmation = "requires_confirmation",
        /// Waiting for the customer (3-D Secure, redirect).
        RequiresAction = "requires_action",
        /// Being processed.
        Processing = "processing",
        /// Authorised, waiting for capture.
        RequiresCapture = "requires_capture",
        /// Canceled.
        Canceled = "canceled",
        /// Paid.
        Succeeded = "succeeded",
    }
}

atom_core::model! {
    /// A PaymentIntent (`pi_…`): one attempt to collect an amount from a customer.
    pub struct PaymentIntent {
        /// The id.
        pub id: String,
        /// Always `payment_intent`.
        pub object: String,
        /// Amount to collect, in minor units of `currency`.
        pub amount: i64,
        /// Amount that can still be captured.
        pub amount_capturable: Option<i64>,
        /// Amount received.
        pub amount_received: Option<i64>,
        /// When it was canceled.
        @with(ts::optional)
        pub canceled_at: Option<DateTime<Utc>>,
        /// Why it was canceled.
        pub cancellation_reason: Option<String>,
        /// How the payment is captured.
        pub capture_method: Option<CaptureMethod>,
        /// The secret the browser or app uses to confirm; never logged (prints `[redacted]`).
        pub client_secret: Option<Secret>,
        /// When it was created.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The currency.
        pub currency: Currency,
        /// The customer.
        pub customer: Option<Expandable<Customer>>,
        /// Free text.
        pub description: Option<String>,
        /// The error of the last failed attempt (with `decline_code`), as sent.
        pub last_payment_error: Option<Value>,
        /// The latest charge.
        pub latest_charge: Option<Expandable<Charge>>,
        /// Live (true) or test mode.
        pub livemode: bool,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// The payment method id (or object when expanded).
        pub payment_method: Option<Expandable<Value>>,
        /// Payment method types it may use.
        pub payment_method_types: Vec<String>,
        /// The status.
        pub status: PaymentIntentStatus,
    }
}

atom_core::string_enum! {
    /// The outcome of a charge.
    #[non_exhaustive]
    pub enum ChargeStatus {
        /// Paid.
        Succeeded = "succeeded",
        /// In progress.
        Pending = "pending",
        /// Failed.
        Failed = "failed",
    }
}

atom_core::model! {
    /// A charge (`ch_…`): one attempt to move money from a payment method.
    pub struct Charge {
        /// The id.
        pub id: String,
        /// Always `charge`.
        pub object: String,
        /// Amount in minor units of `currency`.
        pub amount: i64,
        /// Amount captured.
        pub amount_captured: Option<i64>,
        /// Amount refunded.
        pub amount_refunded: Option<i64>,
        /// The balance transaction it created.
        pub balance_transaction: Option<Expandable<BalanceTransaction>>,
        /// Whether it was captured.
        pub captured: Option<bool>,
        /// When it was created.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The currency.
        pub currency: Currency,
        /// The customer.
        pub customer: Option<Expandable<Customer>>,
        /// Free text.
        pub description: Option<String>,
        /// Whether it was disputed.
        pub disputed: Option<bool>,
        /// The failure code (`card_declined`).
        pub failure_code: Option<String>,
        /// The failure message.
        pub failure_message: Option<String>,
        /// Live (true) or test mode.
        pub livemode: bool,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// Whether it succeeded or was authorised.
        pub paid: Option<bool>,
        /// The PaymentIntent it belongs to.
        pub payment_intent: Option<Expandable<PaymentIntent>>,
        /// Whether it was fully refunded.
        pub refunded: Option<bool>,
        /// The status.
        pub status: ChargeStatus,
    }
}

atom_core::string_enum! {
    /// Why a refund was made.
    #[non_exhaustive]
    pub enum RefundReason {
        /// Charged twice.
        Duplicate = "duplicate",
        /// Fraud.
        Fraudulent = "fraudulent",
        /// The customer asked.
        RequestedByCustomer = "requested_by_customer",
        /// Canceled by Stripe after an expired authorisation.
        ExpiredUncapturedCharge = "expired_uncaptured_charge",
    }
}

atom_core::string_enum! {
    /// Where a refund is.
    #[non_exhaustive]
    pub enum RefundStatus {
        /// Waiting.
        Pending = "pending",
        /// Needs action from the customer.
        RequiresAction = "requires_action",
        /// Done.
        Succeeded = "succeeded",
        /// Failed.
        Failed = "failed",
        /// Canceled.
        Canceled = "canceled",
    }
}

atom_core::model! {
    /// A refund (`re_…`).
    pub struct Refund {
        /// The id.
        pub id: String,
        /// Always `refund`.
        pub object: String,
        /// Amount in minor units of `currency`.
        pub amount: i64,
        /// The balance transaction it created.
        pub balance_transaction: Option<Expandable<BalanceTransaction>>,
        /// The refunded charge.
        pub charge: Option<Expandable<Charge>>,
        /// When it was created.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The currency.
        pub currency: Currency,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// The refunded PaymentIntent.
        pub payment_intent: Option<Expandable<PaymentIntent>>,
        /// Why.
        pub reason: Option<RefundReason>,
        /// The status.
        pub status: Option<RefundStatus>,
    }
}

has_id!(PaymentIntent, Charge, Refund);
