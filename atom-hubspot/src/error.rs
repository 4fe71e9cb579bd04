//! HubSpot's error body and rate-limit answers, turned into the core [`Error`].
//!
//! HubSpot answers errors with
//! `{"status":"error","message","correlationId","category","subCategory","errors":[{"message","in","code","subCategory","context"}],"context","links"}`.
//! Everything is kept in [`HubSpotErrorInfo`] (read it with
//! `error.provider_details::<HubSpotErrorInfo>()`); the `category` is the error's provider
//! code and picks its kind, so a caller tells the usual cases apart without reading text:
//!
//! | category | kind |
//! |---|---|
//! | `VALIDATION_ERROR` | `InvalidRequest` |
//! | `OBJECT_NOT_FOUND` | `NotFound` |
//! | `CONFLICT` (a duplicate email on create) | `Conflict` ([`HubSpotErrorInfo::existing_id`]) |
//! | `RATE_LIMITS` (429) | `RateLimited`, with the `policyName` |
//! | `INVALID_AUTHENTICATION`, `EXPIRED_AUTHENTICATION` | `Unauthorized` |
//! | `MISSING_SCOPES` | `Forbidden` |
//!
//! The `correlationId` is the error's request id (the `X-HubSpot-Correlation-Id` header
//! when the body has none).
//!
//! ## 429s
//!
//! A 429 names the limit it hit in `policyName` (`SECONDLY`, `TEN_SECONDLY_ROLLING`,
//! `DAILY`). The wait is `Retry-After` when sent, else derived from the limit: one second
//! for the secondly limit, `X-HubSpot-RateLimit-Interval-Milliseconds` (10 s when absent)
//! for the rolling one, and the next UTC midnight for the daily one (cut to
//! [`MAX_LIMIT_WAIT`]; the retry policy then hands the error back rather than sleep).

use std::time::Duration;

use atom_core::http_util::non_json_message;
use atom_core::redact::scrub;
use atom_core::retry::parse_retry_after;
use atom_core::{Error, ErrorKind, ProviderDetail};
use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use crate::SERVICE;
use crate::limits::header;

/// The longest wait a 429 is given (a daily limit waits for midnight, at most this).
pub const MAX_LIMIT_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

atom_core::string_enum! {
    /// HubSpot's error `category`.
    pub enum ErrorCategory {
        /// The input was refused (a bad property value, an unknown property).
        ValidationError = "VALIDATION_ERROR",
        /// No such object.
        ObjectNotFound = "OBJECT_NOT_FOUND",
        /// A conflicting object exists (a contact with that email).
        Conflict = "CONFLICT",
        /// A rate limit was hit.
        RateLimits = "RATE_LIMITS",
        /// The token is not valid.
        InvalidAuthentication = "INVALID_AUTHENTICATION",
        /// The token expired.
        ExpiredAuthentication = "EXPIRED_AUTHENTICATION",
        /// The token lacks a scope.
        MissingScopes = "MISSING_SCOPES",
        /// The request could not be read.
        BadRequest = "BAD_REQUEST",
        /// A parameter was refused.
        InvalidParams = "INVALID_PARAMS",
        /// The feature is not on the portal's plan.
        FeatureNotEnabled = "FEATURE_NOT_ENABLED",
        /// The portal is locked or over a quota.
        Forbidden = "FORBIDDEN",
    }
}

impl ErrorCategory {
    /// The core kind the category means, when it says more than the status.
    pub fn kind(&self) -> Option<ErrorKind> {
        Some(match self {
            Self::ValidationError | Self::BadRequest | Self::InvalidParams => {
                ErrorKind::InvalidRequest
            }
            Self::ObjectNotFound => ErrorKind::NotFound,
            Self::Conflict => ErrorKind::Conflict,
            Self::RateLimits => ErrorKind::RateLimited,
            Self::InvalidAuthentication | Self::ExpiredAuthentication => ErrorKind::Unauthorized,
            Self::MissingScopes | Self::FeatureNotEnabled | Self::Forbidden => ErrorKind::Forbidden,
            Self::Other(_) => return None,
        })
    }
}

atom_core::string_enum! {
    /// The limit a 429 names in `policyName`.
    pub enum LimitPolicy {
        /// The per-second limit (search, some endpoints).
        Secondly = "SECONDLY",
        /// The rolling ten-second limit of the portal or app.
        TenSecondlyRolling = "TEN_SECONDLY_ROLLING",
        /// The daily limit of the portal.
        Daily = "DAILY",
    }
}

