//! Customers.

use chrono::{DateTime, Utc};

use super::common::{Currency, Metadata, has_id, ts};

atom_core::model! {
    /// A customer (`cus_…`).
    ///
    /// A deleted customer fetched by id comes back with `deleted: true` and only its id, so the
    /// other fields are optional here.
    pub struct Customer {
        /// The id.
        pub id: String,
        /// Always `customer`.
        pub object: String,
        /// Balance in minor units of `currency`; negative is credit the customer has.
        pub balance: Option<i64>,
        /// When it was created.
        @with(ts::optional)
        pub created: Option<DateTime<Utc>>,
        /// The currency the customer is billed in.
        pub currency: Option<Currency>,
        /// Whether the latest invoice or charge failed.
        pub delinquent: Option<bool>,
        /// Free text.
        pub description: Option<String>,
        /// The email address.
        pub email: Option<String>,
        /// Live (true) or test mode.
        pub livemode: Option<bool>,
        /// The caller's key/value data.
        pub metadata: Option<Metadata>,
        /// Full name or business name.
        pub name: Option<String>,
        /// Phone number.
        pub phone: Option<String>,
        /// True on a deleted customer.
        @default(Default::default())
        @skip_if(std::ops::Not::not)
        pub deleted: bool,
    }
}

has_id!(Customer);
