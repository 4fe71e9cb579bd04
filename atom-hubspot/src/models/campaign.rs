//! Marketing campaigns (`/marketing/v3/campaigns`) and marketing email statistics.

use std::collections::BTreeMap;

use atom_core::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::object::id_text;
use super::time::lenient;

/// A campaign: its id and properties (`hs_name`, `hs_start_date`, `hs_end_date`,
/// `hs_goal`, `hs_budget_items_sum_amount`...), values as text like CRM properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Campaign {
    /// The campaign id (a GUID).
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// Its properties.
    #[serde(default)]
    pub properties: BTreeMap<String, Option<String>>,
    /// When created.
    #[serde(rename = "createdAt", default, deserialize_with = "lenient")]
    pub created_at: Option<DateTime<Utc>>,
    /// When last changed.
    #[serde(rename = "updatedAt", default, deserialize_with = "lenient")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Assets by type, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<Value>,
    /// Fields the crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Campaign {
    /// A property's value.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.get(name).and_then(|v| v.as_deref())
    }

    /// `hs_name`.
    pub fn name(&self) -> Option<&str> {
        self.property("hs_name")
    }
}

/// A campaign's metrics (`GET /marketing/v3/campaigns/{id}/reports/metrics`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CampaignMetrics {
    /// Sessions.
    #[serde(default)]
    pub sessions: Option<i64>,
    /// New contacts (first touch).
    #[serde(rename = "newContactsFirstTouch", default)]
    pub new_contacts_first_touch: Option<i64>,
    /// New contacts (last touch).
    #[serde(rename = "newContactsLastTouch", default)]
    pub new_contacts_last_touch: Option<i64>,
    /// Influenced contacts.
    #[serde(rename = "influencedContacts", default)]
    pub influenced_contacts: Option<i64>,
    /// Fields the crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A campaign's revenue attribution (`GET /marketing/v3/campaigns/{id}/reports/revenue`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CampaignRevenue {
    /// Revenue of closed-won deals attributed to the campaign.
    #[serde(rename = "revenueAmount", default)]
    pub revenue_amount: Option<atom_core::Decimal>,
    /// Deals attributed.
    #[serde(rename = "dealAmount", default)]
    pub deal_amount: Option<atom_core::Decimal>,
    /// Deals created.
    #[serde(rename = "dealsNumber", default)]
    pub deals_number: Option<i64>,
    /// Contacts attributed.
    #[serde(rename = "contactsNumber", default)]
    pub contacts_number: Option<i64>,
    /// The currency.
    #[serde(rename = "currencyCode", default)]
    pub currency_code: Option<String>,
    /// Fields the crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A campaign to create or the changes to one: properties by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CampaignParams {
    /// Property values (`hs_name`, `hs_start_date` as `YYYY-MM-DD`, `hs_notes`).
    pub properties: BTreeMap<String, String>,
}

impl CampaignParams {
    /// No properties yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a property.
    pub fn property(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }
}

/// The aggregate statistics of marketing emails
/// (`GET /marketing/v3/emails/statistics/list`): counters (`sent`, `open`, `click`,
/// `bounce`, `unsubscribed`...) and ratios (`openratio`, `clickratio`...) by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmailStatistics {
    /// Counters by event type.
    #[serde(default)]
    pub counters: BTreeMap<String, i64>,
    /// Ratios by name (percentages, sent as numbers).
    #[serde(default)]
    pub ratios: BTreeMap<String, f64>,
    /// Device breakdown and other fields, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of the email statistics call: the aggregate and the email ids it covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmailStatisticsReport {
    /// The aggregate over the emails.
    #[serde(default)]
    pub aggregate: EmailStatistics,
    /// The emails the aggregate covers.
    #[serde(default)]
    pub emails: Vec<i64>,
    /// Fields the crate does not name (`campaignAggregations`).
    #[serde(flatten)]
    pub extra: Extra,
}
