//! Generated from a field list checked against Intuit's Finance.xsd element names (see
//! tests/fixtures/README.md); every other field is kept in `extra`.

use atom_core::{Decimal, Extra};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::common::*;

/// A product or service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Item {
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
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// The sales description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Whether it is a sub-item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_item: Option<bool>,
    /// The parent item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_ref: Option<Ref>,
    /// The depth below the top item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<i64>,
    /// The name with its parents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    /// Whether sales of it are taxable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxable: Option<bool>,
    /// The sales price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Decimal>,
    /// `Inventory`, `Service`, `NonInventory`, `Group`, `Category`.
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<ItemType>,
    /// The income account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_account_ref: Option<Ref>,
    /// The purchase description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_desc: Option<String>,
    /// The purchase cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_cost: Option<Decimal>,
    /// The expense account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expense_account_ref: Option<Ref>,
    /// The inventory asset account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_account_ref: Option<Ref>,
    /// Whether quantity is tracked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_qty_on_hand: Option<bool>,
    /// The quantity on hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qty_on_hand: Option<Decimal>,
    /// When inventory tracking started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inv_start_date: Option<NaiveDate>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An account of the chart of accounts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
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
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether it is a sub-account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_account: Option<bool>,
    /// The parent account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_ref: Option<Ref>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The name with its parents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    /// Whether active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// `Asset`, `Liability`, `Equity`, `Revenue`, `Expense`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<AccountClassification>,
    /// The account type (`Bank`, `Accounts Receivable`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    /// The detail type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_sub_type: Option<String>,
    /// The account number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acct_num: Option<String>,
    /// The balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_balance: Option<Decimal>,
    /// The balance including sub-accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_balance_with_sub_accounts: Option<Decimal>,
    /// The currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_ref: Option<Ref>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A sales tax code (read only through the API).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaxCode {
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
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Whether hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Whether it taxes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxable: Option<bool>,
    /// Whether it groups several rates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_group: Option<bool>,
    /// The sales tax rates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_tax_rate_list: Option<serde_json::Value>,
    /// The purchase tax rates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_tax_rate_list: Option<serde_json::Value>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A payment term.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Term {
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
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// `STANDARD` or `DATE_DRIVEN`.
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The early-payment discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_percent: Option<Decimal>,
    /// Days until due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_days: Option<i64>,
    /// Days the discount applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_days: Option<i64>,
    /// Day of month due (date driven).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_month_due: Option<i64>,
    /// Due next month when issued within this many days of the due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_next_month_days: Option<i64>,
    /// Day of month the discount ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_day_of_month: Option<i64>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A payment method.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PaymentMethod {
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
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// `CREDIT_CARD` or `NON_CREDIT_CARD`.
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}
