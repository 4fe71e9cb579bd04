//! Properties of every parser and input check of the crate: query quoting and names, the
//! Fault reader (JSON and XML), the error mapper, the webhook verifier and payload reader,
//! the report walker, the redirect callback, ids and request ids.
//!
//! Fixed case counts and a fixed seed, so a run in CI is the same run as on a laptop.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_core::testing::proptest_config as config;
use atom_core::{ErrorKind, Secret};
use atom_quickbooks::auth::Callback;
use atom_quickbooks::error::{map_error, parse_fault};
use atom_quickbooks::query::{Op, Query, quote, validate_field};
use atom_quickbooks::reports::Report;
use atom_quickbooks::webhook::{SIGNATURE_HEADER, Webhook, parse_payload, sign};
use http::{HeaderMap, StatusCode};
use proptest::prelude::*;
use serde_json::Value;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[\\\\' a-zA-Z0-9_.%=<>()\u{e9}\n]{0,40}"]
}

/// Reads a quoted literal the way the query language does (`\x` is `x`), returning the
/// value and what follows the closing quote.
fn read_literal(s: &str) -> Option<(String, &str)> {
    let rest = s.strip_prefix('\'')?;
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?.1),
            '\'' => return Some((out, &rest[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
        Just(Value::from("ColData")),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("Rows".to_owned()),
                    Just("Row".to_owned()),
                    Just("Header".to_owned()),
                    Just("Summary".to_owned()),
                    Just("ColData".to_owned()),
                    Just("value".to_owned()),
                    Just("group".to_owned()),
                    Just("type".to_owned()),
                    Just("Fault".to_owned()),
                    Just("Error".to_owned()),
                    "[a-zA-Z]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config(10_000))]

    /// A quoted value reads back as itself and nothing follows its closing quote.
    #[test]
    fn a_quoted_value_reads_back_and_never_ends_early(value in text()) {
        match quote(&value) {
            Ok(quoted) => {
                let (read, rest) = read_literal(&quoted).expect("a closed literal");
                prop_assert_eq!(read, value);
                prop_assert_eq!(rest, "");
            }
            Err(e) => {
                prop_assert!(value.chars().any(char::is_control));
                prop_assert_eq!(e.kind(), ErrorKind::Config);
            }
        }
    }

    /// Whatever the value, the query text keeps its shape: the condition's literal ends
    /// exactly before the paging clause.
    #[test]
    fn a_value_cannot_change_the_query(value in text()) {
        let q = Query::new("Customer").filter("DisplayName", Op::Eq, value.as_str());
        if let Ok(textq) = q.page_text(1, 10) {
            let literal = textq.strip_prefix("SELECT * FROM Customer WHERE DisplayName = ").unwrap();
            let (read, rest) = read_literal(literal).unwrap();
            prop_assert_eq!(read, value);
            prop_assert_eq!(rest, " STARTPOSITION 1 MAXRESULTS 10");
        }
    }

    /// A field name is accepted only in the safe alphabet.
    #[test]
    fn field_names_are_letters_digits_and_one_dot(name in text()) {
        if validate_field(&name).is_ok() {
            prop_assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'));
            prop_assert!(name.matches('.').count() <= 1);
        }
    }

    /// The Fault reader and the error mapper never panic, on JSON, XML or bytes.
    #[test]
    fn fault_reading_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256), status in 100u16..600) {
        let _ = parse_fault(&bytes);
        let status = StatusCode::from_u16(status).unwrap();
        let err = map_error(status, &HeaderMap::new(), &bytes);
        prop_assert_eq!(err.service(), "quickbooks");
    }

    #[test]
    fn json_faults_never_panic(value in json_value(), status in 400u16..600) {
        let body = serde_json::to_vec(&serde_json::json!({"Fault": value})).unwrap();
        let _ = parse_fault(&body);
        let _ = map_error(StatusCode::from_u16(status).unwrap(), &HeaderMap::new(), &body);
    }

    #[test]
    fn xml_faults_never_panic(parts in prop::collection::vec(prop_oneof![
        Just("<Fault type=\"ValidationFault\">".to_owned()),
        Just("<Error code=\"5010\" element=\"x\">".to_owned()),
        Just("<Message>".to_owned()), Just("</Message>".to_owned()),
        Just("<Detail>".to_owned()), Just("</Detail>".to_owned()),
        Just("</Error>".to_owned()), Just("</Fault>".to_owned()),
        Just("&amp;".to_owned()), Just("&#x41;".to_owned()), Just("&bogus;".to_owned()),
        text(),
    ], 0..24)) {
        let body = parts.concat();
        let _ = parse_fault(body.as_bytes());
    }

    /// The verifier never panics; a body it did not sign is never accepted.
    #[test]
    fn webhook_verification_never_panics(body in prop::collection::vec(any::<u8>(), 0..256), sig in text()) {
        let hook = Webhook::new([Secret::new("token")]);
        let mut headers = HeaderMap::new();
        if let Ok(v) = sig.parse() {
            headers.insert(SIGNATURE_HEADER, v);
        }
        if let Err(e) = hook.verify(&headers, &body) {
            prop_assert!(matches!(e.kind(), ErrorKind::WebhookSignature | ErrorKind::Decode));
        }
        // A correct signature passes the check (the payload may still be unreadable).
        let mut good = HeaderMap::new();
        good.insert(SIGNATURE_HEADER, sign(&Secret::new("token"), &body).parse().unwrap());
        if let Err(e) = hook.verify(&good, &body) {
            prop_assert_eq!(e.kind(), ErrorKind::Decode);
        }
    }

    /// Any report-shaped JSON decodes or fails cleanly, and walking and rendering it
    /// never panics.
    #[test]
    fn reports_walk_and_render_without_panicking(value in json_value()) {
        if let Ok(report) = serde_json::from_value::<Report>(value) {
            let _ = report.lines();
            let _ = report.render();
            let _ = report.summary("Income");
        }
    }

    /// The redirect reader never panics and only accepts a realm of digits.
    #[test]
    fn callbacks_never_panic(query in text()) {
        if let Ok(cb) = Callback::from_query(&query) {
            prop_assert!(!cb.realm_id.is_empty() && cb.realm_id.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}

/// One runtime and one client (on a closed local port) for every case.
fn dead_end() -> &'static (tokio::runtime::Runtime, atom_quickbooks::Client) {
    static CELL: std::sync::OnceLock<(tokio::runtime::Runtime, atom_quickbooks::Client)> =
        std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let qb = atom_quickbooks::Client::builder()
            .base_url("http://127.0.0.1:9")
            .realm_id("1")
            .access_token("t")
            .retry_policy(atom_core::RetryPolicy::none())
            .build()
            .unwrap();
        (runtime, qb)
    })
}

proptest! {
    #![proptest_config(config(2_000))]

    // Fewer cases: each one builds and fails a serde error with a scrubbed message.
    #[test]
    fn payload_reading_never_panics(value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        if let Ok(payload) = parse_payload(&body) {
            let _ = payload.events();
        }
    }


    /// An id that reaches a path stays one segment of it: the request is refused or goes
    /// to `/v3/company/{realm}/invoice/{one segment}`.
    #[test]
    fn ids_stay_one_path_segment(id in text()) {
        let (runtime, qb) = dead_end();
        let err = runtime.block_on(qb.invoices().get(&id)).unwrap_err();
        // Either refused before sending (Config) or a connection error to the dead port.
        prop_assert!(matches!(err.kind(), ErrorKind::Config | ErrorKind::Network | ErrorKind::Timeout), "{:?}", err.kind());
        if err.kind() != ErrorKind::Config {
            prop_assert!(!id.contains('/') && !id.contains('?') && !id.contains('#') && !id.contains(".."));
        }
    }
}
