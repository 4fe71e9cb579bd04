//! Users, identities, organizations and memberships.

use atom_core::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

atom_core::string_enum! {
    /// A user's role.
    #[non_exhaustive]
    pub enum Role {
        /// A customer.
        EndUser = "end-user",
        /// An agent.
        Agent = "agent",
        /// An administrator.
        Admin = "admin",
    }
}

/// A user (`user`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The id.
    pub id: u64,
    /// The API URL.
    #[serde(default)]
    pub url: Option<String>,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// The primary email.
    #[serde(default)]
    pub email: Option<String>,
    /// The id in another system.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The role.
    #[serde(default)]
    pub role: Option<Role>,
    /// The default organization.
    #[serde(default)]
    pub organization_id: Option<u64>,
    /// The phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Whether the user is active (not deleted).
    #[serde(default)]
    pub active: Option<bool>,
    /// Whether the user is suspended.
    #[serde(default)]
    pub suspended: Option<bool>,
    /// Whether an identity is verified.
    #[serde(default)]
    pub verified: Option<bool>,
    /// Tags.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub tags: Vec<String>,
    /// The time zone.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The locale.
    #[serde(default)]
    pub locale: Option<String>,
    /// Custom user fields by key.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub user_fields: Map<String, Value>,
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

/// One of a user's identities (`identity`): an email, phone, X, Facebook or Google account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Identity {
    /// The id.
    pub id: u64,
    /// The user.
    #[serde(default)]
    pub user_id: Option<u64>,
    /// `email`, `phone_number`, `twitter`, `facebook`, `google`, ...
    #[serde(default, rename = "type")]
    pub identity_type: Option<String>,
    /// The address or handle.
    #[serde(default)]
    pub value: Option<String>,
    /// Whether it is verified.
    #[serde(default)]
    pub verified: Option<bool>,
    /// Whether it is the primary one of its type.
    #[serde(default)]
    pub primary: Option<bool>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An organization (`organization`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Organization {
    /// The id.
    pub id: u64,
    /// The API URL.
    #[serde(default)]
    pub url: Option<String>,
    /// The unique name.
    #[serde(default)]
    pub name: Option<String>,
    /// The id in another system.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Email domains whose users join it.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub domain_names: Vec<String>,
    /// The default group of its tickets.
    #[serde(default)]
    pub group_id: Option<u64>,
    /// Details.
    #[serde(default)]
    pub details: Option<String>,
    /// Notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Tags.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub tags: Vec<String>,
    /// Custom organization fields by key.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub organization_fields: Map<String, Value>,
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

/// A user's membership of an organization (`organization_membership`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationMembership {
    /// The id.
    pub id: u64,
    /// The user.
    #[serde(default)]
    pub user_id: Option<u64>,
    /// The organization.
    #[serde(default)]
    pub organization_id: Option<u64>,
    /// Whether it is the user's default organization.
    #[serde(default)]
    pub default: Option<bool>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}