/// HubSpot's error body, typed: read it with `error.provider_details::<HubSpotErrorInfo>()`.
///
/// ```
/// use atom_hubspot::error::{ErrorCategory, HubSpotErrorInfo, map_error};
/// let body = br#"{"status":"error","message":"Contact already exists. Existing ID: 5101","correlationId":"a9f0e8d1-0d0c-4c8c-9d35-9b1e6a8f6f00","category":"CONFLICT"}"#;
/// let err = map_error(http::StatusCode::CONFLICT, &http::HeaderMap::new(), body, chrono::Utc::now());
/// assert_eq!(err.kind(), atom_core::ErrorKind::Conflict);
/// assert_eq!(err.request_id(), Some("a9f0e8d1-0d0c-4c8c-9d35-9b1e6a8f6f00"));
/// let info = err.provider_details::<HubSpotErrorInfo>().unwrap();
/// assert_eq!(info.category, Some(ErrorCategory::Conflict));
/// assert_eq!(info.existing_id().as_deref(), Some("5101"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct HubSpotErrorInfo {
    /// `status` (`"error"`).
    pub status: Option<String>,
    /// `message`.
    pub message: Option<String>,
    /// `category`.
    pub category: Option<ErrorCategory>,
    /// `subCategory` (a string, or an object rendered as JSON text).
    pub sub_category: Option<String>,
    /// `correlationId`: quote it to HubSpot support.
    pub correlation_id: Option<String>,
    /// `context`: e.g. `{"invalidPropertyName": ["x"]}`.
    pub context: Map<String, Value>,
    /// `errors[]`: what was wrong, item by item.
    pub errors: Vec<HubSpotErrorDetail>,
    /// `links`: documentation of the error.
    pub links: Map<String, Value>,
    /// A 429's `policyName`.
    pub policy_name: Option<LimitPolicy>,
    /// A 429's `groupName`.
    pub group_name: Option<String>,
}

/// One `errors[]` entry of [`HubSpotErrorInfo`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct HubSpotErrorDetail {
    /// `message`.
    pub message: String,
    /// `in`: the field or parameter.
    pub field: Option<String>,
    /// `code` (`INVALID_EMAIL`, `REQUIRED`).
    pub code: Option<String>,
    /// `subCategory`.
    pub sub_category: Option<String>,
    /// `context`.
    pub context: Map<String, Value>,
}

impl HubSpotErrorInfo {
    /// The id of the existing object a `CONFLICT` names (`"Contact already exists. Existing
    /// ID: 5101"`), so a create can fall back to an update.
    pub fn existing_id(&self) -> Option<String> {
        let message = self.message.as_deref()?;
        let at = message.find("Existing ID:")? + "Existing ID:".len();
        let digits: String = message[at..]
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (!digits.is_empty()).then_some(digits)
    }

    /// A copy with every text field scrubbed of `known` secret values (and of
    /// credential-shaped words), for errors of calls that carried a secret in their path.
    pub fn scrubbed(&self, known: &[&str]) -> Self {
        let clean = |s: &Option<String>| s.as_deref().map(|t| scrub(t, known).into_owned());
        let clean_map = |m: &Map<String, Value>| -> Map<String, Value> {
            serde_json::from_str(&scrub(&Value::Object(m.clone()).to_string(), known))
                .unwrap_or_default()
        };
        Self {
            status: clean(&self.status),
            message: clean(&self.message),
            category: self.category.clone(),
            sub_category: clean(&self.sub_category),
            correlation_id: self.correlation_id.clone(),
            context: clean_map(&self.context),
            errors: self
                .errors
                .iter()
                .map(|d| HubSpotErrorDetail {
                    message: scrub(&d.message, known).into_owned(),
                    field: clean(&d.field),
                    code: clean(&d.code),
                    sub_category: clean(&d.sub_category),
                    context: clean_map(&d.context),
                })
                .collect(),
            links: self.links.clone(),
            policy_name: self.policy_name.clone(),
            group_name: self.group_name.clone(),
        }
    }

    /// Reads the typed view of an error body (an object; anything else gives the default).
    pub fn from_body(body: &Value) -> Self {
        let Some(object) = body.as_object() else {
            return Self::default();
        };
        Self {
            status: text(object.get("status")),
            message: text(object.get("message")),
            category: text(object.get("category")).map(|c| ErrorCategory::from(c.as_str())),
            sub_category: sub_category(object.get("subCategory")),
            correlation_id: text(object.get("correlationId")),
            context: map(object.get("context")),
            errors: object
                .get("errors")
                .and_then(Value::as_array)
                .map(|entries| entries.iter().map(HubSpotErrorDetail::from_value).collect())
                .unwrap_or_default(),
            links: map(object.get("links")),
            policy_name: text(object.get("policyName")).map(|p| LimitPolicy::from(p.as_str())),
            group_name: text(object.get("groupName")),
        }
    }
}

impl HubSpotErrorDetail {
    /// Reads one `errors[]` entry (a bare string is its message).
    pub fn from_value(entry: &Value) -> Self {
        if let Some(s) = entry.as_str() {
            return Self {
                message: scrub(s, &[]).into_owned(),
                ..Self::default()
            };
        }
        Self {
            message: text(entry.get("message")).unwrap_or_default(),
            field: text(entry.get("in")),
            code: text(entry.get("code")),
            sub_category: sub_category(entry.get("subCategory")),
            context: map(entry.get("context")),
        }
    }
}

