//! Authorization code with PKCE and state, code exchange, client credentials.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use atom_core::ErrorKind;
use base64::Engine as _;
use sha2::Digest as _;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn authorize_url_has_pkce_s256_and_a_fresh_state() {
    let client = common::oauth_client("https://login.example.com");
    let a = client.authorize_url().unwrap();
    let b = client.authorize_url().unwrap();
    assert_ne!(a.state, b.state);
    let q: std::collections::HashMap<String, String> = a.url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "client-1");
    assert_eq!(q["redirect_uri"], "http://127.0.0.1/callback");
    assert_eq!(q["scope"], "api");
    assert_eq!(q["state"], a.state);
    assert_eq!(q["code_challenge_method"], "S256");
    let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(
        a.pkce_verifier
            .as_ref()
            .map(atom_core::Secret::expose)
            .unwrap_or_default()
            .as_bytes(),
    ));
    assert_eq!(q["code_challenge"], expected);
}

#[tokio::test]
async fn code_exchange_checks_state_and_sends_the_verifier() {
    let auth = MockServer::start().await;
    // A Salesforce-shaped answer: no expires_in, extras to keep.
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("authorization", "Basic Y2xpZW50LTE6Y2xpZW50LXNlY3JldC1YWVo="))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=abc123"))
        .and(body_string_contains("code_verifier="))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "00Dxx!AR8AQ", "refresh_token": "5Aep861", "token_type": "Bearer",
            "instance_url": "https://na1.salesforce.com", "issued_at": "1278448832702",
            "id": "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P", "signature": "0CmxinZir53Yex7n"
        })))
        .mount(&auth)
        .await;
    let client = common::oauth_client(&auth.uri());
    let pending = client.authorize_url().unwrap();

    let forged = client
        .exchange_code(&pending, "attacker-state", "abc123")
        .await
        .unwrap_err();
    assert_eq!(forged.kind(), ErrorKind::InvalidRequest);
    assert_eq!(forged.provider_code(), Some("state_mismatch"));
    assert!(
        auth.received_requests().await.unwrap().is_empty(),
        "nothing sent on a state mismatch"
    );

    let token = client
        .exchange_code(&pending, &pending.state, "abc123")
        .await
        .unwrap();
    assert_eq!(token.access_token.expose(), "00Dxx!AR8AQ");
    assert_eq!(token.refresh_token.as_ref().unwrap().expose(), "5Aep861");
    assert_eq!(token.expires_at, None);
    assert_eq!(
        token.extra_str("instance_url"),
        Some("https://na1.salesforce.com")
    );
    assert_eq!(token.extra_str("issued_at"), Some("1278448832702"));
    let body = String::from_utf8(auth.received_requests().await.unwrap()[0].body.clone()).unwrap();
    assert!(body.contains(&format!(
            "code_verifier={}",
            pending
                .pkce_verifier
                .as_ref()
                .map(atom_core::Secret::expose)
                .unwrap_or_default()
        )));
}

/// For providers that do not document PKCE (Stripe Connect): no challenge, no verifier.
#[tokio::test]
async fn pkce_turned_off_sends_neither_challenge_nor_verifier() {
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "at-1", "token_type": "bearer"
        })))
        .expect(1)
        .mount(&auth)
        .await;
    let base = common::oauth_client(&auth.uri()).config().clone();
    let client = atom_core::OAuthClient::new("test", base.pkce(false)).unwrap();
    let pending = client.authorize_url().unwrap();
    assert!(pending.pkce_verifier.is_none());
    let names: Vec<String> = pending
        .url
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with("code_challenge")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n == "state"));
    client
        .exchange_code(&pending, &pending.state, "abc123")
        .await
        .unwrap();
    let sent = auth.received_requests().await.unwrap();
    let body = String::from_utf8(sent[0].body.clone()).unwrap();
    assert!(!body.contains("code_verifier"), "{body}");
    assert!(body.contains("code=abc123"), "{body}");
}

