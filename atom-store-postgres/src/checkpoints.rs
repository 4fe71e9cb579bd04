//! `PostgresCheckpointStore`: feed checkpoints with atom-core's compare-and-swap contract,
//! on the database handle of a [`PostgresTokenStore`].

use std::fmt;

use async_trait::async_trait;
use atom_core::feed::{FeedCheckpoint, MAX_CHECKPOINT_BYTES};
use atom_core::{CheckpointKey, CheckpointStore, Error, ErrorKind, Result, StoredCheckpoint};
use sqlx::Row as _;

use crate::SERVICE;
use crate::error::{bounded, check_parts, db_error, json_damage};
use crate::store::PostgresTokenStore;

/// Feed checkpoints in PostgreSQL (table `atom_checkpoints` of the store's schema), shared by
/// every replica: [`CheckpointStore::save`] is compare-and-swap on the row's version in one
/// statement, so two workers running the same consumer cannot move one checkpoint back and
/// forth. `Some(0)` expects that nothing is stored (an `INSERT` that does nothing on a
/// conflict), `Some(v)` an `UPDATE .. WHERE version = v`, `None` an upsert.
///
/// Made from a [`PostgresTokenStore`] with [`PostgresTokenStore::checkpoints`]: it shares
/// that store's pool, schema (whose migrations created the table) and statement timeout.
///
/// ```no_run
/// # async fn demo() -> atom_core::Result<()> {
/// use atom_core::feed::FeedCheckpoint;
/// use atom_core::{CheckpointKey, CheckpointStore};
/// use atom_store_postgres::PostgresTokenStore;
///
/// let checkpoints = PostgresTokenStore::connect("postgres://app@db.internal/app")
///     .await?
///     .checkpoints();
/// let key = CheckpointKey::new("stripe.events/acct_1", "to-salesforce");
/// let v1 = checkpoints
///     .save(&key, &FeedCheckpoint::new("stripe.events").with_cursor("evt_1"), Some(0))
///     .await?;
/// # let _ = v1; Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresCheckpointStore {
    db: PostgresTokenStore,
    table: String,
    load: String,
    insert: String,
    update: String,
    upsert: String,
    version: String,
    delete: String,
}

impl fmt::Debug for PostgresCheckpointStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresCheckpointStore")
            .field("schema", self.db.schema())
            .finish_non_exhaustive()
    }
}

impl PostgresTokenStore {
    /// The feed checkpoints of this store's schema, on its pool.
    pub fn checkpoints(&self) -> PostgresCheckpointStore {
        PostgresCheckpointStore::new(self.clone())
    }
}

impl PostgresCheckpointStore {
    fn new(db: PostgresTokenStore) -> Self {
        let t = format!("{}.atom_checkpoints", db.schema().quoted());
        // A row too large to be a checkpoint is not sent back (the CASE): the read stays
        // bounded even if the table's CHECK was dropped.
        let max = MAX_CHECKPOINT_BYTES;
        Self {
            load: format!(
                "SELECT version, CASE WHEN octet_length(checkpoint) <= {max} THEN checkpoint END \
                 AS checkpoint FROM {t} WHERE feed = $1 AND consumer = $2"
            ),
            insert: format!(
                "INSERT INTO {t} (feed, consumer, version, checkpoint) VALUES ($1, $2, 1, $3) \
                 ON CONFLICT (feed, consumer) DO NOTHING RETURNING version"
            ),
            update: format!(
                "UPDATE {t} SET version = version + 1, checkpoint = $3, updated_at = now() \
                 WHERE feed = $1 AND consumer = $2 AND version = $4 RETURNING version"
            ),
            upsert: format!(
                "INSERT INTO {t} AS old (feed, consumer, version, checkpoint) VALUES ($1, $2, 1, $3) \
                 ON CONFLICT (feed, consumer) DO UPDATE SET version = old.version + 1, \
                 checkpoint = excluded.checkpoint, updated_at = now() RETURNING version"
            ),
            version: format!("SELECT version FROM {t} WHERE feed = $1 AND consumer = $2"),
            delete: format!("DELETE FROM {t} WHERE feed = $1 AND consumer = $2"),
            table: t,
            db,
        }
    }

    fn check(key: &CheckpointKey) -> Result<()> {
        check_parts(
            "checkpoint key",
            [("feed", &key.feed), ("consumer", &key.consumer)],
        )
    }

