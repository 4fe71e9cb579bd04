//! Reports: `GET /reports/{ReportName}` with its parameters, decoded into a [`Report`] a
//! caller can walk (sections, data rows, summaries) and render as a text table.
//!
//! QuickBooks nests a report as `Header`, `Columns.Column[]` and `Rows.Row[]`, where a row
//! is either data (`ColData[]`) or a section with its own `Header`, `Rows` and `Summary`
//! (the totals). [`Report::lines`] flattens that tree in display order, with each line's
//! depth, without recursion; amounts read as exact [`Decimal`]s with [`Cell::amount`].
//!
//! ```
//! let json = br#"{"Header":{"ReportName":"ProfitAndLoss","StartPeriod":"2026-01-01","EndPeriod":"2026-01-31","Currency":"USD"},
//!   "Columns":{"Column":[{"ColTitle":"","ColType":"Account"},{"ColTitle":"Total","ColType":"Money"}]},
//!   "Rows":{"Row":[{"Header":{"ColData":[{"value":"Income"},{"value":""}]},
//!     "Rows":{"Row":[{"ColData":[{"value":"Services","id":"1"},{"value":"150.25"}],"type":"Data"}]},
//!     "Summary":{"ColData":[{"value":"Total Income"},{"value":"150.25"}]},"type":"Section","group":"Income"}]}}"#;
//! let report: atom_quickbooks::reports::Report = serde_json::from_slice(json).unwrap();
//! assert_eq!(report.summary_amount("Income", 1).unwrap().as_str(), "150.25");
//! assert!(report.render().contains("Total Income"));
//! ```

use atom_core::{Decimal, Error, Extra, Result};
use chrono::NaiveDate;
use http::Method;
use serde::{Deserialize, Serialize};

use crate::SERVICE;
use crate::client::{Client, RequestOptions};

atom_core::string_enum! {
    /// A report's name (its path segment).
    pub enum ReportName {
        /// Profit and loss.
        ProfitAndLoss = "ProfitAndLoss",
        /// Balance sheet.
        BalanceSheet = "BalanceSheet",
        /// Statement of cash flows.
        CashFlow = "CashFlow",
        /// Accounts receivable aging summary.
        AgedReceivables = "AgedReceivables",
        /// Accounts payable aging summary.
        AgedPayables = "AgedPayables",
        /// Sales by customer.
        CustomerSales = "CustomerSales",
        /// Transaction list.
        TransactionList = "TransactionList",
    }
}

atom_core::string_enum! {
    /// Cash or accrual basis.
    pub enum AccountingMethod {
        /// Cash basis.
        Cash = "Cash",
        /// Accrual basis.
        Accrual = "Accrual",
    }
}

/// A report's parameters; unset ones are not sent (QuickBooks then uses the company's
/// defaults). Ids are QuickBooks ids (digits); `other` passes any further parameter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportParams {
    /// `start_date`.
    pub start_date: Option<NaiveDate>,
    /// `end_date`.
    pub end_date: Option<NaiveDate>,
    /// `date_macro` (`This Fiscal Year-to-date`, `Last Month`).
    pub date_macro: Option<String>,
    /// `accounting_method`.
    pub accounting_method: Option<AccountingMethod>,
    /// `summarize_column_by` (`Total`, `Month`, `Quarter`, `Year`, `Customers`, …).
    pub summarize_column_by: Option<String>,
    /// `customer`: customer ids.
    pub customer: Vec<String>,
    /// `vendor`: vendor ids.
    pub vendor: Vec<String>,
    /// `item`: item ids.
    pub item: Vec<String>,
    /// `department`: location ids.
    pub department: Vec<String>,
    /// `class`: class ids.
    pub class: Vec<String>,
    /// `report_date` (aging reports).
    pub report_date: Option<NaiveDate>,
    /// `aging_period` (days per aging column).
    pub aging_period: Option<u32>,
    /// `num_periods` (aging columns).
    pub num_periods: Option<u32>,
    /// `columns` (transaction list): column names.
    pub columns: Vec<String>,
    /// `sort_order` (`ascend` / `descend`).
    pub sort_order: Option<String>,
    /// Any other parameter, as sent.
    pub other: Vec<(String, String)>,
}

