//! The audit log: one entry per event that changed, or tried to change, the runtime. Each entry's hash
//! covers the previous entry's hash, so editing, deleting, reordering or inserting an entry breaks the
//! chain from that entry on, and [`verify_chain`] names the first one that is wrong.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{BlobHash, GenerationId};

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum AuditEvent {
    /// The store was created, with its first generation.
    Created {
        /// The first generation.
        generation: GenerationId,
        /// sha256 of the generation's contents as JSON ([`crate::Contents::digest`]), so that the
        /// log vouches for what the generation holds, not only that it exists. Absent in entries
        /// written before it was recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contents: Option<BlobHash>,
    },
    /// An update was verified and committed as a new generation, which became current.
    Updated {
        /// The kind of update (`install`, `upgrade`, `remove`, `promote-model`, `set-policy`, …).
        kind: String,
        /// What it changed, in words.
        summary: String,
        /// The generation it was made from.
        parent: GenerationId,
        /// The new generation.
        generation: GenerationId,
        /// sha256 of the generation's contents as JSON ([`crate::Contents::digest`]), so that the
        /// log vouches for what the generation holds, not only that it exists. Absent in entries
        /// written before it was recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contents: Option<BlobHash>,
    },
    /// Current was pointed at an earlier (or any existing) generation.
    RolledBack {
        /// Current before.
        from: GenerationId,
        /// Current after.
        to: GenerationId,
    },
    /// An update failed verification and changed nothing.
    Refused {
        /// The kind of update.
        kind: String,
        /// What it would have changed.
        summary: String,
        /// Why it was refused.
        reason: String,
    },
    /// A generation was imported from a bundle (not made current).
    Imported {
        /// The imported generation's number here.
        generation: GenerationId,
        /// sha256 of the generation's contents as JSON ([`crate::Contents::digest`]), so that the
        /// log vouches for what the generation holds, not only that it exists. Absent in entries
        /// written before it was recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contents: Option<BlobHash>,
        /// Where it came from, in words.
        source: String,
    },
}

/// One entry of the log, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Its position: 1 for the first entry, then consecutive.
    pub seq: u64,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// Who.
    pub actor: String,
    /// What.
    pub event: AuditEvent,
    /// The previous entry's hash (all zeros for the first).
    pub prev: String,
    /// sha256(previous hash ‖ canonical record), hex.
    pub hash: String,
}

/// The hash that precedes the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

impl AuditEntry {
    /// A new entry after the entry whose hash is `prev`, with its hash computed.
    pub fn new(seq: u64, at_ms: u64, actor: &str, event: AuditEvent, prev: [u8; 32]) -> Self {
        let mut entry = Self {
            seq,
            at_ms,
            actor: actor.to_owned(),
            event,
            prev: hex::encode(prev),
            hash: String::new(),
        };
        entry.hash = hex::encode(entry.computed_hash(prev));
        entry
    }

    /// sha256(prev ‖ the canonical JSON of everything but the hash). serde_json writes struct fields
    /// in declaration order, so the bytes depend only on the values.
    fn computed_hash(&self, prev: [u8; 32]) -> [u8; 32] {
        #[derive(Serialize)]
        struct Record<'a> {
            seq: u64,
            at_ms: u64,
            actor: &'a str,
            event: &'a AuditEvent,
            prev: &'a str,
        }
        let record = Record {
            seq: self.seq,
            at_ms: self.at_ms,
            actor: &self.actor,
            event: &self.event,
            prev: &self.prev,
        };
        let canonical = serde_json::to_vec(&record).unwrap_or_default();
        let mut hasher = Sha256::new();
        hasher.update(prev);
        hasher.update(&canonical);
        hasher.finalize().into()
    }

    /// The entry's hash as bytes, if it is well-formed hex.
    pub fn hash_bytes(&self) -> Option<[u8; 32]> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&self.hash, &mut bytes).ok()?;
        Some(bytes)
    }
}

/// The first thing wrong with the log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// An entry's bytes are not an entry.
    #[error("audit entry {seq} is unreadable ({reason}): it was edited outside ncsh")]
    Unreadable {
        /// The entry's position.
        seq: u64,
        /// What the parser said.
        reason: String,
    },
    /// An entry is not where its own number says, or one is missing before it.
    #[error(
        "audit entry {found} is where entry {expected} should be: entries were deleted or reordered"
    )]
    OutOfPlace {
        /// The position the walk expected.
        expected: u64,
        /// The number the entry carries, or the key it is stored under.
        found: u64,
    },
    /// An entry does not follow the one before it.
    #[error("audit entry {seq} does not follow entry {}: an entry before it was changed, deleted or reordered", seq - 1)]
    BrokenLink {
        /// The entry's position.
        seq: u64,
    },
    /// An entry's contents do not match its hash.
    #[error("audit entry {seq} does not match its hash: it was edited")]
    Edited {
        /// The entry's position.
        seq: u64,
    },
    /// The log goes on past the last entry ncsh wrote.
    #[error(
        "audit entry {seq} comes after the last entry ncsh recorded ({head}): it was appended by hand"
    )]
    Appended {
        /// The first extra entry.
        seq: u64,
        /// The last entry ncsh recorded.
        head: u64,
    },
    /// The log ends before the last entry ncsh wrote.
    #[error(
        "the audit log ends at entry {last}, but ncsh recorded {head} entries: the last ones were deleted"
    )]
    Truncated {
        /// The last entry present.
        last: u64,
        /// The last entry ncsh recorded.
        head: u64,
    },
}

