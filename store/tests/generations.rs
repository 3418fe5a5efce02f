//! The real store on temporary directories: generations, rollback, the audit chain, damage and races.

mod common;

use std::path::Path;

use store::{ChainBreak, Contents, Draft, GenerationId, Store, StoreError};

fn install(store: &Store, name: &str) -> GenerationId {
    common::install(store, name, "tester").unwrap().id
}

fn names(store: &Store) -> Vec<String> {
    let current = store.current().unwrap();
    let contents = store.generation(current).unwrap().contents;
    contents.capabilities.keys().cloned().collect()
}

#[test]
fn install_rollback_and_rollback_to_the_later_generation() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.current().unwrap(), 1);
    let installed = install(&store, "calc");
    assert_eq!(names(&store), ["calc"]);
    store.verify().unwrap();

    assert_eq!(store.rollback(None, "tester").unwrap(), (installed, 1));
    assert!(names(&store).is_empty());
    store.verify().unwrap();

    assert_eq!(
        store.rollback(Some(installed), "tester").unwrap(),
        (1, installed)
    );
    assert_eq!(names(&store), ["calc"]);
    let report = store.verify().unwrap();
    assert_eq!(report.entries, 4, "created, installed, two rollbacks");
}

#[test]
fn rollback_follows_the_explicit_parent_not_the_previous_number() {
    // NixOS/nix#311: after going back and installing again, "roll back" must go to what the current
    // generation was made from, not to the generation numbered one less.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = install(&store, "a");
    let b = install(&store, "b");
    store.rollback(None, "tester").unwrap();
    assert_eq!(store.current().unwrap(), a);
    let c = install(&store, "c");
    assert_eq!(c, b + 1);
    assert_eq!(store.rollback(None, "tester").unwrap(), (c, a));
    assert_eq!(names(&store), ["a"]);
}

#[test]
fn the_store_survives_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let installed = {
        let store = Store::open(dir.path()).unwrap();
        install(&store, "calc")
    };
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.current().unwrap(), installed);
    assert_eq!(store.generations().unwrap().len(), 2);
    store.verify().unwrap();
}

#[test]
fn bad_requests_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let installed = install(&store, "calc");
    let before = store.audit_entries().unwrap();

    assert!(matches!(
        store.rollback(Some(99), "tester"),
        Err(StoreError::UnknownGeneration(99))
    ));
    assert!(matches!(
        store.generation(42),
        Err(StoreError::UnknownGeneration(42))
    ));
    let stale = Draft {
        parent: 1,
        actor: "tester".into(),
        reason: "stale".into(),
        contents: Contents::default(),
    };
    assert!(matches!(
        store.commit(&stale, "install", "stale"),
        Err(StoreError::Moved {
            expected: 1,
            actual
        }) if actual == installed
    ));
    store.rollback(Some(1), "tester").unwrap();
    assert!(matches!(
        store.rollback(None, "tester"),
        Err(StoreError::NoParent(1))
    ));
    assert_eq!(store.audit_entries().unwrap().len(), before.len() + 1);
    assert_eq!(store.current().unwrap(), 1);
}

#[test]
fn a_refusal_is_logged_and_changes_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .record_refusal("tester", "install", "evil 1.0", "hash mismatch")
        .unwrap();
    assert_eq!(store.current().unwrap(), 1);
    assert_eq!(store.generations().unwrap().len(), 1);
    let last = store.audit_entries().unwrap().pop().unwrap();
    assert!(
        matches!(last.event, store::AuditEvent::Refused { ref reason, .. } if reason == "hash mismatch")
    );
    store.verify().unwrap();
}

/// Opens the store's sled database directly, as someone editing it by hand would. The store was
/// closed just before, and sled lets go of its lock from a background thread, so the open may have to
/// wait a moment.
fn raw_tree(dir: &Path, tree: &str, edit: impl FnOnce(&sled::Tree)) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let db = loop {
        match sled::open(dir) {
            Ok(db) => break db,
            Err(e) if std::time::Instant::now() < deadline => {
                assert!(e.to_string().contains("could not acquire lock"), "{e}");
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => panic!("{e}"),
        }
    };
    edit(&db.open_tree(tree).unwrap());
    db.flush().unwrap();
}

