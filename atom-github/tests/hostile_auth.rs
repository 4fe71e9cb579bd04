//! Hostile numbers from auth endpoints: an `expires_in` or `interval` at the edge of the
//! integer range, a `Date` header years away. Each gives a bounded wait or a typed error,
//! never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use atom_core::ErrorKind;
#[cfg(feature = "jwt")]
use atom_github::auth::{MAX_CLOCK_SKEW_SECS, clock_skew};
use atom_github::auth::{MAX_DEVICE_WAIT, TokenReply};
use atom_github::{DeviceCode, GitHubOAuth};
use common::fast_retry;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn token_lifetimes_at_the_edge_of_i64_do_not_panic() {
    let server = MockServer::start().await;
    let oauth =
        GitHubOAuth::with_base_url("Iv1.client", None, &server.uri(), fast_retry()).unwrap();
    for seconds in [
        i64::MAX,
        i64::MIN,
        i64::MAX / 1000 + 1,
        -(i64::MAX / 1000) - 1,
    ] {
        let body = format!(
            r#"{{"access_token":"ghu_a","expires_in":{seconds},"refresh_token":"ghr_b","refresh_token_expires_in":{seconds}}}"#
        );
        Mock::given(method("POST"))
            .and(path("/login/oauth/access_token"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        let Ok(TokenReply::Token(token)) = oauth.poll_device_flow(&device_code(900, 5), 5).await
        else {
            panic!("a token for expires_in {seconds}");
        };
        // Out of chrono's range or negative: no expiry rather than a wrong one.
        assert_eq!(token.expires_at, None, "{seconds}");
    }
}

fn device_code(expires_in: u64, interval: u64) -> DeviceCode {
    // `DeviceCode` is a response type (non_exhaustive): built the way GitHub sends it.
    serde_json::from_value(serde_json::json!({
        "device_code": "dc",
        "user_code": "U",
        "verification_uri": "https://github.com/login/device",
        "expires_in": expires_in,
        "interval": interval,
    }))
    .unwrap()
}

// Paused time: the waits below are virtual, so the bound is checked on tokio's clock, and
// nothing is sent (no HTTP while time is paused).
#[tokio::test(start_paused = true)]
async fn device_flow_waits_are_bounded_whatever_the_server_says() {
    let server = MockServer::start().await;
    let oauth =
        GitHubOAuth::with_base_url("Iv1.client", None, &server.uri(), fast_retry()).unwrap();
    for (expires_in, interval, bound) in [
        // An `expires_in` that overflows an Instant: capped at MAX_DEVICE_WAIT.
        (u64::MAX, u64::MAX, MAX_DEVICE_WAIT),
        // A 5 s code with an interval of years: the wait ends with the code.
        (5, u64::MAX, Duration::from_secs(5)),
    ] {
        let started = tokio::time::Instant::now();
        let err = oauth
            .wait_for_device_token(&device_code(expires_in, interval))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ReauthorizationRequired, "{err}");
        let waited = started.elapsed();
        assert!(
            waited <= bound + Duration::from_secs(1),
            "waited {waited:?} (virtual) for expires_in {expires_in}, interval {interval}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[cfg(feature = "jwt")]
#[test]
fn a_date_header_more_than_a_day_away_is_not_a_clock_skew() {
    let now = chrono::DateTime::from_timestamp(1_445_412_480, 0).unwrap();
    assert_eq!(clock_skew("Fri, 31 Dec 9999 23:59:59 GMT", now), None);
    assert_eq!(clock_skew("Thu, 01 Jan 1970 00:00:00 GMT", now), None);
    let day_later =
        httpdate::fmt_http_date((now + chrono::Duration::seconds(MAX_CLOCK_SKEW_SECS)).into());
    assert_eq!(clock_skew(&day_later, now), Some(MAX_CLOCK_SKEW_SECS));
}

#[cfg(feature = "jwt")]
#[tokio::test]
async fn a_401_with_an_absurd_date_is_returned_not_learnt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/app/installations/42/access_tokens"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("date", "Fri, 31 Dec 9999 23:59:59 GMT")
                .set_body_raw(
                    r#"{"message":"A JSON web token could not be decoded"}"#,
                    "application/json",
                ),
        )
        .mount(&server)
        .await;
    let app =
        atom_github::GitHubApp::builder("12345", common::fixture("test-app-key.pem").as_bytes())
            .base_url(server.uri())
            .retry_policy(fast_retry())
            .build()
            .unwrap();
    let err = app.installation_token(42).await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(app.clock_skew(), 0, "a year-9999 Date is not a clock");
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "no second exchange with a JWT dated 9999"
    );
}
