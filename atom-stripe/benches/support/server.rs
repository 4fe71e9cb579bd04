//! A keep-alive HTTP/1.1 server answering like Stripe, for the benchmarks: POST → one
//! customer, GET → a list of ten.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

fn fixture() -> serde_json::Value {
    let text = include_str!("../../tests/fixtures/customer.json");
    serde_json::from_str(text).unwrap()
}

/// Starts the server on a free loopback port and returns its base URL.
pub fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let one = serde_json::to_vec(&fixture()).unwrap();
    let list = serde_json::to_vec(&serde_json::json!({
        "object": "list", "url": "/v1/customers", "has_more": false,
        "data": vec![fixture(); 10],
    }))
    .unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (one, list) = (one.clone(), list.clone());
            std::thread::spawn(move || {
                stream.set_nodelay(true).unwrap();
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let is_post = line.starts_with("POST");
                    let mut length = 0usize;
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 {
                            return;
                        }
                        if h == "\r\n" {
                            break;
                        }
                        if let Some((k, v)) = h.split_once(':')
                            && k.eq_ignore_ascii_case("content-length")
                        {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let payload = if is_post { &one } else { &list };
                    let mut answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         request-id: req_bench\r\ncontent-length: {}\r\n\r\n",
                        payload.len()
                    )
                    .into_bytes();
                    answer.extend_from_slice(payload);
                    if writer.write_all(&answer).is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}
