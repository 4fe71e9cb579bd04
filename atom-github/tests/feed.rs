//! The issues feed against a mock that keeps a repository's issues and answers
//! `GET /repos/o/r/issues?state=all&sort=updated&direction=asc&since=..` as GitHub does
//! (inclusive `since`, page numbers, `Link: rel="next"`): resume after a crash, issues
//! updated during the walk, many issues in one second.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use atom_core::feed::{ChangeKind, FeedCheckpoint};
use atom_core::{CheckpointKey, CheckpointStore, ErrorKind, MemoryCheckpointStore};
use atom_github::feed::{ISSUES_FEED, IssueFeedParams};
use chrono::{DateTime, Utc};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Run after each answer with the count of answers so far (to change the repository
/// between two requests of a walk).
type AfterAnswer = Arc<Mutex<Option<Box<dyn Fn(usize, &Repo) + Send>>>>;

/// (number, created, updated) in Unix seconds.
#[derive(Clone, Default)]
struct Repo {
    issues: Arc<Mutex<Vec<(u64, i64, i64)>>>,
    after: AfterAnswer,
    answered: Arc<AtomicUsize>,
    base: Arc<Mutex<String>>,
}

fn ts(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn issue_json(number: u64, created: i64, updated: i64) -> Value {
    let mut v = json!({
        "id": 1000 + number,
        "number": number,
        "title": format!("issue {number}"),
        "state": "open",
        "labels": [],
        "created_at": ts(created),
        "updated_at": ts(updated),
    });
    if number.is_multiple_of(2) {
        v["pull_request"] =
            json!({"url": format!("https://api.github.com/repos/o/r/pulls/{number}")});
    }
    v
}

impl Repo {
    fn add(&self, number: u64, created: i64, updated: i64) {
        self.issues.lock().unwrap().push((number, created, updated));
    }

    fn touch(&self, number: u64, updated: i64) {
        for issue in self.issues.lock().unwrap().iter_mut() {
            if issue.0 == number {
                issue.2 = updated;
            }
        }
    }

    /// The numbers in the list's order (updated, then number).
    fn sorted(&self) -> Vec<(u64, i64)> {
        let mut all: Vec<(u64, i64)> = self
            .issues
            .lock()
            .unwrap()
            .iter()
            .map(|i| (i.0, i.2))
            .collect();
        all.sort_by_key(|(n, u)| (*u, *n));
        all
    }
}

impl Respond for Repo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let q: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let one = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(one("state").as_deref(), Some("all"));
        assert_eq!(one("sort").as_deref(), Some("updated"));
        assert_eq!(one("direction").as_deref(), Some("asc"));
        let since = DateTime::parse_from_rfc3339(&one("since").unwrap())
            .unwrap()
            .timestamp();
        let per_page: usize = one("per_page").unwrap().parse().unwrap();
        let page: usize = one("page").map_or(1, |p| p.parse().unwrap());
        let matching: Vec<(u64, i64)> = self
            .sorted()
            .into_iter()
            .filter(|(_, u)| *u >= since)
            .collect();
        let start = (page - 1) * per_page;
        let body: Vec<Value> = {
            let issues = self.issues.lock().unwrap();
            matching
                .iter()
                .skip(start)
                .take(per_page)
                .map(|(n, _)| {
                    let i = issues.iter().find(|i| i.0 == *n).unwrap();
                    issue_json(i.0, i.1, i.2)
                })
                .collect()
        };
        let mut answer = ResponseTemplate::new(200).set_body_json(body);
        if matching.len() > start + per_page {
            // The server's own address (the request's `Host` may differ).
            let mut next = url::Url::parse(&self.base.lock().unwrap()).unwrap();
            next.set_path(request.url.path());
            let kept: Vec<(String, String)> =
                q.iter().filter(|(k, _)| k != "page").cloned().collect();
            next.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair("page", &(page + 1).to_string());
            answer = answer.insert_header("link", format!("<{next}>; rel=\"next\"").as_str());
        }
        let n = self.answered.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(after) = self.after.lock().unwrap().as_ref() {
            after(n, self);
        }
        answer
    }
}

