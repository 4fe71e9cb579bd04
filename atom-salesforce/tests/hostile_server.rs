//! Answers no real org sends: huge aggregate counts and next-page links that walk out of
//! the data API. Each gets a value or a typed error, never a panic or a request elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::Record;
use atom_salesforce::analytics::DateRange;
use atom_salesforce::soql::Soql;
use chrono::NaiveDate;
use common::{client, data};
use futures::TryStreamExt as _;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn range() -> DateRange {
    DateRange::new(
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
    )
    .unwrap()
}

fn rows(rows: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"totalSize": 2, "done": true, "records": rows}))
}

#[tokio::test]
async fn aggregate_counts_that_overflow_saturate() {
    let server = MockServer::start().await;
    // Every aggregate query gets the same rows: counts whose sum does not fit in a u64.
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(rows(json!([
            {"IsWon": true, "IsConverted": true, "LeadSource": "Web", "n": u64::MAX},
            {"IsWon": false, "IsConverted": false, "LeadSource": "Web", "n": u64::MAX},
            {"IsWon": true, "IsConverted": true, "LeadSource": "Web", "n": 1e300}
        ])))
        .mount(&server)
        .await;
    let sf = client(&server);
    let win = sf.analytics().win_rate(&range()).await.unwrap();
    assert_eq!((win.won, win.lost), (u64::MAX, u64::MAX));
    assert_eq!(win.rate, Some(1.0));
    let conv = sf
        .analytics()
        .lead_conversion_by_source(&range())
        .await
        .unwrap();
    assert_eq!((conv[0].leads, conv[0].converted), (u64::MAX, u64::MAX));
}

#[tokio::test]
async fn a_next_records_url_with_encoded_dots_is_not_followed() {
    let server = MockServer::start().await;
    // `%2e%2e` is `..` to a URL parser: this link leads to `/services/oauth2/token`.
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 2, "done": false,
            "nextRecordsUrl": "/services/data/%2e%2e/oauth2/token",
            "records": [{"attributes": {"type": "Account"}, "Id": "001D000000IqhSLIAZ"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 1, "done": true, "records": []
        })))
        .expect(0)
        .mount(&server)
        .await;
    let soql = Soql::from_static("SELECT Id FROM Account");
    let err = client(&server)
        .query::<Record>(&soql)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("nextRecordsUrl"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
