//! Client-side pacing, so that 429s are rare rather than the control loop.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::shared_budget::Shared;
pub use crate::shared_budget::{BudgetDecision, SharedBucket, SharedBudget};
use crate::{Error, ErrorKind, RateLimitSnapshot, Result};

/// Pacing for one tenant (or one class of calls within a tenant).
///
/// ```
/// use std::time::Duration;
/// use atom_core::RateLimitConfig;
/// let config = RateLimitConfig::new(100, Duration::from_secs(1), 20).burst(10);
/// let no_bucket = RateLimitConfig::unlimited().max_concurrent(25);
/// # let _ = (config, no_bucket);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    /// The longest a tenant is held back by one provider answer (a `Retry-After`, a reset
    /// time with nothing remaining). A longer wait is cut to this, so a bogus header
    /// (`Retry-After: 10000000000000000000`, a reset years ahead) cannot lock a tenant out
    /// until the process restarts: after it, the next call asks the provider again.
    pub max_pause: Duration,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            requests: None,
            per: Duration::from_secs(1),
            burst: None,
            max_concurrent: 64,
            max_wait: Duration::from_secs(60),
            // GitHub's primary window is an hour, the longest reset the providers send.
            max_pause: Duration::from_secs(60 * 60),
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

    /// Sets the requests allowed in flight at once.
    pub fn max_concurrent(mut self, max: usize) -> Self {
        self.max_concurrent = max;
        self
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

    /// Sets the longest pause one provider answer can impose (default one hour).
    pub fn max_pause(mut self, pause: Duration) -> Self {
        self.max_pause = pause;
        self
    }
}

#[derive(Debug)]
pub(crate) struct Bucket {
    tokens: f64,
    capacity: f64,
    per_second: f64,
    last: Instant,
}

impl Bucket {
    /// (capacity, tokens per second) of a configuration's bucket, if it has one.
    pub(crate) fn shape(config: &RateLimitConfig) -> Option<(f64, f64)> {
        let requests = config.requests?;
        Some((
            f64::from(config.burst.unwrap_or(requests).max(1)),
            f64::from(requests.max(1)) / config.per.as_secs_f64().max(1e-3),
        ))
    }

    pub(crate) fn new(config: &RateLimitConfig) -> Option<Self> {
        let (capacity, per_second) = Self::shape(config)?;
        Some(Self {
            tokens: capacity,
            capacity,
            per_second,
            last: Instant::now(),
        })
    }

    /// Takes a token, or says how long until one is there.
    pub(crate) fn take(&mut self, now: Instant) -> Option<Duration> {
        let refill = now.saturating_duration_since(self.last).as_secs_f64() * self.per_second;
        self.tokens = (self.tokens + refill).min(self.capacity);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            None
        } else {
            // An extreme configuration (one request per century) gives a wait too long to
            // represent; it is then simply longer than any max_wait.
            Some(
                Duration::try_from_secs_f64((1.0 - self.tokens) / self.per_second)
                    .unwrap_or(Duration::MAX),
            )
        }
    }
}

/// One paced stream of calls: a bucket, a pause set from the provider's headers, and the
/// last position the provider reported.
#[derive(Debug, Default)]
pub(crate) struct Lane {
    pub(crate) bucket: Option<Bucket>,
    pub(crate) paused_until: Option<Instant>,
    pub(crate) snapshot: Option<RateLimitSnapshot>,
}

impl Lane {
    pub(crate) fn pause_left(&mut self, now: Instant) -> Option<Duration> {
        match self.paused_until {
            Some(until) if until > now => Some(until - now),
            _ => {
                self.paused_until = None;
                None
            }
        }
    }

    /// Holds the lane for `wait`, cut to `cap`; an instant too far to represent is cut too.
    fn extend_pause(&mut self, wait: Duration, cap: Duration) {
        const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
        let now = Instant::now();
        let Some(until) = now
            .checked_add(wait.min(cap))
            .or_else(|| now.checked_add(FAR))
        else {
            return;
        };
        if self.paused_until.is_none_or(|current| current < until) {
            self.paused_until = Some(until);
        }
    }
}