fn tampered(dir: &Path) -> ChainBreak {
    match Store::open(dir).unwrap().verify() {
        Err(StoreError::Tampered(chain_break)) => chain_break,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

/// Every file under `dir`, by its path there, with its bytes.
fn files_of(dir: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_owned(), bytes);
            }
        }
    }
    files
}

/// Opens the store in `dir`, which must be refused as damaged, and gives why, once it has checked
/// that the store's files are as they were found, byte for byte, and that nothing was left beside.
fn refused_as_damaged(dir: &Path) -> StoreError {
    let found = files_of(dir);
    // What is named after the store, beside it (`/tmp` holds other tests' files too).
    let beside = |dir: &Path| {
        let prefix = format!("{}.", dir.file_name().unwrap().to_string_lossy());
        std::fs::read_dir(dir.parent().unwrap())
            .unwrap()
            .filter(|entry| {
                let name = entry.as_ref().unwrap().file_name();
                name.to_string_lossy().starts_with(&prefix)
            })
            .count()
    };
    let before = beside(dir);
    let error = Store::open(dir).err().expect("a damaged store is refused");
    let message = error.to_string();
    let StoreError::AsFound { error, kept: None } = error else {
        panic!("the files of a damaged store are not as found: {error}");
    };
    assert!(message.contains("as ncsh found them"), "{message}");
    assert!(files_of(dir) == found, "the store's files are not as found");
    assert_eq!(beside(dir), before, "something was left beside the store");
    *error
}

fn store_with_entries(dir: &Path, installs: usize) {
    let store = Store::open(dir).unwrap();
    for i in 0..installs {
        install(&store, &format!("cap{i}"));
    }
}

#[test]
fn hand_edits_to_the_audit_log_are_found_and_named() {
    let key = |seq: u64| seq.to_be_bytes();

    let edited = tempfile::tempdir().unwrap();
    store_with_entries(edited.path(), 3);
    raw_tree(edited.path(), "audit", |audit| {
        let bytes = audit.get(key(3)).unwrap().unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        audit
            .insert(key(3), text.replace("tester", "mallory").as_bytes())
            .unwrap();
    });
    assert_eq!(tampered(edited.path()), ChainBreak::Edited { seq: 3 });

    let deleted = tempfile::tempdir().unwrap();
    store_with_entries(deleted.path(), 3);
    raw_tree(deleted.path(), "audit", |audit| {
        audit.remove(key(2)).unwrap();
    });
    assert_eq!(
        tampered(deleted.path()),
        ChainBreak::OutOfPlace {
            expected: 2,
            found: 3
        }
    );

    let reordered = tempfile::tempdir().unwrap();
    store_with_entries(reordered.path(), 3);
    raw_tree(reordered.path(), "audit", |audit| {
        let (two, three) = (audit.get(key(2)).unwrap(), audit.get(key(3)).unwrap());
        audit.insert(key(2), three.unwrap()).unwrap();
        audit.insert(key(3), two.unwrap()).unwrap();
    });
    assert_eq!(
        tampered(reordered.path()),
        ChainBreak::OutOfPlace {
            expected: 2,
            found: 3
        }
    );

    let appended = tempfile::tempdir().unwrap();
    store_with_entries(appended.path(), 2);
    raw_tree(appended.path(), "audit", |audit| {
        let last = audit.get(key(3)).unwrap().unwrap();
        let mut entry: store::AuditEntry = serde_json::from_slice(&last).unwrap();
        let prev = entry.hash_bytes().unwrap();
        entry = store::AuditEntry::new(4, entry.at_ms, "mallory", entry.event, prev);
        audit
            .insert(key(4), serde_json::to_vec(&entry).unwrap())
            .unwrap();
    });
    assert_eq!(
        tampered(appended.path()),
        ChainBreak::Appended { seq: 4, head: 3 }
    );
}

#[test]
fn a_damaged_blob_is_refused_by_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let hash = {
        let store = Store::open(dir.path()).unwrap();
        let hash = store.put_blob(b"the real bytes").unwrap();
        store.flush().unwrap();
        hash
    };
    raw_tree(dir.path(), "blobs", |blobs| {
        blobs.insert(hash.0, b"other bytes".as_slice()).unwrap();
    });
    let store = Store::open(dir.path()).unwrap();
    let error = store.blob(&hash).unwrap_err();
    assert!(matches!(error, StoreError::CorruptBlob(h) if h == hash));
    assert!(error.to_string().contains(&hash.to_string()), "{error}");
}

