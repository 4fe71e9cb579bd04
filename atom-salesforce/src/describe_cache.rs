//! A describe cache: one [`SObjectDescribe`] per org, API version and object, kept for a
//! maximum age and dropped on request. Describes are large (hundreds of fields) and change
//! rarely, so callers that check picklists or field lists before writes should not fetch
//! one per write.
//!
//! Every [`Client`] has one (clones and [`Client::with_api_version`] share it); several
//! clients can share one through [`crate::ClientBuilder::describe_cache`], entries stay
//! apart by org.
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
//! let describe = client.describe_cached("Invoice__c").await?; // fetched
//! let again = client.describe_cached("invoice__c").await?;    // from the cache
//! client.invalidate_describe("Invoice__c"); // after a metadata change
//! # let _ = (describe, again); Ok(()) }
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use atom_core::Result;

use crate::Client;
use crate::models::SObjectDescribe;
use crate::validate::identifier;

/// How long a describe is kept unless the cache is built with another age.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(15 * 60);

/// Most describes kept; past it the oldest is dropped, so memory stays bounded whatever
/// callers ask for.
pub const DEFAULT_MAX_ENTRIES: usize = 500;

/// (org, API version, object in lower case: API names are case-insensitive).
type Key = (String, String, String);

/// Cached describes; see the [module docs](self).
#[derive(Debug)]
pub struct DescribeCache {
    max_age: Duration,
    max_entries: usize,
    entries: Mutex<HashMap<Key, (Instant, Arc<SObjectDescribe>)>>,
}

impl Default for DescribeCache {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_AGE)
    }
}

impl DescribeCache {
    /// A cache keeping each describe for `max_age` (zero: never served from the cache).
    pub fn new(max_age: Duration) -> Self {
        Self {
            max_age,
            max_entries: DEFAULT_MAX_ENTRIES,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// At most `n` describes (at least 1).
    pub fn max_entries(mut self, n: usize) -> Self {
        self.max_entries = n.max(1);
        self
    }

    fn key(org: &str, version: &str, object: &str) -> Key {
        (
            org.to_owned(),
            version.to_owned(),
            object.to_ascii_lowercase(),
        )
    }

    // A panic elsewhere while holding the lock leaves a map that is still consistent
    // (every update is one insert or remove), so a poisoned lock is used as is.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, (Instant, Arc<SObjectDescribe>)>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, key: &Key) -> Option<Arc<SObjectDescribe>> {
        let entries = self.lock();
        let (at, describe) = entries.get(key)?;
        (at.elapsed() < self.max_age).then(|| describe.clone())
    }

    fn put(&self, key: Key, describe: Arc<SObjectDescribe>) {
        let mut entries = self.lock();
        entries.retain(|_, (at, _)| at.elapsed() < self.max_age);
        while entries.len() >= self.max_entries {
            let oldest = entries
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => entries.remove(&k),
                None => break,
            };
        }
        entries.insert(key, (Instant::now(), describe));
    }

    /// Drops one object's describe for one org (every API version).
    pub fn invalidate(&self, org: &str, object: &str) {
        let object = object.to_ascii_lowercase();
        self.lock()
            .retain(|(o, _, name), _| !(o == org && *name == object));
    }

    /// Drops every describe of one org.
    pub fn invalidate_org(&self, org: &str) {
        self.lock().retain(|(o, _, _), _| o != org);
    }

    /// Drops everything.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many describes are held (expired ones included until the next insert).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Client {
    /// The describe cache this client uses.
    pub fn describe_cache(&self) -> &Arc<DescribeCache> {
        &self.describes
    }

    /// The org this client's cache entries are filed under: the tenant (the token key's,
    /// else the instance host).
    pub fn org_key(&self) -> &str {
        &self.org
    }

    /// An object's describe from the cache, fetched (`GET /sobjects/{object}/describe`)
    /// when absent or older than the cache's maximum age. Concurrent misses may each
    /// fetch; the last one is kept.
    pub async fn describe_cached(&self, object: &str) -> Result<Arc<SObjectDescribe>> {
        let object = identifier(object)?;
        let key = DescribeCache::key(&self.org, &self.version, object);
        if let Some(hit) = self.describes.get(&key) {
            return Ok(hit);
        }
        let fresh = Arc::new(self.sobject(object).describe().await?);
        self.describes.put(key, fresh.clone());
        Ok(fresh)
    }

    /// Drops this org's cached describe of `object`, so the next
    /// [`Client::describe_cached`] fetches it again.
    pub fn invalidate_describe(&self, object: &str) {
        self.describes.invalidate(&self.org, object);
    }
}
