//! Balance, balance transactions and payouts: what reconciliation with accounting reads.

use chrono::{DateTime, Utc};

use serde_json::Value;

use super::common::{Currency, Expandable, Metadata, has_id, ts};

atom_core::model! {
    /// An amount in one currency.
    pub struct BalanceAmount {
        /// Minor units of `currency`.
        pub amount: i64,
        /// The currency.
        pub currency: Currency,
    }
}

atom_core::model! {
    /// The account balance (`GET /v1/balance`).
    pub struct Balance {
        /// Always `balance`.
        pub object: String,
        /// Funds available to pay out, per currency.
        pub available: Vec<BalanceAmount>,
        /// Funds not yet available, per currency.
        pub pending: Vec<BalanceAmount>,
        /// Live (true) or test mode.
        pub livemode: bool,
    }
}

atom_core::model! {
    /// One fee on a balance transaction.
    pub struct FeeDetail {
        /// Minor units of `currency`.
        pub amount: i64,
        /// The currency.
        pub currency: Currency,
        /// Free text.
        pub description: Option<String>,
        /// `stripe_fee`, `application_fee`, `tax`.
        @rename("type")
        pub fee_type: String,
    }
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

atom_core::model! {
    /// A movement of the balance (`txn_…`): the ledger line for reconciliation.
    pub struct BalanceTransaction {
        /// The id.
        pub id: String,
        /// Always `balance_transaction`.
        pub object: String,
        /// Gross amount in minor units of `currency`.
        pub amount: i64,
        /// When the funds become available.
        @with(ts::required)
        pub available_on: DateTime<Utc>,
        /// When it was created.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The currency.
        pub currency: Currency,
        /// Free text.
        pub description: Option<String>,
        /// Fees in minor units of `currency`.
        pub fee: i64,
        /// The fees, one by one.
        pub fee_details: Vec<FeeDetail>,
        /// Net amount (`amount - fee`).
        pub net: i64,
        /// The reporting category (`charge`, `refund`, `payout`).
        pub reporting_category: Option<String>,
        /// The object that caused it (charge, refund, payout id, or the object when expanded).
        pub source: Option<Expandable<Value>>,
        /// Available or pending.
        pub status: BalanceTransactionStatus,
        /// The transaction type (`charge`, `refund`, `payout`, `stripe_fee`, …).
        @rename("type")
        pub transaction_type: String,
    }
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

atom_core::model! {
    /// A payout (`po_…`): money sent to a bank account or card.
    pub struct Payout {
        /// The id.
        pub id: String,
        /// Always `payout`.
        pub object: String,
        /// Amount in minor units of `currency`.
        pub amount: i64,
        /// When it is expected to arrive.
        @with(ts::required)
        pub arrival_date: DateTime<Utc>,
        /// Whether Stripe created it on the payout schedule.
        pub automatic: Option<bool>,
        /// The balance transaction it created.
        pub balance_transaction: Option<Expandable<BalanceTransaction>>,
        /// When it was created.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The currency.
        pub currency: Currency,
        /// Free text.
        pub description: Option<String>,
        /// The failure code.
        pub failure_code: Option<String>,
        /// The failure message.
        pub failure_message: Option<String>,
        /// Live (true) or test mode.
        pub livemode: bool,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// `standard` or `instant`.
        pub method: Option<String>,
        /// The status.
        pub status: PayoutStatus,
        /// `bank_account` or `card`.
        @rename("type")
        pub payout_type: String,
    }
}

has_id!(BalanceTransaction, Payout);
