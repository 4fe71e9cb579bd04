//! Tickets, comments, audits, ticket fields and custom statuses.

use chrono::{DateTime, Utc};
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

atom_core::model! {
    /// A ticket (`ticket`).
    pub struct Ticket {
        /// The id.
        pub id: u64,
        /// The API URL.
        pub url: Option<String>,
        /// The id in another system.
        pub external_id: Option<String>,
        /// The type.
        @rename("type")
        pub ticket_type: Option<TicketType>,
        /// The subject.
        pub subject: Option<String>,
        /// The subject with dynamic content placeholders.
        pub raw_subject: Option<String>,
        /// The first comment's text.
        pub description: Option<String>,
        /// The priority.
        pub priority: Option<Priority>,
        /// The status.
        pub status: Option<TicketStatus>,
        /// The custom status, when the account uses them.
        pub custom_status_id: Option<u64>,
        /// The address the request was sent to.
        pub recipient: Option<String>,
        /// The requester.
        pub requester_id: Option<u64>,
        /// Who submitted it.
        pub submitter_id: Option<u64>,
        /// The assigned agent.
        pub assignee_id: Option<u64>,
        /// The organization.
        pub organization_id: Option<u64>,
        /// The group.
        pub group_id: Option<u64>,
        /// The brand.
        pub brand_id: Option<u64>,
        /// CC'd users.
        @deserialize_with(super::common::null_default)
        pub collaborator_ids: Vec<u64>,
        /// Followers.
        @deserialize_with(super::common::null_default)
        pub follower_ids: Vec<u64>,
        /// Email CCs.
        @deserialize_with(super::common::null_default)
        pub email_cc_ids: Vec<u64>,
        /// The problem an incident belongs to.
        pub problem_id: Option<u64>,
        /// Whether a problem has incidents.
        pub has_incidents: Option<bool>,
        /// Whether any comment is public.
        pub is_public: Option<bool>,
        /// A task's due date.
        pub due_at: Option<DateTime<Utc>>,
        /// Tags.
        @deserialize_with(super::common::null_default)
        pub tags: Vec<String>,
        /// How it was created.
        pub via: Option<Via>,
        /// Custom field values by id.
        @deserialize_with(super::common::null_default)
        pub custom_fields: Vec<CustomField>,
        /// The satisfaction rating as the ticket carries it.
        pub satisfaction_rating: Option<Value>,
        /// Created.
        pub created_at: Option<DateTime<Utc>>,
        /// Last updated.
        pub updated_at: Option<DateTime<Utc>>,
    }
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

atom_core::model! {
    /// A ticket comment (`comment`).
    pub struct Comment {
        /// The id.
        pub id: u64,
        /// `Comment` or `VoiceComment`.
        @rename("type")
        pub comment_type: Option<String>,
        /// The text.
        pub body: Option<String>,
        /// The HTML.
        pub html_body: Option<String>,
        /// The text without markup.
        pub plain_body: Option<String>,
        /// Whether the requester sees it (`false`: an internal note).
        pub public: Option<bool>,
        /// The author.
        pub author_id: Option<u64>,
        /// The audit that added it.
        pub audit_id: Option<u64>,
        /// Attachments, as sent.
        @deserialize_with(super::common::null_default)
        pub attachments: Vec<Value>,
        /// How it was added.
        pub via: Option<Via>,
        /// Created.
        pub created_at: Option<DateTime<Utc>>,
    }
}

atom_core::model! {
    /// The audit a ticket change produced (`audit`), with its events as sent.
    pub struct TicketAudit {
        /// The id.
        pub id: Option<u64>,
        /// The ticket.
        pub ticket_id: Option<u64>,
        /// Who made the change.
        pub author_id: Option<u64>,
        /// What changed (`Create`, `Change`, `Comment`, `Notification` events).
        @deserialize_with(super::common::null_default)
        pub events: Vec<Value>,
        /// Created.
        pub created_at: Option<DateTime<Utc>>,
    }
}

atom_core::model! {
    /// A ticket field (`ticket_field`): its id is what a [`CustomField`] names.
    pub struct TicketField {
        /// The id.
        pub id: u64,
        /// `text`, `textarea`, `checkbox`, `date`, `integer`, `decimal`, `regexp`, `tagger`,
        /// `multiselect`, or a system type (`subject`, `status`, ...).
        @rename("type")
        pub field_type: Option<String>,
        /// The title agents see.
        pub title: Option<String>,
        /// The key in the API, for some system fields.
        pub key: Option<String>,
        /// Whether it is active.
        pub active: Option<bool>,
        /// Whether agents must fill it to solve.
        pub required: Option<bool>,
        /// Whether it is a system field.
        pub removable: Option<bool>,
        /// A drop-down's options (`name`, `value` tag), as sent.
        @deserialize_with(super::common::null_default)
        pub custom_field_options: Vec<Value>,
    }
}

atom_core::model! {
    /// A custom ticket status (`custom_status`).
    pub struct CustomStatus {
        /// The id (a ticket's `custom_status_id`).
        pub id: u64,
        /// The category it refines.
        pub status_category: Option<StatusCategory>,
        /// The label agents see.
        pub agent_label: Option<String>,
        /// The label end users see.
        pub end_user_label: Option<String>,
        /// Whether it is active.
        pub active: Option<bool>,
        /// Whether it is its category's default.
        pub default: Option<bool>,
    }
}
