//! Fault bodies in every form → typed errors; what is retried and with which `requestid`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use atom_core::{ErrorKind, Request};
use atom_quickbooks::error::{FaultType, QuickBooksErrorInfo, map_error, parse_fault};
use atom_quickbooks::*;
use common::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn invoice_v(sync: &str) -> Invoice {
    let mut inv: Invoice = serde_json::from_value(fixture("invoice")["Invoice"].clone()).unwrap();
    inv.sync_token = Some(sync.into());
    inv
}

#[tokio::test]
async fn a_stale_synctoken_is_a_conflict_and_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("invoice")))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(fixture("fault_stale"))
                .insert_header("intuit_tid", "1-stale-tid"),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .invoices()
        .sparse_update(&invoice_v("1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(err.provider_code(), Some("5010"));
    assert_eq!(err.request_id(), Some("1-stale-tid"));
    assert_eq!(err.status(), Some(400));
    let info = err.provider_details::<QuickBooksErrorInfo>().unwrap();
    assert!(info.is_stale_object());
    assert_eq!(info.fault_type, Some(FaultType::Validation));
    assert_eq!(
        requests(&server).await.len(),
        1,
        "a stale update is never retried"
    );
}

#[tokio::test]
async fn a_retried_create_carries_the_same_requestid() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("invoice")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("invoice")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("invoice")))
        .mount(&server)
        .await;
    let mut inv = Invoice::default();
    inv.customer_ref = Some(Ref::new("2"));
    client(&server).invoices().create(&inv).await.unwrap();
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 2);
    let first = query_value(&seen[0], "requestid").unwrap();
    let second = query_value(&seen[1], "requestid").unwrap();
    assert_eq!(first, second, "the retry must carry the same requestid");
}

#[tokio::test]
async fn a_caller_requestid_is_kept_across_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("payment")))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("payment")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("payment")))
        .mount(&server)
        .await;
    client(&server)
        .payments()
        .request_id("stripe-py_1")
        .create(&Payment::default())
        .await
        .unwrap();
    let ids: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| query_value(r, "requestid").unwrap())
        .collect();
    assert_eq!(ids, vec!["stripe-py_1"; 3]);
}

#[tokio::test]
async fn a_429_throttle_fault_waits_and_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_raw(fixture_text("fault_throttle_429.xml"), "application/xml")
                .insert_header("retry-after", "0"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("invoice")))
        .mount(&server)
        .await;
    client(&server).invoices().get("1").await.unwrap();
    assert_eq!(requests(&server).await.len(), 2);
}

/// Intuit also answers a throttle with HTTP 200 and a `Fault` body: it is an error, and it
/// is retried like the 429 one (the core's `error_in_success` hook).
#[tokio::test]
async fn a_throttle_fault_sent_with_200_is_retried() {
    let server = MockServer::start().await;
    let fault = serde_json::json!({
        "Fault": {
            "Error": [{"Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                       "Detail": "The request limit was reached.", "code": "3001"}],
            "type": "ThrottleExceeded"
        },
        "time": "2025-01-01T10:00:00.000-08:00"
    });
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&fault))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("invoice")))
        .mount(&server)
        .await;
    client(&server).invoices().get("1").await.unwrap();
    assert_eq!(requests(&server).await.len(), 2);

    // A validation fault with 200 is an error too, and is not retried.
    let server = MockServer::start().await;
    let fault = serde_json::json!({
        "Fault": {"Error": [{"Message": "Invalid Reference Id", "code": "2500"}],
                  "type": "ValidationFault"},
        "time": "2025-01-01T10:00:00.000-08:00"
    });
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&fault))
        .mount(&server)
        .await;
    let err = client(&server).invoices().get("1").await.unwrap_err();
    assert_eq!(err.provider_code(), Some("2500"));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn throttle_exceeded_with_403_is_rate_limited_and_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_raw(fixture_text("fault_throttle_403.xml"), "application/xml"),
        )
        .mount(&server)
        .await;
    let err = client(&server).invoices().get("1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.provider_code(), Some("3001"));
    assert_eq!(
        requests(&server).await.len(),
        3,
        "retried up to the policy's 3 attempts"
    );
}

#[tokio::test]
async fn a_query_fault_with_http_200_is_an_error_with_every_entry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("query")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("fault_query_200"))
                .insert_header("intuit_tid", "1-query-tid"),
        )
        .mount(&server)
        .await;
    use futures::StreamExt as _;
    let mut stream = client(&server).invoices().list();
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.request_id(), Some("1-query-tid"));
    let info = err.provider_details::<QuickBooksErrorInfo>().unwrap();
    assert_eq!(info.codes(), vec!["4000", "4001"]);
    assert_eq!(err.details().len(), 2);
    assert!(
        stream.next().await.is_none(),
        "a validation fault ends the stream"
    );
}

#[tokio::test]
async fn raw_send_never_returns_a_200_fault_as_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("class/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("fault_stale")))
        .mount(&server)
        .await;
    let err = client(&server)
        .send(Request::get("class/1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn an_entity_answer_holding_a_fault_with_200_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("customer")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture_text("fault_duplicate.xml"), "application/xml"),
        )
        .mount(&server)
        .await;
    // The XML body is not JSON: the entity decoder reports it, and never as success.
    let err = client(&server)
        .customers()
        .create(&Customer::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Decode | ErrorKind::InvalidRequest),
        "{err}"
    );
}

