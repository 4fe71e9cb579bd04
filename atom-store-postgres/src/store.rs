//! `PostgresTokenStore`: construction, migrations, and the `TokenStore` contract.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use atom_core::{
    Error, ErrorKind, RefreshLease, Result, StoredToken, TokenKey, TokenSet, TokenStore,
};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Connection as _, Row as _};

use crate::crypto::{Keyring, decode_row, encode_row};
use crate::error::{bounded, check_key, db_error};
use crate::{SERVICE, Schema, lease};

/// The embedded migrations (`migrations/` of this crate), run in the chosen schema.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A token row larger than this is refused on read (the table refuses it on write too).
const MAX_TOKEN_BYTES: i64 = 1024 * 1024;

/// OAuth tokens in PostgreSQL, shared by every replica of a service.
///
/// * `save` is compare-and-swap on the row's version, in one `UPDATE .. WHERE version = $v`
///   (or an upsert for an unconditional save), so two replicas can never both replace the
///   same version.
/// * [`TokenStore::lease`] is a **lease row** with an expiry set by the database's clock,
///   renewed by the holder while it refreshes (see [the crate docs](crate) for why a row
///   and not an advisory lock). A replica that dies holding it blocks the others for at most
///   [`PostgresTokenStoreBuilder::lease_time`].
/// * Dead grants are a flag on the token row, cleared by the next save.
/// * Tables are created by the crate's embedded migrations in a schema of the caller's
///   choice ([`Schema`], default `atom`).
///
/// Cheap to clone (an `Arc` inside). `Debug` shows the schema and timings, never the
/// connection settings (which may hold a password).
#[derive(Clone)]
pub struct PostgresTokenStore {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) pool: PgPool,
    pub(crate) schema: Schema,
    pub(crate) sql: Sql,
    pub(crate) lease_time: Duration,
    pub(crate) lock_timeout: Duration,
    pub(crate) statement_timeout: Duration,
    /// Encryption at rest of the tokens' secret fields, when configured.
    pub(crate) keyring: Option<Keyring>,
    /// Whether a plain row is read under a keyring (while migrating to encryption).
    pub(crate) accept_plain: bool,
    /// One FIFO queue per key for this handle: the replica's own line for the lease, so
    /// that a replica polls the lease row with one task per key, not one per caller.
    queues: Mutex<HashMap<TokenKey, Arc<tokio::sync::Mutex<()>>>>,
    /// Leases taken by this handle whose row is not yet deleted, and a signal when one is:
    /// [`PostgresTokenStore::close`] waits for them.
    pub(crate) live_leases: std::sync::atomic::AtomicUsize,
    pub(crate) lease_gone: tokio::sync::Notify,
}

/// Every statement, written once with the schema's quoted name.
pub(crate) struct Sql {
    pub(crate) tokens: String,
    load: String,
    update: String,
    upsert: String,
    version: String,
    delete: String,
    mark_dead: String,
    dead: String,
    keys_of_tenant: String,
    keys_of_service: String,
    pub(crate) take_lease: String,
    pub(crate) renew_lease: String,
    pub(crate) drop_lease: String,
}

impl Sql {
    fn new(schema: &Schema) -> Self {
        let s = schema.quoted();
        let t = format!("{s}.atom_tokens");
        let l = format!("{s}.atom_token_leases");
        Self {
            load: format!(
                "SELECT version, CASE WHEN octet_length(token) <= {MAX_TOKEN_BYTES} THEN token END AS token, \
                 key_id FROM {t} WHERE service = $1 AND tenant = $2"
            ),
            update: format!(
                "UPDATE {t} SET version = version + 1, token = $3, key_id = $5, grant_dead = false, \
                 updated_at = now() \
                 WHERE service = $1 AND tenant = $2 AND version = $4 RETURNING version"
            ),
            upsert: format!(
                "INSERT INTO {t} AS old (service, tenant, version, token, key_id) \
                 VALUES ($1, $2, 1, $3, $4) \
                 ON CONFLICT (service, tenant) DO UPDATE SET version = old.version + 1, \
                 token = excluded.token, key_id = excluded.key_id, grant_dead = false, updated_at = now() RETURNING version"
            ),
            version: format!("SELECT version FROM {t} WHERE service = $1 AND tenant = $2"),
            delete: format!("DELETE FROM {t} WHERE service = $1 AND tenant = $2"),
            mark_dead: format!(
                "UPDATE {t} SET grant_dead = true WHERE service = $1 AND tenant = $2 AND version = $3"
            ),
            dead: format!(
                "SELECT version FROM {t} WHERE service = $1 AND tenant = $2 AND grant_dead"
            ),
            keys_of_tenant: format!(
                "SELECT service FROM {t} WHERE tenant = $1 ORDER BY service LIMIT $2"
            ),
            keys_of_service: format!(
                "SELECT tenant FROM {t} WHERE service = $1 AND tenant > $2 ORDER BY tenant LIMIT $3"
            ),
            take_lease: format!(
                "INSERT INTO {l} AS old (service, tenant, holder, expires_at) \
                 VALUES ($1, $2, $3, now() + make_interval(secs => $4)) \
                 ON CONFLICT (service, tenant) DO UPDATE SET holder = excluded.holder, \
                 expires_at = excluded.expires_at WHERE old.expires_at <= now() \
                 RETURNING holder"
            ),
            renew_lease: format!(
                "UPDATE {l} SET expires_at = now() + make_interval(secs => $4) \
                 WHERE service = $1 AND tenant = $2 AND holder = $3"
            ),
            drop_lease: format!(
                "DELETE FROM {l} WHERE service = $1 AND tenant = $2 AND holder = $3"
            ),
            tokens: t,
        }
    }
}

