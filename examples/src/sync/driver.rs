//! The loop every program runs: read a batch, write it, save its checkpoint, and start
//! again from the saved checkpoint after a storm.

use std::sync::Arc;

use atom_core::feed::{Change, ChangeFeed, FeedCheckpoint};
use atom_core::{CheckpointKey, CheckpointStore};

use super::batch::next_batch;
use super::{CheckpointSlot, Recovery, Step, StepHook, SyncError};

/// One sync program: where it reads and how it writes a batch.
pub(crate) trait Program {
    /// What the feed yields.
    type Object: Send + 'static;

    /// The checkpoint key: the feed's name and this consumer.
    fn checkpoint_key(&self) -> CheckpointKey;

    /// Changes per batch.
    fn batch_size(&self) -> usize;

    /// The feed from a saved checkpoint, or from the configured start.
    fn feed(&self, from: Option<&FeedCheckpoint>) -> ChangeFeed<Self::Object>;

    /// Writes a batch to the target (calling `hook` at [`Step::Prepared`] after any
    /// preparatory writes); the checkpoint is saved only when this succeeds.
    async fn write(
        &mut self,
        batch: Vec<Change<Self::Object>>,
        hook: &dyn StepHook,
    ) -> Result<(), SyncError>;

    /// Told of each batch written and checkpointed.
    fn batch_done(&mut self, changes: usize, checkpoint: &FeedCheckpoint);
}

/// Runs `program` from its saved checkpoint to the end of its feed, riding out storms
/// with `recovery`; returns the restarts made.
pub(crate) async fn drive<P: Program>(
    program: &mut P,
    store: Arc<dyn CheckpointStore>,
    hook: &dyn StepHook,
    recovery: Recovery,
) -> Result<u32, SyncError> {
    let mut recovering = recovery.start();
    loop {
        match pass(program, store.clone(), hook).await {
            Ok(()) => return Ok(recovering.used()),
            Err(e) if recovering.retry_after(&e).await => {}
            Err(e) => return Err(e),
        }
    }
}

/// One pass from the saved checkpoint to the end of the feed.
async fn pass<P: Program>(
    program: &mut P,
    store: Arc<dyn CheckpointStore>,
    hook: &dyn StepHook,
) -> Result<(), SyncError> {
    let mut slot = CheckpointSlot::load(store, program.checkpoint_key()).await?;
    let mut feed = program.feed(slot.checkpoint());
    if slot.checkpoint().is_none() {
        // Saved before any change, so a crash before the first batch resumes from here.
        if let Some(start) = feed.checkpoint().cloned() {
            slot.save(&start).await?;
        }
    }
    loop {
        let batch = next_batch(&mut feed, program.batch_size()).await?;
        let Some(last) = batch.last().and_then(|c| c.checkpoint.clone()) else {
            // Everything read was written: the position the feed reached at its end (past
            // a quiet spell) is safe to save, and keeps a quiet feed inside its horizon.
            if let Some(end) = feed.checkpoint().cloned()
                && slot.checkpoint() != Some(&end)
            {
                slot.save(&end).await?;
            }
            return Ok(());
        };
        let changes = batch.len();
        hook.at(Step::Read)?;
        program.write(batch, hook).await?;
        hook.at(Step::TargetWritten)?;
        slot.save(&last).await?;
        program.batch_done(changes, &last);
        hook.at(Step::CheckpointSaved)?;
    }
}
