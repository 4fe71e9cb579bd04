//! One stream of items over every provider's paging scheme.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::{FutureExt as _, Stream};
use serde::{Deserialize, Serialize};

use crate::{ApiResponse, Error, Request, Result};

/// One page: its items, where the next one is (a cursor, offset or URL), if anywhere, and
/// what the provider said about the whole result.
///
/// ```
/// use atom_core::Page;
/// let page = Page::new(vec![1, 2], Some("cursor-2".to_owned())).with_total(10).with_complete(true);
/// assert_eq!((page.total, page.complete), (Some(10), Some(true)));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The cursor of the next page; `None` on the last page.
    pub next: Option<String>,
    /// How many items the whole result holds, when the provider says (Salesforce
    /// `totalSize`, GitHub search `total_count`).
    pub total: Option<u64>,
    /// Whether the provider says the result is complete (GitHub search answers
    /// `incomplete_results: true` when it timed out and returned only part).
    pub complete: Option<bool>,
}

impl<T> Page<T> {
    /// A page of `items`; `next` is `None` on the last page.
    pub fn new(items: Vec<T>, next: Option<String>) -> Self {
        Self {
            items,
            next,
            total: None,
            complete: None,
        }
    }

    /// Sets the size of the whole result.
    pub fn with_total(mut self, total: u64) -> Self {
        self.total = Some(total);
        self
    }

    /// Sets whether the result is complete.
    pub fn with_complete(mut self, complete: bool) -> Self {
        self.complete = Some(complete);
        self
    }
}

/// Where a stream stands, to resume it later (serialisable).
///
/// `cursor` fetches the page being read (`None`: the first page), and `skip` items of it
/// were already handed out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The cursor of the page being read.
    pub cursor: Option<String>,
    /// Items of that page already handed out.
    pub skip: usize,
}

type FetchFn<T> = Arc<dyn Fn(Option<String>) -> BoxFuture<'static, Result<Page<T>>> + Send + Sync>;

/// A `Stream` of items that walks pages lazily.
///
/// * Fetches the next page as soon as the current one arrives, so the request is on its way
///   while the caller works through the items; at most two pages are held.
/// * Ends with a `Decode` error, not a loop, when a provider repeats a cursor.
/// * A page that fails with a transient error (after the client's retries) yields the
///   error; polling again fetches the same page, so the stream continues where it stopped.
///   An error no retry can fix (a 400, a 404, bad credentials) ends the stream after it is
///   yielded, so a loop that logs errors and polls on does not spin.
/// * [`Paginator::checkpoint`] tells where to resume from.
/// * Stops with a `Decode` error after [`DEFAULT_MAX_PAGES`] pages (change it with
///   [`Paginator::max_pages`]): a server that always answers "there is a next page" with a
///   new cursor would otherwise keep the stream, and the requests, going forever.
///
/// ```
/// # async fn demo() -> atom_core::Result<()> {
/// use futures::TryStreamExt as _;
/// use atom_core::{Checkpoint, Page, Paginator};
/// let pages = Paginator::new(Checkpoint::default(), |cursor: Option<String>| {
///     Box::pin(async move {
///         let n: u32 = cursor.as_deref().unwrap_or("0").parse().unwrap_or(0);
///         Ok(Page::new(vec![n * 10, n * 10 + 1], (n < 2).then(|| (n + 1).to_string())))
///     })
/// });
/// let all: Vec<u32> = pages.try_collect().await?;
/// assert_eq!(all, vec![0, 1, 10, 11, 20, 21]);
/// # Ok(()) }
/// ```
pub struct Paginator<T> {
    fetch: FetchFn<T>,
    buffer: VecDeque<T>,
    /// Cursor of the page whose items are in `buffer`, and how many were handed out.
    current: Checkpoint,
    /// The cursor to fetch next, if there is a next page.
    next: Option<Option<String>>,
    in_flight: Option<BoxFuture<'static, Result<Page<T>>>>,
    ready: Option<Result<Page<T>>>,
    skip_on_arrival: usize,
    /// Items handed out since the last page arrived: the next page is prefetched only once
    /// the caller comes back for a second item, so a caller that takes one item and drops
    /// the stream never causes a request for the next page.
    handed_since_page: usize,
    seen: HashSet<u64>,
    fail_after_drain: Option<Error>,
    finished: bool,
    pages: usize,
    max_pages: usize,
    service: &'static str,
    total: Option<u64>,
    complete: Option<bool>,
}

