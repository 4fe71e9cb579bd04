//! Reports: the request with its parameters, the nested rows walked and rendered.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use atom_core::ErrorKind;
use atom_quickbooks::reports::{AccountingMethod, LineKind, Report, ReportName, ReportParams};
use chrono::NaiveDate;
use common::*;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn profit_and_loss_is_requested_with_its_parameters_and_decoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("reports/ProfitAndLoss")))
        .and(query_param("start_date", "2014-01-01"))
        .and(query_param("end_date", "2014-01-14"))
        .and(query_param("accounting_method", "Accrual"))
        .and(query_param("summarize_column_by", "Total"))
        .and(query_param("customer", "1,2"))
        .and(query_param("minorversion", "75"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("report_profit_and_loss")))
        .expect(1)
        .mount(&server)
        .await;
    let params = ReportParams {
        start_date: NaiveDate::from_ymd_opt(2014, 1, 1),
        end_date: NaiveDate::from_ymd_opt(2014, 1, 14),
        accounting_method: Some(AccountingMethod::Accrual),
        summarize_column_by: Some("Total".into()),
        customer: vec!["1".into(), "2".into()],
        ..Default::default()
    };
    let report = client(&server)
        .reports()
        .profit_and_loss(&params)
        .await
        .unwrap();
    assert_eq!(report.header.report_name.as_deref(), Some("ProfitAndLoss"));
    assert_eq!(
        report.summary_amount("Income", 1).unwrap().as_str(),
        "277475.00"
    );
    // A nested section's totals are found at any depth.
    let lines = report.lines();
    let services = lines
        .iter()
        .find(|l| l.cells.first().is_some_and(|c| c.value == "Total Services"))
        .unwrap();
    assert_eq!((services.kind, services.depth), (LineKind::Summary, 1));
    let text = report.render();
    assert!(text.contains("  Sales of Product Income"), "{text}");
    assert!(text.contains("Total Income"));
}

#[test]
fn every_recorded_report_decodes_and_renders() {
    for name in [
        "report_profit_and_loss",
        "report_balance_sheet",
        "report_cash_flow",
        "report_transaction_list",
        "report_aged_payables",
    ] {
        let report: Report =
            serde_json::from_value(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!report.lines().is_empty(), "{name}");
        assert!(report.render().lines().count() > 1, "{name}");
    }
    // Totals are exact: income less cost of goods is the gross profit, to the cent.
    let pnl: Report = serde_json::from_value(fixture("report_profit_and_loss")).unwrap();
    let income = pnl.summary_amount("Income", 1).unwrap();
    let cogs = pnl.summary_amount("COGS", 1).unwrap();
    let gross = pnl.summary_amount("GrossProfit", 1).unwrap();
    assert_eq!(
        income.checked_sub(&cogs).unwrap().cmp_value(&gross),
        Some(std::cmp::Ordering::Equal)
    );
}

#[test]
fn the_lines_of_a_report_come_in_display_order() {
    let report: Report = serde_json::from_value(fixture("report_profit_and_loss")).unwrap();
    let kinds: Vec<(LineKind, usize, String)> = report
        .lines()
        .iter()
        .take(6)
        .map(|l| {
            (
                l.kind,
                l.depth,
                l.cells.first().map(|c| c.value.clone()).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (LineKind::Header, 0, "Income".into()),
            (LineKind::Data, 1, "Sales of Product Income".into()),
            (LineKind::Header, 1, "Services".into()),
            (LineKind::Data, 2, "Maintainance".into()),
            (LineKind::Summary, 1, "Total Services".into()),
            (LineKind::Data, 1, "Uncategorized Income".into()),
        ]
    );
}

#[tokio::test]
async fn bad_report_parameters_send_nothing() {
    let server = MockServer::start().await;
    let qb = client(&server);
    let reversed = ReportParams {
        start_date: NaiveDate::from_ymd_opt(2026, 2, 1),
        end_date: NaiveDate::from_ymd_opt(2026, 1, 1),
        ..Default::default()
    };
    assert_eq!(
        qb.reports()
            .profit_and_loss(&reversed)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Config
    );
    let bad_id = ReportParams {
        customer: vec!["1&x=2".into()],
        ..Default::default()
    };
    assert_eq!(
        qb.reports()
            .balance_sheet(&bad_id)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Config
    );
    let bad_name = ReportName::from("Profit/../Loss");
    assert_eq!(
        qb.reports()
            .get(&bad_name, &ReportParams::default())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Config
    );
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn aged_receivables_and_transaction_list_take_their_own_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("reports/AgedReceivables")))
        .and(query_param("report_date", "2026-11-30"))
        .and(query_param("aging_period", "30"))
        .and(query_param("num_periods", "4"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("report_aged_payables")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("reports/TransactionList")))
        .and(query_param("columns", "tx_date,txn_type,subt_nat_amount"))
        .and(query_param("date_macro", "Last Month"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("report_transaction_list")))
        .expect(1)
        .mount(&server)
        .await;
    let qb = client(&server);
    qb.reports()
        .get(
            &ReportName::AgedReceivables,
            &ReportParams {
                report_date: NaiveDate::from_ymd_opt(2026, 11, 30),
                aging_period: Some(30),
                num_periods: Some(4),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    qb.reports()
        .get(
            &ReportName::TransactionList,
            &ReportParams {
                columns: vec![
                    "tx_date".into(),
                    "txn_type".into(),
                    "subt_nat_amount".into(),
                ],
                date_macro: Some("Last Month".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
}
