//! SOQL written by hand with `:name` placeholders, each filled with a typed, escaped value.
//!
//! The statement text is `&'static str` (code, never runtime input); values only enter
//! through [`RawSoql::bind`] / [`RawSoql::bind_list`], each rendered as exactly one SOQL
//! literal (or one parenthesised list of literals), so a value can never change the
//! statement's structure.

use atom_core::{Error, Result};

use super::{Soql, Value};
use crate::SERVICE;
use crate::validate::truncate;

/// Most placeholders a statement may hold; SOQL statements are at most 100 000 characters,
/// and this bounds the work done for one build.
const MAX_BINDS: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
enum Bound {
    One(Value),
    List(Vec<Value>),
}

impl Bound {
    fn render(&self, name: &str) -> Result<String> {
        match self {
            Self::One(v) => Ok(v.render()),
            Self::List(values) => {
                if values.is_empty() {
                    return Err(Error::config(
                        SERVICE,
                        format!("the list bound to :{name} is empty (SOQL has no empty IN list)"),
                    ));
                }
                let parts: Vec<String> = values.iter().map(Value::render).collect();
                Ok(format!("({})", parts.join(", ")))
            }
        }
    }
}

/// A hand-written statement with `:name` placeholders, made by [`Soql::raw`].
///
/// A placeholder is `:` followed by a letter or `_`, then letters, digits and `_`, where the
/// `:` does not follow a letter, digit or `_` (so `LAST_N_DAYS:30` is left alone) and is not
/// inside a quoted literal (`'a :b'` is text). [`RawSoql::build`] refuses a placeholder
/// without a value, a value without a placeholder, a name bound twice, and an unterminated
/// quoted literal.
///
/// ```
/// use atom_salesforce::soql::{DateLiteral, Soql};
/// let since = chrono::DateTime::parse_from_rfc3339("2024-01-31T08:00:00Z")?.to_utc();
/// let soql = Soql::raw("SELECT Id FROM Account WHERE Name = :name AND CreatedDate > :since \
///                       AND Type IN :types AND LastActivityDate = :when")
///     .bind("name", "O'Brien")
///     .bind("since", since)
///     .bind_list("types", ["Customer", "Partner"])
///     .bind("when", DateLiteral::LastWeek)
///     .build()?;
/// assert_eq!(
///     soql.as_str(),
///     "SELECT Id FROM Account WHERE Name = 'O\\'Brien' AND CreatedDate > 2024-01-31T08:00:00Z \
///      AND Type IN ('Customer', 'Partner') AND LastActivityDate = LAST_WEEK"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a RawSoql does nothing until built"]
pub struct RawSoql {
    template: &'static str,
    binds: Vec<(String, Bound)>,
}

impl Soql {
    /// A hand-written statement with `:name` placeholders; see [`RawSoql`].
    pub fn raw(template: &'static str) -> RawSoql {
        RawSoql {
            template,
            binds: Vec::new(),
        }
    }
}

impl RawSoql {
    /// Binds one value to `:name`: text is quoted and escaped, numbers, booleans, dates and
    /// date-times are written in SOQL's formats, date literals as bare tokens.
    pub fn bind(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.binds.push((name.to_owned(), Bound::One(value.into())));
        self
    }

    /// Binds a list to `:name`, written `(a, b, c)` for `IN` / `NOT IN` / `INCLUDES`. An
    /// empty list is refused at build time.
    pub fn bind_list<V: Into<Value>>(
        mut self,
        name: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let values = values.into_iter().map(Into::into).collect();
        self.binds.push((name.to_owned(), Bound::List(values)));
        self
    }

    /// Fills the placeholders, refusing any mismatch between placeholders and values.
    pub fn build(&self) -> Result<Soql> {
        // Checked first so the duplicate scan below stays bounded.
        if self.binds.len() > MAX_BINDS {
            return Err(Error::config(SERVICE, "too many bound values"));
        }
        for (i, (name, _)) in self.binds.iter().enumerate() {
            if !is_name(name) {
                return Err(Error::config(
                    SERVICE,
                    format!("{:?} is not a placeholder name", truncate(name)),
                ));
            }
            if self
                .binds
                .iter()
                .skip(i + 1)
                .any(|(other, _)| other == name)
            {
                return Err(Error::config(SERVICE, format!(":{name} is bound twice")));
            }
        }
        let mut used = vec![false; self.binds.len()];
        let mut out = String::with_capacity(self.template.len() + 16 * self.binds.len());
        for piece in Pieces::new(self.template) {
            match piece? {
                Piece::Text(text) => out.push_str(text),
                Piece::Placeholder(name) => {
                    let Some(index) = self.binds.iter().position(|(n, _)| n == name) else {
                        return Err(Error::config(
                            SERVICE,
                            format!("no value is bound to :{name}"),
                        ));
                    };
                    if let (Some(flag), Some((_, bound))) =
                        (used.get_mut(index), self.binds.get(index))
                    {
                        *flag = true;
                        out.push_str(&bound.render(name)?);
                    }
                }
            }
        }
        if let Some((name, _)) = self
            .binds
            .iter()
            .zip(&used)
            .find(|(_, used)| !**used)
            .map(|(b, _)| b)
        {
            return Err(Error::config(
                SERVICE,
                format!("the value bound to :{name} has no placeholder in the statement"),
            ));
        }
        Ok(Soql(out))
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// Splits a template into text and placeholders, skipping quoted literals.
struct Pieces<'a> {
    rest: &'a str,
    /// The character before `rest`, to tell `LAST_N_DAYS:30` from `= :x`.
    prev: Option<char>,
}

impl<'a> Pieces<'a> {
    fn new(template: &'a str) -> Self {
        Self {
            rest: template,
            prev: None,
        }
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Result<Piece<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        // A placeholder at the start of `rest`.
        if let Some(after) = self.rest.strip_prefix(':')
            && !self.prev.is_some_and(is_name_char)
            && after.chars().next().is_some_and(is_name_start)
        {
            let len = after.find(|c| !is_name_char(c)).unwrap_or(after.len());
            let (name, rest) = after.split_at(len);
            self.rest = rest;
            self.prev = name.chars().last();
            return Some(Ok(Piece::Placeholder(name)));
        }
        // Otherwise text up to the next possible placeholder, quoted literals whole.
        let mut in_quote = false;
        let mut escaped = false;
        let mut prev = self.prev;
        for (i, c) in self.rest.char_indices() {
            if in_quote {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '\'' {
                    in_quote = false;
                }
            } else if c == '\'' {
                in_quote = true;
            } else if c == ':' && i > 0 {
                let (text, rest) = self.rest.split_at(i);
                self.rest = rest;
                self.prev = prev;
                return Some(Ok(Piece::Text(text)));
            }
            prev = Some(c);
        }
        if in_quote {
            self.rest = "";
            return Some(Err(Error::config(
                SERVICE,
                "the statement has an unterminated quoted literal",
            )));
        }
        let text = self.rest;
        self.rest = "";
        self.prev = prev;
        Some(Ok(Piece::Text(text)))
    }
}
