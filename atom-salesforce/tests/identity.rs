//! The UserInfo endpoint and token revocation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::{ErrorKind, Secret};
use common::{client, fixture};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn userinfo_describes_the_tokens_user() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/services/oauth2/userinfo"))
        .and(header("authorization", "Bearer 00Dx0000000BV7z!static"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("userinfo_success_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let me = client(&server).userinfo().await.unwrap();
    assert_eq!(me.user_id.as_deref(), Some("005x00000012Q9PAAU"));
    assert_eq!(me.organization_id.as_deref(), Some("00Dx0000000BV7zEAG"));
    assert_eq!(
        me.preferred_username.as_deref(),
        Some("jane.doe@acme.example")
    );
    assert_eq!(me.email_verified, Some(true));
    assert_eq!(me.utc_offset, Some(-28_800_000));
    assert_eq!(
        me.url("query"),
        Some("https://acme.my.salesforce.com/services/data/v{version}/query/")
    );
    // What the model does not name is kept.
    assert!(me.extra.get("photos").is_some());
}

#[tokio::test]
async fn revoke_posts_the_token_as_a_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/revoke"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("token=5Aep861%2B%2Frefresh%3D%3D"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .revoke_token(&Secret::new("5Aep861+/refresh=="))
        .await
        .unwrap();
}

#[tokio::test]
async fn revoking_an_invalid_token_is_a_typed_error_without_the_token() {
    let server = MockServer::start().await;
    // Salesforce's documented answer for every revocation failure: 400 and an OAuth error.
    Mock::given(method("POST"))
        .and(path("/services/oauth2/revoke"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"error":"invalid_token","error_description":"invalid token"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .revoke_token(&Secret::new("5Aep861-not-valid"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.provider_code(), err.status()),
        (ErrorKind::InvalidRequest, Some("invalid_token"), Some(400))
    );
    assert!(!format!("{err} {err:?}").contains("5Aep861-not-valid"));
}

#[tokio::test]
async fn the_identity_url_of_a_token_is_read_on_the_instance() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/id/00Dx0000000BV7zEAG/005x00000012Q9PAAU"))
        .and(query_param("version", atom_salesforce::DEFAULT_API_VERSION))
        .and(header("authorization", "Bearer 00Dx0000000BV7z!static"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("identity_success_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let who = client(&server)
        .identity("https://login.salesforce.com/id/00Dx0000000BV7zEAG/005x00000012Q9PAAU")
        .await
        .unwrap();
    assert_eq!(who.asserted_user, Some(true));
    assert_eq!(who.username.as_deref(), Some("jane.doe@acme.example"));
    assert_eq!(who.utc_offset, Some(-28_800_000));
    assert_eq!(
        who.url("rest"),
        Some("https://acme.my.salesforce.com/services/data/v67.0/")
    );
    assert!(who.extra.get("photos").is_some());
}

#[tokio::test]
async fn an_identity_url_that_is_not_one_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let sf = client(&server);
    for url in [
        "https://login.salesforce.com/id/00Dx0000000BV7zEAG/../../services/data",
        "https://login.salesforce.com/id/00Dx0000000BV7zEAG",
        "https://login.salesforce.com/services/data/v67.0/x",
        "https://login.salesforce.com/id/00Dx0000000BV7zEAG/005x00000012Q9PAAU/extra",
        "",
    ] {
        let err = sf.identity(url).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
    }
}
