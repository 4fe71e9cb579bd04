//! A blob download handed on chunk by chunk.

use std::ops::{Deref, DerefMut};
use std::pin::Pin;

use atom_core::{Error, ErrorKind, Result, StreamingResponse};
use tokio::io::AsyncWrite;

use crate::SERVICE;

/// A blob field's bytes (`VersionData`, `Body`) as they arrive: the core's
/// [`StreamingResponse`] (which it dereferences to, so
/// [`chunk`](StreamingResponse::chunk) and [`received`](StreamingResponse::received) are
/// at hand) with the content type and a copy into any writer.
///
/// Nothing is buffered beyond one chunk; each chunk waits at most the request's timeout,
/// so a stalled server ends the read with a `Timeout` error, and a body cut short ends it
/// with a `Network` error naming how many bytes arrived.
///
/// ```no_run
/// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
/// let mut download = client.files().download_attachment("00PD000000Abc12MAB").await?;
/// println!("{:?}, {:?} bytes", download.content_type(), download.content_length());
/// while let Some(chunk) = download.chunk().await? {
///     // hash, scan or forward `chunk`
/// #   let _ = chunk;
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct FileDownload {
    response: StreamingResponse,
}

impl FileDownload {
    pub(crate) fn new(response: StreamingResponse) -> Self {
        Self { response }
    }

    /// The `Content-Type` Salesforce sent (the file's MIME type when it knows it).
    pub fn content_type(&self) -> Option<&str> {
        self.response.header("content-type")
    }

    /// The length Salesforce declared, when it sent one (a chunked answer has none).
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The core's response, to read as a stream
    /// ([`into_stream`](StreamingResponse::into_stream)).
    pub fn into_response(self) -> StreamingResponse {
        self.response
    }

    /// Copies the rest of the body into `writer` chunk by chunk, flushes it, and returns
    /// how many bytes were written. A failed read is the read's error (`Network`,
    /// `Timeout`); a failed write or flush is a `Storage` error naming how many bytes had
    /// been written. Either way the writer holds a partial file the caller should discard.
    pub async fn copy_to<W>(&mut self, writer: &mut W) -> Result<u64>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let mut written: u64 = 0;
        while let Some(chunk) = self.response.chunk().await? {
            write_all(writer, &chunk)
                .await
                .map_err(|e| write_error(e, written))?;
            written = written.saturating_add(chunk.len() as u64);
        }
        std::future::poll_fn(|cx| Pin::new(&mut *writer).poll_flush(cx))
            .await
            .map_err(|e| write_error(e, written))?;
        Ok(written)
    }
}

impl Deref for FileDownload {
    type Target = StreamingResponse;

    fn deref(&self) -> &StreamingResponse {
        &self.response
    }
}

impl DerefMut for FileDownload {
    fn deref_mut(&mut self) -> &mut StreamingResponse {
        &mut self.response
    }
}

fn write_error(error: std::io::Error, written: u64) -> Error {
    Error::new(
        ErrorKind::Storage,
        SERVICE,
        format!("writing the download failed after {written} bytes: {error}"),
    )
    .with_source(error)
}

/// Writes all of `data` (tokio's `io-util` extension traits are not a dependency here).
async fn write_all<W>(writer: &mut W, mut data: &[u8]) -> std::io::Result<()>
where
    W: AsyncWrite + Unpin + ?Sized,
{
    while !data.is_empty() {
        let n = std::future::poll_fn(|cx| Pin::new(&mut *writer).poll_write(cx, data)).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::WriteZero,
                "the writer took no bytes",
            ));
        }
        data = data.get(n..).unwrap_or_default();
    }
    Ok(())
}
