//! Sign-in flows and token lifecycle: code exchange with PKCE and state, the 401
//! refresh-and-replay, rotated refresh tokens saved to the store, JWT bearer, client
//! credentials.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use atom_core::{
    ErrorKind, MemoryTokenStore, Secret, TokenKey, TokenManager, TokenSet, TokenStore,
};
use atom_salesforce::Client;
#[cfg(feature = "jwt")]
use atom_salesforce::auth::JwtBearer;
use atom_salesforce::auth::{self, ClientCredentialsGrant, LoginHost};
use atom_salesforce::soql::Soql;
use common::{data, fast_retry, fixture, fixture_json};
use futures::TryStreamExt as _;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "00Dx0000000BV7z";

fn host(server: &MockServer) -> LoginHost {
    LoginHost::MyDomain(server.uri().parse().unwrap())
}

fn oauth(server: &MockServer) -> atom_core::OAuthClient {
    auth::oauth_client(
        &host(server),
        "3MVG9client",
        Some(Secret::new("client-secret")),
        "https://app.example.com/callback",
        &["api", "refresh_token"],
    )
    .unwrap()
}

/// A token response fixture pointed at the mock, with the changes given.
fn token_body(server: &MockServer, name: &str, changes: Value) -> Value {
    let mut body = fixture_json(name);
    body["instance_url"] = json!(server.uri());
    if let (Some(b), Some(c)) = (body.as_object_mut(), changes.as_object()) {
        for (k, v) in c {
            b.insert(k.clone(), v.clone());
        }
    }
    body
}

fn stored_token(server: &MockServer, access: &str, refresh: &str) -> TokenSet {
    let mut t = TokenSet::bearer(Secret::new(access));
    t.refresh_token = Some(Secret::new(refresh));
    t.extra.insert("instance_url".into(), json!(server.uri()));
    t.extra.insert(
        "id".into(),
        json!(format!(
            "https://login.salesforce.com/id/{ORG}/005x00000012Q9P"
        )),
    );
    t
}

#[tokio::test]
async fn code_exchange_checks_state_sends_pkce_and_keeps_extras() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=aPrxCode"))
        .and(body_string_contains("code_verifier="))
        .and(body_string_contains("client_id=3MVG9client"))
        .and(body_string_contains("client_secret=client-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(
            &server,
            "auth_success_response.json",
            json!({}),
        )))
        .expect(1)
        .mount(&server)
        .await;
    let oauth = oauth(&server);
    let pending = oauth.authorize_url().unwrap();
    let url = pending.url.as_str();
    assert!(url.starts_with(&format!("{}/services/oauth2/authorize?", server.uri())));
    assert!(url.contains("code_challenge_method=S256") && url.contains("response_type=code"));
    let store = MemoryTokenStore::default();
    let err = auth::exchange_and_store(&oauth, &pending, "forged", "aPrxCode", &store)
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("state_mismatch"));
    let state = pending.state.clone();
    let key = auth::exchange_and_store(&oauth, &pending, &state, "aPrxCode", &store)
        .await
        .unwrap();
    assert_eq!(key, TokenKey::new("salesforce", ORG));
    let saved = store.load(&key).await.unwrap().unwrap().token;
    assert!(
        saved
            .access_token
            .expose()
            .starts_with("00Dx0000000BV7z!AR8AQ")
    );
    assert_eq!(saved.expires_at, None, "Salesforce sends no expiry");
    for extra in ["instance_url", "id", "issued_at", "signature"] {
        assert!(saved.extra_str(extra).is_some(), "{extra}");
    }
    assert!(!format!("{saved:?}").contains("AR8AQ"));
}

#[tokio::test]
async fn token_signature_is_verified() {
    let mut t = TokenSet::bearer(Secret::new("x"));
    let id = "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P";
    let issued = "1278448832702";
    let secret = Secret::new("client-secret");
    let sig = atom_core::webhook::sign(
        &secret,
        &[id.as_bytes(), issued.as_bytes()],
        atom_core::webhook::SignatureEncoding::Base64,
    );
    t.extra.insert("id".into(), json!(id));
    t.extra.insert("issued_at".into(), json!(issued));
    t.extra.insert("signature".into(), json!(sig));
    assert!(auth::verify_token_signature(&t, &secret).is_ok());
    assert!(auth::verify_token_signature(&t, &Secret::new("other")).is_err());
    t.extra.insert("issued_at".into(), json!("1278448832703"));
    assert!(auth::verify_token_signature(&t, &secret).is_err());
}

