//! Sandbox directories under `/tmp/nc`, each named by four hex digits so that a prompt showing it is
//! short: where `neural gen-data` records a session, and the neural computer's disk. Whoever holds
//! one holds its lock file, so that nothing else clears it meanwhile, and removes the file when it
//! lets the sandbox go.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};

/// The folder the sandboxes are in.
const TOP: &str = "/tmp/nc";

/// A sandbox directory, empty when taken, held until it is removed (or dropped).
pub struct SandboxDir {
    path: PathBuf,
    lock_path: PathBuf,
    _turn: Flock<File>,
}

impl SandboxDir {
    /// Takes the sandbox named `name`, waiting while another holds it, until `stop` says otherwise.
    /// A wait longer than `patience` is told to `waiting`, once: the holder may be a neural computer
    /// that keeps it for hours, where another session of the same `gen-data` lets it go within a
    /// second.
    ///
    /// # Errors
    /// When `/tmp/nc` is not this user's, the sandbox cannot be locked, cleared or made, or the wait
    /// was stopped.
    pub fn take(
        name: &str,
        patience: Duration,
        waiting: &dyn Fn(&Path),
        stop: &dyn Fn() -> bool,
    ) -> Result<Self, String> {
        let asked = Instant::now();
        let mut told = false;
        loop {
            if let Some(taken) = Self::try_lock(name)? {
                return Ok(taken);
            }
            if stop() {
                return Err(format!("stopped waiting for the sandbox {TOP}/{name}"));
            }
            if !told && asked.elapsed() >= patience {
                waiting(&Path::new(TOP).join(name));
                told = true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Takes a sandbox that nobody holds, named from `seed` onwards.
    ///
    /// # Errors
    /// As [`SandboxDir::take`], or when every name is held.
    pub fn take_free(seed: u16) -> Result<Self, String> {
        for offset in 0..=u16::MAX {
            let name = format!("{:04x}", seed.wrapping_add(offset));
            if let Some(taken) = Self::try_lock(&name)? {
                return Ok(taken);
            }
        }
        Err(format!(
            "every sandbox name in {TOP} is in use; end some ncsh sessions"
        ))
    }

    /// Takes the sandbox `name` if nobody holds it.
    fn try_lock(name: &str) -> Result<Option<Self>, String> {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        let top = Path::new(TOP);
        match std::fs::DirBuilder::new().mode(0o700).create(top) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(format!("cannot make {TOP}: {e}"));
            }
            _ => {}
        }
        // Sandboxes are cleared with remove_dir_all: the folder they are in must be this user's own
        // directory, not another user's, nor a link someone planted; and nobody else may write
        // there, to plant a link that a lock file would be created through.
        let owner =
            std::fs::symlink_metadata(top).map_err(|e| format!("cannot read {TOP}: {e}"))?;
        if !owner.is_dir() || owner.uid() != nix::unistd::getuid().as_raw() {
            return Err(format!(
                "{TOP} is not a directory of yours; sandboxes are made there, so remove it (or ask its owner to)"
            ));
        }
        if owner.mode() & 0o077 != 0 {
            std::fs::set_permissions(top, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| format!("cannot make {TOP} yours alone: {e}"))?;
        }
        let lock_path = top.join(format!(".{name}.lock"));
        let turn = loop {
            let lock_file = File::create(&lock_path)
                .map_err(|e| format!("cannot make {}: {e}", lock_path.display()))?;
            let turn = match Flock::lock(lock_file, FlockArg::LockExclusiveNonblock) {
                Ok(turn) => turn,
                Err((_, nix::errno::Errno::EWOULDBLOCK)) => return Ok(None),
                Err((_, e)) => return Err(format!("cannot lock {}: {e}", lock_path.display())),
            };
            // The holder before may have removed the file between our opening and locking it: a
            // lock on a removed file keeps nobody out, so the file there now is locked instead.
            let same = match (std::fs::metadata(&lock_path), turn.metadata()) {
                (Ok(there), Ok(ours)) => there.ino() == ours.ino() && there.dev() == ours.dev(),
                _ => false,
            };
            if same {
                break turn;
            }
        };
        let taken = Self {
            path: top.join(name),
            lock_path,
            _turn: turn,
        };
        taken.clear()?;
        std::fs::create_dir_all(&taken.path)
            .map_err(|e| format!("cannot make {}: {e}", taken.path.display()))?;
        Ok(Some(taken))
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes it and what is in it, and lets it go.
    ///
    /// # Errors
    /// When it cannot be removed.
    pub fn remove(self) -> Result<(), String> {
        self.clear()
    }

    fn clear(&self) -> Result<(), String> {
        match std::fs::remove_dir_all(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(format!("cannot clear {}: {e}", self.path.display()))
            }
            _ => Ok(()),
        }
    }
}

/// One dropped without [`SandboxDir::remove`] (an error or a panic on the way) is removed too, as
/// well as it can be. The lock file goes before the lock is let go, so that whoever waits on it
/// finds it gone and locks a new one.
impl Drop for SandboxDir {
    fn drop(&mut self) {
        let _ = self.clear();
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_sandbox_is_passed_over_and_one_let_go_leaves_nothing_behind() {
        let first = SandboxDir::take_free(0xfe00).unwrap();
        let second = SandboxDir::take_free(0xfe00).unwrap();
        assert_ne!(first.path(), second.path());
        std::fs::write(first.path().join("file"), "").unwrap();
        let (path, lock) = (first.path().to_owned(), first.lock_path.clone());
        assert!(lock.exists());
        first.remove().unwrap();
        assert!(!path.exists() && !lock.exists());
        drop(second);
    }

    #[test]
    fn taking_a_held_sandbox_says_so_and_waits_for_it() {
        let held = SandboxDir::take_free(0xfd00).unwrap();
        let path = held.path().to_owned();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let told = std::sync::Mutex::new(None);
        std::thread::scope(|scope| {
            let taker = scope.spawn(|| {
                let waiting = |path: &Path| *told.lock().unwrap() = Some(path.to_owned());
                SandboxDir::take(&name, Duration::from_millis(100), &waiting, &|| false)
            });
            let deadline = Instant::now() + Duration::from_secs(10);
            while told.lock().unwrap().is_none() && !taker.is_finished() {
                if Instant::now() > deadline {
                    // Let the taker go first, so that the scope can end.
                    drop(held);
                    panic!("a wait for a held sandbox was not told");
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            assert!(!taker.is_finished(), "it took a sandbox that was held");
            drop(held);
            let taken = taker.join().unwrap().unwrap();
            assert_eq!(taken.path(), path);
            assert_eq!(told.lock().unwrap().as_deref(), Some(path.as_path()));
        });
    }
}
