//! Associations v4: list, create (default or labelled), delete, batch, and labels.
//!
//! ```no_run
//! # async fn demo(client: atom_hubspot::Client) -> atom_core::Result<()> {
//! use atom_hubspot::models::{AssociationSpec, types};
//! use futures::TryStreamExt as _;
//! let links = client.associations();
//! links.create_default("deals", "512", "contacts", "101").await?;
//! links
//!     .create("deals", "512", "companies", "77", &[AssociationSpec::hubspot(types::DEAL_TO_COMPANY_PRIMARY)])
//!     .await?;
//! let contacts: Vec<_> = links.list("deals", "512", "contacts").try_collect().await?;
//! # let _ = contacts; Ok(()) }
//! ```

use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use serde::Serialize;
use serde_json::{Value, json};

use crate::client::Client;
use crate::models::batch::BatchBody;
use crate::models::{
    Association, AssociationBatchInput, AssociationLabel, AssociationSpec, BatchResult,
    LabelsBetween, RecordAssociations,
};
use crate::pagination;
use crate::{SERVICE, validate};

/// The most pairs in one batch call.
pub const BATCH_LIMIT: usize = 100;

/// The associations handler.
#[derive(Debug, Clone)]
pub struct Associations {
    client: Client,
}

fn record(from_type: &str, from_id: &str) -> Result<String> {
    Ok(format!(
        "/crm/v4/objects/{}/{}/associations",
        validate::object_type(from_type)?,
        validate::id("record id", from_id)?
    ))
}

fn pair(from_type: &str, to_type: &str) -> Result<String> {
    Ok(format!(
        "/crm/v4/associations/{}/{}",
        validate::object_type(from_type)?,
        validate::object_type(to_type)?
    ))
}

impl Associations {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `GET /crm/v4/objects/{type}/{id}/associations/{toType}`: the records of `to_type`
    /// associated with the record, with their types and labels.
    pub fn list(&self, from_type: &str, from_id: &str, to_type: &str) -> Paginator<Association> {
        self.list_from(from_type, from_id, to_type, Checkpoint::default())
    }

    /// [`Associations::list`] from a checkpoint.
    pub fn list_from(
        &self,
        from_type: &str,
        from_id: &str,
        to_type: &str,
        from: Checkpoint,
    ) -> Paginator<Association> {
        let first = (|| {
            Ok(Request::get(format!(
                "{}/{}",
                record(from_type, from_id)?,
                validate::object_type(to_type)?
            ))
            .operation("associations.list")
            .path_template("/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}")
            .query("limit", "500"))
        })();
        pagination::list(&self.client, first, from)
    }

    /// `PUT /crm/v4/objects/{type}/{id}/associations/default/{toType}/{toId}`: the
    /// default (unlabelled) association.
    pub async fn create_default(
        &self,
        from_type: &str,
        from_id: &str,
        to_type: &str,
        to_id: &str,
    ) -> Result<()> {
        let path = format!(
            "/crm/v4/objects/{}/{}/associations/default/{}/{}",
            validate::object_type(from_type)?,
            validate::id("record id", from_id)?,
            validate::object_type(to_type)?,
            validate::id("record id", to_id)?
        );
        let request = Request::put(path)
            .operation("associations.create_default")
            .path_template(
                "/crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}",
            );
        self.client.send_empty(request).await
    }

    /// `PUT /crm/v4/objects/{type}/{id}/associations/{toType}/{toId}`: an association of
    /// the given types (labels).
    pub async fn create(
        &self,
        from_type: &str,
        from_id: &str,
        to_type: &str,
        to_id: &str,
        types: &[AssociationSpec],
    ) -> Result<LabelsBetween> {
        if types.is_empty() {
            return Err(Error::config(
                SERVICE,
                "an association needs at least one type (use create_default for the default)",
            ));
        }
        let path = format!(
            "{}/{}/{}",
            record(from_type, from_id)?,
            validate::object_type(to_type)?,
            validate::id("record id", to_id)?
        );
        let request = Request::put(path)
            .operation("associations.create")
            .path_template(
                "/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}",
            )
            .json(types);
        self.client.send_json(request).await
    }

