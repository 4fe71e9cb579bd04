//! Streamed bodies both ways: `send_streaming` hands a large answer on chunk by chunk, and
//! `Body::Stream` uploads from a reader. Each case counts what the server saw.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atom_core::{ApiClient, Body, ErrorKind, GenericProvider, Request, StreamBody};
use common::{RawReply, fast_policy, raw_server};
use futures::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(base: &str, max_response_bytes: usize) -> ApiClient {
    ApiClient::builder(GenericProvider("test"), base)
        .unwrap()
        .retry_policy(fast_policy(3))
        .max_response_bytes(max_response_bytes)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn a_body_over_the_buffer_limit_streams_whole_where_a_buffered_call_refuses_it() {
    let server = MockServer::start().await;
    let body = pattern(3 * 1024 * 1024);
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(body.clone()))
        .mount(&server)
        .await;
    let client = client(&server.uri(), 1024 * 1024);

    let refused = client.send(Request::get("/big")).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Decode);

    let mut download = client.send_streaming(Request::get("/big")).await.unwrap();
    assert_eq!(download.content_length(), Some(body.len() as u64));
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = download.chunk().await.unwrap() {
        chunks += 1;
        received.extend_from_slice(&chunk);
    }
    assert!(chunks > 1, "the body came in {chunks} chunk(s)");
    assert_eq!(download.received(), body.len() as u64);
    assert!(received == body);
}

