//! Stripe's error body → `atom_core::Error`, and Stripe's retry signals.
//!
//! Stripe answers errors as `{"error": {"type", "code", "decline_code", "param", "doc_url",
//! "message", …}}` with the request id in the `Request-Id` header. The mapping is a pure
//! function of (status, headers, body), tested on its own:
//!
//! | `error.type` | [`ErrorKind`] |
//! |---|---|
//! | `card_error` | `PaymentDeclined` (never retried) |
//! | `idempotency_error` | `Conflict` |
//! | `rate_limit_error` | `RateLimited` |
//! | `api_error` | `Server` |
//! | others (`invalid_request_error`, `authentication_error`, …) | from the status |
//!
//! The provider code is `error.code` (`card_declined`), else `error.type`. The other fields
//! are kept as provider fields, and typed as [`StripeErrorInfo`] on the error
//! (`err.provider_details::<StripeErrorInfo>()`), so a caller tells a declined card (and its
//! `decline_code`) apart without matching message text. Objects in the error body that can
//! hold secrets (the PaymentIntent with its `client_secret`) are reduced to their id;
//! secret-looking words in the message (keys such as `sk_live_…`, client secrets
//! `…_secret_…`, Connect `rt_…`/`ac_…` codes), which Stripe's messages sometimes quote, are
//! replaced by `[redacted]` by `atom_core::Error` itself.

use atom_core::{Error, ErrorKind};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use crate::SERVICE;

/// Error-body fields kept on the core error as provider fields (strings only).
const KEPT_FIELDS: &[&str] = &[
    "type",
    "code",
    "decline_code",
    "param",
    "doc_url",
    "charge",
    "payment_method_type",
    "advice_code",
    "network_advice_code",
    "network_decline_code",
    "request_log_url",
];

/// Objects in the error body reduced to their id (`payment_intent` → `payment_intent_id`).
const ID_ONLY: &[&str] = &["payment_intent", "setup_intent", "payment_method", "source"];

/// Maps an error response to the core error.
pub fn map_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let error = parsed.as_ref().and_then(|v| v.get("error"));
    match error {
        Some(Value::Object(fields)) => map_api_error(status, fields),
        // The Connect OAuth endpoints answer `{"error": "invalid_grant", "error_description": …}`.
        Some(Value::String(code)) => {
            let message = parsed
                .as_ref()
                .and_then(|v| v.get("error_description"))
                .and_then(Value::as_str)
                .map_or_else(|| code.clone(), str::to_owned);
            let kind = if code == "invalid_grant" {
                ErrorKind::ReauthorizationRequired
            } else {
                ErrorKind::from_status(status.as_u16())
            };
            Error::new(kind, SERVICE, message)
                .with_status(status.as_u16())
                .with_provider_code(code.clone())
        }
        // Not Stripe's error shape (a proxy, a load balancer): the core's generic reading.
        _ => atom_core::default_error(SERVICE, status, headers, body),
    }
}

fn map_api_error(status: StatusCode, fields: &Map<String, Value>) -> Error {
    let text = |name: &str| fields.get(name).and_then(Value::as_str);
    let error_type = text("type").unwrap_or_default();
    let declined = is_decline(error_type, text("code"), text("decline_code"));
    let kind = match error_type {
        _ if declined => ErrorKind::PaymentDeclined,
        "idempotency_error" => ErrorKind::Conflict,
        "rate_limit_error" => ErrorKind::RateLimited,
        "api_error" => ErrorKind::Server,
        _ => ErrorKind::from_status(status.as_u16()),
    };
    let message = text("message").map_or_else(
        || format!("Stripe {error_type} (HTTP {})", status.as_u16()),
        str::to_owned,
    );
    let mut kept = Map::new();
    for name in KEPT_FIELDS {
        if let Some(value @ Value::String(_)) = fields.get(*name) {
            kept.insert((*name).to_owned(), value.clone());
        }
    }
    for name in ID_ONLY {
        let id = match fields.get(*name) {
            Some(Value::String(id)) => Some(id.clone()),
            Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        if let Some(id) = id {
            kept.insert(format!("{name}_id"), Value::String(id));
        }
    }
    let info = StripeErrorInfo {
        error_type: StripeErrorType::from(error_type),
        code: text("code").map(str::to_owned),
        decline_code: text("decline_code").map(str::to_owned),
        param: text("param").map(str::to_owned),
        doc_url: text("doc_url").map(str::to_owned),
        charge: text("charge").map(str::to_owned),
        payment_intent_id: kept
            .get("payment_intent_id")
            .and_then(Value::as_str)
            .map(str::to_owned),
        advice_code: text("advice_code").map(str::to_owned),
        request_log_url: text("request_log_url").map(str::to_owned),
    };
    let mut error = Error::new(kind, SERVICE, message)
        .with_status(status.as_u16())
        .with_provider_fields(kept)
        .with_provider_details(info);
    if let Some(code) = text("code").filter(|c| !c.is_empty()) {
        error = error.with_provider_code(code);
    } else if !error_type.is_empty() {
        error = error.with_provider_code(error_type);
    }
    if declined {
        error = error.with_retryable(false);
    }
    error
}

/// A decline is a `card_error`, or any error whose `code` is `card_declined` or that carries
/// a `decline_code`: Stripe sends declines under other types too (an
/// `invalid_request_error` with `code: card_declined` on some payment method flows).
fn is_decline(error_type: &str, code: Option<&str>, decline_code: Option<&str>) -> bool {
    error_type == "card_error"
        || code == Some("card_declined")
        || decline_code.is_some_and(|c| !c.is_empty())
}

/// Stripe's verdict on retrying, which overrides the status rule:
///
/// 1. `Stripe-Should-Retry: true|false` wins;
/// 2. a decline (a `card_error`, `code: card_declined` or a `decline_code`) is never
///    retried (the card will be declined again);
/// 3. a 409 (a concurrent request on the same object or idempotency key) is retried;
/// 4. a 429 `lock_timeout` is retried;
/// 5. otherwise no opinion (`None`): the core policy decides from the status.
pub fn should_retry(status: u16, should_retry_header: Option<&str>, error: &Error) -> Option<bool> {
    match should_retry_header.map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("true") => return Some(true),
        Some(v) if v.eq_ignore_ascii_case("false") => return Some(false),
        _ => {}
    }
    let error_type = error.provider_field("type").and_then(Value::as_str);
    if error
        .provider_details::<StripeErrorInfo>()
        .is_some_and(StripeErrorInfo::is_card_declined)
    {
        return Some(false);
    }
    if status == 409 && error_type != Some("idempotency_error") {
        return Some(true);
    }
    if status == 429 && error.provider_code() == Some("lock_timeout") {
        return Some(true);
    }
    None
}

