//! The exact request of each operation family: method, path, `minorversion`, `requestid`,
//! headers and JSON body.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use atom_core::{Connector as _, ErrorKind, Request};
use atom_quickbooks::*;
use common::*;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(fixture(name))
        .insert_header("intuit_tid", "1-6789abcd-tid")
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36 && s.bytes().filter(|b| *b == b'-').count() == 4
}

#[tokio::test]
async fn get_reads_one_entity_with_minorversion_and_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1")))
        .and(query_param("minorversion", "75"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(ok("invoice"))
        .expect(1)
        .mount(&server)
        .await;
    let invoice = client(&server).invoices().get("1").await.unwrap();
    assert_eq!(invoice.id.as_deref(), Some("1"));
    assert_eq!(invoice.doc_number.as_deref(), Some("1001"));
    let r = &requests(&server).await[0];
    assert_eq!(
        query_value(r, "requestid"),
        None,
        "reads carry no requestid"
    );
}

#[tokio::test]
async fn minor_version_is_overridable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("customer/2")))
        .and(query_param("minorversion", "70"))
        .respond_with(ok("customer"))
        .expect(1)
        .mount(&server)
        .await;
    let qb = Client::builder()
        .base_url(server.uri())
        .realm_id(REALM)
        .access_token(TOKEN)
        .minor_version(70)
        .build()
        .unwrap();
    qb.customers().get("2").await.unwrap();
}

#[tokio::test]
async fn create_posts_json_with_a_generated_requestid() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("invoice")))
        .and(query_param("minorversion", "75"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "CustomerRef": {"value": "58"},
            "Line": [{"Amount": 1250.5, "DetailType": "SalesItemLineDetail",
                      "SalesItemLineDetail": {"ItemRef": {"value": "1"}}}]
        })))
        .respond_with(ok("invoice"))
        .expect(1)
        .mount(&server)
        .await;
    let mut invoice = Invoice::default();
    invoice.customer_ref = Some(Ref::new("58"));
    invoice.line = vec![Line::sales_item("1250.50".parse().unwrap(), Ref::new("1"))];
    client(&server).invoices().create(&invoice).await.unwrap();
    let r = &requests(&server).await[0];
    let id = query_value(r, "requestid").unwrap();
    assert!(is_uuid(&id), "{id}");
    // The amount is the exact number given (the core writes 1250.50 as 1250.5).
    assert!(String::from_utf8_lossy(&r.body).contains("\"Amount\":1250.5,"));
}

#[tokio::test]
async fn create_uses_the_callers_requestid() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("customer")))
        .and(query_param("requestid", "crm-acme-1"))
        .respond_with(ok("customer"))
        .expect(1)
        .mount(&server)
        .await;
    let mut c = Customer::default();
    c.display_name = Some("Acme".into());
    client(&server)
        .customers()
        .request_id("crm-acme-1")
        .create(&c)
        .await
        .unwrap();
}

#[tokio::test]
async fn full_update_sends_id_synctoken_and_sparse_false() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("customer")))
        .respond_with(ok("customer"))
        .expect(1)
        .mount(&server)
        .await;
    let mut c = Customer::default();
    c.id = Some("2".into());
    c.sync_token = Some("3".into());
    c.display_name = Some("Acme".into());
    client(&server).customers().update(&c).await.unwrap();
    let body = common::body_json(&requests(&server).await[0]);
    assert_eq!(
        body,
        json!({"Id": "2", "SyncToken": "3", "DisplayName": "Acme", "sparse": false})
    );
}

#[tokio::test]
async fn sparse_update_sends_only_set_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("invoice")))
        .and(body_json(
            json!({"Id": "1", "SyncToken": "2", "PrivateNote": "checked", "sparse": true}),
        ))
        .respond_with(ok("invoice"))
        .expect(1)
        .mount(&server)
        .await;
    let mut inv = Invoice::default();
    inv.id = Some("1".into());
    inv.sync_token = Some("2".into());
    inv.private_note = Some("checked".into());
    client(&server)
        .invoices()
        .sparse_update(&inv)
        .await
        .unwrap();
    assert!(query_value(&requests(&server).await[0], "requestid").is_some());
}

#[tokio::test]
async fn delete_posts_operation_delete_with_id_and_synctoken() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("invoice")))
        .and(query_param("operation", "delete"))
        .and(body_json(json!({"Id": "1", "SyncToken": "2"})))
        .respond_with(ok("invoice_delete"))
        .expect(1)
        .mount(&server)
        .await;
    let inv: Invoice = serde_json::from_value(fixture("invoice")["Invoice"].clone()).unwrap();
    let deleted = client(&server).invoices().delete(&inv).await.unwrap();
    assert!(deleted.is_deleted());
    assert!(query_value(&requests(&server).await[0], "requestid").is_some());
}

#[tokio::test]
async fn void_of_an_invoice_is_operation_void() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("invoice")))
        .and(query_param("operation", "void"))
        .and(body_json(json!({"Id": "1", "SyncToken": "2"})))
        .respond_with(ok("invoice_void"))
        .expect(1)
        .mount(&server)
        .await;
    let inv: Invoice = serde_json::from_value(fixture("invoice")["Invoice"].clone()).unwrap();
    client(&server).invoices().void(&inv).await.unwrap();
}

#[tokio::test]
async fn void_of_a_payment_is_a_sparse_update_with_include_void() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("payment")))
        .and(query_param("operation", "update"))
        .and(query_param("include", "void"))
        .and(body_json(
            json!({"Id": "8748", "SyncToken": "0", "sparse": true}),
        ))
        .respond_with(ok("payment_void"))
        .expect(1)
        .mount(&server)
        .await;
    let mut pay = Payment::default();
    pay.id = Some("8748".into());
    pay.sync_token = Some("0".into());
    let voided = client(&server).payments().void(&pay).await.unwrap();
    assert_eq!(voided.private_note.as_deref(), Some("Voided"));
}

