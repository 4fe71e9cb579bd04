//! URL safety and the provider-neutral readers of error bodies and rate-limit headers.

use std::net::IpAddr;

use chrono::{DateTime, TimeZone as _, Utc};
use http::HeaderMap;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

use crate::{Error, RateLimitSnapshot, Result};

/// Refuses a base URL that is not https, except http on a loopback host (tests, local mocks).
///
/// ```
/// use atom_core::http_util::validate_base_url;
/// let ok = |s: &str| validate_base_url("t", &s.parse().unwrap()).is_ok();
/// assert!(ok("https://api.stripe.com"));
/// assert!(ok("http://127.0.0.1:8080"));
/// assert!(!ok("http://api.stripe.com"));
/// ```
pub fn validate_base_url(service: &'static str, url: &Url) -> Result<()> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(Error::config(
            service,
            format!(
                "base URL must be https (http only on loopback): {}://{}",
                url.scheme(),
                url.host_str().unwrap_or_default()
            ),
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Encodes a value as exactly one path segment: `/`, `?`, `#` and `%` are escaped, and the
/// dot segments `.`/`..` and the empty string are refused, so an id cannot change the path.
///
/// ```
/// use atom_core::http_util::path_segment;
/// assert_eq!(path_segment("t", "feature/x").unwrap(), "feature%2Fx");
/// assert!(path_segment("t", "..").is_err());
/// assert!(path_segment("t", "").is_err());
/// ```
pub fn path_segment(service: &'static str, value: &str) -> Result<String> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(Error::config(
            service,
            format!("{value:?} cannot be used as a path segment"),
        ));
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

/// Builds the URL of one attempt from the base and a request path or absolute URL.
///
/// An absolute URL (a next-page link) must have the base's scheme, host and port, so that
/// credentials are never sent to a host the client was not configured for.
pub fn build_url(
    service: &'static str,
    base: &Url,
    path: &str,
    query: &[(String, String)],
) -> Result<Url> {
    let mut url = if path.starts_with("https://") || path.starts_with("http://") {
        let url = Url::parse(path).map_err(|e| Error::config(service, format!("bad URL: {e}")))?;
        if url.origin() != base.origin() {
            return Err(Error::config(
                service,
                format!(
                    "refusing to send credentials to {} (client is for {})",
                    url.host_str().unwrap_or_default(),
                    base.host_str().unwrap_or_default()
                ),
            ));
        }
        url
    } else {
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        if !p.starts_with('/') {
            return Err(Error::config(service, "request path must start with '/'"));
        }
        let mut url = base.clone();
        match base.path().trim_end_matches('/') {
            // A base at the host's root (most are): the path as it is, no copy.
            "" => url.set_path(p),
            prefix => url.set_path(&format!("{prefix}{p}")),
        }
        url.set_query((!q.is_empty()).then_some(q));
        url.set_fragment(None);
        url
    };
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// The first header of `names` that is present, as text.
pub fn first_header(headers: &HeaderMap, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| headers.get(*n).and_then(|v| v.to_str().ok()))
        .map(str::to_owned)
}

/// Request-id headers the providers use, in the order they are looked for.
pub const REQUEST_ID_HEADERS: &[&str] = &[
    "request-id",
    "x-request-id",
    "x-github-request-id",
    "intuit_tid",
    "x-zendesk-request-id",
    "x-hubspot-correlation-id",
    "x-correlation-id",
];

/// Reads `x-ratelimit-*` / `ratelimit-*` headers. The reset is read by [`reset_time`].
///
/// ```
/// use atom_core::http_util::standard_rate_limit;
/// let mut h = http::HeaderMap::new();
/// h.insert("x-ratelimit-limit", "5000".parse().unwrap());
/// h.insert("x-ratelimit-remaining", "0".parse().unwrap());
/// h.insert("x-ratelimit-reset", "1700000000".parse().unwrap());
/// let snap = standard_rate_limit(&h, chrono::Utc::now()).unwrap();
/// assert!(snap.is_exhausted());
/// assert_eq!(snap.reset.unwrap().timestamp(), 1_700_000_000);
/// ```
pub fn standard_rate_limit(headers: &HeaderMap, now: DateTime<Utc>) -> Option<RateLimitSnapshot> {
    // Most answers of most APIs carry none: one pass over the names instead of eight
    // lookups that each parse a header name.
    let any = headers.keys().any(|name| {
        let name = name.as_str();
        name.starts_with("x-ratelimit-") || name.starts_with("ratelimit-")
    });
    if !any {
        return None;
    }
    let num =
        |names: &[&str]| first_header(headers, names).and_then(|v| v.trim().parse::<u64>().ok());
    let snapshot = RateLimitSnapshot {
        limit: num(&["x-ratelimit-limit", "ratelimit-limit"]),
        remaining: num(&["x-ratelimit-remaining", "ratelimit-remaining"]),
        reset: num(&["x-ratelimit-reset", "ratelimit-reset"]).and_then(|r| reset_time(r, now)),
        used: num(&["x-ratelimit-used"]),
        resource: first_header(headers, &["x-ratelimit-resource"]),
    };
    (snapshot != RateLimitSnapshot::default()).then_some(snapshot)
}

