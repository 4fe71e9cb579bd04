//! Retry or stop, and after how long: a pure decision, tested on its own.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// How an attempt failed, as far as the retry decision cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The server answered with an error status.
    Status {
        /// The HTTP status.
        status: u16,
        /// The wait the server asked for (`Retry-After`, or a provider's own header).
        retry_after: Option<Duration>,
        /// The provider's explicit verdict (Stripe `Stripe-Should-Retry`), which wins.
        provider_says: Option<bool>,
    },
    /// The connection could not be made: no byte of the request reached the server.
    Connect,
    /// No response in time after the request was sent.
    Timeout,
    /// The connection broke after the request may have been sent.
    Network,
    /// The request could not be sent as given (a header value the HTTP layer refuses):
    /// sending it again cannot help.
    Invalid,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Try again after this delay.
    Retry(Duration),
    /// Return the error.
    Stop,
}

/// When and how often to try again.
///
/// Defaults: 3 attempts in all (two retries, as Stripe's own libraries allow at most), full-jitter
/// exponential backoff from 500 ms capped at 20 s, an overall deadline of 60 s, and
/// `Retry-After` honoured up to 60 s (a longer wait is returned to the caller as a
/// `RateLimited` error with `retry_after`, never silently cut). With the client's 30 s timeout
/// per attempt, a server that accepts connections and never answers holds a GET for at most
/// 60 s and a POST without an idempotency key for 30 s (it is not resent). Providers' own SDKs
/// sit in the same range (Stripe: 80 s per attempt, 1 or 2 retries; GitHub ends any request
/// that runs longer than 10 s on its side). Lower the deadline for latency-sensitive callers.
///
/// Retried: 408, 429, 500, 502, 503, 504, timeouts and broken connections. A request that
/// is not idempotent (POST/PATCH without an idempotency key) is retried only when it provably
/// never took effect: the connection was never made, the server refused it with 429 (RFC 6585:
/// the request was not processed), or the provider's own signal says so.
///
/// ```
/// use std::time::Duration;
/// use atom_core::retry::{Decision, Failure, RetryPolicy};
/// let policy = RetryPolicy::default();
/// let busy = Failure::Status { status: 503, retry_after: None, provider_says: None };
/// // A GET may be retried; the delay is full jitter in [0, 500 ms) on the first retry.
/// match policy.decide(1, true, &busy, Duration::ZERO, 0.5) {
///     Decision::Retry(d) => assert_eq!(d, Duration::from_millis(250)),
///     Decision::Stop => unreachable!(),
/// }
/// // A POST without an idempotency key is not.
/// assert_eq!(policy.decide(1, false, &busy, Duration::ZERO, 0.5), Decision::Stop);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, counting the first (1 = never retry).
    pub max_attempts: u32,
    /// The backoff base: the first retry waits up to this long.
    pub base_delay: Duration,
    /// The largest backoff step.
    pub max_delay: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub deadline: Option<Duration>,
    /// The longest `Retry-After` that is waited out; a longer one stops with the error.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            deadline: Some(Duration::from_secs(60)),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the attempts in all, counting the first.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Sets the backoff base.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the largest backoff step.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets the overall deadline (`None`: attempts alone bound the call).
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets the longest `Retry-After` waited out.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Decides after failed attempt number `attempt` (1-based).
    ///
    /// `idempotent`: repeating the request cannot duplicate an effect (safe method or an
    /// idempotency key). `elapsed`: time since the first attempt started. `jitter`: a number
    /// in `[0, 1)`, random in production and fixed in tests.
    pub fn decide(
        &self,
        attempt: u32,
        idempotent: bool,
        failure: &Failure,
        elapsed: Duration,
        jitter: f64,
    ) -> Decision {
        if attempt >= self.max_attempts {
            return Decision::Stop;
        }
        let (worth_retrying, safe, retry_after) = match *failure {
            Failure::Status {
                provider_says: Some(verdict),
                retry_after,
                ..
            } => (verdict, verdict, retry_after),
            Failure::Status {
                status,
                retry_after,
                provider_says: None,
            } => (
                matches!(status, 408 | 429 | 500 | 502 | 503 | 504),
                idempotent || status == 429,
                retry_after,
            ),
            Failure::Connect => (true, true, None),
            Failure::Timeout | Failure::Network => (true, idempotent, None),
            Failure::Invalid => (false, false, None),
        };
        if !worth_retrying || !safe {
            return Decision::Stop;
        }
        let delay = match retry_after {
            Some(wait) if wait > self.max_retry_after => return Decision::Stop,
            Some(wait) => wait,
            None => self.backoff(attempt, jitter),
        };
        if let Some(deadline) = self.deadline
            && elapsed.saturating_add(delay) > deadline
        {
            return Decision::Stop;
        }
        Decision::Retry(delay)
    }

    /// Full jitter: uniform in `[0, min(max_delay, base_delay * 2^(attempt-1)))`.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        // `clamp` keeps NaN, and `mul_f64(NaN)` panics: a jitter source gone wrong waits 0.
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * jitter)
            .unwrap_or(ceiling)
            .min(ceiling)
    }
}