#[tokio::test]
async fn the_gateways_lower_case_401_fault_is_unauthorized() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("fault_auth_401")))
        .mount(&server)
        .await;
    let err = client(&server).invoices().get("1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.provider_code(), Some("3200"));
    let info = err.provider_details::<QuickBooksErrorInfo>().unwrap();
    assert_eq!(info.fault_type, Some(FaultType::Gateway));
}

#[tokio::test]
async fn a_system_fault_is_a_server_error_and_a_read_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_raw(fixture_text("generic_error.xml"), "application/xml"),
        )
        .mount(&server)
        .await;
    let err = client(&server).invoices().get("1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.provider_code(), Some("10000"));
    assert_eq!(requests(&server).await.len(), 3);
}

#[test]
fn the_xml_validation_fault_keeps_every_error_and_element() {
    let body = fixture_text("fault_validation.xml");
    let fault = parse_fault(body.as_bytes()).unwrap();
    assert_eq!(fault.errors.len(), 2);
    let err = map_error(
        http::StatusCode::BAD_REQUEST,
        &http::HeaderMap::new(),
        body.as_bytes(),
    );
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let info = err.provider_details::<QuickBooksErrorInfo>().unwrap();
    assert_eq!(info.errors[0].element.as_deref(), Some("firstname"));
    assert_eq!(info.errors[1].code.as_deref(), Some("2080"));
    assert_eq!(
        info.errors[1].detail.as_deref(),
        Some("ZipCode should be a number with at least 5 digits")
    );
    assert_eq!(
        err.message(),
        "Length exceeds limit: Length of the field exceeds 21 chars"
    );
}

#[test]
fn a_duplicate_name_is_invalid_request_not_conflict() {
    let body = fixture_text("fault_duplicate.xml");
    let err = map_error(
        http::StatusCode::BAD_REQUEST,
        &http::HeaderMap::new(),
        body.as_bytes(),
    );
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.provider_code(), Some("6240"));
}

#[test]
fn a_body_that_is_not_a_fault_falls_back_to_the_status() {
    let err = map_error(
        http::StatusCode::BAD_GATEWAY,
        &http::HeaderMap::new(),
        b"<html>bad gateway</html>",
    );
    assert_eq!(err.kind(), ErrorKind::Server);
    let err = map_error(
        http::StatusCode::BAD_REQUEST,
        &http::HeaderMap::new(),
        br#"{"error":"invalid_grant"}"#,
    );
    assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired);
}

#[tokio::test]
async fn a_fault_that_echoes_the_access_token_does_not_leak_it() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"Fault": {"Error": [{
        "Message": "AuthenticationFailed",
        "Detail": format!("Token {TOKEN} is expired"),
        "code": "3200"
    }], "type": "AuthenticationFault"}});
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .respond_with(ResponseTemplate::new(401).set_body_json(body))
        .mount(&server)
        .await;
    let err = client(&server).invoices().get("1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(!err.to_string().contains(TOKEN), "{err}");
    assert!(!format!("{err:?}").contains(TOKEN));
    // An opaque token (nothing credential-shaped about it) is kept out too.
    let opaque = "opaque0token0value0123";
    let body = serde_json::json!({"Fault": {"Error": [{
        "Message": "AuthenticationFailed", "Detail": format!("Token {opaque} is expired"), "code": "3200"
    }], "type": "AuthenticationFault"}});
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .respond_with(ResponseTemplate::new(401).set_body_json(body))
        .mount(&server)
        .await;
    let qb = Client::builder()
        .base_url(server.uri())
        .realm_id(REALM)
        .access_token(opaque)
        .build()
        .unwrap();
    let err = qb.invoices().get("1").await.unwrap_err();
    assert!(!err.to_string().contains(opaque), "{err}");
    assert!(!format!("{err:?}").contains(opaque), "{err:?}");
}

#[tokio::test]
async fn the_client_is_a_connector() {
    use atom_core::Connector;
    let server = MockServer::start().await;
    let connector: Box<dyn Connector> = Box::new(client(&server));
    assert_eq!(connector.service(), "quickbooks");
    let info = connector.info();
    assert_eq!(info.category, atom_core::Category::Billing);
    assert!(!format!("{:?}", client(&server)).contains(TOKEN));
}

#[test]
fn xml_faults_with_empty_errors_or_a_broken_tail_keep_what_was_read() {
    let fault = parse_fault(
        br#"<IntuitResponse><Fault type="SystemFault"><Error code="10000"/><Error code="2">"#,
    )
    .unwrap();
    assert_eq!(fault.errors.len(), 1);
    assert_eq!(fault.errors[0].code.as_deref(), Some("10000"));
    let empty =
        parse_fault(br#"<IntuitResponse><Fault type="SERVICE"/></IntuitResponse>"#).unwrap();
    assert!(empty.errors.is_empty());
    assert!(parse_fault(b"<html><body>502</body></html>").is_none());
}
