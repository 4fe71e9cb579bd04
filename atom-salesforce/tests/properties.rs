//! Property tests for every parser and escaper in the crate: the XML reader (through the
//! outbound-message, convertLead and error-mapping entry points), record ids, the
//! `Sforce-Limit-Info` header, the Bulk CSV reader and writer, SOQL and SOSL escaping.
//!
//! Case counts and the seed are fixed so that CI runs the same cases every time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_core::ErrorKind;
use atom_core::testing::proptest_config as config;
use atom_salesforce::bulk_csv::CsvTable;
use atom_salesforce::client::parse_limit_info;
use atom_salesforce::error::map_error;
use atom_salesforce::leads::parse_convert_response;
use atom_salesforce::soql::{Filter, Query, escape, escape_like};
use atom_salesforce::validate::{case_safe_id, record_id};
use atom_salesforce::{sosl, webhook};
use http::{HeaderMap, HeaderValue, StatusCode};
use proptest::prelude::*;

const ORG: &str = "00Dx0000000BV7zEAG";

/// Text of up to `max` characters, mixing any `char` with the ones a parser or escaper
/// cares about (built from `char`s rather than a regex: regex strategies over all of
/// Unicode are slow in debug builds).
fn text(specials: &'static [char], max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![1 => any::<char>(), 2 => proptest::sample::select(specials)],
        0..=max,
    )
    .prop_map(String::from_iter)
}

/// Pieces of a `Sforce-Limit-Info` value, glued in any order.
fn limit_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("api-usage=".to_owned()),
        Just("per-app-api-usage=".to_owned()),
        Just("/".to_owned()),
        Just(", ".to_owned()),
        Just("(appName=x)".to_owned()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<u128>().prop_map(|n| n.to_string()),
        text(&['-', '+', ' ', '=', ','], 3),
    ]
}

/// The pieces a hostile XML body is made of.
const XML_PIECES: &[&str] = &[
    "<a>",
    "</a>",
    "<sf:b xsi:type=\"sf:Account\">",
    "</sf:b>",
    "<c/>",
    "<c",
    ">",
    "/",
    "&amp;",
    "&#x41;",
    "&#xD800;",
    "&bogus;",
    "&",
    "<![CDATA[x]]>",
    "<?xml version=\"1.0\"?>",
    "<!DOCTYPE a [<!ENTITY e \"ee\">]>",
    "<!-- c -->",
    "\"",
    "=",
    " ",
    "text",
    "\u{fffd}",
];

/// XML-ish text: the pieces above, or any character, in any order and balance.
fn xml_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(XML_PIECES).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn error_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml"),
    );
    headers
}

