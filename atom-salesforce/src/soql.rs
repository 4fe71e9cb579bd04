//! A SOQL builder that cannot be steered by its values.
//!
//! Every value is rendered as a typed literal: text is quoted and escaped with Salesforce's
//! escape sequences (`\'`, `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`), and, in `LIKE`
//! patterns built from plain text, `%` and `_` are escaped too. Object and field names are
//! checked as API names, so `Name FROM Account --` is refused. SOQL text that did not come
//! from the builder is written in code: [`Soql::from_static`] takes a `&'static str`, and
//! [`Soql::raw`] takes a `&'static str` with `:name` placeholders whose values are bound
//! and escaped by type ([`RawSoql`]), so no caller formats SOQL by hand.
//!
//! ```
//! use atom_salesforce::soql::{Filter, Order, Query};
//! let soql = Query::select(["Id", "Name", "Account.Name"])
//!     .from("Opportunity")
//!     .filter(Filter::eq("StageName", "Closed Won").and(Filter::contains("Name", "50%_off")))
//!     .order_by("CloseDate", Order::Desc)
//!     .limit(10)
//!     .build()?;
//! assert_eq!(
//!     soql.as_str(),
//!     "SELECT Id, Name, Account.Name FROM Opportunity WHERE (StageName = 'Closed Won' \
//!      AND Name LIKE '%50\\%\\_off%') ORDER BY CloseDate DESC LIMIT 10"
//! );
//! # Ok::<(), atom_core::Error>(())
//! ```

use std::fmt::Write as _;

use atom_core::{Error, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::SERVICE;
use crate::models::Decimal;
use crate::validate::field_path;

mod dates;
mod query;
mod raw;
mod select;

pub use dates::DateLiteral;
pub use query::{Lock, Nulls, Query, Security};
pub use raw::RawSoql;
use select::Item;
pub use select::{FieldSet, TypeOf};

/// A SOQL statement produced by [`Query`] (or written in code with [`Soql::from_static`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Soql(String);

impl Soql {
    /// A statement written in code. Taking `&'static str` keeps runtime values out: build
    /// anything with a value through [`Query`].
    pub fn from_static(statement: &'static str) -> Self {
        Self(statement.to_owned())
    }

    /// The statement text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Soql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Escapes text for the inside of a SOQL string literal.
///
/// ```
/// use atom_salesforce::soql::escape;
/// assert_eq!(escape("O'Brien \\ \"x\"\n"), "O\\'Brien \\\\ \\\"x\\\"\\n");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for a `LIKE` pattern: as [`escape`], and `%` and `_` match themselves.
///
/// ```
/// use atom_salesforce::soql::escape_like;
/// assert_eq!(escape_like("100%_x"), "100\\%\\_x");
/// ```
pub fn escape_like(text: &str) -> String {
    escape(text).replace('%', "\\%").replace('_', "\\_")
}

/// A value in a condition; each variant renders as the matching SOQL literal.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A decimal (currency, number).
    Decimal(Decimal),
    /// Text, quoted and escaped.
    Text(String),
    /// `2024-01-31`.
    Date(NaiveDate),
    /// `2024-01-31T00:00:00Z`.
    DateTime(DateTime<Utc>),
    /// `TODAY`, `LAST_N_DAYS:30`, ….
    Literal(DateLiteral),
}

impl Value {
    fn render(&self) -> String {
        match self {
            Self::Null => "null".into(),
            Self::Bool(b) => b.to_string(),
            Self::Int(i) => i.to_string(),
            Self::Decimal(d) => d.to_string(),
            Self::Text(t) => format!("'{}'", escape(t)),
            Self::Date(d) => d.format("%Y-%m-%d").to_string(),
            Self::DateTime(t) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
            Self::Literal(l) => l.render(),
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $v:expr),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Self {
                #[allow(clippy::redundant_closure_call)]
                ($v)(x)
            }
        }
    )*};
}

value_from! {
    &str => |s: &str| Value::Text(s.to_owned()),
    String => Value::Text,
    &String => |s: &String| Value::Text(s.clone()),
    bool => Value::Bool,
    i64 => Value::Int,
    i32 => |i: i32| Value::Int(i64::from(i)),
    u32 => |i: u32| Value::Int(i64::from(i)),
    Decimal => Value::Decimal,
    NaiveDate => Value::Date,
    DateTime<Utc> => Value::DateTime,
    DateLiteral => Value::Literal,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Cmp {
        field: String,
        op: &'static str,
        value: Value,
    },
    Like {
        field: String,
        pattern: String,
    },
    In {
        field: String,
        values: Vec<Value>,
        negate: bool,
    },
    InQuery {
        field: String,
        query: Box<Query>,
        negate: bool,
    },
    AggCmp {
        func: Aggregate,
        field: String,
        op: &'static str,
        value: Value,
    },
    All(Vec<Filter>),
    Any(Vec<Filter>),
    Not(Box<Filter>),
}

