//! Batch read, create, update, upsert and archive of CRM records.
//!
//! HubSpot takes at most 100 inputs a call: larger inputs are split into calls of 100 (up
//! to four in flight, each paced by the portal's limit), and the answers are put back in
//! input order. HubSpot does not promise to answer in input order, so every input carries
//! an `objectWriteTraceId` (its index) that the results echo; reads are matched by id or
//! by the `idProperty` value. A `207 Multi-Status` answer's `errors[]` are matched to the
//! inputs their `context` names (`ids`, `objectWriteTraceId`); an error that names none is
//! given to every input of its call left without a result, and a call that fails as a
//! whole gives its error to each of its inputs. Nothing is dropped.
//!
//! ```no_run
//! # async fn demo(client: atom_hubspot::Client) -> atom_core::Result<()> {
//! use atom_hubspot::BatchUpsertInput;
//! let inputs: Vec<BatchUpsertInput> = (0..250)
//!     .map(|i| BatchUpsertInput::new(format!("user{i}@example.com")).property("firstname", "Ann"))
//!     .collect();
//! let outcome = client.contacts().batch_upsert("email", &inputs).await?; // 3 calls
//! for (index, error) in outcome.failed() {
//!     eprintln!("input {index}: {error}");
//! }
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, HashMap};

use atom_core::{Error, Result};
use futures::{StreamExt as _, TryFutureExt as _};
use http::{HeaderMap, StatusCode};
use serde::Serialize;
use serde_json::{Value, json};

use crate::SERVICE;
use crate::models::batch::BatchBody;
use crate::models::{BatchResult, CrmObject, ObjectCreateParams};
use crate::objects::{Objects, check_properties};
use crate::validate;

/// The most inputs HubSpot takes in one batch call.
pub const BATCH_LIMIT: usize = 100;
/// Batch calls in flight at once for one large input.
pub const BATCH_CONCURRENCY: usize = 4;

/// What a batch read returns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchReadParams {
    /// Properties to return.
    pub properties: Vec<String>,
    /// Properties to return with history.
    pub properties_with_history: Vec<String>,
    /// Read by this unique property's values instead of record ids.
    pub id_property: Option<String>,
    /// Read archived records.
    pub archived: bool,
}

/// One record of a batch update: its id (or unique value, with `id_property`) and changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BatchUpdateInput {
    /// The record id, or the unique property value.
    pub id: String,
    /// The unique property `id` is a value of.
    #[serde(rename = "idProperty", skip_serializing_if = "Option::is_none")]
    pub id_property: Option<String>,
    /// Property values to set.
    pub properties: BTreeMap<String, String>,
}

impl BatchUpdateInput {
    /// Changes to record `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }

    /// Sets a property.
    pub fn property(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }
}

/// One record of a batch upsert: the unique property value and the properties to set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchUpsertInput {
    /// The unique property's value (an email).
    pub value: String,
    /// Property values to set.
    pub properties: BTreeMap<String, String>,
}

impl BatchUpsertInput {
    /// A record keyed by `value` of the upsert's unique property.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            properties: BTreeMap::new(),
        }
    }

    /// Sets a property.
    pub fn property(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }
}

/// `{"inputs": [...]}`.
#[derive(Serialize)]
struct Inputs<T> {
    inputs: Vec<T>,
}

/// One write input, serialised straight from the caller's data (no intermediate JSON tree).
#[derive(Serialize)]
struct WriteInput<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(rename = "idProperty", skip_serializing_if = "Option::is_none")]
    id_property: Option<&'a str>,
    properties: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    associations: Option<&'a [crate::models::AssociationInput]>,
    /// The input's index in its call, sent as text.
    #[serde(rename = "objectWriteTraceId", serialize_with = "as_text")]
    trace: usize,
}

fn as_text<S: serde::Serializer>(n: &usize, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(n)
}

/// How an input is recognised in an answer.
///
/// Its index within its call is its `objectWriteTraceId` on writes.
#[derive(Debug, Clone, Copy)]
struct Key<'a> {
    /// The record id or unique value it names, if any.
    id: Option<&'a str>,
}

/// How answers are matched to inputs.
#[derive(Debug, Clone)]
enum Match {
    /// By `objectWriteTraceId`, else by position when nothing else matches.
    Trace,
    /// By record id (after the trace id).
    Id,
    /// By a unique property's value, case-insensitively (HubSpot lowercases emails).
    Property(String),
}

