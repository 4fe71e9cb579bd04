//! Apex REST calls and Tooling API queries through the client's request path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::Record;
use atom_salesforce::apex::ApexCall;
use atom_salesforce::soql::Soql;
use common::{client, fixture_json};
use futures::TryStreamExt as _;
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Invoice {
    id: String,
    status: String,
}

#[tokio::test]
async fn apex_calls_escape_segments_and_carry_json_both_ways() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/services/apexrest/Invoices/v1/A%2F1%20b"))
        .and(query_param("dryRun", "true & more"))
        .and(header("authorization", "Bearer 00Dx0000000BV7z!static"))
        .and(body_json(json!({"amount": 120.5})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "A/1 b", "status": "Open"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/services/apexrest/Invoices/v1/X"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let call = ApexCall::new(http::Method::PUT, &["Invoices", "v1", "A/1 b"])
        .unwrap()
        .query("dryRun", "true & more")
        .json(&json!({"amount": 120.5}))
        .unwrap();
    let invoice: Invoice = sf.apex(&call).await.unwrap();
    assert_eq!(
        invoice,
        Invoice {
            id: "A/1 b".into(),
            status: "Open".into()
        }
    );
    let delete = ApexCall::new(http::Method::DELETE, &["Invoices", "v1", "X"]).unwrap();
    let (): () = sf.apex(&delete).await.unwrap();
}

#[tokio::test]
async fn apex_errors_are_mapped_and_bad_paths_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/apexrest/Invoices"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!([{
            "errorCode": "JSON_PARSER_ERROR",
            "message": "Unexpected character ('}' (code 125)): was expecting double-quote to start field name at [line:1, column:2]"
        }])))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let err = sf
        .apex::<Value>(&ApexCall::post(&["Invoices"]).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("JSON_PARSER_ERROR"));
    assert_eq!(err.status(), Some(400));
    for bad in [&[][..], &[".."][..], &["Invoices", ""][..]] {
        let err = ApexCall::get(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad:?}");
    }
    let too_many = vec!["a"; 33];
    assert!(ApexCall::get(&too_many).is_err());
}

#[tokio::test]
async fn tooling_queries_follow_every_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v67.0/tooling/query"))
        .and(query_param("q", "SELECT Id, Name FROM ApexClass"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture_json("tooling_query_first_page_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/services/data/v67.0/tooling/query/01gD0000002HU6KIAW-2",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture_json("tooling_query_last_page_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let soql = Soql::from_static("SELECT Id, Name FROM ApexClass");
    let classes: Vec<Record> = sf.tooling_query(&soql).try_collect().await.unwrap();
    let names: Vec<_> = classes
        .iter()
        .map(|r| r.get_str("Name").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        names,
        ["InvoiceService", "InvoiceServiceTest", "LeadRouter"]
    );
}
