//! Bulk API 2.0: ingest jobs (create, upload CSV, close, poll, successful / failed /
//! unprocessed results) and query jobs (results streamed page by page with
//! `Sforce-Locator`).
//!
//! * Query results are a stream of rows decoded while each page arrives
//!   ([`QueryResults`]): memory stays at about one row whatever the result's size, and each
//!   page's `Sforce-NumberOfRecords` is checked against the rows it held.
//! * Every documented `columnDelimiter` and `lineEnding` ([`CsvFormat`]) for both kinds of
//!   job: the `*_with` functions take one, [`JobInfo::format`] reads a job's.
//! * A table over the 100 MB upload limit goes out as several jobs ([`Bulk::ingest_split`],
//!   [`Bulk::ingest_rows`] for a stream of rows), their results merged back in order.
//! * Polling backs off exponentially ([`PollPolicy`]) so that waiting for a long job costs
//!   a handful of calls, not one a second.
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
//! use atom_salesforce::bulk::{IngestOperation, PollPolicy};
//! use atom_salesforce::bulk_csv::CsvTable;
//! let mut table = CsvTable::new(["Name", "Description"])?;
//! table.push_row(["Acme", "quoted \"text\", commas\nand newlines survive"])?;
//! let bulk = client.bulk();
//! let job = bulk.ingest("Account", IngestOperation::Insert, None, &table).await?;
//! let done = bulk.wait_ingest(&job.id, &PollPolicy::default()).await?;
//! let failed = bulk.failed_results(&done.id).await?;
//! # let _ = failed; Ok(()) }
//! ```

mod results;
mod split;

use std::time::Duration;

use atom_core::{Body, Checkpoint, Error, ErrorKind, Request, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::bulk_csv::{CsvFormat, CsvRecord, CsvTable};
use crate::soql::Soql;
use crate::validate::{identifier, record_id};
use crate::{Client, SERVICE};

pub use results::{QueryResults, ResultsOptions};
pub use split::{IngestOptions, IngestPart, MergedResults, SplitIngest, csv_parts};

/// The largest ingest result file (successful, failed, unprocessed records) read: 512 MiB
/// of CSV, read row by row. Query results are streamed and have no such cap.
pub const MAX_RESULT_BYTES: usize = 512 * 1024 * 1024;

/// Largest CSV sent in one upload. Salesforce takes up to 150 MB per job upload and
/// advises at most 100 MB of CSV, since the data is base64-encoded on its side and grows
/// by about a third; [`Bulk::ingest_split`] spreads a larger table over several jobs.
pub const MAX_UPLOAD_BYTES: usize = 100 * 1024 * 1024;

/// An ingest job's result files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResultFile {
    /// `successfulResults`: `sf__Id`, `sf__Created` and the uploaded columns.
    Successful,
    /// `failedResults`: `sf__Id`, `sf__Error` and the uploaded columns.
    Failed,
    /// `unprocessedrecords`: the uploaded columns of rows not processed.
    Unprocessed,
}

impl ResultFile {
    fn path(self) -> &'static str {
        match self {
            Self::Successful => "successfulResults",
            Self::Failed => "failedResults",
            Self::Unprocessed => "unprocessedrecords",
        }
    }

    fn operation(self) -> &'static str {
        match self {
            Self::Successful => "bulk.ingest.successful",
            Self::Failed => "bulk.ingest.failed",
            Self::Unprocessed => "bulk.ingest.unprocessed",
        }
    }
}

/// What an ingest job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IngestOperation {
    /// `insert`.
    Insert,
    /// `update` (needs an `Id` column).
    Update,
    /// `upsert` (needs the external id column).
    Upsert,
    /// `delete` (an `Id` column).
    Delete,
    /// `hardDelete` (skips the recycle bin).
    HardDelete,
}

impl IngestOperation {
    fn as_str(self) -> &'static str {
        match self {
            Self::Insert => "insert",
            Self::Update => "update",
            Self::Upsert => "upsert",
            Self::Delete => "delete",
            Self::HardDelete => "hardDelete",
        }
    }
}