/// Settings of a [`PostgresTokenStore`]; finish with [`connect`](Self::connect) (a URL) or
/// [`open`](Self::open) (your pool).
#[derive(Debug, Clone)]
#[must_use]
pub struct PostgresTokenStoreBuilder {
    schema: String,
    lease_time: Duration,
    lock_timeout: Duration,
    statement_timeout: Duration,
    max_connections: u32,
    migrate: bool,
    keyring: Option<Keyring>,
    accept_plain: bool,
}

impl Default for PostgresTokenStoreBuilder {
    fn default() -> Self {
        Self {
            schema: Schema::DEFAULT.to_owned(),
            lease_time: Duration::from_secs(15),
            lock_timeout: Duration::from_secs(30),
            statement_timeout: Duration::from_secs(10),
            max_connections: 5,
            migrate: true,
            keyring: None,
            accept_plain: false,
        }
    }
}

impl PostgresTokenStoreBuilder {
    /// The schema of the tables (default `atom`), checked by [`Schema::new`] when the store
    /// is built.
    pub fn schema(mut self, name: impl Into<String>) -> Self {
        self.schema = name.into();
        self
    }

    /// How long a refresh lease lasts without renewal (default 15 s). The holder renews it
    /// every third of this while it holds it, so this bounds how long a replica that died
    /// holding the lease keeps the others waiting, not how long a refresh may take.
    pub fn lease_time(mut self, time: Duration) -> Self {
        self.lease_time = time;
        self
    }

