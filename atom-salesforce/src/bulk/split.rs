//! Ingest of a table larger than one upload: several jobs, split at row boundaries with the
//! header repeated, and their result files merged back in the table's order.

use std::ops::Range;

use atom_core::{Error, Result};

use super::{Bulk, IngestOperation, JobInfo, MAX_UPLOAD_BYTES, PollPolicy, ResultFile};
use crate::SERVICE;
use crate::bulk_csv::{CsvFormat, CsvRecord, CsvTable, write_row};

/// How [`Bulk::ingest_split`] writes and cuts a table.
///
/// ```
/// use atom_salesforce::bulk::IngestOptions;
/// use atom_salesforce::bulk_csv::{ColumnDelimiter, CsvFormat, LineEnding};
/// let options = IngestOptions::new()
///     .format(CsvFormat::new(ColumnDelimiter::Semicolon, LineEnding::Crlf))
///     .max_upload_bytes(50 * 1024 * 1024);
/// assert_eq!(options.max_upload_bytes, 50 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IngestOptions {
    /// The dialect of the jobs and their uploads.
    pub format: CsvFormat,
    /// The most CSV bytes (header included) one job's upload holds (default
    /// [`MAX_UPLOAD_BYTES`]).
    pub max_upload_bytes: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        Self {
            format: CsvFormat::default(),
            max_upload_bytes: MAX_UPLOAD_BYTES,
        }
    }
}

impl IngestOptions {
    /// Comma-separated, LF, up to [`MAX_UPLOAD_BYTES`] a job.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the dialect.
    pub fn format(mut self, format: CsvFormat) -> Self {
        self.format = format;
        self
    }

    /// Sets the largest upload (at most [`MAX_UPLOAD_BYTES`] makes sense against a real org;
    /// tests use a tiny one).
    pub fn max_upload_bytes(mut self, bytes: usize) -> Self {
        self.max_upload_bytes = bytes;
        self
    }
}

/// The CSV of a table cut into uploads of at most `max_bytes` each, at row boundaries, each
/// starting with the header: an iterator of `(rows, bytes)`, built one upload at a time.
///
/// ```
/// use atom_salesforce::bulk::csv_parts;
/// use atom_salesforce::bulk_csv::{CsvFormat, CsvTable};
/// let mut table = CsvTable::new(["Name"])?;
/// for name in ["a", "b", "c"] {
///     table.push_row([name])?;
/// }
/// let parts: Vec<_> = csv_parts(&table, CsvFormat::default(), 9).collect::<Result<_, _>>()?;
/// let bodies: Vec<_> = parts.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
/// assert_eq!(bodies, ["Name\na\nb\n", "Name\nc\n"]);
/// assert_eq!(parts[1].0, 2..3);
/// # Ok::<(), atom_core::Error>(())
/// ```
pub fn csv_parts(
    table: &CsvTable,
    format: CsvFormat,
    max_bytes: usize,
) -> impl Iterator<Item = Result<(Range<usize>, Vec<u8>)>> + '_ {
    let mut header = Vec::new();
    write_row(&mut header, table.headers(), format);
    let mut next = 0;
    let mut row = Vec::new();
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || next >= table.len() {
            return None;
        }
        if header.len() > max_bytes {
            failed = true;
            return Some(Err(Error::config(
                SERVICE,
                format!(
                    "the CSV header alone is {} bytes, over the upload limit of {max_bytes}",
                    header.len()
                ),
            )));
        }
        let start = next;
        let mut body = header.clone();
        while let Some(values) = table.rows().get(next) {
            row.clear();
            write_row(&mut row, values, format);
            if body.len().saturating_add(row.len()) > max_bytes {
                break;
            }
            body.extend_from_slice(&row);
            next += 1;
        }
        if next == start {
            failed = true;
            return Some(Err(Error::config(
                SERVICE,
                format!(
                    "row {start} alone makes an upload of {} bytes, over the limit of {max_bytes}",
                    header.len().saturating_add(row.len())
                ),
            )));
        }
        Some(Ok((start..next, body)))
    })
}

/// One job of a split ingest: which rows of the table it carries.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct IngestPart {
    /// The job (as last reported).
    pub job: JobInfo,
    /// The rows of the table it holds.
    pub rows: Range<usize>,
    /// The bytes uploaded (header included).
    pub bytes: usize,
}

/// The jobs of [`Bulk::ingest_split`], in the table's order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SplitIngest {
    /// One part per job, in row order.
    pub parts: Vec<IngestPart>,
    /// The dialect of the jobs (their result files come in it).
    pub format: CsvFormat,
}

impl SplitIngest {
    /// The job ids, in row order.
    pub fn job_ids(&self) -> Vec<&str> {
        self.parts.iter().map(|p| p.job.id.as_str()).collect()
    }
}

