//! Typed resources. Unknown fields are kept in [`atom_core::Extra`]; values HubSpot may
//! extend are string enums with an `Other` arm.

mod association;
pub(crate) mod batch;
mod campaign;
mod object;
mod owner;
mod pipeline;
mod property;
mod time;

pub use association::{
    Association, AssociationBatchInput, AssociationCategory, AssociationInput, AssociationLabel,
    AssociationSpec, AssociationType, LabelsBetween, ObjectRef, RecordAssociations, types,
};
pub use batch::{BatchResult, BatchStatus};
pub use campaign::{
    Campaign, CampaignMetrics, CampaignParams, CampaignRevenue, EmailStatistics,
    EmailStatisticsReport,
};
pub(crate) use object::id_text;
pub use object::{
    AssociatedId, AssociatedIds, CrmObject, LifecycleStage, ObjectCreateParams, ObjectUpdateParams,
    PropertyVersion,
};
pub use owner::{Owner, Team};
pub use pipeline::{
    Pipeline, PipelineCreateParams, PipelineStage, PipelineUpdateParams, StageCreateParams,
};
pub use property::{
    Property, PropertyCreateParams, PropertyGroup, PropertyGroupCreateParams, PropertyOption,
};
pub(crate) use time::lenient as lenient_timestamp;
pub use time::parse_timestamp;

// Fields of these types must be present: their absence is a decode error.
atom_core::model_required!(association::AssociationCategory, association::ObjectRef);
