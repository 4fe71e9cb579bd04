//! Composite: up to 25 subrequests in one call, later ones referring to earlier results
//! (`@{newAccount.id}`, `@{refQuery.records[0].Id}`), optionally all-or-none.
//!
//! Salesforce's limits are checked while the request is built, so a request the server
//! would refuse is never sent: at most [`MAX_SUBREQUESTS`] subrequests, of which at most
//! [`MAX_QUERY_OR_COLLECTIONS`] are queries or sObject Collections operations. Composite
//! Graph limits are in [`CompositeGraph`].
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
//! use atom_salesforce::composite::CompositeRequest;
//! use serde_json::json;
//! let request = CompositeRequest::new(true)
//!     .create("newAccount", "Account", &json!({"Name": "Acme"}))?
//!     .create("newContact", "Contact", &json!({"LastName": "Ng", "AccountId": "@{newAccount.id}"}))?
//!     .upsert("ext", "Account", "Ext_Id__c", "A-1/2", &json!({"Name": "Upserted"}))?
//!     .header("Sforce-Auto-Assign", "FALSE")?;
//! let response = client.composite().send(&request).await?;
//! assert!(response.all_succeeded());
//! # Ok(()) }
//! ```

use atom_core::http_util::path_segment;
use atom_core::{Error, Request, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::models::SObject;
use crate::sobjects::collection_record;
use crate::soql::Soql;
use crate::validate::{identifier, record_id};
use crate::{Client, SERVICE};

pub use crate::composite_graph::{
    CompositeGraph, GraphResponse, GraphResult, MAX_GRAPH_NODE_TYPES, MAX_GRAPH_NODES, MAX_GRAPHS,
};

/// Most subrequests in one composite call.
pub const MAX_SUBREQUESTS: usize = 25;

/// Most subrequests of one composite call that may be queries (`query`, `queryAll`) or
/// sObject Collections operations.
pub const MAX_QUERY_OR_COLLECTIONS: usize = 5;

/// Most records in one sObject Collections subrequest.
pub const MAX_COLLECTION_RECORDS: usize = crate::collections::MAX_PER_REQUEST;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Subrequest {
    method: &'static str,
    url: String,
    reference_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Value>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    http_headers: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Path {
    /// `/sobjects/{object}` or `/sobjects/{object}/{id or reference}`.
    Sobject {
        object: String,
        target: Option<String>,
    },
    /// `/sobjects/{object}/{field}/{value}` (the value already escaped).
    External {
        object: String,
        field: String,
        value: String,
    },
    /// `/query?q=` or `/queryAll?q=`.
    Query { all: bool, soql: String },
    /// `/composite/sobjects…` (the rest already escaped).
    Collections(String),
}

impl Path {
    /// Queries and collections count against [`MAX_QUERY_OR_COLLECTIONS`] and are not
    /// graph nodes.
    fn is_query_or_collections(&self) -> bool {
        matches!(self, Path::Query { .. } | Path::Collections(_))
    }

    /// The object a graph node writes or reads.
    pub(crate) fn object(&self) -> Option<&str> {
        match self {
            Path::Sobject { object, .. } | Path::External { object, .. } => Some(object),
            Path::Query { .. } | Path::Collections(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pending {
    pub(crate) method: &'static str,
    pub(crate) path: Path,
    reference_id: String,
    body: Option<Value>,
    headers: Map<String, Value>,
}

/// Which limits a request is built under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Composite,
    Graph,
}

/// A composite request under construction.
#[derive(Debug, Clone, PartialEq)]
pub struct CompositeRequest {
    all_or_none: bool,
    collate: Option<bool>,
    kind: Kind,
    pub(crate) subrequests: Vec<Pending>,
}

/// Checks a reference field path: identifiers joined by `.`, each optionally indexed
/// (`records[0].Id`, `id`).
fn reference_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('.').count() <= 8
        && path.split('.').all(|part| {
            let (name, index) = match part.split_once('[') {
                Some((name, rest)) => match rest.strip_suffix(']') {
                    Some(digits) => (name, Some(digits)),
                    None => return false,
                },
                None => (part, None),
            };
            identifier(name).is_ok()
                && index.is_none_or(|d| {
                    !d.is_empty() && d.len() <= 5 && d.bytes().all(|b| b.is_ascii_digit())
                })
        })
}

/// A record id or a reference to an earlier result: `@{newAccount.id}`,
/// `@{refQuery.records[0].Id}`.
///
/// ```
/// use atom_salesforce::composite::reference_or_id;
/// assert!(reference_or_id("@{refAccounts.records[0].Id}").is_ok());
/// assert!(reference_or_id("001D000000JliSTIAZ").is_ok());
/// assert!(reference_or_id("@{a.records[x].Id}").is_err());
/// assert!(reference_or_id("../x").is_err());
/// ```
pub fn reference_or_id(value: &str) -> Result<String> {
    if let Some(inner) = value.strip_prefix("@{").and_then(|v| v.strip_suffix('}')) {
        let ok = inner.split_once('.').is_some_and(|(reference, field)| {
            identifier(reference).is_ok() && reference_path(field)
        });
        return if ok {
            Ok(value.to_owned())
        } else {
            Err(Error::config(
                SERVICE,
                "a reference looks like @{ref.field} or @{ref.records[0].Id}",
            ))
        };
    }
    record_id(value).map(str::to_owned)
}

fn value(body: &impl Serialize) -> Result<Value> {
    serde_json::to_value(body)
        .map_err(|e| Error::config(SERVICE, format!("body is not serialisable: {e}")))
}

impl CompositeRequest {
    /// An empty request; `all_or_none` rolls back every subrequest if one fails.
    pub fn new(all_or_none: bool) -> Self {
        Self {
            all_or_none,
            collate: None,
            kind: Kind::Composite,
            subrequests: Vec::new(),
        }
    }

    /// The nodes of one graph for [`CompositeGraph`] (up to [`MAX_GRAPH_NODES`]; a graph
    /// is always all-or-none). Only sObject-row subrequests are graph nodes: queries and
    /// collections are refused.
    pub fn graph_nodes() -> Self {
        Self {
            all_or_none: true,
            collate: None,
            kind: Kind::Graph,
            subrequests: Vec::new(),
        }
    }

    /// Sets `collateSubrequests`: whether Salesforce may bulk unrelated subrequests
    /// together (faster; the order of independent subrequests is then not kept; since
    /// API 49.0 Salesforce collates unless told not to, and never collates a subrequest
    /// with headers). Not sent unless set; a graph refuses it.
    pub fn collate_subrequests(mut self, collate: bool) -> Self {
        self.collate = Some(collate);
        self
    }

    pub(crate) fn is_graph(&self) -> bool {
        self.kind == Kind::Graph
    }

    pub(crate) fn collates(&self) -> bool {
        self.collate.is_some()
    }

    fn push(
        mut self,
        method: &'static str,
        reference_id: &str,
        path: Path,
        body: Option<Value>,
    ) -> Result<Self> {
        identifier(reference_id)?;
        let limit = match self.kind {
            Kind::Composite => MAX_SUBREQUESTS,
            Kind::Graph => MAX_GRAPH_NODES,
        };
        if self.subrequests.len() >= limit {
            return Err(Error::config(
                SERVICE,
                format!("a composite request holds at most {limit} subrequests"),
            ));
        }
        if path.is_query_or_collections() {
            if self.kind == Kind::Graph {
                return Err(Error::config(
                    SERVICE,
                    "a Composite Graph node must be an sObject row (/sobjects/...): \
                     queries and collections are not allowed",
                ));
            }
            let heavy = self
                .subrequests
                .iter()
                .filter(|s| s.path.is_query_or_collections())
                .count();
            if heavy >= MAX_QUERY_OR_COLLECTIONS {
                return Err(Error::config(
                    SERVICE,
                    format!(
                        "a composite request holds at most {MAX_QUERY_OR_COLLECTIONS} \
                         query or sObject Collections subrequests"
                    ),
                ));
            }
        }
        if self
            .subrequests
            .iter()
            .any(|s| s.reference_id == reference_id)
        {
            return Err(Error::config(SERVICE, "reference ids must be unique"));
        }
        self.subrequests.push(Pending {
            method,
            path,
            reference_id: reference_id.to_owned(),
            body,
            headers: Map::new(),
        });
        Ok(self)
    }

    /// Creates a record.
    pub fn create(self, reference_id: &str, object: &str, body: &impl Serialize) -> Result<Self> {
        let object = identifier(object)?.to_owned();
        let body = value(body)?;
        self.push(
            "POST",
            reference_id,
            Path::Sobject {
                object,
                target: None,
            },
            Some(body),
        )
    }

    /// Updates a record (by id or reference).
    pub fn update(
        self,
        reference_id: &str,
        object: &str,
        id: &str,
        body: &impl Serialize,
    ) -> Result<Self> {
        let object = identifier(object)?.to_owned();
        let target = Some(reference_or_id(id)?);
        let body = value(body)?;
        self.push(
            "PATCH",
            reference_id,
            Path::Sobject { object, target },
            Some(body),
        )
    }

    /// Creates or updates the record whose external id `field` equals `value`
    /// (`PATCH /sobjects/{object}/{field}/{value}`, the value escaped as a path segment;
    /// the field itself is left out of the body, as Salesforce requires).
    pub fn upsert(
        self,
        reference_id: &str,
        object: &str,
        field: &str,
        external_id: &str,
        body: &impl Serialize,
    ) -> Result<Self> {
        let object = identifier(object)?.to_owned();
        let field = identifier(field)?.to_owned();
        let value_segment = path_segment(SERVICE, external_id)?;
        let mut body = value(body)?;
        if let Value::Object(map) = &mut body {
            map.remove(&field);
        }
        self.push(
            "PATCH",
            reference_id,
            Path::External {
                object,
                field,
                value: value_segment,
            },
            Some(body),
        )
    }

    /// Reads a record (by id or reference).
    pub fn get(self, reference_id: &str, object: &str, id: &str) -> Result<Self> {
        let object = identifier(object)?.to_owned();
        let target = Some(reference_or_id(id)?);
        self.push("GET", reference_id, Path::Sobject { object, target }, None)
    }

    /// Deletes a record (by id or reference).
    pub fn delete(self, reference_id: &str, object: &str, id: &str) -> Result<Self> {
        let object = identifier(object)?.to_owned();
        let target = Some(reference_or_id(id)?);
        self.push(
            "DELETE",
            reference_id,
            Path::Sobject { object, target },
            None,
        )
    }

    /// Runs a SOQL query (`/query`; counts against [`MAX_QUERY_OR_COLLECTIONS`]).
    pub fn query(self, reference_id: &str, soql: &Soql) -> Result<Self> {
        let path = Path::Query {
            all: false,
            soql: soql.as_str().to_owned(),
        };
        self.push("GET", reference_id, path, None)
    }

    /// Runs a SOQL query over deleted and archived rows too (`/queryAll`).
    pub fn query_all(self, reference_id: &str, soql: &Soql) -> Result<Self> {
        let path = Path::Query {
            all: true,
            soql: soql.as_str().to_owned(),
        };
        self.push("GET", reference_id, path, None)
    }

    fn collection_body<T: SObject>(
        records: &[T],
        all_or_none: bool,
        with_id: bool,
    ) -> Result<Value> {
        if records.is_empty() || records.len() > MAX_COLLECTION_RECORDS {
            return Err(Error::config(
                SERVICE,
                format!("a collections subrequest takes 1 to {MAX_COLLECTION_RECORDS} records"),
            ));
        }
        let records = records
            .iter()
            .map(|r| collection_record(r, with_id))
            .collect::<Result<Vec<_>>>()?;
        Ok(serde_json::json!({"allOrNone": all_or_none, "records": records}))
    }

    /// Creates up to 200 records in one sObject Collections subrequest
    /// (`POST /composite/sobjects`).
    pub fn collections_create<T: SObject>(
        self,
        reference_id: &str,
        records: &[T],
        all_or_none: bool,
    ) -> Result<Self> {
        let body = Self::collection_body(records, all_or_none, false)?;
        let path = Path::Collections("/composite/sobjects".to_owned());
        self.push("POST", reference_id, path, Some(body))
    }

    /// Updates up to 200 records (each with its `Id`) in one sObject Collections
    /// subrequest (`PATCH /composite/sobjects`).
    pub fn collections_update<T: SObject>(
        self,
        reference_id: &str,
        records: &[T],
        all_or_none: bool,
    ) -> Result<Self> {
        let body = Self::collection_body(records, all_or_none, true)?;
        let path = Path::Collections("/composite/sobjects".to_owned());
        self.push("PATCH", reference_id, path, Some(body))
    }

    /// Deletes up to 200 records in one sObject Collections subrequest
    /// (`DELETE /composite/sobjects?ids=…&allOrNone=…`).
    pub fn collections_delete(
        self,
        reference_id: &str,
        ids: &[&str],
        all_or_none: bool,
    ) -> Result<Self> {
        if ids.is_empty() || ids.len() > MAX_COLLECTION_RECORDS {
            return Err(Error::config(
                SERVICE,
                format!("a collections subrequest takes 1 to {MAX_COLLECTION_RECORDS} ids"),
            ));
        }
        let ids = ids
            .iter()
            .map(|id| record_id(id))
            .collect::<Result<Vec<_>>>()?
            .join(",");
        let path = Path::Collections(format!(
            "/composite/sobjects?ids={ids}&allOrNone={all_or_none}"
        ));
        self.push("DELETE", reference_id, path, None)
    }

    /// Adds a header to the subrequest added last (`httpHeaders`: `If-Match`,
    /// `If-Modified-Since`, `Sforce-Auto-Assign`, …). A header name must be a valid HTTP
    /// token and a value must hold no line breaks; `Accept`, `Authorization` and
    /// `Content-Type` belong to the outer request and are refused, as Salesforce does;
    /// with no subrequest yet this is an error.
    pub fn header(mut self, name: &str, header_value: &str) -> Result<Self> {
        if ["accept", "authorization", "content-type"]
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h))
        {
            return Err(Error::config(
                SERVICE,
                format!("{name} cannot be set on a composite subrequest"),
            ));
        }
        http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::config(SERVICE, format!("{name:?} is not an HTTP header name")))?;
        http::HeaderValue::from_str(header_value)
            .map_err(|_| Error::config(SERVICE, "a header value must be visible ASCII"))?;
        let last = self
            .subrequests
            .last_mut()
            .ok_or_else(|| Error::config(SERVICE, "add a subrequest before its headers"))?;
        last.headers
            .insert(name.to_owned(), Value::String(header_value.to_owned()));
        Ok(self)
    }

    fn body(&self, client: &Client) -> Value {
        let mut body = serde_json::json!({
            "allOrNone": self.all_or_none,
            "compositeRequest": self.subrequests(client),
        });
        if let (Some(collate), Value::Object(map)) = (self.collate, &mut body) {
            map.insert("collateSubrequests".to_owned(), Value::Bool(collate));
        }
        body
    }

    pub(crate) fn subrequests(&self, client: &Client) -> Vec<Subrequest> {
        self.subrequests
            .iter()
            .map(|s| {
                let url = match &s.path {
                    Path::Sobject { object, target } => match target {
                        Some(t) => client.data_path(&format!("/sobjects/{object}/{t}")),
                        None => client.data_path(&format!("/sobjects/{object}")),
                    },
                    Path::External {
                        object,
                        field,
                        value,
                    } => client.data_path(&format!("/sobjects/{object}/{field}/{value}")),
                    Path::Query { all, soql } => {
                        let q: String =
                            url::form_urlencoded::byte_serialize(soql.as_bytes()).collect();
                        let resource = if *all { "queryAll" } else { "query" };
                        client.data_path(&format!("/{resource}?q={q}"))
                    }
                    Path::Collections(rest) => client.data_path(rest),
                };
                Subrequest {
                    method: s.method,
                    url,
                    reference_id: s.reference_id.clone(),
                    body: s.body.clone(),
                    http_headers: s.headers.clone(),
                }
            })
            .collect()
    }
}

/// One subrequest's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SubResponse {
    /// The body (a save result, a record, an error array).
    #[serde(default)]
    pub body: Value,
    /// Response headers (`Location`).
    #[serde(default)]
    pub http_headers: Map<String, Value>,
    /// The status.
    pub http_status_code: u16,
    /// The reference id.
    pub reference_id: String,
}