fn plain(name: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.len() > 256 || value.chars().any(char::is_control) {
        return Err(Error::config(
            SERVICE,
            format!(
                "report parameter {name} must be 1 to 256 characters without control characters"
            ),
        ));
    }
    Ok(())
}

fn ids(name: &str, values: &[String]) -> Result<Option<String>> {
    if values.is_empty() {
        return Ok(None);
    }
    for v in values {
        if v.is_empty() || v.len() > 32 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::config(
                SERVICE,
                format!("report parameter {name} takes QuickBooks ids (digits)"),
            ));
        }
    }
    Ok(Some(values.join(",")))
}

impl ReportParams {
    /// The query pairs, or a `Config` error for a value QuickBooks cannot take.
    pub fn to_pairs(&self) -> Result<Vec<(String, String)>> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: String| out.push((k.to_owned(), v));
        if let (Some(s), Some(e)) = (self.start_date, self.end_date)
            && s > e
        {
            return Err(Error::config(SERVICE, "start_date is after end_date"));
        }
        if let Some(d) = self.start_date {
            push("start_date", d.format("%Y-%m-%d").to_string());
        }
        if let Some(d) = self.end_date {
            push("end_date", d.format("%Y-%m-%d").to_string());
        }
        if let Some(m) = &self.date_macro {
            plain("date_macro", m)?;
            push("date_macro", m.clone());
        }
        if let Some(m) = &self.accounting_method {
            push("accounting_method", m.as_str().to_owned());
        }
        if let Some(s) = &self.summarize_column_by {
            plain("summarize_column_by", s)?;
            push("summarize_column_by", s.clone());
        }
        for (name, values) in [
            ("customer", &self.customer),
            ("vendor", &self.vendor),
            ("item", &self.item),
            ("department", &self.department),
            ("class", &self.class),
        ] {
            if let Some(v) = ids(name, values)? {
                push(name, v);
            }
        }
        if let Some(d) = self.report_date {
            push("report_date", d.format("%Y-%m-%d").to_string());
        }
        if let Some(n) = self.aging_period {
            push("aging_period", n.to_string());
        }
        if let Some(n) = self.num_periods {
            push("num_periods", n.to_string());
        }
        if !self.columns.is_empty() {
            for c in &self.columns {
                crate::query::validate_field(c)?;
            }
            push("columns", self.columns.join(","));
        }
        if let Some(s) = &self.sort_order {
            plain("sort_order", s)?;
            push("sort_order", s.clone());
        }
        for (k, v) in &self.other {
            crate::query::validate_field(k)?;
            plain(k, v)?;
            push(k, v.clone());
        }
        Ok(out)
    }
}

/// A name/value option of a report header or column.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReportOption {
    /// The name.
    #[serde(default, rename = "Name")]
    pub name: Option<String>,
    /// The value.
    #[serde(default, rename = "Value")]
    pub value: Option<String>,
}

/// The report's header: what it covers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ReportHeader {
    /// When it was produced.
    #[serde(default)]
    pub time: Option<String>,
    /// The report's name.
    #[serde(default)]
    pub report_name: Option<String>,
    /// The date macro used.
    #[serde(default)]
    pub date_macro: Option<String>,
    /// `Cash` or `Accrual`.
    #[serde(default)]
    pub report_basis: Option<String>,
    /// The first day covered.
    #[serde(default)]
    pub start_period: Option<String>,
    /// The last day covered.
    #[serde(default)]
    pub end_period: Option<String>,
    /// How columns are summarised.
    #[serde(default)]
    pub summarize_columns_by: Option<String>,
    /// The currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Further options (`NoReportData`).
    #[serde(default)]
    pub option: Vec<ReportOption>,
    /// Fields this crate does not type.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A column.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ReportColumn {
    /// The title.
    #[serde(default)]
    pub col_title: Option<String>,
    /// The type (`Account`, `Money`).
    #[serde(default)]
    pub col_type: Option<String>,
    /// Column metadata (`ColKey`).
    #[serde(default)]
    pub meta_data: Vec<ReportOption>,
    /// Fields this crate does not type (sub-columns).
    #[serde(flatten)]
    pub extra: Extra,
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cell {
    /// The text shown.
    #[serde(default)]
    pub value: String,
    /// The id of the object the cell names (an account, a customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A link, when QuickBooks gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

impl Cell {
    /// The cell as an exact amount, when it holds a number.
    pub fn amount(&self) -> Option<Decimal> {
        self.value.trim().parse().ok()
    }
}

/// A row of cells (`{"ColData": [...]}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CellRow {
    /// The cells.
    #[serde(default, rename = "ColData")]
    pub cells: Vec<Cell>,
}

