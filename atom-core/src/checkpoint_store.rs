//! Feed checkpoints between runs, with compare-and-swap saves (as [`crate::TokenStore`]).

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::auth::file_io::{lock_until, replace_file, storage_error, sync_dir};
use crate::feed::{FeedCheckpoint, MAX_CHECKPOINT_BYTES};
use crate::{Error, ErrorKind, Result};

/// Whose checkpoint: a feed (`stripe.events` of account `acct_1`) as read by one consumer
/// (`stripe-to-salesforce`). Two programs reading one feed keep two checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CheckpointKey {
    /// The feed and its tenant (`stripe.events/acct_1`).
    pub feed: String,
    /// The program or job reading it.
    pub consumer: String,
}

impl CheckpointKey {
    /// The key of `consumer`'s position in `feed`.
    pub fn new(feed: impl Into<String>, consumer: impl Into<String>) -> Self {
        Self {
            feed: feed.into(),
            consumer: consumer.into(),
        }
    }
}

impl fmt::Display for CheckpointKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.feed, self.consumer)
    }
}

/// A checkpoint and its version (the number a compare-and-swap save expects).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoredCheckpoint {
    /// Increases by one with every save; the first save is version 1.
    pub version: u64,
    /// The checkpoint.
    pub checkpoint: FeedCheckpoint,
}

impl StoredCheckpoint {
    /// A checkpoint as a store read it, at `version` (for `CheckpointStore` implementations).
    pub fn new(version: u64, checkpoint: FeedCheckpoint) -> Self {
        Self {
            version,
            checkpoint,
        }
    }
}

/// Where feed checkpoints live between runs and across processes.
///
/// `save` is compare-and-swap: with `expected = Some(v)` it succeeds only if the stored
/// version is still `v` (and `Some(0)` only if nothing is stored), and fails with
/// [`ErrorKind::Conflict`] otherwise, so that two workers running the same consumer by
/// mistake cannot move one checkpoint back and forth: the loser learns it is not alone.
/// `expected = None` writes unconditionally (an operator resetting a feed). A database
/// store implements this same trait.
///
/// Save a change's checkpoint only after the change is handled (see [`crate::feed`]).
#[async_trait]
pub trait CheckpointStore: Send + Sync + fmt::Debug {
    /// The checkpoint and its version, if any.
    async fn load(&self, key: &CheckpointKey) -> Result<Option<StoredCheckpoint>>;

    /// Saves and returns the new version.
    async fn save(
        &self,
        key: &CheckpointKey,
        checkpoint: &FeedCheckpoint,
        expected: Option<u64>,
    ) -> Result<u64>;

    /// Removes the checkpoint (the next run starts the feed afresh).
    async fn delete(&self, key: &CheckpointKey) -> Result<()>;
}

fn conflict(key: &CheckpointKey, expected: Option<u64>, found: Option<u64>) -> Error {
    Error::new(
        ErrorKind::Conflict,
        "atom",
        format!(
            "checkpoint of {key} changed: expected version {}, found {}",
            expected.unwrap_or(0),
            found.unwrap_or(0)
        ),
    )
}

/// The compare-and-swap rule both stores apply: the new version, or the conflict.
fn next_version(key: &CheckpointKey, expected: Option<u64>, current: Option<u64>) -> Result<u64> {
    match expected {
        Some(v) if v != current.unwrap_or(0) => Err(conflict(key, expected, current)),
        _ => Ok(current.unwrap_or(0).saturating_add(1)),
    }
}

/// Checkpoints in memory, for tests and single-process services.
///
/// ```
/// # async fn demo() -> atom_core::Result<()> {
/// use atom_core::feed::FeedCheckpoint;
/// use atom_core::{CheckpointKey, CheckpointStore, MemoryCheckpointStore};
/// let store = MemoryCheckpointStore::default();
/// let key = CheckpointKey::new("stripe.events", "to-salesforce");
/// let v1 = store.save(&key, &FeedCheckpoint::new("stripe.events").with_cursor("evt_1"), Some(0)).await?;
/// let stale = store.save(&key, &FeedCheckpoint::new("stripe.events"), Some(v1 + 1)).await;
/// assert!(stale.is_err());
/// # Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct MemoryCheckpointStore {
    checkpoints: Mutex<HashMap<CheckpointKey, StoredCheckpoint>>,
}

#[async_trait]
impl CheckpointStore for MemoryCheckpointStore {
    async fn load(&self, key: &CheckpointKey) -> Result<Option<StoredCheckpoint>> {
        let map = self
            .checkpoints
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(map.get(key).cloned())
    }

    async fn save(
        &self,
        key: &CheckpointKey,
        checkpoint: &FeedCheckpoint,
        expected: Option<u64>,
    ) -> Result<u64> {
        let mut map = self
            .checkpoints
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let version = next_version(key, expected, map.get(key).map(|s| s.version))?;
        map.insert(
            key.clone(),
            StoredCheckpoint {
                version,
                checkpoint: checkpoint.clone(),
            },
        );
        Ok(version)
    }

    async fn delete(&self, key: &CheckpointKey) -> Result<()> {
        self.checkpoints
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
        Ok(())
    }
}