#[tokio::test]
async fn refresh_keeps_a_non_rotating_refresh_token_and_consent_extras() {
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "at-2", "token_type": "bearer", "expires_in": 3600
        })))
        .mount(&auth)
        .await;
    let mut old = common::expired_token("at-1", "rt-1");
    old.extra
        .insert("realm_id".into(), serde_json::json!("9130"));
    let new = common::oauth_client(&auth.uri())
        .refresh(&old)
        .await
        .unwrap();
    assert_eq!(new.access_token.expose(), "at-2");
    assert_eq!(new.refresh_token.as_ref().unwrap().expose(), "rt-1");
    assert_eq!(new.extra_str("realm_id"), Some("9130"));
    let expires = new.expires_at.unwrap() - chrono::Utc::now();
    assert!(
        expires > chrono::Duration::seconds(3590) && expires <= chrono::Duration::seconds(3600)
    );
}

#[tokio::test]
async fn client_credentials_grant() {
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("scope=api"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "cc-1", "token_type": "Bearer", "expires_in": 600
        })))
        .mount(&auth)
        .await;
    let token = common::oauth_client(&auth.uri())
        .client_credentials()
        .await
        .unwrap();
    assert_eq!(token.access_token.expose(), "cc-1");
}

#[test]
fn endpoints_must_be_https() {
    let mut config = common::oauth_client("http://127.0.0.1:1").config().clone();
    config.token_url = "http://login.example.com/token".parse().unwrap();
    let err = atom_core::OAuthClient::new("test", config).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn token_responses_without_token_type_or_json_content_type_decode() {
    // Recorded Salesforce refresh responses have no token_type; some servers say text/plain.
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"id":"https://login.salesforce.com/id/00D/005","issued_at":"1278448384422","instance_url":"https://na1.salesforce.com","signature":"SSSbLO/gBhmmyNUvN18ODBDFYHzakxOMgqYtu+hDPsc=","access_token":"00Dx0000000BV7z!AR8AQP0jITN80ESEsj5EbaZTFG0R"}"#,
            "text/plain",
        ))
        .mount(&auth)
        .await;
    let token = common::oauth_client(&auth.uri())
        .refresh(&common::expired_token("old", "rt-1"))
        .await
        .unwrap();
    assert_eq!(
        token.access_token.expose(),
        "00Dx0000000BV7z!AR8AQP0jITN80ESEsj5EbaZTFG0R"
    );
    assert_eq!(
        token.extra_str("instance_url"),
        Some("https://na1.salesforce.com")
    );
    assert_eq!(
        token.refresh_token.unwrap().expose(),
        "rt-1",
        "kept: Salesforce does not rotate here"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_without_consent_issue_the_first_token_once() {
    use std::sync::Arc;
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(std::time::Duration::from_millis(100))
                .set_body_json(serde_json::json!({"access_token": "cc-1", "token_type": "Bearer", "expires_in": 600})),
        )
        .mount(&auth)
        .await;
    let store = Arc::new(atom_core::MemoryTokenStore::default());
    let key = atom_core::TokenKey::new("test", "app");
    let manager = Arc::new(atom_core::TokenManager::new(
        key.clone(),
        store.clone(),
        Arc::new(atom_core::ClientCredentialsGrant(common::oauth_client(
            &auth.uri(),
        ))),
    ));
    let calls = (0..20).map(|_| {
        let m = manager.clone();
        async move { m.access_token().await }
    });
    let tokens = futures::future::join_all(calls).await;
    assert!(
        tokens
            .iter()
            .all(|t| matches!(t, Ok((s, 1)) if s.expose() == "cc-1"))
    );
    assert_eq!(auth.received_requests().await.unwrap().len(), 1);
    let stored = atom_core::TokenStore::load(store.as_ref(), &key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.token.access_token.expose(), "cc-1");
}

#[tokio::test]
async fn an_authorization_code_grant_with_nothing_stored_needs_the_user() {
    let store = std::sync::Arc::new(atom_core::MemoryTokenStore::default());
    let manager = atom_core::TokenManager::new(
        atom_core::TokenKey::new("test", "nobody"),
        store,
        std::sync::Arc::new(common::oauth_client("http://127.0.0.1:9")),
    );
    let err = manager.access_token().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired);
}

