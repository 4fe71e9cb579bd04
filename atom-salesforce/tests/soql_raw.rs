//! `Soql::raw` with bound values: exact text for each type, hostile values, refusals, and a
//! property that any bound string reads back as exactly one literal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_core::ErrorKind;
use atom_salesforce::models::Decimal;
use atom_salesforce::soql::{DateLiteral, Soql, Value};
use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

const BY_NAME: &str = "SELECT Id FROM Account WHERE Name = ";

fn bound(value: impl Into<Value>) -> String {
    let soql = Soql::raw("SELECT Id FROM Account WHERE Name = :v")
        .bind("v", value)
        .build()
        .unwrap();
    soql.as_str().strip_prefix(BY_NAME).unwrap().to_owned()
}

fn refused(raw: atom_salesforce::soql::RawSoql) -> String {
    let err = raw.build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    err.to_string()
}

#[test]
fn each_type_renders_as_its_soql_literal() {
    assert_eq!(bound("Acme"), "'Acme'");
    assert_eq!(bound(String::from("x")), "'x'");
    assert_eq!(bound(42_i64), "42");
    assert_eq!(bound(-7_i32), "-7");
    assert_eq!(bound(true), "true");
    assert_eq!(bound(false), "false");
    assert_eq!(bound(Value::Null), "null");
    assert_eq!(bound("12.50".parse::<Decimal>().unwrap()), "12.50");
    assert_eq!(
        bound(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()),
        "2024-02-29"
    );
    assert_eq!(
        bound(Utc.with_ymd_and_hms(2024, 1, 31, 8, 5, 9).unwrap()),
        "2024-01-31T08:05:09Z"
    );
    assert_eq!(bound(DateLiteral::LastWeek), "LAST_WEEK");
    assert_eq!(bound(DateLiteral::LastNWeeks(3)), "LAST_N_WEEKS:3");
    assert_eq!(bound(DateLiteral::ThisFiscalQuarter), "THIS_FISCAL_QUARTER");
}

#[test]
fn the_example_from_the_issue_renders_exactly() {
    let since = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
    let soql = Soql::raw("SELECT Id FROM Account WHERE Name = :name AND CreatedDate > :since")
        .bind("name", "Acme")
        .bind("since", since)
        .build()
        .unwrap();
    assert_eq!(
        soql.as_str(),
        "SELECT Id FROM Account WHERE Name = 'Acme' AND CreatedDate > 2024-06-01T00:00:00Z"
    );
}

#[test]
fn lists_render_in_parentheses_and_empty_lists_are_refused() {
    let soql = Soql::raw("SELECT Id FROM Contact WHERE Id IN :ids AND Age__c NOT IN :ages")
        .bind_list("ids", ["003A", "003B'"])
        .bind_list("ages", [1_i64, 2, 3])
        .build()
        .unwrap();
    assert_eq!(
        soql.as_str(),
        "SELECT Id FROM Contact WHERE Id IN ('003A', '003B\\'') AND Age__c NOT IN (1, 2, 3)"
    );
    let msg = refused(
        Soql::raw("SELECT Id FROM Contact WHERE Id IN :ids").bind_list("ids", Vec::<String>::new()),
    );
    assert!(msg.contains(":ids"), "{msg}");
}

#[test]
fn the_same_placeholder_may_appear_twice() {
    let soql = Soql::raw("SELECT Id FROM Lead WHERE Company = :c OR Name = :c")
        .bind("c", "X")
        .build()
        .unwrap();
    assert_eq!(
        soql.as_str(),
        "SELECT Id FROM Lead WHERE Company = 'X' OR Name = 'X'"
    );
}

#[test]
fn unbound_unused_duplicate_and_badly_named_placeholders_are_refused() {
    let msg = refused(Soql::raw("SELECT Id FROM Lead WHERE Company = :c"));
    assert!(msg.contains("no value is bound to :c"), "{msg}");
    let msg = refused(
        Soql::raw("SELECT Id FROM Lead WHERE Company = :c")
            .bind("c", "x")
            .bind("d", "y"),
    );
    assert!(msg.contains(":d"), "{msg}");
    let msg = refused(
        Soql::raw("SELECT Id FROM Lead WHERE Company = :c")
            .bind("c", "x")
            .bind("c", "y"),
    );
    assert!(msg.contains("twice"), "{msg}");
    refused(Soql::raw("SELECT Id FROM Lead WHERE Company = :c").bind("c x", "y"));
    refused(Soql::raw("SELECT Id FROM Lead WHERE Company = :c").bind("", "y"));
}

