//! The fields of a generic [`Record`](super::Record), kept as compact JSON text until read.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use serde::de::MapAccess;
use serde_json::{Map, Value};

use super::field_text::{Capture, Index, push_json_string};

/// The fields of a [`Record`](super::Record) other than `attributes` and `Id`.
///
/// A query page decodes each record's fields into one JSON text (one allocation per record,
/// nothing per field) instead of a tree of maps: a generic record then costs about what
/// its JSON does. [`Fields::get`] (and `Record::get`) decodes only the field asked for,
/// once (the first such read also notes where each field is, so later ones do not scan); anything else that reads through the `serde_json::Map` this type dereferences to
/// (iteration, `len`, `Debug`, …) decodes every field once; a write (`insert`, `remove`, …)
/// works on that map from then on. Values are exactly what `serde_json::Value` gives for
/// the same JSON (numbers beyond `u64`/`i64` become `f64`, as there).
///
/// ```
/// use atom_salesforce::Record;
/// let mut r: Record = serde_json::from_str(r#"{"Id":"001","Name":"Acme","Amount":12.5}"#).unwrap();
/// assert_eq!(r.fields.len(), 2);
/// assert_eq!(r.fields.get("Amount"), Some(&serde_json::json!(12.5)));
/// r.fields.remove("Amount");
/// assert_eq!(r.fields.keys().collect::<Vec<_>>(), ["Name"]);
/// ```
#[derive(Clone, Default)]
pub struct Fields {
    /// `{"key":value,...}` as decoded (empty when there is no field, or once `map` is the
    /// one to change).
    text: String,
    /// The fields decoded, on first read through the map; the only copy once written to.
    map: OnceLock<Map<String, Value>>,
    /// Where each field is in `text` (found on the first [`Fields::get`]), and the values
    /// `get` decoded.
    one: OnceLock<Index>,
}

impl Fields {
    /// An empty set of fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// A field's value; while the fields are text, only this field is decoded (once).
    pub fn get(&self, key: &str) -> Option<&Value> {
        if let Some(map) = self.map.get() {
            return map.get(key);
        }
        if self.text.is_empty() {
            return None;
        }
        self.one
            .get_or_init(|| Index::of(&self.text))
            .get(&self.text, key)
    }

    /// The fields as a map (decoded on the first call).
    pub fn as_map(&self) -> &Map<String, Value> {
        self.map.get_or_init(|| decode(&self.text))
    }

    /// The fields as a map to change.
    pub fn as_map_mut(&mut self) -> &mut Map<String, Value> {
        if self.map.get().is_none() {
            self.map = OnceLock::from(decode(&self.text));
        }
        // From now on the map is the only copy.
        self.text = String::new();
        self.one = OnceLock::new();
        match self.map.get_mut() {
            Some(map) => map,
            None => unreachable!("the map was set just above"),
        }
    }

    /// The fields as an owned map.
    pub fn into_map(mut self) -> Map<String, Value> {
        std::mem::take(self.as_map_mut())
    }

    /// A copy of the fields as a map.
    pub fn to_map(&self) -> Map<String, Value> {
        self.as_map().clone()
    }

    /// Decodes the value of field `key` into the text (the record's map visitor calls it
    /// for every field but `attributes` and `Id`).
    pub(crate) fn push_from<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        if self.text.is_empty() {
            // Room for a typical record at once instead of growing a field at a time.
            self.text.reserve(1024);
            self.text.push('{');
        } else {
            self.text.pop();
            self.text.push(',');
        }
        push_json_string(&mut self.text, key);
        self.text.push(':');
        map.next_value_seed(Capture(&mut self.text))?;
        self.text.push('}');
        Ok(())
    }

    /// Gives back the room reserved while decoding.
    pub(crate) fn finish(&mut self) {
        self.text.shrink_to_fit();
    }
}

/// The map of a [`Fields`] text.
fn decode(text: &str) -> Map<String, Value> {
    if text.is_empty() {
        return Map::new();
    }
    // The text holds values serde_json accepted (checked as a `Value` would be) or wrote
    // itself, nested within `MAX_DEPTH`: it parses.
    serde_json::from_str(text).unwrap_or_default()
}

impl Deref for Fields {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Self::Target {
        self.as_map()
    }
}

impl DerefMut for Fields {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.as_map_mut()
    }
}

impl From<Map<String, Value>> for Fields {
    fn from(map: Map<String, Value>) -> Self {
        Self {
            map: OnceLock::from(map),
            ..Self::default()
        }
    }
}

impl From<Fields> for Map<String, Value> {
    fn from(fields: Fields) -> Self {
        fields.into_map()
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_map().iter()
    }
}

impl PartialEq for Fields {
    fn eq(&self, other: &Self) -> bool {
        self.as_map() == other.as_map()
    }
}

impl fmt::Debug for Fields {
    /// As the map it holds (what `Record`'s `Debug` printed when the fields were a map).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_map(), f)
    }
}