    fn corrupt(&self, key: &CheckpointKey, why: &str) -> Error {
        Error::new(
            ErrorKind::Storage,
            SERVICE,
            format!("corrupt checkpoint row for {key} in {}: {why}", self.table),
        )
    }

    fn version_of(&self, key: &CheckpointKey, row: &sqlx::postgres::PgRow) -> Result<u64> {
        let version: i64 = row
            .try_get("version")
            .map_err(|e| db_error("cannot read the checkpoint version", e))?;
        u64::try_from(version)
            .map_err(|_| self.corrupt(key, &format!("version {version} is negative")))
    }

    async fn current_version(&self, key: &CheckpointKey) -> Result<u64> {
        let inner = self.db.inner();
        let row = bounded(
            &format!("cannot read the checkpoint version of {key}"),
            inner.statement_timeout,
            sqlx::query(&self.version)
                .bind(&key.feed)
                .bind(&key.consumer)
                .fetch_optional(&inner.pool),
        )
        .await?;
        Ok(match row {
            Some(row) => self.version_of(key, &row)?,
            None => 0,
        })
    }
}

#[async_trait]
impl CheckpointStore for PostgresCheckpointStore {
    async fn load(&self, key: &CheckpointKey) -> Result<Option<StoredCheckpoint>> {
        Self::check(key)?;
        let inner = self.db.inner();
        let row = bounded(
            &format!("cannot load the checkpoint of {key}"),
            inner.statement_timeout,
            sqlx::query(&self.load)
                .bind(&key.feed)
                .bind(&key.consumer)
                .fetch_optional(&inner.pool),
        )
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let version = self.version_of(key, &row)?;
        let text: Option<String> = row
            .try_get("checkpoint")
            .map_err(|e| db_error("cannot read the checkpoint", e))?;
        let Some(text) = text else {
            return Err(self.corrupt(key, &format!("larger than {MAX_CHECKPOINT_BYTES} bytes")));
        };
        let checkpoint: FeedCheckpoint = serde_json::from_str(&text).map_err(|e| {
            self.corrupt(
                key,
                &format!(
                    "{} at line {} column {}",
                    json_damage(&e),
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let stored = StoredCheckpoint::new(version, checkpoint);
        Ok(Some(stored))
    }

    async fn save(
        &self,
        key: &CheckpointKey,
        checkpoint: &FeedCheckpoint,
        expected: Option<u64>,
    ) -> Result<u64> {
        Self::check(key)?;
        let text = checkpoint.to_json();
        if text.len() > MAX_CHECKPOINT_BYTES {
            return Err(Error::new(
                ErrorKind::Storage,
                SERVICE,
                format!(
                    "cannot save the checkpoint of {key}: larger than {MAX_CHECKPOINT_BYTES} bytes"
                ),
            ));
        }
        let inner = self.db.inner();
        let what = format!("cannot save the checkpoint of {key}");
        let query = match expected {
            None => sqlx::query(&self.upsert),
            Some(0) => sqlx::query(&self.insert),
            Some(_) => sqlx::query(&self.update),
        }
        .bind(&key.feed)
        .bind(&key.consumer)
        .bind(&text);
        let row = match expected {
            // No stored version is above i64::MAX, so such an expectation cannot hold.
            Some(v) if v > 0 => match i64::try_from(v) {
                Ok(v) => {
                    bounded(
                        &what,
                        inner.statement_timeout,
                        query.bind(v).fetch_optional(&inner.pool),
                    )
                    .await?
                }
                Err(_) => None,
            },
            _ => {
                bounded(
                    &what,
                    inner.statement_timeout,
                    query.fetch_optional(&inner.pool),
                )
                .await?
            }
        };
        match row {
            Some(row) => self.version_of(key, &row),
            None => {
                let found = self.current_version(key).await?;
                Err(Error::new(
                    ErrorKind::Conflict,
                    SERVICE,
                    format!(
                        "checkpoint of {key} changed: expected version {}, found {found}",
                        expected.unwrap_or(0)
                    ),
                ))
            }
        }
    }

    async fn delete(&self, key: &CheckpointKey) -> Result<()> {
        Self::check(key)?;
        let inner = self.db.inner();
        bounded(
            &format!("cannot delete the checkpoint of {key}"),
            inner.statement_timeout,
            sqlx::query(&self.delete)
                .bind(&key.feed)
                .bind(&key.consumer)
                .execute(&inner.pool),
        )
        .await?;
        Ok(())
    }
}