#[test]
fn a_colon_inside_a_quoted_literal_is_text_not_a_placeholder() {
    // `:name` inside the template's own literal stays as written; binding it is refused as
    // unused rather than silently substituted into the literal.
    let raw = Soql::raw("SELECT Id FROM Lead WHERE Company = 'a :name \\' :name' AND Name = :x");
    let soql = raw.clone().bind("x", "y").build().unwrap();
    assert_eq!(
        soql.as_str(),
        "SELECT Id FROM Lead WHERE Company = 'a :name \\' :name' AND Name = 'y'"
    );
    let msg = refused(raw.bind("x", "y").bind("name", "z"));
    assert!(msg.contains("has no placeholder"), "{msg}");
}

#[test]
fn date_literal_colons_are_not_placeholders() {
    let soql = Soql::raw("SELECT Id FROM Task WHERE CreatedDate = LAST_N_DAYS:30 AND Subject = :s")
        .bind("s", "Call")
        .build()
        .unwrap();
    assert_eq!(
        soql.as_str(),
        "SELECT Id FROM Task WHERE CreatedDate = LAST_N_DAYS:30 AND Subject = 'Call'"
    );
    let soql = Soql::raw("SELECT Id FROM Task WHERE CreatedDate = LAST_N_DAYS:x")
        .build()
        .unwrap();
    assert_eq!(
        soql.as_str(),
        "SELECT Id FROM Task WHERE CreatedDate = LAST_N_DAYS:x"
    );
}

#[test]
fn an_unterminated_literal_in_the_template_is_refused() {
    let msg = refused(Soql::raw("SELECT Id FROM Lead WHERE Company = 'abc :x").bind("x", "y"));
    assert!(msg.contains("unterminated"), "{msg}");
}

#[test]
fn hostile_values_stay_one_literal() {
    let cases = [
        ("O'Brien", "'O\\'Brien'"),
        ("a\\", "'a\\\\'"),
        ("\\'", "'\\\\\\''"),
        ("x' OR Name != '", "'x\\' OR Name != \\''"),
        (":other", "':other'"),
        ("a\nb\r\tc", "'a\\nb\\r\\tc'"),
        ("é漢字🦀", "'é漢字🦀'"),
        ("\"q\"", "'\\\"q\\\"'"),
    ];
    for (value, literal) in cases {
        assert_eq!(bound(value), literal, "{value:?}");
    }
    // A value that looks like a placeholder is not substituted again.
    let soql = Soql::raw("SELECT Id FROM Lead WHERE Company = :a AND Name = :b")
        .bind("a", ":b")
        .bind("b", "B")
        .build()
        .unwrap();
    assert_eq!(
        soql.as_str(),
        "SELECT Id FROM Lead WHERE Company = ':b' AND Name = 'B'"
    );
}

/// Reads one SOQL string literal from the start of `text`; returns the decoded value and
/// how many bytes it used.
fn read_literal(text: &str) -> Option<(String, usize)> {
    let mut chars = text.char_indices();
    if chars.next()?.1 != '\'' {
        return None;
    }
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => return Some((out, i + 1)),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = (0..4).map(|_| chars.next().map_or('!', |c| c.1)).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                e @ ('"' | '\'' | '\\') => out.push(e),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

proptest! {
    #![proptest_config(atom_core::testing::proptest_config(4_000))]

    #[test]
    fn any_bound_string_reads_back_as_one_literal(value in any::<String>(), other in any::<String>()) {
        let soql = Soql::raw("SELECT Id FROM Account WHERE Name = :v AND Site = :w LIMIT 5")
            .bind("v", value.as_str())
            .bind("w", other.as_str())
            .build()
            .unwrap();
        let rest = soql.as_str().strip_prefix(BY_NAME).unwrap();
        let (decoded, used) = read_literal(rest).unwrap();
        prop_assert_eq!(&decoded, &value);
        let rest = rest[used..].strip_prefix(" AND Site = ").unwrap();
        let (decoded, used) = read_literal(rest).unwrap();
        prop_assert_eq!(&decoded, &other);
        prop_assert_eq!(&rest[used..], " LIMIT 5");
    }
}

proptest! {
    #![proptest_config(atom_core::testing::proptest_config(2_000))]

    /// Any template (leaked to get the `&'static str` the API asks for) builds or is
    /// refused with an error, never a panic; with nothing bound, a built template is kept
    /// exactly as written.
    #[test]
    fn any_template_builds_or_is_refused(template in "[a-z :'\\\\_0-9=]{0,40}", bind in any::<bool>()) {
        let template: &'static str = Box::leak(template.into_boxed_str());
        let mut raw = Soql::raw(template);
        if bind {
            raw = raw.bind("a", "v");
        }
        if let Ok(soql) = raw.build()
            && !bind
        {
            prop_assert_eq!(soql.as_str(), template);
        }
    }
}

#[test]
fn too_many_bound_values_are_refused_before_any_work() {
    let mut raw = Soql::raw("SELECT Id FROM Account");
    for i in 0..1001 {
        raw = raw.bind(&format!("v{i}"), i);
    }
    let msg = refused(raw);
    assert!(msg.contains("too many"), "{msg}");
}