atom_core::string_enum! {
    /// A job's state; unknown states are kept in `Other`.
    #[non_exhaustive]
    pub enum JobState {
        /// Accepting uploads.
        Open = "Open",
        /// Upload done, queued.
        UploadComplete = "UploadComplete",
        /// Running.
        InProgress = "InProgress",
        /// Finished (records may still have failed individually).
        JobComplete = "JobComplete",
        /// The job failed as a whole.
        Failed = "Failed",
        /// Aborted.
        Aborted = "Aborted",
    }
}

impl JobState {
    /// Whether the job will not change any more.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::JobComplete | Self::Failed | Self::Aborted)
    }
}

/// A job as Salesforce reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct JobInfo {
    /// Job id.
    pub id: String,
    /// `insert`, `query`, ….
    #[serde(default)]
    pub operation: Option<String>,
    /// The object (ingest jobs).
    #[serde(default)]
    pub object: Option<String>,
    /// The state.
    pub state: JobState,
    /// Records processed so far.
    #[serde(default)]
    pub number_records_processed: Option<u64>,
    /// Records that failed (ingest).
    #[serde(default)]
    pub number_records_failed: Option<u64>,
    /// Why the job failed.
    #[serde(default)]
    pub error_message: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl JobInfo {
    /// The job's CSV dialect (`columnDelimiter`, `lineEnding`; Salesforce's defaults when
    /// absent), to read its results with.
    pub fn format(&self) -> Result<CsvFormat> {
        CsvFormat::from_job_fields(&self.extra)
    }
}

/// How to wait for a job: exponential backoff from `initial`, capped at `max`, for at most
/// `timeout` in all.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollPolicy {
    /// First wait.
    pub initial: Duration,
    /// Longest wait between polls.
    pub max: Duration,
    /// Give up (with a `Timeout` error carrying the job id) after this long.
    pub timeout: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(2),
            max: Duration::from_secs(30),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

impl PollPolicy {
    /// Sets the first wait.
    ///
    /// ```
    /// use std::time::Duration;
    /// use atom_salesforce::bulk::PollPolicy;
    /// let p = PollPolicy::default()
    ///     .initial(Duration::from_secs(1))
    ///     .max(Duration::from_secs(10))
    ///     .timeout(Duration::from_secs(600));
    /// assert_eq!(p.delay(5), Duration::from_secs(10));
    /// ```
    pub fn initial(mut self, wait: Duration) -> Self {
        self.initial = wait;
        self
    }

    /// Sets the longest wait between polls.
    pub fn max(mut self, wait: Duration) -> Self {
        self.max = wait;
        self
    }

    /// Sets how long to wait in all before giving up.
    pub fn timeout(mut self, budget: Duration) -> Self {
        self.timeout = budget;
        self
    }

    /// The wait before poll number `n` (0-based): `initial · 2ⁿ`, at most `max`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use atom_salesforce::bulk::PollPolicy;
    /// let p = PollPolicy::default();
    /// let waits: Vec<u64> = (0..6).map(|n| p.delay(n).as_secs()).collect();
    /// assert_eq!(waits, vec![2, 4, 8, 16, 30, 30]);
    /// ```
    pub fn delay(&self, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n.min(20)).unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }
}

/// Bulk API 2.0; from [`Client::bulk`].
#[derive(Debug, Clone)]
pub struct Bulk {
    client: Client,
}

impl Client {
    /// Bulk API 2.0 jobs.
    pub fn bulk(&self) -> Bulk {
        Bulk {
            client: self.clone(),
        }
    }
}

impl Bulk {
    fn ingest_path(&self, rest: &str) -> String {
        self.client.data_path(&format!("/jobs/ingest{rest}"))
    }

    fn query_path(&self, rest: &str) -> String {
        self.client.data_path(&format!("/jobs/query{rest}"))
    }

    /// Creates a comma-separated, LF ingest job (`POST /jobs/ingest`). `external_id_field`
    /// is required for upserts.
    pub async fn create_ingest(
        &self,
        object: &str,
        operation: IngestOperation,
        external_id_field: Option<&str>,
    ) -> Result<JobInfo> {
        self.create_ingest_with(object, operation, external_id_field, CsvFormat::default())
            .await
    }

