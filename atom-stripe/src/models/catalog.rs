//! Products and Prices.

use atom_core::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::common::{Currency, Expandable, Metadata, has_id, ts};

/// A product (`prod_…`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Product {
    /// The id.
    pub id: String,
    /// Always `product`.
    pub object: String,
    /// Whether it can be bought.
    pub active: bool,
    /// When it was created.
    #[serde(with = "ts::required")]
    pub created: DateTime<Utc>,
    /// The default price.
    #[serde(default)]
    pub default_price: Option<Expandable<Price>>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Image URLs.
    #[serde(default)]
    pub images: Vec<String>,
    /// Live (true) or test mode.
    pub livemode: bool,
    /// The caller's key/value data.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// The name.
    pub name: String,
    /// When it was last changed.
    #[serde(default, with = "ts::optional")]
    pub updated: Option<DateTime<Utc>>,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

atom_core::string_enum! {
    /// One-time or recurring.
    #[non_exhaustive]
    pub enum PriceType {
        /// Charged once.
        OneTime = "one_time",
        /// Charged every interval.
        Recurring = "recurring",
    }
}

atom_core::string_enum! {
    /// The billing interval of a recurring price.
    #[non_exhaustive]
    pub enum Interval {
        /// Daily.
        Day = "day",
        /// Weekly.
        Week = "week",
        /// Monthly.
        Month = "month",
        /// Yearly.
        Year = "year",
    }
}

/// How a recurring price repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Recurring {
    /// The interval.
    pub interval: Interval,
    /// How many intervals between bills.
    pub interval_count: u64,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A price (`price_…`): how much and how often for a product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Price {
    /// The id.
    pub id: String,
    /// Always `price`.
    pub object: String,
    /// Whether it can be used for new purchases.
    pub active: bool,
    /// When it was created.
    #[serde(with = "ts::required")]
    pub created: DateTime<Utc>,
    /// The currency.
    pub currency: Currency,
    /// Live (true) or test mode.
    pub livemode: bool,
    /// A lookup key for dynamic retrieval.
    #[serde(default)]
    pub lookup_key: Option<String>,
    /// The caller's key/value data.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// A short description.
    #[serde(default)]
    pub nickname: Option<String>,
    /// The product.
    pub product: Expandable<Product>,
    /// How it recurs, for recurring prices.
    #[serde(default)]
    pub recurring: Option<Recurring>,
    /// One-time or recurring.
    #[serde(rename = "type")]
    pub price_type: PriceType,
    /// Unit amount in minor units of `currency`.
    #[serde(default)]
    pub unit_amount: Option<i64>,
    /// Unit amount with sub-minor-unit precision, as the exact decimal text Stripe sent.
    #[serde(default)]
    pub unit_amount_decimal: Option<String>,
    /// Every field this crate does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

has_id!(Product, Price);