/// The rows of a report or section.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Rows {
    /// The rows.
    #[serde(default, rename = "Row")]
    pub rows: Vec<ReportRow>,
}

atom_core::string_enum! {
    /// A row's type.
    pub enum RowType {
        /// A data row.
        Data = "Data",
        /// A section with a header, rows and a summary.
        Section = "Section",
    }
}

/// A row: data cells, or a section (header, rows, summary).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReportRow {
    /// The cells of a data row.
    #[serde(default, rename = "ColData", skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<Cell>,
    /// A section's header.
    #[serde(default, rename = "Header", skip_serializing_if = "Option::is_none")]
    pub header: Option<CellRow>,
    /// A section's rows.
    #[serde(default, rename = "Rows", skip_serializing_if = "Option::is_none")]
    pub rows: Option<Rows>,
    /// A section's summary (its totals).
    #[serde(default, rename = "Summary", skip_serializing_if = "Option::is_none")]
    pub summary: Option<CellRow>,
    /// `Data` or `Section`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub row_type: Option<RowType>,
    /// The section's group (`Income`, `NetIncome`, `TotalAssets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// A report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// What it covers.
    #[serde(default, rename = "Header")]
    pub header: ReportHeader,
    /// The columns.
    #[serde(default, rename = "Columns")]
    pub columns: Columns,
    /// The rows.
    #[serde(default, rename = "Rows")]
    pub rows: Rows,
}

/// The columns of a report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Columns {
    /// The columns.
    #[serde(default, rename = "Column")]
    pub columns: Vec<ReportColumn>,
}

/// What a [`ReportLine`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineKind {
    /// A section's header.
    Header,
    /// A data row.
    Data,
    /// A section's summary (totals).
    Summary,
}

/// One line of a report in display order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReportLine<'a> {
    /// How deep in sections (0 at the top).
    pub depth: usize,
    /// Header, data or summary.
    pub kind: LineKind,
    /// The section's group, for headers and summaries.
    pub group: Option<&'a str>,
    /// The cells.
    pub cells: &'a [Cell],
}

impl Report {
    /// Every line in display order: a section's header, its rows (sections inside it one
    /// level deeper), its summary. Walked with an explicit stack.
    pub fn lines(&self) -> Vec<ReportLine<'_>> {
        enum Step<'a> {
            Row(&'a ReportRow, usize),
            Summary(&'a ReportRow, usize),
        }
        let mut out = Vec::new();
        let mut stack: Vec<Step<'_>> = self
            .rows
            .rows
            .iter()
            .rev()
            .map(|r| Step::Row(r, 0))
            .collect();
        while let Some(step) = stack.pop() {
            match step {
                Step::Row(row, depth) => {
                    let is_section =
                        row.header.is_some() || row.rows.is_some() || row.summary.is_some();
                    if !is_section {
                        out.push(ReportLine {
                            depth,
                            kind: LineKind::Data,
                            group: row.group.as_deref(),
                            cells: &row.cells,
                        });
                        continue;
                    }
                    if let Some(h) = &row.header {
                        out.push(ReportLine {
                            depth,
                            kind: LineKind::Header,
                            group: row.group.as_deref(),
                            cells: &h.cells,
                        });
                    }
                    stack.push(Step::Summary(row, depth));
                    if let Some(rows) = &row.rows {
                        stack.extend(rows.rows.iter().rev().map(|r| Step::Row(r, depth + 1)));
                    }
                }
                Step::Summary(row, depth) => {
                    if let Some(s) = &row.summary {
                        out.push(ReportLine {
                            depth,
                            kind: LineKind::Summary,
                            group: row.group.as_deref(),
                            cells: &s.cells,
                        });
                    }
                }
            }
        }
        out
    }

