//! A stretch of requests a mock answers with an error, as a provider under load does.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Counts a mock's requests and fails the ones in `[from, from + count)` (counting from 0)
/// with the error the mock's provider sends under load.
#[derive(Debug, Clone, Default)]
pub struct Storm {
    served: Arc<AtomicUsize>,
    window: Arc<Mutex<Option<(usize, usize)>>>,
    by_operation: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl Storm {
    /// Fails `count` requests starting with the request numbered `from` (0 is the next
    /// request when nothing was served yet).
    pub fn fail(&self, from: usize, count: usize) {
        *self.window.lock().unwrap_or_else(PoisonError::into_inner) = Some((from, count));
    }

    /// Counts a request of `operation` and says whether to fail it.
    pub fn next(&self, operation: &str) -> bool {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        *self
            .by_operation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(operation.to_owned())
            .or_default() += 1;
        let window = *self.window.lock().unwrap_or_else(PoisonError::into_inner);
        window.is_some_and(|(from, count)| n >= from && n - from < count)
    }

    /// Requests served so far, failed ones included.
    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }

    /// Requests served per operation (`GET /v1/events`), failed ones included.
    pub fn by_operation(&self) -> BTreeMap<String, usize> {
        self.by_operation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
