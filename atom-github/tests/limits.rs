//! Error mapping, primary and secondary rate limits, write pacing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use atom_core::{ErrorKind, RateLimitConfig};
use atom_github::issues::IssueCreateParams;
use atom_github::{SEARCH_CLASS, WRITE_CLASS};
use common::{builder, client, fixture};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ISSUE: &str = "/repos/octocat/Hello-World/issues/1347";

async fn answer(server: &MockServer, template: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path(ISSUE))
        .respond_with(template)
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture("issue.json"), "application/json")
}

#[tokio::test]
async fn errors_keep_message_details_docs_and_request_id() {
    let server = MockServer::start().await;
    let body = r#"{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"},"plain text"],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"422"}"#;
    Mock::given(method("POST"))
        .and(path("/repos/octocat/Hello-World/issues"))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_raw(body, "application/json")
                .insert_header("x-github-request-id", "CAFE:1234:5678"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server.uri())
        .issues("octocat", "Hello-World")
        .create(&IssueCreateParams::new(""))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.message(), "Validation Failed");
    assert_eq!(err.provider_code(), Some("missing_field"));
    assert_eq!(err.request_id(), Some("CAFE:1234:5678"));
    assert_eq!(err.details()[0].fields, vec!["title".to_owned()]);
    assert_eq!(err.details()[1].message, "plain text");
    assert_eq!(
        err.provider_field("documentation_url")
            .and_then(|v| v.as_str()),
        Some("https://docs.github.com/rest/issues/issues#create-an-issue")
    );
    assert!(!err.is_retryable());
    // The body, typed.
    let info = err
        .provider_details::<atom_github::GitHubErrorInfo>()
        .expect("typed details");
    assert_eq!(info.message.as_deref(), Some("Validation Failed"));
    assert_eq!(
        info.documentation_url.as_deref(),
        Some("https://docs.github.com/rest/issues/issues#create-an-issue")
    );
    assert_eq!(info.status.as_deref(), Some("422"));
    assert_eq!(info.errors.len(), 2);
    assert_eq!(info.errors[0].resource.as_deref(), Some("Issue"));
    assert_eq!(info.errors[0].field.as_deref(), Some("title"));
    assert_eq!(info.errors[0].code.as_deref(), Some("missing_field"));
    assert_eq!(info.errors[0].message, None);
    assert_eq!(info.errors[1].message.as_deref(), Some("plain text"));
}

#[test]
fn typed_error_details_hold_no_token() {
    let token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    let body = format!(
        r#"{{"message":"bad {token}","errors":["echo {token}",{{"field":"f","message":"m {token}"}}]}}"#
    );
    let err = atom_github::error::map_error(
        http::StatusCode::UNPROCESSABLE_ENTITY,
        &http::HeaderMap::new(),
        body.as_bytes(),
        chrono::Utc::now(),
    );
    let info = err
        .provider_details::<atom_github::GitHubErrorInfo>()
        .unwrap();
    assert_eq!(info.message.as_deref(), Some("bad [redacted]"));
    assert!(!format!("{err:?}").contains(token), "{err:?}");
    assert!(!format!("{info:?}").contains(token));
}

