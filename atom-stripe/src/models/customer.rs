//! Customers.

use atom_core::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::common::{Currency, Metadata, has_id, ts};

/// A customer (`cus_…`).
///
/// A deleted customer fetched by id comes back with `deleted: true` and only its id, so the
/// other fields are optional here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Customer {
    /// The id.
    pub id: String,
    /// Always `customer`.
    pub object: String,
    /// Balance in minor units of `currency`; negative is credit the customer has.
    #[serde(default)]
    pub balance: Option<i64>,
    /// When it was created.
    #[serde(default, with = "ts::optional")]
    pub created: Option<DateTime<Utc>>,
    /// The currency the customer is billed in.
    #[serde(default)]
    pub currency: Option<Currency>,
    /// Whether the latest invoice or charge failed.
    #[serde(default)]
    pub delinquent: Option<bool>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// The email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Live (true) or test mode.
    #[serde(default)]
    pub livemode: Option<bool>,
    /// The caller's key/value data.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Full name or business name.
    #[serde(default)]
    pub name: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// True on a deleted customer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

has_id!(Customer);
