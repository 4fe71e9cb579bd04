//! Balance, balance transactions and payouts: what reconciliation with accounting reads.

use atom_core::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{Currency, Expandable, Metadata, has_id, ts};

/// An amount in one currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BalanceAmount {
    /// Minor units of `currency`.
    pub amount: i64,
    /// The currency.
    pub currency: Currency,
    /// Every field this crate does not model (`source_types`), kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The account balance (`GET /v1/balance`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Balance {
    /// Always `balance`.
    pub object: String,
    /// Funds available to pay out, per currency.
    pub available: Vec<BalanceAmount>,
    /// Funds not yet available, per currency.
    pub pending: Vec<BalanceAmount>,
    /// Live (true) or test mode.
    pub livemode: bool,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One fee on a balance transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FeeDetail {
    /// Minor units of `currency`.
    pub amount: i64,
    /// The currency.
    pub currency: Currency,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// `stripe_fee`, `application_fee`, `tax`.
    #[serde(rename = "type")]
    pub fee_type: String,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

atom_core::string_enum! {
    /// Whether the funds of a balance transaction are available yet.
    #[non_exhaustive]
    pub enum BalanceTransactionStatus {
        /// Available.
        Available = "available",
        /// Pending.
        Pending = "pending",
    }
}

/// A movement of the balance (`txn_…`): the ledger line for reconciliation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BalanceTransaction {
    /// The id.
    pub id: String,
    /// Always `balance_transaction`.
    pub object: String,
    /// Gross amount in minor units of `currency`.
    pub amount: i64,
    /// When the funds become available.
    #[serde(with = "ts::required")]
    pub available_on: DateTime<Utc>,
    /// When it was created.
    #[serde(with = "ts::required")]
    pub created: DateTime<Utc>,
    /// The currency.
    pub currency: Currency,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Fees in minor units of `currency`.
    pub fee: i64,
    /// The fees, one by one.
    #[serde(default)]
    pub fee_details: Vec<FeeDetail>,
    /// Net amount (`amount - fee`).
    pub net: i64,
    /// The reporting category (`charge`, `refund`, `payout`).
    #[serde(default)]
    pub reporting_category: Option<String>,
    /// The object that caused it (charge, refund, payout id, or the object when expanded).
    #[serde(default)]
    pub source: Option<Expandable<Value>>,
    /// Available or pending.
    pub status: BalanceTransactionStatus,
    /// The transaction type (`charge`, `refund`, `payout`, `stripe_fee`, …).
    #[serde(rename = "type")]
    pub transaction_type: String,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

atom_core::string_enum! {
    /// Where a payout is.
    #[non_exhaustive]
    pub enum PayoutStatus {
        /// Paid.
        Paid = "paid",
        /// Waiting to be submitted.
        Pending = "pending",
        /// Submitted to the bank.
        InTransit = "in_transit",
        /// Canceled.
        Canceled = "canceled",
        /// Failed.
        Failed = "failed",
    }
}

/// A payout (`po_…`): money sent to a bank account or card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Payout {
    /// The id.
    pub id: String,
    /// Always `payout`.
    pub object: String,
    /// Amount in minor units of `currency`.
    pub amount: i64,
    /// When it is expected to arrive.
    #[serde(with = "ts::required")]
    pub arrival_date: DateTime<Utc>,
    /// Whether Stripe created it on the payout schedule.
    #[serde(default)]
    pub automatic: Option<bool>,
    /// The balance transaction it created.
    #[serde(default)]
    pub balance_transaction: Option<Expandable<BalanceTransaction>>,
    /// When it was created.
    #[serde(with = "ts::required")]
    pub created: DateTime<Utc>,
    /// The currency.
    pub currency: Currency,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// The failure code.
    #[serde(default)]
    pub failure_code: Option<String>,
    /// The failure message.
    #[serde(default)]
    pub failure_message: Option<String>,
    /// Live (true) or test mode.
    pub livemode: bool,
    /// The caller's key/value data.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// `standard` or `instant`.
    #[serde(default)]
    pub method: Option<String>,
    /// The status.
    pub status: PayoutStatus,
    /// `bank_account` or `card`.
    #[serde(rename = "type")]
    pub payout_type: String,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

has_id!(BalanceTransaction, Payout);
