//! Types shared by every resource: lists, search results, expandable references, currency,
//! metadata, deleted markers, and the string enums with an unknown arm.

use std::collections::BTreeMap;
use std::fmt;

use atom_core::RawFields;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Metadata: the caller's own key/value strings on an object.
pub type Metadata = BTreeMap<String, String>;

/// A three-letter ISO currency code in Stripe's lower-case form (`usd`).
///
/// Amounts next to it are integer minor units of this currency (cents for `usd`, yen for `jpy`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Currency(pub String);

impl Currency {
    /// The code as sent (`usd`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many decimal places one unit has in Stripe's amounts: 0 for Stripe's
    /// zero-decimal currencies (`jpy`, `krw`, ...), 3 for the three-decimal ones (`bhd`,
    /// `kwd`, ...), else 2.
    ///
    /// ```
    /// use atom_stripe::models::Currency;
    /// assert_eq!(Currency::from("JPY").exponent(), 0);
    /// assert_eq!(Currency::from("usd").exponent(), 2);
    /// assert_eq!(Currency::from("kwd").exponent(), 3);
    /// ```
    pub fn exponent(&self) -> u32 {
        // Stripe's lists: https://docs.stripe.com/currencies#zero-decimal and #three-decimal.
        const ZERO_DECIMAL: [&str; 16] = [
            "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd",
            "vuv", "xaf", "xof", "xpf",
        ];
        const THREE_DECIMAL: [&str; 5] = ["bhd", "jod", "kwd", "omr", "tnd"];
        let code = self.0.to_ascii_lowercase();
        if ZERO_DECIMAL.contains(&code.as_str()) {
            0
        } else if THREE_DECIMAL.contains(&code.as_str()) {
            3
        } else {
            2
        }
    }

    /// An amount in this currency's minor units (Stripe's integer `amount` fields) as an
    /// exact decimal in whole units: 1999 `usd` is 19.99, 1999 `jpy` is 1999.
    ///
    /// ```
    /// use atom_stripe::models::Currency;
    /// assert_eq!(Currency::from("usd").to_decimal(-1999).as_str(), "-19.99");
    /// assert_eq!(Currency::from("jpy").to_decimal(1999).as_str(), "1999");
    /// assert_eq!(Currency::from("kwd").to_decimal(5).as_str(), "0.005");
    /// ```
    pub fn to_decimal(&self, minor_units: i64) -> atom_core::Decimal {
        atom_core::Decimal::from_parts(i128::from(minor_units), self.exponent())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Currency {
    fn from(code: &str) -> Self {
        Self(code.to_ascii_lowercase())
    }
}

/// A field that holds an id, or the whole object when the request asked to `expand` it.
/// (Decoded by hand in `decode.rs`: `untagged` would buffer the object first.)
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Expandable<T> {
    /// The object's id (not expanded).
    Id(String),
    /// The expanded object.
    Object(Box<T>),
}

impl<T: HasId> Expandable<T> {
    /// The id, expanded or not.
    pub fn id(&self) -> &str {
        match self {
            Self::Id(id) => id,
            Self::Object(object) => object.id(),
        }
    }

    /// The object, when expanded.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Self::Id(_) => None,
            Self::Object(object) => Some(object),
        }
    }
}

/// Objects that have a Stripe id (what list paging continues from).
pub trait HasId {
    /// The id (`cus_…`, `pi_…`).
    fn id(&self) -> &str;
}

impl HasId for Value {
    fn id(&self) -> &str {
        self.get("id").and_then(Value::as_str).unwrap_or_default()
    }
}

/// One page of a list endpoint (`"object": "list"`). (Decoded by hand in `decode.rs`:
/// `flatten` would buffer every item first.)
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct List<T> {
    /// Always `list`.
    pub object: String,
    /// The items.
    pub data: Vec<T>,
    /// Whether more items follow the last one.
    pub has_more: bool,
    /// The list's URL.
    pub url: String,
    /// Fields this crate does not model, kept as their JSON text.
    #[serde(flatten)]
    pub extra: RawFields,
}

/// One page of a search endpoint (`"object": "search_result"`). (Decoded by hand in
/// `decode.rs`.)
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SearchResult<T> {
    /// Always `search_result`.
    pub object: String,
    /// The items.
    pub data: Vec<T>,
    /// Whether another page follows.
    pub has_more: bool,
    /// The `page` token of the next page.
    #[serde(default)]
    pub next_page: Option<String>,
    /// How many objects match in all, when the search asked for it
    /// (`expand[]=total_count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// The search URL.
    pub url: String,
    /// Fields this crate does not model, kept as their JSON text.
    #[serde(flatten)]
    pub extra: RawFields,
}

atom_core::model! {
    /// What a delete returns.
    pub struct Deleted {
        /// The deleted object's id.
        pub id: String,
        /// The object type (`customer`).
        pub object: String,
        /// Always true.
        pub deleted: bool,
    }
}

/// Implements [`HasId`] for models with an `id: String` field.
macro_rules! has_id {
    ($($ty:ty),+ $(,)?) => {
        $(impl $crate::models::HasId for $ty {
            fn id(&self) -> &str {
                &self.id
            }
        })+
    };
}
pub(crate) use has_id;

atom_core::string_enum! {
    /// How a payment is captured.
    #[non_exhaustive]
    pub enum CaptureMethod {
        /// Captured when authorised.
        Automatic = "automatic",
        /// Captured asynchronously when authorised.
        AutomaticAsync = "automatic_async",
        /// Captured by a later call to capture.
        Manual = "manual",
    }
}

atom_core::string_enum! {
    /// How an invoice or subscription is collected.
    #[non_exhaustive]
    pub enum CollectionMethod {
        /// Stripe charges the default payment method.
        ChargeAutomatically = "charge_automatically",
        /// Stripe emails an invoice to pay.
        SendInvoice = "send_invoice",
    }
}

/// Unix-second timestamps as `chrono` times, for `#[serde(with = ...)]`.
pub(crate) mod ts {
    pub use chrono::serde::ts_seconds as required;
    pub use chrono::serde::ts_seconds_option as optional;
}
