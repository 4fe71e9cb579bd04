//! Per-org pacing: at most 25 calls in flight per org, and orgs do not wait for each other.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atom_core::{RateLimiter, Secret};
use atom_salesforce::Client;
use atom_salesforce::client::{MAX_CONCURRENT_PER_ORG, default_limits};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::watch;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn org_client(uri: &str, limiter: &Arc<RateLimiter>, org: &str) -> Client {
    Client::builder()
        .base_url(uri)
        .access_token(Secret::new("t"))
        .shared_limiter(limiter.clone())
        .tenant(org)
        .build()
        .unwrap()
}

/// What a [`gate`] server saw.
#[derive(Debug, Default)]
struct Seen {
    in_flight: usize,
    max_in_flight: usize,
    received: usize,
}

/// A loopback HTTP server answering every request with `{}`, that holds requests until
/// `open_at` are in flight together (then `linger` longer) and records the most it had in
/// flight. Holding makes that figure what the client let through at once, not what the
/// scheduler happened to overlap, so no clock is read. Once open it stays open. `patience`
/// (well under the client's 30 s timeout) opens it anyway when the client never gets to
/// `open_at`: that is the failure being tested for, and the assertion then says so.
async fn gate(open_at: usize, linger: Duration, patience: Duration) -> (String, Arc<Mutex<Seen>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let (open, _) = watch::channel(false);
    let open = Arc::new(open);
    let server_seen = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let (seen, open) = (server_seen.clone(), open.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let mut gate = open.subscribe();
                {
                    let mut seen = seen.lock().unwrap();
                    seen.received += 1;
                    seen.in_flight += 1;
                    seen.max_in_flight = seen.max_in_flight.max(seen.in_flight);
                    if seen.in_flight >= open_at && !*open.borrow() {
                        let open = open.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(linger).await;
                            open.send_replace(true);
                        });
                    }
                }
                if tokio::time::timeout(patience, gate.wait_for(|open| *open))
                    .await
                    .is_err()
                {
                    open.send_replace(true);
                }
                let response = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                content-length: 2\r\nconnection: close\r\n\r\n{}";
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
                seen.lock().unwrap().in_flight -= 1;
            });
        }
    });
    (uri, seen)
}

/// Requests received, and the most in flight at once.
fn counts(seen: &Mutex<Seen>) -> (usize, usize) {
    let seen = seen.lock().unwrap();
    (seen.received, seen.max_in_flight)
}

#[tokio::test]
async fn twenty_five_in_flight_per_org() {
    let limiter = Arc::new(RateLimiter::new("salesforce", default_limits()));
    let per_org = MAX_CONCURRENT_PER_ORG;
    assert_eq!(per_org, 25);

    // 25 calls for each of two orgs at once: all 50 are in flight together, because orgs are
    // limited separately. (Were they not, the server would see 25 and, after `patience`, the
    // rest.)
    let (uri, seen) = gate(2 * per_org, Duration::ZERO, Duration::from_secs(10)).await;
    let a = org_client(&uri, &limiter, "00DA0000000AAAA");
    let b = org_client(&uri, &limiter, "00DB0000000BBBB");
    let calls = (0..per_org).flat_map(|_| {
        let (a, b) = (a.clone(), b.clone());
        [
            tokio::spawn(async move { a.limits().get().await }),
            tokio::spawn(async move { b.limits().get().await }),
        ]
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(
        counts(&seen),
        (2 * per_org, 2 * per_org),
        "orgs are limited separately"
    );

    // 26 calls for one org: the server holds the first 25 (and a while longer, for a 26th to
    // show up if it could); it never has more than 25, and the 26th comes after.
    let (uri, seen) = gate(per_org, Duration::from_millis(200), Duration::from_secs(10)).await;
    let a = org_client(&uri, &limiter, "00DA0000000AAAA");
    let calls = (0..=per_org).map(|_| {
        let a = a.clone();
        tokio::spawn(async move { a.limits().get().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(
        counts(&seen),
        (per_org + 1, per_org),
        "the 26th call waited for a slot"
    );
}

#[test]
fn the_client_is_a_connector() {
    use atom_core::Connector;
    let client = Client::builder()
        .base_url("https://acme.my.salesforce.com")
        .access_token(Secret::new("t"))
        .build()
        .unwrap();
    let all: Vec<Box<dyn Connector>> = vec![Box::new(client)];
    assert_eq!(all[0].service(), "salesforce");
    assert_eq!(all[0].info().display_name, "Salesforce");
    assert!(
        Client::builder()
            .base_url("http://acme.my.salesforce.com")
            .access_token(Secret::new("t"))
            .build()
            .is_err(),
        "plain http off loopback is refused"
    );
    assert!(
        Client::builder()
            .base_url("https://x.example")
            .build()
            .is_err()
    );
    assert!(
        Client::builder()
            .base_url("https://x.example")
            .access_token(Secret::new("t"))
            .api_version("latest")
            .build()
            .is_err()
    );
}

#[tokio::test]
async fn the_common_options_have_their_common_names() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(common::data("/limits")))
        .and(wiremock::matchers::header("user-agent", "my-app/1.0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    // base_url is the instance URL; user_agent, timeout and rate_limits come from the core's
    // setters, as in every atom crate.
    let client = Client::builder()
        .base_url(server.uri())
        .access_token(Secret::new("t"))
        .user_agent("my-app/1.0")
        .timeout(Duration::from_secs(5))
        .rate_limits(default_limits())
        .build()
        .unwrap();
    client.limits().get().await.unwrap();
    // Neither the builder nor the client shows the token.
    let builder = Client::builder().access_token(Secret::new("00Dx!very-secret-session"));
    assert!(!format!("{builder:?}").contains("very-secret"));
    let secret_client = builder.base_url("https://x.example").build().unwrap();
    assert!(!format!("{secret_client:?}").contains("very-secret"));
    assert!(
        Client::builder()
            .base_url("https://x.example")
            .access_token(Secret::new("t"))
            .user_agent("bad\nagent")
            .build()
            .is_err()
    );
}

#[tokio::test]
async fn the_api_version_is_configurable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v62.0/limits"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token(Secret::new("t"))
        .api_version("v62.0")
        .build()
        .unwrap();
    assert_eq!(client.api_version(), "62.0");
    client.limits().get().await.unwrap();
}
