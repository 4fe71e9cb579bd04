//! The `multipart/form-data` body of a `ContentVersion` upload: a JSON part and the file's
//! bytes, streamed from a reader with an exact, precomputed `Content-Length`.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Poll;
use std::time::Duration;

use atom_core::{Error, Result};
use futures::Stream;
use tokio::io::{AsyncRead, ReadBuf};

use super::MAX_CONTENT_VERSION_BYTES;
use crate::SERVICE;

/// How many bytes one read of the file asks for.
const READ_CHUNK: usize = 64 * 1024;

/// The name of the JSON part of a `ContentVersion` upload ("Insert or Update Blob Data").
const JSON_PART: &str = "entity_content";

/// The name of the binary part: the blob field.
const FILE_PART: &str = "VersionData";

/// How many fresh boundaries are tried before giving up on one the JSON part does not
/// hold (with 128 random bits, the first one always fits in practice).
const BOUNDARY_TRIES: usize = 8;

/// Longest content type accepted for the file part.
const MAX_CONTENT_TYPE: usize = 255;

type Reader = Pin<Box<dyn AsyncRead + Send>>;
type Open = dyn Fn() -> Option<Reader> + Send + Sync;

/// The bytes of a file to upload: in memory, from a reader read once, or from a source
/// reopened for each attempt. The length is given up front because the request carries it
/// as `Content-Length`; a reader that ends before it, or runs past it, breaks the upload
/// off instead of storing a different file.
///
/// `Debug` shows the content type and length, never the bytes.
///
/// ```
/// use atom_salesforce::files::FileUpload;
/// let small = FileUpload::from_bytes(b"hello".to_vec()).content_type("text/plain");
/// assert_eq!(small.length(), 5);
/// let csv: &'static [u8] = b"a,b\n1,2\n";
/// let streamed = FileUpload::from_reader(csv, csv.len() as u64);
/// assert_eq!(format!("{streamed:?}"), "FileUpload(application/octet-stream, 8 bytes, reader)");
/// ```
pub struct FileUpload {
    content_type: String,
    length: u64,
    source: Source,
    timeout: Option<Duration>,
}

enum Source {
    Bytes(Vec<u8>),
    Once(Reader),
    Reopen(Arc<Open>),
}

impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match self.source {
            Source::Bytes(_) => "bytes",
            Source::Once(_) => "reader",
            Source::Reopen(_) => "reopenable",
        };
        write!(
            f,
            "FileUpload({}, {} bytes, {source})",
            self.content_type, self.length
        )
    }
}

impl FileUpload {
    fn with(length: u64, source: Source) -> Self {
        Self {
            content_type: "application/octet-stream".to_owned(),
            length,
            source,
            timeout: None,
        }
    }

    /// A file held in memory. The body is built once and can be sent again, so a failed
    /// attempt is retried like any other call.
    pub fn from_bytes(data: impl Into<Vec<u8>>) -> Self {
        let data = data.into();
        Self::with(data.len() as u64, Source::Bytes(data))
    }

    /// A file read from `reader`, exactly `length` bytes, in 64 KiB pieces: it never sits
    /// in memory whole. Sent one time: a failed attempt is not retried (use
    /// [`FileUpload::reopenable`] for that).
    pub fn from_reader<R>(reader: R, length: u64) -> Self
    where
        R: AsyncRead + Send + 'static,
    {
        Self::with(length, Source::Once(Box::pin(reader)))
    }

    /// A file of `length` bytes that `open` opens afresh for every attempt (reopen the
    /// path), so a failed attempt can be retried. `open` returning `None` ends the call
    /// with the last attempt's error.
    ///
    /// ```
    /// use atom_salesforce::files::FileUpload;
    /// let upload = FileUpload::reopenable(3, || Some(&b"abc"[..]));
    /// assert_eq!(upload.length(), 3);
    /// ```
    pub fn reopenable<R, F>(length: u64, open: F) -> Self
    where
        R: AsyncRead + Send + 'static,
        F: Fn() -> Option<R> + Send + Sync + 'static,
    {
        let open: Arc<Open> = Arc::new(move || open().map(|r| Box::pin(r) as Reader));
        Self::with(length, Source::Reopen(open))
    }

    /// The file part's `Content-Type` (default `application/octet-stream`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// The request's timeout (default: the client's, 30 s unless set). For a streamed file
    /// it is the longest wait for progress (Salesforce taking the next bytes, or answering
    /// after the last); for a file from bytes, the cap on the whole attempt, which the
    /// client's retry deadline (60 s by default) caps in turn.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The file's length in bytes.
    pub fn length(&self) -> u64 {
        self.length
    }

