//! The store on disk: one sled database with four trees.
//!
//! - `meta`: the schema version, the current generation, the next generation number, and the audit
//!   head (how many entries ncsh wrote and the last one's hash);
//! - `blobs`: sha256 → bytes;
//! - `generations`: id (big-endian) → the generation as JSON;
//! - `audit`: seq (big-endian) → the entry as JSON;
//! - `precompiled`: wasm sha256 ‖ engine compatibility key → the sha256 of the native code compiled
//!   from it (itself a blob): a cache, not part of any generation.
//!
//! Every update is one sled transaction over `meta`, `generations` and `audit` (the new generation,
//! the current pointer and the audit entry land together or not at all), followed by `flush`: sled is
//! not durable until then, so no update returns before it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};

use crate::audit::{AuditEntry, AuditEvent, ChainReport, GENESIS, verify_chain};
use crate::{BlobHash, Contents, Draft, Generation, GenerationId, StoreError, as_found, written};

/// The layout this ncsh writes. A store with a higher number was written by a newer ncsh.
pub const SCHEMA: u32 = 1;

const SCHEMA_KEY: &[u8] = b"schema";
const CURRENT_KEY: &[u8] = b"current";
const NEXT_GENERATION_KEY: &[u8] = b"next-generation";
const AUDIT_HEAD_KEY: &[u8] = b"audit-head";

/// An open store. Only one process may hold it (sled locks the directory); in ncsh that is the
/// daemon.
pub struct Store {
    path: PathBuf,
    db: sled::Db,
    meta: sled::Tree,
    blobs: sled::Tree,
    generations: sled::Tree,
    audit: sled::Tree,
    precompiled: sled::Tree,
    /// `written.json`, the audit count durable so far; `None` until the store's checks have passed,
    /// or when it cannot be opened.
    recording: Mutex<Option<written::Record>>,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn be_u64(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?))
}

/// The audit head: entries written so far and the last one's hash.
fn decode_head(bytes: Option<sled::IVec>) -> Result<(u64, [u8; 32]), StoreError> {
    let Some(bytes) = bytes else {
        return Ok((0, GENESIS));
    };
    let count = be_u64(&bytes).ok_or_else(|| StoreError::corrupt("the audit head"))?;
    let hash = bytes
        .get(8..40)
        .and_then(|h| <[u8; 32]>::try_from(h).ok())
        .ok_or_else(|| StoreError::corrupt("the audit head"))?;
    Ok((count, hash))
}

fn encode_head(count: u64, hash: [u8; 32]) -> Vec<u8> {
    let mut bytes = count.to_be_bytes().to_vec();
    bytes.extend_from_slice(&hash);
    bytes
}

type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

/// Appends `event` to the audit log inside a transaction, moving the head with it.
fn append_audit(
    meta: &TransactionalTree,
    audit: &TransactionalTree,
    actor: &str,
    event: AuditEvent,
) -> TxResult<AuditEntry> {
    let (count, prev) = decode_head(meta.get(AUDIT_HEAD_KEY)?).map_err(abort)?;
    let entry = AuditEntry::new(count + 1, now_ms(), actor, event, prev);
    let hash = entry.hash_bytes().unwrap_or(GENESIS);
    let bytes = serde_json::to_vec(&entry).map_err(|e| abort(StoreError::Encode(e.to_string())))?;
    audit.insert(&entry.seq.to_be_bytes(), bytes)?;
    meta.insert(AUDIT_HEAD_KEY, encode_head(entry.seq, hash))?;
    Ok(entry)
}

fn abort(error: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(error)
}

fn read_u64(tree: &TransactionalTree, key: &[u8], what: &str) -> TxResult<u64> {
    let bytes = tree
        .get(key)?
        .ok_or_else(|| abort(StoreError::corrupt(what)))?;
    be_u64(&bytes).ok_or_else(|| abort(StoreError::corrupt(what)))
}

/// How long `open` waits for a store that was closed a moment ago.
const LOCK_WAIT: Duration = Duration::from_secs(1);

