//! Issues, their labels, milestones and comments.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::{SimpleUser, Timestamp};

atom_core::string_enum! {
    /// Whether an issue or pull request is open.
    #[non_exhaustive]
    pub enum IssueState {
        /// Open.
        Open = "open",
        /// Closed.
        Closed = "closed",
    }
}

atom_core::string_enum! {
    /// Why an issue is in its state.
    #[non_exhaustive]
    pub enum StateReason {
        /// Closed as done.
        Completed = "completed",
        /// Reopened.
        Reopened = "reopened",
        /// Closed as not planned.
        NotPlanned = "not_planned",
        /// Closed as a duplicate.
        Duplicate = "duplicate",
    }
}

model! {
    /// A label (`label`).
    pub struct Label {
        /// The numeric id.
        pub id: Option<u64>,
        /// The GraphQL node id.
        pub node_id: Option<String>,
        /// The name.
        pub name: String,
        /// The description.
        pub description: Option<String>,
        /// The colour, hex without `#`.
        pub color: Option<String>,
        /// Whether GitHub created it by default.
        pub default: Option<bool>,
        /// The API URL.
        pub url: Option<String>,
    }
}

/// A label as an issue carries it: GitHub's schema allows a bare name or a label object.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum IssueLabel {
    /// A label object.
    Label(Label),
    /// Only the name.
    Name(String),
}

impl IssueLabel {
    /// The label's name.
    pub fn name(&self) -> &str {
        match self {
            Self::Label(label) => &label.name,
            Self::Name(name) => name,
        }
    }
}

impl<'de> de::Deserialize<'de> for IssueLabel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct LabelVisitor;
        impl<'de> Visitor<'de> for LabelVisitor {
            type Value = IssueLabel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a label object or a label name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IssueLabel, E> {
                Ok(IssueLabel::Name(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<IssueLabel, A::Error> {
                Label::from_map(map).map(IssueLabel::Label)
            }
        }
        d.deserialize_any(LabelVisitor)
    }
}

model! {
    /// A milestone.
    pub struct Milestone {
        /// The numeric id.
        pub id: u64,
        /// The number within the repository.
        pub number: u64,
        /// The title.
        pub title: String,
        /// Open or closed.
        pub state: Option<IssueState>,
        /// The description.
        pub description: Option<String>,
        /// The due date.
        pub due_on: Option<Timestamp>,
        /// The web page.
        pub html_url: Option<String>,
    }
}

model! {
    /// An issue (`issue`). Pull requests are issues too: those carry `pull_request`.
    pub struct Issue {
        /// The numeric id.
        pub id: u64,
        /// The GraphQL node id.
        pub node_id: Option<String>,
        /// The number within the repository.
        pub number: u64,
        /// The title.
        pub title: String,
        /// The body (Markdown).
        pub body: Option<String>,
        /// The body rendered as HTML (with `BodyFormat::Html` or `Full`).
        pub body_html: Option<String>,
        /// The body as plain text (with `BodyFormat::Text` or `Full`).
        pub body_text: Option<String>,
        /// Open or closed.
        pub state: IssueState,
        /// Why it is in its state.
        pub state_reason: Option<StateReason>,
        /// The author.
        pub user: Option<SimpleUser>,
        /// Labels.
        pub labels: Vec<IssueLabel>,
        /// The first assignee.
        pub assignee: Option<SimpleUser>,
        /// Every assignee.
        pub assignees: Option<Vec<SimpleUser>>,
        /// The milestone.
        pub milestone: Option<Milestone>,
        /// Whether the conversation is locked.
        pub locked: Option<bool>,
        /// Why it is locked.
        pub active_lock_reason: Option<String>,
        /// The number of comments.
        pub comments: Option<u64>,
        /// Present when the issue is a pull request (its URLs).
        pub pull_request: Option<serde_json::Value>,
        /// The API URL.
        pub url: Option<String>,
        /// The web page.
        pub html_url: Option<String>,
        /// The author's relation to the repository (`OWNER`, `CONTRIBUTOR`, ...).
        pub author_association: Option<String>,
        /// When it was closed.
        pub closed_at: Option<Timestamp>,
        /// When it was created.
        pub created_at: Timestamp,
        /// When it was last updated.
        pub updated_at: Timestamp,
    }
}

impl Issue {
    /// Whether this issue is a pull request.
    pub fn is_pull_request(&self) -> bool {
        self.pull_request.as_ref().is_some_and(|v| !v.is_null())
    }
}

model! {
    /// A comment on an issue or pull request conversation (`issue-comment`).
    pub struct IssueComment {
        /// The numeric id.
        pub id: u64,
        /// The GraphQL node id.
        pub node_id: Option<String>,
        /// The body (Markdown).
        pub body: Option<String>,
        /// The body rendered as HTML (with `BodyFormat::Html` or `Full`).
        pub body_html: Option<String>,
        /// The body as plain text (with `BodyFormat::Text` or `Full`).
        pub body_text: Option<String>,
        /// The author.
        pub user: Option<SimpleUser>,
        /// The API URL.
        pub url: Option<String>,
        /// The web page.
        pub html_url: Option<String>,
        /// The issue's API URL.
        pub issue_url: Option<String>,
        /// The author's relation to the repository.
        pub author_association: Option<String>,
        /// When it was created.
        pub created_at: Timestamp,
        /// When it was last updated.
        pub updated_at: Timestamp,
    }
}

model! {
    /// One page of `GET /search/issues` (each item's `score` is in its `extra`).
    pub struct IssueSearchResults {
        /// Matches in all (GitHub serves at most 1000).
        pub total_count: u64,
        /// Whether the search timed out before finding every match.
        pub incomplete_results: bool,
        /// This page's issues and pull requests.
        pub items: Vec<Issue>,
    }
}
