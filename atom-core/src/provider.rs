//! What a provider tells the shared request path about itself.

use std::fmt;
use std::time::Duration;

use chrono::Utc;
use http::{HeaderMap, StatusCode};

use crate::http_util::{
    REQUEST_ID_HEADERS, first_header, generic_error_message, non_json_message, standard_rate_limit,
};
use crate::retry::parse_retry_after;
use crate::{Error, ErrorKind, RateLimitSnapshot};

/// A provider's small functions on the request path. Every method has a default that fits
/// a typical JSON API; a provider overrides what differs.
pub trait Provider: Send + Sync + fmt::Debug + 'static {
    /// The stable service id (`"stripe"`).
    fn service(&self) -> &'static str;

    /// Turns an error response into an [`Error`]. The client adds status, request id and
    /// `retry_after` afterwards when the mapper leaves them out.
    fn map_error(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        default_error(self.service(), status, headers, body)
    }

    /// The rate-limit position a response reports.
    fn rate_limit(&self, headers: &HeaderMap) -> Option<RateLimitSnapshot> {
        standard_rate_limit(headers, Utc::now())
    }

    /// The provider's request id.
    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        first_header(headers, REQUEST_ID_HEADERS)
    }

    /// How long the provider asked us to wait.
    fn retry_after(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        error: &Error,
    ) -> Option<Duration> {
        let _ = (status, error);
        headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, Utc::now()))
    }

    /// The provider's own verdict on retrying (Stripe `Stripe-Should-Retry`, GitHub's
    /// secondary-limit 403), which overrides the status-based rule.
    fn should_retry(&self, status: StatusCode, headers: &HeaderMap, error: &Error) -> Option<bool> {
        let _ = (status, headers, error);
        None
    }

    /// Whether the error means the access token is no longer valid (refresh and replay).
    fn is_auth_failure(&self, status: StatusCode, error: &Error) -> bool {
        let _ = error;
        status == StatusCode::UNAUTHORIZED
    }

    /// An error a provider sends with a 2xx status (QuickBooks answers some faults, a
    /// throttle among them, with HTTP 200). `Some` makes the response that error, which then
    /// goes through `should_retry` and the retry policy like any other; `None` (the default)
    /// keeps it a success. Called on every 2xx body: look only where such an error sits.
    fn error_in_success(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Option<Error> {
        let _ = (status, headers, body);
        None
    }

    /// The header that carries the idempotency key (`Idempotency-Key`).
    fn idempotency_header(&self) -> &'static str {
        "idempotency-key"
    }
}

/// The default error mapping: status-derived kind and the message of a typical JSON body, or
/// a description of a non-JSON body.
pub fn default_error(
    service: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Error {
    let kind = ErrorKind::from_status(status.as_u16());
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .as_ref()
        .and_then(generic_error_message)
        .unwrap_or_else(|| non_json_message(status.as_u16(), headers, body));
    Error::new(kind, service, message).with_status(status.as_u16())
}

/// A provider with every default: for tests, local mocks and simple JSON APIs.
#[derive(Debug, Clone, Copy)]
pub struct GenericProvider(pub &'static str);

impl Provider for GenericProvider {
    fn service(&self) -> &'static str {
        self.0
    }
}
