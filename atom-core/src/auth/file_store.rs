//! Tokens as files: one JSON file per key, atomic rename, mode 0600, safe across processes.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;

use super::store::{RefreshLease, TokenStore, conflict};
use super::token::{StoredToken, TokenKey, TokenSet};
use crate::{Error, ErrorKind, Result};

/// A directory of token files, shareable by several processes.
///
/// Each key is one `<service>--<tenant>.json` file (every byte outside `[A-Za-z0-9_]` hex-escaped),
/// written to a temporary file and renamed into place, with mode 0600 on Unix. The version
/// check and the write happen under an exclusive lock on a sibling `.lock` file, and refresh
/// leases use a `.lease` file, so two processes sharing the directory never lose a rotated
/// refresh token.
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
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    dir: PathBuf,
    lock_timeout: Duration,
}

fn storage_error(what: &str, path: &Path, err: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Storage,
        "atom",
        format!("{what} {}: {err}", path.display()),
    )
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
        })
    }

    /// How long to wait for another process's lock before failing (default 30 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    fn path(&self, key: &TokenKey, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", file_stem(key)))
    }

    fn open_private(path: &Path, create_new: bool) -> std::io::Result<File> {
        let mut options = OpenOptions::new();
        options.read(true).write(true);
        if create_new {
            options.create_new(true);
        } else {
            options.create(true).truncate(false);
        }
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(path)
    }

    /// Takes an exclusive lock on `path`, polling so that no executor thread blocks.
    async fn lock(&self, path: &Path) -> Result<File> {
        let file = Self::open_private(path, false)
            .map_err(|e| storage_error("cannot open lock", path, e))?;
        let started = tokio::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(TryLockError::WouldBlock) if started.elapsed() < self.lock_timeout => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(storage_error(
                        "timed out waiting for lock",
                        path,
                        "held by another process",
                    ));
                }
                Err(TryLockError::Error(e)) => return Err(storage_error("cannot lock", path, e)),
            }
        }
    }

    fn read(path: &Path) -> Result<Option<StoredToken>> {
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| storage_error("corrupt token file", path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(storage_error("cannot read", path, e)),
        }
    }

    fn write_atomic(&self, path: &Path, stored: &StoredToken) -> Result<()> {
        let bytes = serde_json::to_vec(stored)
            .map_err(|e| storage_error("cannot encode token for", path, e))?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let result = (|| {
            let mut file = Self::open_private(&tmp, false)?;
            file.set_len(0)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            fs::rename(&tmp, path)
        })();
        result.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            storage_error("cannot write", path, e)
        })
    }
}

#[async_trait]
impl TokenStore for FileTokenStore {
    async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>> {
        // Readers need no lock: files are replaced by rename, never written in place.
        Self::read(&self.path(key, "json"))
    }

    async fn save(&self, key: &TokenKey, token: &TokenSet, expected: Option<u64>) -> Result<u64> {
        let path = self.path(key, "json");
        let _guard = self.lock(&self.path(key, "lock")).await?;
        let current = Self::read(&path)?.map(|t| t.version);
        if expected.is_some() && expected != current {
            return Err(conflict(key, expected, current));
        }
        let version = current.unwrap_or(0) + 1;
        self.write_atomic(
            &path,
            &StoredToken {
                version,
                token: token.clone(),
            },
        )?;
        Ok(version)
    }

    async fn delete(&self, key: &TokenKey) -> Result<()> {
        let path = self.path(key, "json");
        let _guard = self.lock(&self.path(key, "lock")).await?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(storage_error("cannot delete", &path, e)),
        }
    }

    async fn lease(&self, key: &TokenKey) -> Result<Option<RefreshLease>> {
        let file = self.lock(&self.path(key, "lease")).await?;
        // Closing the file releases the lock.
        Ok(Some(RefreshLease::new(file)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    #[test]
    fn tenant_ids_cannot_name_paths() {
        let stem = file_stem(&TokenKey::new("github", "../../etc/passwd"));
        assert!(!stem.contains('/'));
        assert!(!stem.contains(".."));
        assert_ne!(
            file_stem(&TokenKey::new("a", "b--c")),
            file_stem(&TokenKey::new("a--b", "c"))
        );
    }

    #[tokio::test]
    async fn cas_versions_and_private_mode() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::config("test", e.to_string()))?;
        let store = FileTokenStore::new(dir.path())?;
        let key = TokenKey::new("stripe", "acct_1");
        assert_eq!(store.load(&key).await?, None);
        let v1 = store
            .save(&key, &TokenSet::bearer(Secret::new("one")), None)
            .await?;
        let v2 = store
            .save(&key, &TokenSet::bearer(Secret::new("two")), Some(v1))
            .await?;
        assert_eq!((v1, v2), (1, 2));
        let stale = store
            .save(&key, &TokenSet::bearer(Secret::new("x")), Some(v1))
            .await;
        assert_eq!(stale.map_err(|e| e.kind()), Err(ErrorKind::Conflict));
        let loaded = store
            .load(&key)
            .await?
            .map(|s| (s.version, s.token.access_token));
        assert_eq!(loaded, Some((2, Secret::new("two"))));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(store.path(&key, "json"))
                .map(|m| m.permissions().mode() & 0o777)
                .ok();
            assert_eq!(mode, Some(0o600));
        }
        store.delete(&key).await?;
        assert_eq!(store.load(&key).await?, None);
        Ok(())
    }
}
