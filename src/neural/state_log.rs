//! The fidelity log: one JSON line per step the learned runtime followed in a hybrid session
//! ([`neural_rt::fidelity::Measured`]), in the state directory, appended by every host at once.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use neural_rt::fidelity::Measured;
use nix::fcntl::{Flock, FlockArg};

/// Past this size the log is moved to `fidelity.jsonl.old` (replacing the one before) when a session
/// starts, so that a login shell used for years keeps about twice this on disk.
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

/// At a session's start: makes sure the log can be written, and moves a full one aside. Hosts that
/// start together take turns through a lock, so that none moves the log another has just begun.
///
/// # Errors
/// When the state directory or the log cannot be written.
pub fn prepare() -> Result<(), String> {
    let path = path()?;
    let log = open(&path)?;
    let _turn = Flock::lock(log, FlockArg::LockExclusive)
        .map_err(|(_, e)| format!("cannot lock {}: {e}", path.display()))?;
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > ROTATE_BYTES) {
        let old = path.with_extension("jsonl.old");
        std::fs::rename(&path, &old).map_err(|e| format!("cannot move {}: {e}", path.display()))?;
    }
    Ok(())
}

fn open(path: &std::path::Path) -> Result<File, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Appends one step. The log is opened for each step, so that a host that lives for days writes
/// to the log, not to the one moved aside. The line goes out in one write, so that lines from hosts
/// writing at the same time do not interleave; a line cut short (a host killed while writing) is
/// ended first, so that it does not swallow this one.
///
/// # Errors
/// When the log cannot be written.
pub fn append(measured: &Measured) -> Result<(), String> {
    let path = path()?;
    let mut log = open(&path)?;
    let mut line = Vec::new();
    if !ends_a_line(&mut log).map_err(|e| format!("cannot read {}: {e}", path.display()))? {
        line.push(b'\n');
    }
    serde_json::to_writer(&mut line, measured).map_err(|e| e.to_string())?;
    line.push(b'\n');
    log.write_all(&line)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Whether the file is empty or its last byte ends a line.
fn ends_a_line(file: &mut File) -> std::io::Result<bool> {
    if file.seek(SeekFrom::End(0))? == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
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
        // Two hosts that both end the same cut-short line leave an empty one, which is no step.
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(&line) {
            Ok(m) => measured.push(m),
            Err(_) => unreadable += 1,
        }
    }
    Ok((measured, unreadable))
}
