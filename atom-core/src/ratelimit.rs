//! Client-side pacing, so that 429s are rare rather than the control loop.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::{Error, ErrorKind, RateLimitSnapshot, Result};

/// Pacing for one tenant (or one class of calls within a tenant).
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimitConfig {
    /// Requests allowed per `per`; `None` disables the token bucket.
    pub requests: Option<u32>,
    /// The window the `requests` are spread over.
    pub per: Duration,
    /// How many may start at once after an idle spell (bucket capacity); defaults to `requests`.
    pub burst: Option<u32>,
    /// Requests in flight at once.
    pub max_concurrent: usize,
    /// The longest the limiter waits for a reset before failing the call with `RateLimited`.
    pub max_wait: Duration,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            requests: None,
            per: Duration::from_secs(1),
            burst: None,
            max_concurrent: 64,
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RateLimitConfig {
    /// `requests` per `per`, up to `max_concurrent` in flight.
    pub fn new(requests: u32, per: Duration, max_concurrent: usize) -> Self {
        Self {
            requests: Some(requests),
            per,
            max_concurrent,
            ..Self::default()
        }
    }

    /// No pacing, only a generous concurrency cap.
    pub fn unlimited() -> Self {
        Self::default()
    }

    /// Sets the bucket capacity.
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = Some(burst);
        self
    }

    /// Sets the longest wait for a reset.
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    capacity: f64,
    per_second: f64,
    last: Instant,
}

impl Bucket {
    fn new(config: &RateLimitConfig) -> Option<Self> {
        let requests = config.requests?;
        let capacity = f64::from(config.burst.unwrap_or(requests).max(1));
        Some(Self {
            tokens: capacity,
            capacity,
            per_second: f64::from(requests.max(1)) / config.per.as_secs_f64().max(1e-3),
            last: Instant::now(),
        })
    }

    /// Takes a token, or says how long until one is there.
    fn take(&mut self, now: Instant) -> Option<Duration> {
        let refill = now.saturating_duration_since(self.last).as_secs_f64() * self.per_second;
        self.tokens = (self.tokens + refill).min(self.capacity);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64(
                (1.0 - self.tokens) / self.per_second,
            ))
        }
    }
}

#[derive(Debug)]
struct TenantState {
    bucket: Option<Bucket>,
    classes: HashMap<&'static str, Bucket>,
    paused_until: Option<Instant>,
    snapshot: Option<RateLimitSnapshot>,
}

#[derive(Debug)]
struct Tenant {
    state: Mutex<TenantState>,
    in_flight: Arc<Semaphore>,
}

/// Token bucket + concurrency cap + pause-until-reset, kept per tenant key.
///
/// A tenant is whatever the provider limits separately (Salesforce org, HubSpot portal,
/// QuickBooks realm, GitHub installation, Stripe connected account); one key, `""`, serves
/// clients with a single tenant. Classes pace a subset of calls further (GitHub search,
/// content creation) on top of the tenant's own bucket.
///
/// ```
/// # async fn demo() -> atom_core::Result<()> {
/// use std::time::Duration;
/// use atom_core::{RateLimiter, RateLimitConfig};
/// let limiter = RateLimiter::new("stripe", RateLimitConfig::new(25, Duration::from_secs(1), 10));
/// let permit = limiter.acquire("acct_1", None).await?;
/// drop(permit); // frees the concurrency slot
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct RateLimiter {
    service: &'static str,
    config: RateLimitConfig,
    class_configs: HashMap<&'static str, RateLimitConfig>,
    tenants: Mutex<HashMap<String, Arc<Tenant>>>,
}

/// Held while a request is in flight; dropping it frees the slot.
#[derive(Debug)]
pub struct RatePermit {
    _slot: OwnedSemaphorePermit,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // State stays consistent between statements, so a panic elsewhere cannot corrupt it.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RateLimiter {
    /// A limiter with one configuration for every tenant.
    pub fn new(service: &'static str, config: RateLimitConfig) -> Self {
        Self {
            service,
            config,
            class_configs: HashMap::new(),
            tenants: Mutex::new(HashMap::new()),
        }
    }

    /// Adds a class with its own pacing (its concurrency is the tenant's).
    pub fn with_class(mut self, class: &'static str, config: RateLimitConfig) -> Self {
        self.class_configs.insert(class, config);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &RateLimitConfig {
        &self.config
    }

    fn tenant(&self, key: &str) -> Arc<Tenant> {
        let mut tenants = lock(&self.tenants);
        if let Some(t) = tenants.get(key) {
            return t.clone();
        }
        let tenant = Arc::new(Tenant {
            state: Mutex::new(TenantState {
                bucket: Bucket::new(&self.config),
                classes: HashMap::new(),
                paused_until: None,
                snapshot: None,
            }),
            in_flight: Arc::new(Semaphore::new(self.config.max_concurrent.max(1))),
        });
        tenants.insert(key.to_owned(), tenant.clone());
        tenant
    }

    /// Waits for a pause to end, a token, and a concurrency slot.
    ///
    /// Fails with `RateLimited` (carrying `retry_after`) instead of waiting longer than
    /// `max_wait`.
    pub async fn acquire(&self, key: &str, class: Option<&'static str>) -> Result<RatePermit> {
        let tenant = self.tenant(key);
        let class_config = class.and_then(|c| self.class_configs.get(c).map(|cfg| (c, cfg)));
        let started = Instant::now();
        loop {
            let wait = {
                let now = Instant::now();
                let mut state = lock(&tenant.state);
                match state.paused_until {
                    Some(until) if until > now => Some(until - now),
                    _ => {
                        state.paused_until = None;
                        let class_wait = class_config.and_then(|(name, cfg)| {
                            let bucket = match state.classes.get_mut(name) {
                                Some(b) => b,
                                None => {
                                    let fresh = Bucket::new(cfg)?;
                                    state.classes.entry(name).or_insert(fresh)
                                }
                            };
                            bucket.take(now)
                        });
                        match class_wait {
                            Some(w) => Some(w),
                            None => state.bucket.as_mut().and_then(|b| b.take(now)),
                        }
                    }
                }
            };
            let Some(wait) = wait else { break };
            let waited = started.elapsed();
            if waited + wait > self.config.max_wait {
                return Err(Error::new(
                    ErrorKind::RateLimited,
                    self.service,
                    "client-side rate limit: the wait for the provider's reset is longer than max_wait",
                )
                .with_retry_after(Some(wait)));
            }
            tokio::time::sleep(wait).await;
        }
        let slot = tenant
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::config(self.service, "rate limiter closed"))?;
        Ok(RatePermit { _slot: slot })
    }

