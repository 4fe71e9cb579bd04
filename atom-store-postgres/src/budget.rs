//! `PostgresRateBudget`: atom-core's [`SharedBudget`] as one token bucket row per (service,
//! tenant, class), taken from by one atomic statement per permit.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use atom_core::ratelimit::{BudgetDecision, SharedBucket, SharedBudget};
use atom_core::{Error, ErrorKind, Result};
use sqlx::Row as _;

use crate::SERVICE;
use crate::error::{bounded, check_parts, db_error};
use crate::store::PostgresTokenStore;

/// A rate budget shared by every replica, in table `atom_rate_buckets` of the store's schema:
/// give it to a [`RateLimiter`](atom_core::RateLimiter) with
/// [`with_shared_budget`](atom_core::RateLimiter::with_shared_budget), and all replicas
/// together pace to the provider's limit instead of each to the full limit.
///
/// Each permit is **one statement**, `INSERT .. ON CONFLICT DO UPDATE .. RETURNING`, which
/// refills the bucket by the database's clock (`now()`), takes a token and says whether it
/// could; the row lock lasts only that statement. A permit may be **reserved ahead**: the
/// bucket then goes below zero and the caller waits until its slot (at most the caller's
/// `max_wait`), so a busy bucket costs one round trip per permit, not a polling loop. A
/// bucket too far behind answers [`BudgetDecision::Exhausted`] and writes no debt.
///
/// When the database is unreachable the limiter paces with its local bucket (see
/// [`SharedBudget`]); every call here is bounded by the store's statement timeout, and
/// the limiter's own shorter timeout applies on top.
///
/// ```no_run
/// # async fn demo() -> atom_core::Result<()> {
/// use std::sync::Arc;
/// use std::time::Duration;
/// use atom_core::{RateLimitConfig, RateLimiter};
/// use atom_store_postgres::PostgresTokenStore;
///
/// let store = PostgresTokenStore::connect("postgres://app@db.internal/app").await?;
/// let limiter = RateLimiter::new("hubspot", RateLimitConfig::new(100, Duration::from_secs(10), 10))
///     .with_shared_budget(Arc::new(store.rate_budget()));
/// let _permit = limiter.acquire("portal-1", None).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresRateBudget {
    db: PostgresTokenStore,
    take: String,
}

impl fmt::Debug for PostgresRateBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresRateBudget")
            .field("schema", self.db.schema())
            .finish_non_exhaustive()
    }
}

impl PostgresTokenStore {
    /// The shared rate budget of this store's schema, on its pool.
    pub fn rate_budget(&self) -> PostgresRateBudget {
        PostgresRateBudget::new(self.clone())
    }
}

impl PostgresRateBudget {
    fn new(db: PostgresTokenStore) -> Self {
        let t = format!("{}.atom_rate_buckets", db.schema().quoted());
        // $4 capacity, $5 tokens per second, $6 the most debt the caller will wait out.
        // A new bucket starts full, less this permit. `updated_at` never goes back, so a
        // statement that waited for the row lock behind a later one refills nothing twice.
        let refill =
            "least($4, b.tokens + greatest(0, extract(epoch FROM now() - b.updated_at)) * $5)";
        let take = format!(
            "INSERT INTO {t} AS b (service, tenant, class, tokens, updated_at, granted) \
             VALUES ($1, $2, $3, $4 - 1, now(), true) \
             ON CONFLICT (service, tenant, class) DO UPDATE SET \
             tokens = CASE WHEN {refill} - 1 >= -$6 THEN {refill} - 1 ELSE {refill} END, \
             granted = {refill} - 1 >= -$6, \
             updated_at = greatest(b.updated_at, now()) \
             RETURNING tokens, granted"
        );
        Self { db, take }
    }
}

/// The caller's answer from the row after the statement: how far below zero the bucket is
/// (the wait for a reserved permit), or how long until a token (for a refusal).
fn decision(tokens: f64, granted: bool, per_second: f64) -> BudgetDecision {
    let after = |missing: f64| {
        Duration::try_from_secs_f64((missing / per_second).max(0.0)).unwrap_or(Duration::MAX)
    };
    if granted {
        BudgetDecision::Granted {
            after: after(-tokens),
        }
    } else {
        BudgetDecision::Exhausted {
            retry_after: after(1.0 - tokens),
        }
    }
}

#[async_trait]
impl SharedBudget for PostgresRateBudget {
    async fn take(&self, bucket: &SharedBucket<'_>) -> Result<BudgetDecision> {
        let class = bucket.class.unwrap_or("");
        check_parts(
            "rate bucket",
            [
                ("service", bucket.service),
                ("tenant", bucket.tenant),
                ("class", class),
            ],
        )?;
        let (capacity, per_second) = (bucket.capacity, bucket.per_second);
        if !(capacity.is_finite() && capacity >= 1.0 && per_second.is_finite() && per_second > 0.0)
        {
            return Err(Error::config(
                SERVICE,
                "a shared rate bucket needs a capacity of at least 1 and a positive rate",
            ));
        }
        // The wait the caller accepts, as tokens of debt (bounded so the SQL stays finite).
        let max_debt = (bucket.max_wait.as_secs_f64() * per_second).min(1e12);
        let inner = self.db.inner();
        let row = bounded(
            &format!(
                "cannot take a rate permit of {}/{}",
                bucket.service, bucket.tenant
            ),
            inner.statement_timeout,
            sqlx::query(&self.take)
                .bind(bucket.service)
                .bind(bucket.tenant)
                .bind(class)
                .bind(capacity)
                .bind(per_second)
                .bind(max_debt)
                .fetch_one(&inner.pool),
        )
        .await?;
        let tokens: f64 = row
            .try_get("tokens")
            .map_err(|e| db_error("cannot read the rate bucket", e))?;
        let granted: bool = row
            .try_get("granted")
            .map_err(|e| db_error("cannot read the rate bucket", e))?;
        if !tokens.is_finite() {
            return Err(Error::new(
                ErrorKind::Storage,
                SERVICE,
                format!(
                    "corrupt rate bucket of {}/{}: tokens is not a number",
                    bucket.service, bucket.tenant
                ),
            ));
        }
        Ok(decision(tokens, granted, per_second))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(atom_core::testing::proptest_config(10_000))]

        /// Any row the statement can return: no panic; a grant waits exactly for the debt,
        /// a refusal for the missing part of a token.
        #[test]
        fn decisions_never_panic_and_wait_for_the_debt(
            tokens in -1e15f64..1e9,
            granted: bool,
            per_second in 1e-9f64..1e9,
        ) {
            match decision(tokens, granted, per_second) {
                BudgetDecision::Granted { after } => {
                    prop_assert!(granted);
                    prop_assert_eq!(after.is_zero(), tokens >= 0.0 || -tokens / per_second < 1e-9);
                }
                BudgetDecision::Exhausted { retry_after } => {
                    prop_assert!(!granted);
                    prop_assert_eq!(retry_after.is_zero(), tokens >= 1.0 || (1.0 - tokens) / per_second < 1e-9);
                }
                _ => prop_assert!(false, "another decision"),
            }
        }
    }

    #[test]
    fn decisions() {
        assert_eq!(
            decision(3.0, true, 10.0),
            BudgetDecision::Granted {
                after: Duration::ZERO
            }
        );
        assert_eq!(
            decision(-2.0, true, 10.0),
            BudgetDecision::Granted {
                after: Duration::from_millis(200)
            }
        );
        assert_eq!(
            decision(0.5, false, 10.0),
            BudgetDecision::Exhausted {
                retry_after: Duration::from_millis(50)
            }
        );
    }
}
