//! Generated from a field list checked against Intuit's Finance.xsd element names (see
//! tests/fixtures/README.md); every other field is kept in `extra`.

use atom_core::{Decimal, Extra};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::common::*;

/// A bill: money owed to a vendor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Bill {
    /// The QuickBooks id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The version QuickBooks checks on update (stale → `Conflict`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_token: Option<String>,
    /// Creation and last-update times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_data: Option<MetaData>,
    /// `QBO`.
    #[serde(rename = "domain", default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Whether the object was sent as a sparse update.
    #[serde(rename = "sparse", default, skip_serializing_if = "Option::is_none")]
    pub sparse: Option<bool>,
    /// `Deleted` in change data capture answers for deleted objects.
    #[serde(rename = "status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_field: Vec<CustomField>,
    /// The document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    /// The transaction date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_date: Option<NaiveDate>,
    /// The location (department).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_ref: Option<Ref>,
    /// The currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_ref: Option<Ref>,
    /// Units of home currency per unit of the transaction currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_rate: Option<Decimal>,
    /// A note not shown to the customer or vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_note: Option<String>,
    /// The status (`Pending`, `Accepted`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_status: Option<String>,
    /// Linked transactions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_txn: Vec<LinkedTxn>,
    /// The lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line: Vec<Line>,
    /// Tax details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_tax_detail: Option<TxnTaxDetail>,
    /// Where the transaction came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_source: Option<String>,
    /// The project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_ref: Option<Ref>,
    /// The vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_ref: Option<Ref>,
    /// The accounts-payable account.
    #[serde(
        rename = "APAccountRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ap_account_ref: Option<Ref>,
    /// The total amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amt: Option<Decimal>,
    /// The term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_term_ref: Option<Ref>,
    /// When the bill is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// The amount still owed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Decimal>,
    /// The balance in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_balance: Option<Decimal>,
    /// The vendor address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_addr: Option<PhysicalAddress>,
    /// How tax is applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_tax_calculation: Option<GlobalTaxCalculation>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A payment of one or more bills, by check or credit card.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BillPayment {
    /// The QuickBooks id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The version QuickBooks checks on update (stale → `Conflict`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_token: Option<String>,
    /// Creation and last-update times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_data: Option<MetaData>,
    /// `QBO`.
    #[serde(rename = "domain", default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Whether the object was sent as a sparse update.
    #[serde(rename = "sparse", default, skip_serializing_if = "Option::is_none")]
    pub sparse: Option<bool>,
    /// `Deleted` in change data capture answers for deleted objects.
    #[serde(rename = "status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_field: Vec<CustomField>,
    /// The document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    /// The transaction date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_date: Option<NaiveDate>,
    /// The location (department).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_ref: Option<Ref>,
    /// The currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_ref: Option<Ref>,
    /// Units of home currency per unit of the transaction currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_rate: Option<Decimal>,
    /// A note not shown to the customer or vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_note: Option<String>,
    /// The status (`Pending`, `Accepted`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_status: Option<String>,
    /// Linked transactions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_txn: Vec<LinkedTxn>,
    /// The lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line: Vec<Line>,
    /// Tax details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_tax_detail: Option<TxnTaxDetail>,
    /// Where the transaction came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_source: Option<String>,
    /// The project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_ref: Option<Ref>,
    /// The vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_ref: Option<Ref>,
    /// The accounts-payable account.
    #[serde(
        rename = "APAccountRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ap_account_ref: Option<Ref>,
    /// `Check` or `CreditCard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_type: Option<BillPaymentType>,
    /// The check details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_payment: Option<BillPaymentCheck>,
    /// The card details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_card_payment: Option<BillPaymentCreditCard>,
    /// The total paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amt: Option<Decimal>,
    /// The vendor address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_addr: Option<PhysicalAddress>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An expense: a cash, check or credit card purchase.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Purchase {
    /// The QuickBooks id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The version QuickBooks checks on update (stale → `Conflict`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_token: Option<String>,
    /// Creation and last-update times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_data: Option<MetaData>,
    /// `QBO`.
    #[serde(rename = "domain", default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Whether the object was sent as a sparse update.
    #[serde(rename = "sparse", default, skip_serializing_if = "Option::is_none")]
    pub sparse: Option<bool>,
    /// `Deleted` in change data capture answers for deleted objects.
    #[serde(rename = "status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_field: Vec<CustomField>,
    /// The document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    /// The transaction date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_date: Option<NaiveDate>,
    /// The location (department).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_ref: Option<Ref>,
    /// The currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_ref: Option<Ref>,
    /// Units of home currency per unit of the transaction currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_rate: Option<Decimal>,
    /// A note not shown to the customer or vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_note: Option<String>,
    /// The status (`Pending`, `Accepted`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_status: Option<String>,
    /// Linked transactions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_txn: Vec<LinkedTxn>,
    /// The lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line: Vec<Line>,
    /// Tax details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_tax_detail: Option<TxnTaxDetail>,
    /// Where the transaction came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_source: Option<String>,
    /// The project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_ref: Option<Ref>,
    /// The account paid from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_ref: Option<Ref>,
    /// `Cash`, `Check` or `CreditCard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<PaymentType>,
    /// The payment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_ref: Option<Ref>,
    /// The payee (vendor, customer or employee).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_ref: Option<Ref>,
    /// True for a credit card refund.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<bool>,
    /// The total amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amt: Option<Decimal>,
    /// The remit-to address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remit_to_addr: Option<PhysicalAddress>,
    /// The print status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_status: Option<PrintStatus>,
    /// How tax is applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_tax_calculation: Option<GlobalTaxCalculation>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A bank deposit.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Deposit {
    /// The QuickBooks id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The version QuickBooks checks on update (stale → `Conflict`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_token: Option<String>,
    /// Creation and last-update times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_data: Option<MetaData>,
    /// `QBO`.
    #[serde(rename = "domain", default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Whether the object was sent as a sparse update.
    #[serde(rename = "sparse", default, skip_serializing_if = "Option::is_none")]
    pub sparse: Option<bool>,
    /// `Deleted` in change data capture answers for deleted objects.
    #[serde(rename = "status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_field: Vec<CustomField>,
    /// The document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    /// The transaction date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_date: Option<NaiveDate>,
    /// The location (department).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_ref: Option<Ref>,
    /// The currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_ref: Option<Ref>,
    /// Units of home currency per unit of the transaction currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_rate: Option<Decimal>,
    /// A note not shown to the customer or vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_note: Option<String>,
    /// The status (`Pending`, `Accepted`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_status: Option<String>,
    /// Linked transactions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_txn: Vec<LinkedTxn>,
    /// The lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line: Vec<Line>,
    /// Tax details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_tax_detail: Option<TxnTaxDetail>,
    /// Where the transaction came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_source: Option<String>,
    /// The project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_ref: Option<Ref>,
    /// The account deposited to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_to_account_ref: Option<Ref>,
    /// Cash taken back from the deposit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_back: Option<CashBackInfo>,
    /// The total deposited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amt: Option<Decimal>,
    /// The total in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_total_amt: Option<Decimal>,
    /// How tax is applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_tax_calculation: Option<GlobalTaxCalculation>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A journal entry: debits and credits that must balance.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JournalEntry {
    /// The QuickBooks id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The version QuickBooks checks on update (stale → `Conflict`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_token: Option<String>,
    /// Creation and last-update times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_data: Option<MetaData>,
    /// `QBO`.
    #[serde(rename = "domain", default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Whether the object was sent as a sparse update.
    #[serde(rename = "sparse", default, skip_serializing_if = "Option::is_none")]
    pub sparse: Option<bool>,
    /// `Deleted` in change data capture answers for deleted objects.
    #[serde(rename = "status", default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_field: Vec<CustomField>,
    /// The document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    /// The transaction date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_date: Option<NaiveDate>,
    /// The location (department).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_ref: Option<Ref>,
    /// The currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_ref: Option<Ref>,
    /// Units of home currency per unit of the transaction currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_rate: Option<Decimal>,
    /// A note not shown to the customer or vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_note: Option<String>,
    /// The status (`Pending`, `Accepted`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_status: Option<String>,
    /// Linked transactions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_txn: Vec<LinkedTxn>,
    /// The lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line: Vec<Line>,
    /// Tax details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_tax_detail: Option<TxnTaxDetail>,
    /// Where the transaction came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_source: Option<String>,
    /// The project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_ref: Option<Ref>,
    /// Whether it is an adjusting entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustment: Option<bool>,
    /// The total amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amt: Option<Decimal>,
    /// The total in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_total_amt: Option<Decimal>,
    /// How tax is applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_tax_calculation: Option<GlobalTaxCalculation>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How a bill payment by check is made.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BillPaymentCheck {
    /// The bank account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_account_ref: Option<Ref>,
    /// The print status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_status: Option<PrintStatus>,
    /// The payee address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payee_addr: Option<PhysicalAddress>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How a bill payment by credit card is made.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BillPaymentCreditCard {
    /// The credit card account.
    #[serde(
        rename = "CCAccountRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cc_account_ref: Option<Ref>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Cash back from a deposit.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CashBackInfo {
    /// The account the cash comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_ref: Option<Ref>,
    /// The amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// A memo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}
