//! Where ncsh keeps its files: the XDG directories, all moved under `$NCSH_HOME` when it is set (the
//! tests set it).

use std::ffi::OsString;
use std::path::PathBuf;

/// `$NCSH_HOME/<under_home>`, else `$<xdg_var>/ncsh`, else `~/<fallback>`.
fn xdg_dir(under_home: &str, xdg_var: &str, fallback: &str) -> Option<PathBuf> {
    if let Some(home) = ncsh_home() {
        return Some(home.join(under_home));
    }
    if let Some(dir) = xdg_var_dir(xdg_var) {
        return Some(dir.join("ncsh"));
    }
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(|home| PathBuf::from(home).join(fallback))
}

/// `$NCSH_HOME`, made absolute: the daemon works from `/`, and must find the same files as the
/// shell that started it. Empty is unset, as for the XDG variables (an empty one made the daemon
/// write `/data`, `/runtime` and `/state`).
pub fn ncsh_home() -> Option<PathBuf> {
    let home = PathBuf::from(std::env::var_os("NCSH_HOME").filter(|s| !s.is_empty())?);
    if home.is_absolute() {
        return Some(home);
    }
    std::env::current_dir().ok().map(|cwd| cwd.join(home))
}

/// An XDG base directory variable's directory; the specification has a relative one ignored.
fn xdg_var_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
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
    if let Some(home) = ncsh_home() {
        return Some(home.join("runtime"));
    }
    match xdg_var_dir("XDG_RUNTIME_DIR") {
        Some(dir) => Some(dir.join("ncsh")),
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
