//! Hand-written decoding of the generic wrappers (`List<T>`, `SearchResult<T>`,
//! `Expandable<T>`): serde's `flatten` and `untagged` would buffer every item into its
//! private `Content` tree first, which costs more than the items' own decoding and keeps
//! their unknown fields from being kept as raw JSON text.

use std::fmt;
use std::marker::PhantomData;

use atom_core::RawFields;
use atom_core::model::{Key, Missing};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::common::{Expandable, List, SearchResult};

impl<T> Missing for List<T> {
    fn missing<E: de::Error>(name: &'static str) -> Result<Self, E> {
        Err(E::missing_field(name))
    }
}

impl<T> Missing for Expandable<T> {
    fn missing<E: de::Error>(name: &'static str) -> Result<Self, E> {
        Err(E::missing_field(name))
    }
}

fn required<T, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Stripe list object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<List<T>, A::Error> {
                let (mut object, mut data, mut has_more, mut url) = (None, None, None, None);
                let mut extra = RawFields::default();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    match key.as_str() {
                        "object" => object = Some(map.next_value()?),
                        "data" => data = Some(map.next_value()?),
                        "has_more" => has_more = Some(map.next_value()?),
                        "url" => url = Some(map.next_value()?),
                        _ => extra.insert_next_value(key.as_str(), &mut map)?,
                    }
                }
                Ok(List {
                    object: required(object, "object")?,
                    data: required(data, "data")?,
                    has_more: required(has_more, "has_more")?,
                    url: required(url, "url")?,
                    extra,
                })
            }
        }
        d.deserialize_map(ListVisitor(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for SearchResult<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SearchVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for SearchVisitor<T> {
            type Value = SearchResult<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Stripe search_result object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SearchResult<T>, A::Error> {
                let (mut object, mut data, mut has_more, mut url) = (None, None, None, None);
                let (mut next_page, mut total_count) = (None, None);
                let mut extra = RawFields::default();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    match key.as_str() {
                        "object" => object = Some(map.next_value()?),
                        "data" => data = Some(map.next_value()?),
                        "has_more" => has_more = Some(map.next_value()?),
                        "url" => url = Some(map.next_value()?),
                        "next_page" => next_page = map.next_value()?,
                        "total_count" => total_count = map.next_value()?,
                        _ => extra.insert_next_value(key.as_str(), &mut map)?,
                    }
                }
                Ok(SearchResult {
                    object: required(object, "object")?,
                    data: required(data, "data")?,
                    has_more: required(has_more, "has_more")?,
                    next_page,
                    total_count,
                    url: required(url, "url")?,
                    extra,
                })
            }
        }
        d.deserialize_map(SearchVisitor(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ExpandableVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ExpandableVisitor<T> {
            type Value = Expandable<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id or an expanded object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Expandable<T>, E> {
                Ok(Expandable::Id(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Expandable<T>, E> {
                Ok(Expandable::Id(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Expandable<T>, A::Error> {
                let object = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Expandable::Object(Box::new(object)))
            }
        }
        d.deserialize_any(ExpandableVisitor(PhantomData))
    }
}
