//! A create whose connection breaks after the server read it is retried with the same
//! `Idempotency-Key`, so Zendesk can answer the retry with the ticket the first attempt made.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use atom_zendesk::tickets::{CommentParams, TicketCreateParams};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// Reads one HTTP request (headers and a `content-length` body); returns its head.
async fn read_request(stream: &mut tokio::net::TcpStream) -> String {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return text[..end].to_owned();
            }
        }
    }
    String::from_utf8_lossy(&data).to_string()
}

#[tokio::test]
async fn the_retry_after_a_dropped_connection_carries_the_same_key() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let keys = Arc::new(Mutex::new(Vec::new()));
    let seen = keys.clone();
    tokio::spawn(async move {
        for attempt in 0.. {
            let (mut stream, _) = listener.accept().await.unwrap();
            let head = read_request(&mut stream).await;
            let key = head.lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("idempotency-key:")
                    .map(|v| v.trim().to_owned())
            });
            seen.lock().unwrap().push(key);
            if attempt == 0 {
                // The request arrived; the answer never leaves: the connection just closes.
                drop(stream);
                continue;
            }
            let body = r#"{"ticket":{"id":35436,"subject":"Payment failed"}}"#;
            let answer = format!(
                "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nx-idempotency-lookup: hit\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(answer.as_bytes()).await.unwrap();
        }
    });
    let created = common::client(&uri)
        .tickets()
        .create(&TicketCreateParams {
            subject: Some("Payment failed".into()),
            comment: Some(CommentParams::public("Declined.")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(created.ticket.id, 35436);
    let keys = keys.lock().unwrap().clone();
    assert_eq!(keys.len(), 2, "one retry");
    assert!(keys[0].is_some());
    assert_eq!(keys[0], keys[1], "the same key on both attempts");
    assert_eq!(
        keys[0].as_deref(),
        Some(created.idempotency_key.to_ascii_lowercase().as_str())
    );
    assert_eq!(
        created.idempotency_lookup,
        Some(atom_zendesk::tickets::IdempotencyLookup::Hit)
    );
}

#[tokio::test]
async fn a_bulk_create_without_a_key_is_not_resent_after_a_dropped_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let attempts = Arc::new(Mutex::new(0u32));
    let seen = attempts.clone();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            read_request(&mut stream).await;
            *seen.lock().unwrap() += 1;
            drop(stream);
        }
    });
    let err = common::client(&uri)
        .tickets()
        .create_many(&[TicketCreateParams {
            subject: Some("a".into()),
            comment: Some(CommentParams::public("a")),
            ..Default::default()
        }])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::Network, "{err:?}");
    // Zendesk may have queued the job: resending could create every ticket twice.
    assert_eq!(*attempts.lock().unwrap(), 1);
}
