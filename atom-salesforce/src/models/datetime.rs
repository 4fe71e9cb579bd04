//! Salesforce's date-time text: `2011-07-07T00:37:00.000+0000` (offset without a colon).

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// Parses `2011-07-07T00:37:00.000+0000`, `…+00:00` or `…Z`.
///
/// ```
/// use atom_salesforce::models::datetime::parse;
/// let t = parse("2011-07-07T00:37:00.000+0000").unwrap();
/// assert_eq!(t.to_rfc3339(), "2011-07-07T00:37:00+00:00");
/// ```
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::<FixedOffset>::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Formats as Salesforce writes it (`2024-01-31T00:00:00.000+0000`).
pub fn format(time: &DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

/// `#[serde(with = "…::datetime::option")]` for `Option<DateTime<Utc>>` fields.
pub mod option {
    use super::*;

    /// Serialises `Some(t)` as Salesforce text.
    pub fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => serializer.serialize_str(&format(t)),
            None => serializer.serialize_none(),
        }
    }

    /// Deserialises Salesforce text or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        match text {
            None => Ok(None),
            Some(t) => parse(&t)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("bad date-time {t:?}"))),
        }
    }
}
