//! Generated from a field list checked against Intuit's Finance.xsd element names (see
//! tests/fixtures/README.md); every other field is kept in `extra`.

use atom_core::{Decimal, Extra};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::common::*;

/// An invoice: a sale the customer pays later.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Invoice {
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
    /// The customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_ref: Option<Ref>,
    /// The message shown to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_memo: Option<MemoRef>,
    /// The billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_addr: Option<PhysicalAddress>,
    /// The shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_addr: Option<PhysicalAddress>,
    /// The ship-from address (automated sales tax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_from_addr: Option<PhysicalAddress>,
    /// The class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<Ref>,
    /// The sales term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_term_ref: Option<Ref>,
    /// When payment is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// The shipping date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_date: Option<NaiveDate>,
    /// The shipping method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_method_ref: Option<Ref>,
    /// The shipping tracking number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_num: Option<String>,
    /// The purchase order number.
    #[serde(rename = "PONumber", default, skip_serializing_if = "Option::is_none")]
    pub po_number: Option<String>,
    /// How tax is applied to amounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_tax_calculation: Option<GlobalTaxCalculation>,
    /// The total amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amt: Option<Decimal>,
    /// The total in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_total_amt: Option<Decimal>,
    /// Whether tax applies after the discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_tax_after_discount: Option<bool>,
    /// The print status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_status: Option<PrintStatus>,
    /// The email status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_status: Option<EmailStatus>,
    /// Where the form is emailed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email: Option<EmailAddress>,
    /// Cc of the email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email_cc: Option<EmailAddress>,
    /// Bcc of the email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email_bcc: Option<EmailAddress>,
    /// The accounts-receivable account.
    #[serde(
        rename = "ARAccountRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ar_account_ref: Option<Ref>,
    /// The amount still due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Decimal>,
    /// The balance in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_balance: Option<Decimal>,
    /// The payment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_ref: Option<Ref>,
    /// The payment reference number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_ref_num: Option<String>,
    /// The account the money is deposited to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_to_account_ref: Option<Ref>,
    /// The discount rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_rate: Option<Decimal>,
    /// The discount amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_amt: Option<Decimal>,
    /// A deposit taken against the invoice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit: Option<Decimal>,
    /// Online payment allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_online_payment: Option<bool>,
    /// Online card payment allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_online_credit_card_payment: Option<bool>,
    /// Online bank payment allowed.
    #[serde(
        rename = "AllowOnlineACHPayment",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_online_ach_payment: Option<bool>,
    /// The customer-facing link (minor version 36+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_link: Option<String>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A sales receipt: a sale paid at once.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SalesReceipt {
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
    /// The customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_ref: Option<Ref>,
    /// The message shown to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_memo: Option<MemoRef>,
    /// The billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_addr: Option<PhysicalAddress>,
    /// The shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_addr: Option<PhysicalAddress>,
    /// The ship-from address (automated sales tax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_from_addr: Option<PhysicalAddress>,
    /// The class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<Ref>,
    /// The sales term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_term_ref: Option<Ref>,
    /// When payment is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// The shipping date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_date: Option<NaiveDate>,
    /// The shipping method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_method_ref: Option<Ref>,
    /// The shipping tracking number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_num: Option<String>,
    /// The purchase order number.
    #[serde(rename = "PONumber", default, skip_serializing_if = "Option::is_none")]
    pub po_number: Option<String>,
    /// How tax is applied to amounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_tax_calculation: Option<GlobalTaxCalculation>,
    /// The total amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amt: Option<Decimal>,
    /// The total in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_total_amt: Option<Decimal>,
    /// Whether tax applies after the discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_tax_after_discount: Option<bool>,
    /// The print status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_status: Option<PrintStatus>,
    /// The email status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_status: Option<EmailStatus>,
    /// Where the form is emailed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email: Option<EmailAddress>,
    /// Cc of the email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email_cc: Option<EmailAddress>,
    /// Bcc of the email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email_bcc: Option<EmailAddress>,
    /// The accounts-receivable account.
    #[serde(
        rename = "ARAccountRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ar_account_ref: Option<Ref>,
    /// The amount still due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Decimal>,
    /// The balance in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_balance: Option<Decimal>,
    /// The payment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_ref: Option<Ref>,
    /// The payment reference number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_ref_num: Option<String>,
    /// The account the money is deposited to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_to_account_ref: Option<Ref>,
    /// The discount rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_rate: Option<Decimal>,
    /// The discount amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_amt: Option<Decimal>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A credit memo: a refund or credit to a customer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreditMemo {
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
    /// The customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_ref: Option<Ref>,
    /// The message shown to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_memo: Option<MemoRef>,
    /// The billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_addr: Option<PhysicalAddress>,
    /// The shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_addr: Option<PhysicalAddress>,
    /// The ship-from address (automated sales tax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_from_addr: Option<PhysicalAddress>,
    /// The class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<Ref>,
    /// The sales term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_term_ref: Option<Ref>,
    /// When payment is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// The shipping date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_date: Option<NaiveDate>,
    /// The shipping method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_method_ref: Option<Ref>,
    /// The shipping tracking number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_num: Option<String>,
    /// The purchase order number.
    #[serde(rename = "PONumber", default, skip_serializing_if = "Option::is_none")]
    pub po_number: Option<String>,
    /// How tax is applied to amounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_tax_calculation: Option<GlobalTaxCalculation>,
    /// The total amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amt: Option<Decimal>,
    /// The total in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_total_amt: Option<Decimal>,
    /// Whether tax applies after the discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_tax_after_discount: Option<bool>,
    /// The print status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_status: Option<PrintStatus>,
    /// The email status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_status: Option<EmailStatus>,
    /// Where the form is emailed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email: Option<EmailAddress>,
    /// Cc of the email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email_cc: Option<EmailAddress>,
    /// Bcc of the email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email_bcc: Option<EmailAddress>,
    /// The accounts-receivable account.
    #[serde(
        rename = "ARAccountRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ar_account_ref: Option<Ref>,
    /// The amount still due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Decimal>,
    /// The balance in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_balance: Option<Decimal>,
    /// The payment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_ref: Option<Ref>,
    /// The payment reference number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_ref_num: Option<String>,
    /// The account the money is deposited to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_to_account_ref: Option<Ref>,
    /// The discount rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_rate: Option<Decimal>,
    /// The discount amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_amt: Option<Decimal>,
    /// Credit not yet applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_credit: Option<Decimal>,
    /// The invoice it credits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_ref: Option<Ref>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An estimate (quote).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Estimate {
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
    /// The customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_ref: Option<Ref>,
    /// The message shown to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_memo: Option<MemoRef>,
    /// The billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_addr: Option<PhysicalAddress>,
    /// The shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_addr: Option<PhysicalAddress>,
    /// The ship-from address (automated sales tax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_from_addr: Option<PhysicalAddress>,
    /// The class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_ref: Option<Ref>,
    /// The sales term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_term_ref: Option<Ref>,
    /// When payment is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// The shipping date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_date: Option<NaiveDate>,
    /// The shipping method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_method_ref: Option<Ref>,
    /// The shipping tracking number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_num: Option<String>,
    /// The purchase order number.
    #[serde(rename = "PONumber", default, skip_serializing_if = "Option::is_none")]
    pub po_number: Option<String>,
    /// How tax is applied to amounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_tax_calculation: Option<GlobalTaxCalculation>,
    /// The total amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amt: Option<Decimal>,
    /// The total in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_total_amt: Option<Decimal>,
    /// Whether tax applies after the discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_tax_after_discount: Option<bool>,
    /// The print status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_status: Option<PrintStatus>,
    /// The email status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_status: Option<EmailStatus>,
    /// Where the form is emailed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email: Option<EmailAddress>,
    /// Cc of the email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email_cc: Option<EmailAddress>,
    /// Bcc of the email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_email_bcc: Option<EmailAddress>,
    /// The accounts-receivable account.
    #[serde(
        rename = "ARAccountRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ar_account_ref: Option<Ref>,
    /// The amount still due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Decimal>,
    /// The balance in home currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_balance: Option<Decimal>,
    /// The payment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_ref: Option<Ref>,
    /// The payment reference number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_ref_num: Option<String>,
    /// The account the money is deposited to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_to_account_ref: Option<Ref>,
    /// The discount rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_rate: Option<Decimal>,
    /// The discount amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_amt: Option<Decimal>,
    /// When the estimate expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<NaiveDate>,
    /// Who accepted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_by: Option<String>,
    /// When it was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_date: Option<NaiveDate>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A payment received from a customer, applied to invoices through its lines.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Payment {
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
    /// The customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_ref: Option<Ref>,
    /// The accounts-receivable account.
    #[serde(
        rename = "ARAccountRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ar_account_ref: Option<Ref>,
    /// The account deposited to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_to_account_ref: Option<Ref>,
    /// The payment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_ref: Option<Ref>,
    /// The payment reference number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_ref_num: Option<String>,
    /// The amount received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amt: Option<Decimal>,
    /// The amount not applied to any invoice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unapplied_amt: Option<Decimal>,
    /// Whether QuickBooks Payments processes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_payment: Option<bool>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}
