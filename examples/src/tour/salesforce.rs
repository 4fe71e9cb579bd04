//! The salesforce leg of the tour (being written; replaced by the atom-salesforce work).

use super::LegResult;

/// Runs the salesforce leg.
pub async fn run() -> LegResult {
    Ok(())
}
