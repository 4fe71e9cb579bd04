//! The cross-service sync programs, each a library module here and a runnable binary in
//! `examples/examples/`, each also a leg of the offline tour.
//!
//! Every program follows the same loop: read a batch of changes from a provider's change
//! feed, write them to the target with idempotent upserts (keyed by the source's ids, so a
//! replay never duplicates), and only then save the feed's checkpoint by compare-and-swap.
//! A crash anywhere in that loop costs at most a replay of the last batch.
//!
//! The pieces shared by the programs:
//!
//! * [`Step`] and [`StepHook`]: the points of the loop where a test simulates a crash;
//! * [`CheckpointSlot`]: one consumer's checkpoint of one feed, saved by compare-and-swap;
//! * [`Recovery`]: waiting out a provider storm longer than one request's retries, then
//!   starting again from the last saved checkpoint.

pub mod batch;
mod checkpoint;
mod driver;
pub mod env;
mod error;
pub mod reconcile;
mod recovery;
pub mod salesforce;
mod step;
pub mod stripe_to_salesforce;
pub mod zendesk_to_salesforce;

pub use checkpoint::CheckpointSlot;
pub use error::SyncError;
pub use recovery::{Recovering, Recovery};
pub use step::{CrashAt, Crashed, NoHook, Step, StepHook};
