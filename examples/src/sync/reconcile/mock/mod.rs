//! Stateful local mocks of the two APIs, for the tests and the tour: a Stripe that serves
//! payouts and their balance transactions page by page, and a QuickBooks that keeps the
//! deposits it is sent, answers a repeated `requestid` with the first answer (as Intuit
//! does), and answers the queries this program makes. Both can be put into a "storm" of
//! 429 (with `Retry-After`) and 503 answers.

mod quickbooks;
mod stripe;

pub use quickbooks::QuickBooksMock;
pub use stripe::{PayoutSpec, StripeMock};

use std::time::Duration;

use wiremock::ResponseTemplate;

/// A stretch of failures: from the `start`-th request (1-based) on, for `len` requests,
/// every other request fails, alternately 429 with `Retry-After: retry_after` and 503. Each
/// call meets at most one failure in a row, so a client that retries loses nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Storm {
    /// The first request of the storm (1-based; 0 = no storm).
    pub start: u64,
    /// How many requests the storm lasts.
    pub len: u64,
    /// The `Retry-After` of the 429 answers.
    pub retry_after: Duration,
}

/// The failure a storm gives request number `n`, if any: `Some(true)` for 429, `Some(false)`
/// for 503.
fn storm_failure(storm: &Storm, n: u64) -> Option<bool> {
    if storm.start == 0 || n < storm.start || n >= storm.start.saturating_add(storm.len) {
        return None;
    }
    let offset = n - storm.start;
    offset.is_multiple_of(2).then_some(offset.is_multiple_of(4))
}

fn rate_limited(retry_after: Duration) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("retry-after", retry_after.as_secs().to_string().as_str())
        .set_body_json(serde_json::json!({"error": {"type": "rate_limit_error", "message": "Too many requests"}}))
}

fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503).set_body_string("Service Unavailable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storm_alternates_and_ends() {
        let storm = Storm {
            start: 3,
            len: 5,
            retry_after: Duration::ZERO,
        };
        let got: Vec<Option<bool>> = (1..=9).map(|n| storm_failure(&storm, n)).collect();
        assert_eq!(
            got,
            [
                None,
                None,
                Some(true),
                None,
                Some(false),
                None,
                Some(true),
                None,
                None
            ]
        );
        assert_eq!(storm_failure(&Storm::default(), 1), None);
    }
}