#[tokio::test]
async fn send_emails_the_invoice_to_an_address() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("invoice/1/send")))
        .and(query_param("sendTo", "ap@example.com"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(ok("invoice_send"))
        .expect(1)
        .mount(&server)
        .await;
    let sent = client(&server)
        .invoices()
        .send("1", Some("ap@example.com"))
        .await
        .unwrap();
    assert_eq!(sent.email_status, Some(EmailStatus::EmailSent));
}

#[tokio::test]
async fn pdf_asks_for_application_pdf_and_returns_the_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("invoice/1/pdf")))
        .and(header("accept", "application/pdf"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(b"%PDF-1.4 fake".to_vec(), "application/pdf"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let pdf = client(&server).invoices().pdf("1").await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
}

#[tokio::test]
async fn a_pdf_answer_that_is_a_fault_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("salesreceipt/9/pdf")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("fault_query_200")))
        .mount(&server)
        .await;
    let err = client(&server).sales_receipts().pdf("9").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.provider_code(), Some("4000"));
}

#[tokio::test]
async fn count_sends_select_count_and_reads_total_count() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("query")))
        .and(query_param(
            "query",
            "SELECT COUNT(*) FROM Invoice WHERE Balance > 0",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"QueryResponse": {"totalCount": 42}, "time": "2026-11-29T09:00:00-08:00"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let n = client(&server)
        .invoices()
        .count(&Query::of::<Invoice>().filter("Balance", Op::Gt, 0))
        .await
        .unwrap();
    assert_eq!(n, 42);
}

#[tokio::test]
async fn company_info_and_preferences_are_read_without_an_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p(&format!("companyinfo/{REALM}"))))
        .respond_with(ok("company_info"))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("preferences")))
        .respond_with(ok("preferences"))
        .expect(1)
        .mount(&server)
        .await;
    let qb = client(&server);
    let info = qb.company_info().await.unwrap();
    assert!(info.company_name.is_some());
    qb.preferences().await.unwrap();
    // health() is the same cheap call.
    let health = qb.health().await.unwrap();
    let _ = health;
}

#[tokio::test]
async fn raw_send_takes_relative_paths_under_the_company_and_adds_minorversion() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("class/1")))
        .and(query_param("minorversion", "75"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Class": {"Id": "1"}})))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).send(Request::get("class/1")).await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
}

#[tokio::test]
async fn raw_send_of_a_post_carries_a_requestid() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("class")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Class": {"Id": "1"}})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .request(Request::post("class").json(&json!({"Name": "Overhead"})))
        .await
        .unwrap();
    let r = &requests(&server).await[0];
    assert!(is_uuid(&query_value(r, "requestid").unwrap()));
}

#[tokio::test]
async fn sandbox_and_production_hosts_are_chosen_explicitly() {
    let none = Client::builder()
        .realm_id(REALM)
        .access_token(TOKEN)
        .build();
    assert_eq!(none.unwrap_err().kind(), ErrorKind::Config);
    let sandbox = Client::builder()
        .environment(Environment::Sandbox)
        .realm_id(REALM)
        .access_token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(
        sandbox.api().base_url().as_str(),
        "https://sandbox-quickbooks.api.intuit.com/"
    );
    let prod = Client::builder()
        .environment(Environment::Production)
        .realm_id(REALM)
        .access_token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(
        prod.api().base_url().as_str(),
        "https://quickbooks.api.intuit.com/"
    );
    assert_eq!(
        prod.company_path("invoice"),
        format!("/v3/company/{REALM}/invoice")
    );
}

#[tokio::test]
async fn the_realm_is_the_rate_limit_tenant() {
    let qb = Client::builder()
        .environment(Environment::Sandbox)
        .realm_id(REALM)
        .access_token(TOKEN)
        .build()
        .unwrap();
    let shown = format!("{:?}", qb.api());
    assert!(shown.contains(REALM), "{shown}");
    assert!(!shown.contains(TOKEN));
}

#[tokio::test]
async fn every_write_carries_a_requestid_and_minorversion() {
    let server = MockServer::start().await;
    for (resource, answer) in [("salesreceipt", "sales_receipt"), ("invoice", "invoice")] {
        Mock::given(method("POST"))
            .and(path(p(resource)))
            .respond_with(ok(answer))
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(p("salesreceipt/5/send")))
        .respond_with(ok("sales_receipt"))
        .mount(&server)
        .await;
    let qb = client(&server);
    let mut receipt = SalesReceipt::default();
    receipt.id = Some("5".into());
    receipt.sync_token = Some("1".into());
    qb.sales_receipts()
        .create(&SalesReceipt::default())
        .await
        .unwrap();
    qb.sales_receipts().update(&receipt).await.unwrap();
    qb.sales_receipts().sparse_update(&receipt).await.unwrap();
    qb.sales_receipts().delete(&receipt).await.unwrap();
    qb.sales_receipts().void(&receipt).await.unwrap();
    qb.sales_receipts().send("5", None).await.unwrap();
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 6);
    let mut ids = std::collections::HashSet::new();
    for r in &seen {
        assert_eq!(
            query_value(r, "minorversion").as_deref(),
            Some("75"),
            "{}",
            r.url
        );
        let id = query_value(r, "requestid").unwrap_or_else(|| panic!("no requestid: {}", r.url));
        assert!(ids.insert(id), "each operation gets its own requestid");
    }
    // The sales receipt void is the sparse update form.
    let void = &seen[4];
    assert_eq!(query_value(void, "operation").as_deref(), Some("update"));
    assert_eq!(query_value(void, "include").as_deref(), Some("void"));
}
