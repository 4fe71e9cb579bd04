//! Test support for property tests (feature `testing`): one configuration for every suite in
//! the workspace, so a failure in CI reproduces locally with the same command.

use proptest::test_runner::{Config, RngSeed};

/// The seed every property suite runs with.
pub const SEED: u64 = 0x5eed;

/// A fixed seed, no failure files, and `cases` cases (the `PROPTEST_CASES` environment
/// variable overrides it for a longer local run). Proptest prints the minimal failing input.
///
/// ```
/// let config = atom_core::testing::proptest_config(1_000);
/// assert!(config.cases >= 1);
/// ```
pub fn proptest_config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: None,
        ..Config::default()
    }
}