/// How a class relates to the tenant's own limit.
#[derive(Debug, Clone)]
pub(crate) struct ClassConfig {
    pub(crate) config: RateLimitConfig,
    /// The provider counts the class separately (GitHub search): its calls neither use nor
    /// wait for the tenant's lane, and its headers pause only the class.
    pub(crate) independent: bool,
}

#[derive(Debug)]
pub(crate) struct TenantState {
    pub(crate) base: Lane,
    pub(crate) classes: HashMap<&'static str, Lane>,
}

#[derive(Debug)]
pub(crate) struct Tenant {
    pub(crate) state: Mutex<TenantState>,
    in_flight: Arc<Semaphore>,
}

/// Token bucket + concurrency cap + pause-until-reset, kept per tenant key.
///
/// A tenant is whatever the provider limits separately (Salesforce org, HubSpot portal,
/// QuickBooks realm, GitHub installation, Stripe connected account); one key, `""`, serves
/// clients with a single tenant. A class paces a subset of calls further: with
/// [`RateLimiter::with_class`] on top of the tenant's own limit (GitHub content creation,
/// Stripe search, which also counts against the global limit), with
/// [`RateLimiter::with_independent_class`] as a limit of its own that the provider counts
/// apart (GitHub search). Pauses and snapshots are kept per class in
/// the second case, so an exhausted search limit does not stop other calls.
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
    pub(crate) service: &'static str,
    pub(crate) config: RateLimitConfig,
    class_configs: HashMap<&'static str, ClassConfig>,
    tenants: Mutex<HashMap<String, Arc<Tenant>>>,
    shared: Option<Shared>,
}

