//! The refresh lease: a row per key holding the holder's id and an expiry by the database's
//! clock, taken by one upsert, renewed by a heartbeat task while held, deleted on release.

use std::time::Duration;

use atom_core::{Error, ErrorKind, RefreshLease, Result, TokenKey};
use tokio::sync::{OwnedMutexGuard, oneshot};
use tokio::time::Instant;

use crate::SERVICE;
use crate::error::bounded;
use crate::store::PostgresTokenStore;

/// The first pause between two tries of a held lease; it doubles up to `MAX_PAUSE`.
const FIRST_PAUSE: Duration = Duration::from_millis(10);
/// The longest pause between two tries, so a released lease is noticed soon.
const MAX_PAUSE: Duration = Duration::from_millis(200);

/// What a [`RefreshLease`] holds: dropping it stops the heartbeat, which then deletes the row.
struct Held {
    _release: oneshot::Sender<()>,
}

/// Waits (bounded by the store's lock timeout) until this caller holds `key`'s lease.
pub(crate) async fn acquire(store: &PostgresTokenStore, key: &TokenKey) -> Result<RefreshLease> {
    let inner = store.inner();
    let timeout = inner.lock_timeout;
    let deadline = Instant::now() + timeout;
    let place = tokio::time::timeout_at(deadline, store.queue(key).lock_owned())
        .await
        .map_err(|_| timed_out(key, timeout, "another task of this replica"))?;
    let holder = uuid::Uuid::new_v4().to_string();
    let mut pause = FIRST_PAUSE;
    loop {
        if try_take(store, key, &holder).await? {
            break;
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(timed_out(key, timeout, "another replica"));
        }
        tokio::time::sleep(pause.min(deadline - now)).await;
        pause = (pause * 2).min(MAX_PAUSE);
    }
    let (release, released) = oneshot::channel();
    // Counted until the heartbeat has deleted the row (for `PostgresTokenStore::close`).
    inner
        .live_leases
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    tokio::spawn(heartbeat(
        store.clone(),
        key.clone(),
        holder,
        released,
        place,
    ));
    Ok(RefreshLease::new(Held { _release: release }))
}

/// One try: takes the row when there is none or it has expired.
async fn try_take(store: &PostgresTokenStore, key: &TokenKey, holder: &str) -> Result<bool> {
    let inner = store.inner();
    let row = bounded(
        &format!("cannot take the refresh lease of {key}"),
        inner.statement_timeout,
        sqlx::query(&inner.sql.take_lease)
            .bind(&key.service)
            .bind(&key.tenant)
            .bind(holder)
            .bind(inner.lease_time.as_secs_f64())
            .fetch_optional(&inner.pool),
    )
    .await?;
    Ok(row.is_some())
}

/// Renews the lease every third of the lease time until the [`RefreshLease`] is dropped,
/// then deletes the row, and only then lets this replica's next caller queue for it.
async fn heartbeat(
    store: PostgresTokenStore,
    key: TokenKey,
    holder: String,
    mut released: oneshot::Receiver<()>,
    place: OwnedMutexGuard<()>,
) {
    let inner = store.inner();
    let every = inner.lease_time / 3;
    let mut held = true;
    // The sender is never used: dropping it (the lease) ends the wait with an error.
    while tokio::time::timeout(every, &mut released).await.is_err() {
        if !held {
            continue;
        }
        // A renewal that takes longer than the pause between two is as good as lost.
        let renewed = bounded(
            "cannot renew the refresh lease",
            inner.statement_timeout.min(every),
            sqlx::query(&inner.sql.renew_lease)
                .bind(&key.service)
                .bind(&key.tenant)
                .bind(&holder)
                .bind(inner.lease_time.as_secs_f64())
                .execute(&inner.pool),
        )
        .await;
        match renewed {
            Ok(done) if done.rows_affected() == 1 => {}
            Ok(_) => {
                // Not renewed in time (the database was out of reach for longer than the
                // lease time): another replica may refresh now. Say so; nothing to undo.
                tracing::warn!(key = %key, "lost the refresh lease: it expired before it was renewed");
                held = false;
            }
            Err(e) => {
                tracing::warn!(key = %key, error = %e, "cannot renew the refresh lease; trying again");
            }
        }
    }
    if held {
        let dropped = bounded(
            "cannot release the refresh lease",
            inner.statement_timeout,
            sqlx::query(&inner.sql.drop_lease)
                .bind(&key.service)
                .bind(&key.tenant)
                .bind(&holder)
                .execute(&inner.pool),
        )
        .await;
        if let Err(e) = dropped {
            // The row expires on its own after the lease time.
            tracing::warn!(key = %key, error = %e, "cannot release the refresh lease; it will expire");
        }
    }
    drop(place);
    inner
        .live_leases
        .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    inner.lease_gone.notify_waiters();
}

fn timed_out(key: &TokenKey, timeout: Duration, holder: &str) -> Error {
    Error::new(
        ErrorKind::Timeout,
        SERVICE,
        format!(
            "timed out after {timeout:?} waiting for the refresh lease of {key} (held by {holder})"
        ),
    )
}
