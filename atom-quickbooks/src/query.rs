//! The QuickBooks query language, written by a builder: `SELECT … FROM Entity WHERE … ORDER
//! BY … STARTPOSITION n MAXRESULTS m`.
//!
//! Field and entity names are checked (letters, digits, `_`, one `.` for `MetaData.CreateTime`);
//! string values are quoted with `'` and their quotes and backslashes escaped (`\'`, `\\`), so
//! a value can never close its quote and add a condition; values with control characters are
//! refused. A refused part is kept and reported when the query is used, before any request.
//!
//! ```
//! use atom_quickbooks::query::{Op, Query};
//! let q = Query::new("Invoice")
//!     .filter("CustomerRef", Op::Eq, "42")
//!     .filter("DocNumber", Op::Eq, "O'Brien\\1")
//!     .filter("MetaData.LastUpdatedTime", Op::Ge, "2026-01-01T00:00:00-08:00")
//!     .order_by_desc("TxnDate");
//! assert_eq!(
//!     q.page_text(1, 1000).unwrap(),
//!     "SELECT * FROM Invoice WHERE CustomerRef = '42' AND DocNumber = 'O\\'Brien\\\\1' \
//!      AND MetaData.LastUpdatedTime >= '2026-01-01T00:00:00-08:00' ORDER BY TxnDate DESC \
//!      STARTPOSITION 1 MAXRESULTS 1000"
//! );
//! assert!(Query::new("Invoice").filter("Id; DROP", Op::Eq, "1").page_text(1, 10).is_err());
//! ```

use atom_core::{Decimal, Error, Result};
use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::SERVICE;
use crate::models::Entity;

/// The most rows QuickBooks returns per query page.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// `=`
    Eq,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `LIKE` (`%` in the value is the wildcard).
    Like,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Lt => "<",
            Self::Gt => ">",
            Self::Le => "<=",
            Self::Ge => ">=",
            Self::Like => "LIKE",
        }
    }
}

/// A value in a condition. Strings are quoted and escaped; numbers and booleans are
/// written as they are.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// Text (ids are text too: `Id = '42'`).
    Text(String),
    /// An integer.
    Integer(i64),
    /// An exact decimal.
    Decimal(Decimal),
    /// `true` / `false`.
    Bool(bool),
    /// A date, written `'YYYY-MM-DD'`.
    Date(NaiveDate),
    /// A timestamp, written in RFC 3339 with its offset.
    DateTime(DateTime<FixedOffset>),
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Integer(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
impl From<Decimal> for Value {
    fn from(v: Decimal) -> Self {
        Self::Decimal(v)
    }
}
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Self::Date(v)
    }
}
impl From<DateTime<FixedOffset>> for Value {
    fn from(v: DateTime<FixedOffset>) -> Self {
        Self::DateTime(v)
    }
}

