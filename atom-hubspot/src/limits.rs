//! HubSpot's rate limits: the `X-HubSpot-RateLimit-*` headers and the published pacing.
//!
//! Every answer of a private app or an OAuth app carries
//!
//! | header | meaning |
//! |---|---|
//! | `X-HubSpot-RateLimit-Max` | calls allowed per rolling interval |
//! | `X-HubSpot-RateLimit-Remaining` | calls left in the interval |
//! | `X-HubSpot-RateLimit-Interval-Milliseconds` | the interval (10 000) |
//! | `X-HubSpot-RateLimit-Secondly`, `-Secondly-Remaining` | the per-second limit and what is left |
//! | `X-HubSpot-RateLimit-Daily`, `-Daily-Remaining` | the portal's daily limit and what is left |
//!
//! [`HubSpotRateLimit::from_headers`] reads them all; the client feeds the most pressing one to
//! the core limiter as a [`RateLimitSnapshot`] ([`HubSpotRateLimit::snapshot`]), so that at
//! `remaining: 0` the portal's calls wait for the window instead of collecting 429s. Search
//! answers carry no such headers: search is paced by its own class ([`crate::SEARCH_CLASS`],
//! five calls a second per portal, HubSpot's documented search limit), on top of the portal's.

use std::time::Duration;

use atom_core::{RateLimitConfig, RateLimitSnapshot};
use chrono::{DateTime, Utc};
use http::HeaderMap;

/// A header's text.
pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    header(headers, name).and_then(|v| v.trim().parse().ok())
}

/// Everything the `X-HubSpot-RateLimit-*` headers of one answer say.
///
/// ```
/// use atom_hubspot::limits::HubSpotRateLimit;
/// let mut h = http::HeaderMap::new();
/// h.insert("x-hubspot-ratelimit-max", "100".parse().unwrap());
/// h.insert("x-hubspot-ratelimit-remaining", "0".parse().unwrap());
/// h.insert("x-hubspot-ratelimit-interval-milliseconds", "10000".parse().unwrap());
/// let limits = HubSpotRateLimit::from_headers(&h).unwrap();
/// let now = chrono::Utc::now();
/// let snapshot = limits.snapshot(now);
/// assert!(snapshot.is_exhausted());
/// assert_eq!(snapshot.reset, Some(now + chrono::Duration::seconds(10)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HubSpotRateLimit {
    /// `X-HubSpot-RateLimit-Max`.
    pub max: Option<u64>,
    /// `X-HubSpot-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-HubSpot-RateLimit-Interval-Milliseconds`.
    pub interval_ms: Option<u64>,
    /// `X-HubSpot-RateLimit-Secondly`.
    pub secondly: Option<u64>,
    /// `X-HubSpot-RateLimit-Secondly-Remaining`.
    pub secondly_remaining: Option<u64>,
    /// `X-HubSpot-RateLimit-Daily`.
    pub daily: Option<u64>,
    /// `X-HubSpot-RateLimit-Daily-Remaining`.
    pub daily_remaining: Option<u64>,
}

/// The longest interval believed from a header (a day): a larger value is not HubSpot's.
const MAX_INTERVAL_MS: u64 = 24 * 60 * 60 * 1000;

