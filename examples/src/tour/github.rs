//! The GitHub leg: atom-github against a local mock loaded with GitHub's official examples
//! (or, with `GITHUB_TOKEN` set, read-only calls against api.github.com).

use std::time::{Duration, Instant};

use atom_core::{Connector as _, Envelope, RetryPolicy, Secret};
use atom_github::issues::{IssueCreateParams, IssueListParams};
use atom_github::models::Issue;
use atom_github::webhook::{self, Webhook, WebhookEvent};
use atom_github::{Client, GitHubApp};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::Value;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{LegResult, ensure, section, show, step};

const ISSUE: &str = include_str!("../../../atom-github/tests/fixtures/issue.json");
const RATE_LIMIT: &str =
    include_str!("../../../atom-github/tests/fixtures/rate-limit-overview.json");
const PUSH: &str = include_str!("../../../atom-github/tests/fixtures/webhook-push.json");
const INSTALLATION_TOKEN: &str =
    include_str!("../../../atom-github/tests/fixtures/installation-token.json");
/// A key generated for the tests; it signs nothing real.
const TEST_APP_KEY: &str = include_str!("../../../atom-github/tests/fixtures/test-app-key.pem");

/// Issues numbered `from..from + count`, from the official `issue` example.
fn issues_page(from: u64, count: u64) -> Result<String, serde_json::Error> {
    let one: Value = serde_json::from_str(ISSUE)?;
    let items: Vec<Value> = (from..from + count)
        .map(|n| {
            let mut v = one.clone();
            v["number"] = n.into();
            v
        })
        .collect();
    serde_json::to_string(&items)
}

fn json(status: u16, body: String) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body, "application/json")
}

