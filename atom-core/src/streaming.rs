//! A successful response whose body is read piece by piece (bulk results, file downloads).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use http::{HeaderMap, StatusCode};

use crate::{Error, ErrorKind, ResponseMeta, Result};

/// A successful (2xx or 304) response whose body has not been read: a 1 GB bulk result or
/// file is handed on chunk by chunk instead of being buffered.
///
/// Made by [`ApiClient::send_streaming`](crate::ApiClient::send_streaming). Everything
/// before the body (credentials, rate limits, redirects, retries of failed attempts, error
/// mapping of non-2xx answers) is as for a buffered call. The client's size limit
/// (`max_response_bytes`) does not apply, so each reader bounds what it keeps; each read
/// waits at most the request's timeout for the next chunk, so a server that stalls
/// mid-body ends the read with a `Timeout` error instead of hanging.
pub struct StreamingResponse {
    /// The service that answered.
    pub service: &'static str,
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// Facts about the exchange (attempts, request id, rate limit).
    pub meta: ResponseMeta,
    body: reqwest::Response,
    idle_timeout: Duration,
    received: u64,
}

impl fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("service", &self.service)
            .field("status", &self.status)
            .field("meta", &self.meta)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

impl StreamingResponse {
    pub(crate) fn new(
        service: &'static str,
        body: reqwest::Response,
        headers: HeaderMap,
        meta: ResponseMeta,
        idle_timeout: Duration,
    ) -> Self {
        Self {
            service,
            status: body.status(),
            headers,
            meta,
            body,
            idle_timeout,
            received: 0,
        }
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body's declared length, when the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.body.content_length()
    }

    /// Bytes of the body read so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The next chunk of the body; `None` at its end. A connection that breaks gives a
    /// `Network` error and a stall longer than the timeout a `Timeout` error, both naming
    /// how many bytes had arrived.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        let next = tokio::time::timeout(self.idle_timeout, self.body.chunk()).await;
        match next {
            Ok(Ok(Some(chunk))) => {
                self.received = self.received.saturating_add(chunk.len() as u64);
                Ok(Some(chunk))
            }
            Ok(Ok(None)) => Ok(None),
            Ok(Err(error)) => {
                let error = error.without_url();
                Err(Error::new(
                    ErrorKind::Network,
                    self.service,
                    format!(
                        "response body broke off after {} bytes: {error}",
                        self.received
                    ),
                )
                .with_request_id_opt(self.meta.request_id.clone())
                .with_source(error))
            }
            Err(_) => Err(Error::new(
                ErrorKind::Timeout,
                self.service,
                format!(
                    "no more of the response body within {:?} after {} bytes",
                    self.idle_timeout, self.received
                ),
            )
            .with_request_id_opt(self.meta.request_id.clone())),
        }
    }

    /// The body as a stream of chunks, ending after the first error.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes>> + Send {
        futures::stream::unfold(Some(self), |state| async move {
            let mut response = state?;
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                Ok(None) => None,
                Err(error) => Some((Err(error), None)),
            }
        })
    }

    /// Reads the rest of the body into memory, refusing more than `limit` bytes with a
    /// `Decode` error (for small answers read through the same call).
    pub async fn bytes(mut self, limit: usize) -> Result<Bytes> {
        let mut body = Vec::new();
        while let Some(chunk) = self.chunk().await? {
            if body.len().saturating_add(chunk.len()) > limit {
                return Err(Error::decode(
                    self.service,
                    format!("response body larger than the limit of {limit} bytes"),
                )
                .with_request_id_opt(self.meta.request_id.clone()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.into())
    }
}