/// The result files of every job of a split ingest, each list in the table's order: the
/// first job's records, then the second's, and so on (within one job, Salesforce's order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MergedResults {
    /// Every job's `successfulResults`.
    pub successful: Vec<CsvRecord>,
    /// Every job's `failedResults`.
    pub failed: Vec<CsvRecord>,
    /// Every job's `unprocessedrecords`.
    pub unprocessed: Vec<CsvRecord>,
}

impl Bulk {
    /// Ingests a table of any size: cut at row boundaries into uploads of at most
    /// `options.max_upload_bytes` (header repeated in each), one job per upload.
    ///
    /// Every job is created and uploaded before any is closed, so a failed upload leaves
    /// nothing running: the jobs made so far are aborted and the error returned. Then all
    /// are closed (`UploadComplete`) in order. A table that fits is one job, as
    /// [`Bulk::ingest`].
    ///
    /// ```no_run
    /// # async fn demo(client: atom_salesforce::Client, table: atom_salesforce::bulk_csv::CsvTable) -> atom_core::Result<()> {
    /// use atom_salesforce::bulk::{IngestOperation, IngestOptions, PollPolicy};
    /// let bulk = client.bulk();
    /// let split = bulk
    ///     .ingest_split("Account", IngestOperation::Insert, None, &table, &IngestOptions::new())
    ///     .await?;
    /// let done = bulk.wait_split(&split, &PollPolicy::default()).await?;
    /// let results = bulk.split_results(&done).await?;
    /// for failed in &results.failed {
    ///     eprintln!("{:?}", failed.error());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn ingest_split(
        &self,
        object: &str,
        operation: IngestOperation,
        external_id_field: Option<&str>,
        table: &CsvTable,
        options: &IngestOptions,
    ) -> Result<SplitIngest> {
        let mut parts: Vec<IngestPart> = Vec::new();
        for part in csv_parts(table, options.format, options.max_upload_bytes) {
            let uploaded = match part {
                Ok((rows, body)) => {
                    let bytes = body.len();
                    self.create_and_upload(object, operation, external_id_field, options, body)
                        .await
                        .map(|job| IngestPart { job, rows, bytes })
                }
                Err(error) => Err(error),
            };
            match uploaded {
                Ok(part) => parts.push(part),
                Err(error) => {
                    // Nothing was closed yet: abort what was made, so no part runs alone.
                    for part in &parts {
                        let _ = self.abort(&part.job.id).await;
                    }
                    return Err(error);
                }
            }
        }
        for i in 0..parts.len() {
            let Some(id) = parts.get(i).map(|p| p.job.id.clone()) else {
                break;
            };
            match self.close(&id).await {
                Ok(job) => {
                    if let Some(part) = parts.get_mut(i) {
                        part.job = job;
                    }
                }
                Err(error) => {
                    let started: Vec<&str> =
                        parts.iter().take(i).map(|p| p.job.id.as_str()).collect();
                    return Err(Error::new(
                        error.kind(),
                        SERVICE,
                        format!(
                            "closing bulk job {id} (part {} of {}) failed; jobs already started: [{}]: {error}",
                            i + 1,
                            parts.len(),
                            started.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(SplitIngest {
            parts,
            format: options.format,
        })
    }

    async fn create_and_upload(
        &self,
        object: &str,
        operation: IngestOperation,
        external_id_field: Option<&str>,
        options: &IngestOptions,
        body: Vec<u8>,
    ) -> Result<JobInfo> {
        let job = self
            .create_ingest_with(object, operation, external_id_field, options.format)
            .await?;
        if let Err(error) = self.upload_bytes(&job.id, body).await {
            let _ = self.abort(&job.id).await;
            return Err(error);
        }
        Ok(job)
    }

    /// Waits for every job of a split ingest ([`Bulk::wait_ingest`] on each, in order).
    pub async fn wait_split(
        &self,
        split: &SplitIngest,
        policy: &PollPolicy,
    ) -> Result<SplitIngest> {
        let mut done = split.clone();
        for part in &mut done.parts {
            part.job = self.wait_ingest(&part.job.id, policy).await?;
        }
        Ok(done)
    }

    /// The result files of every job, merged in the table's order.
    pub async fn split_results(&self, split: &SplitIngest) -> Result<MergedResults> {
        let mut merged = MergedResults::default();
        for part in &split.parts {
            let id = &part.job.id;
            merged.successful.extend(
                self.result_records(id, ResultFile::Successful, split.format)
                    .await?,
            );
            merged.failed.extend(
                self.result_records(id, ResultFile::Failed, split.format)
                    .await?,
            );
            merged.unprocessed.extend(
                self.result_records(id, ResultFile::Unprocessed, split.format)
                    .await?,
            );
        }
        Ok(merged)
    }
}
