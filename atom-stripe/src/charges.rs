//! Charges: get, list, search (create charges through PaymentIntents).

use atom_core::{Checkpoint, Paginator, Result};
use http::Method;
use serde::Serialize;

use crate::Client;
use crate::client::{Call, handler};
use crate::models::Charge;
use crate::pagination::{self, ListParams, SearchParams};

/// `GET /v1/charges` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChargeListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this customer's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Only this PaymentIntent's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_intent: Option<String>,
}

handler! {
    /// Charges (`client.charges()`).
    Charges
}

impl Client {
    /// Charges.
    pub fn charges(&self) -> Charges {
        Charges::new(self)
    }
}

impl Charges {
    /// Gets a charge.
    pub async fn get(&self, id: &str) -> Result<Charge> {
        self.send(Call::new(Method::GET, "charges.get", "/v1/charges/{id}").id(id)?)
            .await
    }

    /// Every charge matching the filters, page after page.
    pub fn list(&self, params: &ChargeListParams) -> Paginator<Charge> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(
        &self,
        params: &ChargeListParams,
        checkpoint: Checkpoint,
    ) -> Paginator<Charge> {
        pagination::list(
            &self.client,
            "charges.list",
            "/v1/charges",
            params,
            &self.options,
            checkpoint,
        )
    }

    /// Every charge matching a search query, page after page.
    pub fn search(&self, params: &SearchParams) -> Paginator<Charge> {
        self.search_from(params, Checkpoint::default())
    }

    /// [`search`](Self::search) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn search_from(&self, params: &SearchParams, checkpoint: Checkpoint) -> Paginator<Charge> {
        pagination::search(
            &self.client,
            "charges.search",
            "/v1/charges/search",
            params,
            &self.options,
            checkpoint,
        )
    }
}
