//! Every modelled schema's official example decodes, and nothing is lost on the way through.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_github::models::*;
use common::fixture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `original` is contained in `encoded`: every key with an equal value (keys `encoded` adds
/// must be `null`: an absent optional field).
fn contained(original: &Value, encoded: &Value, at: &str) {
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let other = b.get(k).unwrap_or_else(|| panic!("{at}.{k} was lost"));
                contained(v, other, &format!("{at}.{k}"));
            }
            for (k, v) in b {
                assert!(
                    a.contains_key(k) || v.is_null(),
                    "{at}.{k} was invented: {v}"
                );
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}: length");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                contained(x, y, &format!("{at}[{i}]"));
            }
        }
        (a, b) => {
            // Timestamps are re-written by chrono: compare as instants.
            if let (Some(x), Some(y)) = (a.as_str(), b.as_str())
                && let (Ok(x), Ok(y)) = (
                    chrono::DateTime::parse_from_rfc3339(x),
                    chrono::DateTime::parse_from_rfc3339(y),
                )
            {
                assert_eq!(x, y, "{at}");
                return;
            }
            assert_eq!(a, b, "{at}");
        }
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let text = fixture(name);
    let decoded: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let original: Value = serde_json::from_str(&text).unwrap();
    let encoded = serde_json::to_value(&decoded).unwrap();
    contained(&original, &encoded, name);
    decoded
}

#[test]
fn issues_decode() {
    let issue: Issue = round_trip("issue.json");
    assert_eq!(issue.number, 1347);
    assert_eq!(issue.state, IssueState::Open);
    assert_eq!(issue.labels.first().map(IssueLabel::name), Some("bug"));
    assert!(issue.is_pull_request());
    assert!(
        issue.extra.contains_key("repository_url"),
        "unknown fields kept"
    );
    let items: Vec<Issue> = round_trip("issue-items.json");
    assert!(!items.is_empty());
    let comment: IssueComment = round_trip("issue-comment.json");
    assert!(comment.body.is_some());
    let _: Vec<IssueComment> = round_trip("issue-comment-items.json");
    let labels: Vec<Label> = round_trip("label-items.json");
    assert_eq!(labels[0].name, "bug");
    let found: IssueSearchResults = round_trip("issue-search-result-item-paginated.json");
    assert!(found.items[0].extra.contains_key("score"));
}

#[test]
fn repositories_and_users_decode() {
    let repo: Repository = round_trip("full-repository.json");
    assert_eq!(repo.full_name, "octocat/Hello-World");
    assert!(repo.extra.contains_key("permissions"));
    let _: Vec<Repository> = round_trip("minimal-repository-items.json");
    let page: InstallationRepositories = round_trip("repository-paginated.json");
    assert_eq!(page.total_count, 1);
    let _: RepoSearchResults = round_trip("repo-search-result-item-paginated.json");
    let me: PrivateUser = round_trip("private-user.json");
    assert_eq!(me.login, "octocat");
    let user: SimpleUser = round_trip("simple-user.json");
    assert_eq!(user.account_type.as_deref(), Some("User"));
    let limits: RateLimitOverview = round_trip("rate-limit-overview.json");
    assert_eq!(limits.resources.core.limit, 5000);
    assert!(limits.resources.extra.contains_key("scim"));
}

#[test]
fn pulls_and_commits_decode() {
    let pr: PullRequest = round_trip("pull-request.json");
    assert_eq!(pr.head.git_ref, "new-topic");
    let _: Vec<PullRequest> = round_trip("pull-request-simple-items.json");
    let merged: MergeResult =
        round_trip("pull-request-merge-result-response-if-merge-was-successful.json");
    assert!(merged.merged);
    let files: Vec<DiffEntry> = round_trip("diff-entry-items.json");
    assert_eq!(files[0].status, FileStatus::Added);
    let review: Review = round_trip("pull-request-review.json");
    assert_eq!(review.state, ReviewState::ChangesRequested);
    let _: Vec<Review> = round_trip("pull-request-review-items.json");
    let commit: Commit = round_trip("commit.json");
    assert!(commit.files.is_some());
    let _: Vec<Commit> = round_trip("commit-items.json");
    let cmp: Comparison = round_trip("commit-comparison.json");
    assert_eq!(cmp.status, ComparisonStatus::Behind);
}

#[test]
fn unknown_enum_values_and_label_names() {
    let state: IssueState = serde_json::from_str(r#""archived""#).unwrap();
    assert_eq!(state, IssueState::Other("archived".into()));
    assert_eq!(serde_json::to_string(&state).unwrap(), r#""archived""#);
    let labels: Vec<IssueLabel> =
        serde_json::from_str(r#"["plain", {"name": "bug", "color": "f00"}]"#).unwrap();
    assert_eq!(labels[0], IssueLabel::Name("plain".into()));
    assert_eq!(labels[1].name(), "bug");
}

#[test]
fn required_fields_are_required() {
    let err = serde_json::from_str::<Label>(r#"{"id": 1}"#).unwrap_err();
    assert!(err.to_string().contains("missing field `name`"), "{err}");
    let err = serde_json::from_str::<Issue>(r#"{"id": 1, "number": "x"}"#).unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
}
