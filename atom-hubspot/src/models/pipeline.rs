//! Pipelines and their stages (deals, tickets).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::object::id_text;
use super::time::lenient;

atom_core::model! {
    /// A pipeline with its stages.
    pub struct Pipeline {
        /// The pipeline id (`default` for the first deal pipeline).
        @deserialize_with(id_text)
        pub id: String,
        /// Its label.
        @default(Default::default())
        pub label: String,
        /// Its place among the pipelines.
        @rename("displayOrder")
        @default(Default::default())
        pub display_order: i64,
        /// Its stages.
        pub stages: Vec<PipelineStage>,
        /// Whether it is archived.
        @default(Default::default())
        pub archived: bool,
        /// When it was created.
        @rename("createdAt")
        @deserialize_with(lenient)
        pub created_at: Option<DateTime<Utc>>,
        /// When it last changed.
        @rename("updatedAt")
        @deserialize_with(lenient)
        pub updated_at: Option<DateTime<Utc>>,
    }
}

impl Pipeline {
    /// The stage with this id, if the pipeline has it (archived stages included).
    pub fn stage(&self, stage_id: &str) -> Option<&PipelineStage> {
        self.stages.iter().find(|s| s.id == stage_id)
    }
}

atom_core::model! {
    /// One stage of a pipeline.
    pub struct PipelineStage {
        /// The stage id (`appointmentscheduled`, `closedwon`, or a number).
        @deserialize_with(id_text)
        pub id: String,
        /// Its label.
        @default(Default::default())
        pub label: String,
        /// Its place in the pipeline.
        @rename("displayOrder")
        @default(Default::default())
        pub display_order: i64,
        /// `metadata`: for deal stages `probability` (`"0.2"`) and `isClosed` (`"true"`); for
        /// ticket stages `ticketState` (`OPEN`, `CLOSED`).
        @default(Default::default())
        pub metadata: Map<String, Value>,
        /// Whether it is archived.
        @default(Default::default())
        pub archived: bool,
        /// Who may move records into it.
        @rename("writePermissions")
        pub write_permissions: Option<String>,
        /// When it was created.
        @rename("createdAt")
        @deserialize_with(lenient)
        pub created_at: Option<DateTime<Utc>>,
        /// When it last changed.
        @rename("updatedAt")
        @deserialize_with(lenient)
        pub updated_at: Option<DateTime<Utc>>,
    }
}

impl PipelineStage {
    fn meta(&self, name: &str) -> Option<String> {
        match self.metadata.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Whether the stage closes the record (`isClosed`, or a ticket's `ticketState: CLOSED`).
    pub fn is_closed(&self) -> bool {
        self.meta("isClosed")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || self
                .meta("ticketState")
                .is_some_and(|v| v.eq_ignore_ascii_case("closed"))
    }

    /// The deal stage's win probability (`"1.0"` for won, `"0.0"` for lost).
    pub fn probability(&self) -> Option<atom_core::Decimal> {
        self.meta("probability").and_then(|p| p.trim().parse().ok())
    }

    /// A closed stage with probability 1: won.
    pub fn is_won(&self) -> bool {
        self.is_closed()
            && self.probability().is_some_and(|p| {
                p.cmp_value(&atom_core::Decimal::from(1)) == Some(std::cmp::Ordering::Equal)
            })
    }

    /// A closed stage with probability 0: lost.
    pub fn is_lost(&self) -> bool {
        self.is_closed() && self.probability().is_some_and(|p| p.is_zero())
    }
}

/// A stage to create (`PipelineStageInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StageCreateParams {
    /// Its label.
    pub label: String,
    /// Its place in the pipeline.
    #[serde(rename = "displayOrder")]
    pub display_order: i64,
    /// Its metadata (deal stages need `probability`; ticket stages `ticketState`).
    pub metadata: Map<String, Value>,
}

impl StageCreateParams {
    /// A deal stage with a win probability (`"0.2"`; `"1.0"` and `"0.0"` close the deal
    /// as won and lost).
    pub fn deal_stage(label: impl Into<String>, display_order: i64, probability: &str) -> Self {
        let mut metadata = Map::new();
        metadata.insert("probability".into(), Value::String(probability.to_owned()));
        Self {
            label: label.into(),
            display_order,
            metadata,
        }
    }
}

/// A pipeline to create (`PipelineInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PipelineCreateParams {
    /// Its label.
    pub label: String,
    /// Its place among the pipelines.
    #[serde(rename = "displayOrder")]
    pub display_order: i64,
    /// Its stages (at least one).
    pub stages: Vec<StageCreateParams>,
}

/// Changes to a pipeline (`PipelinePatchInput`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PipelineUpdateParams {
    /// A new label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A new place.
    #[serde(rename = "displayOrder", skip_serializing_if = "Option::is_none")]
    pub display_order: Option<i64>,
    /// Archive (`true`) or restore.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}
