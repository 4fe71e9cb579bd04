//! Records: the typed standard objects and a generic record for any object.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Decimal;
use super::fields::Fields;

/// `attributes` of a record as Salesforce sends it (and as collections require it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Attributes {
    /// The object's API name.
    #[serde(rename = "type")]
    pub sobject_type: String,
    /// The record's REST URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Collections' per-record reference, when set.
    #[serde(
        default,
        rename = "referenceId",
        skip_serializing_if = "Option::is_none"
    )]
    pub reference_id: Option<String>,
}

/// Fields Salesforce maintains itself: never sent on create or update.
pub(crate) const SYSTEM_FIELDS: &[&str] = &[
    "attributes",
    "Id",
    "IsDeleted",
    "CreatedDate",
    "CreatedById",
    "LastModifiedDate",
    "LastModifiedById",
    "SystemModstamp",
    "LastActivityDate",
    "LastViewedDate",
    "LastReferencedDate",
];

/// A record type this crate can read and write.
///
/// Implemented by the typed standard objects and by [`Record`]; implement it for your own
/// struct (with `#[serde(flatten)] extra`) to get a typed handler for a custom object.
pub trait SObject: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The object's API name (`Account`, `Invoice__c`).
    const NAME: &'static str;
    /// Fields of this object that are read-only (formula, roll-up, system-derived), left
    /// out of create and update bodies in addition to the system fields.
    const READ_ONLY: &'static [&'static str] = &[];
}

/// Any record of any object: the id, the attributes and every field as sent.
///
/// ```
/// use atom_salesforce::Record;
/// let mut r = Record::default();
/// r.set("Name", "Acme").set("Invoice_Total__c", 1250.5);
/// assert_eq!(r.get_str("Name"), Some("Acme"));
/// ```
///
/// The fields are kept as compact JSON text until first read ([`Fields`]): a page of
/// records decoded into `Record` costs about what its JSON does.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    /// `attributes` (type and URL).
    pub attributes: Option<Attributes>,
    /// The record id (`Id`).
    pub id: Option<String>,
    /// Every other field; reads and writes like a `serde_json::Map`.
    pub fields: Fields,
}

impl Record {
    /// Sets a field.
    pub fn set(&mut self, field: &str, value: impl Into<Value>) -> &mut Self {
        self.fields.insert(field.to_owned(), value.into());
        self
    }

    /// A field's value (only this field is decoded, once: see [`Fields`]).
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }

    /// A field as text.
    pub fn get_str(&self, field: &str) -> Option<&str> {
        self.fields.get(field).and_then(Value::as_str)
    }

    /// A child relationship's records (`Contacts` of `SELECT Name, (SELECT LastName FROM
    /// Contacts) FROM Account`), decoded: `None` when the field is absent, `null` (no
    /// children) or not a query result. Check [`QueryResult::is_complete`](crate::models::QueryResult::is_complete) when the stream
    /// was read with [`ChildPages::Leave`](crate::ChildPages::Leave).
    ///
    /// ```
    /// use atom_salesforce::Record;
    /// let account: Record = serde_json::from_str(
    ///     r#"{"Name":"Acme","Contacts":{"totalSize":1,"done":true,"records":[{"LastName":"Doe"}]}}"#,
    /// ).unwrap();
    /// let contacts = account.children("Contacts").unwrap();
    /// assert_eq!(contacts.records[0].get_str("LastName"), Some("Doe"));
    /// assert!(account.children("Name").is_none());
    /// ```
    pub fn children(&self, relationship: &str) -> Option<super::QueryResult<Record>> {
        self.fields
            .get(relationship)
            .filter(|v| v.is_object())
            .and_then(|v| super::QueryResult::deserialize(v).ok())
    }
}

impl SObject for Record {
    const NAME: &'static str = "";
}

