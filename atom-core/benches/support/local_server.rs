//! A minimal keep-alive HTTP/1.1 server for benchmarks: answers every GET with a fixed
//! body, or with page N of a cursor-paged collection, so that client costs dominate.

#![allow(clippy::expect_used, dead_code)]

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server answers.
pub type Answer = Arc<dyn Fn(&str) -> Vec<u8> + Send + Sync>;

/// Starts the server on loopback and returns its base URL.
pub async fn start(answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_string();
                    buf.drain(..end + 4);
                    let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
                    let body = answer(&target);
                    let mut response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-ratelimit-limit: 100000\r\nx-ratelimit-remaining: 99999\r\nx-request-id: bench\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    response.extend_from_slice(&body);
                    if socket.write_all(&response).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// A page of `n` records shaped like a typical CRM list.
pub fn page_json(n: usize, start: usize, next: Option<String>) -> Vec<u8> {
    let items: Vec<serde_json::Value> = (start..start + n)
        .map(|i| {
            serde_json::json!({
                "id": format!("rec_{i:08}"),
                "name": format!("Record number {i}"),
                "email": format!("person{i}@example.com"),
                "amount": i * 100,
                "currency": "usd",
                "created": 1_700_000_000 + i,
                "active": i % 2 == 0,
                "tags": ["alpha", "beta"],
                "metadata": {"order": i.to_string(), "source": "bench"}
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"items": items, "next": next})).unwrap_or_default()
}

/// One record of [`page_json`], as a typical typed model.
#[derive(Debug, serde::Deserialize)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub email: String,
    pub amount: i64,
    pub currency: String,
    pub created: i64,
    pub active: bool,
    pub tags: Vec<String>,
    pub metadata: std::collections::HashMap<String, String>,
}

/// A page of [`page_json`].
#[derive(Debug, serde::Deserialize)]
pub struct PageBody {
    pub items: Vec<Item>,
    pub next: Option<String>,
}