    /// `DELETE /crm/v4/objects/{type}/{id}/associations/{toType}/{toId}`: removes every
    /// association between the two records.
    pub async fn delete(
        &self,
        from_type: &str,
        from_id: &str,
        to_type: &str,
        to_id: &str,
    ) -> Result<()> {
        let path = format!(
            "{}/{}/{}",
            record(from_type, from_id)?,
            validate::object_type(to_type)?,
            validate::id("record id", to_id)?
        );
        let request = Request::delete(path)
            .operation("associations.delete")
            .path_template(
                "/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}",
            );
        self.client.send_empty(request).await
    }

    /// `POST /crm/v4/associations/{fromType}/{toType}/batch/create` (or
    /// `batch/associate/default` when every input has no types), 100 pairs a call, one
    /// result per input in input order.
    pub async fn batch_create(
        &self,
        from_type: &str,
        to_type: &str,
        inputs: &[AssociationBatchInput],
    ) -> Result<BatchResult<()>> {
        if inputs.is_empty() {
            return Err(Error::config(
                SERVICE,
                "a batch create needs at least one pair",
            ));
        }
        for input in inputs {
            validate::body_id("record id", &input.from.id)?;
            validate::body_id("record id", &input.to.id)?;
        }
        let base = pair(from_type, to_type)?;
        let defaults = inputs.iter().all(|i| i.types.is_empty());
        if !defaults && inputs.iter().any(|i| i.types.is_empty()) {
            return Err(Error::config(
                SERVICE,
                "a batch mixes default and typed pairs: send them in two calls",
            ));
        }
        let (path, template, operation) = if defaults {
            (
                format!("{base}/batch/associate/default"),
                "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default",
                "associations.batch_default",
            )
        } else {
            (
                format!("{base}/batch/create"),
                "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create",
                "associations.batch_create",
            )
        };
        let mut items = Vec::with_capacity(inputs.len());
        let mut requests = 0;
        for chunk in inputs.chunks(BATCH_LIMIT) {
            requests += 1;
            let request = Request::post(path.clone())
                .operation(operation)
                .path_template(template)
                .json(&json!({ "inputs": chunk }));
            match self.client.send(request).await {
                Ok(response) => {
                    // No body: nothing refused. A body that does not read: nothing known.
                    let body = if response.body.is_empty() {
                        Ok(BatchBody {
                            results: Vec::new(),
                            errors: Vec::new(),
                        })
                    } else {
                        response.json::<BatchBody<Value>>()
                    };
                    match body {
                        Ok(body) => items.extend(pair_outcomes(chunk, &body)),
                        Err(e) => items.extend(chunk.iter().map(|_| Err(e.clone()))),
                    }
                }
                Err(e) => items.extend(chunk.iter().map(|_| Err(e.clone()))),
            }
        }
        Ok(BatchResult { items, requests })
    }

    /// `POST /crm/v4/associations/{fromType}/{toType}/batch/read`: the associations of many
    /// records, one entry per input id in input order (a record without associations
    /// gets an empty list).
    pub async fn batch_read<S: AsRef<str>>(
        &self,
        from_type: &str,
        to_type: &str,
        ids: &[S],
    ) -> Result<BatchResult<RecordAssociations>> {
        if ids.is_empty() {
            return Err(Error::config(SERVICE, "a batch read needs at least one id"));
        }
        let ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
        for id in &ids {
            validate::body_id("record id", id)?;
        }
        let path = format!("{}/batch/read", pair(from_type, to_type)?);
        let mut items = Vec::with_capacity(ids.len());
        let mut requests = 0;
        for chunk in ids.chunks(BATCH_LIMIT) {
            requests += 1;
            let inputs: Vec<Value> = chunk.iter().map(|id| json!({ "id": id })).collect();
            let request = Request::post(path.clone())
                .operation("associations.batch_read")
                .path_template("/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read")
                .read_only()
                .json(&json!({ "inputs": inputs }));
            let answer = self
                .client
                .send(request)
                .await
                .and_then(|r| r.json::<BatchBody<RecordAssociations>>());
            match answer {
                Ok(body) => {
                    for id in chunk {
                        let found = body.results.iter().find(|r| r.from.id == *id).cloned();
                        items.push(Ok(found.unwrap_or_else(|| RecordAssociations {
                            from: crate::models::ObjectRef::new(*id),
                            to: Vec::new(),
                            extra: atom_core::RawFields::default(),
                        })));
                    }
                }
                Err(e) => items.extend(chunk.iter().map(|_| Err(e.clone()))),
            }
        }
        Ok(BatchResult { items, requests })
    }

