//! Owners: the users records are assigned to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::object::id_text;
use super::time::lenient;

atom_core::model! {
    /// An owner (`GET /crm/v3/owners`).
    pub struct Owner {
        /// The owner id (the value of `hubspot_owner_id`).
        @deserialize_with(id_text)
        pub id: String,
        /// Email.
        pub email: Option<String>,
        /// First name.
        @rename("firstName")
        pub first_name: Option<String>,
        /// Last name.
        @rename("lastName")
        pub last_name: Option<String>,
        /// The user id behind the owner.
        @rename("userId")
        pub user_id: Option<i64>,
        /// Teams.
        pub teams: Vec<Team>,
        /// Whether the owner is archived (deactivated user).
        @default(Default::default())
        pub archived: bool,
        /// When created.
        @rename("createdAt")
        @deserialize_with(lenient)
        pub created_at: Option<DateTime<Utc>>,
        /// When last changed.
        @rename("updatedAt")
        @deserialize_with(lenient)
        pub updated_at: Option<DateTime<Utc>>,
    }
}

/// A team an owner belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Team {
    /// The team id.
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Whether it is the owner's primary team.
    #[serde(default)]
    pub primary: bool,
}