async fn github_with(repo: &Repo) -> (MockServer, atom_github::Client) {
    let server = MockServer::start().await;
    *repo.base.lock().unwrap() = server.uri();
    Mock::given(method("GET"))
        .and(path("/repos/o/r/issues"))
        .respond_with(repo.clone())
        .mount(&server)
        .await;
    let client = common::client(&server.uri());
    (server, client)
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

const T: i64 = 1_750_000_000;

/// Crash after handling an issue and before saving its checkpoint; meanwhile an issue
/// already handled is updated and a new one is opened. The rerun yields the unsaved issue
/// again, then every issue updated after the saved position exactly once, oldest first.
#[tokio::test]
async fn resume_after_a_crash_yields_every_later_update_once() {
    let repo = Repo::default();
    for (n, u) in [
        (1, 0),
        (2, 10),
        (3, 20),
        (4, 30),
        (5, 30),
        (6, 30),
        (7, 40),
        (8, 50),
        (9, 60),
        (10, 70),
    ] {
        repo.add(n, T, T + u);
    }
    let (_server, github) = github_with(&repo).await;
    let issues = github.issues("o", "r");
    let params = IssueFeedParams::new().per_page(2);
    let store = MemoryCheckpointStore::default();
    let key = CheckpointKey::new(format!("{ISSUES_FEED}/o/r"), "test");

    let mut handled = Vec::new();
    let mut version = 0;
    let mut feed = issues.feed(&params, at(T - 1));
    while let Some(change) = feed.try_next().await.unwrap() {
        handled.push(change.object.number);
        if handled.len() == 5 {
            break; // the crash: #5 handled, its checkpoint not saved
        }
        version = store
            .save(&key, change.checkpoint.as_ref().unwrap(), Some(version))
            .await
            .unwrap();
    }
    drop(feed);
    assert_eq!(handled, [1, 2, 3, 4, 5]);

    repo.touch(2, T + 100);
    repo.add(11, T + 90, T + 90);
    let saved = store.load(&key).await.unwrap().unwrap().checkpoint;
    assert_eq!(
        (saved.at, saved.seen.clone()),
        (Some(at(T + 30)), vec!["4".to_owned()])
    );
    let resumed: Vec<u64> = issues
        .feed_from(&params, &saved)
        .map_ok(|c| c.object.number)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(resumed, [5, 6, 7, 8, 9, 10, 11, 2]);
}

/// Updates during the walk move an issue to the end of the list and every later issue up
/// one place; page-number paging would skip one. The feed restarts from the last update it
/// handed out, so nothing is skipped.
#[tokio::test]
async fn issues_updated_during_the_walk_skip_nothing() {
    let repo = Repo::default();
    for n in 1..=9 {
        repo.add(n, T, T + 10 * n as i64);
    }
    *repo.after.lock().unwrap() = Some(Box::new(|answered, repo: &Repo| {
        if answered == 1 {
            repo.touch(1, T + 1_000);
            repo.touch(2, T + 1_001);
        }
    }));
    let (_server, github) = github_with(&repo).await;
    let numbers: Vec<u64> = github
        .issues("o", "r")
        .feed(&IssueFeedParams::new().per_page(3), at(T))
        .map_ok(|c| c.object.number)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2]);
}

