//! CRM objects: contacts, companies, deals, tickets and custom objects share one shape.

use std::collections::BTreeMap;

use atom_core::{Decimal, Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::time::{lenient, parse_timestamp};
use crate::SERVICE;

atom_core::string_enum! {
    /// A contact's or company's `lifecyclestage` (portals may add their own stages, kept in
    /// `Other`).
    pub enum LifecycleStage {
        /// Subscriber.
        Subscriber = "subscriber",
        /// Lead.
        Lead = "lead",
        /// Marketing qualified lead.
        MarketingQualifiedLead = "marketingqualifiedlead",
        /// Sales qualified lead.
        SalesQualifiedLead = "salesqualifiedlead",
        /// Opportunity.
        Opportunity = "opportunity",
        /// Customer.
        Customer = "customer",
        /// Evangelist.
        Evangelist = "evangelist",
        /// Other.
        OtherStage = "other",
    }
}

impl LifecycleStage {
    /// The funnel order of the built-in stages (subscriber 0 … evangelist 6); `None` for
    /// `other` and custom stages.
    pub fn rank(&self) -> Option<u8> {
        Some(match self {
            Self::Subscriber => 0,
            Self::Lead => 1,
            Self::MarketingQualifiedLead => 2,
            Self::SalesQualifiedLead => 3,
            Self::Opportunity => 4,
            Self::Customer => 5,
            Self::Evangelist => 6,
            _ => return None,
        })
    }
}

atom_core::model! {
    /// One value of a property's history (`propertiesWithHistory`).
    pub struct PropertyVersion {
        /// The value (text, as every property value).
        @deserialize_with(lenient_text)
        pub value: Option<String>,
        /// When it was set.
        @deserialize_with(lenient)
        pub timestamp: Option<DateTime<Utc>>,
        /// What set it (`CRM_UI`, `API`, `INTEGRATION`).
        @rename("sourceType")
        pub source_type: Option<String>,
        /// The source's id.
        @rename("sourceId")
        pub source_id: Option<String>,
        /// The source's label.
        @rename("sourceLabel")
        pub source_label: Option<String>,
        /// The user who set it.
        @rename("updatedByUserId")
        pub updated_by_user_id: Option<i64>,
    }
}

/// An associated record's id and association type, as listed on an object read with
/// `associations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssociatedId {
    /// The other record's id.
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// The association type (`contact_to_company`).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

/// The associations of one type of object on a record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssociatedIds {
    /// The associated records.
    #[serde(default)]
    pub results: Vec<AssociatedId>,
    /// Paging of the associated records, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<Value>,
}

atom_core::model! {
    /// A CRM record (contact, company, deal, ticket, custom object).
    ///
    /// Property values are text on the wire, whatever the property's type: [`CrmObject::property`]
    /// reads any of them, and typed accessors read the common ones (an amount as an exact
    /// [`Decimal`], a close date in either timestamp form). Every property sent is kept.
    ///
    /// ```
    /// use atom_hubspot::CrmObject;
    /// let deal: CrmObject = serde_json::from_str(r#"{
    ///     "id": "512", "archived": false,
    ///     "createdAt": "2024-01-02T03:04:05.678Z", "updatedAt": "2024-01-03T00:00:00Z",
    ///     "properties": {"dealname": "Big deal", "amount": "1500.50", "closedate": "1719705600000",
    ///                    "dealstage": "closedwon", "pipeline": "default", "my_custom": "x", "hs_note": null}
    /// }"#).unwrap();
    /// assert_eq!(deal.dealname(), Some("Big deal"));
    /// assert_eq!(deal.amount().unwrap().unwrap().as_str(), "1500.50");
    /// assert_eq!(deal.closedate().unwrap().timestamp(), 1_719_705_600);
    /// assert_eq!(deal.property("my_custom"), Some("x"));
    /// assert_eq!(deal.property("hs_note"), None);
    /// ```
    pub struct CrmObject {
        /// The record id.
        @deserialize_with(id_text)
        pub id: String,
        /// Every property sent (`null` for a requested property without a value).
        @deserialize_with(lenient_properties)
        @default(Default::default())
        pub properties: BTreeMap<String, Option<String>>,
        /// The history of the properties asked for with `propertiesWithHistory`.
        @rename("propertiesWithHistory")
        @default(Default::default())
        @skip_if(BTreeMap::is_empty)
        pub properties_with_history: BTreeMap<String, Vec<PropertyVersion>>,
        /// When it was created.
        @rename("createdAt")
        @deserialize_with(lenient)
        pub created_at: Option<DateTime<Utc>>,
        /// When it last changed.
        @rename("updatedAt")
        @deserialize_with(lenient)
        pub updated_at: Option<DateTime<Utc>>,
        /// Whether it is archived (in the recycle bin).
        @default(Default::default())
        pub archived: bool,
        /// When it was archived.
        @rename("archivedAt")
        @deserialize_with(lenient)
        pub archived_at: Option<DateTime<Utc>>,
        /// Associated records by object type, when asked for.
        @skip_if(Option::is_none)
        pub associations: Option<BTreeMap<String, AssociatedIds>>,
    }
}

