//! SOQL's date literals: relative ranges such as `LAST_WEEK` or `LAST_N_DAYS:30`, which
//! the server resolves against the user's time zone and the org's fiscal year.

/// A SOQL date literal, rendered as its bare token (never quoted).
///
/// ```
/// use atom_salesforce::soql::{DateLiteral, Filter, Query};
/// let soql = Query::select(["Id"]).from("Opportunity")
///     .filter(Filter::eq("CloseDate", DateLiteral::ThisFiscalQuarter)
///         .or(Filter::gt("CreatedDate", DateLiteral::LastNWeeks(2))))
///     .build()?;
/// assert_eq!(
///     soql.as_str(),
///     "SELECT Id FROM Opportunity WHERE (CloseDate = THIS_FISCAL_QUARTER OR CreatedDate > LAST_N_WEEKS:2)"
/// );
/// # Ok::<(), atom_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DateLiteral {
    /// `YESTERDAY`.
    Yesterday,
    /// `TODAY`.
    Today,
    /// `TOMORROW`.
    Tomorrow,
    /// `LAST_WEEK`.
    LastWeek,
    /// `THIS_WEEK`.
    ThisWeek,
    /// `NEXT_WEEK`.
    NextWeek,
    /// `LAST_MONTH`.
    LastMonth,
    /// `THIS_MONTH`.
    ThisMonth,
    /// `NEXT_MONTH`.
    NextMonth,
    /// `LAST_90_DAYS`.
    Last90Days,
    /// `NEXT_90_DAYS`.
    Next90Days,
    /// `LAST_N_DAYS:n`.
    LastNDays(u32),
    /// `NEXT_N_DAYS:n`.
    NextNDays(u32),
    /// `N_DAYS_AGO:n`.
    NDaysAgo(u32),
    /// `LAST_N_WEEKS:n`.
    LastNWeeks(u32),
    /// `NEXT_N_WEEKS:n`.
    NextNWeeks(u32),
    /// `N_WEEKS_AGO:n`.
    NWeeksAgo(u32),
    /// `LAST_N_MONTHS:n`.
    LastNMonths(u32),
    /// `NEXT_N_MONTHS:n`.
    NextNMonths(u32),
    /// `N_MONTHS_AGO:n`.
    NMonthsAgo(u32),
    /// `THIS_QUARTER`.
    ThisQuarter,
    /// `LAST_QUARTER`.
    LastQuarter,
    /// `NEXT_QUARTER`.
    NextQuarter,
    /// `LAST_N_QUARTERS:n`.
    LastNQuarters(u32),
    /// `NEXT_N_QUARTERS:n`.
    NextNQuarters(u32),
    /// `N_QUARTERS_AGO:n`.
    NQuartersAgo(u32),
    /// `THIS_YEAR`.
    ThisYear,
    /// `LAST_YEAR`.
    LastYear,
    /// `NEXT_YEAR`.
    NextYear,
    /// `LAST_N_YEARS:n`.
    LastNYears(u32),
    /// `NEXT_N_YEARS:n`.
    NextNYears(u32),
    /// `N_YEARS_AGO:n`.
    NYearsAgo(u32),
    /// `THIS_FISCAL_QUARTER`.
    ThisFiscalQuarter,
    /// `LAST_FISCAL_QUARTER`.
    LastFiscalQuarter,
    /// `NEXT_FISCAL_QUARTER`.
    NextFiscalQuarter,
    /// `LAST_N_FISCAL_QUARTERS:n`.
    LastNFiscalQuarters(u32),
    /// `NEXT_N_FISCAL_QUARTERS:n`.
    NextNFiscalQuarters(u32),
    /// `N_FISCAL_QUARTERS_AGO:n`.
    NFiscalQuartersAgo(u32),
    /// `THIS_FISCAL_YEAR`.
    ThisFiscalYear,
    /// `LAST_FISCAL_YEAR`.
    LastFiscalYear,
    /// `NEXT_FISCAL_YEAR`.
    NextFiscalYear,
    /// `LAST_N_FISCAL_YEARS:n`.
    LastNFiscalYears(u32),
    /// `NEXT_N_FISCAL_YEARS:n`.
    NextNFiscalYears(u32),
    /// `N_FISCAL_YEARS_AGO:n`.
    NFiscalYearsAgo(u32),
}

