//! A record, beside sled's files, of how many audit entries the store has written.
//!
//! sled opens a database file that was cut short (a bad copy, a restore of part of the files) by
//! replaying what is left of it, without an error: the store would open at an older generation, or
//! empty and be created again, and what was lost would go unnoticed. Every update ends by recording
//! its audit count here, so that `open` can tell a store that lost entries from one that never had
//! them.

use std::path::Path;

use serde::{Deserialize, Serialize};

const FILE: &str = "written.json";

#[derive(Serialize, Deserialize)]
struct Written {
    audit_entries: u64,
}

/// Records that the store in `dir` has written `audit_entries` entries. The record is replaced by a
/// rename, so a crash leaves the old one or the new one, never a part.
///
/// # Errors
/// When the file cannot be written.
pub(crate) fn record(dir: &Path, audit_entries: u64) -> std::io::Result<()> {
    let partial = dir.join("written.json.partial");
    std::fs::write(&partial, serde_json::to_vec(&Written { audit_entries })?)?;
    std::fs::rename(partial, dir.join(FILE))
}

/// How many audit entries the store in `dir` had written, when it says. A record that is missing
/// (a store from before it was kept) or unreadable is no evidence of loss, so it is `None`.
pub(crate) fn read(dir: &Path) -> Option<u64> {
    let bytes = std::fs::read(dir.join(FILE)).ok()?;
    let written: Written = serde_json::from_slice(&bytes).ok()?;
    Some(written.audit_entries)
}