    /// How long [`TokenStore::lease`] waits for the lease before failing with
    /// [`ErrorKind::Timeout`] (default 30 s). Keep it above the lease time, so that a
    /// lease left by a dead replica expires before waiters give up.
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The longest any one database call may take, connection included (default 10 s).
    /// A call that takes longer fails with [`ErrorKind::Storage`].
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = timeout;
        self
    }

    /// The pool size when the store makes its own pool from a URL (default 5).
    pub fn max_connections(mut self, max: u32) -> Self {
        self.max_connections = max;
        self
    }

    /// Whether to run the embedded migrations when the store is built (default yes). Turn
    /// off when migrations run in a deployment step; see [`PostgresTokenStore::migrate`].
    pub fn run_migrations(mut self, run: bool) -> Self {
        self.migrate = run;
        self
    }

    /// Encrypts the tokens' secret fields (access and refresh token) at rest under
    /// `keyring`'s current key, and decrypts rows under any of its keys (see [`Keyring`]).
    /// A row that does not decrypt (unknown key id, changed ciphertext, copied from another
    /// key) is a [`ErrorKind::Storage`] error naming the key; it is never read as absent.
    pub fn encryption(mut self, keyring: Keyring) -> Self {
        self.keyring = Some(keyring);
        self
    }

    /// With [`encryption`](Self::encryption): whether rows stored unencrypted (before
    /// encryption was turned on) are still read (default no: such a row is a storage
    /// error, since anyone who can write the table could plant one). Turn on while
    /// migrating; each row is encrypted by its next save.
    pub fn accept_unencrypted_rows(mut self, accept: bool) -> Self {
        self.accept_plain = accept;
        self
    }

    /// Connects to `url` (`postgres://user:password@host/db?sslmode=require`) with a pool
    /// of its own. Errors never repeat the URL.
    pub async fn connect(self, url: &str) -> Result<PostgresTokenStore> {
        let options: sqlx::postgres::PgConnectOptions = url.parse().map_err(|e: sqlx::Error| {
            // The parser's text may quote the URL, and so the password: keep only the kind.
            let _ = e;
            Error::config(SERVICE, "the PostgreSQL URL cannot be parsed")
        })?;
        let pool = bounded(
            "cannot connect",
            self.statement_timeout,
            PgPoolOptions::new()
                .max_connections(self.max_connections.max(1))
                .acquire_timeout(self.statement_timeout)
                .connect_with(options),
        )
        .await?;
        self.open(pool).await
    }

    /// Uses `pool` (shared with the application if you like: every statement names its
    /// schema, and none changes a connection's settings).
    pub async fn open(self, pool: PgPool) -> Result<PostgresTokenStore> {
        let schema = Schema::new(&self.schema)?;
        if self.lease_time < Duration::from_millis(100) {
            return Err(Error::config(
                SERVICE,
                "the lease time must be at least 100 ms",
            ));
        }
        let store = PostgresTokenStore {
            inner: Arc::new(Inner {
                pool,
                sql: Sql::new(&schema),
                schema,
                lease_time: self.lease_time,
                lock_timeout: self.lock_timeout,
                statement_timeout: self.statement_timeout,
                keyring: self.keyring,
                accept_plain: self.accept_plain,
                queues: Mutex::default(),
                live_leases: std::sync::atomic::AtomicUsize::new(0),
                lease_gone: tokio::sync::Notify::new(),
            }),
        };
        if self.migrate {
            store.migrate().await?;
        }
        Ok(store)
    }
}

impl fmt::Debug for PostgresTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresTokenStore")
            .field("schema", &self.inner.schema)
            .field("lease_time", &self.inner.lease_time)
            .field("lock_timeout", &self.inner.lock_timeout)
            .field("statement_timeout", &self.inner.statement_timeout)
            .field("keyring", &self.inner.keyring)
            .finish_non_exhaustive()
    }
}

impl PostgresTokenStore {
    /// Settings, to finish with a URL or a pool.
    pub fn builder() -> PostgresTokenStoreBuilder {
        PostgresTokenStoreBuilder::default()
    }

