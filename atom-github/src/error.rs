//! GitHub's error body and rate-limit signals, turned into the core [`Error`].
//!
//! GitHub answers errors with `{"message", "errors": [...], "documentation_url", "status"}`.
//! Everything is kept: the message, each `errors[]` entry as a [`ProviderDetail`] (its `code`,
//! such as `missing_field` or `already_exists`, also becomes the error's provider code), the
//! documentation URL (`provider_field("documentation_url")`), the status and the
//! `x-github-request-id`.
//!
//! ## 404 for private resources, 403 for permissions
//!
//! GitHub answers **404**, not 403, when the token cannot see a private repository (or the
//! token is missing a scope for it): it does not reveal that the resource exists. So
//! [`ErrorKind::NotFound`] means "absent *or* invisible to these credentials"; check the
//! token's access before concluding a repository is gone. **403** means the resource is
//! visible but the action is not allowed (a read-only token, a blocked user, an archived
//! repository), or a rate limit (below), which this crate reports as
//! [`ErrorKind::RateLimited`] instead.
//!
//! ## Rate limits
//!
//! * Primary: a 403/429 with `x-ratelimit-remaining: 0` waits until `x-ratelimit-reset`.
//! * Secondary: a 403/429 with `retry-after`, or a body that mentions the "secondary rate
//!   limit", waits `retry-after`, else 60 s.
//!
//! Both become `RateLimited` with `retry_after` set (at most an hour, [`MAX_LIMIT_WAIT`]),
//! and the provider verdict "retry" (GitHub refused the request, so even a POST is safe to
//! resend); the core retry policy waits when the wait is within its `max_retry_after` and
//! otherwise returns the error to the caller.

use std::time::Duration;

use atom_core::http_util::{non_json_message, reset_time};
use atom_core::redact::scrub;
use atom_core::retry::parse_retry_after;
use atom_core::{Error, ErrorKind, Provider, ProviderDetail};
use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

/// The service id.
pub const SERVICE: &str = "github";

/// The wait after a secondary rate limit that names no `retry-after` (GitHub: "at least one
/// minute").
pub const SECONDARY_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// The longest wait a rate limit can ask for: GitHub's primary window is an hour, so a reset
/// or `retry-after` further away is a broken header, not a reason to wait for years.
pub const MAX_LIMIT_WAIT: Duration = Duration::from_secs(60 * 60);

/// GitHub's hooks on the core request path.
#[derive(Debug, Clone, Copy, Default)]
pub struct GitHubProvider;

impl Provider for GitHubProvider {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn map_error(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        map_error(status, headers, body, Utc::now())
    }

    fn request_id(&self, headers: &HeaderMap) -> Option<String> {
        header(headers, "x-github-request-id").map(str::to_owned)
    }

