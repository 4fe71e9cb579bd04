//! Tickets, comments, audits, ticket fields and custom statuses.

use atom_core::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CustomField, Via};

atom_core::string_enum! {
    /// A ticket's status.
    #[non_exhaustive]
    pub enum TicketStatus {
        /// Not yet looked at.
        New = "new",
        /// Being worked on.
        Open = "open",
        /// Waiting for the requester.
        Pending = "pending",
        /// Waiting for a third party.
        Hold = "hold",
        /// Solved.
        Solved = "solved",
        /// Closed (no longer editable).
        Closed = "closed",
        /// Deleted.
        Deleted = "deleted",
    }
}

impl TicketStatus {
    /// The rank Zendesk's search orders statuses by (`status<solved`): new < open < pending
    /// < hold < solved < closed.
    pub fn rank(&self) -> Option<u8> {
        Some(match self {
            Self::New => 0,
            Self::Open => 1,
            Self::Pending => 2,
            Self::Hold => 3,
            Self::Solved => 4,
            Self::Closed => 5,
            _ => return None,
        })
    }
}

atom_core::string_enum! {
    /// A ticket's priority.
    #[non_exhaustive]
    pub enum Priority {
        /// Low.
        Low = "low",
        /// Normal.
        Normal = "normal",
        /// High.
        High = "high",
        /// Urgent.
        Urgent = "urgent",
    }
}

atom_core::string_enum! {
    /// A ticket's type.
    #[non_exhaustive]
    pub enum TicketType {
        /// A problem (incidents may link to it).
        Problem = "problem",
        /// An incident of a problem.
        Incident = "incident",
        /// A question.
        Question = "question",
        /// A task with a due date.
        Task = "task",
    }
}

atom_core::string_enum! {
    /// The status category a custom status belongs to.
    #[non_exhaustive]
    pub enum StatusCategory {
        /// New.
        New = "new",
        /// Open.
        Open = "open",
        /// Pending.
        Pending = "pending",
        /// On hold.
        Hold = "hold",
        /// Solved.
        Solved = "solved",
    }
}

/// A ticket (`ticket`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ticket {
    /// The id.
    pub id: u64,
    /// The API URL.
    #[serde(default)]
    pub url: Option<String>,
    /// The id in another system.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The type.
    #[serde(default, rename = "type")]
    pub ticket_type: Option<TicketType>,
    /// The subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// The subject with dynamic content placeholders.
    #[serde(default)]
    pub raw_subject: Option<String>,
    /// The first comment's text.
    #[serde(default)]
    pub description: Option<String>,
    /// The priority.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The status.
    #[serde(default)]
    pub status: Option<TicketStatus>,
    /// The custom status, when the account uses them.
    #[serde(default)]
    pub custom_status_id: Option<u64>,
    /// The address the request was sent to.
    #[serde(default)]
    pub recipient: Option<String>,
    /// The requester.
    #[serde(default)]
    pub requester_id: Option<u64>,
    /// Who submitted it.
    #[serde(default)]
    pub submitter_id: Option<u64>,
    /// The assigned agent.
    #[serde(default)]
    pub assignee_id: Option<u64>,
    /// The organization.
    #[serde(default)]
    pub organization_id: Option<u64>,
    /// The group.
    #[serde(default)]
    pub group_id: Option<u64>,
    /// The brand.
    #[serde(default)]
    pub brand_id: Option<u64>,
    /// CC'd users.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub collaborator_ids: Vec<u64>,
    /// Followers.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub follower_ids: Vec<u64>,
    /// Email CCs.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub email_cc_ids: Vec<u64>,
    /// The problem an incident belongs to.
    #[serde(default)]
    pub problem_id: Option<u64>,
    /// Whether a problem has incidents.
    #[serde(default)]
    pub has_incidents: Option<bool>,
    /// Whether any comment is public.
    #[serde(default)]
    pub is_public: Option<bool>,
    /// A task's due date.
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    /// Tags.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub tags: Vec<String>,
    /// How it was created.
    #[serde(default)]
    pub via: Option<Via>,
    /// Custom field values by id.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub custom_fields: Vec<CustomField>,
    /// The satisfaction rating as the ticket carries it.
    #[serde(default)]
    pub satisfaction_rating: Option<Value>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// Last updated.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Ticket {
    /// A custom field's value by field id.
    pub fn custom_field(&self, id: u64) -> Option<&super::FieldValue> {
        self.custom_fields
            .iter()
            .find(|f| f.id == id)
            .and_then(|f| f.value.as_ref())
    }
}

/// A ticket comment (`comment`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Comment {
    /// The id.
    pub id: u64,
    /// `Comment` or `VoiceComment`.
    #[serde(default, rename = "type")]
    pub comment_type: Option<String>,
    /// The text.
    #[serde(default)]
    pub body: Option<String>,
    /// The HTML.
    #[serde(default)]
    pub html_body: Option<String>,
    /// The text without markup.
    #[serde(default)]
    pub plain_body: Option<String>,
    /// Whether the requester sees it (`false`: an internal note).
    #[serde(default)]
    pub public: Option<bool>,
    /// The author.
    #[serde(default)]
    pub author_id: Option<u64>,
    /// The audit that added it.
    #[serde(default)]
    pub audit_id: Option<u64>,
    /// Attachments, as sent.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub attachments: Vec<Value>,
    /// How it was added.
    #[serde(default)]
    pub via: Option<Via>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The audit a ticket change produced (`audit`), with its events as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketAudit {
    /// The id.
    #[serde(default)]
    pub id: Option<u64>,
    /// The ticket.
    #[serde(default)]
    pub ticket_id: Option<u64>,
    /// Who made the change.
    #[serde(default)]
    pub author_id: Option<u64>,
    /// What changed (`Create`, `Change`, `Comment`, `Notification` events).
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub events: Vec<Value>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A ticket field (`ticket_field`): its id is what a [`CustomField`] names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketField {
    /// The id.
    pub id: u64,
    /// `text`, `textarea`, `checkbox`, `date`, `integer`, `decimal`, `regexp`, `tagger`,
    /// `multiselect`, or a system type (`subject`, `status`, ...).
    #[serde(default, rename = "type")]
    pub field_type: Option<String>,
    /// The title agents see.
    #[serde(default)]
    pub title: Option<String>,
    /// The key in the API, for some system fields.
    #[serde(default)]
    pub key: Option<String>,
    /// Whether it is active.
    #[serde(default)]
    pub active: Option<bool>,
    /// Whether agents must fill it to solve.
    #[serde(default)]
    pub required: Option<bool>,
    /// Whether it is a system field.
    #[serde(default)]
    pub removable: Option<bool>,
    /// A drop-down's options (`name`, `value` tag), as sent.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub custom_field_options: Vec<Value>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A custom ticket status (`custom_status`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomStatus {
    /// The id (a ticket's `custom_status_id`).
    pub id: u64,
    /// The category it refines.
    #[serde(default)]
    pub status_category: Option<StatusCategory>,
    /// The label agents see.
    #[serde(default)]
    pub agent_label: Option<String>,
    /// The label end users see.
    #[serde(default)]
    pub end_user_label: Option<String>,
    /// Whether it is active.
    #[serde(default)]
    pub active: Option<bool>,
    /// Whether it is its category's default.
    #[serde(default)]
    pub default: Option<bool>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}