#[test]
fn a_store_whose_files_are_damaged_is_named_so_with_the_way_out() {
    let dir = tempfile::tempdir().unwrap();
    store_with_entries(dir.path(), 1);
    // sled's configuration file ends with a checksum, which a cut or an edit breaks.
    let conf = dir.path().join("conf");
    let bytes = std::fs::read(&conf).unwrap();
    std::fs::write(&conf, &bytes[..bytes.len() / 2]).unwrap();
    let error = refused_as_damaged(dir.path());
    assert!(matches!(error, StoreError::Damaged(..)), "{error}");
    assert!(error.to_string().contains(".damaged"), "{error}");
    std::fs::write(&conf, &bytes).unwrap();
    assert_eq!(Store::open(dir.path()).unwrap().current().unwrap(), 2);
}

/// sled recovers a damaged log in place as it opens it, zeroing it from the damage on, so the
/// refused store kept nothing of the generations after the damage; the copy taken before the open
/// is put back in its place (`refused_as_damaged` checks it byte for byte), so that opening it
/// again finds it as it was, and a healthy open leaves no copy.
#[test]
fn a_damaged_store_is_left_as_found_though_sled_rewrites_it() {
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    store_with_entries(&store_dir, 8);
    let db = store_dir.join("db");
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 200].fill(b'X');
    std::fs::write(&db, &bytes).unwrap();
    for _ in 0..2 {
        let error = refused_as_damaged(&store_dir);
        assert!(
            matches!(error, StoreError::CutShort { written: 9, .. }),
            "{error}"
        );
        assert_eq!(std::fs::read(&db).unwrap(), bytes);
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

/// A copy left by a process killed while it opened the store (its pid gone) is removed by the next
/// open; nothing else would.
#[test]
fn a_copy_left_by_a_killed_opener_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    store_with_entries(&store_dir, 1);
    // Above Linux's largest pid_max: no process has it.
    let left = dir.path().join("store.opening-99999999");
    std::fs::create_dir(&left).unwrap();
    std::fs::write(left.join("db"), b"half a copy").unwrap();
    Store::open(&store_dir).unwrap();
    assert!(!left.exists());
}

#[test]
fn a_newer_schema_is_refused_without_damage() {
    let dir = tempfile::tempdir().unwrap();
    store_with_entries(dir.path(), 1);
    raw_tree(dir.path(), "meta", |meta| {
        meta.insert("schema", &7u32.to_be_bytes()).unwrap();
    });
    let error = Store::open(dir.path())
        .err()
        .expect("a newer schema is refused");
    assert!(matches!(error, StoreError::NewerSchema { found: 7, .. }));
    assert!(error.to_string().contains("upgrade ncsh"), "{error}");
    raw_tree(dir.path(), "meta", |meta| {
        meta.insert("schema", &store::SCHEMA.to_be_bytes()).unwrap();
    });
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.current().unwrap(), 2);
    store.verify().unwrap();
}

#[test]
fn a_store_held_by_another_opener_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let _held = Store::open(dir.path()).unwrap();
    let error = Store::open(dir.path())
        .err()
        .expect("the second open fails");
    assert!(matches!(error, StoreError::Locked(_)), "{error}");
}

#[test]
fn concurrent_updates_lose_nothing_and_log_in_one_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open(dir.path()).unwrap());
    let threads: Vec<_> = (0..20)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || {
                let name = format!("cap{i}");
                loop {
                    match common::install(&store, &name, &name) {
                        Ok(generation) => return generation.id,
                        Err(StoreError::Moved { .. }) => continue,
                        Err(e) => panic!("{e}"),
                    }
                }
            })
        })
        .collect();
    let mut acknowledged: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    acknowledged.sort_unstable();
    assert_eq!(acknowledged, (2..22).collect::<Vec<_>>());
    assert_eq!(names(&store).len(), 20, "no update was lost");
    let logged: Vec<_> = store
        .audit_entries()
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.event {
            store::AuditEvent::Updated { generation, .. } => Some(generation),
            _ => None,
        })
        .collect();
    assert_eq!(logged, acknowledged, "the log has every update, in order");
    store.verify().unwrap();
}