    /// A store in schema `atom` with its own pool to `url`, tables created if missing.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::builder().connect(url).await
    }

    /// A store in schema `atom` on `pool`, tables created if missing.
    pub async fn from_pool(pool: PgPool) -> Result<Self> {
        Self::builder().open(pool).await
    }

    /// The schema of the tables.
    pub fn schema(&self) -> &Schema {
        &self.inner.schema
    }

    /// The pool.
    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// Creates the schema if missing and applies the embedded migrations that are not yet
    /// applied (safe to run from several replicas at once: sqlx serialises migrations with
    /// an advisory lock). The migration history is kept in the schema's own
    /// `_sqlx_migrations` table, apart from the application's.
    pub async fn migrate(&self) -> Result<()> {
        let limit = self.inner.statement_timeout;
        let schema = self.inner.schema.quoted();
        // A connection of its own, closed afterwards: the search_path set below must not go
        // back into a pool the application may share.
        let mut conn = bounded(
            "cannot connect for migrations",
            limit,
            self.inner.pool.acquire(),
        )
        .await?
        .detach();
        let create = format!("CREATE SCHEMA IF NOT EXISTS {schema}");
        match bounded(
            "cannot create the schema",
            limit,
            sqlx::query(&create).execute(&mut conn),
        )
        .await
        {
            Ok(_) => {}
            // Two replicas creating it at once: one of them gets a duplicate error.
            Err(e) if is_duplicate(&e) => {}
            Err(e) => return Err(e),
        }
        let set = format!("SET search_path TO {schema}");
        bounded(
            "cannot select the schema",
            limit,
            sqlx::query(&set).execute(&mut conn),
        )
        .await?;
        // Migrations may wait for another replica's; bounded by the lock timeout plus work.
        let run = MIGRATOR.run_direct(&mut conn);
        let result = match tokio::time::timeout(self.inner.lock_timeout + limit, run).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Error::new(
                ErrorKind::Storage,
                SERVICE,
                format!(
                    "postgres token store: migrations in schema {} failed: {e}",
                    self.inner.schema
                ),
            )
            .with_source(e)),
            Err(_) => Err(Error::new(
                ErrorKind::Storage,
                SERVICE,
                format!(
                    "postgres token store: migrations in schema {} did not finish in time",
                    self.inner.schema
                ),
            )),
        };
        let _ = tokio::time::timeout(limit, conn.close()).await;
        result
    }

    /// Waits until the rows of the leases this handle released are deleted, then closes the
    /// pool. Call it before the process exits: a lease is released by a task that deletes
    /// its row, and a process that exits first leaves the row to block other replicas'
    /// refreshes until it expires (at most the lease time). Leases still held are not
    /// waited for beyond the statement timeout.
    pub async fn close(&self) {
        use std::sync::atomic::Ordering;
        let inner = &self.inner;
        let drained = async {
            loop {
                let mut gone = std::pin::pin!(inner.lease_gone.notified());
                gone.as_mut().enable();
                if inner.live_leases.load(Ordering::SeqCst) == 0 {
                    return;
                }
                gone.await;
            }
        };
        let _ = tokio::time::timeout(inner.statement_timeout, drained).await;
        let _ = tokio::time::timeout(inner.statement_timeout, inner.pool.close()).await;
    }

    /// This handle's in-process queue for `key`; idle queues are dropped once there are many.
    pub(crate) fn queue(&self, key: &TokenKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut queues = self
            .inner
            .queues
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if queues.len() >= 64 {
            queues.retain(|_, q| Arc::strong_count(q) > 1);
        }
        queues.entry(key.clone()).or_default().clone()
    }

    /// The services that hold a token for `tenant`, in name order, at most `limit`.
    pub async fn keys_of_tenant(&self, tenant: &str, limit: u32) -> Result<Vec<TokenKey>> {
        check_key(&TokenKey::new("", tenant))?;
        let rows = bounded(
            "cannot list the keys of a tenant",
            self.inner.statement_timeout,
            sqlx::query(&self.inner.sql.keys_of_tenant)
                .bind(tenant)
                .bind(i64::from(limit))
                .fetch_all(&self.inner.pool),
        )
        .await?;
        rows.iter()
            .map(|row| {
                let service: String = row
                    .try_get(0)
                    .map_err(|e| db_error("cannot read a key", e))?;
                Ok(TokenKey::new(service, tenant))
            })
            .collect()
    }

    /// The tenants of `service` that hold a token, in name order: at most `limit` of them
    /// after `after` (`""` for the first page; pass the last tenant of a page for the next).
    pub async fn keys_of_service(
        &self,
        service: &str,
        after: &str,
        limit: u32,
    ) -> Result<Vec<TokenKey>> {
        check_key(&TokenKey::new(service, after))?;
        let rows = bounded(
            "cannot list the keys of a service",
            self.inner.statement_timeout,
            sqlx::query(&self.inner.sql.keys_of_service)
                .bind(service)
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&self.inner.pool),
        )
        .await?;
        rows.iter()
            .map(|row| {
                let tenant: String = row
                    .try_get(0)
                    .map_err(|e| db_error("cannot read a key", e))?;
                Ok(TokenKey::new(service, tenant))
            })
            .collect()
    }

    async fn current_version(&self, key: &TokenKey) -> Result<Option<u64>> {
        let row = bounded(
            "cannot read the version",
            self.inner.statement_timeout,
            sqlx::query(&self.inner.sql.version)
                .bind(&key.service)
                .bind(&key.tenant)
                .fetch_optional(&self.inner.pool),
        )
        .await?;
        row.map(|row| version_of(key, &row)).transpose()
    }
}

fn is_duplicate(error: &Error) -> bool {
    use std::error::Error as _;
    error
        .source()
        .and_then(|s| s.downcast_ref::<sqlx::Error>())
        .and_then(|e| e.as_database_error())
        .and_then(|e| e.code())
        // unique_violation (pg_namespace), duplicate_schema
        .is_some_and(|code| code == "23505" || code == "42P06")
}

fn version_of(key: &TokenKey, row: &sqlx::postgres::PgRow) -> Result<u64> {
    let version: i64 = row
        .try_get("version")
        .map_err(|e| db_error("cannot read the version", e))?;
    u64::try_from(version).map_err(|_| {
        Error::new(
            ErrorKind::Storage,
            SERVICE,
            format!("corrupt token row for {key}: version {version} is negative"),
        )
    })
}

