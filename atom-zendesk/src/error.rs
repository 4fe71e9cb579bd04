//! Zendesk's error bodies and rate-limit headers, turned into the core [`Error`].
//!
//! Zendesk answers errors in three shapes, all kept in [`ZendeskErrorInfo`]:
//!
//! * `{"error": "RecordInvalid", "description": "Record validation errors", "details":
//!   {"email": [{"description": "Email: is already being used", "error": "DuplicateValue"}]}}`
//!   (a validation failure: each field's entries become a [`ProviderDetail`] naming the field);
//! * `{"error": {"title": "Forbidden", "message": "You do not have access to this page"}}`;
//! * a bare `{"error": "InvalidEndpoint"}` (with or without a `description`);
//!
//! and newer endpoints answer the JSON:API form `{"errors": [{"code", "title", "detail"}]}`.
//! The `error` code becomes the error's provider code; the request id is
//! `X-Zendesk-Request-Id` (else `X-Request-Id`).
//!
//! **404, 403 and 422 stay apart**: `NotFound` (the record does not exist, or the endpoint
//! is unknown: `InvalidEndpoint`), `Forbidden` (the credentials may not do this), and
//! `InvalidRequest` (a validation failure, `RecordInvalid`, with the fields in `details`).
//!
//! ## Rate limits
//!
//! Zendesk reports the account's position in `ratelimit-limit` / `ratelimit-remaining` /
//! `ratelimit-reset` (older responses: `X-Rate-Limit` / `X-Rate-Limit-Remaining`), and
//! endpoint limits in `Zendesk-RateLimit-<endpoint>: total=100; remaining=99; resets=10`.
//! [`rate_limit`] reads all of them and reports the tightest, so an exhausted endpoint limit
//! pauses the account's calls until its reset (seconds away): conservative, and it keeps
//! the next call from being the 429. A 429 carries `Retry-After`
//! (seconds): the error is `RateLimited` with that wait (at most [`MAX_LIMIT_WAIT`]), and
//! Zendesk refused the call, so even a POST is safe to resend.

use std::time::Duration;

use atom_core::http_util::{first_header, non_json_message, reset_time, standard_rate_limit};
use atom_core::redact::scrub;
use atom_core::retry::parse_retry_after;
use atom_core::{Error, ErrorKind, Provider, ProviderDetail, RateLimitSnapshot};
use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

/// The service id.
pub const SERVICE: &str = "zendesk";

/// The longest wait a 429 can ask for: Zendesk's windows are a minute long, so a longer
/// `Retry-After` is a broken header, not a reason to wait for hours.
pub const MAX_LIMIT_WAIT: Duration = Duration::from_secs(15 * 60);

/// The request-id headers, in the order they are read.
pub const REQUEST_ID_HEADERS: &[&str] = &["x-zendesk-request-id", "x-request-id"];

/// Zendesk's hooks on the core request path.
#[derive(Debug, Clone, Copy, Default)]
pub struct ZendeskProvider;

impl Provider for ZendeskProvider {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn map_error(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        map_error(status, headers, body, Utc::now())
    }

    fn rate_limit(&self, headers: &HeaderMap) -> Option<RateLimitSnapshot> {
        rate_limit(headers, Utc::now())
    }

    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        first_header(headers, REQUEST_ID_HEADERS)
    }

    fn should_retry(&self, status: StatusCode, _: &HeaderMap, _: &Error) -> Option<bool> {
        // A 429 was refused before it took effect: resending is safe, even for a POST.
        (status == StatusCode::TOO_MANY_REQUESTS).then_some(true)
    }
}

/// The rate-limit position the headers report (pure; `now` reads relative resets): the
/// account limit and every `Zendesk-RateLimit-*` endpoint limit, the one with the fewest
/// remaining calls winning (its name is the snapshot's `resource`).
///
/// ```
/// let mut h = http::HeaderMap::new();
/// h.insert("x-rate-limit", "700".parse().unwrap());
/// h.insert("x-rate-limit-remaining", "650".parse().unwrap());
/// h.insert("zendesk-ratelimit-tickets-index", "total=100; remaining=0; resets=10".parse().unwrap());
/// let snap = atom_zendesk::error::rate_limit(&h, chrono::Utc::now()).unwrap();
/// assert_eq!(snap.remaining, Some(0));
/// assert_eq!(snap.resource.as_deref(), Some("tickets-index"));
/// ```
pub fn rate_limit(headers: &HeaderMap, now: DateTime<Utc>) -> Option<RateLimitSnapshot> {
    let num = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let mut best = standard_rate_limit(headers, now).or_else(|| {
        let mut snapshot = RateLimitSnapshot::default();
        snapshot.limit = num("x-rate-limit");
        snapshot.remaining = num("x-rate-limit-remaining");
        (snapshot != RateLimitSnapshot::default()).then_some(snapshot)
    });
    for (name, value) in headers {
        let Some(resource) = name.as_str().strip_prefix("zendesk-ratelimit-") else {
            continue;
        };
        let Some(endpoint) = value.to_str().ok().and_then(|v| endpoint_limit(v, now)) else {
            continue;
        };
        let tighter = match (&best, endpoint.remaining) {
            (None, _) => true,
            (Some(current), Some(remaining)) => current.remaining.is_none_or(|r| remaining < r),
            (Some(_), None) => false,
        };
        if tighter {
            best = Some(endpoint.with_resource(resource));
        }
    }
    best
}

/// One `total=100; remaining=99; resets=10` value.
fn endpoint_limit(value: &str, now: DateTime<Utc>) -> Option<RateLimitSnapshot> {
    let mut snapshot = RateLimitSnapshot::default();
    for part in value.split([';', ',']) {
        let Some((key, number)) = part.split_once('=') else {
            continue;
        };
        let Ok(number) = number.trim().parse::<u64>() else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "total" => snapshot.limit = Some(number),
            "remaining" => snapshot.remaining = Some(number),
            "resets" => snapshot.reset = reset_time(number, now),
            _ => {}
        }
    }
    (snapshot != RateLimitSnapshot::default()).then_some(snapshot)
}