/// Quotes a string value for the query language: `'` → `\'`, `\` → `\\`. Control
/// characters are refused.
///
/// ```
/// use atom_quickbooks::query::quote;
/// assert_eq!(quote("Amy's \\ Birds").unwrap(), r"'Amy\'s \\ Birds'");
/// assert!(quote("a\nb").is_err());
/// ```
pub fn quote(value: &str) -> Result<String> {
    if value.chars().any(char::is_control) {
        return Err(Error::config(
            SERVICE,
            "a query value must not contain control characters",
        ));
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    Ok(out)
}

impl Value {
    fn render(&self) -> Result<String> {
        Ok(match self {
            Self::Text(s) => quote(s)?,
            Self::Integer(i) => i.to_string(),
            Self::Decimal(d) => d.as_str().to_owned(),
            Self::Bool(b) => b.to_string(),
            Self::Date(d) => format!("'{}'", d.format("%Y-%m-%d")),
            Self::DateTime(t) => format!("'{}'", t.to_rfc3339()),
        })
    }
}

/// Checks a field name: `Name` or `Parent.Child`, letters, digits and `_`, at most 64.
pub fn validate_field(name: &str) -> Result<()> {
    let part = |p: &str| {
        p.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let ok = name.len() <= 64 && name.split('.').count() <= 2 && name.split('.').all(part);
    if ok {
        Ok(())
    } else {
        Err(Error::config(
            SERVICE,
            format!(
                "{:?} is not a field name (letters, digits, '_', one '.')",
                name.chars().take(64).collect::<String>()
            ),
        ))
    }
}

fn validate_entity(name: &str) -> Result<()> {
    if !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(())
    } else {
        Err(Error::config(SERVICE, "an entity name is letters only"))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Condition {
    Compare(String, Op, Value),
    In(String, Vec<Value>),
}

/// A query. Build it, then hand it to [`Entities::query`](crate::Entities::query) (which
/// pages through every result) or [`Entities::count`](crate::Entities::count).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    entity: String,
    fields: Vec<String>,
    conditions: Vec<Condition>,
    order: Vec<(String, bool)>,
    page_size: u32,
    start: u64,
    error: Option<String>,
}

impl Query {
    /// `SELECT * FROM {entity}`.
    pub fn new(entity: &str) -> Self {
        let error = validate_entity(entity)
            .err()
            .map(|e| e.message().to_owned());
        Self {
            entity: entity.to_owned(),
            fields: Vec::new(),
            conditions: Vec::new(),
            order: Vec::new(),
            page_size: MAX_PAGE_SIZE,
            start: 1,
            error,
        }
    }

    /// `SELECT * FROM` the entity `T`.
    pub fn of<T: Entity>() -> Self {
        Self::new(T::NAME)
    }

    /// The entity queried.
    pub fn entity(&self) -> &str {
        &self.entity
    }

    fn check(&mut self, result: Result<()>) {
        if let (Err(e), None) = (result, &self.error) {
            self.error = Some(e.message().to_owned());
        }
    }

    /// Selects these fields instead of `*`.
    pub fn select(mut self, fields: &[&str]) -> Self {
        for field in fields {
            self.check(validate_field(field));
            self.fields.push((*field).to_owned());
        }
        self
    }

    /// Adds `field op value` (conditions are joined with `AND`, the only conjunction
    /// QuickBooks has).
    pub fn filter(mut self, field: &str, op: Op, value: impl Into<Value>) -> Self {
        self.check(validate_field(field));
        self.conditions
            .push(Condition::Compare(field.to_owned(), op, value.into()));
        self
    }

    /// Adds `field IN (v1, v2, …)`; an empty list is refused.
    pub fn filter_in<V: Into<Value>>(
        mut self,
        field: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.check(validate_field(field));
        let values: Vec<Value> = values.into_iter().map(Into::into).collect();
        if values.is_empty() {
            self.check(Err(Error::config(SERVICE, "IN needs at least one value")));
        }
        self.conditions
            .push(Condition::In(field.to_owned(), values));
        self
    }

    /// `ORDER BY field ASC`.
    pub fn order_by(mut self, field: &str) -> Self {
        self.check(validate_field(field));
        self.order.push((field.to_owned(), false));
        self
    }

    /// `ORDER BY field DESC`.
    pub fn order_by_desc(mut self, field: &str) -> Self {
        self.check(validate_field(field));
        self.order.push((field.to_owned(), true));
        self
    }

    /// Rows per page (1 to 1000, default 1000).
    pub fn page_size(mut self, size: u32) -> Self {
        if size == 0 || size > MAX_PAGE_SIZE {
            self.check(Err(Error::config(SERVICE, "page size is 1 to 1000")));
        }
        self.page_size = size.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// Starts at this (1-based) row instead of the first.
    pub fn start_position(mut self, start: u64) -> Self {
        if start == 0 {
            self.check(Err(Error::config(SERVICE, "STARTPOSITION starts at 1")));
        }
        self.start = start.max(1);
        self
    }

    /// The rows per page.
    pub fn rows_per_page(&self) -> u32 {
        self.page_size
    }

    /// The first row.
    pub fn first_row(&self) -> u64 {
        self.start
    }

    /// The error of a refused part (a bad name, a value with control characters), if any.
    pub fn validate(&self) -> Result<()> {
        self.body(false).map(|_| ())
    }

    fn body(&self, count: bool) -> Result<String> {
        if let Some(message) = &self.error {
            return Err(Error::config(SERVICE, message.clone()));
        }
        let mut text = String::from("SELECT ");
        if count {
            text.push_str("COUNT(*)");
        } else if self.fields.is_empty() {
            text.push('*');
        } else {
            text.push_str(&self.fields.join(", "));
        }
        text.push_str(" FROM ");
        text.push_str(&self.entity);
        for (i, condition) in self.conditions.iter().enumerate() {
            text.push_str(if i == 0 { " WHERE " } else { " AND " });
            match condition {
                Condition::Compare(field, op, value) => {
                    text.push_str(field);
                    text.push(' ');
                    text.push_str(op.as_str());
                    text.push(' ');
                    text.push_str(&value.render()?);
                }
                Condition::In(field, values) => {
                    let rendered: Result<Vec<String>> = values.iter().map(Value::render).collect();
                    text.push_str(field);
                    text.push_str(" IN (");
                    text.push_str(&rendered?.join(", "));
                    text.push(')');
                }
            }
        }
        if !count {
            for (i, (field, desc)) in self.order.iter().enumerate() {
                text.push_str(if i == 0 { " ORDER BY " } else { ", " });
                text.push_str(field);
                text.push_str(if *desc { " DESC" } else { " ASC" });
            }
        }
        Ok(text)
    }

    /// The text of one page: the query with `STARTPOSITION start MAXRESULTS max`.
    pub fn page_text(&self, start: u64, max: u32) -> Result<String> {
        let mut text = self.body(false)?;
        text.push_str(&format!(" STARTPOSITION {start} MAXRESULTS {max}"));
        Ok(text)
    }

    /// `SELECT COUNT(*) FROM … WHERE …`.
    pub fn count_text(&self) -> Result<String> {
        self.body(true)
    }
}
