//! Servers that misbehave on purpose: absurd waits, endless pages, huge bodies, redirects,
//! and error messages that echo credentials. Each case counts what the server saw.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Duration;

use atom_core::{
    ApiClient, Checkpoint, Credentials, ErrorKind, GenericProvider, Page, Paginator,
    RateLimitConfig, Request, Secret,
};
use common::{RawReply, fast_policy, raw_server};
use futures::StreamExt as _;
use http::HeaderName;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request as Seen, ResponseTemplate};

const CANARY_TOKEN: &str = "canary-t0ken-8f3a9c2e71";
const CANARY_KEY: &str = "canary-k3y-5d1b7e0f44";

fn builder(base: &str) -> atom_core::ApiClientBuilder {
    ApiClient::builder(GenericProvider("test"), base)
        .unwrap()
        .retry_policy(fast_policy(2))
}

async fn requests_to(server: &MockServer, p: &str) -> Vec<Seen> {
    let all = server.received_requests().await.unwrap_or_default();
    all.into_iter().filter(|r| r.url.path() == p).collect()
}

// ---- waits from headers ------------------------------------------------------------------

#[tokio::test]
async fn an_absurd_retry_after_neither_panics_nor_locks_the_tenant_for_good() {
    let server = MockServer::start().await;
    Mock::given(path("/busy"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("Retry-After", "10000000000000000000"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/busy"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .rate_limits(
            RateLimitConfig::unlimited()
                .max_wait(Duration::ZERO)
                .max_pause(Duration::from_millis(300)),
        )
        .build()
        .unwrap();
    let err = client.send(Request::get("/busy")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(
        err.retry_after()
            .is_some_and(|w| w >= Duration::from_secs(3600))
    );
    // Held back locally, without asking the server, while the (capped) pause lasts...
    let held = client.send(Request::get("/busy")).await.unwrap_err();
    assert_eq!(held.kind(), ErrorKind::RateLimited);
    assert_eq!(requests_to(&server, "/busy").await.len(), 1);
    // ...and free again once it is over.
    tokio::time::sleep(Duration::from_millis(400)).await;
    client.send(Request::get("/busy")).await.unwrap();
    assert_eq!(requests_to(&server, "/busy").await.len(), 2);
}

#[tokio::test]
async fn a_reset_of_one_billion_is_an_epoch_second_long_past() {
    let server = MockServer::start().await;
    Mock::given(path("/limited"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "1000000000")
                .set_body_string("{}"),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .rate_limits(RateLimitConfig::unlimited().max_wait(Duration::ZERO))
        .build()
        .unwrap();
    client.send(Request::get("/limited")).await.unwrap();
    // Read as "31 years from now", this call would be refused locally.
    client.send(Request::get("/limited")).await.unwrap();
    assert_eq!(requests_to(&server, "/limited").await.len(), 2);
}

#[tokio::test]
async fn a_reset_years_ahead_pauses_no_longer_than_max_pause() {
    let server = MockServer::start().await;
    let far = (chrono::Utc::now() + chrono::Duration::days(3650)).timestamp();
    Mock::given(path("/limited"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", far.to_string().as_str())
                .set_body_string("{}"),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .rate_limits(RateLimitConfig::unlimited().max_pause(Duration::from_millis(200)))
        .build()
        .unwrap();
    client.send(Request::get("/limited")).await.unwrap();
    // Waits out the capped pause instead of failing or waiting ten years.
    client.send(Request::get("/limited")).await.unwrap();
    assert_eq!(requests_to(&server, "/limited").await.len(), 2);
}

// ---- endless pages -----------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_always_has_a_next_page_is_stopped_by_max_pages() {
    let fetched = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = fetched.clone();
    let pages = Paginator::new(Checkpoint::default(), move |cursor: Option<String>| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let n: u64 = cursor.as_deref().unwrap_or("0").parse().unwrap_or(0);
        Box::pin(async move { Ok(Page::new(vec![n], Some((n + 1).to_string()))) })
    })
    .max_pages(25);
    let results: Vec<_> = pages.collect().await;
    let (items, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    assert_eq!(items.len(), 25);
    assert_eq!(errors.len(), 1);
    let err = errors.into_iter().next().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("max_pages"), "{err}");
    assert_eq!(fetched.load(std::sync::atomic::Ordering::SeqCst), 25);
}

// ---- body size -----------------------------------------------------------------------------

#[tokio::test]
async fn a_body_over_the_limit_is_refused_not_buffered() {
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 17 * 1024 * 1024]))
        .mount(&server)
        .await;
    Mock::given(path("/big-error"))
        .respond_with(ResponseTemplate::new(500).set_body_bytes(vec![b'x'; 4096]))
        .mount(&server)
        .await;
    Mock::given(path("/small"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 4096]))
        .mount(&server)
        .await;
    // The default limit (16 MiB) stops a 17 MiB answer.
    let client = builder(&server.uri()).build().unwrap();
    let err = client.send(Request::get("/big")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("max_response_bytes"), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(requests_to(&server, "/big").await.len(), 1, "not retried");

    let small_limit = builder(&server.uri())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = small_limit
        .send(Request::get("/big-error"))
        .await
        .unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Server, Some(500)));
    // A per-call limit lifts the client's.
    let ok = small_limit
        .send(Request::get("/small").max_response_bytes(8192))
        .await
        .unwrap();
    assert_eq!(ok.body.len(), 4096);
}

