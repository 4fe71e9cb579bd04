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
    check_parts(
        "token key",
        [("service", &key.service), ("tenant", &key.tenant)],
    )
}

/// The parts of a key (`what`: "token key", "checkpoint key"): no NUL byte (PostgreSQL text
/// cannot hold one) and at most 1 kB each (far below the b-tree entry limit of about 2.7 kB
/// for the pair).
pub(crate) fn check_parts<const N: usize>(what: &str, parts: [(&str, &str); N]) -> Result<()> {
    const MAX_PART: usize = 1024;
    for (part, value) in parts {
        if value.contains('\0') {
            return Err(Error::config(
                SERVICE,
                format!("{what} {part} contains a NUL byte, which PostgreSQL text cannot hold"),
            ));
        }
        if value.len() > MAX_PART {
            return Err(Error::config(
                SERVICE,
                format!("{what} {part} is longer than {MAX_PART} bytes"),
            ));
        }
    }
    Ok(())
}

/// What is wrong with a JSON text, in words that never quote it.
pub(crate) fn json_damage(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "a field is missing or has the wrong type",
        serde_json::error::Category::Eof => "truncated JSON",
    }
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

#[cfg(test)]
mod tests {
    use atom_core::TokenKey;
    use proptest::prelude::*;

    use super::decode_token;

    const MARK: &str = "S3CR3T-MARK";

    proptest! {
        #![proptest_config(atom_core::testing::proptest_config(5_000))]

        /// Any row text: no panic, and a refusal names the key but never quotes the text.
        #[test]
        fn damaged_rows_are_refused_without_their_content(
            before in "\\PC{0,40}",
            after in "\\PC{0,40}",
            shape in 0..4u8,
        ) {
            // Raw text, a truncated object, a JSON string (serde's own message would quote
            // it), a field of the wrong type (likewise).
            let text = match shape {
                0 => format!("{before}{MARK}{after}"),
                1 => format!("{{\"access_token\": \"{before}{MARK}{after}"),
                2 => serde_json::json!(format!("{before}{MARK}{after}")).to_string(),
                _ => serde_json::json!({"access_token": [format!("{before}{MARK}{after}")]}).to_string(),
            };
            let key = TokenKey::new("svc", "tenant-1");
            if let Err(e) = decode_token(&key, "s.atom_tokens", &text) {
                let shown = format!("{e} {e:?}");
                prop_assert!(!shown.contains(MARK), "{}", shown);
                prop_assert!(shown.contains("svc/tenant-1"), "{}", shown);
            }
        }

        /// Every token set round trips through the row text.
        #[test]
        fn token_sets_round_trip(access in "\\PC{0,64}", refresh in proptest::option::of("\\PC{0,64}")) {
            let token = atom_core::TokenSet {
                refresh_token: refresh.map(atom_core::Secret::new),
                ..atom_core::TokenSet::bearer(atom_core::Secret::new(access))
            };
            let text = serde_json::to_string(&token).unwrap_or_default();
            let key = TokenKey::new("svc", "t");
            prop_assert_eq!(decode_token(&key, "t", &text).ok(), Some(token));
        }
    }
}