/// The outbound message with `levels` elements nested inside its one record field.
fn nested_message(levels: usize) -> String {
    let mut record = atom_salesforce::Record::default();
    record.set("Name", "Acme");
    let body = webhook::outbound_message(
        ORG,
        "04k5g000000abcdAAA",
        &[webhook::Notification {
            id: "04l5g00000AAAAAAA5".into(),
            object: "Account".into(),
            record,
        }],
    );
    let inner = format!("{}{}", "<a>".repeat(levels), "</a>".repeat(levels));
    body.replace(
        "<sf:Name>Acme</sf:Name>",
        &format!("<sf:Name>{inner}</sf:Name>"),
    )
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn xml_readers_never_panic_on_bytes(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = webhook::parse_unchecked(&body);
        let _ = parse_convert_response(&body);
        let err = map_error(StatusCode::INTERNAL_SERVER_ERROR, &error_headers(), &body);
        prop_assert_eq!(err.status(), Some(500));
    }

    #[test]
    fn xml_readers_never_panic_on_xml_pieces(pieces in proptest::collection::vec(xml_piece(), 0..40)) {
        let body = pieces.concat();
        if let Err(e) = webhook::parse_unchecked(body.as_bytes()) {
            prop_assert_eq!(e.kind(), ErrorKind::WebhookSignature);
        }
        if let Err(e) = parse_convert_response(body.as_bytes()) {
            prop_assert_eq!(e.kind(), ErrorKind::Decode);
        }
        let _ = map_error(StatusCode::INTERNAL_SERVER_ERROR, &error_headers(), body.as_bytes());
    }

    #[test]
    fn record_ids_never_panic(id in prop_oneof![
        text(&['A', 'z', '0', '5'], 20),
        "[A-Za-z0-9]{15}",
        "[A-Za-z0-9]{18}",
    ]) {
        let checked = record_id(&id);
        if checked.is_ok() {
            prop_assert!(matches!(id.len(), 15 | 18));
            prop_assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        }
        prop_assert_eq!(case_safe_id(&id).is_ok(), checked.is_ok());
    }

    #[test]
    fn fifteen_converts_to_a_valid_eighteen(id in "[A-Za-z0-9]{15}") {
        let long = case_safe_id(&id).unwrap();
        prop_assert_eq!(long.len(), 18);
        prop_assert!(long.starts_with(&id));
        prop_assert!(long[15..].bytes().all(|b| b.is_ascii_uppercase() || (b'0'..=b'5').contains(&b)));
        prop_assert!(record_id(&long).is_ok());
        prop_assert_eq!(case_safe_id(&long).unwrap(), long);
    }

    #[test]
    fn changing_the_case_of_one_letter_invalidates(id in "[A-Za-z0-9]{14}[A-Za-z]", at in 0usize..15) {
        let long = case_safe_id(&id).unwrap();
        // The letter to flip: the first letter at or after `at` (the last is always one).
        let pos = (at..15).find(|&i| long.as_bytes()[i].is_ascii_alphabetic()).unwrap();
        let mut bytes = long.clone().into_bytes();
        bytes[pos] ^= 0x20;
        let flipped = String::from_utf8(bytes).unwrap();
        prop_assert!(record_id(&flipped).is_err(), "{} accepted", flipped);
        // Its own 15 characters give another checksum.
        prop_assert_ne!(&case_safe_id(&flipped[..15]).unwrap()[15..], &long[15..]);
    }

    #[test]
    fn limit_info_reads_any_usage(used in any::<u64>(), limit in any::<u64>(), app in "[a-z]{0,8}") {
        let value = format!("per-app-api-usage=1/2(appName={app}), api-usage={used}/{limit}");
        let snap = parse_limit_info(&value).unwrap();
        prop_assert_eq!(snap.used, Some(used));
        prop_assert_eq!(snap.limit, Some(limit));
        prop_assert_eq!(snap.remaining, Some(limit.saturating_sub(used)));
        prop_assert!(snap.remaining.unwrap() <= limit);
    }

}

proptest! {
    // Each case generates up to 40 characters one by one; 3 000 cases keep each property
    // within a few seconds in a debug build on a shared machine.
    #![proptest_config(config(3_000))]

    #[test]
    fn limit_info_never_panics(value in proptest::collection::vec(limit_piece(), 0..8).prop_map(|p| p.concat())) {
        if let Some(snap) = parse_limit_info(&value) {
            let (used, limit, remaining) = (snap.used.unwrap(), snap.limit.unwrap(), snap.remaining.unwrap());
            prop_assert_eq!(remaining, limit.saturating_sub(used));
        }
    }

    #[test]
    fn soql_literals_cannot_be_terminated_early(
        text in text(&['\'', '"', '\\', '%', '_', '\n', '\r', '\t', '\u{8}', '\u{c}', '\u{0}', 'a'], 40)
    ) {
        for escaped in [escape(&text), escape_like(&text)] {
            let literal = format!("'{escaped}'");
            prop_assert_eq!(literal_end(&literal), Some(literal.len() - 1), "{:?}", literal);
            prop_assert!(!escaped.chars().any(char::is_control));
        }
        let soql = Query::select(["Id"])
            .from("Account")
            .filter(Filter::eq("Name", text.as_str()))
            .build()
            .unwrap();
        let start = "SELECT Id FROM Account WHERE Name = ".len();
        prop_assert_eq!(literal_end(&soql.as_str()[start..]), Some(soql.as_str().len() - start - 1));
    }

    #[test]
    fn sosl_terms_cannot_close_the_braces(
        text in text(&['{', '}', '\\', '\'', '"', 'a', ' ', '\n'], 40)
    ) {
        let term = format!("{{{}}}", sosl::escape(&text));
        // The first unescaped `}` is the last character.
        let mut chars = term.char_indices().skip(1);
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => { chars.next(); }
                '}' => { end = Some(i); break; }
                _ => {}
            }
        }
        prop_assert_eq!(end, Some(term.len() - 1), "{:?}", term);
    }
}