/// A directory of checkpoint files, shareable by several processes.
///
/// Each key is one `<feed>--<consumer>.checkpoint.json` file (every byte outside
/// `[A-Za-z0-9_]` hex-escaped, so a name cannot reach another path), written to a temporary
/// file, synced, renamed into place and the directory synced, so a saved checkpoint
/// survives a crash or a power failure and a reader never sees half a file. The version
/// check and the write happen under an exclusive lock on a sibling `.lock` file, waited for
/// at most [`FileCheckpointStore::lock_timeout`]. File work runs on Tokio's blocking pool.
///
/// ```
/// # async fn demo() -> atom_core::Result<()> {
/// use atom_core::feed::FeedCheckpoint;
/// use atom_core::{CheckpointKey, CheckpointStore, FileCheckpointStore};
/// let store = FileCheckpointStore::new(std::env::temp_dir().join("atom-doc-checkpoints"))?;
/// let key = CheckpointKey::new("stripe.events", "to-salesforce");
/// store.save(&key, &FeedCheckpoint::new("stripe.events").with_cursor("evt_1"), None).await?;
/// assert!(store.load(&key).await?.is_some());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FileCheckpointStore {
    dir: PathBuf,
    lock_timeout: Duration,
}

fn escape(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| Error::new(ErrorKind::Storage, "atom", "checkpoint file work failed"))?
}

/// Reads and decodes a checkpoint file; `None` when there is none. Damage is a `Storage`
/// error naming the file and the place, never a panic.
fn read(path: &Path) -> Result<Option<StoredCheckpoint>> {
    let file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(storage_error("cannot read", path, e)),
    };
    let limit = MAX_CHECKPOINT_BYTES as u64 + 1024;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| storage_error("cannot read", path, e))?;
    if bytes.len() as u64 > limit {
        return Err(storage_error(
            "corrupt checkpoint file",
            path,
            format!("larger than {limit} bytes"),
        ));
    }
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        storage_error(
            "corrupt checkpoint file",
            path,
            format!("line {} column {}", e.line(), e.column()),
        )
    })
}

impl FileCheckpointStore {
    /// A store in `dir`, created (mode 0700 on Unix) if missing.
    pub fn new(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&dir)
            .map_err(|e| storage_error("cannot create checkpoint directory", &dir, e))?;
        Ok(Self {
            dir,
            lock_timeout: Duration::from_secs(30),
        })
    }

    /// How long a save or delete waits for the lock before failing with
    /// [`ErrorKind::Timeout`] (default 30 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The file of `key` with extension `ext` (`json`, `lock`).
    fn path(&self, key: &CheckpointKey, ext: &str) -> PathBuf {
        let mut stem = String::new();
        escape(&mut stem, &key.feed);
        stem.push_str("--");
        escape(&mut stem, &key.consumer);
        self.dir.join(format!("{stem}.checkpoint.{ext}"))
    }

    /// Holds the `.lock` file of `key` around `work`, on the blocking pool.
    async fn locked<T: Send + 'static>(
        &self,
        key: &CheckpointKey,
        work: impl FnOnce(&FileCheckpointStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let lock = self.path(key, "lock");
        let deadline = std::time::Instant::now() + self.lock_timeout;
        let this = self.clone();
        let key = key.clone();
        blocking(move || {
            let Some(_guard) = lock_until(&lock, deadline)? else {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    "atom",
                    format!(
                        "timed out after {:?} waiting for the checkpoint lock of {key}",
                        this.lock_timeout
                    ),
                ));
            };
            work(&this)
        })
        .await
    }

    /// Writes `record` over `path` atomically and syncs the directory.
    fn write_atomic(&self, path: &Path, record: &StoredCheckpoint) -> Result<()> {
        let bytes = serde_json::to_vec(record)
            .map_err(|e| storage_error("cannot encode checkpoint for", path, e))?;
        replace_file(path, &bytes)?;
        self.sync_dir()
            .map_err(|e| storage_error("written but cannot sync directory of", path, e))
    }

    fn sync_dir(&self) -> std::io::Result<()> {
        sync_dir(&self.dir)
    }
}

#[async_trait]
impl CheckpointStore for FileCheckpointStore {
    async fn load(&self, key: &CheckpointKey) -> Result<Option<StoredCheckpoint>> {
        // Readers need no lock: files are replaced by rename, never written in place.
        let path = self.path(key, "json");
        blocking(move || read(&path)).await
    }

    async fn save(
        &self,
        key: &CheckpointKey,
        checkpoint: &FeedCheckpoint,
        expected: Option<u64>,
    ) -> Result<u64> {
        let path = self.path(key, "json");
        let checkpoint = checkpoint.clone();
        let cas_key = key.clone();
        self.locked(key, move |this| {
            let current = read(&path)?.map(|r| r.version);
            let version = next_version(&cas_key, expected, current)?;
            this.write_atomic(
                &path,
                &StoredCheckpoint {
                    version,
                    checkpoint,
                },
            )?;
            Ok(version)
        })
        .await
    }

    async fn delete(&self, key: &CheckpointKey) -> Result<()> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_reach_other_paths() {
        let store = FileCheckpointStore {
            dir: PathBuf::from("/x"),
            lock_timeout: Duration::from_secs(1),
        };
        let p = store.path(&CheckpointKey::new("../../etc", "passwd"), "json");
        assert_eq!(p.parent(), Some(Path::new("/x")));
        assert_ne!(
            store.path(&CheckpointKey::new("a", "b--c"), "json"),
            store.path(&CheckpointKey::new("a--b", "c"), "json")
        );
    }
}
