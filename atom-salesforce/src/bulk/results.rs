//! Query job results as a stream of rows read while they arrive: each page (`Sforce-Locator`)
//! is decoded chunk by chunk, so memory stays at about one row however large the result.

use std::collections::HashSet;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use atom_core::{Checkpoint, DEFAULT_MAX_PAGES, Error, Request, Result, StreamingResponse};
use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt as _};

use crate::bulk_csv::{CsvDecoder, CsvFormat, CsvRecord, DEFAULT_MAX_ROW_BYTES};
use crate::{Client, SERVICE};

/// How to read a query job's results.
///
/// ```
/// use atom_salesforce::bulk::ResultsOptions;
/// use atom_salesforce::bulk_csv::{ColumnDelimiter, CsvFormat, LineEnding};
/// let options = ResultsOptions::new()
///     .max_records(50_000)
///     .format(CsvFormat::new(ColumnDelimiter::Tab, LineEnding::Crlf))
///     .max_row_bytes(4 << 20);
/// assert_eq!(options.max_records, Some(50_000));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResultsOptions {
    /// `maxRecords`: rows per page (Salesforce picks when `None`).
    pub max_records: Option<u32>,
    /// The job's dialect (its `columnDelimiter`; rows may end in LF or CRLF either way).
    pub format: CsvFormat,
    /// The longest row accepted; a longer one ends the stream with a `Decode` error.
    pub max_row_bytes: usize,
    /// Pages read at most; a result that still names a next page ends with a `Decode` error.
    pub max_pages: usize,
}

impl Default for ResultsOptions {
    fn default() -> Self {
        Self {
            max_records: None,
            format: CsvFormat::default(),
            max_row_bytes: DEFAULT_MAX_ROW_BYTES,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }
}

impl ResultsOptions {
    /// The defaults: Salesforce's page size, comma-separated, rows up to 32 MiB.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `maxRecords`.
    pub fn max_records(mut self, records: u32) -> Self {
        self.max_records = Some(records);
        self
    }

    /// Sets the dialect the job was created with.
    pub fn format(mut self, format: CsvFormat) -> Self {
        self.format = format;
        self
    }

    /// Sets the longest row accepted.
    pub fn max_row_bytes(mut self, bytes: usize) -> Self {
        self.max_row_bytes = bytes;
        self
    }

    /// Sets the page cap.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = pages.max(1);
        self
    }
}

/// What a [`QueryResults`] stream has seen so far.
#[derive(Debug, Clone, Default)]
struct Progress {
    checkpoint: Checkpoint,
    page_records: Option<u64>,
    reported: u64,
    every_page_reported: bool,
    from_start: bool,
    pages: usize,
    bytes: u64,
    finished: bool,
}

/// A query job's rows ([`crate::bulk::Bulk::query_results`]): a `Stream` of
/// [`CsvRecord`]s that follows `Sforce-Locator` to the end, reading each page's body as it
/// arrives.
///
/// * Memory is bounded by one row (and one network chunk), not by the page: a 1 GB result
///   streams in a few MiB.
/// * [`page_records`](Self::page_records) is the current page's `Sforce-NumberOfRecords`;
///   a page whose body holds another number of rows ends the stream with a `Decode` error
///   (a body cut short on a row boundary is caught too). [`total`](Self::total) is known
///   once the last page is reached.
/// * The first error ends the stream: a broken connection (`Network`), a stalled one
///   (`Timeout`), malformed CSV, a row over the cap, a repeated locator or the page cap
///   (`Decode`). [`checkpoint`](Self::checkpoint) is where to resume
///   ([`crate::bulk::Bulk::query_results_from`]): the page's locator and the rows of it
///   already handed out, which are skipped when the page is read again.
pub struct QueryResults {
    inner: BoxStream<'static, Result<CsvRecord>>,
    progress: Arc<Mutex<Progress>>,
}