/// What a successful walk saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// Entries checked.
    pub entries: u64,
    /// The hash of the last one.
    pub head_hash: String,
}

/// Walks the log end to end: `entries` are (the key each is stored under, its bytes) in key order;
/// `head` is the number of entries ncsh recorded writing (kept apart from the log).
///
/// # Errors
/// The first [`ChainBreak`] found.
pub fn verify_chain(
    entries: impl IntoIterator<Item = (u64, Vec<u8>)>,
    head: u64,
) -> Result<ChainReport, ChainBreak> {
    let mut prev = GENESIS;
    let mut expected = 1;
    for (key, bytes) in entries {
        let entry: AuditEntry =
            serde_json::from_slice(&bytes).map_err(|e| ChainBreak::Unreadable {
                seq: key,
                reason: e.to_string(),
            })?;
        if key > head {
            return Err(ChainBreak::Appended { seq: key, head });
        }
        if key != expected || entry.seq != expected {
            let found = if key == expected { entry.seq } else { key };
            return Err(ChainBreak::OutOfPlace { expected, found });
        }
        if entry.prev != hex::encode(prev) {
            return Err(ChainBreak::BrokenLink { seq: key });
        }
        let hash = entry.computed_hash(prev);
        if entry.hash != hex::encode(hash) {
            return Err(ChainBreak::Edited { seq: key });
        }
        prev = hash;
        expected += 1;
    }
    let last = expected - 1;
    if last < head {
        return Err(ChainBreak::Truncated { last, head });
    }
    Ok(ChainReport {
        entries: last,
        head_hash: hex::encode(prev),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<(u64, Vec<u8>)> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|seq| {
                let entry = AuditEntry::new(
                    seq,
                    seq * 1000,
                    "tester",
                    AuditEvent::RolledBack { from: seq, to: 1 },
                    prev,
                );
                prev = entry.hash_bytes().unwrap();
                (seq, serde_json::to_vec(&entry).unwrap())
            })
            .collect()
    }

    fn edit(bytes: &[u8], change: impl FnOnce(&mut AuditEntry)) -> Vec<u8> {
        let mut entry: AuditEntry = serde_json::from_slice(bytes).unwrap();
        change(&mut entry);
        serde_json::to_vec(&entry).unwrap()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let report = verify_chain(chain(5), 5).unwrap();
        assert_eq!(report.entries, 5);
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut entries = chain(5);
        entries[2].1 = edit(&entries[2].1, |e| e.actor = "mallory".into());
        assert_eq!(verify_chain(entries, 5), Err(ChainBreak::Edited { seq: 3 }));
    }

    #[test]
    fn an_edit_that_rehashes_breaks_the_next_link() {
        let mut entries = chain(5);
        entries[2].1 = edit(&entries[2].1, |e| {
            e.actor = "mallory".into();
            let prev = {
                let mut p = [0u8; 32];
                hex::decode_to_slice(&e.prev, &mut p).unwrap();
                p
            };
            *e = AuditEntry::new(e.seq, e.at_ms, &e.actor, e.event.clone(), prev);
        });
        assert_eq!(
            verify_chain(entries, 5),
            Err(ChainBreak::BrokenLink { seq: 4 })
        );
    }

    #[test]
    fn deleted_reordered_appended_and_truncated_entries_are_named() {
        let mut deleted = chain(5);
        deleted.remove(1);
        assert_eq!(
            verify_chain(deleted, 5),
            Err(ChainBreak::OutOfPlace {
                expected: 2,
                found: 3
            })
        );

        let mut swapped = chain(5);
        let (a, b) = (swapped[1].1.clone(), swapped[2].1.clone());
        swapped[1].1 = b;
        swapped[2].1 = a;
        assert_eq!(
            verify_chain(swapped, 5),
            Err(ChainBreak::OutOfPlace {
                expected: 2,
                found: 3
            })
        );

        assert_eq!(
            verify_chain(chain(6), 5),
            Err(ChainBreak::Appended { seq: 6, head: 5 })
        );
        assert_eq!(
            verify_chain(chain(4), 5),
            Err(ChainBreak::Truncated { last: 4, head: 5 })
        );

        let mut garbage = chain(3);
        garbage[1].1 = b"not json".to_vec();
        assert!(matches!(
            verify_chain(garbage, 3),
            Err(ChainBreak::Unreadable { seq: 2, .. })
        ));
    }
}