fn empty_refused(action: &str) -> Error {
    Error::config(
        SERVICE,
        format!("a batch {action} needs at least one input"),
    )
}

impl Objects {
    fn batch_path(&self, action: &str) -> Result<String> {
        Ok(format!("{}/batch/{action}", self.base()?))
    }

    /// `POST /crm/v3/objects/{type}/batch/read`: records by id (or by `id_property` value).
    pub async fn batch_read<S: AsRef<str>>(
        &self,
        ids: &[S],
        params: &BatchReadParams,
    ) -> Result<BatchResult<CrmObject>> {
        if ids.is_empty() {
            return Err(empty_refused("read"));
        }
        validate::property_names(&params.properties)?;
        validate::property_names(&params.properties_with_history)?;
        if let Some(p) = &params.id_property {
            validate::property_name(p)?;
        }
        let ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
        for id in &ids {
            validate::body_id("record id", id)?;
        }
        let matcher = match &params.id_property {
            Some(p) => Match::Property(p.clone()),
            None => Match::Id,
        };
        // The unique property is read too, so each record can be matched to its input.
        let mut properties = params.properties.clone();
        if let Some(p) = &params.id_property
            && !properties.contains(p)
        {
            properties.push(p.clone());
        }
        let chunks = ids
            .chunks(BATCH_LIMIT)
            .map(|chunk| {
                let inputs: Vec<Value> = chunk.iter().map(|id| json!({ "id": id })).collect();
                let mut body = json!({
                    "inputs": inputs,
                    "properties": properties,
                    "propertiesWithHistory": params.properties_with_history,
                });
                if let Some(p) = &params.id_property {
                    body["idProperty"] = json!(p);
                }
                let keys = chunk.iter().map(|id| Key { id: Some(*id) }).collect();
                (body, keys)
            })
            .collect();
        self.run("read", params.archived, chunks, matcher).await
    }

    /// `POST /crm/v3/objects/{type}/batch/create`.
    pub async fn batch_create(
        &self,
        inputs: &[ObjectCreateParams],
    ) -> Result<BatchResult<CrmObject>> {
        if inputs.is_empty() {
            return Err(empty_refused("create"));
        }
        for input in inputs {
            check_properties(input.properties.keys())?;
        }
        let chunks = inputs
            .chunks(BATCH_LIMIT)
            .map(|chunk| {
                let keys: Vec<Key<'_>> = chunk.iter().map(|_| Key { id: None }).collect();
                let inputs: Vec<WriteInput<'_>> = chunk
                    .iter()
                    .enumerate()
                    .map(|(trace, input)| WriteInput {
                        id: None,
                        id_property: None,
                        properties: &input.properties,
                        associations: Some(&input.associations),
                        trace,
                    })
                    .collect();
                (Inputs { inputs }, keys)
            })
            .collect();
        self.run("create", false, chunks, Match::Trace).await
    }

    /// `POST /crm/v3/objects/{type}/batch/update`.
    pub async fn batch_update(
        &self,
        inputs: &[BatchUpdateInput],
    ) -> Result<BatchResult<CrmObject>> {
        if inputs.is_empty() {
            return Err(empty_refused("update"));
        }
        let mut id_property: Option<&str> = None;
        for input in inputs {
            check_properties(input.properties.keys())?;
            validate::body_id("record id", &input.id)?;
            if let Some(p) = &input.id_property {
                validate::property_name(p)?;
                if id_property.is_some_and(|q| q != p) {
                    return Err(Error::config(
                        SERVICE,
                        "a batch update takes one idProperty for all its inputs",
                    ));
                }
                id_property = Some(p);
            }
        }
        let matcher = match id_property {
            Some(p) => Match::Property(p.to_owned()),
            None => Match::Id,
        };
        let chunks = inputs
            .chunks(BATCH_LIMIT)
            .map(|chunk| {
                let keys: Vec<Key<'_>> = chunk
                    .iter()
                    .map(|input| Key {
                        id: Some(input.id.as_str()),
                    })
                    .collect();
                let inputs: Vec<WriteInput<'_>> = chunk
                    .iter()
                    .enumerate()
                    .map(|(trace, input)| WriteInput {
                        id: Some(&input.id),
                        id_property: input.id_property.as_deref(),
                        properties: &input.properties,
                        associations: None,
                        trace,
                    })
                    .collect();
                (Inputs { inputs }, keys)
            })
            .collect();
        self.run("update", false, chunks, matcher).await
    }

