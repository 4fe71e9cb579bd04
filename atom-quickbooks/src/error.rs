//! QuickBooks `Fault` bodies → `atom_core::Error`.
//!
//! QuickBooks answers errors as a `Fault` with a `type` (`ValidationFault`, `SystemFault`,
//! `AuthenticationFault`, `AuthorizationFault`, `SERVICE`) and an array of `Error`s, each
//! with `code`, `Message`, `Detail` and `element`:
//!
//! ```json
//! {"Fault":{"Error":[{"Message":"Stale Object Error","Detail":"…","code":"5010","element":""}],
//!  "type":"ValidationFault"},"time":"2015-05-21T11:03:48.612-07:00"}
//! ```
//!
//! The same `Fault` comes in XML (`<IntuitResponse><Fault type="…"><Error code="…">`) from
//! the authentication layer and throttling, in lower case (`{"fault":{"error":[…]}}`) from
//! the OAuth gateway, and with HTTP 200 inside a query answer or a batch item. Every form is
//! read here, and every entry of the array is kept in [`QuickBooksErrorInfo`]
//! (`err.provider_details::<QuickBooksErrorInfo>()`); the first entry gives the error's
//! provider code and message. The request id is the `intuit_tid` header.
//!
//! | Fault | [`ErrorKind`] |
//! |---|---|
//! | code `5010` (stale object: the `SyncToken` is old) | `Conflict` |
//! | code `3001` / `ThrottleExceeded`, HTTP 429 | `RateLimited` (retried) |
//! | `AuthenticationFault`, code `3200`, HTTP 401 | `Unauthorized` |
//! | `AuthorizationFault`, code `3100`, HTTP 403 | `Forbidden` |
//! | code `610` (object not found) | `NotFound` |
//! | `SystemFault`, HTTP 5xx | `Server` |
//! | `ValidationFault`, other codes | `InvalidRequest` |

use atom_core::redact::scrub;
use atom_core::{Error, ErrorKind, ProviderDetail};
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

use crate::SERVICE;

atom_core::string_enum! {
    /// The `type` of a QuickBooks `Fault`.
    pub enum FaultType {
        /// The request was refused for its content.
        Validation = "ValidationFault",
        /// QuickBooks failed.
        System = "SystemFault",
        /// The credentials were refused.
        Authentication = "AuthenticationFault",
        /// The credentials are not allowed to do this.
        Authorization = "AuthorizationFault",
        /// Service-level faults (throttling).
        Service = "SERVICE",
        /// The gateway's authentication fault (lower-case JSON form).
        Gateway = "AUTHENTICATION",
    }
}

/// One entry of a `Fault`'s `Error` array.
///
/// Its `Debug` shows the `Detail` only by length: Intuit's details can quote what was
/// sent (an expired token's prefix), and a typed error detail is printed with the error in
/// logs. The text itself stays readable in the field, and the error's message (scrubbed by
/// the core of every credential it sent) carries it too.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FaultError {
    /// Intuit's error code (`"5010"`, `"6240"`, `"3200"`).
    #[serde(default, alias = "Code")]
    pub code: Option<String>,
    /// The message (`Stale Object Error`).
    #[serde(default, rename = "Message", alias = "message")]
    pub message: Option<String>,
    /// The detail text.
    #[serde(default, rename = "Detail", alias = "detail")]
    pub detail: Option<String>,
    /// The field it is about, when QuickBooks names one.
    #[serde(default, alias = "Element")]
    pub element: Option<String>,
}

impl std::fmt::Debug for FaultError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultError")
            .field("code", &self.code)
            .field("message", &self.message)
            .field(
                "detail",
                &self
                    .detail
                    .as_ref()
                    .map(|d| format!("[{} chars]", d.chars().count())),
            )
            .field("element", &self.element)
            .finish()
    }
}