impl HubSpotRateLimit {
    /// The headers of one answer; `None` when it carries none of them.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let limits = Self {
            max: number(headers, "x-hubspot-ratelimit-max"),
            remaining: number(headers, "x-hubspot-ratelimit-remaining"),
            interval_ms: number(headers, "x-hubspot-ratelimit-interval-milliseconds"),
            secondly: number(headers, "x-hubspot-ratelimit-secondly"),
            secondly_remaining: number(headers, "x-hubspot-ratelimit-secondly-remaining"),
            daily: number(headers, "x-hubspot-ratelimit-daily"),
            daily_remaining: number(headers, "x-hubspot-ratelimit-daily-remaining"),
        };
        (limits != Self::default()).then_some(limits)
    }

    /// The interval, 10 s when the header is absent, cut to a day.
    pub fn interval(&self) -> Duration {
        Duration::from_millis(self.interval_ms.unwrap_or(10_000).min(MAX_INTERVAL_MS))
    }

    /// The most pressing limit as a core snapshot: the daily one when it is spent (reset
    /// at the next UTC midnight), else the interval's when it is spent (reset one interval
    /// from now: the window rolls), else the secondly one when it is spent (one second),
    /// else the interval's position. `resource` names which (`daily`, `interval`,
    /// `secondly`).
    pub fn snapshot(&self, now: DateTime<Utc>) -> RateLimitSnapshot {
        let after = |wait: Duration| {
            chrono::Duration::from_std(wait)
                .ok()
                .and_then(|d| now.checked_add_signed(d))
                .unwrap_or(now)
        };
        let spent = |remaining: Option<u64>| remaining == Some(0);
        let mut snapshot = RateLimitSnapshot::default();
        if spent(self.daily_remaining) {
            let midnight = now
                .date_naive()
                .succ_opt()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
                .unwrap_or(now);
            snapshot = snapshot
                .with_remaining(0)
                .with_reset(midnight)
                .with_resource("daily");
            if let Some(daily) = self.daily {
                snapshot = snapshot.with_limit(daily);
            }
            return snapshot;
        }
        if spent(self.secondly_remaining) && !spent(self.remaining) {
            snapshot = snapshot
                .with_remaining(0)
                .with_reset(after(Duration::from_secs(1)))
                .with_resource("secondly");
            if let Some(secondly) = self.secondly {
                snapshot = snapshot.with_limit(secondly);
            }
            return snapshot;
        }
        snapshot = snapshot.with_resource("interval");
        if let Some(max) = self.max {
            snapshot = snapshot.with_limit(max);
        }
        if let Some(remaining) = self.remaining {
            snapshot = snapshot.with_remaining(remaining);
            if remaining == 0 {
                snapshot = snapshot.with_reset(after(self.interval()));
            }
        }
        snapshot
    }
}

/// HubSpot's published pacing, for building a limiter to share between clients of many
/// portals ([`Limits::limiter`]); a single client sets the same through the builder's
/// `rate_limits` and `class_limits`.
///
/// ```
/// use std::sync::Arc;
/// use atom_hubspot::{Client, Limits};
/// let shared = Arc::new(Limits::default().limiter());
/// let a = Client::builder().shared_limiter(shared.clone()).tenant("62515").access_token("pat-a").build()?;
/// let b = Client::builder().shared_limiter(shared).tenant("99887").access_token("pat-b").build()?;
/// # let _ = (a, b); Ok::<(), atom_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Limits {
    /// Every call of a portal: 100 per 10 s (the lowest published tier: private apps on
    /// free and starter portals; OAuth apps get 110), 10 in flight.
    pub portal: RateLimitConfig,
    /// Search, on top of the portal's: 5 per second, no burst.
    pub search: RateLimitConfig,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            portal: RateLimitConfig::new(100, Duration::from_secs(10), 10),
            search: RateLimitConfig::new(5, Duration::from_secs(1), 5).burst(5),
        }
    }
}

impl Limits {
    /// Replaces the pacing of every call of a portal.
    pub fn portal(mut self, config: RateLimitConfig) -> Self {
        self.portal = config;
        self
    }

    /// Replaces the search pacing.
    pub fn search(mut self, config: RateLimitConfig) -> Self {
        self.search = config;
        self
    }

    /// The limiter these limits describe, keyed per portal by the client's `tenant`.
    pub fn limiter(&self) -> atom_core::RateLimiter {
        atom_core::RateLimiter::new(crate::SERVICE, self.portal.clone())
            // Search counts against the portal's limit too, so it is a class on top of it.
            .with_class(crate::SEARCH_CLASS, self.search.clone())
    }
}
