//! Opportunity stage advance: `StageName` is set only to an active value of the org's
//! picklist, checked against the object's describe before any write.
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
//! client.opportunities().advance_stage("0065g00000AbCdEAAV", "Negotiation/Review").await?;
//! # Ok(()) }
//! ```

use atom_core::{Error, ErrorKind, Result};

use crate::models::{Opportunity, SObjectDescribe};
use crate::validate::record_id;
use crate::{Client, SERVICE};

/// Opportunity operations; from [`Client::opportunities`].
#[derive(Debug, Clone)]
pub struct Opportunities {
    client: Client,
}

impl Client {
    /// Opportunity operations beyond plain records.
    pub fn opportunities(&self) -> Opportunities {
        Opportunities {
            client: self.clone(),
        }
    }
}

/// Checks `stage` against the `StageName` picklist of an Opportunity describe.
pub fn check_stage(describe: &SObjectDescribe, stage: &str) -> Result<()> {
    let field = describe
        .field("StageName")
        .ok_or_else(|| Error::decode(SERVICE, "Opportunity describe has no StageName field"))?;
    if field.allows(stage) {
        Ok(())
    } else {
        let known = field
            .picklist_values
            .iter()
            .filter(|p| p.active)
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        Err(Error::new(
            ErrorKind::InvalidRequest,
            SERVICE,
            format!("{stage:?} is not an active opportunity stage (stages: {known})"),
        )
        .with_provider_code("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"))
    }
}

impl Opportunities {
    /// Describes Opportunity, checks `stage`, and updates the opportunity's `StageName`.
    pub async fn advance_stage(&self, id: &str, stage: &str) -> Result<()> {
        record_id(id)?;
        let describe = self.client.opportunity_records().describe().await?;
        self.advance_stage_with(&describe, id, stage).await
    }

    /// As [`Opportunities::advance_stage`] with a describe the caller already holds (one
    /// describe for many updates).
    pub async fn advance_stage_with(
        &self,
        describe: &SObjectDescribe,
        id: &str,
        stage: &str,
    ) -> Result<()> {
        record_id(id)?;
        check_stage(describe, stage)?;
        let change = Opportunity {
            stage_name: Some(stage.to_owned()),
            ..Opportunity::default()
        };
        self.client.opportunity_records().update(id, &change).await
    }
}