#[tokio::test]
async fn expired_session_refreshes_once_replays_and_saves_rotation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .and(header("authorization", "Bearer stale"))
        .respond_with(
            ResponseTemplate::new(401).set_body_string(fixture("expired_session_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .and(header("authorization", "Bearer refreshed_access_token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("org_query_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=r1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(
            &server,
            "refresh_success_response.json",
            json!({"refresh_token": "r2"}),
        )))
        .expect(1)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::default());
    let key = TokenKey::new("salesforce", ORG);
    let v1 = store
        .save(&key, &stored_token(&server, "stale", "r1"), None)
        .await
        .unwrap();
    let manager = Arc::new(
        TokenManager::new(key.clone(), store.clone(), Arc::new(oauth(&server)))
            .service("salesforce"),
    );
    let sf = Client::builder()
        .token_manager(manager)
        .retry_policy(fast_retry())
        .build()
        .unwrap();
    assert!(!format!("{sf:?}").contains("stale"), "no token in Debug");
    let rows: Vec<Value> = sf
        .query(&Soql::from_static("SELECT Id FROM Organization"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(stored.version, v1 + 1);
    assert_eq!(stored.token.access_token.expose(), "refreshed_access_token");
    assert_eq!(
        stored.token.refresh_token.as_ref().map(Secret::expose),
        Some("r2"),
        "the rotated refresh token is saved"
    );
    assert_eq!(stored.token.extra_str("signature"), Some("sig="));
}

#[tokio::test]
async fn dead_refresh_token_needs_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/limits")))
        .respond_with(
            ResponseTemplate::new(401).set_body_string(fixture("expired_session_response.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_string(fixture("refresh_error_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::default());
    let key = TokenKey::new("salesforce", ORG);
    store
        .save(&key, &stored_token(&server, "stale", "r1"), None)
        .await
        .unwrap();
    let manager =
        Arc::new(TokenManager::new(key, store, Arc::new(oauth(&server))).service("salesforce"));
    let sf = Client::builder().token_manager(manager).build().unwrap();
    let err = sf.limits().get().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired, "{err}");
}

#[cfg(feature = "jwt")]
#[tokio::test]
async fn jwt_bearer_assertion_and_exchange() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .and(body_string_contains(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer",
        ))
        .and(body_string_contains("assertion=ey"))
        .respond_with(move |req: &wiremock::Request| {
            let body = String::from_utf8_lossy(&req.body).to_string();
            let ok = body.contains("assertion=");
            ResponseTemplate::new(if ok { 200 } else { 400 }).set_body_json(json!({
                "access_token": "jwt_access",
                "scope": "api",
                "instance_url": "http://127.0.0.1:1",
                "id": format!("https://login.salesforce.com/id/{ORG}/005x00000012Q9P"),
                "token_type": "Bearer"
            }))
        })
        .expect(1)
        .mount(&server)
        .await;
    let pem = fixture("jwt_test_key.pem");
    let jwt = JwtBearer::new(
        &LoginHost::Production,
        "3MVG9client",
        "etl@acme.com",
        pem.as_bytes(),
    )
    .unwrap();
    // The assertion's claims, checked with the public key.
    let assertion = jwt.assertion().unwrap();
    let public = fixture("jwt_test_key.pub.pem");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&["https://login.salesforce.com"]);
    validation.set_issuer(&["3MVG9client"]);
    let decoded = jsonwebtoken::decode::<Value>(
        &assertion,
        &jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).unwrap(),
        &validation,
    )
    .unwrap();
    assert_eq!(decoded.claims["sub"], "etl@acme.com");
    let exp = decoded.claims["exp"].as_i64().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(exp > now && exp <= now + 180, "exp within three minutes");
    assert!(!format!("{jwt:?}").contains("PRIVATE"));

    // Against the mock's token endpoint, minted into an empty store.
    let jwt = Arc::new(
        JwtBearer::new(
            &host(&server),
            "3MVG9client",
            "etl@acme.com",
            pem.as_bytes(),
        )
        .unwrap(),
    );
    // Nothing stored: the manager mints the first token with the assertion, once.
    let store = Arc::new(MemoryTokenStore::default());
    let key = TokenKey::new("salesforce", ORG);
    let manager = TokenManager::new(key.clone(), store.clone(), jwt).service("salesforce");
    let (token, version) = manager.access_token().await.unwrap();
    assert_eq!(token.expose(), "jwt_access");
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(stored.version, version);
    assert_eq!(auth::org_id(&stored.token).as_deref(), Some(ORG));
    // A second call finds the token and does not mint another.
    let (_, again) = manager.access_token().await.unwrap();
    assert_eq!(again, version);
}

#[cfg(feature = "jwt")]
#[tokio::test]
async fn jwt_refusal_is_typed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .respond_with(|req: &wiremock::Request| {
            // The endpoint quotes what it was sent, as some do: the assertion.
            let body = String::from_utf8_lossy(&req.body).to_string();
            ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant",
                "error_description": format!("user hasn't approved this consumer ({body})")}))
        })
        .mount(&server)
        .await;
    let pem = fixture("jwt_test_key.pem");
    let jwt = JwtBearer::new(
        &host(&server),
        "3MVG9client",
        "etl@acme.com",
        pem.as_bytes(),
    )
    .unwrap();
    let err = jwt.fetch().await.unwrap_err();
    assert_eq!(
        (err.kind(), err.provider_code(), err.status()),
        (
            ErrorKind::ReauthorizationRequired,
            Some("invalid_grant"),
            Some(400)
        )
    );
    assert_eq!(err.service(), "salesforce");
    let sent = server.received_requests().await.unwrap();
    let form = String::from_utf8_lossy(&sent[0].body).to_string();
    let assertion = url::form_urlencoded::parse(form.as_bytes())
        .find(|(k, _)| k == "assertion")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert!(!format!("{err} {err:?}").contains(&assertion), "{err}");
    assert!(JwtBearer::new(&LoginHost::Sandbox, "c", "u", b"not a key").is_err());
    assert_eq!(LoginHost::Sandbox.audience(), "https://test.salesforce.com");
}

#[tokio::test]
async fn client_credentials_flow() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(
            &server,
            "auth_success_response.json",
            json!({"access_token": "cc_token"}),
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/limits")))
        .and(header("authorization", "Bearer cc_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let cc = Arc::new(ClientCredentialsGrant(oauth(&server)));
    let store = Arc::new(MemoryTokenStore::default());
    let key = TokenKey::new("salesforce", ORG);
    // The first call issues the token: no consent, nothing stored beforehand.
    let manager = Arc::new(TokenManager::new(key, store, cc).service("salesforce"));
    // The shortcut: the token's instance_url is the base, the key's org the tenant.
    let sf = Client::new(manager).unwrap();
    sf.limits().get().await.unwrap();
}
