//! What came back: status, headers, bytes and the facts about the exchange.

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The provider's rate-limit position after a response.
///
/// ```
/// use atom_core::RateLimitSnapshot;
/// let snapshot = RateLimitSnapshot::default().with_limit(5000).with_remaining(0);
/// assert!(snapshot.is_exhausted());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RateLimitSnapshot {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset: Option<DateTime<Utc>>,
    /// Requests used (Salesforce reports usage, not what remains).
    pub used: Option<u64>,
    /// The bucket the numbers are for (GitHub `x-ratelimit-resource`).
    pub resource: Option<String>,
}

impl RateLimitSnapshot {
    /// Sets the requests allowed in the window.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets the requests left in the window.
    pub fn with_remaining(mut self, remaining: u64) -> Self {
        self.remaining = Some(remaining);
        self
    }

    /// Sets when the window resets.
    pub fn with_reset(mut self, reset: DateTime<Utc>) -> Self {
        self.reset = Some(reset);
        self
    }

    /// Sets the requests used.
    pub fn with_used(mut self, used: u64) -> Self {
        self.used = Some(used);
        self
    }

    /// Sets the bucket the numbers are for.
    pub fn with_resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// True when the provider says nothing is left.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// Facts about one exchange.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The provider's request id.
    pub request_id: Option<String>,
    /// Attempts made, 1 when the first succeeded.
    pub attempts: u32,
    /// Time from the first attempt to the final response.
    pub elapsed: Duration,
    /// The rate-limit position, when the provider sent one.
    pub rate_limit: Option<RateLimitSnapshot>,
}

/// A successful (2xx or 304) response.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    /// The service that answered.
    pub service: &'static str,
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Bytes,
    /// Facts about the exchange.
    pub meta: ResponseMeta,
}

impl ApiResponse {
    /// Decodes the JSON body. A body that does not fit gives a `Decode` error that names
    /// the place and keeps the request id; the body itself is not copied into the error.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode_json(self.service, &self.body, self.meta.request_id.as_deref())
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Decodes JSON bytes into `T`, with a `Decode` error that says where it failed.
pub fn decode_json<T: DeserializeOwned>(
    service: &'static str,
    body: &[u8],
    request_id: Option<&str>,
) -> Result<T> {
    // One UTF-8 check of the whole body, then the `&str` reader, which checks no string or
    // raw field again (the slice reader re-checks each, a large share of a big page's cost).
    let text = std::str::from_utf8(body).map_err(|e| {
        Error::decode(service, format!("response body is not UTF-8: {e}"))
            .with_request_id_opt(request_id.map(str::to_owned))
    })?;
    serde_json::from_str(text).map_err(|e| {
        Error::decode(service, format!("response body did not decode: {e}"))
            .with_cause_text(&e)
            .with_request_id_opt(request_id.map(str::to_owned))
    })
}
