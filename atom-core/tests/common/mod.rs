//! Shared test helpers: fast retry policies, a raw TCP server, an OAuth setup.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atom_core::{
    ApiClient, GenericProvider, MemoryTokenStore, OAuthAuthenticator, OAuthClient, OAuthConfig,
    RetryPolicy, Secret, TokenKey, TokenManager, TokenSet, TokenStore,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Retries quickly so tests stay fast.
pub fn fast_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(max_attempts)
        .base_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(50))
        .deadline(Some(Duration::from_secs(20)))
        .max_retry_after(Duration::from_secs(5))
}

pub fn client(base: &str, attempts: u32) -> ApiClient {
    ApiClient::builder(GenericProvider("test"), base)
        .unwrap()
        .retry_policy(fast_policy(attempts))
        .build()
        .unwrap()
}

/// What the raw server does with each connection, in order; the last repeats.
#[derive(Clone, Debug)]
pub enum RawReply {
    /// Close the connection with a TCP reset after reading the request.
    Reset,
    /// Send these bytes and close.
    Bytes(&'static [u8]),
}

/// A raw HTTP/1.1 server on loopback for faults wiremock cannot produce.
pub async fn raw_server(replies: Vec<RawReply>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let reply = replies[n.min(replies.len() - 1)].clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut read = 0;
                // Read until the end of the request head.
                while !buf[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => read += k,
                    }
                }
                match reply {
                    RawReply::Reset => {
                        let _ = socket.set_zero_linger();
                        drop(socket);
                    }
                    RawReply::Bytes(bytes) => {
                        let _ = socket.write_all(bytes).await;
                        let _ = socket.shutdown().await;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), count)
}

pub fn oauth_client(token_url: &str) -> OAuthClient {
    OAuthClient::new(
        "test",
        OAuthConfig::new(
            "client-1",
            format!("{token_url}/authorize").parse().unwrap(),
            format!("{token_url}/token").parse().unwrap(),
        )
        .client_secret(Secret::new("client-secret-XYZ"))
        .redirect_url("http://127.0.0.1/callback".parse().unwrap())
        .scopes(["api"]),
    )
    .unwrap()
}

/// A token that expired an hour ago.
pub fn expired_token(access: &str, refresh: &str) -> TokenSet {
    TokenSet {
        access_token: Secret::new(access),
        refresh_token: Some(Secret::new(refresh)),
        expires_at: Some(chrono::Utc::now() - chrono::Duration::hours(1)),
        scopes: vec![],
        extra: Default::default(),
    }
}

/// A token valid for an hour.
pub fn valid_token(access: &str, refresh: &str) -> TokenSet {
    TokenSet {
        expires_at: Some(chrono::Utc::now() + chrono::Duration::hours(1)),
        ..expired_token(access, refresh)
    }
}

/// An OAuth-authenticated client for `api_base`, refreshing against `token_base`.
pub async fn oauth_api_client(
    api_base: &str,
    token_base: &str,
    initial: TokenSet,
    attempts: u32,
) -> (ApiClient, Arc<MemoryTokenStore>, Arc<TokenManager>) {
    let store = Arc::new(MemoryTokenStore::default());
    let key = TokenKey::new("test", "tenant-1");
    store.save(&key, &initial, None).await.unwrap();
    let manager = Arc::new(TokenManager::new(
        key,
        store.clone(),
        Arc::new(oauth_client(token_base)),
    ));
    let client = ApiClient::builder(GenericProvider("test"), api_base)
        .unwrap()
        .authenticator(Arc::new(OAuthAuthenticator::new(manager.clone())))
        .retry_policy(fast_policy(attempts))
        .build()
        .unwrap();
    (client, store, manager)
}
