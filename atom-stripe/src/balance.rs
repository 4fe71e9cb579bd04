//! Balance (get), balance transactions and payouts (get, list): reconciliation.

use atom_core::{Checkpoint, Paginator, Result};
use http::Method;
use serde::Serialize;

use crate::Client;
use crate::client::{Call, handler};
use crate::models::{Balance, BalanceTransaction, Payout, PayoutStatus};
use crate::pagination::{self, ListParams, RangeQuery};

/// `GET /v1/balance_transactions` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BalanceTransactionListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only the transactions paid out in this payout (`po_…`): one payout's settlement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout: Option<String>,
    /// Only those caused by this object (`ch_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Only this type (`charge`, `refund`, `payout`, …).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub transaction_type: Option<String>,
    /// Only this currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// `GET /v1/payouts` parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PayoutListParams {
    /// Paging, `created` range and `expand`.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only payouts arriving in this range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_date: Option<RangeQuery>,
    /// Only payouts in this status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<PayoutStatus>,
    /// Only payouts to this bank account or card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
}

handler! {
    /// The balance (`client.balance()`).
    BalanceApi
}

handler! {
    /// Balance transactions (`client.balance_transactions()`).
    BalanceTransactions
}

handler! {
    /// Payouts (`client.payouts()`).
    Payouts
}

impl Client {
    /// The balance.
    pub fn balance(&self) -> BalanceApi {
        BalanceApi::new(self)
    }

    /// Balance transactions.
    pub fn balance_transactions(&self) -> BalanceTransactions {
        BalanceTransactions::new(self)
    }

    /// Payouts.
    pub fn payouts(&self) -> Payouts {
        Payouts::new(self)
    }
}

impl BalanceApi {
    /// The current balance (of the connected account, when one is set).
    pub async fn get(&self) -> Result<Balance> {
        self.send(Call::new(Method::GET, "balance.get", "/v1/balance"))
            .await
    }
}

impl BalanceTransactions {
    /// Gets a balance transaction.
    pub async fn get(&self, id: &str) -> Result<BalanceTransaction> {
        let call = Call::new(
            Method::GET,
            "balance_transactions.get",
            "/v1/balance_transactions/{id}",
        );
        self.send(call.id(id)?).await
    }

    /// Every balance transaction matching the filters, page after page.
    pub fn list(&self, params: &BalanceTransactionListParams) -> Paginator<BalanceTransaction> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(
        &self,
        params: &BalanceTransactionListParams,
        checkpoint: Checkpoint,
    ) -> Paginator<BalanceTransaction> {
        pagination::list(
            &self.client,
            "balance_transactions.list",
            "/v1/balance_transactions",
            params,
            &self.options,
            checkpoint,
        )
    }
}

impl Payouts {
    /// Gets a payout.
    pub async fn get(&self, id: &str) -> Result<Payout> {
        self.send(Call::new(Method::GET, "payouts.get", "/v1/payouts/{id}").id(id)?)
            .await
    }

    /// Every payout matching the filters, page after page.
    pub fn list(&self, params: &PayoutListParams) -> Paginator<Payout> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) resumed from a [`Paginator::checkpoint`] (same parameters).
    pub fn list_from(
        &self,
        params: &PayoutListParams,
        checkpoint: Checkpoint,
    ) -> Paginator<Payout> {
        pagination::list(
            &self.client,
            "payouts.list",
            "/v1/payouts",
            params,
            &self.options,
            checkpoint,
        )
    }
}
