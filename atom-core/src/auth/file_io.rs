//! Blocking file primitives of the file token store: the on-disk record, a bounded read
//! whose errors never quote file content, and bounded lock waits. Called only from
//! Tokio's blocking pool.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Read as _;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::token::{StoredToken, TokenSet};
use crate::{Error, ErrorKind, Result};

/// A token file larger than this is not a token file; reading stops there.
pub(crate) const MAX_TOKEN_FILE: u64 = 1024 * 1024;

/// How often a blocked lock wait tries again. The wait runs on a blocking thread, and
/// fairness comes from the `.turn` lock, not from how quickly a waiter notices.
const LOCK_POLL: Duration = Duration::from_millis(2);

/// One token file: [`StoredToken`]'s fields plus the dead-grant mark. Older readers ignore
/// the mark (unknown fields are allowed), so the format stays compatible both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Record {
    pub(crate) version: u64,
    pub(crate) token: TokenSet,
    /// The provider refused this version's grant (`invalid_grant`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub(crate) grant_dead: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Record {
    pub(crate) fn new(version: u64, token: TokenSet) -> Self {
        Self {
            version,
            token,
            grant_dead: false,
        }
    }

    pub(crate) fn into_stored(self) -> StoredToken {
        StoredToken {
            version: self.version,
            token: self.token,
        }
    }
}

pub(crate) fn storage_error(what: &str, path: &Path, err: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Storage,
        "atom",
        format!("{what} {}: {err}", path.display()),
    )
}

/// Decodes a token file. The error names the file and the place (line, column) and the
/// kind of damage, never the content: `serde_json`'s own messages quote values, and a
/// token file's values are tokens.
pub(crate) fn decode(bytes: &[u8], path: &Path) -> Result<Record> {
    serde_json::from_slice(bytes).map_err(|e| {
        let damage = match e.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "not valid JSON",
            serde_json::error::Category::Data => {
                "not a token record (a field is missing or has the wrong type)"
            }
            serde_json::error::Category::Eof => "truncated",
        };
        Error::new(
            ErrorKind::Storage,
            "atom",
            format!(
                "corrupt token file {}: {damage} at line {} column {}",
                path.display(),
                e.line(),
                e.column()
            ),
        )
    })
}

/// Reads and decodes a token file; `None` when there is none.
pub(crate) fn read(path: &Path) -> Result<Option<Record>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(storage_error("cannot read", path, e)),
    };
    let mut bytes = Vec::new();
    file.take(MAX_TOKEN_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| storage_error("cannot read", path, e))?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(storage_error(
            "corrupt token file",
            path,
            format!("larger than {MAX_TOKEN_FILE} bytes"),
        ));
    }
    decode(&bytes, path).map(Some)
}

/// Opens (creating with mode 0600 on Unix) a file for reading and writing.
pub(crate) fn open_private(path: &Path, create_new: bool) -> std::io::Result<File> {
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

/// An exclusive lock on `path`, waiting (on this blocking thread) until `deadline`.
/// `Ok(None)` when the deadline passed; closing the returned file releases the lock.
pub(crate) fn lock_until(path: &Path, deadline: Instant) -> Result<Option<File>> {
    let file = open_private(path, false).map_err(|e| storage_error("cannot open lock", path, e))?;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Some(file)),
            Err(TryLockError::WouldBlock) => {
                if Instant::now() >= deadline {
                    return Ok(None);
                }
                std::thread::sleep(LOCK_POLL);
            }
            Err(TryLockError::Error(e)) => return Err(storage_error("cannot lock", path, e)),
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it over `path`
/// (the caller then syncs the directory, see [`sync_dir`]), so a reader sees the old file or
/// the new one, never a torn one.
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = (|| {
        let mut file = open_private(&tmp, false)?;
        file.set_len(0)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        storage_error("cannot write", path, e)
    })
}

/// Syncs a directory: on Unix a rename is durable only once the directory entry is
/// synced; other platforms cannot open a directory as a file.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