    fn should_retry(&self, _: StatusCode, _: &HeaderMap, error: &Error) -> Option<bool> {
        // A rate-limited request was refused before it took effect: resending is safe.
        (error.kind() == ErrorKind::RateLimited).then_some(true)
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Which rate limit a refused request hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitHit {
    /// The hourly quota is spent; it comes back at `x-ratelimit-reset`.
    Primary,
    /// Too fast or too concurrent; wait `retry-after`, else a minute.
    Secondary,
}

/// Decides whether a 403/429 is a rate limit and which one (pure; `message` is GitHub's).
pub fn limit_hit(status: u16, headers: &HeaderMap, message: &str) -> Option<LimitHit> {
    if status != 403 && status != 429 {
        return None;
    }
    if header(headers, "x-ratelimit-remaining").map(str::trim) == Some("0") {
        return Some(LimitHit::Primary);
    }
    let says_secondary = message
        .to_ascii_lowercase()
        .contains("secondary rate limit");
    if headers.contains_key(http::header::RETRY_AFTER) || says_secondary || status == 429 {
        return Some(LimitHit::Secondary);
    }
    None
}

/// How long to wait after a rate limit (pure), at most [`MAX_LIMIT_WAIT`].
pub fn limit_wait(hit: LimitHit, headers: &HeaderMap, now: DateTime<Utc>) -> Duration {
    let retry_after = header(headers, "retry-after").and_then(|v| parse_retry_after(v, now));
    let wait = match hit {
        LimitHit::Secondary => retry_after.unwrap_or(SECONDARY_LIMIT_WAIT),
        LimitHit::Primary => retry_after
            .or_else(|| {
                let reset: u64 = header(headers, "x-ratelimit-reset")?.trim().parse().ok()?;
                let reset = reset_time(reset, now)?;
                Some((reset - now).to_std().unwrap_or(Duration::ZERO))
            })
            .unwrap_or(SECONDARY_LIMIT_WAIT),
    };
    wait.min(MAX_LIMIT_WAIT)
}

/// Turns an error response into an [`Error`] (pure; `now` reads `retry-after` dates).
pub fn map_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Error {
    let code = status.as_u16();
    let parsed = serde_json::from_slice::<Value>(body).ok();
    let object = parsed.as_ref().and_then(Value::as_object);
    let message = object
        .and_then(|o| o.get("message"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            // The OAuth endpoints answer `{"error", "error_description"}`.
            object
                .and_then(|o| o.get("error_description").or_else(|| o.get("error")))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| non_json_message(code, headers, body));
    let details = object
        .and_then(|o| o.get("errors"))
        .and_then(Value::as_array)
        .map(|entries| entries.iter().map(detail).collect::<Vec<_>>())
        .unwrap_or_default();

    let hit = limit_hit(code, headers, &message);
    let kind = match hit {
        Some(_) => ErrorKind::RateLimited,
        None => ErrorKind::from_status(code),
    };
    let mut error = Error::new(kind, SERVICE, message).with_status(code);
    if let Some(hit) = hit {
        error = error
            .with_retry_after(Some(limit_wait(hit, headers, now)))
            .with_provider_code(match hit {
                LimitHit::Primary => "primary_rate_limit",
                LimitHit::Secondary => "secondary_rate_limit",
            });
    } else if let Some(code) = details.iter().find_map(|d| d.code.clone()) {
        error = error.with_provider_code(code);
    } else if let Some(code) = object.and_then(|o| o.get("error")).and_then(Value::as_str) {
        error = error.with_provider_code(code);
    }
    if let Some(id) = header(headers, "x-github-request-id") {
        error = error.with_request_id(id);
    }
    let mut fields = Map::new();
    if let Some(url) = object.and_then(|o| o.get("documentation_url")) {
        fields.insert("documentation_url".into(), url.clone());
    }
    if code == 401
        && let Some(date) = header(headers, "date")
    {
        // The server's clock, for correcting an app JWT's `iat`/`exp`.
        fields.insert("server_date".into(), Value::String(date.to_owned()));
    }
    if !fields.is_empty() {
        error = error.with_provider_fields(fields);
    }
    if !details.is_empty() {
        error = error.with_details(details);
    }
    match object {
        Some(object) => error.with_provider_details(GitHubErrorInfo::from_body(object)),
        None => error,
    }
}

/// GitHub's error body, typed: read it with
/// `error.provider_details::<GitHubErrorInfo>()`.
///
/// ```
/// use atom_github::error::{GitHubErrorInfo, map_error};
/// let body = br#"{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"422"}"#;
/// let err = map_error(http::StatusCode::UNPROCESSABLE_ENTITY, &http::HeaderMap::new(), body, chrono::Utc::now());
/// let info = err.provider_details::<GitHubErrorInfo>().unwrap();
/// assert_eq!(info.errors[0].field.as_deref(), Some("title"));
/// assert_eq!(info.status.as_deref(), Some("422"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct GitHubErrorInfo {
    /// `message`.
    pub message: Option<String>,
    /// `documentation_url`: the docs page of the refused call.
    pub documentation_url: Option<String>,
    /// `errors[]`: what was wrong, field by field.
    pub errors: Vec<GitHubErrorEntry>,
    /// `status`: the HTTP status as GitHub writes it in the body (a string, `"422"`).
    pub status: Option<String>,
}

/// One `errors[]` entry of [`GitHubErrorInfo`]; a bare string entry is its `message`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct GitHubErrorEntry {
    /// The resource (`Issue`, `PullRequest`, `Label`).
    pub resource: Option<String>,
    /// The field (`title`).
    pub field: Option<String>,
    /// `missing`, `missing_field`, `invalid`, `already_exists`, `unprocessable`, `custom`.
    pub code: Option<String>,
    /// GitHub's text (sent with `custom` codes).
    pub message: Option<String>,
}

impl GitHubErrorInfo {
    fn from_body(object: &Map<String, Value>) -> Self {
        // Scrubbed like the error's own text: these are shown by the error's `Debug`.
        fn text(v: Option<&Value>) -> Option<String> {
            v.and_then(Value::as_str)
                .map(|s| scrub(s, &[]).into_owned())
        }
        Self {
            message: text(object.get("message")),
            documentation_url: text(object.get("documentation_url")),
            errors: object
                .get("errors")
                .and_then(Value::as_array)
                .map(|entries| {
                    entries
                        .iter()
                        .map(|entry| match entry.as_str() {
                            Some(s) => GitHubErrorEntry {
                                message: Some(scrub(s, &[]).into_owned()),
                                ..GitHubErrorEntry::default()
                            },
                            None => GitHubErrorEntry {
                                resource: text(entry.get("resource")),
                                field: text(entry.get("field")),
                                code: text(entry.get("code")),
                                message: text(entry.get("message")),
                            },
                        })
                        .collect()
                })
                .unwrap_or_default(),
            // GitHub writes it as a string; a number is accepted too.
            status: object.get("status").and_then(|v| match v {
                Value::String(s) => Some(scrub(s, &[]).into_owned()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }),
        }
    }
}

/// One `errors[]` entry: an object `{resource, field, code, message}` or a bare string.
fn detail(entry: &Value) -> ProviderDetail {
    let text = |name: &str| entry.get(name).and_then(Value::as_str).map(str::to_owned);
    if let Some(s) = entry.as_str() {
        return ProviderDetail {
            code: None,
            message: s.to_owned(),
            fields: Vec::new(),
        };
    }
    let code = text("code");
    let field = text("field");
    let message = text("message").unwrap_or_else(|| {
        let resource = text("resource").unwrap_or_default();
        format!(
            "{resource} {} {}",
            field.as_deref().unwrap_or_default(),
            code.as_deref().unwrap_or("invalid")
        )
        .trim()
        .to_owned()
    });
    ProviderDetail {
        code,
        message,
        fields: field.into_iter().collect(),
    }
}