impl CrmObject {
    /// A property's value; `None` when absent or empty (`null`).
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.get(name).and_then(|v| v.as_deref())
    }

    /// `email`.
    pub fn email(&self) -> Option<&str> {
        self.property("email")
    }

    /// `firstname`.
    pub fn firstname(&self) -> Option<&str> {
        self.property("firstname")
    }

    /// `lastname`.
    pub fn lastname(&self) -> Option<&str> {
        self.property("lastname")
    }

    /// `lifecyclestage`.
    pub fn lifecyclestage(&self) -> Option<LifecycleStage> {
        self.property("lifecyclestage")
            .filter(|s| !s.is_empty())
            .map(LifecycleStage::from)
    }

    /// `dealname`.
    pub fn dealname(&self) -> Option<&str> {
        self.property("dealname")
    }

    /// `amount` as an exact decimal; `Ok(None)` when unset or empty, a `Decode` error when
    /// it is not a number.
    pub fn amount(&self) -> Result<Option<Decimal>> {
        self.decimal("amount")
    }

    /// Any property as an exact decimal (`Ok(None)` when unset or empty).
    pub fn decimal(&self, name: &str) -> Result<Option<Decimal>> {
        match self.property(name).map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(text) => text.parse::<Decimal>().map(Some).map_err(|e| {
                Error::decode(SERVICE, format!("property {name} of {}: {e}", self.id))
            }),
        }
    }

    /// `dealstage`.
    pub fn dealstage(&self) -> Option<&str> {
        self.property("dealstage")
    }

    /// `pipeline`.
    pub fn pipeline(&self) -> Option<&str> {
        self.property("pipeline")
    }

    /// `closedate`, in ISO or epoch-millisecond form (`None` when unset or unreadable).
    pub fn closedate(&self) -> Option<DateTime<Utc>> {
        self.timestamp("closedate")
    }

    /// Any date or date-time property, in ISO or epoch-millisecond form.
    pub fn timestamp(&self, name: &str) -> Option<DateTime<Utc>> {
        self.property(name).and_then(parse_timestamp)
    }

    /// Whether the record was new, on a batch upsert's answer (`new`).
    pub fn is_new(&self) -> Option<bool> {
        self.extra.get("new").and_then(|v| v.as_bool())
    }
}

/// An id sent as text or as a number.
pub(crate) fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "an id must be text or a number, not {}",
            kind_of(&other)
        ))),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn as_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        // Values are text on the wire; a number or boolean from elsewhere is kept as text.
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

fn lenient_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Value>::deserialize(deserializer)?.and_then(as_text))
}

fn lenient_properties<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, Option<String>>, D::Error> {
    let map = Option::<serde_json::Map<String, Value>>::deserialize(deserializer)?;
    Ok(map
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, as_text(v)))
        .collect())
}

/// What a create sends: properties and, optionally, associations made with it.
///
/// ```
/// use atom_hubspot::ObjectCreateParams;
/// let params = ObjectCreateParams::new()
///     .property("email", "ann@example.com")
///     .property("firstname", "Ann");
/// assert_eq!(params.properties.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ObjectCreateParams {
    /// Property values (text, as HubSpot takes them).
    pub properties: BTreeMap<String, String>,
    /// Records to associate the new one with (sent as `[]` when none: the field is
    /// required by HubSpot's description).
    pub associations: Vec<crate::models::AssociationInput>,
}

impl ObjectCreateParams {
    /// No properties yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a property.
    pub fn property(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }

    /// Associates the new record with another.
    pub fn associate(mut self, association: crate::models::AssociationInput) -> Self {
        self.associations.push(association);
        self
    }
}

/// What an update sends: the properties to change (an empty value clears one).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ObjectUpdateParams {
    /// Property values to set.
    pub properties: BTreeMap<String, String>,
}

impl ObjectUpdateParams {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a property.
    pub fn property(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }
}
