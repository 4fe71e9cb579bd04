//! Commits and comparisons.

use super::{DiffEntry, Timestamp};

model! {
    /// The name, e-mail and time git recorded.
    pub struct GitActor {
        /// The name.
        pub name: Option<String>,
        /// The e-mail.
        pub email: Option<String>,
        /// The time.
        pub date: Option<Timestamp>,
    }
}

model! {
    /// The git commit object inside a commit.
    pub struct GitCommit {
        /// The message.
        pub message: String,
        /// The author git recorded.
        pub author: Option<GitActor>,
        /// The committer git recorded.
        pub committer: Option<GitActor>,
        /// Comments on the commit.
        pub comment_count: Option<u64>,
        /// The API URL.
        pub url: Option<String>,
    }
}

model! {
    /// The GitHub account linked to a commit's author or committer. GitHub sends an empty
    /// object when the e-mail matches no account, so every field is optional.
    pub struct CommitAccount {
        /// The login.
        pub login: Option<String>,
        /// The numeric id.
        pub id: Option<u64>,
        /// The avatar.
        pub avatar_url: Option<String>,
        /// The profile page.
        pub html_url: Option<String>,
    }
}

model! {
    /// A parent commit.
    pub struct CommitParent {
        /// The commit.
        pub sha: String,
        /// The API URL.
        pub url: Option<String>,
        /// The web page.
        pub html_url: Option<String>,
    }
}

model! {
    /// Line counts of a commit.
    pub struct CommitStats {
        /// Lines added.
        pub additions: Option<u64>,
        /// Lines removed.
        pub deletions: Option<u64>,
        /// Lines changed.
        pub total: Option<u64>,
    }
}

model! {
    /// A commit (`commit`).
    pub struct Commit {
        /// The commit id.
        pub sha: String,
        /// The GraphQL node id.
        pub node_id: Option<String>,
        /// The git data.
        pub commit: GitCommit,
        /// The author's GitHub account.
        pub author: Option<CommitAccount>,
        /// The committer's GitHub account.
        pub committer: Option<CommitAccount>,
        /// Parents.
        pub parents: Vec<CommitParent>,
        /// Line counts (single-commit form only).
        pub stats: Option<CommitStats>,
        /// Changed files (single-commit form only).
        pub files: Option<Vec<DiffEntry>>,
        /// The API URL.
        pub url: Option<String>,
        /// The web page.
        pub html_url: Option<String>,
    }
}

atom_core::string_enum! {
    /// How the head of a comparison relates to its base.
    #[non_exhaustive]
    pub enum ComparisonStatus {
        /// Both have commits the other lacks.
        Diverged = "diverged",
        /// Head is ahead of base.
        Ahead = "ahead",
        /// Head is behind base.
        Behind = "behind",
        /// The same commit.
        Identical = "identical",
    }
}

model! {
    /// A comparison of two commits (`commit-comparison`).
    pub struct Comparison {
        /// How head relates to base.
        pub status: ComparisonStatus,
        /// Commits head has that base lacks.
        pub ahead_by: u64,
        /// Commits base has that head lacks.
        pub behind_by: u64,
        /// Commits in the comparison.
        pub total_commits: u64,
        /// The base commit.
        pub base_commit: Commit,
        /// The merge base.
        pub merge_base_commit: Commit,
        /// The commits (up to 250 on one page).
        pub commits: Vec<Commit>,
        /// Changed files.
        pub files: Option<Vec<DiffEntry>>,
        /// The web page.
        pub html_url: Option<String>,
        /// A permanent link.
        pub permalink_url: Option<String>,
    }
}