impl fmt::Debug for QueryResults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryResults")
            .field("checkpoint", &self.checkpoint())
            .field("pages", &self.pages())
            .finish_non_exhaustive()
    }
}

fn lock(progress: &Mutex<Progress>) -> std::sync::MutexGuard<'_, Progress> {
    progress.lock().unwrap_or_else(PoisonError::into_inner)
}

impl QueryResults {
    /// Where the stream stands: the locator of the page being read (`None`: the first) and
    /// how many of its rows were handed out.
    pub fn checkpoint(&self) -> Checkpoint {
        lock(&self.progress).checkpoint.clone()
    }

    /// `Sforce-NumberOfRecords` of the page being read, when Salesforce sent it.
    pub fn page_records(&self) -> Option<u64> {
        lock(&self.progress).page_records
    }

    /// The sum of `Sforce-NumberOfRecords` over the pages opened so far.
    pub fn records_reported(&self) -> u64 {
        lock(&self.progress).reported
    }

    /// Rows in the whole result: known once the last page has been opened, when the stream
    /// started at the first page and every page reported its count.
    pub fn total(&self) -> Option<u64> {
        let p = lock(&self.progress);
        (p.finished && p.from_start && p.every_page_reported).then_some(p.reported)
    }

    /// Pages opened so far.
    pub fn pages(&self) -> usize {
        lock(&self.progress).pages
    }

    /// Body bytes read so far, over every page.
    pub fn bytes_read(&self) -> u64 {
        lock(&self.progress).bytes
    }

    /// A stream that yields `error` once and ends (a job id refused before any request).
    pub(crate) fn failed(error: Error) -> Self {
        Self {
            inner: futures::stream::once(async move { Err(error) }).boxed(),
            progress: Arc::default(),
        }
    }

    pub(crate) fn new(
        client: Client,
        first: Request,
        options: ResultsOptions,
        from: Checkpoint,
    ) -> Self {
        let progress = Arc::new(Mutex::new(Progress {
            checkpoint: from.clone(),
            every_page_reported: true,
            from_start: from.cursor.is_none(),
            ..Progress::default()
        }));
        let walk = Walk {
            client,
            first,
            options,
            progress: progress.clone(),
            seen: from.cursor.iter().cloned().collect(),
            next: Some(from.cursor),
            skip: from.skip,
            page: None,
            headers: None,
        };
        let inner = futures::stream::try_unfold(walk, |mut walk| async move {
            Ok(walk.next_record().await?.map(|record| (record, walk)))
        })
        .boxed();
        Self { inner, progress }
    }
}

impl Stream for QueryResults {
    type Item = Result<CsvRecord>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

/// One page being read.
struct PageRead {
    response: StreamingResponse,
    chunk: Bytes,
    pos: usize,
    decoder: CsvDecoder,
    expected: Option<u64>,
    next: Option<String>,
    done: bool,
}

/// The walk over pages behind a [`QueryResults`].
struct Walk {
    client: Client,
    first: Request,
    options: ResultsOptions,
    progress: Arc<Mutex<Progress>>,
    /// Locators met, so that a server that sends one again ends the walk.
    seen: HashSet<String>,
    /// The cursor of the page to open next (`Some(None)`: the first page).
    next: Option<Option<String>>,
    /// Rows of the page still to pass over (a resumed walk).
    skip: usize,
    page: Option<PageRead>,
    /// The previous page's header, shared with this one's rows when it is the same.
    headers: Option<Arc<[String]>>,
}

impl Walk {
    async fn next_record(&mut self) -> Result<Option<CsvRecord>> {
        loop {
            if self.page.is_none() {
                let Some(cursor) = self.next.take() else {
                    return Ok(None);
                };
                let page = self.open(cursor).await?;
                self.page = Some(page);
            }
            let Some(page) = self.page.as_mut() else {
                continue;
            };
            let record = match page.decoder.decode(&page.chunk, &mut page.pos)? {
                Some(record) => record,
                None if page.done => {
                    self.end_page()?;
                    continue;
                }
                None => match page.response.chunk().await? {
                    Some(chunk) => {
                        page.chunk = chunk;
                        page.pos = 0;
                        lock(&self.progress).bytes += page.chunk.len() as u64;
                        continue;
                    }
                    None => {
                        page.done = true;
                        page.chunk = Bytes::new();
                        page.pos = 0;
                        match page.decoder.finish()? {
                            Some(record) => record,
                            None => continue,
                        }
                    }
                },
            };
            lock(&self.progress).checkpoint.skip += 1;
            if self.skip > 0 {
                self.skip -= 1;
                continue;
            }
            return Ok(Some(record));
        }
    }

