//! A rate budget shared by every replica of a service: provider limits are per account (a
//! HubSpot portal, a QuickBooks realm, a Salesforce org), not per process, so ten replicas
//! each pacing to the full limit get 429s. A [`SharedBudget`] keeps the token buckets where
//! every replica sees them (a database); a [`crate::RateLimiter`] given one with
//! [`crate::RateLimiter::with_shared_budget`] takes its permits there, and falls back to its
//! own local buckets while the backend fails.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use crate::ratelimit::{Bucket, ClassConfig, Lane, Tenant, lock};
use crate::{RateLimiter, Result};

/// One shared token bucket: whose it is and how it refills. Made by the limiter from a
/// [`crate::RateLimitConfig`], so every replica with the same configuration asks for the
/// same bucket.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SharedBucket<'a> {
    /// The limiter's service (`hubspot`): buckets of two services never mix.
    pub service: &'a str,
    /// The tenant (`""` for a client with a single tenant).
    pub tenant: &'a str,
    /// The class the bucket paces (`Some("search")`), or `None` for the tenant's own bucket.
    pub class: Option<&'a str>,
    /// The bucket's capacity (the burst), at least 1.
    pub capacity: f64,
    /// Tokens added per second, above 0.
    pub per_second: f64,
    /// The longest the caller will wait: a backend should not reserve a permit further
    /// ahead than this, and answers [`BudgetDecision::Exhausted`] instead.
    pub max_wait: Duration,
}

impl<'a> SharedBucket<'a> {
    /// A bucket of `capacity` tokens refilled at `per_second`, for a caller that waits at
    /// most `max_wait` (the limiter makes these; backends' own tests may too).
    pub fn new(
        service: &'a str,
        tenant: &'a str,
        class: Option<&'a str>,
        capacity: f64,
        per_second: f64,
        max_wait: Duration,
    ) -> Self {
        Self {
            service,
            tenant,
            class,
            capacity,
            per_second,
            max_wait,
        }
    }
}

/// What a [`SharedBudget`] answers for one permit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BudgetDecision {
    /// A permit is the caller's once `after` has passed (zero when the bucket had a token);
    /// the caller waits that long and sends without asking again.
    Granted {
        /// How long to wait before sending.
        after: Duration,
    },
    /// Nothing within the caller's `max_wait`: the call fails with
    /// [`crate::ErrorKind::RateLimited`] carrying this as its retry-after.
    Exhausted {
        /// When a permit could be had.
        retry_after: Duration,
    },
}

/// Token buckets shared across processes, one per (service, tenant, class).
///
/// An implementation takes a permit **atomically** (one statement or one script), so that
/// replicas cannot both take the last token, and bounds its own calls in time. An error is
/// not the caller's failure: the limiter logs it (once per outage), paces that call with its
/// local bucket, and asks the backend again later.
///
/// ```
/// use std::time::Duration;
/// use atom_core::ratelimit::{BudgetDecision, SharedBucket, SharedBudget};
///
/// /// A backend that lets everything through (for illustration only).
/// #[derive(Debug)]
/// struct Open;
///
/// #[async_trait::async_trait]
/// impl SharedBudget for Open {
///     async fn take(&self, _bucket: &SharedBucket<'_>) -> atom_core::Result<BudgetDecision> {
///         Ok(BudgetDecision::Granted { after: Duration::ZERO })
///     }
/// }
/// ```
#[async_trait]
pub trait SharedBudget: Send + Sync + fmt::Debug {
    /// Takes (or reserves) one permit from `bucket`.
    async fn take(&self, bucket: &SharedBucket<'_>) -> Result<BudgetDecision>;
}

/// A shared budget and its health, as seen by this limiter.
#[derive(Debug)]
pub(crate) struct Shared {
    backend: Arc<dyn SharedBudget>,
    /// The longest one call to the backend may take before the local bucket is used.
    timeout: Duration,
    /// After a failure the backend is left alone until then, so that an outage costs one
    /// failed call per cool-down, not one per permit.
    resting_until: Mutex<Option<Instant>>,
    /// Set while the backend fails: the failure is logged once per outage.
    failing: AtomicBool,
}

impl Shared {
    pub(crate) fn new(backend: Arc<dyn SharedBudget>) -> Self {
        Self {
            backend,
            timeout: Duration::from_millis(500),
            resting_until: Mutex::new(None),
            failing: AtomicBool::new(false),
        }
    }

    pub(crate) fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }
}

/// How long a failed backend is left alone before it is asked again.
const SHARED_COOL_DOWN: Duration = Duration::from_secs(1);
/// The shortest sleep before asking a backend again, so a wrong answer cannot spin.
const MIN_SHARED_WAIT: Duration = Duration::from_millis(1);