#[tokio::test]
async fn statuses_map_to_kinds() {
    let cases = [
        (
            401,
            r#"{"message":"Bad credentials"}"#,
            ErrorKind::Unauthorized,
        ),
        (
            403,
            r#"{"message":"Resource not accessible by integration"}"#,
            ErrorKind::Forbidden,
        ),
        (404, r#"{"message":"Not Found"}"#, ErrorKind::NotFound),
        (409, r#"{"message":"Conflict"}"#, ErrorKind::Conflict),
        (
            410,
            r#"{"message":"Issues are disabled for this repo"}"#,
            ErrorKind::NotFound,
        ),
    ];
    for (status, body, kind) in cases {
        let server = MockServer::start().await;
        answer(
            &server,
            ResponseTemplate::new(status).set_body_raw(body, "application/json"),
            1,
        )
        .await;
        let err = client(&server.uri())
            .issues("octocat", "Hello-World")
            .get(1347)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{status}");
        assert_eq!(err.status(), Some(status));
    }
}

#[tokio::test]
async fn a_non_json_error_is_described_and_5xx_is_retried() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(502).set_body_raw("<html>Bad gateway</html>", "text/html"),
        2,
    )
    .await;
    answer(&server, ok(), 1).await;
    let issue = client(&server.uri())
        .issues("octocat", "Hello-World")
        .get(1347)
        .await
        .unwrap();
    assert_eq!(issue.number, 1347);

    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(502).set_body_raw("<html>Bad gateway</html>", "text/html"),
        3,
    )
    .await;
    let err = client(&server.uri())
        .issues("octocat", "Hello-World")
        .get(1347)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert!(
        err.message().contains("text/html body of 24 bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn secondary_limit_with_retry_after_waits_then_succeeds() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(403)
            .insert_header("retry-after", "1")
            .set_body_raw(
                r#"{"message":"You have exceeded a secondary rate limit."}"#,
                "application/json",
            ),
        1,
    )
    .await;
    answer(&server, ok(), 1).await;
    let started = Instant::now();
    let gh = client(&server.uri());
    let issue = gh.issues("octocat", "Hello-World").get(1347).await.unwrap();
    assert_eq!(issue.number, 1347);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_secondary_limit_on_a_post_is_retried_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/octocat/Hello-World/issues"))
        // A 403, not a 429: only GitHub's secondary-limit signal makes a POST safe to resend.
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("retry-after", "0")
                .set_body_raw(
                    r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#,
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octocat/Hello-World/issues"))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(fixture("issue.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let issue = client(&server.uri())
        .issues("octocat", "Hello-World")
        .create(&IssueCreateParams::new("x"))
        .await
        .unwrap();
    assert_eq!(issue.number, 1347);
}

#[tokio::test]
async fn secondary_limit_without_retry_after_means_a_minute() {
    let server = MockServer::start().await;
    // The test policy waits at most 5 s, so the minute comes back to the caller.
    answer(
        &server,
        ResponseTemplate::new(403).set_body_raw(
            r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}"#,
            "application/json",
        ),
        1,
    )
    .await;
    let err = client(&server.uri())
        .issues("octocat", "Hello-World")
        .get(1347)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.provider_code(), Some("secondary_rate_limit"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn primary_limit_403_waits_until_reset() {
    let server = MockServer::start().await;
    // Two whole seconds ahead: at least one second of waiting, whatever the sub-second now.
    let reset = chrono::Utc::now().timestamp() + 2;
    answer(
        &server,
        ResponseTemplate::new(403)
            .insert_header("x-ratelimit-limit", "5000")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", reset.to_string())
            .insert_header("x-ratelimit-resource", "core")
            .set_body_raw(
                r#"{"message":"API rate limit exceeded for installation ID 1."}"#,
                "application/json",
            ),
        1,
    )
    .await;
    answer(&server, ok(), 1).await;
    let gh = client(&server.uri());
    let started = Instant::now();
    let until_reset = (chrono::DateTime::from_timestamp(reset, 0).unwrap() - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    gh.issues("octocat", "Hello-World").get(1347).await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited + Duration::from_millis(50) >= until_reset,
        "{waited:?} < {until_reset:?}"
    );
    // (No fixed "at least a second": the reset is whole seconds, so a loaded machine that
    // spends most of a second before the call leaves less than one to wait; the bound
    // above is the real one.)
    // No upper bound on the clock (a busy machine stretches it): the retry went out because
    // the wait taken from the reset (two seconds at most) is within the test policy's
    // `max_retry_after` of 5 s; a wait read any other way (a minute) fails the call instead.
    // The mocks expect exactly one 403 and one retry.
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn exhausted_snapshot_pauses_the_next_call_until_reset() {
    let server = MockServer::start().await;
    // The reset is a whole second 29 to 30 s after `set`.
    let set = Instant::now();
    let reset = chrono::Utc::now().timestamp() + 30;
    answer(
        &server,
        ok().insert_header("x-ratelimit-limit", "5000")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-used", "5000")
            .insert_header("x-ratelimit-reset", reset.to_string())
            .insert_header("x-ratelimit-resource", "core"),
        1,
    )
    .await;
    // max_wait 0: instead of sleeping until the reset, the paused call fails at once and
    // says how long the pause lasts.
    let gh = builder(&server.uri())
        .rate_limits(RateLimitConfig::unlimited().max_wait(Duration::ZERO))
        .build()
        .unwrap();
    gh.issues("octocat", "Hello-World").get(1347).await.unwrap();
    let snap = gh.rate_limit().unwrap();
    assert_eq!(
        (snap.limit, snap.remaining, snap.used),
        (Some(5000), Some(0), Some(5000))
    );
    assert_eq!(snap.resource.as_deref(), Some("core"));
    assert_eq!(snap.reset.map(|r| r.timestamp()), Some(reset));
    let err = gh
        .issues("octocat", "Hello-World")
        .get(1347)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.status(), None, "not sent");
    // The pause lasts until the reset: what is left of it plus the time since `set` covers
    // the 29 s the reset was away at least, however slow the machine.
    let wait = err.retry_after().unwrap();
    assert!(wait <= Duration::from_secs(30), "{wait:?}");
    assert!(
        wait + set.elapsed() + Duration::from_millis(50) >= Duration::from_secs(29),
        "{wait:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_reset_beyond_max_wait_fails_fast_with_retry_after() {
    let server = MockServer::start().await;
    let reset = chrono::Utc::now().timestamp() + 3600;
    answer(
        &server,
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", reset.to_string())
            .set_body_raw(
                r#"{"message":"API rate limit exceeded"}"#,
                "application/json",
            ),
        1,
    )
    .await;
    // The caller gets the hour back at once instead of a sleep: the mock expects exactly one
    // request, and waiting for the reset would hold this test for an hour.
    let err = client(&server.uri())
        .issues("octocat", "Hello-World")
        .get(1347)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.provider_code(), Some("primary_rate_limit"));
    assert!(err.retry_after().unwrap() > Duration::from_secs(3500));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn writes_are_paced() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/octocat/Hello-World/issues/1347/comments"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_raw(fixture("issue-comment.json"), "application/json"),
        )
        .expect(5)
        .mount(&server)
        .await;
    answer(&server, ok(), 10).await;
    let gh = builder(&server.uri())
        .class_limits(
            WRITE_CLASS,
            RateLimitConfig::new(5, Duration::from_secs(1), 20).burst(1),
        )
        .build()
        .unwrap();
    let issues = gh.issues("octocat", "Hello-World");
    let started = Instant::now();
    for _ in 0..4 {
        issues.create_comment(1347, "hi").await.unwrap();
    }
    let writes = started.elapsed();
    assert!(
        writes >= Duration::from_millis(550),
        "4 writes at 5/s: {writes:?}"
    );

    // Reads are not paced: with one write an hour and no waiting allowed (`max_wait` zero),
    // a read charged to the write bucket would fail instead of reaching the server.
    let gh = builder(&server.uri())
        .rate_limits(RateLimitConfig::unlimited().max_wait(Duration::ZERO))
        .class_limits(
            WRITE_CLASS,
            RateLimitConfig::new(1, Duration::from_secs(3600), 20).burst(1),
        )
        .build()
        .unwrap();
    let issues = gh.issues("octocat", "Hello-World");
    issues.create_comment(1347, "hi").await.unwrap();
    for _ in 0..10 {
        issues.get(1347).await.unwrap();
    }
    // The write bucket was empty all along: the next write is refused without being sent.
    let err = issues.create_comment(1347, "hi").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.status(), None, "refused client-side");
    let received = server.received_requests().await.unwrap();
    let count = |verb: &str| {
        received
            .iter()
            .filter(|r| r.method.as_str() == verb)
            .count()
    };
    assert_eq!((count("POST"), count("GET")), (5, 10));
}

