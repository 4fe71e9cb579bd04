//! Associations (v4): typed links between records, with labels.

use serde::{Deserialize, Serialize};

use super::object::id_text;

atom_core::string_enum! {
    /// Who defined an association type.
    pub enum AssociationCategory {
        /// HubSpot's own types (contact → company is 1).
        HubSpotDefined = "HUBSPOT_DEFINED",
        /// Labels the portal's users made.
        UserDefined = "USER_DEFINED",
        /// Types an integration made.
        IntegratorDefined = "INTEGRATOR_DEFINED",
        /// Work associations.
        Work = "WORK",
    }
}

/// An association type as sent in a request (`associationCategory`, `associationTypeId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssociationSpec {
    /// Who defined the type.
    #[serde(rename = "associationCategory")]
    pub category: AssociationCategory,
    /// The type id.
    #[serde(rename = "associationTypeId")]
    pub type_id: i64,
}

impl AssociationSpec {
    /// A type by category and id.
    pub fn new(category: AssociationCategory, type_id: i64) -> Self {
        Self { category, type_id }
    }

    /// One of HubSpot's built-in types.
    pub fn hubspot(type_id: i64) -> Self {
        Self::new(AssociationCategory::HubSpotDefined, type_id)
    }

    /// A label the portal defined.
    pub fn user(type_id: i64) -> Self {
        Self::new(AssociationCategory::UserDefined, type_id)
    }
}

/// HubSpot's built-in association type ids of the common pairs.
pub mod types {
    /// Contact → company (primary).
    pub const CONTACT_TO_COMPANY_PRIMARY: i64 = 1;
    /// Contact → company.
    pub const CONTACT_TO_COMPANY: i64 = 279;
    /// Company → contact.
    pub const COMPANY_TO_CONTACT: i64 = 280;
    /// Contact → deal.
    pub const CONTACT_TO_DEAL: i64 = 4;
    /// Deal → contact.
    pub const DEAL_TO_CONTACT: i64 = 3;
    /// Deal → company (primary).
    pub const DEAL_TO_COMPANY_PRIMARY: i64 = 5;
    /// Deal → company.
    pub const DEAL_TO_COMPANY: i64 = 341;
    /// Company → deal.
    pub const COMPANY_TO_DEAL: i64 = 342;
    /// Ticket → contact.
    pub const TICKET_TO_CONTACT: i64 = 16;
    /// Contact → ticket.
    pub const CONTACT_TO_TICKET: i64 = 15;
}

/// An association made with a create (`associations[]` of the create body).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssociationInput {
    /// The other record.
    pub to: ObjectRef,
    /// The types.
    pub types: Vec<AssociationSpec>,
}

impl AssociationInput {
    /// To record `id` with one type.
    pub fn new(id: impl Into<String>, spec: AssociationSpec) -> Self {
        Self {
            to: ObjectRef::new(id),
            types: vec![spec],
        }
    }
}

/// `{"id": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    /// The record id.
    #[serde(deserialize_with = "id_text")]
    pub id: String,
}

impl ObjectRef {
    /// A reference to record `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into() }
    }
}

atom_core::model! {
    /// An association type on an answer (`category`, `typeId`, `label`).
    pub struct AssociationType {
        /// Who defined the type.
        pub category: AssociationCategory,
        /// The type id.
        @rename("typeId")
        pub type_id: i64,
        /// The label (`None` for unlabelled types).
        pub label: Option<String>,
    }
}

atom_core::model! {
    /// A record associated with another, and how (`MultiAssociatedObjectWithLabel`).
    pub struct Association {
        /// The other record.
        @rename("toObjectId")
        @deserialize_with(id_text)
        pub to_object_id: String,
        /// The types linking them.
        @rename("associationTypes")
        pub types: Vec<AssociationType>,
    }
}

atom_core::model! {
    /// The labels between two records, as a create returns them (`LabelsBetweenObjectPair`).
    pub struct LabelsBetween {
        /// The first record's type id (`0-1`).
        @rename("fromObjectTypeId")
        pub from_object_type_id: Option<String>,
        /// The first record.
        @rename("fromObjectId")
        @deserialize_with(id_text)
        pub from_object_id: String,
        /// The second record's type id.
        @rename("toObjectTypeId")
        pub to_object_type_id: Option<String>,
        /// The second record.
        @rename("toObjectId")
        @deserialize_with(id_text)
        pub to_object_id: String,
        /// The labels.
        pub labels: Vec<String>,
    }
}

atom_core::model! {
    /// An association label definition (`GET /crm/v4/associations/{from}/{to}/labels`).
    pub struct AssociationLabel {
        /// Who defined it.
        pub category: AssociationCategory,
        /// Its type id.
        @rename("typeId")
        pub type_id: i64,
        /// Its label (`None` for the unlabelled default).
        pub label: Option<String>,
    }
}

/// One pair of a batch association create.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssociationBatchInput {
    /// The first record.
    pub from: ObjectRef,
    /// The second record.
    pub to: ObjectRef,
    /// The types (empty for a default association).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<AssociationSpec>,
}

impl AssociationBatchInput {
    /// A pair with the given types (none: the default association).
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        types: Vec<AssociationSpec>,
    ) -> Self {
        Self {
            from: ObjectRef::new(from),
            to: ObjectRef::new(to),
            types,
        }
    }
}

atom_core::model! {
    /// The associations of one record, from a batch read (`PublicAssociationMultiWithLabel`).
    pub struct RecordAssociations {
        /// The record.
        pub from: ObjectRef,
        /// Its associated records.
        pub to: Vec<Association>,
    }
}