atom_core::string_enum! {
    /// Stripe's `error.type`.
    #[non_exhaustive]
    pub enum StripeErrorType {
        /// The API failed (`api_error`).
        Api = "api_error",
        /// The card was declined or cannot be charged (`card_error`).
        Card = "card_error",
        /// An idempotency key was reused with other parameters (`idempotency_error`).
        Idempotency = "idempotency_error",
        /// The request was invalid (`invalid_request_error`).
        InvalidRequest = "invalid_request_error",
        /// Authentication failed (`authentication_error`).
        Authentication = "authentication_error",
        /// Too many requests (`rate_limit_error`).
        RateLimit = "rate_limit_error",
    }
}

/// The typed Stripe fields of an error that came from a Stripe error body, attached by
/// [`map_error`]: read it with `err.provider_details::<StripeErrorInfo>()` (`None` for
/// errors that did not come from Stripe's `{"error": {…}}` shape).
///
/// ```
/// use atom_stripe::error::{map_error, StripeErrorInfo, StripeErrorType};
/// let body = br#"{"error":{"type":"card_error","code":"card_declined",
///   "decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}"#;
/// let err = map_error(http::StatusCode::PAYMENT_REQUIRED, &http::HeaderMap::new(), body);
/// assert_eq!(err.kind(), atom_core::ErrorKind::PaymentDeclined);
/// let info = err.provider_details::<StripeErrorInfo>().unwrap();
/// assert_eq!(info.error_type, StripeErrorType::Card);
/// assert_eq!(info.decline_code.as_deref(), Some("insufficient_funds"));
/// assert!(info.is_card_declined());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StripeErrorInfo {
    /// `error.type`.
    pub error_type: StripeErrorType,
    /// `error.code` (`card_declined`, `resource_missing`, `lock_timeout`).
    pub code: Option<String>,
    /// `error.decline_code` for card errors (`insufficient_funds`).
    pub decline_code: Option<String>,
    /// `error.param`: the parameter the error is about.
    pub param: Option<String>,
    /// `error.doc_url`.
    pub doc_url: Option<String>,
    /// `error.charge`: the failed charge.
    pub charge: Option<String>,
    /// The id of the PaymentIntent in the error body.
    pub payment_intent_id: Option<String>,
    /// `error.advice_code`: what to do about a declined card (`try_again_later`).
    pub advice_code: Option<String>,
    /// `error.request_log_url`: the request in the Dashboard's logs.
    pub request_log_url: Option<String>,
}