/// A `Fault` as QuickBooks sends it (JSON form).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fault {
    /// Every error of the fault, in order.
    #[serde(default, rename = "Error", alias = "error")]
    pub errors: Vec<FaultError>,
    /// The fault type.
    #[serde(default, rename = "type")]
    pub fault_type: Option<FaultType>,
}

/// The typed view of a QuickBooks error, attached to every error made from a `Fault`.
///
/// ```
/// use atom_quickbooks::error::{map_error, QuickBooksErrorInfo};
/// let body = br#"{"Fault":{"Error":[{"Message":"Stale Object Error","Detail":"old","code":"5010"}],"type":"ValidationFault"}}"#;
/// let err = map_error(http::StatusCode::BAD_REQUEST, &http::HeaderMap::new(), body);
/// assert_eq!(err.kind(), atom_core::ErrorKind::Conflict);
/// let info = err.provider_details::<QuickBooksErrorInfo>().unwrap();
/// assert_eq!(info.errors[0].code.as_deref(), Some("5010"));
/// assert!(info.is_stale_object());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct QuickBooksErrorInfo {
    /// The fault type.
    pub fault_type: Option<FaultType>,
    /// Every error of the fault (messages scrubbed of credential-shaped words).
    pub errors: Vec<FaultError>,
    /// The batch item id, when the fault answered one batch item.
    pub bid: Option<String>,
}

impl QuickBooksErrorInfo {
    /// True when an entry is the stale-object error (`5010`): re-read and apply again.
    pub fn is_stale_object(&self) -> bool {
        self.errors
            .iter()
            .any(|e| e.code.as_deref() == Some(STALE_OBJECT))
    }

    /// True when an entry says the request limit was reached.
    pub fn is_throttled(&self) -> bool {
        self.errors.iter().any(is_throttle)
    }

    /// The codes of every entry, in order.
    pub fn codes(&self) -> Vec<&str> {
        self.errors
            .iter()
            .filter_map(|e| e.code.as_deref())
            .collect()
    }
}

/// Intuit's stale-object code: the `SyncToken` sent is not the object's current one.
pub const STALE_OBJECT: &str = "5010";
/// Intuit's throttling code.
pub const THROTTLE_EXCEEDED: &str = "3001";

fn scrub_text(text: &str) -> String {
    scrub(text, &[]).into_owned()
}

fn is_throttle(e: &FaultError) -> bool {
    e.code.as_deref() == Some(THROTTLE_EXCEEDED)
        || e.message
            .as_deref()
            .is_some_and(|m| m.contains("ThrottleExceeded"))
}

/// Maps any error response (JSON or XML `Fault`, or something else) to the core error.
pub fn map_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
    match parse_fault(body) {
        Some(fault) => fault_error(&fault, Some(status.as_u16())).with_status(status.as_u16()),
        None => {
            let error = atom_core::default_error(SERVICE, status, headers, body);
            // An OAuth-style body (`{"error":"invalid_grant"}`) from the token gateway.
            let oauth = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str().map(str::to_owned)));
            match oauth {
                Some(code) if code == "invalid_grant" => error
                    .with_kind(ErrorKind::ReauthorizationRequired)
                    .with_provider_code(code),
                Some(code) => error.with_provider_code(code),
                None => error,
            }
        }
    }
}

/// Whether a 2xx body may be a whole-answer `Fault` (checked before parsing, on every
/// successful answer): `"Fault"` or `<Fault` near the start, and not a batch answer, whose
/// faults belong to single items.
pub(crate) fn starts_with_fault(body: &[u8]) -> bool {
    let head = &body[..body.len().min(512)];
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    (has(b"\"Fault\"") || has(b"\"fault\"") || has(b"<Fault")) && !has(b"BatchItemResponse")
}

/// Reads a `Fault` from a body in any of its forms, or `None` when the body holds none.
pub fn parse_fault(body: &[u8]) -> Option<Fault> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    match body.get(start)? {
        b'{' => {
            #[derive(Deserialize)]
            struct Outer {
                #[serde(default, rename = "Fault", alias = "fault")]
                fault: Option<Fault>,
            }
            serde_json::from_slice::<Outer>(body).ok()?.fault
        }
        b'<' => crate::xml::parse_fault(body),
        _ => None,
    }
}

