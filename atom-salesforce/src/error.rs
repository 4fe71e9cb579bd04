//! Salesforce error bodies → [`atom_core::Error`].
//!
//! REST answers with an array of `{message, errorCode, fields}`; the first entry becomes the
//! error's message and provider code, every later one is kept in
//! [`atom_core::Error::details`]. The OAuth endpoints answer `{error, error_description}`,
//! the SOAP API a `<soapenv:Fault>`, and an upsert that matches several records a `300` with
//! the list of their URLs. Anything else keeps the status and a description of the body.

use atom_core::http_util::non_json_message;
use atom_core::{Error, ErrorKind, ProviderDetail};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::SERVICE;

/// One entry of a Salesforce error array (`{"errorCode", "message", "fields"}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SalesforceErrorEntry {
    /// The code (`MALFORMED_QUERY`, `INVALID_FIELD`, `DUPLICATE_VALUE`).
    #[serde(alias = "statusCode")]
    pub error_code: Option<String>,
    /// The message.
    pub message: Option<String>,
    /// The fields concerned.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// Salesforce's typed view of a REST error body: every entry of the error array, in the
/// order sent. Attached to the [`atom_core::Error`] of every response that carries one;
/// read it back with `error.provider_details::<SalesforceErrorInfo>()`.
///
/// ```
/// use atom_salesforce::error::{SalesforceErrorInfo, map_error};
/// let body = br#"[{"message":"bad","errorCode":"INVALID_FIELD","fields":["Foo__c"]},
///                {"message":"also","errorCode":"REQUIRED_FIELD_MISSING","fields":["Name"]}]"#;
/// let err = map_error(http::StatusCode::BAD_REQUEST, &http::HeaderMap::new(), body);
/// let info = err.provider_details::<SalesforceErrorInfo>().unwrap();
/// assert_eq!(info.errors.len(), 2);
/// assert_eq!(info.errors[1].fields, vec!["Name".to_owned()]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SalesforceErrorInfo {
    /// The entries, first one first (it also gives the error's message and provider code).
    pub errors: Vec<SalesforceErrorEntry>,
}

#[derive(Debug, Deserialize)]
struct OAuthError {
    error: String,
    error_description: Option<String>,
}

/// The kind an error code means, refining the status-based guess.
pub fn kind_for(status: u16, code: Option<&str>) -> ErrorKind {
    match code {
        Some("REQUEST_LIMIT_EXCEEDED") => ErrorKind::RateLimited,
        Some("INVALID_SESSION_ID") => ErrorKind::Unauthorized,
        Some("ENTITY_IS_DELETED") | Some("NOT_FOUND") => ErrorKind::NotFound,
        Some("DUPLICATE_VALUE") | Some("DUPLICATES_DETECTED") => ErrorKind::Conflict,
        Some("UNABLE_TO_LOCK_ROW") => ErrorKind::Conflict,
        Some("invalid_grant") => ErrorKind::ReauthorizationRequired,
        Some("invalid_client_id") | Some("invalid_client") => ErrorKind::Unauthorized,
        _ => ErrorKind::from_status(status),
    }
}

