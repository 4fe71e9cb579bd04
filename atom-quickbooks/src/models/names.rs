//! Generated from a field list checked against Intuit's Finance.xsd element names (see
//! tests/fixtures/README.md); every other field is kept in `extra`.

use atom_core::{Decimal, Extra};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::common::*;

/// A customer (or a sub-customer / job).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Customer {
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
    /// Title (`Mr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Suffix (`Jr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// The name with its parents (`Parent:Child`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    /// The company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// The unique display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The name printed on checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_on_check_name: Option<String>,
    /// Whether active (inactive is QuickBooks' delete for names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The primary phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_phone: Option<TelephoneNumber>,
    /// The mobile phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<TelephoneNumber>,
    /// The fax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<TelephoneNumber>,
    /// The primary email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_email_addr: Option<EmailAddress>,
    /// The website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_addr: Option<WebSiteAddress>,
    /// The billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_addr: Option<PhysicalAddress>,
    /// The shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_addr: Option<PhysicalAddress>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The open balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Decimal>,
    /// The account number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acct_num: Option<String>,
    /// The currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_ref: Option<Ref>,
    /// Whether sales to it are taxable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxable: Option<bool>,
    /// Whether it is a job (sub-customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<bool>,
    /// Whether it is billed with its parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_with_parent: Option<bool>,
    /// The parent customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_ref: Option<Ref>,
    /// The depth below the top customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<i64>,
    /// The default term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_term_ref: Option<Ref>,
    /// The default payment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_ref: Option<Ref>,
    /// The balance including jobs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_with_jobs: Option<Decimal>,
    /// The date of the opening balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_balance_date: Option<NaiveDate>,
    /// `Print`, `Email` or `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_delivery_method: Option<String>,
    /// The default tax code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_tax_code_ref: Option<Ref>,
    /// The resale number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resale_num: Option<String>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A vendor (supplier).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Vendor {
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
    /// Title (`Mr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Suffix (`Jr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// The name with its parents (`Parent:Child`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    /// The company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// The unique display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The name printed on checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_on_check_name: Option<String>,
    /// Whether active (inactive is QuickBooks' delete for names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The primary phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_phone: Option<TelephoneNumber>,
    /// The mobile phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<TelephoneNumber>,
    /// The fax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<TelephoneNumber>,
    /// The primary email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_email_addr: Option<EmailAddress>,
    /// The website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_addr: Option<WebSiteAddress>,
    /// The billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_addr: Option<PhysicalAddress>,
    /// The shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_addr: Option<PhysicalAddress>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The open balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Decimal>,
    /// The account number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acct_num: Option<String>,
    /// The currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_ref: Option<Ref>,
    /// The tax id (masked by QuickBooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_identifier: Option<String>,
    /// The default term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_ref: Option<Ref>,
    /// Whether the vendor gets a 1099.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor1099: Option<bool>,
    /// The billing rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_rate: Option<Decimal>,
    /// The date of the opening balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_balance_date: Option<NaiveDate>,
    /// The default accounts-payable account.
    #[serde(
        rename = "APAccountRef",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ap_account_ref: Option<Ref>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}
