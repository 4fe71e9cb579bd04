//! Reading a token endpoint's answers (RFC 6749 §5): tokens, errors (also those sent with
//! HTTP 200), and the small ways real servers deviate (no `token_type`, JSON under
//! `text/plain`, `expires_in` as a string).

use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use super::token::TokenSet;
use crate::provider::{Provider, default_error};
use crate::{Error, ErrorKind, Result, Secret};

/// A token response larger than this is not a token response.
pub(crate) const MAX_TOKEN_BODY: usize = 256 * 1024;

/// The request-path hooks of a token endpoint: its error body, and which failures may be
/// sent again (only those where no grant can have been used up).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenEndpoint(pub &'static str);

impl Provider for TokenEndpoint {
    fn service(&self) -> &'static str {
        self.0
    }

    fn map_error(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        match serde_json::from_slice::<Map<String, Value>>(body) {
            Ok(object) if object.get("error").is_some_and(Value::is_string) => {
                token_error(self.0, &object).with_status(status.as_u16())
            }
            _ => default_error(self.0, status, headers, body),
        }
    }

    /// A refresh token may be spent by a request whose answer was lost, so a token request is
    /// sent again only when the server says it did not process it: 429, 503 with a
    /// `Retry-After`, or the error codes `temporarily_unavailable` and `server_error`
    /// (connection failures are retried by the core's own rule).
    fn should_retry(&self, status: StatusCode, headers: &HeaderMap, error: &Error) -> Option<bool> {
        // RFC 6749 §5.2 codes by which the server says it did not serve the request.
        if matches!(
            error.provider_code(),
            Some("temporarily_unavailable" | "server_error")
        ) {
            return Some(true);
        }
        match status.as_u16() {
            429 => Some(true),
            503 => Some(headers.contains_key(http::header::RETRY_AFTER)),
            _ => Some(false),
        }
    }

    /// A 401 from a token endpoint means the client credentials are wrong: there is nothing
    /// to refresh.
    fn is_auth_failure(&self, status: StatusCode, error: &Error) -> bool {
        let _ = (status, error);
        false
    }
}

/// The error an RFC 6749 error object describes. `invalid_grant` means the user must
/// consent again; `temporarily_unavailable` and `server_error` are the server's trouble.
pub(crate) fn token_error(service: &'static str, body: &Map<String, Value>) -> Error {
    let code = body
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or("unknown_error");
    let kind = match code {
        "invalid_grant" => ErrorKind::ReauthorizationRequired,
        "invalid_client" | "unauthorized_client" => ErrorKind::Unauthorized,
        "temporarily_unavailable" | "server_error" => ErrorKind::Server,
        "slow_down" => ErrorKind::RateLimited,
        _ => ErrorKind::InvalidRequest,
    };
    let message = body
        .get("error_description")
        .and_then(Value::as_str)
        .map_or_else(
            || format!("token endpoint refused the request: {code}"),
            str::to_owned,
        );
    Error::new(kind, service, message).with_provider_code(code)
}

/// Fields of a token response that are not extras.
const STANDARD: &[&str] = &[
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
];

/// Reads a successful answer: a token set, or the error it carries despite its status.
/// On refresh, `previous` supplies what the answer leaves out (a refresh token that does not
/// rotate, extras learned at consent such as `realm_id`). `sent` is when the request left:
/// `expires_in` counts from the server's answer, which is no earlier, so the expiry is never
/// later than the server meant.
pub(crate) fn parse_token_response(
    service: &'static str,
    body: &[u8],
    previous: Option<&TokenSet>,
    sent: DateTime<Utc>,
) -> Result<TokenSet> {
    let object: Map<String, Value> = serde_json::from_slice(body).map_err(|e| {
        Error::decode(
            service,
            format!(
                "token endpoint answer is not a JSON object ({} bytes, line {} column {})",
                body.len(),
                e.line(),
                e.column()
            ),
        )
    })?;
    let access = object.get("access_token").and_then(Value::as_str);
    let Some(access) = access.filter(|a| !a.is_empty()).map(str::to_owned) else {
        if object.get("error").is_some_and(Value::is_string) {
            return Err(token_error(service, &object));
        }
        return Err(Error::decode(
            service,
            "token endpoint answer has no access_token",
        ));
    };
    let expires_in = match object.get("expires_in") {
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    let expires_at = expires_in
        .filter(|secs| *secs >= 0)
        .and_then(chrono::Duration::try_seconds)
        .and_then(|d| sent.checked_add_signed(d));
    let refresh_token = object
        .get("refresh_token")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .map(Secret::new)
        .or_else(|| previous.and_then(|p| p.refresh_token.clone()));
    let scopes = match object.get("scope") {
        Some(Value::String(s)) => Some(
            s.split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ),
        _ => None,
    }
    .or_else(|| previous.map(|p| p.scopes.clone()))
    .unwrap_or_default();
    let mut extra = previous.map(|p| p.extra.clone()).unwrap_or_default();
    for (name, value) in object {
        if !STANDARD.contains(&name.as_str()) {
            extra.insert(name, value);
        }
    }
    Ok(TokenSet {
        access_token: Secret::new(access),
        refresh_token,
        expires_at,
        scopes,
        extra,
    })
}

/// Every non-empty value of `secrets` as sent and as form-encoded, for scrubbing error text
/// a token endpoint may have echoed.
pub(crate) fn submitted_forms<'a>(secrets: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut forms = Vec::new();
    for secret in secrets.filter(|s| !s.is_empty()) {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        if encoded != secret {
            forms.push(encoded);
        }
        forms.push(secret.to_owned());
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<TokenSet> {
        parse_token_response("t", body.as_bytes(), None, Utc::now())
    }

    #[test]
    fn answers_real_servers_give() {
        let token = parse(
            r#"{"access_token":"at","expires_in":"3600","scope":"a b","instance_url":"https://x"}"#,
        );
        let token = token.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(token.access_token.expose(), "at");
        assert!(token.expires_at.is_some());
        assert_eq!(token.scopes, vec!["a", "b"]);
        assert_eq!(token.extra_str("instance_url"), Some("https://x"));
        assert!(!token.extra.contains_key("access_token"));

        let cases = [
            (
                r#"{"error":"invalid_grant","error_description":"expired"}"#,
                ErrorKind::ReauthorizationRequired,
            ),
            (r#"{"error":"temporarily_unavailable"}"#, ErrorKind::Server),
            (r#"{"error":"invalid_client"}"#, ErrorKind::Unauthorized),
            (
                r#"{"error":"authorization_pending"}"#,
                ErrorKind::InvalidRequest,
            ),
            (r#"{"token_type":"bearer"}"#, ErrorKind::Decode),
            ("<html>", ErrorKind::Decode),
        ];
        for (body, kind) in cases {
            assert_eq!(parse(body).err().map(|e| e.kind()), Some(kind), "{body}");
        }
    }

    #[test]
    fn absurd_lifetimes_do_not_panic() {
        for expires in ["1e308", "-5", "9223372036854775807", "\"forever\"", "null"] {
            let body = format!(r#"{{"access_token":"at","expires_in":{expires}}}"#);
            assert!(parse(&body).is_ok(), "{body}");
        }
    }
}
