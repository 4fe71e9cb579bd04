//! Item 18: two processes (two file store handles on one directory, each with its own
//! callers queued behind an in-process gate, as token managers do) share the refresh lease
//! fairly: a process that releases it cannot hand it straight to its own next caller.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atom_core::{FileTokenStore, TokenKey, TokenStore};

const TOTAL: usize = 200;
const CALLERS_PER_PROCESS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_the_lease_fairly() {
    let dir = tempfile::tempdir().unwrap();
    let key = TokenKey::new("test", "org-1");
    let total = Arc::new(AtomicUsize::new(0));
    let mut per_process = Vec::new();
    let mut callers = Vec::new();
    for _process in 0..2 {
        let store = Arc::new(FileTokenStore::new(dir.path()).unwrap());
        // A token manager's refresh gate: its callers reach the lease one after another.
        let gate = Arc::new(tokio::sync::Mutex::new(()));
        let count = Arc::new(AtomicUsize::new(0));
        per_process.push(count.clone());
        for _ in 0..CALLERS_PER_PROCESS {
            let (store, gate, count, total, key) = (
                store.clone(),
                gate.clone(),
                count.clone(),
                total.clone(),
                key.clone(),
            );
            callers.push(tokio::spawn(async move {
                while total.load(Ordering::SeqCst) < TOTAL {
                    let _gate = gate.lock().await;
                    let _lease = store.lease(&key).await.unwrap();
                    count.fetch_add(1, Ordering::SeqCst);
                    total.fetch_add(1, Ordering::SeqCst);
                    // Work while holding it, like a refresh.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }));
        }
    }
    for caller in callers {
        caller.await.unwrap();
    }
    let counts: Vec<usize> = per_process
        .iter()
        .map(|c| c.load(Ordering::SeqCst))
        .collect();
    let total = total.load(Ordering::SeqCst);
    // Each process asks all the time, so each should hold it about half the time; a quarter
    // leaves room for scheduling noise and still fails a starved process.
    for count in &counts {
        assert!(
            count * 4 >= total,
            "a process was starved: {counts:?} of {total}"
        );
    }
}