proptest! {
    #![proptest_config(config(2_000))]

    /// No word of an escaped bare term is an operator SOSL would act on.
    #[test]
    fn sosl_terms_have_no_bare_operators(
        words in proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(vec!["and", "OR", "Not", "AND", "x", "\\", "\"", "{"]).prop_map(str::to_owned),
                text(&['a', 'n', 'd', 'o', 'r', ' ', '\t'], 5),
            ],
            0..8,
        )
    ) {
        let term = sosl::escape_term(&words.join(" "));
        for word in term.split_whitespace() {
            prop_assert!(
                !["and", "or", "not"].iter().any(|op| word.eq_ignore_ascii_case(op)),
                "{:?}", term
            );
        }
    }
}

/// Where a SOQL string literal that opens at byte 0 closes: Salesforce reads `\x` as one
/// escaped character and ends the literal at the first unescaped `'`.
fn literal_end(text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    if chars.next()?.1 != '\'' {
        return None;
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next()?;
            }
            '\'' => return Some(i),
            _ => {}
        }
    }
    None
}

proptest! {
    // Each case builds and parses up to a few thousand nested elements; 500 cases keep the
    // property under a couple of seconds in a debug build.
    #![proptest_config(config(500))]

    #[test]
    fn any_nesting_depth_is_refused_or_read_never_a_crash(levels in 0usize..5_000) {
        let body = nested_message(levels);
        // Six levels of envelope, then the field's own nesting: 64 in all is the limit.
        match webhook::OutboundMessages::new([ORG]).parse(body.as_bytes()) {
            Ok(msg) => {
                prop_assert!(6 + levels <= 64);
                prop_assert_eq!(msg.notifications.len(), 1);
            }
            Err(e) => {
                prop_assert!(6 + levels > 64);
                prop_assert_eq!(e.kind(), ErrorKind::WebhookSignature);
            }
        }
        let bare = format!("{}{}", "<a>".repeat(levels), "</a>".repeat(levels));
        let err = map_error(StatusCode::INTERNAL_SERVER_ERROR, &error_headers(), bare.as_bytes());
        prop_assert_eq!(err.kind(), ErrorKind::Server);
    }
}

/// Column names: valid API names (a few, so that duplicates happen too).
fn header() -> impl Strategy<Value = String> {
    proptest::sample::select(&["Id", "Name", "Description", "Owner.Name", "Amount__c", "x"][..])
        .prop_map(str::to_owned)
}

/// Cell text with what CSV must quote: quotes, commas, CR, LF, and any other character.
fn cell() -> impl Strategy<Value = String> {
    text(&['"', ',', '\r', '\n', ' ', 'a', '#', '\u{feff}'], 12)
}

proptest! {
    // Tables of up to 6 rows of 12-character cells; 1 000 cases take a couple of seconds.
    #![proptest_config(config(1_000))]

    #[test]
    fn csv_round_trips(
        (headers, rows) in proptest::collection::vec(header(), 1..5).prop_flat_map(|headers| {
            let width = headers.len();
            (Just(headers), proptest::collection::vec(proptest::collection::vec(cell(), width), 0..6))
        })
    ) {
        let mut table = CsvTable::new(headers).unwrap();
        for row in rows {
            table.push_row(row).unwrap();
        }
        let bytes = table.to_csv().unwrap();
        prop_assert_eq!(CsvTable::parse(&bytes).unwrap(), table);
    }

    #[test]
    fn csv_reader_never_panics(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(table) = CsvTable::parse(&body) {
            for record in table.records() {
                prop_assert!(record.len() <= table.headers().len());
            }
        }
    }
}
