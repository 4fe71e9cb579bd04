//! Reading a feed in batches, so each target write carries as many records as one
//! collection request takes.

use atom_core::Result;
use atom_core::feed::{Change, ChangeFeed};
use futures::StreamExt as _;

/// Up to `max` changes from `feed` (fewer when it ends); an empty batch means the feed has
/// nothing more for this run. An error ends the batch: the changes read before it are
/// dropped unhandled, and the next run reads them again from the last saved checkpoint.
pub async fn next_batch<T: Send + 'static>(
    feed: &mut ChangeFeed<T>,
    max: usize,
) -> Result<Vec<Change<T>>> {
    let mut batch = Vec::new();
    while batch.len() < max {
        match feed.next().await {
            Some(change) => batch.push(change?),
            None => break,
        }
    }
    Ok(batch)
}
