//! SOQL queries (`query`, `queryAll`) as streams, aggregate queries and SOSL search.

use atom_core::{Checkpoint, Paginator, Request, Result};
use futures::TryStreamExt as _;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::models::{AggregateRow, Record};
use crate::pagination::{ChildPages, Scope, query_stream};
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

/// How [`Client::query_with`] runs a statement.
///
/// ```
/// use atom_salesforce::{ChildPages, QueryParams};
/// let params = QueryParams { include_deleted: true, children: ChildPages::Leave };
/// assert_ne!(params, QueryParams::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueryParams {
    /// Also return deleted and archived records (`queryAll`). A checkpoint that names a
    /// scope (every checkpoint this crate hands out does) keeps its own.
    pub include_deleted: bool,
    /// What to do with child-relationship subquery results Salesforce cut short
    /// (default: follow them, so each record arrives with every child).
    pub children: ChildPages,
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
    /// [`Paginator::checkpoint`] (the page being read and how many of its records were
    /// handed out). The checkpoint names its scope: one taken from a
    /// [`Client::query_all`] stream resumes on `queryAll` here too, deleted rows included.
    pub fn query_from<T: DeserializeOwned + Send + 'static>(
        &self,
        soql: &Soql,
        checkpoint: Checkpoint,
    ) -> Paginator<T> {
        self.query_with(soql, &QueryParams::default(), checkpoint)
    }

    /// [`Client::query`] or [`Client::query_all`] with a choice of how truncated child
    /// lists are treated ([`QueryParams`]), from a checkpoint (`Checkpoint::default()`: the
    /// beginning).
    ///
    /// Child-relationship subqueries (`SELECT Name, (SELECT LastName FROM Contacts) FROM
    /// Account`) come back per record as a nested query result; when a record has many
    /// children Salesforce sends the first batch with `done: false` and a `nextRecordsUrl`.
    /// With [`ChildPages::Follow`] (the default of every query method) the stream fetches
    /// the rest before handing the record out, so the nested list holds every child and
    /// says `done: true` ([`QueryResult::is_complete`](crate::models::QueryResult::is_complete));
    /// the records of one page of parents are then all in memory together. With
    /// [`ChildPages::Leave`] records come as sent, and [`Client::children`] walks a
    /// truncated list when the caller wants it.
    pub fn query_with<T: DeserializeOwned + Send + 'static>(
        &self,
        soql: &Soql,
        params: &QueryParams,
        checkpoint: Checkpoint,
    ) -> Paginator<T> {
        let scope = if params.include_deleted {
            Scope::All
        } else {
            Scope::Live
        };
        query_stream(self, soql.as_str(), scope, params.children, checkpoint)
    }

    /// As [`Client::query`], including deleted and archived records (`queryAll`).
    pub fn query_all<T: DeserializeOwned + Send + 'static>(&self, soql: &Soql) -> Paginator<T> {
        self.query_all_from(soql, Checkpoint::default())
    }

    /// Resumes a [`Client::query_all`] stream from a checkpoint (which keeps its scope,
    /// as with [`Client::query_from`]).
    pub fn query_all_from<T: DeserializeOwned + Send + 'static>(
        &self,
        soql: &Soql,
        checkpoint: Checkpoint,
    ) -> Paginator<T> {
        let params = QueryParams {
            include_deleted: true,
            ..QueryParams::default()
        };
        self.query_with(soql, &params, checkpoint)
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