    /// `POST /crm/v3/objects/{type}/batch/upsert`: creates or updates records keyed by a
    /// unique property (`email` for contacts, `domain` is not unique: use a custom unique
    /// property for companies). Each result's [`CrmObject::is_new`] says which happened.
    pub async fn batch_upsert(
        &self,
        id_property: &str,
        inputs: &[BatchUpsertInput],
    ) -> Result<BatchResult<CrmObject>> {
        if inputs.is_empty() {
            return Err(empty_refused("upsert"));
        }
        validate::property_name(id_property)?;
        for input in inputs {
            check_properties(input.properties.keys())?;
            validate::body_id("unique value", &input.value)?;
        }
        let chunks = inputs
            .chunks(BATCH_LIMIT)
            .map(|chunk| {
                let keys: Vec<Key<'_>> = chunk
                    .iter()
                    .map(|input| Key {
                        id: Some(input.value.as_str()),
                    })
                    .collect();
                let inputs: Vec<WriteInput<'_>> = chunk
                    .iter()
                    .enumerate()
                    .map(|(trace, input)| WriteInput {
                        id: Some(&input.value),
                        id_property: Some(id_property),
                        properties: &input.properties,
                        associations: None,
                        trace,
                    })
                    .collect();
                (Inputs { inputs }, keys)
            })
            .collect();
        self.run(
            "upsert",
            false,
            chunks,
            Match::Property(id_property.to_owned()),
        )
        .await
    }

    /// `POST /crm/v3/objects/{type}/batch/archive`: HubSpot answers `204` with no
    /// per-record detail, so each input of a call that succeeded is `Ok(())`.
    pub async fn batch_archive<S: AsRef<str>>(&self, ids: &[S]) -> Result<BatchResult<()>> {
        if ids.is_empty() {
            return Err(empty_refused("archive"));
        }
        let ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
        for id in &ids {
            validate::body_id("record id", id)?;
        }
        let path = self.batch_path("archive")?;
        let calls = ids.chunks(BATCH_LIMIT).map(|chunk| {
            let inputs: Vec<Value> = chunk.iter().map(|id| json!({ "id": id })).collect();
            let request = atom_core::Request::post(path.clone())
                .operation("objects.batch_archive")
                .path_template("/crm/v3/objects/{objectType}/batch/archive")
                .json(&json!({ "inputs": inputs }));
            let len = chunk.len();
            self.client
                .send(request)
                .map_ok(move |_| len)
                .map_err(move |e| (e, len))
        });
        let answers: Vec<std::result::Result<usize, (Error, usize)>> = futures::stream::iter(calls)
            .buffered(BATCH_CONCURRENCY)
            .collect()
            .await;
        let mut items = Vec::with_capacity(ids.len());
        for answer in answers {
            match answer {
                Ok(len) => items.extend((0..len).map(|_| Ok(()))),
                Err((e, len)) => items.extend((0..len).map(|_| Err(e.clone()))),
            }
        }
        Ok(BatchResult {
            requests: ids.len().div_ceil(BATCH_LIMIT),
            items,
        })
    }