/// A version as PostgreSQL's `bigint`; none above `i64::MAX` is ever stored.
fn stored_version(version: u64) -> Option<i64> {
    i64::try_from(version).ok()
}

#[async_trait]
impl TokenStore for PostgresTokenStore {
    async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>> {
        check_key(key)?;
        let row = bounded(
            &format!("cannot load the token of {key}"),
            self.inner.statement_timeout,
            sqlx::query(&self.inner.sql.load)
                .bind(&key.service)
                .bind(&key.tenant)
                .fetch_optional(&self.inner.pool),
        )
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let version = version_of(key, &row)?;
        let text: Option<String> = row
            .try_get("token")
            .map_err(|e| db_error("cannot read the token", e))?;
        let Some(text) = text else {
            return Err(Error::new(
                ErrorKind::Storage,
                SERVICE,
                format!(
                    "corrupt token row for {key} in {}: larger than {MAX_TOKEN_BYTES} bytes",
                    self.inner.sql.tokens
                ),
            ));
        };
        let key_id: Option<String> = row
            .try_get("key_id")
            .map_err(|e| db_error("cannot read the key id", e))?;
        let token = decode_row(
            self.inner.keyring.as_ref(),
            self.inner.accept_plain,
            key,
            &self.inner.sql.tokens,
            &text,
            key_id.as_deref(),
        )?;
        Ok(Some(StoredToken { version, token }))
    }

    async fn save(&self, key: &TokenKey, token: &TokenSet, expected: Option<u64>) -> Result<u64> {
        check_key(key)?;
        let (text, key_id) = encode_row(self.inner.keyring.as_ref(), key, token)?;
        let limit = self.inner.statement_timeout;
        let what = format!("cannot save the token of {key}");
        let row = match expected {
            None => Some(
                bounded(
                    &what,
                    limit,
                    sqlx::query(&self.inner.sql.upsert)
                        .bind(&key.service)
                        .bind(&key.tenant)
                        .bind(&text)
                        .bind(&key_id)
                        .fetch_one(&self.inner.pool),
                )
                .await?,
            ),
            // No stored version is above i64::MAX, so such an expectation cannot hold.
            Some(v) => match stored_version(v) {
                None => None,
                Some(v) => {
                    bounded(
                        &what,
                        limit,
                        sqlx::query(&self.inner.sql.update)
                            .bind(&key.service)
                            .bind(&key.tenant)
                            .bind(&text)
                            .bind(v)
                            .bind(&key_id)
                            .fetch_optional(&self.inner.pool),
                    )
                    .await?
                }
            },
        };
        match row {
            Some(row) => version_of(key, &row),
            None => {
                let found = self.current_version(key).await?;
                Err(Error::new(
                    ErrorKind::Conflict,
                    SERVICE,
                    format!(
                        "token for {key} changed: expected version {expected:?}, found {found:?}"
                    ),
                ))
            }
        }
    }

    async fn delete(&self, key: &TokenKey) -> Result<()> {
        check_key(key)?;
        bounded(
            &format!("cannot delete the token of {key}"),
            self.inner.statement_timeout,
            sqlx::query(&self.inner.sql.delete)
                .bind(&key.service)
                .bind(&key.tenant)
                .execute(&self.inner.pool),
        )
        .await?;
        Ok(())
    }

    async fn lease(&self, key: &TokenKey) -> Result<Option<RefreshLease>> {
        check_key(key)?;
        lease::acquire(self, key).await.map(Some)
    }

    async fn record_dead_grant(&self, key: &TokenKey, version: u64) -> Result<()> {
        check_key(key)?;
        let Some(version) = stored_version(version) else {
            return Ok(());
        };
        bounded(
            &format!("cannot record the dead grant of {key}"),
            self.inner.statement_timeout,
            sqlx::query(&self.inner.sql.mark_dead)
                .bind(&key.service)
                .bind(&key.tenant)
                .bind(version)
                .execute(&self.inner.pool),
        )
        .await?;
        Ok(())
    }

    async fn dead_grant(&self, key: &TokenKey) -> Result<Option<u64>> {
        check_key(key)?;
        let row = bounded(
            &format!("cannot read the dead grant of {key}"),
            self.inner.statement_timeout,
            sqlx::query(&self.inner.sql.dead)
                .bind(&key.service)
                .bind(&key.tenant)
                .fetch_optional(&self.inner.pool),
        )
        .await?;
        row.map(|row| version_of(key, &row)).transpose()
    }
}
