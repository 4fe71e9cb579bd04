//! Tokens as files: one JSON file per key, atomic and durable rename, mode 0600, safe and
//! fair across processes, with every file operation off the async runtime's workers.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;

use super::file_io::{self, Record, lock_until, storage_error};
use super::store::{RefreshLease, TokenStore, conflict};
use super::token::{StoredToken, TokenKey, TokenSet};
use crate::{Error, ErrorKind, Result};

/// A directory of token files, shareable by several processes.
///
/// Each key is one `<service>--<tenant>.json` file (every byte outside `[A-Za-z0-9_]` hex-escaped),
/// written to a temporary file, synced, renamed into place and the directory synced (so a
/// rotated token survives a power failure), with mode 0600 on Unix. The version check and
/// the write happen under an exclusive lock on a sibling `.lock` file.
///
/// Refresh leases are fair across processes: a waiter first takes the sibling `.turn` lock
/// and only then waits for the `.lease` lock, releasing `.turn` once it holds the lease. A
/// process that just released the lease must queue behind `.turn`, which the other process's
/// waiter holds, so it cannot take the lease straight back. Within a process, callers wait
/// in one first-come-first-served queue per key and handle, so a process holds at most one
/// place in line. Waits are bounded by [`FileTokenStore::lock_timeout`].
///
/// All file work runs on Tokio's blocking thread pool (`spawn_blocking`), never on the
/// runtime's worker threads; methods must be called within a Tokio runtime.
///
/// ```
/// # async fn demo() -> atom_core::Result<()> {
/// use atom_core::{FileTokenStore, Secret, TokenKey, TokenSet, TokenStore};
/// let dir = std::env::temp_dir().join("atom-doc-tokens");
/// let store = FileTokenStore::new(&dir)?;
/// let key = TokenKey::new("salesforce", "00D000000000001");
/// store.save(&key, &TokenSet::bearer(Secret::new("00D!token")), None).await?;
/// assert!(store.load(&key).await?.is_some());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct FileTokenStore {
    dir: PathBuf,
    lock_timeout: Duration,
    /// One FIFO queue per key for this handle (and its clones): the in-process line.
    queues: Arc<Mutex<HashMap<TokenKey, Arc<tokio::sync::Mutex<()>>>>>,
    #[cfg(test)]
    dir_syncs: Arc<std::sync::atomic::AtomicUsize>,
}

impl fmt::Debug for FileTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileTokenStore")
            .field("dir", &self.dir)
            .field("lock_timeout", &self.lock_timeout)
            .finish_non_exhaustive()
    }
}

/// Hex-escapes everything outside `[A-Za-z0-9_]`, so a tenant id cannot name a path and the
/// `--` separator is unambiguous.
fn file_stem(key: &TokenKey) -> String {
    fn escape(out: &mut String, s: &str) {
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b == b'_' {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let mut stem = String::new();
    escape(&mut stem, &key.service);
    stem.push_str("--");
    escape(&mut stem, &key.tenant);
    stem
}

/// Runs file work on the blocking pool. A panic there becomes a storage error whose text
/// does not repeat the panic message.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        let what = if e.is_panic() {
            "panicked"
        } else {
            "was cancelled"
        };
        Error::new(
            ErrorKind::Storage,
            "atom",
            format!("token file work {what}"),
        )
    })?
}

fn timed_out(what: &str, key: &TokenKey, timeout: Duration, holder: &str) -> Error {
    Error::new(
        ErrorKind::Timeout,
        "atom",
        format!("timed out after {timeout:?} waiting for the {what} of {key} (held by {holder})"),
    )
}