/// Opens the sled database in `dir`. sled releases a closed database's file lock from a background
/// thread, shortly after the last handle is dropped, so a store closed a moment ago (by this process
/// or a daemon that just stopped) can still look held: the open is tried again for [`LOCK_WAIT`]
/// before the store is reported in use.
fn open_db(dir: &Path) -> Result<sled::Db, StoreError> {
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match sled::Config::new().path(dir).open() {
            Ok(db) => return Ok(db),
            Err(e) if e.to_string().contains("could not acquire lock") => {
                if Instant::now() >= deadline {
                    return Err(StoreError::Locked(dir.to_owned()));
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(opening(dir, e)),
        }
    }
}

/// Why `dir` could not be opened: its files damaged, or the directory itself.
fn opening(dir: &Path, e: sled::Error) -> StoreError {
    match e {
        sled::Error::Corruption { .. } => StoreError::Damaged(dir.to_owned(), e),
        e => StoreError::Open(dir.to_owned(), e),
    }
}

/// Writes a new generation under the next number and moves the counter past it.
fn add_generation(
    meta: &TransactionalTree,
    generations: &TransactionalTree,
    parent: Option<GenerationId>,
    actor: &str,
    reason: &str,
    contents: &Contents,
) -> TxResult<Generation> {
    let id = read_u64(meta, NEXT_GENERATION_KEY, "the generation counter")?;
    let generation = Generation {
        id,
        parent,
        created_ms: now_ms(),
        actor: actor.to_owned(),
        reason: reason.to_owned(),
        contents: contents.clone(),
    };
    let bytes =
        serde_json::to_vec(&generation).map_err(|e| abort(StoreError::Encode(e.to_string())))?;
    generations.insert(&id.to_be_bytes(), bytes)?;
    meta.insert(NEXT_GENERATION_KEY, &(id + 1).to_be_bytes())?;
    Ok(generation)
}

fn read_current(meta: &TransactionalTree) -> TxResult<GenerationId> {
    read_u64(meta, CURRENT_KEY, "the current-generation pointer")
}

fn precompiled_key(wasm: &BlobHash, engine: &str) -> Vec<u8> {
    let mut key = wasm.0.to_vec();
    key.extend_from_slice(engine.as_bytes());
    key
}

fn decode_generation(bytes: &[u8], id: GenerationId) -> Result<Generation, StoreError> {
    serde_json::from_slice(bytes).map_err(|_| StoreError::corrupt(&format!("generation {id}")))
}

impl Store {
    /// Opens the store in `dir`, creating it (with an empty first generation) if it does not exist.
    ///
    /// # Errors
    /// When another process holds the store, when it was written by a newer ncsh (nothing is
    /// changed then), or when it cannot be read.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let as_found = as_found::Copy::take(dir);
        Self::open_in_place(dir).map_err(|error| match error {
            StoreError::Damaged(..)
            | StoreError::CutShort { .. }
            | StoreError::EmptyBesideRecord { .. }
            | StoreError::Corrupt(_) => match as_found.put_back() {
                Ok(true) => StoreError::AsFound {
                    error: Box::new(error),
                    kept: None,
                },
                Ok(false) => error,
                Err(kept) => StoreError::AsFound {
                    error: Box::new(error),
                    kept: Some(kept),
                },
            },
            error => error,
        })
    }

    fn open_in_place(dir: &Path) -> Result<Self, StoreError> {
        let db = open_db(dir)?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| opening(dir, e));
        let store = Self {
            path: dir.to_owned(),
            meta: tree("meta")?,
            blobs: tree("blobs")?,
            generations: tree("generations")?,
            audit: tree("audit")?,
            precompiled: tree("precompiled")?,
            recording: Mutex::new(None),
            db,
        };
        let schema = store.meta.get(SCHEMA_KEY)?;
        if let Some(bytes) = &schema {
            let found = bytes
                .get(..4)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_be_bytes)
                .ok_or_else(|| StoreError::corrupt("the schema version"))?;
            if found > SCHEMA {
                return Err(StoreError::NewerSchema {
                    path: dir.to_owned(),
                    found,
                });
            }
        }
        let holds = store.audit_count();
        let recorded = written::read(dir);
        store.refuse_if_cut_short(holds, &recorded)?;
        let fresh = match schema {
            Some(_) => false,
            None if store.generations.is_empty() && store.audit.is_empty() => true,
            None => return Err(StoreError::corrupt("the schema version")),
        };
        // A store that looks new beside a record it cannot read had been written: its files were
        // lost or replaced, and making a new store would hide that.
        if let (true, written::Recorded::Unreadable(why)) = (fresh, recorded) {
            return Err(StoreError::EmptyBesideRecord {
                path: dir.to_owned(),
                why,
            });
        }
        *store.record() = written::Record::open(dir).ok();
        if fresh {
            store.create()?;
        } else if let Some(count) = holds {
            // A store from before the record was kept gets one now.
            store.record_written(count);
        }
        Ok(store)
    }

    /// Refuses a store that holds fewer audit entries (`holds`, by its head) than it recorded
    /// having written. A head that cannot be read is no evidence of that; `audit verify` names it.
    fn refuse_if_cut_short(
        &self,
        holds: Option<u64>,
        recorded: &written::Recorded,
    ) -> Result<(), StoreError> {
        match (holds, recorded) {
            (Some(holds), &written::Recorded::Entries(written)) if holds < written => {
                Err(StoreError::CutShort {
                    path: self.path.clone(),
                    written,
                    holds,
                })
            }
            _ => Ok(()),
        }
    }

    /// How many audit entries the store holds, by its head; `None` when the head cannot be read.
    fn audit_count(&self) -> Option<u64> {
        let head = self.meta.get(AUDIT_HEAD_KEY).map_err(StoreError::from);
        head.and_then(decode_head).ok().map(|(count, _)| count)
    }

    /// Writes the first generation (nothing installed) and the first audit entry.
    fn create(&self) -> Result<(), StoreError> {
        self.transact(|meta, generations, audit| {
            meta.insert(NEXT_GENERATION_KEY, &1u64.to_be_bytes())?;
            let reason = "first generation: nothing installed";
            let first = add_generation(
                meta,
                generations,
                None,
                "ncsh",
                reason,
                &Contents::default(),
            )?;
            meta.insert(CURRENT_KEY, &first.id.to_be_bytes())?;
            let event = AuditEvent::Created {
                generation: first.id,
                contents: Some(first.contents.digest()),
            };
            append_audit(meta, audit, "ncsh", event)?;
            meta.insert(SCHEMA_KEY, &SCHEMA.to_be_bytes())?;
            Ok(())
        })
    }

    /// Runs `f` as one transaction over meta, generations and audit, then makes it durable.
    fn transact<T>(
        &self,
        f: impl Fn(&TransactionalTree, &TransactionalTree, &TransactionalTree) -> TxResult<T>,
    ) -> Result<T, StoreError> {
        let result = (&self.meta, &self.generations, &self.audit)
            .transaction(|(meta, generations, audit)| f(meta, generations, audit))
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => StoreError::Sled(e),
            })?;
        // Counted before the flush, which then makes every entry counted durable, those of other
        // threads' updates that landed meanwhile included. Counted after it, an entry of another
        // update could be counted before it was on disk, and a crash then would look like loss.
        let count = self.audit_count();
        self.db.flush()?;
        if let Some(count) = count {
            self.record_written(count);
        }
        Ok(result)
    }

    /// The record of the audit count, held while it is written.
    fn record(&self) -> std::sync::MutexGuard<'_, Option<written::Record>> {
        self.recording
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records that `count` audit entries are durable. A record that fails to be written (or could
    /// not be opened) only lags, which weakens the check at `open` but raises no false alarm; the
    /// update itself has landed, so it is not reported as failed.
    fn record_written(&self, count: u64) {
        if let Some(record) = self.record().as_mut() {
            let _ = record.set(count);
        }
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stores `bytes` under their sha256 and returns it. Storing the same bytes twice is a no-op.
    /// The blob is durable with the next update (or [`Store::flush`]).
    ///
    /// # Errors
    /// When sled cannot write.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<BlobHash, StoreError> {
        let hash = BlobHash::of(bytes);
        if !self.blobs.contains_key(hash.0)? {
            self.blobs.insert(hash.0, bytes)?;
        }
        Ok(hash)
    }

    /// The blob with this hash, checked against it.
    ///
    /// # Errors
    /// [`StoreError::MissingBlob`] when absent, [`StoreError::CorruptBlob`] when its bytes no longer
    /// hash to its name.
    pub fn blob(&self, hash: &BlobHash) -> Result<Vec<u8>, StoreError> {
        let bytes = self
            .blobs
            .get(hash.0)?
            .ok_or(StoreError::MissingBlob(*hash))?;
        if BlobHash::of(&bytes) != *hash {
            return Err(StoreError::CorruptBlob(*hash));
        }
        Ok(bytes.to_vec())
    }

    /// Records `artifact`, native code compiled from the wasm `wasm` by an engine whose compatibility
    /// key is `engine`, and makes it durable. A cache: no generation refers to it.
    ///
    /// # Errors
    /// When sled cannot write.
    pub fn put_precompiled(
        &self,
        wasm: &BlobHash,
        engine: &str,
        artifact: &[u8],
    ) -> Result<BlobHash, StoreError> {
        let hash = self.put_blob(artifact)?;
        self.precompiled
            .insert(precompiled_key(wasm, engine), &hash.0)?;
        self.db.flush()?;
        Ok(hash)
    }

    /// The artifact compiled from `wasm` for engine `engine`, if there is one: its hash and its
    /// bytes, checked against the hash (it is native code: nothing else may be loaded).
    ///
    /// # Errors
    /// [`StoreError::CorruptBlob`] when the artifact no longer matches its hash.
    pub fn precompiled(
        &self,
        wasm: &BlobHash,
        engine: &str,
    ) -> Result<Option<(BlobHash, Vec<u8>)>, StoreError> {
        let Some(hash) = self.precompiled.get(precompiled_key(wasm, engine))? else {
            return Ok(None);
        };
        let hash = <[u8; 32]>::try_from(hash.as_ref())
            .map(BlobHash)
            .map_err(|_| StoreError::corrupt("a precompiled-artifact entry"))?;
        match self.blob(&hash) {
            Ok(bytes) => Ok(Some((hash, bytes))),
            Err(StoreError::MissingBlob(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Makes everything written so far durable.
    ///
    /// # Errors
    /// When sled cannot write.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// The current generation's number.
    ///
    /// # Errors
    /// When the pointer is missing or damaged.
    pub fn current(&self) -> Result<GenerationId, StoreError> {
        let bytes = self
            .meta
            .get(CURRENT_KEY)?
            .ok_or_else(|| StoreError::corrupt("the current-generation pointer"))?;
        be_u64(&bytes).ok_or_else(|| StoreError::corrupt("the current-generation pointer"))
    }

    /// The generation numbered `id`.
    ///
    /// # Errors
    /// [`StoreError::UnknownGeneration`] when there is none.
    pub fn generation(&self, id: GenerationId) -> Result<Generation, StoreError> {
        let bytes = self
            .generations
            .get(id.to_be_bytes())?
            .ok_or(StoreError::UnknownGeneration(id))?;
        decode_generation(&bytes, id)
    }

    /// All generations, oldest first.
    ///
    /// # Errors
    /// When one cannot be read.
    pub fn generations(&self) -> Result<Vec<Generation>, StoreError> {
        self.generations
            .iter()
            .map(|item| {
                let (key, bytes) = item?;
                decode_generation(&bytes, be_u64(&key).unwrap_or(0))
            })
            .collect()
    }

    /// Commits `draft` as a new generation, makes it current and logs the update, in one durable
    /// transaction. `kind` and `summary` describe the update for the audit log.
    ///
    /// # Errors
    /// [`StoreError::Moved`] when current is no longer `draft.parent` (another update came first:
    /// prepare the update again on the new current).
    pub fn commit(
        &self,
        draft: &Draft,
        kind: &str,
        summary: &str,
    ) -> Result<Generation, StoreError> {
        self.transact(|meta, generations, audit| {
            let current = read_current(meta)?;
            if current != draft.parent {
                return Err(abort(StoreError::Moved {
                    expected: draft.parent,
                    actual: current,
                }));
            }
            let generation = add_generation(
                meta,
                generations,
                Some(draft.parent),
                &draft.actor,
                &draft.reason,
                &draft.contents,
            )?;
            meta.insert(CURRENT_KEY, &generation.id.to_be_bytes())?;
            let event = AuditEvent::Updated {
                kind: kind.to_owned(),
                summary: summary.to_owned(),
                parent: draft.parent,
                generation: generation.id,
                contents: Some(generation.contents.digest()),
            };
            append_audit(meta, audit, &draft.actor, event)?;
            Ok(generation)
        })
    }

    /// Points current at `to`, or, when `to` is `None`, at the current generation's parent, and logs
    /// it. Returns (from, to).
    ///
    /// # Errors
    /// [`StoreError::UnknownGeneration`] for a number that does not exist, [`StoreError::NoParent`]
    /// when rolling back from the first generation.
    pub fn rollback(
        &self,
        to: Option<GenerationId>,
        actor: &str,
    ) -> Result<(GenerationId, GenerationId), StoreError> {
        self.transact(|meta, generations, audit| {
            let from = read_current(meta)?;
            let to = match to {
                Some(id) => id,
                None => {
                    let bytes = generations
                        .get(from.to_be_bytes())?
                        .ok_or_else(|| abort(StoreError::UnknownGeneration(from)))?;
                    let current = decode_generation(&bytes, from).map_err(abort)?;
                    current.parent.ok_or(abort(StoreError::NoParent(from)))?
                }
            };
            if generations.get(to.to_be_bytes())?.is_none() {
                return Err(abort(StoreError::UnknownGeneration(to)));
            }
            meta.insert(CURRENT_KEY, &to.to_be_bytes())?;
            append_audit(meta, audit, actor, AuditEvent::RolledBack { from, to })?;
            Ok((from, to))
        })
    }

    /// Logs an update that failed verification. Nothing else changes.
    ///
    /// # Errors
    /// When sled cannot write.
    pub fn record_refusal(
        &self,
        actor: &str,
        kind: &str,
        summary: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let event = AuditEvent::Refused {
            kind: kind.to_owned(),
            summary: summary.to_owned(),
            reason: reason.to_owned(),
        };
        self.transact(|meta, _, audit| {
            append_audit(meta, audit, actor, event.clone())?;
            Ok(())
        })
    }

    /// Adds `contents` as a new generation made from current, without making it current, and logs
    /// where it came from.
    ///
    /// # Errors
    /// When sled cannot write.
    pub fn import(
        &self,
        contents: &Contents,
        actor: &str,
        reason: &str,
        source: &str,
    ) -> Result<Generation, StoreError> {
        self.transact(|meta, generations, audit| {
            let current = read_current(meta)?;
            let generation =
                add_generation(meta, generations, Some(current), actor, reason, contents)?;
            let event = AuditEvent::Imported {
                generation: generation.id,
                contents: Some(generation.contents.digest()),
                source: source.to_owned(),
            };
            append_audit(meta, audit, actor, event)?;
            Ok(generation)
        })
    }

    /// The audit log, oldest first. Entries that cannot be read are skipped here; [`Store::verify`]
    /// names them.
    ///
    /// # Errors
    /// When sled cannot read.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let mut entries = Vec::new();
        for item in self.audit.iter() {
            let (_, bytes) = item?;
            if let Ok(entry) = serde_json::from_slice(&bytes) {
                entries.push(entry);
            }
        }
        Ok(entries)
    }

    /// Walks the audit chain end to end.
    ///
    /// # Errors
    /// [`StoreError::Tampered`] naming the first bad entry.
    pub fn verify(&self) -> Result<ChainReport, StoreError> {
        let (head, _) = decode_head(self.meta.get(AUDIT_HEAD_KEY)?)?;
        let mut entries = Vec::new();
        for item in self.audit.iter() {
            let (key, bytes) = item?;
            entries.push((be_u64(&key).unwrap_or(0), bytes.to_vec()));
        }
        verify_chain(entries, head).map_err(StoreError::Tampered)
    }
}