#[test]
fn limit_decisions_table() {
    use atom_github::error::{LimitHit, limit_hit, limit_wait};
    let headers = |pairs: &[(&'static str, &str)]| {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    };
    let none = headers(&[]);
    let exhausted = headers(&[
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset", "1700000060"),
    ]);
    let retry = headers(&[("retry-after", "30")]);
    assert_eq!(
        limit_hit(403, &exhausted, "API rate limit exceeded"),
        Some(LimitHit::Primary)
    );
    assert_eq!(limit_hit(429, &exhausted, ""), Some(LimitHit::Primary));
    assert_eq!(
        limit_hit(403, &retry, "whatever"),
        Some(LimitHit::Secondary)
    );
    assert_eq!(
        limit_hit(403, &none, "You have exceeded a Secondary Rate Limit"),
        Some(LimitHit::Secondary)
    );
    assert_eq!(limit_hit(429, &none, ""), Some(LimitHit::Secondary));
    assert_eq!(
        limit_hit(403, &none, "Resource not accessible by integration"),
        None
    );
    assert_eq!(limit_hit(404, &exhausted, "Not Found"), None);
    assert_eq!(limit_hit(500, &retry, ""), None);
    let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    assert_eq!(
        limit_wait(LimitHit::Primary, &exhausted, now),
        Duration::from_secs(60)
    );
    assert_eq!(
        limit_wait(LimitHit::Secondary, &retry, now),
        Duration::from_secs(30)
    );
    assert_eq!(
        limit_wait(LimitHit::Secondary, &none, now),
        Duration::from_secs(60)
    );
    let past = headers(&[
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset", "1699999000"),
    ]);
    assert_eq!(limit_wait(LimitHit::Primary, &past, now), Duration::ZERO);
}

#[tokio::test]
async fn a_403_secondary_limit_pauses_the_whole_tenant() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(403)
            .insert_header("retry-after", "3600")
            .set_body_raw(
                r#"{"message":"You have exceeded a secondary rate limit."}"#,
                "application/json",
            ),
        1,
    )
    .await;
    let gh = client(&server.uri());
    let err = gh
        .issues("octocat", "Hello-World")
        .get(1347)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    // Another call of the same client does not reach GitHub: it fails fast (rather than
    // sleeping for the hour), wait attached.
    let err = gh.repos().get("octocat", "Hello-World").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.status(), None, "refused client-side");
    assert!(err.retry_after().unwrap() > Duration::from_secs(3500));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn searches_are_paced_in_their_own_class() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search/repositories"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("repo-search-result-item-paginated.json"),
            "application/json",
        ))
        .expect(4)
        .mount(&server)
        .await;
    answer(&server, ok(), 5).await;
    let gh = builder(&server.uri())
        .class_limits(
            SEARCH_CLASS,
            RateLimitConfig::new(10, Duration::from_secs(1), 20).burst(1),
        )
        .build()
        .unwrap();
    let q = atom_github::search::SearchQuery::new().text("tetris");
    let started = Instant::now();
    for _ in 0..3 {
        let mut found = gh.search().repositories(&q, &Default::default());
        futures::TryStreamExt::try_next(&mut found).await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(190),
        "3 searches at 10/s: {:?}",
        started.elapsed()
    );

    // Other calls are not paced by the search class: with one search an hour and no waiting
    // allowed (`max_wait` zero), a call charged to the search bucket would fail.
    let gh = builder(&server.uri())
        .rate_limits(RateLimitConfig::unlimited().max_wait(Duration::ZERO))
        .class_limits(
            SEARCH_CLASS,
            RateLimitConfig::new(1, Duration::from_secs(3600), 20).burst(1),
        )
        .build()
        .unwrap();
    let mut found = gh.search().repositories(&q, &Default::default());
    futures::TryStreamExt::try_next(&mut found).await.unwrap();
    for _ in 0..5 {
        gh.issues("octocat", "Hello-World").get(1347).await.unwrap();
    }
    // The search bucket was empty all along: the next search is refused without being sent.
    let mut again = gh.search().repositories(&q, &Default::default());
    let err = futures::TryStreamExt::try_next(&mut again)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.status(), None, "refused client-side");
}