/// More issues updated in one second than fit a page: the feed walks that second by page
/// number, then goes on by time; each once, no loop.
#[tokio::test]
async fn many_issues_in_one_second_are_each_yielded_once() {
    let repo = Repo::default();
    for n in 1..=7 {
        repo.add(n, T, T + 5);
    }
    repo.add(8, T + 6, T + 6);
    repo.add(9, T, T + 7);
    let (_server, github) = github_with(&repo).await;
    let changes: Vec<_> = github
        .issues("o", "r")
        .feed(&IssueFeedParams::new().per_page(2), at(T))
        .try_collect()
        .await
        .unwrap();
    let numbers: Vec<u64> = changes.iter().map(|c| c.object.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The kind and type of each change, and its checkpoint's second and seen numbers.
    assert_eq!(
        (changes[7].kind, changes[7].object_type.as_str()),
        (ChangeKind::Created, "pull_request")
    );
    assert_eq!(
        (changes[8].kind, changes[8].object_type.as_str()),
        (ChangeKind::Updated, "issue")
    );
    let c = changes[6].checkpoint.as_ref().unwrap();
    assert_eq!(c.at, Some(at(T + 5)));
    assert_eq!(c.seen, ["1", "2", "3", "4", "5", "6", "7"]);
    assert_eq!(changes[6].object_id, "7");
}

#[tokio::test]
async fn bad_starts_fail_before_any_request() {
    let repo = Repo::default();
    let (server, github) = github_with(&repo).await;
    let kind = |mut feed: atom_core::feed::ChangeFeed<atom_github::models::Issue>| async move {
        feed.next().await.unwrap().err().map(|e| e.kind())
    };
    let issues = github.issues("o", "r");
    let start = FeedCheckpoint::new(ISSUES_FEED).with_at(at(T));
    assert_eq!(
        kind(issues.feed_from(&IssueFeedParams::new().per_page(0), &start)).await,
        Some(ErrorKind::Config)
    );
    assert_eq!(
        kind(issues.feed_from(&IssueFeedParams::new().per_page(101), &start)).await,
        Some(ErrorKind::Config)
    );
    let other = FeedCheckpoint::new("stripe.events").with_at(at(T));
    assert_eq!(
        kind(issues.feed_from(&IssueFeedParams::new(), &other)).await,
        Some(ErrorKind::Config)
    );
    let timeless = FeedCheckpoint::new(ISSUES_FEED);
    assert_eq!(
        kind(issues.feed_from(&IssueFeedParams::new(), &timeless)).await,
        Some(ErrorKind::Config)
    );
    let bad_repo = github.issues("o", "../r");
    assert_eq!(
        kind(bad_repo.feed(&IssueFeedParams::new(), at(T))).await,
        Some(ErrorKind::Config)
    );
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

fn delivery_headers(secret: &atom_core::Secret, event: &str, body: &[u8]) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-github-event", event.parse().unwrap());
    headers.insert(
        "x-hub-signature-256",
        atom_github::webhook::sign(secret, body).parse().unwrap(),
    );
    headers
}

/// A verified delivery becomes the feed's own `Change<Issue>`, without a checkpoint: an
/// issue event as the issue, a pull request event as the issue the list shows for it, a
/// ping as no change.
#[tokio::test]
async fn webhook_deliveries_are_the_feeds_changes() {
    use atom_core::feed::changes_from_webhook;
    use atom_github::webhook::Webhook;
    let secret = atom_core::Secret::new("hook-secret");
    let hook = Webhook::new([secret.clone()]);
    let changes = |event: &str, fixture: &str| {
        let body = common::fixture(fixture);
        let headers = delivery_headers(&secret, event, body.as_bytes());
        changes_from_webhook(&hook, &headers, body.as_bytes()).unwrap()
    };

    let opened = changes("issues", "webhook-issues-opened.json");
    assert_eq!(opened.len(), 1);
    let c = &opened[0];
    // GitHub's example issue is pull request #1347's issue (it carries `pull_request`).
    assert_eq!(
        (c.kind, c.object_type.as_str(), c.checkpoint.as_ref()),
        (ChangeKind::Created, "pull_request", None)
    );
    assert_eq!(c.object_id, c.object.number.to_string());
    assert_eq!(c.at, c.object.updated_at);

    let labeled = changes("issues", "webhook-issues-labeled.json");
    assert_eq!(labeled[0].kind, ChangeKind::Updated);
    let commented = changes("issue_comment", "webhook-issue-comment-created.json");
    assert_eq!(commented[0].kind, ChangeKind::Updated);

    let pull = changes("pull_request", "webhook-pull-request-opened.json");
    assert_eq!(pull.len(), 1);
    let p = &pull[0];
    assert_eq!(
        (p.kind, p.object_type.as_str()),
        (ChangeKind::Created, "pull_request")
    );
    assert!(p.object.is_pull_request());
    assert_eq!(p.object_id, p.object.number.to_string());

    assert!(changes("ping", "webhook-ping.json").is_empty());

    // An issue deleted or moved to another repository leaves this one's feed.
    for action in ["deleted", "transferred"] {
        let mut body: Value =
            serde_json::from_str(&common::fixture("webhook-issues-opened.json")).unwrap();
        body["action"] = json!(action);
        let body = serde_json::to_vec(&body).unwrap();
        let headers = delivery_headers(&secret, "issues", &body);
        let gone = changes_from_webhook(&hook, &headers, &body).unwrap();
        assert_eq!(gone[0].kind, ChangeKind::Deleted, "{action}");
    }
}

/// A start in the middle of a second takes the issues updated in that second: GitHub's
/// times are whole seconds.
#[tokio::test]
async fn a_start_within_a_second_takes_that_whole_second() {
    let repo = Repo::default();
    repo.add(1, T, T + 5);
    repo.add(2, T, T + 6);
    let (_server, github) = github_with(&repo).await;
    let start = at(T + 5) + chrono::Duration::milliseconds(700);
    let numbers: Vec<u64> = github
        .issues("o", "r")
        .feed(&IssueFeedParams::new(), start)
        .map_ok(|c| c.object.number)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers, [1, 2]);
}

use proptest::strategy::Strategy as _;

