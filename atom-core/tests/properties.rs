//! Property tests over every parser and header-driven decision of the core: arbitrary input
//! never panics, and the bounds the request path relies on hold.
//!
//! The case count and the seed are fixed, so a failure in CI reproduces locally with the
//! same command; proptest prints the minimal failing input. `PROPTEST_CASES` overrides the
//! count for a longer local run.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use atom_core::http_util::{
    MAX_RESET_DELTA, build_url, path_segment, reset_time, standard_rate_limit,
};
use atom_core::redact::scrub;
use atom_core::retry::{Decision, Failure, MAX_HEADER_WAIT, RetryPolicy, parse_retry_after};
use atom_core::testing::proptest_config as config;
use atom_core::{
    Checkpoint, ErrorKind, Page, Paginator, RateLimitConfig, RateLimitSnapshot, RateLimiter,
};
use chrono::{DateTime, TimeZone as _, Utc};
use proptest::prelude::*;

fn any_time() -> impl Strategy<Value = DateTime<Utc>> {
    // chrono's whole range, where `Utc::now()`-relative arithmetic is most likely to overflow.
    (-8_000_000_000_000i64..8_000_000_000_000i64)
        .prop_map(|secs| Utc.timestamp_opt(secs, 0).single().unwrap_or_else(Utc::now))
}

fn any_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        Just(Duration::MAX),
        (0u64..10_000).prop_map(Duration::from_millis),
        any::<u64>().prop_map(Duration::from_secs),
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
    ]
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0),
        any::<f64>(),
        0.0..1.0f64,
    ]
}

fn header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,25}",
        "-?[0-9]{1,20}(\\.[0-9]{0,20})?(e[+-]?[0-9]{1,4})?",
        "(NaN|inf|-inf|infinity|1e400|0x10|\\+5| 7 )",
        "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT",
        "\\PC{0,40}",
    ]
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn retry_after_never_panics_and_is_capped(value in header_text(), now in any_time()) {
        if let Some(wait) = parse_retry_after(&value, now) {
            prop_assert!(wait <= MAX_HEADER_WAIT);
        }
    }

    #[test]
    fn retry_after_seconds_are_read_exactly_below_the_cap(secs in 0u64..86_400) {
        let parsed = parse_retry_after(&secs.to_string(), Utc::now());
        prop_assert_eq!(parsed, Some(Duration::from_secs(secs)));
    }

    #[test]
    fn reset_values_never_panic_and_small_ones_are_deltas(value in any::<u64>(), now in any_time()) {
        let reset = reset_time(value, now);
        if value <= MAX_RESET_DELTA {
            let expected = now.checked_add_signed(chrono::Duration::seconds(value as i64));
            prop_assert_eq!(reset, expected);
        }
    }

    #[test]
    fn rate_limit_headers_never_panic(
        limit in header_text(),
        remaining in header_text(),
        reset in header_text(),
        now in any_time(),
    ) {
        let mut headers = http::HeaderMap::new();
        for (name, value) in [("x-ratelimit-limit", limit), ("ratelimit-remaining", remaining), ("x-ratelimit-reset", reset)] {
            if let Ok(value) = http::HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        let _ = standard_rate_limit(&headers, now);
    }

    #[test]
    fn retry_decisions_never_panic_and_stay_within_bounds(
        max_attempts in 0u32..10,
        base in any_duration(),
        max_delay in any_duration(),
        deadline in proptest::option::of(any_duration()),
        max_retry_after in any_duration(),
        attempt in any::<u32>(),
        idempotent in any::<bool>(),
        status in 100u16..600,
        retry_after in proptest::option::of(any_duration()),
        provider_says in proptest::option::of(any::<bool>()),
        kind in 0u8..4,
        elapsed in any_duration(),
        jitter in any_f64(),
    ) {
        let policy = RetryPolicy::default().max_attempts(max_attempts).base_delay(base).max_delay(max_delay).deadline(deadline).max_retry_after(max_retry_after);
        let failure = match kind {
            0 => Failure::Status { status, retry_after, provider_says },
            1 => Failure::Connect,
            2 => Failure::Timeout,
            _ => Failure::Network,
        };
        if let Decision::Retry(delay) = policy.decide(attempt, idempotent, &failure, elapsed, jitter) {
            prop_assert!(attempt < max_attempts);
            prop_assert!(delay <= max_delay.max(max_retry_after));
            if let Some(deadline) = deadline {
                prop_assert!(elapsed.saturating_add(delay) <= deadline);
            }
            // Never a blind resend of a write that may have taken effect.
            let may_have_taken_effect = matches!(failure, Failure::Timeout | Failure::Network)
                || matches!(failure, Failure::Status { status, provider_says: None, .. } if status != 429);
            prop_assert!(idempotent || !may_have_taken_effect || provider_says == Some(true));
        }
        prop_assert!(policy.backoff(attempt, jitter) <= max_delay.max(Duration::ZERO));
    }

    #[test]
    fn scrub_removes_every_known_secret(
        before in "\\PC{0,30}",
        after in "\\PC{0,30}",
        secret in "[A-Za-z0-9]{8,40}",
        times in 1usize..4,
    ) {
        let text = format!("{before}{}{after}", vec![secret.as_str(); times].join(" "));
        let scrubbed = scrub(&text, &[secret.as_str()]);
        prop_assert!(!scrubbed.contains(&secret));
    }

    #[test]
    fn scrub_removes_credential_shaped_words(
        before in "[a-z ]{0,20}",
        prefix in prop::sample::select(vec!["sk_live_", "rk_test_", "whsec_", "ghp_", "ghs_", "github_pat_"]),
        body in "[A-Za-z0-9]{16,40}",
        after in "[a-z ]{0,20}",
    ) {
        let token = format!("{prefix}{body}");
        let text = format!("{before} {token} {after}");
        prop_assert!(!scrub(&text, &[]).contains(&token));
    }

    #[test]
    fn scrub_never_panics(text in "\\PC{0,200}", known in proptest::collection::vec("\\PC{0,12}", 0..3)) {
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let _ = scrub(&text, &known);
    }

    #[test]
    fn a_path_segment_is_one_segment_that_decodes_back(value in "\\PC{0,40}") {
        match path_segment("t", &value) {
            Ok(segment) => {
                prop_assert!(!segment.contains(['/', '?', '#']));
                let decoded = percent_encoding::percent_decode_str(&segment).decode_utf8_lossy();
                prop_assert_eq!(decoded.as_ref(), value.as_str());
            }
            Err(e) => {
                prop_assert_eq!(e.kind(), ErrorKind::Config);
                prop_assert!(value.is_empty() || value == "." || value == "..");
            }
        }
    }

    #[test]
    fn urls_stay_on_the_base_origin(
        path in "\\PC{0,60}",
        query in proptest::collection::vec(("\\PC{0,10}", "\\PC{0,10}"), 0..3),
    ) {
        let base: url::Url = "https://api.example.com/v1".parse().unwrap();
        if let Ok(url) = build_url("t", &base, &path, &query) {
            prop_assert_eq!(url.origin(), base.origin());
        }
    }
}