/// The largest reset value read as seconds from now (a year); larger values are epoch
/// seconds. Windows are seconds to a day long, and every epoch second since 1971 is larger.
pub const MAX_RESET_DELTA: u64 = 366 * 24 * 60 * 60;

/// A reset value as a time: seconds from `now` up to [`MAX_RESET_DELTA`], epoch seconds
/// above it (`1000000000` is September 2001: a reset long past, not one 31 years ahead).
///
/// ```
/// use atom_core::http_util::reset_time;
/// let now = chrono::Utc::now();
/// assert_eq!(reset_time(60, now), Some(now + chrono::Duration::seconds(60)));
/// assert_eq!(reset_time(1_000_000_000, now).map(|t| t.timestamp()), Some(1_000_000_000));
/// assert_eq!(reset_time(u64::MAX, now), None);
/// ```
pub fn reset_time(value: u64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(value).ok()?;
    if value > MAX_RESET_DELTA {
        Utc.timestamp_opt(secs, 0).single()
    } else {
        now.checked_add_signed(chrono::Duration::seconds(secs))
    }
}

/// The message a generic JSON error body carries, from the fields most APIs use.
pub fn generic_error_message(body: &serde_json::Value) -> Option<String> {
    let s = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    body.get("message")
        .and_then(s)
        .or_else(|| body.get("error_description").and_then(s))
        .or_else(|| {
            body.get("error")
                .and_then(|e| s(e).or_else(|| e.get("message").and_then(s)))
        })
        .or_else(|| {
            body.get("errors")
                .and_then(|e| e.get(0))
                .and_then(|e| e.get("message").and_then(s).or_else(|| s(e)))
        })
        .or_else(|| body.get(0).and_then(|e| e.get("message")).and_then(s))
}

/// Describes a body that is not JSON (an HTML error page from a proxy) without copying it.
pub fn non_json_message(status: u16, headers: &HeaderMap, body: &[u8]) -> String {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("error");
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type");
    if body.is_empty() {
        return format!("HTTP {status} {reason} (empty body)");
    }
    if content_type.starts_with("text/plain")
        && let Ok(text) = std::str::from_utf8(body)
        && text.len() <= 300
    {
        return format!("HTTP {status} {reason}: {}", text.trim());
    }
    format!(
        "HTTP {status} {reason} ({content_type} body of {} bytes)",
        body.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick "any rate-limit header at all?" pass must not hide one: each name the
    /// reader knows is read on its own, among other headers, whatever case it was sent in.
    #[test]
    fn every_rate_limit_header_is_seen_alone() {
        let now = Utc::now();
        for name in [
            "x-ratelimit-limit",
            "ratelimit-limit",
            "x-ratelimit-remaining",
            "RateLimit-Remaining",
            "x-ratelimit-reset",
            "ratelimit-reset",
            "X-RateLimit-Used",
            "x-ratelimit-resource",
        ] {
            let mut headers = HeaderMap::new();
            headers.insert("content-type", http::HeaderValue::from_static("text/json"));
            let name = http::HeaderName::from_bytes(name.as_bytes()).ok();
            if let Some(name) = name {
                headers.insert(name, http::HeaderValue::from_static("7"));
            }
            let snapshot = standard_rate_limit(&headers, now);
            assert!(snapshot.is_some(), "{headers:?}");
        }
        let mut headers = HeaderMap::new();
        headers.insert("request-id", http::HeaderValue::from_static("req_1"));
        headers.insert("x-ratelimit", http::HeaderValue::from_static("7"));
        assert_eq!(standard_rate_limit(&headers, now), None);
    }

    #[test]
    fn paths_join_the_base_path_whether_or_not_it_is_the_root() {
        let url = |base: &str, path: &str| {
            let base = Url::parse(base).ok();
            base.and_then(|b| build_url("t", &b, path, &[]).ok())
                .map(String::from)
        };
        let joined = |s: &str| Some(s.to_owned());
        assert_eq!(
            url("https://a.example", "/v1/x?y=1"),
            joined("https://a.example/v1/x?y=1")
        );
        assert_eq!(
            url("https://a.example/", "/v1/x"),
            joined("https://a.example/v1/x")
        );
        assert_eq!(
            url("https://a.example/api/", "/v1/x"),
            joined("https://a.example/api/v1/x")
        );
        // A `#` in the path is part of it, not a fragment.
        assert_eq!(
            url("https://a.example/api", "/v1/x#f"),
            joined("https://a.example/api/v1/x%23f")
        );
        assert_eq!(
            url("https://a.example", "/x#f"),
            joined("https://a.example/x%23f")
        );
        assert_eq!(url("https://a.example", "v1"), None);
    }
}
