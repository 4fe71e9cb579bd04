//! Composite: up to 25 subrequests in one call, later ones referring to earlier results
//! (`@{newAccount.id}`), optionally all-or-none.
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
//! use atom_salesforce::composite::CompositeRequest;
//! use serde_json::json;
//! let request = CompositeRequest::new(true)
//!     .create("newAccount", "Account", &json!({"Name": "Acme"}))?
//!     .create("newContact", "Contact", &json!({"LastName": "Ng", "AccountId": "@{newAccount.id}"}))?;
//! let response = client.composite().send(&request).await?;
//! assert!(response.all_succeeded());
//! # Ok(()) }
//! ```

use atom_core::{Error, Request, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::soql::Soql;
use crate::validate::{field_path, identifier, record_id};
use crate::{Client, SERVICE};

/// Most subrequests in one composite call.
pub const MAX_SUBREQUESTS: usize = 25;

/// Most nodes (subrequests) in one graph of a Composite Graph call.
pub const MAX_GRAPH_NODES: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Subrequest {
    method: &'static str,
    url: String,
    reference_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
enum Path {
    Sobject {
        object: String,
        target: Option<String>,
    },
    Query(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Pending {
    method: &'static str,
    path: Path,
    reference_id: String,
    body: Option<Value>,
}

/// A composite request under construction.
#[derive(Debug, Clone, PartialEq)]
pub struct CompositeRequest {
    all_or_none: bool,
    limit: usize,
    subrequests: Vec<Pending>,
}

/// A record id or a reference to an earlier result (`@{newAccount.id}`).
fn target(value: &str) -> Result<String> {
    if let Some(inner) = value.strip_prefix("@{").and_then(|v| v.strip_suffix('}')) {
        let (reference, field) = inner
            .split_once('.')
            .ok_or_else(|| Error::config(SERVICE, "a reference looks like @{ref.field}"))?;
        identifier(reference)?;
        field_path(field)?;
        return Ok(value.to_owned());
    }
    record_id(value).map(str::to_owned)
}

impl CompositeRequest {
    /// An empty request; `all_or_none` rolls back every subrequest if one fails.
    pub fn new(all_or_none: bool) -> Self {
        Self {
            all_or_none,
            limit: MAX_SUBREQUESTS,
            subrequests: Vec::new(),
        }
    }

    /// The nodes of one graph for [`CompositeGraph`] (up to [`MAX_GRAPH_NODES`]; a graph
    /// is always all-or-none).
    pub fn graph_nodes() -> Self {
        Self {
            all_or_none: true,
            limit: MAX_GRAPH_NODES,
            subrequests: Vec::new(),
        }
    }

    fn push(
        mut self,
        method: &'static str,
        reference_id: &str,
        path: Path,
        body: Option<Value>,
    ) -> Result<Self> {
        identifier(reference_id)?;
        if self.subrequests.len() >= self.limit {
            return Err(Error::config(
                SERVICE,
                format!(
                    "a composite request holds at most {} subrequests",
                    self.limit
                ),
            ));
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
        });
        Ok(self)
    }

    fn value(body: &impl Serialize) -> Result<Value> {
        serde_json::to_value(body)
            .map_err(|e| Error::config(SERVICE, format!("body is not serialisable: {e}")))
    }

    /// Creates a record.
    pub fn create(self, reference_id: &str, object: &str, body: &impl Serialize) -> Result<Self> {
        let object = identifier(object)?.to_owned();
        let body = Self::value(body)?;
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
        let target = Some(target(id)?);
        let body = Self::value(body)?;
        self.push(
            "PATCH",
            reference_id,
            Path::Sobject { object, target },
            Some(body),
        )
    }

    /// Reads a record (by id or reference).
    pub fn get(self, reference_id: &str, object: &str, id: &str) -> Result<Self> {
        let object = identifier(object)?.to_owned();
        let target = Some(target(id)?);
        self.push("GET", reference_id, Path::Sobject { object, target }, None)
    }

    /// Deletes a record (by id or reference).
    pub fn delete(self, reference_id: &str, object: &str, id: &str) -> Result<Self> {
        let object = identifier(object)?.to_owned();
        let target = Some(target(id)?);
        self.push(
            "DELETE",
            reference_id,
            Path::Sobject { object, target },
            None,
        )
    }

    /// Runs a SOQL query.
    pub fn query(self, reference_id: &str, soql: &Soql) -> Result<Self> {
        self.push(
            "GET",
            reference_id,
            Path::Query(soql.as_str().to_owned()),
            None,
        )
    }

    fn body(&self, client: &Client) -> Value {
        serde_json::json!({
            "allOrNone": self.all_or_none,
            "compositeRequest": self.subrequests(client),
        })
    }

    fn subrequests(&self, client: &Client) -> Vec<Subrequest> {
        self.subrequests
            .iter()
            .map(|s| {
                let url = match &s.path {
                    Path::Sobject { object, target } => match target {
                        Some(t) => client.data_path(&format!("/sobjects/{object}/{t}")),
                        None => client.data_path(&format!("/sobjects/{object}")),
                    },
                    Path::Query(q) => {
                        let q: String =
                            url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
                        client.data_path(&format!("/query?q={q}"))
                    }
                };
                Subrequest {
                    method: s.method,
                    url,
                    reference_id: s.reference_id.clone(),
                    body: s.body.clone(),
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
    client: Client,
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
    /// Sends the request (`POST /composite`).
    pub async fn send(&self, request: &CompositeRequest) -> Result<CompositeResponse> {
        if request.subrequests.is_empty() {
            return Err(Error::config(
                SERVICE,
                "a composite request needs a subrequest",
            ));
        }
        let req = Request::post(self.client.data_path("/composite"))
            .operation("composite")
            .path_template("/services/data/vXX.X/composite")
            .json(&request.body(&self.client));
        self.client.send(req).await?.json()
    }
}

/// Composite Graph: several independent graphs in one call, each all-or-none, with up to
/// [`MAX_GRAPH_NODES`] related writes per graph.
///
/// ```no_run
/// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
/// use atom_salesforce::composite::{CompositeGraph, CompositeRequest};
/// use serde_json::json;
/// let order = CompositeRequest::graph_nodes()
///     .create("acct", "Account", &json!({"Name": "Acme"}))?
///     .create("opp", "Opportunity", &json!({"Name": "Acme deal", "AccountId": "@{acct.id}",
///         "StageName": "Prospecting", "CloseDate": "2025-03-31"}))?;
/// let result = client.composite().send_graphs(&CompositeGraph::new().graph("order1", order)?).await?;
/// assert!(result.graphs.iter().all(|g| g.is_successful));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompositeGraph {
    graphs: Vec<(String, CompositeRequest)>,
}

impl CompositeGraph {
    /// No graphs yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a graph; `graph_id` must be unique and an identifier.
    pub fn graph(mut self, graph_id: &str, nodes: CompositeRequest) -> Result<Self> {
        identifier(graph_id)?;
        if nodes.subrequests.is_empty() {
            return Err(Error::config(SERVICE, "a graph needs at least one node"));
        }
        if self.graphs.iter().any(|(id, _)| id == graph_id) {
            return Err(Error::config(SERVICE, "graph ids must be unique"));
        }
        self.graphs.push((graph_id.to_owned(), nodes));
        Ok(self)
    }
}

/// One graph's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GraphResult {
    /// The graph id.
    pub graph_id: String,
    /// Whether every node succeeded (otherwise the whole graph was rolled back).
    pub is_successful: bool,
    /// The nodes' responses.
    pub graph_response: CompositeResponse,
}

/// The Composite Graph response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GraphResponse {
    /// One result per graph, in request order.
    pub graphs: Vec<GraphResult>,
}

impl Composite {
    /// Sends graphs (`POST /composite/graph`).
    pub async fn send_graphs(&self, graphs: &CompositeGraph) -> Result<GraphResponse> {
        if graphs.graphs.is_empty() {
            return Err(Error::config(SERVICE, "no graph to send"));
        }
        let body = serde_json::json!({
            "graphs": graphs
                .graphs
                .iter()
                .map(|(id, nodes)| serde_json::json!({
                    "graphId": id,
                    "compositeRequest": nodes.subrequests(&self.client),
                }))
                .collect::<Vec<_>>(),
        });
        let req = Request::post(self.client.data_path("/composite/graph"))
            .operation("composite.graph")
            .path_template("/services/data/vXX.X/composite/graph")
            .json(&body);
        self.client.send(req).await?.json()
    }
}
