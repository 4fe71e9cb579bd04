//! Typed Zendesk resources.
//!
//! Every model keeps the fields it does not name in `extra` ([`atom_core::Extra`]), exactly
//! as Zendesk sent them, so a new field never breaks decoding and nothing is lost on the way
//! through. Enums that mirror Zendesk values (status, priority, type, role, score) have an
//! `Other(String)` arm for values this version does not know. Custom fields are kept by id
//! with typed values ([`CustomField`]).

mod common;
mod help_center;
mod job;
mod satisfaction;
mod ticket;
mod user;

pub use common::{CustomField, FieldValue, Via};
pub use help_center::{Article, Category, Label, Section};
pub use job::{JobResult, JobState, JobStatus};
pub use satisfaction::{SatisfactionRating, SatisfactionScore};
pub use ticket::{
    Comment, CustomStatus, Priority, StatusCategory, Ticket, TicketAudit, TicketField,
    TicketStatus, TicketType,
};
pub use user::{Identity, Organization, OrganizationMembership, Role, User};