/// Held while a request is in flight; dropping it frees the slot.
#[derive(Debug)]
pub struct RatePermit {
    _slot: OwnedSemaphorePermit,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
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
            shared: None,
        }
    }

    /// Takes the buckets' permits from `backend`, shared with other processes, instead of
    /// this limiter's own buckets (see [`SharedBudget`]); pauses from provider headers and
    /// the concurrency cap stay local. When the backend fails or does not answer within
    /// [`shared_budget_timeout`](Self::shared_budget_timeout), the call is paced by the
    /// local bucket instead (never failed), the failure is logged once per outage, and the
    /// backend is asked again a second later.
    pub fn with_shared_budget(mut self, backend: Arc<dyn SharedBudget>) -> Self {
        self.shared = Some(Shared::new(backend));
        self
    }

    /// The longest one call to the shared budget may take (default 500 ms).
    pub fn shared_budget_timeout(mut self, timeout: Duration) -> Self {
        if let Some(shared) = &mut self.shared {
            shared.set_timeout(timeout);
        }
        self
    }

    /// Adds a class paced by `config` on top of the tenant's limit (its calls count
    /// against both; its concurrency is the tenant's).
    pub fn with_class(mut self, class: &'static str, config: RateLimitConfig) -> Self {
        self.class_configs.insert(
            class,
            ClassConfig {
                config,
                independent: false,
            },
        );
        self
    }

    /// Adds a class the provider limits apart from the tenant's other calls. Its calls wait
    /// at most the class's own `max_wait`, and its pauses last at most the class's own
    /// `max_pause`.
    pub fn with_independent_class(mut self, class: &'static str, config: RateLimitConfig) -> Self {
        self.class_configs.insert(
            class,
            ClassConfig {
                config,
                independent: true,
            },
        );
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
                base: Lane {
                    bucket: Bucket::new(&self.config),
                    ..Lane::default()
                },
                classes: HashMap::new(),
            }),
            in_flight: Arc::new(Semaphore::new(self.config.max_concurrent.max(1))),
        });
        tenants.insert(key.to_owned(), tenant.clone());
        tenant
    }

    /// The registered class of a call, if any.
    fn class(&self, class: Option<&'static str>) -> Option<(&'static str, &ClassConfig)> {
        class.and_then(|c| self.class_configs.get(c).map(|cfg| (c, cfg)))
    }

    /// The lane whose pause and snapshot a response of this class belongs to.
    fn lane<'s>(
        state: &'s mut TenantState,
        class: Option<(&'static str, &ClassConfig)>,
    ) -> &'s mut Lane {
        match class {
            Some((name, cfg)) if cfg.independent => {
                state.classes.entry(name).or_insert_with(|| Lane {
                    bucket: Bucket::new(&cfg.config),
                    ..Lane::default()
                })
            }
            _ => &mut state.base,
        }
    }

    /// How long this call must wait now, taking its tokens when it need not.
    fn try_take(
        state: &mut TenantState,
        class: Option<(&'static str, &ClassConfig)>,
        now: Instant,
    ) -> Option<Duration> {
        let uses_base = class.is_none_or(|(_, cfg)| !cfg.independent);
        let pauses = [
            uses_base.then(|| state.base.pause_left(now)).flatten(),
            class
                .and_then(|(name, _)| state.classes.get_mut(name))
                .and_then(|l| l.pause_left(now)),
        ];
        if let Some(wait) = pauses.into_iter().flatten().max() {
            return Some(wait);
        }
        if let Some((name, cfg)) = class {
            let lane = state.classes.entry(name).or_insert_with(|| Lane {
                bucket: Bucket::new(&cfg.config),
                ..Lane::default()
            });
            if let Some(wait) = lane.bucket.as_mut().and_then(|b| b.take(now)) {
                return Some(wait);
            }
        }
        if uses_base {
            return state.base.bucket.as_mut().and_then(|b| b.take(now));
        }
        None
    }

    /// The configuration that bounds a call's waits and its lane's pauses: an independent
    /// class's own, else the tenant's.
    fn governing<'a>(
        &'a self,
        class: Option<(&'static str, &'a ClassConfig)>,
    ) -> &'a RateLimitConfig {
        match class {
            Some((_, cfg)) if cfg.independent => &cfg.config,
            _ => &self.config,
        }
    }

    /// Waits for a pause to end, a token, and a concurrency slot.
    ///
    /// Fails with `RateLimited` (carrying `retry_after`) instead of waiting longer than
    /// `max_wait` (an independent class's own).
    pub async fn acquire(&self, key: &str, class: Option<&'static str>) -> Result<RatePermit> {
        let tenant = self.tenant(key);
        let class = self.class(class);
        let max_wait = self.governing(class).max_wait;
        let started = Instant::now();
        if let Some(shared) = &self.shared {
            self.shared_take(shared, key, &tenant, class, started, max_wait)
                .await?;
            return self.slot(&tenant).await;
        }
        loop {
            let wait = Self::try_take(&mut lock(&tenant.state), class, Instant::now());
            let Some(wait) = wait else { break };
            if started.elapsed().saturating_add(wait) > max_wait {
                return Err(Error::new(
                    ErrorKind::RateLimited,
                    self.service,
                    "client-side rate limit: the wait for the provider's reset is longer than max_wait",
                )
                .with_retry_after(Some(wait)));
            }
            tokio::time::sleep(wait).await;
        }
        self.slot(&tenant).await
    }

    /// The error of a wait longer than the call's `max_wait`.
    pub(crate) fn too_long(&self, wait: Duration) -> Error {
        Error::new(
            ErrorKind::RateLimited,
            self.service,
            "client-side rate limit: the wait for the provider's reset is longer than max_wait",
        )
        .with_retry_after(Some(wait))
    }

    /// A concurrency slot of `tenant`.
    pub(crate) async fn slot(&self, tenant: &Tenant) -> Result<RatePermit> {
        let slot = tenant
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::config(self.service, "rate limiter closed"))?;
        Ok(RatePermit { _slot: slot })
    }

    /// Feeds a response's rate-limit headers: remembers the snapshot and, when nothing is
    /// left, pauses the lane (the tenant's, or an independent class's) until the reset.
    pub fn observe(&self, key: &str, class: Option<&'static str>, snapshot: &RateLimitSnapshot) {
        let tenant = self.tenant(key);
        let class = self.class(class);
        let max_pause = self.governing(class).max_pause;
        let mut state = lock(&tenant.state);
        let lane = Self::lane(&mut state, class);
        if snapshot.is_exhausted()
            && let Some(reset) = snapshot.reset
            && let Ok(wait) = (reset - Utc::now()).to_std()
        {
            lane.extend_pause(wait, max_pause);
        }
        lane.snapshot = Some(snapshot.clone());
    }

    /// Pauses a lane for `wait` (a rate-limit error's retry-after), so concurrent calls wait too.
    /// The pause is cut to the configuration's `max_pause`.
    pub fn pause(&self, key: &str, class: Option<&'static str>, wait: Duration) {
        let tenant = self.tenant(key);
        let class = self.class(class);
        let max_pause = self.governing(class).max_pause;
        let mut state = lock(&tenant.state);
        Self::lane(&mut state, class).extend_pause(wait, max_pause);
    }

    /// The last rate-limit position the provider reported for a tenant's own lane.
    pub fn snapshot(&self, key: &str) -> Option<RateLimitSnapshot> {
        lock(&self.tenant(key).state).base.snapshot.clone()
    }

    /// The last position reported for an independent class (`None` for other classes,
    /// whose position is the tenant's).
    pub fn class_snapshot(&self, key: &str, class: &'static str) -> Option<RateLimitSnapshot> {
        let tenant = self.tenant(key);
        let state = lock(&tenant.state);
        state.classes.get(class).and_then(|l| l.snapshot.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An independent class (an export endpoint's own limit) fails fast by its own
    /// `max_wait`, while the tenant's calls keep the tenant's.
    #[tokio::test(start_paused = true)]
    async fn an_independent_class_waits_by_its_own_max_wait() {
        let limiter = RateLimiter::new("t", RateLimitConfig::unlimited()).with_independent_class(
            "export",
            RateLimitConfig::new(1, Duration::from_secs(60), 1).max_wait(Duration::ZERO),
        );
        assert!(limiter.acquire("", Some("export")).await.is_ok());
        let second = limiter.acquire("", Some("export")).await;
        assert_eq!(
            second.err().map(|e| e.kind()),
            Some(ErrorKind::RateLimited),
            "the class's max_wait of zero, not the tenant's 60 s"
        );
        assert!(limiter.acquire("", None).await.is_ok());
    }

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
        limiter.observe("org1", None, &snap);
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
        limiter.pause("", None, Duration::from_secs(3600));
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

#[cfg(test)]
mod class_tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_exhausted_independent_class_does_not_stop_other_calls() {
        let limiter = RateLimiter::new("t", RateLimitConfig::unlimited())
            .with_independent_class(
                "search",
                RateLimitConfig::new(30, Duration::from_secs(60), 10),
            )
            .with_class(
                "write",
                RateLimitConfig::new(100, Duration::from_secs(1), 10),
            );
        let exhausted = RateLimitSnapshot {
            remaining: Some(0),
            reset: Some(Utc::now() + chrono::Duration::seconds(30)),
            resource: Some("search".into()),
            ..Default::default()
        };
        limiter.observe("", Some("search"), &exhausted);
        assert_eq!(limiter.class_snapshot("", "search"), Some(exhausted));
        assert_eq!(
            limiter.snapshot(""),
            None,
            "the tenant's own position is untouched"
        );
        let start = Instant::now();
        let _a = limiter.acquire("", None).await;
        let _b = limiter.acquire("", Some("write")).await;
        assert!(
            start.elapsed() < Duration::from_millis(10),
            "core and write calls go on"
        );
        let _c = limiter.acquire("", Some("search")).await;
        assert!(
            start.elapsed() >= Duration::from_secs(29),
            "search waits for its reset"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_tenant_pause_holds_classes_on_top_but_not_independent_ones() {
        let limiter = RateLimiter::new("t", RateLimitConfig::unlimited())
            .with_independent_class("search", RateLimitConfig::unlimited())
            .with_class("write", RateLimitConfig::unlimited());
        limiter.pause("", None, Duration::from_secs(5));
        let start = Instant::now();
        let _s = limiter.acquire("", Some("search")).await;
        assert!(start.elapsed() < Duration::from_millis(10));
        let _w = limiter.acquire("", Some("write")).await;
        assert!(start.elapsed() >= Duration::from_secs(5));
    }
}
