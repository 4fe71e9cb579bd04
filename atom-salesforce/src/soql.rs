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
use crate::validate::{field_path, identifier};

mod dates;
mod raw;

pub use dates::DateLiteral;
pub use raw::RawSoql;

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
            Node::All(parts) => join(parts, " AND ")?,
            Node::Any(parts) => join(parts, " OR ")?,
            Node::Not(inner) => format!("(NOT {})", inner.render()?),
        })
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

#[derive(Debug, Clone, PartialEq)]
enum Item {
    Field(String),
    Aggregate(Aggregate, String, Option<String>),
}

/// Builds a `SELECT` statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    items: Vec<Item>,
    from: String,
    filter: Option<Filter>,
    group_by: Vec<String>,
    order_by: Vec<(String, Order)>,
    limit: Option<u32>,
    offset: Option<u32>,
}

impl Query {
    /// `SELECT fields`.
    pub fn select<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> Self {
        Self {
            items: fields
                .into_iter()
                .map(|f| Item::Field(f.as_ref().to_owned()))
                .collect(),
            from: String::new(),
            filter: None,
            group_by: Vec::new(),
            order_by: Vec::new(),
            limit: None,
            offset: None,
        }
    }

    /// Adds `FUNC(field) alias` to the select list.
    pub fn aggregate(mut self, func: Aggregate, field: &str, alias: Option<&str>) -> Self {
        self.items.push(Item::Aggregate(
            func,
            field.to_owned(),
            alias.map(str::to_owned),
        ));
        self
    }

    /// `FROM object`.
    pub fn from(mut self, object: &str) -> Self {
        object.clone_into(&mut self.from);
        self
    }

    /// `WHERE` (several calls are joined with `AND`).
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(existing) => existing.and(filter),
            None => filter,
        });
        self
    }

    /// `GROUP BY field`.
    pub fn group_by(mut self, field: &str) -> Self {
        self.group_by.push(field.to_owned());
        self
    }

    /// `ORDER BY field ASC|DESC`.
    pub fn order_by(mut self, field: &str, order: Order) -> Self {
        self.order_by.push((field.to_owned(), order));
        self
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }

    /// `OFFSET n` (Salesforce allows at most 2000).
    pub fn offset(mut self, n: u32) -> Self {
        self.offset = Some(n);
        self
    }

    /// Renders the statement, refusing invalid names.
    pub fn build(&self) -> Result<Soql> {
        if self.items.is_empty() {
            return Err(Error::config(SERVICE, "SELECT needs at least one field"));
        }
        let items = self
            .items
            .iter()
            .map(|item| match item {
                Item::Field(f) => field_path(f).map(str::to_owned),
                Item::Aggregate(func, field, alias) => {
                    let mut s = format!("{}({})", func.name(), field_path(field)?);
                    if let Some(a) = alias {
                        s.push(' ');
                        s.push_str(identifier(a)?);
                    }
                    Ok(s)
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let mut soql = format!(
            "SELECT {} FROM {}",
            items.join(", "),
            identifier(&self.from)?
        );
        if let Some(filter) = &self.filter {
            soql.push_str(" WHERE ");
            soql.push_str(&filter.render()?);
        }
        if !self.group_by.is_empty() {
            let fields = self
                .group_by
                .iter()
                .map(|f| field_path(f))
                .collect::<Result<Vec<_>>>()?;
            soql.push_str(" GROUP BY ");
            soql.push_str(&fields.join(", "));
        }
        if !self.order_by.is_empty() {
            let parts = self
                .order_by
                .iter()
                .map(|(f, o)| {
                    let dir = if *o == Order::Asc { "ASC" } else { "DESC" };
                    field_path(f).map(|f| format!("{f} {dir}"))
                })
                .collect::<Result<Vec<_>>>()?;
            soql.push_str(" ORDER BY ");
            soql.push_str(&parts.join(", "));
        }
        if let Some(n) = self.limit {
            let _ = write!(soql, " LIMIT {n}");
        }
        if let Some(n) = self.offset {
            if n > 2000 {
                return Err(Error::config(SERVICE, "SOQL OFFSET is at most 2000"));
            }
            let _ = write!(soql, " OFFSET {n}");
        }
        Ok(Soql(soql))
    }
}