// Scrubbed like the error's own text: these are shown by the error's `Debug`.
fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(|s| scrub(s, &[]).into_owned())
}

fn sub_category(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(scrub(s, &[]).into_owned()),
        Value::Null => None,
        Value::Object(o) if o.is_empty() => None,
        other => Some(scrub(&other.to_string(), &[]).into_owned()),
    }
}

fn map(v: Option<&Value>) -> Map<String, Value> {
    v.and_then(Value::as_object).cloned().unwrap_or_default()
}

/// How long a 429 asks to wait (pure), at most [`MAX_LIMIT_WAIT`].
pub fn limit_wait(
    policy: Option<&LimitPolicy>,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Duration {
    if let Some(wait) = header(headers, "retry-after").and_then(|v| parse_retry_after(v, now)) {
        return wait.min(MAX_LIMIT_WAIT);
    }
    let interval = header(headers, "x-hubspot-ratelimit-interval-milliseconds")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(10));
    let wait = match policy {
        Some(LimitPolicy::Secondly) => Duration::from_secs(1),
        Some(LimitPolicy::Daily) => until_midnight(now),
        _ => interval,
    };
    wait.min(MAX_LIMIT_WAIT)
}

fn until_midnight(now: DateTime<Utc>) -> Duration {
    let tomorrow = now
        .date_naive()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc());
    tomorrow
        .and_then(|t| (t - now).to_std().ok())
        .unwrap_or(MAX_LIMIT_WAIT)
}

/// Turns an error response into an [`Error`] (pure; `now` reads `Retry-After` dates).
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
        .filter(|v| v.is_object())
        .map(HubSpotErrorInfo::from_body);
    let message = info
        .as_ref()
        .and_then(|i| i.message.clone())
        .or_else(|| {
            // The OAuth endpoints answer `{"status":"BAD_REFRESH_TOKEN","message"}` or the
            // RFC 6749 form.
            parsed.as_ref().and_then(|v| {
                v.get("error_description")
                    .or_else(|| v.get("error"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
        })
        .unwrap_or_else(|| non_json_message(code, headers, body));
    let category = info.as_ref().and_then(|i| i.category.clone());
    let kind = if code == 429 {
        ErrorKind::RateLimited
    } else if code >= 500 {
        ErrorKind::Server
    } else {
        category
            .as_ref()
            .and_then(ErrorCategory::kind)
            .unwrap_or_else(|| ErrorKind::from_status(code))
    };
    let mut error = Error::new(kind, SERVICE, message).with_status(code);
    if let Some(category) = &category {
        error = error.with_provider_code(category.as_str());
    } else if let Some(status) = parsed
        .as_ref()
        .and_then(|v| v.get("status"))
        .and_then(Value::as_str)
        .filter(|s| *s != "error")
    {
        // OAuth errors carry their code in `status` (`BAD_REFRESH_TOKEN`).
        error = error.with_provider_code(status);
    }
    let request_id = info
        .as_ref()
        .and_then(|i| i.correlation_id.clone())
        .or_else(|| header(headers, "x-hubspot-correlation-id").map(str::to_owned));
    error = error.with_request_id_opt(request_id);
    if code == 429 {
        let policy = info.as_ref().and_then(|i| i.policy_name.as_ref());
        error = error
            .with_retry_after(Some(limit_wait(policy, headers, now)))
            // HubSpot refused the call before doing it: even a POST is safe to resend.
            .with_retryable(true);
        if let Some(policy) = policy {
            let mut fields = Map::new();
            fields.insert("policyName".into(), Value::String(policy.to_string()));
            error = error.with_provider_fields(fields);
        }
    }
    if let Some(info) = info {
        let details: Vec<ProviderDetail> = info
            .errors
            .iter()
            .map(|d| ProviderDetail {
                code: d.code.clone(),
                message: d.message.clone(),
                fields: d.field.iter().cloned().collect(),
            })
            .collect();
        if !details.is_empty() {
            error = error.with_details(details);
        }
        error = error.with_provider_details(info);
    }
    error
}

/// Scrubs `known` secrets from an error and from its typed details.
pub(crate) fn scrub_error(error: Error, known: &[&str]) -> Error {
    let error = error.scrubbed(known);
    match error.provider_details::<HubSpotErrorInfo>() {
        Some(info) => {
            let info = info.scrubbed(known);
            error.with_provider_details(info)
        }
        None => error,
    }
}

/// Keeps the typed details' message in step with the error's: the request path scrubs
/// the credential values it sent from the error's text after the provider mapped it, and
/// the typed view must not show what the text no longer does.
pub(crate) fn sync_message(error: Error) -> Error {
    let Some(info) = error.provider_details::<HubSpotErrorInfo>() else {
        return error;
    };
    if info.message.as_deref() == Some(error.message()) {
        return error;
    }
    let mut info = info.clone();
    info.message = Some(error.message().to_owned());
    error.with_provider_details(info)
}
