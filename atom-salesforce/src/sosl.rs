//! A SOSL builder with the same guarantees as [`crate::soql`]: the search term is escaped
//! (every SOSL reserved character gets a backslash, control characters become spaces, and
//! the words `AND`, `OR`, `NOT` are quoted so SOSL does not read them as operators) and
//! object and field names are checked.
//!
//! ```
//! use atom_salesforce::sosl::{Search, SearchScope};
//! let sosl = Search::find("Acme {Inc} & co")
//!     .scope(SearchScope::Name)
//!     .returning("Account", ["Id", "Name"])
//!     .returning("Contact", ["Id", "Email"])
//!     .limit(20)
//!     .build()?;
//! assert_eq!(
//!     sosl.as_str(),
//!     "FIND {Acme \\{Inc\\} \\& co} IN NAME FIELDS RETURNING Account(Id, Name), Contact(Id, Email) LIMIT 20"
//! );
//! # Ok::<(), atom_core::Error>(())
//! ```

use atom_core::{Error, Result};

use crate::SERVICE;
use crate::validate::{field_path, identifier};

/// Characters with a meaning in a SOSL search term.
const RESERVED: &[char] = &[
    '?', '&', '|', '!', '{', '}', '[', ']', '(', ')', '^', '~', '*', ':', '\\', '"', '\'', '+', '-',
];

/// Escapes a search term: reserved characters get a backslash, control characters
/// (newlines, tabs) become spaces.
///
/// The words `AND`, `OR` and `NOT` are left as they are, and SOSL reads them (in any
/// case) as operators: for a bare term use [`escape_term`], which also quotes them; inside
/// a phrase (`"…"`) they are words already.
///
/// ```
/// use atom_salesforce::sosl::escape;
/// assert_eq!(escape("a} OR b\n*"), "a\\} OR b \\*");
/// ```
pub fn escape(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 8);
    for c in term.chars() {
        if RESERVED.contains(&c) {
            out.push('\\');
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The words SOSL reads as logical operators in a search term, in any case (`AND NOT`
/// is `AND` followed by `NOT`).
const OPERATORS: &[&str] = &["and", "or", "not"];

/// Escapes a bare (unquoted) search term so it stays a term: [`escape`], then every
/// whitespace-separated word that is `AND`, `OR` or `NOT` in any case is put in double
/// quotes, the form Salesforce documents for searching those words as literals
/// (`FIND {"and" or "or"}`).
///
/// ```
/// use atom_salesforce::sosl::escape_term;
/// assert_eq!(escape_term("black and white"), "black \"and\" white");
/// assert_eq!(escape_term("Or AND NOT x"), "\"Or\" \"AND\" \"NOT\" x");
/// assert_eq!(escape_term("Anderson Oregon"), "Anderson Oregon");
/// ```
pub fn escape_term(term: &str) -> String {
    let escaped = escape(term);
    let mut out = String::with_capacity(escaped.len() + 8);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if OPERATORS.iter().any(|op| word.eq_ignore_ascii_case(op)) {
            out.push('"');
            out.push_str(word);
            out.push('"');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in escaped.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A SOSL statement built by [`Search`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sosl(String);

impl Sosl {
    /// The statement text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which fields to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SearchScope {
    /// `ALL FIELDS` (default).
    #[default]
    All,
    /// `NAME FIELDS`.
    Name,
    /// `EMAIL FIELDS`.
    Email,
    /// `PHONE FIELDS`.
    Phone,
}

/// Builds a `FIND` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    term: String,
    phrase: bool,
    scope: SearchScope,
    returning: Vec<(String, Vec<String>)>,
    limit: Option<u32>,
}

impl Search {
    /// `FIND {term}`: the words of `term`, matched as Salesforce matches words. Nothing
    /// in `term` is syntax: reserved characters are escaped, and the words `AND`, `OR` and
    /// `NOT` (any case), which SOSL would read as operators, are quoted so they are
    /// searched as words ([`escape_term`]).
    pub fn find(term: &str) -> Self {
        Self {
            term: term.to_owned(),
            phrase: false,
            scope: SearchScope::All,
            returning: Vec::new(),
            limit: None,
        }
    }

    /// Searches for the exact phrase (`FIND {"…"}`).
    pub fn phrase(mut self) -> Self {
        self.phrase = true;
        self
    }

    /// `IN … FIELDS`.
    pub fn scope(mut self, scope: SearchScope) -> Self {
        self.scope = scope;
        self
    }

    /// `RETURNING object(fields)`.
    pub fn returning<S: AsRef<str>>(
        mut self,
        object: &str,
        fields: impl IntoIterator<Item = S>,
    ) -> Self {
        self.returning.push((
            object.to_owned(),
            fields.into_iter().map(|f| f.as_ref().to_owned()).collect(),
        ));
        self
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }

    /// Renders the statement.
    pub fn build(&self) -> Result<Sosl> {
        if self.term.trim().chars().count() < 2 {
            return Err(Error::config(
                SERVICE,
                "a SOSL search term needs at least two characters",
            ));
        }
        let term = if self.phrase {
            format!("\"{}\"", escape(&self.term))
        } else {
            escape_term(&self.term)
        };
        let scope = match self.scope {
            SearchScope::All => "ALL",
            SearchScope::Name => "NAME",
            SearchScope::Email => "EMAIL",
            SearchScope::Phone => "PHONE",
        };
        let mut sosl = format!("FIND {{{term}}} IN {scope} FIELDS");
        if !self.returning.is_empty() {
            let parts = self
                .returning
                .iter()
                .map(|(object, fields)| {
                    let object = identifier(object)?;
                    if fields.is_empty() {
                        return Ok(object.to_owned());
                    }
                    let fields = fields
                        .iter()
                        .map(|f| field_path(f))
                        .collect::<Result<Vec<_>>>()?;
                    Ok(format!("{object}({})", fields.join(", ")))
                })
                .collect::<Result<Vec<_>>>()?;
            sosl.push_str(" RETURNING ");
            sosl.push_str(&parts.join(", "));
        }
        if let Some(n) = self.limit {
            sosl.push_str(&format!(" LIMIT {n}"));
        }
        Ok(Sosl(sosl))
    }
}
