//! The shared rate budget: 4 OS processes pacing against one budget of 20 requests/s for
//! 10 s send no more than 200 + the burst requests in total to a local counting server (and
//! not far fewer: the budget must not starve them); the bucket statement itself; and the
//! database going away, when the limiter paces with its local bucket and never fails a call.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atom_core::ratelimit::{BudgetDecision, SharedBucket, SharedBudget};
use atom_core::{ErrorKind, RateLimitConfig, RateLimiter};
use atom_store_postgres::PostgresTokenStore;
use common::{Cluster, database_url, fresh_schema, store_in};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROCESSES: usize = 4;
const TASKS: usize = 3;
const RATE: u32 = 20;
const BURST: u32 = 5;
const SECONDS: u64 = 10;
/// Set for the children: "<schema> <server URL> <start ms> <end ms>" (Unix time).
const CHILD: &str = "ATOM_PG_BUDGET_CHILD";

#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Respond for Counter {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.0.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200)
    }
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

async fn sleep_until_unix(ms: u64) {
    let now = unix_ms();
    if ms > now {
        tokio::time::sleep(Duration::from_millis(ms - now)).await;
    }
}

fn limiter(store: &PostgresTokenStore) -> RateLimiter {
    RateLimiter::new(
        "counting",
        RateLimitConfig::new(RATE, Duration::from_secs(1), 16)
            .burst(BURST)
            .max_wait(Duration::from_secs(2)),
    )
    .with_shared_budget(Arc::new(store.rate_budget()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of four_processes_stay_within_one_shared_budget, which runs it"]
async fn child_process_paces_against_the_budget() {
    let Ok(args) = std::env::var(CHILD) else {
        return;
    };
    let args: Vec<&str> = args.split(' ').collect();
    let (schema, url) = (args[0].to_owned(), args[1].to_owned());
    let (start, end): (u64, u64) = (args[2].parse().unwrap(), args[3].parse().unwrap());
    let store = store_in(&schema, PostgresTokenStore::builder().run_migrations(false)).await;
    let limiter = Arc::new(limiter(&store));
    let http = atom_core::reqwest::Client::new();
    sleep_until_unix(start).await;
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (limiter, http, url) = (limiter.clone(), http.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let (mut sent, mut refused) = (0usize, 0usize);
            loop {
                match limiter.acquire("portal-1", None).await {
                    Ok(_permit) => {
                        // A permit whose slot is past the end is not used.
                        if unix_ms() >= end {
                            return (sent, refused);
                        }
                        http.get(format!("{url}/hit")).send().await.unwrap();
                        sent += 1;
                    }
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
                        refused += 1;
                        tokio::time::sleep(e.retry_after().unwrap_or_default()).await;
                        if unix_ms() >= end {
                            return (sent, refused);
                        }
                    }
                }
            }
        }));
    }
    let (mut sent, mut refused) = (0, 0);
    for task in tasks {
        let (s, r) = task.await.unwrap();
        sent += s;
        refused += r;
    }
    println!("CHILD-RESULT sent={sent} refused={refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_stay_within_one_shared_budget() {
    let server = MockServer::start().await;
    let counter = Counter::default();
    Mock::given(method("GET"))
        .and(path("/hit"))
        .respond_with(counter.clone())
        .mount(&server)
        .await;
    let schema = fresh_schema("budget");
    // Creates the tables before the children start.
    store_in(&schema, PostgresTokenStore::builder()).await;
    // One window for all four, on the machine's clock, after they have all started.
    let start = unix_ms() + 3_000;
    let end = start + SECONDS * 1000;
    let mut children = Vec::new();
    for _ in 0..PROCESSES {
        children.push(
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "child_process_paces_against_the_budget",
                    "--ignored",
                    "--nocapture",
                ])
                .env(CHILD, format!("{schema} {} {start} {end}", server.uri()))
                .env("DATABASE_URL", database_url())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
    }
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let mut reported = 0;
    for output in &outputs {
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "a child failed: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let sent = stdout
            .lines()
            .find_map(|l| l.split("CHILD-RESULT sent=").nth(1))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("no result from a child: {stdout}"));
        assert!(sent > 0, "a child sent nothing: {stdout}");
        reported += sent;
    }
    let total = counter.0.load(Ordering::SeqCst);
    eprintln!("4 processes, {SECONDS} s at {RATE}/s (burst {BURST}): {total} requests");
    assert_eq!(total, reported, "the server counted what the children sent");
    let most = (RATE as u64 * SECONDS + BURST as u64) as usize;
    assert!(total <= most, "{total} requests, more than {most}");
    // Each process alone would send ~200: four local limiters would send ~800.
    assert!(
        total >= 150,
        "{total} requests: the shared budget starved them"
    );
}

