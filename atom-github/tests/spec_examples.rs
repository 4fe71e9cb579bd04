//! Every example in GitHub's official description for a schema this crate models decodes,
//! read straight from `../shared/specs/github/api.github.com.json` (the fixtures in
//! `tests/fixtures` are copies of a subset).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_github::models::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn examples() -> serde_json::Map<String, Value> {
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/specs/github/api.github.com.json"
    );
    let text = std::fs::read_to_string(spec)
        .unwrap_or_else(|e| panic!("the GitHub description must be at {spec}: {e}"));
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let Some(Value::Object(examples)) = doc.pointer_mut("/components/examples").map(Value::take)
    else {
        panic!("no components/examples")
    };
    examples
}

fn decode<T: DeserializeOwned>(examples: &serde_json::Map<String, Value>, key: &str) {
    let value = examples
        .get(key)
        .and_then(|e| e.get("value"))
        .unwrap_or_else(|| panic!("example {key} is missing"));
    let text = value.to_string();
    if let Err(e) = serde_json::from_str::<T>(&text) {
        panic!(
            "example {key} did not decode into {}: {e}",
            std::any::type_name::<T>()
        );
    }
}

#[test]
fn every_modelled_example_decodes() {
    let ex = examples();
    for key in ["issue", "issue-with-pinned-comment"] {
        decode::<Issue>(&ex, key);
    }
    for key in ["issue-items", "issue-with-repo-items"] {
        decode::<Vec<Issue>>(&ex, key);
    }
    decode::<IssueComment>(&ex, "issue-comment");
    decode::<Vec<IssueComment>>(&ex, "issue-comment-items");
    for key in ["label", "label-2"] {
        decode::<Label>(&ex, key);
    }
    for key in ["label-items", "label-items-2"] {
        decode::<Vec<Label>>(&ex, key);
    }
    for key in [
        "full-repository",
        "full-repository-default-response",
        "minimal-repository",
    ] {
        decode::<Repository>(&ex, key);
    }
    for key in [
        "minimal-repository-items",
        "minimal-repository-items-2",
        "public-repository-items",
        "repository-items-default-response",
    ] {
        decode::<Vec<Repository>>(&ex, key);
    }
    for key in ["repository-paginated", "repository-paginated-2"] {
        decode::<InstallationRepositories>(&ex, key);
    }
    decode::<RepoSearchResults>(&ex, "repo-search-result-item-paginated");
    decode::<IssueSearchResults>(&ex, "issue-search-result-item-paginated");
    for key in [
        "private-user",
        "private-user-response-with-public-and-private-profile-information",
        "private-user-response-with-public-profile-information",
    ] {
        decode::<PrivateUser>(&ex, key);
    }
    decode::<SimpleUser>(&ex, "simple-user");
    decode::<Vec<SimpleUser>>(&ex, "simple-user-items");
    for key in [
        "pull-request",
        "pull-request-simple",
        "pull-request-review-request",
    ] {
        decode::<PullRequest>(&ex, key);
    }
    decode::<Vec<PullRequest>>(&ex, "pull-request-simple-items");
    decode::<MergeResult>(
        &ex,
        "pull-request-merge-result-response-if-merge-was-successful",
    );
    decode::<Vec<DiffEntry>>(&ex, "diff-entry-items");
    for key in [
        "pull-request-review",
        "pull-request-review-3",
        "pull-request-review-4",
        "pull-request-review-5",
    ] {
        decode::<Review>(&ex, key);
    }
    decode::<Vec<Review>>(&ex, "pull-request-review-items");
    decode::<Commit>(&ex, "commit");
    decode::<Vec<Commit>>(&ex, "commit-items");
    decode::<Comparison>(&ex, "commit-comparison");
    decode::<RateLimitOverview>(&ex, "rate-limit-overview");
}
