//! The `SELECT` statement builder and its clauses, in the order Salesforce's grammar gives:
//! select list, `FROM`, `WHERE`, `WITH`, `GROUP BY` (`ROLLUP` / `CUBE`) + `HAVING`,
//! `ORDER BY … NULLS`, `LIMIT`, `OFFSET`, `FOR VIEW | FOR REFERENCE`, `FOR UPDATE`.

use std::fmt::Write as _;

use atom_core::{Error, Result};

use super::select::{FieldSet, Item, TypeOf, Wrap};
use super::{Aggregate, Filter, Order, Soql};
use crate::SERVICE;
use crate::validate::{field_path, identifier};

/// Largest `OFFSET` Salesforce accepts.
const MAX_OFFSET: u32 = 2000;
/// Largest `LIMIT` with `FIELDS(ALL)` or `FIELDS(CUSTOM)`.
const FIELDS_LIMIT: u32 = 200;
/// Most fields `GROUP BY ROLLUP` / `CUBE` take.
const MAX_SUBTOTAL_FIELDS: usize = 3;

/// `WITH SECURITY_ENFORCED`, `WITH USER_MODE` or `WITH SYSTEM_MODE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Security {
    /// `WITH SECURITY_ENFORCED`: fail when a selected field or object is not readable.
    Enforced,
    /// `WITH USER_MODE`: sharing, field and object permissions of the running user.
    UserMode,
    /// `WITH SYSTEM_MODE`.
    SystemMode,
}

/// Record locking or view tracking at the end of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lock {
    /// `FOR VIEW`: updates the records' `LastViewedDate`.
    View,
    /// `FOR REFERENCE`: updates the records' `LastReferencedDate`.
    Reference,
    /// `FOR UPDATE`: locks the records (not allowed with `ORDER BY`).
    Update,
}

/// Where nulls sort in `ORDER BY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nulls {
    /// `NULLS FIRST`.
    First,
    /// `NULLS LAST`.
    Last,
}

/// What `ORDER BY` sorts on: a field or an aggregate of one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OrderKey {
    Field(String),
    Aggregate(Aggregate, String),
}

