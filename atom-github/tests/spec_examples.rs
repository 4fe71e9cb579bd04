//! Every example in GitHub's official description for a schema this crate models decodes.
//!
//! The examples are read from `tests/fixtures/spec-examples.json`: the `value` of each entry
//! of the description's `components/examples` that this test names, copied unchanged (see
//! `tests/fixtures/README.md` for the source, licence and the command that makes the file).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::collections::BTreeSet;

use atom_github::models::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The fixture's examples, and the keys the test has decoded so far.
struct Examples {
    values: serde_json::Map<String, Value>,
    used: RefCell<BTreeSet<String>>,
}

fn examples() -> Examples {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/spec-examples.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let Value::Object(values) = serde_json::from_str(&text).unwrap() else {
        panic!("{path} is not a JSON object")
    };
    Examples {
        values,
        used: RefCell::default(),
    }
}

fn decode<T: DeserializeOwned>(examples: &Examples, key: &str) {
    let value = examples
        .values
        .get(key)
        .unwrap_or_else(|| panic!("example {key} is missing"));
    examples.used.borrow_mut().insert(key.to_owned());
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

    // The fixture holds what this test checks and nothing else: no stale copies.
    let unused: Vec<&String> = ex
        .values
        .keys()
        .filter(|k| !ex.used.borrow().contains(*k))
        .collect();
    assert!(unused.is_empty(), "examples no test decodes: {unused:?}");
}
