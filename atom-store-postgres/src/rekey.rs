//! Moving every token row to the keyring's current key, so that an old key can be retired
//! without waiting for each token's next refresh (some tokens never expire).

use atom_core::{Error, Result, TokenKey, TokenStore};
use sqlx::Row as _;

use crate::SERVICE;
use crate::crypto::encode_row;
use crate::error::{bounded, db_error};
use crate::store::PostgresTokenStore;

impl PostgresTokenStore {
    /// Encrypts again, under the keyring's current key, at most `limit` token rows that are
    /// under another key (or, with
    /// [`accept_unencrypted_rows`](crate::PostgresTokenStoreBuilder::accept_unencrypted_rows),
    /// stored unencrypted), and returns how many it moved; call it until it returns 0, then
    /// the old keys can leave the keyring.
    ///
    /// The token itself is unchanged, so its version is too (a replica holding it loses
    /// nothing) and so is its dead-grant flag; a row saved meanwhile by a replica is left as
    /// that save wrote it (under the current key). A row that does not decrypt stops the
    /// run with the storage error naming its key. Without a keyring this is a
    /// [`atom_core::ErrorKind::Config`] error.
    pub async fn reencrypt(&self, limit: u32) -> Result<u64> {
        let inner = self.inner();
        let Some(keyring) = inner.keyring.as_ref() else {
            return Err(Error::config(
                SERVICE,
                "reencrypt needs a keyring (PostgresTokenStoreBuilder::encryption)",
            ));
        };
        let t = &inner.sql.tokens;
        let pick = format!(
            "SELECT service, tenant FROM {t} WHERE key_id IS DISTINCT FROM $1 \
             ORDER BY service, tenant LIMIT $2"
        );
        let rewrap = format!(
            "UPDATE {t} SET token = $3, key_id = $4 \
             WHERE service = $1 AND tenant = $2 AND version = $5"
        );
        let rows = bounded(
            "cannot list the rows to encrypt again",
            inner.statement_timeout,
            sqlx::query(&pick)
                .bind(keyring.current_id())
                .bind(i64::from(limit))
                .fetch_all(&inner.pool),
        )
        .await?;
        let mut moved = 0;
        for row in rows {
            let (service, tenant): (String, String) = (
                row.try_get(0)
                    .map_err(|e| db_error("cannot read a key", e))?,
                row.try_get(1)
                    .map_err(|e| db_error("cannot read a key", e))?,
            );
            let key = TokenKey::new(service, tenant);
            // Deleted meanwhile: nothing to move.
            let Some(stored) = self.load(&key).await? else {
                continue;
            };
            let Ok(version) = i64::try_from(stored.version) else {
                continue;
            };
            let (text, key_id) = encode_row(Some(keyring), &key, &stored.token)?;
            let done = bounded(
                &format!("cannot encrypt the token of {key} again"),
                inner.statement_timeout,
                sqlx::query(&rewrap)
                    .bind(&key.service)
                    .bind(&key.tenant)
                    .bind(&text)
                    .bind(&key_id)
                    .bind(version)
                    .execute(&inner.pool),
            )
            .await?;
            moved += done.rows_affected();
        }
        Ok(moved)
    }
}
