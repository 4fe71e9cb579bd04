//! The core leg (being written).

use super::LegResult;

/// Runs the core leg.
pub async fn run() -> LegResult {
    Ok(())
}
