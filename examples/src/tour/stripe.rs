//! The stripe leg of the tour (being written; replaced by the atom-stripe work).

use super::LegResult;

/// Runs the stripe leg.
pub async fn run() -> LegResult {
    Ok(())
}
