//! A record, beside sled's files, of how many audit entries the store has written.
//!
//! sled opens a database file that was cut short (a bad copy, a restore of part of the files) by
//! replaying what is left of it, without an error: the store would open at an older generation, or
//! empty and be created again, and what was lost would go unnoticed. Every update ends by recording
//! its audit count here, so that `open` can tell a store that lost entries from one that never had
//! them.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

use serde::{Deserialize, Serialize};

const FILE: &str = "written.json";

/// Every record is written over the same bytes, padded with spaces (which JSON allows after a
/// value), so that one `pwrite` replaces it: no new file and no rename per update.
const WIDTH: usize = 48;

#[derive(Serialize, Deserialize)]
struct Written {
    audit_entries: u64,
}

/// The record of one open store.
pub(crate) struct Record {
    file: File,
    /// The count written last, which the record never goes back from.
    count: u64,
}

impl Record {
    /// Opens the record of the store in `dir`, making it if there is none.
    ///
    /// # Errors
    /// When the file cannot be opened for writing.
    pub(crate) fn open(dir: &Path) -> io::Result<Self> {
        let file = File::options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(FILE))?;
        Ok(Self { file, count: 0 })
    }

    /// Records that `count` audit entries are durable, unless a larger count was recorded already
    /// (threads finish their updates in any order). A write of one page's bytes in place is whole
    /// or not made at all when the process is killed.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub(crate) fn set(&mut self, count: u64) -> io::Result<()> {
        if count <= self.count {
            return Ok(());
        }
        let mut bytes = serde_json::to_vec(&Written {
            audit_entries: count,
        })?;
        bytes.resize(WIDTH - 1, b' ');
        bytes.push(b'\n');
        self.file.write_all_at(&bytes, 0)?;
        self.count = count;
        Ok(())
    }
}

/// What the record in a store's directory says.
pub(crate) enum Recorded {
    /// No record, or an empty one (a store from before the record was kept, or one whose first
    /// update never finished): no evidence either way.
    Nothing,
    /// The store had written this many audit entries.
    Entries(u64),
    /// A record is there but cannot be read (its permissions, or bytes that are not a record): the
    /// store had been written, but how far is not known.
    Unreadable(String),
}

/// What the record of the store in `dir` says.
pub(crate) fn read(dir: &Path) -> Recorded {
    let bytes = match std::fs::read(dir.join(FILE)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Recorded::Nothing,
        Err(e) => return Recorded::Unreadable(e.to_string()),
    };
    if bytes.is_empty() {
        return Recorded::Nothing;
    }
    match serde_json::from_slice::<Written>(&bytes) {
        Ok(written) => Recorded::Entries(written.audit_entries),
        Err(e) => Recorded::Unreadable(e.to_string()),
    }
}
