//! Properties of every parser and header-driven decision of the crate: the `Link` header
//! parser, the webhook signature check, the search query builder, the rate-limit decisions,
//! the error mapper and (with `jwt`) the clock-skew reading. Token-endpoint answers are read
//! by the core, whose own properties cover them.
//!
//! Fixed case counts and a fixed seed, so a run in CI is the same run as on a laptop.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use atom_core::testing::proptest_config as config;
use atom_core::{ErrorKind, Secret};
#[cfg(feature = "jwt")]
use atom_github::auth::{MAX_CLOCK_SKEW_SECS, clock_skew};
use atom_github::error::{
    LimitHit, MAX_LIMIT_WAIT, SECONDARY_LIMIT_WAIT, limit_hit, limit_wait, map_error,
};
use atom_github::pagination::{next_link, parse_links};
use atom_github::search::{SearchQuery, quote};
use atom_github::webhook::sign;
use chrono::{DateTime, Utc};
use common::check_signature as check;
use http::{HeaderMap, HeaderValue, StatusCode};
use proptest::prelude::*;

/// Any text, with the characters that matter to these parsers over-represented.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[<>;,=\" \\\\a-zA-Z0-9:()\\-\u{e9}\u{0}\n\t]{0,40}",
        prop::sample::select(vec!["AND", "OR", "NOT", "and", "-", "\"", "\\", ""])
            .prop_map(str::to_owned),
    ]
}

/// Header-value text (visible ASCII and spaces).
fn header_text() -> impl Strategy<Value = String> {
    prop_oneof!["[ -~]{0,30}", "[0-9 ]{0,12}", Just("0".to_owned())]
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

/// One term of a search query as GitHub reads it: quoted (unescaped) or bare.
#[derive(Debug, PartialEq)]
enum Term {
    Quoted(String),
    Bare(String),
    /// `name:"value"`: a qualifier with a quoted value.
    Qualified(String, String),
}

/// Reads a quoted string after its opening quote: `\"` and `\\` are escapes, anything else
/// after a backslash is an error.
fn quoted(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    query: &str,
) -> Result<String, String> {
    let mut value = String::new();
    loop {
        match chars.next() {
            None => return Err(format!("unbalanced quote in {query:?}")),
            Some('\\') => match chars.next() {
                Some(e @ ('"' | '\\')) => value.push(e),
                other => return Err(format!("bad escape {other:?} in {query:?}")),
            },
            Some('"') => break,
            Some(c) => value.push(c),
        }
    }
    if chars.peek().is_some_and(|c| *c != ' ') {
        return Err(format!("text glued to a quoted term in {query:?}"));
    }
    Ok(value)
}

/// Splits a query into terms the way GitHub does: spaces separate terms, `"…"` is one
/// term where `\"` and `\\` stand for `"` and `\`. An unbalanced or stray quote is an error.
fn terms(query: &str) -> Result<Vec<Term>, String> {
    let mut out = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c == ' ' {
            chars.next();
        } else if c == '"' {
            chars.next();
            out.push(Term::Quoted(quoted(&mut chars, query)?));
        } else {
            let mut word = String::new();
            let mut value = None;
            while let Some(&c) = chars.peek() {
                if c == ' ' {
                    break;
                }
                chars.next();
                if c == '"' {
                    if !word.ends_with(':') {
                        return Err(format!("stray quote in {query:?}"));
                    }
                    value = Some(quoted(&mut chars, query)?);
                    break;
                }
                word.push(c);
            }
            out.push(match value {
                Some(value) => Term::Qualified(word, value),
                None => Term::Bare(word),
            });
        }
    }
    Ok(out)
}

