//! The per-user daemon that owns the store (sled is single-process, and many shells run at once), and
//! the shell's side of talking to it.
//!
//! - [`server`]: `ncsh --daemon`: one per user, on a Unix socket only its user can reach; it exits by
//!   itself some minutes after its last shell has gone.
//! - [`client`]: what a shell uses. It starts the daemon on demand, and when it cannot, says why;
//!   commands never need the daemon, only updates and queries of the store do.
//! - [`protocol`]: the messages between them, versioned.

pub mod client;
mod handle;
pub mod protocol;
pub mod server;

use std::path::PathBuf;

/// The files of the daemon in the runtime directory.
pub struct Places {
    /// The runtime directory (mode 0700).
    pub dir: PathBuf,
    /// The socket shells connect to.
    pub socket: PathBuf,
    /// Held (flock) by the running daemon, and holding its pid.
    pub lock: PathBuf,
}

impl Places {
    /// Where the daemon of this user is, or why that cannot be known.
    pub fn find() -> Result<Places, String> {
        let dir = crate::paths::runtime_dir().ok_or(
            "no runtime directory: set XDG_RUNTIME_DIR, HOME or NCSH_HOME to a directory you own",
        )?;
        Ok(Places {
            socket: dir.join("daemon.sock"),
            lock: dir.join("daemon.lock"),
            dir,
        })
    }

    /// Checks that the runtime directory is this user's alone: owned by us, and neither group nor
    /// others may enter it. Otherwise another user could put a socket there and pose as the daemon.
    pub fn check_private(&self) -> Result<(), String> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(&self.dir)
            .map_err(|e| format!("cannot read {}: {e}", self.dir.display()))?;
        let me = nix::unistd::geteuid().as_raw();
        if meta.uid() != me || meta.mode() & 0o077 != 0 {
            return Err(format!(
                "{} must be yours alone (owner uid {me}, mode 700), but its owner is uid {} and its \
                 mode {:o}: another user could pose as the daemon there; remove it, or set \
                 XDG_RUNTIME_DIR (or NCSH_HOME) to a directory of your own",
                self.dir.display(),
                meta.uid(),
                meta.mode() & 0o7777
            ));
        }
        Ok(())
    }

    /// The pid the daemon holding the lock wrote in it, as written (empty where it cannot be read).
    pub fn daemon_pid(&self) -> String {
        std::fs::read_to_string(&self.lock)
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    /// Whether a daemon process holds the lock, alive: it is let go only when the process is gone.
    pub fn daemon_alive(&self) -> bool {
        let Ok(file) = std::fs::File::open(&self.lock) else {
            return false;
        };
        nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockSharedNonblock).is_err()
    }
}

/// Where the store is: `<data dir>/store`.
pub fn store_dir() -> Result<PathBuf, String> {
    crate::paths::data_dir()
        .map(|dir| dir.join("store"))
        .ok_or_else(|| "no data directory: set HOME or NCSH_HOME".to_owned())
}

/// The log file, for messages that send the user there.
pub fn log_file() -> String {
    crate::paths::state_dir().map_or_else(
        || "ncsh.log in the state directory".to_owned(),
        |dir| dir.join("ncsh.log").display().to_string(),
    )
}
