//! One consumer's checkpoint of one feed, saved by compare-and-swap.

use std::sync::Arc;

use atom_core::feed::FeedCheckpoint;
use atom_core::{CheckpointKey, CheckpointStore, Result};

/// A consumer's position in a feed: loaded once, then saved by compare-and-swap on the
/// version it last saw, so a second worker running the same consumer by mistake fails with
/// [`ErrorKind::Conflict`](atom_core::ErrorKind::Conflict) instead of moving the position
/// back.
///
/// ```
/// # async fn demo() -> atom_core::Result<()> {
/// use std::sync::Arc;
/// use atom_core::feed::FeedCheckpoint;
/// use atom_core::{CheckpointKey, MemoryCheckpointStore};
/// use atom_examples::sync::CheckpointSlot;
/// let store = Arc::new(MemoryCheckpointStore::default());
/// let key = CheckpointKey::new("stripe.events", "stripe-to-salesforce");
/// let mut slot = CheckpointSlot::load(store.clone(), key.clone()).await?;
/// assert_eq!(slot.checkpoint(), None);
/// slot.save(&FeedCheckpoint::new("stripe.events").with_cursor("evt_1")).await?;
/// let again = CheckpointSlot::load(store, key).await?;
/// assert_eq!(again.checkpoint().and_then(|c| c.cursor.as_deref()), Some("evt_1"));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct CheckpointSlot {
    store: Arc<dyn CheckpointStore>,
    key: CheckpointKey,
    version: u64,
    checkpoint: Option<FeedCheckpoint>,
}

impl CheckpointSlot {
    /// Loads the consumer's checkpoint (none yet: version 0).
    pub async fn load(store: Arc<dyn CheckpointStore>, key: CheckpointKey) -> Result<Self> {
        let stored = store.load(&key).await?;
        let (version, checkpoint) = match stored {
            Some(stored) => (stored.version, Some(stored.checkpoint)),
            None => (0, None),
        };
        Ok(Self {
            store,
            key,
            version,
            checkpoint,
        })
    }

    /// The checkpoint last loaded or saved.
    pub fn checkpoint(&self) -> Option<&FeedCheckpoint> {
        self.checkpoint.as_ref()
    }

    /// Saves `checkpoint` if nobody else saved since this slot last loaded or saved.
    pub async fn save(&mut self, checkpoint: &FeedCheckpoint) -> Result<()> {
        if self.checkpoint.as_ref() == Some(checkpoint) {
            return Ok(());
        }
        self.version = self
            .store
            .save(&self.key, checkpoint, Some(self.version))
            .await?;
        self.checkpoint = Some(checkpoint.clone());
        Ok(())
    }
}
