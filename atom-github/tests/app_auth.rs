//! GitHub App auth: JWT claims, one exchange for many concurrent calls, clock-skew
//! correction, refresh after 401, bad keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use atom_core::ErrorKind;
use atom_github::auth::{AppClaims, app_claims, clock_skew};
use atom_github::{Client, GitHubApp};
use common::{fast_retry, fast_writes, fixture};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EXCHANGE: &str = "/app/installations/42/access_tokens";
const ISSUE: &str = "/repos/octocat/Hello-World/issues/1347";

fn key() -> Vec<u8> {
    fixture("test-app-key.pem").into_bytes()
}

fn token_body(token: &str) -> String {
    let mut v: Value = serde_json::from_str(&fixture("installation-token.json")).unwrap();
    v["token"] = token.into();
    v["expires_at"] = (chrono::Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339()
        .into();
    v.to_string()
}

fn app(uri: &str) -> Arc<GitHubApp> {
    GitHubApp::builder("12345", &key())
        .base_url(uri)
        .retry_policy(fast_retry())
        .build()
        .unwrap()
}

fn claims_of(request: &wiremock::Request) -> AppClaims {
    let auth = request
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    let jwt = auth.strip_prefix("Bearer ").unwrap();
    let public = fixture("test-app-key.pub.pem");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<AppClaims>(
        jwt,
        &DecodingKey::from_rsa_pem(public.as_bytes()).unwrap(),
        &validation,
    )
    .unwrap()
    .claims
}

#[test]
fn claims_and_skew_are_pure() {
    let c = app_claims("12345", 1_700_000_000, 0);
    assert_eq!(
        (c.iat, c.exp, c.iss.as_str()),
        (1_699_999_940, 1_700_000_540, "12345")
    );
    assert!(c.exp - c.iat <= 600, "GitHub allows at most 10 minutes");
    let c = app_claims("1", 1_700_000_000, -120);
    assert_eq!(c.iat, 1_699_999_820);
    let now = chrono::DateTime::from_timestamp(1_445_412_480, 0).unwrap();
    assert_eq!(clock_skew("Wed, 21 Oct 2015 07:30:00 GMT", now), Some(120));
    assert_eq!(clock_skew("yesterday", now), None);
}

#[tokio::test]
async fn many_concurrent_calls_cause_one_exchange() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EXCHANGE))
        .and(header("accept", "application/vnd.github+json"))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(token_body("ghs_one"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ISSUE))
        .and(header("authorization", "Bearer ghs_one"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(fixture("issue.json"), "application/json"),
        )
        .expect(50)
        .mount(&server)
        .await;
    let app = app(&server.uri());
    let github = Client::builder()
        .base_url(server.uri())
        .authenticator(app.installation_authenticator(42))
        .tenant("installation-42")
        .retry_policy(fast_retry())
        .class_limits(atom_github::WRITE_CLASS, fast_writes())
        .build()
        .unwrap();
    let calls = (0..50).map(|_| {
        let github = github.clone();
        tokio::spawn(async move { github.issues("octocat", "Hello-World").get(1347).await })
    });
    for call in futures::future::join_all(calls).await {
        assert_eq!(call.unwrap().unwrap().number, 1347);
    }
    let requests = server.received_requests().await.unwrap();
    let exchange = requests.iter().find(|r| r.url.path() == EXCHANGE).unwrap();
    let claims = claims_of(exchange);
    let now = chrono::Utc::now().timestamp();
    assert_eq!(claims.iss, "12345");
    assert!((claims.iat - (now - 60)).abs() <= 5, "iat 60 s in the past");
    assert_eq!(claims.exp - claims.iat, 600);
    let token = app.installation_token(42).await.unwrap();
    assert_eq!(token.access_token.expose(), "ghs_one");
    assert_eq!(
        token
            .extra
            .get("repository_selection")
            .and_then(Value::as_str),
        Some("selected")
    );
}

#[tokio::test]
async fn a_refused_jwt_is_resigned_with_the_servers_clock() {
    let server = MockServer::start().await;
    let server_time = chrono::Utc::now() + chrono::Duration::hours(1);
    Mock::given(method("POST"))
        .and(path(EXCHANGE))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("date", httpdate::fmt_http_date(server_time.into()))
                .set_body_raw(
                    r#"{"message":"'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued","documentation_url":"https://docs.github.com/rest"}"#,
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(EXCHANGE))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(token_body("ghs_two"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let app = app(&server.uri());
    let token = app.installation_token(42).await.unwrap();
    assert_eq!(token.access_token.expose(), "ghs_two");
    assert!(
        (app.clock_skew() - 3600).abs() <= 5,
        "skew {}",
        app.clock_skew()
    );
    let requests = server.received_requests().await.unwrap();
    let second = claims_of(&requests[1]);
    assert!((second.iat - (server_time.timestamp() - 60)).abs() <= 5);
}

#[tokio::test]
async fn a_401_from_the_api_mints_a_new_installation_token_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EXCHANGE))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(token_body("ghs_old"), "application/json"),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(EXCHANGE))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(token_body("ghs_new"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ISSUE))
        .and(header("authorization", "Bearer ghs_old"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(r#"{"message":"Bad credentials"}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(ISSUE))
        .and(header("authorization", "Bearer ghs_new"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(fixture("issue.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let app = app(&server.uri());
    let github = common::builder(&server.uri())
        .authenticator(app.installation_authenticator(42))
        .build()
        .unwrap();
    github
        .issues("octocat", "Hello-World")
        .get(1347)
        .await
        .unwrap();
}

#[test]
fn bad_private_keys_are_config_errors() {
    let garbage = b"-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n";
    for pem in [
        &b"not a key"[..],
        &b""[..],
        &garbage[..],
        fixture("test-app-key.pub.pem").as_bytes(),
    ] {
        let err = GitHubApp::builder("1", pem).build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains("private key"), "{err}");
    }
    assert_eq!(
        GitHubApp::builder(" ", &key()).build().unwrap_err().kind(),
        ErrorKind::Config
    );
    let app = GitHubApp::builder("1", &key()).build().unwrap();
    let debug = format!("{app:?}");
    assert!(
        !debug.contains("BEGIN") && debug.contains("[redacted]"),
        "{debug}"
    );
}

#[tokio::test]
async fn a_token_close_to_expiry_is_renewed() {
    let server = MockServer::start().await;
    let mut soon: Value = serde_json::from_str(&fixture("installation-token.json")).unwrap();
    soon["token"] = "ghs_short".into();
    soon["expires_at"] = (chrono::Utc::now() + chrono::Duration::minutes(2))
        .to_rfc3339()
        .into();
    Mock::given(method("POST"))
        .and(path(EXCHANGE))
        .respond_with(ResponseTemplate::new(201).set_body_raw(soon.to_string(), "application/json"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(EXCHANGE))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(token_body("ghs_long"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let app = app(&server.uri());
    // Within the 5-minute margin: the next call exchanges again; then the cache holds.
    assert_eq!(
        app.installation_token(42)
            .await
            .unwrap()
            .access_token
            .expose(),
        "ghs_short"
    );
    assert_eq!(
        app.installation_token(42)
            .await
            .unwrap()
            .access_token
            .expose(),
        "ghs_long"
    );
    assert_eq!(
        app.installation_token(42)
            .await
            .unwrap()
            .access_token
            .expose(),
        "ghs_long"
    );
}