/// Turns an error response into an [`Error`] (pure; `now` reads `Retry-After` dates).
///
/// ```
/// use atom_zendesk::error::{ZendeskErrorInfo, map_error};
/// let body = br#"{"error":"RecordInvalid","description":"Record validation errors","details":{"email":[{"description":"Email: is already being used","error":"DuplicateValue"}]}}"#;
/// let err = map_error(http::StatusCode::UNPROCESSABLE_ENTITY, &http::HeaderMap::new(), body, chrono::Utc::now());
/// assert_eq!(err.kind(), atom_core::ErrorKind::InvalidRequest);
/// assert_eq!(err.provider_code(), Some("RecordInvalid"));
/// let info = err.provider_details::<ZendeskErrorInfo>().unwrap();
/// assert_eq!(info.details[0].field, "email");
/// assert_eq!(info.details[0].error.as_deref(), Some("DuplicateValue"));
/// ```
pub fn map_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Error {
    let code = status.as_u16();
    let parsed = serde_json::from_slice::<Value>(body).ok();
    let info = parsed
        .as_ref()
        .and_then(Value::as_object)
        .map(ZendeskErrorInfo::from_body);
    let message = info
        .as_ref()
        .and_then(ZendeskErrorInfo::summary)
        .unwrap_or_else(|| non_json_message(code, headers, body));
    let kind = ErrorKind::from_status(code);
    let mut error = Error::new(kind, SERVICE, message).with_status(code);
    if let Some(id) = first_header(headers, REQUEST_ID_HEADERS) {
        error = error.with_request_id(id);
    }
    if code == 429 {
        let wait = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, now))
            .unwrap_or(Duration::from_secs(60))
            .min(MAX_LIMIT_WAIT);
        error = error.with_retry_after(Some(wait)).with_retryable(true);
    }
    let Some(info) = info else {
        return error;
    };
    if let Some(code) = info.error.clone() {
        error = error.with_provider_code(code);
    }
    let details: Vec<ProviderDetail> = info
        .details
        .iter()
        .map(|d| ProviderDetail {
            code: d.error.clone(),
            message: d
                .description
                .clone()
                .unwrap_or_else(|| format!("{} is invalid", d.field)),
            fields: vec![d.field.clone()],
        })
        .collect();
    if !details.is_empty() {
        error = error.with_details(details);
    }
    error.with_provider_details(info)
}

/// Zendesk's error body, typed: read it with `error.provider_details::<ZendeskErrorInfo>()`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ZendeskErrorInfo {
    /// The error code: `RecordInvalid`, `RecordNotFound`, `InvalidEndpoint`, `Forbidden`
    /// (from `error` as a string, else `error.title`, else the first JSON:API `code`).
    pub error: Option<String>,
    /// `error.title` of the object form, or the first JSON:API `title`.
    pub title: Option<String>,
    /// `description`, `error.message`, or the first JSON:API `detail`.
    pub description: Option<String>,
    /// `details`: the validation failures, one entry per field message.
    pub details: Vec<ZendeskFieldError>,
}

/// One validation failure of [`ZendeskErrorInfo::details`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ZendeskFieldError {
    /// The field (`email`, `base`, `requester`).
    pub field: String,
    /// Zendesk's code for it (`DuplicateValue`, `BlankValue`, `InvalidValue`).
    pub error: Option<String>,
    /// Zendesk's text.
    pub description: Option<String>,
}

impl ZendeskErrorInfo {
    fn from_body(object: &Map<String, Value>) -> Self {
        // Scrubbed like the error's own text: these are shown by the error's `Debug`.
        fn text(v: Option<&Value>) -> Option<String> {
            v.and_then(Value::as_str)
                .map(|s| scrub(s, &[]).into_owned())
        }
        let mut info = Self::default();
        match object.get("error") {
            Some(Value::String(code)) => info.error = Some(scrub(code, &[]).into_owned()),
            Some(Value::Object(inner)) => {
                info.title = text(inner.get("title"));
                info.description = text(inner.get("message"));
                info.error = info.title.clone();
            }
            _ => {}
        }
        if let Some(description) = text(object.get("description")) {
            info.description = Some(description);
        }
        if let Some(first) = object
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            info.error = info.error.or_else(|| text(first.get("code")));
            info.title = info.title.or_else(|| text(first.get("title")));
            info.description = info.description.or_else(|| text(first.get("detail")));
        }
        if let Some(details) = object.get("details").and_then(Value::as_object) {
            for (field, entries) in details {
                let field = scrub(field, &[]).into_owned();
                let entries = match entries {
                    Value::Array(a) => a.iter().collect::<Vec<_>>(),
                    other => vec![other],
                };
                for entry in entries {
                    info.details.push(match entry {
                        Value::String(s) => ZendeskFieldError {
                            field: field.clone(),
                            error: None,
                            description: Some(scrub(s, &[]).into_owned()),
                        },
                        other => ZendeskFieldError {
                            field: field.clone(),
                            error: text(other.get("error")),
                            description: text(other.get("description")),
                        },
                    });
                }
            }
        }
        info
    }

    /// The message shown by the error.
    fn summary(&self) -> Option<String> {
        match (&self.error, &self.description) {
            (Some(code), Some(text)) if code != text => Some(format!("{code}: {text}")),
            (_, Some(text)) => Some(text.clone()),
            (Some(code), None) => Some(code.clone()),
            (None, None) => self.title.clone(),
        }
    }
}