/// Maps one error response. Used by the client's [`atom_core::Provider`] implementation.
pub fn map_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
    let code = status.as_u16();
    if code == 300
        && let Ok(urls) = serde_json::from_slice::<Vec<String>>(body)
    {
        return Error::new(
            ErrorKind::Conflict,
            SERVICE,
            format!(
                "the external id matches {} records; upsert needs exactly one",
                urls.len()
            ),
        )
        .with_status(code)
        .with_provider_code("MULTIPLE_CHOICES");
    }
    if let Ok(entries) = serde_json::from_slice::<Vec<SalesforceErrorEntry>>(body)
        && let Some((first, rest)) = entries.split_first()
    {
        let provider_code = first.error_code.clone();
        let message = first
            .message
            .clone()
            .unwrap_or_else(|| format!("HTTP {code}"));
        let mut err = Error::new(kind_for(code, provider_code.as_deref()), SERVICE, message)
            .with_status(code);
        if let Some(c) = provider_code {
            err = err.with_provider_code(c);
        }
        if !first.fields.is_empty() {
            let mut fields = serde_json::Map::new();
            fields.insert("fields".into(), serde_json::json!(first.fields));
            err = err.with_provider_fields(fields);
        }
        let details = rest
            .iter()
            .map(|e| ProviderDetail {
                code: e.error_code.clone(),
                message: e.message.clone().unwrap_or_default(),
                fields: e.fields.clone(),
            })
            .collect::<Vec<_>>();
        let info = SalesforceErrorInfo { errors: entries };
        return with_limit_semantics(err.with_details(details).with_provider_details(info));
    }
    if let Ok(oauth) = serde_json::from_slice::<OAuthError>(body) {
        let message = oauth
            .error_description
            .unwrap_or_else(|| format!("token endpoint refused: {}", oauth.error));
        return Error::new(kind_for(code, Some(&oauth.error)), SERVICE, message)
            .with_status(code)
            .with_provider_code(oauth.error);
    }
    if let Some(fault) = crate::soap::parse_fault(body) {
        return Error::new(kind_for(code, Some(&fault.code)), SERVICE, fault.message)
            .with_status(code)
            .with_provider_code(fault.code);
    }
    Error::new(
        ErrorKind::from_status(code),
        SERVICE,
        non_json_message(code, headers, body),
    )
    .with_status(code)
}

/// `REQUEST_LIMIT_EXCEEDED` covers two limits: the rolling 24-hour allocation
/// (`TotalRequests Limit exceeded`), which no retry soon can fix, and the concurrent
/// long-running request cap (`ConcurrentPerOrgLongTxn`), which clears within seconds.
///
/// `UNABLE_TO_LOCK_ROW` is another record's transaction holding a lock: Salesforce's
/// guidance is to retry with backoff, and the failed transaction was rolled back, so
/// repeating it (even a create) cannot apply it twice.
fn with_limit_semantics(err: Error) -> Error {
    match err.provider_code() {
        Some("REQUEST_LIMIT_EXCEEDED") => {
            let concurrency = err.message().contains("Concurrent");
            err.with_retryable(concurrency)
        }
        Some(UNABLE_TO_LOCK_ROW) => err.with_retryable(true),
        _ => err,
    }
}

/// The lock-contention error code Salesforce asks clients to retry with backoff.
pub const UNABLE_TO_LOCK_ROW: &str = "UNABLE_TO_LOCK_ROW";