    async fn open(&mut self, cursor: Option<String>) -> Result<PageRead> {
        let request = match &cursor {
            Some(locator) => self.first.clone().query("locator", locator.clone()),
            None => self.first.clone(),
        };
        let response = self.client.send_streaming(request).await?;
        let next = super::next_locator(response.header("sforce-locator"));
        let expected = response
            .header("sforce-numberofrecords")
            .and_then(|n| n.trim().parse::<u64>().ok());
        let mut decoder = CsvDecoder::new(self.options.format.delimiter)
            .max_row_bytes(self.options.max_row_bytes);
        decoder.share_headers(self.headers.take());
        let mut p = lock(&self.progress);
        p.checkpoint = Checkpoint { cursor, skip: 0 };
        p.pages += 1;
        p.page_records = expected;
        match expected {
            Some(n) => p.reported = p.reported.saturating_add(n),
            None => p.every_page_reported = false,
        }
        Ok(PageRead {
            response,
            chunk: Bytes::new(),
            pos: 0,
            decoder,
            expected,
            next,
            done: false,
        })
    }

    /// The page's body has ended: check its row count and move on to the next locator.
    fn end_page(&mut self) -> Result<()> {
        let Some(page) = self.page.take() else {
            return Ok(());
        };
        let rows = page.decoder.rows();
        self.headers = page.decoder.headers().cloned();
        if let Some(expected) = page.expected
            && expected != rows
        {
            return Err(Error::decode(
                SERVICE,
                format!(
                    "a bulk result page said Sforce-NumberOfRecords: {expected} but held {rows} rows"
                ),
            ));
        }
        let mut p = lock(&self.progress);
        let Some(locator) = page.next else {
            p.finished = true;
            return Ok(());
        };
        if p.pages >= self.options.max_pages {
            return Err(Error::decode(
                SERVICE,
                format!(
                    "stopped after {} result pages (max_pages): Salesforce still names a next page",
                    p.pages
                ),
            ));
        }
        if !self.seen.insert(locator.clone()) {
            return Err(Error::decode(
                SERVICE,
                "Salesforce repeated a result locator; stopping instead of looping",
            ));
        }
        // Resuming from here starts at the next page.
        p.checkpoint = Checkpoint {
            cursor: Some(locator.clone()),
            skip: 0,
        };
        self.skip = 0;
        self.next = Some(Some(locator));
        Ok(())
    }
}

/// Reads a whole result file (successful, failed, unprocessed records) through the
/// streaming decoder, so the body is never held besides the records.
pub(crate) async fn read_records(
    client: &Client,
    request: Request,
    format: CsvFormat,
) -> Result<Vec<CsvRecord>> {
    let mut response = client.send_streaming(request).await?;
    let mut decoder = CsvDecoder::new(format.delimiter);
    let mut records = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if response.received() > super::MAX_RESULT_BYTES as u64 {
            return Err(Error::decode(
                SERVICE,
                format!(
                    "a bulk result file is larger than {} bytes",
                    super::MAX_RESULT_BYTES
                ),
            ));
        }
        let mut pos = 0;
        while let Some(record) = decoder.decode(&chunk, &mut pos)? {
            records.push(record);
        }
    }
    records.extend(decoder.finish()?);
    Ok(records)
}