impl FileTokenStore {
    /// A store in `dir`, created (mode 0700 on Unix) if missing.
    pub fn new(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&dir)
            .map_err(|e| storage_error("cannot create token directory", &dir, e))?;
        Ok(Self {
            dir,
            lock_timeout: Duration::from_secs(30),
            queues: Arc::default(),
            #[cfg(test)]
            dir_syncs: Arc::default(),
        })
    }

    /// How long to wait for a lock or the refresh lease before failing with
    /// [`ErrorKind::Timeout`] (default 30 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    fn path(&self, key: &TokenKey, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", file_stem(key)))
    }

    /// This handle's in-process queue for `key`. Idle queues of other keys are dropped
    /// once there are many, so the map stays as small as the set of keys in use.
    fn queue(&self, key: &TokenKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        if queues.len() >= 64 {
            queues.retain(|_, q| Arc::strong_count(q) > 1);
        }
        queues.entry(key.clone()).or_default().clone()
    }

    /// Holds the `.lock` file of `key` (bounded wait) around `work`, on the blocking pool.
    async fn locked<T: Send + 'static>(
        &self,
        key: &TokenKey,
        work: impl FnOnce(&FileTokenStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let lock = self.path(key, "lock");
        let deadline = std::time::Instant::now() + self.lock_timeout;
        let this = self.clone();
        let key = key.clone();
        blocking(move || {
            let Some(_guard) = lock_until(&lock, deadline)? else {
                return Err(timed_out(
                    "write lock",
                    &key,
                    this.lock_timeout,
                    "another process",
                ));
            };
            work(&this)
        })
        .await
    }

    /// Writes `record` over `path` atomically and syncs the directory, so that the new name
    /// survives a power failure.
    fn write_atomic(&self, path: &Path, record: &Record) -> Result<()> {
        let bytes = serde_json::to_vec(record)
            .map_err(|e| storage_error("cannot encode token for", path, e))?;
        file_io::replace_file(path, &bytes)?;
        self.sync_dir()
            .map_err(|e| storage_error("written but cannot sync directory of", path, e))
    }

    fn sync_dir(&self) -> std::io::Result<()> {
        #[cfg(test)]
        self.dir_syncs
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        file_io::sync_dir(&self.dir)
    }
}

#[async_trait]
impl TokenStore for FileTokenStore {
    async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>> {
        // Readers need no lock: files are replaced by rename, never written in place.
        let path = self.path(key, "json");
        blocking(move || Ok(file_io::read(&path)?.map(Record::into_stored))).await
    }

    async fn save(&self, key: &TokenKey, token: &TokenSet, expected: Option<u64>) -> Result<u64> {
        let path = self.path(key, "json");
        let token = token.clone();
        let cas_key = key.clone();
        self.locked(key, move |this| {
            let current = file_io::read(&path)?.map(|r| r.version);
            if expected.is_some() && expected != current {
                return Err(conflict(&cas_key, expected, current));
            }
            let version = current.unwrap_or(0) + 1;
            this.write_atomic(&path, &Record::new(version, token))?;
            Ok(version)
        })
        .await
    }

    async fn delete(&self, key: &TokenKey) -> Result<()> {
        let path = self.path(key, "json");
        self.locked(key, move |this| match fs::remove_file(&path) {
            Ok(()) => this
                .sync_dir()
                .map_err(|e| storage_error("deleted but cannot sync directory of", &path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(storage_error("cannot delete", &path, e)),
        })
        .await
    }

    async fn lease(&self, key: &TokenKey) -> Result<Option<RefreshLease>> {
        let timeout = self.lock_timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        let queue = self.queue(key);
        let place = tokio::time::timeout_at(deadline, queue.lock_owned())
            .await
            .map_err(|_| {
                timed_out(
                    "refresh lease",
                    key,
                    timeout,
                    "another task of this process",
                )
            })?;
        let turn = self.path(key, "turn");
        let lease = self.path(key, "lease");
        let until = deadline.into_std();
        // The place in line moves into the blocking work, so that a caller that gives up
        // (drops this future) keeps its place until that work is over: at most one waiting
        // thread per key and handle.
        let held = blocking(move || {
            let Some(turn) = lock_until(&turn, until)? else {
                return Ok(None);
            };
            let held = lock_until(&lease, until)?;
            // Holding the lease now (or given up): the next process in line may take its turn.
            drop(turn);
            Ok(held.map(|file| (file, place)))
        })
        .await?;
        match held {
            // Closing the file releases the lease; dropping `place` lets this process's next
            // caller queue for it.
            Some(held) => Ok(Some(RefreshLease::new(held))),
            None => Err(timed_out("refresh lease", key, timeout, "another process")),
        }
    }

    async fn record_dead_grant(&self, key: &TokenKey, version: u64) -> Result<()> {
        let path = self.path(key, "json");
        self.locked(key, move |this| match file_io::read(&path)? {
            Some(mut record) if record.version == version && !record.grant_dead => {
                record.grant_dead = true;
                this.write_atomic(&path, &record)
            }
            _ => Ok(()),
        })
        .await
    }

    async fn dead_grant(&self, key: &TokenKey) -> Result<Option<u64>> {
        let path = self.path(key, "json");
        blocking(move || {
            Ok(file_io::read(&path)?
                .filter(|r| r.grant_dead)
                .map(|r| r.version))
        })
        .await
    }
}

#[cfg(test)]
#[path = "file_store_tests.rs"]
mod tests;