    /// Creates an ingest job whose uploads are in `format` (its `columnDelimiter` and
    /// `lineEnding`).
    pub async fn create_ingest_with(
        &self,
        object: &str,
        operation: IngestOperation,
        external_id_field: Option<&str>,
        format: CsvFormat,
    ) -> Result<JobInfo> {
        let mut body = json!({
            "object": identifier(object)?,
            "operation": operation.as_str(),
            "contentType": "CSV",
            "columnDelimiter": format.delimiter.as_str(),
            "lineEnding": format.line_ending.as_str(),
        });
        match (operation, external_id_field) {
            (IngestOperation::Upsert, Some(field)) => {
                let field = Value::String(identifier(field)?.to_owned());
                if let Some(map) = body.as_object_mut() {
                    map.insert("externalIdFieldName".into(), field);
                }
            }
            (IngestOperation::Upsert, None) => {
                return Err(Error::config(
                    SERVICE,
                    "an upsert job needs an external id field",
                ));
            }
            _ => {}
        }
        let request = Request::post(self.ingest_path(""))
            .operation("bulk.ingest.create")
            .path_template("/services/data/vXX.X/jobs/ingest")
            .json(&body);
        self.client.send(request).await?.json()
    }

    /// Uploads the job's CSV, comma-separated with LF (`PUT /jobs/ingest/{id}/batches`,
    /// `text/csv`). More than [`MAX_UPLOAD_BYTES`] is a `Config` error: use
    /// [`Bulk::ingest_split`].
    pub async fn upload(&self, job_id: &str, table: &CsvTable) -> Result<()> {
        self.upload_with(job_id, table, CsvFormat::default()).await
    }

