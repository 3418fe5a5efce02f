//! The learned runtime's logs in the state directory, one JSON line per step, appended by every
//! session at once: the fidelity log of hybrid sessions ([`neural_rt::fidelity::Measured`]), and
//! the verdicts of the neural computer's sessions.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use nix::fcntl::{Flock, FlockArg};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Past this size a log is moved to `NAME.jsonl.old` (replacing the one before) when a session
/// starts, so that a login shell used for years keeps about twice this on disk.
const ROTATE_BYTES: u64 = 16 * 1024 * 1024;

/// A session's name in the logs: the process's id and the second it started.
pub fn session_name() -> String {
    format!("{}-{}", std::process::id(), now() as u64)
}

/// Now, in seconds since the Unix epoch, as the logs keep time.
pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A log in the state directory.
pub struct StateLog {
    file: &'static str,
}

/// The fidelity log: hybrid sessions' steps, scored (`neural fidelity`).
pub const FIDELITY: StateLog = StateLog {
    file: "fidelity.jsonl",
};

/// The neural computer's log: each step's verdict.
pub const COMPUTER: StateLog = StateLog {
    file: "neural-computer.jsonl",
};

impl StateLog {
    /// Where the log is.
    ///
    /// # Errors
    /// When there is no state directory (no `$HOME`, `$XDG_STATE_HOME` or `$NCSH_HOME`).
    pub fn path(&self) -> Result<PathBuf, String> {
        crate::paths::state_dir()
            .map(|dir| dir.join(self.file))
            .ok_or_else(|| "there is no state directory: set HOME or NCSH_HOME".to_owned())
    }

    /// At a session's start: makes sure the log can be written, and moves a full one aside. Hosts that
    /// start together take turns through a lock, so that none moves the log another has just begun.
    ///
    /// # Errors
    /// When the state directory or the log cannot be written.
    pub fn prepare(&self) -> Result<(), String> {
        let path = self.path()?;
        let log = open(&path)?;
        let _turn = Flock::lock(log, FlockArg::LockExclusive)
            .map_err(|(_, e)| format!("cannot lock {}: {e}", path.display()))?;
        if std::fs::metadata(&path).is_ok_and(|m| m.len() > ROTATE_BYTES) {
            let old = path.with_extension("jsonl.old");
            std::fs::rename(&path, &old)
                .map_err(|e| format!("cannot move {}: {e}", path.display()))?;
        }
        Ok(())
    }

    /// Appends one step. The log is opened for each step, so that a host that lives for days writes
    /// to the log, not to the one moved aside. The line goes out in one write, so that lines from hosts
    /// writing at the same time do not interleave; a line cut short (a host killed while writing) is
    /// ended first, so that it does not swallow this one.
    ///
    /// # Errors
    /// When the log cannot be written.
    pub fn append(&self, entry: &impl Serialize) -> Result<(), String> {
        let path = self.path()?;
        let mut log = open(&path)?;
        let mut line = Vec::new();
        if !ends_a_line(&mut log).map_err(|e| format!("cannot read {}: {e}", path.display()))? {
            line.push(b'\n');
        }
        serde_json::to_writer(&mut line, entry).map_err(|e| e.to_string())?;
        line.push(b'\n');
        log.write_all(&line)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// The steps in the log, and how many of its lines could not be read (a line cut short by a
    /// crash, or written by hand). No log yet is no steps.
    ///
    /// # Errors
    /// When the log exists but cannot be read.
    pub fn read<T: DeserializeOwned>(&self) -> Result<(Vec<T>, usize), String> {
        let path = self.path()?;
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let mut entries = Vec::new();
        let mut unreadable = 0;
        // As bytes: a line that is not UTF-8 (written by hand, or damaged) is one unreadable entry,
        // not a log that cannot be read.
        for line in BufReader::new(file).split(b'\n') {
            let line = line.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            // Two hosts that both end the same cut-short line leave an empty one, which is no step.
            if line.trim_ascii().is_empty() {
                continue;
            }
            match serde_json::from_slice(&line) {
                Ok(entry) => entries.push(entry),
                Err(_) => unreadable += 1,
            }
        }
        Ok((entries, unreadable))
    }
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
