//! OAuth user tokens: web flow URLs, device flow, rotating refresh through the TokenManager.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use atom_core::{ErrorKind, MemoryTokenStore, Secret, TokenKey, TokenSet, TokenStore};
use atom_github::GitHubOAuth;
use atom_github::auth::TokenReply;
use common::{fast_retry, fixture};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn oauth(uri: &str) -> Arc<GitHubOAuth> {
    Arc::new(
        GitHubOAuth::with_base_url("Iv1.client", Some(Secret::new("shh")), uri, fast_retry())
            .unwrap(),
    )
}

/// Answers every token request with `body`, once.
async fn answer_once(server: &MockServer, body: &str) {
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json"))
        .up_to_n_times(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn device_poll_replies_table() {
    let server = MockServer::start().await;
    let oauth = oauth(&server.uri());
    let code: atom_github::DeviceCode = serde_json::from_str(
        r#"{"device_code":"dc","user_code":"U","verification_uri":"https://github.com/login/device","expires_in":900,"interval":5}"#,
    )
    .unwrap();
    let poll = async |body: &str| {
        answer_once(&server, body).await;
        oauth.poll_device_flow(&code, 5).await
    };
    let sent = chrono::Utc::now();
    let Ok(TokenReply::Token(t)) = poll(
        r#"{"access_token":"ghu_a","expires_in":28800,"refresh_token":"ghr_b","refresh_token_expires_in":15811200,"scope":"repo,gist","token_type":"bearer"}"#,
    )
    .await
    else {
        panic!("token")
    };
    assert_eq!(t.access_token.expose(), "ghu_a");
    assert_eq!(t.refresh_token.as_ref().map(Secret::expose), Some("ghr_b"));
    let expires = t.expires_at.unwrap() - sent;
    assert!(
        (28_790..=28_800).contains(&expires.num_seconds()),
        "{expires}"
    );
    assert_eq!(t.scopes, vec!["repo", "gist"]);
    assert_eq!(
        t.extra.get("refresh_token_expires_in"),
        Some(&serde_json::json!(15811200))
    );
    assert!(matches!(
        poll(r#"{"error":"authorization_pending"}"#).await,
        Ok(TokenReply::Pending)
    ));
    assert!(matches!(
        poll(r#"{"error":"slow_down","interval":10}"#).await,
        Ok(TokenReply::SlowDown { interval: 10 })
    ));
    let cases = [
        (
            r#"{"error":"expired_token"}"#,
            ErrorKind::ReauthorizationRequired,
        ),
        (
            r#"{"error":"incorrect_device_code"}"#,
            ErrorKind::ReauthorizationRequired,
        ),
        (r#"{"error":"access_denied"}"#, ErrorKind::Forbidden),
        (
            r#"{"error":"incorrect_client_credentials"}"#,
            ErrorKind::Unauthorized,
        ),
        (
            r#"{"error":"unsupported_grant_type"}"#,
            ErrorKind::InvalidRequest,
        ),
        (r#"{"token_type":"bearer"}"#, ErrorKind::Decode),
        ("not json", ErrorKind::Decode),
    ];
    for (body, kind) in cases {
        let err = poll(body).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{body}");
        assert_eq!(err.service(), "github");
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(body)
            && let Some(code) = value["error"].as_str()
        {
            assert_eq!(err.provider_code(), Some(code));
        }
    }
}

#[tokio::test]
async fn web_flow_uses_githubs_endpoints_with_state_and_pkce() {
    let flow = GitHubOAuth::new("Iv1.client", Some(Secret::new("shh")))
        .unwrap()
        .web_flow(
            "https://app.example.com/cb".parse().unwrap(),
            vec!["repo".into()],
        )
        .unwrap();
    let pending = flow.authorize_url().unwrap();
    let url = pending.url.as_str();
    assert!(
        url.starts_with("https://github.com/login/oauth/authorize?"),
        "{url}"
    );
    assert!(url.contains("client_id=Iv1.client") && url.contains("code_challenge_method=S256"));
    assert!(url.contains(&format!("state={}", pending.state)));
    assert_eq!(
        flow.config().token_url.as_str(),
        "https://github.com/login/oauth/access_token"
    );
}

#[tokio::test]
async fn device_flow_start_pending_slow_down_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login/device/code"))
        .and(header("accept", "application/json"))
        .and(body_string("client_id=Iv1.client&scope=repo+read%3Aorg"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"device_code":"3584d83530557fdd1f46af8289938c8ef79f9dc5","user_code":"WDJB-MJHT","verification_uri":"https://github.com/login/device","expires_in":900,"interval":5}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    // A public client's poll: no client secret.
    let poll_body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=3584d83530557fdd1f46af8289938c8ef79f9dc5&client_id=Iv1.client";
    for (reply, times) in [
        (
            r#"{"error":"authorization_pending","error_description":"The authorization request is still pending."}"#,
            1,
        ),
        (r#"{"error":"slow_down","interval":10}"#, 1),
        (
            r#"{"access_token":"gho_16C7e42F292c6912E7710c838347Ae178B4a","token_type":"bearer","scope":"repo"}"#,
            1,
        ),
    ] {
        Mock::given(method("POST"))
            .and(path("/login/oauth/access_token"))
            .and(body_string(poll_body))
            .respond_with(ResponseTemplate::new(200).set_body_raw(reply, "application/json"))
            .up_to_n_times(times)
            .mount(&server)
            .await;
    }
    let oauth = oauth(&server.uri());
    let code = oauth
        .start_device_flow(&["repo", "read:org"])
        .await
        .unwrap();
    assert_eq!(code.user_code, "WDJB-MJHT");
    assert!(
        !format!("{code:?}").contains("3584d8"),
        "device code is secret"
    );
    assert!(matches!(
        oauth.poll_device_flow(&code, 5).await.unwrap(),
        TokenReply::Pending
    ));
    assert!(matches!(
        oauth.poll_device_flow(&code, 5).await.unwrap(),
        TokenReply::SlowDown { interval: 10 }
    ));
    let TokenReply::Token(token) = oauth.poll_device_flow(&code, 10).await.unwrap() else {
        panic!("token")
    };
    assert_eq!(token.scopes, vec!["repo"]);
}

#[tokio::test]
async fn expiring_user_tokens_rotate_through_the_token_manager() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .and(body_string("grant_type=refresh_token&refresh_token=ghr_old&client_id=Iv1.client&client_secret=shh"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"ghu_new","expires_in":28800,"refresh_token":"ghr_new","refresh_token_expires_in":15811200,"scope":"","token_type":"bearer"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/user"))
        .and(header("authorization", "Bearer ghu_new"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("private-user.json"), "application/json"),
        )
        .expect(2)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::default());
    let key = TokenKey::new("github", "user-1");
    let mut expired = TokenSet::bearer(Secret::new("ghu_old"));
    expired.refresh_token = Some(Secret::new("ghr_old"));
    expired.expires_at = Some(chrono::Utc::now() - chrono::Duration::minutes(1));
    store.save(&key, &expired, None).await.unwrap();
    let auth = oauth(&server.uri()).user_authenticator(key.clone(), store.clone());
    let github = common::builder(&server.uri())
        .authenticator(auth)
        .build()
        .unwrap();
    github.current_user().await.unwrap();
    github.current_user().await.unwrap();
    let saved = store.load(&key).await.unwrap().unwrap();
    assert_eq!(
        saved.token.refresh_token.as_ref().map(Secret::expose),
        Some("ghr_new")
    );
}

#[tokio::test]
async fn a_dead_refresh_token_needs_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"error":"bad_refresh_token","error_description":"The refresh token passed is incorrect or expired."}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let mut token = TokenSet::bearer(Secret::new("ghu_old"));
    token.refresh_token = Some(Secret::new("ghr_dead"));
    let err = oauth(&server.uri())
        .refresh_user_token(&token)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired);
    assert!(!err.to_string().contains("ghr_dead"));
}

#[tokio::test]
async fn waiting_for_the_device_token_polls_at_the_interval() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"gho_x","token_type":"bearer","scope":"repo"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let code: atom_github::DeviceCode = serde_json::from_str(
        r#"{"device_code":"dc","user_code":"U","verification_uri":"https://github.com/login/device","expires_in":900,"interval":1}"#,
    )
    .unwrap();
    let started = std::time::Instant::now();
    let token = oauth(&server.uri())
        .wait_for_device_token(&code)
        .await
        .unwrap();
    assert_eq!(token.access_token.expose(), "gho_x");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(950),
        "waited one interval first"
    );
}

#[tokio::test]
async fn web_flow_code_exchange_checks_state_and_reads_errors() {
    let server = MockServer::start().await;
    let oauth = oauth(&server.uri());
    let flow = oauth
        .web_flow(
            "https://app.example.com/cb".parse().unwrap(),
            vec!["repo".into()],
        )
        .unwrap();
    let pending = flow.authorize_url().unwrap();
    assert!(
        pending
            .url
            .as_str()
            .starts_with(&format!("{}/login/oauth/authorize?", server.uri()))
    );
    let expected = format!(
        "grant_type=authorization_code&code=good-code&code_verifier={}&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&client_id=Iv1.client&client_secret=shh",
        pending
            .pkce_verifier
            .as_ref()
            .map(Secret::expose)
            .unwrap_or_default()
    );
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .and(body_string(expected))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"gho_web","token_type":"bearer","scope":"repo"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired.","error_uri":"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let token = oauth
        .exchange_code(&pending, &pending.state, "good-code")
        .await
        .unwrap();
    assert_eq!(token.access_token.expose(), "gho_web");
    let err = oauth
        .exchange_code(&pending, &pending.state, "used-code")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired);
    assert_eq!(err.provider_code(), Some("bad_verification_code"));
    assert_eq!(err.message(), "The code passed is incorrect or expired.");
    let err = oauth
        .exchange_code(&pending, "forged", "good-code")
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("state_mismatch"));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "no request on a bad state"
    );
}