    /// `POST /crm/v4/associations/{fromType}/{toType}/batch/archive`: removes every
    /// association between each record and the records listed with it.
    pub async fn batch_delete(
        &self,
        from_type: &str,
        to_type: &str,
        pairs: &[(String, Vec<String>)],
    ) -> Result<BatchResult<()>> {
        if pairs.is_empty() {
            return Err(Error::config(
                SERVICE,
                "a batch delete needs at least one pair",
            ));
        }
        for (from, to) in pairs {
            validate::body_id("record id", from)?;
            for id in to {
                validate::body_id("record id", id)?;
            }
        }
        let path = format!("{}/batch/archive", pair(from_type, to_type)?);
        let mut items = Vec::with_capacity(pairs.len());
        let mut requests = 0;
        for chunk in pairs.chunks(BATCH_LIMIT) {
            requests += 1;
            let inputs: Vec<Value> = chunk
                .iter()
                .map(|(from, to)| {
                    let to: Vec<Value> = to.iter().map(|id| json!({ "id": id })).collect();
                    json!({ "from": { "id": from }, "to": to })
                })
                .collect();
            let request = Request::post(path.clone())
                .operation("associations.batch_delete")
                .path_template("/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/archive")
                .json(&json!({ "inputs": inputs }));
            match self.client.send(request).await {
                Ok(_) => items.extend(chunk.iter().map(|_| Ok(()))),
                Err(e) => items.extend(chunk.iter().map(|_| Err(e.clone()))),
            }
        }
        Ok(BatchResult { items, requests })
    }

    /// `GET /crm/v4/associations/{fromType}/{toType}/labels`: the association types
    /// (labels) defined between two object types.
    pub async fn labels(&self, from_type: &str, to_type: &str) -> Result<Vec<AssociationLabel>> {
        let request = Request::get(format!("{}/labels", pair(from_type, to_type)?))
            .operation("associations.labels")
            .path_template("/crm/v4/associations/{fromObjectType}/{toObjectType}/labels");
        #[derive(serde::Deserialize)]
        struct Labels {
            #[serde(default)]
            results: Vec<AssociationLabel>,
        }
        let labels: Labels = self.client.send_json(request).await?;
        Ok(labels.results)
    }

    /// `POST /crm/v4/associations/{fromType}/{toType}/labels`: defines a label; returns
    /// the new types (one per direction).
    pub async fn create_label(
        &self,
        from_type: &str,
        to_type: &str,
        name: &str,
        label: &str,
    ) -> Result<Vec<AssociationLabel>> {
        validate::property_name(name)?;
        if label.trim().is_empty() {
            return Err(Error::config(
                SERVICE,
                "an association label cannot be empty",
            ));
        }
        #[derive(Serialize)]
        struct Create<'a> {
            name: &'a str,
            label: &'a str,
        }
        let request = Request::post(format!("{}/labels", pair(from_type, to_type)?))
            .operation("associations.create_label")
            .path_template("/crm/v4/associations/{fromObjectType}/{toObjectType}/labels")
            .json(&Create { name, label });
        #[derive(serde::Deserialize)]
        struct Labels {
            #[serde(default)]
            results: Vec<AssociationLabel>,
        }
        let labels: Labels = self.client.send_json(request).await?;
        Ok(labels.results)
    }
}

/// One outcome per pair: an error names its pair in `context` (`fromObjectId`, `ids`)
/// or, failing that, applies to every pair of the call; the rest succeeded.
fn pair_outcomes(chunk: &[AssociationBatchInput], body: &BatchBody<Value>) -> Vec<Result<()>> {
    let mut out: Vec<Result<()>> = chunk.iter().map(|_| Ok(())).collect();
    for error in &body.errors {
        let mapped = crate::error::map_error(
            http::StatusCode::BAD_REQUEST,
            &http::HeaderMap::new(),
            &serde_json::to_vec(error).unwrap_or_default(),
            chrono::Utc::now(),
        );
        let named: Vec<String> = error
            .get("context")
            .and_then(Value::as_object)
            .map(|c| {
                c.values()
                    .filter_map(Value::as_array)
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut hit = false;
        for (slot, input) in out.iter_mut().zip(chunk) {
            if named
                .iter()
                .any(|n| *n == input.from.id || *n == input.to.id)
            {
                *slot = Err(mapped.clone());
                hit = true;
            }
        }
        if !hit {
            for slot in &mut out {
                *slot = Err(mapped.clone());
            }
        }
    }
    out
}
