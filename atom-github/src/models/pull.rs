//! Pull requests, their files and reviews.

use super::{IssueState, Label, Repository, SimpleUser, Timestamp};

model! {
    /// One side of a pull request: the branch and commit it points at.
    pub struct PullRef {
        /// `owner:branch`.
        pub label: Option<String>,
        /// The branch name.
        @rename("ref")
        pub git_ref: String,
        /// The commit.
        pub sha: String,
        /// The branch's owner.
        pub user: Option<SimpleUser>,
        /// The repository (absent when it was deleted).
        pub repo: Option<Repository>,
    }
}

model! {
    /// A pull request (`pull-request`; list pages carry the shorter `pull-request-simple`).
    pub struct PullRequest {
        /// The numeric id.
        pub id: u64,
        /// The GraphQL node id.
        pub node_id: Option<String>,
        /// The number within the repository.
        pub number: u64,
        /// Open or closed.
        pub state: IssueState,
        /// The title.
        pub title: String,
        /// The body (Markdown).
        pub body: Option<String>,
        /// The body rendered as HTML (with `BodyFormat::Html` or `Full`).
        pub body_html: Option<String>,
        /// The body as plain text (with `BodyFormat::Text` or `Full`).
        pub body_text: Option<String>,
        /// The author.
        pub user: Option<SimpleUser>,
        /// Labels.
        pub labels: Vec<Label>,
        /// Whether it is a draft.
        pub draft: Option<bool>,
        /// Whether the conversation is locked.
        pub locked: Option<bool>,
        /// The branch to merge.
        pub head: PullRef,
        /// The branch to merge into.
        pub base: PullRef,
        /// Whether it was merged (full form only).
        pub merged: Option<bool>,
        /// Whether GitHub can merge it; `None` while GitHub is still computing.
        pub mergeable: Option<bool>,
        /// `clean`, `dirty`, `blocked`, ... (full form only).
        pub mergeable_state: Option<String>,
        /// The merge (or test-merge) commit.
        pub merge_commit_sha: Option<String>,
        /// Reviewers asked for.
        pub requested_reviewers: Option<Vec<SimpleUser>>,
        /// Commits (full form only).
        pub commits: Option<u64>,
        /// Lines added (full form only).
        pub additions: Option<u64>,
        /// Lines removed (full form only).
        pub deletions: Option<u64>,
        /// Files changed (full form only).
        pub changed_files: Option<u64>,
        /// The API URL.
        pub url: Option<String>,
        /// The web page.
        pub html_url: Option<String>,
        /// When it was created.
        pub created_at: Timestamp,
        /// When it was last updated.
        pub updated_at: Timestamp,
        /// When it was closed.
        pub closed_at: Option<Timestamp>,
        /// When it was merged.
        pub merged_at: Option<Timestamp>,
    }
}

model! {
    /// The answer to a merge (`PUT .../merge`).
    pub struct MergeResult {
        /// The merge commit.
        pub sha: String,
        /// Whether it merged.
        pub merged: bool,
        /// GitHub's message.
        pub message: String,
    }
}

atom_core::string_enum! {
    /// What a change did to a file.
    #[non_exhaustive]
    pub enum FileStatus {
        /// Added.
        Added = "added",
        /// Removed.
        Removed = "removed",
        /// Modified.
        Modified = "modified",
        /// Renamed.
        Renamed = "renamed",
        /// Copied.
        Copied = "copied",
        /// Changed (mode).
        Changed = "changed",
        /// Unchanged.
        Unchanged = "unchanged",
    }
}

model! {
    /// A changed file (`diff-entry`).
    pub struct DiffEntry {
        /// The blob (absent for some changes).
        pub sha: Option<String>,
        /// The path.
        pub filename: String,
        /// What happened to it.
        pub status: FileStatus,
        /// Lines added.
        pub additions: u64,
        /// Lines removed.
        pub deletions: u64,
        /// Lines changed.
        pub changes: u64,
        /// The unified diff hunk (absent for binary or very large files).
        pub patch: Option<String>,
        /// The path before a rename.
        pub previous_filename: Option<String>,
        /// The blob's web page.
        pub blob_url: Option<String>,
        /// The raw file.
        pub raw_url: Option<String>,
    }
}

atom_core::string_enum! {
    /// A review's verdict.
    #[non_exhaustive]
    pub enum ReviewState {
        /// Approved.
        Approved = "APPROVED",
        /// Changes requested.
        ChangesRequested = "CHANGES_REQUESTED",
        /// Comments only.
        Commented = "COMMENTED",
        /// Dismissed.
        Dismissed = "DISMISSED",
        /// Not submitted yet.
        Pending = "PENDING",
    }
}

model! {
    /// A pull request review (`pull-request-review`).
    pub struct Review {
        /// The numeric id.
        pub id: u64,
        /// The GraphQL node id.
        pub node_id: Option<String>,
        /// The reviewer.
        pub user: Option<SimpleUser>,
        /// The review's summary text.
        pub body: Option<String>,
        /// The summary rendered as HTML (with `BodyFormat::Html` or `Full`).
        pub body_html: Option<String>,
        /// The summary as plain text (with `BodyFormat::Text` or `Full`).
        pub body_text: Option<String>,
        /// The verdict.
        pub state: ReviewState,
        /// The commit reviewed.
        pub commit_id: Option<String>,
        /// The web page.
        pub html_url: Option<String>,
        /// The reviewer's relation to the repository.
        pub author_association: Option<String>,
        /// When it was submitted.
        pub submitted_at: Option<Timestamp>,
    }
}