#[test]
fn precompiled_artifacts_are_cached_per_engine_and_checked_by_hash() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let wasm = store.put_blob(b"\0asm module").unwrap();
    assert_eq!(store.precompiled(&wasm, "engine-a").unwrap(), None);
    let hash = store
        .put_precompiled(&wasm, "engine-a", b"native code")
        .unwrap();
    assert_eq!(
        store.precompiled(&wasm, "engine-a").unwrap(),
        Some((hash, b"native code".to_vec()))
    );
    assert_eq!(store.precompiled(&wasm, "engine-b").unwrap(), None);
    assert_eq!(
        store.generations().unwrap().len(),
        1,
        "a cache entry is no generation"
    );
}

#[test]
fn a_store_cut_short_is_refused_not_opened_at_an_older_generation_or_started_again() {
    let dir = tempfile::tempdir().unwrap();
    store_with_entries(dir.path(), 3);
    let db = dir.path().join("db");
    let bytes = std::fs::read(&db).unwrap();
    // sled replays what is left of a cut file without an error: the store would open at generation
    // 1, 2 or 3 where it was at 4, or empty and be made again.
    for keep in [0, bytes.len() / 4, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&db, &bytes[..keep]).unwrap();
        let error = refused_as_damaged(dir.path());
        assert!(
            matches!(error, StoreError::CutShort { written: 4, .. }),
            "{error}"
        );
        let message = error.to_string();
        assert!(message.contains("where ncsh had written 4"), "{message}");
        assert!(message.contains(".damaged"), "{message}");
        std::fs::write(&db, &bytes).unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(
        store.current().unwrap(),
        4,
        "the files put back are the whole store"
    );
    assert_eq!(store.verify().unwrap().entries, 4);
}

#[test]
fn a_store_cut_short_goes_on_at_the_older_generation_once_its_record_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    store_with_entries(dir.path(), 3);
    let db = dir.path().join("db");
    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&db, &bytes[..bytes.len() / 2]).unwrap();
    let error = refused_as_damaged(dir.path());
    assert!(error.to_string().contains("remove"), "{error}");
    std::fs::remove_file(dir.path().join("written.json")).unwrap();
    let store = Store::open(dir.path()).unwrap();
    let older = store.current().unwrap();
    assert!(older < 4, "generation {older}");
    store.verify().unwrap();
    let after = install(&store, "after");
    drop(store);
    assert_eq!(Store::open(dir.path()).unwrap().current().unwrap(), after);
}

#[test]
fn a_store_from_before_the_record_gets_one_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    store_with_entries(dir.path(), 2);
    std::fs::remove_file(dir.path().join("written.json")).unwrap();
    drop(Store::open(dir.path()).unwrap());
    // The database file lost, as if cut to nothing; sled's snapshot goes with it.
    lose_the_database(dir.path());
    let error = refused_as_damaged(dir.path());
    assert!(
        matches!(error, StoreError::CutShort { written: 3, .. }),
        "{error}"
    );
}

/// Empties the database file and removes sled's snapshots, as a bad restore would, leaving
/// `written.json`: sled then opens an empty store.
fn lose_the_database(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("snap.")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    std::fs::write(dir.join("db"), b"").unwrap();
}

#[test]
fn a_lost_store_beside_an_unreadable_record_is_refused_not_made_again_empty() {
    let dir = tempfile::tempdir().unwrap();
    store_with_entries(dir.path(), 2);
    lose_the_database(dir.path());
    std::fs::write(dir.path().join("written.json"), b"\x00garbage").unwrap();
    let error = refused_as_damaged(dir.path());
    assert!(
        matches!(error, StoreError::EmptyBesideRecord { .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains("written.json"), "{message}");
    assert!(message.contains(".damaged"), "{message}");
    // Refusing changed nothing: the record is still there, so it is refused again.
    assert_eq!(
        std::fs::read(dir.path().join("written.json")).unwrap(),
        b"\x00garbage"
    );
    refused_as_damaged(dir.path());
    // The way out the message gives for a store that never held anything.
    std::fs::remove_file(dir.path().join("written.json")).unwrap();
    assert_eq!(Store::open(dir.path()).unwrap().current().unwrap(), 1);
}

#[test]
fn an_empty_record_beside_a_new_store_is_no_evidence_of_loss() {
    // A first open killed after it made the record and before its first write leaves both empty.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("written.json"), b"").unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.current().unwrap(), 1);
}
