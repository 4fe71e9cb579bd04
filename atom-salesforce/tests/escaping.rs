//! SOQL and SOSL escaping, checked by reading the rendered text back the way Salesforce's
//! parser does: each value must decode to itself and end exactly where the literal ends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_salesforce::soql::{Filter, Query, escape, escape_like};
use atom_salesforce::sosl::Search;

/// Hostile inputs, and every pair of them joined.
fn inputs() -> Vec<String> {
    let base = [
        "'",
        "\\",
        "\"",
        "\n",
        "\r",
        "\t",
        "%",
        "_",
        "\\'",
        "'\\",
        "\\\\'",
        "' OR Id != '",
        "x' OR Name LIKE '%",
        "}",
        "{",
        "} RETURNING User(Id) FIND {",
        "\u{0}",
        "\u{8}",
        "\u{c}",
        "é漢字",
        "--",
        "/*",
        ")",
        "(",
        "\\n",
        "a\\",
        "\u{1b}[0m",
        " AND ",
        "or ",
        " Not",
    ];
    let mut all: Vec<String> = base.iter().map(|s| (*s).to_owned()).collect();
    for a in base {
        for b in base {
            all.push(format!("{a}{b}"));
        }
    }
    all
}

/// Reads a SOQL string literal starting at `text[0] == '\''`; returns the decoded value and
/// the number of bytes consumed, using Salesforce's escape sequences.
fn read_soql_literal(text: &str, like: bool) -> (String, usize) {
    let mut chars = text.char_indices();
    assert_eq!(chars.next().map(|(_, c)| c), Some('\''));
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => return (out, i + 1),
            '\\' => {
                let (_, e) = chars.next().expect("dangling backslash");
                match e {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    '"' | '\'' | '\\' => out.push(e),
                    '%' | '_' if like => out.push(e),
                    'u' => {
                        let hex: String = (0..4).map(|_| chars.next().unwrap().1).collect();
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                    }
                    other => panic!("unknown escape \\{other}"),
                }
            }
            '%' | '_' if like => panic!("unescaped wildcard in a literal LIKE"),
            c => out.push(c),
        }
    }
    panic!("unterminated literal in {text:?}")
}

#[test]
fn soql_values_decode_to_themselves_and_end_where_they_should() {
    for input in inputs() {
        let literal = format!("'{}'", escape(&input));
        let (decoded, used) = read_soql_literal(&literal, false);
        assert_eq!(decoded, input);
        assert_eq!(
            used,
            literal.len(),
            "literal ends at its closing quote: {literal:?}"
        );

        let like = format!("'{}'", escape_like(&input));
        let (decoded, used) = read_soql_literal(&like, true);
        assert_eq!(decoded, input);
        assert_eq!(used, like.len());

        // In a whole statement, the WHERE clause holds exactly one literal.
        let soql = Query::select(["Id"])
            .from("Contact")
            .filter(Filter::eq("LastName", input.as_str()))
            .build()
            .unwrap();
        let prefix = "SELECT Id FROM Contact WHERE LastName = ";
        let rest = soql.as_str().strip_prefix(prefix).unwrap();
        let (decoded, used) = read_soql_literal(rest, false);
        assert_eq!((decoded.as_str(), used), (input.as_str(), rest.len()));
    }
}

/// Reads a SOSL search term from `FIND {`…`}`: a backslash escapes the next character;
/// an unescaped `"` may only wrap a whole word that SOSL would read as an operator, and is
/// dropped (it makes the word a literal, it is not part of it).
fn read_sosl_term(text: &str) -> (String, usize) {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => out.push(chars.next().expect("dangling backslash").1),
            '}' => return (out, i),
            '{' => panic!("unescaped brace"),
            '"' => {
                let word: String = chars
                    .by_ref()
                    .map(|(_, c)| c)
                    .take_while(|c| *c != '"')
                    .collect();
                assert!(
                    ["and", "or", "not"]
                        .iter()
                        .any(|op| word.eq_ignore_ascii_case(op)),
                    "only operator words are quoted: {word:?}"
                );
                out.push_str(&word);
            }
            c => out.push(c),
        }
    }
    panic!("unterminated term")
}

#[test]
fn sosl_operator_words_are_searched_as_words() {
    for (input, term) in [
        ("black and white", "black \"and\" white"),
        ("this OR that", "this \"OR\" that"),
        ("a AND NOT b", "a \"AND\" \"NOT\" b"),
        ("Or nOt", "\"Or\" \"nOt\""),
        ("Anderson Oregon notary", "Anderson Oregon notary"),
        ("rock\tand\nroll", "rock \"and\" roll"),
    ] {
        let sosl = Search::find(input).build().unwrap();
        assert_eq!(
            sosl.as_str(),
            format!("FIND {{{term}}} IN ALL FIELDS"),
            "{input:?}"
        );
    }
    // Inside a phrase they are words already (Salesforce's `FIND {"joe and mary"}`).
    let phrase = Search::find("joe and mary").phrase().build().unwrap();
    assert_eq!(phrase.as_str(), "FIND {\"joe and mary\"} IN ALL FIELDS");
}

#[test]
fn sosl_terms_stay_inside_their_braces() {
    for input in inputs() {
        if input.trim().chars().count() < 2 {
            continue;
        }
        let sosl = Search::find(&input).build().unwrap();
        let body = sosl.as_str().strip_prefix("FIND {").unwrap();
        let (decoded, end) = read_sosl_term(body);
        assert_eq!(&body[end..], "} IN ALL FIELDS", "{input:?}");
        let expected: String = input
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        assert_eq!(decoded, expected);
    }
}
