//! Generated from a field list checked against Intuit's Finance.xsd element names (see
//! tests/fixtures/README.md); every other field is kept in `extra`.

use atom_core::Extra;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::common::*;

/// The company's own information.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompanyInfo {
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
    /// The company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// The legal name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_name: Option<String>,
    /// The company address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_addr: Option<PhysicalAddress>,
    /// The address customers see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_communication_addr: Option<PhysicalAddress>,
    /// The legal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_addr: Option<PhysicalAddress>,
    /// The company email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_email_addr: Option<EmailAddress>,
    /// The email customers see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_communication_email_addr: Option<EmailAddress>,
    /// The website.
    #[serde(
        rename = "CompanyURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub company_url: Option<WebSiteAddress>,
    /// The phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_phone: Option<TelephoneNumber>,
    /// When the company started using QuickBooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_start_date: Option<NaiveDate>,
    /// The first month of the fiscal year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscal_year_start_month: Option<String>,
    /// The country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailAddress>,
    /// The website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_addr: Option<WebSiteAddress>,
    /// Supported languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_languages: Option<String>,
    /// Further settings as name/value pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub name_value: Vec<NameValue>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The company's preferences.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Preferences {
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
    /// Accounting preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounting_info_prefs: Option<serde_json::Value>,
    /// Products and services preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_and_services_prefs: Option<serde_json::Value>,
    /// Sales forms preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_forms_prefs: Option<serde_json::Value>,
    /// Email message preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_messages_prefs: Option<serde_json::Value>,
    /// Vendor and purchase preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_and_purchases_prefs: Option<serde_json::Value>,
    /// Time tracking preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_tracking_prefs: Option<serde_json::Value>,
    /// Tax preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_prefs: Option<serde_json::Value>,
    /// Currency preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_prefs: Option<serde_json::Value>,
    /// Report preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_prefs: Option<serde_json::Value>,
    /// Other preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_prefs: Option<serde_json::Value>,
    /// Fields this crate does not type, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A name/value pair.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NameValue {
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}
