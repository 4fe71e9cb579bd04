//! HubSpot timestamps: ISO 8601 (`2019-10-30T03:30:17.883Z`, `2024-06-30`) in object
//! metadata and most date-time properties, epoch milliseconds (`1700000000000`, as a
//! number or as text) in webhooks, property history of older portals and date properties.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads a timestamp in either form; `None` for anything else.
///
/// ```
/// use atom_hubspot::models::parse_timestamp;
/// let iso = parse_timestamp("2019-10-30T03:30:17.883Z").unwrap();
/// let millis = parse_timestamp("1572406217883").unwrap();
/// assert_eq!(iso, millis);
/// assert_eq!(parse_timestamp("2024-06-30").unwrap().timestamp(), 1_719_705_600);
/// assert!(parse_timestamp("soon").is_none());
/// ```
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        if let Ok(millis) = text.parse::<i64>() {
            return DateTime::from_timestamp_millis(millis);
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return date.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        }
        return None;
    }
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A JSON value (text or number) as a timestamp.
pub(crate) fn from_value(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(s) => parse_timestamp(s),
        Value::Number(n) => n.as_i64().and_then(DateTime::from_timestamp_millis),
        _ => None,
    }
}

/// Serde: an optional timestamp in either form; an unreadable one is `None`, not an error
/// (one odd field must not make a whole page undecodable).
pub(crate) fn lenient<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(value.as_ref().and_then(from_value))
}
