//! An opt-in, bounded cache for conditional requests.
//!
//! A GET whose previous answer carried an `ETag` is sent with `If-None-Match`; GitHub answers
//! `304 Not Modified` with no body when nothing changed, and a 304 does not count against the
//! primary rate limit. The cached body is then handed back as if it had been sent again.
//! The cache is per [`Client`](crate::Client), so per set of credentials: a response one token
//! may see is never served to another. It holds at most `capacity` entries (the oldest is
//! dropped first) and never stores a body above `max_body` bytes.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use atom_core::{ApiResponse, Request};
use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// One remembered answer.
pub(crate) struct Entry {
    pub(crate) etag: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

#[derive(Default)]
struct Entries {
    // Shared so that a lookup on every cached GET costs a reference count, not a copy.
    map: HashMap<String, Arc<Entry>>,
    order: VecDeque<String>,
}

/// The cache.
pub(crate) struct EtagCache {
    capacity: usize,
    max_body: usize,
    entries: Mutex<Entries>,
    hits: AtomicU64,
}

/// How the ETag cache is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[non_exhaustive]
pub struct EtagStats {
    /// 304s answered from the cache.
    pub hits: u64,
    /// Entries held.
    pub entries: usize,
}

/// Counters only: the entries are other people's private data.
impl fmt::Debug for EtagCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EtagCache")
            .field("capacity", &self.capacity)
            .field("max_body", &self.max_body)
            .field("stats", &self.stats())
            .finish()
    }
}

impl EtagCache {
    pub(crate) fn new(capacity: usize, max_body: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            max_body,
            entries: Mutex::new(Entries::default()),
            hits: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn get(&self, key: &str) -> Option<Arc<Entry>> {
        self.lock().map.get(key).cloned()
    }

    pub(crate) fn put(&self, key: String, response: &ApiResponse) {
        let Some(etag) = response.header("etag") else {
            return;
        };
        if response.body.len() > self.max_body {
            return;
        }
        let entry = Arc::new(Entry {
            etag: etag.to_owned(),
            status: response.status,
            headers: response.headers.clone(),
            body: response.body.clone(),
        });
        let mut entries = self.lock();
        if entries.map.insert(key.clone(), entry).is_none() {
            entries.order.push_back(key);
        }
        while entries.map.len() > self.capacity {
            let Some(oldest) = entries.order.pop_front() else {
                break;
            };
            entries.map.remove(&oldest);
        }
    }

    pub(crate) fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn stats(&self) -> EtagStats {
        EtagStats {
            hits: self.hits.load(Ordering::Relaxed),
            entries: self.lock().map.len(),
        }
    }
}

/// The cache key of a GET: its path or URL and its query pairs, in order, joined with
/// control characters so that no value can imitate another pair.
pub(crate) fn cache_key(request: &Request) -> String {
    // The same URL under another media type (`.diff`, `.html+json`) is another answer.
    let mut key = request
        .headers()
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    key.push('\u{1d}');
    key.push_str(request.path());
    for (name, value) in request.query_pairs() {
        key.push('\u{1f}');
        key.push_str(name);
        key.push('\u{1e}');
        key.push_str(value);
    }
    key
}

/// The answer to a 304: the cached status, headers and body with this exchange's facts.
pub(crate) fn from_cache(entry: &Entry, fresh: ApiResponse) -> ApiResponse {
    ApiResponse {
        service: fresh.service,
        status: entry.status,
        headers: entry.headers.clone(),
        body: entry.body.clone(),
        meta: fresh.meta,
    }
}
