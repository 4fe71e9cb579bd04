//! The select list: fields, aggregates, `COUNT()`, `toLabel()` / `FORMAT()` /
//! `convertCurrency()`, `FIELDS(…)`, child-relationship subqueries and `TYPEOF`.

use atom_core::{Error, Result};

use super::{Aggregate, Query};
use crate::SERVICE;
use crate::validate::{field_path, identifier};

/// The groups `FIELDS(…)` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldSet {
    /// `FIELDS(ALL)`: needs `LIMIT` of at most 200.
    All,
    /// `FIELDS(STANDARD)`.
    Standard,
    /// `FIELDS(CUSTOM)`: needs `LIMIT` of at most 200.
    Custom,
}

impl FieldSet {
    fn token(self) -> &'static str {
        match self {
            Self::All => "ALL",
            Self::Standard => "STANDARD",
            Self::Custom => "CUSTOM",
        }
    }

    /// Salesforce refuses `FIELDS(ALL)` and `FIELDS(CUSTOM)` without a `LIMIT` of at most
    /// 200 (the set of fields is unbounded).
    pub(super) fn needs_limit(self) -> bool {
        matches!(self, Self::All | Self::Custom)
    }
}

/// A function applied to one field in the select list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wrap {
    ToLabel,
    Format,
    ConvertCurrency,
}

impl Wrap {
    fn name(self) -> &'static str {
        match self {
            Self::ToLabel => "toLabel",
            Self::Format => "FORMAT",
            Self::ConvertCurrency => "convertCurrency",
        }
    }
}

/// `TYPEOF field WHEN Object THEN fields … ELSE fields END`, for a polymorphic relationship.
///
/// ```
/// use atom_salesforce::soql::{Query, TypeOf};
/// let soql = Query::select(["Subject"])
///     .type_of(TypeOf::new("What")
///         .when("Account", ["Phone", "NumberOfEmployees"])
///         .when("Opportunity", ["Amount", "CloseDate"])
///         .otherwise(["Name", "Email"]))
///     .from("Event")
///     .build()?;
/// assert_eq!(
///     soql.as_str(),
///     "SELECT Subject, TYPEOF What WHEN Account THEN Phone, NumberOfEmployees \
///      WHEN Opportunity THEN Amount, CloseDate ELSE Name, Email END FROM Event"
/// );
/// # Ok::<(), atom_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeOf {
    field: String,
    whens: Vec<(String, Vec<String>)>,
    otherwise: Vec<String>,
}

impl TypeOf {
    /// `TYPEOF field`.
    pub fn new(field: &str) -> Self {
        Self {
            field: field.to_owned(),
            whens: Vec::new(),
            otherwise: Vec::new(),
        }
    }

    /// `WHEN object THEN fields`.
    pub fn when<S: AsRef<str>>(
        mut self,
        object: &str,
        fields: impl IntoIterator<Item = S>,
    ) -> Self {
        let fields = fields.into_iter().map(|f| f.as_ref().to_owned()).collect();
        self.whens.push((object.to_owned(), fields));
        self
    }

    /// `ELSE fields`.
    pub fn otherwise<S: AsRef<str>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.otherwise = fields.into_iter().map(|f| f.as_ref().to_owned()).collect();
        self
    }

    fn render(&self) -> Result<String> {
        if self.whens.is_empty() {
            return Err(Error::config(SERVICE, "TYPEOF needs at least one WHEN"));
        }
        let mut out = format!("TYPEOF {}", field_path(&self.field)?);
        for (object, fields) in &self.whens {
            out.push_str(" WHEN ");
            out.push_str(identifier(object)?);
            out.push_str(" THEN ");
            out.push_str(&field_list(fields, "WHEN … THEN")?);
        }
        if !self.otherwise.is_empty() {
            out.push_str(" ELSE ");
            out.push_str(&field_list(&self.otherwise, "ELSE")?);
        }
        out.push_str(" END");
        Ok(out)
    }
}

fn field_list(fields: &[String], what: &str) -> Result<String> {
    if fields.is_empty() {
        return Err(Error::config(
            SERVICE,
            format!("TYPEOF's {what} needs at least one field"),
        ));
    }
    Ok(fields
        .iter()
        .map(|f| field_path(f))
        .collect::<Result<Vec<_>>>()?
        .join(", "))
}

/// One entry of the select list.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Item {
    Field(String),
    Aggregate(Aggregate, String, Option<String>),
    CountRows,
    Wrapped(Wrap, String, Option<String>),
    Fields(FieldSet),
    Subquery(Box<Query>),
    TypeOf(TypeOf),
}

impl Item {
    pub(super) fn render(&self) -> Result<String> {
        Ok(match self {
            Self::Field(f) => field_path(f)?.to_owned(),
            Self::Aggregate(func, field, alias) => {
                with_alias(format!("{}({})", func.name(), field_path(field)?), alias)?
            }
            Self::CountRows => "COUNT()".to_owned(),
            Self::Wrapped(wrap, field, alias) => {
                with_alias(format!("{}({})", wrap.name(), field_path(field)?), alias)?
            }
            Self::Fields(set) => format!("FIELDS({})", set.token()),
            Self::Subquery(query) => format!("({})", query.build()?.as_str()),
            Self::TypeOf(t) => t.render()?,
        })
    }
}

fn with_alias(mut s: String, alias: &Option<String>) -> Result<String> {
    if let Some(a) = alias {
        s.push(' ');
        s.push_str(identifier(a)?);
    }
    Ok(s)
}