    /// Sends every call (up to [`BATCH_CONCURRENCY`] at once) and puts the answers in
    /// input order.
    async fn run<B: Serialize>(
        &self,
        action: &'static str,
        archived: bool,
        chunks: Vec<(B, Vec<Key<'_>>)>,
        matcher: Match,
    ) -> Result<BatchResult<CrmObject>> {
        let path = self.batch_path(action)?;
        let requests = chunks.len();
        let calls = chunks.into_iter().map(|(body, keys)| {
            let mut request = atom_core::Request::post(path.clone())
                .operation(match action {
                    "read" => "objects.batch_read",
                    "create" => "objects.batch_create",
                    "update" => "objects.batch_update",
                    _ => "objects.batch_upsert",
                })
                .path_template(match action {
                    "read" => "/crm/v3/objects/{objectType}/batch/read",
                    "create" => "/crm/v3/objects/{objectType}/batch/create",
                    "update" => "/crm/v3/objects/{objectType}/batch/update",
                    _ => "/crm/v3/objects/{objectType}/batch/upsert",
                })
                .json(&body);
            if archived {
                request = request.query("archived", "true");
            }
            if action == "read" {
                // A read changes nothing: a 5xx is resent like a GET.
                request = request.read_only();
            }
            let client = self.client.clone();
            async move {
                let answer = client.send(request).await;
                (answer, keys)
            }
        });
        let answers: Vec<_> = futures::stream::iter(calls)
            .buffered(BATCH_CONCURRENCY)
            .collect()
            .await;
        let mut items = Vec::new();
        for (answer, keys) in answers {
            match answer.and_then(|r| r.json::<BatchBody<CrmObject>>().map(|b| (r.status, b))) {
                Ok((status, body)) => items.extend(assign(&keys, body, &matcher, status)),
                Err(e) => items.extend(keys.iter().map(|_| Err(e.clone()))),
            }
        }
        Ok(BatchResult { items, requests })
    }
}

/// The per-input outcome of one call's answer, in the order of `keys`.
fn assign(
    keys: &[Key<'_>],
    body: BatchBody<CrmObject>,
    matcher: &Match,
    status: StatusCode,
) -> Vec<std::result::Result<CrmObject, Error>> {
    let mut slots: Vec<Option<std::result::Result<CrmObject, Error>>> = vec![None; keys.len()];
    let mut unmatched = Vec::new();
    // The inputs by lower-cased id (HubSpot lowercases emails), built only when a result
    // carries no usable trace id; an id may repeat among the inputs.
    let mut by_id: Option<HashMap<String, Vec<usize>>> = None;
    let mut ids = |value: &str| -> Vec<usize> {
        by_id
            .get_or_insert_with(|| {
                let mut map: HashMap<String, Vec<usize>> = HashMap::new();
                for (i, k) in keys.iter().enumerate() {
                    if let Some(id) = k.id {
                        map.entry(id.to_ascii_lowercase()).or_default().push(i);
                    }
                }
                map
            })
            .get(&value.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default()
    };
    for result in body.results {
        let traced = result
            .extra
            .get("objectWriteTraceId")
            .and_then(|v| v.as_str().and_then(|t| t.parse::<usize>().ok()))
            .filter(|i| *i < keys.len());
        let found = match (traced, matcher) {
            (Some(i), _) => vec![i],
            (None, Match::Trace) => Vec::new(),
            (None, Match::Id) => ids(&result.id),
            (None, Match::Property(name)) => match result.property(name) {
                Some(value) => ids(value),
                None => Vec::new(),
            },
        };
        let Some((&last, rest)) = found.split_last() else {
            unmatched.push(result);
            continue;
        };
        for &i in rest {
            if let Some(slot) = slots.get_mut(i) {
                *slot = Some(Ok(result.clone()));
            }
        }
        if let Some(slot) = slots.get_mut(last) {
            *slot = Some(Ok(result));
        }
    }
    // Results that named no input: by position among the inputs left, when they fit
    // exactly (a create answered without trace ids).
    let open: Vec<usize> = (0..keys.len())
        .filter(|i| slots.get(*i).is_some_and(Option::is_none))
        .collect();
    if !unmatched.is_empty() && unmatched.len() == open.len() && body.errors.is_empty() {
        for (i, result) in open.into_iter().zip(unmatched) {
            if let Some(slot) = slots.get_mut(i) {
                *slot = Some(Ok(result));
            }
        }
    }
    for error in &body.errors {
        let (ids, traces) = error_names(error);
        let mapped = item_error(error);
        let targets: Vec<usize> = positions(keys, |i, k| {
            traces.iter().any(|t| t.parse::<usize>().ok() == Some(i))
                || k.id
                    .is_some_and(|id| ids.iter().any(|n| id.eq_ignore_ascii_case(n)))
        });
        let targets = if targets.is_empty() {
            // An error that names no input belongs to the inputs left without a result.
            (0..keys.len())
                .filter(|i| slots.get(*i).is_some_and(Option::is_none))
                .collect()
        } else {
            targets
        };
        for i in targets {
            if let Some(slot) = slots.get_mut(i)
                && !matches!(slot, Some(Ok(_)))
            {
                *slot = Some(Err(mapped.clone()));
            }
        }
    }
    slots
        .into_iter()
        .map(|slot| {
            slot.unwrap_or_else(|| {
                Err(Error::decode(
                    SERVICE,
                    format!(
                        "HubSpot answered the batch ({status}) without a result for this input"
                    ),
                ))
            })
        })
        .collect()
}

fn positions(keys: &[Key<'_>], pred: impl Fn(usize, &Key<'_>) -> bool) -> Vec<usize> {
    keys.iter()
        .enumerate()
        .filter(|(i, k)| pred(*i, k))
        .map(|(i, _)| i)
        .collect()
}

/// The inputs an `errors[]` entry names in its `context` (record ids or unique values
/// under `ids` / `id`; trace ids under `objectWriteTraceId`), or in the contexts of its own
/// `errors[]`. The two are kept apart: a trace id `"2"` is not record `2`.
fn error_names(error: &Value) -> (Vec<String>, Vec<String>) {
    fn texts(value: Option<&Value>, out: &mut Vec<String>) {
        match value {
            Some(Value::Array(values)) => out.extend(values.iter().filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })),
            Some(Value::String(s)) => out.push(s.clone()),
            Some(Value::Number(n)) => out.push(n.to_string()),
            _ => {}
        }
    }
    fn from_context(context: Option<&Value>, ids: &mut Vec<String>, traces: &mut Vec<String>) {
        let Some(context) = context.and_then(Value::as_object) else {
            return;
        };
        texts(context.get("ids"), ids);
        texts(context.get("id"), ids);
        texts(context.get("objectWriteTraceId"), traces);
    }
    let (mut ids, mut traces) = (Vec::new(), Vec::new());
    from_context(error.get("context"), &mut ids, &mut traces);
    if let Some(details) = error.get("errors").and_then(Value::as_array) {
        for detail in details {
            from_context(detail.get("context"), &mut ids, &mut traces);
        }
    }
    (ids, traces)
}

/// One `errors[]` entry as a core error (kind from its category).
fn item_error(error: &Value) -> Error {
    let status = error
        .get("status")
        .and_then(|s| match s {
            Value::String(s) => s.parse::<u16>().ok(),
            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            _ => None,
        })
        .and_then(|s| StatusCode::from_u16(s).ok())
        .filter(|s| s.is_client_error() || s.is_server_error())
        .unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::to_vec(error).unwrap_or_default();
    crate::error::map_error(status, &HeaderMap::new(), &body, chrono::Utc::now())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn record(id: &str, email: &str, trace: Option<usize>) -> CrmObject {
        let mut v = json!({"id": id, "properties": {"email": email}});
        if let Some(t) = trace {
            v["objectWriteTraceId"] = json!(t.to_string());
        }
        serde_json::from_value(v).unwrap_or_else(|_| unreachable!())
    }

    proptest! {
        #![proptest_config(atom_core::testing::proptest_config(500))]

        /// Whatever order HubSpot answers in, whichever inputs it refuses, and whether it
        /// echoes trace ids: one outcome per input, in input order, each success the
        /// record of its own input.
        #[test]
        fn every_input_gets_its_own_outcome(
            n in 1usize..40,
            order in proptest::collection::vec(any::<u32>(), 40),
            refused in proptest::collection::vec(any::<bool>(), 40),
            traced in any::<bool>(),
        ) {
            let emails: Vec<String> = (0..n).map(|i| format!("User{i}@Example.com")).collect();
            let keys: Vec<Key<'_>> = emails.iter().map(|e| Key { id: Some(e) }).collect();
            let mut answered: Vec<usize> = (0..n).filter(|i| !refused[*i]).collect();
            answered.sort_by_key(|i| order[*i]);
            let results = answered
                .iter()
                .map(|&i| record(&format!("{}", 1000 + i), &emails[i].to_lowercase(), traced.then_some(i)))
                .collect();
            let errors = (0..n)
                .filter(|i| refused[*i])
                .map(|i| json!({"status": "error", "category": "VALIDATION_ERROR", "message": "no",
                                "context": {"ids": [emails[i].clone()]}}))
                .collect();
            let out = assign(&keys, BatchBody { results, errors }, &Match::Property("email".into()), StatusCode::MULTI_STATUS);
            prop_assert_eq!(out.len(), n);
            for (i, outcome) in out.iter().enumerate() {
                match outcome {
                    Ok(r) => {
                        prop_assert!(!refused[i]);
                        prop_assert_eq!(&r.id, &format!("{}", 1000 + i));
                    }
                    Err(e) => {
                        prop_assert!(refused[i]);
                        prop_assert_eq!(e.kind(), atom_core::ErrorKind::InvalidRequest);
                    }
                }
            }
        }
    }
}