proptest::proptest! {
    // Each case starts a mock server and walks the list over HTTP: 64 cases keep the run
    // to a few seconds in a debug build.
    #![proptest_config(atom_core::testing::proptest_config(64))]

    /// Any issues (several in one second, more than a page too), any page size, a crash at
    /// any point: the run yields every issue once, oldest update first, and the rerun from
    /// the last saved checkpoint yields exactly the issues after it.
    #[test]
    fn resuming_from_any_crash_point_yields_the_rest_once(
        groups in proptest::collection::vec((1usize..6, 1i64..3), 0..8),
        per_page in 1u8..5,
        crash in 0usize..30,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let repo = Repo::default();
            let (mut number, mut t) = (0, T);
            for (count, gap) in &groups {
                t += gap;
                for _ in 0..*count {
                    number += 1;
                    repo.add(number, T, t);
                }
            }
            let order: Vec<u64> = repo.sorted().into_iter().map(|(n, _)| n).collect();
            let (_server, github) = github_with(&repo).await;
            let issues = github.issues("o", "r");
            let params = IssueFeedParams::new().per_page(per_page);
            let mut feed = issues.feed(&params, at(T));
            let mut saved = feed.checkpoint().cloned().unwrap();
            let crash = crash.min(order.len());
            let mut handled = Vec::new();
            while handled.len() < crash {
                let change = feed.try_next().await.unwrap().unwrap();
                handled.push(change.object.number);
                if handled.len() < crash {
                    saved = change.checkpoint.unwrap();
                }
            }
            drop(feed);
            assert_eq!(handled, order[..crash]);
            let resumed: Vec<u64> = issues
                .feed_from(&params, &saved)
                .map_ok(|c| c.object.number)
                .try_collect()
                .await
                .unwrap();
            let from = crash.saturating_sub(1);
            assert_eq!(resumed, order[from..]);
        });
    }

    /// Issues updated while the feed walks (moved to the end of the list): every issue is
    /// yielded, and the last change of each is its latest update. (Fewer issues share a
    /// second than fit a page, the case the feed guarantees; see the module docs.)
    #[test]
    fn updates_during_the_walk_lose_nothing(
        // Distinct half-seconds: at most two issues share a second.
        updated in (1usize..16).prop_flat_map(|n| {
            proptest::sample::subsequence((0i64..40).collect::<Vec<_>>(), n).prop_shuffle()
        }),
        per_page in 3u8..6,
        touches in proptest::collection::vec((1usize..6, 0usize..16), 0..4),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let repo = Repo::default();
            for (i, u) in updated.iter().enumerate() {
                repo.add(i as u64 + 1, T, T + u / 2);
            }
            let count = updated.len();
            let touches_copy: Vec<(usize, u64)> = touches.iter().map(|(after, i)| (*after, (*i % count) as u64 + 1)).collect();
            let touches: Vec<(usize, u64)> = touches.iter().map(|(after, i)| (*after, (*i % count) as u64 + 1)).collect();
            let applied = Arc::new(Mutex::new(Vec::new()));
            let log = applied.clone();
            *repo.after.lock().unwrap() = Some(Box::new(move |answered, repo: &Repo| {
                log.lock().unwrap().push(answered);
                for (k, (after, number)) in touches.iter().enumerate() {
                    if *after == answered {
                        // Later touches are later updates (times only go forward).
                        repo.touch(*number, T + 1_000 + 10 * answered as i64 + k as i64);
                    }
                }
            }));
            let (_server, github) = github_with(&repo).await;
            let changes: Vec<_> = github
                .issues("o", "r")
                .feed(&IssueFeedParams::new().per_page(per_page), at(T))
                .try_collect()
                .await
                .unwrap();
            // A touch after the last answer happened after the walk: the walk cannot see
            // it (the next run will). Every other one it must.
            let answers = repo.answered.load(Ordering::SeqCst);
            if let Some(last) = applied.lock().unwrap().last() {
                assert_eq!(*last, answers);
            }
            let seen_by_walk: Vec<(u64, i64)> = {
                let mut state: Vec<(u64, i64)> = updated
                    .iter()
                    .enumerate()
                    .map(|(i, u)| (i as u64 + 1, T + u / 2))
                    .collect();
                let mut applied: Vec<(usize, usize, u64)> = touches_copy
                    .iter()
                    .enumerate()
                    .filter(|(_, (after, _))| *after < answers)
                    .map(|(k, (after, number))| (*after, k, *number))
                    .collect();
                applied.sort();
                for (after, k, number) in applied {
                    state[(number - 1) as usize].1 = T + 1_000 + 10 * after as i64 + k as i64;
                }
                state
            };
            for (number, updated) in seen_by_walk {
                let last = changes.iter().rev().find(|c| c.object.number == number);
                assert_eq!(last.map(|c| c.at.timestamp()), Some(updated), "issue {number}");
            }
        });
    }
}