/// The page cap of a [`Paginator`] unless set otherwise: 100 000 pages, 10 million items at
/// the usual 100 a page, far beyond any real listing, yet an end to an endless one.
pub const DEFAULT_MAX_PAGES: usize = 100_000;

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("buffered", &self.buffer.len())
            .field("checkpoint", &self.current)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

fn cursor_hash(cursor: &Option<String>) -> u64 {
    let mut h = DefaultHasher::new();
    cursor.hash(&mut h);
    h.finish()
}

impl<T: Send + 'static> Paginator<T> {
    /// A stream starting at `from` (use `Checkpoint::default()` for the beginning), fetching
    /// each page with `fetch(cursor)`.
    pub fn new<F>(from: Checkpoint, fetch: F) -> Self
    where
        F: Fn(Option<String>) -> BoxFuture<'static, Result<Page<T>>> + Send + Sync + 'static,
    {
        let mut seen = HashSet::new();
        seen.insert(cursor_hash(&from.cursor));
        Self {
            fetch: Arc::new(fetch),
            buffer: VecDeque::new(),
            current: from.clone(),
            next: Some(from.cursor),
            in_flight: None,
            ready: None,
            skip_on_arrival: from.skip,
            handed_since_page: 0,
            seen,
            fail_after_drain: None,
            finished: false,
            pages: 0,
            max_pages: DEFAULT_MAX_PAGES,
            service: "atom",
            total: None,
            complete: None,
        }
    }

    /// A stream over requests: `first` as built, then `next(&first, cursor)` for each cursor
    /// `decode` finds, every one sent by `send` (the provider client's own path, so limits,
    /// retries and caches apply). `service` names the errors the stream makes itself.
    ///
    /// ```
    /// # async fn demo(client: atom_core::ApiClient) -> atom_core::Result<()> {
    /// use atom_core::{Checkpoint, Page, Paginator, Request};
    /// use futures::TryStreamExt as _;
    /// let sender = client.clone();
    /// let items: Vec<serde_json::Value> = Paginator::walk(
    ///     "example",
    ///     Checkpoint::default(),
    ///     Request::get("/v1/things").query("limit", "100"),
    ///     move |request| {
    ///         let client = sender.clone();
    ///         Box::pin(async move { client.send(request).await })
    ///     },
    ///     |first, cursor| first.clone().query("after", cursor),
    ///     |response| {
    ///         let body: serde_json::Value = response.json()?;
    ///         let items = body["data"].as_array().cloned().unwrap_or_default();
    ///         let next = body["next"].as_str().map(str::to_owned);
    ///         Ok(Page::new(items, next))
    ///     },
    /// )
    /// .try_collect()
    /// .await?;
    /// # let _ = items; Ok(()) }
    /// ```
    pub fn walk<S, N, D>(
        service: &'static str,
        from: Checkpoint,
        first: Request,
        send: S,
        next: N,
        decode: D,
    ) -> Self
    where
        S: Fn(Request) -> BoxFuture<'static, Result<ApiResponse>> + Send + Sync + 'static,
        N: Fn(&Request, &str) -> Request + Send + Sync + 'static,
        D: Fn(&ApiResponse) -> Result<Page<T>> + Send + Sync + 'static,
    {
        let decode = Arc::new(decode);
        Self::new(from, move |cursor: Option<String>| {
            let request = match cursor {
                None => first.clone(),
                Some(cursor) => next(&first, &cursor),
            };
            let sent = send(request);
            let decode = decode.clone();
            Box::pin(async move { decode(&sent.await?) })
        })
        .service(service)
    }

    /// Names the service in the errors the stream makes itself (a repeated cursor, the page
    /// cap); provider crates set their own.
    pub fn service(mut self, service: &'static str) -> Self {
        self.service = service;
        if let Some(error) = self.fail_after_drain.take() {
            self.fail_after_drain = Some(error.with_service(service));
        }
        self
    }

    /// How many items the whole result holds, as the last page read said.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Whether the provider said the result is complete, as the last page read said.
    pub fn complete(&self) -> Option<bool> {
        self.complete
    }

    /// Ends the stream with a `Decode` error once `pages` pages have been read and the
    /// provider still names a next one (default [`DEFAULT_MAX_PAGES`]).
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// A stream that yields `error` once and ends: for parameters refused before any request.
    ///
    /// ```
    /// # async fn demo() {
    /// use futures::StreamExt as _;
    /// use atom_core::{Error, Paginator};
    /// let mut pages = Paginator::<u32>::failed(Error::config("example", "limit must be 1 to 100"));
    /// assert!(pages.next().await.is_some_and(|r| r.is_err()));
    /// assert!(pages.next().await.is_none());
    /// # }
    /// ```
    pub fn failed(error: Error) -> Self {
        let mut pages = Self::new(Checkpoint::default(), |_| {
            Box::pin(async { Ok(Page::new(Vec::new(), None)) })
        });
        pages.next = None;
        pages.fail_after_drain = Some(error);
        pages
    }

    /// Where the stream stands: resume with `Paginator::new(checkpoint, fetch)`.
    pub fn checkpoint(&self) -> Checkpoint {
        self.current.clone()
    }

    fn start_fetch(&mut self) {
        if self.in_flight.is_none()
            && self.ready.is_none()
            && let Some(cursor) = &self.next
        {
            self.in_flight = Some((self.fetch)(cursor.clone()));
        }
    }

    /// Drives the in-flight fetch without blocking; parks a finished result in `ready`.
    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(fut) = self.in_flight.as_mut()
            && let Poll::Ready(result) = fut.poll_unpin(cx)
        {
            self.in_flight = None;
            self.ready = Some(result);
            return Poll::Ready(());
        }
        Poll::Pending
    }

    fn accept(&mut self, page: Page<T>) {
        let fetched = self.next.take().unwrap_or_default();
        self.current = Checkpoint {
            cursor: fetched,
            skip: 0,
        };
        let skip = std::mem::take(&mut self.skip_on_arrival).min(page.items.len());
        self.current.skip = skip;
        self.buffer = page.items.into_iter().skip(skip).collect();
        self.handed_since_page = 0;
        self.pages = self.pages.saturating_add(1);
        if page.total.is_some() {
            self.total = page.total;
        }
        if page.complete.is_some() {
            self.complete = page.complete;
        }
        if let Some(next) = page.next {
            let next = Some(next);
            if self.pages >= self.max_pages {
                self.fail_after_drain = Some(Error::decode(
                    self.service,
                    format!(
                        "stopped after {} pages (max_pages): the provider still names a next page",
                        self.pages
                    ),
                ));
            } else if self.seen.insert(cursor_hash(&next)) {
                self.next = Some(next);
            } else {
                self.fail_after_drain = Some(Error::decode(
                    self.service,
                    "the provider repeated a page cursor; stopping instead of looping",
                ));
            }
        }
    }
}

// The paginator never relies on a stable address of its fields.
impl<T> Unpin for Paginator<T> {}

impl<T: Send + 'static> Stream for Paginator<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            // Fetch when the page is used up, or prefetch once the caller has come back for
            // more than the first item of this page.
            if this.buffer.is_empty() || this.handed_since_page > 0 {
                this.start_fetch();
            }
            if let Some(item) = this.buffer.pop_front() {
                this.current.skip += 1;
                this.handed_since_page += 1;
                // Keep the next page moving while the caller works on this item.
                let _ = this.drive(cx);
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(error) = this.fail_after_drain.take() {
                this.finished = true;
                return Poll::Ready(Some(Err(error)));
            }
            if this.ready.is_none() && this.in_flight.is_some() && this.drive(cx).is_pending() {
                return Poll::Pending;
            }
            match this.ready.take() {
                Some(Ok(page)) => this.accept(page),
                // `next` still holds the failed cursor: polling again refetches that page,
                // unless nothing but a change on the caller's side can make it succeed.
                Some(Err(error)) => {
                    this.finished = !error.is_retryable();
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    this.finished = true;
                    return Poll::Ready(None);
                }
            }
        }
    }
}
