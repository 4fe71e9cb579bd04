//! Riding out a provider storm longer than one request's retries: the run waits, longer
//! each time, and starts again from its last saved checkpoint.

use std::time::Duration;

use super::SyncError;

/// How a run recovers from errors a later attempt can fix (429s, 5xxs, timeouts, network
/// errors) once the client's own retries for a request are spent.
///
/// ```
/// use std::time::Duration;
/// use atom_examples::sync::Recovery;
/// let patient = Recovery::new(8, Duration::from_secs(2));
/// # let _ = patient;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recovery {
    /// Restarts allowed in one run.
    pub attempts: u32,
    /// The first wait; each later one doubles, up to [`Recovery::max_delay`].
    pub delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
}

impl Default for Recovery {
    fn default() -> Self {
        Self::new(8, Duration::from_secs(2))
    }
}

impl Recovery {
    /// `attempts` restarts, waiting `delay`, then twice as long each time (at most a minute).
    pub fn new(attempts: u32, delay: Duration) -> Self {
        Self {
            attempts,
            delay,
            max_delay: Duration::from_secs(60),
        }
    }

    /// The state of one run's recovery.
    pub fn start(self) -> Recovering {
        Recovering {
            policy: self,
            used: 0,
            next_delay: self.delay,
        }
    }
}

/// One run's recoveries so far.
#[derive(Debug)]
pub struct Recovering {
    policy: Recovery,
    used: u32,
    next_delay: Duration,
}

impl Recovering {
    /// Waits and returns `true` when `error` is worth another attempt and attempts are
    /// left; `false` when the run must stop with it.
    pub async fn retry_after(&mut self, error: &SyncError) -> bool {
        let retryable = error.api().is_some_and(atom_core::Error::is_retryable);
        if !retryable || self.used >= self.policy.attempts {
            return false;
        }
        self.used += 1;
        tokio::time::sleep(self.next_delay).await;
        self.next_delay = (self.next_delay * 2).min(self.policy.max_delay);
        true
    }

    /// Restarts made so far.
    pub fn used(&self) -> u32 {
        self.used
    }
}
