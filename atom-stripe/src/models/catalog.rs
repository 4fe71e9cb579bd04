//! Products and Prices.

use chrono::{DateTime, Utc};

use super::common::{Currency, Expandable, Metadata, has_id, ts};

atom_core::model! {
    /// A product (`prod_…`).
    pub struct Product {
        /// The id.
        pub id: String,
        /// Always `product`.
        pub object: String,
        /// Whether it can be bought.
        pub active: bool,
        /// When it was created.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The default price.
        pub default_price: Option<Expandable<Price>>,
        /// Free text.
        pub description: Option<String>,
        /// Image URLs.
        pub images: Vec<String>,
        /// Live (true) or test mode.
        pub livemode: bool,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// The name.
        pub name: String,
        /// When it was last changed.
        @with(ts::optional)
        pub updated: Option<DateTime<Utc>>,
    }
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

atom_core::model! {
    /// How a recurring price repeats.
    pub struct Recurring {
        /// The interval.
        pub interval: Interval,
        /// How many intervals between bills.
        pub interval_count: u64,
    }
}

atom_core::model! {
    /// A price (`price_…`): how much and how often for a product.
    pub struct Price {
        /// The id.
        pub id: String,
        /// Always `price`.
        pub object: String,
        /// Whether it can be used for new purchases.
        pub active: bool,
        /// When it was created.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The currency.
        pub currency: Currency,
        /// Live (true) or test mode.
        pub livemode: bool,
        /// A lookup key for dynamic retrieval.
        pub lookup_key: Option<String>,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// A short description.
        pub nickname: Option<String>,
        /// The product.
        pub product: Expandable<Product>,
        /// How it recurs, for recurring prices.
        pub recurring: Option<Recurring>,
        /// One-time or recurring.
        @rename("type")
        pub price_type: PriceType,
        /// Unit amount in minor units of `currency`.
        pub unit_amount: Option<i64>,
        /// Unit amount with sub-minor-unit precision, as the exact decimal text Stripe sent.
        pub unit_amount_decimal: Option<String>,
    }
}

has_id!(Product, Price);