impl StripeErrorInfo {
    /// True for a decline, the case to show the customer "your card was declined": a
    /// `card_error`, or any error whose `code` is `card_declined` or that has a
    /// `decline_code`.
    pub fn is_card_declined(&self) -> bool {
        is_decline(
            self.error_type.as_str(),
            self.code.as_deref(),
            self.decline_code.as_deref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, body: &str) -> Error {
        map_error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    #[test]
    fn a_decline_is_keyed_on_code_and_decline_code_whatever_the_type() {
        for body in [
            r#"{"error":{"type":"invalid_request_error","code":"card_declined","message":"m"}}"#,
            r#"{"error":{"type":"api_error","decline_code":"do_not_honor","message":"m"}}"#,
            r#"{"error":{"code":"card_declined","message":"m"}}"#,
        ] {
            let e = err(402, body);
            assert_eq!(e.kind(), ErrorKind::PaymentDeclined, "{body}");
            assert!(!e.is_retryable(), "{body}");
            assert_eq!(should_retry(402, None, &e), Some(false), "{body}");
            let info = e.provider_details::<StripeErrorInfo>();
            assert!(
                info.is_some_and(StripeErrorInfo::is_card_declined),
                "{body}"
            );
        }
        let not = err(
            402,
            r#"{"error":{"type":"invalid_request_error","code":"amount_too_small","decline_code":""}}"#,
        );
        assert_ne!(not.kind(), ErrorKind::PaymentDeclined);
    }

    #[test]
    fn kinds_by_type_and_status() {
        let cases = [
            (402, "card_error", ErrorKind::PaymentDeclined),
            (400, "idempotency_error", ErrorKind::Conflict),
            (429, "rate_limit_error", ErrorKind::RateLimited),
            (500, "api_error", ErrorKind::Server),
            (404, "invalid_request_error", ErrorKind::NotFound),
            (400, "invalid_request_error", ErrorKind::InvalidRequest),
            (401, "authentication_error", ErrorKind::Unauthorized),
            (403, "invalid_request_error", ErrorKind::Forbidden),
            (409, "invalid_request_error", ErrorKind::Conflict),
        ];
        for (status, ty, kind) in cases {
            let e = err(
                status,
                &format!(r#"{{"error":{{"type":"{ty}","message":"m"}}}}"#),
            );
            assert_eq!(e.kind(), kind, "{status} {ty}");
            assert_eq!(e.provider_code(), Some(ty));
            assert_eq!(e.status(), Some(status));
            assert_eq!(e.message(), "m");
        }
    }

    #[test]
    fn secrets_in_the_body_are_reduced_to_ids() {
        let e = err(
            402,
            r#"{"error":{"type":"card_error","code":"card_declined","payment_intent":
               {"id":"pi_1","client_secret":"pi_1_secret_x"},"charge":"ch_1"}}"#,
        );
        assert_eq!(
            e.provider_field("payment_intent_id"),
            Some(&Value::from("pi_1"))
        );
        assert!(e.provider_field("payment_intent").is_none());
        assert!(!format!("{e:?}").contains("secret_x"));
        let info = e.provider_details::<StripeErrorInfo>();
        assert_eq!(
            info.and_then(|i| i.payment_intent_id.as_deref()),
            Some("pi_1")
        );
    }

    #[test]
    fn oauth_and_non_json_bodies() {
        let e = err(
            400,
            r#"{"error":"invalid_grant","error_description":"bad code"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::ReauthorizationRequired);
        assert_eq!(e.provider_code(), Some("invalid_grant"));
        assert_eq!(e.message(), "bad code");
        let e = err(502, "<html>bad gateway</html>");
        assert_eq!(e.kind(), ErrorKind::Server);
        assert_eq!(e.status(), Some(502));
        assert!(e.message().contains("502"), "{}", e.message());
        // JSON, but not Stripe's shape: its message is still read.
        let proxy = err(503, r#"{"message":"upstream connect error"}"#);
        assert_eq!(proxy.kind(), ErrorKind::Server);
        assert_eq!(proxy.message(), "upstream connect error");
    }

    #[test]
    fn retry_verdicts() {
        let card = err(
            402,
            r#"{"error":{"type":"card_error","code":"card_declined"}}"#,
        );
        let lock = err(
            429,
            r#"{"error":{"type":"invalid_request_error","code":"lock_timeout"}}"#,
        );
        let limited = err(429, r#"{"error":{"type":"rate_limit_error"}}"#);
        let conflict = err(409, r#"{"error":{"type":"invalid_request_error"}}"#);
        let idem = err(409, r#"{"error":{"type":"idempotency_error"}}"#);
        let server = err(500, r#"{"error":{"type":"api_error"}}"#);
        assert_eq!(should_retry(402, None, &card), Some(false));
        assert_eq!(should_retry(402, Some("true"), &card), Some(true));
        assert_eq!(should_retry(500, Some("false"), &server), Some(false));
        assert_eq!(should_retry(500, Some(" TRUE "), &server), Some(true));
        assert_eq!(should_retry(500, None, &server), None);
        assert_eq!(should_retry(500, Some("maybe"), &server), None);
        assert_eq!(should_retry(429, None, &lock), Some(true));
        assert_eq!(should_retry(429, None, &limited), None);
        assert_eq!(should_retry(409, None, &conflict), Some(true));
        assert_eq!(should_retry(409, None, &idem), None);
    }
}