    pub(crate) fn timeout_value(&self) -> Option<Duration> {
        self.timeout
    }
}

/// The multipart body as chunks.
pub(crate) type BodyStream = Pin<Box<dyn Stream<Item = io::Result<Vec<u8>>> + Send>>;

/// The encoded body, ready for a request.
pub(crate) enum Encoded {
    /// Held in memory whole.
    Bytes(Vec<u8>),
    /// Streamed one time.
    Once { length: u64, body: BodyStream },
    /// Rebuilt for every attempt.
    Replayable {
        length: u64,
        make: Box<dyn Fn() -> Option<BodyStream> + Send + Sync>,
    },
}

/// The parts around the file's bytes: everything before them and the closing delimiter.
#[derive(Debug, Clone)]
pub(crate) struct Framing {
    pub(crate) boundary: String,
    pub(crate) head: Vec<u8>,
    pub(crate) tail: Vec<u8>,
}

impl Framing {
    /// The framing for a JSON part and a file part named `filename` of `content_type`.
    pub(crate) fn new(json: &[u8], filename: &str, content_type: &str, boundary: &str) -> Self {
        let mut head = Vec::with_capacity(json.len() + 256);
        head.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        head.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{JSON_PART}\"\r\n").as_bytes(),
        );
        head.extend_from_slice(b"Content-Type: application/json\r\n\r\n");
        head.extend_from_slice(json);
        head.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
        head.extend_from_slice(
            format!(
                "Content-Disposition: form-data; name=\"{FILE_PART}\"; filename=\"{}\"\r\n",
                escape_filename(filename)
            )
            .as_bytes(),
        );
        head.extend_from_slice(format!("Content-Type: {content_type}\r\n\r\n").as_bytes());
        let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
        Self {
            boundary: boundary.to_owned(),
            head,
            tail,
        }
    }

    /// The whole body's length for a file of `file` bytes; `None` on overflow.
    pub(crate) fn length(&self, file: u64) -> Option<u64> {
        (self.head.len() as u64)
            .checked_add(file)?
            .checked_add(self.tail.len() as u64)
    }

    /// The request's `Content-Type`.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
}

/// A file name as the `filename` parameter of a quoted `Content-Disposition`: `"`, `\`
/// and control characters percent-encoded (as browsers do), so no name can end the
/// parameter, the header or the part early. `PathOnClient` in the JSON part keeps the
/// name exactly.
pub(crate) fn escape_filename(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c == '"' || c == '\\' || c.is_ascii_control() {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// 128 random bits as hex: two hashers with the process's random keys over a counter and
/// the clock, as the core's retry jitter does (no extra dependency for a boundary).
fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut out = String::with_capacity(32);
    for _ in 0..2 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u128(nanos);
        out.push_str(&format!("{:016x}", hasher.finish()));
    }
    out
}

/// A fresh boundary that occurs in none of `texts` (the parts' caller-given contents).
pub(crate) fn pick_boundary(texts: &[&[u8]]) -> Result<String> {
    pick_boundary_from(texts, || format!("atom-sf-{}", random_hex()))
}

/// [`pick_boundary`] with the candidates from `next` (tests give clashing ones).
fn pick_boundary_from(texts: &[&[u8]], mut next: impl FnMut() -> String) -> Result<String> {
    for _ in 0..BOUNDARY_TRIES {
        let boundary = next();
        let needle = boundary.as_bytes();
        let clash = texts
            .iter()
            .any(|text| text.windows(needle.len()).any(|w| w == needle));
        if !clash {
            return Ok(boundary);
        }
    }
    Err(Error::config(
        SERVICE,
        "no multipart boundary found that the upload's fields do not contain",
    ))
}

/// Checks a content type given for the file part: it is written into the part's headers.
fn check_content_type(content_type: &str) -> Result<()> {
    let ok = !content_type.trim().is_empty()
        && content_type.len() <= MAX_CONTENT_TYPE
        && content_type.bytes().all(|b| (0x20..0x7f).contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::config(
            SERVICE,
            "the file's content type must be 1 to 255 printable ASCII characters",
        ))
    }
}