impl DateLiteral {
    /// The literal as SOQL text: `LAST_WEEK`, `LAST_N_DAYS:30`, ….
    ///
    /// ```
    /// use atom_salesforce::soql::DateLiteral;
    /// assert_eq!(DateLiteral::NFiscalYearsAgo(3).render(), "N_FISCAL_YEARS_AGO:3");
    /// ```
    pub fn render(self) -> String {
        let (token, n) = self.parts();
        match n {
            Some(n) => format!("{token}:{n}"),
            None => token.to_owned(),
        }
    }

    fn parts(self) -> (&'static str, Option<u32>) {
        use DateLiteral as D;
        match self {
            D::Yesterday => ("YESTERDAY", None),
            D::Today => ("TODAY", None),
            D::Tomorrow => ("TOMORROW", None),
            D::LastWeek => ("LAST_WEEK", None),
            D::ThisWeek => ("THIS_WEEK", None),
            D::NextWeek => ("NEXT_WEEK", None),
            D::LastMonth => ("LAST_MONTH", None),
            D::ThisMonth => ("THIS_MONTH", None),
            D::NextMonth => ("NEXT_MONTH", None),
            D::Last90Days => ("LAST_90_DAYS", None),
            D::Next90Days => ("NEXT_90_DAYS", None),
            D::LastNDays(n) => ("LAST_N_DAYS", Some(n)),
            D::NextNDays(n) => ("NEXT_N_DAYS", Some(n)),
            D::NDaysAgo(n) => ("N_DAYS_AGO", Some(n)),
            D::LastNWeeks(n) => ("LAST_N_WEEKS", Some(n)),
            D::NextNWeeks(n) => ("NEXT_N_WEEKS", Some(n)),
            D::NWeeksAgo(n) => ("N_WEEKS_AGO", Some(n)),
            D::LastNMonths(n) => ("LAST_N_MONTHS", Some(n)),
            D::NextNMonths(n) => ("NEXT_N_MONTHS", Some(n)),
            D::NMonthsAgo(n) => ("N_MONTHS_AGO", Some(n)),
            D::ThisQuarter => ("THIS_QUARTER", None),
            D::LastQuarter => ("LAST_QUARTER", None),
            D::NextQuarter => ("NEXT_QUARTER", None),
            D::LastNQuarters(n) => ("LAST_N_QUARTERS", Some(n)),
            D::NextNQuarters(n) => ("NEXT_N_QUARTERS", Some(n)),
            D::NQuartersAgo(n) => ("N_QUARTERS_AGO", Some(n)),
            D::ThisYear => ("THIS_YEAR", None),
            D::LastYear => ("LAST_YEAR", None),
            D::NextYear => ("NEXT_YEAR", None),
            D::LastNYears(n) => ("LAST_N_YEARS", Some(n)),
            D::NextNYears(n) => ("NEXT_N_YEARS", Some(n)),
            D::NYearsAgo(n) => ("N_YEARS_AGO", Some(n)),
            D::ThisFiscalQuarter => ("THIS_FISCAL_QUARTER", None),
            D::LastFiscalQuarter => ("LAST_FISCAL_QUARTER", None),
            D::NextFiscalQuarter => ("NEXT_FISCAL_QUARTER", None),
            D::LastNFiscalQuarters(n) => ("LAST_N_FISCAL_QUARTERS", Some(n)),
            D::NextNFiscalQuarters(n) => ("NEXT_N_FISCAL_QUARTERS", Some(n)),
            D::NFiscalQuartersAgo(n) => ("N_FISCAL_QUARTERS_AGO", Some(n)),
            D::ThisFiscalYear => ("THIS_FISCAL_YEAR", None),
            D::LastFiscalYear => ("LAST_FISCAL_YEAR", None),
            D::NextFiscalYear => ("NEXT_FISCAL_YEAR", None),
            D::LastNFiscalYears(n) => ("LAST_N_FISCAL_YEARS", Some(n)),
            D::NextNFiscalYears(n) => ("NEXT_N_FISCAL_YEARS", Some(n)),
            D::NFiscalYearsAgo(n) => ("N_FISCAL_YEARS_AGO", Some(n)),
        }
    }
}