/// What a literal term must stand for: the text with whitespace and controls as spaces.
fn normalised(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// A generated `Link` entry: a URL, its relation types, and whether to quote `rel`.
fn link() -> impl Strategy<Value = (String, Vec<String>, bool, String)> {
    (
        "https://api\\.github\\.com/[a-z0-9/?=&%._,;\"-]{0,30}",
        prop::collection::vec("[a-zA-Z]{1,8}", 1..3),
        any::<bool>(),
        // An extra parameter whose quoted value holds the separators.
        prop::sample::select(vec![
            "",
            "; title=\"a, b; c\"",
            "; crossorigin",
            "; type=text/html",
        ])
        .prop_map(str::to_owned),
    )
}

proptest! {
    #![proptest_config(config(10_000))]

    /// Any `Link` text: links or a `Decode` error, never a panic.
    #[test]
    fn link_parser_never_panics(header in text()) {
        let _ = parse_links(&header);
        if let Err(e) = next_link(Some(&header)) {
            prop_assert_eq!(e.kind(), ErrorKind::Decode);
        }
    }

    /// Written links parse back to the same URLs and relations; `next` is the first link

    /// Any signature header and body: a `WebhookSignature` error or success, never a panic.
    #[test]
    fn webhook_check_never_panics(signature in text(), body in any::<Vec<u8>>()) {
        let secrets = [Secret::new("It's a Secret to Everybody")];
        if let Err(e) = check(&secrets, &body, Some(&signature)) {
            prop_assert_eq!(e.kind(), ErrorKind::WebhookSignature);
        }
    }

    /// `text()` of anything is one literal term: quotes balanced and escaped as GitHub
    /// expects, no bare `AND`/`OR`/`NOT`, no bare qualifier, negation or group, and the term
    /// stands for the text itself.
    #[test]
    fn text_is_always_one_literal_term(value in text()) {
        let query = SearchQuery::new().text(&value).to_string();
        let parsed = terms(&query).map_err(TestCaseError::fail)?;
        prop_assert_eq!(parsed.len(), 1, "{}", query);
        match &parsed[0] {
            Term::Quoted(inner) => prop_assert_eq!(inner, &normalised(&value)),
            Term::Bare(word) => {
                prop_assert_eq!(word, &value);
                prop_assert!(!matches!(word.as_str(), "AND" | "OR" | "NOT"), "{}", query);
                prop_assert!(!word.starts_with('-'), "{}", query);
                prop_assert!(!word.contains([':', '(', ')', '\\']), "{}", query);
            }
            Term::Qualified(..) => prop_assert!(false, "a qualifier from text: {}", query),
        }
    }


    /// The rate-limit decision: only 403/429; `remaining: 0` is the primary limit; a 429 is

    /// A primary limit with a reset in the future waits until the reset, at most an hour.
    #[test]
    fn primary_limit_waits_until_the_reset(ahead in 0u64..100_000) {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        let reset = now().timestamp().unsigned_abs() + ahead;
        headers.insert("x-ratelimit-reset", HeaderValue::from_str(&reset.to_string()).unwrap());
        prop_assert_eq!(
            limit_wait(LimitHit::Primary, &headers, now()),
            Duration::from_secs(ahead).min(MAX_LIMIT_WAIT)
        );
    }


    /// A `Date` header: a skew within a day, or none; never a panic.
    #[cfg(feature = "jwt")]
    #[test]
    fn clock_skew_is_bounded(date in text(), offset in -3 * MAX_CLOCK_SKEW_SECS..3 * MAX_CLOCK_SKEW_SECS) {
        if let Some(skew) = clock_skew(&date, now()) {
            prop_assert!(skew.abs() <= MAX_CLOCK_SKEW_SECS);
        }
        let at = now() + chrono::Duration::seconds(offset);
        let skew = clock_skew(&httpdate::fmt_http_date(at.into()), now());
        prop_assert_eq!(skew, (offset.abs() <= MAX_CLOCK_SKEW_SECS).then_some(offset));
    }

}

// HMAC over bodies three times a case, and the properties that build many headers or JSON
// bodies from regexes: 2 000 cases keep each one to two seconds in debug builds.
proptest! {
    #![proptest_config(config(2_000))]

    /// Several texts and qualifier values: one term each, in order, none an operator.
    #[test]
    fn terms_stay_apart(values in prop::collection::vec(text(), 1..5), label in text()) {
        let query = values
            .iter()
            .fold(SearchQuery::new(), |q, v| q.text(v))
            .qualifier("label", &label)
            .unwrap()
            .to_string();
        let parsed = terms(&query).map_err(TestCaseError::fail)?;
        prop_assert_eq!(parsed.len(), values.len() + 1, "{}", query);
        for term in &parsed[..values.len()] {
            prop_assert!(!matches!(term, Term::Bare(w) if matches!(w.as_str(), "AND" | "OR" | "NOT")));
        }
        match parsed.last() {
            Some(Term::Qualified(name, value)) => {
                prop_assert_eq!(name, "label:");
                prop_assert_eq!(value, &normalised(&label));
            }
            Some(Term::Bare(word)) => prop_assert_eq!(word, &format!("label:{}", quote(&label))),
            other => prop_assert!(false, "{:?} in {}", other, query),
        }
    }

    /// with a `next` relation, in any case.
    #[test]
    fn link_header_round_trips(links in prop::collection::vec(link(), 0..5), spaces in "[ ]{0,2}") {
        let written: Vec<String> = links
            .iter()
            .map(|(url, rels, quoted, extra)| {
                let rel = if *quoted || rels.len() > 1 {
                    format!("rel=\"{}\"", rels.join(" "))
                } else {
                    format!("rel={}", rels[0])
                };
                format!("<{url}>{spaces};{spaces}{rel}{extra}")
            })
            .collect();
        let header = written.join(&format!(",{spaces}"));
        let parsed = parse_links(&header).unwrap();
        let expected: Vec<(String, Vec<String>)> =
            links.iter().map(|(u, r, _, _)| (u.clone(), r.clone())).collect();
        prop_assert_eq!(parsed, expected);
        let next = links
            .iter()
            .find(|(_, rels, _, _)| rels.iter().any(|r| r.eq_ignore_ascii_case("next")))
            .map(|(u, _, _, _)| u.clone());
        prop_assert_eq!(next_link(Some(&header)).unwrap(), next);
    }

    /// always a limit; waits are never negative and follow the headers.
    #[test]
    fn rate_limit_decisions(
        status in prop::sample::select(vec![200u16, 401, 403, 404, 422, 429, 500]),
        remaining in prop::option::of(header_text()),
        retry_after in prop::option::of(header_text()),
        reset in prop::option::of(header_text()),
        message in text(),
    ) {
        let mut headers = HeaderMap::new();
        for (name, value) in [("x-ratelimit-remaining", &remaining), ("retry-after", &retry_after), ("x-ratelimit-reset", &reset)] {
            if let Some(v) = value {
                headers.insert(name, HeaderValue::from_str(v).unwrap());
            }
        }
        let hit = limit_hit(status, &headers, &message);
        match status {
            403 | 429 => {
                if remaining.as_deref().map(str::trim) == Some("0") {
                    prop_assert_eq!(hit, Some(LimitHit::Primary));
                }
                if status == 429 {
                    prop_assert!(hit.is_some());
                }
            }
            _ => prop_assert_eq!(hit, None),
        }
        for hit in [LimitHit::Primary, LimitHit::Secondary] {
            let wait = limit_wait(hit, &headers, now());
            prop_assert!(wait <= MAX_LIMIT_WAIT);
            if hit == LimitHit::Secondary && retry_after.is_none() {
                prop_assert_eq!(wait, SECONDARY_LIMIT_WAIT);
            }
        }
        let body = serde_json::json!({ "message": message }).to_string();
        let err = map_error(StatusCode::from_u16(status).unwrap(), &headers, body.as_bytes(), now());
        prop_assert_eq!(err.kind() == ErrorKind::RateLimited, hit.is_some());
    }

    /// Any error body: an error with the response's status, never a panic.
    #[test]
    fn error_mapper_never_panics(status in 400u16..600, body in prop_oneof![
        any::<Vec<u8>>(),
        text().prop_map(String::into_bytes),
        (text(), text(), text()).prop_map(|(m, c, f)| serde_json::json!({
            "message": m, "errors": [{"code": c, "field": f}, m], "documentation_url": f
        }).to_string().into_bytes()),
    ]) {
        let err = map_error(StatusCode::from_u16(status).unwrap(), &HeaderMap::new(), &body, now());
        prop_assert_eq!(err.status(), Some(status));
        // A JSON object body is kept typed, entry for entry; anything else has no details.
        let object = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.as_object().cloned());
        let info = err.provider_details::<atom_github::GitHubErrorInfo>();
        prop_assert_eq!(info.is_some(), object.is_some());
        if let (Some(info), Some(object)) = (info, object) {
            let entries = object.get("errors").and_then(|e| e.as_array()).map_or(0, Vec::len);
            prop_assert_eq!(info.errors.len(), entries);
            prop_assert_eq!(
                info.message.clone(),
                object
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map(|m| atom_core::redact::scrub(m, &[]).into_owned())
            );
        }
    }

    /// A signature from the test signer verifies (also as the second of two secrets); any
    /// one changed byte of the body fails.
    #[test]
    fn signed_bodies_verify_and_any_changed_byte_fails(
        body in any::<Vec<u8>>(),
        flip_at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let secret = Secret::new("whsec-prop");
        let signature = sign(&secret, &body);
        let secrets = [Secret::new("old"), secret];
        prop_assert!(check(&secrets, &body, Some(&signature)).is_ok());
        if !body.is_empty() {
            let mut changed = body.clone();
            let at = flip_at.index(changed.len());
            changed[at] ^= flip;
            let err = check(&secrets, &changed, Some(&signature)).unwrap_err();
            prop_assert_eq!(err.kind(), ErrorKind::WebhookSignature);
        }
    }
}
