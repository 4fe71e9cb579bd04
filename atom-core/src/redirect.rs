//! Redirects are followed by the core itself, whatever HTTP client is injected, so the same
//! rules hold everywhere: a bounded number of hops, credentials only on the origin the client
//! was configured for, no downgrade to plain http, and a clear error instead of a loop.

use http::{Method, StatusCode};
use url::Url;

use crate::http_util::validate_base_url;
use crate::{Error, ErrorKind, Result};

/// Hops followed by default before giving up (the figure browsers and curl use).
pub const DEFAULT_MAX_REDIRECTS: usize = 10;

/// Whether a status asks the client to repeat the request elsewhere.
pub(crate) fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// The next request of a redirect chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    /// Where to send it.
    pub url: Url,
    /// The method to use (a 303, and a 301/302 after a POST, become GET).
    pub method: Method,
    /// Whether the original body goes along (only when the method is unchanged).
    pub keep_body: bool,
    /// Whether credentials may be sent: the hop stays on the origin the chain started on and
    /// no earlier hop left it (a detour through another host must not choose where our
    /// credentials go next).
    pub credentials: bool,
}

/// Where the chain stands: the first URL, every URL requested so far, and whether
/// credentials are still allowed.
#[derive(Debug)]
pub(crate) struct Chain {
    first: Url,
    visited: Vec<Url>,
    credentials: bool,
    max: usize,
}

impl Chain {
    /// A chain starting with the request to `first`.
    pub fn new(first: Url, max: usize) -> Self {
        Self {
            visited: vec![first.clone()],
            first,
            credentials: true,
            max,
        }
    }

    /// Decides the next hop after `status` with `location` from the server, for a request
    /// made with `method` (and a body when `has_body`).
    pub fn next(
        &mut self,
        service: &'static str,
        status: StatusCode,
        location: Option<&str>,
        method: &Method,
        has_body: bool,
    ) -> Result<Hop> {
        let current = self.visited.last().unwrap_or(&self.first);
        let Some(location) = location.map(str::trim).filter(|l| !l.is_empty()) else {
            return Err(refused(service, status, None, "it carries no Location"));
        };
        let url = current.join(location).map_err(|_| {
            refused(
                service,
                status,
                None,
                "its Location is not a URL".to_owned(),
            )
        })?;
        if url.scheme() == "http" && current.scheme() == "https" {
            return Err(refused(
                service,
                status,
                Some(&url),
                "it downgrades https to plain http",
            ));
        }
        if validate_base_url(service, &url).is_err() {
            return Err(refused(
                service,
                status,
                Some(&url),
                "its target is not https (plain http only on loopback)",
            ));
        }
        if self.visited.contains(&url) {
            return Err(refused(service, status, Some(&url), "it loops"));
        }
        if self.visited.len() > self.max {
            return Err(refused(
                service,
                status,
                Some(&url),
                format!("more than {} redirects in a row", self.max),
            ));
        }
        let method = match status.as_u16() {
            303 if *method != Method::HEAD => Method::GET,
            301 | 302 if *method == Method::POST => Method::GET,
            _ => method.clone(),
        };
        let keep_body = has_body && status_keeps_method(status, &method);
        let same_origin = url.origin() == self.first.origin();
        if keep_body && !same_origin {
            return Err(refused(
                service,
                status,
                Some(&url),
                "it would send the request body to another origin",
            ));
        }
        self.credentials &= same_origin;
        self.visited.push(url.clone());
        Ok(Hop {
            url,
            method,
            keep_body,
            credentials: self.credentials,
        })
    }
}

/// 307 and 308 repeat the request as it was; the others repeat it only when the method
/// stayed the same (a PUT or PATCH after a 301).
fn status_keeps_method(status: StatusCode, method_after: &Method) -> bool {
    matches!(status.as_u16(), 307 | 308) || *method_after != Method::GET
}

/// The target as shown in errors: scheme, host and path. The query is left out, since
/// signed download links carry tokens there.
fn shown(url: &Url) -> String {
    let mut shown = url.clone();
    let had_query = shown.query().is_some();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    if had_query {
        format!("{shown}?…")
    } else {
        shown.to_string()
    }
}

