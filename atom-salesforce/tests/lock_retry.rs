//! `UNABLE_TO_LOCK_ROW` (another transaction holds the record's lock) is retried with
//! backoff, as Salesforce advises, whatever the method: the failed transaction was rolled
//! back. Requests are counted, never timed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::Account;
use common::{client, data, fixture};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCOUNT_ID: &str = "001D000000JliSTIAZ";

fn locked() -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_string(fixture("unable_to_lock_row_response.json"))
}

#[tokio::test]
async fn an_update_that_meets_a_locked_row_is_retried_until_it_goes_through() {
    let server = MockServer::start().await;
    let record = data(&format!("/sobjects/Account/{ACCOUNT_ID}"));
    Mock::given(method("PATCH"))
        .and(path(record.clone()))
        .respond_with(locked())
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(record))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let change = Account {
        industry: Some("Energy".into()),
        ..Default::default()
    };
    sf.accounts().update(ACCOUNT_ID, &change).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_create_that_meets_a_locked_row_is_retried_and_a_lasting_lock_is_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/sobjects/Account")))
        .respond_with(locked())
        .expect(3)
        .mount(&server)
        .await;
    let sf = client(&server);
    let account = Account {
        name: Some("Acme".into()),
        ..Default::default()
    };
    let err = sf.accounts().create(&account).await.unwrap_err();
    // The test client allows 3 attempts: all three were made, then the error came out.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(
        (err.kind(), err.provider_code(), err.status()),
        (ErrorKind::Conflict, Some("UNABLE_TO_LOCK_ROW"), Some(400))
    );
    assert!(err.is_retryable());
}
