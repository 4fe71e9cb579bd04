//! The github leg of the tour (being written; replaced by the atom-github work).

use super::LegResult;

/// Runs the github leg.
pub async fn run() -> LegResult {
    Ok(())
}