/// Which bucket of a call: the tenant's own, or a class's.
#[derive(Debug, Clone, Copy)]
enum BucketOf {
    Base,
    Class(&'static str),
}

impl RateLimiter {
    /// The shared path of [`acquire`](Self::acquire): local pauses first, then one permit
    /// from each bucket the call uses, from the backend (or locally while it fails).
    pub(crate) async fn shared_take(
        &self,
        shared: &Shared,
        key: &str,
        tenant: &Tenant,
        class: Option<(&'static str, &ClassConfig)>,
        started: Instant,
        max_wait: Duration,
    ) -> Result<()> {
        let uses_base = class.is_none_or(|(_, cfg)| !cfg.independent);
        loop {
            let pause = {
                let mut state = lock(&tenant.state);
                let base = uses_base.then(|| state.base.pause_left(Instant::now()));
                let own = class
                    .and_then(|(name, _)| state.classes.get_mut(name))
                    .and_then(|l| l.pause_left(Instant::now()));
                base.flatten().into_iter().chain(own).max()
            };
            let Some(wait) = pause else { break };
            if started.elapsed().saturating_add(wait) > max_wait {
                return Err(self.too_long(wait));
            }
            tokio::time::sleep(wait).await;
        }
        let buckets = [
            class.map(|(name, cfg)| (BucketOf::Class(name), &cfg.config)),
            uses_base.then_some((BucketOf::Base, &self.config)),
        ];
        let mut reserved = Duration::ZERO;
        for (which, config) in buckets.into_iter().flatten() {
            let Some((capacity, per_second)) = Bucket::shape(config) else {
                continue;
            };
            let bucket = SharedBucket {
                service: self.service,
                tenant: key,
                class: match which {
                    BucketOf::Base => None,
                    BucketOf::Class(name) => Some(name),
                },
                capacity,
                per_second,
                max_wait: max_wait.saturating_sub(started.elapsed()),
            };
            match self.ask(shared, &bucket).await {
                Some(BudgetDecision::Granted { after }) => reserved = reserved.max(after),
                Some(BudgetDecision::Exhausted { retry_after }) => {
                    return Err(self.too_long(retry_after));
                }
                None => {
                    self.local_take(tenant, class, which, started, max_wait)
                        .await?
                }
            }
        }
        if !reserved.is_zero() {
            tokio::time::sleep(reserved.max(MIN_SHARED_WAIT)).await;
        }
        Ok(())
    }

    /// The backend's answer, or `None` when it failed, hung or is resting after a failure.
    async fn ask(&self, shared: &Shared, bucket: &SharedBucket<'_>) -> Option<BudgetDecision> {
        if lock(&shared.resting_until).is_some_and(|until| Instant::now() < until) {
            return None;
        }
        let failure = match tokio::time::timeout(shared.timeout, shared.backend.take(bucket)).await
        {
            Ok(Ok(decision)) => {
                if shared.failing.swap(false, Ordering::Relaxed) {
                    tracing::info!(service = self.service, "shared rate budget is back");
                }
                return Some(decision);
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {:?}", shared.timeout),
        };
        *lock(&shared.resting_until) = Some(Instant::now() + SHARED_COOL_DOWN);
        if !shared.failing.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                service = self.service,
                error = %failure,
                "shared rate budget unavailable; pacing with the local limiter until it is back"
            );
        }
        None
    }

    /// One permit from this process's own bucket `which`, waiting as [`acquire`] does.
    async fn local_take(
        &self,
        tenant: &Tenant,
        class: Option<(&'static str, &ClassConfig)>,
        which: BucketOf,
        started: Instant,
        max_wait: Duration,
    ) -> Result<()> {
        loop {
            let wait = {
                let mut state = lock(&tenant.state);
                let lane = match (which, class) {
                    (BucketOf::Class(name), Some((_, cfg))) => {
                        state.classes.entry(name).or_insert_with(|| Lane {
                            bucket: Bucket::new(&cfg.config),
                            ..Lane::default()
                        })
                    }
                    _ => &mut state.base,
                };
                lane.bucket.as_mut().and_then(|b| b.take(Instant::now()))
            };
            let Some(wait) = wait else { return Ok(()) };
            if started.elapsed().saturating_add(wait) > max_wait {
                return Err(self.too_long(wait));
            }
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::type_complexity)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::time::Instant;

    use super::*;
    use crate::{Error, ErrorKind, RateLimitConfig, RateLimiter};

    /// Answers from a script and counts the buckets asked for.
    #[derive(Debug)]
    struct Scripted {
        answer: fn(usize) -> Result<BudgetDecision>,
        calls: AtomicUsize,
        asked: std::sync::Mutex<Vec<(String, Option<String>, f64, f64)>>,
    }

    impl Scripted {
        fn new(answer: fn(usize) -> Result<BudgetDecision>) -> Arc<Self> {
            Arc::new(Self {
                answer,
                calls: AtomicUsize::new(0),
                asked: std::sync::Mutex::default(),
            })
        }
    }

    #[async_trait]
    impl SharedBudget for Scripted {
        async fn take(&self, bucket: &SharedBucket<'_>) -> Result<BudgetDecision> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut asked) = self.asked.lock() {
                asked.push((
                    bucket.tenant.to_owned(),
                    bucket.class.map(str::to_owned),
                    bucket.capacity,
                    bucket.per_second,
                ));
            }
            (self.answer)(n)
        }
    }

    fn down(_: usize) -> Result<BudgetDecision> {
        Err(Error::new(ErrorKind::Storage, "test", "database down"))
    }

    #[tokio::test(start_paused = true)]
    async fn a_granted_permit_waits_its_reservation_and_skips_the_local_bucket() {
        let backend = Scripted::new(|_| {
            Ok(BudgetDecision::Granted {
                after: Duration::from_millis(300),
            })
        });
        // Locally 1 per minute: were the local bucket used, the second call would wait 60 s.
        let limiter = RateLimiter::new("t", RateLimitConfig::new(1, Duration::from_secs(60), 4))
            .with_shared_budget(backend.clone());
        let start = Instant::now();
        for _ in 0..3 {
            let _p = limiter.acquire("org-1", None).await.unwrap();
        }
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(900) && took < Duration::from_secs(2),
            "{took:?}"
        );
        let asked = backend.asked.lock().unwrap().clone();
        assert_eq!(asked.len(), 3);
        assert_eq!(asked[0], ("org-1".to_owned(), None, 1.0, 1.0 / 60.0));
    }