impl OrderKey {
    fn render(&self) -> Result<String> {
        Ok(match self {
            Self::Field(f) => field_path(f)?.to_owned(),
            Self::Aggregate(func, f) => format!("{}({})", func.name(), field_path(f)?),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grouping {
    Plain,
    Rollup,
    Cube,
}

/// Builds a `SELECT` statement.
///
/// ```
/// use atom_salesforce::soql::{Aggregate, Filter, Query, Security};
/// let soql = Query::select(["LeadSource"])
///     .aggregate(Aggregate::Count, "Name", Some("Total"))
///     .from("Lead")
///     .with(Security::UserMode)
///     .group_by_rollup(["LeadSource"])
///     .having(Filter::aggregate(Aggregate::Count, "Name").gt(100))
///     .build()?;
/// assert_eq!(
///     soql.as_str(),
///     "SELECT LeadSource, COUNT(Name) Total FROM Lead WITH USER_MODE \
///      GROUP BY ROLLUP(LeadSource) HAVING COUNT(Name) > 100"
/// );
/// # Ok::<(), atom_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub(super) items: Vec<Item>,
    from: String,
    filter: Option<Filter>,
    security: Option<Security>,
    grouping: Grouping,
    group_by: Vec<String>,
    having: Option<Filter>,
    order_by: Vec<(OrderKey, Order, Option<Nulls>)>,
    limit: Option<u32>,
    offset: Option<u32>,
    lock: Option<Lock>,
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
            security: None,
            grouping: Grouping::Plain,
            group_by: Vec::new(),
            having: None,
            order_by: Vec::new(),
            limit: None,
            offset: None,
            lock: None,
        }
    }

    /// `SELECT COUNT()`: only the number of matching rows (`totalSize`); nothing else may
    /// be selected.
    ///
    /// ```
    /// use atom_salesforce::soql::Query;
    /// assert_eq!(Query::count().from("Contact").build()?.as_str(), "SELECT COUNT() FROM Contact");
    /// # Ok::<(), atom_core::Error>(())
    /// ```
    pub fn count() -> Self {
        let mut q = Self::select(Vec::<&str>::new());
        q.items.push(Item::CountRows);
        q
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

    fn wrapped(mut self, wrap: Wrap, field: &str, alias: Option<&str>) -> Self {
        self.items.push(Item::Wrapped(
            wrap,
            field.to_owned(),
            alias.map(str::to_owned),
        ));
        self
    }

    /// Adds `toLabel(field) alias`: picklist values translated to the user's language.
    pub fn to_label(self, field: &str, alias: Option<&str>) -> Self {
        self.wrapped(Wrap::ToLabel, field, alias)
    }

    /// Adds `FORMAT(field) alias`: numbers, dates and currencies in the user's locale.
    pub fn format(self, field: &str, alias: Option<&str>) -> Self {
        self.wrapped(Wrap::Format, field, alias)
    }

    /// Adds `convertCurrency(field) alias`: amounts in the user's currency.
    pub fn convert_currency(self, field: &str, alias: Option<&str>) -> Self {
        self.wrapped(Wrap::ConvertCurrency, field, alias)
    }

    /// Adds `FIELDS(ALL|STANDARD|CUSTOM)`; `ALL` and `CUSTOM` need [`Query::limit`] of at
    /// most 200.
    pub fn fields(mut self, set: FieldSet) -> Self {
        self.items.push(Item::Fields(set));
        self
    }

    /// Adds a child-relationship subquery, `(SELECT … FROM Contacts)`: `child`'s `FROM` is
    /// the relationship name.
    ///
    /// ```
    /// use atom_salesforce::soql::{Filter, Query};
    /// let contacts = Query::select(["LastName"]).from("Contacts")
    ///     .filter(Filter::eq("Email", "a'b@example.com")).limit(5);
    /// let soql = Query::select(["Name"]).subquery(contacts).from("Account").build()?;
    /// assert_eq!(
    ///     soql.as_str(),
    ///     "SELECT Name, (SELECT LastName FROM Contacts WHERE Email = 'a\\'b@example.com' LIMIT 5) FROM Account"
    /// );
    /// # Ok::<(), atom_core::Error>(())
    /// ```
    pub fn subquery(mut self, child: Query) -> Self {
        self.items.push(Item::Subquery(Box::new(child)));
        self
    }

    /// Adds a `TYPEOF … END` expression.
    pub fn type_of(mut self, type_of: TypeOf) -> Self {
        self.items.push(Item::TypeOf(type_of));
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

    /// `WITH SECURITY_ENFORCED` / `WITH USER_MODE` / `WITH SYSTEM_MODE`.
    pub fn with(mut self, security: Security) -> Self {
        self.security = Some(security);
        self
    }

    /// `GROUP BY field`.
    pub fn group_by(mut self, field: &str) -> Self {
        self.group_by.push(field.to_owned());
        self
    }

    /// `GROUP BY ROLLUP(fields)` (at most three fields), replacing any `GROUP BY`.
    pub fn group_by_rollup<S: AsRef<str>>(self, fields: impl IntoIterator<Item = S>) -> Self {
        self.subtotals(Grouping::Rollup, fields)
    }

    /// `GROUP BY CUBE(fields)` (at most three fields), replacing any `GROUP BY`.
    pub fn group_by_cube<S: AsRef<str>>(self, fields: impl IntoIterator<Item = S>) -> Self {
        self.subtotals(Grouping::Cube, fields)
    }

    fn subtotals<S: AsRef<str>>(
        mut self,
        grouping: Grouping,
        fields: impl IntoIterator<Item = S>,
    ) -> Self {
        self.grouping = grouping;
        self.group_by = fields.into_iter().map(|f| f.as_ref().to_owned()).collect();
        self
    }

    /// `HAVING condition` (needs `GROUP BY`; several calls are joined with `AND`).
    pub fn having(mut self, condition: Filter) -> Self {
        self.having = Some(match self.having.take() {
            Some(existing) => existing.and(condition),
            None => condition,
        });
        self
    }

    /// `ORDER BY field ASC|DESC`.
    pub fn order_by(mut self, field: &str, order: Order) -> Self {
        self.order_by
            .push((OrderKey::Field(field.to_owned()), order, None));
        self
    }

    /// `ORDER BY FUNC(field) ASC|DESC`, in an aggregate query.
    ///
    /// ```
    /// use atom_salesforce::soql::{Aggregate, Order, Query};
    /// let soql = Query::select(["Industry"]).aggregate(Aggregate::Count, "Id", None)
    ///     .from("Account").group_by("Industry")
    ///     .order_by_aggregate(Aggregate::Count, "Id", Order::Desc).build()?;
    /// assert_eq!(
    ///     soql.as_str(),
    ///     "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry ORDER BY COUNT(Id) DESC"
    /// );
    /// # Ok::<(), atom_core::Error>(())
    /// ```
    pub fn order_by_aggregate(mut self, func: Aggregate, field: &str, order: Order) -> Self {
        self.order_by
            .push((OrderKey::Aggregate(func, field.to_owned()), order, None));
        self
    }

    /// `ORDER BY field ASC|DESC NULLS FIRST|LAST`.
    pub fn order_by_nulls(mut self, field: &str, order: Order, nulls: Nulls) -> Self {
        self.order_by
            .push((OrderKey::Field(field.to_owned()), order, Some(nulls)));
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

    /// `FOR VIEW`, `FOR REFERENCE` or `FOR UPDATE`.
    pub fn lock(mut self, lock: Lock) -> Self {
        self.lock = Some(lock);
        self
    }

    fn check(&self) -> Result<()> {
        if self.items.is_empty() {
            return Err(Error::config(SERVICE, "SELECT needs at least one field"));
        }
        if self.items.contains(&Item::CountRows) && self.items.len() > 1 {
            return Err(Error::config(
                SERVICE,
                "COUNT() must be the only item in the select list",
            ));
        }
        let unbounded = self
            .items
            .iter()
            .any(|i| matches!(i, Item::Fields(set) if set.needs_limit()));
        if unbounded && self.limit.is_none_or(|n| n > FIELDS_LIMIT) {
            return Err(Error::config(
                SERVICE,
                "FIELDS(ALL) and FIELDS(CUSTOM) need LIMIT of at most 200",
            ));
        }
        if self.having.is_some() && self.group_by.is_empty() {
            return Err(Error::config(SERVICE, "HAVING needs GROUP BY"));
        }
        if self.grouping != Grouping::Plain
            && !(1..=MAX_SUBTOTAL_FIELDS).contains(&self.group_by.len())
        {
            return Err(Error::config(
                SERVICE,
                "GROUP BY ROLLUP and CUBE take one to three fields",
            ));
        }
        if self.lock == Some(Lock::Update) && !self.order_by.is_empty() {
            return Err(Error::config(
                SERVICE,
                "FOR UPDATE cannot be used with ORDER BY",
            ));
        }
        if self.offset.is_some_and(|n| n > MAX_OFFSET) {
            return Err(Error::config(SERVICE, "SOQL OFFSET is at most 2000"));
        }
        Ok(())
    }

    /// Renders the statement, refusing invalid names and combinations Salesforce rejects.
    pub fn build(&self) -> Result<Soql> {
        self.check()?;
        let items = self
            .items
            .iter()
            .map(Item::render)
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
        if let Some(security) = self.security {
            soql.push_str(match security {
                Security::Enforced => " WITH SECURITY_ENFORCED",
                Security::UserMode => " WITH USER_MODE",
                Security::SystemMode => " WITH SYSTEM_MODE",
            });
        }
        if !self.group_by.is_empty() {
            let fields = self
                .group_by
                .iter()
                .map(|f| field_path(f))
                .collect::<Result<Vec<_>>>()?
                .join(", ");
            match self.grouping {
                Grouping::Plain => write!(soql, " GROUP BY {fields}"),
                Grouping::Rollup => write!(soql, " GROUP BY ROLLUP({fields})"),
                Grouping::Cube => write!(soql, " GROUP BY CUBE({fields})"),
            }
            .map_err(|_| Error::config(SERVICE, "cannot format GROUP BY"))?;
        }
        if let Some(having) = &self.having {
            soql.push_str(" HAVING ");
            soql.push_str(&having.render()?);
        }
        if !self.order_by.is_empty() {
            let parts = self
                .order_by
                .iter()
                .map(|(f, o, nulls)| {
                    let dir = if *o == Order::Asc { "ASC" } else { "DESC" };
                    let nulls = match nulls {
                        None => "",
                        Some(Nulls::First) => " NULLS FIRST",
                        Some(Nulls::Last) => " NULLS LAST",
                    };
                    f.render().map(|f| format!("{f} {dir}{nulls}"))
                })
                .collect::<Result<Vec<_>>>()?;
            soql.push_str(" ORDER BY ");
            soql.push_str(&parts.join(", "));
        }
        if let Some(n) = self.limit {
            let _ = write!(soql, " LIMIT {n}");
        }
        if let Some(n) = self.offset {
            let _ = write!(soql, " OFFSET {n}");
        }
        if let Some(lock) = self.lock {
            soql.push_str(match lock {
                Lock::View => " FOR VIEW",
                Lock::Reference => " FOR REFERENCE",
                Lock::Update => " FOR UPDATE",
            });
        }
        Ok(Soql(soql))
    }
}