/// A `WHERE` condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter(Node);

impl Filter {
    fn cmp(field: &str, op: &'static str, value: impl Into<Value>) -> Self {
        Self(Node::Cmp {
            field: field.to_owned(),
            op,
            value: value.into(),
        })
    }

    /// `field = value`.
    pub fn eq(field: &str, value: impl Into<Value>) -> Self {
        Self::cmp(field, "=", value)
    }
    /// `field != value`.
    pub fn ne(field: &str, value: impl Into<Value>) -> Self {
        Self::cmp(field, "!=", value)
    }
    /// `field < value`.
    pub fn lt(field: &str, value: impl Into<Value>) -> Self {
        Self::cmp(field, "<", value)
    }
    /// `field <= value`.
    pub fn le(field: &str, value: impl Into<Value>) -> Self {
        Self::cmp(field, "<=", value)
    }
    /// `field > value`.
    pub fn gt(field: &str, value: impl Into<Value>) -> Self {
        Self::cmp(field, ">", value)
    }
    /// `field >= value`.
    pub fn ge(field: &str, value: impl Into<Value>) -> Self {
        Self::cmp(field, ">=", value)
    }

    /// `field LIKE '%text%'`: `text` matched literally (its `%` and `_` are escaped).
    pub fn contains(field: &str, text: &str) -> Self {
        Self::like_pattern(field, format!("%{}%", escape_like(text)))
    }

    /// `field LIKE 'text%'`, `text` matched literally.
    pub fn starts_with(field: &str, text: &str) -> Self {
        Self::like_pattern(field, format!("{}%", escape_like(text)))
    }

    /// `field LIKE 'pattern'` where `%` and `_` in `pattern` are wildcards (quotes,
    /// backslashes and newlines are still escaped).
    pub fn like(field: &str, pattern: &str) -> Self {
        Self::like_pattern(field, escape(pattern))
    }

    fn like_pattern(field: &str, escaped: String) -> Self {
        Self(Node::Like {
            field: field.to_owned(),
            pattern: escaped,
        })
    }

    /// `field IN (…)`.
    pub fn is_in<V: Into<Value>>(field: &str, values: impl IntoIterator<Item = V>) -> Self {
        Self(Node::In {
            field: field.to_owned(),
            values: values.into_iter().map(Into::into).collect(),
            negate: false,
        })
    }

    /// `field NOT IN (…)`.
    pub fn not_in<V: Into<Value>>(field: &str, values: impl IntoIterator<Item = V>) -> Self {
        Self(Node::In {
            field: field.to_owned(),
            values: values.into_iter().map(Into::into).collect(),
            negate: true,
        })
    }

    /// `field IN (SELECT …)`, a semi-join; the subquery selects exactly one field.
    ///
    /// ```
    /// use atom_salesforce::soql::{Filter, Query};
    /// let closed = Query::select(["AccountId"]).from("Opportunity")
    ///     .filter(Filter::eq("IsClosed", true));
    /// let soql = Query::select(["Id"]).from("Account")
    ///     .filter(Filter::in_query("Id", closed)).build()?;
    /// assert_eq!(
    ///     soql.as_str(),
    ///     "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE IsClosed = true)"
    /// );
    /// # Ok::<(), atom_core::Error>(())
    /// ```
    pub fn in_query(field: &str, query: Query) -> Self {
        Self(Node::InQuery {
            field: field.to_owned(),
            query: Box::new(query),
            negate: false,
        })
    }

    /// `field NOT IN (SELECT …)`, an anti-join.
    pub fn not_in_query(field: &str, query: Query) -> Self {
        Self(Node::InQuery {
            field: field.to_owned(),
            query: Box::new(query),
            negate: true,
        })
    }

    /// An aggregate to compare in `HAVING`: `Filter::aggregate(Aggregate::Count, "Id").gt(1)`.
    pub fn aggregate(func: Aggregate, field: &str) -> AggregateExpr {
        AggregateExpr {
            func,
            field: field.to_owned(),
        }
    }

