//! Unknown fields kept as the JSON text the provider sent, decoded only when read.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::extra::RedactedJson;
use crate::model::Key;

/// Fields a typed model does not name, kept as the exact JSON text the provider sent.
///
/// Large payloads (a GitHub issue carries some forty fields a caller rarely reads) cost one
/// copy of each unknown field's text here, instead of a `serde_json::Value` tree built for
/// data nobody reads; a field is decoded when it is asked for. Re-encoding writes the text
/// back unchanged, and `Debug` hides the values of secret-naming keys like [`Extra`](crate::Extra).
///
/// Needs a JSON deserializer that can hand over raw text (`serde_json::from_slice`,
/// `from_str`, `from_reader`, or a `serde_json::Value`), which is how every crate here
/// decodes; not serde's `flatten` or `untagged` buffering (see [`model!`](crate::model!)).
///
/// ```
/// use atom_core::RawFields;
/// use serde_json::value::RawValue;
/// let mut fields = RawFields::default();
/// fields.insert("score".into(), RawValue::from_string("1.50".into()).unwrap());
/// fields.insert("token".into(), RawValue::from_string(r#""s3cr3t""#.into()).unwrap());
/// assert_eq!(fields.get_raw("score").map(RawValue::get), Some("1.50"));
/// assert_eq!(fields.get_as::<f64>("score").and_then(Result::ok), Some(1.5));
/// assert!(!format!("{fields:?}").contains("s3cr3t"));
/// ```
#[derive(Clone, Default)]
pub struct RawFields {
    /// `{"key":value,...}` as one JSON object text (empty when there is no field): one
    /// growing buffer per object instead of two allocations per field.
    text: String,
    count: usize,
}

impl RawFields {
    /// Keeps a field. A key sent twice is kept twice, as sent; reads see the later one
    /// (what serde_json's map does).
    pub fn insert(&mut self, key: String, value: Box<RawValue>) {
        self.insert_raw(&key, &value);
    }

    /// Keeps a field from borrowed parts (what model decoding uses: nothing is kept
    /// allocated per field).
    pub fn insert_raw(&mut self, key: &str, value: &RawValue) {
        let value = value.get();
        // Room for this field and the closing brace at once, and for several more fields
        // on the first insert (objects with unknown fields usually have many).
        let needed = key.len() + value.len() + 6;
        if self.text.is_empty() {
            self.text.reserve(needed.max(512));
            self.text.push('{');
        } else {
            self.text.reserve(needed);
            self.text.pop();
            self.text.push(',');
        }
        push_json_string(&mut self.text, key);
        self.text.push(':');
        self.text.push_str(value);
        self.text.push('}');
        self.count += 1;
    }

    /// The fields, in the order the provider sent them (keys borrowed when they need no
    /// unescaping).
    pub fn iter(&self) -> impl Iterator<Item = (Cow<'_, str>, &RawValue)> {
        let entries: Vec<(Key<'_>, &RawValue)> = if self.text.is_empty() {
            Vec::new()
        } else {
            // The text was written by `insert_raw` from valid parts, so it parses.
            serde_json::from_str::<Entries<'_>>(&self.text)
                .map(|e| e.0)
                .unwrap_or_default()
        };
        entries.into_iter().map(|(k, v)| (k.into_cow(), v))
    }

    /// Whether the provider sent this field.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get_raw(key).is_some()
    }

    /// The field's JSON text as sent.
    pub fn get_raw(&self, key: &str) -> Option<&RawValue> {
        self.iter().filter(|(k, _)| k == key).last().map(|(_, v)| v)
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
        self.count
    }

    /// Whether no field is kept.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The field names, in the order the provider sent them.
    pub fn keys(&self) -> impl Iterator<Item = Cow<'_, str>> {
        self.iter().map(|(k, _)| k)
    }

    /// Every field decoded, as a map.
    pub fn to_map(&self) -> Map<String, Value> {
        if self.text.is_empty() {
            return Map::new();
        }
        serde_json::from_str(&self.text).unwrap_or_default()
    }
}

/// Appends `s` as a JSON string; the common key (nothing to escape) is copied as is.
fn push_json_string(out: &mut String, s: &str) {
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&Value::String(s.to_owned()).to_string());
    }
}

/// The entries of a [`RawFields`] text, borrowed from it.
struct Entries<'a>(Vec<(Key<'a>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'de>, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    entries.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(EntriesVisitor)
    }
}

impl PartialEq for RawFields {
    /// The same keys with the same JSON text, in the same order.
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Serialize for RawFields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.count))?;
        for (k, v) in self.iter() {
            map.serialize_entry(&k, v)?;
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