    /// Uploads the job's CSV written in `format` (the one the job was created with).
    pub async fn upload_with(
        &self,
        job_id: &str,
        table: &CsvTable,
        format: CsvFormat,
    ) -> Result<()> {
        let bytes = table.to_csv_with(format)?;
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(Error::config(
                SERVICE,
                "CSV is larger than one upload allows; Bulk::ingest_split spreads it over several jobs",
            ));
        }
        self.upload_bytes(job_id, bytes).await
    }

    async fn upload_bytes(&self, job_id: &str, bytes: Vec<u8>) -> Result<()> {
        let id = record_id(job_id)?;
        let request = Request::put(self.ingest_path(&format!("/{id}/batches")))
            .operation("bulk.ingest.upload")
            .path_template("/services/data/vXX.X/jobs/ingest/{id}/batches")
            .body(Body::Raw {
                content_type: "text/csv".into(),
                bytes: bytes.into(),
            });
        self.client.send(request).await.map(|_| ())
    }

    async fn set_state(&self, job_id: &str, state: &str, op: &'static str) -> Result<JobInfo> {
        let id = record_id(job_id)?;
        let request = Request::patch(self.ingest_path(&format!("/{id}")))
            .operation(op)
            .path_template("/services/data/vXX.X/jobs/ingest/{id}")
            .json(&json!({ "state": state }));
        self.client.send(request).await?.json()
    }

    /// Marks the upload complete so that Salesforce starts the job.
    pub async fn close(&self, job_id: &str) -> Result<JobInfo> {
        self.set_state(job_id, "UploadComplete", "bulk.ingest.close")
            .await
    }

    /// Aborts an ingest job.
    pub async fn abort(&self, job_id: &str) -> Result<JobInfo> {
        self.set_state(job_id, "Aborted", "bulk.ingest.abort").await
    }

    /// Deletes a finished or aborted ingest job and its result files.
    pub async fn delete_ingest(&self, job_id: &str) -> Result<()> {
        let id = record_id(job_id)?;
        let request = Request::delete(self.ingest_path(&format!("/{id}")))
            .operation("bulk.ingest.delete")
            .path_template("/services/data/vXX.X/jobs/ingest/{id}");
        self.client.send(request).await.map(|_| ())
    }

    /// Create, upload and close in one go; returns the closed job.
    pub async fn ingest(
        &self,
        object: &str,
        operation: IngestOperation,
        external_id_field: Option<&str>,
        table: &CsvTable,
    ) -> Result<JobInfo> {
        let job = self
            .create_ingest(object, operation, external_id_field)
            .await?;
        self.upload(&job.id, table).await?;
        self.close(&job.id).await
    }

    /// An ingest job's state.
    pub async fn ingest_status(&self, job_id: &str) -> Result<JobInfo> {
        let id = record_id(job_id)?;
        let request = Request::get(self.ingest_path(&format!("/{id}")))
            .operation("bulk.ingest.status")
            .path_template("/services/data/vXX.X/jobs/ingest/{id}");
        self.client.send(request).await?.json()
    }

    /// Polls an ingest job with backoff until it is complete, failed or aborted.
    pub async fn wait_ingest(&self, job_id: &str, policy: &PollPolicy) -> Result<JobInfo> {
        self.wait(job_id, policy, false).await
    }

    /// Polls a query job with backoff until it is complete, failed or aborted.
    pub async fn wait_query(&self, job_id: &str, policy: &PollPolicy) -> Result<JobInfo> {
        self.wait(job_id, policy, true).await
    }

    async fn wait(&self, job_id: &str, policy: &PollPolicy, query: bool) -> Result<JobInfo> {
        let started = tokio::time::Instant::now();
        let mut polls: u32 = 0;
        loop {
            let job = if query {
                self.query_status(job_id).await?
            } else {
                self.ingest_status(job_id).await?
            };
            if job.state.is_terminal() {
                return Ok(job);
            }
            // The last wait is cut to what is left of the budget, then one last poll.
            let left = policy.timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    SERVICE,
                    format!(
                        "bulk job {} still {} after {:?}",
                        job.id,
                        job.state.as_str(),
                        started.elapsed()
                    ),
                ));
            }
            tokio::time::sleep(policy.delay(polls).min(left)).await;
            polls = polls.saturating_add(1);
        }
    }

    /// One of an ingest job's result files, read in the job's dialect.
    pub async fn result_records(
        &self,
        job_id: &str,
        file: ResultFile,
        format: CsvFormat,
    ) -> Result<Vec<CsvRecord>> {
        let id = record_id(job_id)?;
        let request = Request::get(self.ingest_path(&format!("/{id}/{}", file.path())))
            .operation(file.operation())
            .path_template(format!(
                "/services/data/vXX.X/jobs/ingest/{{id}}/{}",
                file.path()
            ));
        results::read_records(&self.client, request, format).await
    }

    /// Records written (`sf__Id`, `sf__Created`, and the uploaded columns) of a
    /// comma-separated job.
    pub async fn successful_results(&self, job_id: &str) -> Result<Vec<CsvRecord>> {
        self.result_records(job_id, ResultFile::Successful, CsvFormat::default())
            .await
    }

    /// Records refused (`sf__Id`, `sf__Error`, and the uploaded columns) of a
    /// comma-separated job.
    pub async fn failed_results(&self, job_id: &str) -> Result<Vec<CsvRecord>> {
        self.result_records(job_id, ResultFile::Failed, CsvFormat::default())
            .await
    }

    /// Records not processed (job aborted or failed) of a comma-separated job.
    pub async fn unprocessed_records(&self, job_id: &str) -> Result<Vec<CsvRecord>> {
        self.result_records(job_id, ResultFile::Unprocessed, CsvFormat::default())
            .await
    }

    /// Creates a comma-separated, LF query job (`POST /jobs/query`); `all` includes deleted
    /// records.
    pub async fn create_query(&self, soql: &Soql, all: bool) -> Result<JobInfo> {
        self.create_query_with(soql, all, CsvFormat::default())
            .await
    }

    /// Creates a query job whose results come in `format`; read them with
    /// [`ResultsOptions::format`] set to the same.
    pub async fn create_query_with(
        &self,
        soql: &Soql,
        all: bool,
        format: CsvFormat,
    ) -> Result<JobInfo> {
        let body = json!({
            "operation": if all { "queryAll" } else { "query" },
            "query": soql.as_str(),
            "contentType": "CSV",
            "columnDelimiter": format.delimiter.as_str(),
            "lineEnding": format.line_ending.as_str(),
        });
        let request = Request::post(self.query_path(""))
            .operation("bulk.query.create")
            .path_template("/services/data/vXX.X/jobs/query")
            .json(&body);
        self.client.send(request).await?.json()
    }

    /// Aborts a query job.
    pub async fn abort_query(&self, job_id: &str) -> Result<JobInfo> {
        let id = record_id(job_id)?;
        let request = Request::patch(self.query_path(&format!("/{id}")))
            .operation("bulk.query.abort")
            .path_template("/services/data/vXX.X/jobs/query/{id}")
            .json(&json!({ "state": "Aborted" }));
        self.client.send(request).await?.json()
    }

    /// A query job's state.
    pub async fn query_status(&self, job_id: &str) -> Result<JobInfo> {
        let id = record_id(job_id)?;
        let request = Request::get(self.query_path(&format!("/{id}")))
            .operation("bulk.query.status")
            .path_template("/services/data/vXX.X/jobs/query/{id}");
        self.client.send(request).await?.json()
    }

    /// A finished query job's rows (comma-separated), as a stream that follows
    /// `Sforce-Locator` to the end and reads each page while it arrives ([`QueryResults`]).
    /// `max_records` sets the page size (Salesforce picks one when `None`). A job id that
    /// is not a record id comes out as the stream's only item, before any request.
    ///
    /// ```no_run
    /// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
    /// use futures::TryStreamExt as _;
    /// let mut rows = client.bulk().query_results("7505f00000EXAMPAA5", Some(100_000));
    /// while let Some(row) = rows.try_next().await? {
    ///     let _name = row.get("Name");
    /// }
    /// println!("{:?} rows in {} pages", rows.total(), rows.pages());
    /// # Ok(()) }
    /// ```
    pub fn query_results(&self, job_id: &str, max_records: Option<u32>) -> QueryResults {
        self.query_results_from(job_id, max_records, Checkpoint::default())
    }

    /// Resumes a [`Bulk::query_results`] stream from a checkpoint: its cursor is the
    /// `Sforce-Locator` of the page being read, `skip` the rows of it already handed out.
    pub fn query_results_from(
        &self,
        job_id: &str,
        max_records: Option<u32>,
        checkpoint: Checkpoint,
    ) -> QueryResults {
        let options = ResultsOptions {
            max_records,
            ..ResultsOptions::default()
        };
        self.query_results_with(job_id, &options, checkpoint)
    }

    /// A query job's rows read with `options` (the job's dialect, page size, row cap),
    /// from `checkpoint` (`Checkpoint::default()` for the beginning).
    pub fn query_results_with(
        &self,
        job_id: &str,
        options: &ResultsOptions,
        checkpoint: Checkpoint,
    ) -> QueryResults {
        let id = match record_id(job_id) {
            Ok(id) => id,
            Err(error) => return QueryResults::failed(error),
        };
        let first = Request::get(self.query_path(&format!("/{id}/results")))
            .query_opt("maxRecords", options.max_records)
            .operation("bulk.query.results")
            .path_template("/services/data/vXX.X/jobs/query/{id}/results");
        QueryResults::new(self.client.clone(), first, options.clone(), checkpoint)
    }
}

/// The next page's locator from a `Sforce-Locator` header: `None` when the header is absent,
/// blank or the literal `null` (the last page).
fn next_locator(header: Option<&str>) -> Option<String> {
    header
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "null")
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::next_locator;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngSeed};

    #[test]
    fn last_page_markers() {
        assert_eq!(next_locator(None), None);
        assert_eq!(next_locator(Some("null")), None);
        assert_eq!(next_locator(Some("  ")), None);
        assert_eq!(next_locator(Some(" MTAwMDA ")).as_deref(), Some("MTAwMDA"));
    }

    proptest! {
        #![proptest_config(Config {
            cases: 10_000,
            rng_seed: RngSeed::Fixed(0x5eed),
            failure_persistence: None,
            ..Config::default()
        })]

        /// Any header value gives either no next page or its trimmed, non-empty text.
        #[test]
        fn a_locator_is_the_trimmed_header_or_nothing(value in ".{0,64}") {
            match next_locator(Some(&value)) {
                None => prop_assert!(value.trim().is_empty() || value.trim() == "null"),
                Some(next) => {
                    prop_assert_eq!(next.as_str(), value.trim());
                    prop_assert!(!next.is_empty() && next != "null");
                }
            }
        }
    }
}