#[tokio::test]
async fn an_exhausted_search_limit_does_not_hold_other_calls() {
    let server = MockServer::start().await;
    // An hour away: beyond the limiter's longest wait, so the next search fails at once.
    let reset = chrono::Utc::now().timestamp() + 3600;
    Mock::given(method("GET"))
        .and(path("/search/repositories"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "30")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string())
                .insert_header("x-ratelimit-resource", "search")
                .set_body_raw(
                    fixture("repo-search-result-item-paginated.json"),
                    "application/json",
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    answer(&server, ok(), 2).await;
    // No waiting allowed: a call held by the search pause would fail instead of being sent.
    let gh = builder(&server.uri())
        .rate_limits(RateLimitConfig::unlimited().max_wait(Duration::ZERO))
        .build()
        .unwrap();
    let q = atom_github::search::SearchQuery::new().text("tetris");
    let mut found = gh.search().repositories(&q, &Default::default());
    futures::TryStreamExt::try_next(&mut found).await.unwrap();

    // The search bucket is empty for an hour; the core bucket is not.
    for _ in 0..2 {
        gh.issues("octocat", "Hello-World").get(1347).await.unwrap();
    }
    // The next search is held by its own empty bucket.
    let mut again = gh.search().repositories(&q, &Default::default());
    let err = futures::TryStreamExt::try_next(&mut again)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
}