fn any_config() -> impl Strategy<Value = RateLimitConfig> {
    (
        proptest::option::of(any::<u32>()),
        any_duration(),
        proptest::option::of(any::<u32>()),
        0usize..8,
        // A bounded max_wait: with Duration::MAX a call configured to wait forever would.
        (0u64..86_400_000).prop_map(Duration::from_millis),
        any_duration(),
    )
        .prop_map(
            |(requests, per, burst, max_concurrent, max_wait, max_pause)| {
                let mut config = RateLimitConfig::unlimited()
                    .max_wait(max_wait)
                    .max_pause(max_pause);
                config.requests = requests;
                config.per = per;
                config.burst = burst;
                config.max_concurrent = max_concurrent;
                config
            },
        )
}

#[derive(Debug, Clone)]
enum LimiterInput {
    Pause(Duration),
    Observe {
        remaining: Option<u64>,
        reset: Option<DateTime<Utc>>,
    },
    Acquire,
}

fn limiter_input() -> impl Strategy<Value = LimiterInput> {
    prop_oneof![
        any_duration().prop_map(LimiterInput::Pause),
        (
            proptest::option::of(0u64..3),
            proptest::option::of(any_time())
        )
            .prop_map(|(remaining, reset)| LimiterInput::Observe { remaining, reset }),
        Just(LimiterInput::Acquire),
    ]
}

proptest! {
    // Each case starts a runtime with paused time; fewer cases keep the suite quick.
    #![proptest_config(config(1_000))]

    #[test]
    fn the_limiter_never_panics_and_never_waits_past_max_wait(
        config in any_config(),
        inputs in proptest::collection::vec(limiter_input(), 1..12),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        let max_wait = config.max_wait;
        runtime.block_on(async move {
            let limiter = RateLimiter::new("t", config);
            for input in inputs {
                match input {
                    LimiterInput::Pause(wait) => limiter.pause("", None, wait),
                    LimiterInput::Observe { remaining, reset } => {
                        let mut snapshot = RateLimitSnapshot::default();
                        if let Some(remaining) = remaining {
                            snapshot = snapshot.with_remaining(remaining);
                        }
                        if let Some(reset) = reset {
                            snapshot = snapshot.with_reset(reset);
                        }
                        limiter.observe("", None, &snapshot);
                    }
                    LimiterInput::Acquire => {
                        let started = tokio::time::Instant::now();
                        // Permits are dropped at once, so the concurrency cap never blocks.
                        match limiter.acquire("", None).await {
                            Ok(_permit) => {}
                            Err(e) => assert_eq!(e.kind(), ErrorKind::RateLimited),
                        }
                        // Timers round up to the millisecond.
                        assert!(started.elapsed() <= max_wait.saturating_add(Duration::from_millis(5)));
                    }
                }
            }
        });
    }

    #[test]
    fn paging_ends_whatever_cursors_the_server_sends(
        cursors in proptest::collection::vec(proptest::option::of("[a-c]{0,2}"), 1..40),
        max_pages in 1usize..50,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let served = std::sync::Arc::new(cursors);
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let pages = Paginator::new(Checkpoint::default(), move |_cursor: Option<String>| {
            let served = served.clone();
            let n = calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Box::pin(async move {
                Ok(Page::new(vec![n], served.get(n % served.len()).cloned().flatten()))
            })
        })
        .max_pages(max_pages);
        let count = runtime.block_on(futures::StreamExt::count(pages));
        prop_assert!(count <= max_pages + 1);
    }
}