/// Checks the upload and encodes it: the request's content type and its body.
pub(crate) fn encode(json: &[u8], filename: &str, file: FileUpload) -> Result<(String, Encoded)> {
    if file.length > MAX_CONTENT_VERSION_BYTES {
        return Err(Error::config(
            SERVICE,
            format!(
                "the file is {} bytes; one ContentVersion upload takes at most {} bytes (2 GB)",
                file.length, MAX_CONTENT_VERSION_BYTES
            ),
        ));
    }
    check_content_type(&file.content_type)?;
    let escaped = escape_filename(filename);
    let boundary = pick_boundary(&[json, escaped.as_bytes(), file.content_type.as_bytes()])?;
    let framing = Framing::new(json, filename, &file.content_type, &boundary);
    let length = framing
        .length(file.length)
        .ok_or_else(|| Error::config(SERVICE, "the upload's length overflows"))?;
    let content_type = framing.content_type();
    let declared = file.length;
    let encoded = match file.source {
        Source::Bytes(data) => {
            let mut body = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
            body.extend_from_slice(&framing.head);
            body.extend_from_slice(&data);
            body.extend_from_slice(&framing.tail);
            Encoded::Bytes(body)
        }
        Source::Once(reader) => Encoded::Once {
            length,
            body: Box::pin(body_stream(&framing, reader, declared)),
        },
        Source::Reopen(open) => Encoded::Replayable {
            length,
            make: Box::new(move || {
                open().map(|reader| Box::pin(body_stream(&framing, reader, declared)) as BodyStream)
            }),
        },
    };
    Ok((content_type, encoded))
}

/// Which piece of the body comes next.
enum Part {
    Head,
    File,
    Tail,
    Done,
}

struct State {
    part: Part,
    head: Vec<u8>,
    tail: Vec<u8>,
    reader: Reader,
    declared: u64,
    sent: u64,
    buffer: Box<[u8]>,
}

/// One read into `buffer`: how many bytes arrived (0 at the end).
async fn read_some(reader: &mut Reader, buffer: &mut [u8]) -> io::Result<usize> {
    std::future::poll_fn(|cx| {
        let mut read = ReadBuf::new(&mut *buffer);
        match reader.as_mut().poll_read(cx, &mut read) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(read.filled().len())),
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

/// The body as chunks: the head, the file's `declared` bytes read from `reader`, the tail.
/// A reader that ends early or holds more than declared ends the stream with an error, so
/// the request breaks off rather than sending a body that disagrees with its length.
pub(crate) fn body_stream(
    framing: &Framing,
    reader: Reader,
    declared: u64,
) -> impl Stream<Item = io::Result<Vec<u8>>> + Send + 'static {
    let state = State {
        part: Part::Head,
        head: framing.head.clone(),
        tail: framing.tail.clone(),
        reader,
        declared,
        sent: 0,
        buffer: vec![0; READ_CHUNK].into_boxed_slice(),
    };
    futures::stream::unfold(state, |mut s| async move {
        loop {
            match s.part {
                Part::Head => {
                    s.part = Part::File;
                    let head = std::mem::take(&mut s.head);
                    return Some((Ok(head), s));
                }
                Part::File => match next_file_chunk(&mut s).await {
                    Ok(Some(chunk)) => return Some((Ok(chunk), s)),
                    Ok(None) => s.part = Part::Tail,
                    Err(error) => {
                        s.part = Part::Done;
                        return Some((Err(error), s));
                    }
                },
                Part::Tail => {
                    s.part = Part::Done;
                    let tail = std::mem::take(&mut s.tail);
                    return Some((Ok(tail), s));
                }
                Part::Done => return None,
            }
        }
    })
}

/// The next piece of the file; `None` once exactly `declared` bytes were read and the
/// reader is at its end.
async fn next_file_chunk(s: &mut State) -> io::Result<Option<Vec<u8>>> {
    let remaining = s.declared.saturating_sub(s.sent);
    if remaining == 0 {
        // One more read must find the end, or the file is longer than declared.
        let mut probe = [0u8; 1];
        return match read_some(&mut s.reader, &mut probe).await? {
            0 => Ok(None),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the file holds more than its declared {} bytes", s.declared),
            )),
        };
    }
    let want = usize::try_from(remaining)
        .unwrap_or(READ_CHUNK)
        .min(READ_CHUNK);
    let buffer = s.buffer.get_mut(..want).unwrap_or_default();
    let n = read_some(&mut s.reader, buffer).await?;
    if n == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!(
                "the file ended after {} of its declared {} bytes",
                s.sent, s.declared
            ),
        ));
    }
    s.sent = s.sent.saturating_add(n as u64);
    Ok(Some(buffer.get(..n).unwrap_or_default().to_vec()))
}

#[cfg(test)]
#[path = "multipart_tests.rs"]
mod tests;