/// The composite response, subresponses in request order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CompositeResponse {
    /// The subresponses.
    pub composite_response: Vec<SubResponse>,
}

impl CompositeResponse {
    /// A subresponse by reference id.
    pub fn get(&self, reference_id: &str) -> Option<&SubResponse> {
        self.composite_response
            .iter()
            .find(|r| r.reference_id == reference_id)
    }

    /// Whether every subrequest returned 2xx.
    pub fn all_succeeded(&self) -> bool {
        self.composite_response
            .iter()
            .all(|r| (200..300).contains(&r.http_status_code))
    }
}

/// Composite calls; from [`Client::composite`].
#[derive(Debug, Clone)]
pub struct Composite {
    pub(crate) client: Client,
}

impl Client {
    /// Composite requests.
    pub fn composite(&self) -> Composite {
        Composite {
            client: self.clone(),
        }
    }
}

impl Composite {
    /// Sends the request (`POST /composite`). A request built by
    /// [`CompositeRequest::graph_nodes`] belongs in a [`CompositeGraph`] and is refused.
    pub async fn send(&self, request: &CompositeRequest) -> Result<CompositeResponse> {
        if request.subrequests.is_empty() {
            return Err(Error::config(
                SERVICE,
                "a composite request needs a subrequest",
            ));
        }
        if request.is_graph() {
            return Err(Error::config(
                SERVICE,
                "graph nodes are sent with send_graphs, inside a CompositeGraph",
            ));
        }
        let req = Request::post(self.client.data_path("/composite"))
            .operation("composite")
            .path_template("/services/data/vXX.X/composite")
            .json(&request.body(&self.client));
        self.client.send(req).await?.json()
    }
}