/// The retry verdict for an error: `Some(true)` for the concurrency limit and for
/// `UNABLE_TO_LOCK_ROW` (the request was refused or rolled back, so even a POST is safe to
/// repeat; the client's retry policy supplies the backoff and the attempt cap),
/// `Some(false)` for the daily allocation, `None` otherwise.
pub fn should_retry(err: &Error) -> Option<bool> {
    match err.provider_code() {
        Some("REQUEST_LIMIT_EXCEEDED") => Some(err.is_retryable()),
        Some(UNABLE_TO_LOCK_ROW) => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(status: u16, body: &str, content_type: &str) -> Error {
        let mut headers = HeaderMap::new();
        if let Ok(v) = content_type.parse() {
            headers.insert(http::header::CONTENT_TYPE, v);
        }
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        map_error(status, &headers, body.as_bytes())
    }

    /// status, body, content type → kind, provider code, retryable.
    type Case<'a> = (u16, &'a str, &'a str, ErrorKind, Option<&'a str>, bool);

    #[test]
    fn table() {
        let json = "application/json";
        let cases: &[Case<'_>] = &[
            (
                400,
                r#"[{"message":"bad","errorCode":"MALFORMED_QUERY"}]"#,
                json,
                ErrorKind::InvalidRequest,
                Some("MALFORMED_QUERY"),
                false,
            ),
            (
                400,
                r#"[{"message":"x","errorCode":"INVALID_FIELD"}]"#,
                json,
                ErrorKind::InvalidRequest,
                Some("INVALID_FIELD"),
                false,
            ),
            (
                400,
                r#"[{"message":"dup","errorCode":"DUPLICATE_VALUE"}]"#,
                json,
                ErrorKind::Conflict,
                Some("DUPLICATE_VALUE"),
                false,
            ),
            (
                400,
                r#"[{"message":"unable to obtain exclusive access to this record","errorCode":"UNABLE_TO_LOCK_ROW"}]"#,
                json,
                ErrorKind::Conflict,
                Some("UNABLE_TO_LOCK_ROW"),
                true,
            ),
            (
                404,
                r#"[{"message":"gone","errorCode":"ENTITY_IS_DELETED"}]"#,
                json,
                ErrorKind::NotFound,
                Some("ENTITY_IS_DELETED"),
                false,
            ),
            (
                401,
                r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
                json,
                ErrorKind::Unauthorized,
                Some("INVALID_SESSION_ID"),
                false,
            ),
            (
                403,
                r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
                json,
                ErrorKind::RateLimited,
                Some("REQUEST_LIMIT_EXCEEDED"),
                false,
            ),
            (
                403,
                r#"[{"message":"ConcurrentPerOrgLongTxn Limit exceeded","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
                json,
                ErrorKind::RateLimited,
                Some("REQUEST_LIMIT_EXCEEDED"),
                true,
            ),
            (
                403,
                r#"[{"message":"no","errorCode":"INSUFFICIENT_ACCESS"}]"#,
                json,
                ErrorKind::Forbidden,
                Some("INSUFFICIENT_ACCESS"),
                false,
            ),
            (
                500,
                r#"[{"message":"oops","errorCode":"UNKNOWN_EXCEPTION"}]"#,
                json,
                ErrorKind::Server,
                Some("UNKNOWN_EXCEPTION"),
                true,
            ),
            (
                400,
                r#"{"error":"invalid_grant","error_description":"expired access/refresh token"}"#,
                json,
                ErrorKind::ReauthorizationRequired,
                Some("invalid_grant"),
                false,
            ),
            (
                300,
                r#"["/services/data/v67.0/sobjects/Account/1","/services/data/v67.0/sobjects/Account/2"]"#,
                json,
                ErrorKind::Conflict,
                Some("MULTIPLE_CHOICES"),
                false,
            ),
            (
                500,
                "<soapenv:Envelope xmlns:soapenv=\"x\"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>bad session</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>",
                "text/xml",
                ErrorKind::Unauthorized,
                Some("INVALID_SESSION_ID"),
                false,
            ),
            (
                503,
                "<html>down</html>",
                "text/html",
                ErrorKind::Server,
                None,
                true,
            ),
            (502, "", "", ErrorKind::Server, None, true),
            (400, "[]", json, ErrorKind::InvalidRequest, None, false),
        ];
        for (status, body, ct, kind, code, retryable) in cases {
            let err = map(*status, body, ct);
            assert_eq!(err.kind(), *kind, "{status} {body}");
            assert_eq!(err.provider_code(), *code, "{status} {body}");
            assert_eq!(err.status(), Some(*status));
            assert_eq!(err.is_retryable(), *retryable, "{status} {body}");
            assert!(!err.message().is_empty());
        }
        assert_eq!(
            should_retry(&map(
                403,
                r#"[{"message":"ConcurrentPerOrgLongTxn","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
                json
            )),
            Some(true)
        );
        assert_eq!(
            should_retry(&map(
                400,
                r#"[{"message":"x","errorCode":"INVALID_FIELD"}]"#,
                json
            )),
            None
        );
    }
}
