//! Apex REST (`/services/apexrest/...`) and Tooling API queries on the client's request
//! path: the same auth, token refresh, retries, limits and error mapping as every other
//! call.
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
//! use atom_salesforce::apex::ApexCall;
//! use futures::TryStreamExt as _;
//! use serde_json::{Value, json};
//! // POST /services/apexrest/Invoices/v1/A%2F1?dryRun=true
//! let call = ApexCall::post(&["Invoices", "v1", "A/1"])?
//!     .query("dryRun", "true")
//!     .json(&json!({"amount": 120.5}))?;
//! let answer: Value = client.apex(&call).await?;
//! let soql = atom_salesforce::soql::Soql::from_static("SELECT Id, Name FROM ApexClass");
//! let classes: Vec<atom_salesforce::Record> = client.tooling_query(&soql).try_collect().await?;
//! # let _ = (answer, classes); Ok(()) }
//! ```

use atom_core::http_util::path_segment;
use atom_core::{Checkpoint, Error, Page, Paginator, Request, Result};
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::models::QueryResult;
use crate::pagination::next_cursor;
use crate::soql::Soql;
use crate::{Client, SERVICE};

/// Most path segments in an Apex REST call.
const MAX_SEGMENTS: usize = 32;

/// One Apex REST call: a method, a path under `/services/apexrest/` given as segments
/// (each escaped, so `A/1` stays one segment and `..` is refused), query parameters and a
/// JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApexCall {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
}

impl ApexCall {
    /// A call with any method. `segments` name the `@RestResource` URL mapping and what
    /// follows (`["Invoices", "v1", id]`); at least one, at most 32.
    pub fn new(method: Method, segments: &[&str]) -> Result<Self> {
        if segments.is_empty() || segments.len() > MAX_SEGMENTS {
            return Err(Error::config(
                SERVICE,
                format!("an Apex REST path has 1 to {MAX_SEGMENTS} segments"),
            ));
        }
        let escaped = segments
            .iter()
            .map(|s| path_segment(SERVICE, s))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            method,
            path: format!("/services/apexrest/{}", escaped.join("/")),
            query: Vec::new(),
            body: None,
        })
    }

    /// A GET.
    pub fn get(segments: &[&str]) -> Result<Self> {
        Self::new(Method::GET, segments)
    }

    /// A POST (add the body with [`ApexCall::json`]).
    pub fn post(segments: &[&str]) -> Result<Self> {
        Self::new(Method::POST, segments)
    }

    /// Adds a query parameter (escaped when sent).
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the JSON body.
    pub fn json(mut self, body: &impl Serialize) -> Result<Self> {
        self.body = Some(
            serde_json::to_value(body)
                .map_err(|e| Error::config(SERVICE, format!("body is not serialisable: {e}")))?,
        );
        Ok(self)
    }

    /// The path the call goes to (escaped).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl Client {
    /// Runs an Apex REST call and decodes its JSON answer. An empty answer (`204`, or a
    /// `void` method) decodes as JSON `null`, so `()`, `Option<T>` and `Value` take it.
    /// Error answers in Salesforce's error-array shape are mapped like any other call's;
    /// other shapes keep their status and text.
    pub async fn apex<T: DeserializeOwned>(&self, call: &ApexCall) -> Result<T> {
        let mut request = Request::new(call.method.clone(), call.path.clone())
            .operation("apexrest")
            .path_template("/services/apexrest/{path}");
        for (name, value) in &call.query {
            request = request.query(name.clone(), value.clone());
        }
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        let response = self.send(request).await?;
        if response.body.iter().all(u8::is_ascii_whitespace) {
            return serde_json::from_value(Value::Null)
                .map_err(|e| Error::decode(SERVICE, format!("empty Apex REST answer: {e}")));
        }
        response.json()
    }

    /// A Tooling API query (`GET /services/data/vXX.X/tooling/query?q=`) as a stream
    /// following `nextRecordsUrl` to the end; [`Paginator::total`] is `totalSize`.
    /// Child-relationship lists come as sent (the Tooling API's own objects rarely have
    /// them).
    pub fn tooling_query<T: DeserializeOwned + Send + 'static>(&self, soql: &Soql) -> Paginator<T> {
        let client = self.clone();
        let soql = soql.as_str().to_owned();
        Paginator::new(Checkpoint::default(), move |cursor: Option<String>| {
            let client = client.clone();
            let soql = soql.clone();
            Box::pin(async move {
                let request = match cursor {
                    None => Request::get(client.data_path("/tooling/query"))
                        .query("q", soql)
                        .operation("tooling.query")
                        .path_template("/services/data/vXX.X/tooling/query"),
                    Some(next) => Request::get(next)
                        .operation("tooling.query")
                        .path_template("/services/data/vXX.X/tooling/query/{locator}"),
                };
                let page: QueryResult<T> = client.send(request).await?.json()?;
                let next = next_cursor(&page)?;
                Ok(Page::new(page.records, next).with_total(page.total_size))
            })
        })
        .service(SERVICE)
    }
}