#[tokio::test]
async fn a_chunked_body_without_length_is_cut_at_the_limit() {
    // Two chunks of 512 bytes and no Content-Length: the limit is enforced while reading.
    let mut reply = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..2 {
        reply.extend_from_slice(b"200\r\n");
        reply.extend_from_slice(&[b'x'; 512]);
        reply.extend_from_slice(b"\r\n");
    }
    reply.extend_from_slice(b"0\r\n\r\n");
    let reply: &'static [u8] = Box::leak(reply.into_boxed_slice());
    let (base, _count) = raw_server(vec![RawReply::Bytes(reply)]).await;
    let limited = builder(&base).max_response_bytes(512).build().unwrap();
    let err = limited.send(Request::get("/chunked")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let roomy = builder(&base).max_response_bytes(2048).build().unwrap();
    assert_eq!(
        roomy
            .send(Request::get("/chunked"))
            .await
            .unwrap()
            .body
            .len(),
        1024
    );
}

// ---- bodiless writes ---------------------------------------------------------------------

#[tokio::test]
async fn bodiless_writes_send_content_length_zero() {
    let server = MockServer::start().await;
    Mock::given(header("content-length", "0"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    for request in [
        Request::put("/repos/o/r/issues/1/lock"),
        Request::post("/actions/run"),
        Request::patch("/touch"),
    ] {
        let response = client.send(request).await.unwrap();
        assert_eq!(response.status.as_u16(), 204);
    }
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        3
    );
}

// ---- redirects -----------------------------------------------------------------------------

fn credentialed(base: &str) -> ApiClient {
    builder(base)
        .authenticator(std::sync::Arc::new(Credentials::ApiKey {
            header: HeaderName::from_static("x-api-key"),
            key: Secret::new(CANARY_KEY),
        }))
        .default_header("x-session-token", CANARY_TOKEN)
        .unwrap()
        .default_header("x-client", "atom-test")
        .unwrap()
        .build()
        .unwrap()
}

#[tokio::test]
async fn same_origin_redirects_are_followed_with_credentials_and_the_rfc_methods() {
    let server = MockServer::start().await;
    // A renamed repository: 301 for GET, 307 for PATCH (method and body kept).
    Mock::given(method("GET"))
        .and(path("/repos/old/name"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/repositories/42"))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/old/name"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/repositories/42"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/jobs"))
        .respond_with(ResponseTemplate::new(303).insert_header("location", "/jobs/7"))
        .mount(&server)
        .await;
    Mock::given(header("x-api-key", CANARY_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":42}"#))
        .mount(&server)
        .await;
    let client = credentialed(&server.uri());
    client.send(Request::get("/repos/old/name")).await.unwrap();
    let patch = Request::patch("/repos/old/name").json(&serde_json::json!({"name": "x"}));
    client.send(patch).await.unwrap();
    let post = Request::post("/jobs").json(&serde_json::json!({"run": true}));
    client.send(post).await.unwrap();

    let moved = requests_to(&server, "/repositories/42").await;
    let methods: Vec<_> = moved.iter().map(|r| r.method.to_string()).collect();
    assert_eq!(methods, ["GET", "PATCH"]);
    assert_eq!(moved[1].body, br#"{"name":"x"}"#);
    let job = requests_to(&server, "/jobs/7").await;
    assert_eq!((job[0].method.as_str(), job[0].body.len()), ("GET", 0));
}

#[tokio::test]
async fn another_origin_gets_no_credential_header_of_any_kind() {
    let api = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/archive"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/download?sig=abc", elsewhere.uri()).as_str(),
        ))
        .mount(&api)
        .await;
    Mock::given(path("/download"))
        .respond_with(ResponseTemplate::new(200).set_body_string("zip"))
        .mount(&elsewhere)
        .await;
    let client = credentialed(&api.uri());
    let response = client.send(Request::get("/archive")).await.unwrap();
    assert_eq!(&response.body[..], b"zip");
    let seen = requests_to(&elsewhere, "/download").await;
    assert_eq!(seen.len(), 1);
    for (name, value) in seen[0].headers.iter() {
        let value = value.to_str().unwrap_or_default();
        assert!(
            !value.contains(CANARY_KEY) && !value.contains(CANARY_TOKEN),
            "{name}: leaked"
        );
    }
    assert!(
        seen[0].headers.get("x-client").is_some(),
        "ordinary headers still go"
    );
}

#[tokio::test]
async fn a_body_is_not_sent_to_another_origin_and_loops_and_long_chains_end() {
    let api = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/write"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/take", elsewhere.uri()).as_str()),
        )
        .mount(&api)
        .await;
    Mock::given(path("/a"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/b"))
        .mount(&api)
        .await;
    Mock::given(path("/b"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/a"))
        .mount(&api)
        .await;
    Mock::given(path("/plain"))
        .respond_with(
            ResponseTemplate::new(301).insert_header("location", "http://example.com/x?token=t0p"),
        )
        .mount(&api)
        .await;
    let client = credentialed(&api.uri());

    let write = Request::post("/write").body(atom_core::Body::Json("{\"secret\":1}".into()));
    let err = client.send(write).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Redirect);
    assert!(requests_to(&elsewhere, "/take").await.is_empty());

    let err = client.send(Request::get("/a")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Redirect);
    assert_eq!(err.location(), Some(format!("{}/a", api.uri()).as_str()));
    assert!(err.to_string().contains("loops"), "{err}");

    let err = client.send(Request::get("/plain")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Redirect);
    assert_eq!(err.location(), Some("http://example.com/x?…"));
    assert!(!format!("{err} {err:?}").contains("t0p"));

    let none = builder(&api.uri()).max_redirects(0).build().unwrap();
    let err = none.send(Request::get("/a")).await.unwrap_err();
    assert_eq!(err.location(), Some(format!("{}/b", api.uri()).as_str()));
    // Refusals are final: none of them was retried.
    assert_eq!(requests_to(&api, "/write").await.len(), 1);
}

#[tokio::test]
async fn a_chain_longer_than_max_redirects_ends_with_the_last_location() {
    let server = MockServer::start().await;
    for i in 0..5 {
        Mock::given(path(format!("/hop{i}")))
            .respond_with(
                ResponseTemplate::new(302)
                    .insert_header("location", format!("/hop{}", i + 1).as_str()),
            )
            .mount(&server)
            .await;
    }
    let client = builder(&server.uri()).max_redirects(3).build().unwrap();
    let err = client.send(Request::get("/hop0")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Redirect);
    assert_eq!(
        err.location(),
        Some(format!("{}/hop4", server.uri()).as_str())
    );
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        4
    );
}

#[test]
fn an_injected_client_that_follows_redirects_itself_is_refused() {
    let err = builder("https://api.example.com")
        .http_client(atom_core::reqwest::Client::new())
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("Policy::none()"), "{err}");
    let none = atom_core::reqwest::Client::builder()
        .redirect(atom_core::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert!(
        builder("https://api.example.com")
            .http_client(none)
            .build()
            .is_ok()
    );
}

// ---- secrets echoed by the server ------------------------------------------------------------

#[tokio::test]
async fn error_text_that_echoes_credentials_is_scrubbed() {
    let server = MockServer::start().await;
    Mock::given(path("/echo-json"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "message": format!("bad header Authorization: Bearer {CANARY_TOKEN}, key {CANARY_KEY}"),
            "errors": [{"message": format!("x-api-key {CANARY_KEY} is not valid")}],
        })))
        .mount(&server)
        .await;
    Mock::given(path("/echo-text"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("content-type", "text/plain")
                .set_body_string(format!("unknown key {CANARY_KEY}")),
        )
        .mount(&server)
        .await;
    let bearer = builder(&server.uri())
        .credentials(Credentials::bearer(Secret::new(CANARY_TOKEN)))
        .default_header("x-api-key", CANARY_KEY)
        .unwrap()
        .build()
        .unwrap();
    for p in ["/echo-json", "/echo-text"] {
        let err = bearer.send(Request::get(p)).await.unwrap_err();
        let shown = format!("{err} {err:?}");
        for canary in [CANARY_TOKEN, CANARY_KEY] {
            assert!(!shown.contains(canary), "{p}: {canary} in {shown}");
        }
        assert!(shown.contains("[redacted]"), "{shown}");
    }
}

