//! Decoding QuickBooks answers in one pass: the entity (or query page) and any `Fault` the
//! answer carries, whatever the HTTP status. The entity's key (`"Invoice"`) depends on the
//! type, so the envelopes are read with a hand-written visitor rather than a derive.

use std::fmt;
use std::marker::PhantomData;

use atom_core::{ApiResponse, Error, Result};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::SERVICE;
use crate::error::{Fault, fault_error};
use crate::models::Entity;

fn fail(response: &ApiResponse, fault: &Fault) -> Error {
    fault_error(fault, Some(response.status.as_u16()))
        .with_status(response.status.as_u16())
        .with_request_id_opt(response.meta.request_id.clone())
}

fn decode_error(response: &ApiResponse, e: &serde_json::Error) -> Error {
    Error::decode(SERVICE, format!("unexpected QuickBooks answer: {e}"))
        .with_status(response.status.as_u16())
        .with_request_id_opt(response.meta.request_id.clone())
}

/// `{"Invoice": {...}, "time": ...}` or `{"Fault": {...}}`.
struct EntityEnvelope<T> {
    entity: Option<T>,
    fault: Option<Fault>,
}

impl<'de, T: Entity> Deserialize<'de> for EntityEnvelope<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Entity> Visitor<'de> for V<T> {
            type Value = EntityEnvelope<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an object with {}", T::NAME)
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = EntityEnvelope {
                    entity: None,
                    fault: None,
                };
                while let Some(key) = map.next_key::<String>()? {
                    if key == T::NAME {
                        out.entity = Some(map.next_value()?);
                    } else if key == "Fault" || key == "fault" {
                        out.fault = Some(map.next_value()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// Decodes an entity answer; a `Fault` is its error.
pub(crate) fn entity<T: Entity>(response: &ApiResponse) -> Result<T> {
    let envelope: EntityEnvelope<T> =
        serde_json::from_slice(&response.body).map_err(|e| decode_error(response, &e))?;
    if let Some(fault) = &envelope.fault {
        return Err(fail(response, fault));
    }
    envelope.entity.ok_or_else(|| {
        Error::decode(SERVICE, format!("the answer holds no {}", T::NAME))
            .with_status(response.status.as_u16())
            .with_request_id_opt(response.meta.request_id.clone())
    })
}

/// One page of a query answer.
#[derive(Debug)]
pub(crate) struct QueryPage<T> {
    pub items: Vec<T>,
    pub start_position: Option<u64>,
    pub max_results: Option<u64>,
    pub total_count: Option<u64>,
}

struct QueryBody<T>(QueryPage<T>);

impl<'de, T: Entity> Deserialize<'de> for QueryBody<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Entity> Visitor<'de> for V<T> {
            type Value = QueryBody<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a QueryResponse object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut page = QueryPage {
                    items: Vec::new(),
                    start_position: None,
                    max_results: None,
                    total_count: None,
                };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        k if k == T::NAME => page.items = map.next_value()?,
                        "startPosition" => page.start_position = map.next_value()?,
                        "maxResults" => page.max_results = map.next_value()?,
                        "totalCount" => page.total_count = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(QueryBody(page))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

struct QueryEnvelope<T> {
    page: Option<QueryPage<T>>,
    fault: Option<Fault>,
}

impl<'de, T: Entity> Deserialize<'de> for QueryEnvelope<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Entity> Visitor<'de> for V<T> {
            type Value = QueryEnvelope<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a query answer")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = QueryEnvelope {
                    page: None,
                    fault: None,
                };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "QueryResponse" => out.page = Some(map.next_value::<QueryBody<T>>()?.0),
                        "Fault" | "fault" => out.fault = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// Decodes a query answer; a `Fault` (QuickBooks sends query faults with HTTP 200 too) is
/// its error.
pub(crate) fn query_page<T: Entity>(response: &ApiResponse) -> Result<QueryPage<T>> {
    let envelope: QueryEnvelope<T> =
        serde_json::from_slice(&response.body).map_err(|e| decode_error(response, &e))?;
    if let Some(fault) = &envelope.fault {
        return Err(fail(response, fault));
    }
    envelope.page.ok_or_else(|| {
        Error::decode(SERVICE, "the answer holds no QueryResponse")
            .with_status(response.status.as_u16())
            .with_request_id_opt(response.meta.request_id.clone())
    })
}

/// Decodes any JSON answer after checking it for a `Fault`.
pub(crate) fn json<T: de::DeserializeOwned>(response: &ApiResponse) -> Result<T> {
    crate::client::check_fault(response)?;
    response.json()
}