#[tokio::test]
async fn a_failed_answer_is_retried_then_mapped_before_any_body_is_handed_on() {
    let server = MockServer::start().await;
    Mock::given(path("/flaky"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/flaky"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("sforce-locator", "MTAwMDA")
                .set_body_string("a,b\n1,2\n"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_string("{\"message\":\"gone\"}"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), 1024);

    let download = client.send_streaming(Request::get("/flaky")).await.unwrap();
    assert_eq!(download.meta.attempts, 2);
    assert_eq!(download.header("sforce-locator"), Some("MTAwMDA"));
    let chunks: Vec<_> = download.into_stream().collect().await;
    let text: Vec<u8> = chunks.into_iter().flat_map(|c| c.unwrap()).collect();
    assert_eq!(text, b"a,b\n1,2\n");

    let missing = client
        .send_streaming(Request::get("/missing"))
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    assert_eq!(missing.status(), Some(404));
}

/// Headers and part of the body, then nothing: the connection stays open.
async fn stalling_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = socket.read(&mut buf).await;
                let head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst-part";
                let _ = socket.write_all(head).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_server_that_stalls_mid_body_ends_the_read_with_a_timeout() {
    let base = stalling_server().await;
    let client = client(&base, 1024);
    let mut download = client.send_streaming(Request::get("/stall")).await.unwrap();
    let first = download.chunk().await.unwrap().unwrap();
    assert_eq!(&first[..], b"first-part");
    let err = download.chunk().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("after 10 bytes"), "{err}");
}

#[tokio::test]
async fn a_body_cut_short_is_a_network_error_naming_what_arrived() {
    let (base, count) = raw_server(vec![RawReply::Bytes(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly-twelve!",
    )])
    .await;
    let client = client(&base, 1024);
    let mut download = client.send_streaming(Request::get("/cut")).await.unwrap();
    let mut error = None;
    loop {
        match download.chunk().await {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let error = error.expect("a short body must not end cleanly");
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(error.to_string().contains("after 12 bytes"), "{error}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_streamed_upload_sends_every_byte_with_its_length_and_type() {
    let server = MockServer::start().await;
    let data = pattern(300 * 1024);
    Mock::given(method("PUT"))
        .and(path("/upload"))
        .and(header("content-type", "text/csv"))
        .and(header("content-length", data.len().to_string().as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri(), 1024);
    let reader = std::io::Cursor::new(data.clone());
    let body = StreamBody::from_reader("text/csv", Some(data.len() as u64), reader);
    let response = client
        .send(Request::put("/upload").body(Body::Stream(body)))
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 201);
    let seen = server.received_requests().await.unwrap();
    assert!(seen[0].body == data);
}

#[tokio::test]
async fn a_one_time_body_is_not_resent_after_a_server_error() {
    let server = MockServer::start().await;
    Mock::given(path("/upload"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client(&server.uri(), 1024);
    let body = StreamBody::from_reader("text/csv", None, &b"Name\nAcme\n"[..]);
    // PUT is idempotent: with an in-memory body the policy would retry it.
    let err = client
        .send(Request::put("/upload").body(Body::Stream(body)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_replayable_body_is_rebuilt_for_each_retry() {
    let server = MockServer::start().await;
    Mock::given(path("/upload"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), 1024);
    let opened = Arc::new(AtomicUsize::new(0));
    let counter = opened.clone();
    let body = StreamBody::replayable("text/csv", Some(10), move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Some(futures::stream::iter([Ok::<_, std::io::Error>(
            &b"Name\nAcme\n"[..],
        )]))
    });
    let response = client
        .send(Request::put("/upload").body(Body::Stream(body)))
        .await
        .unwrap();
    assert_eq!(response.meta.attempts, 2);
    assert_eq!(opened.load(Ordering::SeqCst), 2);
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.body == b"Name\nAcme\n"));
}

#[tokio::test]
async fn a_redirect_that_keeps_the_body_cannot_reuse_a_one_time_stream() {
    let server = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/new"))
        .mount(&server)
        .await;
    Mock::given(path("/new"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), 1024);
    let body = StreamBody::from_reader("text/csv", Some(3), &b"a\n\n"[..]);
    let err = client
        .send(Request::put("/old").body(Body::Stream(body)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("replayable"), "{err}");
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 1, "nothing was sent to /new without its body");
}

#[test]
fn debug_shows_the_kind_and_length_of_a_streamed_body_never_its_bytes() {
    let body = Body::Stream(StreamBody::from_reader(
        "application/octet-stream",
        Some(6),
        &b"secret"[..],
    ));
    let shown = format!("{body:?}");
    assert_eq!(shown, "application/octet-stream (stream, 6 bytes)");
    let request = Request::post("/files").body(body);
    assert!(!format!("{request:?}").contains("secret"));
}

#[tokio::test]
async fn a_server_that_never_answers_a_streaming_call_times_out_and_is_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let seen = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let _held = socket;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    let client = client(&format!("http://{addr}"), 1024);
    let err = client
        .send_streaming(Request::get("/silent"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    // A GET that timed out is retried: the policy allows 3 attempts.
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

/// Chunks of `size` bytes, one every `every`.
fn trickle(
    chunks: usize,
    size: usize,
    every: Duration,
) -> impl futures::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static {
    futures::stream::unfold(0, move |sent| async move {
        if sent == chunks {
            return None;
        }
        tokio::time::sleep(every).await;
        Some((Ok(vec![b'x'; size]), sent + 1))
    })
}

#[tokio::test]
async fn an_upload_that_keeps_moving_outlasts_its_timeout_and_the_retry_deadline() {
    let server = MockServer::start().await;
    Mock::given(path("/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    // Each chunk comes well inside the 300 ms timeout; the whole upload takes four times
    // that, and twice the deadline.
    let client = ApiClient::builder(GenericProvider("test"), &server.uri())
        .unwrap()
        .retry_policy(fast_policy(3).deadline(Some(Duration::from_millis(600))))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let body = StreamBody::from_stream(
        "text/csv",
        Some(12 * 1000),
        trickle(12, 1000, Duration::from_millis(100)),
    );
    let response = client
        .send(Request::put("/upload").body(Body::Stream(body)))
        .await
        .unwrap();
    assert_eq!(response.meta.attempts, 1);
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen[0].body.len(), 12 * 1000);
}

#[tokio::test]
async fn an_upload_that_stops_moving_fails_with_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(path("/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), 1024);
    let stuck = futures::stream::iter([Ok::<_, std::io::Error>(vec![b'x'; 100])])
        .chain(futures::stream::pending());
    let body = StreamBody::from_stream("text/csv", Some(1000), stuck);
    let err = client
        .send(Request::put("/upload").body(Body::Stream(body)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("no progress"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
