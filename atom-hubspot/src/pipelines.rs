//! Pipelines and stages (deals, tickets), and moving a record to a stage validated
//! against its pipeline.
//!
//! ```no_run
//! # async fn demo(client: atom_hubspot::Client) -> atom_core::Result<()> {
//! let pipelines = client.pipelines("deals");
//! let moved = pipelines.move_to_stage("512", "default", "contractsent").await?;
//! assert_eq!(moved.dealstage(), Some("contractsent"));
//! # Ok(()) }
//! ```

use atom_core::{Checkpoint, Error, ErrorKind, Paginator, Request, Result};

use crate::client::Client;
use crate::models::{
    CrmObject, ObjectUpdateParams, Pipeline, PipelineCreateParams, PipelineStage,
    PipelineUpdateParams, StageCreateParams,
};
use crate::objects::Objects;
use crate::pagination;
use crate::{SERVICE, validate};

/// The pipelines of one object type.
#[derive(Debug, Clone)]
pub struct Pipelines {
    client: Client,
    object_type: String,
}

impl Pipelines {
    pub(crate) fn new(client: Client, object_type: impl Into<String>) -> Self {
        Self {
            client,
            object_type: object_type.into(),
        }
    }

    fn base(&self) -> Result<String> {
        Ok(format!(
            "/crm/v3/pipelines/{}",
            validate::object_type(&self.object_type)?
        ))
    }

    fn pipeline_path(&self, pipeline_id: &str) -> Result<String> {
        Ok(format!(
            "{}/{}",
            self.base()?,
            validate::id("pipeline id", pipeline_id)?
        ))
    }

    /// `GET /crm/v3/pipelines/{type}`: every pipeline with its stages (one page).
    pub fn list(&self) -> Paginator<Pipeline> {
        self.list_from(Checkpoint::default())
    }

    /// [`Pipelines::list`] from a checkpoint.
    pub fn list_from(&self, from: Checkpoint) -> Paginator<Pipeline> {
        let first = self.base().map(|base| {
            Request::get(base)
                .operation("pipelines.list")
                .path_template("/crm/v3/pipelines/{objectType}")
        });
        pagination::list(&self.client, first, from)
    }

    /// `GET /crm/v3/pipelines/{type}/{pipelineId}`.
    pub async fn get(&self, pipeline_id: &str) -> Result<Pipeline> {
        let request = Request::get(self.pipeline_path(pipeline_id)?)
            .operation("pipelines.get")
            .path_template("/crm/v3/pipelines/{objectType}/{pipelineId}");
        self.client.send_json(request).await
    }

    /// `POST /crm/v3/pipelines/{type}`.
    pub async fn create(&self, params: &PipelineCreateParams) -> Result<Pipeline> {
        if params.label.trim().is_empty() || params.stages.is_empty() {
            return Err(Error::config(
                SERVICE,
                "a pipeline needs a label and at least one stage",
            ));
        }
        let request = Request::post(self.base()?)
            .operation("pipelines.create")
            .path_template("/crm/v3/pipelines/{objectType}")
            .json(params);
        self.client.send_json(request).await
    }

    /// `PATCH /crm/v3/pipelines/{type}/{pipelineId}`.
    pub async fn update(
        &self,
        pipeline_id: &str,
        params: &PipelineUpdateParams,
    ) -> Result<Pipeline> {
        let request = Request::patch(self.pipeline_path(pipeline_id)?)
            .operation("pipelines.update")
            .path_template("/crm/v3/pipelines/{objectType}/{pipelineId}")
            .json(params);
        self.client.send_json(request).await
    }

    /// `POST /crm/v3/pipelines/{type}/{pipelineId}/stages`.
    pub async fn create_stage(
        &self,
        pipeline_id: &str,
        params: &StageCreateParams,
    ) -> Result<PipelineStage> {
        if params.label.trim().is_empty() {
            return Err(Error::config(SERVICE, "a stage needs a label"));
        }
        let request = Request::post(format!("{}/stages", self.pipeline_path(pipeline_id)?))
            .operation("pipelines.create_stage")
            .path_template("/crm/v3/pipelines/{objectType}/{pipelineId}/stages")
            .json(params);
        self.client.send_json(request).await
    }

    /// `PATCH /crm/v3/pipelines/{type}/{pipelineId}/stages/{stageId}`.
    pub async fn update_stage(
        &self,
        pipeline_id: &str,
        stage_id: &str,
        params: &StageCreateParams,
    ) -> Result<PipelineStage> {
        let request = Request::patch(format!(
            "{}/stages/{}",
            self.pipeline_path(pipeline_id)?,
            validate::id("stage id", stage_id)?
        ))
        .operation("pipelines.update_stage")
        .path_template("/crm/v3/pipelines/{objectType}/{pipelineId}/stages/{stageId}")
        .json(params);
        self.client.send_json(request).await
    }

    /// Moves a record (a deal, a ticket) to `stage_id` of `pipeline_id`, after checking
    /// that the pipeline has that stage and it is not archived: a stage id from another
    /// pipeline is refused with `InvalidRequest` before the record is touched. Sets the
    /// `pipeline` and the stage property (`dealstage`, or `hs_pipeline_stage` for
    /// tickets) together.
    pub async fn move_to_stage(
        &self,
        record_id: &str,
        pipeline_id: &str,
        stage_id: &str,
    ) -> Result<CrmObject> {
        validate::id("record id", record_id)?;
        let pipeline = self.get(pipeline_id).await?;
        check_stage(&pipeline, stage_id)?;
        let (pipeline_property, stage_property) = match self.object_type.as_str() {
            "tickets" | "0-5" => ("hs_pipeline", "hs_pipeline_stage"),
            "deals" | "0-3" => ("pipeline", "dealstage"),
            _ => ("hs_pipeline", "hs_pipeline_stage"),
        };
        let update = ObjectUpdateParams::new()
            .property(pipeline_property, pipeline_id)
            .property(stage_property, stage_id);
        Objects::new(self.client.clone(), self.object_type.clone())
            .update(record_id, &update)
            .await
    }
}

/// Refuses a stage the pipeline does not have, or has archived.
pub fn check_stage<'a>(pipeline: &'a Pipeline, stage_id: &str) -> Result<&'a PipelineStage> {
    match pipeline.stage(stage_id) {
        Some(stage) if !stage.archived => Ok(stage),
        Some(_) => Err(Error::new(
            ErrorKind::InvalidRequest,
            SERVICE,
            format!(
                "stage {stage_id:?} of pipeline {:?} is archived",
                pipeline.id
            ),
        )),
        None => Err(Error::new(
            ErrorKind::InvalidRequest,
            SERVICE,
            format!(
                "pipeline {:?} has no stage {stage_id:?} (its stages: {})",
                pipeline.id,
                pipeline
                    .stages
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}
