//! Typed GitHub resources.
//!
//! Every model keeps the fields it does not name in `extra`, exactly as GitHub sent them, so a
//! new field never breaks decoding and nothing is lost on the way through. Enums that mirror
//! GitHub values have an `Other(String)` arm for values this version does not know.
//!
//! The models are decoded by the map visitor that `atom_core::model!` generates instead of
//! `#[serde(flatten)]`: flatten buffers every object into serde's private `Content` tree
//! first, which costs several times more CPU than the visitor, which decodes known keys
//! straight into their types and keeps the unknown ones as their JSON text. See
//! `examples/list_cost.rs` for the figures.

/// The models are defined with `atom_core::model!`.
macro_rules! model {
    ($($body:tt)*) => {
        atom_core::model! { $($body)* }
    };
}

mod commit;
mod event;
mod issue;
mod pull;
mod rate_limit;
mod repo;
mod user;

pub use commit::{
    Commit, CommitAccount, CommitParent, CommitStats, Comparison, ComparisonStatus, GitActor,
    GitCommit,
};
pub use event::{EventActor, EventRepo, RepoEvent};
pub use issue::{
    Issue, IssueComment, IssueLabel, IssueSearchResults, IssueState, Label, Milestone, StateReason,
};
pub use pull::{DiffEntry, FileStatus, MergeResult, PullRef, PullRequest, Review, ReviewState};
pub use rate_limit::{RateLimitBucket, RateLimitOverview, RateLimitResources};
pub use repo::{InstallationRepositories, RepoSearchResults, Repository};
pub use user::{PrivateUser, SimpleUser};

atom_core::model_required!(
    IssueState,
    StateReason,
    ComparisonStatus,
    FileStatus,
    ReviewState
);

/// A time as GitHub writes it (ISO 8601, UTC).
pub type Timestamp = chrono::DateTime<chrono::Utc>;
