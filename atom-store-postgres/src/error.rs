//! Database failures as atom errors: storage errors that say what was being done and for
//! which key, and never quote a token.

use std::future::Future;
use std::time::Duration;

use atom_core::{Error, ErrorKind, Result, TokenKey};

use crate::SERVICE;

/// A failed statement: a [`ErrorKind::Storage`] error naming the action, with the database
/// error as its source. sqlx's text names the server's complaint, not the bound values, so
/// no token reaches it; the core's scrubbing of credential-shaped words applies on top.
pub(crate) fn db_error(what: &str, err: sqlx::Error) -> Error {
    Error::new(
        ErrorKind::Storage,
        SERVICE,
        format!("postgres token store: {what}: {err}"),
    )
    .with_source(err)
}

/// Runs one database call bounded by `limit`, so that a server that stopped answering
/// (a half-open connection, a lock held elsewhere) fails the call instead of hanging it.
pub(crate) async fn bounded<T>(
    what: &str,
    limit: Duration,
    call: impl Future<Output = std::result::Result<T, sqlx::Error>>,
) -> Result<T> {
    match tokio::time::timeout(limit, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(db_error(what, e)),
        Err(_) => Err(Error::new(
            ErrorKind::Storage,
            SERVICE,
            format!("postgres token store: {what}: no answer within {limit:?}"),
        )),
    }
}

/// A key the database cannot hold or index: refused before any statement is sent.
pub(crate) fn check_key(key: &TokenKey) -> Result<()> {
    /// Far below PostgreSQL's b-tree entry limit (about 2.7 kB for the pair).
    const MAX_PART: usize = 1024;
    for (part, value) in [("service", &key.service), ("tenant", &key.tenant)] {
        if value.contains('\0') {
            return Err(Error::config(
                SERVICE,
                format!("token key {part} contains a NUL byte, which PostgreSQL text cannot hold"),
            ));
        }
        if value.len() > MAX_PART {
            return Err(Error::config(
                SERVICE,
                format!("token key {part} is longer than {MAX_PART} bytes"),
            ));
        }
    }
    Ok(())
}

/// Decodes a stored token's JSON. The error names the key and where and how the text is
/// damaged, never the text: its values are tokens.
pub(crate) fn decode_token(key: &TokenKey, table: &str, text: &str) -> Result<atom_core::TokenSet> {
    serde_json::from_str(text).map_err(|e| {
        let damage = match e.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "not valid JSON",
            serde_json::error::Category::Data => {
                "not a token set (a field is missing or has the wrong type)"
            }
            serde_json::error::Category::Eof => "truncated JSON",
        };
        Error::new(
            ErrorKind::Storage,
            SERVICE,
            format!(
                "corrupt token row for {key} in {table}: {damage} at line {} column {}",
                e.line(),
                e.column()
            ),
        )
    })
}