#[tokio::test]
async fn token_errors_sent_with_http_200_are_errors() {
    // GitHub answers a spent refresh token or a bad code with 200 and an `error` field.
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "error": "bad_refresh_token",
            "error_description": "The refresh token passed is incorrect or expired.",
            "error_uri": "https://docs.github.com"
        })))
        .mount(&auth)
        .await;
    let err = common::oauth_client(&auth.uri())
        .refresh(&common::expired_token("old", "rt-1"))
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("bad_refresh_token"));
    assert_eq!(
        err.message(),
        "The refresh token passed is incorrect or expired."
    );
    Mock::given(method("POST"))
        .and(path("/token2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"error": "invalid_grant"})),
        )
        .mount(&auth)
        .await;
    let mut config = common::oauth_client(&auth.uri()).config().clone();
    config.token_url = format!("{}/token2", auth.uri()).parse().unwrap();
    let err = atom_core::OAuthClient::new("test", config)
        .unwrap()
        .refresh(&common::expired_token("old", "rt-1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired);
}

/// Item 14: `temporarily_unavailable` and `server_error` are the server's trouble.
#[tokio::test]
async fn temporarily_unavailable_and_server_error_are_retryable_server_errors() {
    for code in ["temporarily_unavailable", "server_error"] {
        let auth = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(
                ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": code})),
            )
            .mount(&auth)
            .await;
        let err = common::oauth_client(&auth.uri())
            .refresh(&common::expired_token("old", "rt-1"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server, "{code}");
        assert!(err.is_retryable(), "{code}");
        assert_eq!(err.provider_code(), Some(code));
    }
}

/// Item 7: a token endpoint that echoes submitted credentials in its error cannot make
/// them appear in the error.
#[tokio::test]
async fn token_endpoint_errors_never_repeat_submitted_credentials() {
    const REFRESH: &str = "rt/CANARY+1=";
    const CODE: &str = "code CANARY&2";
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(|request: &wiremock::Request| {
            // Echo the whole form, raw and decoded, like a careless server.
            let raw = String::from_utf8_lossy(&request.body).to_string();
            let decoded: Vec<String> = url::form_urlencoded::parse(&request.body)
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            ResponseTemplate::new(400).set_body_json(serde_json::json!({
                "error": format!("invalid_request {}", decoded.join(" ")),
                "error_description": format!("rejected {raw} / {decoded:?} client-secret-XYZ"),
            }))
        })
        .mount(&auth)
        .await;
    let mut config = common::oauth_client(&auth.uri()).config().clone();
    // The client secret travels in the body too, so the echo has it.
    config.client_auth = atom_core::ClientAuth::RequestBody;
    let client = atom_core::OAuthClient::new("test", config).unwrap();
    let refreshed = client
        .refresh(&common::expired_token("old", REFRESH))
        .await
        .unwrap_err();
    let pending = client.authorize_url().unwrap();
    let exchanged = client
        .exchange_code(&pending, &pending.state, CODE)
        .await
        .unwrap_err();
    for err in [refreshed, exchanged] {
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("rejected"), "the message is kept: {shown}");
        for secret in [
            "CANARY",
            "client-secret-XYZ",
            pending
                .pkce_verifier
                .as_ref()
                .map(atom_core::Secret::expose)
                .unwrap_or_default(),
        ] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
    }
}

/// Item 20: expiry counts from when the request was sent, not from when the answer came.
#[tokio::test]
async fn expiry_counts_from_the_send() {
    use std::sync::{Arc, Mutex};
    let received = Arc::new(Mutex::new(None));
    let seen = received.clone();
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(move |_: &wiremock::Request| {
            *seen.lock().unwrap() = Some(chrono::Utc::now());
            ResponseTemplate::new(200)
                .set_delay(std::time::Duration::from_secs(1))
                .set_body_json(serde_json::json!({
                    "access_token": "at-2", "token_type": "Bearer", "expires_in": 2
                }))
        })
        .mount(&auth)
        .await;
    let before = chrono::Utc::now();
    let token = common::oauth_client(&auth.uri())
        .refresh(&common::expired_token("at-1", "rt-1"))
        .await
        .unwrap();
    let received = received.lock().unwrap().unwrap();
    let expires_at = token.expires_at.unwrap();
    // Sent no earlier than `before` and no later than the server saw it.
    assert!(expires_at >= before + chrono::Duration::seconds(2));
    assert!(
        expires_at <= received + chrono::Duration::seconds(2),
        "expiry {expires_at} counts from the answer, not the send ({received})"
    );
}
