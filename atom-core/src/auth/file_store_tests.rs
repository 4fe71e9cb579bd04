#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::Ordering;

use crate::testing::proptest_config as config;
use proptest::prelude::*;

use super::*;
use crate::Secret;
use crate::auth::file_io::decode;

fn test_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn tenant_ids_cannot_name_paths() {
    let stem = file_stem(&TokenKey::new("github", "../../etc/passwd"));
    assert!(!stem.contains('/'));
    assert!(!stem.contains(".."));
    assert_ne!(
        file_stem(&TokenKey::new("a", "b--c")),
        file_stem(&TokenKey::new("a--b", "c"))
    );
}

#[tokio::test]
async fn cas_versions_and_private_mode() -> Result<()> {
    let dir = test_dir();
    let store = FileTokenStore::new(dir.path())?;
    let key = TokenKey::new("stripe", "acct_1");
    assert_eq!(store.load(&key).await?, None);
    let v1 = store
        .save(&key, &TokenSet::bearer(Secret::new("one")), None)
        .await?;
    let v2 = store
        .save(&key, &TokenSet::bearer(Secret::new("two")), Some(v1))
        .await?;
    assert_eq!((v1, v2), (1, 2));
    let stale = store
        .save(&key, &TokenSet::bearer(Secret::new("x")), Some(v1))
        .await;
    assert_eq!(stale.map_err(|e| e.kind()), Err(ErrorKind::Conflict));
    let loaded = store
        .load(&key)
        .await?
        .map(|s| (s.version, s.token.access_token));
    assert_eq!(loaded, Some((2, Secret::new("two"))));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(store.path(&key, "json"))
            .map(|m| m.permissions().mode() & 0o777)
            .ok();
        assert_eq!(mode, Some(0o600));
    }
    store.delete(&key).await?;
    assert_eq!(store.load(&key).await?, None);
    Ok(())
}

/// Item 5: the rename is made durable by syncing the directory after it.
#[tokio::test]
async fn the_directory_is_synced_after_every_rename_and_removal() -> Result<()> {
    let dir = test_dir();
    let store = FileTokenStore::new(dir.path())?;
    let key = TokenKey::new("stripe", "acct_1");
    let syncs = || store.dir_syncs.load(Ordering::SeqCst);
    assert_eq!(syncs(), 0);
    let v1 = store
        .save(&key, &TokenSet::bearer(Secret::new("one")), None)
        .await?;
    assert_eq!(syncs(), 1);
    store
        .save(&key, &TokenSet::bearer(Secret::new("two")), Some(v1))
        .await?;
    assert_eq!(syncs(), 2);
    store.record_dead_grant(&key, 2).await?;
    assert_eq!(syncs(), 3);
    store.delete(&key).await?;
    assert_eq!(syncs(), 4);
    // A failed compare-and-swap writes nothing and so syncs nothing.
    let _ = store
        .save(&key, &TokenSet::bearer(Secret::new("x")), Some(9))
        .await;
    assert_eq!(syncs(), 4);
    Ok(())
}

/// Item 5: file work runs off the runtime. The token file is a FIFO whose writer is started
/// by another task of the same single-threaded runtime: a load that blocked the runtime
/// thread would wait for a writer that can never start.
#[cfg(unix)]
#[test]
fn a_blocked_file_read_does_not_stall_a_current_thread_runtime() {
    let dir = test_dir();
    let store = FileTokenStore::new(dir.path()).unwrap();
    let key = TokenKey::new("test", "fifo");
    let path = store.path(&key, "json");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    let record = serde_json::to_vec(&Record::new(7, TokenSet::bearer(Secret::new("at")))).unwrap();

    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let loaded = runtime.block_on(async {
            let writer = async {
                // Runs only if the runtime thread is free while the load waits.
                tokio::task::yield_now().await;
                std::thread::spawn(move || fs::write(&path, record).unwrap());
            };
            let (loaded, ()) = tokio::join!(store.load(&key), writer);
            loaded
        });
        let _ = done.send(loaded.map(|s| s.map(|s| s.version)));
    });
    // A deadlock guard, not a speed bound: the old code never finished at all.
    let loaded = finished
        .recv_timeout(Duration::from_secs(120))
        .expect("the load stalled the runtime");
    assert_eq!(loaded.unwrap(), Some(7));
}

const CANARY: &str = "rt-CANARY-5ecret";

