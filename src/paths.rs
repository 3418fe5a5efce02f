//! Where ncsh keeps its files: the XDG directories, all moved under `$NCSH_HOME` when it is set (the
//! tests set it).

use std::ffi::OsString;
use std::path::PathBuf;

/// `$NCSH_HOME/<under_home>`, else `$<xdg_var>/ncsh`, else `~/<fallback>`.
fn xdg_dir(under_home: &str, xdg_var: &str, fallback: &str) -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("NCSH_HOME") {
        return Some(PathBuf::from(home).join(under_home));
    }
    if let Some(dir) = std::env::var_os(xdg_var).filter(|s| !s.is_empty()) {
        return Some(PathBuf::from(dir).join("ncsh"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(fallback))
}

/// `$NCSH_HOME/state`, else `$XDG_STATE_HOME/ncsh`, else `~/.local/state/ncsh`: logs and history.
pub fn state_dir() -> Option<PathBuf> {
    xdg_dir("state", "XDG_STATE_HOME", ".local/state/ncsh")
}

/// `$NCSH_HOME/data`, else `$XDG_DATA_HOME/ncsh`, else `~/.local/share/ncsh`: the store.
pub fn data_dir() -> Option<PathBuf> {
    xdg_dir("data", "XDG_DATA_HOME", ".local/share/ncsh")
}

/// `$NCSH_HOME/runtime`, else `$XDG_RUNTIME_DIR/ncsh`, else `<state dir>/runtime`: the daemon's
/// socket and lock, which must not outlive a reboot where the system clears them.
pub fn runtime_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("NCSH_HOME") {
        return Some(PathBuf::from(home).join("runtime"));
    }
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|s| !s.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir).join("ncsh")),
        None => state_dir().map(|state| state.join("runtime")),
    }
}

/// The name of user `uid`, for the audit log: its entry in the password database, else `$USER`, else
/// the number.
pub fn user_name(uid: nix::unistd::Uid) -> String {
    nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map(|user| user.name)
        .or_else(|| std::env::var_os("USER").map(OsString::into_string)?.ok())
        .unwrap_or_else(|| format!("uid {uid}"))
}
