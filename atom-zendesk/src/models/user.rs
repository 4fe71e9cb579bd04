//! Users, identities, organizations and memberships.

use chrono::{DateTime, Utc};
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

atom_core::model! {
    /// A user (`user`).
    pub struct User {
        /// The id.
        pub id: u64,
        /// The API URL.
        pub url: Option<String>,
        /// The name.
        pub name: Option<String>,
        /// The primary email.
        pub email: Option<String>,
        /// The id in another system.
        pub external_id: Option<String>,
        /// The role.
        pub role: Option<Role>,
        /// The default organization.
        pub organization_id: Option<u64>,
        /// The phone.
        pub phone: Option<String>,
        /// Whether the user is active (not deleted).
        pub active: Option<bool>,
        /// Whether the user is suspended.
        pub suspended: Option<bool>,
        /// Whether an identity is verified.
        pub verified: Option<bool>,
        /// Tags.
        @deserialize_with(super::common::null_default)
        pub tags: Vec<String>,
        /// The time zone.
        pub time_zone: Option<String>,
        /// The locale.
        pub locale: Option<String>,
        /// Custom user fields by key.
        @deserialize_with(super::common::null_default)
        @default(Default::default())
        pub user_fields: Map<String, Value>,
        /// Created.
        pub created_at: Option<DateTime<Utc>>,
        /// Last updated.
        pub updated_at: Option<DateTime<Utc>>,
    }
}

atom_core::model! {
    /// One of a user's identities (`identity`): an email, phone, X, Facebook or Google account.
    pub struct Identity {
        /// The id.
        pub id: u64,
        /// The user.
        pub user_id: Option<u64>,
        /// `email`, `phone_number`, `twitter`, `facebook`, `google`, ...
        @rename("type")
        pub identity_type: Option<String>,
        /// The address or handle.
        pub value: Option<String>,
        /// Whether it is verified.
        pub verified: Option<bool>,
        /// Whether it is the primary one of its type.
        pub primary: Option<bool>,
    }
}

atom_core::model! {
    /// An organization (`organization`).
    pub struct Organization {
        /// The id.
        pub id: u64,
        /// The API URL.
        pub url: Option<String>,
        /// The unique name.
        pub name: Option<String>,
        /// The id in another system.
        pub external_id: Option<String>,
        /// Email domains whose users join it.
        @deserialize_with(super::common::null_default)
        pub domain_names: Vec<String>,
        /// The default group of its tickets.
        pub group_id: Option<u64>,
        /// Details.
        pub details: Option<String>,
        /// Notes.
        pub notes: Option<String>,
        /// Tags.
        @deserialize_with(super::common::null_default)
        pub tags: Vec<String>,
        /// Custom organization fields by key.
        @deserialize_with(super::common::null_default)
        @default(Default::default())
        pub organization_fields: Map<String, Value>,
        /// Created.
        pub created_at: Option<DateTime<Utc>>,
        /// Last updated.
        pub updated_at: Option<DateTime<Utc>>,
    }
}

atom_core::model! {
    /// A user's membership of an organization (`organization_membership`).
    pub struct OrganizationMembership {
        /// The id.
        pub id: u64,
        /// The user.
        pub user_id: Option<u64>,
        /// The organization.
        pub organization_id: Option<u64>,
        /// Whether it is the user's default organization.
        pub default: Option<bool>,
        /// Created.
        pub created_at: Option<DateTime<Utc>>,
    }
}
