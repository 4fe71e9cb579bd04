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
    /// Checks `stage` against Opportunity's describe from the client's describe cache
    /// ([`Client::describe_cached`]: one describe per org for the cache's maximum age, not
    /// one per call), then updates the opportunity's `StageName`.
    ///
    /// A stage the cached describe does not know is checked once more against a fresh
    /// describe (a stage added since is accepted); a write Salesforce refuses with
    /// `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST` (a stage deactivated since) drops the
    /// cached describe.
    pub async fn advance_stage(&self, id: &str, stage: &str) -> Result<()> {
        record_id(id)?;
        let cached = self.client.describe_cached("Opportunity").await?;
        let describe = if check_stage(&cached, stage).is_ok() {
            cached
        } else {
            self.client.invalidate_describe("Opportunity");
            self.client.describe_cached("Opportunity").await?
        };
        check_stage(&describe, stage)?;
        let result = self.write_stage(id, stage).await;
        if let Err(e) = &result
            && e.provider_code() == Some("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
        {
            self.client.invalidate_describe("Opportunity");
        }
        result
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
        self.write_stage(id, stage).await
    }

    async fn write_stage(&self, id: &str, stage: &str) -> Result<()> {
        let change = Opportunity {
            stage_name: Some(stage.to_owned()),
            ..Opportunity::default()
        };
        self.client.opportunity_records().update(id, &change).await
    }
}