#[tokio::test]
async fn the_body_sent_on_a_307_is_the_original() {
    let server = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(308).insert_header("location", "/new"))
        .mount(&server)
        .await;
    Mock::given(path("/new"))
        .and(body_string("a=1&b=2"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let req = Request::post("/old")
        .idempotency_key("k1")
        .body(atom_core::Body::Form("a=1&b=2".into()));
    client.send(req).await.unwrap();
}

#[tokio::test]
async fn a_request_the_http_layer_refuses_is_a_config_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    // A key with a line break cannot be a header value.
    let err = client
        .send(Request::post("/x").idempotency_key("key\r\nx-injected: 1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(!err.is_retryable());
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn errors_from_shared_parts_name_the_clients_service() {
    // A credential that cannot be a header: refused by the shared credential code, which does
    // not know the service, before anything is sent.
    let client = builder("http://127.0.0.1:9")
        .credentials(Credentials::ApiKey {
            header: HeaderName::from_static("x-api-key"),
            key: Secret::new("line\nbreak"),
        })
        .build()
        .unwrap();
    let err = client.send(Request::get("/x")).await.unwrap_err();
    assert_eq!((err.kind(), err.service()), (ErrorKind::Config, "test"));
}

#[tokio::test]
async fn a_request_built_with_a_bad_header_fails_at_the_send_named_for_the_service() {
    let server = MockServer::start().await;
    let client = builder(&server.uri()).build().unwrap();
    let err = client
        .send(Request::get("/x").header("x-note", "line\nbreak"))
        .await
        .unwrap_err();
    assert_eq!((err.kind(), err.service()), (ErrorKind::Config, "test"));
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}
