//! The core leg: the shared request path on a local mock, with no provider involved.

use std::sync::Arc;
use std::time::Duration;

use atom_core::{
    ApiClient, Checkpoint, Envelope, GenericProvider, MemoryTokenStore, OAuthAuthenticator,
    OAuthClient, OAuthConfig, Page, Paginator, Request, RetryPolicy, Secret, TokenKey,
    TokenManager, TokenSet, TokenStore,
};
use futures::TryStreamExt as _;
use serde::Deserialize;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{LegResult, ensure, section, show, step};

fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(50))
}

/// Runs the core leg.
pub async fn run() -> LegResult {
    section("atom-core: the shared request path (local mock)");
    let server = MockServer::start().await;

    // 1. A 429 with Retry-After, then success.
    Mock::given(method("GET"))
        .and(path("/v1/status"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/status"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"status": "green"})),
        )
        .mount(&server)
        .await;
    let client = ApiClient::builder(GenericProvider("demo"), &server.uri())?
        .retry_policy(quick_retries())
        .build()?;
    let response = client
        .send(Request::get("/v1/status").operation("status.get"))
        .await?;
    step(&format!(
        "GET /v1/status answered 429 (Retry-After: 1), waited and retried: {} attempts, {:?}",
        response.meta.attempts, response.meta.elapsed
    ));
    ensure(response.meta.attempts == 2, "429 retried once")?;
    show(&Envelope::from_result(
        "demo",
        response.json::<serde_json::Value>(),
    ));

    // 2. An expired token, 50 concurrent calls, one refresh.
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_millis(100))
                .set_body_json(serde_json::json!({
                    "access_token": "fresh-access", "refresh_token": "rotated-refresh",
                    "token_type": "Bearer", "expires_in": 3600
                })),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("authorization", "Bearer fresh-access"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"user": "ada"})))
        .mount(&server)
        .await;
    let oauth = OAuthClient::new(
        "demo",
        OAuthConfig::new(
            "demo-client",
            format!("{}/oauth/authorize", server.uri()).parse()?,
            format!("{}/oauth/token", server.uri()).parse()?,
        )
        .client_secret(Secret::new("demo-secret")),
    )?;
    let store = Arc::new(MemoryTokenStore::default());
    let key = TokenKey::new("demo", "tenant-1");
    let mut expired = TokenSet::bearer(Secret::new("stale-access"));
    expired.refresh_token = Some(Secret::new("first-refresh"));
    expired.expires_at = Some(chrono::Utc::now() - chrono::Duration::minutes(5));
    store.save(&key, &expired, None).await?;
    let manager =
        Arc::new(TokenManager::new(key.clone(), store.clone(), Arc::new(oauth)).service("demo"));
    let authed = ApiClient::builder(GenericProvider("demo"), &server.uri())?
        .authenticator(Arc::new(OAuthAuthenticator::new(manager)))
        .build()?;
    let calls = (0..50).map(|_| {
        let c = authed.clone();
        async move { c.send(Request::get("/v1/me")).await }
    });
    let results = futures::future::join_all(calls).await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let refreshes = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/oauth/token")
        .count();
    step(&format!(
        "50 concurrent calls with an expired token: {ok} succeeded, {refreshes} refresh request"
    ));
    ensure(ok == 50 && refreshes == 1, "one refresh for 50 callers")?;
    let saved = store.load(&key).await?.map(|s| s.version);
    step(&format!(
        "rotated token saved to the store before use (version {saved:?})"
    ));

    // 3. A paged stream: 5 pages of 3.
    for page in 0..5u32 {
        let items: Vec<u32> = (page * 3..page * 3 + 3).collect();
        let next = (page < 4).then(|| format!("c{}", page + 1));
        let mut mock = Mock::given(method("GET")).and(path("/v1/records"));
        if page > 0 {
            mock = mock.and(query_param("cursor", format!("c{page}")));
        }
        mock.respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": items, "next": next})),
        )
        .with_priority(if page == 0 { 5 } else { 1 })
        .mount(&server)
        .await;
    }
    #[derive(Deserialize)]
    struct Records {
        data: Vec<u32>,
        next: Option<String>,
    }
    let pager_client = client.clone();
    let records: Vec<u32> = Paginator::new(Checkpoint::default(), move |cursor| {
        let c = pager_client.clone();
        Box::pin(async move {
            let body: Records = c
                .send(Request::get("/v1/records").query_opt("cursor", cursor))
                .await?
                .json()?;
            Ok(Page::new(body.data, body.next))
        })
    })
    .try_collect()
    .await?;
    step(&format!("auto-paged 5 pages: {records:?}"));
    ensure(
        records == (0..15).collect::<Vec<_>>(),
        "all records in order",
    )?;

    // 4. An error as an envelope.
    Mock::given(method("GET"))
        .and(path("/v1/missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req_demo_404")
                .set_body_json(serde_json::json!({"message": "No such record"})),
        )
        .mount(&server)
        .await;
    let missing = client
        .send(Request::get("/v1/missing"))
        .await
        .and_then(|r| r.json::<serde_json::Value>());
    step("a 404 becomes a typed error, shown as the envelope an app returns:");
    show(&Envelope::from_result("demo", missing));
    Ok(())
}
