//! The fidelity log: one JSON line per step the learned runtime followed in a hybrid session
//! ([`neural_rt::fidelity::Measured`]), in the state directory, appended by every host at once.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use neural_rt::fidelity::Measured;

/// Past this size the log is moved to `fidelity.jsonl.old` (replacing the one before) when a session
/// starts, so that a login shell used for years keeps at most twice this on disk.
const ROTATE_BYTES: u64 = 16 * 1024 * 1024;

/// Where the log is.
///
/// # Errors
/// When there is no state directory (no `$HOME`, `$XDG_STATE_HOME` or `$NCSH_HOME`).
pub fn path() -> Result<PathBuf, String> {
    crate::paths::state_dir()
        .map(|dir| dir.join("fidelity.jsonl"))
        .ok_or_else(|| "there is no state directory: set HOME or NCSH_HOME".to_owned())
}

/// Opens the log to append to, moving a full one aside first.
///
/// # Errors
/// When the state directory or the log cannot be written.
pub fn open_for_append() -> Result<File, String> {
    let path = path()?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > ROTATE_BYTES) {
        let old = path.with_extension("jsonl.old");
        std::fs::rename(&path, &old).map_err(|e| format!("cannot move {}: {e}", path.display()))?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Appends one step. The line goes out in one write, so that lines from hosts writing at the same
/// time do not interleave.
///
/// # Errors
/// When the log cannot be written.
pub fn append(log: &mut File, measured: &Measured) -> Result<(), String> {
    let mut line = serde_json::to_vec(measured).map_err(|e| e.to_string())?;
    line.push(b'\n');
    log.write_all(&line).map_err(|e| e.to_string())
}

/// The steps in the log, and how many of its lines could not be read (a line cut short by a
/// crash, or written by hand). No log yet is no steps.
///
/// # Errors
/// When the log exists but cannot be read.
pub fn read() -> Result<(Vec<Measured>, usize), String> {
    let path = path()?;
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut measured = Vec::new();
    let mut unreadable = 0;
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        match serde_json::from_str(&line) {
            Ok(m) => measured.push(m),
            Err(_) => unreadable += 1,
        }
    }
    Ok((measured, unreadable))
}