/// Item 7: a corrupt file's error names the file and the place, never the content.
#[tokio::test]
async fn a_corrupt_token_file_error_quotes_no_content() -> Result<()> {
    let dir = test_dir();
    let store = FileTokenStore::new(dir.path())?;
    let key = TokenKey::new("test", "corrupt");
    let path = store.path(&key, "json");
    for body in [
        format!(r#"{{"version":"{CANARY}","token":{{"access_token":"a"}}}}"#),
        format!(
            r#"{{"version":1,"token":{{"access_token":"a","refresh_token":"{CANARY}","expires_at":"{CANARY}"}}}}"#
        ),
        format!(r#"{{"version":1,"token":{{"access_token":["{CANARY}"]}}}}"#),
        format!(r#"{{"version":1,"token":{{"access_token":"{CANARY}""#),
        CANARY.to_string(),
    ] {
        fs::write(&path, &body).unwrap();
        let err = store.load(&key).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Storage);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("CANARY"), "leaks content: {shown}");
        assert!(shown.contains("corrupt token file"), "{shown}");
        assert!(shown.contains("line 1 column"), "{shown}");
        assert!(shown.contains(&path.display().to_string()), "{shown}");
    }
    Ok(())
}

#[tokio::test]
async fn an_oversized_token_file_is_refused() -> Result<()> {
    let dir = test_dir();
    let store = FileTokenStore::new(dir.path())?;
    let key = TokenKey::new("test", "big");
    let big = vec![b' '; usize::try_from(crate::auth::file_io::MAX_TOKEN_FILE).unwrap() + 1];
    fs::write(store.path(&key, "json"), big).unwrap();
    let err = store.load(&key).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Storage);
    assert!(err.message().contains("larger than"), "{err}");
    Ok(())
}

/// Item 17: the dead mark belongs to one version and is cleared by any later save.
#[tokio::test]
async fn a_dead_grant_mark_holds_for_its_version_only() -> Result<()> {
    let dir = test_dir();
    let store = FileTokenStore::new(dir.path())?;
    let other = FileTokenStore::new(dir.path())?;
    let key = TokenKey::new("test", "dead");
    assert_eq!(store.dead_grant(&key).await?, None);
    store.record_dead_grant(&key, 1).await?; // nothing stored: nothing to mark
    let v1 = store
        .save(&key, &TokenSet::bearer(Secret::new("a")), None)
        .await?;
    store.record_dead_grant(&key, v1 + 5).await?; // not the stored version
    assert_eq!(other.dead_grant(&key).await?, None);
    store.record_dead_grant(&key, v1).await?;
    assert_eq!(other.dead_grant(&key).await?, Some(v1));
    // The mark does not change the token or its version.
    assert_eq!(other.load(&key).await?.map(|s| s.version), Some(v1));
    let v2 = store
        .save(&key, &TokenSet::bearer(Secret::new("b")), None)
        .await?;
    assert_eq!(v2, v1 + 1);
    assert_eq!(other.dead_grant(&key).await?, None);
    Ok(())
}

/// Item 18: a lease wait that times out says what it waited for and who holds it.
#[tokio::test]
async fn a_lease_timeout_says_what_it_waited_for() -> Result<()> {
    let dir = test_dir();
    let key = TokenKey::new("test", "org-1");
    let holder = FileTokenStore::new(dir.path())?;
    let waiter = FileTokenStore::new(dir.path())?.lock_timeout(Duration::from_millis(100));
    let held = holder.lease(&key).await?;
    let err = waiter.lease(&key).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(
        err.message()
            .contains("waiting for the refresh lease of test/org-1 (held by another process)"),
        "{err}"
    );
    assert!(err.message().starts_with("timed out after 100ms"), "{err}");
    drop(held);
    assert!(waiter.lease(&key).await?.is_some());
    Ok(())
}

/// A JSON value that may hold the canary anywhere a value can be.
fn json_with_canary() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::String(CANARY.into())),
        Just(Value::String(format!("x{CANARY}y"))),
        any::<u64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        "[a-z]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("version".to_owned()),
                    Just("token".to_owned()),
                    Just("access_token".to_owned()),
                    Just("refresh_token".to_owned()),
                    Just("expires_at".to_owned()),
                    Just("scopes".to_owned()),
                    Just("extra".to_owned()),
                    Just("grant_dead".to_owned()),
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config(5_000))]

    /// Arbitrary bytes never panic the decoder, and its errors never carry content.
    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Err(e) = decode(&bytes, Path::new("t.json")) {
            prop_assert_eq!(e.kind(), ErrorKind::Storage);
            prop_assert!(e.message().starts_with("corrupt token file t.json: "));
        }
    }

}

proptest! {
    // Fewer cases: each builds a nested value and decodes it twice (about 1 ms in debug).
    #![proptest_config(config(2_000))]

    /// Whatever shape a token file has, an error never shows the secret inside it; a
    /// record that decodes round-trips.
    #[test]
    fn decoding_errors_never_show_secrets(value in json_with_canary(), truncate in any::<prop::sample::Index>()) {
        let text = serde_json::to_string(&value).unwrap();
        for bytes in [text.as_bytes(), &text.as_bytes()[..truncate.index(text.len() + 1)]] {
            match decode(bytes, Path::new("t.json")) {
                Ok(record) => {
                    let again = serde_json::to_vec(&record).unwrap();
                    prop_assert_eq!(decode(&again, Path::new("t.json")).ok(), Some(record));
                }
                Err(e) => {
                    let shown = format!("{e} {e:?}");
                    prop_assert!(!shown.contains("CANARY"), "{}", shown);
                }
            }
        }
    }
}
