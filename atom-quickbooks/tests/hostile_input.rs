//! The issue's bad input: refused before any request, with a clear error.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use atom_core::{ErrorKind, Request};
use atom_quickbooks::batch::BatchOp;
use atom_quickbooks::*;
use common::*;
use futures::StreamExt as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn nothing_sent(server: &MockServer) {
    assert!(requests(server).await.is_empty(), "a request was sent");
}

#[tokio::test]
async fn a_realm_id_that_is_not_digits_is_refused() {
    for realm in ["", "12a", "123/../456", "1 2", "１２３", &"9".repeat(33)] {
        let err = Client::builder()
            .environment(Environment::Sandbox)
            .realm_id(realm)
            .access_token(TOKEN)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{realm:?}");
    }
}

#[tokio::test]
async fn entity_ids_that_could_change_the_path_are_refused() {
    let server = MockServer::start().await;
    let qb = client(&server);
    for id in [
        "",
        "1/2",
        "1?x=1",
        "1#f",
        "..",
        "../customer/2",
        "1%2F2",
        "a b",
        "1\n",
    ] {
        assert_eq!(
            qb.invoices().get(id).await.unwrap_err().kind(),
            ErrorKind::Config,
            "{id:?}"
        );
        assert_eq!(
            qb.invoices().pdf(id).await.unwrap_err().kind(),
            ErrorKind::Config,
            "{id:?}"
        );
        assert_eq!(
            qb.invoices().send(id, None).await.unwrap_err().kind(),
            ErrorKind::Config,
            "{id:?}"
        );
    }
    nothing_sent(&server).await;
}

#[tokio::test]
async fn a_query_value_cannot_close_its_quote() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(p("query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(invoice_page(1, 0, 1000)))
        .mount(&server)
        .await;
    let hostile = "x' OR Id > '0";
    let _ = client(&server)
        .customers()
        .query(Query::of::<Customer>().filter("DisplayName", Op::Eq, hostile))
        .next()
        .await;
    let sent = query_value(&requests(&server).await[0], "query").unwrap();
    assert_eq!(
        sent,
        r"SELECT * FROM Customer WHERE DisplayName = 'x\' OR Id > \'0' STARTPOSITION 1 MAXRESULTS 1000"
    );
    let backslash = Query::of::<Customer>()
        .filter("DisplayName", Op::Eq, r"a\' OR 1=1")
        .page_text(1, 1)
        .unwrap();
    assert_eq!(
        backslash,
        r"SELECT * FROM Customer WHERE DisplayName = 'a\\\' OR 1=1' STARTPOSITION 1 MAXRESULTS 1"
    );
}

#[tokio::test]
async fn bad_field_names_and_control_characters_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let qb = client(&server);
    let bad = [
        Query::of::<Invoice>().filter("Id = '1' OR Id", Op::Eq, "1"),
        Query::of::<Invoice>().filter("DocNumber", Op::Eq, "a\nb"),
        Query::of::<Invoice>().order_by("TxnDate; DROP"),
        Query::of::<Invoice>().select(&["*"]),
        Query::of::<Invoice>().page_size(0),
        Query::of::<Invoice>().page_size(1001),
        Query::of::<Invoice>().filter_in("Id", Vec::<String>::new()),
    ];
    for q in bad {
        let err = qb
            .invoices()
            .query(q.clone())
            .next()
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{q:?}");
        assert_eq!(
            qb.invoices().count(&q).await.unwrap_err().kind(),
            ErrorKind::Config
        );
    }
    assert_eq!(
        Query::new("Invoice WHERE").validate().unwrap_err().kind(),
        ErrorKind::Config
    );
    nothing_sent(&server).await;
}

#[tokio::test]
async fn an_update_without_a_synctoken_is_refused() {
    let server = MockServer::start().await;
    let qb = client(&server);
    let mut inv = Invoice::default();
    inv.id = Some("1".into());
    for err in [
        qb.invoices().update(&inv).await.unwrap_err(),
        qb.invoices().sparse_update(&inv).await.unwrap_err(),
        qb.invoices().delete(&inv).await.unwrap_err(),
        qb.invoices().void(&inv).await.unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains("SyncToken"), "{err}");
    }
    let mut no_id = Invoice::default();
    no_id.sync_token = Some("0".into());
    assert_eq!(
        qb.invoices().update(&no_id).await.unwrap_err().kind(),
        ErrorKind::Config
    );
    nothing_sent(&server).await;
}

#[tokio::test]
async fn a_batch_of_zero_and_a_cdc_older_than_30_days_are_refused() {
    let server = MockServer::start().await;
    let qb = client(&server);
    assert_eq!(
        qb.batch(Vec::<BatchOp>::new()).await.unwrap_err().kind(),
        ErrorKind::Config
    );
    let old = chrono::Utc::now().fixed_offset() - chrono::Duration::days(31);
    assert_eq!(
        qb.cdc(&["Invoice"], old).await.unwrap_err().kind(),
        ErrorKind::Config
    );
    nothing_sent(&server).await;
}

#[tokio::test]
async fn a_requestid_that_cannot_be_kept_is_refused() {
    let server = MockServer::start().await;
    let qb = client(&server);
    for id in ["", "a&b=c", "with space", &"x".repeat(51), "é"] {
        let err = qb
            .customers()
            .request_id(id)
            .create(&Customer::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{id:?}");
    }
    let err = qb
        .send(Request::post("customer").query("requestid", "a b"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    nothing_sent(&server).await;
}

#[tokio::test]
async fn send_to_must_be_one_address() {
    let server = MockServer::start().await;
    let qb = client(&server);
    for to in ["", "a@b.c\nBcc: x@y.z", "a@b.c,x@y.z", "not-an-address"] {
        assert_eq!(
            qb.invoices().send("1", Some(to)).await.unwrap_err().kind(),
            ErrorKind::Config,
            "{to:?}"
        );
    }
    nothing_sent(&server).await;
}

#[tokio::test]
async fn a_missing_credential_or_realm_is_a_config_error() {
    let no_token = Client::builder()
        .environment(Environment::Sandbox)
        .realm_id(REALM)
        .build();
    assert_eq!(no_token.unwrap_err().kind(), ErrorKind::Config);
    let no_realm = Client::builder()
        .environment(Environment::Sandbox)
        .access_token(TOKEN)
        .build();
    assert_eq!(no_realm.unwrap_err().kind(), ErrorKind::Config);
    let http_base = Client::builder()
        .base_url("http://quickbooks.example.com")
        .realm_id(REALM)
        .access_token(TOKEN)
        .build();
    assert_eq!(http_base.unwrap_err().kind(), ErrorKind::Config);
}