/// Runs the GitHub leg.
pub async fn run() -> LegResult {
    if let Ok(token) = std::env::var("GITHUB_TOKEN") {
        return live(token).await;
    }
    section("atom-github: issues, limits and webhooks (local mock with GitHub's examples)");
    let server = MockServer::start().await;
    let uri = server.uri();
    let at = "/repos/octocat/Hello-World/issues";

    Mock::given(method("GET"))
        .and(path("/rate_limit"))
        .respond_with(
            json(200, RATE_LIMIT.to_owned()).insert_header("x-ratelimit-remaining", "4999"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(at))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, issues_page(1, 2)?).insert_header(
            "link",
            format!(r#"<{uri}{at}?per_page=2&page=2>; rel="next", <{uri}{at}?per_page=2&page=2>; rel="last""#),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(at))
        .and(query_param("page", "2"))
        .respond_with(json(200, issues_page(3, 1)?))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(at))
        .respond_with(json(201, ISSUE.to_owned()))
        .mount(&server)
        .await;
    // A secondary rate limit once, then the issue.
    Mock::given(method("GET"))
        .and(path(format!("{at}/1347")))
        .respond_with(
            json(403, r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}"#.to_owned())
                .insert_header("retry-after", "1"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{at}/1347")))
        .respond_with(json(200, ISSUE.to_owned()))
        .mount(&server)
        .await;

    let github = Client::builder()
        .base_url(&uri)
        .token("ghp_tour_token")
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(50)))
        .build()?;

    let health = github.health().await;
    step("health: GET /rate_limit (does not spend quota)");
    show(&Envelope::from_result("github", health));

    let params = IssueListParams {
        per_page: atom_github::pagination::PerPage::Exactly(2),
        ..IssueListParams::default()
    };
    let issues: Vec<Issue> = github
        .issues("octocat", "Hello-World")
        .list(&params)
        .try_collect()
        .await?;
    let numbers: Vec<u64> = issues.iter().map(|i| i.number).collect();
    step(&format!(
        "listed issues across 2 pages by following Link rel=\"next\": {numbers:?}"
    ));
    ensure(numbers == vec![1, 2, 3], "three issues over two pages")?;

    let created = github
        .issues("octocat", "Hello-World")
        .create(
            &IssueCreateParams::new("Found a bug")
                .body("I'm having a problem with this.")
                .label("bug"),
        )
        .await;
    step("created an issue (POST, paced as a write: about one per second)");
    let number = created.as_ref().map(|i| i.number).ok();
    show(&Envelope::from_result(
        "github",
        created
            .map(|i| serde_json::json!({"number": i.number, "title": i.title, "state": i.state})),
    ));
    ensure(number == Some(1347), "issue created")?;

    let started = Instant::now();
    let issue = github.issues("octocat", "Hello-World").get(1347).await;
    step(&format!(
        "GET issue hit a secondary rate limit (403, retry-after: 1), waited {:?} and retried",
        started.elapsed()
    ));
    ensure(
        issue.is_ok() && started.elapsed() >= Duration::from_millis(900),
        "secondary limit waited out",
    )?;
    show(&Envelope::from_result("github", issue.map(|i| i.title)));

    app_installation(&server).await?;

    let secret = Secret::new("tour-webhook-secret");
    let headers = webhook::test_headers(
        &secret,
        "push",
        "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        PUSH.as_bytes(),
    );
    let delivery =
        Webhook::new([Secret::new("old-secret"), secret]).verify(&headers, PUSH.as_bytes());
    step("verified a push webhook (X-Hub-Signature-256, two secrets during rotation)");
    let summary = delivery.map(|d| match d.event {
        WebhookEvent::Push(push) => serde_json::json!({"delivery": d.id, "ref": push.git_ref, "commits": push.commits.len()}),
        other => serde_json::json!({"unexpected": format!("{other:?}")}),
    });
    let ok = summary.is_ok();
    show(&Envelope::from_result("github", summary));
    ensure(ok, "webhook verified")?;
    let tampered = Webhook::new([Secret::new("tour-webhook-secret")]).verify(&headers, b"{}");
    step("the same signature on another body is refused");
    let refused = tampered
        .as_ref()
        .is_err_and(|e| e.kind() == atom_core::ErrorKind::WebhookSignature);
    show(&Envelope::from_result(
        "github",
        tampered.map(|d| d.event_name),
    ));
    ensure(refused, "tampered webhook refused")
}

/// A GitHub App: 20 concurrent calls share one installation-token exchange.
async fn app_installation(server: &MockServer) -> LegResult {
    let mut token: Value = serde_json::from_str(INSTALLATION_TOKEN)?;
    token["expires_at"] = (chrono::Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339()
        .into();
    Mock::given(method("POST"))
        .and(path("/app/installations/42/access_tokens"))
        .respond_with(json(201, token.to_string()).set_delay(Duration::from_millis(100)))
        .mount(server)
        .await;
    let app = GitHubApp::builder("12345", TEST_APP_KEY.as_bytes())
        .base_url(server.uri())
        .build()?;
    let github = Client::builder()
        .base_url(server.uri())
        .authenticator(app.installation_authenticator(42))
        .tenant("installation-42")
        .build()?;
    let calls = (0..20).map(|_| {
        let github = github.clone();
        async move { github.rate_limit_status().await }
    });
    let results = futures::future::join_all(calls).await;
    let exchanges = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/app/installations/42/access_tokens")
        .count();
    step(&format!(
        "GitHub App: JWT (RS256) exchanged for an installation token; 20 concurrent calls, {exchanges} exchange"
    ));
    ensure(
        results.iter().all(Result::is_ok) && exchanges == 1,
        "one exchange for 20 calls",
    )?;
    let token = app.installation_token(42).await.map(|t| {
        serde_json::json!({"expires_at": t.expires_at, "permissions": t.extra.get("permissions")})
    });
    show(&Envelope::from_result("github", token));
    Ok(())
}

/// Read-only calls against api.github.com.
async fn live(token: String) -> LegResult {
    section("atom-github: read-only calls against api.github.com (GITHUB_TOKEN is set)");
    let github = Client::new(token)?;
    show(&Envelope::from_result("github", github.health().await));
    let repo = github.repos().get("octocat", "Hello-World").await;
    show(&Envelope::from_result("github", repo.map(|r| r.full_name)));
    let params = IssueListParams {
        per_page: atom_github::pagination::PerPage::Exactly(5),
        ..IssueListParams::default()
    };
    let first: Vec<Issue> = github
        .issues("octocat", "Hello-World")
        .list(&params)
        .take(5)
        .try_collect()
        .await?;
    step(&format!(
        "first issues: {:?}",
        first.iter().map(|i| i.number).collect::<Vec<_>>()
    ));
    Ok(())
}
