//! Request bodies that are streamed rather than held in memory (file uploads, bulk CSV).

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt as _};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::time::Instant;

/// How many bytes one read of an [`AsyncRead`] source asks for.
const READ_CHUNK: usize = 64 * 1024;

/// A request body produced while it is sent, so a 2 GB file never sits in memory.
///
/// A body made from a stream or a reader ([`from_stream`](Self::from_stream),
/// [`from_reader`](Self::from_reader)) can be sent one time: the client does not retry a
/// call whose body is gone (after a 503, a dropped connection or a 401 refresh), and
/// returns that attempt's error instead. A body made [`replayable`](Self::replayable) is
/// rebuilt for every attempt (reopen the file), so the retry policy applies as to any other
/// body.
///
/// The request's timeout is a wait for progress, not a cap on the whole upload: an attempt
/// fails with `Timeout` when no byte of the body is taken for that long, or when no answer
/// comes that long after the last one. So a large file needs no larger timeout, and the
/// retry policy's deadline does not cut an upload that is moving.
///
/// With a known `length` the request carries `Content-Length` (some servers refuse chunked
/// uploads); without one it is sent chunked.
///
/// ```
/// use atom_core::{Body, Request, StreamBody};
/// let csv: &'static [u8] = b"Name\nAcme\n";
/// let body = StreamBody::from_reader("text/csv", Some(csv.len() as u64), csv);
/// let request = Request::put("/jobs/ingest/750/batches").body(Body::Stream(body));
/// assert_eq!(request.body_ref().content_type(), Some("text/csv"));
/// ```
#[derive(Clone)]
pub struct StreamBody {
    content_type: Cow<'static, str>,
    length: Option<u64>,
    source: Source,
    progress: Arc<Progress>,
}

type Chunks = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;
type MakeChunks = dyn Fn() -> Option<Chunks> + Send + Sync;

#[derive(Clone)]
enum Source {
    Once(Arc<Mutex<Option<Chunks>>>),
    Replayable(Arc<MakeChunks>),
}

impl fmt::Debug for StreamBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.length {
            Some(length) => write!(f, "{} (stream, {length} bytes)", self.content_type),
            None => write!(f, "{} (stream)", self.content_type),
        }
    }
}

fn boxed<S, B>(stream: S) -> Chunks
where
    S: Stream<Item = io::Result<B>> + Send + 'static,
    B: Into<Bytes>,
{
    Box::pin(stream.map(|chunk| chunk.map(Into::into)))
}

impl StreamBody {
    /// A body read from a stream of chunks, sent one time.
    pub fn from_stream<S, B>(
        content_type: impl Into<Cow<'static, str>>,
        length: Option<u64>,
        stream: S,
    ) -> Self
    where
        S: Stream<Item = io::Result<B>> + Send + 'static,
        B: Into<Bytes>,
    {
        Self::with(
            content_type,
            length,
            Source::Once(Arc::new(Mutex::new(Some(boxed(stream))))),
        )
    }

    /// A body read from `reader` in 64 KiB pieces, sent one time.
    pub fn from_reader<R>(
        content_type: impl Into<Cow<'static, str>>,
        length: Option<u64>,
        reader: R,
    ) -> Self
    where
        R: AsyncRead + Send + 'static,
    {
        Self::from_stream(content_type, length, ReaderStream::new(reader))
    }

    /// A body whose stream `make` builds afresh for every attempt (reopening its source),
    /// so the call can be retried like one with an in-memory body. `make` returning `None`
    /// (the source can no longer be opened) ends the call with the last attempt's error.
    pub fn replayable<F, S, B>(
        content_type: impl Into<Cow<'static, str>>,
        length: Option<u64>,
        make: F,
    ) -> Self
    where
        F: Fn() -> Option<S> + Send + Sync + 'static,
        S: Stream<Item = io::Result<B>> + Send + 'static,
        B: Into<Bytes>,
    {
        let make = move || make().map(boxed);
        Self::with(content_type, length, Source::Replayable(Arc::new(make)))
    }

    fn with(
        content_type: impl Into<Cow<'static, str>>,
        length: Option<u64>,
        source: Source,
    ) -> Self {
        Self {
            content_type: content_type.into(),
            length,
            source,
            progress: Arc::new(Progress::default()),
        }
    }

    /// The `Content-Type` header value.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The length in bytes, when known.
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// Whether another attempt can still send this body.
    pub fn can_send(&self) -> bool {
        match &self.source {
            Source::Once(slot) => slot.lock().map(|body| body.is_some()).unwrap_or(false),
            Source::Replayable(_) => true,
        }
    }

    /// The body for one attempt (its progress clock started); `None` once a one-time body
    /// has gone.
    pub(crate) fn take(&self) -> Option<reqwest::Body> {
        let chunks = match &self.source {
            Source::Once(slot) => slot.lock().ok().and_then(|mut body| body.take()),
            Source::Replayable(make) => make(),
        }?;
        self.progress.touch();
        let progress = self.progress.clone();
        let tracked = chunks.inspect(move |_| progress.touch());
        Some(reqwest::Body::wrap_stream(tracked))
    }

    /// When the body last moved: a chunk taken, or the attempt's start.
    pub(crate) fn last_progress(&self) -> Instant {
        self.progress.last()
    }
}

/// When a streamed body last gave a chunk to the connection.
struct Progress(Mutex<Instant>);

impl Default for Progress {
    fn default() -> Self {
        Self(Mutex::new(Instant::now()))
    }
}

impl Progress {
    fn touch(&self) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    fn last(&self) -> Instant {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The chunks of an [`AsyncRead`], each at most [`READ_CHUNK`] bytes.
struct ReaderStream<R> {
    reader: Option<Pin<Box<R>>>,
    buffer: Box<[u8]>,
}

impl<R: AsyncRead> ReaderStream<R> {
    fn new(reader: R) -> Self {
        Self {
            reader: Some(Box::pin(reader)),
            buffer: vec![0; READ_CHUNK].into_boxed_slice(),
        }
    }
}

impl<R: AsyncRead> Stream for ReaderStream<R> {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let Some(reader) = this.reader.as_mut() else {
            return Poll::Ready(None);
        };
        let mut read = ReadBuf::new(&mut this.buffer);
        match reader.as_mut().poll_read(cx, &mut read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => {
                this.reader = None;
                Poll::Ready(Some(Err(error)))
            }
            Poll::Ready(Ok(())) if read.filled().is_empty() => {
                this.reader = None;
                Poll::Ready(None)
            }
            Poll::Ready(Ok(())) => Poll::Ready(Some(Ok(Bytes::copy_from_slice(read.filled())))),
        }
    }
}