macro_rules! extra_accessors {
    ($t:ty) => {
        impl $t {
            /// Sets a field this struct does not name (a custom field such as `Tier__c`).
            pub fn set_extra(&mut self, field: &str, value: impl Into<Value>) -> &mut Self {
                self.extra.insert(field.to_owned(), value.into());
                self
            }

            /// A field this struct does not name.
            pub fn extra(&self, field: &str) -> Option<&Value> {
                self.extra.get(field)
            }
        }
    };
}

/// An Account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    /// `attributes`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "attributes"
    )]
    pub attributes: Option<Attributes>,
    /// Record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Account name (required on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Account type picklist (`Customer - Direct`, …).
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "Type")]
    pub account_type: Option<String>,
    /// Industry picklist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Billing city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_city: Option<String>,
    /// Billing country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_country: Option<String>,
    /// Annual revenue (currency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_revenue: Option<Decimal>,
    /// Employees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_employees: Option<i64>,
    /// Owner user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// Parent account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Created (read-only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::datetime::option"
    )]
    pub created_date: Option<DateTime<Utc>>,
    /// Last modified (read-only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::datetime::option"
    )]
    pub last_modified_date: Option<DateTime<Utc>>,
    /// Every other field, custom fields included; settable.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
extra_accessors!(Account);
impl SObject for Account {
    const NAME: &'static str = "Account";
}

/// A Contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Contact {
    /// `attributes`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "attributes"
    )]
    pub attributes: Option<Attributes>,
    /// Record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name (required on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Owner user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// Lead source picklist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_source: Option<String>,
    /// Full name (read-only, compound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Created (read-only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::datetime::option"
    )]
    pub created_date: Option<DateTime<Utc>>,
    /// Every other field, custom fields included; settable.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
extra_accessors!(Contact);
impl SObject for Contact {
    const NAME: &'static str = "Contact";
    const READ_ONLY: &'static [&'static str] = &["Name"];
}

/// An Opportunity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Opportunity {
    /// `attributes`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "attributes"
    )]
    pub attributes: Option<Attributes>,
    /// Record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Name (required on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Stage picklist (required on create; the values are the org's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_name: Option<String>,
    /// Amount (currency, exact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// Close date (required on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_date: Option<NaiveDate>,
    /// Probability in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<Decimal>,
    /// Type picklist.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "Type")]
    pub opportunity_type: Option<String>,
    /// Lead source picklist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_source: Option<String>,
    /// Owner user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// Closed (read-only, from the stage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_closed: Option<bool>,
    /// Won (read-only, from the stage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_won: Option<bool>,
    /// Created (read-only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::datetime::option"
    )]
    pub created_date: Option<DateTime<Utc>>,
    /// Every other field, custom fields included; settable.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
extra_accessors!(Opportunity);
impl SObject for Opportunity {
    const NAME: &'static str = "Opportunity";
    const READ_ONLY: &'static [&'static str] = &["IsClosed", "IsWon"];
}

/// A Lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Lead {
    /// `attributes`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "attributes"
    )]
    pub attributes: Option<Attributes>,
    /// Record id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name (required on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Company (required on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Status picklist (the org's values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Lead source picklist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_source: Option<String>,
    /// Annual revenue (currency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_revenue: Option<Decimal>,
    /// Owner user or queue id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// Converted (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_converted: Option<bool>,
    /// Account created or used by the conversion (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converted_account_id: Option<String>,
    /// Contact created by the conversion (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converted_contact_id: Option<String>,
    /// Opportunity created by the conversion (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converted_opportunity_id: Option<String>,
    /// Created (read-only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::datetime::option"
    )]
    pub created_date: Option<DateTime<Utc>>,
    /// Every other field, custom fields included; settable.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
extra_accessors!(Lead);
impl SObject for Lead {
    const NAME: &'static str = "Lead";
    const READ_ONLY: &'static [&'static str] = &[
        "IsConverted",
        "ConvertedAccountId",
        "ConvertedContactId",
        "ConvertedOpportunityId",
        "ConvertedDate",
        "Name",
    ];
}