    #[tokio::test(start_paused = true)]
    async fn exhausted_is_a_rate_limited_error_with_the_retry_after() {
        let backend = Scripted::new(|_| {
            Ok(BudgetDecision::Exhausted {
                retry_after: Duration::from_secs(7),
            })
        });
        let limiter = RateLimiter::new("t", RateLimitConfig::new(10, Duration::from_secs(1), 4))
            .with_shared_budget(backend);
        let err = limiter
            .acquire("", None)
            .await
            .err()
            .map(|e| (e.kind(), e.retry_after()));
        assert_eq!(
            err,
            Some((ErrorKind::RateLimited, Some(Duration::from_secs(7))))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_backend_falls_back_to_the_local_bucket_and_is_retried_later() {
        let backend = Scripted::new(down);
        let limiter = RateLimiter::new("t", RateLimitConfig::new(10, Duration::from_secs(1), 100))
            .with_shared_budget(backend.clone());
        let start = Instant::now();
        for _ in 0..20 {
            // Never fails the call.
            let _p = limiter.acquire("", None).await.unwrap();
        }
        // Paced locally: 10 from the burst, 10 more at 10/s.
        assert!(
            start.elapsed() >= Duration::from_millis(950),
            "{:?}",
            start.elapsed()
        );
        // Not asked for every permit while down (a cool-down between tries), but asked again.
        let calls = backend.calls.load(Ordering::SeqCst);
        assert!((1..20).contains(&calls), "{calls} calls");
        tokio::time::sleep(Duration::from_secs(5)).await;
        let _p = limiter.acquire("", None).await.unwrap();
        assert_eq!(backend.calls.load(Ordering::SeqCst), calls + 1);
    }

    #[tokio::test(start_paused = true)]
    async fn classes_on_top_ask_for_both_buckets_and_unpaced_lanes_ask_for_none() {
        let backend = Scripted::new(|_| {
            Ok(BudgetDecision::Granted {
                after: Duration::ZERO,
            })
        });
        let limiter = RateLimiter::new("t", RateLimitConfig::new(100, Duration::from_secs(1), 4))
            .with_class(
                "write",
                RateLimitConfig::new(5, Duration::from_secs(1), 4).burst(2),
            )
            .with_independent_class("export", RateLimitConfig::unlimited())
            .with_shared_budget(backend.clone());
        let _a = limiter.acquire("t1", Some("write")).await.unwrap();
        let _b = limiter.acquire("t1", Some("export")).await.unwrap();
        let asked = backend.asked.lock().unwrap().clone();
        assert_eq!(
            asked,
            vec![
                ("t1".to_owned(), Some("write".to_owned()), 2.0, 5.0),
                ("t1".to_owned(), None, 100.0, 100.0),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_backend_is_cut_by_the_timeout() {
        #[derive(Debug)]
        struct Hangs;
        #[async_trait]
        impl SharedBudget for Hangs {
            async fn take(&self, _: &SharedBucket<'_>) -> Result<BudgetDecision> {
                std::future::pending().await
            }
        }
        let limiter = RateLimiter::new("t", RateLimitConfig::new(10, Duration::from_secs(1), 4))
            .with_shared_budget(Arc::new(Hangs))
            .shared_budget_timeout(Duration::from_millis(200));
        let start = Instant::now();
        let _p = limiter.acquire("", None).await.unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
    }
}
