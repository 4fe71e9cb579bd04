//! Marketing campaigns (`/marketing/v3/campaigns`) and marketing email statistics.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::object::id_text;
use super::time::lenient;

atom_core::model! {
    /// A campaign: its id and properties (`hs_name`, `hs_start_date`, `hs_end_date`,
    /// `hs_goal`, `hs_budget_items_sum_amount`...), values as text like CRM properties.
    pub struct Campaign {
        /// The campaign id (a GUID).
        @deserialize_with(id_text)
        pub id: String,
        /// Its properties.
        @default(Default::default())
        pub properties: BTreeMap<String, Option<String>>,
        /// When created.
        @rename("createdAt")
        @deserialize_with(lenient)
        pub created_at: Option<DateTime<Utc>>,
        /// When last changed.
        @rename("updatedAt")
        @deserialize_with(lenient)
        pub updated_at: Option<DateTime<Utc>>,
        /// Assets by type, when asked for.
        @skip_if(Option::is_none)
        pub assets: Option<Value>,
    }
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

atom_core::model! {
    /// A campaign's metrics (`GET /marketing/v3/campaigns/{id}/reports/metrics`).
    pub struct CampaignMetrics {
        /// Sessions.
        pub sessions: Option<i64>,
        /// New contacts (first touch).
        @rename("newContactsFirstTouch")
        pub new_contacts_first_touch: Option<i64>,
        /// New contacts (last touch).
        @rename("newContactsLastTouch")
        pub new_contacts_last_touch: Option<i64>,
        /// Influenced contacts.
        @rename("influencedContacts")
        pub influenced_contacts: Option<i64>,
    }
}

atom_core::model! {
    /// A campaign's revenue attribution (`GET /marketing/v3/campaigns/{id}/reports/revenue`).
    pub struct CampaignRevenue {
        /// Revenue of closed-won deals attributed to the campaign.
        @rename("revenueAmount")
        pub revenue_amount: Option<atom_core::Decimal>,
        /// Deals attributed.
        @rename("dealAmount")
        pub deal_amount: Option<atom_core::Decimal>,
        /// Deals created.
        @rename("dealsNumber")
        pub deals_number: Option<i64>,
        /// Contacts attributed.
        @rename("contactsNumber")
        pub contacts_number: Option<i64>,
        /// The currency.
        @rename("currencyCode")
        pub currency_code: Option<String>,
    }
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

atom_core::model! {
    /// The aggregate statistics of marketing emails
    /// (`GET /marketing/v3/emails/statistics/list`): counters (`sent`, `open`, `click`,
    /// `bounce`, `unsubscribed`...) and ratios (`openratio`, `clickratio`...) by name.
    pub struct EmailStatistics {
        /// Counters by event type.
        @default(Default::default())
        pub counters: BTreeMap<String, i64>,
        /// Ratios by name (percentages, sent as numbers).
        @default(Default::default())
        pub ratios: BTreeMap<String, f64>,
    }
}

impl EmailStatistics {
    /// No counters and no ratios (what an answer without an aggregate means).
    pub fn empty() -> Self {
        Self {
            counters: BTreeMap::new(),
            ratios: BTreeMap::new(),
            extra: atom_core::RawFields::default(),
        }
    }
}

atom_core::model! {
    /// The answer of the email statistics call: the aggregate and the email ids it covers.
    pub struct EmailStatisticsReport {
        /// The aggregate over the emails.
        @default(EmailStatistics::empty())
        pub aggregate: EmailStatistics,
        /// The emails the aggregate covers.
        pub emails: Vec<i64>,
    }
}
