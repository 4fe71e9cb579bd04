//! Unknown fields kept as the JSON text the provider sent, decoded only when read.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::ser::SerializeMap as _;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::extra::RedactedJson;

/// Fields a typed model does not name, kept as the exact JSON text the provider sent.
///
/// Large payloads (a GitHub issue carries some forty fields a caller rarely reads) cost one
/// copy of each unknown field's text here, instead of a `serde_json::Value` tree built for
/// data nobody reads; a field is decoded when it is asked for. Re-encoding writes the text
/// back unchanged, and `Debug` hides the values of secret-naming keys like [`Extra`](crate::Extra).
///
/// Needs a JSON deserializer that can hand over raw text (`serde_json::from_slice`,
/// `from_str`, `from_reader`, or a `serde_json::Value`), which is how every crate here
/// decodes.
///
/// ```
/// use atom_core::RawFields;
/// #[derive(serde::Deserialize)]
/// struct Model {
///     id: u64,
///     #[serde(flatten)]
///     rest: std::collections::HashMap<String, Box<serde_json::value::RawValue>>,
/// }
/// let m: Model = serde_json::from_str(r#"{"id":1,"score":1.5,"token":"s3cr3t"}"#).unwrap();
/// let mut fields = RawFields::default();
/// for (k, v) in m.rest {
///     fields.insert(k, v);
/// }
/// assert_eq!(fields.get("score"), Some(serde_json::json!(1.5)));
/// assert_eq!(fields.get_as::<f64>("score").and_then(Result::ok), Some(1.5));
/// assert!(!format!("{fields:?}").contains("s3cr3t"));
/// ```
#[derive(Clone, Default)]
pub struct RawFields(Vec<(String, Box<RawValue>)>);

impl RawFields {
    /// Keeps a field. A key sent twice is kept twice, as sent; reads see the later one
    /// (what serde_json's map does), and nothing searches on insert, which runs for every
    /// unknown field of every object decoded.
    pub fn insert(&mut self, key: String, value: Box<RawValue>) {
        if self.0.capacity() == 0 {
            // Objects that have unknown fields usually have many (a GitHub user: 15).
            self.0.reserve(16);
        }
        self.0.push((key, value));
    }

    /// Whether the provider sent this field.
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// The field's JSON text as sent.
    pub fn get_raw(&self, key: &str) -> Option<&RawValue> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_ref())
    }

    /// The field decoded as a JSON value.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.get_raw(key)
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    }

    /// The field decoded as `T`, or the decoding error.
    pub fn get_as<T: DeserializeOwned>(&self, key: &str) -> Option<serde_json::Result<T>> {
        self.get_raw(key).map(|raw| serde_json::from_str(raw.get()))
    }

    /// How many fields are kept (a key sent twice counts twice).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no field is kept.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The field names, in the order the provider sent them.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The fields, in the order the provider sent them.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_ref()))
    }

    /// Every field decoded, as a map.
    pub fn to_map(&self) -> Map<String, Value> {
        self.0
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), serde_json::from_str(v.get()).ok()?)))
            .collect()
    }
}

impl PartialEq for RawFields {
    /// The same keys with the same JSON text, in the same order.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|((k, v), (ok, ov))| k == ok && v.get() == ov.get())
    }
}

impl Serialize for RawFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl fmt::Debug for RawFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&RedactedJson(&Value::Object(self.to_map())), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned())
            .unwrap_or_else(|_| RawValue::from_string("null".to_owned()).unwrap_or_default())
    }

    #[test]
    fn keeps_text_and_decodes_on_demand() {
        let mut fields = RawFields::default();
        fields.insert("n".into(), raw("12345678901234567890"));
        fields.insert("user".into(), raw(r#"{"login":"octocat","token":"ghs_x"}"#));
        fields.insert("n".into(), raw("7"));
        assert_eq!(fields.len(), 3);
        assert_eq!(fields.get("n"), Some(serde_json::json!(7)));
        assert_eq!(
            fields.get_raw("user").map(RawValue::get),
            Some(r#"{"login":"octocat","token":"ghs_x"}"#)
        );
        assert!(fields.get("missing").is_none());
        let out = serde_json::to_string(&fields).unwrap_or_default();
        assert_eq!(
            out,
            r#"{"n":12345678901234567890,"user":{"login":"octocat","token":"ghs_x"},"n":7}"#
        );
        let shown = format!("{fields:?}");
        assert!(
            shown.contains("octocat") && !shown.contains("ghs_x"),
            "{shown}"
        );
    }
}
