//! Unknown fields kept as the JSON text the provider sent, decoded only when read.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
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

    /// Keeps a field from borrowed parts.
    pub fn insert_raw(&mut self, key: &str, value: &RawValue) {
        self.push_field(key, value.get());
    }

    /// Reads the next value of `map` as JSON text and keeps it under `key` (what model
    /// decoding uses). The text goes straight from the input into this buffer: no
    /// `Box<RawValue>` is allocated per field when the input can be borrowed
    /// (`serde_json::from_str`, `from_slice`), and a copy is made only when it cannot.
    ///
    /// ```
    /// use atom_core::RawFields;
    /// use serde::de::{Deserializer as _, MapAccess, Visitor};
    /// struct Keep;
    /// impl<'de> Visitor<'de> for Keep {
    ///     type Value = RawFields;
    ///     fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         f.write_str("an object")
    ///     }
    ///     fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFields, A::Error> {
    ///         let mut fields = RawFields::default();
    ///         while let Some(key) = map.next_key::<String>()? {
    ///             fields.insert_next_value(&key, &mut map)?;
    ///         }
    ///         Ok(fields)
    ///     }
    /// }
    /// let mut de = serde_json::Deserializer::from_str(r#"{"a": [1, 2], "b":"x"}"#);
    /// let fields = de.deserialize_map(Keep).unwrap();
    /// assert_eq!(fields.get_raw("a").map(|v| v.get()), Some("[1, 2]"));
    /// ```
    pub fn insert_next_value<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        map.next_value_seed(RawInto { fields: self, key })
    }

    /// Appends `"key":value` to the object text.
    fn push_field(&mut self, key: &str, value: &str) {
        // Room for this field and the closing brace at once, and for several more fields
        // on the first insert (objects with unknown fields usually have many).
        let needed = key.len() + value.len() + 6;
        let text = &mut self.text;
        if text.is_empty() {
            text.reserve(needed.max(FIRST_CAPACITY));
            text.push('{');
        } else {
            text.reserve(needed);
            // Replace the closing brace.
            text.truncate(text.len() - 1);
            text.push(',');
        }
        push_json_string(text, key);
        text.push(':');
        text.push_str(value);
        text.push('}');
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

/// The buffer's first size: a typical Stripe object's unknown fields fit (about 900 bytes
/// for a customer), so most objects allocate once; larger ones double from there.
const FIRST_CAPACITY: usize = 1024;

/// Appends `s` as a JSON string; the common key (nothing to escape) is copied as is.
fn push_json_string(out: &mut String, s: &str) {
    if !needs_escape(s.as_bytes()) {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&Value::String(s.to_owned()).to_string());
    }
}

/// Whether a JSON string of these bytes needs an escape: a control character, `"` or `\`.
/// Eight bytes at a time (every unknown field's key goes through here).
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte of `w` is zero: the classic test, exact for "is there any".
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH != 0;
    let (words, tail) = bytes.as_chunks::<8>();
    for word in words {
        let w = u64::from_le_bytes(*word);
        // Below 0x20 (a byte < 0x20 borrows through its high bit without having it set).
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0;
        if control || has_zero(w ^ (ONES * u64::from(b'"'))) || has_zero(w ^ (ONES * 0x5c)) {
            return true;
        }
    }
    tail.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// The name serde_json gives its raw-value request (`serde_json::value::RawValue`'s own
/// `Deserialize` uses it; it is not public API). A deserializer that does not know it
/// answers with `visit_newtype_struct`, where [`RawVisitor`] falls back to `Box<RawValue>`:
/// the same text, with one allocation more.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Decodes one value as its JSON text into a [`RawFields`].
struct RawInto<'a> {
    fields: &'a mut RawFields,
    key: &'a str,
}

impl<'de> DeserializeSeed<'de> for RawInto<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_newtype_struct(RAW_VALUE_TOKEN, RawVisitor(self))
    }
}

/// serde_json answers the raw-value request with a one-entry map: the token, then the text
/// (borrowed from the input when it can be, owned otherwise).
struct RawVisitor<'a>(RawInto<'a>);

impl<'de> Visitor<'de> for RawVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        match map.next_key::<Key<'de>>()? {
            Some(key) if key.as_str() == RAW_VALUE_TOKEN => map.next_value_seed(RawText(self.0)),
            _ => Err(de::Error::custom("unexpected raw value")),
        }
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let value = Box::<RawValue>::deserialize(d)?;
        self.0.fields.push_field(self.0.key, value.get());
        Ok(())
    }
}

/// The text part of serde_json's raw-value answer: `visit_str` sees the borrowed and the
/// owned text alike (serde forwards both to it), so both are copied once, into the buffer.
struct RawText<'a>(RawInto<'a>);

impl<'de> DeserializeSeed<'de> for RawText<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for RawText<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("raw JSON text")
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.0.fields.push_field(self.0.key, text);
        Ok(())
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

    /// A deserializer that does not know serde_json's raw-value name answers with
    /// `visit_newtype_struct`: the field is still kept, as the same text.
    #[test]
    fn a_deserializer_without_raw_values_falls_back() {
        let mut fields = RawFields::default();
        let visitor = RawVisitor(RawInto {
            fields: &mut fields,
            key: "k",
        });
        let mut de = serde_json::Deserializer::from_str(r#"{"a": [1, "b"]}"#);
        assert!(visitor.visit_newtype_struct(&mut de).is_ok());
        assert_eq!(
            fields.get_raw("k").map(RawValue::get),
            Some(r#"{"a": [1, "b"]}"#)
        );
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::proptest_config(10_000))]

        /// The word-at-a-time test agrees with the byte-at-a-time one on any text, and
        /// whatever the key, the kept text parses back to that key and value.
        #[test]
        fn keys_are_escaped_exactly_when_needed(
            key in proptest::prop_oneof![
                "\\PC{0,40}",
                "[a-z_\"\\\\\\x00-\\x1f\\x7f\u{e9}]{0,40}",
            ],
        ) {
            let naive = key.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
            proptest::prop_assert_eq!(needs_escape(key.as_bytes()), naive);
            let mut fields = RawFields::default();
            fields.insert_raw("a", &raw("1"));
            fields.insert_raw(&key, &raw("[true]"));
            let keys: Vec<String> = fields.keys().map(|k| k.into_owned()).collect();
            proptest::prop_assert_eq!(keys, vec!["a".to_owned(), key.clone()]);
            proptest::prop_assert_eq!(fields.get(&key), Some(serde_json::json!([true])));
        }
    }
}