/// The longest wait any header can ask for once parsed (a day). Longer values, often garbage
/// such as `10000000000000000000`, are clamped to it, so no arithmetic on them can overflow;
/// [`RetryPolicy::max_retry_after`] and the limiter's `max_pause` then decide what is waited.
pub const MAX_HEADER_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// Parses a `Retry-After` value: delay-seconds (fractions allowed) or an HTTP-date.
/// A date in the past means "now" (zero); a wait beyond [`MAX_HEADER_WAIT`] is clamped to it.
/// Anything else is `None`.
///
/// ```
/// use std::time::Duration;
/// use atom_core::retry::parse_retry_after;
/// let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z").unwrap().into();
/// assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
/// assert_eq!(
///     parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
///     Some(Duration::from_secs(30))
/// );
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_nan() || secs < 0.0 {
            return None;
        }
        return Some(
            Duration::try_from_secs_f64(secs)
                .unwrap_or(MAX_HEADER_WAIT)
                .min(MAX_HEADER_WAIT),
        );
    }
    let when: DateTime<Utc> = httpdate::parse_http_date(value).ok()?.into();
    Some(
        (when - now)
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(MAX_HEADER_WAIT),
    )
}

/// A jitter value in `[0, 1)` from the standard library's per-process random keys.
/// Not for secrets; enough to spread retries of many clients apart.
pub fn random_jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Failure {
        Failure::Status {
            status: code,
            retry_after: None,
            provider_says: None,
        }
    }

    #[test]
    fn decision_table() {
        let p = RetryPolicy::default();
        let zero = Duration::ZERO;
        let half = Duration::from_millis(250);
        // (attempt, idempotent, failure, expected)
        let cases: Vec<(u32, bool, Failure, Decision)> = vec![
            (1, true, status(429), Decision::Retry(half)),
            (1, false, status(429), Decision::Retry(half)),
            (1, true, status(500), Decision::Retry(half)),
            (1, true, status(502), Decision::Retry(half)),
            (1, true, status(503), Decision::Retry(half)),
            (1, true, status(504), Decision::Retry(half)),
            (1, true, status(408), Decision::Retry(half)),
            (1, false, status(503), Decision::Stop),
            (1, true, status(400), Decision::Stop),
            (1, true, status(401), Decision::Stop),
            (1, true, status(404), Decision::Stop),
            (1, true, status(501), Decision::Stop),
            (1, true, Failure::Timeout, Decision::Retry(half)),
            (1, false, Failure::Timeout, Decision::Stop),
            (1, true, Failure::Network, Decision::Retry(half)),
            (1, false, Failure::Network, Decision::Stop),
            (1, false, Failure::Connect, Decision::Retry(half)),
            (1, true, Failure::Invalid, Decision::Stop),
            (
                2,
                true,
                status(503),
                Decision::Retry(Duration::from_millis(500)),
            ),
            (3, true, status(503), Decision::Stop),
            (
                1,
                false,
                Failure::Status {
                    status: 409,
                    retry_after: None,
                    provider_says: Some(true),
                },
                Decision::Retry(half),
            ),
            (
                1,
                true,
                Failure::Status {
                    status: 503,
                    retry_after: None,
                    provider_says: Some(false),
                },
                Decision::Stop,
            ),
            (
                1,
                true,
                Failure::Status {
                    status: 429,
                    retry_after: Some(Duration::from_secs(2)),
                    provider_says: None,
                },
                Decision::Retry(Duration::from_secs(2)),
            ),
            (
                1,
                true,
                Failure::Status {
                    status: 429,
                    retry_after: Some(Duration::from_secs(61)),
                    provider_says: None,
                },
                Decision::Stop,
            ),
        ];
        for (attempt, idempotent, failure, expected) in cases {
            assert_eq!(
                p.decide(attempt, idempotent, &failure, zero, 0.5),
                expected,
                "attempt {attempt} idempotent {idempotent} {failure:?}"
            );
        }
    }

    #[test]
    fn backoff_is_capped_and_full_jitter() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0.0), Duration::ZERO);
        assert_eq!(p.backoff(20, 0.999_999), p.max_delay.mul_f64(0.999_999));
        assert_eq!(p.backoff(u32::MAX, 1.0), p.max_delay);
        assert!(p.backoff(2, 0.99) < Duration::from_secs(1));
        assert_eq!(p.backoff(3, f64::NAN), Duration::ZERO);
        assert_eq!(p.backoff(3, f64::INFINITY), Duration::from_secs(2));
        let huge = RetryPolicy {
            base_delay: Duration::MAX,
            max_delay: Duration::MAX,
            ..RetryPolicy::default()
        };
        assert_eq!(huge.backoff(40, 1.0), Duration::MAX);
    }

    #[test]
    fn deadline_stops_a_retry_that_would_overrun() {
        let p = RetryPolicy {
            deadline: Some(Duration::from_secs(10)),
            ..RetryPolicy::default()
        };
        let wait = Failure::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(5)),
            provider_says: None,
        };
        assert_eq!(
            p.decide(1, true, &wait, Duration::from_secs(4), 0.5),
            Decision::Retry(Duration::from_secs(5))
        );
        assert_eq!(
            p.decide(1, true, &wait, Duration::from_secs(6), 0.5),
            Decision::Stop
        );
    }

    #[test]
    fn retry_after_forms() {
        let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .map(Into::into)
            .unwrap_or_default();
        assert_eq!(parse_retry_after(" 2 ", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("0.5", now),
            Some(Duration::from_millis(500))
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("NaN", now), None);
        assert_eq!(parse_retry_after("1e400", now), Some(MAX_HEADER_WAIT));
        assert_eq!(
            parse_retry_after("10000000000000000000", now),
            Some(MAX_HEADER_WAIT)
        );
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now),
            Some(MAX_HEADER_WAIT)
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("", now), None);
    }

    #[test]
    fn jitter_is_in_range_and_varies() {
        let values: Vec<f64> = (0..64).map(|_| random_jitter()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        assert!(values.windows(2).any(|w| w[0] != w[1]));
    }
}
