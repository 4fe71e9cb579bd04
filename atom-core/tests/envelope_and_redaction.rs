//! The envelope's exact JSON, and that no secret reaches Debug, Display, errors or logs.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use atom_core::{
    ApiClient, Credentials, Envelope, Error, ErrorKind, GenericProvider, PendingAuthorization,
    Request, Secret, StoredToken, TokenSet,
};
use chrono::{TimeZone as _, Utc};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "SUPERSECRET-7f3a9c";

#[test]
fn success_envelope_shape() {
    let at = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
    let env = Envelope::at("stripe", Ok(serde_json::json!({"id": "cus_1"})), at);
    assert_eq!(
        serde_json::to_string(&env).unwrap(),
        r#"{"ok":true,"data":{"id":"cus_1"},"service":"stripe","timestamp":"2026-11-22T10:00:00.000Z"}"#
    );
}

#[test]
fn error_envelope_shape() {
    let at = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
    let err = Error::new(ErrorKind::RateLimited, "github", "API rate limit exceeded")
        .with_status(429)
        .with_request_id("C0DE:1234");
    let env: Envelope<()> = Envelope::at("github", Err(err), at);
    assert_eq!(
        serde_json::to_string(&env).unwrap(),
        concat!(
            r#"{"ok":false,"error":{"code":"RATE_LIMITED","message":"API rate limit exceeded","#,
            r#""service":"github","provider_code":null,"request_id":"C0DE:1234"},"#,
            r#""timestamp":"2026-11-22T10:00:00.000Z"}"#
        )
    );
    let declined = Error::new(
        ErrorKind::PaymentDeclined,
        "stripe",
        "Your card was declined.",
    )
    .with_provider_code("card_declined");
    let json = serde_json::to_value(Envelope::at("stripe", Err::<(), _>(declined), at)).unwrap();
    assert_eq!(json["error"]["code"], "PAYMENT_DECLINED");
    assert_eq!(json["error"]["provider_code"], "card_declined");
}

#[test]
fn every_kind_has_a_distinct_upper_case_code() {
    use ErrorKind::*;
    let kinds = [
        Unauthorized,
        ReauthorizationRequired,
        Forbidden,
        NotFound,
        Conflict,
        InvalidRequest,
        PaymentDeclined,
        RateLimited,
        Server,
        Timeout,
        Network,
        Decode,
        Config,
        WebhookSignature,
        Storage,
    ];
    let codes: std::collections::HashSet<&str> = kinds.iter().map(|k| k.code()).collect();
    assert_eq!(codes.len(), kinds.len());
    assert!(
        codes
            .iter()
            .all(|c| c.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_'))
    );
}

#[test]
fn display_reads_well() {
    let err = Error::new(
        ErrorKind::PaymentDeclined,
        "stripe",
        "Your card was declined.",
    )
    .with_status(402)
    .with_provider_code("card_declined")
    .with_request_id("req_123");
    assert_eq!(
        err.to_string(),
        "stripe: card_declined (402): Your card was declined. [request req_123]"
    );
    let plain = Error::new(ErrorKind::Timeout, "hubspot", "no response in time");
    assert_eq!(plain.to_string(), "hubspot: TIMEOUT: no response in time");
}

fn token() -> TokenSet {
    let mut extra = serde_json::Map::new();
    extra.insert("signature".into(), serde_json::json!(SECRET));
    TokenSet {
        access_token: Secret::new(SECRET),
        refresh_token: Some(Secret::new(SECRET)),
        expires_at: None,
        scopes: vec!["api".into()],
        extra,
    }
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} leaks the secret: {text}");
}

#[test]
fn debug_and_display_never_show_secrets() {
    let secret = Secret::new(SECRET);
    assert_clean("Secret", &format!("{secret:?} {secret}"));
    assert_clean("TokenSet", &format!("{:?}", token()));
    assert_clean(
        "StoredToken",
        &format!(
            "{:?}",
            StoredToken {
                version: 1,
                token: token()
            }
        ),
    );
    for c in [
        Credentials::bearer(SECRET),
        Credentials::basic("me@example.com/token", SECRET),
        Credentials::ApiKey {
            header: http::HeaderName::from_static("x-api-key"),
            key: Secret::new(SECRET),
        },
    ] {
        assert_clean("Credentials", &format!("{c:?}"));
    }
    let client = ApiClient::builder(GenericProvider("test"), "https://api.example.com")
        .unwrap()
        .credentials(Credentials::bearer(SECRET))
        .build()
        .unwrap();
    assert_clean("ApiClient", &format!("{client:?}"));
    let oauth = common::oauth_client("http://127.0.0.1:9");
    assert_clean(
        "OAuthClient",
        &format!("{oauth:?}").replace("client-secret-XYZ", SECRET),
    );
    assert!(!format!("{oauth:?}").contains("client-secret-XYZ"));
    let pending = PendingAuthorization {
        url: "https://login.example.com/authorize".parse().unwrap(),
        state: "state-1".into(),
        pkce_verifier: Some(Secret::new(SECRET)),
    };
    assert_clean("PendingAuthorization", &format!("{pending:?}"));
}

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn errors_and_logs_of_a_failing_call_never_show_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(serde_json::json!({"message": "boom"})),
        )
        .mount(&server)
        .await;
    let client = ApiClient::builder(GenericProvider("test"), &server.uri())
        .unwrap()
        .credentials(Credentials::bearer(SECRET))
        .retry_policy(common::fast_policy(2))
        .build()
        .unwrap();
    let err = client
        .send(Request::get(format!("/v1/things/42?api_key={SECRET}")).operation("things.get"))
        .await
        .unwrap_err();
    assert_clean("Error Display", &err.to_string());
    assert_clean("Error Debug", &format!("{err:?}"));
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("atom.request"), "spans are emitted: {logs}");
    assert!(
        logs.contains("things.get") && logs.contains("/v1/things/42"),
        "{logs}"
    );
    assert!(logs.contains("attempt=2"), "{logs}");
    assert_clean("logs", &logs);
}

#[tokio::test]
async fn transport_errors_do_not_repeat_the_url_and_its_query() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = common::client(&format!("http://127.0.0.1:{port}"), 1)
        .send(Request::get(format!("/x?access_token={SECRET}")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert!(
        err.message().contains("could not connect"),
        "{}",
        err.message()
    );
    assert_clean("transport error", &format!("{err} {err:?}"));
}