    /// The summary cells of the section with this `group` (`Income`, `NetIncome`), at any
    /// depth.
    pub fn summary(&self, group: &str) -> Option<&[Cell]> {
        let mut stack: Vec<&ReportRow> = self.rows.rows.iter().collect();
        while let Some(row) = stack.pop() {
            if row.group.as_deref() == Some(group) {
                return row.summary.as_ref().map(|s| s.cells.as_slice());
            }
            if let Some(rows) = &row.rows {
                stack.extend(rows.rows.iter());
            }
        }
        None
    }

    /// The amount in column `column` of the summary of section `group`.
    pub fn summary_amount(&self, group: &str, column: usize) -> Option<Decimal> {
        self.summary(group)?.get(column)?.amount()
    }

    /// The report as a text table: column titles, then each line indented by its depth,
    /// amounts right-aligned.
    pub fn render(&self) -> String {
        let lines = self.lines();
        let ncols = self
            .columns
            .columns
            .len()
            .max(lines.iter().map(|l| l.cells.len()).max().unwrap_or(0));
        let label = |l: &ReportLine<'_>| {
            let text = l
                .cells
                .first()
                .map(|c| c.value.as_str())
                .unwrap_or_default();
            format!("{}{}", "  ".repeat(l.depth), text)
        };
        let mut widths = vec![0usize; ncols];
        let titles: Vec<String> = (0..ncols)
            .map(|i| {
                self.columns
                    .columns
                    .get(i)
                    .and_then(|c| c.col_title.clone())
                    .unwrap_or_default()
            })
            .collect();
        for (i, t) in titles.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(t.chars().count());
            }
        }
        for l in &lines {
            if let Some(w) = widths.first_mut() {
                *w = (*w).max(label(l).chars().count());
            }
            for (i, c) in l.cells.iter().enumerate().skip(1) {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(c.value.chars().count());
                }
            }
        }
        let mut out = String::new();
        let row = |first: String, rest: Vec<&str>, out: &mut String| {
            let mut line = format!("{first:<w$}", w = widths.first().copied().unwrap_or(0));
            for (i, v) in rest.iter().enumerate() {
                let w = widths.get(i + 1).copied().unwrap_or(0);
                line.push_str(&format!("  {v:>w$}"));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        };
        row(
            titles.first().cloned().unwrap_or_default(),
            titles.iter().skip(1).map(String::as_str).collect(),
            &mut out,
        );
        for l in &lines {
            let rest: Vec<&str> = (1..ncols)
                .map(|i| l.cells.get(i).map(|c| c.value.as_str()).unwrap_or_default())
                .collect();
            row(label(l), rest, &mut out);
        }
        out
    }
}

/// Report calls: `client.reports()`.
#[derive(Debug, Clone)]
pub struct Reports {
    client: Client,
}

impl Client {
    /// Report calls.
    pub fn reports(&self) -> Reports {
        Reports {
            client: self.clone(),
        }
    }
}

impl Reports {
    /// `GET /reports/{name}` with `params`. A name other than the typed ones must be
    /// letters only.
    pub async fn get(&self, name: &ReportName, params: &ReportParams) -> Result<Report> {
        let n = name.as_str();
        if n.is_empty() || n.len() > 64 || !n.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(Error::config(SERVICE, "a report name is letters only"));
        }
        let mut request = self.client.request(
            Method::GET,
            &format!("reports/{n}"),
            "reports.get",
            "/v3/company/{realmId}/reports/{report}",
        );
        for (k, v) in params.to_pairs()? {
            request = request.query(k, v);
        }
        let response = self
            .client
            .send_raw(request, &RequestOptions::default())
            .await?;
        crate::envelope::json(&response)
    }

    /// The profit and loss report.
    pub async fn profit_and_loss(&self, params: &ReportParams) -> Result<Report> {
        self.get(&ReportName::ProfitAndLoss, params).await
    }

    /// The balance sheet.
    pub async fn balance_sheet(&self, params: &ReportParams) -> Result<Report> {
        self.get(&ReportName::BalanceSheet, params).await
    }
}
