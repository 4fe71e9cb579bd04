//! Events: get, list (by type and created range).

use atom_core::{Checkpoint, Paginator, Result};
use http::Method;
use serde::Serialize;

use crate::Client;
use crate::client::{Call, handler};
use crate::models::Event;
use crate::pagination::{self, ListParams};

/// `GET /v1/events` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EventListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this type (`payment_intent.succeeded`, or a wildcard `payment_intent.*`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Only these types (up to 20).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// Only events with webhooks still pending delivery (or delivered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_success: Option<bool>,
}

handler! {
    /// Events (`client.events()`).
    Events
}

impl Client {
    /// Events.
    pub fn events(&self) -> Events {
        Events::new(self)
    }
}

impl Events {
    /// Gets an event (of the last 30 days).
    pub async fn get(&self, id: &str) -> Result<Event> {
        self.send(Call::new(Method::GET, "events.get", "/v1/events/{id}").id(id)?)
            .await
    }

    /// Every event matching the filters, newest first, page after page.
    pub fn list(&self, params: &EventListParams) -> Paginator<Event> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(&self, params: &EventListParams, checkpoint: Checkpoint) -> Paginator<Event> {
        pagination::list(
            &self.client,
            "events.list",
            "/v1/events",
            params,
            &self.options,
            checkpoint,
        )
    }
}
