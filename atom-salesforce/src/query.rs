//! SOQL queries (`query`, `queryAll`) as streams, aggregate queries and SOSL search.

use atom_core::{Checkpoint, Paginator, Request, Result};
use futures::TryStreamExt as _;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::models::{AggregateRow, Record};
use crate::pagination::{Scope, query_stream};
use crate::soql::Soql;
use crate::sosl::Sosl;

#[derive(Deserialize)]
#[serde(untagged)]
enum SearchResponse {
    Wrapped {
        #[serde(rename = "searchRecords")]
        search_records: Vec<Record>,
    },
    Bare(Vec<Record>),
}

impl Client {
    /// Every record the statement matches, as a stream that follows `nextRecordsUrl` to the
    /// end (the next page is fetched while the current one is consumed).
    /// [`Paginator::total`] is Salesforce's `totalSize`, known once the first page arrives.
    ///
    /// ```no_run
    /// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
    /// use futures::TryStreamExt as _;
    /// use atom_salesforce::{Account, soql::{Filter, Query}};
    /// let soql = Query::select(["Id", "Name"]).from("Account")
    ///     .filter(Filter::eq("BillingCountry", "Norway")).build()?;
    /// let accounts: Vec<Account> = client.query(&soql).try_collect().await?;
    /// # let _ = accounts; Ok(()) }
    /// ```
    pub fn query<T: DeserializeOwned + Send + 'static>(&self, soql: &Soql) -> Paginator<T> {
        self.query_from(soql, Checkpoint::default())
    }

    /// Resumes a [`Client::query`] stream from a checkpoint taken with
    /// [`Paginator::checkpoint`] (the `nextRecordsUrl` of the page being read and how many of
    /// its records were handed out).
    pub fn query_from<T: DeserializeOwned + Send + 'static>(
        &self,
        soql: &Soql,
        checkpoint: Checkpoint,
    ) -> Paginator<T> {
        query_stream(self, soql.as_str(), Scope::Live, checkpoint)
    }

    /// As [`Client::query`], including deleted and archived records (`queryAll`).
    pub fn query_all<T: DeserializeOwned + Send + 'static>(&self, soql: &Soql) -> Paginator<T> {
        self.query_all_from(soql, Checkpoint::default())
    }

    /// Resumes a [`Client::query_all`] stream from a checkpoint.
    pub fn query_all_from<T: DeserializeOwned + Send + 'static>(
        &self,
        soql: &Soql,
        checkpoint: Checkpoint,
    ) -> Paginator<T> {
        query_stream(self, soql.as_str(), Scope::All, checkpoint)
    }

    /// Rows of an aggregate query (`GROUP BY`, `COUNT`, `SUM`, …), every page.
    pub async fn aggregate(&self, soql: &Soql) -> Result<Vec<AggregateRow>> {
        let mut rows: Vec<AggregateRow> = self.query(soql).try_collect().await?;
        for row in &mut rows {
            row.values.remove("attributes");
        }
        Ok(rows)
    }

    /// Runs a SOSL search (`GET /search?q=`); records of every returned object, in order.
    /// Not a stream: Salesforce answers a search in one response (at most 2 000 records)
    /// with no next page.
    pub async fn search(&self, sosl: &Sosl) -> Result<Vec<Record>> {
        let request = Request::get(self.data_path("/search"))
            .query("q", sosl.as_str())
            .operation("search")
            .path_template("/services/data/vXX.X/search");
        let response: SearchResponse = self.send(request).await?.json()?;
        Ok(match response {
            SearchResponse::Wrapped { search_records } => search_records,
            SearchResponse::Bare(records) => records,
        })
    }
}