fn refused(
    service: &'static str,
    status: StatusCode,
    target: Option<&Url>,
    why: impl std::fmt::Display,
) -> Error {
    let message = match target {
        Some(url) => format!(
            "not following the {} redirect to {}: {why}",
            status.as_u16(),
            shown(url)
        ),
        None => format!("not following the {} redirect: {why}", status.as_u16()),
    };
    let mut error = Error::new(ErrorKind::Redirect, service, message).with_status(status.as_u16());
    if let Some(url) = target {
        error = error.with_location(shown(url));
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        s.parse().unwrap_or_else(|_| {
            Url::parse("https://invalid.test").unwrap_or_else(|e| panic!("{e}"))
        })
    }

    fn status(code: u16) -> StatusCode {
        StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
    }

    #[test]
    fn decision_table() {
        // (status, method, has_body, location, expected method, keep body, credentials)
        let cases: &[(u16, Method, bool, &str, Method, bool, bool)] = &[
            (
                301,
                Method::GET,
                false,
                "/repositories/42",
                Method::GET,
                false,
                true,
            ),
            (
                302,
                Method::POST,
                true,
                "/elsewhere",
                Method::GET,
                false,
                true,
            ),
            (303, Method::POST, true, "/result", Method::GET, false, true),
            (
                303,
                Method::HEAD,
                false,
                "/result",
                Method::HEAD,
                false,
                true,
            ),
            (
                307,
                Method::PATCH,
                true,
                "/repositories/42/issues/1",
                Method::PATCH,
                true,
                true,
            ),
            (308, Method::POST, true, "/v2/x", Method::POST, true, true),
            (301, Method::PUT, true, "/moved", Method::PUT, true, true),
            (
                302,
                Method::GET,
                false,
                "https://codeload.example.com/a.zip?token=t",
                Method::GET,
                false,
                false,
            ),
            (
                307,
                Method::DELETE,
                false,
                "https://other.example.com/x",
                Method::DELETE,
                false,
                false,
            ),
        ];
        for (code, method, body, location, want_method, want_body, want_credentials) in cases {
            let mut chain = Chain::new(url("https://api.example.com/repos/a/b"), 10);
            let hop = chain.next("t", status(*code), Some(location), method, *body);
            let hop = hop.map(|h| (h.method, h.keep_body, h.credentials));
            assert_eq!(
                hop.ok(),
                Some((want_method.clone(), *want_body, *want_credentials)),
                "{code} {method} {location}"
            );
        }
    }

    #[test]
    fn refusals_name_the_location_without_its_query() {
        let mut chain = Chain::new(url("https://api.example.com/a"), 10);
        let err = chain.next(
            "t",
            status(302),
            Some("http://api.example.com/a?token=s3cret"),
            &Method::GET,
            false,
        );
        let err = err.err().unwrap_or_else(|| Error::config("t", "followed"));
        assert_eq!(err.kind(), ErrorKind::Redirect);
        assert_eq!(err.location(), Some("http://api.example.com/a?…"));
        assert!(!err.to_string().contains("s3cret"), "{err}");

        let mut chain = Chain::new(url("https://api.example.com/a"), 10);
        let body_away = chain.next(
            "t",
            status(307),
            Some("https://evil.example.net/a"),
            &Method::POST,
            true,
        );
        assert_eq!(body_away.err().map(|e| e.kind()), Some(ErrorKind::Redirect));

        let mut chain = Chain::new(url("https://api.example.com/a"), 10);
        assert!(
            chain
                .next("t", status(301), None, &Method::GET, false)
                .is_err()
        );
        assert!(
            chain
                .next("t", status(301), Some("https://[::1"), &Method::GET, false)
                .is_err()
        );
    }

    #[test]
    fn loops_and_long_chains_end() {
        let mut chain = Chain::new(url("https://api.example.com/a"), 10);
        assert!(
            chain
                .next("t", status(302), Some("/b"), &Method::GET, false)
                .is_ok()
        );
        let looped = chain.next("t", status(302), Some("/a"), &Method::GET, false);
        assert_eq!(
            looped.err().and_then(|e| e.location().map(str::to_owned)),
            Some("https://api.example.com/a".to_owned())
        );

        let mut chain = Chain::new(url("https://api.example.com/0"), 3);
        let results: Vec<bool> = (1..=5)
            .map(|i| {
                chain
                    .next(
                        "t",
                        status(302),
                        Some(&format!("/{i}")),
                        &Method::GET,
                        false,
                    )
                    .is_ok()
            })
            .collect();
        assert_eq!(results, vec![true, true, true, false, false]);
    }

    #[test]
    fn a_detour_through_another_origin_drops_credentials_for_good() {
        let mut chain = Chain::new(url("https://api.example.com/a"), 10);
        let away = chain.next(
            "t",
            status(302),
            Some("https://cdn.example.net/x"),
            &Method::GET,
            false,
        );
        assert_eq!(away.map(|h| h.credentials).ok(), Some(false));
        let back = chain.next(
            "t",
            status(302),
            Some("https://api.example.com/admin"),
            &Method::GET,
            false,
        );
        assert_eq!(back.map(|h| h.credentials).ok(), Some(false));
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::proptest_config(10_000))]

        /// Whatever a server puts in `Location`: no panic, credentials only on the first
        /// origin, never plain http off loopback, never more hops than allowed.
        #[test]
        fn any_location_is_decided_safely(
            locations in proptest::collection::vec(
                proptest::prop_oneof![
                    "\\PC{0,40}",
                    "(https?|ftp|javascript)://[a-z.]{1,12}(:[0-9]{1,5})?/[a-z/?=&.]{0,20}",
                    "/[a-z0-9/.%?#=]{0,20}",
                    "//[a-z.]{1,12}/x",
                ],
                1..15,
            ),
            code in proptest::sample::select(vec![301u16, 302, 303, 307, 308]),
            max in 0usize..12,
        ) {
            let first = url("https://api.example.com/v1/x");
            let mut chain = Chain::new(first.clone(), max);
            let mut hops = 0;
            for location in &locations {
                let Ok(hop) = chain.next("t", status(code), Some(location), &Method::POST, true) else {
                    break;
                };
                hops += 1;
                proptest::prop_assert!(hops <= max);
                proptest::prop_assert!(hop.url.scheme() == "https" || hop.url.host_str() == Some("localhost"));
                if hop.credentials || hop.keep_body {
                    proptest::prop_assert_eq!(hop.url.origin(), first.origin());
                }
            }
        }
    }
}