    /// Feeds a response's rate-limit headers: remembers the snapshot and, when nothing is
    /// left, pauses the tenant until the reset.
    pub fn observe(&self, key: &str, snapshot: &RateLimitSnapshot) {
        let tenant = self.tenant(key);
        let mut state = lock(&tenant.state);
        if snapshot.is_exhausted()
            && let Some(reset) = snapshot.reset
            && let Ok(wait) = (reset - Utc::now()).to_std()
        {
            extend_pause(&mut state, wait);
        }
        state.snapshot = Some(snapshot.clone());
    }

    /// Pauses a tenant for `wait` (a 429's `Retry-After`), so that concurrent calls wait too.
    pub fn pause(&self, key: &str, wait: Duration) {
        let tenant = self.tenant(key);
        extend_pause(&mut lock(&tenant.state), wait);
    }

    /// The last rate-limit position the provider reported for a tenant.
    pub fn snapshot(&self, key: &str) -> Option<RateLimitSnapshot> {
        lock(&self.tenant(key).state).snapshot.clone()
    }
}

fn extend_pause(state: &mut TenantState, wait: Duration) {
    let until = Instant::now() + wait;
    if state.paused_until.is_none_or(|current| current < until) {
        state.paused_until = Some(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn bucket_paces_after_the_burst() {
        let limiter = RateLimiter::new("t", RateLimitConfig::new(10, Duration::from_secs(1), 100));
        let start = Instant::now();
        for _ in 0..20 {
            let _p = limiter.acquire("", None).await;
        }
        // 10 from the burst, 10 more at 10/s: about one second.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(950), "{took:?}");
        assert!(took <= Duration::from_millis(1100), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn exhausted_snapshot_pauses_until_reset() {
        let limiter = RateLimiter::new("t", RateLimitConfig::unlimited());
        let snap = RateLimitSnapshot {
            remaining: Some(0),
            reset: Some(Utc::now() + chrono::Duration::seconds(3)),
            ..Default::default()
        };
        limiter.observe("org1", &snap);
        let start = Instant::now();
        let _p = limiter.acquire("other", None).await;
        assert!(
            start.elapsed() < Duration::from_millis(10),
            "other tenants do not wait"
        );
        let _p = limiter.acquire("org1", None).await;
        assert!(
            start.elapsed() >= Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(limiter.snapshot("org1"), Some(snap));
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_beyond_max_wait_fails_fast() {
        let limiter = RateLimiter::new(
            "t",
            RateLimitConfig::unlimited().max_wait(Duration::from_secs(5)),
        );
        limiter.pause("", Duration::from_secs(3600));
        let err = limiter.acquire("", None).await.err();
        let err = err.map(|e| (e.kind(), e.retry_after().is_some()));
        assert_eq!(err, Some((ErrorKind::RateLimited, true)));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_capped() {
        let limiter = Arc::new(RateLimiter::new(
            "t",
            RateLimitConfig {
                max_concurrent: 2,
                ..RateLimitConfig::unlimited()
            },
        ));
        let a = limiter.acquire("", None).await;
        let b = limiter.acquire("", None).await;
        let third =
            tokio::time::timeout(Duration::from_millis(50), limiter.acquire("", None)).await;
        assert!(third.is_err(), "third permit must wait");
        drop(a);
        let third =
            tokio::time::timeout(Duration::from_millis(50), limiter.acquire("", None)).await;
        assert!(third.is_ok());
        drop(b);
    }

    #[tokio::test(start_paused = true)]
    async fn classes_pace_on_top_of_the_tenant() {
        let limiter = RateLimiter::new("t", RateLimitConfig::unlimited()).with_class(
            "write",
            RateLimitConfig::new(1, Duration::from_secs(1), 100).burst(1),
        );
        let start = Instant::now();
        for _ in 0..3 {
            let _p = limiter.acquire("", Some("write")).await;
        }
        assert!(
            start.elapsed() >= Duration::from_millis(1990),
            "{:?}",
            start.elapsed()
        );
        let before_reads = Instant::now();
        for _ in 0..50 {
            let _p = limiter.acquire("", None).await;
        }
        assert!(before_reads.elapsed() < Duration::from_millis(10));
    }
}
