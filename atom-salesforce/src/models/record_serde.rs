//! `Record`'s JSON form, by hand: one pass over the object, `attributes` and `Id` decoded
//! into their fields and every other field into [`Fields`]' text. (`#[serde(flatten)]`
//! buffered each record into serde's `Content` tree and then rebuilt a map of `Value`s.)

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap as _;
use serde::{Deserialize, Serialize, Serializer};

use super::fields::Fields;
use super::records::{Attributes, Record};

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RecordVisitor)
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
        // `None`: absent; `Some(None)`: sent as `null`. A second `attributes` or `Id` is
        // refused, as the derived decoding did; any other key sent twice keeps the later
        // value, as `serde_json::Map` does.
        let mut attributes: Option<Option<Attributes>> = None;
        let mut id: Option<Option<String>> = None;
        let mut fields = Fields::new();
        while let Some(key) = map.next_key::<atom_core::model::Key<'de>>()? {
            match key.as_str() {
                "attributes" => {
                    if attributes.is_some() {
                        return Err(de::Error::duplicate_field("attributes"));
                    }
                    attributes = Some(map.next_value()?);
                }
                "Id" => {
                    if id.is_some() {
                        return Err(de::Error::duplicate_field("Id"));
                    }
                    id = Some(map.next_value()?);
                }
                other => fields.push_from(other, &mut map)?,
            }
        }
        fields.finish();
        Ok(Record {
            attributes: attributes.flatten(),
            id: id.flatten(),
            fields,
        })
    }
}

impl Serialize for Record {
    /// `attributes` and `Id` when set, then every field (in key order, as the map has
    /// them).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(attributes) = &self.attributes {
            m.serialize_entry("attributes", attributes)?;
        }
        if let Some(id) = &self.id {
            m.serialize_entry("Id", id)?;
        }
        for (k, v) in self.fields.as_map() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}