#[tokio::test]
async fn the_bucket_grants_its_burst_then_reserves_then_refuses() {
    let store = store_in(&fresh_schema("bucket"), PostgresTokenStore::builder()).await;
    let budget = store.rate_budget();
    let wait = |max_wait| SharedBucket::new("svc", "t1", Some("search"), 3.0, 1.0, max_wait);
    for _ in 0..3 {
        let d = budget.take(&wait(Duration::ZERO)).await.unwrap();
        assert_eq!(
            d,
            BudgetDecision::Granted {
                after: Duration::ZERO
            }
        );
    }
    // Empty: with no wait allowed, refused (and nothing reserved).
    let refused = budget.take(&wait(Duration::ZERO)).await.unwrap();
    let BudgetDecision::Exhausted { retry_after } = refused else {
        panic!("{refused:?}")
    };
    assert!(retry_after <= Duration::from_secs(1), "{retry_after:?}");
    // With waiting allowed: reserved about one and then two seconds ahead.
    let mut afters = Vec::new();
    for _ in 0..2 {
        match budget.take(&wait(Duration::from_secs(5))).await.unwrap() {
            BudgetDecision::Granted { after } => afters.push(after),
            other => panic!("{other:?}"),
        }
    }
    assert!(
        afters[0] > Duration::from_millis(500)
            && afters[1] > afters[0] + Duration::from_millis(800),
        "{afters:?}"
    );
    // Other tenants, classes and services have their own buckets.
    for (service, tenant, class) in [
        ("svc", "t2", Some("search")),
        ("svc", "t1", None),
        ("other", "t1", Some("search")),
    ] {
        let d = budget
            .take(&SharedBucket::new(
                service,
                tenant,
                class,
                3.0,
                1.0,
                Duration::ZERO,
            ))
            .await
            .unwrap();
        assert_eq!(
            d,
            BudgetDecision::Granted {
                after: Duration::ZERO
            }
        );
    }
    // Input PostgreSQL cannot hold, or a bucket that cannot refill: an error, not a grant.
    for bad in [
        SharedBucket::new("svc", "t\0", None, 3.0, 1.0, Duration::ZERO),
        SharedBucket::new("svc", "t", None, 0.5, 1.0, Duration::ZERO),
        SharedBucket::new("svc", "t", None, 3.0, f64::NAN, Duration::ZERO),
    ] {
        assert!(budget.take(&bad).await.is_err(), "{bad:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_goes_away_leaves_pacing_to_the_local_limiter() {
    let cluster = Cluster::start().unwrap_or_else(|why| panic!("no PostgreSQL server: {why}"));
    let store = PostgresTokenStore::builder()
        .schema("budget_down")
        .statement_timeout(Duration::from_secs(2))
        .connect(&cluster.url())
        .await
        .unwrap();
    let limiter = RateLimiter::new(
        "svc",
        RateLimitConfig::new(5, Duration::from_secs(1), 16)
            .burst(5)
            .max_wait(Duration::from_secs(30)),
    )
    .with_shared_budget(Arc::new(store.rate_budget()));
    let row = || async {
        let row: Option<(f64, f64)> = sqlx::query_as(
            "SELECT tokens, extract(epoch FROM updated_at)::float8 \
             FROM budget_down.atom_rate_buckets WHERE tenant = 'org'",
        )
        .fetch_optional(store.pool())
        .await
        .unwrap();
        row
    };
    // Up: the permits come from the shared bucket.
    for _ in 0..3 {
        limiter.acquire("org", None).await.unwrap();
    }
    let (tokens, before) = row().await.expect("the shared bucket was used");
    assert!(tokens < 3.0, "{tokens}");

    // Down: no call fails, and they are paced by the local bucket (5 at once, then 5/s),
    // not let through unpaced.
    cluster.stop().unwrap();
    let started = std::time::Instant::now();
    for _ in 0..15 {
        limiter.acquire("org", None).await.unwrap();
    }
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1_800), "{took:?}: not paced");

    // Back: after the cool-down the shared bucket is used again.
    cluster.run().unwrap();
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    for _ in 0..3 {
        limiter.acquire("org", None).await.unwrap();
    }
    let (_, after) = row().await.unwrap();
    assert!(after > before, "the shared bucket was not used again");
}