/// The core error for a fault. `status` is the HTTP status it came with (200 for a fault
/// inside a successful answer).
pub fn fault_error(fault: &Fault, status: Option<u16>) -> Error {
    fault_error_for(fault, status, None)
}

/// [`fault_error`] for one batch item.
pub(crate) fn fault_error_for(fault: &Fault, status: Option<u16>, bid: Option<&str>) -> Error {
    let errors: Vec<FaultError> = fault
        .errors
        .iter()
        .map(|e| FaultError {
            code: e.code.as_deref().map(scrub_text),
            message: e.message.as_deref().map(scrub_text),
            detail: e.detail.as_deref().map(scrub_text),
            element: e
                .element
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(scrub_text),
        })
        .collect();
    let info = QuickBooksErrorInfo {
        fault_type: fault.fault_type.clone(),
        errors,
        bid: bid.map(str::to_owned),
    };
    let kind = kind_of(&info, status);
    let first = info.errors.first();
    let message = first
        .map(|e| {
            let m = e.message.as_deref().unwrap_or("QuickBooks fault");
            match e.detail.as_deref() {
                Some(d) if !d.is_empty() && d != m => format!("{m}: {d}"),
                _ => m.to_owned(),
            }
        })
        .unwrap_or_else(|| "QuickBooks fault with no error entries".to_owned());
    let mut error = Error::new(kind, SERVICE, message);
    if let Some(status) = status {
        error = error.with_status(status);
    }
    if let Some(code) = first.and_then(|e| e.code.clone()) {
        error = error.with_provider_code(code);
    }
    let details: Vec<ProviderDetail> = info
        .errors
        .iter()
        .map(|e| ProviderDetail {
            code: e.code.clone(),
            message: e.message.clone().unwrap_or_default(),
            fields: e.element.iter().cloned().collect(),
        })
        .collect();
    error = error.with_details(details);
    if kind == ErrorKind::RateLimited {
        error = error.with_retryable(true);
    } else if matches!(kind, ErrorKind::Conflict | ErrorKind::InvalidRequest) {
        error = error.with_retryable(false);
    }
    error.with_provider_details(info)
}

fn kind_of(info: &QuickBooksErrorInfo, status: Option<u16>) -> ErrorKind {
    let code = |c: &str| info.errors.iter().any(|e| e.code.as_deref() == Some(c));
    if info.is_stale_object() {
        return ErrorKind::Conflict;
    }
    if info.is_throttled() || status == Some(429) {
        return ErrorKind::RateLimited;
    }
    match &info.fault_type {
        Some(FaultType::Authentication | FaultType::Gateway) => return ErrorKind::Unauthorized,
        Some(FaultType::Authorization) => return ErrorKind::Forbidden,
        _ => {}
    }
    if code("3200") || status == Some(401) {
        return ErrorKind::Unauthorized;
    }
    if code("3100") || status == Some(403) {
        return ErrorKind::Forbidden;
    }
    if code("610") || status == Some(404) {
        return ErrorKind::NotFound;
    }
    match (&info.fault_type, status) {
        (_, Some(s)) if s >= 500 => ErrorKind::Server,
        (Some(FaultType::System), _) => ErrorKind::Server,
        _ => ErrorKind::InvalidRequest,
    }
}

/// Retry signals: a throttle fault is worth another attempt whatever its status (QuickBooks
/// has sent it with 403); a stale object or a validation fault never is.
pub(crate) fn should_retry(error: &Error) -> Option<bool> {
    let info = error.provider_details::<QuickBooksErrorInfo>()?;
    if info.is_throttled() {
        Some(true)
    } else if info.is_stale_object() || info.fault_type == Some(FaultType::Validation) {
        Some(false)
    } else {
        None
    }
}