    /// Both conditions.
    pub fn and(self, other: Filter) -> Self {
        match self.0 {
            Node::All(mut all) => {
                all.push(other);
                Self(Node::All(all))
            }
            node => Self(Node::All(vec![Self(node), other])),
        }
    }

    /// Either condition.
    pub fn or(self, other: Filter) -> Self {
        match self.0 {
            Node::Any(mut any) => {
                any.push(other);
                Self(Node::Any(any))
            }
            node => Self(Node::Any(vec![Self(node), other])),
        }
    }

    /// The negation.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        Self(Node::Not(Box::new(self)))
    }

    /// Renders the condition, checking every field name.
    pub fn render(&self) -> Result<String> {
        Ok(match &self.0 {
            Node::Cmp { field, op, value } => {
                format!("{} {op} {}", field_path(field)?, value.render())
            }
            Node::Like { field, pattern } => format!("{} LIKE '{pattern}'", field_path(field)?),
            Node::In {
                field,
                values,
                negate,
            } => {
                if values.is_empty() {
                    return Err(Error::config(SERVICE, "IN needs at least one value"));
                }
                let list = values.iter().map(Value::render).collect::<Vec<_>>();
                let op = if *negate { "NOT IN" } else { "IN" };
                format!("{} {op} ({})", field_path(field)?, list.join(", "))
            }
            Node::InQuery {
                field,
                query,
                negate,
            } => {
                let single = matches!(query.items.as_slice(), [Item::Field(_)]);
                if !single {
                    return Err(Error::config(
                        SERVICE,
                        "a semi-join or anti-join subquery selects exactly one field",
                    ));
                }
                let op = if *negate { "NOT IN" } else { "IN" };
                format!("{} {op} ({})", field_path(field)?, query.build()?.as_str())
            }
            Node::AggCmp {
                func,
                field,
                op,
                value,
            } => format!(
                "{}({}) {op} {}",
                func.name(),
                field_path(field)?,
                value.render()
            ),
            Node::All(parts) => join(parts, " AND ")?,
            Node::Any(parts) => join(parts, " OR ")?,
            Node::Not(inner) => format!("(NOT {})", inner.render()?),
        })
    }
}

/// An aggregate on one field, compared in a `HAVING` condition; made by
/// [`Filter::aggregate`].
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateExpr {
    func: Aggregate,
    field: String,
}

impl AggregateExpr {
    fn cmp(self, op: &'static str, value: impl Into<Value>) -> Filter {
        Filter(Node::AggCmp {
            func: self.func,
            field: self.field,
            op,
            value: value.into(),
        })
    }
    /// `FUNC(field) = value`.
    pub fn eq(self, value: impl Into<Value>) -> Filter {
        self.cmp("=", value)
    }
    /// `FUNC(field) != value`.
    pub fn ne(self, value: impl Into<Value>) -> Filter {
        self.cmp("!=", value)
    }
    /// `FUNC(field) < value`.
    pub fn lt(self, value: impl Into<Value>) -> Filter {
        self.cmp("<", value)
    }
    /// `FUNC(field) <= value`.
    pub fn le(self, value: impl Into<Value>) -> Filter {
        self.cmp("<=", value)
    }
    /// `FUNC(field) > value`.
    pub fn gt(self, value: impl Into<Value>) -> Filter {
        self.cmp(">", value)
    }
    /// `FUNC(field) >= value`.
    pub fn ge(self, value: impl Into<Value>) -> Filter {
        self.cmp(">=", value)
    }
}

fn join(parts: &[Filter], sep: &str) -> Result<String> {
    let rendered = parts
        .iter()
        .map(Filter::render)
        .collect::<Result<Vec<_>>>()?;
    Ok(format!("({})", rendered.join(sep)))
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Aggregate {
    /// `COUNT(field)`.
    Count,
    /// `COUNT_DISTINCT(field)`.
    CountDistinct,
    /// `SUM(field)`.
    Sum,
    /// `AVG(field)`.
    Avg,
    /// `MIN(field)`.
    Min,
    /// `MAX(field)`.
    Max,
}

impl Aggregate {
    fn name(self) -> &'static str {
        match self {
            Self::Count => "COUNT",
            Self::CountDistinct => "COUNT_DISTINCT",
            Self::Sum => "SUM",
            Self::Avg => "AVG",
            Self::Min => "MIN",
            Self::Max => "MAX",
        }
    }
}
