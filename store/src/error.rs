//! What can go wrong with the store, each with the way out.

use std::path::PathBuf;

use crate::audit::ChainBreak;
use crate::{BlobHash, GenerationId};

/// A store operation that failed. Nothing stored is changed by a failed operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled could not open the directory.
    #[error("cannot open the store at {0}: {1}; check the directory's permissions and free space")]
    Open(PathBuf, #[source] sled::Error),
    /// sled found the database's files damaged.
    #[error(
        "the store at {0} is damaged ({1}); nothing was changed. Move it away (`mv {0} {0}.damaged`), and ncsh starts an empty store there, into which `gen import` brings back a bundle you exported; or set NCSH_HOME to another directory"
    )]
    Damaged(PathBuf, #[source] sled::Error),
    /// sled opened the files at fewer audit entries than ncsh had written: they were cut short.
    #[error(
        "the store at {path} holds {holds} audit entries, where ncsh had written {written}: its files were cut short, damaged or replaced by older ones, and the generations made since are not in them. ncsh does not go on with what is left. Put all its files back from a backup, written.json with them; or, to go on at the older generation, remove {path}/written.json; or move it away (`mv {path} {path}.damaged`), and ncsh starts an empty store there, into which `gen import` brings back a bundle you exported"
    )]
    CutShort {
        /// The store.
        path: PathBuf,
        /// The audit entries ncsh recorded it had written.
        written: u64,
        /// The audit entries sled found.
        holds: u64,
    },
    /// The store's files look new, but the record of what it had written is there and unreadable.
    #[error(
        "the store at {path} looks empty, but {path}/written.json, the record of what ncsh had written to it, is there and cannot be read ({why}): its files were lost or replaced. ncsh does not start a new store over them. Put all its files back from a backup; or move it away (`mv {path} {path}.damaged`), and ncsh starts an empty store there, into which `gen import` brings back a bundle you exported; or, if it never held anything, remove {path}/written.json"
    )]
    EmptyBesideRecord {
        /// The store.
        path: PathBuf,
        /// Why the record cannot be read.
        why: String,
    },
    /// The store was refused as damaged, and its files are as they were found: put back in the
    /// store's place, or, where that failed, kept in a copy.
    #[error("{error}. {}", as_found_words(kept.as_deref()))]
    AsFound {
        /// Why the store was refused.
        error: Box<StoreError>,
        /// The copy of its files as found, where they could not be put back in its place.
        kept: Option<PathBuf>,
    },
    /// Another live process holds the store.
    #[error(
        "the store at {0} is in use by another process; stop it (`daemon stop`) or set NCSH_HOME to another directory"
    )]
    Locked(PathBuf),
    /// A newer ncsh wrote this store.
    #[error(
        "the store at {path} has schema {found}, written by a newer ncsh (this one reads up to {}); \
         upgrade ncsh, or set NCSH_HOME to another directory. Nothing was changed",
        crate::SCHEMA
    )]
    NewerSchema {
        /// The store.
        path: PathBuf,
        /// The schema it has.
        found: u32,
    },
    /// A record ncsh needs is missing or unreadable.
    #[error(
        "the store is damaged: {0} is missing or unreadable; restore it from a backup or `gen import` a bundle"
    )]
    Corrupt(String),
    /// sled failed.
    #[error("the store failed: {0}")]
    Sled(#[from] sled::Error),
    /// A record could not be encoded.
    #[error("could not encode a record: {0}")]
    Encode(String),
    /// No blob with this hash.
    #[error("blob {0} is not in the store; install what needs it again")]
    MissingBlob(BlobHash),
    /// A blob's bytes no longer match its hash.
    #[error("blob {0} does not match its sha256: it was damaged on disk; reinstall what uses it")]
    CorruptBlob(BlobHash),
    /// No generation with this number.
    #[error("there is no generation {0}; `gen list` shows the generations there are")]
    UnknownGeneration(GenerationId),
    /// The first generation has no parent.
    #[error("generation {0} is the first one; there is nothing before it to roll back to")]
    NoParent(GenerationId),
    /// Current moved while an update was prepared.
    #[error(
        "current moved from generation {expected} to {actual} while the update was prepared; run it again"
    )]
    Moved {
        /// What the update was prepared on.
        expected: GenerationId,
        /// What current is now.
        actual: GenerationId,
    },
    /// The audit chain is broken.
    #[error("audit verification failed: {0}")]
    Tampered(ChainBreak),
}

impl StoreError {
    pub(crate) fn corrupt(what: &str) -> Self {
        Self::Corrupt(what.to_owned())
    }
}

/// What became of a damaged store's files as they were found.
fn as_found_words(kept: Option<&std::path::Path>) -> String {
    match kept {
        None => "Its files are as ncsh found them: sled rewrites what it finds damaged as it \
                 opens it, so ncsh copied them first and put the copy back"
            .to_owned(),
        Some(kept) => format!(
            "sled rewrites what it finds damaged as it opens it, so the store's files as ncsh \
             found them are kept in {}: to repair the store or put it back, use those, not the \
             files now in the store",
            kept.display()
        ),
    }
}
