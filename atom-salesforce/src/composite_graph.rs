//! Composite Graph: several independent graphs in one call, each all-or-none, with
//! Salesforce's payload limits checked as graphs are added (so an over-limit payload is
//! never sent): at most [`MAX_GRAPHS`] graphs, [`MAX_GRAPH_NODES`] nodes in all, and
//! [`MAX_GRAPH_NODE_TYPES`] different node types (HTTP method and object).

use std::collections::BTreeSet;

use atom_core::{Error, Request, Result};
use serde::{Deserialize, Serialize};

use crate::SERVICE;
use crate::composite::{Composite, CompositeRequest, CompositeResponse};

/// Most nodes in one graph, and in one payload across its graphs.
pub const MAX_GRAPH_NODES: usize = 500;

/// Most graphs in one payload.
pub const MAX_GRAPHS: usize = 75;

/// Most different node types in one payload; nodes differ when their HTTP method or their
/// object differs (the API version is the client's, the same for every node).
pub const MAX_GRAPH_NODE_TYPES: usize = 15;

/// Salesforce's rules for a graph id: starts with a letter or digit (`"1"` is fine), under
/// 40 characters, no `.`.
fn graph_id(id: &str) -> Result<&str> {
    let ok = id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && id.len() < 40
        && !id.contains('.')
        && !id.chars().any(char::is_control);
    if ok {
        Ok(id)
    } else {
        Err(Error::config(
            SERVICE,
            "a graph id starts with a letter or digit, is under 40 characters and has no '.'",
        ))
    }
}

/// Composite Graph: several independent graphs in one call, each all-or-none, with up to
/// [`MAX_GRAPH_NODES`] related writes in all.
///
/// ```no_run
/// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
/// use atom_salesforce::composite::{CompositeGraph, CompositeRequest};
/// use serde_json::json;
/// let order = CompositeRequest::graph_nodes()
///     .create("acct", "Account", &json!({"Name": "Acme"}))?
///     .create("opp", "Opportunity", &json!({"Name": "Acme deal", "AccountId": "@{acct.id}",
///         "StageName": "Prospecting", "CloseDate": "2025-03-31"}))?;
/// let result = client.composite().send_graphs(&CompositeGraph::new().graph("1", order)?).await?;
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

    /// Adds a graph built by [`CompositeRequest::graph_nodes`]. `graph_id` must be unique,
    /// start with a letter or digit, be under 40 characters and hold no `.`. Refused when
    /// it would break a payload limit ([`MAX_GRAPHS`], [`MAX_GRAPH_NODES`] in all,
    /// [`MAX_GRAPH_NODE_TYPES`]).
    pub fn graph(mut self, id: &str, nodes: CompositeRequest) -> Result<Self> {
        graph_id(id)?;
        if !nodes.is_graph() || nodes.collates() {
            return Err(Error::config(
                SERVICE,
                "graph nodes come from CompositeRequest::graph_nodes (no collateSubrequests)",
            ));
        }
        if nodes.subrequests.is_empty() {
            return Err(Error::config(SERVICE, "a graph needs at least one node"));
        }
        if self.graphs.iter().any(|(existing, _)| existing == id) {
            return Err(Error::config(SERVICE, "graph ids must be unique"));
        }
        if self.graphs.len() >= MAX_GRAPHS {
            return Err(Error::config(
                SERVICE,
                format!("a Composite Graph payload holds at most {MAX_GRAPHS} graphs"),
            ));
        }
        let total = self
            .graphs
            .iter()
            .map(|(_, g)| g.subrequests.len())
            .sum::<usize>()
            .saturating_add(nodes.subrequests.len());
        if total > MAX_GRAPH_NODES {
            return Err(Error::config(
                SERVICE,
                format!("a Composite Graph payload holds at most {MAX_GRAPH_NODES} nodes"),
            ));
        }
        let types: BTreeSet<(&str, String)> = self
            .graphs
            .iter()
            .map(|(_, g)| g)
            .chain(std::iter::once(&nodes))
            .flat_map(|g| g.subrequests.iter())
            .map(|s| {
                let object = s.path.object().unwrap_or_default().to_ascii_lowercase();
                (s.method, object)
            })
            .collect();
        if types.len() > MAX_GRAPH_NODE_TYPES {
            return Err(Error::config(
                SERVICE,
                format!(
                    "a Composite Graph payload holds at most {MAX_GRAPH_NODE_TYPES} node \
                     types (method and object pairs); it would hold {}",
                    types.len()
                ),
            ));
        }
        self.graphs.push((id.to_owned(), nodes));
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
