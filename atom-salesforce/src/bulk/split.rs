//! Ingest of a table larger than one upload: several jobs, split at row boundaries with the
//! header repeated, and their result files merged back in the table's order.

use std::ops::Range;

use atom_core::{Error, Result};
use futures::{Stream, StreamExt as _};

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

/// Writes rows into uploads of at most `max` bytes, each starting with the header.
struct PartWriter {
    format: CsvFormat,
    max: usize,
    width: usize,
    header: Vec<u8>,
    body: Vec<u8>,
    /// The first row in `body`, and the next row's number.
    start: usize,
    next: usize,
    row: Vec<u8>,
}

/// A finished upload: its rows and bytes.
type Part = (Range<usize>, Vec<u8>);

impl PartWriter {
    fn new(headers: &[String], format: CsvFormat, max: usize) -> Result<Self> {
        let mut header = Vec::new();
        write_row(&mut header, headers, format);
        if header.len() > max {
            return Err(Error::config(
                SERVICE,
                format!(
                    "the CSV header alone is {} bytes, over the upload limit of {max}",
                    header.len()
                ),
            ));
        }
        Ok(Self {
            format,
            max,
            width: headers.len(),
            body: header.clone(),
            header,
            start: 0,
            next: 0,
            row: Vec::new(),
        })
    }

    /// Adds a row; returns the finished upload when this row did not fit in it.
    fn push<S: AsRef<str>>(&mut self, values: &[S]) -> Result<Option<Part>> {
        if values.len() != self.width {
            return Err(Error::config(
                SERVICE,
                format!(
                    "row {} has {} values for {} columns",
                    self.next,
                    values.len(),
                    self.width
                ),
            ));
        }
        self.row.clear();
        write_row(&mut self.row, values, self.format);
        if self.header.len().saturating_add(self.row.len()) > self.max {
            return Err(Error::config(
                SERVICE,
                format!(
                    "row {} alone makes an upload of {} bytes, over the limit of {}",
                    self.next,
                    self.header.len().saturating_add(self.row.len()),
                    self.max
                ),
            ));
        }
        let mut done = None;
        if self.body.len().saturating_add(self.row.len()) > self.max {
            let body = std::mem::replace(&mut self.body, self.header.clone());
            done = Some((self.start..self.next, body));
            self.start = self.next;
        }
        self.body.extend_from_slice(&self.row);
        self.next += 1;
        Ok(done)
    }

    /// The last upload, if it holds any row.
    fn finish(&mut self) -> Option<Part> {
        if self.next == self.start {
            return None;
        }
        let body = std::mem::take(&mut self.body);
        let part = (self.start..self.next, body);
        self.start = self.next;
        Some(part)
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
    let mut writer = Some(PartWriter::new(table.headers(), format, max_bytes));
    let mut rows = table.rows().iter();
    std::iter::from_fn(move || {
        let w = match writer.as_mut()? {
            Ok(w) => w,
            Err(_) => return writer.take().and_then(|w| w.err()).map(Err),
        };
        if rows.len() == 0 && w.next == 0 {
            // An empty table uploads nothing.
            return None;
        }
        for values in rows.by_ref() {
            match w.push(values) {
                Ok(Some(part)) => return Some(Ok(part)),
                Ok(None) => {}
                Err(error) => {
                    writer = None;
                    return Some(Err(error));
                }
            }
        }
        let last = w.finish();
        writer = None;
        last.map(Ok)
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
    /// [`Bulk::ingest`]; a table without rows makes none.
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
        let rows = futures::stream::iter(table.rows().iter().map(Ok));
        self.ingest_rows(
            object,
            operation,
            external_id_field,
            table.headers(),
            rows,
            options,
        )
        .await
    }

    /// [`Bulk::ingest_split`] for rows that arrive as a stream (read from a file, a
    /// database, another API): at most one upload (`options.max_upload_bytes`) is held at a
    /// time. A row with another number of values than `headers` is a `Config` error, an
    /// error from the stream ends the ingest with it; either way the jobs made so far are
    /// aborted and none is started.
    ///
    /// ```no_run
    /// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
    /// use atom_salesforce::bulk::{IngestOperation, IngestOptions};
    /// let rows = futures::stream::iter((0..1_000_000).map(|n| Ok(vec![format!("Acme {n}")])));
    /// let split = client
    ///     .bulk()
    ///     .ingest_rows("Account", IngestOperation::Insert, None, &["Name".to_owned()], rows, &IngestOptions::new())
    ///     .await?;
    /// # let _ = split; Ok(()) }
    /// ```
    pub async fn ingest_rows<R, V, S>(
        &self,
        object: &str,
        operation: IngestOperation,
        external_id_field: Option<&str>,
        headers: &[String],
        rows: S,
        options: &IngestOptions,
    ) -> Result<SplitIngest>
    where
        R: AsRef<[V]>,
        V: AsRef<str>,
        S: Stream<Item = Result<R>>,
    {
        // Column names are checked as a table's are.
        CsvTable::new(headers.iter().cloned())?;
        let mut parts: Vec<IngestPart> = Vec::new();
        let uploaded = self
            .upload_parts(
                object,
                operation,
                external_id_field,
                headers,
                rows,
                options,
                &mut parts,
            )
            .await;
        if let Err(error) = uploaded {
            // Nothing was closed yet: abort what was made, so no part runs alone.
            for part in &parts {
                let _ = self.abort(&part.job.id).await;
            }
            return Err(error);
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
                    let message = format!(
                        "closing bulk job {id} (part {} of {}) failed; jobs already started: [{}]: {}",
                        i + 1,
                        parts.len(),
                        started.join(", "),
                        error.message()
                    );
                    return Err(error.with_message(message));
                }
            }
        }
        Ok(SplitIngest {
            parts,
            format: options.format,
        })
    }

    /// Creates and uploads one job per part; `parts` holds the jobs made, even on error.
    #[allow(clippy::too_many_arguments)]
    async fn upload_parts<R, V, S>(
        &self,
        object: &str,
        operation: IngestOperation,
        external_id_field: Option<&str>,
        headers: &[String],
        rows: S,
        options: &IngestOptions,
        parts: &mut Vec<IngestPart>,
    ) -> Result<()>
    where
        R: AsRef<[V]>,
        V: AsRef<str>,
        S: Stream<Item = Result<R>>,
    {
        let mut writer = PartWriter::new(headers, options.format, options.max_upload_bytes)?;
        let mut rows = std::pin::pin!(rows);
        loop {
            let part = match rows.next().await {
                Some(row) => match writer.push(row?.as_ref())? {
                    Some(part) => part,
                    None => continue,
                },
                None => match writer.finish() {
                    Some(part) => part,
                    None => return Ok(()),
                },
            };
            let (range, body) = part;
            let bytes = body.len();
            let job = self
                .create_ingest_with(object, operation, external_id_field, options.format)
                .await?;
            parts.push(IngestPart {
                job,
                rows: range,
                bytes,
            });
            let id = parts.last().map(|p| p.job.id.clone()).unwrap_or_default();
            self.upload_bytes(&id, body).await?;
        }
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
