//! The change-feed contract: checkpoints round-trip, damaged ones are errors, both
//! checkpoint stores apply the same compare-and-swap rule, and a feed reports the
//! checkpoint of the last change it handed out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_core::feed::{Change, ChangeFeed, ChangeKind, FeedCheckpoint};
use atom_core::testing::proptest_config;
use atom_core::{
    Checkpoint, CheckpointKey, CheckpointStore, ErrorKind, FileCheckpointStore,
    MemoryCheckpointStore, Page, Paginator,
};
use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use proptest::prelude::*;

fn checkpoint() -> impl Strategy<Value = FeedCheckpoint> {
    (
        ".{0,20}",
        proptest::option::of(".{0,40}"),
        proptest::option::of((-62_000_000_000i64..250_000_000_000, 0u32..1_000_000_000)),
        proptest::collection::vec(".{0,12}", 0..4),
    )
        .prop_map(|(feed, cursor, at, seen)| {
            let mut c = FeedCheckpoint::new(feed).with_seen(seen);
            if let Some(cursor) = cursor {
                c = c.with_cursor(cursor);
            }
            if let Some(at) = at.and_then(|(s, n)| DateTime::<Utc>::from_timestamp(s, n)) {
                c = c.with_at(at);
            }
            c
        })
}

proptest! {
    #![proptest_config(proptest_config(2_000))]

    #[test]
    fn checkpoints_round_trip_through_json(c in checkpoint()) {
        let json = c.to_json();
        prop_assert_eq!(FeedCheckpoint::from_json(json.as_bytes()).ok(), Some(c));
    }

    #[test]
    fn any_bytes_decode_to_a_checkpoint_or_a_decode_error(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Err(e) = FeedCheckpoint::from_json(&bytes) {
            prop_assert_eq!(e.kind(), ErrorKind::Decode);
        }
    }
}

/// One step of a run against a store.
#[derive(Debug, Clone)]
enum Op {
    Save {
        cursor: String,
        expected: Option<u64>,
    },
    Delete,
    Load,
}

fn ops() -> impl Strategy<Value = Vec<(u8, Op)>> {
    let op = prop_oneof![
        4 => ("[a-z]{1,6}", proptest::option::of(0u64..5)).prop_map(|(cursor, expected)| Op::Save { cursor, expected }),
        1 => Just(Op::Delete),
        2 => Just(Op::Load),
    ];
    proptest::collection::vec((0u8..2, op), 1..24)
}

/// Runs `ops` on `store` and on a model of the rule (a save expecting `Some(v)` succeeds
/// only when the stored version is `v`, 0 meaning none; every success adds one).
async fn check_against_model(store: &dyn CheckpointStore, ops: &[(u8, Op)]) {
    let keys = [
        CheckpointKey::new("feed", "a"),
        CheckpointKey::new("feed", "b"),
    ];
    let mut model: [Option<(u64, FeedCheckpoint)>; 2] = [None, None];
    for (k, op) in ops {
        let i = usize::from(*k);
        let key = &keys[i];
        match op {
            Op::Save { cursor, expected } => {
                let c = FeedCheckpoint::new("feed").with_cursor(cursor.clone());
                let current = model[i].as_ref().map_or(0, |(v, _)| *v);
                let got = store.save(key, &c, *expected).await.map_err(|e| e.kind());
                if expected.is_some_and(|e| e != current) {
                    assert_eq!(got, Err(ErrorKind::Conflict), "{op:?} at version {current}");
                } else {
                    assert_eq!(got, Ok(current + 1), "{op:?} at version {current}");
                    model[i] = Some((current + 1, c));
                }
            }
            Op::Delete => {
                store.delete(key).await.unwrap();
                model[i] = None;
            }
            Op::Load => {
                let got = store
                    .load(key)
                    .await
                    .unwrap()
                    .map(|s| (s.version, s.checkpoint));
                assert_eq!(got, model[i]);
            }
        }
    }
    for (i, key) in keys.iter().enumerate() {
        let got = store
            .load(key)
            .await
            .unwrap()
            .map(|s| (s.version, s.checkpoint));
        assert_eq!(got, model[i]);
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(proptest_config(1_000))]

    #[test]
    fn memory_store_compare_and_swap_follows_the_model(ops in ops()) {
        let store = MemoryCheckpointStore::default();
        runtime().block_on(check_against_model(&store, &ops));
    }
}

proptest! {
    // Each case writes and syncs real files: fewer cases keep the run to seconds.
    #![proptest_config(proptest_config(48))]

    #[test]
    fn file_store_compare_and_swap_follows_the_model(ops in ops()) {
        let dir = tempfile::tempdir().unwrap();
        let store = FileCheckpointStore::new(dir.path()).unwrap();
        runtime().block_on(check_against_model(&store, &ops));
        // A second handle (another process) sees the same state.
        let again = FileCheckpointStore::new(dir.path()).unwrap();
        let first = runtime().block_on(store.load(&CheckpointKey::new("feed", "a"))).unwrap();
        prop_assert_eq!(runtime().block_on(again.load(&CheckpointKey::new("feed", "a"))).unwrap(), first);
    }
}

#[tokio::test]
async fn a_damaged_checkpoint_file_is_a_storage_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileCheckpointStore::new(dir.path()).unwrap();
    let key = CheckpointKey::new("stripe.events", "sync");
    store
        .save(&key, &FeedCheckpoint::new("stripe.events"), None)
        .await
        .unwrap();
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".checkpoint.json"))
        .unwrap();
    std::fs::write(&file, b"{\"version\":1,\"checkp").unwrap();
    let err = store.load(&key).await.err().map(|e| e.kind());
    assert_eq!(err, Some(ErrorKind::Storage));
}

#[tokio::test]
async fn a_feed_reports_the_checkpoint_of_the_last_change_handed_out() {
    let at = Utc::now();
    let pages = Paginator::new(Checkpoint::default(), move |cursor: Option<String>| {
        let n: u32 = cursor.as_deref().unwrap_or("0").parse().unwrap_or(0);
        let changes = (0..2)
            .map(|i| {
                let id = format!("o{}", n * 2 + i);
                Change::new(ChangeKind::Updated, "thing", id.clone(), at, ())
                    .with_checkpoint(FeedCheckpoint::new("things").with_cursor(id))
            })
            .collect();
        Box::pin(async move { Ok(Page::new(changes, (n < 1).then(|| (n + 1).to_string()))) })
    });
    let start = FeedCheckpoint::new("things").with_cursor("start");
    let mut feed = ChangeFeed::new(pages, Some(start.clone()));
    assert_eq!(feed.checkpoint(), Some(&start));
    let mut seen = Vec::new();
    while let Some(change) = feed.next().await {
        let change = change.unwrap();
        assert_eq!(feed.checkpoint(), change.checkpoint.as_ref());
        seen.push(change.object_id);
    }
    assert_eq!(seen, ["o0", "o1", "o2", "o3"]);
    assert_eq!(
        feed.checkpoint().and_then(|c| c.cursor.as_deref()),
        Some("o3")
    );
}
